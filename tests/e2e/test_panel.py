"""The userscript's panel on the fake portal: before a sanitized HAR goes on, it says how many
secrets were removed and links to the review; "Cancel upload" (or a panel that disappears)
leaves nothing uploaded; without an answer the upload goes on after the service's pause."""

from __future__ import annotations

import time
from typing import Any, Iterator

import pytest

from harscrub.serve import HelperServer, ServeConfig, make_server, sanitize_bytes

from .conftest import PortalServer, serve_in_thread, stop
from .planted import leaked, planted_bytes
from .test_userscript import HAR_FILE, assert_clean, open_portal


def paused(portal: PortalServer, seconds: float) -> Iterator[HelperServer]:
    server = make_server(ServeConfig(port=0, allow_origins=frozenset({portal.origin}), upload_pause=seconds))
    serve_in_thread(server)
    yield server
    stop(server)


@pytest.fixture
def waiting(portal: PortalServer) -> Iterator[HelperServer]:
    """A pause long enough that the tests answer the panel themselves."""
    yield from paused(portal, 60)


@pytest.fixture
def brief(portal: PortalServer) -> Iterator[HelperServer]:
    yield from paused(portal, 1)


def counts(service: HelperServer) -> tuple[int, int]:
    summary = sanitize_bytes(planted_bytes(), service.config, "capture.har")[1]
    return int(summary["total"]), int(summary["distinct"])


def pick(page: Any, portal: PortalServer, service: HelperServer) -> str:
    open_portal(page, portal, service.port, service.config.token)
    page.set_input_files("#attachment", files=[HAR_FILE])
    return str(page.wait_for_selector("[data-harscrub=panel]").inner_text())


def test_panel_says_what_was_removed_and_opens_the_review(page: Any, portal: PortalServer, waiting: HelperServer) -> None:
    total, distinct = counts(waiting)
    text = pick(page, portal, waiting)
    assert text.startswith(f"harscrub removed {total} secrets ({distinct} distinct) from capture.har.")
    assert "The portal gets the sanitized copy in " in text
    assert portal.uploads == [] and page.eval_on_selector("#attachment", "e => e.files.length") == 0

    with page.context.expect_page() as opened:
        page.click("[data-harscrub-action=review]")
    review = opened.value
    review.wait_for_selector("#result:not([hidden])")
    assert review.url == waiting.base_url + "/"  # the token left the address bar
    assert review.inner_text("#readonly").startswith("What harscrub removed from capture.har for an upload on a portal")
    assert review.locator("li.secret").count() == distinct
    assert review.is_hidden("#download") and review.is_hidden("#tab-preview")
    assert all(review.eval_on_selector_all("li.secret input[type=checkbox]", "bs => bs.map((b) => b.disabled)"))
    assert leaked(review.content().encode()) == []
    assert "Review open in a new tab" in page.inner_text("[data-harscrub=panel]")  # no more countdown: it waits
    review.close()

    page.click("[data-harscrub-action=continue]")
    page.wait_for_selector("#uploaded li")
    assert page.inner_text("#uploaded") == "picker: capture.scrubbed.har"
    assert page.query_selector("[data-harscrub=panel]") is None
    assert_clean(portal)


def test_cancel_leaves_nothing_uploaded(page: Any, portal: PortalServer, waiting: HelperServer) -> None:
    pick(page, portal, waiting)
    page.click("#submit")  # the form is held while the panel waits
    assert "holds this form" in page.inner_text("[data-harscrub=busy]")
    page.click("[data-harscrub-action=cancel]")
    notice = page.wait_for_selector("[data-harscrub=cancelled]").inner_text()
    assert notice == "harscrub did not give capture.har to this page: you cancelled it. Nothing was uploaded."
    page.wait_for_selector("[data-harscrub=error]:has-text('did not send this form')")
    page.wait_for_timeout(200)
    assert portal.uploads == [] and page.eval_on_selector("#attachment", "e => e.files.length") == 0
    assert_clean(portal)


def test_a_panel_taken_away_by_the_page_blocks_the_upload(page: Any, portal: PortalServer, waiting: HelperServer) -> None:
    pick(page, portal, waiting)
    page.evaluate("document.querySelector('[data-harscrub=panel]').remove()")
    notice = page.wait_for_selector("[data-harscrub=cancelled]").inner_text()
    assert "the harscrub panel was closed before you answered" in notice
    assert portal.uploads == []


def test_without_an_answer_the_upload_goes_on_after_the_pause(page: Any, portal: PortalServer, brief: HelperServer) -> None:
    start = time.monotonic()
    text = pick(page, portal, brief)
    assert "The portal gets the sanitized copy in 1 s." in text
    page.wait_for_selector("#uploaded li")
    assert time.monotonic() - start >= 1
    assert page.inner_text("#uploaded") == "picker: capture.scrubbed.har"
    assert page.query_selector("[data-harscrub=panel]") is None
    assert_clean(portal)

"""The review in the helper page: every distinct secret listed, keep one (a critical one asks
first) and the download follows, an entry before and after with values masked until revealed,
an already-sanitized file, progress and sizes, the narrow layout, the page without a token."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

import pytest

from harscrub import __version__
from harscrub.detection.fingerprint import Fingerprinter
from harscrub.engine.sanitize import sanitize_file
from harscrub.serve import HelperServer, ServeConfig, make_server

from .conftest import serve_in_thread, stop
from .planted import PASSWORD, SECRETS, SESSION, leaked, planted_bytes, planted_har

SAMPLE = Path(__file__).parents[2] / "samples" / "okta-login.har"


def open_file(page: Any, service: HelperServer, data: bytes, name: str = "capture.har") -> None:
    page.goto(service.page_url)
    page.set_input_files("#picker", files=[{"name": name, "mimeType": "application/json", "buffer": data}])
    page.wait_for_selector("#result:not([hidden])")


def download(page: Any) -> tuple[str, bytes]:
    page.wait_for_selector("#download[href]")
    with page.expect_download() as info:
        page.click("#download")
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


def before_marker(har: bytes) -> bytes:
    return har[: har.rindex(b'"_harscrub"')]


class Traffic:
    """Every answer the service gives this page, read once the flow is over."""

    def __init__(self, page: Any, service: HelperServer) -> None:
        self.responses: list[Any] = []
        page.on("response", lambda r: self.responses.append(r) if r.url.startswith(service.base_url) else None)

    def grep(self, allowed: set[str]) -> list[str]:
        """Leaks in headers and bodies; bodies of the sanitize calls may hold only the ``allowed`` secrets."""
        found = []
        for r in self.responses:
            found += [f"{r.url} header: {x}" for x in leaked(json.dumps(r.headers).encode())]
            body = r.body()
            if "/api/sanitize" in r.url:
                found += [f"{r.url}: {x}" for x in leaked(body, tuple(s for s in SECRETS if s not in allowed))]
            else:
                found += [f"{r.url}: {x}" for x in leaked(body)]
        return found


@pytest.fixture
def okta(page: Any, service: HelperServer) -> Any:
    open_file(page, service, SAMPLE.read_bytes(), SAMPLE.name)
    return page


def test_review_lists_each_distinct_secret_once_with_the_right_counts(okta: Any, tmp_path: Path) -> None:
    cli = sanitize_file(SAMPLE, tmp_path / "cli.har")
    page = okta
    assert page.inner_text("#headline") == f"{len(cli.findings)} secrets removed ({cli.distinct_secrets} distinct) from 10 entries"
    cards = page.eval_on_selector_all("li.secret", """cards => cards.map((c) => ({
        fp: c.dataset.fingerprint, count: parseInt(c.querySelector('.count').textContent),
        rule: c.closest('section.group').dataset.rule, sev: c.querySelector('.sev').textContent}))""")
    assert len(cards) == cli.distinct_secrets == len({c["fp"] for c in cards})
    assert sum(c["count"] for c in cards) == len(cli.findings)
    order = ["critical", "high", "medium", "low"]
    groups = page.eval_on_selector_all("section.group", "gs => gs.map((g) => g.querySelector('.group-head .sev').textContent)")
    assert groups == sorted(groups, key=order.index) and groups[0] == "critical"
    session = [c for c in cards if c["rule"] == "session-cookie"]
    assert len(session) == len({f.fingerprint for f in cli.findings if f.rule == "session-cookie"})
    # the fingerprints are the placeholders of the file offered
    _, data = download(page)
    assert {m.decode() for m in re.findall(rb"\[REDACTED:[a-z0-9.-]+:([0-9a-f]{10})\]", data)} == {c["fp"] for c in cards}
    # entries can be found by URL or status
    page.click("#tab-preview")
    page.wait_for_selector("#entry-view .cols")
    page.fill("#entry-search", "authn")
    assert page.eval_on_selector_all("#entry-list button.entry", "bs => bs.map((b) => +b.dataset.entry)") == [3, 4]
    page.fill("#entry-search", "302")
    assert page.eval_on_selector_all("#entry-list button.entry", "bs => bs.map((b) => +b.dataset.entry)") == [0, 5]
    page.fill("#entry-search", "404")
    assert page.inner_text("#entry-list") == "No entry matches."


def test_keeping_a_critical_secret_asks_first_then_the_download_restores_exactly_it(page: Any, service: HelperServer) -> None:
    traffic = Traffic(page, service)
    open_file(page, service, planted_bytes())
    _, base = download(page)
    total = int(page.inner_text("#headline").split()[0])
    fp = Fingerprinter(service.config.policy.key)(PASSWORD)
    box = page.locator(f'li.secret[data-fingerprint="{fp}"] input[type=checkbox]')

    box.click()  # a critical secret: a confirmation that says what it is
    page.wait_for_selector("#confirm[open]")
    text = page.inner_text("#confirm-text")
    assert text.startswith("password-field (critical, ") and f"…({len(PASSWORD)} chars), 1 time in 1 entry" in text
    page.click("#confirm-cancel")
    assert not box.is_checked() and page.is_hidden("#confirm")
    assert page.get_attribute("#download", "href")  # nothing changed: no new run

    box.click()
    page.click("#confirm-keep")
    page.wait_for_selector("#status:has-text('Done: the download keeps 1 reviewed value')")
    assert box.is_checked()
    assert page.inner_text("#headline").startswith(f"{total - 1} secrets removed")
    assert page.inner_text("#subline").startswith("1 secret kept as it is (1 occurrence).")
    name, kept = download(page)
    assert name == "capture.scrubbed.har"
    assert before_marker(kept) == re.sub(rb"\[REDACTED:[a-z0-9.-]+:%s\]" % fp.encode(), PASSWORD.encode(), before_marker(base))
    page.click("#export summary")
    assert re.search(rf"^{fp}  # password-field \(critical", page.input_value("#ignore-text"), re.M)
    assert "new each time harscrub serve starts" in page.inner_text("#key-note")

    box.click()  # unkeep: no confirmation, back to the first file
    page.wait_for_selector("#status:has-text('keeps 0 reviewed values')")
    assert before_marker(download(page)[1]) == before_marker(base)
    assert traffic.grep(allowed={PASSWORD}) == []
    assert leaked(page.content().encode()) == []


def test_entry_preview_masks_values_until_one_is_revealed(page: Any, service: HelperServer) -> None:
    traffic = Traffic(page, service)
    open_file(page, service, planted_bytes())
    page.click("button.link:has-text('entry 0')")  # a place in the review opens its entry
    page.wait_for_selector("#entry-view .cols")
    assert page.is_visible("#preview-pane") and page.get_attribute("#entry-view", "data-entry") == "0"
    assert "[REDACTED:session-cookie:" in page.inner_text("#entry-view .after")
    assert leaked(page.content().encode()) == [], "the before view shows no value until asked"

    chip = page.locator("#entry-view .before .value:has-text('cookie: sid=') button.chip").first
    assert chip.inner_text().startswith("●●●● session-cookie · ")
    chip.click()
    assert chip.inner_text() == SESSION
    assert {x.split(" (")[0] for x in leaked(page.content().encode())} == {"secret #1"}
    chip.click()
    assert leaked(page.content().encode()) == []
    # the request body: the password masked within the JSON, the rest as it was
    body = page.locator("#entry-view .before h5:has-text('Request body') + .value")
    assert '"user": "jane@example.com", "password": "' in body.inner_text()
    body.locator("button.chip").click()
    assert PASSWORD in body.inner_text()
    assert traffic.grep(allowed=set()) == []


def test_an_already_sanitized_file_says_so_and_keeps_its_name(page: Any, service: HelperServer, tmp_path: Path) -> None:
    once = tmp_path / "okta-login.scrubbed.har"
    report = sanitize_file(SAMPLE, once)
    open_file(page, service, once.read_bytes(), once.name)
    note = page.inner_text("#earlier")
    assert note.startswith("Already sanitized. ")
    assert f"by harscrub {__version__} with the same rules as this service, and its entries are unchanged since" in note
    assert f"that run removed {len(report.findings)} secrets. This fresh pass found nothing more." in note
    assert page.inner_text("#headline").startswith("0 secrets removed")
    assert page.inner_text("#groups") == "Nothing to review: no secret was found in this file."
    assert page.inner_text("#download") == "Download okta-login.scrubbed.har"


def test_narrow_layout_stacks_cards_and_columns(browser: Any, service: HelperServer) -> None:
    context = browser.new_context(viewport={"width": 400, "height": 800})
    page = context.new_page()
    try:
        open_file(page, service, SAMPLE.read_bytes(), SAMPLE.name)
        width = "document.documentElement.scrollWidth"
        assert page.evaluate(width) <= 400
        right = page.eval_on_selector_all("li.secret, label.keep, #download",
                                          "els => Math.max(...els.map((e) => e.getBoundingClientRect().right))")
        assert right <= 400
        page.click("#tab-preview")
        page.wait_for_selector("#entry-view .cols")
        before = page.locator("#entry-view .col.before").bounding_box()
        after = page.locator("#entry-view .col.after").bounding_box()
        assert after["y"] >= before["y"] + before["height"] and after["width"] > 300
        assert page.evaluate(width) <= 400
    finally:
        context.close()


def test_without_a_valid_token_the_page_says_how_to_open_it_and_takes_no_file(page: Any, service: HelperServer) -> None:
    calls: list[str] = []
    page.on("request", lambda r: calls.append(r.url) if "/api/sanitize" in r.url else None)
    page.goto(service.base_url + "/")
    assert page.is_visible("#no-token") and "#token=" in page.inner_text("#no-token")
    assert page.is_disabled("#picker") and "disabled" in (page.get_attribute("#drop", "class") or "")
    page.evaluate("""(text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'capture.har'));
        document.getElementById('drop').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
    }""", planted_bytes().decode())
    page.wait_for_timeout(300)
    assert calls == [] and page.is_hidden("#result")

    page.goto("about:blank")
    page.goto(service.base_url + "/#token=from-an-earlier-run")
    page.wait_for_selector("#no-token:not([hidden])")
    assert "not the one of the running service" in page.inner_text("#no-token")
    assert page.is_disabled("#picker") and "token" not in page.url


@pytest.fixture
def small_service() -> Iterator[HelperServer]:
    server = make_server(ServeConfig(port=0, max_upload=2 << 20))
    serve_in_thread(server)
    yield server
    stop(server)


def test_progress_is_shown_and_sizes_are_human(page: Any, small_service: HelperServer) -> None:
    page.add_init_script(script="""
        window.__progress = [];
        document.addEventListener('DOMContentLoaded', () => {
          const text = document.getElementById('progress-text'), bar = document.getElementById('bar');
          new MutationObserver(() => window.__progress.push([text.textContent, bar.hasAttribute('value')]))
            .observe(text, {childList: true, characterData: true, subtree: true});
        });""")
    har = planted_har()
    har["log"]["entries"][0]["response"]["content"]["text"] = json.dumps({"rows": ["lorem ipsum dolor " * 4] * 20000})
    data = json.dumps(har).encode()
    assert 1 << 20 < len(data) < 2 << 20
    open_file(page, small_service, data)
    assert page.inner_text("#limit") == "(up to 2 MB)"
    states = page.evaluate("window.__progress")
    mb = f"{len(data) / (1 << 20):.1f} MB"
    assert any(t.startswith("Uploading capture.har") and t.endswith(f"of {mb}") and determinate for t, determinate in states)
    assert [f"Sanitizing capture.har ({mb})…", False] in states
    assert page.is_hidden("#progress")

    too_big = b" " * (5 << 19) + planted_bytes()
    page.set_input_files("#picker", files=[{"name": "big.har", "mimeType": "application/json", "buffer": too_big}])
    page.wait_for_selector("#status.problem")
    assert page.inner_text("#status") == ("big.har is 2.5 MB; the service accepts at most 2 MB "
                                          "(restart it with harscrub serve --max-upload BYTES).")

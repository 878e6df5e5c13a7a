"""The userscript on a fake support portal: the portal's server must only ever get sanitized bytes."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from harscrub.serve import HelperServer, render_userscript, sanitize_bytes

from .conftest import PortalServer, as_installed, free_port
from .planted import leaked, planted_bytes

HAR_FILE = {"name": "capture.har", "mimeType": "application/json", "buffer": planted_bytes()}
NOTES_FILE = {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"steps to reproduce: log in, click save"}

DROP = """([b64, name, selector]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const dt = new DataTransfer();
  dt.items.add(new File([bytes], name, {type: 'application/json'}));
  const target = document.querySelector(selector);
  const box = target.getBoundingClientRect();
  target.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true,
    clientX: box.x + 10, clientY: box.y + 10}));
}"""

PASTE = """([b64, name]) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const dt = new DataTransfer();
  dt.items.add(new File([bytes], name, {type: 'application/json'}));
  document.body.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
}"""


def open_portal(page: Any, portal: PortalServer, port: int, token: str, origins: frozenset[str] | None = None) -> None:
    page.add_init_script(script=as_installed(render_userscript(port, token, origins or frozenset({portal.origin}))))
    page.goto(portal.origin + "/")


def expected_removed(service: HelperServer) -> int:
    return int(sanitize_bytes(planted_bytes(), service.config, "capture.har")[1]["total"])


def assert_clean(portal: PortalServer) -> None:
    assert leaked(portal.all_bytes()) == [], "a planted secret reached the portal's server"


def drop(page: Any, selector: str, data: bytes = planted_bytes(), name: str = "capture.har") -> None:
    page.evaluate(DROP, [base64.b64encode(data).decode(), name, selector])


def test_picked_har_is_swapped_for_the_sanitized_copy(page: Any, portal: PortalServer, service: HelperServer) -> None:
    open_portal(page, portal, service.port, service.config.token)
    page.set_input_files("#attachment", files=[HAR_FILE, NOTES_FILE])
    page.wait_for_selector("#uploaded li")
    assert page.inner_text("#uploaded") == "picker: capture.scrubbed.har\npicker: notes.txt"
    names = page.eval_on_selector("#attachment", "e => Array.from(e.files).map((f) => f.name)")
    assert names == ["capture.scrubbed.har", "notes.txt"]
    notice = page.inner_text("[data-harscrub=done]")
    assert re.match(rf"harscrub removed {expected_removed(service)} secrets\b", notice)
    assert len(portal.uploads) == 1
    assert b"[REDACTED:" in portal.uploads[0] and b"steps to reproduce" in portal.uploads[0]
    assert_clean(portal)


def test_dropped_har_is_swapped_for_the_sanitized_copy(page: Any, portal: PortalServer, service: HelperServer) -> None:
    open_portal(page, portal, service.port, service.config.token)
    drop(page, "#dropzone")
    page.wait_for_selector("#uploaded li")
    assert page.inner_text("#uploaded") == "drop: capture.scrubbed.har"
    assert page.inner_text("[data-harscrub=done]").startswith(f"harscrub removed {expected_removed(service)} secrets")
    upload = portal.uploads[0]
    har = json.loads(upload[upload.index(b"\r\n\r\n{") + 4: upload.rindex(b"}") + 1])
    assert "_harscrub" in har["log"]
    assert_clean(portal)


def test_pasted_har_is_swapped_for_the_sanitized_copy(page: Any, portal: PortalServer, service: HelperServer) -> None:
    open_portal(page, portal, service.port, service.config.token)
    page.evaluate(PASTE, [base64.b64encode(planted_bytes()).decode(), "capture.har"])
    page.wait_for_selector("#uploaded li")
    assert page.inner_text("#uploaded") == "paste: capture.scrubbed.har"
    assert_clean(portal)


def test_input_inside_a_closed_shadow_root_is_covered(page: Any, portal: PortalServer, service: HelperServer) -> None:
    open_portal(page, portal, service.port, service.config.token)
    page.evaluate_handle("window.__widgetInput").as_element().set_input_files(files=[HAR_FILE])
    page.wait_for_selector("#uploaded li")
    assert page.inner_text("#uploaded") == "widget: capture.scrubbed.har"
    assert_clean(portal)


def assert_blocked(page: Any, portal: PortalServer, why: str) -> None:
    notice = page.wait_for_selector("[data-harscrub=error]").inner_text()
    assert notice.startswith("harscrub blocked the upload of capture.har")
    assert why in notice
    assert page.eval_on_selector("#attachment", "e => e.files.length") == 0
    assert portal.uploads == []


def test_service_down_blocks_picker_drop_and_form(page: Any, portal: PortalServer) -> None:
    open_portal(page, portal, free_port(), "any-token")
    page.set_input_files("#attachment", files=[HAR_FILE])
    assert_blocked(page, portal, "could not be reached")
    page.click("[data-harscrub=error]")  # dismiss
    drop(page, "#dropzone")
    assert_blocked(page, portal, "could not be reached")
    # submitting the form now sends no file content at all
    with page.expect_navigation():
        page.click("#submit")
    assert len(portal.uploads) == 1 and b"Hunter2" not in portal.uploads[0]
    assert_clean(portal)


def test_wrong_token_blocks_the_upload(page: Any, portal: PortalServer, service: HelperServer) -> None:
    open_portal(page, portal, service.port, "not-the-token")
    page.set_input_files("#attachment", files=[HAR_FILE])
    assert_blocked(page, portal, "refused it: missing or wrong token")
    assert_clean(portal)


def test_origin_not_allowed_by_the_service_blocks_the_upload(page: Any, portal: PortalServer) -> None:
    from harscrub.serve import ServeConfig, make_server

    from .conftest import serve_in_thread, stop

    other = make_server(ServeConfig(port=0, allow_origins=frozenset({"https://support.example.com"})))
    serve_in_thread(other)
    try:
        open_portal(page, portal, other.port, other.config.token)
        page.set_input_files("#attachment", files=[HAR_FILE])
        assert_blocked(page, portal, "could not be reached")
    finally:
        stop(other)
    assert_clean(portal)

"""Every way a support portal takes a file, against the userscript, in Chromium.

Each mechanism is a page of the fake portal (``tests/e2e/portal/``) and runs twice:

- service up: the portal's server gets the sanitized HAR (never a planted secret, in any
  encoding, and never an empty upload in its place) and the page shows the "removed" notice;
- service down: the upload is blocked with a red notice and the portal's server gets nothing.

User actions are the browser's own where Chromium offers them: files chosen through the file
chooser or set on an input (``DOM.setFileInputFiles``, which reaches into closed shadow roots),
files and folders dragged from disk (``Input.dispatchDragEvent``). Only paste is synthetic.

The userscript is injected the way a userscript manager injects it (``as_installed``): only into
frames whose URL an ``@match`` line matches, so srcdoc, about:blank and blob: frames must be
guarded by the script in their parent, as in a real browser.

The mechanisms marked ``ci=False`` repeat a path another one covers (a name variant, a second
drop API); they run when ``HARSCRUB_E2E_ALL=1`` is set.
"""

from __future__ import annotations

import base64
import gzip
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from harscrub.serve import HelperServer, ServeConfig, make_server, render_userscript

from .conftest import PortalServer, as_installed, free_port, serve_in_thread, stop
from .planted import leaked, planted_bytes

ALL = os.environ.get("HARSCRUB_E2E_ALL") == "1"
NOTES = b"steps to reproduce: log in, click save, the page loops\n"


@pytest.fixture(scope="module")
def bench_portal() -> Iterator[PortalServer]:
    server = PortalServer()
    serve_in_thread(server)
    yield server
    stop(server)


@pytest.fixture(scope="module")
def bench_service(bench_portal: PortalServer) -> Iterator[HelperServer]:
    """The helper service, allowing the portal and its widget origin. The userscript's panel does
    not wait here (``upload_pause=0``): each mechanism is about the guard; the panel, which sits in
    the one path every mechanism shares, has its own tests (test_panel.py)."""
    origins = frozenset({bench_portal.origin, bench_portal.widget_origin})
    server = make_server(ServeConfig(port=0, allow_origins=origins, upload_pause=0))
    serve_in_thread(server)
    yield server
    stop(server)


def wait_for(what: str, check: Callable[[], Any], page: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        page.wait_for_timeout(40)


def walk_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for key in ("children", "shadowRoots"):
        for child in node.get(key, []):
            yield from walk_nodes(child)
    if "contentDocument" in node:
        yield from walk_nodes(node["contentDocument"])


def attributes(node: dict[str, Any]) -> dict[str, str]:
    values = node.get("attributes", [])
    return dict(zip(values[::2], values[1::2]))


class User:
    """What a person does on the portal page, with files that sit in a folder on disk."""

    def __init__(self, page: Any, portal: PortalServer, folder: Path, service_url: str) -> None:
        self.page = page
        self.portal = portal
        self.folder = folder
        self.service_url = service_url
        self.cdp = page.context.new_cdp_session(page)

    def path(self, name: str) -> str:
        return str(self.folder / name)

    def _frame(self, frame: str | None) -> Any:
        return self.page.frame_locator(frame) if frame else self.page

    def pick(self, selector: str, names: list[str], frame: str | None = None) -> None:
        """Choose files in a file input (as through its file chooser)."""
        self._frame(frame).locator(selector).set_input_files([self.path(n) for n in names])

    def choose_after_click(self, selector: str, names: list[str]) -> None:
        """Click a button that opens a file chooser, then choose the files in it."""
        with self.page.expect_file_chooser() as chooser:
            self.page.click(selector)
        chooser.value.set_files([self.path(n) for n in names])

    def _deep(self, host_id: str, node_name: str) -> int:
        root = self.cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
        host = next(n for n in walk_nodes(root) if attributes(n).get("id") == host_id)
        return int(next(n for n in walk_nodes(host) if n.get("nodeName") == node_name
                        and attributes(n).get("type", "file" if node_name == "INPUT" else "") in ("file", "submit", ""))["backendNodeId"])

    def pick_folder(self, selector: str, name: str) -> None:
        """Choose a folder in an ``<input webkitdirectory>`` (Playwright's own way waits for the
        input's change event, which a blocked file never gets)."""
        root = self.cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = self.cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        self.cdp.send("DOM.setFileInputFiles", {"files": [self.path(name)], "nodeId": node})

    def pick_inside(self, host_id: str, names: list[str]) -> None:
        """Choose files in the file input inside a shadow root, closed ones too (as the browser's chooser does)."""
        node = self._deep(host_id, "INPUT")
        self.cdp.send("DOM.setFileInputFiles", {"files": [self.path(n) for n in names], "backendNodeId": node})

    def click_inside(self, host_id: str, node_name: str) -> None:
        obj = self.cdp.send("DOM.resolveNode", {"backendNodeId": self._deep(host_id, node_name)})["object"]["objectId"]
        self.cdp.send("Runtime.callFunctionOn", {"objectId": obj, "functionDeclaration": "function () { this.click(); }"})

    def drop(self, selector: str, names: list[str]) -> None:
        """Drag files or folders from disk and drop them on an element."""
        box = self.page.locator(selector).bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        data = {"items": [], "files": [self.path(n) for n in names], "dragOperationsMask": 1}
        for kind in ("dragEnter", "dragOver", "drop"):
            self.cdp.send("Input.dispatchDragEvent", {"type": kind, "x": x, "y": y, "data": data})

    def paste(self, names: list[str]) -> None:
        files = [[n, base64.b64encode((self.folder / n).read_bytes()).decode()] for n in names]
        self.page.evaluate("""(files) => {
          const dt = new DataTransfer();
          for (const [name, b64] of files) dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name));
          document.body.dispatchEvent(new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}));
        }""", files)

    def hold_service(self) -> list[Any]:
        """Hold the userscript's calls to the service until the test releases them."""
        held: list[Any] = []

        def handle(route: Any) -> None:
            if route.request.method == "OPTIONS":
                route.continue_()
            else:
                held.append(route)

        self.page.route(re.compile(re.escape(self.service_url) + r"/api/sanitize\?.*"), handle)
        return held


def notice(page: Any, kind: str, timeout: float = 20.0) -> str:
    """The text of the harscrub notice of this kind, in whichever frame it is shown."""
    def find() -> str | None:
        for frame in page.frames:
            try:
                box = frame.query_selector(f"[data-harscrub={kind}]")
                if box:
                    return str(box.inner_text())
            except Exception:  # noqa: BLE001 - a frame navigating away
                continue
        return None
    return str(wait_for(f"a {kind} notice", find, page, timeout))


def reported(page: Any, names: tuple[str, ...]) -> bool:
    """The page lists every one of ``names`` as uploaded (so its last request is done)."""
    shown = []
    for frame in page.frames:
        try:
            shown += frame.eval_on_selector_all("#uploaded li", "items => items.map((li) => li.textContent)")
        except Exception:  # noqa: BLE001 - a frame navigating away
            continue
    return all(any(text.endswith(": " + name) for text in shown) for name in names)


def carries_sanitized_har(data: bytes) -> bool:
    """The sanitized HAR (its harscrub marker) is in ``data``, raw or as a base64 data: URL."""
    if b'"_harscrub"' in data:
        return True
    return any(b'"_harscrub"' in base64.b64decode(m.group(1) + b"==="[: -len(m.group(1)) % 4 or None])
               for m in re.finditer(rb"base64,([A-Za-z0-9+/]+=*)", data))


# -- the mechanisms --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Way:
    id: str
    page: str
    act: Callable[[User, bool], None]
    sent: tuple[str, ...] = ("capture.scrubbed.har",)  # what the portal gets with the service up
    ci: bool = True
    navigates: bool = False  # a form the browser submits: the page (and its notice) is gone after


def picks(selector: str = "#file", names: tuple[str, ...] = ("capture.har",), frame: str | None = None) -> Callable[[User, bool], None]:
    return lambda user, up: user.pick(selector, list(names), frame)


def drops(selector: str, names: tuple[str, ...]) -> Callable[[User, bool], None]:
    return lambda user, up: user.drop(selector, list(names))


def form_then_submit(user: User, up: bool) -> None:
    """Choose the file, wait for harscrub, then submit (with the service down, the red notice stops the user)."""
    user.pick("#file", ["capture.har"])
    if up:
        notice(user.page, "done")
        user.page.click("#send")


def submit_while_sanitizing(button: str) -> Callable[[User, bool], None]:
    """Submit the form while the service is still working on the file: the submit waits for it."""
    def act(user: User, up: bool) -> None:
        held = user.hold_service()
        user.pick("#file", ["capture.har"])
        wait_for("the call to the service", lambda: held, user.page)
        user.page.click(button, no_wait_after=True)
        assert "holds this form" in notice(user.page, "busy")
        user.page.wait_for_timeout(300)
        assert user.portal.uploads == [], "the form went out before its file was sanitized"
        if up:
            held[0].continue_()
        else:
            held[0].abort()
    return act


def declarative_form(user: User, up: bool) -> None:
    user.pick_inside("widget", ["capture.har"])
    user.click_inside("widget", "BUTTON")


FOLDER = ("logs", "capture.har")  # logs/network/capture.json is a HAR by content, logs/notes.txt is not
FOLDER_SENT = ("capture.scrubbed.json", "notes.txt", "capture.scrubbed.har")

WAYS = [
    # what worked before issue 17
    Way("form", "form", form_then_submit, navigates=True),
    Way("fetch-formdata", "fetch-formdata", picks(names=("capture.har", "notes.txt")), ("capture.scrubbed.har", "notes.txt")),
    Way("xhr-formdata", "xhr-formdata", picks()),
    Way("fetch-blob-body", "fetch-blob", picks()),
    Way("fetch-text-body", "fetch-text", picks()),
    Way("drop-on-div", "drop-div", drops("#dropzone", ("capture.har", "notes.txt")), ("capture.scrubbed.har", "notes.txt")),
    Way("paste", "paste", lambda user, up: user.paste(["capture.har"])),
    Way("chunked-slices", "chunked", picks()),
    Way("filereader", "filereader", picks()),
    Way("iframe-from-url", "iframe-url", picks(frame="#child")),
    Way("worker", "worker", picks()),
    Way("har-gz", "fetch-formdata", picks(names=("capture.har.gz",))),
    Way("upper-case-name", "fetch-formdata", picks(names=("CAPTURE.HAR",)), ("CAPTURE.scrubbed.har",)),
    Way("closed-shadow-root", "closed-shadow", lambda user, up: user.pick_inside("widget", ["capture.har"])),
    Way("open-shadow-root", "open-shadow", lambda user, up: user.pick_inside("widget", ["capture.har"]), ci=False),
    # what issue 17 found open
    Way("folder-drop", "drop-folder", drops("#dropzone", FOLDER), FOLDER_SENT),
    Way("srcdoc-iframe", "srcdoc", picks(frame="#child")),
    Way("about-blank-iframe", "about-blank", picks(frame="#child")),
    Way("blob-iframe", "blob-frame", picks(frame="#child")),
    Way("json-named", "fetch-formdata", picks(names=("capture.json",)), ("capture.scrubbed.json",)),
    Way("txt-named", "fetch-formdata", picks(names=("capture.txt",)), ("capture.scrubbed.txt",)),
    Way("no-extension", "fetch-formdata", picks(names=("capture",)), ("capture.scrubbed",), ci=False),
    Way("bom-and-whitespace", "fetch-formdata", picks(names=("export.txt",)), ("export.scrubbed.txt",), ci=False),
    Way("gzip-by-content", "fetch-formdata", picks(names=("capture.json.gz",)), ("capture.json.scrubbed.har",), ci=False),
    Way("detached-input", "detached", lambda user, up: user.choose_after_click("#attach", ["capture.har"])),
    Way("declarative-closed-shadow-root", "dsd-closed", lambda user, up: user.pick_inside("widget", ["capture.har"])),
    Way("second-origin-widget", "widget-host", picks(frame="#widget")),
    Way("submit-while-sanitizing", "form", submit_while_sanitizing("#send"), navigates=True),
    Way("drop-on-file-input", "drop-input", drops("#file", ("capture.har",))),
    # more of the same kinds: other APIs for the same paths
    Way("form-submit-script-while-sanitizing", "form", submit_while_sanitizing("#script-submit"), ci=False, navigates=True),
    Way("formdata-of-form-while-sanitizing", "form-fetch", submit_while_sanitizing("#send")),
    Way("drop-items-getasfile", "drop-items", drops("#dropzone", ("capture.har",)), ci=False),
    Way("drop-filesystem-handles", "drop-handles", drops("#dropzone", FOLDER), FOLDER_SENT, ci=False),
    Way("folder-input", "directory-input", lambda user, up: user.pick_folder("#file", "logs"), ("capture.scrubbed.json", "notes.txt"), ci=False),
    Way("show-open-file-picker", "open-file-picker", lambda user, up: user.choose_after_click("#attach", ["capture.har"])),
    Way("show-directory-picker", "open-directory-picker", lambda user, up: user.choose_after_click("#attach", ["logs"]),
        ("capture.scrubbed.json", "notes.txt"), ci=False),
    Way("declarative-closed-form", "dsd-form", declarative_form, navigates=True),
]


def write_files(folder: Path) -> None:
    har = planted_bytes()
    for name in ("capture.har", "CAPTURE.HAR", "capture.json", "capture.txt", "capture"):
        (folder / name).write_bytes(har)
    (folder / "capture.har.gz").write_bytes(gzip.compress(har))
    (folder / "capture.json.gz").write_bytes(gzip.compress(har))
    (folder / "export.txt").write_bytes(b"\xef\xbb\xbf \r\n\t " + har)
    (folder / "notes.txt").write_bytes(NOTES)
    (folder / "logs" / "network").mkdir(parents=True)
    (folder / "logs" / "network" / "capture.json").write_bytes(har)
    (folder / "logs" / "notes.txt").write_bytes(NOTES)


def open_page(page: Any, portal: PortalServer, name: str, script: str) -> None:
    page.add_init_script(script=as_installed(script))
    page.goto(f"{portal.origin}/m/{name}.html")


@pytest.fixture
def user(page: Any, bench_portal: PortalServer, tmp_path: Path) -> User:
    bench_portal.reset()
    write_files(tmp_path)
    return User(page, bench_portal, tmp_path, "")


def params(ways: list[Way]) -> list[Any]:
    return [pytest.param(w, id=w.id, marks=() if w.ci or ALL else pytest.mark.skip(reason="HARSCRUB_E2E_ALL=1 runs it"))
            for w in ways]


@pytest.mark.parametrize("way", params(WAYS))
def test_service_up_the_portal_gets_only_the_sanitized_file(way: Way, user: User, bench_service: HelperServer) -> None:
    portal = user.portal
    user.service_url = bench_service.base_url
    script = render_userscript(bench_service.port, bench_service.config.token, bench_service.config.allow_origins)
    open_page(user.page, portal, way.page, script)
    way.act(user, True)
    wait_for(f"the portal to receive {way.sent}", lambda: set(way.sent) <= set(portal.names), user.page)
    if not way.navigates:
        wait_for("the page to report the upload", lambda: reported(user.page, way.sent), user.page)
        assert re.match(r"harscrub removed [1-9]\d* secrets? from ", notice(user.page, "done"))
    uploads = b"".join(portal.uploads)
    assert carries_sanitized_har(uploads), "the upload does not hold the sanitized HAR"
    assert leaked(uploads) == [] and leaked(portal.all_bytes()) == [], "a planted secret reached the portal"
    assert not {"capture.har", "capture.json", "capture.txt", "capture", "CAPTURE.HAR"} & set(portal.names)


@pytest.mark.parametrize("way", params(WAYS))
def test_service_down_the_upload_is_blocked_and_nothing_sent(way: Way, user: User, bench_portal: PortalServer) -> None:
    port = free_port()
    user.service_url = f"http://127.0.0.1:{port}"
    open_page(user.page, bench_portal, way.page, render_userscript(port, "stale-token", frozenset(
        {bench_portal.origin, bench_portal.widget_origin})))
    way.act(user, False)
    text = notice(user.page, "error")
    assert text.startswith("harscrub blocked the upload of ") or text.startswith("harscrub did not send this form")
    user.page.wait_for_timeout(400)  # time for anything the page would still send
    assert bench_portal.uploads == [], "the portal received an upload although the service is down"
    assert leaked(bench_portal.all_bytes()) == []


# -- what counts as a HAR ----------------------------------------------------------------------------
HAR_OR_NOT = [
    ("har-minimal", b'{"log": {"entries": []}}', True),
    ("har-log-not-first", b'{"comment": "x", "log": {"version": "1.2", "creator": {"name": "x"}, "entries": [{}]}}', True),
    ("har-escaped-key", b'{"\\u006cog": {"entries": []}}', True),
    ("har-truncated", b'{"log": {"version": "1.2", "pages": [{"id": "p', True),
    ("utf16-json", "\ufeff{\"log\": {\"entries\": []}}".encode("utf-16-le"), True),
    ("gzip-har", gzip.compress(b'{"log": {"entries": []}}'), True),
    ("undecided-within-8-mib", b'{"blob": "' + b"x" * (9 << 20) + b'"}', True),  # fail closed
    ("json-without-log", b'{"data": [1, 2, {"log": {"entries": []}}]}', False),
    ("entries-beside-log", b'{"log": "text", "entries": []}', False),
    ("entries-deeper", b'{"log": {"creator": {"entries": 1}}}', False),
    ("json-array", b'[{"log": {"entries": []}}]', False),
    ("gzip-text", gzip.compress(b"plain text log\n" * 20), False),
    ("png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, False),
    ("rtf", b"{\\rtf1\\ansi hello}", False),
]


@pytest.mark.parametrize("content,is_har", [pytest.param(c, h, id=i) for i, c, h in HAR_OR_NOT])
def test_a_file_is_a_har_by_content_whatever_its_name(content: bytes, is_har: bool, user: User,
                                                      bench_portal: PortalServer) -> None:
    """With the service down a HAR is blocked, and any other file goes through untouched."""
    (user.folder / "upload.dat").write_bytes(content)
    port = free_port()
    open_page(user.page, bench_portal, "fetch-formdata", render_userscript(port, "t", frozenset({bench_portal.origin})))
    user.pick("#file", ["upload.dat"])
    if is_har:
        assert notice(user.page, "error").startswith("harscrub blocked the upload of upload.dat")
        user.page.wait_for_timeout(300)
        assert bench_portal.uploads == []
    else:
        wait_for("the upload", lambda: bench_portal.names == ["upload.dat"], user.page)
        assert content in bench_portal.uploads[0]


def test_a_widget_on_an_origin_not_allowed_gets_a_warning(user: User, bench_service: HelperServer) -> None:
    """Not covered (README): the script cannot run there. The portal page says so when the user goes into it."""
    portal = user.portal
    script = render_userscript(bench_service.port, bench_service.config.token, frozenset({portal.origin}))
    open_page(user.page, portal, "widget-host", script)
    user.page.frame_locator("#widget").locator("#file").focus()
    text = notice(user.page, "warn")
    assert portal.widget_origin in text and f"--allow-origin {portal.widget_origin}" in text

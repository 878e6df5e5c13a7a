"""Browser fixtures: Debian's Chromium driven by Playwright, the helper service, a fake portal.

Playwright cannot download its own browsers here, so it drives ``/usr/bin/chromium``
(``apt-get install chromium``; ``.ci/run`` installs it). Without it these tests skip, saying so.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from harscrub.serve import HelperServer, ServeConfig, make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium): browser tests skipped")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install -e '.[e2e]')")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1100, "height": 800})
    context.set_default_timeout(20_000)
    pg = context.new_page()
    yield pg
    context.close()


def serve_in_thread(server: ThreadingHTTPServer) -> None:
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()


def stop(server: ThreadingHTTPServer) -> None:
    server.shutdown()
    server.server_close()


# -- the fake support portal -------------------------------------------------------------------------
PORTAL_PAGE = b"""<!doctype html>
<html><head><meta charset="utf-8"><title>Acme Support: new case</title></head>
<body>
<h1>Acme Support: open a case</h1>
<form id="case" action="/form" method="post" enctype="multipart/form-data">
  <input type="file" id="attachment" name="attachment" multiple>
  <button id="submit">Submit</button>
</form>
<div id="dropzone" style="width:420px;height:160px;border:2px dashed #888">Drop attachments here</div>
<upload-widget></upload-widget>
<ul id="uploaded"></ul>
<script>
  async function send(files, via) {
    const fd = new FormData();
    for (const f of files) fd.append('attachment', f, f.name);
    const res = await fetch('/upload?via=' + via, {method: 'POST', body: fd});
    for (const name of (await res.json()).names) {
      const li = document.createElement('li');
      li.textContent = via + ': ' + name;
      document.getElementById('uploaded').appendChild(li);
    }
  }
  document.getElementById('attachment').addEventListener('change', (e) => send(e.target.files, 'picker'));
  document.addEventListener('paste', (e) => { if (e.clipboardData.files.length) send(e.clipboardData.files, 'paste'); });
  const dz = document.getElementById('dropzone');
  dz.addEventListener('dragover', (e) => e.preventDefault());
  dz.addEventListener('drop', (e) => { e.preventDefault(); send(e.dataTransfer.files, 'drop'); });
  // A component with a closed shadow root, like many portal widgets: its `change` never leaves it.
  customElements.define('upload-widget', class extends HTMLElement {
    constructor() {
      super();
      const root = this.attachShadow({mode: 'closed'});
      root.innerHTML = '<label>Widget attachment <input type="file"></label>';
      const input = root.querySelector('input');
      input.addEventListener('change', () => send(input.files, 'widget'));
      window.__widgetInput = input;  // for the test only: closed roots are out of Playwright's reach
    }
  });
</script>
</body></html>
"""


#: One page per way a portal takes a file (tests/e2e/test_upload_paths.py), served under /m/.
PORTAL_PAGES = Path(__file__).with_name("portal")
PAGE_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


class PortalServer(ThreadingHTTPServer):
    """Records every byte of every request it receives (line, headers, body).

    It answers on two origins: ``origin`` (127.0.0.1) is the portal, ``widget_origin``
    (localhost, same port) a second origin its upload widgets can come from.
    """

    daemon_threads = True

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.uploads: list[bytes] = []
        self.names: list[str] = []  # the file names of every upload, as the portal saw them
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), PortalHandler)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    @property
    def widget_origin(self) -> str:
        return f"http://localhost:{self.server_address[1]}"

    def all_bytes(self) -> bytes:
        with self.lock:
            return b"\n".join(self.received)

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.uploads.clear()
            self.names.clear()


class PortalHandler(BaseHTTPRequestHandler):
    server: PortalServer
    protocol_version = "HTTP/1.1"

    def _record(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with self.server.lock:
            self.server.received.append(self.requestline.encode() + b"\n" + bytes(self.headers) + body)
        return body

    def _answer(self, body: bytes, ctype: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._record()
        path = urlsplit(self.path).path
        page = PORTAL_PAGES / path.removeprefix("/m/")
        if path == "/":
            self._answer(PORTAL_PAGE, "text/html; charset=utf-8")
        elif path.startswith("/m/") and "/" not in path[3:] and page.suffix in PAGE_TYPES and page.is_file():
            self._answer(page.read_bytes(), PAGE_TYPES[page.suffix])
        else:
            self.send_error(404)

    def do_POST(self) -> None:
        body = self._record()
        names = [m.decode() for m in re.findall(rb'filename="([^"]*)"', body)]
        names += parse_qs(urlsplit(self.path).query).get("name", [])
        with self.server.lock:
            self.server.uploads.append(body)
            self.server.names.extend(names)
        if self.path.startswith("/upload"):
            self._answer(json.dumps({"names": names}).encode(), "application/json")
        else:
            self._answer(b"<p>case submitted</p>", "text/html")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def portal() -> Iterator[PortalServer]:
    server = PortalServer()
    serve_in_thread(server)
    yield server
    stop(server)


@pytest.fixture
def service(portal: PortalServer) -> Iterator[HelperServer]:
    """The helper service, allowing the fake portal's origin; the userscript's panel does not wait
    (``upload_pause=0``: the upload goes on at once; tests/e2e/test_panel.py covers the panel)."""
    server = make_server(ServeConfig(port=0, allow_origins=frozenset({portal.origin}), upload_pause=0))
    serve_in_thread(server)
    yield server
    stop(server)


def as_installed(script: str) -> str:
    """The userscript as a userscript manager runs it: at document-start, only in the frames whose
    URL one of its ``@match`` lines matches (any port, as the lines have none). srcdoc,
    about:blank and blob: frames match none: the script in their parent has to guard them."""
    patterns = re.findall(r"^// @match\s+(\S+)$", script, re.M)
    regexes = []
    for pattern in patterns:
        scheme, _, rest = pattern.partition("://")
        host, _, path = rest.partition("/")
        regexes.append("^" + re.escape(scheme) + "://" + re.escape(host) + r"(:\d+)?/" + re.escape(path).replace(r"\*", ".*") + "$")
    return f"if ({json.dumps(regexes)}.some((r) => new RegExp(r).test(location.href))) {{\n{script}\n}}\n"


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])

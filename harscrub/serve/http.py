"""The local helper service behind ``harscrub serve``: sanitize a HAR in the browser.

A page on 127.0.0.1 (``harscrub/web/``) and a userscript on support-portal pages send a HAR to
``POST /api/sanitize``; the service runs the same two-pass pipeline as ``harscrub sanitize``,
entirely in memory, and answers with the sanitized file plus a summary that names rules and
places, never values. Because any web page the user visits can aim requests at 127.0.0.1,
every request passes these checks before anything else happens:

- the socket is bound to 127.0.0.1 only, never to a routable address;
- the ``Host`` header must be ``127.0.0.1`` or ``localhost`` (with this port): a DNS-rebinding
  page, whose requests carry its own host name, is refused;
- every API call (and the userscript, which embeds it) needs the per-run token, sent in the
  ``X-Harscrub-Token`` header (or ``?token=``); compared in constant time;
- a request from another web origin is refused unless the user allowed that origin
  (``--allow-origin`` or the config file); only those origins get CORS headers;
- bodies above the upload cap get a 413 before they are read; nothing is written to disk and
  there is no route that reads or lists files: the static files are a fixed table.

The review (``GET /api/review/<id>``, its id in the summary header) lists each distinct secret
by fingerprint, kind, place and masked preview; it is held in memory for a few minutes, answers
only this service's own page, and never holds a value. ``POST /api/sanitize?keep=FP,FP`` sanitizes
the file sent again with those secrets left as they are: the values come from the caller's own
upload, never from anything the service keeps.

The service is bounded whatever its callers do: an upload is read only once it holds one of
``MAX_JOBS`` job slots (it waits ``ADMIT_WAIT`` seconds for one, with its body unread, then
gets 503 with ``Retry-After``), so at most ``MAX_JOBS`` uploads are in memory at once; the
listen backlog is deep enough that a burst of connections queues instead of being reset; a
decompressed size over the cap (a gzip bomb) is 413 like a large upload; and a client that
goes away mid-request or mid-response costs one log line, never a traceback.
"""

from __future__ import annotations

import json
import logging
import socket
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from harscrub._version import __version__
from harscrub.errors import HarscrubError, InputTooLargeError
from harscrub.serve.config import LOOPBACK, ServeConfig
from harscrub.serve.guard import host_allowed, token_matches
from harscrub.serve.jobs import upload_name
from harscrub.serve.memory import return_large_buffers
from harscrub.serve.outcome import sanitize_for_review
from harscrub.serve.review import ReviewStore, parse_keep
from harscrub.serve.userscript import render_userscript, web_file

TOKEN_HEADER = "X-Harscrub-Token"
SUMMARY_HEADER = "X-Harscrub-Summary"
#: A refused upload is read and discarded up to this size so the browser sees the answer
#: (closing on an unread body makes it report a network error instead of the 413).
DRAIN_LIMIT = 1 << 30
#: Uploads admitted at once: each holds its body, the spool and the output in memory, so peak
#: memory is about MAX_JOBS x 5 x the upload (docs/hardening.md has the measured figure).
MAX_JOBS = 2
#: Seconds an upload waits for a job slot, its body unread, before it is answered 503.
ADMIT_WAIT = 10.0
#: What a 503 tells the client to wait before trying again (seconds).
RETRY_AFTER = 5
#: Connections the kernel queues before the server accepts them: a burst of uploads waits in
#: this queue instead of being reset (socketserver's default is 5).
LISTEN_BACKLOG = min(1024, socket.SOMAXCONN)
#: What a client that goes away raises while its request is read or its answer written.
DISCONNECTS = (ConnectionResetError, BrokenPipeError, ConnectionAbortedError, TimeoutError, socket.timeout)

log = logging.getLogger("harscrub.serve")

#: The only files served. No path from a request ever reaches the file system.
STATIC: dict[str, tuple[str, str]] = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/style.css": ("style.css", "text/css; charset=utf-8"),
    "/review.js": ("review.js", "text/javascript; charset=utf-8"),
    "/preview.js": ("preview.js", "text/javascript; charset=utf-8"),
}
REVIEW_PREFIX = "/api/review/"
USERSCRIPT_PATH = "/harscrub.user.js"
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


class HelperServer(ThreadingHTTPServer):
    """The loopback HTTP server; holds the config and limits concurrent jobs."""

    daemon_threads = True
    allow_reuse_address = False  # never share the port with another listener
    request_queue_size = LISTEN_BACKLOG

    def __init__(self, config: ServeConfig, *, max_jobs: int = MAX_JOBS, admit_wait: float = ADMIT_WAIT) -> None:
        self.config = config
        self.jobs = threading.BoundedSemaphore(max_jobs)
        self.max_jobs = max_jobs
        self.admit_wait = admit_wait
        self.reviews = ReviewStore()
        super().__init__((LOOPBACK, config.port), Handler)
        _ = config.policy.rules  # load and validate the rules once, before the first request
        # Jobs run on a fixed set of threads: compiled detectors are kept per thread, so a
        # thread per connection would compile (and hold) them again for every upload.
        self.workers = ThreadPoolExecutor(max_workers=max_jobs, thread_name_prefix="harscrub-job")

    def server_close(self) -> None:
        super().server_close()
        self.workers.shutdown(wait=False, cancel_futures=True)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One line, never a traceback (socketserver prints one, which could quote a request)."""
        exc = sys.exc_info()[1]
        if isinstance(exc, DISCONNECTS):
            log.info("client disconnected (%s)", exc.__class__.__name__)
        else:
            log.error("request failed: %s", exc.__class__.__name__ if exc is not None else "unknown error")

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def page_url(self) -> str:
        """The page, with the token in the fragment: never sent to a server, never logged."""
        return f"{self.base_url}/#token={self.config.token}"

    @property
    def userscript_url(self) -> str:
        return f"{self.base_url}{USERSCRIPT_PATH}?token={self.config.token}"

    def own_origins(self) -> set[str]:
        return {f"http://{LOOPBACK}:{self.port}", f"http://localhost:{self.port}"}


class Handler(BaseHTTPRequestHandler):
    """One request: security checks first, then a fixed table of routes."""

    server: HelperServer
    protocol_version = "HTTP/1.1"
    timeout = 60  # a client that stalls mid-request is dropped

    def version_string(self) -> str:
        return "harscrub"

    def handle(self) -> None:
        """A client that disconnects mid-request or mid-response: one log line, no traceback."""
        try:
            super().handle()
        except DISCONNECTS as exc:
            self.close_connection = True
            path = urlsplit(self.path).path if hasattr(self, "path") else "-"
            log.info("%s %s: client disconnected (%s)", getattr(self, "command", "-"), path, exc.__class__.__name__)

    # -- routing ---------------------------------------------------------------------------------
    def do_GET(self) -> None:
        if not self._host_ok():
            return
        path = urlsplit(self.path).path
        if path in STATIC:
            name, ctype = STATIC[path]
            headers = {"Content-Security-Policy": PAGE_CSP} if name == "index.html" else {}
            self._send(HTTPStatus.OK, web_file(name), ctype, headers)
        elif path == USERSCRIPT_PATH:
            # Embeds the token, so it needs the token; no CORS header, so no page can read it.
            if self._token_ok():
                cfg = self.server.config
                body = render_userscript(self.server.port, cfg.token, cfg.allow_origins).encode("utf-8")
                self._send(HTTPStatus.OK, body, "text/javascript; charset=utf-8")
        elif path == "/api/info":
            if self._origin_ok() and self._token_ok():
                cfg = self.server.config
                info = {"version": __version__, "max_upload": cfg.max_upload, "allow_origins": sorted(cfg.allow_origins),
                        "persistent_key": cfg.persistent_key}
                self._json(HTTPStatus.OK, info)
        elif path.startswith(REVIEW_PREFIX):
            if self._own_origin_ok() and self._token_ok():
                self._review(path[len(REVIEW_PREFIX):])
        else:
            self._error(HTTPStatus.NOT_FOUND, "not found")

    def do_POST(self) -> None:
        if not self._host_ok():
            return
        if urlsplit(self.path).path != "/api/sanitize":
            self._error(HTTPStatus.NOT_FOUND, "not found")
        elif self._origin_ok() and self._token_ok():
            self._sanitize()

    def do_OPTIONS(self) -> None:
        """CORS preflight: answered with permission only for an allowed origin."""
        if not self._host_ok():
            return
        origin = self.headers.get("Origin")
        if urlsplit(self.path).path != "/api/sanitize" or origin not in self.server.config.allow_origins:
            self._error(HTTPStatus.FORBIDDEN, "origin not allowed (harscrub serve --allow-origin ORIGIN)")
            return
        headers = {
            "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": f"{TOKEN_HEADER}, Content-Type",
            "Access-Control-Max-Age": "600",
        }
        if self.headers.get("Access-Control-Request-Private-Network") == "true":
            headers["Access-Control-Allow-Private-Network"] = "true"
        self._send(HTTPStatus.NO_CONTENT, b"", None, headers)

    # -- the one API call --------------------------------------------------------------------------
    def _sanitize(self) -> None:
        cap = self.server.config.max_upload
        if self.headers.get("Transfer-Encoding"):
            self._error(HTTPStatus.LENGTH_REQUIRED, "send the file with a Content-Length (no chunked uploads)")
            return
        length = self._content_length()
        if length is None:
            self._error(HTTPStatus.LENGTH_REQUIRED, "Content-Length required")
            return
        if length > cap:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                        f"the upload is {length} bytes; this service accepts at most {cap} "
                        f"(restart it with harscrub serve --max-upload BYTES)")
            return
        # The slot first, the body after: an upload that is not admitted is never held in memory.
        if not self.server.jobs.acquire(timeout=self.server.admit_wait):
            self._error(HTTPStatus.SERVICE_UNAVAILABLE,
                        f"busy: {self.server.max_jobs} uploads are being sanitized; try again in a few seconds",
                        headers={"Retry-After": str(RETRY_AFTER)})
            return
        try:
            self._admitted(length)
        finally:
            self.server.jobs.release()

    def _admitted(self, length: int) -> None:
        """Read, sanitize and answer one upload that holds a job slot."""
        data = self.rfile.read(length)
        if len(data) != length:
            self._error(HTTPStatus.BAD_REQUEST, "upload truncated", drain=False)
            return
        name = upload_name(parse_qs(urlsplit(self.path).query).get("name", [""])[0])
        try:
            answer = self._job(data, name)
            if answer is None:
                return
            body, summary = answer
        except InputTooLargeError:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                        f"the upload inflates past {self.server.config.max_upload} bytes (a compressed file that "
                        "large, or a decompression bomb); restart with harscrub serve --max-upload BYTES", drain=False)
            return
        except HarscrubError as exc:
            self._error(HTTPStatus.UNPROCESSABLE_ENTITY, str(exc), drain=False)
            return
        except MemoryError:
            self._error(HTTPStatus.INSUFFICIENT_STORAGE, "not enough memory for this upload", drain=False)
            return
        except Exception as exc:  # noqa: BLE001 - an engine bug must not print the upload or kill the server
            log.error("sanitize failed: %s", exc.__class__.__name__)
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error while sanitizing", drain=False)
            return
        del data
        header = json.dumps(summary, ensure_ascii=True, separators=(",", ":"))
        self._send(HTTPStatus.OK, body, "application/json", {SUMMARY_HEADER: header})

    # -- the review ----------------------------------------------------------------------------------
    def _job(self, data: bytes, name: str) -> tuple[bytes, dict[str, Any]] | None:
        """Sanitize with the fingerprints of ``?keep=`` kept; the review is held for ``GET /api/review/<id>``.
        None: the request was answered already (a bad ``keep``)."""
        try:
            keep = parse_keep(parse_qs(urlsplit(self.path).query).get("keep", [""])[0])
        except HarscrubError as exc:
            self._error(HTTPStatus.BAD_REQUEST, str(exc), drain=False)
            return None
        outcome = self.server.workers.submit(sanitize_for_review, data, self.server.config, name, keep).result()
        outcome.summary["review"] = self.server.reviews.put(outcome.review)
        outcome.summary["pause"] = self.server.config.upload_pause
        return outcome.body, outcome.summary

    def _review(self, key: str) -> None:
        body = self.server.reviews.get(key)
        if body is None:
            self._error(HTTPStatus.NOT_FOUND, "no such review (they are kept for 15 minutes): sanitize the file again")
            return
        self._send(HTTPStatus.OK, body, "application/json")

    def _own_origin_ok(self) -> bool:
        """The review answers this service's own page only (a portal has no use for it)."""
        origin = self.headers.get("Origin")
        if origin is None or origin in self.server.own_origins():
            return True
        self._error(HTTPStatus.FORBIDDEN, "the review is for the harscrub page only", cors=False)
        return False

    # -- checks ------------------------------------------------------------------------------------
    def _host_ok(self) -> bool:
        if host_allowed(self.headers.get("Host"), self.server.port):
            return True
        self._error(HTTPStatus.FORBIDDEN, "harscrub serve answers only to Host 127.0.0.1 or localhost", cors=False)
        return False

    def _origin_ok(self) -> bool:
        """Refuse cross-site callers the user did not allow (CORS alone would still run the job)."""
        origin = self.headers.get("Origin")
        if origin is None or origin in self.server.config.allow_origins or origin in self.server.own_origins():
            return True
        self._error(HTTPStatus.FORBIDDEN, "origin not allowed (harscrub serve --allow-origin ORIGIN)", cors=False)
        return False

    def _token_ok(self) -> bool:
        given = self.headers.get(TOKEN_HEADER)
        if given is None:
            given = parse_qs(urlsplit(self.path).query).get("token", [None])[0]
        if token_matches(given, self.server.config.token):
            return True
        self._error(HTTPStatus.UNAUTHORIZED, "missing or wrong token: use the URL harscrub serve printed")
        return False

    def _content_length(self) -> int | None:
        value = self.headers.get("Content-Length")
        if value is None or not value.strip().isdigit():
            return None
        return int(value)

    # -- responses ---------------------------------------------------------------------------------
    def _cors_headers(self) -> dict[str, str]:
        """Only API answers, and only to an allowed origin: never the page or the userscript."""
        origin = self.headers.get("Origin")
        if urlsplit(self.path).path.startswith("/api/") and origin and origin in self.server.config.allow_origins:
            return {"Access-Control-Allow-Origin": origin, "Access-Control-Expose-Headers": SUMMARY_HEADER}
        return {}

    def _send(self, status: HTTPStatus, body: bytes, ctype: str | None, headers: dict[str, str] | None = None,
              *, cors: bool = True) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Vary", "Origin")
        for key, value in {**(self._cors_headers() if cors else {}), **(headers or {})}.items():
            self.send_header(key, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: HTTPStatus, data: dict[str, Any], *, cors: bool = True) -> None:
        self._send(status, json.dumps(data).encode("utf-8"), "application/json", cors=cors)

    def _error(self, status: HTTPStatus, message: str, *, cors: bool = True, drain: bool = True,
               headers: dict[str, str] | None = None) -> None:
        """Answer ``{"error": message}``; an unread request body is drained (bounded) or the connection closed."""
        if drain and self.command == "POST":
            length = self._content_length()
            if length is None or length > DRAIN_LIMIT or self.headers.get("Transfer-Encoding"):
                self.close_connection = True
            else:
                while length > 0:
                    chunk = self.rfile.read(min(length, 1 << 16))  # small pieces, discarded: no memory held
                    if not chunk:
                        break
                    length -= len(chunk)
        self._send(status, json.dumps({"error": message}).encode("utf-8"), "application/json", headers, cors=cors)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - BaseHTTPRequestHandler's name
        """No query strings in the log: they may hold the token."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = urlsplit(self.path).path if hasattr(self, "path") else "-"
        log.info("%s %s %s", getattr(self, "command", "-"), path, code)


def make_server(config: ServeConfig) -> HelperServer:
    """Bind the service to 127.0.0.1 (``config.port``; 0 picks a free port); call ``serve_forever``."""
    return_large_buffers()
    return HelperServer(config)

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
"""

from __future__ import annotations

import hmac
import io
import json
import logging
import os
import secrets
import threading
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any, Sequence
from urllib.parse import parse_qs, urlsplit

from . import __version__
from .errors import HarscrubError
from .findings import Report
from .policy import Policy
from .sanitize import default_output, sanitize_stream
from .source import wrap_stream

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8731
#: Support portals take HARs of tens of MB; the cap bounds memory (about 4x the upload per job).
DEFAULT_MAX_UPLOAD = 100 << 20
TOKEN_HEADER = "X-Harscrub-Token"
SUMMARY_HEADER = "X-Harscrub-Summary"
#: A refused upload is read and discarded up to this size so the browser sees the answer
#: (closing on an unread body makes it report a network error instead of the 413).
DRAIN_LIMIT = 1 << 30
#: Sanitizing jobs at once: each holds the upload, the spool and the output in memory.
MAX_JOBS = 2
#: Distinct places listed per rule in the summary (it travels in a response header).
PLACES_PER_RULE = 5
PLACE_CHARS = 160

log = logging.getLogger("harscrub.serve")

#: The only files served. No path from a request ever reaches the file system.
STATIC: dict[str, tuple[str, str]] = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/style.css": ("style.css", "text/css; charset=utf-8"),
}
USERSCRIPT_PATH = "/harscrub.user.js"
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
CONFIG_KEYS = {"port", "allow_origins", "max_upload"}


def default_config_path() -> Path:
    """``$XDG_CONFIG_HOME/harscrub/serve.toml`` (``~/.config/harscrub/serve.toml``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "harscrub" / "serve.toml"


def normalize_origin(origin: str) -> str:
    """``https://Support.Example.com/`` -> ``https://support.example.com``; refuse anything vaguer.

    Exact origins only: a wildcard would let every site under it call the service.
    """
    text = origin.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or "*" in text:
        raise HarscrubError(f"not an origin: {origin!r} (expected scheme://host[:port], e.g. https://support.example.com)")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise HarscrubError(f"not an origin: {origin!r} (no path, query or user part)")
    try:
        port = parts.port
    except ValueError:
        raise HarscrubError(f"not an origin: {origin!r} (bad port)") from None
    default = 443 if parts.scheme == "https" else 80
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port not in (None, default) else "")


@dataclass(frozen=True)
class ServeConfig:
    """Everything one run of the service needs; ``port`` 0 means any free port."""

    port: int = DEFAULT_PORT
    allow_origins: frozenset[str] = frozenset()
    max_upload: int = DEFAULT_MAX_UPLOAD
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)

    @cached_property
    def policy(self) -> Policy:
        """Default rules; the decompressed size is capped like the upload (a .har.gz cannot inflate past it)."""
        return Policy(max_input_bytes=self.max_upload)


def load_config(
    path: Path | None = None,
    *,
    port: int | None = None,
    allow_origins: Sequence[str] = (),
    max_upload: int | None = None,
    token: str | None = None,
) -> ServeConfig:
    """Merge the config file (``path``, else the default one if present) with command-line values.

    Command-line ``port`` and ``max_upload`` win; origins from both are allowed. Unknown keys
    in the file are an error, so a typo cannot silently drop an origin or a cap.
    """
    data: dict[str, Any] = {}
    file = path if path is not None else default_config_path()
    if path is not None or file.is_file():
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise HarscrubError(f"{file}: no such config file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise HarscrubError(f"{file}: cannot read ({exc.__class__.__name__})") from None
        except tomllib.TOMLDecodeError as exc:
            raise HarscrubError(f"{file}: not valid TOML ({exc})") from None
        unknown = sorted(set(data) - CONFIG_KEYS)
        if unknown:
            raise HarscrubError(f"{file}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(CONFIG_KEYS))})")
    file_origins = data.get("allow_origins", [])
    if not isinstance(file_origins, list) or not all(isinstance(o, str) for o in file_origins):
        raise HarscrubError(f"{file}: allow_origins must be a list of strings")
    chosen_port = port if port is not None else data.get("port", DEFAULT_PORT)
    cap = max_upload if max_upload is not None else data.get("max_upload", DEFAULT_MAX_UPLOAD)
    if not isinstance(chosen_port, int) or not 0 <= chosen_port <= 65535:
        raise HarscrubError(f"port must be an integer from 0 to 65535, not {chosen_port!r}")
    if not isinstance(cap, int) or cap <= 0:
        raise HarscrubError(f"max_upload must be a positive number of bytes, not {cap!r}")
    origins = frozenset(normalize_origin(o) for o in [*file_origins, *allow_origins])
    extra = {"token": token} if token is not None else {}
    return ServeConfig(port=chosen_port, allow_origins=origins, max_upload=cap, **extra)


def host_allowed(host: str | None, port: int) -> bool:
    """True for ``127.0.0.1`` / ``localhost``, bare or with this server's port."""
    if not host:
        return False
    name, sep, given = host.strip().lower().rpartition(":")
    if not sep:
        name, given = given, ""
    elif not given.isdigit() or int(given) != port:
        return False
    return name in (LOOPBACK, "localhost")


def token_matches(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))


def _web_file(name: str) -> bytes:
    return (resources.files("harscrub") / "web" / name).read_bytes()


def render_userscript(port: int, token: str, origins: Sequence[str] | frozenset[str]) -> str:
    """The userscript with this service's address, token and allowed origins filled in.

    ``harscrub userscript`` and ``GET /harscrub.user.js`` both call this, so they print the same
    bytes for the same settings. The ``@match`` lines leave the port out (userscript managers
    differ on ports); the script itself runs only where ``self.origin`` (or an ancestor frame's origin) is listed.
    """
    ordered = sorted(origins)
    matches = "\n".join(f"// @match        {_without_port(o)}/*" for o in ordered)
    text = _web_file("harscrub.user.js").decode("utf-8")
    return (
        text.replace("// @match        __HARSCRUB_MATCHES__", matches or "// (no --allow-origin given: this script runs nowhere)")
        .replace('"__HARSCRUB_SERVICE__"', json.dumps(f"http://{LOOPBACK}:{port}"))
        .replace('"__HARSCRUB_TOKEN__"', json.dumps(token))
        .replace('["__HARSCRUB_ORIGINS__"]', json.dumps(ordered))
        .replace("__HARSCRUB_VERSION__", __version__)
    )


def _without_port(origin: str) -> str:
    parts = urlsplit(origin)
    host = parts.netloc.rpartition(":")[0] if parts.port is not None else parts.netloc
    return f"{parts.scheme}://{host}"


def upload_name(raw: str | None) -> str:
    """The uploaded file's base name (no directories, no control characters), for the output name."""
    name = PurePosixPath((raw or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>')[:200]
    return name if name.strip(". ") else "capture.har"


def summarize(report: Report, name: str) -> dict[str, Any]:
    """Counts by rule and the first places of each: rule ids and places only, no value, no preview."""
    places: dict[str, Counter[str]] = {}
    severity: dict[str, str] = {}
    for f in report.findings:
        where = f.detail or f.pointer
        if f.entry is not None:
            where = f"entry {f.entry}: {where}"
        if len(where) > PLACE_CHARS:
            where = where[: PLACE_CHARS - 1] + "…"
        places.setdefault(f.rule, Counter())[where] += 1
        severity[f.rule] = f.severity
    rules = []
    for rule, counter in sorted(places.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        shown = [p for p, _ in counter.most_common(PLACES_PER_RULE)]
        rules.append({"rule": rule, "severity": severity[rule], "count": sum(counter.values()),
                      "places": shown, "more_places": len(counter) - len(shown)})
    return {
        "name": default_output(Path(name)).name,
        "total": len(report.findings),
        "distinct": report.distinct_secrets,
        "entries": report.entries,
        "by_severity": report.by_severity,
        "rules": rules,
    }


def sanitize_bytes(data: bytes, config: ServeConfig, name: str) -> tuple[bytes, dict[str, Any]]:
    """Sanitize an uploaded HAR (plain or gzip) in memory; both passes stay in RAM."""
    src = wrap_stream(io.BytesIO(data), name="the upload", max_bytes=config.max_upload)
    out = io.BytesIO()
    report = sanitize_stream(src, out, config.policy, source_name=name, spool=io.BytesIO())
    return out.getvalue(), summarize(report, name)


class HelperServer(ThreadingHTTPServer):
    """The loopback HTTP server; holds the config and limits concurrent jobs."""

    daemon_threads = True
    allow_reuse_address = False  # never share the port with another listener

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.jobs = threading.BoundedSemaphore(MAX_JOBS)
        super().__init__((LOOPBACK, config.port), Handler)
        _ = config.policy.rules  # load and validate the rules once, before the first request

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

    # -- routing ---------------------------------------------------------------------------------
    def do_GET(self) -> None:
        if not self._host_ok():
            return
        path = urlsplit(self.path).path
        if path in STATIC:
            name, ctype = STATIC[path]
            headers = {"Content-Security-Policy": PAGE_CSP} if name == "index.html" else {}
            self._send(HTTPStatus.OK, _web_file(name), ctype, headers)
        elif path == USERSCRIPT_PATH:
            # Embeds the token, so it needs the token; no CORS header, so no page can read it.
            if self._token_ok():
                cfg = self.server.config
                body = render_userscript(self.server.port, cfg.token, cfg.allow_origins).encode("utf-8")
                self._send(HTTPStatus.OK, body, "text/javascript; charset=utf-8")
        elif path == "/api/info":
            if self._origin_ok() and self._token_ok():
                cfg = self.server.config
                info = {"version": __version__, "max_upload": cfg.max_upload, "allow_origins": sorted(cfg.allow_origins)}
                self._json(HTTPStatus.OK, info)
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
        data = self.rfile.read(length)
        if len(data) != length:
            self._error(HTTPStatus.BAD_REQUEST, "upload truncated", drain=False)
            return
        name = upload_name(parse_qs(urlsplit(self.path).query).get("name", [""])[0])
        try:
            with self.server.jobs:
                body, summary = sanitize_bytes(data, self.server.config, name)
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

    def _error(self, status: HTTPStatus, message: str, *, cors: bool = True, drain: bool = True) -> None:
        """Answer ``{"error": message}``; an unread request body is drained (bounded) or the connection closed."""
        if drain and self.command == "POST":
            length = self._content_length()
            if length is None or length > DRAIN_LIMIT or self.headers.get("Transfer-Encoding"):
                self.close_connection = True
            else:
                while length > 0:
                    chunk = self.rfile.read(min(length, 1 << 20))
                    if not chunk:
                        break
                    length -= len(chunk)
        self._json(status, {"error": message}, cors=cors)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - BaseHTTPRequestHandler's name
        """No query strings in the log: they may hold the token."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = urlsplit(self.path).path if hasattr(self, "path") else "-"
        log.info("%s %s %s", getattr(self, "command", "-"), path, code)


def make_server(config: ServeConfig) -> HelperServer:
    """Bind the service to 127.0.0.1 (``config.port``; 0 picks a free port); call ``serve_forever``."""
    return HelperServer(config)

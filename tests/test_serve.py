"""The local helper service refuses what it must (wrong token, foreign Host, foreign origin,
oversized bodies, paths outside its fixed table) and sanitizes in memory what it accepts."""

from __future__ import annotations

import gzip
import http.client
import json
import logging
import socket
import threading
from pathlib import Path
from typing import Iterator

import pytest
from typer.testing import CliRunner

from harscrub.cli.app import app
from harscrub.cli.commands import register
from harscrub.errors import HarscrubError
from harscrub.serve import (
    SUMMARY_HEADER,
    TOKEN_HEADER,
    HelperServer,
    ServeConfig,
    host_allowed,
    load_config,
    make_server,
    normalize_origin,
    render_userscript,
    upload_name,
)
from tests.e2e.planted import SECRETS, leaked, planted_bytes

PORTAL = "https://support.example.com"


def start(config: ServeConfig) -> HelperServer:
    server = make_server(config)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def server() -> Iterator[HelperServer]:
    srv = start(ServeConfig(port=0, allow_origins=frozenset({PORTAL}), max_upload=1 << 20))
    yield srv
    srv.shutdown()
    srv.server_close()


def call(
    srv: HelperServer, method: str, path: str, body: bytes | None = None, **headers: str
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    hdrs = {k.replace("_", "-"): v for k, v in headers.items()}
    conn.request(method, path, body=body, headers=hdrs)
    res = conn.getresponse()
    data = res.read()
    conn.close()
    return res.status, {k.lower(): v for k, v in res.getheaders()}, data


def sanitize_call(srv: HelperServer, body: bytes = b"", **headers: str) -> tuple[int, dict[str, str], bytes]:
    headers.setdefault("X_Harscrub_Token", srv.config.token)
    return call(srv, "POST", "/api/sanitize?name=capture.har", body or planted_bytes(), **headers)


# -- pure checks -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("host", "ok"),
    [
        ("127.0.0.1", True), ("127.0.0.1:8731", True), ("localhost:8731", True), ("LOCALHOST", True),
        ("127.0.0.1:8732", False), ("evil.example.com", False), ("evil.example.com:8731", False),
        ("127.0.0.1.nip.io:8731", False), ("localhost.evil.com", False), ("", False), (None, False),
        ("127.0.0.1:", False), ("[::1]:8731", False), ("0.0.0.0:8731", False),
    ],
)
def test_host_allowed_only_loopback_names(host: str | None, ok: bool) -> None:
    assert host_allowed(host, 8731) is ok


@pytest.mark.parametrize(
    ("given", "origin"),
    [("https://Support.Example.com/", "https://support.example.com"), ("https://a.example.com:443", "https://a.example.com"),
     ("http://127.0.0.1:9000", "http://127.0.0.1:9000")],
)
def test_origins_are_normalized(given: str, origin: str) -> None:
    assert normalize_origin(given) == origin


@pytest.mark.parametrize("bad", ["*", "https://*.example.com", "support.example.com", "https://a.example.com/path",
                                 "file:///etc", "https://user:pw@a.example.com", "null"])
def test_vague_origins_are_refused(bad: str) -> None:
    with pytest.raises(HarscrubError, match="not an origin"):
        normalize_origin(bad)


def test_config_file_and_command_line_merge(tmp_path: Path) -> None:
    cfg = tmp_path / "serve.toml"
    cfg.write_text('port = 9100\nallow_origins = ["https://a.example.com"]\nmax_upload = 5000\n')
    merged = load_config(cfg, allow_origins=["https://b.example.com"], max_upload=7000)
    assert merged.port == 9100 and merged.max_upload == 7000
    assert merged.allow_origins == {"https://a.example.com", "https://b.example.com"}
    assert load_config(cfg, port=0).port == 0


def test_config_typos_and_missing_files_are_errors(tmp_path: Path) -> None:
    cfg = tmp_path / "serve.toml"
    cfg.write_text('allowed_origins = ["https://a.example.com"]\n')
    with pytest.raises(HarscrubError, match="unknown setting 'allowed_origins'"):
        load_config(cfg)
    with pytest.raises(HarscrubError, match="no such config file"):
        load_config(tmp_path / "missing.toml")


def test_default_config_is_read_from_xdg_config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "harscrub").mkdir()
    (tmp_path / "harscrub" / "serve.toml").write_text('allow_origins = ["https://a.example.com"]\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert load_config().allow_origins == {"https://a.example.com"}


@pytest.mark.parametrize(("raw", "name"), [("C:\\Users\\me\\capture.har", "capture.har"), ("../../etc/x.har", "x.har"),
                                         ("..", "capture.har"), ("", "capture.har"), ('a"\n<b>.har', "ab.har")])
def test_upload_names_lose_folders_and_odd_characters(raw: str, name: str) -> None:
    assert upload_name(raw) == name


def test_each_run_gets_its_own_token() -> None:
    assert ServeConfig().token != ServeConfig().token
    assert len(ServeConfig().token) >= 32


# -- the running service -------------------------------------------------------------------------
def test_server_binds_loopback_only(server: HelperServer) -> None:
    assert server.server_address[0] == "127.0.0.1"


def test_sanitize_returns_clean_file_and_a_summary_without_values(server: HelperServer) -> None:
    status, headers, body = sanitize_call(server)
    assert status == 200
    summary = json.loads(headers[SUMMARY_HEADER.lower()])
    assert summary["name"] == "capture.scrubbed.har"
    assert summary["total"] >= len(SECRETS)
    assert {r["rule"] for r in summary["rules"]} >= {"jwt", "password-field", "session-cookie"}
    assert leaked(body) == []
    assert leaked(headers[SUMMARY_HEADER.lower()].encode()) == []
    assert "_harscrub" in json.loads(body)["log"]


def test_gzip_upload_is_accepted(server: HelperServer) -> None:
    status, _, body = sanitize_call(server, gzip.compress(planted_bytes()))
    assert status == 200 and leaked(body) == []


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_missing_or_wrong_token_is_refused(server: HelperServer, token: str | None) -> None:
    headers: dict[str, str] = {} if token is None else {"X_Harscrub_Token": token}
    status, _, body = call(server, "POST", "/api/sanitize", planted_bytes(), **headers)
    assert status == 401
    assert "token" in json.loads(body)["error"]
    assert call(server, "GET", "/api/info", None, **headers)[0] == 401


def test_token_in_query_is_accepted(server: HelperServer) -> None:
    status, _, _ = call(server, "POST", f"/api/sanitize?token={server.config.token}", planted_bytes())
    assert status == 200


@pytest.mark.parametrize("host", ["evil.example.com", "attacker.example:{port}", "127.0.0.1:1", "192.168.1.10:{port}"])
def test_foreign_host_is_refused_even_with_the_token(server: HelperServer, host: str) -> None:
    host = host.format(port=server.port)
    for method, path in (("GET", "/"), ("GET", "/api/info"), ("GET", "/harscrub.user.js")):
        status, headers, _ = call(server, method, path, Host=host, X_Harscrub_Token=server.config.token)
        assert status == 403
        assert "access-control-allow-origin" not in headers
    status, _, _ = sanitize_call(server, Host=host)
    assert status == 403


def test_localhost_host_header_is_fine(server: HelperServer) -> None:
    assert sanitize_call(server, Host=f"localhost:{server.port}")[0] == 200


def test_foreign_origin_is_refused_and_gets_no_cors(server: HelperServer) -> None:
    status, headers, _ = sanitize_call(server, Origin="https://evil.example.com")
    assert status == 403
    assert "access-control-allow-origin" not in headers
    status, headers, _ = call(server, "OPTIONS", "/api/sanitize", Origin="https://evil.example.com",
                              Access_Control_Request_Method="POST")
    assert status == 403 and "access-control-allow-origin" not in headers


def test_allowed_origin_gets_cors_and_the_summary_header(server: HelperServer) -> None:
    status, headers, _ = call(server, "OPTIONS", "/api/sanitize", Origin=PORTAL, Access_Control_Request_Method="POST",
                              Access_Control_Request_Headers="x-harscrub-token,content-type",
                              Access_Control_Request_Private_Network="true")
    assert status == 204
    assert headers["access-control-allow-origin"] == PORTAL
    assert TOKEN_HEADER in headers["access-control-allow-headers"]
    assert headers["access-control-allow-private-network"] == "true"
    status, headers, _ = sanitize_call(server, Origin=PORTAL)
    assert status == 200
    assert headers["access-control-allow-origin"] == PORTAL
    assert SUMMARY_HEADER in headers["access-control-expose-headers"]


def test_own_page_origin_is_allowed(server: HelperServer) -> None:
    status, headers, _ = sanitize_call(server, Origin=server.base_url)
    assert status == 200 and "access-control-allow-origin" not in headers


def test_oversized_upload_gets_a_clear_413() -> None:
    srv = start(ServeConfig(port=0, max_upload=1000))
    try:
        status, _, body = sanitize_call(srv, planted_bytes())
        assert status == 413
        assert "--max-upload" in json.loads(body)["error"]
        # a gzip that inflates past the cap is refused as well, with the same status (issue 13)
        status, _, body = sanitize_call(srv, gzip.compress(b" " * 5000 + planted_bytes()))
        assert status == 413 and "inflates past 1000 bytes" in json.loads(body)["error"]
    finally:
        srv.shutdown()
        srv.server_close()


def test_invalid_har_gets_one_line_422(server: HelperServer) -> None:
    status, _, body = sanitize_call(server, b'{"log": {"entries": [ {"request": ')
    assert status == 422
    error = json.loads(body)["error"]
    assert error.startswith("invalid HAR") and "\n" not in error


def test_chunked_upload_needs_a_length(server: HelperServer) -> None:
    request = (f"POST /api/sanitize HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n{TOKEN_HEADER}: {server.config.token}\r\n"
               "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(request)
        answer = sock.makefile("rb").readline()
    assert answer.split()[1] == b"411"


@pytest.mark.parametrize("path", ["/index.html", "/web/", "/harscrub/", "/../pyproject.toml", "/%2e%2e/pyproject.toml",
                                  "/static/../../etc/passwd", "/serve.py", "//etc/passwd", "/api/", "/api/file?path=/etc/passwd"])
def test_no_listing_and_no_files_outside_the_fixed_table(server: HelperServer, path: str) -> None:
    status, _, body = call(server, "GET", path, X_Harscrub_Token=server.config.token)
    assert status == 404
    assert b"pyproject" not in body and b"root:" not in body


def test_the_page_is_served_with_a_strict_csp(server: HelperServer) -> None:
    status, headers, body = call(server, "GET", "/")
    assert status == 200 and b"harscrub" in body
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"


def test_nothing_touches_the_disk_while_sanitizing(server: HelperServer, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_disk(*args: object, **kwargs: object) -> None:
        raise AssertionError("the service must not create files")

    monkeypatch.setattr("tempfile.TemporaryFile", no_disk)
    monkeypatch.setattr("tempfile.NamedTemporaryFile", no_disk)
    monkeypatch.setattr("tempfile.mkstemp", no_disk)
    status, _, body = sanitize_call(server)
    assert status == 200 and leaked(body) == []


def test_log_lines_never_hold_the_token(server: HelperServer, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="harscrub.serve"):
        call(server, "GET", f"/harscrub.user.js?token={server.config.token}")
        call(server, "POST", f"/api/sanitize?token=nope-{server.config.token}", planted_bytes())
    assert caplog.records, "requests are logged"
    assert server.config.token not in caplog.text


# -- the userscript ----------------------------------------------------------------------------------
def test_userscript_needs_the_token_and_has_no_cors(server: HelperServer) -> None:
    assert call(server, "GET", "/harscrub.user.js")[0] == 401
    status, headers, body = call(server, "GET", f"/harscrub.user.js?token={server.config.token}", Origin=PORTAL)
    assert status == 200
    assert "access-control-allow-origin" not in headers
    text = body.decode()
    assert text.startswith("// ==UserScript==")
    assert f'"{server.config.token}"' in text and f'"http://127.0.0.1:{server.port}"' in text
    assert "// @match        https://support.example.com/*" in text
    assert "__HARSCRUB" not in text


def test_printed_userscript_equals_the_served_one(server: HelperServer, tmp_path: Path) -> None:
    register()
    _, _, served = call(server, "GET", "/harscrub.user.js", X_Harscrub_Token=server.config.token)
    cfg = tmp_path / "serve.toml"
    cfg.write_text(f'allow_origins = ["{PORTAL}"]\n')
    result = CliRunner().invoke(app, ["userscript", "--config", str(cfg), "--port", str(server.port),
                                      "--token", server.config.token])
    assert result.exit_code == 0
    assert result.stdout == served.decode()


def test_userscript_command_needs_a_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    register()
    monkeypatch.delenv("HARSCRUB_TOKEN", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    result = CliRunner().invoke(app, ["userscript"])
    assert result.exit_code == 2


def test_userscript_match_lines_leave_ports_out() -> None:
    text = render_userscript(8731, "t0ken", frozenset({"https://a.example.com:8443", "http://127.0.0.1:9000"}))
    assert "// @match        https://a.example.com/*" in text
    assert "// @match        http://127.0.0.1/*" in text
    assert '["http://127.0.0.1:9000", "https://a.example.com:8443"]' in text

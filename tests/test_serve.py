"""The local helper service refuses what it must (wrong token, foreign Host, foreign origin,
oversized bodies, paths outside its fixed table) and sanitizes in memory what it accepts."""

from __future__ import annotations

import gzip
import http.client
import json
import logging
import re
import socket
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
from typer.testing import CliRunner

from harscrub._version import __version__
from harscrub.cli.app import app
from harscrub.cli.commands import register
from harscrub.detection.fingerprint import Fingerprinter
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
from harscrub.serve.config import DEFAULT_UPLOAD_PAUSE
from harscrub.serve.jobs import output_name
from harscrub.serve.review import ReviewStore
from tests.e2e.planted import JWT, PASSWORD, SECRETS, SESSION, leaked, planted_bytes, planted_har

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


# -- the review and ?keep= -------------------------------------------------------------------------
PLACEHOLDER = rb"\[REDACTED:[a-z0-9.-]+:%s\]"


def review_of(srv: HelperServer, headers: dict[str, str]) -> dict[str, object]:
    summary = json.loads(headers[SUMMARY_HEADER.lower()])
    status, _, body = call(srv, "GET", f"/api/review/{summary['review']}", X_Harscrub_Token=srv.config.token)
    assert status == 200
    review: dict[str, object] = json.loads(body)
    return review


def keep_call(srv: HelperServer, *fingerprints: str, body: bytes = b"", **headers: str) -> tuple[int, dict[str, str], bytes]:
    headers.setdefault("X_Harscrub_Token", srv.config.token)
    return call(srv, "POST", f"/api/sanitize?name=capture.har&keep={','.join(fingerprints)}", body or planted_bytes(), **headers)


def before_marker(har: bytes) -> bytes:
    """The bytes of a sanitized HAR up to its marker (the marker counts what was removed)."""
    return har[: har.rindex(b'"_harscrub"')]


def test_summary_header_is_small_and_the_review_lists_distinct_secrets(server: HelperServer) -> None:
    status, headers, body = sanitize_call(server)
    assert status == 200
    header = headers[SUMMARY_HEADER.lower()]
    summary = json.loads(header)
    assert len(header) < 2000 and "places" not in header
    assert summary["review"] and summary["previous"] is None and summary["kept"] == 0
    review = review_of(server, headers)
    secrets = review["secrets"]
    assert isinstance(secrets, list)
    assert len(secrets) == summary["distinct"] and sum(s["count"] for s in secrets) == summary["total"]
    fingerprint = Fingerprinter(server.config.policy.key)
    by_fp = {s["fingerprint"]: s for s in secrets}
    session = by_fp[fingerprint(SESSION)]
    assert session["rule"] == "session-cookie" and session["severity"] == "critical"
    assert session["preview"].endswith(f"({len(SESSION)} chars)") and session["length"] == len(SESSION)
    assert {"entry": 0, "where": 'cookie "sid"'} in session["places"]
    assert by_fp[fingerprint(PASSWORD)]["rule"] == "password-field"
    assert [s["severity"] for s in secrets] == sorted((s["severity"] for s in secrets),
                                                       key=["critical", "high", "medium", "low"].index)
    # every placeholder in the file names a listed secret
    assert {m.decode() for m in re.findall(rb"\[REDACTED:[a-z0-9.-]+:([0-9a-f]{10})\]", body)} <= set(by_fp)
    assert leaked(json.dumps(review).encode()) == [] and leaked(header.encode()) == []


def test_fingerprints_are_the_same_from_call_to_call(server: HelperServer) -> None:
    first, second = sanitize_call(server)[2], sanitize_call(server)[2]
    assert before_marker(first) == before_marker(second)


@pytest.mark.parametrize("secret", [SESSION, PASSWORD, JWT])
def test_keeping_one_secret_restores_exactly_that_value_and_nothing_else(server: HelperServer, secret: str) -> None:
    fp = Fingerprinter(server.config.policy.key)(secret)
    _, _, base = sanitize_call(server)
    status, headers, kept = keep_call(server, fp)
    assert status == 200
    summary = json.loads(headers[SUMMARY_HEADER.lower()])
    assert summary["kept"] == 1
    assert secret.encode() in kept and re.search(PLACEHOLDER % fp.encode(), kept) is None
    assert leaked(kept, tuple(s for s in SECRETS if s != secret)) == []
    expected = re.sub(PLACEHOLDER % fp.encode(), secret.encode().replace(b"\\", b"\\\\"), before_marker(base))
    assert before_marker(kept) == expected
    assert fp not in {s["fingerprint"] for s in review_of(server, headers)["secrets"]}  # type: ignore[union-attr]


def test_keep_passes_the_same_checks(server: HelperServer) -> None:
    fp = Fingerprinter(server.config.policy.key)(SESSION)
    assert keep_call(server, fp, X_Harscrub_Token="wrong")[0] == 401
    status, headers, _ = keep_call(server, fp, Origin="https://evil.example.com")
    assert status == 403 and "access-control-allow-origin" not in headers
    assert keep_call(server, fp, Host="evil.example.com")[0] == 403
    status, _, body = keep_call(server, "not-a-fingerprint")
    assert status == 400 and "fingerprints" in json.loads(body)["error"]
    assert keep_call(server, *[f"{i:010x}" for i in range(3000)])[0] in (400, 414)  # too many
    assert keep_call(server, "0000000000")[0] == 200  # one that is not in the file: nothing kept


def test_the_review_answers_only_the_page_with_the_token(server: HelperServer) -> None:
    _, headers, _ = sanitize_call(server)
    review = json.loads(headers[SUMMARY_HEADER.lower()])["review"]
    assert call(server, "GET", f"/api/review/{review}")[0] == 401
    status, headers, _ = call(server, "GET", f"/api/review/{review}", X_Harscrub_Token=server.config.token, Origin=PORTAL)
    assert status == 403 and "access-control-allow-origin" not in headers
    assert call(server, "GET", f"/api/review/{review}", X_Harscrub_Token=server.config.token, Origin=server.base_url)[0] == 200
    for other in ("nope", "A" * 22, "../../etc/passwd", ""):
        assert call(server, "GET", f"/api/review/{other}", X_Harscrub_Token=server.config.token)[0] == 404


def test_reviews_are_few_and_short_lived() -> None:
    store = ReviewStore(limit=2, ttl=60)
    ids = [store.put({"n": i}) for i in range(3)]
    assert store.get(ids[0]) is None and json.loads(store.get(ids[2]) or b"") == {"n": 2}
    assert len(store) == 2
    store.ttl = 0
    time.sleep(0.01)
    assert store.get(ids[2]) is None and len(store) == 0


def test_a_name_that_is_a_token_is_not_shown_in_the_review(server: HelperServer) -> None:
    har = planted_har()
    entry = har["log"]["entries"][0]["request"]
    entry["url"] += f"&{JWT}=1"
    entry["queryString"].append({"name": JWT, "value": "1"})
    status, headers, body = sanitize_call(server, json.dumps(har).encode())
    assert status == 200 and leaked(body) == []
    assert leaked(json.dumps(review_of(server, headers)).encode()) == []


def test_an_already_sanitized_file_says_so_and_keeps_its_name(server: HelperServer) -> None:
    _, _, once = sanitize_call(server)
    status, headers, twice = call(server, "POST", "/api/sanitize?name=capture.scrubbed.har", once,
                                  X_Harscrub_Token=server.config.token)
    assert status == 200
    summary = json.loads(headers[SUMMARY_HEADER.lower()])
    assert summary["name"] == "capture.scrubbed.har" and summary["total"] == 0
    previous = summary["previous"]
    assert previous["state"] == "intact" and previous["version"] == __version__ and previous["same_rules"] is True
    assert previous["removed"] == sum(json.loads(once)["log"]["_harscrub"]["redacted"].values()) > 0
    # renamed, edited, gzipped: still recognised; a name the user chose is kept
    edited = once.replace(b'"startedDateTime": "2026-11-01T10:00:00.000Z"', b'"startedDateTime": "2026-11-02T10:00:00.000Z"')
    status, headers, _ = call(server, "POST", "/api/sanitize?name=ticket-4711.har", gzip.compress(edited),
                              X_Harscrub_Token=server.config.token)
    summary = json.loads(headers[SUMMARY_HEADER.lower()])
    assert summary["previous"]["state"] == "changed"
    assert summary["name"] == "ticket-4711.har"


def test_a_forged_marker_is_not_repeated(server: HelperServer) -> None:
    har = planted_har()
    har["log"]["_harscrub"] = {"version": SESSION, "rules": JWT, "jwt": "drop", "redacted": {"jwt": 1},
                               "entries": 1, "digest": "sha256:0"}
    status, headers, body = sanitize_call(server, json.dumps(har).encode())
    assert status == 200 and leaked(body) == [] and leaked(headers[SUMMARY_HEADER.lower()].encode()) == []
    previous = json.loads(headers[SUMMARY_HEADER.lower()])["previous"]
    assert previous["version"] is None and previous["rules"] is None


@pytest.mark.parametrize(("raw", "name"), [("capture.har", "capture.scrubbed.har"),
                                          ("capture.scrubbed.har", "capture.scrubbed.har"),
                                          ("capture.scrubbed.har.gz", "capture.scrubbed.har"),
                                          ("x.json", "x.scrubbed.har")])
def test_output_names_never_repeat_scrubbed(raw: str, name: str) -> None:
    assert output_name(raw) == name


def test_upload_pause_is_a_setting(tmp_path: Path) -> None:
    cfg = tmp_path / "serve.toml"
    cfg.write_text("upload_pause = 2\n")
    assert load_config(cfg).upload_pause == 2.0
    assert ServeConfig().upload_pause == DEFAULT_UPLOAD_PAUSE
    cfg.write_text("upload_pause = -1\n")
    with pytest.raises(HarscrubError, match="upload_pause"):
        load_config(cfg)


def test_no_secret_reaches_a_log_line_a_header_or_another_answer(server: HelperServer, caplog: pytest.LogCaptureFixture) -> None:
    """Every answer the service gives, except the sanitized HAR asked for with ?keep=, is free of
    every planted secret: headers, reviews, errors, the page's files, and the log."""
    fp = Fingerprinter(server.config.policy.key)
    seen: list[bytes] = []
    with caplog.at_level(logging.DEBUG, logger="harscrub"):
        for body in (planted_bytes(), gzip.compress(planted_bytes())):
            _, headers, har = sanitize_call(server, body)
            seen += [json.dumps(headers).encode(), har]
            status, h, review = call(server, "GET", f"/api/review/{json.loads(headers[SUMMARY_HEADER.lower()])['review']}",
                                     X_Harscrub_Token=server.config.token)
            seen += [json.dumps(h).encode(), review]
        _, headers, _kept_har = keep_call(server, *(fp(s) for s in SECRETS))  # the one answer that holds them
        seen.append(json.dumps(headers).encode())
        seen.append(review_of(server, headers).__repr__().encode())
        for method, path in (("GET", "/"), ("GET", "/app.js"), ("GET", "/review.js"), ("GET", "/preview.js"),
                             ("GET", "/api/info")):
            seen.append(b"".join(str(x).encode() for x in call(server, method, path, X_Harscrub_Token=server.config.token)))
        bad = planted_bytes()[:-40]  # an invalid HAR full of secrets
        seen.append(b"".join(str(x).encode() for x in sanitize_call(server, bad)))
        seen.append(b"".join(str(x).encode() for x in call(server, "POST", f"/api/sanitize?name={SESSION}&keep={PASSWORD}",
                                                         planted_bytes(), X_Harscrub_Token=server.config.token)))
    seen.append(caplog.text.encode())
    for data in seen:
        assert leaked(data) == [], data[:300]

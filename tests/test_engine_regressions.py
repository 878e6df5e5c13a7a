"""Regression tests for the two cases of issue 13 whose fix is in the engine (``engine/formats``).

- a lone surrogate escape (``\\ud800``) inside a JSON *body* crashed ``sanitize``, ``check`` and
  ``inspect`` with a traceback, answered 500 from the helper, and aborted a whole ``check DIR``;
- a 96 KB comment starting with ``//`` took minutes (a quadratic URL pattern on Python ``re``),
  and two such uploads blocked the helper.

Both are fixed in the engine (surrogates are mended to U+FFFD when a body is decoded; every
pattern that reads untrusted text runs on RE2); these tests keep them fixed, and also that a
folder run goes on past a file that fails.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from harscrub.serve import ServeConfig
from harscrub.serve.http import HelperServer

from .factories import deadline, make_entry, make_har, run_cli, strict_json

JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiZXhwIjo0MTAyNDQ0ODAwfQ."
       "Qm9ndXNTaWduYXR1cmVGb3JUZXN0aW5nT25seTEyMw")


def surrogate_har() -> bytes:
    """A JSON request body whose string holds a lone surrogate escape next to a JWT."""
    e = make_entry(0)
    e["request"].update(method="POST", postData={"mimeType": "application/json",
                                                 "text": '{"note": "\\ud800 ' + JWT + '"}'})
    return json.dumps(make_har(e)).encode()


def slashes_har(size: int = 96_000) -> bytes:
    """A script whose body is a long ``//`` comment with no space until its end."""
    e = make_entry(0)
    e["response"]["content"] = {"size": size, "mimeType": "text/javascript", "text": "//" + "a" * size + " end"}
    return json.dumps(make_har(e)).encode()


# -- the lone surrogate -------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["sanitize", "check", "inspect"])
def test_a_lone_surrogate_in_a_json_body_is_processed(command: str, tmp_path: Path) -> None:
    src = tmp_path / "in.har"
    src.write_bytes(surrogate_har())
    extra = ["-o", str(tmp_path / "out.har")] if command == "sanitize" else []
    code, out, err = run_cli(command, str(src), *extra)
    assert "Traceback" not in err
    assert code in ((0,) if command != "check" else (1,)), err
    if command == "sanitize":
        assert JWT not in (tmp_path / "out.har").read_text()
        strict_json((tmp_path / "out.har").read_bytes())


@pytest.fixture
def helper() -> Iterator[HelperServer]:
    srv = HelperServer(ServeConfig(port=0, max_upload=8 << 20))
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _post(srv: HelperServer, body: bytes, timeout: float = 60) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=timeout)
    try:
        conn.request("POST", "/api/sanitize?name=a.har", body=body, headers={"X-Harscrub-Token": srv.config.token})
        res = conn.getresponse()
        res.read()
        return res.status
    finally:
        conn.close()


def test_a_lone_surrogate_in_a_json_body_is_200_from_the_helper(helper: HelperServer) -> None:
    assert _post(helper, surrogate_har()) == 200


def test_a_lone_surrogate_in_a_json_body_does_not_abort_check_dir(tmp_path: Path) -> None:
    """The folder run goes on: the other files are checked, one line per failing file, no traceback."""
    (tmp_path / "a.har").write_bytes(surrogate_har())
    e = make_entry(0, headers=[{"name": "Authorization", "value": f"Bearer {JWT}"}])
    (tmp_path / "b.har").write_text(json.dumps(make_har(e)))
    code, out, err = run_cli("check", "-f", "json", str(tmp_path))
    assert "Traceback" not in err
    assert code in (1, 2)
    files = strict_json(out)["files"]
    assert len(files) == 2 and files[1]["total"] > 0, "b.har was checked"
    assert JWT not in err and JWT not in out


# -- the quadratic URL pattern ---------------------------------------------------------------------------------
def test_a_96kb_comment_starting_with_slashes_is_sanitized_quickly(tmp_path: Path) -> None:
    src = tmp_path / "in.har"
    src.write_bytes(slashes_har())
    started = time.process_time()
    with deadline(10):
        code, _, err = run_cli("sanitize", "-q", str(src), "-o", str(tmp_path / "out.har"))
    assert code == 0, err
    assert time.process_time() - started < 5  # linear: well under a second


def test_two_such_uploads_do_not_block_the_helper() -> None:
    """Python's ``re`` holds the GIL while it backtracks: the whole service stalls, not one job.
    A real ``harscrub serve`` gets two 24 KB comments (a few seconds each today, so the test
    stays short until the fix) and is asked for /api/info over and over meanwhile, from this
    process: no answer may take a second."""
    from .test_serve_load import _serve

    proc, port, token = _serve(max_upload=8 << 20)

    def upload() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            conn.request("POST", "/api/sanitize?name=a.har", body=slashes_har(24_000), headers={"X-Harscrub-Token": token})
            conn.getresponse().read()
        finally:
            conn.close()

    slow = [threading.Thread(target=upload, daemon=True) for _ in range(2)]
    waits = []
    try:
        for t in slow:
            t.start()
        deadline = time.monotonic() + 120
        while any(t.is_alive() for t in slow) and time.monotonic() < deadline:
            started = time.monotonic()
            info = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                info.request("GET", "/api/info", headers={"X-Harscrub-Token": token})
                assert info.getresponse().status == 200
            finally:
                info.close()
            waits.append(time.monotonic() - started)
            time.sleep(0.05)
    finally:
        proc.terminate()
        proc.communicate(timeout=60)
    assert waits and max(waits) < 1.0, f"the service stalled for {max(waits):.1f} s"

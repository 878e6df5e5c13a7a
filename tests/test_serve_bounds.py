"""The helper service stays bounded whatever its callers do (issue 13).

- an upload is read only once it holds a job slot; one that waits too long gets 503 with
  ``Retry-After`` (today's code read every body first, then queued on the job limit);
- a burst of connections is queued by the kernel, not reset (the listen backlog was 5);
- a decompression bomb is 413, like an upload over the cap (it was 422);
- a client that disconnects mid-response costs one log line, no traceback.

The load test with real processes is in ``tests/test_serve_load.py``.
"""

from __future__ import annotations

import gzip
import http.client
import json
import logging
import socket
import struct
import threading
import time
from typing import Any, Iterator

import pytest

from harscrub.serve import ServeConfig
from harscrub.serve import http as serve_http
from harscrub.serve.http import HelperServer
from tests.e2e.planted import planted_bytes

from .factories import make_entry, make_har


def start(config: ServeConfig, **limits: Any) -> HelperServer:
    server = HelperServer(config, **limits)
    run(server)
    return server


def run(server: HelperServer) -> None:
    server.started = True  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()


@pytest.fixture
def stopping() -> Iterator[list[HelperServer]]:
    servers: list[HelperServer] = []
    yield servers
    for srv in servers:
        if getattr(srv, "started", False):  # shutdown() waits for a serve_forever that never ran
            srv.shutdown()
        srv.server_close()


def post(srv: HelperServer, body: bytes, timeout: float = 60) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=timeout)
    try:
        conn.request("POST", "/api/sanitize?name=capture.har", body=body,
                     headers={"X-Harscrub-Token": srv.config.token})
        res = conn.getresponse()
        return res.status, {k.lower(): v for k, v in res.getheaders()}, res.read()
    finally:
        conn.close()


def big_har(size: int) -> bytes:
    """A valid HAR of about ``size`` bytes (so its answer overflows the socket buffers)."""
    entries = []
    i = 0
    while sum(len(e["response"]["content"]["text"]) for e in entries) < size:
        e = make_entry(i)
        e["response"]["content"]["text"] = json.dumps({"rows": [f"row {j} of {i}" for j in range(4000)]})
        entries.append(e)
        i += 1
    return json.dumps(make_har(*entries)).encode()


def test_an_upload_beyond_the_job_slots_gets_503_with_retry_after_unread(
    stopping: list[HelperServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Case: the service read whole bodies before its job limit applied (20 x 19 MB: 562 MB)."""
    held = threading.Event()
    release = threading.Event()
    real = serve_http.sanitize_for_review

    def slow(*args: Any, **kwargs: Any) -> Any:
        held.set()
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(serve_http, "sanitize_for_review", slow)
    srv = HelperServer(ServeConfig(port=0))
    srv.jobs, srv.max_jobs, srv.admit_wait = threading.BoundedSemaphore(1), 1, 0.5
    run(srv)
    stopping.append(srv)
    first: list[int] = []
    worker = threading.Thread(target=lambda: first.append(post(srv, planted_bytes())[0]))
    worker.start()
    try:
        assert held.wait(30), "the first upload never started"
        started = time.monotonic()
        status, headers, body = post(srv, planted_bytes(), timeout=20)
        waited = time.monotonic() - started
    finally:
        release.set()
        worker.join(30)
    assert status == 503, body
    assert headers.get("retry-after", "").isdigit()
    assert "busy" in json.loads(body)["error"]
    assert waited < 10, "answered after its wait for a slot, not after the first job"
    assert first == [200]


def test_uploads_hold_at_most_max_jobs_bodies_at_once(stopping: list[HelperServer],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """However many uploads arrive together, no more than ``max_jobs`` bodies are read at a time."""
    active = 0
    peak = 0
    lock = threading.Lock()
    real = serve_http.Handler._admitted

    def counted(self: Any, length: int) -> None:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        try:
            time.sleep(0.05)
            real(self, length)
        finally:
            with lock:
                active -= 1

    monkeypatch.setattr(serve_http.Handler, "_admitted", counted)
    srv = start(ServeConfig(port=0), max_jobs=2, admit_wait=30)
    stopping.append(srv)
    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(post(srv, planted_bytes())[0])) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == [200] * 8
    assert peak <= 2


def test_a_burst_of_connections_is_queued_not_reset(stopping: list[HelperServer]) -> None:
    """Case: the listen backlog (socketserver's 5) reset connections under load."""
    srv = HelperServer(ServeConfig(port=0))  # not accepting yet: every connection waits in the backlog
    stopping.append(srv)
    socks = []
    try:
        for _ in range(64):
            s = socket.socket()
            s.settimeout(2)
            s.connect(("127.0.0.1", srv.port))  # a full backlog drops the SYN: connect would time out
            socks.append(s)
        run(srv)
        request = f"GET /api/info HTTP/1.1\r\nHost: 127.0.0.1:{srv.port}\r\nX-Harscrub-Token: {srv.config.token}\r\nConnection: close\r\n\r\n"
        for s in socks:
            s.settimeout(30)
            s.sendall(request.encode())
        for s in socks:
            assert s.makefile("rb").readline().startswith(b"HTTP/1.1 200")
    finally:
        for s in socks:
            s.close()


def test_a_decompression_bomb_is_413_not_422(stopping: list[HelperServer]) -> None:
    """Case: a gzip that inflates past the cap answered 422, an upload over it 413."""
    srv = start(ServeConfig(port=0, max_upload=1 << 20))
    stopping.append(srv)
    bomb = gzip.compress(b'{"log": {"entries": [' + b" " * (64 << 20) + b"]}}", 9)
    assert len(bomb) < 1 << 20
    status, _, body = post(srv, bomb)
    assert status == 413, body
    assert "inflates past" in json.loads(body)["error"]


def test_a_client_that_disconnects_mid_response_is_one_log_line(
    stopping: list[HelperServer], caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    """Case: a client that went away while the answer was written printed a traceback."""
    srv = start(ServeConfig(port=0, max_upload=64 << 20))
    stopping.append(srv)
    body = big_har(12 << 20)
    caplog.set_level(logging.INFO, logger="harscrub.serve")
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=60)
    head = (f"POST /api/sanitize?name=a.har HTTP/1.1\r\nHost: 127.0.0.1:{srv.port}\r\n"
            f"X-Harscrub-Token: {srv.config.token}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    sock.sendall(head + body)
    sock.recv(1)  # the answer has started: the server is writing it
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()  # reset, mid-response
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any("disconnect" in r.getMessage() for r in caplog.records):
        time.sleep(0.05)
    lines = [r.getMessage() for r in caplog.records if "disconnect" in r.getMessage()]
    assert len(lines) == 1, [r.getMessage() for r in caplog.records]
    assert "POST /api/sanitize" in lines[0]
    assert "Traceback" not in capfd.readouterr().err

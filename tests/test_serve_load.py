"""Load on the helper service: many concurrent uploads to a real ``harscrub serve`` process.

Loopback only, bounded (a fixed number of clients, each retrying a 503 after its
``Retry-After`` a bounded number of times). It checks that no connection is reset, that
every upload is sanitized in the end, and it measures the server's peak RSS (``VmHWM``).

The CI-sized run (10 clients x 2 MB) always runs. The full run of issue 13 (50 clients x
20 MB) is on demand::

    HARSCRUB_LOAD_TEST=1 python -m pytest -q -s tests/test_serve_load.py

Figures and the command are in docs/hardening.md.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .factories import ROOT, make_entry, make_har

MiB = 1 << 20


def har_of(size: int, path: Path) -> bytes:
    """A Chrome-shaped HAR of about ``size`` bytes (the benchmark generator), or a plain one."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import generate_har  # type: ignore[import-not-found]

        generate_har(path, size, seed=1)
        return path.read_bytes()
    except ImportError:
        entries, total, i = [], 0, 0
        while total < size:
            e = make_entry(i, headers=[{"name": "Authorization", "value": f"Bearer tok{i:040d}"}])
            e["response"]["content"]["text"] = json.dumps({"rows": [f"r{j}" for j in range(2000)]})
            entries.append(e)
            total += len(e["response"]["content"]["text"])
            i += 1
        return json.dumps(make_har(*entries)).encode()
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))


@dataclass
class Load:
    statuses: list[int] = field(default_factory=list)
    retries: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    peak_rss_mib: float = 0.0


def _serve(max_upload: int, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[bytes], int, str]:
    proc = subprocess.Popen([sys.executable, "-m", "harscrub", "serve", "--port", "0", "--max-upload", str(max_upload)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "XDG_CONFIG_HOME": "/nonexistent", **(env or {})})
    assert proc.stdout is not None
    first = proc.stdout.readline().decode()
    page = proc.stdout.readline().decode()
    port = re.search(r"127\.0\.0\.1:(\d+)", first)
    token = re.search(r"#token=(\S+)", page)
    assert port and token, (first, page)
    return proc, int(port.group(1)), token.group(1)


def _peak_rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    m = re.search(r"VmHWM:\s+(\d+) kB", status)
    assert m is not None
    return int(m.group(1)) / 1024


def run_load(clients: int, size: int, tmp_path: Path, attempts: int = 40, env: dict[str, str] | None = None) -> Load:
    """``clients`` threads upload one ``size``-byte HAR at once to a fresh server; the figures."""
    body = har_of(size, tmp_path / "load.har")
    proc, port, token = _serve(max_upload=len(body) * 2, env=env)
    load = Load()
    lock = threading.Lock()
    go = threading.Barrier(clients)

    def client() -> None:
        go.wait()
        for _ in range(attempts):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            try:
                conn.request("POST", "/api/sanitize?name=load.har", body=body, headers={"X-Harscrub-Token": token})
                res = conn.getresponse()
                res.read()
                status, wait = res.status, res.getheader("Retry-After")
            except OSError as exc:  # a reset, a refused or timed-out connection
                with lock:
                    load.errors.append(f"{exc.__class__.__name__}: {exc}")
                return
            finally:
                conn.close()
            if status != 503:
                with lock:
                    load.statuses.append(status)
                return
            with lock:
                load.retries += 1
            time.sleep(float(wait or 1))
        with lock:
            load.errors.append("still 503 after every attempt")

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(1800)
        load.seconds = time.monotonic() - started
        load.peak_rss_mib = _peak_rss_mib(proc.pid)
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=60)
    assert b"Traceback" not in stderr, stderr.decode()[-2000:]
    return load


def _report(load: Load, clients: int, size: int) -> None:
    print(f"\n{clients} clients x {size / MiB:.0f} MiB: {len(load.statuses)} answered, {load.retries} retries after 503, "
          f"{len(load.errors)} errors, {load.seconds:.0f} s, server peak RSS {load.peak_rss_mib:.0f} MiB")


def test_ten_concurrent_uploads_are_all_sanitized_without_a_reset(tmp_path: Path) -> None:
    load = run_load(10, 2 * MiB, tmp_path)
    _report(load, 10, 2 * MiB)
    assert load.errors == []
    assert load.statuses == [200] * 10
    assert load.peak_rss_mib < 400


@pytest.mark.skipif(not os.environ.get("HARSCRUB_LOAD_TEST"), reason="on demand: HARSCRUB_LOAD_TEST=1 (minutes)")
def test_fifty_concurrent_20mb_uploads_stay_bounded(tmp_path: Path) -> None:
    load = run_load(50, 20 * MiB, tmp_path, attempts=200)
    _report(load, 50, 20 * MiB)
    assert load.errors == []
    assert load.statuses == [200] * 50
    assert load.peak_rss_mib < 1024

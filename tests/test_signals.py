"""Signals and temporary files (issue 13): nothing half-written, nothing secret at rest.

- SIGTERM, SIGHUP and SIGINT in the middle of either pass: exit 128 + the signal, one line,
  no output and no temporary file left (SIGTERM and SIGHUP used to leave the hidden
  ``.OUT.*.harscrub-tmp`` behind);
- a signal that lands as the temporary output is created finds its cleanup armed (the race
  behind the flaky Ctrl-C test);
- every temporary file a run holds open (the pass-1 spool, the stdin-to-stdout staging, spilled
  findings) is sealed: read through ``/proc/PID/fd`` while the run goes on, it holds no secret
  (the pass-1 spool held redacted-but-not-yet-swept entries in clear); after SIGKILL, what is
  left holds no secret either and is readable by its owner only.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from harscrub.stream import atomic
from harscrub.stream.atomic import atomic_output
from harscrub.stream.spill import Spill

from .factories import make_entry

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="signals and /proc as on Linux")

#: No shape a rule knows: found only where its place says so (the last entry's Authorization).
SECRET = "Qz7wX2vN9kL4mP8rT3yB6hJ1cF5gD0sA"


def _write_har(path: Path, entries: int = 900, body: int = 20_000) -> None:
    """About ``entries * body`` bytes; the secret in clear in entry 0 (a field no rule reads as
    secret), then under Authorization in the last entry, so only pass 2 removes the first."""
    filler = json.dumps({"rows": ["x" * 60 for _ in range(body // 66)]})
    with open(path, "w") as f:
        f.write('{"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": [\n')
        for i in range(entries):
            e = make_entry(i)
            e["response"]["content"]["text"] = filler
            if i == 0:
                e["_note"] = f"copied {SECRET} here"
            if i == entries - 1:
                e["request"]["headers"].append({"name": "Authorization", "value": f"Bearer {SECRET}"})
            f.write((",\n" if i else "") + json.dumps(e, indent=2))
        f.write("\n]}}\n")


@pytest.fixture(scope="module")
def big_har(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("signals") / "big.har"
    _write_har(path)
    return path


def _temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".harscrub-tmp")]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


@contextlib.contextmanager
def _sanitizing(src: Path, out: Path, cwd: Path, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen([sys.executable, "-m", "harscrub", "sanitize", "-q", str(src), "-o", str(out)], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **(env or {})})
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.communicate(timeout=60)


def _wait_for(proc: subprocess.Popen[bytes], folder: Path, when: str) -> None:
    """Until the temp output exists (first pass) or has bytes (second pass)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        tmp = _temp_files(folder)
        if tmp and (when == "first pass" or _size(tmp[0]) > 0):
            return
        time.sleep(0.002)
    pytest.fail(f"the run ended (or never reached the {when}) before it could be interrupted")


@pytest.mark.parametrize("when", ["first pass", "second pass"])
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_leaves_no_temp_file(signum: int, when: str, big_har: Path, tmp_path: Path) -> None:
    """Case: SIGTERM or SIGHUP left a hidden partial temp file beside the output."""
    out = tmp_path / "out.har"
    with _sanitizing(big_har, out, tmp_path) as proc:
        _wait_for(proc, tmp_path, when)
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, stderr.decode()
    assert stderr.decode().splitlines() == ["harscrub: interrupted; no output was written"]
    assert not out.exists()
    assert _temp_files(tmp_path) == []


@pytest.mark.parametrize("taken_by", ["the main thread", "another thread"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_as_the_temp_file_is_created_finds_the_cleanup_armed(
        signum: int, taken_by: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Case: Ctrl-C landing just after the temp output was created (before its cleanup was
    armed) left it behind: the race behind the flaky test_ctrl_c_leaves_no_partial_file. The
    kernel may hand a process signal to any thread; Python runs the handler in the main one."""
    import threading

    real = atomic.tempfile.mkstemp
    idle = threading.Event()
    other = threading.Thread(target=idle.wait, daemon=True)
    other.start()

    def mkstemp_then_signal(*args: object, **kwargs: object) -> tuple[int, str]:
        made = real(*args, **kwargs)  # type: ignore[arg-type]
        if taken_by == "another thread":
            signal.pthread_kill(other.ident, signum)  # type: ignore[arg-type]
        else:
            os.kill(os.getpid(), signum)
        for _ in range(1000):  # give the interpreter every chance to run the handler here
            pass
        time.sleep(0.01)
        return made  # type: ignore[return-value]

    monkeypatch.setattr(atomic.tempfile, "mkstemp", mkstemp_then_signal)
    try:
        with pytest.raises(KeyboardInterrupt):
            with atomic_output(tmp_path / "out.har") as handle:
                handle.write(b"never")
    finally:
        idle.set()
    assert list(tmp_path.iterdir()) == []


def test_sigterm_outside_the_main_thread_changes_nothing() -> None:
    import threading

    from harscrub.stream.atomic import terminations_raise

    seen: list[object] = []
    t = threading.Thread(target=lambda: seen.append(signal.getsignal(signal.SIGTERM)) or terminations_raise().__enter__())
    t.start()
    t.join()
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_a_handler_installed_by_the_program_is_left_alone(tmp_path: Path) -> None:
    def mine(signum: int, frame: object) -> None:
        pass

    previous = signal.signal(signal.SIGTERM, mine)
    try:
        with atomic_output(tmp_path / "x") as handle:
            assert signal.getsignal(signal.SIGTERM) is mine
            assert signal.getsignal(signal.SIGHUP) not in (signal.SIG_DFL, mine)
            handle.write(b"ok")
        assert signal.getsignal(signal.SIGHUP) == signal.SIG_DFL
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert (tmp_path / "x").read_bytes() == b"ok"


def test_terminated_unwinds_through_the_cleanup(tmp_path: Path) -> None:
    from harscrub.errors import Terminated

    with pytest.raises(Terminated) as caught:
        with atomic_output(tmp_path / "out.har") as handle:
            handle.write(b"half")
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(1000):
                pass
    assert caught.value.signum == signal.SIGTERM
    assert list(tmp_path.iterdir()) == []


# -- nothing secret at rest ------------------------------------------------------------------------------
def _open_files(pid: int, skip: Path) -> dict[str, bytes]:
    """What each regular file the process holds open contains (its input aside)."""
    found = {}
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith(str(skip)) or not stat.S_ISREG(os.stat(fd).st_mode):
                continue
            found[target] = Path(fd).read_bytes()
    return found


def test_the_first_pass_spool_holds_no_secret_at_rest(big_har: Path, tmp_path: Path) -> None:
    """Case: the first pass spooled redacted-but-not-yet-swept entries to a temp file in clear."""
    out = tmp_path / "out.har"
    seen: dict[str, int] = {}
    with _sanitizing(big_har, out, tmp_path) as proc:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            for name, data in _open_files(proc.pid, big_har).items():
                seen[name] = max(seen.get(name, 0), len(data))
                assert SECRET.encode() not in data, f"{name} holds the secret in clear"
            time.sleep(0.01)
        assert proc.wait(60) == 0
    assert max(seen.values(), default=0) > 1 << 20, f"never saw the spool: {seen}"
    assert SECRET not in out.read_text()


def test_stdin_to_stdout_spools_hold_no_secret_at_rest(big_har: Path, tmp_path: Path) -> None:
    """Case: the same for the stdin spool and the staged copy of ``-o -``."""
    proc = subprocess.Popen([sys.executable, "-m", "harscrub", "sanitize", "-q", "-", "-o", "-"], cwd=tmp_path,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    data = big_har.read_bytes()
    import threading

    output: list[bytes] = []
    reader = threading.Thread(target=lambda: output.append(proc.stdout.read()))  # type: ignore[union-attr]
    reader.start()
    checked = 0
    try:
        for at in range(0, len(data), 1 << 20):
            proc.stdin.write(data[at : at + (1 << 20)])
            for name, held in _open_files(proc.pid, Path("/nonexistent")).items():
                checked += len(held)
                assert SECRET.encode() not in held, f"{name} holds the secret in clear"
        proc.stdin.close()
        while proc.poll() is None:
            for name, held in _open_files(proc.pid, Path("/nonexistent")).items():
                checked += len(held)
                assert SECRET.encode() not in held, f"{name} holds the secret in clear"
            time.sleep(0.01)
    finally:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        reader.join(60)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else b""
    assert checked > 1 << 20
    assert SECRET.encode() not in output[0] and len(output[0]) > len(data) // 2


def test_spilled_findings_are_sealed() -> None:
    spill: Spill[str] = Spill(keep=0, batch=2)
    spill.extend([SECRET, "b", "c", SECRET])
    assert spill._store is not None
    spill._store.seek(0)
    assert SECRET.encode() not in spill._store.read()
    assert list(spill) == [SECRET, "b", "c", SECRET]


@pytest.mark.parametrize("aes", [True, False], ids=["aes-ctr", "shake"])
def test_a_sealed_file_reads_back_what_was_written_and_holds_nothing_readable(aes: bool) -> None:
    from harscrub.stream.sealed import Keystream, sealed_tempfile

    if aes and Keystream().aes is False:
        pytest.skip("no OpenSSL reachable")
    with sealed_tempfile() as f:
        f.raw._keys = Keystream(aes=aes)  # type: ignore[attr-defined]
        text = (b'{"token": "' + SECRET.encode() + b'"}\n') * 50_000
        f.write(text)
        f.seek(0)
        assert f.read() == text
        f.seek(123_457)
        assert f.read(1000) == text[123_457:124_457]
        with open(f.fileno(), "rb", closefd=False) as raw:
            raw.seek(0)
            on_disk = raw.read()
        assert len(on_disk) == len(text) and SECRET.encode() not in on_disk and b"token" not in on_disk


def test_after_sigkill_nothing_left_holds_a_secret_or_is_readable_by_others(big_har: Path, tmp_path: Path) -> None:
    """Case: a leftover after SIGKILL (no cleanup can run) must be unreadable."""
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    out = tmp_path / "out.har"
    with _sanitizing(big_har, out, tmp_path, env={"TMPDIR": str(tmpdir)}) as proc:
        _wait_for(proc, tmp_path, "second pass")
        proc.send_signal(signal.SIGKILL)
        proc.wait(60)
    assert not out.exists()
    leftovers = [p for p in [*tmp_path.iterdir(), *tmpdir.iterdir()] if p.is_file() and p != big_har]
    for p in leftovers:
        assert SECRET.encode() not in p.read_bytes(), p
        assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, f"{p} is readable by others"
    assert list(tmpdir.iterdir()) == [], "spools are anonymous: nothing named is left in TMPDIR"

"""Bad input gets one clear line and exit 2; nothing is ever half-written; odd but real HARs work.

Every refused input is checked the same way (:func:`assert_refused`): exit code 2, exactly
one line on stderr that says what is wrong and where (byte offset, entry index or the path),
no traceback, no output file or temporary file left beside it, and the input untouched.
Most cases run the CLI in-process (fast); a handful run it as a real subprocess, and Ctrl-C is
a real SIGINT sent to a real process.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import importlib
import io
import json
import os
import random
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator

import pytest

from harscrub.cli.commands import register
from harscrub.engine.sanitize import sanitize_file, sanitize_stream
from harscrub.errors import HarscrubError, InputTooLargeError, InvalidHarError, OutputError
from harscrub.stream.decode import decode_json
from harscrub.stream.reader import MAX_DEPTH, HarReader, RawEntry
from harscrub.stream.source import wrap_stream

from .factories import CORPUS, ROOT, har_errors, make_entry, make_har, run_cli

register()
# harscrub.sanitize is the function (the public API); the modules are reached by name.
sanitize_module = importlib.import_module("harscrub.engine.sanitize")
source_module = importlib.import_module("harscrub.stream.source")

JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiZXhwIjo0MTAyNDQ0ODAwfQ."
    "Qm9ndXNTaWduYXR1cmVGb3JUZXN0aW5nT25seTEyMw"
)
OPAQUE = "Zq8vR2mT9xW4kL7pN3bH6cY1"  # no recognisable shape: only its place makes it a secret
#: Where an error line says where: a byte offset (with the entry index when known).
AT_BYTE = r"\((?:entry \d+, )?byte \d+\)$"


# -- helpers ---------------------------------------------------------------------------------------
def run_proc(*args: str, cwd: Path, stdin: bytes | None = None, timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "harscrub", *args], cwd=cwd, input=stdin, capture_output=True,
                          timeout=timeout, check=False)


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file in ``folder``: content digest and permission bits."""
    out = {}
    for p in sorted(folder.iterdir()):
        if p.is_file() and not p.is_symlink():
            out[p.name] = (hashlib.sha256(p.read_bytes()).hexdigest(), stat.S_IMODE(p.stat().st_mode))
        else:
            out[p.name] = ("<not a file>", 0)
    return out


def assert_one_line_error(code: int, stderr: str, what: str, where: str = AT_BYTE) -> str:
    assert code == 2, f"exit code {code}, stderr: {stderr!r}"
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {lines!r}"
    line = lines[0]
    assert line.startswith("harscrub: error: "), line
    assert re.search(what, line), f"{what!r} not in {line!r}"
    assert re.search(where, line), f"{line!r} does not say where ({where!r})"
    return line


def assert_refused(folder: Path, before: dict[str, tuple[str, int]], code: int, stdout: str, stderr: str,
                   what: str, where: str = AT_BYTE) -> str:
    """Exit 2, one line, nothing written beside the input (no output, no temp file), input untouched."""
    line = assert_one_line_error(code, stderr, what, where)
    assert snapshot(folder) == before, "the folder changed: an output or temporary file was left, or the input changed"
    assert stdout == ""
    return line


def refuse(tmp_path: Path, data: bytes, what: str, *extra: str, where: str = AT_BYTE, name: str = "in.har") -> str:
    """Write ``data`` as the input, run ``sanitize`` on it and check it is refused cleanly."""
    src = tmp_path / name
    src.write_bytes(data)
    before = snapshot(tmp_path)
    code, out, err = run_cli("sanitize", str(src), "-o", str(tmp_path / "out.har"), *extra)
    return assert_refused(tmp_path, before, code, out, err, what, where)


def doc(*entries: dict[str, Any], **log: Any) -> bytes:
    return json.dumps(make_har(*entries, **log), indent=2).encode()


GOOD = doc(make_entry(0), make_entry(1), make_entry(2))


# -- the bad-input matrix ------------------------------------------------------------------------
def _with_entry(raw: bytes, index: int = 2) -> bytes:
    """A HAR whose entry ``index`` is ``raw`` (the others are fine)."""
    good = [json.dumps(make_entry(i)).encode() for i in range(index)]
    return b'{"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": [' + b", ".join(
        [*good, raw]) + b"]}}"


NESTED = 100_000
BAD_INPUTS: dict[str, tuple[bytes, str]] = {
    "empty file": (b"", r"the input is empty"),
    "only whitespace": (b" \r\n\t \n", r"the input is empty"),
    "plain text": (b"hello, this is not JSON", r"not a JSON object"),
    "html page": (b"<!doctype html><html><body>Sign in</body></html>", r"not a JSON object"),
    "json array": (b"[{\"log\": {}}]", r"not a JSON object"),
    "json string": (b'"log"', r"not a JSON object"),
    "json number": (b"1.2", r"not a JSON object"),
    "json null": (b"null", r"not a JSON object"),
    "single quotes": (b"{'log': {'entries': []}}", r"object key"),
    "comment": (b'{"log": {"entries": []} // saved by hand\n}', r"expected ',' or '}'"),
    "trailing comma in log": (b'{"log": {"entries": [],}}', r"object key"),
    "trailing comma in entries": (b'{"log": {"entries": [{},]}}', r"entry 1 is not an object"),
    "no log": (b'{"version": "1.2", "entries": []}', r"no 'log' object"),
    "empty object": (b"{}", r"no 'log' object"),
    "log is a list": (b'{"log": []}', r"'log' is not an object"),
    "log is a string": (b'{"log": "entries"}', r"'log' is not an object"),
    "log is null": (b'{"log": null}', r"'log' is not an object"),
    "log twice": (b'{"log": {"entries": []}, "log": {"entries": []}}', r"'log' appears twice"),
    "no entries": (b'{"log": {"version": "1.2", "creator": {"name": "x"}}}', r"'log.entries' is missing"),
    "entries is an object": (b'{"log": {"entries": {"0": {}}}}', r"'log.entries' is not a list"),
    "entries is null": (b'{"log": {"entries": null}}', r"'log.entries' is not a list"),
    "entries is a string": (b'{"log": {"entries": "[]"}}', r"'log.entries' is not a list"),
    "entry is a number": (_with_entry(b"42"), r"entry 2 is not an object"),
    "entry is null": (_with_entry(b"null"), r"entry 2 is not an object"),
    "entry is a string": (_with_entry(b'"{}"'), r"entry 2 is not an object"),
    "entry is a list": (_with_entry(b"[{}]"), r"entry 2 is not an object"),
    "invalid utf-8 in an entry": (_with_entry(b'{"comment": "caf\xe9"}'), r"invalid UTF-8 \(entry 2, byte \d+\)"),
    "invalid utf-8 in a member": (b'{"log": {"comment": "\xff\xfe", "entries": []}}', r"invalid UTF-8"),
    "invalid utf-8 in a key": (b'{"log": {"\xc3": 1, "entries": []}}', r"invalid UTF-8"),
    "latin-1 file": ('{"log": {"creator": {"name": "Télé"}, "entries": []}}'.encode("latin-1"), r"invalid UTF-8"),
    "utf-16 le with bom": ('{"log": {"entries": []}}'.encode("utf-16"), r"UTF-16 or UTF-32"),
    "utf-16 be with bom": (b"\xfe\xff" + '{"log": {"entries": []}}'.encode("utf-16-be"), r"UTF-16 or UTF-32"),
    "utf-32 with bom": ('{"log": {"entries": []}}'.encode("utf-32"), r"UTF-16 or UTF-32"),
    "utf-16 without bom": ('{"log": {"entries": []}}'.encode("utf-16-le"), r"object key"),
    "NaN in an entry": (_with_entry(b'{"time": NaN}'), r"NaN is not valid JSON \(entry 2, byte \d+\)"),
    "Infinity in an entry": (_with_entry(b'{"time": Infinity}'), r"Infinity is not valid JSON \(entry 2"),
    "-Infinity in an entry": (_with_entry(b'{"timings": {"wait": -Infinity}}'), r"Infinity is not valid JSON"),
    "NaN in a member": (b'{"log": {"version": NaN, "entries": []}}', r"NaN is not valid JSON"),
    "NaN at the top": (b'{"log": {"entries": []}, "x": NaN}', r"NaN is not valid JSON"),
    "garbage after the document": (GOOD + b"\n{}", r"unexpected data after the end"),
    "two documents": (GOOD + GOOD, r"unexpected data after the end"),
    "bad escape in an entry": (_with_entry(b'{"comment": "\\x41"}'), r"not valid JSON.*\(entry 2, byte \d+\)"),
    "bare word in an entry": (_with_entry(b'{"cache": undefined}'), r"not valid JSON.*\(entry 2"),
    "nested 100000 deep in an entry": (_with_entry(b'{"x": ' + b"[" * NESTED + b"]" * NESTED + b"}"),
                                       rf"nesting deeper than {MAX_DEPTH} levels \(entry 2, byte \d+\)"),
    "nested 100000 deep in a member": (b'{"log": {"pages": ' + b"[" * NESTED + b"]" * NESTED + b', "entries": []}}',
                                       r"nesting deeper than"),
    "nested 100000 deep at the top": (b'{"x": ' + b'{"a": ' * NESTED + b"1" + b"}" * NESTED + b', "log": {"entries": []}}',
                                      r"nesting deeper than"),
    "nested 100000 deep as an entry": (_with_entry(b"[" * NESTED + b"]" * NESTED), r"entry 2 is not an object"),
    "unterminated string": (b'{"log": {"version": "1.2, "entries": []}}', r"expected ',' or '}'"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS), ids=lambda c: c.replace(" ", "-"))
def test_bad_input_is_refused_with_one_line_saying_where(case: str, tmp_path: Path) -> None:
    data, what = BAD_INPUTS[case]
    refuse(tmp_path, data, what)


def test_an_error_says_the_byte_where_the_problem_is(tmp_path: Path) -> None:
    data = _with_entry(b'{"time": 1, "comment": NaN}')
    line = refuse(tmp_path, data, r"NaN")
    offset = int(re.search(r"byte (\d+)", line).group(1))  # type: ignore[union-attr]
    assert data[offset:offset + 3] == b"NaN"


def test_utf8_bom_is_not_an_error(tmp_path: Path) -> None:
    src = tmp_path / "bom.har"
    src.write_bytes(b"\xef\xbb\xbf" + GOOD)
    code, _, err = run_cli("sanitize", "-q", str(src), "-o", str(tmp_path / "out.har"))
    assert code == 0, err
    assert len(json.loads((tmp_path / "out.har").read_bytes())["log"]["entries"]) == 3


# -- truncated input -------------------------------------------------------------------------------
def _cut_points(data: bytes, n: int, seed: int) -> list[int]:
    """``n`` places to cut ``data``: spread out, plus structural spots (after a key, a comma, a brace)."""
    rng = random.Random(seed)
    end = len(data.rstrip())
    spots = [m.end() for m in re.finditer(rb'[:,\[{]\s*|"', data[:end])]
    points = set(rng.sample(spots, min(n // 2, len(spots)))) | set(rng.sample(range(1, end), n - n // 2))
    return sorted(p for p in points if 0 < p < end)


TRUNCATE = (CORPUS / "chrome.har").read_bytes()


@pytest.mark.parametrize("cut", _cut_points(TRUNCATE, 16, seed=4), ids=lambda c: f"at-{c}")
def test_truncated_file_is_refused(cut: int, tmp_path: Path) -> None:
    line = refuse(tmp_path, TRUNCATE[:cut], r"unexpected end of input|unterminated|expected")
    offset = int(re.search(r"byte (\d+)", line).group(1))  # type: ignore[union-attr]
    assert offset <= cut


@pytest.mark.parametrize("name", ["chrome.har", "firefox.har", "safari.har", "with-bom.har", "postdata.har"])
def test_truncated_anywhere_is_an_invalid_har_error(name: str) -> None:
    """Hundreds of cut points per real file, through the library: always InvalidHarError, never a crash."""
    data = (CORPUS / name).read_bytes()
    for cut in _cut_points(data, 150, seed=len(data)):
        with pytest.raises(InvalidHarError) as info:
            for event in HarReader(wrap_stream(io.BytesIO(data[:cut]))):
                if isinstance(event, RawEntry):  # what sanitize does first with each entry
                    decode_json(event.raw, offset=event.offset, entry=event.index)
        assert info.value.offset is not None and info.value.offset <= cut, (cut, str(info.value))
        assert "\n" not in str(info.value)


def test_cut_after_a_key_says_the_file_ends(tmp_path: Path) -> None:
    refuse(tmp_path, b'{"log": {"version": "1.2", "entries": ', r"unexpected end of input.*entries")
    refuse(tmp_path, b'{"log": ', r"unexpected end of input.*'log'")


# -- gzip --------------------------------------------------------------------------------------------
def test_gzip_input_is_read(tmp_path: Path) -> None:
    src = tmp_path / "in.har.gz"
    src.write_bytes(gzip.compress(GOOD))
    code, _, err = run_cli("sanitize", "-q", str(src), "-o", str(tmp_path / "out.har"))
    assert code == 0, err
    assert len(json.loads((tmp_path / "out.har").read_bytes())["log"]["entries"]) == 3


def test_truncated_gzip_is_refused_where_it_breaks(tmp_path: Path) -> None:
    big = doc(*(make_entry(i) for i in range(400)))
    packed = gzip.compress(big)
    line = refuse(tmp_path, packed[: len(packed) * 2 // 3], r"corrupt or truncated", name="in.har.gz")
    offset = int(re.search(r"byte (\d+)", line).group(1))  # type: ignore[union-attr]
    assert offset > 0, "the decompressed offset where the stream breaks"


def test_gzip_with_a_corrupt_body_is_refused(tmp_path: Path) -> None:
    packed = bytearray(gzip.compress(GOOD))
    packed[20:40] = b"\xff" * 20
    refuse(tmp_path, bytes(packed), r"corrupt or truncated|not valid|UTF-8", name="in.har.gz")


def _gzip_bomb(path: Path, padding: int) -> None:
    """A valid HAR whose decompressed size is mostly whitespace: tiny on disk, huge inflated."""
    with gzip.open(path, "wb", compresslevel=9) as f:
        f.write(b'{"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": []')
        block = b" " * (1 << 20)
        for _ in range(padding // len(block)):
            f.write(block)
        f.write(b"}}")


def test_gzip_bomb_is_capped_by_max_size(tmp_path: Path) -> None:
    src = tmp_path / "bomb.har.gz"
    _gzip_bomb(src, 64 << 20)
    assert src.stat().st_size < 1 << 20
    before = snapshot(tmp_path)
    code, out, err = run_cli("sanitize", str(src), "-o", str(tmp_path / "out.har"), "--max-size", str(8 << 20))
    assert_refused(tmp_path, before, code, out, err, r"larger than the 8388608 byte limit.*--max-size")
    # The cap is configurable: raised above the inflated size, the same file is a valid (empty) HAR.
    code, _, err = run_cli("sanitize", "-q", str(src), "-o", str(tmp_path / "out.har"), "--max-size", str(80 << 20))
    assert code == 0, err
    assert json.loads((tmp_path / "out.har").read_bytes())["log"]["entries"] == []


def test_plain_input_over_max_size_is_refused(tmp_path: Path) -> None:
    refuse(tmp_path, GOOD, r"larger than the 1000 byte limit", "--max-size", "1000")


def test_one_entry_over_max_entry_size_is_refused(tmp_path: Path) -> None:
    big = make_entry(1)
    big["response"]["content"]["text"] = "x" * 300_000
    refuse(tmp_path, doc(make_entry(0), big), r"larger than the 100000 byte limit.*--max-entry-size",
           "--max-entry-size", "100000", where=r"entry 1, byte \d+")


# -- a single huge string ------------------------------------------------------------------------------
class CountingFile(io.RawIOBase):
    """Counts how many bytes were read from a file."""

    def __init__(self, f: BinaryIO) -> None:
        self._f = f
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self._f.read(len(b))
        self.read_bytes += len(data)
        b[: len(data)] = data
        return len(data)


def _write_huge_string(path: Path, size: int, head: bytes = b'"', tail: bytes = b'"') -> None:
    """Stream-write ``head`` + ``size`` letters + ``tail`` (8 MB at a time; fast, flat memory)."""
    block = b"A" * (8 << 20)
    with open(path, "wb") as f:
        f.write(head)
        for _ in range(size // len(block)):
            f.write(block)
        f.write(b"A" * (size % len(block)))
        f.write(tail)


@pytest.fixture(scope="module")
def huge_string(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A file that is one 200 MB JSON string; deleted after the tests that use it."""
    path = tmp_path_factory.mktemp("huge") / "string.har"
    _write_huge_string(path, 200 * 1000 * 1000)
    yield path
    path.unlink()


def test_a_200mb_json_string_is_refused(huge_string: Path) -> None:
    before = snapshot(huge_string.parent)
    code, out, err = run_cli("sanitize", str(huge_string), "-o", str(huge_string.parent / "out.har"))
    assert_refused(huge_string.parent, before, code, out, err, r"not a JSON object \(byte 0\)")


def test_a_200mb_json_string_is_refused_without_reading_it(huge_string: Path) -> None:
    with open(huge_string, "rb") as f:
        counting = CountingFile(f)
        with pytest.raises(InvalidHarError, match="not a JSON object"):
            list(HarReader(wrap_stream(counting)))
    assert counting.read_bytes <= 4 << 20, f"read {counting.read_bytes} bytes of a file refused at byte 0"


def test_a_huge_string_inside_an_entry_stops_at_the_entry_cap(tmp_path: Path) -> None:
    path = tmp_path / "in.har"
    _write_huge_string(path, 40 << 20, head=b'{"log": {"entries": [{"comment": "', tail=b'"}]}}')
    cap = 2 << 20
    with open(path, "rb") as f:
        counting = CountingFile(f)
        with pytest.raises(InputTooLargeError, match="--max-entry-size") as info:
            list(HarReader(wrap_stream(counting), max_entry_bytes=cap))
    assert info.value.entry == 0
    assert counting.read_bytes <= 3 * cap + (2 << 20), f"read {counting.read_bytes} bytes to refuse a {cap} byte cap"


# -- paths -------------------------------------------------------------------------------------------
def test_missing_input(tmp_path: Path) -> None:
    before = snapshot(tmp_path)
    code, out, err = run_cli("sanitize", str(tmp_path / "nope.har"))
    assert_refused(tmp_path, before, code, out, err, r"no such file", where=r"nope\.har")


@pytest.mark.parametrize("spelling", ["folder", ".", "folder/"])
def test_a_folder_as_input(spelling: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sanitize takes folders (the HARs under them); one without any is refused, named."""
    (tmp_path / "folder").mkdir()
    monkeypatch.chdir(tmp_path)
    before = snapshot(tmp_path)
    code, out, err = run_cli("sanitize", spelling)
    assert_refused(tmp_path, before, code, out, err, r"no \.har, \.har\.json or \.har\.gz files",
                   where=re.escape(spelling.rstrip("/") or "."))


def test_a_path_through_a_file(tmp_path: Path) -> None:
    (tmp_path / "in.har").write_bytes(GOOD)
    before = snapshot(tmp_path)
    code, out, err = run_cli("sanitize", str(tmp_path / "in.har" / "x.har"), "-o", str(tmp_path / "o.har"))
    assert_refused(tmp_path, before, code, out, err, r"cannot open|no such file|Not a directory", where=r"x\.har")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode; see the simulated case")
def test_unreadable_input(tmp_path: Path) -> None:
    src = tmp_path / "in.har"
    src.write_bytes(GOOD)
    src.chmod(0)
    try:
        before = snapshot_names(tmp_path)
        code, out, err = run_cli("sanitize", str(src), "-o", str(tmp_path / "out.har"))
        assert_one_line_error(code, err, r"permission denied", where=r"in\.har")
        assert snapshot_names(tmp_path) == before
    finally:
        src.chmod(0o644)


def snapshot_names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_unreadable_input_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a user without read permission sees (run even as root, where chmod cannot deny a read)."""
    src = tmp_path / "in.har"
    src.write_bytes(GOOD)

    def denied(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied", str(args[0]))

    monkeypatch.setattr(source_module, "open", denied, raising=False)
    before = snapshot(tmp_path)
    code, out, err = run_cli("sanitize", str(src), "-o", str(tmp_path / "out.har"))
    assert_refused(tmp_path, before, code, out, err, r"permission denied", where=r"in\.har")


def test_an_input_that_fails_while_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk or network error in the middle of the file (EIO) is one line too, and writes nothing."""
    src = tmp_path / "in.har"
    src.write_bytes(doc(*(make_entry(i) for i in range(50))))
    real_open = open

    class Failing(io.RawIOBase):
        def __init__(self, path: Any) -> None:
            self._f = real_open(path, "rb")
            self._n = 0

        def readable(self) -> bool:
            return True

        def readinto(self, b: Any) -> int:
            self._n += 1
            if self._n > 1:
                raise OSError(5, "Input/output error", str(src))
            data = self._f.read(min(len(b), 4096))
            b[: len(data)] = data
            return len(data)

        def close(self) -> None:
            self._f.close()
            super().close()

    monkeypatch.setattr(source_module, "open", lambda p, mode="rb": io.BufferedReader(Failing(p), 4096), raising=False)
    before = snapshot(tmp_path)
    code, out, err = run_cli("sanitize", str(src), "-o", str(tmp_path / "out.har"))
    assert_refused(tmp_path, before, code, out, err, r"Input/output error", where=r"in\.har")


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder this process cannot create files in (a read-only folder; as root, a kernel one)."""
    ro = tmp_path / "read-only"
    ro.mkdir()
    ro.chmod(0o555)
    for candidate in (ro, Path("/sys"), Path("/proc")):
        try:
            probe = candidate / ".harscrub-write-probe"
            probe.write_bytes(b"")
        except OSError:
            return candidate
        probe.unlink()
    pytest.skip("no folder here refuses writes to this user")


def test_unwritable_output_folder(tmp_path: Path) -> None:
    src_dir = tmp_path / "in"
    src_dir.mkdir()
    (src_dir / "in.har").write_bytes(GOOD)
    folder = _unwritable_folder(tmp_path)
    before = snapshot(src_dir)
    try:
        code, out, err = run_cli("sanitize", str(src_dir / "in.har"), "-o", str(folder / "out.har"))
        assert_refused(src_dir, before, code, out, err, r"cannot write", where=re.escape(str(folder)))
        assert not (folder / "out.har").exists()
    finally:
        (tmp_path / "read-only").chmod(0o755)


@pytest.mark.parametrize(
    ("target", "what"),
    [
        ("missing/out.har", r"folder .*missing does not exist"),
        ("existing-folder", r"existing-folder: it is a folder"),
        ("in.har/out.har", r"does not exist|not a directory"),
    ],
)
def test_output_that_cannot_be_written(target: str, what: str, tmp_path: Path) -> None:
    (tmp_path / "in.har").write_bytes(GOOD)
    (tmp_path / "existing-folder").mkdir()
    before = snapshot(tmp_path)
    code, out, err = run_cli("sanitize", str(tmp_path / "in.har"), "-o", str(tmp_path / target))
    assert_refused(tmp_path, before, code, out, err, what, where=r"cannot write")


def test_output_onto_a_device_is_refused_not_replaced(tmp_path: Path) -> None:
    """``-o /dev/null`` must not rename a file over the device (as root it could); ``-o -`` is stdout."""
    (tmp_path / "in.har").write_bytes(GOOD)
    device = Path("/dev/null")
    if not device.exists() or not stat.S_ISCHR(device.stat().st_mode):
        pytest.skip("no /dev/null character device")
    before = snapshot(tmp_path)
    code, out, err = run_cli("sanitize", str(tmp_path / "in.har"), "-o", str(device))
    assert_refused(tmp_path, before, code, out, err, r"not a regular file", where=r"/dev/null")
    assert stat.S_ISCHR(device.stat().st_mode)


# -- output safety -------------------------------------------------------------------------------------
@pytest.mark.parametrize("spelling", ["same", "dot-slash", "symlink"])
def test_output_equal_to_input_is_refused(spelling: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "in.har"
    src.write_bytes(GOOD)
    monkeypatch.chdir(tmp_path)
    arg_in, arg_out = {"same": ("in.har", "in.har"), "dot-slash": ("in.har", "./in.har"),
                       "symlink": ("link.har", "in.har")}[spelling]
    if spelling == "symlink":
        (tmp_path / "link.har").symlink_to("in.har")
    before = snapshot(tmp_path)
    code, out, err = run_cli("sanitize", arg_in, "-o", arg_out)
    assert_refused(tmp_path, before, code, out, err, r"refusing to overwrite the input.*--in-place", where=r"\.har")


def test_in_place_replaces_the_input_and_keeps_its_mode(tmp_path: Path) -> None:
    src = tmp_path / "in.har"
    src.write_bytes(doc(make_entry(0, headers=[{"name": "Authorization", "value": f"Bearer {OPAQUE}"}])))
    src.chmod(0o640)
    code, _, err = run_cli("sanitize", "-q", str(src), "--in-place")
    assert code == 0, err
    assert OPAQUE not in src.read_text()
    assert stat.S_IMODE(src.stat().st_mode) == 0o640
    assert snapshot_names(tmp_path) == ["in.har"], "no temporary file left"


@pytest.mark.parametrize("mode", [0o600, 0o644, 0o640])
def test_output_keeps_the_input_permissions(mode: int, tmp_path: Path) -> None:
    src = tmp_path / "in.har"
    src.write_bytes(GOOD)
    src.chmod(mode)
    sanitize_file(src, tmp_path / "out.har")
    assert stat.S_IMODE((tmp_path / "out.har").stat().st_mode) == mode


def test_sanitize_file_refuses_the_input_as_output_unless_in_place(tmp_path: Path) -> None:
    src = tmp_path / "in.har"
    src.write_bytes(GOOD)
    with pytest.raises(OutputError, match="--in-place"):
        sanitize_file(src, src)
    assert src.read_bytes() == GOOD
    sanitize_file(src, src, in_place=True)
    assert "_harscrub" in json.loads(src.read_bytes())["log"]


def test_a_failed_run_leaves_the_previous_output_as_it_was(tmp_path: Path) -> None:
    (tmp_path / "out.har").write_bytes(b"previous version")
    src = tmp_path / "in.har"
    src.write_bytes(_with_entry(b'{"time": NaN}', index=5))
    code, _, err = run_cli("sanitize", str(src), "-o", str(tmp_path / "out.har"))
    assert_one_line_error(code, err, r"entry 5")
    assert (tmp_path / "out.har").read_bytes() == b"previous version"
    assert snapshot_names(tmp_path) == ["in.har", "out.har"]


def test_bad_stdin_to_stdout_writes_nothing(tmp_path: Path) -> None:
    code, out, err = run_cli("sanitize", "-", stdin=_with_entry(b'{"time": NaN}', index=3))
    assert_one_line_error(code, err, r"NaN is not valid JSON \(entry 3")
    assert out == ""


def test_bad_file_to_stdout_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "in.har"
    src.write_bytes(GOOD[:-40])
    code, out, err = run_cli("sanitize", str(src), "-o", "-")
    assert_one_line_error(code, err, r"unexpected end of input")
    assert out == ""


def test_an_internal_error_in_one_entry_writes_no_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever goes wrong inside entry 3 (here: a bug), no file with entries 0-2 only appears."""
    real = sanitize_module.walk_entry

    def flaky(r: Any, entry: dict[str, Any], index: int) -> Any:
        if index == 3:
            raise RuntimeError("simulated bug")
        return real(r, entry, index)

    monkeypatch.setattr(sanitize_module, "walk_entry", flaky)
    src = tmp_path / "in.har"
    src.write_bytes(doc(*(make_entry(i) for i in range(6))))
    with pytest.raises(RuntimeError):
        sanitize_file(src, tmp_path / "out.har")
    assert snapshot_names(tmp_path) == ["in.har"]


def test_an_entry_too_deep_for_the_stack_is_a_clean_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader bounds nesting far below Python's stack; if a caller's own stack is deep, one line still."""
    real = sanitize_module.walk_entry

    def deep(r: Any, entry: dict[str, Any], index: int) -> Any:
        if index == 1:
            raise RecursionError("maximum recursion depth exceeded")
        return real(r, entry, index)

    monkeypatch.setattr(sanitize_module, "walk_entry", deep)
    src = tmp_path / "in.har"
    src.write_bytes(GOOD)
    before = snapshot(tmp_path)
    code, out, err = run_cli("sanitize", str(src), "-o", str(tmp_path / "out.har"))
    assert_refused(tmp_path, before, code, out, err, r"nested too deeply to sanitize \(entry 1, byte \d+\)")


@pytest.mark.parametrize("depth", [MAX_DEPTH - 6, MAX_DEPTH - 1])
def test_nesting_just_under_the_limit_is_sanitized(depth: int) -> None:
    """Allowed depth must also be walkable: every level of dicts and lists, in entries and members."""
    dicts = '{"a": ' * depth + json.dumps(f"Bearer {JWT}") + "}" * depth
    lists = "[" * depth + json.dumps(JWT) + "]" * depth
    data = (f'{{"log": {{"version": "1.2", "_vendor": {dicts}, "entries": [{{"_x": {lists}}}, '
            f'{{"_y": {dicts}}}]}}}}').encode()
    out = io.BytesIO()
    report = sanitize_stream(io.BytesIO(data), out, spool=io.BytesIO())
    assert report.entries == 2
    assert JWT not in out.getvalue().decode()


@pytest.mark.parametrize("depth", [900, 1000, 1020, 5000])
def test_a_deeply_nested_json_body_is_scanned(depth: int) -> None:
    """JSON inside a body string (not bounded by the reader): parsed or not, its secrets go."""
    body = '{"a": ' * depth + json.dumps(JWT) + "}" * depth
    e = make_entry(0, method="POST", postData={"mimeType": "application/json", "text": body})
    out = io.BytesIO()
    sanitize_stream(io.BytesIO(doc(e)), out, spool=io.BytesIO())
    assert JWT not in out.getvalue().decode()


# -- Ctrl-C --------------------------------------------------------------------------------------------
def _large_har(path: Path, size: int) -> None:
    """A realistic HAR of about ``size`` bytes: the benchmark generator if present, else a simple one."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import generate_har  # type: ignore[import-not-found]
    except ImportError:
        generate_har = None
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    if generate_har is not None:
        generate_har(path, size, seed=0)
        return
    with open(path, "wb") as f:
        f.write(b'{"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": [\n')
        i = 0
        while f.tell() < size:
            e = make_entry(i, headers=[{"name": "Authorization", "value": f"Bearer {JWT}"}])
            e["response"]["content"]["text"] = json.dumps({"items": list(range(i % 50, i % 50 + 400))})
            f.write((b",\n" if i else b"") + json.dumps(e).encode())
            i += 1
        f.write(b"\n]}}\n")


@pytest.fixture(scope="module")
def large_har(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("large") / "large.har"
    _large_har(path, 16 << 20)
    return path


def _temp_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".harscrub-tmp")]


@pytest.mark.parametrize("when", ["first pass", "second pass"])
def test_ctrl_c_leaves_no_partial_file(when: str, large_har: Path, tmp_path: Path) -> None:
    """SIGINT to a real process in the middle of each pass: exit 130, one line, no output, no temp file."""
    out = tmp_path / "out.har"
    proc = subprocess.Popen([sys.executable, "-m", "harscrub", "sanitize", "-q", str(large_har), "-o", str(out)],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        # The temp file appears when reading starts and stays empty until the second pass writes.
        while time.monotonic() < deadline and proc.poll() is None:
            tmp = _temp_files(tmp_path)
            if tmp and (when == "first pass" or _size(tmp[0]) > 0):
                break
            time.sleep(0.005)
        assert proc.poll() is None, "finished before it could be interrupted: make the file larger"
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
    assert proc.returncode == 130, stderr.decode()
    lines = stderr.decode().splitlines()
    assert lines == ["harscrub: interrupted; no output was written"], lines
    assert not out.exists()
    assert _temp_files(tmp_path) == []


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


# -- real processes ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"", r"the input is empty"),
        (TRUNCATE[: len(TRUNCATE) // 2], r"unexpected end of input"),
        (_with_entry(b'{"x": ' + b"[" * NESTED + b"]" * NESTED + b"}"), r"nesting deeper than"),
        ('{"log": {"entries": []}}'.encode("utf-16"), r"UTF-16"),
    ],
    ids=["empty", "truncated", "deep", "utf-16"],
)
def test_a_real_process_prints_one_line_and_no_traceback(data: bytes, what: str, tmp_path: Path) -> None:
    (tmp_path / "in.har").write_bytes(data)
    before = snapshot(tmp_path)
    proc = run_proc("sanitize", "in.har", cwd=tmp_path)
    assert_refused(tmp_path, before, proc.returncode, proc.stdout.decode(), proc.stderr.decode(), what)


def test_a_real_process_refuses_a_folder_and_a_missing_file(tmp_path: Path) -> None:
    for arg, what in ((".", r"no \.har, \.har\.json or \.har\.gz files"), ("nope.har", r"no such file")):
        proc = run_proc("sanitize", arg, cwd=tmp_path)
        assert_one_line_error(proc.returncode, proc.stderr.decode(), what, where=re.escape(arg))
    assert snapshot_names(tmp_path) == []


def test_a_real_process_reads_stdin_and_refuses_bad_stdin(tmp_path: Path) -> None:
    ok = run_proc("sanitize", "-q", "-", cwd=tmp_path, stdin=GOOD)
    assert ok.returncode == 0, ok.stderr
    assert len(json.loads(ok.stdout)["log"]["entries"]) == 3
    bad = run_proc("sanitize", "-", cwd=tmp_path, stdin=GOOD[:100])
    assert_one_line_error(bad.returncode, bad.stderr.decode(), r"unexpected end of input")
    assert bad.stdout == b""
    assert snapshot_names(tmp_path) == []


# -- oddities real tools write: processed, not refused ----------------------------------------------
def _odd(mutate: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    e = make_entry(1, headers=[{"name": "Authorization", "value": f"Bearer {OPAQUE}"}])
    mutate(e)
    return make_har(make_entry(0), e, make_entry(2))


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(e: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = e
        for p in parents:
            node = node[p]
        node[last] = value
    return mutate


def _drop(path: str) -> Callable[[dict[str, Any]], None]:
    def mutate(e: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = e
        for p in parents:
            node = node[p]
        del node[last]
    return mutate


ODDITIES: dict[str, Callable[[dict[str, Any]], None]] = {
    "postData null": _set("request.postData", None),
    "no postData on a POST": _set("request.method", "POST"),
    "postData without text": _set("request.postData", {"mimeType": "application/json"}),
    "postData text null": _set("request.postData", {"mimeType": "application/json", "text": None}),
    "postData params only": _set("request.postData", {"mimeType": "application/x-www-form-urlencoded",
                                                      "params": [{"name": "password", "value": OPAQUE}]}),
    "content without text": _drop("response.content.text"),
    "content text null": _set("response.content.text", None),
    "content without mimeType": _drop("response.content.mimeType"),
    "content encoding null": _set("response.content.encoding", None),
    "content encoding base64 on bad base64": _set("response.content.encoding", "base64"),
    "content empty": _set("response.content", {}),
    "headers null": _set("response.headers", None),
    "cookies missing": _drop("request.cookies"),
    "cookie with null fields": _set("request.cookies", [{"name": "sid", "value": OPAQUE, "expires": None,
                                                         "httpOnly": None, "path": None}]),
    "queryString missing": _drop("request.queryString"),
    "header value null": _set("response.headers", [{"name": "X-Trace", "value": None}]),
    "header without value": _set("response.headers", [{"name": "X-Trace"}]),
    "redirectURL null": _set("response.redirectURL", None),
    "status zero (blocked)": _set("response.status", 0),
    "timings missing": _drop("timings"),
    "cache missing": _drop("cache"),
    "response missing": _drop("response"),
    "serverIPAddress ipv6": _set("serverIPAddress", "[2001:db8::1]"),
    "comment null": _set("comment", None),
    "pageref to no page": _set("pageref", "page_404"),
    "vendor fields": lambda e: e.update({"_initiator": {"type": "script", "stack": {"callFrames": [
        {"url": "https://app.example.com/a.js", "lineNumber": 1}]}}, "_priority": "High", "_resourceType": "xhr",
        "_fromCache": "memory", "_charlesVendor": [1, 2.5, True, None, {"k": "v"}]}),
    "unicode everywhere": _set("comment", "naïve ☃ 日本語 \U0001f600 \u202e"),
    "lone surrogate escape": lambda e: e.update({"comment": "\ud83d cut emoji"}),
    "huge numbers": _set("time", 1e308),
    "negative sizes": _set("response.bodySize", -1),
    "int as float": _set("response.status", 200.0),
    "empty strings": lambda e: e["request"].update({"url": "", "method": "", "httpVersion": ""}),
}


@pytest.mark.parametrize("case", list(ODDITIES), ids=lambda c: c.replace(" ", "-"))
def test_oddities_are_processed(case: str, tmp_path: Path) -> None:
    src = tmp_path / "in.har"
    har = _odd(ODDITIES[case])
    src.write_bytes(json.dumps(har, indent=2).encode())
    code, _, err = run_cli("sanitize", "-q", str(src), "-o", str(tmp_path / "out.har"))
    assert code == 0, err
    out = json.loads((tmp_path / "out.har").read_bytes())
    assert len(out["log"]["entries"]) == 3
    assert [e["time"] for e in out["log"]["entries"]] == [e["time"] for e in har["log"]["entries"]]
    assert OPAQUE not in (tmp_path / "out.har").read_text()
    assert out["log"]["_harscrub"]["entries"] == 3


ODD_DOCUMENTS: dict[str, bytes] = {
    "pages missing": doc(make_entry(0)),
    "pages empty": doc(make_entry(0), pages=[]),
    "pages after entries (Firefox)": b'{"log": {"version": "1.2", "entries": [' + json.dumps(make_entry(0)).encode()
    + b'], "pages": [{"id": "p", "title": "t", "startedDateTime": "2026-11-01T10:00:00Z", "pageTimings": {}}]}}',
    "creator missing": b'{"log": {"entries": [' + json.dumps(make_entry(0)).encode() + b"]}}",
    "no entries at all": b'{"log": {"entries": []}}',
    "members at the top level": b'{"_exported": "by hand", "log": {"entries": []}, "comment": null}',
    "vendor members in log": doc(make_entry(0), _meta={"tool": "x", "n": [1, 2]}, browser={"name": "Safari"}),
    "duplicate keys in an entry": _with_entry(b'{"time": 1, "time": 2, "request": {"url": "https://a/?access_token='
                                              + OPAQUE.encode() + b'", "url": "https://a/"}}', index=1),
    "duplicate keys in log": b'{"log": {"version": "1.1", "version": "1.2", "entries": []}}',
    "minified": json.dumps(make_har(make_entry(0)), separators=(",", ":")).encode(),
    "CRLF and tabs": json.dumps(make_har(make_entry(0)), indent="\t").replace("\n", "\r\n").encode(),
    "escaped slashes and unicode escapes": json.dumps(make_har(make_entry(0)), ensure_ascii=True).replace("/", "\\/").encode(),
    "trailing newlines": doc(make_entry(0)) + b"\n\n\n",
    "a previous harscrub marker": json.dumps({"log": {"entries": [], "_harscrub": {"version": "0.0.1"}}}).encode(),
}


@pytest.mark.parametrize("case", list(ODD_DOCUMENTS), ids=lambda c: c.replace(" ", "-"))
def test_odd_documents_are_processed(case: str, tmp_path: Path) -> None:
    src = tmp_path / "in.har"
    src.write_bytes(ODD_DOCUMENTS[case])
    code, _, err = run_cli("sanitize", "-q", str(src), "-o", str(tmp_path / "out.har"))
    assert code == 0, err
    data = (tmp_path / "out.har").read_bytes()
    assert OPAQUE not in data.decode()
    out, before = json.loads(data), json.loads(src.read_bytes())
    assert len(out["log"]["entries"]) == len(before["log"]["entries"])
    assert [k for k in out] == [k for k in before]
    assert [k for k in out["log"] if k != "_harscrub"] == [k for k in before["log"] if k != "_harscrub"]


def test_the_output_of_a_valid_har_is_a_valid_har(tmp_path: Path) -> None:
    src = tmp_path / "in.har"
    src.write_bytes(json.dumps(_odd(ODDITIES["vendor fields"])).encode())
    assert har_errors(json.loads(src.read_bytes())) == []
    sanitize_file(src, tmp_path / "out.har")
    assert har_errors(json.loads((tmp_path / "out.har").read_bytes())) == []


# -- fail closed inside: a value of an unexpected type is scanned or redacted ------------------------
def _req(**changes: Any) -> dict[str, Any]:
    return make_entry(0, **changes)


def _resp(**changes: Any) -> dict[str, Any]:
    e = make_entry(0)
    e["response"].update(changes)
    return e


UNEXPECTED_TYPES: dict[str, tuple[dict[str, Any], str]] = {
    "header value is a list": (_req(headers=[{"name": "X-Debug", "value": [JWT]}]), JWT),
    "header value is a dict": (_req(headers=[{"name": "X-Debug", "value": {"a": {"b": JWT}}}]), JWT),
    "header value is a dict keyed by a token": (_req(headers=[{"name": "X-Debug", "value": {JWT: 1}}]), JWT),
    "Authorization value is a list": (_req(headers=[{"name": "Authorization", "value": [f"Bearer {OPAQUE}"]}]), OPAQUE),
    "Authorization value is a dict": (_req(headers=[{"name": "Authorization", "value": {"v": OPAQUE}}]), OPAQUE),
    "x-api-key value is a number": (_req(headers=[{"name": "x-api-key", "value": 73194628561234}]), "73194628561234"),
    "Cookie header value is a list": (_req(headers=[{"name": "Cookie", "value": [f"sid={OPAQUE}"]}]), OPAQUE),
    "header name is a list": (_req(headers=[{"name": ["Authorization"], "value": f"Bearer {OPAQUE}"}]), OPAQUE),
    "header name is missing": (_req(headers=[{"value": f"Bearer {JWT}"}]), JWT),
    "headers is a dict": (_req(headers={"Authorization": f"Bearer {OPAQUE}"}), OPAQUE),
    "headers is a string": (_req(headers=f"Authorization: Bearer {JWT}"), JWT),
    "cookie value is a number": (_req(cookies=[{"name": "sid", "value": 98765432101234}]), "98765432101234"),
    "cookie value is a list": (_req(cookies=[{"name": "theme", "value": [OPAQUE]}]), OPAQUE),
    "cookie name is missing": (_req(cookies=[{"value": OPAQUE}]), OPAQUE),
    "cookie name is a number": (_req(cookies=[{"name": 7, "value": OPAQUE}]), OPAQUE),
    "cookies is a dict": (_req(cookies={"sid": OPAQUE}), OPAQUE),
    "cookie name is empty": (_req(cookies=[{"name": "", "value": OPAQUE}]), OPAQUE),
    "Cookie header with a nameless cookie": (_req(headers=[{"name": "Cookie", "value": f"theme=dark; {OPAQUE}"}]), OPAQUE),
    "url is a list": (_req(url=[f"https://a.example/cb?code={OPAQUE}"]), OPAQUE),
    "url is a dict": (_req(url={"href": f"https://a.example/cb?access_token={OPAQUE}"}), OPAQUE),
    "query value is a number": (_req(queryString=[{"name": "code", "value": 4815162342}]), "4815162342"),
    "query value is a dict": (_req(queryString=[{"name": "token", "value": {"v": OPAQUE}}]), OPAQUE),
    "postData.text is an object": (_req(postData={"mimeType": "application/json", "text": {"password": OPAQUE}}), OPAQUE),
    "postData.text is a list": (_req(postData={"mimeType": "text/plain", "text": [f"access_token={OPAQUE}"]}), OPAQUE),
    "postData.text is a JWT in a dict": (_req(postData={"mimeType": "text/plain", "text": {"x": JWT}}), JWT),
    "postData.params value is a list": (_req(postData={"mimeType": "application/x-www-form-urlencoded",
                                                        "params": [{"name": "password", "value": [OPAQUE]}]}), OPAQUE),
    "postData is a string": (_req(postData=f"password={OPAQUE}&token={JWT}"), JWT),
    "content.text is an object": (_resp(content={"mimeType": "application/json", "text": {"access_token": OPAQUE}}), OPAQUE),
    "content.text is a list under base64": (_resp(content={"mimeType": "text/plain", "encoding": "base64",
                                                           "text": [f"token={JWT}"]}), JWT),
    "content is a string": (_resp(content=f'{{"access_token": "{JWT}"}}'), JWT),
    "Set-Cookie value is a dict": (_resp(headers=[{"name": "Set-Cookie", "value": {"sid": OPAQUE}}]), OPAQUE),
    "redirectURL is a list": (_resp(redirectURL=[f"https://a.example/cb#access_token={OPAQUE}"]), OPAQUE),
    "websocket data is an object": ({**make_entry(0), "_webSocketMessages": [
        {"type": "send", "opcode": 1, "data": {"token": OPAQUE}}]}, OPAQUE),
    "websocket messages is a dict": ({**make_entry(0), "_webSocketMessages": {"0": {"data": JWT}}}, JWT),
    "request is a string": ({**make_entry(0), "request": f"GET /?x=1 Authorization: Bearer {JWT}"}, JWT),
    "response is a list": ({**make_entry(0), "response": [{"password": OPAQUE}]}, OPAQUE),
    "json body number under a secret name": (_req(postData={"mimeType": "application/json",
                                                            "text": json.dumps({"password": 31415926535})}),
                                             "31415926535"),
}


@pytest.mark.parametrize("case", list(UNEXPECTED_TYPES), ids=lambda c: c.replace(" ", "-"))
def test_a_value_of_an_unexpected_type_is_scanned_or_redacted(case: str) -> None:
    entry, secret = UNEXPECTED_TYPES[case]
    out = io.BytesIO()
    report = sanitize_stream(io.BytesIO(doc(make_entry(5), entry)), out, spool=io.BytesIO())
    assert report.entries == 2
    text = out.getvalue().decode()
    assert secret not in text, f"{case}: the secret passed through unread"
    assert report.findings, "the redaction is reported"
    json.loads(text)


def test_library_errors_are_harscrub_errors_with_a_place() -> None:
    """A caller (a support portal) catches one class and gets a one-line message with the place."""
    for data, _ in BAD_INPUTS.values():
        with pytest.raises(HarscrubError) as info:
            sanitize_stream(wrap_stream(io.BytesIO(data)), io.BytesIO(), spool=io.BytesIO())
        message = str(info.value)
        assert "\n" not in message and re.search(AT_BYTE, message), message

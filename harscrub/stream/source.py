"""Opening an input: a path, ``-`` for stdin, or gzip; byte-order marks; size caps.

Everything here works on bytes and never looks inside JSON: it hands the reader a binary
stream that is plain UTF-8 JSON, or fails with a one-line :class:`InvalidHarError`.
"""

from __future__ import annotations

import gzip
import io
import sys
import zlib
from pathlib import Path
from typing import BinaryIO

from harscrub.errors import HarscrubError, InputTooLargeError, InvalidHarError

GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")

#: Default cap on the (decompressed) size of one input: stops gzip bombs, allows real HARs.
DEFAULT_MAX_INPUT_BYTES = 8 << 30


class _Capped(io.RawIOBase):
    """Raises once more than ``limit`` bytes have been read (a gzip bomb, a runaway pipe)."""

    def __init__(self, inner: io.BufferedIOBase, limit: int, what: str, source: str | None) -> None:
        self._inner = inner
        self._limit = limit
        self._what = what
        self._source = source
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            # read1: one decompressed block at a time, so a corrupt or cut gzip stream is
            # reported at the offset where it breaks, not at the start of a large read.
            data = self._inner.read1(len(b))
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise InvalidHarError(f"{self._what} is corrupt or truncated ({exc})", offset=self._read,
                                  source=self._source) from None
        n = len(data)
        self._read += n
        if self._read > self._limit:
            raise InputTooLargeError(
                f"{self._what} is larger than the {self._limit} byte limit (raise it with --max-size)",
                offset=self._limit,
                source=self._source,
            )
        b[:n] = data
        return n


def open_input(path: str | Path, *, max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> BinaryIO:
    """A buffered binary stream of the input's UTF-8 JSON text, BOM removed."""
    if str(path) == "-":
        raw: BinaryIO = sys.stdin.buffer
        name = "standard input"
    else:
        p = Path(path)
        if p.is_dir():
            raise HarscrubError(f"{p} is a directory, not a HAR file")
        try:
            raw = open(p, "rb")  # noqa: SIM115 - closed by the caller through the wrapper
        except FileNotFoundError:
            raise HarscrubError(f"{p}: no such file") from None
        except PermissionError:
            raise HarscrubError(f"{p}: permission denied") from None
        except OSError as exc:
            raise HarscrubError(f"{p}: cannot open ({exc.strerror})") from None
        name = str(p)
    return wrap_stream(raw, name=name, max_bytes=max_bytes)


def wrap_stream(raw: BinaryIO, *, name: str | None = None, max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> BinaryIO:
    """Decompress gzip when the magic says so, drop a UTF-8 BOM, refuse UTF-16/32.

    ``name`` (the file) is named in the errors raised here; the reader's errors are named by
    the caller (:func:`harscrub.errors.about`).
    """
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(_Passthrough(raw))
    head = buffered.peek(4)[:4]
    stream: io.BufferedIOBase = buffered
    what = "the input"
    if head[:2] == GZIP_MAGIC:
        stream = gzip.GzipFile(fileobj=buffered, mode="rb")
        what = "the input (gzip, decompressed)"
    capped = io.BufferedReader(_Capped(stream, max_bytes, what, name), buffer_size=1 << 20)
    head = capped.peek(4)[:4]
    if head.startswith(UTF32_BOMS) or head.startswith(UTF16_BOMS):
        raise InvalidHarError("the file is UTF-16 or UTF-32 encoded; HAR files must be UTF-8", offset=0, source=name)
    if head.startswith(UTF8_BOM):
        capped.read(3)
    return capped


class _Passthrough(io.RawIOBase):
    """Lets any binary file-like object sit under a BufferedReader (for peek)."""

    def __init__(self, inner: BinaryIO) -> None:
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(b))
        n = len(data)
        b[:n] = data
        return n

    def close(self) -> None:
        self._inner.close()
        super().close()

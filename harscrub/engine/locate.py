"""Line and column of a value in the HAR text, for reports that point into the file (SARIF).

The streaming reader hands out each entry's bytes and byte offset but never the bytes
between entries. :class:`LineCounter` sits between the input and the reader, remembers the
chunks read until the reader has moved past them, and counts newlines up to any offset asked
for, in order: memory stays bounded by what the reader itself buffers. :class:`EntryText`
then finds a secret inside one entry's raw bytes (in the encodings it may be written in) and
turns the position into a line and column. Columns count Unicode code points, 1-based.
"""

from __future__ import annotations

import json
from collections import deque
from typing import BinaryIO, Iterator

from harscrub.detection.forms import spellings

_CONTINUATION = bytes(range(0x80, 0xC0))


def codepoints(data: bytes) -> int:
    """Number of UTF-8 characters in ``data`` (continuation bytes do not count)."""
    return len(data.translate(None, _CONTINUATION))


class LineCounter:
    """A pass-through binary stream that can tell the line and column of a byte offset."""

    def __init__(self, stream: BinaryIO) -> None:
        self._f = stream
        self._chunks: deque[tuple[int, bytes]] = deque()
        self._read = 0
        self._pos = 0
        self._line = 1
        self._col = 1

    def read(self, n: int = -1) -> bytes:
        data = self._f.read(n)
        if data:
            self._chunks.append((self._read, data))
            self._read += len(data)
        return data

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) of ``offset``; offsets must be asked for in increasing order."""
        while self._pos < offset and self._chunks:
            start, data = self._chunks[0]
            end = start + len(data)
            stop = min(end, offset)
            segment = data[self._pos - start : stop - start]
            newlines = segment.count(b"\n")
            if newlines:
                self._line += newlines
                self._col = 1 + codepoints(segment[segment.rfind(b"\n") + 1 :])
            else:
                self._col += codepoints(segment)
            self._pos = stop
            if stop == end:
                self._chunks.popleft()
        return self._line, self._col


def _json_forms(secret: str) -> Iterator[bytes]:
    """How ``secret`` looks inside a JSON string of the file: as written first, then the
    encodings it may hide in (URL-encoded, escaped, base64), each JSON-escaped. Lazy: most
    secrets are found in the first form."""
    if secret.isascii() and secret.isprintable() and '"' not in secret and "\\" not in secret:
        direct = secret  # JSON writes it as is: the common case, and the fast one
    else:
        direct = json.dumps(secret, ensure_ascii=False)[1:-1]
    yield direct.encode("utf-8", "surrogatepass")
    ascii_form = json.dumps(secret)[1:-1]
    if ascii_form != direct:
        yield ascii_form.encode("ascii")
    for form in sorted(spellings(secret) - {secret}, key=len, reverse=True):
        yield json.dumps(form, ensure_ascii=False)[1:-1].encode("utf-8", "surrogatepass")


class EntryText:
    """One entry's raw bytes and where they start; finds secrets in it, in document order."""

    def __init__(self, raw: bytes, line: int, column: int) -> None:
        self.raw = raw
        self.line = line
        self.column = column
        self._next: dict[bytes, int] = {}
        self._cursor = (0, line, column)

    def find(self, secret: str) -> tuple[int, int]:
        """(line, column) of the next occurrence of ``secret``; the entry's start if not found.

        Successive calls for the same secret move forward, so repeated occurrences map to
        successive places, as the walk meets them in document order.
        """
        for form in _json_forms(secret):
            start = self._next.get(form, 0)
            at = self.raw.find(form, start)
            if at < 0 and start:
                at = self.raw.find(form)
            if at >= 0:
                self._next[form] = at + len(form)
                return self.at(at)
        return self.line, self.column

    def at(self, pos: int) -> tuple[int, int]:
        """(line, column) of byte ``pos`` of the entry; linear over forward-moving calls."""
        base, line, column = self._cursor if pos >= self._cursor[0] else (0, self.line, self.column)
        segment = self.raw[base:pos]
        newlines = segment.count(b"\n")
        if newlines:
            line += newlines
            column = 1 + codepoints(segment[segment.rfind(b"\n") + 1 :])
        else:
            column += codepoints(segment)
        self._cursor = (pos, line, column)
        return line, column

"""Streaming HAR reader: finds each entry's raw bytes without building the whole document.

The reader walks the top of the document (``{"log": {...}}``) token by token and, inside
``log.entries``, only finds where each entry starts and ends: a C-speed regex skips string
contents and stops at each bracket. Entries are handed on as raw bytes, so memory is bounded
by the largest entry, never by the file; every other member of ``log`` (``version``,
``creator``, ``pages`` — before or after ``entries``) is decoded and handed on in order.

Events, in document order:

- ``Member(key, value, top=False)``: a member of ``log`` other than ``entries`` (or, with
  ``top=True``, a member of the root object other than ``log``)
- ``LogStart()`` / ``LogEnd()``: around the members of ``log``
- ``EntriesStart()`` / ``EntriesEnd()``: around the entries array
- ``RawEntry(index, raw, offset)``: one entry's exact bytes and their byte offset
"""

from __future__ import annotations

import re
from typing import Any, BinaryIO, Iterator, Sequence

import orjson

from harscrub.errors import InputTooLargeError, InvalidHarError
from harscrub.stream.compact import CompactEntries
from harscrub.stream.decode import decode_json, deeper_than, exact_numbers
from harscrub.stream.events import EntriesEnd, EntriesStart, Event, LogEnd, LogStart, Member, RawEntry

CHUNK = 1 << 20
#: Nesting deeper than this inside one entry or member is refused (real HARs nest < 30); it
#: keeps the recursive walk, sweep and serialisation of an entry well inside Python's stack.
MAX_DEPTH = 200
#: Default cap on the size of one entry.
DEFAULT_MAX_ENTRY_BYTES = 1 << 30

_WS = re.compile(rb"[ \t\r\n]*+")
_STRING = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"', re.DOTALL)
# Everything up to and including the next bracket that is not inside a string.
_TO_BRACKET = re.compile(rb'[^"\[\]{}]*+(?:"[^"\\]*+(?:\\.[^"\\]*+)*+"[^"\[\]{}]*+)*+[\[\]{}]', re.DOTALL)
_SCALAR = re.compile(rb"[^\s,\]}\[{:\"]++")


__all__ = ["EntriesEnd", "EntriesStart", "Event", "HarReader", "LogEnd", "LogStart", "Member", "RawEntry"]


#: Layout guesses that may fail before the reader stops trying (see HarReader._by_layout).
_MAX_LAYOUT_MISSES = 3


class HarReader:
    """Iterate the events of one HAR document read from a binary stream."""

    def __init__(
        self,
        stream: BinaryIO,
        *,
        max_entry_bytes: int = DEFAULT_MAX_ENTRY_BYTES,
        entry_sizes: Sequence[int] | None = None,
    ) -> None:
        """``entry_sizes``: the exact byte length of each entry, for a document this process
        wrote itself (a spool): entries are then cut by length, not scanned."""
        self._f = stream
        self._buf = bytearray()
        self._pos = 0
        self._base = 0
        self._eof = False
        self._drained = False  # the input ended while reading ahead (see _ahead)
        self._max_entry = max_entry_bytes
        self._entry: int | None = None  # index of the entry being read, for error messages
        self.entries = 0
        self._sizes = entry_sizes
        #: Whether entries are found by their closing line (see _by_layout); off after misses.
        self._layout_misses = 0
        self._closings: dict[bytes, re.Pattern[bytes]] = {}
        #: Entries of a compact file found by guess and proof (see _by_guess); off after misses.
        self._compact = CompactEntries()
        self._guess_misses = 0

    # -- buffer ---------------------------------------------------------------------------
    def _fill(self, at_least: int = CHUNK) -> bool:
        if self._eof or self._drained:
            self._eof = True
            return False
        if self._pos > CHUNK and self._pos * 2 > len(self._buf):
            del self._buf[: self._pos]
            self._base += self._pos
            self._pos = 0
        data = self._f.read(max(CHUNK, at_least))
        if not data:
            self._eof = True
            return False
        self._buf += data
        return True

    def _offset(self, pos: int | None = None) -> int:
        return self._base + (self._pos if pos is None else pos)

    def _error(self, what: str, pos: int | None = None) -> InvalidHarError:
        return InvalidHarError(what, offset=self._offset(pos), entry=self._entry)

    def _truncated(self, what: str = "unexpected end of input") -> InvalidHarError:
        return self._error(what + (" (file truncated?)" if self._eof else ""), len(self._buf))

    # -- tokens ---------------------------------------------------------------------------
    def _peek(self) -> int | None:
        """The next non-whitespace byte, without consuming it; None at the end."""
        while True:
            m = _WS.match(self._buf, self._pos)
            assert m is not None
            self._pos = m.end()
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill():
                return None

    def _expect(self, chars: bytes, what: str) -> int:
        c = self._peek()
        if c is None:
            raise self._truncated(f"unexpected end of input, expected {what}")
        if c not in chars:
            raise self._error(f"expected {what}, found {chr(c)!r}")
        self._pos += 1
        return c

    def _span(self) -> tuple[int, int]:
        """Start and end (buffer positions) of the next JSON value, within the size cap."""
        start, end = self._locate()
        if end - start > self._max_entry:
            raise self._too_large(start)
        return start, end

    def _too_large(self, start: int) -> InputTooLargeError:
        return InputTooLargeError(
            f"a single value is larger than the {self._max_entry} byte limit (raise it with --max-entry-size)",
            offset=self._offset(start),
            entry=self._entry,
        )

    def _locate(self) -> tuple[int, int]:
        """Start and end (buffer positions) of the next JSON value, reading as needed."""
        c = self._peek()
        if c is None:
            raise self._truncated("unexpected end of input, expected a value")
        start = self._pos
        if c in b"{[":
            return self._container(start)
        pattern = _STRING if c == 0x22 else _SCALAR
        if c != 0x22 and _SCALAR.match(self._buf, start) is None:
            # A delimiter (',', ':', '}', ']') where a value should start: more input cannot help.
            raise self._error(f"expected a value, found {chr(c)!r}", start)
        while True:
            m = pattern.match(self._buf, start)
            if m is not None and (m.end() < len(self._buf) or self._eof):
                return start, m.end()
            if m is None and self._eof:
                raise self._truncated("unterminated string" if c == 0x22 else "unexpected character")
            self._grow(start)
            start = self._pos

    def _grow(self, start: int) -> None:
        """Read more for a value that starts at ``start``; keeps rescans linear overall."""
        self._pos = start
        pending = len(self._buf) - start
        if pending > self._max_entry:
            raise self._too_large(start)
        if not self._fill(pending):
            raise self._truncated()

    def _container(self, start: int) -> tuple[int, int]:
        depth = 0
        i = start
        while True:
            m = _TO_BRACKET.match(self._buf, i)
            if m is None:
                if self._eof:
                    raise self._truncated()
                scanned = i - start
                self._grow(start)
                # _fill may have compacted the buffer: positions move with it.
                start = self._pos
                i = start + scanned
                continue
            i = m.end()
            if self._buf[i - 1] in b"{[":
                depth += 1
                if depth > MAX_DEPTH:
                    raise self._error(f"nesting deeper than {MAX_DEPTH} levels", i - 1)
            else:
                depth -= 1
                if depth == 0:
                    return start, i

    # -- entries, fast ---------------------------------------------------------------------
    def _by_size(self) -> tuple[int, int, bytes, Any] | None:
        """The entry at ``_pos`` cut by its known length (a document this process wrote)."""
        assert self._sizes is not None
        if self.entries >= len(self._sizes):
            return None
        size = self._sizes[self.entries]
        start = self._pos
        while len(self._buf) - start < size:
            self._grow(start)
            start = self._pos
        if size < 2 or self._buf[start + size - 1] != 0x7D:
            return None  # not what was written: scan it
        return start, start + size, bytes(self._buf[start : start + size]), None

    def _by_layout(self) -> tuple[int, int, bytes, Any] | None:
        """The entry at ``_pos`` found by its layout, decoded, or None to scan for it.

        Browsers and most tools write HARs indented: an entry that opens on a line of its own
        closes at the first later line indented exactly as much, which one C-speed search
        finds. The guess is proved by decoding it (the decoder must end exactly at that
        brace, as JSON has one end for a value that starts with '{'), and the decoded entry
        is handed on, so its bytes are read once and never scanned bracket by bracket.
        Anything unexpected (another layout, a lone surrogate the fast decoder refuses, nesting
        deeper than allowed, an entry larger than allowed) falls back to the scan, which also
        raises the right errors; after a few misses the layout is not tried again.
        """
        if self._layout_misses >= _MAX_LAYOUT_MISSES:
            return None
        start = self._pos
        line = self._buf.rfind(b"\n", max(0, start - 256), start)
        indent = bytes(self._buf[line + 1 : start]) if line >= 0 else b"x"
        if indent.strip(b" \t"):
            self._layout_misses = _MAX_LAYOUT_MISSES  # '{' does not open its own line: compact layout
            return None
        closing = self._closings.get(indent)
        if closing is None:
            closing = self._closings[indent] = re.compile(b"\n" + re.escape(indent) + b"[^ \t\r\n]")
        i = start
        while True:
            m = closing.search(self._buf, i)
            if m is not None:
                break
            pending = len(self._buf) - start
            if pending > self._max_entry:
                return self._miss()
            scanned = pending
            self._pos = start
            if not self._fill(pending):
                return self._miss()
            start = self._pos  # _fill may have compacted the buffer
            i = start + max(0, scanned - len(indent) - 2)
        end = m.end()
        if self._buf[end - 1] != 0x7D or end - start > self._max_entry:
            return self._miss()
        raw = bytes(self._buf[start:end])
        try:
            value = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return self._miss()
        if not isinstance(value, dict) or deeper_than(value, MAX_DEPTH):
            return self._miss()
        return start, end, raw, value

    def _miss(self) -> tuple[int, int, bytes, Any] | None:
        self._layout_misses += 1
        return None

    def _by_guess(self) -> tuple[int, int, bytes, Any] | None:
        """The entry at ``_pos`` of a compact file, decoded, or None to scan for it (see
        :mod:`harscrub.stream.compact`); as with the layout, a few misses turn this off."""
        if self._guess_misses >= _MAX_LAYOUT_MISSES:
            return None
        found = self._compact.find(self._buf, self._pos, self._ahead, self._max_entry)
        if found is not None:
            start, raw, value = found
            if len(raw) <= self._max_entry and isinstance(value, dict) and not deeper_than(value, MAX_DEPTH):
                return start, start + len(raw), raw, value
        self._guess_misses += 1
        return None

    def _ahead(self, start: int, n: int) -> int:
        """Read until ``n`` bytes from ``start`` are buffered, the input ends or more than the
        size cap are; returns where ``start`` is then (_fill may compact the buffer). It reads
        as the scan would (_grow), so a scan after a failed guess raises what it would have."""
        eof = self._eof
        while n > len(self._buf) - start <= self._max_entry:
            self._pos = start
            more = self._fill(len(self._buf) - start)  # the scan's own steps (see _grow)
            start = self._pos  # _fill may have compacted the buffer, even when nothing came
            if not more:
                break
        if self._eof and not eof:
            # Seen ahead of need: errors tell the end of the input when the scan reaches it.
            self._eof, self._drained = False, True
        self._pos = start
        return start

    def _key(self) -> str:
        if self._peek() not in (0x22, None):
            raise self._error("expected an object key (a string)")
        start, end = self._span()
        key = decode_json(bytes(self._buf[start:end]), offset=self._offset(start), entry=self._entry)
        self._pos = end
        self._expect(b":", "':' after an object key")
        return str(key)

    def _value(self) -> Any:
        """A member's value, its numbers as they were written (members are few and small)."""
        start, end = self._span()
        raw = bytes(self._buf[start:end])
        value = exact_numbers(raw, decode_json(raw, offset=self._offset(start), entry=self._entry),
                              offset=self._offset(start), entry=self._entry)
        self._pos = end
        return value

    # -- structure ------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Event]:
        c = self._peek()
        if c is None:
            raise self._error("the input is empty")
        if c != 0x7B:
            raise self._error("not a HAR: the document is not a JSON object")
        self._pos += 1
        seen_log = False
        if self._peek() != 0x7D:
            while True:
                key = self._key()
                if key == "log":
                    if seen_log:
                        raise self._error("not a HAR: 'log' appears twice")
                    seen_log = True
                    yield from self._log()
                else:
                    yield Member(key, self._value(), top=True)
                if self._expect(b",}", "',' or '}'") == 0x7D:
                    break
        else:
            self._pos += 1
        if not seen_log:
            raise self._error("not a HAR: no 'log' object at the top level")
        if self._peek() is not None:
            raise self._error("unexpected data after the end of the HAR document")

    def _log(self) -> Iterator[Event]:
        c = self._peek()
        if c is None:
            raise self._truncated("unexpected end of input, expected the 'log' object")
        if c != 0x7B:
            raise self._error("not a HAR: 'log' is not an object")
        self._pos += 1
        yield LogStart()
        seen_entries = False
        if self._peek() == 0x7D:
            self._pos += 1
        else:
            while True:
                self._peek()
                key_at = self._offset()
                key = self._key()
                if key == "entries":
                    if seen_entries:
                        # Both lists would be written (a duplicate key readers disagree on: most
                        # keep the last one, some the first): refuse rather than guess.
                        raise InvalidHarError("not a HAR: 'log.entries' appears twice", offset=key_at)
                    seen_entries = True
                    yield from self._entries()
                else:
                    yield Member(key, self._value())
                if self._expect(b",}", "',' or '}' in 'log'") == 0x7D:
                    break
        if not seen_entries:
            raise self._error("not a HAR: 'log.entries' is missing")
        yield LogEnd()

    def _entries(self) -> Iterator[Event]:
        c = self._peek()
        if c is None:
            raise self._truncated("unexpected end of input, expected the 'log.entries' list")
        if c != 0x5B:
            raise self._error("not a HAR: 'log.entries' is not a list")
        self._pos += 1
        yield EntriesStart()
        if self._peek() == 0x5D:
            self._pos += 1
        else:
            while True:
                self._entry = self.entries
                c = self._peek()
                if c is None:
                    raise self._truncated()
                if c != 0x7B:
                    raise self._error(f"entry {self.entries} is not an object")
                found = self._by_size() if self._sizes is not None else self._by_layout() or self._by_guess()
                if found is None:
                    start, end = self._span()
                    yield RawEntry(self.entries, bytes(self._buf[start:end]), self._offset(start))
                else:
                    start, end, raw, value = found
                    yield RawEntry(self.entries, raw, self._offset(start), value)
                self._pos = end
                self.entries += 1
                if self._expect(b",]", "',' or ']' after an entry") == 0x5D:
                    break
        self._entry = None
        yield EntriesEnd()

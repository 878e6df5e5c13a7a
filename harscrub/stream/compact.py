"""Where the entries of a compact HAR end, found with C-speed searches and proved by orjson.

In an indented file an entry's end shows in the layout (see ``HarReader._by_layout``); in a
compact one (``[{...},{...}]``, with or without spaces) it does not, and the bracket-by-bracket
scan, one regex match per string or bracket from Python, is several times slower. Here the end
is guessed instead and every guess is proved by decoding:

- the next entry most likely starts as recent ones did, after the separator that came before
  this one (``},{"startedDateTime":``): a few ``find`` give a span, and a decoder that reads
  exactly that span as one object proves it is the entry (JSON has one end for a value that
  starts with '{'). A separator that names a key cannot lie inside a string (its ``{"`` would
  be ``{\\"`` there), but it can join two objects inside the entry (a list of objects whose
  first key is the entry's): the span then falls short (the decoder runs out of data) and the
  next one is tried;
- with no separator in sight (the last entry, an entry followed by one that starts otherwise),
  a span is cut after a '}' and decoded: orjson stops where the entry ends and says where
  ("unexpected content after document"), and the entry alone is decoded again; a span that
  falls short is doubled.

Every try decodes from the entry's start: separators inside the entry are tried at most
:data:`MAX_TRIES` times and cut spans double, so the work stays within a few times the entry
whatever it holds. Anything else (a lone surrogate escape orjson refuses, a number it cannot
hold, invalid JSON, the end of the input, the size cap) gives up: the caller scans the entry
instead, and the scan raises whatever is to be raised.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import orjson

#: Separators found inside an entry before giving up on it.
MAX_TRIES = 4
#: The least span cut when no separator is found (twice the last entry if larger).
MIN_SPAN = 1 << 12
#: The next separator is looked for this many spans ahead (a ``find``, much cheaper than a
#: decode); both grow with the entries, so small entries cost little however they start.
REACH = 16
#: ... but never more than this ahead beyond one span: what is read ahead is held in memory
#: (16 spans of a file with 3 MB entries held ~100 MB).
MAX_REACH = 1 << 20
#: How many ways to start an entry are looked for (``{"_initiator":``, ``{"_fromCache":`` ...).
TOKENS = 4

_WS = b" \t\r\n"
_SHORT = "unexpected end of data"
_AFTER = "unexpected content after document"

#: ``ahead(start, n)``: read until ``n`` bytes from ``start`` are buffered (or the input ends, or
#: the entry is already past its size cap); returns where ``start`` is then (reading may compact
#: the buffer).
Ahead = Callable[[int, int], int]


class CompactEntries:
    """Finds one entry after another in a compact ``log.entries`` list."""

    def __init__(self) -> None:
        self.last = 0  # the size of the last entry found
        self.between = b","  # what separated the last two entries ("," or ", " ...)
        self.tokens: list[bytes] = []  # how recent entries started, the latest first
        self.once: set[bytes] = set()  # how entries started that were seen once

    def find(self, buf: bytearray, start: int, ahead: Ahead, limit: int) -> tuple[int, bytes, Any] | None:
        """The entry that starts at ``buf[start]`` (a '{'): ``(start, raw, value)``, ``start``
        where it is after reading, or None to scan it. ``limit``: the cap on its size."""
        between = b"}" + self._between(buf, start)
        needles = [between + token for token in self._tokens(_first_token(buf, start))]
        span = max(MIN_SPAN, 2 * self.last)
        short = 1  # the entry is longer than this
        misses = 0
        while short <= limit:
            want = max(span, min(REACH * span, MAX_REACH)) + len(between) + 256
            start = ahead(start, want)
            stop = min(len(buf), start + want)
            k = -1
            for needle in needles:  # the nearest
                at = buf.find(needle, start + short, stop if k < 0 else k)
                k = at if at >= 0 else k
            if k >= 0:
                end = k + 1
            else:
                end = buf.rfind(b"}", start + short, min(stop, start + span)) + 1
                if end <= 0:
                    if start + span >= stop and stop - start < want:  # all there is, no '}'
                        return None
                    span *= 2
                    continue
            found = _decode(_copy(buf, start, end))
            if found is None:
                return None
            if found is not True:
                self.last = len(found[0])
                return start, *found
            if k >= 0:  # the separator of an object inside the entry
                misses += 1
                if misses >= MAX_TRIES:
                    return None
            short = end - start
            span = max(span, 2 * short)
        return None

    def _tokens(self, token: bytes) -> list[bytes]:
        """How entries started more than once lately (up to :data:`TOKENS`), the latest first:
        a file whose entries each start their own way is not searched for them."""
        if token in self.tokens:
            self.tokens.remove(token)
            self.tokens.insert(0, token)
        elif token in self.once:
            self.tokens.insert(0, token)
            del self.tokens[TOKENS:]
        else:
            if len(self.once) >= 64:
                self.once.clear()
            self.once.add(token)
        return self.tokens

    def _between(self, buf: bytearray, start: int) -> bytes:
        """The separator before the entry at ``start`` (the last one seen if it is not in view)."""
        tail = bytes(buf[max(0, start - 32) : start])
        close = tail.rfind(b"}")
        if close >= 0 and tail[close + 1 :].strip(_WS) == b",":
            self.between = tail[close + 1 :]
        return self.between


def _copy(buf: bytearray, start: int, end: int) -> bytes:
    """``buf[start:end]`` as bytes, copied once (the view is let go at once: ``buf`` may be resized)."""
    with memoryview(buf) as view:
        return bytes(view[start:end])


def _first_token(buf: bytearray, start: int) -> bytes:
    """The entry's opening up to its first ':' (``{"startedDateTime":``), or its '{'."""
    colon = buf.find(b":", start, start + 256)
    return bytes(buf[start : colon + 1]) if colon >= 0 else b"{"


def _decode(raw: bytes) -> tuple[bytes, Any] | Literal[True] | None:
    """The object ``raw`` starts with and its exact bytes; True when ``raw`` ends inside it;
    None when orjson refuses it."""
    try:
        return raw, orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if exc.msg.startswith(_SHORT):
            return True
        if not exc.msg.startswith(_AFTER) or not exc.pos:
            return None
        raw = raw[: _byte_index(raw, exc.pos)].rstrip(_WS)
    try:
        return raw, orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None


def _byte_index(raw: bytes, chars: int) -> int:
    """Where the character at index ``chars`` starts in ``raw`` (valid UTF-8: orjson read it)."""
    if raw.isascii():
        return chars
    try:
        return len(raw.decode("utf-8")[:chars].encode("utf-8"))
    except UnicodeError:
        return 0

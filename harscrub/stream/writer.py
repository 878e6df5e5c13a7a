"""Streaming HAR writer: the document's frame written piece by piece, entries one at a time."""

from __future__ import annotations

import json
from array import array
from typing import Any, BinaryIO

import orjson

_OPTIONS = orjson.OPT_INDENT_2


def dump(value: Any) -> bytes:
    """JSON bytes of one value; lone surrogates (which orjson refuses) are escaped."""
    try:
        return orjson.dumps(value, option=_OPTIONS)
    except TypeError:
        return json.dumps(value, ensure_ascii=True, indent=2).encode("ascii")


class HarWriter:
    """Writes ``{"log": {...}}`` with members and entries in the order they are given."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._log_members = 0
        self._top_members = 0
        self._entries = 0
        self._in_log = False
        #: Byte length of each entry written, so a reader of this output can cut entries by
        #: length instead of scanning for them (the second pass of sanitize).
        self.entry_sizes = array("Q")

    def _top_key(self, key: str) -> None:
        self._out.write(b"{\n" if self._top_members == 0 else b",\n")
        self._out.write(dump(key) + b": ")
        self._top_members += 1

    def top_member(self, key: str, value: Any) -> None:
        self._top_key(key)
        self._out.write(dump(value))

    def begin_log(self) -> None:
        self._top_key("log")
        self._out.write(b"{")
        self._in_log = True

    def member(self, key: str, value: Any) -> None:
        self._member_key(key)
        self._out.write(dump(value))

    def _member_key(self, key: str) -> None:
        self._out.write(b"\n" if self._log_members == 0 else b",\n")
        self._out.write(dump(key) + b": ")
        self._log_members += 1

    def begin_entries(self) -> None:
        self._member_key("entries")
        self._out.write(b"[")
        self._entries = 0

    def entry(self, raw: bytes) -> None:
        self._out.write(b"\n" if self._entries == 0 else b",\n")
        self._out.write(raw)
        self._entries += 1
        self.entry_sizes.append(len(raw))

    def end_entries(self) -> None:
        self._out.write(b"\n]" if self._entries else b"]")

    def end_log(self) -> None:
        self._out.write(b"\n}")
        self._in_log = False

    def close(self) -> None:
        if self._top_members == 0:
            self._out.write(b"{")
        self._out.write(b"\n}\n")

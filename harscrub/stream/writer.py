"""Streaming HAR writer: the document's frame written piece by piece, entries one at a time."""

from __future__ import annotations

import json
import os
from array import array
from typing import Any, BinaryIO

import orjson

from harscrub.stream.decode import as_fragment

_OPTIONS = orjson.OPT_INDENT_2


def dump(value: Any) -> bytes:
    """JSON bytes of one value: numbers kept as text (:class:`~harscrub.stream.decode.NumberText`) written as they were
    read, lone surrogates (which orjson refuses) written as ``\\uXXXX`` escapes."""
    try:
        return orjson.dumps(value, default=as_fragment, option=_OPTIONS)
    except TypeError:
        return _dump_surrogates(value)


def _dump_surrogates(value: Any) -> bytes:
    """:func:`dump` for a value with lone surrogates: each string holding one goes in as the
    escaped text the standard library writes for it (a key through a placeholder swapped back)."""
    keys: dict[str, str] = {}
    nonce = os.urandom(8).hex()

    def text(s: str) -> Any:
        try:
            s.encode("utf-8")
        except UnicodeEncodeError:
            return orjson.Fragment(json.dumps(s, ensure_ascii=True).encode("ascii"))
        return s

    def key(k: Any) -> Any:
        if isinstance(k, str) and not isinstance(text(k), str):
            stand_in = f"\x00harscrub-key-{nonce}-{len(keys)}\x00"
            keys[stand_in] = k
            return stand_in
        return k

    def mend(v: Any) -> Any:
        if isinstance(v, str):
            return text(v)
        if isinstance(v, dict):
            return {key(k): mend(item) for k, item in v.items()}
        if isinstance(v, (list, tuple)):
            return [mend(item) for item in v]
        return v

    out = orjson.dumps(mend(value), default=as_fragment, option=_OPTIONS)
    for stand_in, original in keys.items():
        out = out.replace(orjson.dumps(stand_in), json.dumps(original, ensure_ascii=True).encode("ascii"))
    return out


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

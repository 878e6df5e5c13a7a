"""JSON bytes to Python values, one entry or member at a time, refusing what JSON does not have.

orjson decodes almost everything; what it refuses (lone surrogate escapes that browser
exports do write) the standard library reads, and what neither may read (NaN, Infinity,
invalid UTF-8) becomes one :class:`~harscrub.errors.InvalidHarError` with its byte offset.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

import orjson

from harscrub.errors import InvalidHarError


class _ConstantError(ValueError):
    """NaN, Infinity or -Infinity: JavaScript literals that JSON does not have."""


def _reject_constant(name: str) -> Any:
    raise _ConstantError(f"{name} is not valid JSON")


def decode_json(raw: bytes, *, offset: int = 0, entry: int | None = None) -> Any:
    """Decode one JSON value; orjson first, the standard library for what orjson refuses.

    Browser exports can hold lone-surrogate escapes (``"\\ud800"``, half of a cut emoji) that
    orjson rejects; the standard library reads them, and each lone half becomes U+FFFD (the
    character a browser shows for it): no UTF-8 tool, the regex engine included, can take a
    string that holds one. NaN and Infinity are refused by both.
    """
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as first:
        fast_error = first
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidHarError("invalid UTF-8", offset=offset + exc.start, entry=entry) from None
    try:
        return mend_surrogates(json.loads(text, parse_constant=_reject_constant))
    except RecursionError:
        raise InvalidHarError("JSON nested too deeply", offset=offset, entry=entry) from None
    except json.JSONDecodeError as exc:
        at = offset + len(text[: exc.pos].encode("utf-8", "surrogatepass"))
        raise InvalidHarError(f"not valid JSON: {exc.msg}", offset=at, entry=entry) from None
    except ValueError as exc:
        # orjson stopped at the literal; its position counts characters, the offset counts bytes.
        pos = fast_error.pos if isinstance(exc, _ConstantError) and fast_error.pos is not None else 0
        at = offset + len(text[:pos].encode("utf-8", "surrogatepass"))
        raise InvalidHarError(f"not valid JSON: {exc}", offset=at, entry=entry) from None


def mend_surrogates(value: Any) -> Any:
    """``value`` with every lone UTF-16 surrogate in its strings (keys too) replaced by U+FFFD."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value
    if isinstance(value, dict):
        return object_of([(mend_surrogates(k), mend_surrogates(v)) for k, v in value.items()])
    if isinstance(value, list):
        return [mend_surrogates(v) for v in value]
    return value


def deeper_than(value: Any, limit: int) -> bool:
    """True when containers nest more than ``limit`` levels (the value itself is level 1)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        for child in item.values() if type(item) is dict else item:
            if type(child) is dict or type(child) is list:
                stack.append((child, depth + 1))
    return False


class Pairs(dict):  # type: ignore[type-arg]
    """A JSON object that repeats a key: every member kept, in order (a plain dict keeps the last).

    A dict to everything that looks members up, but it iterates, lists and serialises all its
    pairs (``json.dumps`` writes ``items()``), so a duplicate is judged and written back.
    """

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.pairs = pairs

    def items(self) -> list[tuple[str, Any]]:  # type: ignore[override]
        return self.pairs

    def values(self) -> list[Any]:  # type: ignore[override]
        return [v for _, v in self.pairs]

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self.pairs)


def object_of(pairs: list[tuple[Any, Any]]) -> dict[Any, Any]:
    """A JSON object from its members: a plain dict, or :class:`Pairs` when a key repeats."""
    keys = {k for k, _ in pairs}
    return dict(pairs) if len(keys) == len(pairs) else Pairs(pairs)

"""JSON bytes to Python values, one entry or member at a time, refusing what JSON does not have.

orjson decodes almost everything; what it refuses (lone surrogate escapes that browser
exports do write, numbers that overflow a double) the standard library reads, and what
neither may read (NaN, Infinity, invalid UTF-8) becomes one
:class:`~harscrub.errors.InvalidHarError` with its byte offset.

Numbers come back exactly as they were written. A number whose text a float or a 64-bit
integer would change (``1e400``, a 30-digit integer, ``-0``, ``1.50``, ``1E2``) is decoded as
a :class:`NumberText`: a ``float`` that remembers its text, which the writer emits verbatim
(:func:`exact_numbers` finds them; :func:`decode_json` keeps them whenever it takes the
standard library's path).
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

import orjson

from harscrub.errors import InvalidHarError


class NumberText(float):
    """A JSON number kept as the text it was written in; ``str()`` and ``repr()`` give that text.

    A ``float`` subclass, so whatever treats numbers as numbers (redacting one under a secret
    name, comparing) still does; :mod:`harscrub.stream.writer` writes ``text`` back unchanged.
    """

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> NumberText:
        number = super().__new__(cls, float(text))
        number.text = text
        return number

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__

    def __reduce__(self) -> tuple[Any, ...]:
        return (NumberText, (self.text,))


def as_fragment(value: Any) -> Any:
    """orjson's ``default``: a :class:`NumberText` is written as its text."""
    if isinstance(value, NumberText):
        return orjson.Fragment(value.text.encode("ascii"))
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


#: orjson writes integers in this range as they are read (``-0`` aside).
_INT_MIN, _INT_MAX = -(1 << 63), (1 << 64) - 1


def _int_hook(text: str) -> Any:
    number = int(text)
    return number if _INT_MIN <= number <= _INT_MAX and str(number) == text else NumberText(text)


def _float_hook(text: str) -> Any:
    number = float(text)
    if number - number == 0 and orjson.dumps(number) == text.encode("ascii"):  # finite, written the same
        return number
    return NumberText(text)


#: Every byte but those a number is written with: what is left of a JSON text is its numbers'
#: characters in order (and those of its strings, which decoding does not change).
_NOT_NUMBER_CHARS = bytes(c for c in range(256) if c not in b"0123456789.-+eE")
_NUMBER = re.compile(rb"-?[0-9][0-9.eE+-]*+")
_PLAIN_INT = re.compile(rb"0|-?[1-9][0-9]{0,17}")


def exact_numbers(raw: bytes, value: Any, *, offset: int = 0, entry: int | None = None,
                  written: bytes | None = None) -> Any:
    """``value`` (decoded from ``raw``), or ``raw`` decoded again keeping odd numbers as text.

    Cheap when every number is written as orjson writes it (browsers do): the characters of
    numbers, in order, are the same in ``raw`` and in ``value`` written back. Otherwise each
    number outside strings is looked at, and only if one would change is ``raw`` decoded again.
    ``written``: ``value`` written back, when the caller has it (see :func:`written_back`).
    """
    kept = _NOT_NUMBER_CHARS
    if written is None:
        written = written_back(value)
    if raw.translate(None, kept) == written.translate(None, kept):
        return value
    if not odd_numbers(raw):
        return value  # the difference was in escapes (``\u0030``), not in a number
    return _decode_slowly(raw, offset=offset, entry=entry, fast_error=None)


def odd_numbers(raw: bytes) -> bool:
    """True when a number outside strings in ``raw`` would not be written back the same."""
    if b"\\" in raw:
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside = b",".join(raw.split(b'"')[0::2])
    for token in set(_NUMBER.findall(outside)):
        if _PLAIN_INT.fullmatch(token):
            continue
        try:
            if orjson.dumps(orjson.loads(token)) == token:
                continue
        except orjson.JSONDecodeError:
            pass
        return True
    return False


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
    return _decode_slowly(raw, offset=offset, entry=entry, fast_error=fast_error)


def _decode_slowly(raw: bytes, *, offset: int, entry: int | None, fast_error: orjson.JSONDecodeError | None) -> Any:
    """The standard library's decoder: lone surrogates mended, odd numbers kept as text."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidHarError("invalid UTF-8", offset=offset + exc.start, entry=entry) from None
    try:
        return mend_surrogates(json.loads(text, parse_constant=_reject_constant, parse_int=_int_hook,
                                          parse_float=_float_hook))
    except RecursionError:
        raise InvalidHarError("JSON nested too deeply", offset=offset, entry=entry) from None
    except json.JSONDecodeError as exc:
        at = offset + len(text[: exc.pos].encode("utf-8", "surrogatepass"))
        raise InvalidHarError(f"not valid JSON: {exc.msg}", offset=at, entry=entry) from None
    except ValueError as exc:
        # orjson stopped at the literal; its position counts characters, the offset counts bytes.
        pos = fast_error.pos if isinstance(exc, _ConstantError) and fast_error is not None and fast_error.pos is not None else 0
        at = offset + len(text[:pos].encode("utf-8", "surrogatepass"))
        raise InvalidHarError(f"not valid JSON: {exc}", offset=at, entry=entry) from None


def loads_exactly(text: str, **hooks: Any) -> Any:
    """The standard library's ``json.loads``, numbers a float or a 64-bit integer would change
    kept as :class:`NumberText` (``hooks``: its other keyword arguments)."""
    return json.loads(text, parse_int=_int_hook, parse_float=_float_hook, **hooks)


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


#: A key's closing quote and its colon with space between (legal, rare), and a quote written as
#: an escape (which orjson writes back as ``\"``): either makes the quick count below unreliable.
_SPACED_KEY_END = re.compile(rb'"[ \t\r\n]+:')
_ESCAPED_QUOTE = b"\\u0022"


def written_back(value: Any) -> bytes:
    """``value`` as orjson writes it: what the quick tests of :func:`exact_numbers` and
    :func:`every_copy` compare the text as read with (one call serves both)."""
    return orjson.dumps(value, default=as_fragment)


def every_copy(raw: bytes, value: Any, written: bytes | None = None) -> list[Any]:
    """``[value]``, or one value per copy when ``raw`` repeats a member that ``value`` kept once.

    orjson, like most readers, keeps the last copy of a repeated key; a portal's reader may keep
    the first. A leak check must see both, so each returned value holds, for every repeated
    key, one of its copies (the i-th value the i-th copy, the last where there are fewer), and
    together they hold every string of ``raw``. The quick test: every key ends in ``":``, so a
    text that repeats a key has more of them than ``value`` written back.
    """
    if _ESCAPED_QUOTE not in raw and not _SPACED_KEY_END.search(raw):
        if raw.count(b'":') == (written if written is not None else written_back(value)).count(b'":'):
            return [value]
    try:
        pairs = mend_surrogates(json.loads(raw, object_pairs_hook=object_of, parse_constant=_reject_constant))
    except (ValueError, RecursionError):
        return [value]
    variants = _variants(pairs)
    return variants if len(variants) > 1 else [value]


def _variants(value: Any) -> list[Any]:
    """Plain values (no :class:`Pairs`) that between them hold every copy of every member."""
    if isinstance(value, dict):
        slots: list[tuple[Any, list[Any]]] = []
        index: dict[Any, int] = {}
        for key, item in value.items():
            copies = _variants(item)
            if key in index:
                slots[index[key]][1].extend(copies)
            else:
                index[key] = len(slots)
                slots.append((key, copies))
        n = max((len(c) for _, c in slots), default=1)
        return [{k: c[min(i, len(c) - 1)] for k, c in slots} for i in range(n)]
    if isinstance(value, list):
        items = [_variants(v) for v in value]
        n = max((len(c) for c in items), default=1)
        return [[c[min(i, len(c) - 1)] for c in items] for i in range(n)]
    return [value]

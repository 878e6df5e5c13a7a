"""JSON and NDJSON text: parsed, walked member by member, written back in its own layout.

A member's name may make its value a secret (``"password": …``); every other string is
judged as text, so a URL, a JWT or JSON kept as a string inside JSON is peeled in turn. A
text that does not parse is not JSON after all: the caller judges it as plain text.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

import orjson

from harscrub.engine import strategies
from harscrub.engine.formats.base import BodyFormat
from harscrub.engine.place import Redacts, Where
from harscrub.stream.decode import NumberText, loads_exactly, mend_surrogates, object_of, odd_numbers

#: JSON bodies larger than this are not parsed for key names by ``inspect`` (still checked).
MAX_NAMES_BODY = 32 << 20
#: What :func:`parse_json` returns for a text that is not JSON.
NOT_JSON: Any = object()
#: Integers this long may be a card number written as a JSON number: judged by the value rules.
_LONG_NUMBER = 13
#: A quote closing a key: every key ends in one (a string value never does, but an escaped quote
#: inside one may: the count is an upper bound, which is all the duplicate test needs).
_KEY_END = re.compile(r'"\s*:')


def _count_keys(value: Any) -> int:
    count, stack = 0, [value]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            count += len(node)
            stack.extend(node.values())
        elif type(node) is list:
            stack.extend(node)
    return count


def parse_json(text: str) -> Any:
    """The value of a JSON text, or :data:`NOT_JSON`.

    orjson first; a text whose keys outnumber the parsed members repeats a key, and is read
    again keeping every member (:class:`Pairs`), as is what orjson refuses and the standard
    library reads: lone surrogate escapes, each then U+FFFD (as a browser shows it), since no
    UTF-8 tool downstream can take one.
    """
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    else:
        # Every key is followed by a colon: as many colons as members means no key repeats.
        members = _count_keys(value)
        if text.count(":") <= members or sum(1 for _ in _KEY_END.finditer(text)) <= members:
            return value
    try:
        return mend_surrogates(loads_exactly(text, object_pairs_hook=object_of))
    except (ValueError, RecursionError):
        return NOT_JSON


def _kept(r: Redacts, value: Any) -> bool:
    """A leaf no rule can touch, decided without building its place (most of a JSON body)."""
    kind = type(value)
    if kind is str:
        return r.quiet(value)
    if kind is int:
        return len(str(abs(value))) < _LONG_NUMBER
    return kind is float or kind is bool or value is None


def _json_value(r: Redacts, value: Any, where: Where, path: str) -> Any:
    if isinstance(value, str):
        return r.text(value, where.sub(f"json {path or '/'}"))
    if isinstance(value, dict):
        out = []
        for key, item in value.items():
            if type(key) is str and r.quiet(key) and r.names.classify(key, "param") is None and _kept(r, item):
                out.append((key, item))
                continue
            if isinstance(key, str):
                shown = r.shapes(key, where.sub(f"json key {path or '/'}"))
                here = f"{path}/{shown}"
                rule = r.names.classify(key, "param")
            else:
                shown, here, rule = key, f"{path}/{key}", None
            if rule is not None:
                item = strategies.apply(r, rule, item, where.sub(f"json {here}"))
            else:
                item = _json_value(r, item, where, here)
            out.append((shown, item))
        return object_of(out)
    if isinstance(value, list):
        return [item if _kept(r, item) else _json_value(r, item, where, f"{path}/{i}") for i, item in enumerate(value)]
    if type(value) is int and len(str(abs(value))) >= _LONG_NUMBER:
        digits = str(value)
        judged = r.shapes(digits, where.sub(f"json {path or '/'}"))
        return value if judged == digits else judged
    return value


def dump_like(obj: Any, original: str) -> str:
    """Serialise ``obj`` in roughly the layout of ``original`` (compact, spaced or indented),
    each number as it was written (``1.50``, ``1e400``, 30 digits: see :class:`NumberText`)."""
    if odd_numbers(original.encode("utf-8", "surrogatepass")):
        try:
            obj = _with_numbers_of(obj, loads_exactly(original, object_pairs_hook=object_of))
        except (ValueError, RecursionError):
            pass  # not JSON to the standard library: written as parsed
    written: list[str] = []
    obj = _numbers_as_slots(obj, written)
    ascii_only = original.isascii() and "\\u" in original
    if "\n" in original.strip():
        out = json.dumps(obj, ensure_ascii=ascii_only, indent=2)
    else:
        spaced = '": ' in original or '", "' in original
        out = json.dumps(obj, ensure_ascii=ascii_only, separators=(", ", ": ") if spaced else (",", ":"))
    for i, text in enumerate(written):
        out = out.replace(json.dumps(_SLOT.format(i)), text, 1)
    return out


#: Stands for a :class:`NumberText` while the standard library writes the rest (it would write
#: the float); a NUL never reaches JSON text unescaped, so no string of the body can equal it.
_SLOT = "\x00harscrub-number-{}\x00"


def _with_numbers_of(value: Any, exact: Any) -> Any:
    """``value`` (``exact`` as parsed, then redacted) with each number it kept as ``exact`` wrote it.

    Only texts holding a number a float would change pay for this (:func:`odd_numbers`):
    the walk runs on the fast parse, and the numbers are put back here, member by member in
    order (a redacted key or value is taken as it is)."""
    if isinstance(exact, NumberText):
        same = type(value) in (int, float) and (value == exact or value != value or exact != exact)
        return exact if same else value
    if isinstance(value, dict) and isinstance(exact, dict) and len(value) == len(exact):
        pairs = list(zip(value.items(), exact.items()))
        if all(type(v) is type(e) or isinstance(e, NumberText) for (_, v), (_, e) in pairs):
            return object_of([(k, _with_numbers_of(v, e)) for (k, v), (_, e) in pairs])
    if isinstance(value, list) and isinstance(exact, list) and len(value) == len(exact):
        return [_with_numbers_of(v, e) for v, e in zip(value, exact)]
    return value


def _numbers_as_slots(value: Any, written: list[str]) -> Any:
    """Every float as a slot for its text: a :class:`NumberText` as written, any other as orjson
    writes it, which is how it was written (``2.5e-7``; the standard library would write
    ``2.5e-07``), or it would have been read as a NumberText."""
    if isinstance(value, float):
        if isinstance(value, NumberText):
            written.append(value.text)
        elif value - value == 0:
            written.append(orjson.dumps(value).decode("ascii"))
        else:  # NaN or Infinity, which a lenient body held as such: kept as it was
            written.append(json.dumps(value))
        return _SLOT.format(len(written) - 1)
    if isinstance(value, dict):
        return object_of([(k, _numbers_as_slots(v, written)) for k, v in value.items()])
    if isinstance(value, list):
        return [_numbers_as_slots(v, written) for v in value]
    return value


def redact_json_text(r: Redacts, text: str, where: Where) -> str | None:
    """Redact a JSON (or NDJSON) text by its structure; None when it is not JSON."""
    obj = parse_json(text)
    if obj is NOT_JSON:
        lines = text.splitlines()
        if len(lines) > 1 and all(not line.strip() or line.lstrip()[:1] in "{[" for line in lines):
            redacted_lines = [redact_json_text(r, line, where) if line.strip() else line for line in lines]
            if all(line is not None for line in redacted_lines):
                return "\n".join(line for line in redacted_lines if line is not None) + ("\n" if text.endswith("\n") else "")
        return None
    if r.prime(obj):
        return text  # no value, key or key name in it that any rule can touch
    before = r.redactions
    try:
        redacted = _json_value(r, obj, where, "")
        if r.redactions == before:
            return text
        return dump_like(redacted, text)
    except RecursionError:
        return None  # parsed, but too deep to walk: scanned as text, like JSON too deep to parse


def json_keys(text: str) -> Iterator[Any]:
    """Every member name in a JSON text, for ``inspect``; nothing when it does not parse."""
    if not text or len(text) > MAX_NAMES_BODY or text.lstrip()[:1] not in ("{", "["):
        return
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, item in node.items():
                yield key
                stack.append(item)
        elif isinstance(node, list):
            stack.extend(node)


def looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


JSON = BodyFormat(
    name="json",
    mime=("json",),
    redact=lambda r, text, _mime, where: redact_json_text(r, text, where),
    sniff=looks_like_json,
    text_hazard=r"\\",  # escapes: the decoded string differs from the text as written
    names=json_keys,
    name_kind="json key",
    example_mime="application/json",
)

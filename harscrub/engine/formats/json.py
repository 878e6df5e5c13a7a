"""JSON and NDJSON text: parsed, walked member by member, written back in its own layout.

A member's name may make its value a secret (``"password": …``); every other string is
judged as text, so a URL, a JWT or JSON kept as a string inside JSON is peeled in turn. A
text that does not parse is not JSON after all: the caller judges it as plain text.
"""

from __future__ import annotations

import json
from typing import Any, Iterator

import orjson

from harscrub.engine import strategies
from harscrub.engine.formats.base import BodyFormat
from harscrub.engine.place import Redacts, Where

#: JSON bodies larger than this are not parsed for key names by ``inspect`` (still checked).
MAX_NAMES_BODY = 32 << 20
_NOT_JSON = object()


def _parse_json(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return _NOT_JSON


def _json_value(r: Redacts, value: Any, where: Where, path: str) -> Any:
    if isinstance(value, str):
        return r.text(value, where.sub(f"json {path or '/'}"))
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            here = f"{path}/{key}"
            rule = r.names.classify(key, "param") if isinstance(key, str) else None
            if rule is not None:
                item = strategies.apply(r, rule, item, where.sub(f"json {here}"))
            else:
                item = _json_value(r, item, where, here)
            if isinstance(key, str) and len(key) >= 16:
                key = r.shapes(key, where.sub(f"json key {path or '/'}"))
            out[key] = item
        return out
    if isinstance(value, list):
        return [_json_value(r, item, where, f"{path}/{i}") for i, item in enumerate(value)]
    return value


def _dump_like(obj: Any, original: str) -> str:
    """Serialise ``obj`` in roughly the layout of ``original`` (compact, spaced or indented)."""
    ascii_only = original.isascii() and "\\u" in original
    if "\n" in original.strip():
        return json.dumps(obj, ensure_ascii=ascii_only, indent=2)
    spaced = '": ' in original or '", "' in original
    return json.dumps(obj, ensure_ascii=ascii_only, separators=(", ", ": ") if spaced else (",", ":"))


def redact_json_text(r: Redacts, text: str, where: Where) -> str | None:
    """Redact a JSON (or NDJSON) text by its structure; None when it is not JSON."""
    obj = _parse_json(text)
    if obj is _NOT_JSON:
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
        return _dump_like(redacted, text)
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

"""Body formats: form, JSON, multipart, base64; everything else is text for the value rules.

Request ``postData`` and response ``content`` reach :func:`redact_body` with their MIME type;
the type picks the parser, and a body that does not parse as its type claims falls back to
the value rules over its text (fail closed: it is never passed through unread).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import TYPE_CHECKING, Any

import orjson

from harscrub.engine import strategies, urls

if TYPE_CHECKING:
    from harscrub.engine.redactor import Redactor, Where

_BOUNDARY = re.compile(r"""boundary=(?:"([^"]+)"|([^;,\s]+))""", re.IGNORECASE)
_PART_NAME = re.compile(r"""\bname=(?:"([^"]*)"|([^;\s]+))""", re.IGNORECASE)
_PART_TYPE = re.compile(r"^content-type:\s*([^\r\n;]+)", re.IGNORECASE | re.MULTILINE)
_TEXTUAL = ("text/", "json", "xml", "javascript", "ecmascript", "x-www-form-urlencoded", "html", "graphql", "csv", "yaml")


def _parse_json(text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return _NOT_JSON


_NOT_JSON = object()


def _json_value(r: "Redactor", value: Any, where: "Where", path: str) -> Any:
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


def redact_json_text(r: "Redactor", text: str, where: "Where") -> str | None:
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


def _multipart_boundary(text: str, mime: str) -> str | None:
    m = _BOUNDARY.search(mime)
    if m:
        return m.group(1) or m.group(2)
    first = text.lstrip("\r\n").split("\n", 1)[0].rstrip("\r")
    return first[2:] if first.startswith("--") and len(first) > 2 else None


def redact_multipart(r: "Redactor", text: str, mime: str, where: "Where") -> str:
    """Each part is judged by its field name, then by its own content type."""
    boundary = _multipart_boundary(text, mime)
    if not boundary:
        return r.shapes(text, where)
    delimiter = "--" + boundary
    chunks = text.split(delimiter)
    for i in range(1, len(chunks)):
        chunk = chunks[i]
        if chunk.startswith("--"):
            continue  # the closing delimiter and epilogue
        sep = "\r\n\r\n" if "\r\n\r\n" in chunk else "\n\n"
        head, found, body = chunk.partition(sep)
        if not found:
            chunks[i] = r.shapes(chunk, where)
            continue
        tail = "\r\n" if body.endswith("\r\n") else ("\n" if body.endswith("\n") else "")
        content = body[: len(body) - len(tail)]
        name_m = _PART_NAME.search(head)
        name = (name_m.group(1) or name_m.group(2)) if name_m else ""
        here = where.sub(f'multipart "{name}"')
        rule = r.names.classify(name, "param") if name else None
        if rule is not None:
            content = strategies.apply(r, rule, content, here)
        else:
            type_m = _PART_TYPE.search(head)
            content = redact_body(r, content, type_m.group(1) if type_m else "", here)
        chunks[i] = r.shapes(head, where) + found + content + tail
    return delimiter.join(chunks)


def redact_body(r: "Redactor", text: str, mime: str, where: "Where") -> str:
    """A request or response body given as text, parsed by what its MIME type says."""
    kind = (mime or "").lower()
    # A form part without '=' is read as a URL component; multipart is never skipped (a part
    # may start right after a boundary, where no scan of the whole body sees a word start).
    if "multipart/" not in kind and r.quiet(text, "url" if "x-www-form-urlencoded" in kind else "text"):
        return text
    if "x-www-form-urlencoded" in kind:
        return urls.redact_query(r, text, where, label="form", place="text")
    if "multipart/" in kind:
        return redact_multipart(r, text, mime, where)
    if "json" in kind:
        redacted = redact_json_text(r, text, where)
        if redacted is not None:
            return redacted
    return r.text(text, where)


def is_textual(mime: str) -> bool:
    kind = (mime or "").lower()
    return any(t in kind for t in _TEXTUAL)


def redact_base64_body(r: "Redactor", text: str, mime: str, where: "Where") -> str:
    """``encoding: base64`` content: decoded, judged as text (or bytes), re-encoded."""
    try:
        raw = base64.b64decode(text, validate=False)
    except (binascii.Error, ValueError):
        return r.shapes(text, where.sub("undecodable base64"))
    here = where.sub("base64")
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = None
    if decoded is not None and (is_textual(mime) or decoded.isprintable() or _mostly_text(decoded)):
        redacted = redact_body(r, decoded, mime, here)
        return text if redacted == decoded else base64.b64encode(redacted.encode("utf-8")).decode("ascii")
    # Binary (an image, protobuf, gRPC-web): value shapes in the bytes, replaced in place.
    latin = raw.decode("latin-1")
    redacted = r.shapes(latin, here)
    return text if redacted == latin else base64.b64encode(redacted.encode("latin-1", "replace")).decode("ascii")


def _mostly_text(decoded: str) -> bool:
    sample = decoded[:2048]
    odd = sum(1 for c in sample if not c.isprintable() and c not in "\r\n\t")
    return odd * 20 < len(sample)

"""Base64: ``encoding: base64`` bodies and binary WebSocket frames, and base64 text in any string.

Decoded, judged as text (or, for binary, as Latin-1 bytes) and re-encoded only when
something was replaced, so a body without secrets keeps its exact bytes.
"""

from __future__ import annotations

import base64
import binascii

import re2

from harscrub.engine.formats.base import BodyFormat
from harscrub.engine.place import Redacts, Where

_BASE64_TEXT = re2.compile(r"^(?:[A-Za-z0-9+/]{4}){6,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")
_TEXTUAL = ("text/", "json", "xml", "javascript", "ecmascript", "x-www-form-urlencoded", "html", "graphql", "csv", "yaml")
#: Characters where the walk cuts a string into parts it reads on their own (JSON text, URL
#: parts, form and multipart fields, lines): a derived string starts and ends at one.
_CUT = r"""[\s"'<>`:/?&=#@]"""
#: A base64 run from cut to cut: decoded when it is a whole part.
BASE64_HAZARD = r"(?:^|" + _CUT + r")[A-Za-z0-9+/]{24,}(?:$|" + _CUT + r")"


def is_textual(mime: str) -> bool:
    kind = (mime or "").lower()
    return any(t in kind for t in _TEXTUAL)


def looks_like_base64_text(text: str) -> bool:
    return len(text) >= 24 and _BASE64_TEXT.match(text) is not None


def _b64_text(text: str) -> str | None:
    """The text inside a base64 string, if it is printable UTF-8 (not an image)."""
    try:
        decoded = base64.b64decode(text, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not decoded or sum(1 for c in decoded[:512] if not c.isprintable() and c not in "\r\n\t") > 2:
        return None
    return decoded


def redact_base64_text(r: Redacts, text: str, where: Where) -> str | None:
    """A string that is base64 of printable text: the text judged; None when nothing changed."""
    decoded = _b64_text(text)
    if decoded is None:
        return None
    inner = r.text(decoded, where.sub("base64"))
    if inner == decoded:
        return None
    return base64.b64encode(inner.encode("utf-8")).decode("ascii")


def redact_base64_body(r: Redacts, text: str, mime: str, where: Where) -> str:
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
        redacted = r.body(decoded, mime, here)
        return text if redacted == decoded else base64.b64encode(redacted.encode("utf-8")).decode("ascii")
    # Binary (an image, protobuf, gRPC-web): value shapes in the bytes, replaced in place.
    latin = raw.decode("latin-1")
    redacted = r.shapes(latin, here)
    return text if redacted == latin else base64.b64encode(redacted.encode("latin-1", "replace")).decode("ascii")


def _mostly_text(decoded: str) -> bool:
    sample = decoded[:2048]
    odd = sum(1 for c in sample if not c.isprintable() and c not in "\r\n\t")
    return odd * 20 < len(sample)


BASE64_TEXT = BodyFormat(
    name="base64",
    redact=lambda r, text, _mime, where: redact_base64_text(r, text, where),
    sniff=looks_like_base64_text,
    text_hazard=BASE64_HAZARD,
)

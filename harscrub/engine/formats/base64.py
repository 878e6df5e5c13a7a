"""Base64 in both alphabets, padded or not: ``encoding: base64`` bodies, binary WebSocket frames,
and base64 text in any string (a cookie, a header, a query value, a JSON field).

Decoded and judged as text, or as bytes (:mod:`harscrub.engine.formats.binary`) when it is
not text; re-encoded in the same alphabet and padding only when something was replaced, so
a value without secrets keeps its exact characters and one with secrets stays decodable.
A body labelled base64 that does not decode is judged as the text it is (never trust a label).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

import re2

from harscrub.engine.formats.base import BodyFormat
from harscrub.engine.formats.binary import redact_bytes
from harscrub.engine.place import Redacts, Where

_STANDARD = re2.compile(r"^[A-Za-z0-9+/]+={0,2}$")
_URL_SAFE = re2.compile(r"^[A-Za-z0-9_-]+={0,2}$")
_TEXTUAL = ("text/", "json", "xml", "javascript", "ecmascript", "x-www-form-urlencoded", "html", "graphql", "csv", "yaml")
#: Characters where the walk cuts a string into parts it reads on their own (JSON text, URL
#: parts, form and multipart fields, lines): a derived string starts and ends at one.
_CUT = r"""[\s"'<>`:/?&=#@]"""
#: Where a base64 run inside text may start besides a cut: after a comma or a semicolon, as in a
#: ``data:application/json;base64,…`` URL in a page or a stylesheet.
_LEAD = r"""[\s"'<>`:/?&=#@,;]"""
#: A base64 run from cut to cut, either alphabet: decoded when it is a whole part, or a run
#: inside text (:func:`redact_base64_runs`).
BASE64_HAZARD = r"(?:^|" + _LEAD + r")[A-Za-z0-9+/_-]{24,}(?:$|" + _CUT + r")"
_RUN = re2.compile(r"(?:^|" + _LEAD + r")([A-Za-z0-9+/_-]{24,}={0,2})")
#: Base64 wrapped in lines (MIME wraps at 76 characters): every line but the last as long as the first.
_WRAPPED = re2.compile(r"^(?:[A-Za-z0-9+/]{16,}\r?\n)+[A-Za-z0-9+/]*={0,2}\s*$")
#: Shorter strings are not sniffed as base64 text: too many words and ids would decode.
MIN_SNIFFED = 24


@dataclass(frozen=True)
class Style:
    """How a base64 string was written, so it can be written back the same way."""

    url_safe: bool
    padded: bool
    #: The length of its lines when it was wrapped (MIME), and what ended them.
    line: int = 0
    newline: str = "\n"
    trailer: str = ""

    def encode(self, raw: bytes) -> str:
        text = (base64.urlsafe_b64encode if self.url_safe else base64.b64encode)(raw).decode("ascii")
        text = text if self.padded else text.rstrip("=")
        if self.line:
            text = self.newline.join(text[i : i + self.line] for i in range(0, len(text), self.line)) + self.trailer
        return text


def decode(text: str) -> tuple[bytes, Style] | None:
    """The bytes of a base64 string in either alphabet, padded or not; None if it is not one.

    Line breaks and spaces (MIME wraps base64 at 76 characters) are allowed and not kept.
    """
    compact = "".join(text.split()) if not text.isalnum() else text
    if not compact or len(compact) % 4 == 1:
        return None
    url_safe = _STANDARD.match(compact) is None
    if url_safe and _URL_SAFE.match(compact) is None:
        return None
    # Written padded when its length is a multiple of four (with or without '=' at the end).
    padded = len(compact) % 4 == 0
    if compact.endswith("=") and not padded:
        return None
    body = compact.rstrip("=") + "=" * (-len(compact.rstrip("=")) % 4)
    try:
        raw = base64.b64decode(body, altchars=b"-_" if url_safe else None, validate=True)
    except (binascii.Error, ValueError):
        return None
    if compact is not text and _WRAPPED.match(text) is not None:
        first = text.split("\n", 1)[0]
        newline = "\r\n" if first.endswith("\r") else "\n"
        trailer = text[len(text.rstrip()):]
        return raw, Style(url_safe, padded, len(first.rstrip("\r")), newline, trailer)
    return raw, Style(url_safe, padded)


def is_textual(mime: str) -> bool:
    kind = (mime or "").lower()
    return any(t in kind for t in _TEXTUAL)


def printable(decoded: str) -> bool:
    """Text a person or a program wrote, not bytes that happen to be valid UTF-8."""
    sample = decoded[:2048]
    odd = sum(1 for c in sample if not c.isprintable() and c not in "\r\n\t")
    return bool(decoded) and odd * 20 < len(sample) and odd <= 2 + len(sample) // 100


def looks_like_base64_text(text: str) -> bool:
    return len(text) >= MIN_SNIFFED and (_STANDARD.match(text) is not None or _URL_SAFE.match(text) is not None
                                         or ("\n" in text and _WRAPPED.match(text) is not None))


def redact_base64_runs(r: Redacts, text: str, where: Where) -> str:
    """Base64 runs inside text (a ``data:`` URL in a page, a blob in a log line): each run that
    decodes to printable text is judged as text and, when something in it was a secret,
    re-encoded in its own alphabet and padding in place. Runs that decode to anything else
    (ids, hashes, images) are left as they are: the value rules judged them as written."""
    out: list[str] = []
    last = 0
    for m in _RUN.finditer(text):
        start, end = m.span(1)
        if end - start == len(text):
            return text  # the whole string: the base64 format's own case
        run = text[start:end]
        judged = redact_base64_text(r, run, where.sub("base64 in text"))
        if judged is not None and judged != run:
            out.append(text[last:start])
            out.append(judged)
            last = end
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def redact_base64_text(r: Redacts, text: str, where: Where) -> str | None:
    """A string that is base64 of printable text: the text judged; None when it is not text.

    When it is text and nothing in it is a secret, the string is handed back as it is: its
    content was judged, so its encoded form is not judged again for randomness.
    """
    decoded = decode(text)
    if decoded is None:
        return None
    raw, style = decoded
    try:
        inner = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not printable(inner):
        return None
    judged = r.text(inner, where.sub("base64"))
    return text if judged == inner else style.encode(judged.encode("utf-8"))


def redact_base64_body(r: Redacts, text: str, mime: str, where: Where) -> str:
    """``encoding: base64`` content (or a binary frame): decoded, judged, re-encoded."""
    decoded = decode(text)
    if decoded is None:
        return r.body(text, mime, where.sub("labelled base64, is not"))
    raw, style = decoded
    here = where.sub("base64")
    try:
        inner = raw.decode("utf-8")
    except UnicodeDecodeError:
        inner = None
    if inner is not None and (is_textual(mime) or printable(inner)):
        judged = r.body(inner, mime, here)
        return text if judged == inner else style.encode(judged.encode("utf-8"))
    redacted = redact_bytes(r, raw, mime, here)
    return text if redacted == raw else style.encode(redacted)


BASE64_TEXT = BodyFormat(
    name="base64",
    redact=lambda r, text, _mime, where: redact_base64_text(r, text, where),
    sniff=looks_like_base64_text,
    text_hazard=BASE64_HAZARD,
)

#: gRPC-web in text mode: the body is base64 of binary frames, whatever the HAR's label says.
GRPC_WEB_TEXT = BodyFormat(
    name="grpc-web-text",
    mime=("grpc-web-text",),
    # Not base64 after all: None, and the body is judged as the text it is.
    redact=lambda r, text, mime, where: redact_base64_body(r, text, mime, where) if decode(text) else None,
    quiet_as=None,
    example_mime="application/grpc-web-text+proto",
)

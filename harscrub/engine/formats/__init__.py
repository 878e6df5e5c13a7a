"""The formats a body or a string can be written in, in one ordered registry.

Adding a format is one module here (a :class:`~harscrub.engine.formats.base.BodyFormat`)
and one line below. Everything that chooses a format asks this registry: the redactor for
bodies (by MIME type) and for any string (by content), the prefilter for the hazards that
keep a string from being skipped, and ``inspect`` for the names a body holds.
"""

from __future__ import annotations

from harscrub.engine.formats.base import BodyFormat
from harscrub.engine.formats.base64 import BASE64_TEXT, GRPC_WEB_TEXT
from harscrub.engine.formats.escapes import ESCAPES, Escapes
from harscrub.engine.formats.form import FORM
from harscrub.engine.formats.json import JSON
from harscrub.engine.formats.multipart import MULTIPART
from harscrub.engine.formats.url import URL

#: Formats a body's MIME type can claim, in the order they are asked (the first that claims wins).
BY_MIME: tuple[BodyFormat, ...] = (FORM, MULTIPART, GRPC_WEB_TEXT, JSON)
#: Formats recognised by their content, in any string, in the order they are tried.
BY_CONTENT: tuple[BodyFormat, ...] = (JSON, URL, BASE64_TEXT, FORM)
ALL: tuple[BodyFormat, ...] = tuple(dict.fromkeys(BY_MIME + BY_CONTENT))
#: Escaping schemes peeled inside any text that no format claims, in order.
INLINE: tuple[Escapes, ...] = ESCAPES


def for_mime(mime: str) -> BodyFormat | None:
    """The format a MIME type names, or None (the body is judged as text)."""
    kind = (mime or "").lower()
    for fmt in BY_MIME:
        if fmt.claims(kind):
            return fmt
    return None


def sniffed(text: str) -> BodyFormat | None:
    """The first format whose content test ``text`` passes, or None."""
    for fmt in BY_CONTENT:
        if fmt.sniff is not None and fmt.sniff(text):
            return fmt
    return None


def hazards() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The prefilter conditions of every format: (for strings read as text, read as URLs)."""
    text = [f.text_hazard for f in ALL if f.text_hazard] + [e.hazard for e in INLINE]
    return tuple(dict.fromkeys(text)), tuple(f.url_hazard for f in ALL if f.url_hazard)

"""``multipart/*`` bodies: each part judged by its field name, then by its own content type."""

from __future__ import annotations

import re

from harscrub.engine import strategies
from harscrub.engine.formats.base import BodyFormat
from harscrub.engine.place import Redacts, Where

_BOUNDARY = re.compile(r"""boundary=(?:"([^"]+)"|([^;,\s]+))""", re.IGNORECASE)
_PART_NAME = re.compile(r"""\bname=(?:"([^"]*)"|([^;\s]+))""", re.IGNORECASE)
_PART_TYPE = re.compile(r"^content-type:\s*([^\r\n;]+)", re.IGNORECASE | re.MULTILINE)


def _multipart_boundary(text: str, mime: str) -> str | None:
    m = _BOUNDARY.search(mime)
    if m:
        return m.group(1) or m.group(2)
    first = text.lstrip("\r\n").split("\n", 1)[0].rstrip("\r")
    return first[2:] if first.startswith("--") and len(first) > 2 else None


def redact_multipart(r: Redacts, text: str, mime: str, where: Where) -> str:
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
            content = r.body(content, type_m.group(1) if type_m else "", here)
        chunks[i] = r.shapes(head, where) + found + content + tail
    return delimiter.join(chunks)


MULTIPART = BodyFormat(
    name="multipart",
    mime=("multipart/",),
    redact=redact_multipart,
    quiet_as=None,
    example_mime="multipart/form-data; boundary=B",
)

"""``multipart/*`` bodies: each part judged by its field name, then by its own content type."""

from __future__ import annotations

import re2

from harscrub.engine import strategies
from harscrub.engine.formats.base import BodyFormat
from harscrub.engine.place import Redacts, Where

_BOUNDARY = re2.compile(r"""(?i)boundary=(?:"([^"]+)"|([^;,\s]+))""")
_PART_NAME = re2.compile(r"""(?i)\bname=(?:"([^"]*)"|([^;\s]+))""")
_PART_TYPE = re2.compile(r"(?im)^content-type:[ \t]*([^\r\n;]+)")


def _boundary(text: str, mime: str) -> str | None:
    """The boundary the body really uses: the label's when the body holds it, else its first line's."""
    m = _BOUNDARY.search(mime)
    labelled: str | None = (m.group(1) or m.group(2)) if m else None
    if labelled and "--" + labelled in text:
        return labelled
    for line in text.lstrip("\r\n").split("\n", 8):
        line = line.rstrip("\r")
        if line.startswith("--") and len(line) > 2 and not line.endswith("--"):
            return line[2:]
    return None


def redact_multipart(r: Redacts, text: str, mime: str, where: Where) -> str | None:
    """Each part is judged by its field name, then by its own content type; the preamble before
    the first delimiter and the epilogue after the last are judged as text. None when the body
    holds no delimiter at all: it is not multipart, whatever its label says."""
    boundary = _boundary(text, mime)
    if not boundary:
        return None
    delimiter = "--" + boundary
    chunks = text.split(delimiter)
    chunks[0] = r.text(chunks[0], where.sub("multipart preamble")) if chunks[0].strip() else chunks[0]
    for i in range(1, len(chunks)):
        chunk = chunks[i]
        if chunk.startswith("--"):  # the closing delimiter, then the epilogue
            chunks[i] = "--" + r.text(chunk[2:], where.sub("multipart epilogue")) if chunk[2:].strip() else chunk
            continue
        sep = "\r\n\r\n" if "\r\n\r\n" in chunk else "\n\n"
        head, found, body = chunk.partition(sep)
        if not found:
            chunks[i] = r.text(chunk, where.sub("multipart part"))
            continue
        tail = "\r\n" if body.endswith("\r\n") else ("\n" if body.endswith("\n") else "")
        content = body[: len(body) - len(tail)]
        name_m = _PART_NAME.search(head)
        name = (name_m.group(1) or name_m.group(2)) if name_m else ""
        here = where.sub(f'multipart "{r.shapes(name, where)}"')
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

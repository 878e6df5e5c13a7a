"""Bytes that are not text (protobuf, gRPC frames, msgpack, images, compressed data).

A secret in a binary body is still there in clear: a token in a protobuf field is its ASCII
bytes between two length prefixes. So compressed data (gzip, zlib) is inflated first, then
every run of printable ASCII is judged as text, and each secret found is overwritten in
place by a mask of exactly its length: the length prefixes, offsets and framing around it
stay right, and the body stays decodable by whatever reads it. A run in which a secret was
found but cannot be located byte for byte (it was found after peeling an escape) is masked
whole, also in place (fail closed, framing kept).
"""

from __future__ import annotations

import gzip
import zlib
from typing import Callable

import re2

from harscrub.engine.place import Redacts, Where

#: Printable ASCII runs worth judging: shorter ones cannot hold a secret any rule names.
_RUNS = re2.compile(rb"[\x20-\x7e]{8,}")
#: Compressed data is inflated up to this size; a body that inflates further is judged as it is
#: (its printable runs) and the run's notes say so.
MAX_INFLATE = 64 << 20
_GZIP = b"\x1f\x8b"
#: Leading characters of a run also judged without (protobuf tags and lengths are often printable).
_SKIPS = 2
_ZLIB = (b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda")


def mask(length: int, tag: str) -> str:
    """A mask of exactly ``length`` characters that names the placeholder ``tag`` when it fits."""
    return tag[:length] if len(tag) >= length else tag + "*" * (length - len(tag))


_TOO_BIG = object()


def _gzip_like(raw: bytes) -> Callable[[bytes], bytes]:
    """Compress as gzip with ``raw``'s own header time: the same input gives the same output."""
    mtime = int.from_bytes(raw[4:8], "little")
    return lambda data: gzip.compress(data, mtime=mtime)


def _zlib(data: bytes) -> bytes:
    return zlib.compress(data)


def _inflate(raw: bytes) -> tuple[bytes, Callable[[bytes], bytes]] | object | None:
    """Inflated bytes and the function that compresses them back; None if not compressed data,
    ``_TOO_BIG`` if it inflates past :data:`MAX_INFLATE`."""
    if raw[:2] == _GZIP:
        wbits, back = 16 + zlib.MAX_WBITS, _gzip_like(raw)
    elif raw[:2] in _ZLIB:
        wbits, back = zlib.MAX_WBITS, _zlib
    else:
        return None
    inflater = zlib.decompressobj(wbits)
    try:
        data = inflater.decompress(raw, MAX_INFLATE)
    except zlib.error:
        return None
    if inflater.unconsumed_tail:
        return _TOO_BIG
    return data, back


def redact_bytes(r: Redacts, raw: bytes, mime: str, where: Where) -> bytes:
    """``raw`` with every secret in it masked in place (inflated and recompressed if compressed)."""
    inflated = _inflate(raw)
    if inflated is _TOO_BIG:
        r.note(f"{where.pointer}: compressed body inflates past {MAX_INFLATE >> 20} MiB; only its raw bytes were judged")
    elif isinstance(inflated, tuple):
        data, compress = inflated
        here = where.sub("inflated")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            redacted = redact_bytes(r, data, mime, here)
        else:
            redacted = r.body(text, mime, here).encode("utf-8")
        return raw if redacted == data else compress(redacted)
    out: bytearray | None = None
    for m in _RUNS.finditer(raw):
        run = m.group(0).decode("ascii")
        masked = run
        # A length or tag byte that happens to be printable glues onto the string it announces
        # ("5xoxb-…"): the run is judged again without its first one and two characters.
        for skip in range(min(_SKIPS, len(run) - 8) + 1):
            with r.collecting() as found:
                judged = r.text(masked[skip:], where.sub("binary"))
            if judged != masked[skip:]:
                masked = masked[:skip] + _mask_run(r, masked[skip:], found)
        if masked == run:
            continue
        if out is None:
            out = bytearray(raw)
        out[m.start():m.end()] = masked.encode("ascii")
    return raw if out is None else bytes(out)


def _mask_run(r: Redacts, run: str, found: list[str]) -> str:
    """``run`` with each secret found in it overwritten by a same-length mask."""
    chars = list(run)
    for secret in sorted(set(found), key=len, reverse=True):
        tag = r.placeholder_of(secret)
        start = run.find(secret)
        if start < 0:  # found only after peeling an escape: nothing to point at, so the run goes
            return mask(len(run), tag)
        while start >= 0:
            chars[start:start + len(secret)] = mask(len(secret), tag)
            start = run.find(secret, start + len(secret))
    return "".join(chars) if found else mask(len(run), "[REDACTED]")

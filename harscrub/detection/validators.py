"""Checks a regex cannot express, named by rules (``validate = "…"``) and run on each candidate.

A validator takes the candidate secret (the rule's ``secret`` group) and says whether it
really is one. Adding a check is one function here and one entry in :data:`VALIDATORS`;
rule files name it, and ``patterns/README.md`` documents it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import zlib
from typing import Callable

import re2


def _base64_credentials(secret: str) -> bool:
    """Basic auth: base64 that decodes to printable ``user:password``."""
    try:
        raw = base64.b64decode(secret + "=" * (-len(secret) % 4), validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return False
    return ":" in text and text.isprintable()


_CODE = re2.compile(r"^(?:[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+|true|false|null|none|undefined|this|new|void|function|string|text|include|omit|same-origin)$")


def _not_code(secret: str) -> bool:
    """Script values that are code, not data: ``t.token``, ``undefined``, ``"text"``."""
    return _CODE.match(secret.lower() if secret.isalpha() else secret) is None


def _random_token(secret: str) -> bool:
    """Looks generated, not written: has a digit, or mixes cases (``authenticity_token`` does not)."""
    return len(secret) >= 8 and (any(c.isdigit() for c in secret) or (secret.lower() != secret and secret.upper() != secret))


def _luhn(secret: str) -> bool:
    """A payment card number: 13 to 19 digits once spaces and dashes are dropped, Luhn-valid."""
    digits = secret.replace(" ", "").replace("-", "")
    if not (13 <= len(digits) <= 19 and digits.isascii() and digits.isdigit()):
        return False
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = ord(c) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _number(digits: str, alphabet: str) -> int | None:
    """``digits`` read as a number in the base of ``alphabet`` (most significant first)."""
    value = 0
    for c in digits:
        digit = alphabet.find(c)
        if digit < 0:
            return None
        value = value * len(alphabet) + digit
    return value


def _crc32_base62(secret: str) -> bool:
    """GitHub and npm token format: ``prefix_`` + random part + the CRC32 of the random part,
    in six base62 digits (zero-padded)."""
    _, sep, rest = secret.partition("_")
    if not sep or len(rest) < 7 or not rest.isascii():
        return False
    return _number(rest[-6:], _BASE62) == zlib.crc32(rest[:-6].encode("ascii"))


def _base58check(secret: str) -> bool:
    """Base58Check (Bitcoin keys): the last four bytes are the double SHA-256 of the rest."""
    value = _number(secret, _BASE58) if 0 < len(secret) <= 200 else None
    if value is None:
        return False
    raw = b"\0" * (len(secret) - len(secret.lstrip("1"))) + value.to_bytes((value.bit_length() + 7) // 8, "big")
    if len(raw) < 5:
        return False
    payload, check = raw[:-4], raw[-4:]
    return hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] == check


_JWT_TEXT = re2.compile(r"^eyJ[A-Za-z0-9_-]{2,}={0,2}(?:\.[A-Za-z0-9_-]*={0,2}){2,4}$")


def _base64_jwt(secret: str) -> bool:
    """Base64 (either alphabet, padded or not) of a JWT or JWE: a token wrapped once more."""
    data = secret.rstrip("=").replace("-", "+").replace("_", "/")
    if len(data) % 4 == 1:
        return False
    try:
        text = base64.b64decode(data + "=" * (-len(data) % 4), validate=True).decode("ascii")
    except (binascii.Error, ValueError):
        return False
    return _JWT_TEXT.match(text.strip()) is not None


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "base64-credentials": _base64_credentials,
    "not-code": _not_code,
    "random-token": _random_token,
    "luhn": _luhn,
    "crc32-base62": _crc32_base62,
    "base58check": _base58check,
    "base64-jwt": _base64_jwt,
}

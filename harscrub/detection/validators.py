"""Checks a regex cannot express, named by rules (``validate = "…"``) and run on each candidate.

A validator takes the candidate secret (the rule's ``secret`` group) and says whether it
really is one. Adding a check is one function here and one entry in :data:`VALIDATORS`;
rule files name it, and ``patterns/README.md`` documents it.
"""

from __future__ import annotations

import base64
import binascii
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


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "base64-credentials": _base64_credentials,
    "not-code": _not_code,
    "random-token": _random_token,
}

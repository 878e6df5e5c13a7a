"""Keyed fingerprints and masked previews: how a secret is named without being shown.

The fingerprint is a short HMAC-SHA256 of the secret under a key that is never written
anywhere: the same secret gets the same placeholder across a file (and across files when
the key is given with ``--key-file``), yet nobody holding the output can test guesses
against it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from harscrub.errors import HarscrubError

FINGERPRINT_HEX = 10


class Fingerprinter:
    """Keyed, short, stable names for secrets."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key if key else os.urandom(32)

    @staticmethod
    def read_key(path: Path) -> bytes:
        """The key in ``path`` (at least 16 bytes); errors say which file, never its content."""
        try:
            key = Path(path).read_bytes().strip()
        except OSError as exc:
            raise HarscrubError(f"cannot read key file {path}: {exc.strerror}") from None
        if len(key) < 16:
            raise HarscrubError(f"key file {path} holds fewer than 16 bytes")
        return key

    def __call__(self, secret: str) -> str:
        digest = hmac.new(self._key, secret.encode("utf-8", "surrogatepass"), hashlib.sha256)
        return digest.hexdigest()[:FINGERPRINT_HEX]

    def __repr__(self) -> str:  # never show the key
        return "Fingerprinter(<key hidden>)"


def mask(secret: str) -> str:
    """A preview that identifies a value to its owner but is useless to anyone else.

    At most 4 leading characters and never more than a sixth of the value, then the length.
    """
    shown = min(4, len(secret) // 6)
    return f"{secret[:shown]}…({len(secret)} chars)"


def placeholder(rule_id: str, fingerprint: str) -> str:
    return f"[REDACTED:{rule_id}:{fingerprint}]"

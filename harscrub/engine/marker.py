"""The ``log._harscrub`` marker: which version and rules sanitized a file, what they removed,
and a digest of the sanitized entries so ``check`` can tell whether the file changed since."""

from __future__ import annotations

import hashlib
from typing import Any

from harscrub._version import __version__

KEY = "_harscrub"


class EntryDigest:
    """sha256 over the exact bytes of each entry as written, in order."""

    def __init__(self) -> None:
        self._h = hashlib.sha256()

    def add(self, raw: bytes) -> None:
        self._h.update(len(raw).to_bytes(8, "big"))
        self._h.update(raw)

    def hexdigest(self) -> str:
        return "sha256:" + self._h.hexdigest()


def build(
    *, rules_digest: str, jwt_mode: str, counts: dict[str, int], entries: int, digest: str, previous: Any = None
) -> dict[str, Any]:
    """The marker of this run; counts add up over repeated runs, so sanitizing twice changes nothing."""
    total = dict(counts)
    if isinstance(previous, dict) and isinstance(previous.get("redacted"), dict):
        for rule, n in previous["redacted"].items():
            if isinstance(rule, str) and isinstance(n, int):
                total[rule] = total.get(rule, 0) + n
    return {
        "version": __version__,
        "rules": rules_digest,
        "jwt": jwt_mode,
        "redacted": dict(sorted(total.items())),
        "entries": entries,
        "digest": digest,
    }

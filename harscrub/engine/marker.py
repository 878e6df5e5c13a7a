"""The ``log._harscrub`` marker: which version and rules sanitized a file, what they removed,
and a digest of the sanitized entries so ``check`` can tell whether the file changed since.
Written by :func:`build`, read back by :func:`well_formed` and :func:`status`."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from harscrub._version import __version__
from harscrub.findings.results import MarkerStatus

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


_RULE_ID = re.compile(r"[a-z0-9][a-z0-9.-]{0,63}")
_MARKER_TYPES: dict[str, type | tuple[type, ...]] = {
    "version": str, "rules": str, "jwt": str, "redacted": dict, "entries": int, "digest": str,
}


def well_formed(value: Any) -> bool:
    """Exactly the members harscrub writes, with their types, and counts that are integers."""
    if not isinstance(value, dict) or set(value) != set(_MARKER_TYPES):
        return False
    if not all(isinstance(value[k], t) for k, t in _MARKER_TYPES.items()):
        return False
    return all(isinstance(n, int) and _RULE_ID.fullmatch(rule) for rule, n in value["redacted"].items())


def status(value: Any, present: bool, digest: str, entries: int, rules_digest: str) -> MarkerStatus:
    """Compare the marker a file carries with the entries it actually holds."""
    if not present:
        return MarkerStatus("absent", "no log._harscrub marker: not sanitized by harscrub")
    if not well_formed(value):
        return MarkerStatus("invalid", "log._harscrub is not a marker harscrub writes")
    version = value["version"]
    same_rules = value.get("rules") == rules_digest
    if value["digest"] != digest or value.get("entries") != entries:
        return MarkerStatus("changed", "entries changed after harscrub sanitized the file (edited, added or removed)",
                            version, same_rules)
    rules_note = "" if same_rules else "; sanitized with other rules than this check uses"
    return MarkerStatus("intact", f"sanitized by harscrub {version or '?'}; entries unchanged since{rules_note}",
                        version, same_rules)

"""Accepted findings: a ``.harscrubignore`` of fingerprints that ``check`` no longer reports.

One fingerprint per line (the ``fingerprint`` of a finding, ``harscrubSecret/v1`` in SARIF);
``#`` starts a comment, on its own line or after the fingerprint; blank lines are skipped.
A fingerprint names a secret under one key, so an ignore file shared by a team works with a
key the team shares (``harscrub keygen FILE``, then ``key-file`` in the settings).
"""

from __future__ import annotations

import re
from pathlib import Path

from harscrub.detection.fingerprint import FINGERPRINT_HEX
from harscrub.errors import HarscrubError
from harscrub.findings.results import CheckResult, Hit
from harscrub.stream.spill import Spill

_FINGERPRINT = re.compile(rf"[0-9a-f]{{{FINGERPRINT_HEX}}}")


def read_ignore_file(path: Path) -> frozenset[str]:
    """The fingerprints listed in ``path``; a line that is not one is an error naming it."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise HarscrubError(f"{path}: cannot read ({exc.__class__.__name__})") from None
    found = set()
    for number, line in enumerate(text.splitlines(), 1):
        word = line.split("#", 1)[0].strip().lower()
        if not word:
            continue
        if not _FINGERPRINT.fullmatch(word):
            raise HarscrubError(f"{path}:{number}: not a fingerprint ({FINGERPRINT_HEX} hex digits, as check reports them)")
        found.add(word)
    return frozenset(found)


def without_ignored(result: CheckResult, fingerprints: frozenset[str], source: str = "") -> CheckResult:
    """``result`` less the hits whose fingerprint is accepted, with a note saying how many went."""
    if not fingerprints or result.error is not None or not any(
            fp in fingerprints for fp in result.tally.fingerprints):
        return result
    kept: Spill[Hit] = Spill()
    dropped = 0
    for hit in result.hits:
        if hit.finding.fingerprint in fingerprints:
            dropped += 1
        else:
            kept.append(hit)
    notes = [*result.notes, f"{dropped} findings silenced by {source or 'the ignore file'}"]
    return CheckResult(source=result.source, entries=result.entries, hits=kept, marker=result.marker,
                       notes=notes, error=result.error)

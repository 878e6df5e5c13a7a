"""What harscrub found: one :class:`Finding` per secret occurrence, and the :class:`Report`.

A finding names a secret by rule, place, keyed fingerprint and masked preview; it has no
field that could hold the secret itself, so no report, log or output format can leak one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from .rules import SEVERITIES


@dataclass(slots=True)
class Finding:
    """One secret occurrence."""

    rule: str
    severity: str
    entry: int | None
    pointer: str
    detail: str
    fingerprint: str
    preview: str
    length: int
    repeat: bool = False
    jwt: dict[str, Any] | None = None

    @property
    def severity_rank(self) -> int:
        return SEVERITIES.index(self.severity)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if data["jwt"] is None:
            del data["jwt"]
        return data


@dataclass
class Report:
    """What one run removed (sanitize) or found (check); never holds a secret."""

    source: str = ""
    entries: int = 0
    passes: int = 0
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    @property
    def by_rule(self) -> dict[str, int]:
        return dict(Counter(f.rule for f in self.findings).most_common())

    @property
    def by_severity(self) -> dict[str, int]:
        counts = Counter(f.severity for f in self.findings)
        return {s: counts[s] for s in reversed(SEVERITIES) if counts[s]}

    @property
    def distinct_secrets(self) -> int:
        return len({f.fingerprint for f in self.findings})

    def to_dict(self, *, detail: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "source": self.source,
            "entries": self.entries,
            "passes": self.passes,
            "total": len(self.findings),
            "distinct_secrets": self.distinct_secrets,
            "by_rule": self.by_rule,
            "by_severity": self.by_severity,
            "notes": list(self.notes),
        }
        if detail:
            data["findings"] = [f.to_dict() for f in self.findings]
        return data

"""What harscrub found: one :class:`Finding` per secret occurrence, and the :class:`Report`.

A finding names a secret by rule, place, keyed fingerprint and masked preview; it has no
field that could hold the secret itself, so no report, log or output format can leak one.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, TypeVar

from harscrub.detection.rules import SEVERITIES
from harscrub.stream.jsonstream import Items, materialize
from harscrub.stream.spill import Spill


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

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as the constructor's arguments: three times faster than the slots default,
        # and reports spill (and cross process boundaries) a hundred thousand of them.
        return (Finding, (self.rule, self.severity, self.entry, self.pointer, self.detail, self.fingerprint,
                          self.preview, self.length, self.repeat, self.jwt))

    def to_dict(self) -> dict[str, Any]:
        # What dataclasses.asdict gives, field by field: a report calls this once per finding.
        data: dict[str, Any] = {
            "rule": self.rule, "severity": self.severity, "entry": self.entry, "pointer": self.pointer,
            "detail": self.detail, "fingerprint": self.fingerprint, "preview": self.preview,
            "length": self.length, "repeat": self.repeat,
        }
        if self.jwt is not None:
            data["jwt"] = copy.deepcopy(self.jwt)
        return data


T = TypeVar("T")


def counted(given: Iterable[T], count: Callable[[T], None]) -> Spill[T]:
    """The items a report was built with, as a :class:`Spill`, each passed to ``count``.

    A Spill is kept as it is; any other iterable (a list from the caller) is copied into one.
    """
    items = given if isinstance(given, Spill) else Spill(given)
    for item in items:
        count(item)
    return items


#: Distinct places remembered per rule for the report table (the first ones found).
PLACE_SAMPLE = 100


class Tally:
    """Counts of findings, kept as each is added: nothing here grows with their number.

    By rule (in the order rules were first seen) and severity, the distinct fingerprints
    (bounded by the distinct secrets, which the engine holds anyway for its sweep), and with
    ``places=True`` the first :data:`PLACE_SAMPLE` distinct places of each rule.
    """

    def __init__(self, *, places: bool = False) -> None:
        self.total = 0
        self.rules: Counter[str] = Counter()
        self.severities: Counter[str] = Counter()
        self.fingerprints: set[str] = set()
        #: rule -> severity of its latest finding.
        self.severity_of: dict[str, str] = {}
        #: rule -> its first distinct places (``detail``, else ``pointer``), when kept.
        self.places: dict[str, dict[str, None]] | None = {} if places else None
        #: Rules with more distinct places than the sample holds.
        self.more_places: set[str] = set()

    def add(self, finding: Finding) -> None:
        rule = finding.rule
        self.total += 1
        self.rules[rule] += 1
        self.severities[finding.severity] += 1
        self.fingerprints.add(finding.fingerprint)
        self.severity_of[rule] = finding.severity
        if self.places is not None:
            sample = self.places.setdefault(rule, {})
            place = finding.detail or finding.pointer
            if place not in sample:
                if len(sample) < PLACE_SAMPLE:
                    sample[place] = None
                else:
                    self.more_places.add(rule)

    @property
    def by_rule(self) -> dict[str, int]:
        """Counts by rule, most frequent first (ties: the rule seen first)."""
        return dict(self.rules.most_common())

    @property
    def by_severity(self) -> dict[str, int]:
        return {s: self.severities[s] for s in reversed(SEVERITIES) if self.severities[s]}

    def at_or_above(self, severity: str) -> int:
        floor = SEVERITIES.index(severity)
        return sum(n for s, n in self.severities.items() if SEVERITIES.index(s) >= floor)


@dataclass
class Report:
    """What one run removed (sanitize) or found (check); never holds a secret.

    ``findings`` is a :class:`~harscrub.spill.Spill`: iterable in order, with ``len()``; past
    its first thousand items it keeps them pickled in a private temporary file (one made with
    ``Spill(in_memory=True)`` keeps them in a compressed buffer). Add findings with :meth:`add`,
    which keeps the counts; findings given to the constructor (a list, or a Spill) are counted.
    """

    source: str = ""
    entries: int = 0
    passes: int = 0
    findings: Spill[Finding] = field(default_factory=Spill)
    notes: list[str] = field(default_factory=list)
    tally: Tally = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.tally = Tally(places=True)
        self.findings = counted(self.findings, self.tally.add)

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)
        self.tally.add(finding)

    @property
    def total(self) -> int:
        return self.tally.total

    @property
    def by_rule(self) -> dict[str, int]:
        return self.tally.by_rule

    @property
    def by_severity(self) -> dict[str, int]:
        return self.tally.by_severity

    @property
    def distinct_secrets(self) -> int:
        return len(self.tally.fingerprints)

    def document(self, *, detail: bool = True) -> dict[str, Any]:
        """:meth:`to_dict` with the findings as a lazy :class:`~harscrub.jsonstream.Items`, for
        :func:`harscrub.jsonstream.write`: the report written without building it in memory."""
        data: dict[str, Any] = {
            "source": self.source,
            "entries": self.entries,
            "passes": self.passes,
            "total": self.total,
            "distinct_secrets": self.distinct_secrets,
            "by_rule": self.by_rule,
            "by_severity": self.by_severity,
            "notes": list(self.notes),
        }
        if detail:
            data["findings"] = Items(f.to_dict() for f in self.findings)
        return data

    def to_dict(self, *, detail: bool = True) -> dict[str, Any]:
        result: dict[str, Any] = materialize(self.document(detail=detail))
        return result

"""Counts kept as findings are added, so no report grows with the number of its findings."""

from __future__ import annotations

from collections import Counter
from typing import Callable, Iterable, TypeVar

from harscrub.detection.rules import SEVERITIES
from harscrub.findings.finding import Finding
from harscrub.stream.spill import Spill

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

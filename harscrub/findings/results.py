"""What a run hands back: the sanitize :class:`Report`, and the :class:`CheckResult` of a check
with its :class:`Hit` s and :class:`MarkerStatus`. None of them holds a secret value."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from harscrub.detection.rules import SEVERITIES
from harscrub.findings.finding import Finding
from harscrub.findings.tally import Tally, counted
from harscrub.stream.jsonstream import Items, materialize
from harscrub.stream.spill import Spill


class Counts:
    """The counts a :class:`Report` and a :class:`CheckResult` keep in their ``tally``."""

    tally: Tally

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


@dataclass
class Report(Counts):
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


@dataclass(slots=True)
class Hit:
    """A finding as ``check`` reports it: the finding, its request, and where it sits in the text.

    ``survivor`` names the encoding (raw, url-encoded, json-escaped, html-escaped, base64) in
    which a secret of the original file survives, for ``check --against``.
    """

    finding: Finding
    method: str = ""
    url: str = ""
    line: int | None = None
    column: int | None = None
    survivor: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        return (Hit, (self.finding, self.method, self.url, self.line, self.column, self.survivor))

    def to_dict(self) -> dict[str, Any]:
        data = self.finding.to_dict()
        data.pop("repeat", None)
        data["method"] = self.method
        data["url"] = self.url
        data["line"] = self.line
        data["column"] = self.column
        if self.survivor is not None:
            data["survivor"] = self.survivor
        return data


@dataclass(slots=True)
class MarkerStatus:
    """What the ``log._harscrub`` marker says about the file.

    ``state``: ``absent`` (not sanitized by harscrub), ``intact`` (the entries are exactly
    those harscrub wrote), ``changed`` (entries edited, added or removed since) or
    ``invalid`` (a marker that is not one harscrub writes).
    """

    state: str
    message: str
    version: str | None = None
    same_rules: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class CheckResult(Counts):
    """Everything ``check`` found in one file; ``error`` is set when the file could not be read.

    ``hits`` is a :class:`~harscrub.spill.Spill`: iterable in order, with ``len()``; past its
    first thousand items it keeps them pickled in a private temporary file. The counts are kept
    as hits are added with :meth:`add`; hits given to the constructor are counted.
    """

    source: str
    entries: int = 0
    hits: Spill[Hit] = field(default_factory=Spill)
    marker: MarkerStatus = field(default_factory=lambda: MarkerStatus("absent", "no log._harscrub marker"))
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    tally: Tally = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.tally = Tally()
        self.hits = counted(self.hits, lambda hit: self.tally.add(hit.finding))

    def add(self, hit: Hit) -> None:
        self.hits.append(hit)
        self.tally.add(hit.finding)

    def at_or_above(self, severity: str) -> list[Hit]:
        """The hits at least this severe (a list: use :meth:`count_at_or_above` to count them)."""
        if not self.count_at_or_above(severity):
            return []
        floor = SEVERITIES.index(severity)
        return [h for h in self.hits if h.finding.severity_rank >= floor]

    def count_at_or_above(self, severity: str) -> int:
        return self.tally.at_or_above(severity)

    def document(self) -> dict[str, Any]:
        """:meth:`to_dict` with the findings as a lazy :class:`~harscrub.jsonstream.Items`, for
        :func:`harscrub.jsonstream.write`: the result written without building it in memory."""
        data: dict[str, Any] = {
            "source": self.source,
            "entries": self.entries,
            "total": self.total,
            "distinct_secrets": self.distinct_secrets,
            "by_rule": self.by_rule,
            "by_severity": self.by_severity,
            "marker": self.marker.to_dict(),
            "notes": list(self.notes),
            "findings": Items(h.to_dict() for h in self.hits),
        }
        if self.error is not None:
            data["error"] = self.error
        return data

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = materialize(self.document())
        return result

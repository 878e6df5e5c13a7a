"""One :class:`Finding` per secret occurrence: how harscrub names a secret without holding it.

A finding names a secret by rule, place, keyed fingerprint and masked preview; it has no
field that could hold the secret itself, so no report, log or output format can leak one.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, NamedTuple

from harscrub.detection.rules import SEVERITIES
from harscrub.detection.specificity import Scope


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
    #: Found by its shape or randomness (a specific token), not only by its place.
    strong: bool = True

    @property
    def severity_rank(self) -> int:
        return SEVERITIES.index(self.severity)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as the constructor's arguments: three times faster than the slots default,
        # and reports spill (and cross process boundaries) a hundred thousand of them.
        return (Finding, (self.rule, self.severity, self.entry, self.pointer, self.detail, self.fingerprint,
                          self.preview, self.length, self.repeat, self.jwt, self.strong))

    def to_dict(self) -> dict[str, Any]:
        # What dataclasses.asdict gives, field by field: a report calls this once per finding.
        data: dict[str, Any] = {
            "rule": self.rule, "severity": self.severity, "entry": self.entry, "pointer": self.pointer,
            "detail": self.detail, "fingerprint": self.fingerprint, "preview": self.preview,
            "length": self.length, "repeat": self.repeat,
        }
        if self.jwt is not None:
            data["jwt"] = copy.deepcopy(self.jwt)
        data["strong"] = self.strong
        return data


class Known(NamedTuple):
    """What a run remembers of a secret it found, for the sweep: never the value's description."""

    rule: str
    fingerprint: str
    #: How far its copies are removed (:mod:`harscrub.detection.specificity`).
    scope: Scope

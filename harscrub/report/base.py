"""What every output format shares: the shape of a writer and what it is told beside the results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Callable, Sequence

from harscrub.detection.rules import RuleSet
from harscrub.findings.results import CheckResult


@dataclass(frozen=True)
class Context:
    """What a report says beside the results: the rules used and the gate (``--fail-on``)."""

    rules: RuleSet
    fail_on: str = "low"
    failed: bool = False


@dataclass(frozen=True)
class ReportFormat:
    """A named writer: ``write(results, handle, context)`` streams a report to a binary handle."""

    name: str
    write: Callable[[Sequence[CheckResult], BinaryIO, Context], None]

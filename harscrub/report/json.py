"""The JSON report of ``check``: one document for every file checked, findings streamed out."""

from __future__ import annotations

from typing import Any, BinaryIO, Sequence

from harscrub._version import __version__
from harscrub.findings.results import CheckResult
from harscrub.report.base import Context
from harscrub.stream import jsonstream


def render_json(results: list[CheckResult], fail_on: str, failed: bool) -> dict[str, Any]:
    report: dict[str, Any] = jsonstream.materialize(json_document(results, fail_on, failed))
    return report


def json_document(results: list[CheckResult], fail_on: str, failed: bool) -> dict[str, Any]:
    """:func:`render_json` with lazy findings, for :func:`harscrub.jsonstream.write`."""
    return {
        "tool": {"name": "harscrub", "version": __version__},
        "fail_on": fail_on,
        "failed": failed,
        "files": [r.document() for r in results],
    }


def write(results: Sequence[CheckResult], handle: BinaryIO, context: Context) -> None:
    jsonstream.write(json_document(list(results), context.fail_on, context.failed), handle, indent=2,
                     ensure_ascii=False, end="\n")

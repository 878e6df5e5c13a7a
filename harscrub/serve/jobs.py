"""One upload, sanitized in memory, and the summary that travels back with it (no values)."""

from __future__ import annotations

import io
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from harscrub.detection.rules import SEVERITIES
from harscrub.engine.sanitize import default_output, sanitize_stream
from harscrub.findings.results import Report
from harscrub.serve.config import ServeConfig
from harscrub.stream.source import wrap_stream


def upload_name(raw: str | None) -> str:
    """The uploaded file's base name (no directories, no control characters), for the output name."""
    name = PurePosixPath((raw or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>')[:200]
    return name if name.strip(". ") else "capture.har"


def summarize(report: Report, name: str, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """Counts by rule and severity, for the response header: rule ids and numbers only, no
    value, no preview, no place (those are in the review, :mod:`harscrub.serve.review`)."""
    severity: dict[str, str] = {}
    for f in report.findings:
        if f.rule not in severity or SEVERITIES.index(f.severity) > SEVERITIES.index(severity[f.rule]):
            severity[f.rule] = f.severity
    rules = [{"rule": rule, "severity": severity.get(rule, "low"), "count": n}
             for rule, n in sorted(report.by_rule.items(), key=lambda kv: (-kv[1], kv[0]))]
    return {
        "name": output_name(name, previous is not None),
        "total": len(report.findings),
        "distinct": report.distinct_secrets,
        "entries": report.entries,
        "by_severity": report.by_severity,
        "rules": rules,
        "previous": previous,
    }


def output_name(name: str, sanitized_before: bool = False) -> str:
    """``NAME.scrubbed.har``; a file harscrub sanitized before keeps its name (never ``.scrubbed.scrubbed``)."""
    if sanitized_before and name.lower().endswith((".har", ".json")):
        return name
    out = default_output(Path(name)).name
    while out.lower().endswith(".scrubbed.scrubbed.har"):
        out = out[: -len(".scrubbed.har")] + ".har"
    return out


def open_upload(data: bytes, config: ServeConfig) -> BinaryIO:
    """The upload as the reader takes it: gzip inflated, BOM dropped, capped like the upload."""
    return wrap_stream(io.BytesIO(data), max_bytes=config.max_upload)


def sanitize_bytes(data: bytes, config: ServeConfig, name: str) -> tuple[bytes, dict[str, Any]]:
    """Sanitize an uploaded HAR (plain or gzip) in memory; both passes stay in RAM."""
    src = open_upload(data, config)
    out = io.BytesIO()
    report = sanitize_stream(src, out, config.policy, source_name=name, spool=io.BytesIO())
    return out.getvalue(), summarize(report, name)

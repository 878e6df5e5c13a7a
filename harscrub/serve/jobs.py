"""One upload, sanitized in memory, and the summary that travels back with it (no values)."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Any

from harscrub.engine.sanitize import default_output, sanitize_stream
from harscrub.findings.results import Report
from harscrub.serve.config import ServeConfig
from harscrub.stream.source import wrap_stream

#: Distinct places listed per rule in the summary (it travels in a response header).
PLACES_PER_RULE = 5
PLACE_CHARS = 160


def upload_name(raw: str | None) -> str:
    """The uploaded file's base name (no directories, no control characters), for the output name."""
    name = PurePosixPath((raw or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>')[:200]
    return name if name.strip(". ") else "capture.har"


def summarize(report: Report, name: str) -> dict[str, Any]:
    """Counts by rule and the first places of each: rule ids and places only, no value, no preview."""
    places: dict[str, Counter[str]] = {}
    severity: dict[str, str] = {}
    for f in report.findings:
        where = f.detail or f.pointer
        if f.entry is not None:
            where = f"entry {f.entry}: {where}"
        if len(where) > PLACE_CHARS:
            where = where[: PLACE_CHARS - 1] + "…"
        places.setdefault(f.rule, Counter())[where] += 1
        severity[f.rule] = f.severity
    rules = []
    for rule, counter in sorted(places.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        shown = [p for p, _ in counter.most_common(PLACES_PER_RULE)]
        rules.append({"rule": rule, "severity": severity[rule], "count": sum(counter.values()),
                      "places": shown, "more_places": len(counter) - len(shown)})
    return {
        "name": default_output(Path(name)).name,
        "total": len(report.findings),
        "distinct": report.distinct_secrets,
        "entries": report.entries,
        "by_severity": report.by_severity,
        "rules": rules,
    }


def sanitize_bytes(data: bytes, config: ServeConfig, name: str) -> tuple[bytes, dict[str, Any]]:
    """Sanitize an uploaded HAR (plain or gzip) in memory; both passes stay in RAM."""
    src = wrap_stream(io.BytesIO(data), max_bytes=config.max_upload)
    out = io.BytesIO()
    report = sanitize_stream(src, out, config.policy, source_name=name, spool=io.BytesIO())
    return out.getvalue(), summarize(report, name)

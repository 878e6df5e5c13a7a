"""The text report of ``check``: blocks for a person at a terminal, one line per finding elsewhere.

At a terminal (or with ``FORCE_COLOR``), each file starts with its summary and each finding is
a short block wrapped to the terminal's width at whole words, severity coloured unless
``NO_COLOR``. Piped or written to a file, it is plain lines: one finding per line, fields
separated by a tab, always in :data:`COLUMNS` order, so ``grep``, ``cut`` and ``awk`` work.
Either way rows are written as the findings are read back, never gathered into a table: a
hundred thousand findings print in seconds.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import textwrap
from typing import BinaryIO, Iterable, Sequence, TextIO

from harscrub.findings.results import CheckResult, Hit
from harscrub.report.base import Context, ReportFormat

#: The fields of a plain line, in order (the README lists them too).
COLUMNS = ("file", "entry", "line:column", "severity", "rule", "fingerprint", "preview", "pointer", "place",
           "request", "note")
SGR = {"critical": "1;31", "high": "31", "medium": "33", "low": "36", "info": "2"}
#: Longest request URL shown in a block; JSON, SARIF and plain lines carry it whole.
URL_WIDTH = 160
LABEL = 10  # width of a block's field names
_ESCAPES = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r"})


def note(hit: Hit) -> str:
    parts = []
    jwt = hit.finding.jwt
    if jwt:
        head = " ".join(str(jwt[k]) for k in ("kind", "alg") if jwt.get(k))
        tail = "; ".join(str(jwt[k]) for k in ("summary", "at_capture", "error") if jwt.get(k))
        extra = ", ".join(f"{k} {jwt[k]}" for k in ("kid", "iss") if jwt.get(k))
        parts.append(f"{head.upper()}: {tail}" + (f" ({extra})" if extra else ""))
    if hit.survivor:
        parts.append(f"survives from the original ({hit.survivor})")
    return " · ".join(parts)


def plain_line(source: str, hit: Hit) -> str:
    """One finding as one tab-separated line (tabs and newlines inside a field escaped)."""
    f = hit.finding
    fields = (
        source,
        "" if f.entry is None else str(f.entry),
        "" if hit.line is None else f"{hit.line}:{hit.column}",
        f.severity, f.rule, f.fingerprint, f.preview, f.pointer, f.detail,
        f"{hit.method} {hit.url}".strip(),
        note(hit),
    )
    return "\t".join(field.translate(_ESCAPES) for field in fields)


def headline(result: CheckResult) -> str:
    if not result.hits:
        return f"{result.source}: no findings in {result.entries} entries"
    counts = ", ".join(f"{n} {s}" for s, n in result.by_severity.items())
    return f"{result.source}: {len(result.hits)} findings ({counts}) in {result.entries} entries"


class Blocks:
    """Findings as blocks of labelled fields, ``width`` columns wide."""

    def __init__(self, width: int, color: bool) -> None:
        self.width = max(width, 40)
        self.color = color
        self._wrap = textwrap.TextWrapper(width=self.width, subsequent_indent=" " * (LABEL + 2),
                                          break_on_hyphens=False, break_long_words=True)

    def _paint(self, text: str, severity: str) -> str:
        return f"\x1b[{SGR[severity]}m{text}\x1b[0m" if self.color else text

    def _field(self, label: str, value: str) -> str:
        line = f"  {label:<{LABEL}}{value}"
        if len(line) <= self.width:
            return line
        self._wrap.initial_indent = f"  {label:<{LABEL}}"
        return self._wrap.fill(value)

    def block(self, hit: Hit) -> str:
        f = hit.finding
        where = ", ".join(x for x in (
            "" if f.entry is None else f"entry {f.entry}",
            "" if hit.line is None else f"line {hit.line}:{hit.column}",
        ) if x)
        url = hit.url if len(hit.url) <= URL_WIDTH else hit.url[: URL_WIDTH - 1] + "…"
        head = f"{f.severity.upper()}  {f.rule}"
        lines = [self._paint(f.severity.upper(), f.severity) + f"  {f.rule}"]
        if where and len(head) + len(where) + 4 <= self.width:
            lines[0] += f"  ({where})"
        elif where:
            lines.append(self._field("at", where))
        if hit.method or url:
            lines.append(self._field("request", f"{hit.method} {url}".strip()))
        lines.append(self._field("place", f"{f.detail} {f.pointer}".strip() if f.detail else f.pointer))
        lines.append(self._field("secret", f"{f.preview}, fingerprint {f.fingerprint}"))
        extra = note(hit)
        if extra:
            lines.append(self._field("note", extra))
        return "\n".join(lines)


def render_text(results: Iterable[CheckResult], out: TextIO, *, terminal: bool, width: int = 80,
                color: bool = False) -> None:
    """Write the report of ``results``; errors are the caller's to say (on stderr)."""
    blocks = Blocks(width, color) if terminal else None
    for result in results:
        if result.error is not None:
            continue
        if blocks is None:
            source = result.source.translate(_ESCAPES)
            out.writelines(plain_line(source, hit) + "\n" for hit in result.hits)
            continue
        out.write(textwrap.fill(headline(result), width=blocks.width, subsequent_indent="  ",
                                break_on_hyphens=False) + "\n")
        for hit in result.hits:
            out.write("\n" + blocks.block(hit) + "\n")
        out.write("\n" if result.hits else "")
    out.flush()


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty() or bool(os.environ.get("FORCE_COLOR"))


def render_to_stdout(results: Sequence[CheckResult]) -> None:
    """Blocks at a terminal (``FORCE_COLOR`` counts as one; ``NO_COLOR`` drops colour), else plain lines."""
    terminal = stdout_is_terminal()
    color = terminal and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    width = shutil.get_terminal_size((100, 24)).columns
    render_text(results, sys.stdout, terminal=terminal, width=width, color=color)


def write(results: Sequence[CheckResult], handle: BinaryIO, context: Context) -> None:
    """The report in a file: plain lines."""
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="\n")
    try:
        render_text(results, text, terminal=False)
    finally:
        text.detach()  # the handle stays open: it is the caller's


TEXT = ReportFormat("text", write)

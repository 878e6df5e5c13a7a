"""The text report of ``check``: rich tables on a terminal, the same tables in a file or pipe."""

from __future__ import annotations

import io
import os
from typing import BinaryIO, Iterable, Iterator, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from harscrub.findings.results import CheckResult, Hit
from harscrub.report.base import Context, ReportFormat

SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}
#: Longest request URL shown in a table cell; JSON and SARIF carry it whole.
URL_WIDTH = 72
#: Table width when the report is not going to a terminal (a file, a pipe).
PLAIN_WIDTH = 200
#: Rows per table printed: a longer result is printed as several tables, one after the other.
TABLE_ROWS = 1000


def _note(hit: Hit) -> str:
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


def _short(url: str) -> str:
    return url if len(url) <= URL_WIDTH else url[: URL_WIDTH - 1] + "…"


def findings_table(result: CheckResult, hits: Iterable[Hit] | None = None, *, title: bool = True) -> Table:
    """One row per finding: where it is, what found it, how bad, which secret (masked).

    ``hits`` (default: all of the result's) makes a table of those alone, for printing a long
    result a chunk at a time."""
    heading = f"{result.source}: {len(result.hits)} findings in {result.entries} entries" if title else None
    table = Table(title=heading, title_justify="left", show_lines=False)
    for name, justify in (("entry", "right"), ("line", "right"), ("request", "left"), ("place", "left"),
                          ("rule", "left"), ("severity", "left"), ("secret", "left"), ("note", "left")):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for hit in result.hits if hits is None else hits:
        f = hit.finding
        place = Text(f.pointer)
        if f.detail:
            place.append(f"\n{f.detail}", style="dim")
        request = f"{hit.method} {_short(hit.url)}".strip()
        table.add_row(
            "" if f.entry is None else str(f.entry),
            "" if hit.line is None else f"{hit.line}:{hit.column}",
            request,
            place,
            f.rule,
            Text(f.severity, style=SEVERITY_STYLE[f.severity]),
            f"{f.preview}\n{f.fingerprint}",
            _note(hit),
        )
    return table


def findings_tables(result: CheckResult) -> Iterator[Table]:
    """:func:`findings_table`, :data:`TABLE_ROWS` rows at a time: a table's rows are all held
    until it is printed, and a result can have a hundred thousand. One table when it fits."""
    chunk: list[Hit] = []
    first = True
    for hit in result.hits:
        chunk.append(hit)
        if len(chunk) >= TABLE_ROWS:
            yield findings_table(result, chunk, title=first)
            chunk, first = [], False
    if chunk or first:
        yield findings_table(result, chunk, title=first)


def render_text(results: list[CheckResult], console: Console) -> None:
    for result in results:
        if result.error is not None:
            continue
        if result.hits:
            for table in findings_tables(result):
                console.print(table)
        else:
            console.print(f"{result.source}: no findings in {result.entries} entries", markup=False)


def stdout_console() -> Console:
    """Rich on stdout (NO_COLOR respected); wide when piped, so rows are not folded to 80 columns."""
    console = Console(highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(highlight=False, width=PLAIN_WIDTH)
    return console


def write(results: Sequence[CheckResult], handle: BinaryIO, context: Context) -> None:
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    try:
        render_text(list(results), Console(file=text, highlight=False, no_color=True, width=PLAIN_WIDTH))
        text.flush()
    finally:
        text.detach()  # the handle stays open: it is the caller's


TEXT = ReportFormat("text", write)

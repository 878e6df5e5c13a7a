"""``harscrub check``: does a HAR still hold a credential? An exit code a CI job can gate on.

Exit codes: 0 nothing at or above ``--fail-on``, 1 findings, 2 bad input or usage (an
unreadable file among several still gets the others checked, then exits 2). The report goes
to stdout (or ``--output``): a table, JSON or SARIF; summaries and progress go to stderr.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, MofNCompleteColumn, Progress, TransferSpeedColumn
from rich.table import Table
from rich.text import Text

from harscrub._version import __version__
from harscrub.cli.app import EXIT_ERROR, EXIT_FINDINGS, app, guarded
from harscrub.cli.commands.sanitize import PROGRESS_MIN_BYTES
from harscrub.cli.console import err
from harscrub.detection.fingerprint import Fingerprinter
from harscrub.detection.rules import SEVERITIES
from harscrub.engine.batch import check_many, expand_paths
from harscrub.engine.check import check_file
from harscrub.engine.differential import check_against
from harscrub.engine.scan import CheckOptions
from harscrub.findings.results import CheckResult, Hit
from harscrub.policy import Policy
from harscrub.report.sarif import sarif_document
from harscrub.stream import jsonstream
from harscrub.stream.atomic import atomic_output
from harscrub.stream.reader import DEFAULT_MAX_ENTRY_BYTES
from harscrub.stream.source import DEFAULT_MAX_INPUT_BYTES

FORMATS = ("text", "json", "sarif")
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


def _summary(result: CheckResult, fail_on: str) -> None:
    if result.error is not None:
        err.print(f"harscrub: error: {result.error}", markup=False, soft_wrap=True)
        return
    counts = ", ".join(f"{n} {s}" for s, n in result.by_severity.items()) or "none"
    gating = result.count_at_or_above(fail_on)
    err.print(f"{result.source}: {len(result.hits)} findings ({counts}); {gating} at or above {fail_on}",
              markup=False, soft_wrap=True)
    err.print(f"  marker: {result.marker.state}: {result.marker.message}", markup=False, soft_wrap=True)
    for note in result.notes:
        err.print(f"  note: {note}", markup=False, soft_wrap=True)


def _run(files: list[str], policy: Policy, options: CheckOptions, jobs: int, against: Optional[str],
         progress: bool) -> list[CheckResult]:
    if against is not None:
        return [check_against(against, files[0], policy, options=options)]
    if len(files) == 1:
        path = files[0]
        size = os.path.getsize(path) if path != "-" and os.path.isfile(path) else 0
        if progress and size >= PROGRESS_MIN_BYTES and not path.endswith(".gz"):
            with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                          TransferSpeedColumn(), console=err, transient=True) as bar:
                task = bar.add_task("checking", total=size)
                return [check_file(path, policy, options=options, progress=lambda n: bar.update(task, completed=n))]
        return [check_file(path, policy, options=options)]
    if not progress:
        return list(check_many(files, policy, options=options, jobs=jobs))
    results = []
    with Progress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("checking", total=len(files))
        for result in check_many(files, policy, options=options, jobs=jobs):
            results.append(result)
            bar.advance(task)
    return results


def stdout_console() -> Console:
    """Rich on stdout (NO_COLOR respected); wide when piped, so rows are not folded to 80 columns."""
    console = Console(highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(highlight=False, width=PLAIN_WIDTH)
    return console


def _render(handle: BinaryIO, fmt: str, results: list[CheckResult], policy: Policy, fail_on: str,
            failed: bool) -> None:
    """Write the report to ``handle`` as it is produced: the findings are never all in memory."""
    if fmt == "text":
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        try:
            render_text(results, Console(file=text, highlight=False, no_color=True, width=PLAIN_WIDTH))
            text.flush()
        finally:
            text.detach()  # the handle stays open: it is the caller's
        return
    document = json_document(results, fail_on, failed) if fmt == "json" else sarif_document(results, policy.rules)
    jsonstream.write(document, handle, indent=2, ensure_ascii=False, end="\n")


def _write(output: Optional[str], fmt: str, results: list[CheckResult], policy: Policy, fail_on: str,
           failed: bool) -> None:
    if output is None or output == "-":
        if fmt == "text":
            render_text(results, stdout_console())
            return
        _render(sys.stdout.buffer, fmt, results, policy, fail_on, failed)
        sys.stdout.buffer.flush()
    else:
        with atomic_output(Path(str(output))) as handle:
            _render(handle, fmt, results, policy, fail_on, failed)


@app.command()
def check(
    files: list[str] = typer.Argument(..., metavar="FILE", help="HAR files or folders (.har, .har.json, .har.gz); - for stdin."),
    fail_on: str = typer.Option("low", "--fail-on", metavar="SEVERITY",
                                help="Exit 1 when a finding is at least this severe: info, low, medium, high, critical."),
    fmt: str = typer.Option("text", "--format", "-f", help="Report format: text (a table), json or sarif."),
    output: Optional[str] = typer.Option(None, "-o", "--output", metavar="FILE", help="Write the report here (- for stdout, the default)."),
    against: Optional[str] = typer.Option(
        None, "--against", metavar="ORIGINAL",
        help="Differential check: FILE is the sanitized copy of ORIGINAL; every secret of ORIGINAL must be gone from it, in any encoding."),
    show_claims: bool = typer.Option(False, "--show-claims", help="Show every JWT claim (sub, email …); off by default: they are personal data."),
    rules: list[Path] = typer.Option([], "--rules", help="Extra rule file (TOML); repeatable."),
    allow: list[str] = typer.Option([], "--allow", help="A value never to report (a public test token); repeatable."),
    key_file: Optional[Path] = typer.Option(None, "--key-file", help="Key for fingerprints, so they match sanitize's placeholders and other runs."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No summary or progress on stderr; with --format text, no table either: the exit code says it all."),
    jobs: int = typer.Option(1, "-j", "--jobs", min=1, help="Check this many files at once, in worker processes."),
    max_size: int = typer.Option(DEFAULT_MAX_INPUT_BYTES, "--max-size", help="Refuse inputs larger than this (bytes, after gunzip)."),
    max_entry_size: int = typer.Option(DEFAULT_MAX_ENTRY_BYTES, "--max-entry-size", help="Refuse a single entry larger than this (bytes)."),
) -> None:
    """Check HARs for credentials before they are shared; never prints a secret.

    Lists each finding with its entry, request (URL sanitized), JSON pointer, line, rule,
    severity, masked preview and fingerprint. JWTs are decoded (not verified): a live one is
    critical, an expired one low. Also says whether the file carries a valid harscrub marker.

    Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 bad input or usage.
    """
    with guarded():
        if fail_on not in SEVERITIES:
            raise typer.BadParameter(f"must be one of {', '.join(SEVERITIES)}", param_hint="--fail-on")
        if fmt not in FORMATS:
            raise typer.BadParameter(f"must be one of {', '.join(FORMATS)}", param_hint="--format")
        # One key for the whole run (the file's, or a fresh one), so a secret has one
        # fingerprint in every file and in both files of --against.
        key = Fingerprinter.read_key(key_file) if key_file else os.urandom(32)
        policy = Policy(rule_files=tuple(rules), allow=frozenset(allow), key=key,
                        max_input_bytes=max_size, max_entry_bytes=max_entry_size)
        _ = policy.rules  # load and validate rule files before reading any input
        paths = expand_paths(files)
        if against is not None and len(paths) != 1:
            raise typer.BadParameter("--against ORIGINAL takes exactly one FILE: the sanitized copy", param_hint="FILE")
        if "-" in paths and len(paths) > 1:
            raise typer.BadParameter("- (stdin) cannot be checked together with other files", param_hint="FILE")
        options = CheckOptions(show_claims=show_claims)
        results = _run(paths, policy, options, jobs, against, progress=not quiet and err.is_terminal)
        failed = any(r.count_at_or_above(fail_on) for r in results)
        if not (quiet and fmt == "text"):
            _write(output, fmt, results, policy, fail_on, failed)
        if not quiet:
            for result in results:
                _summary(result, fail_on)
        elif any(r.error is not None for r in results):
            for result in results:
                if result.error is not None:
                    err.print(f"harscrub: error: {result.error}", markup=False, soft_wrap=True)
        if any(r.error is not None for r in results):
            raise typer.Exit(EXIT_ERROR)
        if failed:
            raise typer.Exit(EXIT_FINDINGS)

"""``harscrub check``: does a HAR still hold a credential? An exit code a CI job can gate on.

Exit codes: 0 nothing at or above ``--fail-on``, 1 findings, 2 bad input or usage (an
unreadable file among several still gets the others checked, then exits 2). The report goes
to stdout (or ``--output``): a table, JSON or SARIF; summaries and progress go to stderr.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.progress import BarColumn, DownloadColumn, MofNCompleteColumn, Progress, TransferSpeedColumn

from harscrub import report
from harscrub.cli.app import EXIT_ERROR, EXIT_FINDINGS, app, guarded
from harscrub.cli.commands.sanitize import PROGRESS_MIN_BYTES
from harscrub.cli.console import err
from harscrub.cli.text_report import TEXT, render_text, stdout_console
from harscrub.detection.fingerprint import Fingerprinter
from harscrub.detection.rules import SEVERITIES
from harscrub.engine.batch import check_many, expand_paths
from harscrub.engine.check import check_file
from harscrub.engine.differential import check_against
from harscrub.engine.scan import CheckOptions
from harscrub.findings.results import CheckResult
from harscrub.policy import Policy
from harscrub.stream.atomic import atomic_output, refuse_clobber
from harscrub.stream.reader import DEFAULT_MAX_ENTRY_BYTES
from harscrub.stream.source import DEFAULT_MAX_INPUT_BYTES

report.register(TEXT)



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


def _write(output: Optional[str], fmt: str, results: list[CheckResult], context: report.Context) -> None:
    """Write the report as it is produced (the findings are never all in memory), atomically to a file."""
    if output is None or output == "-":
        if fmt == "text":
            render_text(results, stdout_console())
            return
        report.FORMATS[fmt].write(results, sys.stdout.buffer, context)
        sys.stdout.buffer.flush()
    else:
        with atomic_output(Path(str(output))) as handle:
            report.FORMATS[fmt].write(results, handle, context)


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
        if fmt not in report.FORMATS:
            raise typer.BadParameter(f"must be one of {', '.join(report.FORMATS)}", param_hint="--format")
        # One key for the whole run (the file's, or a fresh one), so a secret has one
        # fingerprint in every file and in both files of --against.
        key = Fingerprinter.read_key(key_file) if key_file else os.urandom(32)
        policy = Policy(rule_files=tuple(rules), allow=frozenset(allow), key=key,
                        max_input_bytes=max_size, max_entry_bytes=max_entry_size)
        _ = policy.rules  # load and validate rule files before reading any input
        paths = expand_paths(files)
        refuse_clobber(output, inputs=[*paths, against, key_file, *rules])
        if against is not None and len(paths) != 1:
            raise typer.BadParameter("--against ORIGINAL takes exactly one FILE: the sanitized copy", param_hint="FILE")
        if "-" in paths and len(paths) > 1:
            raise typer.BadParameter("- (stdin) cannot be checked together with other files", param_hint="FILE")
        options = CheckOptions(show_claims=show_claims)
        results = _run(paths, policy, options, jobs, against, progress=not quiet and err.is_terminal)
        failed = any(r.count_at_or_above(fail_on) for r in results)
        if not (quiet and fmt == "text"):
            _write(output, fmt, results, report.Context(rules=policy.rules, fail_on=fail_on, failed=failed))
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

"""``harscrub check``: does a HAR still hold a credential? An exit code a CI job can gate on.

Exit codes: 0 nothing at or above ``--fail-on``, ``--exit-code`` (default 1) findings, 2 bad
input or usage (an unreadable file among several still gets the others checked, then exits
2). The report goes to stdout (or ``--output``): text, JSON or SARIF; summaries and progress
go to stderr. Accepted fingerprints (``.harscrubignore``) are dropped before any of it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.progress import BarColumn, DownloadColumn, MofNCompleteColumn, Progress, TransferSpeedColumn

from harscrub import report
from harscrub.cli import options as opt
from harscrub.cli.app import EXIT_ERROR, app, guarded
from harscrub.cli.commands.sanitize import PROGRESS_MIN_BYTES
from harscrub.cli.console import err
from harscrub.cli.text_report import COLUMNS as TEXT_COLUMNS
from harscrub.cli.text_report import TEXT, render_to_stdout
from harscrub.config import IGNORE_FILE, find_ignore_file
from harscrub.engine.batch import check_many, expand_paths
from harscrub.engine.check import check_file
from harscrub.engine.differential import check_against
from harscrub.engine.scan import CheckOptions
from harscrub.findings.results import CheckResult
from harscrub.ignore import read_ignore_file, without_ignored
from harscrub.policy import Policy
from harscrub.stream.atomic import atomic_output, refuse_clobber

report.register(TEXT)



def error_line(result: CheckResult) -> str:
    """The result's error, naming its file."""
    text = str(result.error)
    return text if result.source in text else f"{result.source}: {text}"


def _summary(result: CheckResult, fail_on: str) -> None:
    if result.error is not None:
        err.print(f"harscrub: error: {error_line(result)}", markup=False, soft_wrap=True)
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
            render_to_stdout(results)
            return
        report.FORMATS[fmt].write(results, sys.stdout.buffer, context)
        sys.stdout.buffer.flush()
    else:
        with atomic_output(Path(str(output))) as handle:
            report.FORMATS[fmt].write(results, handle, context)


CHECK_HELP = f"""Check HARs for credentials before they are shared; never prints a secret.

\b
Examples:
  harscrub check capture.har                       # exit 1 if a credential is left
  harscrub check cases/ --fail-on high --jobs 4    # a folder: every .har, .har.json, .har.gz
  harscrub check capture.har -f sarif -o harscrub.sarif --exit-code 0   # report only

Each finding names its entry, request (URL sanitized), JSON pointer, line, rule, severity,
masked preview and fingerprint. JWTs are decoded (not verified): a live one is critical, an
expired one low. The report also says whether the file carries a valid harscrub marker.

The text report is one block per finding at a terminal; piped or in a file, one line per
finding, tab-separated: {', '.join(TEXT_COLUMNS)}.

Accepted findings: put their fingerprints in {IGNORE_FILE} (one a line, # comments), found
from here upward like the settings. Fingerprints use your own key (made on first use) unless
--key-file or key-file in the settings names another: share one with your team for a shared
{IGNORE_FILE}.

Exit codes: 0 nothing at or above --fail-on, --exit-code (default 1) findings, 2 bad input or
usage.
"""


@app.command(help=CHECK_HELP)
def check(
    files: list[str] = typer.Argument(..., metavar="FILE...", help="HAR files or folders (.har, .har.json, .har.gz); - for stdin."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", metavar="SEVERITY",
                                          help="Fail when a finding is at least this severe: info, low (the default), medium, "
                                               "high, critical. Settings key: fail-on."),
    exit_code: Optional[int] = typer.Option(None, "--exit-code", metavar="N",
                                            help="Exit with N when findings at or above --fail-on remain (default 1; 0 for a "
                                                 "report-only job). Settings key: exit-code."),
    fmt: str = typer.Option("text", "--format", "-f", metavar="FORMAT",
                            help="Report format: text, json or sarif."),
    output: Optional[str] = typer.Option(None, "-o", "--output", metavar="FILE", help="Write the report here (- for stdout, the default)."),
    against: Optional[str] = typer.Option(
        None, "--against", metavar="ORIGINAL",
        help="Differential check: FILE is the sanitized copy of ORIGINAL; every secret of ORIGINAL must be gone from it, in any encoding."),
    show_claims: bool = typer.Option(False, "--show-claims", help="Show every JWT claim (sub, email …); off by default: they are personal data."),
    ignore_file: Optional[Path] = typer.Option(
        None, "--ignore-file", metavar="FILE",
        help=f"Fingerprints of accepted findings, not reported (default: the nearest {IGNORE_FILE}). Settings key: ignore-file."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No summary or progress on stderr; with --format text, no report either: the exit code says it all."),
    jobs: int = typer.Option(1, "-j", "--jobs", min=1, metavar="N", help="Check this many files at once, in worker processes."),
    rules: opt.Rules = None,
    disable_rule: opt.DisableRule = None,
    severity: opt.Severity = None,
    allow: opt.Allow = None,
    key_file: opt.KeyFile = None,
    max_size: opt.MaxSize = None,
    max_entry_size: opt.MaxEntrySize = None,
    config: opt.Config = None,
    isolated: opt.Isolated = False,
) -> None:
    with guarded():
        if fmt not in report.FORMATS:
            raise typer.BadParameter(f"must be one of {', '.join(sorted(report.FORMATS))}", param_hint="--format")
        settings = opt.settings(config, isolated, rules=rules, disable_rules=disable_rule, severity=severity,
                                allow=allow, key_file=key_file, max_size=max_size, max_entry_size=max_entry_size,
                                fail_on=fail_on, exit_code=exit_code, ignore_file=ignore_file)
        fail_on = str(settings["fail-on"])
        # One key for the whole run (the key file's, else the user's), so a secret has one
        # fingerprint in every file, in both files of --against, and from run to run.
        policy: Policy = settings.policy(on_new_key=None if quiet else opt.new_key_note)
        _ = policy.rules  # load and validate rule files before reading any input
        ignore_path = settings["ignore-file"] or (None if isolated else find_ignore_file())
        accepted = read_ignore_file(Path(ignore_path)) if ignore_path else frozenset()
        paths = expand_paths(files)
        refuse_clobber(output, inputs=[*paths, against, settings["key-file"], *settings["rules"], ignore_path])
        if against is not None and len(paths) != 1:
            raise typer.BadParameter("--against ORIGINAL takes exactly one FILE: the sanitized copy", param_hint="FILE")
        if "-" in paths and len(paths) > 1:
            raise typer.BadParameter("- (stdin) cannot be checked together with other files", param_hint="FILE")
        options = CheckOptions(show_claims=show_claims)
        results = _run(paths, policy, options, jobs, against, progress=not quiet and err.is_terminal)
        results = [without_ignored(r, accepted, str(ignore_path)) for r in results]
        failed = any(r.count_at_or_above(fail_on) for r in results)
        if not (quiet and fmt == "text"):
            _write(output, fmt, results, report.Context(rules=policy.rules, fail_on=fail_on, failed=failed))
        if not quiet:
            for result in results:
                _summary(result, fail_on)
        elif any(r.error is not None for r in results):
            for result in results:
                if result.error is not None:
                    err.print(f"harscrub: error: {error_line(result)}", markup=False, soft_wrap=True)
        if any(r.error is not None for r in results):
            raise typer.Exit(EXIT_ERROR)
        if failed:
            raise typer.Exit(int(settings["exit-code"]))

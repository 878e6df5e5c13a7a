"""``harscrub sanitize``: write a copy of each HAR with every secret replaced by a placeholder.

One file, several, or folders (every .har, .har.json, .har.gz under them). An output whose
name ends in ``.gz`` is written gzip-compressed; ``--in-place`` keeps the input's compression.
A file that fails is named on stderr and the others still go; the exit code is then 2.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
from pathlib import Path
from typing import Any, Optional

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

from harscrub.cli import options as opt
from harscrub.cli.app import EXIT_ERROR, app, guarded
from harscrub.cli.console import err, report_table
from harscrub.engine.batch import HAR_SUFFIXES
from harscrub.engine.sanitize import default_output, sanitize_file, sanitize_stream
from harscrub.errors import HarscrubError, OutputError
from harscrub.findings.results import Report
from harscrub.policy import Policy
from harscrub.stream import jsonstream
from harscrub.stream.atomic import atomic_output, refuse_clobber
from harscrub.stream.jsonstream import Items
from harscrub.stream.source import GZIP_MAGIC, open_input

#: Below this size a progress bar only flickers.
PROGRESS_MIN_BYTES = 16 << 20

SANITIZE_HELP = """Sanitize HARs: redact cookies, tokens, keys and passwords; keep what support needs.

\b
Examples:
  harscrub sanitize capture.har                  # writes capture.scrubbed.har
  harscrub sanitize capture.har -o out.har.gz    # a .gz name is written gzip-compressed
  harscrub sanitize cases/ --output-dir clean/   # every HAR under cases/
  harscrub sanitize capture.har.gz --in-place    # replaced, still gzip

The input is never modified (unless --in-place) and each output appears only once complete.
Exit codes: 0 written, 2 bad input or usage (with several files, the others are still
written; each failure is named on stderr).
"""


def is_gzip_file(path: str) -> bool:
    with contextlib.suppress(OSError), open(path, "rb") as handle:
        return handle.read(2) == GZIP_MAGIC
    return False


def wants_gzip(src: str, dst: str, in_place: bool) -> bool:
    """An output named ``.gz`` is gzip; in place, the input's own compression stays."""
    if dst == "-":
        return False
    if in_place and src != "-" and Path(dst).resolve() == Path(src).resolve():
        return is_gzip_file(src)
    return dst.lower().endswith(".gz")


def sanitize_path(src: str, dst: str, policy: Policy, *, in_place: bool = False, progress: Any = None) -> Report:
    """:func:`harscrub.engine.sanitize.sanitize_file`, gzip-compressing when :func:`wants_gzip`."""
    if not wants_gzip(src, dst, in_place):
        return sanitize_file(src, dst, policy, in_place=in_place, progress=progress)
    if src != "-" and Path(dst).resolve() == Path(src).resolve() and not in_place:
        raise OutputError(f"refusing to overwrite the input {src}; use --in-place to replace it")
    with contextlib.closing(open_input(src, max_bytes=policy.max_input_bytes)) as stream, \
            atomic_output(Path(dst), mode_from=None if src == "-" else Path(src)) as raw:
        # No file name nor time in the gzip header: the same input gives the same bytes.
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0) as packed, \
                io.BufferedWriter(packed, 1 << 20) as out:
            report = sanitize_stream(stream, out, policy, source_name="<stdin>" if src == "-" else src,
                                     progress=progress)
    return report


def _inputs(args: list[str]) -> list[tuple[str, Path | None]]:
    """(file, the folder it was found under or None); a folder's earlier outputs are skipped."""
    out: list[tuple[str, Path | None]] = []
    for arg in args:
        if arg != "-" and Path(arg).is_dir():
            found = sorted(str(f) for f in Path(arg).rglob("*") if f.is_file()
                           and f.name.lower().endswith(HAR_SUFFIXES) and ".scrubbed." not in f.name.lower())
            if not found:
                raise HarscrubError(f"{arg}: no .har, .har.json or .har.gz files in this directory")
            out.extend((f, Path(arg)) for f in found)
        else:
            out.append((arg, None))
    return out


def _destination(src: str, root: Path | None, output: str | None, output_dir: Path | None, in_place: bool) -> str:
    if output is not None:
        return output
    if in_place:
        return src
    if src == "-":
        return "-"
    name = default_output(Path(src)).name
    if output_dir is None:
        return str(default_output(Path(src)))
    relative = Path(src).parent.relative_to(root) if root is not None else Path()
    return str(output_dir / relative / name)


def _named(src: str, exc: Exception) -> str:
    """The error's line, naming the file when it does not already."""
    text = str(exc) if isinstance(exc, HarscrubError) else (getattr(exc, "strerror", None) or exc.__class__.__name__)
    return text if src in text else f"{'standard input' if src == '-' else src}: {text}"


def _one(src: str, dst: str, policy: Policy, in_place: bool, quiet: bool) -> Report:
    size = os.path.getsize(src) if src != "-" and os.path.isfile(src) else 0
    if quiet or size < PROGRESS_MIN_BYTES or not err.is_terminal or src.endswith(".gz"):
        return sanitize_path(src, dst, policy, in_place=in_place)
    with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("sanitizing", total=size)
        return sanitize_path(src, dst, policy, in_place=in_place, progress=lambda n: bar.update(task, completed=n))


@app.command(help=SANITIZE_HELP)
def sanitize(
    inputs: list[str] = typer.Argument(..., metavar="IN...", help="HAR files or folders (.har, .har.json, .har.gz); - for stdin."),
    output: Optional[str] = typer.Option(
        None, "-o", "--output", metavar="OUT",
        help="Where to write (one IN only): a name ending in .gz is gzip; - for stdout; default IN.scrubbed.har beside IN."),
    output_dir: Optional[Path] = typer.Option(
        None, "--output-dir", metavar="DIR",
        help="Write each result here as NAME.scrubbed.har (a folder's layout is kept); made if missing."),
    report: Optional[Path] = typer.Option(None, "--report", metavar="FILE",
                                          help="Write a JSON report of what was removed (no secrets); with several files, "
                                               "{\"files\": [one report per file]}."),
    in_place: bool = typer.Option(False, "--in-place", help="Replace each IN with its sanitized copy (atomically; gzip stays gzip)."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No summary and no progress bar."),
    rules: opt.Rules = None,
    disable_rule: opt.DisableRule = None,
    severity: opt.Severity = None,
    allow: opt.Allow = None,
    jwt: opt.Jwt = None,
    key_file: opt.KeyFile = None,
    max_size: opt.MaxSize = None,
    max_entry_size: opt.MaxEntrySize = None,
    config: opt.Config = None,
    isolated: opt.Isolated = False,
) -> None:
    with guarded():
        settings = opt.settings(config, isolated, rules=rules, disable_rules=disable_rule, severity=severity,
                                allow=allow, jwt=jwt, key_file=key_file, max_size=max_size,
                                max_entry_size=max_entry_size)
        files = _inputs(inputs)
        several = len(files) > 1 or files[0][1] is not None
        if output is not None and (several or output_dir is not None or in_place):
            raise typer.BadParameter("takes one IN, without --output-dir or --in-place", param_hint="-o/--output")
        if output_dir is not None and in_place:
            raise typer.BadParameter("cannot be used with --in-place", param_hint="--output-dir")
        if "-" in inputs and (several or in_place or output_dir is not None):
            raise typer.BadParameter("- (stdin) is sanitized alone, to -o OUT or stdout", param_hint="IN")
        jobs = [(src, _destination(src, root, output, output_dir, in_place)) for src, root in files]
        seen: dict[str, str] = {}
        for src, dst in jobs:
            if dst != "-" and not in_place and str(Path(dst).resolve()) in seen:
                raise typer.BadParameter(f"{src} and {seen[str(Path(dst).resolve())]} would both be written to {dst}",
                                         param_hint="IN")
            seen[str(Path(dst).resolve())] = src
        refuse_clobber(report, inputs=[*(src for src, _ in jobs), settings["key-file"], *settings["rules"]],
                       outputs=[dst for _, dst in jobs])
        policy = settings.policy(on_new_key=None if quiet else opt.new_key_note)
        _ = policy.rules  # load and validate rule files before reading any input
        if output_dir is not None:
            output_dir.mkdir(parents=True, exist_ok=True)
        done: list[Report] = []
        failed = 0
        for src, dst in jobs:
            try:
                if output_dir is not None:
                    Path(dst).parent.mkdir(parents=True, exist_ok=True)
                result = _one(src, dst, policy, in_place, quiet)
            except (HarscrubError, OSError) as exc:
                failed += 1
                err.print(f"harscrub: error: {_named(src, exc)}", markup=False, soft_wrap=True)
                continue
            done.append(result)
            if quiet:
                continue
            where = "standard output" if dst == "-" else dst
            if several:
                err.print(f"{src}: {len(result.findings)} secrets removed ({result.distinct_secrets} distinct) "
                          f"from {result.entries} entries; written: {where}", markup=False, soft_wrap=True)
            else:
                err.print(report_table(result, f"harscrub: {len(result.findings)} secrets removed "
                                               f"({result.distinct_secrets} distinct) from {result.entries} entries"))
                err.print(f"written: {where}", markup=False)
        if report is not None and done:
            with atomic_output(report) as handle:  # streamed: the findings are never one list
                document = done[0].document() if not several else {"files": Items(r.document() for r in done)}
                jsonstream.write(document, handle, indent=2)
        if several and not quiet:
            err.print(f"harscrub: {len(done)} of {len(jobs)} files sanitized", markup=False)
        if failed:
            raise typer.Exit(EXIT_ERROR)

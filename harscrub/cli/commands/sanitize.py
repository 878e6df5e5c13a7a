"""``harscrub sanitize``: write a copy of a HAR with every secret replaced by a placeholder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

from harscrub.cli.app import app, guarded
from harscrub.cli.console import err, report_table
from harscrub.detection.fingerprint import Fingerprinter
from harscrub.engine.sanitize import default_output, sanitize_file
from harscrub.policy import Policy
from harscrub.stream import jsonstream
from harscrub.stream.atomic import atomic_output, refuse_clobber
from harscrub.stream.reader import DEFAULT_MAX_ENTRY_BYTES
from harscrub.stream.source import DEFAULT_MAX_INPUT_BYTES

#: Below this size a progress bar only flickers.
PROGRESS_MIN_BYTES = 16 << 20


def build_policy(
    rules: list[Path], allow: list[str], jwt: str, key_file: Optional[Path], max_size: int, max_entry_size: int
) -> Policy:
    key = Fingerprinter.read_key(key_file) if key_file else None
    return Policy(
        rule_files=tuple(rules),
        allow=frozenset(allow),
        jwt_mode=jwt,  # type: ignore[arg-type]
        key=key,
        max_input_bytes=max_size,
        max_entry_bytes=max_entry_size,
    )


@app.command()
def sanitize(
    input: str = typer.Argument(..., metavar="IN", help="HAR file to sanitize (.har, .har.gz), or - for stdin."),
    output: Optional[str] = typer.Option(
        None, "-o", "--output", metavar="OUT", help="Where to write; default IN.scrubbed.har beside IN; - for stdout."
    ),
    report: Optional[Path] = typer.Option(None, "--report", help="Write a JSON report of what was removed (no secrets)."),
    rules: list[Path] = typer.Option([], "--rules", help="Extra rule file (TOML); repeatable."),
    allow: list[str] = typer.Option([], "--allow", help="A value never to redact (a public test token); repeatable."),
    jwt: str = typer.Option("drop", "--jwt", help="JWTs: 'drop' (default) or 'strip-signature' (keep header and claims)."),
    key_file: Optional[Path] = typer.Option(
        None, "--key-file", help="Key for fingerprints, so placeholders match across files; never written anywhere."
    ),
    in_place: bool = typer.Option(False, "--in-place", help="Replace IN with the sanitized file (atomically)."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No summary table and no progress bar."),
    max_size: int = typer.Option(DEFAULT_MAX_INPUT_BYTES, "--max-size", help="Refuse inputs larger than this (bytes, after gunzip)."),
    max_entry_size: int = typer.Option(DEFAULT_MAX_ENTRY_BYTES, "--max-entry-size", help="Refuse a single entry larger than this (bytes)."),
) -> None:
    """Sanitize a HAR: redact cookies, tokens, keys and passwords; keep what support needs.

    Exit codes: 0 written, 2 bad input or usage. The input is never modified (unless
    --in-place) and the output appears only once it is complete.
    """
    with guarded():
        if jwt not in ("drop", "strip-signature"):
            raise typer.BadParameter("--jwt must be 'drop' or 'strip-signature'")
        policy = build_policy(rules, allow, jwt, key_file, max_size, max_entry_size)
        _ = policy.rules  # load and validate rule files before reading any input
        dst = output if output is not None else (None if input == "-" else str(Path(input) if in_place else default_output(Path(input))))
        refuse_clobber(report, inputs=[input, key_file, *rules], outputs=[dst])
        size = os.path.getsize(input) if input != "-" and os.path.isfile(input) else 0
        show_progress = not quiet and size >= PROGRESS_MIN_BYTES and err.is_terminal and not input.endswith(".gz")
        if show_progress:
            with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                          console=err, transient=True) as bar:
                task = bar.add_task("sanitizing", total=size)
                result = sanitize_file(input, dst, policy, in_place=in_place, progress=lambda n: bar.update(task, completed=n))
        else:
            result = sanitize_file(input, dst, policy, in_place=in_place)
        if report is not None:
            with atomic_output(report) as handle:  # streamed: the findings are never one list
                jsonstream.write(result.document(), handle, indent=2)
        if not quiet:
            where = "standard output" if dst == "-" else dst
            err.print(report_table(result, f"harscrub: {len(result.findings)} secrets removed "
                                           f"({result.distinct_secrets} distinct) from {result.entries} entries"))
            err.print(f"written: {where}", markup=False)

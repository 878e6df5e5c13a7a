"""``harscrub inspect``: the names a HAR holds, counted, and what the rules do with each."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from harscrub.cli.app import app, guarded
from harscrub.cli.text_report import stdout_console
from harscrub.detection.fingerprint import Fingerprinter
from harscrub.engine.inventory import Inventory, inspect_file
from harscrub.policy import Policy
from harscrub.stream.atomic import atomic_output, refuse_clobber
from harscrub.stream.reader import DEFAULT_MAX_ENTRY_BYTES
from harscrub.stream.source import DEFAULT_MAX_INPUT_BYTES

FATE_STYLE = {"redacted": "red", "url-redacted": "yellow", "scanned": "", "kept": "dim"}
FATE_TEXT = {
    "redacted": "redacted",
    "url-redacted": "URL parts redacted",
    "scanned": "kept unless a value looks secret",
    "kept": "kept",
}


def inventory_tables(inventory: Inventory) -> list[Table]:
    tables = []
    for kind, items in inventory.by_kind():
        table = Table(title=f"{kind}s ({len(items)})", title_justify="left")
        table.add_column("name", overflow="fold")
        table.add_column("count", justify="right")
        table.add_column("values")
        table.add_column("rule")
        for item in items:
            table.add_row(item.name, str(item.count), Text(FATE_TEXT[item.fate], style=FATE_STYLE[item.fate]),
                          item.rule or "")
        tables.append(table)
    return tables


def _render_text(inventory: Inventory, console: Console) -> None:
    console.print(
        f"{inventory.source}: {inventory.entries} entries; the rules find {inventory.secrets} secret values "
        f"({inventory.distinct_secrets} distinct)",
        markup=False,
        soft_wrap=True,
    )
    for table in inventory_tables(inventory):
        console.print(table)
    for kind, more in inventory.overflow.items():
        console.print(f"{kind}: {more} more occurrences of names not listed", markup=False)


@app.command()
def inspect(
    input: str = typer.Argument(..., metavar="FILE", help="HAR file (.har, .har.gz), or - for stdin."),
    fmt: str = typer.Option("text", "--format", "-f", help="text (tables) or json."),
    output: Optional[str] = typer.Option(None, "-o", "--output", metavar="FILE", help="Write here (- for stdout, the default)."),
    rules: list[Path] = typer.Option([], "--rules", help="Extra rule file (TOML); repeatable."),
    key_file: Optional[Path] = typer.Option(None, "--key-file", help="Key for the fingerprints of names that are secrets."),
    max_size: int = typer.Option(DEFAULT_MAX_INPUT_BYTES, "--max-size", help="Refuse inputs larger than this (bytes, after gunzip)."),
    max_entry_size: int = typer.Option(DEFAULT_MAX_ENTRY_BYTES, "--max-entry-size", help="Refuse a single entry larger than this (bytes)."),
) -> None:
    """List the header, cookie, query and form parameter names, JSON body keys, MIME types and
    hosts of a HAR, with counts and whether the current rules redact their values.

    Names only, never values. Exit codes: 0 listed, 2 bad input or usage.
    """
    with guarded():
        if fmt not in ("text", "json"):
            raise typer.BadParameter("must be text or json", param_hint="--format")
        refuse_clobber(output, inputs=[input, key_file, *rules])
        key = Fingerprinter.read_key(key_file) if key_file else None
        policy = Policy(rule_files=tuple(rules), key=key, max_input_bytes=max_size, max_entry_bytes=max_entry_size)
        _ = policy.rules  # load and validate rule files before reading any input
        inventory = inspect_file(input, policy)
        to_stdout = output is None or output == "-"
        if fmt == "text" and to_stdout:
            _render_text(inventory, stdout_console())
            return
        if fmt == "text":
            buffer = io.StringIO()
            _render_text(inventory, Console(file=buffer, highlight=False, no_color=True, width=160))
            data = buffer.getvalue().encode("utf-8")
        else:
            data = (json.dumps(inventory.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        if to_stdout:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            with atomic_output(Path(str(output))) as handle:
                handle.write(data)

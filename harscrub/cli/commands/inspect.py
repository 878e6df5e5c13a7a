"""``harscrub inspect``: the names a HAR holds, counted, and what the rules do with each."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from harscrub.cli import options as opt
from harscrub.cli.app import app, guarded
from harscrub.engine.inventory import Inventory, inspect_file
from harscrub.stream.atomic import atomic_output, refuse_clobber

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


INSPECT_HELP = """List the header, cookie, query and form parameter names, JSON body keys, MIME
types and hosts of a HAR, with counts and whether the current rules redact their values.

\b
Examples:
  harscrub inspect capture.har
  harscrub inspect capture.har --rules ours.toml --format json -o inventory.json

Names only, never values. Exit codes: 0 listed, 2 bad input or usage.
"""


@app.command(help=INSPECT_HELP)
def inspect(
    input: str = typer.Argument(..., metavar="FILE", help="HAR file (.har, .har.gz), or - for stdin."),
    fmt: str = typer.Option("text", "--format", "-f", metavar="FORMAT", help="text (tables) or json."),
    output: Optional[str] = typer.Option(None, "-o", "--output", metavar="FILE", help="Write here (- for stdout, the default)."),
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
        if fmt not in ("text", "json"):
            raise typer.BadParameter("must be text or json", param_hint="--format")
        settings = opt.settings(config, isolated, rules=rules, disable_rules=disable_rule, severity=severity,
                                allow=allow, key_file=key_file, max_size=max_size, max_entry_size=max_entry_size)
        policy = settings.policy(on_new_key=opt.new_key_note)
        refuse_clobber(output, inputs=[input, settings["key-file"], *settings["rules"]])
        _ = policy.rules  # load and validate rule files before reading any input
        inventory = inspect_file(input, policy)
        to_stdout = output is None or output == "-"
        if fmt == "text" and to_stdout:
            wide = {} if sys.stdout.isatty() or "COLUMNS" in os.environ else {"width": 160}
            _render_text(inventory, Console(highlight=False, **wide))  # type: ignore[arg-type]
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

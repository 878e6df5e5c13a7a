"""Terminal output for the CLI: one rich console on stderr (NO_COLOR respected by rich), the
report table, and one-line errors. Only the CLI imports this; the library never touches it."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .findings import Report

err = Console(stderr=True, highlight=False)


def report_table(report: Report, title: str) -> Table:
    """Counts by rule and place; fingerprints and masked previews only, never a secret."""
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("rule")
    table.add_column("severity")
    table.add_column("count", justify="right")
    table.add_column("places (first)")
    by_rule: dict[str, list[str]] = {}
    severity: dict[str, str] = {}
    for f in report.findings:
        by_rule.setdefault(f.rule, []).append(f.detail or f.pointer)
        severity[f.rule] = f.severity
    for rule, places in sorted(by_rule.items(), key=lambda kv: -len(kv[1])):
        distinct = list(dict.fromkeys(places))
        shown = ", ".join(distinct[:3]) + (f" (+{len(distinct) - 3} more)" if len(distinct) > 3 else "")
        table.add_row(rule, severity[rule], str(len(places)), shown)
    return table

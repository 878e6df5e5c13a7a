"""Terminal output for the CLI: one rich console on stderr (NO_COLOR respected by rich), the
report table, and one-line errors. Only the CLI imports this; the library never touches it."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from harscrub.findings.results import Report

err = Console(stderr=True, highlight=False)


def report_table(report: Report, title: str) -> Table:
    """Counts by rule and place; fingerprints and masked previews only, never a secret."""
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("rule")
    table.add_column("severity")
    table.add_column("count", justify="right")
    table.add_column("places (first)")
    tally = report.tally
    places = tally.places or {}
    for rule, count in tally.by_rule.items():
        distinct = list(places.get(rule, ()))
        more = len(distinct) - 3
        if rule in tally.more_places:  # the tally keeps a bounded sample of distinct places
            shown = ", ".join(distinct[:3]) + f" (+{more}+ more)"
        else:
            shown = ", ".join(distinct[:3]) + (f" (+{more} more)" if more > 0 else "")
        table.add_row(rule, tally.severity_of[rule], str(count), shown)
    return table

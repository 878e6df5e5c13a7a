"""Output formats of check results: a registry of writers, one module per format.

A writer takes the results of one ``check`` run and a binary handle, and writes as it goes
(a result may hold a hundred thousand findings; none is held twice). ``json`` and ``sarif``
live here; ``text`` needs rich, so the CLI registers it (:mod:`harscrub.cli.text_report`)
and the library never imports it. Adding a format is one module and one :func:`register`.
"""

from __future__ import annotations

from harscrub.report import json, sarif
from harscrub.report.base import Context, ReportFormat

__all__ = ["FORMATS", "Context", "ReportFormat", "register"]

#: Formats by name, in the order ``--format`` lists them.
FORMATS: dict[str, ReportFormat] = {
    "json": ReportFormat("json", json.write),
    "sarif": ReportFormat("sarif", sarif.write),
}


def register(fmt: ReportFormat) -> None:
    FORMATS[fmt.name] = fmt

"""The ``harscrub`` command line: typer and rich live here and nowhere below.

:func:`main` is the console script. It answers ``--version`` before anything is imported
(start-up is paid on every invocation of a pre-commit hook), then hands over to the typer app.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from harscrub._version import __version__

        print(f"harscrub {__version__}")
        return
    from harscrub.cli.app import main as run

    run()

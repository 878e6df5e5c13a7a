"""The ``harscrub`` command line: a thin typer layer over the library.

Each command lives in ``harscrub/commands/`` and registers itself on :data:`app`. Errors
harscrub raises on purpose become one line on stderr and exit code 2; so do unreadable
files. Ctrl-C exits 130 and, thanks to atomic writes, leaves no partial output.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Iterator

import typer

from harscrub.cli.console import err
from harscrub.errors import HarscrubError

app = typer.Typer(
    name="harscrub",
    help="Sanitize HAR files and check them for leaked credentials before they are shared.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_FINDINGS = 1
EXIT_ERROR = 2


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """Turn every expected failure into one line on stderr and exit code 2."""
    try:
        yield
    except HarscrubError as exc:
        err.print(f"harscrub: error: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_ERROR) from None
    except (OSError, MemoryError) as exc:
        what = getattr(exc, "strerror", None) or exc.__class__.__name__
        name = getattr(exc, "filename", None)
        err.print(f"harscrub: error: {name + ': ' if name else ''}{what}", markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_ERROR) from None
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP while writing (errors.Terminated)
        err.print("harscrub: interrupted; no output was written", markup=False)
        raise typer.Exit(128 + getattr(exc, "signum", 2)) from None


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True),
) -> None:
    if version:
        from harscrub._version import __version__

        typer.echo(f"harscrub {__version__}")
        raise typer.Exit(0)


def main() -> None:
    from harscrub.cli.commands import register

    register()
    try:
        app()
    except SystemExit as exc:
        code = exc.code
        # click reports usage errors with exit code 2 already; keep every other code as is.
        sys.exit(code)

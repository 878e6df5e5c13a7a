"""The ``harscrub`` command line: a thin typer layer over the library.

Each command lives in ``harscrub/cli/commands/`` and registers itself on :data:`app`. Errors
harscrub raises on purpose become one line on stderr and exit code 2; so do unreadable files
and bad options (``harscrub: error: --fail-on: must be one of …``, never a usage box). Ctrl-C
exits 130 and, thanks to atomic writes, leaves no partial output.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any, Iterator, Sequence

import typer
from typer.core import TyperGroup

try:  # typer 0.2x carries its own copy of click; its exceptions are that copy's
    from typer._click import exceptions as click
except ImportError:  # pragma: no cover - older typer, on click itself
    from click import exceptions as click  # type: ignore[no-redef]

from harscrub.cli.console import err
from harscrub.errors import HarscrubError

EXIT_FINDINGS = 1
EXIT_ERROR = 2
EXIT_PIPE = 141


def _hint(exc: click.UsageError) -> str:
    """Where a usage error points: ``harscrub check -h``."""
    ctx = exc.ctx
    return f"{ctx.command_path} -h" if ctx is not None else "harscrub -h"


def usage_line(exc: click.ClickException) -> str:
    """One line for a usage error: the option, then what is wrong with it."""
    if isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter):
        hint = exc.param_hint
        if hint is None and exc.param is not None:
            hint = " / ".join(exc.param.opts) if exc.param.opts else str(exc.param.name)
        if isinstance(hint, (list, tuple)):
            hint = " / ".join(hint)
        return f"{hint}: {exc.message}" if hint else exc.message
    message = exc.format_message().rstrip(".")
    if isinstance(exc, click.UsageError):
        return f"{message} (see {_hint(exc)})"
    return message


class Group(TyperGroup):
    """The root command: one-line usage errors (no usage box), in tests and installed alike."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,  # type: ignore[override]
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        try:
            code = super().main(args=args, prog_name=prog_name or "harscrub", complete_var=complete_var,
                                standalone_mode=False, **extra)
        except click.NoArgsIsHelpError as exc:
            assert exc.ctx is not None
            typer.echo(exc.ctx.get_help())
            code = 0
        except click.ClickException as exc:
            err.print(f"harscrub: error: {usage_line(exc)}", markup=False, soft_wrap=True)
            code = exc.exit_code if exc.exit_code != 1 else EXIT_ERROR
        except typer.Abort:
            err.print("harscrub: interrupted; no output was written", markup=False)
            code = 130
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(
    cls=Group,
    name="harscrub",
    help="Sanitize HAR files and check them for leaked credentials before they are shared.\n\n"
         "\b\nExamples:\n"
         "  harscrub sanitize capture.har          # writes capture.scrubbed.har\n"
         "  harscrub check capture.scrubbed.har    # exit 1 if a credential is left\n\n"
         "Settings: [tool.harscrub] in pyproject.toml, or harscrub.toml (see harscrub config -h).",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """Turn every expected failure into one line on stderr and exit code 2."""
    try:
        yield
    except HarscrubError as exc:
        err.print(f"harscrub: error: {exc}", markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_ERROR) from None
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, as a C tool killed by SIGPIPE would.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(EXIT_PIPE) from None
    except (OSError, MemoryError) as exc:
        what = getattr(exc, "strerror", None) or exc.__class__.__name__
        name = getattr(exc, "filename", None)
        err.print(f"harscrub: error: {name + ': ' if name else ''}{what}", markup=False, soft_wrap=True)
        raise typer.Exit(EXIT_ERROR) from None
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP while writing (errors.Terminated)
        err.print("harscrub: interrupted; no output was written", markup=False)
        raise typer.Exit(128 + getattr(exc, "signum", 2)) from None


def _version(value: bool) -> None:
    if value:
        from harscrub._version import __version__

        typer.echo(f"harscrub {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", "-V", help="Print the version and exit.", is_eager=True,
                                 callback=_version, expose_value=True),
) -> None:
    pass


def main() -> None:
    """Register the commands and run (``harscrub.cli.main`` has answered ``--version``)."""
    from harscrub.cli.commands import register

    register()
    app()

"""``harscrub userscript``: print the userscript of a running ``harscrub serve``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from harscrub.cli.app import app, guarded
from harscrub.serve import load_config, render_userscript

USERSCRIPT_HELP = (
    "Print the userscript for Tampermonkey/Violentmonkey (the same as harscrub serve's "
    "/harscrub.user.js).\n\n"
    "Give it the settings and token of the running service: the script carries the token to call the "
    "service with, and runs only on the allowed portal origins. Easier: open the userscript URL "
    "harscrub serve printed, and the userscript manager offers to install it.\n\n"
    "\b\nExamples:\n"
    "  harscrub userscript --token TOKEN --allow-origin https://support.example.com > harscrub.user.js\n"
    "  HARSCRUB_TOKEN=TOKEN harscrub userscript --port 9000 --config serve.toml\n"
)


@app.command(help=USERSCRIPT_HELP)
def userscript(
    token: Optional[str] = typer.Option(
        None, "--token", envvar="HARSCRUB_TOKEN",
        help="The token harscrub serve printed (the part after token= in its URLs); or set HARSCRUB_TOKEN.",
    ),
    port: Optional[int] = typer.Option(None, "--port", metavar="N", help="The port harscrub serve listens on."),
    allow_origin: list[str] = typer.Option(
        [], "--allow-origin", metavar="ORIGIN",
        help="An origin the script runs on, portal or upload widget (as given to harscrub serve); repeatable."
    ),
    config: Optional[Path] = typer.Option(None, "--config", metavar="FILE", help="The config file harscrub serve uses."),
) -> None:
    with guarded():
        if not token:
            raise typer.BadParameter("give the token harscrub serve printed (--token or HARSCRUB_TOKEN)", param_hint="--token")
        settings = load_config(config, port=port, allow_origins=allow_origin, token=token)
        typer.echo(render_userscript(settings.port, settings.token, settings.allow_origins), nl=False)

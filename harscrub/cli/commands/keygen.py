"""``harscrub keygen``: a fingerprint key to share, so a team's fingerprints match."""

from __future__ import annotations

from pathlib import Path

import typer

from harscrub.cli.app import app, guarded
from harscrub.config import user_key_path, write_key
from harscrub.errors import HarscrubError

KEYGEN_HELP = f"""Make a new fingerprint key in FILE (mode 0600; an existing file is never overwritten).

Fingerprints are keyed: the same secret has the same fingerprint only under the same key. By
default each user has their own ({user_key_path()}, made on first use). A team that shares
fingerprints (a .harscrubignore in a repository, SARIF alerts from CI) shares one key: make
it once, hand it round like any other secret, and name it in the settings (key-file) or with
--key-file. Keep it out of the repository.

\b
Examples:
  harscrub keygen ~/.config/harscrub/team.key
  harscrub check capture.har --key-file ~/.config/harscrub/team.key
"""


@app.command(help=KEYGEN_HELP)
def keygen(
    file: Path = typer.Argument(..., metavar="FILE", help="Where to write the key (must not exist)."),
) -> None:
    with guarded():
        if file.exists():
            raise HarscrubError(f"{file} exists already; a key is never overwritten (remove it first)")
        try:
            write_key(file)
        except FileExistsError:
            raise HarscrubError(f"{file} exists already; a key is never overwritten (remove it first)") from None
        typer.echo(f"harscrub: new fingerprint key in {file} (mode 0600)", err=True)

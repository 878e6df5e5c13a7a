"""Options several commands share, and the settings they add up to (:mod:`harscrub.config`).

Every option that has a settings key defaults to None here, so "not given" is told apart
from "given the default", and the settings file can fill it in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from harscrub.cli.console import err
from harscrub.config import Settings, load_settings
from harscrub.detection.rules import SEVERITIES
from harscrub.stream.reader import DEFAULT_MAX_ENTRY_BYTES
from harscrub.stream.source import DEFAULT_MAX_INPUT_BYTES

Config = Annotated[Optional[Path], typer.Option(
    "--config", metavar="FILE",
    help="Settings file (TOML) to use instead of the one found from here upward "
         "([tool.harscrub] in pyproject.toml, harscrub.toml, .harscrub.toml).")]
Isolated = Annotated[bool, typer.Option(
    "--isolated", help="Ignore every settings file and .harscrubignore (command line and defaults only).")]
Rules = Annotated[Optional[list[Path]], typer.Option(
    "--rules", metavar="FILE", help="Extra rule file (TOML); repeatable. Settings key: rules.")]
DisableRule = Annotated[Optional[list[str]], typer.Option(
    "--disable-rule", metavar="RULE", help="Leave this rule out (its id); repeatable. Settings key: disable-rules.")]
Severity = Annotated[Optional[list[str]], typer.Option(
    "--severity", metavar="RULE=LEVEL",
    help="Give a rule another severity (info, low, medium, high, critical); repeatable. Settings table: severity.")]
Allow = Annotated[Optional[list[str]], typer.Option(
    "--allow", metavar="VALUE", help="A value never to redact nor report (a public test token); repeatable. "
                                     "Settings key: allow.")]
KeyFile = Annotated[Optional[Path], typer.Option(
    "--key-file", metavar="FILE",
    help="Fingerprint key (make one with harscrub keygen FILE); default: your own key, made on first use "
         "in your config directory. Settings key: key-file.")]
Jwt = Annotated[Optional[str], typer.Option(
    "--jwt", metavar="MODE", help="JWTs: drop (the default) or strip-signature (keep header and claims). Settings key: jwt.")]
MaxSize = Annotated[Optional[int], typer.Option(
    "--max-size", metavar="BYTES",
    help=f"Refuse inputs larger than this, after gunzip (default {DEFAULT_MAX_INPUT_BYTES >> 30} GiB). Settings key: max-size.")]
MaxEntrySize = Annotated[Optional[int], typer.Option(
    "--max-entry-size", metavar="BYTES", help=f"Refuse a single entry larger than this (default {DEFAULT_MAX_ENTRY_BYTES >> 30} GiB). "
                                              "Settings key: max-entry-size.")]


def severities(pairs: list[str] | None) -> dict[str, str] | None:
    """``["jwt=low"]`` -> ``{"jwt": "low"}``; a malformed pair is a usage error."""
    if not pairs:
        return None
    out = {}
    for pair in pairs:
        rule, eq, level = pair.partition("=")
        if not eq or not rule.strip() or level.strip() not in SEVERITIES:
            raise typer.BadParameter(f"expected RULE=LEVEL with LEVEL one of {', '.join(SEVERITIES)}, not {pair!r}",
                                     param_hint="--severity")
        out[rule.strip()] = level.strip()
    return out


def settings(config: Path | None, isolated: bool, **given: Any) -> Settings:
    """The effective settings: defaults, the settings file, then the options given.

    ``given`` uses the settings keys with ``_`` for ``-`` (``key_file``); None means not given."""
    if "severity" in given:
        given["severity"] = severities(given["severity"])
    return load_settings(config, isolated=isolated, overrides={k.replace("_", "-"): v for k, v in given.items()})


def new_key_note(path: Path) -> None:
    """Said once, when a run makes the user's key: fingerprints are now this user's."""
    err.print(f"harscrub: made your fingerprint key {path} (fingerprints stay the same from run to run on this "
              "account; in CI, or to match a team's, give a shared one with --key-file: harscrub keygen -h)",
              markup=False, soft_wrap=True)

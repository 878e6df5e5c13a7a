"""``harscrub config``: the effective settings, and where each one came from."""

from __future__ import annotations

import json
from typing import Any

import typer

from harscrub.cli import options as opt
from harscrub.cli.app import app, guarded
from harscrub.config import CONFIG_FILES, IGNORE_FILE, KEYS, find_ignore_file, user_config_dir

CONFIG_HELP = f"""Print the effective settings and where each came from (a file, the command line, a default).

Settings live in [tool.harscrub] of pyproject.toml, or at the top of harscrub.toml or
.harscrub.toml; the first folder from here upward holding one wins (then your own
{user_config_dir() / 'harscrub.toml'}). Keys mirror the options of sanitize, check, inspect
and serve; paths are relative to the file. Options add to lists and replace single values.

\b
Example harscrub.toml:
  rules = ["harscrub-rules/internal.toml"]
  disable-rules = ["high-entropy-url-value"]
  allow = ["test-token-not-a-secret-0123456789"]
  jwt = "strip-signature"
  key-file = ".harscrub.key"        # shared by the team: harscrub keygen .harscrub.key
  fail-on = "medium"
  [severity]                        # [tool.harscrub.severity] in pyproject.toml
  session-cookie = "critical"

\b
Examples:
  harscrub config                   # what applies here
  harscrub config --list-rules      # rule ids, severities and what they find
  harscrub config --format json
"""


def _toml(value: Any) -> str:
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in value.items()) + " }"
    if isinstance(value, tuple):
        return json.dumps(list(value))
    return json.dumps(value)


@app.command(name="config", help=CONFIG_HELP)
def config_command(
    list_rules: bool = typer.Option(False, "--list-rules", help="List the rules these settings give: id, severity, kind."),
    fmt: str = typer.Option("text", "--format", "-f", metavar="FORMAT", help="text (TOML with comments) or json."),
    rules: opt.Rules = None,
    disable_rule: opt.DisableRule = None,
    severity: opt.Severity = None,
    allow: opt.Allow = None,
    jwt: opt.Jwt = None,
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
                                allow=allow, jwt=jwt, key_file=key_file, max_size=max_size, max_entry_size=max_entry_size)
        if list_rules:
            ruleset = settings.policy(user_key_default=False).rules
            rows = [{"id": r.id, "severity": r.severity, "match": r.match, "source": r.source,
                     "description": r.description} for r in sorted(ruleset.rules, key=lambda r: r.id)]
            if fmt == "json":
                typer.echo(json.dumps(rows, indent=2))
            else:
                for row in rows:
                    typer.echo(f"{row['id']}\t{row['severity']}\t{row['match']}\t{row['description'].splitlines()[0]}")
            return
        ignore = settings["ignore-file"] or (None if isolated else find_ignore_file())
        shown = {name: {"value": settings[name], "from": settings.origins[name]} for name in KEYS}
        if not settings["key-file"]:
            shown["key-file"]["from"] = f"default: your own key, {settings.key_source.split(' (')[0]}"
        shown["ignore-file"]["value"] = str(ignore) if ignore else None
        if not settings["ignore-file"] and ignore:
            shown["ignore-file"]["from"] = f"found ({IGNORE_FILE})"
        if fmt == "json":
            typer.echo(json.dumps({"file": str(settings.file) if settings.file else None, "settings": shown},
                                  indent=2, default=list))
            return
        where = str(settings.file) if settings.file else f"none found ({', '.join(CONFIG_FILES)}, from here upward)"
        typer.echo(f"# settings file: {where}")
        for name, item in shown.items():
            value = item["value"]
            line = f"# {name} = (none)" if value is None else f"{name} = {_toml(value)}"
            typer.echo(f"{line:<48} # {item['from']}")

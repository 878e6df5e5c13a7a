"""``harscrub serve``: the browser helper, a local page and API that sanitize HARs before upload."""

from __future__ import annotations

import errno
import logging
import sys
from pathlib import Path
from typing import Optional

import typer

from harscrub.cli import options as opt
from harscrub.cli.app import app, guarded
from harscrub.errors import HarscrubError
from harscrub.serve import DEFAULT_MAX_UPLOAD, DEFAULT_PORT, load_config, make_server

SERVE_HELP = (
    "Run the browser helper: sanitize a HAR in the browser before it reaches a support portal.\n\n"
    "Serves a page (drop a HAR, see what is removed, download NAME.scrubbed.har) and a userscript for "
    "Tampermonkey/Violentmonkey that swaps a HAR (by name or by content) chosen, dropped or pasted on an "
    "allowed portal page, or in any of its frames, for its sanitized copy, and blocks the upload if the "
    "service cannot be reached. Allow the portal's origin and the origin of every upload widget it embeds "
    "from elsewhere.\n\n"
    "Security model: listens on 127.0.0.1 only; every API call needs the random token printed at "
    "start (new each run); requests whose Host is not 127.0.0.1/localhost are refused (DNS "
    "rebinding); other web origins are refused unless allowed with --allow-origin (the only ones that "
    "get CORS headers); uploads above --max-upload get 413; files are sanitized in memory, never "
    "written to disk, and no request can read or list files.\n\n"
    "Rules, allowed values, JWT mode and fingerprint key come from the settings file (see harscrub config -h) "
    "and the options below, as for sanitize; --config is the service's own file (port, origins, upload cap).\n\n"
    "\b\nExamples:\n"
    "  harscrub serve --allow-origin https://support.example.com\n"
    "  harscrub serve --port 0 --jwt strip-signature    # any free port\n"
)


@app.command(help=SERVE_HELP)
def serve(
    port: Optional[int] = typer.Option(
        None, "--port", metavar="N", help=f"Port on 127.0.0.1 (default {DEFAULT_PORT}; 0 picks a free one)."
    ),
    allow_origin: list[str] = typer.Option(
        [], "--allow-origin", metavar="ORIGIN",
        help="An origin whose pages may call the service and run the userscript: the support portal, e.g. "
             "https://support.example.com, and each origin its upload widgets (iframes) come from; repeatable.",
    ),
    config: Optional[Path] = typer.Option(
        None, "--config", metavar="FILE",
        help="TOML settings: port, allow_origins = [...], max_upload (default ~/.config/harscrub/serve.toml if it exists).",
    ),
    max_upload: Optional[int] = typer.Option(
        None, "--max-upload", metavar="BYTES", help=f"Refuse bigger uploads with 413 (default {DEFAULT_MAX_UPLOAD >> 20} MiB)."
    ),
    rules: opt.Rules = None,
    disable_rule: opt.DisableRule = None,
    severity: opt.Severity = None,
    allow: opt.Allow = None,
    jwt: opt.Jwt = None,
    key_file: opt.KeyFile = None,
    max_entry_size: opt.MaxEntrySize = None,
    settings_file: Optional[Path] = typer.Option(
        None, "--settings", metavar="FILE",
        help="Settings file (as --config of the other commands) instead of the one found from here upward."),
    isolated: opt.Isolated = False,
) -> None:
    with guarded():
        shared = opt.settings(settings_file, isolated, rules=rules, disable_rules=disable_rule, severity=severity,
                              allow=allow, jwt=jwt, key_file=key_file, max_entry_size=max_entry_size)
        policy = shared.policy(on_new_key=opt.new_key_note)
        _ = policy.rules  # load and validate rule files before listening
        settings = load_config(config, port=port, allow_origins=allow_origin, max_upload=max_upload, policy=policy)
        try:
            server = make_server(settings)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise HarscrubError(
                    f"port {settings.port} on 127.0.0.1 is in use; choose another with --port N (0: any free port)"
                ) from None
            raise
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("harscrub serve: %(message)s"))
        log = logging.getLogger("harscrub.serve")
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        portals = ", ".join(sorted(settings.allow_origins)) or "none yet: add --allow-origin https://your-portal"
        typer.echo(
            f"harscrub helper on {server.base_url} (Ctrl-C stops it)\n"
            f"  page:       {server.page_url}\n"
            f"  userscript: {server.userscript_url}\n"
            f"  portals:    {portals}\n"
            f"  max upload: {settings.max_upload} bytes\n"
            f"  settings:   {shared.file or 'none found (defaults)'}; fingerprint key: {shared.key_source}\n"
            "The token in these URLs is new each run: reinstall the userscript after a restart."
        )
        sys.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            typer.echo("harscrub helper stopped", err=True)
        finally:
            server.server_close()

"""CLI commands, one module each; importing a module registers its command on the app."""

from __future__ import annotations

import importlib

COMMANDS = ("sanitize", "check", "inspect", "serve", "userscript", "config", "keygen")


def register() -> None:
    for name in COMMANDS:
        importlib.import_module(f"{__name__}.{name}")

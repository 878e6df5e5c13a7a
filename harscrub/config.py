"""Settings files and the user's fingerprint key: what the CLI and ``harscrub serve`` share.

A project keeps its settings in ``[tool.harscrub]`` of ``pyproject.toml``, or at the top of
``harscrub.toml`` or ``.harscrub.toml``. The first folder from the working directory upward
that holds one of them wins (in a folder: ``.harscrub.toml``, then ``harscrub.toml``, then a
``pyproject.toml`` that has a ``[tool.harscrub]`` table, as ruff does); without one, the
user's own ``harscrub.toml`` in their config directory counts. Keys mirror the command-line
options (``key-file`` for ``--key-file``); paths in a file are relative to that file. On the
command line, lists (``--rules``, ``--allow``, ``--disable-rule``) add to the file's, single
values replace its, ``--severity RULE=LEVEL`` replaces one rule's.

The user's key (:func:`user_key`) makes fingerprints stable from run to run without a flag:
32 random bytes, hex, made on first use in the user's config directory with mode 0600, and
read from there only. The library never uses it: a :class:`~harscrub.policy.Policy` without a
key still gets a fresh random one per run.
"""

from __future__ import annotations

import os
import secrets
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from harscrub.detection.fingerprint import Fingerprinter
from harscrub.detection.rules import SEVERITIES
from harscrub.errors import HarscrubError
from harscrub.policy import JwtMode, Policy
from harscrub.stream.reader import DEFAULT_MAX_ENTRY_BYTES
from harscrub.stream.source import DEFAULT_MAX_INPUT_BYTES

#: Settings files in the order they are looked for in each folder.
CONFIG_FILES = (".harscrub.toml", "harscrub.toml", "pyproject.toml")
#: The file of accepted fingerprints, found like the settings.
IGNORE_FILE = ".harscrubignore"
COMMAND_LINE = "command line"
DEFAULT = "default"


def _severity(value: Any) -> str:
    if value not in SEVERITIES:
        raise ValueError(f"must be one of {', '.join(SEVERITIES)}")
    return str(value)


def _jwt(value: Any) -> str:
    if value not in ("drop", "strip-signature"):
        raise ValueError("must be 'drop' or 'strip-signature'")
    return str(value)


def _positive(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError("must be a positive whole number")
    return value


def _exit_code(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 255:
        raise ValueError("must be a whole number from 0 to 255")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("must be a non-empty string")
    return value


@dataclass(frozen=True)
class Key:
    """One setting: its kind (``list``, ``table``, ``path``, ``paths`` or ``value``), how a
    single value is checked, its default and what it means."""

    name: str
    kind: str
    check: Callable[[Any], Any]
    default: Any
    help: str


KEYS: dict[str, Key] = {k.name: k for k in (
    Key("rules", "paths", _text, (), "extra rule files (TOML), added to the bundled rules"),
    Key("disable-rules", "list", _text, (), "rule ids to leave out"),
    Key("severity", "table", _severity, {}, "rule id = severity, replacing the rule's own"),
    Key("allow", "list", _text, (), "exact values never redacted nor reported (public test tokens)"),
    Key("jwt", "value", _jwt, "drop", "JWTs in sanitize and serve: drop, or strip-signature"),
    Key("key-file", "path", _text, None, "fingerprint key; default: the user's key"),
    Key("max-size", "value", _positive, DEFAULT_MAX_INPUT_BYTES, "largest input in bytes, after gunzip"),
    Key("max-entry-size", "value", _positive, DEFAULT_MAX_ENTRY_BYTES, "largest single entry in bytes"),
    Key("fail-on", "value", _severity, "low", "check fails on findings at least this severe"),
    Key("exit-code", "value", _exit_code, 1, "check's exit code when findings remain"),
    Key("ignore-file", "path", _text, None, f"accepted fingerprints; default: the nearest {IGNORE_FILE}"),
)}


def user_config_dir() -> Path:
    """``$XDG_CONFIG_HOME/harscrub`` (``~/.config/harscrub``); ``%APPDATA%\\harscrub`` on Windows."""
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "harscrub"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "harscrub"


def user_key_path() -> Path:
    return user_config_dir() / "key"


def write_key(path: Path) -> None:
    """A new random key in ``path``, mode 0600; an existing file is never overwritten.

    The key is written beside ``path`` and linked into place, so a reader never sees half a
    key, and of two processes making one at once, one wins and the other's is dropped."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.link(tmp, path)  # FileExistsError when the key is there already
    finally:
        tmp.unlink(missing_ok=True)


def user_key(on_create: Callable[[Path], None] | None = None) -> bytes:
    """The user's fingerprint key, made on first use (see the module's docstring);
    ``on_create`` is told when this call made it."""
    path = user_key_path()
    if not path.exists():
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_key(path)
            if on_create is not None:
                on_create(path)
        except FileExistsError:
            pass  # another harscrub made it first: use theirs
        except OSError as exc:
            raise HarscrubError(f"cannot create the fingerprint key {path}: {exc.strerror} "
                                "(give one with --key-file, or make one with harscrub keygen FILE)") from None
    return Fingerprinter.read_key(path)


def _upward(start: Path) -> list[Path]:
    start = start.resolve()
    return [start, *start.parents]


def _table_of(path: Path) -> dict[str, Any] | None:
    """The settings table of ``path`` (None: a pyproject.toml without ``[tool.harscrub]``)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise HarscrubError(f"{path}: cannot read ({exc.__class__.__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise HarscrubError(f"{path}: not valid TOML ({exc})") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("harscrub")
        if table is not None and not isinstance(table, dict):
            raise HarscrubError(f"{path}: [tool.harscrub] must be a table")
        return table
    return data


def find_config(start: Path | None = None) -> Path | None:
    """The settings file that applies in ``start`` (default: the working directory)."""
    for folder in _upward(start or Path.cwd()):
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _table_of(candidate) is not None):
                return candidate
    user = user_config_dir() / "harscrub.toml"
    return user if user.is_file() else None


def find_ignore_file(start: Path | None = None) -> Path | None:
    """The nearest ``.harscrubignore`` from ``start`` (default: the working directory) upward."""
    for folder in _upward(start or Path.cwd()):
        if (folder / IGNORE_FILE).is_file():
            return folder / IGNORE_FILE
    return None


def _label(path: Path) -> str:
    return f"{path} [tool.harscrub]" if path.name == "pyproject.toml" else str(path)


def _parse(path: Path, table: Mapping[str, Any]) -> dict[str, Any]:
    """The file's settings, checked, with paths made absolute; errors name file and key."""
    out: dict[str, Any] = {}
    for raw_name, value in table.items():
        name = raw_name.replace("_", "-")
        key = KEYS.get(name)
        where = f"{_label(path)}: {raw_name}"
        if key is None:
            raise HarscrubError(f"{where}: unknown setting (known: {', '.join(KEYS)})")
        try:
            if key.kind in ("list", "paths"):
                if not isinstance(value, list):
                    raise ValueError("must be a list")
                items = [key.check(v) for v in value]
                out[name] = tuple(str(path.parent / v) for v in items) if key.kind == "paths" else tuple(items)
            elif key.kind == "table":
                if not isinstance(value, dict):
                    raise ValueError("must be a table of rule id = severity")
                out[name] = {str(k): key.check(v) for k, v in value.items()}
            elif key.kind == "path":
                out[name] = str(path.parent / key.check(value))
            else:
                out[name] = key.check(value)
        except ValueError as exc:
            raise HarscrubError(f"{where}: {exc}") from None
    return out


@dataclass
class Settings:
    """The effective settings of a run, and where each came from (a file, the command line,
    both, or ``default``)."""

    values: dict[str, Any] = field(default_factory=lambda: {k.name: k.default for k in KEYS.values()})
    origins: dict[str, str] = field(default_factory=lambda: dict.fromkeys(KEYS, DEFAULT))
    file: Path | None = None

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def _set(self, name: str, value: Any, origin: str) -> None:
        kind = KEYS[name].kind
        old = self.origins[name]
        if kind in ("list", "paths", "table") and old != DEFAULT:
            if kind == "table":
                value = {**self.values[name], **value}
            else:
                value = tuple(dict.fromkeys([*self.values[name], *value]))
            origin = f"{old} + {origin}"
        self.values[name] = value
        self.origins[name] = origin

    @property
    def key_source(self) -> str:
        """What the fingerprint key is: the key file, or the user's key."""
        return self["key-file"] or f"{user_key_path()} (the user's key)"

    def policy(self, *, user_key_default: bool = True, on_new_key: Callable[[Path], None] | None = None) -> Policy:
        """The :class:`Policy` of these settings; without a key file, the user's key (or, with
        ``user_key_default=False``, a fresh random one, the library's default)."""
        key_file = self["key-file"]
        key = Fingerprinter.read_key(Path(key_file)) if key_file else (
            user_key(on_new_key) if user_key_default else None)
        jwt: JwtMode = self["jwt"]
        return Policy(
            rule_files=tuple(Path(p) for p in self["rules"]),
            allow=frozenset(self["allow"]),
            jwt_mode=jwt,
            key=key,
            max_input_bytes=self["max-size"],
            max_entry_bytes=self["max-entry-size"],
            disabled_rules=frozenset(self["disable-rules"]),
            severities=dict(self["severity"]),
        )


def load_settings(
    config: Path | None = None, *, isolated: bool = False, overrides: Mapping[str, Any] | None = None,
    start: Path | None = None,
) -> Settings:
    """Defaults, then the settings file (``config``, else the one found from ``start``; none
    when ``isolated``), then ``overrides`` (the command line: None means not given)."""
    settings = Settings()
    path: Path | None
    if config is not None:
        if not Path(config).is_file():
            raise HarscrubError(f"{config}: no such settings file")
        path = Path(config)
    else:
        path = None if isolated else find_config(start)
    if path is not None:
        table = _table_of(path.resolve())
        settings.file = path.resolve()
        for name, value in _parse(path.resolve(), table or {}).items():
            settings._set(name, value, _label(path.resolve()))
    for name, value in (overrides or {}).items():
        if name not in KEYS:
            raise KeyError(name)
        if value is None or (KEYS[name].kind in ("list", "paths", "table") and not value):
            continue
        try:
            checked = _checked(KEYS[name], value)
        except ValueError as exc:
            raise HarscrubError(f"--{name}: {exc}") from None
        settings._set(name, checked, COMMAND_LINE)
    return settings


def _checked(key: Key, value: Any) -> Any:
    if key.kind == "table":
        return {str(k): key.check(v) for k, v in dict(value).items()}
    if key.kind in ("list", "paths"):
        return tuple(str(key.check(str(v))) for v in value)
    if key.kind == "path":
        return str(key.check(str(value)))
    return key.check(value)

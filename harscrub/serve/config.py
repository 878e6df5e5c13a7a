"""Settings of ``harscrub serve``: the config file, command-line values, and allowed origins."""

from __future__ import annotations

import dataclasses
import os
import secrets
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import urlsplit

from harscrub.errors import HarscrubError
from harscrub.policy import Policy

LOOPBACK = "127.0.0.1"
DEFAULT_PORT = 8731
#: Support portals take HARs of tens of MB; the cap bounds memory (about 4x the upload per job).
DEFAULT_MAX_UPLOAD = 100 << 20
#: Seconds the userscript's panel waits before a portal upload goes on (the user may cancel or review).
DEFAULT_UPLOAD_PAUSE = 5.0
MAX_UPLOAD_PAUSE = 60.0
CONFIG_KEYS = {"port", "allow_origins", "max_upload", "upload_pause"}


def default_config_path() -> Path:
    """``$XDG_CONFIG_HOME/harscrub/serve.toml`` (``~/.config/harscrub/serve.toml``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "harscrub" / "serve.toml"


def normalize_origin(origin: str) -> str:
    """``https://Support.Example.com/`` -> ``https://support.example.com``; refuse anything vaguer.

    Exact origins only: a wildcard would let every site under it call the service.
    """
    text = origin.strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or "*" in text:
        raise HarscrubError(f"not an origin: {origin!r} (expected scheme://host[:port], e.g. https://support.example.com)")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise HarscrubError(f"not an origin: {origin!r} (no path, query or user part)")
    try:
        port = parts.port
    except ValueError:
        raise HarscrubError(f"not an origin: {origin!r} (bad port)") from None
    default = 443 if parts.scheme == "https" else 80
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port not in (None, default) else "")


@dataclass(frozen=True)
class ServeConfig:
    """Everything one run of the service needs; ``port`` 0 means any free port."""

    port: int = DEFAULT_PORT
    allow_origins: frozenset[str] = frozenset()
    max_upload: int = DEFAULT_MAX_UPLOAD
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)
    #: Rules, allowlist, key and JWT mode (the shared settings, :mod:`harscrub.config`).
    base_policy: Policy = field(default_factory=Policy, repr=False)
    #: Seconds the userscript's panel gives the user before a portal upload goes on (0: no wait).
    upload_pause: float = DEFAULT_UPLOAD_PAUSE

    @cached_property
    def policy(self) -> Policy:
        """The base policy; the decompressed size is capped like the upload too (a .har.gz cannot inflate past it).

        One fingerprint key for the whole run (the settings' key, else one made here, once): a
        fingerprint the page got from one call names the same secret in the next, which is what
        ``?keep=`` relies on.
        """
        cap = min(self.max_upload, self.base_policy.max_input_bytes)
        key = self.base_policy.key or secrets.token_bytes(32)
        return dataclasses.replace(self.base_policy, max_input_bytes=cap, key=key)

    @property
    def persistent_key(self) -> bool:
        """Whether fingerprints outlive this run (a key from the settings); False: a new key each run."""
        return self.base_policy.key is not None


def load_config(
    path: Path | None = None,
    *,
    port: int | None = None,
    allow_origins: Sequence[str] = (),
    max_upload: int | None = None,
    token: str | None = None,
    policy: Policy | None = None,
) -> ServeConfig:
    """Merge the config file (``path``, else the default one if present) with command-line values.

    Command-line ``port`` and ``max_upload`` win; origins from both are allowed. Unknown keys
    in the file are an error, so a typo cannot silently drop an origin or a cap.
    """
    data: dict[str, Any] = {}
    file = path if path is not None else default_config_path()
    if path is not None or file.is_file():
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise HarscrubError(f"{file}: no such config file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise HarscrubError(f"{file}: cannot read ({exc.__class__.__name__})") from None
        except tomllib.TOMLDecodeError as exc:
            raise HarscrubError(f"{file}: not valid TOML ({exc})") from None
        unknown = sorted(set(data) - CONFIG_KEYS)
        if unknown:
            raise HarscrubError(f"{file}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(CONFIG_KEYS))})")
    file_origins = data.get("allow_origins", [])
    if not isinstance(file_origins, list) or not all(isinstance(o, str) for o in file_origins):
        raise HarscrubError(f"{file}: allow_origins must be a list of strings")
    chosen_port = port if port is not None else data.get("port", DEFAULT_PORT)
    cap = max_upload if max_upload is not None else data.get("max_upload", DEFAULT_MAX_UPLOAD)
    if not isinstance(chosen_port, int) or not 0 <= chosen_port <= 65535:
        raise HarscrubError(f"port must be an integer from 0 to 65535, not {chosen_port!r}")
    if not isinstance(cap, int) or cap <= 0:
        raise HarscrubError(f"max_upload must be a positive number of bytes, not {cap!r}")
    pause = data.get("upload_pause", DEFAULT_UPLOAD_PAUSE)
    if isinstance(pause, bool) or not isinstance(pause, (int, float)) or not 0 <= pause <= MAX_UPLOAD_PAUSE:
        raise HarscrubError(f"upload_pause must be a number of seconds from 0 to {MAX_UPLOAD_PAUSE:g}, not {pause!r}")
    origins = frozenset(normalize_origin(o) for o in [*file_origins, *allow_origins])
    extra: dict[str, Any] = {"token": token} if token is not None else {}
    if policy is not None:
        extra["base_policy"] = policy
    return ServeConfig(port=chosen_port, allow_origins=origins, max_upload=cap, upload_pause=float(pause), **extra)

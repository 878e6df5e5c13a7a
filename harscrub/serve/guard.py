"""The checks every request passes first: a loopback ``Host`` and, for the API, the run's token."""

from __future__ import annotations

import hmac

from harscrub.serve.config import LOOPBACK


def host_allowed(host: str | None, port: int) -> bool:
    """True for ``127.0.0.1`` / ``localhost``, bare or with this server's port."""
    if not host:
        return False
    name, sep, given = host.strip().lower().rpartition(":")
    if not sep:
        name, given = given, ""
    elif not given.isdigit() or int(given) != port:
        return False
    return name in (LOOPBACK, "localhost")


def token_matches(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode("utf-8", "replace"), token.encode("utf-8"))

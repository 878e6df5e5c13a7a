"""The userscript and the page's files, served from the package (``harscrub/serve/web/``)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Sequence
from urllib.parse import urlsplit

from harscrub._version import __version__
from harscrub.serve.config import LOOPBACK


def web_file(name: str) -> bytes:
    return (resources.files("harscrub.serve") / "web" / name).read_bytes()


def render_userscript(port: int, token: str, origins: Sequence[str] | frozenset[str]) -> str:
    """The userscript with this service's address, token and allowed origins filled in.

    ``harscrub userscript`` and ``GET /harscrub.user.js`` both call this, so they print the same
    bytes for the same settings. The ``@match`` lines leave the port out (userscript managers
    differ on ports); the script itself runs only where ``self.origin`` (or an ancestor frame's origin) is listed.
    """
    ordered = sorted(origins)
    matches = "\n".join(f"// @match        {_without_port(o)}/*" for o in ordered)
    text = web_file("harscrub.user.js").decode("utf-8")
    return (
        text.replace("// @match        __HARSCRUB_MATCHES__", matches or "// (no --allow-origin given: this script runs nowhere)")
        .replace('"__HARSCRUB_SERVICE__"', json.dumps(f"http://{LOOPBACK}:{port}"))
        .replace('"__HARSCRUB_TOKEN__"', json.dumps(token))
        .replace('["__HARSCRUB_ORIGINS__"]', json.dumps(ordered))
        .replace("__HARSCRUB_VERSION__", __version__)
    )


def _without_port(origin: str) -> str:
    parts = urlsplit(origin)
    host = parts.netloc.rpartition(":")[0] if parts.port is not None else parts.netloc
    return f"{parts.scheme}://{host}"

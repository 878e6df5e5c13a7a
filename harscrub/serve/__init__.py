"""The local helper service behind ``harscrub serve``: sanitize a HAR in the browser.

:mod:`~harscrub.serve.config` reads the settings, :mod:`~harscrub.serve.guard` holds the
checks every request passes, :mod:`~harscrub.serve.jobs` sanitizes one upload in memory,
:mod:`~harscrub.serve.outcome` does so for the review (``?keep=``, an earlier marker) and
:mod:`~harscrub.serve.review` lists its distinct secrets and holds reviews for a while,
:mod:`~harscrub.serve.userscript` renders the userscript, and :mod:`~harscrub.serve.http`
is the server; its docstring sets out the security model.
"""

from harscrub.serve.config import DEFAULT_MAX_UPLOAD, DEFAULT_PORT, ServeConfig, load_config, normalize_origin
from harscrub.serve.guard import host_allowed, token_matches
from harscrub.serve.http import SUMMARY_HEADER, TOKEN_HEADER, HelperServer, make_server
from harscrub.serve.jobs import sanitize_bytes, upload_name
from harscrub.serve.userscript import render_userscript

__all__ = [
    "DEFAULT_MAX_UPLOAD",
    "DEFAULT_PORT",
    "SUMMARY_HEADER",
    "TOKEN_HEADER",
    "HelperServer",
    "ServeConfig",
    "host_allowed",
    "load_config",
    "make_server",
    "normalize_origin",
    "render_userscript",
    "sanitize_bytes",
    "token_matches",
    "upload_name",
]

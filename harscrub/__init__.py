"""harscrub: sanitize HAR files and check them for leaked credentials.

The public API is what ``__all__`` lists; docs/library.md shows it at work:

- :func:`sanitize` a HAR held in memory, :func:`sanitize_file` and :func:`sanitize_stream`
  for files and streams (the same two-pass pipeline as ``harscrub sanitize``);
- :func:`check` a HAR as ``harscrub check`` does (JWT liveness, marker, ``against``), or
  :func:`scan` it for its findings alone;
- :class:`Policy` for rules, allowlist, JWT mode, fingerprint key and size caps;
- :class:`Finding`, :class:`Report`, :class:`CheckResult` and :class:`Hit`, which name
  secrets without holding them;
- the exception tree rooted at :class:`HarscrubError` (described in :mod:`harscrub.errors`).

Importing harscrub loads neither typer nor rich (the CLI is a thin layer over this), and
nothing of the engine until a name above is first used. The
package is layered, each layer importing only from those below it (docs/architecture.md):
``stream`` and ``detection`` at the bottom, then ``findings`` and ``report``, ``policy``,
the ``engine``, and the front ends on top (this API, ``cli``, ``serve``, ``dask``).
"""

from typing import TYPE_CHECKING, Any

from harscrub._version import __version__

if TYPE_CHECKING:
    from harscrub.api import HarData, HarSource, Result, check, sanitize, sanitize_file, sanitize_stream, scan
    from harscrub.errors import HarscrubError, InputTooLargeError, InvalidHarError, OutputError, RuleError
    from harscrub.findings.finding import Finding
    from harscrub.findings.results import CheckResult, Hit, Report
    from harscrub.policy import Policy

#: Where each public name lives. They are imported on first use (PEP 562), so ``harscrub
#: --version`` and a module that only needs ``harscrub.errors`` do not load the engine.
_HOME = {
    **dict.fromkeys(("HarData", "HarSource", "Result", "check", "sanitize", "sanitize_file", "sanitize_stream",
                     "scan"), "harscrub.api"),
    **dict.fromkeys(("HarscrubError", "InputTooLargeError", "InvalidHarError", "OutputError", "RuleError"),
                    "harscrub.errors"),
    "Finding": "harscrub.findings.finding",
    **dict.fromkeys(("CheckResult", "Hit", "Report"), "harscrub.findings.results"),
    "Policy": "harscrub.policy",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'harscrub' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))


__all__ = [
    "CheckResult",
    "Finding",
    "HarData",
    "HarSource",
    "HarscrubError",
    "Hit",
    "InputTooLargeError",
    "InvalidHarError",
    "OutputError",
    "Policy",
    "Report",
    "Result",
    "RuleError",
    "__version__",
    "check",
    "sanitize",
    "sanitize_file",
    "sanitize_stream",
    "scan",
]

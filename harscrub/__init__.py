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

Importing harscrub loads neither typer nor rich: the CLI is a thin layer over this. Note that
``harscrub.sanitize`` and ``harscrub.check`` are the functions; the modules of the same
names are reached with ``from harscrub.sanitize import ...`` (or ``importlib``).
"""

__version__ = "0.1.0"

from .check import CheckResult, Hit  # noqa: E402  (before .api: the name "check" must end up the function)
from .api import HarData, HarSource, Result, check, sanitize, sanitize_file, sanitize_stream, scan  # noqa: E402
from .errors import HarscrubError, InputTooLargeError, InvalidHarError, OutputError, RuleError  # noqa: E402
from .findings import Finding, Report  # noqa: E402
from .policy import Policy  # noqa: E402

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

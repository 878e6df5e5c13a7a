"""harscrub: sanitize HAR files and check them for leaked credentials.

The public API is what ``__all__`` lists; docs/library.md shows it at work:

- :func:`sanitize` a HAR held in memory, :func:`sanitize_file` and :func:`sanitize_stream`
  for files and streams (the same two-pass pipeline as ``harscrub sanitize``);
- :func:`scan` a HAR for secrets, finding by finding;
- :class:`Policy` for rules, allowlist, JWT mode, fingerprint key and size caps;
- :class:`Finding` and :class:`Report`, which name secrets without holding them;
- the exception tree rooted at :class:`HarscrubError` (described in :mod:`harscrub.errors`).

Importing harscrub loads neither typer nor rich: the CLI is a thin layer over this. Note that
``harscrub.sanitize`` is the function; the module of the same name is reached with
``from harscrub.sanitize import ...``.
"""

__version__ = "0.1.0"

from .api import HarData, HarSource, Result, sanitize, sanitize_file, sanitize_stream, scan  # noqa: E402
from .errors import HarscrubError, InputTooLargeError, InvalidHarError, OutputError, RuleError  # noqa: E402
from .findings import Finding, Report  # noqa: E402
from .policy import Policy  # noqa: E402

__all__ = [
    "Finding",
    "HarData",
    "HarSource",
    "HarscrubError",
    "InputTooLargeError",
    "InvalidHarError",
    "OutputError",
    "Policy",
    "Report",
    "Result",
    "RuleError",
    "__version__",
    "sanitize",
    "sanitize_file",
    "sanitize_stream",
    "scan",
]

"""The one exception tree of harscrub.

Every failure harscrub reports on purpose derives from :class:`HarscrubError`, so a caller
(the CLI, a support portal, a Dask audit) can catch one class and show ``str(error)``: a
single line that says what is wrong and where, and never holds a secret value. The CLI turns
each into that line on stderr and exit code 2. A wrong argument *type* passed to the library
(``sanitize(42)``) is a programming error and raises ``TypeError``, outside this tree.

- :class:`HarscrubError` itself: an input that cannot be opened (missing, a directory, no
  permission), an unreadable or short fingerprint key file, a :class:`~harscrub.policy.Policy`
  argument out of range, no HAR files where a folder or glob was given.
- :class:`InvalidHarError`: the input is not a readable HAR (not JSON, truncated, wrong
  types, invalid UTF-8, absurd nesting). ``offset`` is the byte offset in the decoded
  input, ``entry`` the index of the entry being read, when known.
- :class:`InputTooLargeError`: a configured size cap was hit (decompressed size, one entry).
- :class:`RuleError`: a detection rule file is malformed.
- :class:`OutputError`: the output cannot be written (folder missing or read-only, output
  equal to the input).
"""

from __future__ import annotations


class HarscrubError(Exception):
    """Base class of every error harscrub raises on purpose."""


class InvalidHarError(HarscrubError):
    """The input is not a valid HAR document."""

    def __init__(self, what: str, *, offset: int | None = None, entry: int | None = None) -> None:
        self.what = what
        self.offset = offset
        self.entry = entry
        super().__init__(self._line())

    def _line(self) -> str:
        where = []
        if self.entry is not None:
            where.append(f"entry {self.entry}")
        if self.offset is not None:
            where.append(f"byte {self.offset}")
        return f"invalid HAR: {self.what}" + (f" ({', '.join(where)})" if where else "")


class InputTooLargeError(InvalidHarError):
    """A size cap was exceeded (gzip bomb, one gigantic entry)."""


class RuleError(HarscrubError):
    """A rule file in patterns/ (or given with --rules) is malformed."""


class OutputError(HarscrubError):
    """The output cannot be written where it was asked to go."""

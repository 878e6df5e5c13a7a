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
  types, invalid UTF-8, absurd nesting, ``log.entries`` twice, a number harscrub cannot
  write back as it was). ``offset`` is the byte offset in the decoded input, ``entry`` the
  index of the entry being read, ``source`` the file, when known: the functions that open a
  file name it (:func:`about`), so the line reads ``FILE: invalid HAR: what (entry N, byte M)``.
- :class:`InputTooLargeError`: a configured size cap was hit (decompressed size, one entry).
- :class:`RuleError`: a detection rule file is malformed.
- :class:`OutputError`: the output cannot be written (folder missing or read-only, output
  or report equal to the input, report equal to the output).

Outside the tree, :class:`Terminated` (a ``KeyboardInterrupt``) is SIGTERM or SIGHUP
turned into an exception while an output is open, so it unwinds like Ctrl-C.
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator


class HarscrubError(Exception):
    """Base class of every error harscrub raises on purpose."""


class InvalidHarError(HarscrubError):
    """The input is not a valid HAR document."""

    def __init__(self, what: str, *, offset: int | None = None, entry: int | None = None,
                 source: str | None = None) -> None:
        self.what = what
        self.offset = offset
        self.entry = entry
        self.source = source
        super().__init__(self._line())

    def _line(self) -> str:
        where = []
        if self.entry is not None:
            where.append(f"entry {self.entry}")
        if self.offset is not None:
            where.append(f"byte {self.offset}")
        line = f"invalid HAR: {self.what}" + (f" ({', '.join(where)})" if where else "")
        return f"{self.source}: {line}" if self.source else line

    def named(self, source: str) -> InvalidHarError:
        """Name the file this error is about (once: the innermost name wins); returns ``self``."""
        if not self.source and source:
            self.source = source
            self.args = (self._line(),)
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt with its fields, not from its line (a worker process hands errors back pickled).
        return (_rebuild, (type(self), self.what, self.offset, self.entry, self.source))


def _rebuild(cls: type[InvalidHarError], what: str, offset: int | None, entry: int | None,
             source: str | None) -> InvalidHarError:
    return cls(what, offset=offset, entry=entry, source=source)


@contextlib.contextmanager
def about(source: str) -> Iterator[None]:
    """Name ``source`` in every :class:`InvalidHarError` raised inside (see :meth:`InvalidHarError.named`)."""
    try:
        yield
    except InvalidHarError as exc:
        exc.named(source)
        raise


class InputTooLargeError(InvalidHarError):
    """A size cap was exceeded (gzip bomb, one gigantic entry)."""


class RuleError(HarscrubError):
    """A rule file in patterns/ (or given with --rules) is malformed."""


class OutputError(HarscrubError):
    """The output cannot be written where it was asked to go."""


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived while an output was being written (see
    :func:`harscrub.stream.atomic.atomic_output`): it unwinds like Ctrl-C, through every cleanup.
    ``signum`` says which; a command line exits ``128 + signum``."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(f"terminated by signal {signum}")

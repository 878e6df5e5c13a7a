"""The library API: what a support portal or an audit script calls instead of the CLI.

Everything here runs the same pipeline as the command line: :func:`sanitize` feeds an
in-memory HAR through :func:`harscrub.sanitize.sanitize_stream` (one code path, two passes,
the same placeholders and marker), and :func:`check` / :func:`scan` run the checker of
``harscrub check`` (:mod:`harscrub.check`). Nothing here prints, and nothing here imports
typer or rich.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, BinaryIO, Union, cast

from harscrub.engine.check import check_stream
from harscrub.engine.differential import check_against
from harscrub.engine.sanitize import sanitize_file as sanitize_file  # re-exported: the streaming path, as is
from harscrub.engine.sanitize import sanitize_stream as sanitize_stream
from harscrub.engine.scan import CheckOptions
from harscrub.errors import InvalidHarError, about
from harscrub.findings.finding import Finding
from harscrub.findings.results import CheckResult, Report
from harscrub.policy import Policy
from harscrub.stream.decode import decode_json, exact_numbers
from harscrub.stream.source import open_input, wrap_stream
from harscrub.stream.writer import dump

#: An in-memory HAR: the decoded document, or its JSON text (bytes may be gzip-compressed).
HarData = Union[Mapping[str, Any], bytes, bytearray, memoryview, str]
#: What :func:`check` and :func:`scan` read: an in-memory HAR, a HAR file's path, a binary file.
HarSource = Union[HarData, "os.PathLike[str]", BinaryIO]

MEMORY_SOURCE = "<memory>"


@dataclass
class Result:
    """The outcome of :func:`sanitize`: the sanitized HAR, as data and as JSON bytes, and the report.

    ``data`` is byte for byte what ``harscrub sanitize`` would write; ``har`` is it decoded.
    """

    har: dict[str, Any]
    report: Report
    data: bytes = field(repr=False)

    @cached_property
    def parser(self) -> Any:
        """A ``haralyzer.HarParser`` over the sanitized HAR, built on first use.

        Real exports omit fields haralyzer indexes blindly (a response body, a page an entry
        points to), so the parser reads a tolerant view of :attr:`har`: every entry is listed
        under some page, and the sanitized data itself is left untouched.
        """
        from harscrub.haralyzer_view import har_parser  # haralyzer loads only when a caller wants it

        return har_parser(self.har)


def _memory_stream(har: HarData, policy: Policy) -> BinaryIO:
    """The input as a UTF-8 JSON byte stream, through the same gzip/BOM/size checks as a file."""
    if isinstance(har, Mapping):
        try:
            raw = dump(dict(har))
        except (TypeError, ValueError) as exc:
            raise InvalidHarError(f"the HAR dict is not JSON-serializable ({exc.__class__.__name__})") from None
    elif isinstance(har, str):
        raw = har.encode("utf-8", "surrogatepass")
    elif isinstance(har, (bytes, bytearray, memoryview)):
        raw = bytes(har)
    else:
        raise TypeError(f"expected a HAR as dict, bytes or str, not {type(har).__name__}")
    return wrap_stream(io.BytesIO(raw), max_bytes=policy.max_input_bytes)


def sanitize(har: HarData, policy: Policy | None = None) -> Result:
    """Sanitize a HAR held in memory (a dict, or its JSON text as str or bytes, gzip allowed).

    Raises :class:`~harscrub.errors.InvalidHarError` (or another
    :class:`~harscrub.errors.HarscrubError`) when the input is not a readable HAR.
    """
    policy = policy or Policy()
    out = io.BytesIO()
    # The spool holds the redacted but not yet swept document: in memory, it never touches disk.
    report = sanitize_stream(_memory_stream(har, policy), out, policy, source_name=MEMORY_SOURCE, spool=io.BytesIO())
    data = out.getvalue()
    return Result(har=exact_numbers(data, decode_json(data)), report=report, data=data)


@contextlib.contextmanager
def _open_source(source: HarSource, policy: Policy) -> Iterator[tuple[BinaryIO, str]]:
    """A stream of the HAR's JSON bytes (paths, memory and file objects alike) and a name for reports."""
    if _is_path(source):
        path = os.fspath(cast("str | os.PathLike[str]", source))
        with about(str(path)), contextlib.closing(open_input(path, max_bytes=policy.max_input_bytes)) as stream:
            yield stream, str(path)
    elif hasattr(source, "read"):  # an upload, an fsspec file
        name = str(getattr(source, "name", MEMORY_SOURCE))
        borrowed = io.BufferedReader(_Borrowed(cast(BinaryIO, source)))
        with about(name):
            yield wrap_stream(borrowed, name=name, max_bytes=policy.max_input_bytes), name
    else:
        yield _memory_stream(cast(HarData, source), policy), MEMORY_SOURCE


class _Borrowed(io.RawIOBase):
    """The caller's file object, read but never closed: that stays the caller's business."""

    def __init__(self, inner: BinaryIO) -> None:
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self._inner.read(len(b))
        b[: len(data)] = data
        return len(data)


def _is_path(source: HarSource) -> bool:
    """A ``str`` is JSON text when its first non-blank character is ``{`` (every HAR starts so),
    else a path, so that ``check("case.har")`` and ``check(request_body_text)`` both work."""
    return isinstance(source, os.PathLike) or (
        isinstance(source, str) and not source.lstrip("\ufeff \t\r\n").startswith("{")
    )


def check(
    har: HarSource,
    policy: Policy | None = None,
    *,
    against: str | os.PathLike[str] | None = None,
    show_claims: bool = False,
    now: datetime | None = None,
) -> CheckResult:
    """Check a HAR for credentials, as ``harscrub check`` does; no output is written anywhere
    (past a thousand findings, the rest wait in a private temporary file, sealed: see :mod:`harscrub.spill`).

    The result lists each finding (``result.hits``: the :class:`Finding`, its request line
    already sanitized, its line and column) and says whether the file carries an intact
    harscrub marker. JWTs are decoded without verification: a live one ranks ``critical``, an
    expired one ``low`` (``now`` sets the clock they are judged by). Gate an upload on
    ``result.at_or_above("critical")``, as ``--fail-on critical`` does.

    ``against=ORIGINAL`` is ``check --against``: ``har`` (then a path too) is the sanitized
    copy of the file ORIGINAL, and every secret of ORIGINAL still in it, in any encoding, is a
    finding. Bad input raises a :class:`~harscrub.errors.HarscrubError`.
    """
    policy = policy or Policy()
    options = CheckOptions(show_claims=show_claims, now=now)
    if against is not None:
        if not _is_path(har):
            raise TypeError("check(..., against=ORIGINAL) compares two files: give the sanitized copy as a path")
        return check_against(os.fspath(against), os.fspath(cast("str | os.PathLike[str]", har)), policy,
                             options=options)
    with _open_source(har, policy) as (stream, name):
        return check_stream(stream, policy, source_name=name, options=options)


def scan(har: HarSource, policy: Policy | None = None) -> Iterator[Finding]:
    """Yield every secret :func:`check` finds in a HAR (in memory, a path, or a binary file).

    Findings name secrets by rule, place, fingerprint and masked preview, never by value; a
    JWT's finding carries what check decoded of it (``finding.jwt``) and ranks by liveness.
    A file object is read to its end and left open.
    """
    for hit in check(har, policy).hits:
        yield hit.finding

"""The library API: what a support portal or an audit script calls instead of the CLI.

Everything here runs the same pipeline as the command line: :func:`sanitize` feeds an
in-memory HAR through :func:`harscrub.sanitize.sanitize_stream` (one code path, two passes,
the same placeholders and marker), and :func:`scan` / :func:`check` run the checker of
``harscrub check``. Nothing here prints, and nothing here imports typer or rich.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, BinaryIO, Union, cast

from .errors import InvalidHarError
from .findings import Finding, Report
from .fingerprint import Fingerprinter
from .policy import Policy
from .reader import HarReader, Member, RawEntry, decode_json
from .redact import Redactor, Where
from .sanitize import sanitize_file as sanitize_file  # re-exported: the streaming path, as is
from .sanitize import sanitize_stream as sanitize_stream
from .source import open_input, wrap_stream
from .walk import walk_entry, walk_member
from .writer import dump

#: An in-memory HAR: the decoded document, or its JSON text (bytes may be gzip-compressed).
HarData = Union[Mapping[str, Any], bytes, bytearray, memoryview, str]
#: What :func:`scan` reads: an in-memory HAR, the path of a HAR file, or a binary file object.
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
        from .haralyzer_view import har_parser  # haralyzer loads only when a caller wants it

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
    return wrap_stream(io.BytesIO(raw), name="the HAR", max_bytes=policy.max_input_bytes)


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
    return Result(har=decode_json(data), report=report, data=data)


@contextlib.contextmanager
def _open_source(source: HarSource, policy: Policy) -> Iterator[tuple[BinaryIO, str]]:
    """A stream of the HAR's JSON bytes and a name for reports.

    A ``str`` is JSON text when its first non-blank character is ``{`` (every HAR starts so),
    else a path, so that ``scan("case.har")`` and ``scan(request_body_text)`` both work.
    """
    if isinstance(source, os.PathLike) or (isinstance(source, str) and not source.lstrip("\ufeff \t\r\n").startswith("{")):
        path = os.fspath(source)
        with contextlib.closing(open_input(path, max_bytes=policy.max_input_bytes)) as stream:
            yield stream, str(path)
    elif hasattr(source, "read"):  # an upload, an fsspec file: read as it is, never closed here
        yield wrap_stream(cast(BinaryIO, source), name=str(getattr(source, "name", "the stream")),
                          max_bytes=policy.max_input_bytes), str(getattr(source, "name", MEMORY_SOURCE))
    else:
        yield _memory_stream(source, policy), MEMORY_SOURCE


def _walk_findings(stream: BinaryIO, policy: Policy) -> Iterator[Finding]:
    """Every finding of one read of ``stream``, yielded entry by entry."""
    found: list[Finding] = []
    r = Redactor(
        policy.rules,
        fingerprint=Fingerprinter(policy.key),
        jwt_mode=policy.jwt_mode,
        allow=policy.allow,
        on_finding=found.append,
    )
    for event in HarReader(stream, max_entry_bytes=policy.max_entry_bytes):
        if isinstance(event, RawEntry):
            entry = decode_json(event.raw, offset=event.offset, entry=event.index)
            if not isinstance(entry, dict):
                raise InvalidHarError("entry is not an object", offset=event.offset, entry=event.index)
            walk_entry(r, entry, event.index)
        elif isinstance(event, Member):
            if event.top:
                r.named(event.key, event.value, Where(None, (event.key,)))
            elif event.key != "_harscrub":
                walk_member(r, event.key, event.value)
        yield from found
        found.clear()


def scan(har: HarSource, policy: Policy | None = None) -> Iterator[Finding]:
    """Yield every secret in a HAR (in memory, or a file path), as ``harscrub check`` finds them.

    Findings name secrets by rule, place, fingerprint and masked preview, never by value.
    The file is read as the iterator advances, one entry at a time.
    """
    policy = policy or Policy()
    with _open_source(har, policy) as (stream, _name):
        yield from _walk_findings(stream, policy)

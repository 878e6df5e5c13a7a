"""The sanitize pipeline: stream in, walk each entry, redact, record, stream out — twice.

Pass 1 reads the input once, redacts every entry and spools the result to a temporary file,
collecting each secret it found. Pass 2 reads the spool and sweeps every known secret from
every place it appears again (an entry copied without parsing when a byte-level test shows it
holds none), writes the final document and appends the ``log._harscrub`` marker. Neither pass
holds more than one entry in memory; the input is read once, so stdin gets both passes too.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
from pathlib import Path
from typing import Any, BinaryIO, Callable, Sequence

from harscrub.detection.fingerprint import Fingerprinter
from harscrub.engine import marker
from harscrub.engine.place import Where
from harscrub.engine.redactor import Redactor
from harscrub.engine.sweep import Sweeper
from harscrub.engine.walk import walk_entry, walk_member
from harscrub.errors import HarscrubError, InvalidHarError, OutputError, about
from harscrub.findings.finding import Finding
from harscrub.findings.results import Report
from harscrub.policy import Policy
from harscrub.stream.atomic import atomic_output, same_file
from harscrub.stream.decode import decode_json, every_copy, exact_numbers, written_back
from harscrub.stream.reader import EntriesEnd, EntriesStart, HarReader, LogEnd, LogStart, Member, RawEntry
from harscrub.stream.sealed import sealed_tempfile
from harscrub.stream.source import open_input
from harscrub.stream.spill import Spill
from harscrub.stream.writer import HarWriter, dump

Progress = Callable[[int], None]


def _first_pass(
    src: BinaryIO, spool: BinaryIO, r: Redactor, policy: Policy, progress: Progress | None
) -> tuple[int, Any, Sequence[int]]:
    """Redact every entry and member into ``spool``; returns entry count and any old marker."""
    writer = HarWriter(spool)
    previous_marker = None
    reader = HarReader(src, max_entry_bytes=policy.max_entry_bytes)
    for event in reader:
        if isinstance(event, RawEntry):
            entry = event.value if event.value is not None else decode_json(event.raw, offset=event.offset, entry=event.index)
            # Numbers are written back as they were read (1e400, 30 digits, -0, 1.50 included).
            written = written_back(entry)
            entry = exact_numbers(event.raw, entry, offset=event.offset, entry=event.index, written=written)
            if len(every_copy(event.raw, entry, written)) > 1:
                r.note(f"entry {event.index} repeats a member: written with the last copy of each, "
                       "as browsers and most JSON readers read it")
            if not isinstance(entry, dict):
                raise InvalidHarError("entry is not an object", offset=event.offset, entry=event.index)
            try:
                redacted = walk_entry(r, entry, event.index)
            except RecursionError:
                # The reader bounds nesting well below the stack; this catches a caller's deep stack.
                raise InvalidHarError("entry nested too deeply to sanitize", offset=event.offset, entry=event.index) from None
            writer.entry(dump(redacted))
            if progress is not None:
                progress(event.offset + len(event.raw))
        elif isinstance(event, Member):
            if event.top:
                writer.top_member(*walk_member(r, event.key, event.value, ()))
            elif event.key == marker.KEY:
                previous_marker = event.value
            else:
                writer.member(*walk_member(r, event.key, event.value))
        elif isinstance(event, LogStart):
            writer.begin_log()
        elif isinstance(event, EntriesStart):
            writer.begin_entries()
        elif isinstance(event, EntriesEnd):
            writer.end_entries()
        elif isinstance(event, LogEnd):
            writer.end_log()
    writer.close()
    return reader.entries, previous_marker, writer.entry_sizes


def _second_pass(
    spool: BinaryIO, dst: BinaryIO, r: Redactor, report: Report, policy: Policy, entries: int, previous_marker: Any,
    sizes: Sequence[int],
) -> None:
    """Sweep known secrets from the spooled document and write it out with the marker.

    ``sizes`` are the lengths of the entries pass 1 wrote: the reader cuts them by length.
    """
    sweeper = Sweeper(r.known, r.rules)
    writer = HarWriter(dst)
    digest = marker.EntryDigest()
    swept: list[Finding] = []
    for event in HarReader(spool, max_entry_bytes=max(policy.max_entry_bytes * 4, 1 << 30), entry_sizes=sizes):
        # Repeats join the report as they are found (after every finding of pass 1, as before).
        for finding in swept:
            report.add(finding)
        swept.clear()
        if isinstance(event, RawEntry):
            raw = event.raw
            if sweeper.may_hold(raw):
                where = Where(event.index, ("log", "entries", event.index))
                raw = dump(sweeper.entry(exact_numbers(raw, decode_json(raw)), where, swept))
            digest.add(raw)
            writer.entry(raw)
        elif isinstance(event, Member):
            value = sweeper.value(event.value, Where(None, ("log", event.key)), swept)
            (writer.top_member if event.top else writer.member)(event.key, value)
        elif isinstance(event, LogStart):
            writer.begin_log()
        elif isinstance(event, EntriesStart):
            writer.begin_entries()
        elif isinstance(event, EntriesEnd):
            writer.end_entries()
        elif isinstance(event, LogEnd):
            writer.member(
                marker.KEY,
                marker.build(
                    rules_digest=r.rules.digest,
                    jwt_mode=r.jwt_mode,
                    counts=report.by_rule,
                    entries=entries,
                    digest=digest.hexdigest(),
                    previous=previous_marker,
                ),
            )
            writer.end_log()
    for finding in swept:
        report.add(finding)
    writer.close()


def sanitize_stream(
    src: BinaryIO,
    dst: BinaryIO,
    policy: Policy | None = None,
    *,
    source_name: str = "",
    progress: Progress | None = None,
    spool: BinaryIO | None = None,
) -> Report:
    """Sanitize the HAR read from ``src`` (UTF-8 JSON bytes) into ``dst``; return the report.

    Nothing is written to ``dst`` unless the whole input was read and redacted: pass 1 works
    into a private temporary file, so a bad entry halfway through raises before any output.
    ``spool`` replaces that file (an empty ``io.BytesIO()`` keeps the redacted-but-unswept
    document in memory, for callers that must never touch the disk, like ``harscrub serve``).
    """
    policy = policy or Policy()
    # Findings past the first thousand spill to a private temporary file, or to memory when
    # the caller keeps the spool there (it must never touch the disk).
    report = Report(source=source_name, passes=2, findings=Spill(in_memory=spool is not None and _in_memory(spool)))
    r = Redactor(
        policy.rules,
        fingerprint=Fingerprinter(policy.key),
        jwt_mode=policy.jwt_mode,
        allow=policy.allow,
        keep=policy.keep_fingerprints,
        on_finding=report.add,
    )
    # The spool holds redacted but not yet swept entries: sealed under a key held in memory only.
    own = sealed_tempfile("harscrub-spool-") if spool is None else contextlib.nullcontext(spool)
    with own as work:
        entries, previous_marker, sizes = _first_pass(src, work, r, policy, progress)
        r.forget_judgements()  # room for pass 2's sweeper, which grows with the secrets found
        work.seek(0)
        report.entries = entries
        report.notes.extend(r.notes)
        _second_pass(work, dst, r, report, policy, entries, previous_marker, sizes)
    return report


def _in_memory(stream: BinaryIO) -> bool:
    """True for a stream with no file behind it (``io.BytesIO``)."""
    try:
        stream.fileno()
    except (OSError, AttributeError, ValueError):  # io.UnsupportedOperation is both OSError and ValueError
        return True
    return False


def default_output(src: Path) -> Path:
    """``capture.har`` -> ``capture.scrubbed.har`` (``.har.gz`` and ``.json`` alike)."""
    name = src.name
    if not name:  # ".", "..", "/": a folder, never a HAR
        raise HarscrubError(f"{src} is a directory, not a HAR file")
    for suffix in (".har.gz", ".har.json", ".har", ".json", ".gz"):
        if name.lower().endswith(suffix):
            return src.with_name(name[: -len(suffix)] + ".scrubbed.har")
    return src.with_name(name + ".scrubbed.har")


def sanitize_file(
    src: str | Path,
    dst: str | Path | None = None,
    policy: Policy | None = None,
    *,
    in_place: bool = False,
    progress: Progress | None = None,
) -> Report:
    """Sanitize a HAR file (or ``-`` for stdin) into ``dst`` (or ``-`` for stdout), atomically.

    ``dst`` defaults to ``NAME.scrubbed.har`` beside the input. Writing over the input needs
    ``in_place=True``; even then the input is only replaced once the new file is complete. An
    input that is a symbolic link is replaced through the link: the file it points to gets the
    sanitized content and keeps its mode, the link stays. Errors about the input name it.
    """
    policy = policy or Policy()
    src_is_stdin = str(src) == "-"
    if dst is None:
        if src_is_stdin:
            dst = "-"
        else:
            dst = Path(src) if in_place else default_output(Path(src))
    if not src_is_stdin and str(dst) != "-":
        if not in_place and same_file(dst, src):
            raise OutputError(f"refusing to overwrite the input {src}; use --in-place to replace it")
    source_name = "<stdin>" if src_is_stdin else str(src)
    with about(source_name), contextlib.closing(open_input(src, max_bytes=policy.max_input_bytes)) as stream:
        if str(dst) == "-":
            with sealed_tempfile("harscrub-out-") as staged:
                report = sanitize_stream(stream, staged, policy, source_name=source_name, progress=progress)
                staged.seek(0)
                shutil.copyfileobj(staged, sys.stdout.buffer, 1 << 20)
                sys.stdout.buffer.flush()
            return report
        mode_from = None if src_is_stdin else Path(src)
        with atomic_output(Path(dst), mode_from=mode_from) as out:
            return sanitize_stream(stream, out, policy, source_name=source_name, progress=progress)

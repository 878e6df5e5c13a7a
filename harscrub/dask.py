"""Scale-out on Dask: scan or sanitize many HARs, wherever fsspec reaches them.

After a breach the question is which of years of stored attachments still hold usable
credentials; one machine is not enough, and a home-made cluster is one more thing to trust.
This module maps the library over many files with an engine people already run::

    pip install 'harscrub[dask]'

    from harscrub.dask import scan_many, sanitize_many
    bag = scan_many("s3://bucket/cases/**/*.har", storage_options={"anon": False})
    live = bag.filter(lambda row: row["severity"] == "critical").compute()
    sanitize_many("s3://bucket/cases/**/*.har", "s3://bucket/scrubbed/").compute()

Inputs are paths, fsspec URLs or globs (a folder means every ``*.har``, ``*.har.gz`` and
``*.har.json`` under it). Rows hold no secret: file, entry, place, rule, severity and the keyed
fingerprint. Without a key in the policy, one random key is drawn for the whole run, so equal
fingerprints mean the same secret across all files of the run. The computation is lazy and runs
on whatever Dask scheduler is active: threads by default, a distributed cluster when one is set.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import posixpath
import uuid
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Callable, Literal, cast

try:
    import dask.bag as db
    import fsspec
    from fsspec.implementations.local import LocalFileSystem
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ImportError("harscrub.dask needs the dask extra: pip install 'harscrub[dask]'") from exc

from harscrub.api import scan
from harscrub.engine.batch import HAR_SUFFIXES, failure, naming
from harscrub.engine.sanitize import default_output, sanitize_stream
from harscrub.errors import HarscrubError, InvalidHarError
from harscrub.findings.finding import Finding
from harscrub.findings.results import Report
from harscrub.policy import Policy
from harscrub.stream.source import wrap_stream

#: The columns of a finding row: where a secret is and what it is, never the secret.
FINDING_COLUMNS = ("file", "entry", "place", "detail", "rule", "severity", "fingerprint", "error")
#: The columns of a sanitize row: one per input file.
SANITIZE_COLUMNS = ("file", "output", "entries", "secrets", "distinct_secrets", "error")

Errors = Literal["raise", "record"]
UrlPaths = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]


def _name(fs: Any, path: str) -> str:
    """How a file is named in rows: a plain path on the local disk, else its full URL."""
    return path if isinstance(fs, LocalFileSystem) else str(fs.unstrip_protocol(path))


def _expand(urlpath: UrlPaths, storage_options: dict[str, Any] | None) -> list[tuple[Any, str]]:
    """(filesystem, path) of every HAR the paths, URLs, globs and folders name, sorted, each once."""
    patterns = [urlpath] if isinstance(urlpath, (str, os.PathLike)) else list(urlpath)
    found: dict[str, tuple[Any, str]] = {}
    for pattern in patterns:
        fs, _, paths = fsspec.core.get_fs_token_paths(os.fspath(pattern), storage_options=storage_options)
        for path in paths:
            if fs.isdir(path):
                inside = [p for p in fs.find(path) if p.lower().endswith(HAR_SUFFIXES)]
            else:
                inside = [path]
            for p in inside:
                found.setdefault(_name(fs, p), (fs, p))
    if not found:
        # An audit that silently read nothing would look clean: fail closed.
        raise HarscrubError(f"no HAR files found at {', '.join(os.fspath(p) for p in patterns)}")
    return [found[name] for name in sorted(found)]


def har_files(urlpath: UrlPaths, *, storage_options: dict[str, Any] | None = None) -> list[str]:
    """The files :func:`scan_many` and :func:`sanitize_many` would read, as they name them in rows."""
    return [_name(fs, path) for fs, path in _expand(urlpath, storage_options)]


def _run_policy(policy: Policy | None) -> Policy:
    """The run's policy: one key for every file, so fingerprints compare across files."""
    policy = policy or Policy()
    return policy if policy.key is not None else dataclasses.replace(policy, key=os.urandom(32))


@functools.lru_cache(maxsize=8)
def _shared(policy: Policy) -> Policy:
    """One instance per distinct policy in each worker process, so rules compile once, not per file."""
    return policy


def _finding_row(file: str, f: Finding) -> dict[str, Any]:
    return {"file": file, "entry": f.entry, "place": f.pointer, "detail": f.detail, "rule": f.rule,
            "severity": f.severity, "fingerprint": f.fingerprint, "error": None}


def _error_row(columns: Sequence[str], file: str, exc: Exception) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(columns)
    row.update(file=file, error=failure(file, exc))
    return row


def _guarded(columns: Sequence[str], errors: Errors, file: str, work: Callable[[], list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Run one file's work; an unreadable file raises, or becomes one row saying why. Either
    way the error names the file (an unexpected exception becomes a HarscrubError that does)."""
    try:
        return work()
    except Exception as exc:  # noqa: BLE001 - named, then raised or recorded
        if errors == "record":
            return [_error_row(columns, file, exc)]
        if isinstance(exc, InvalidHarError):
            raise exc.named(file)
        if isinstance(exc, HarscrubError):
            exc.args = (naming(file, str(exc)),)
            raise
        if isinstance(exc, OSError):
            if exc.filename is None:
                exc.filename = file
            raise
        raise HarscrubError(failure(file, exc)) from exc


def _scan_one(item: tuple[Any, str], policy: Policy, errors: Errors) -> list[dict[str, Any]]:
    fs, path = item
    file = _name(fs, path)
    policy = _shared(policy)

    def work() -> list[dict[str, Any]]:
        with fs.open(path, "rb") as raw:
            return [_finding_row(file, f) for f in scan(raw, policy)]

    return _guarded(FINDING_COLUMNS, errors, file, work)


def scan_many(
    urlpath: UrlPaths,
    policy: Policy | None = None,
    *,
    storage_options: dict[str, Any] | None = None,
    errors: Errors = "raise",
    npartitions: int | None = None,
) -> db.Bag:
    """A bag of finding rows (dicts with :data:`FINDING_COLUMNS`) over every HAR named.

    ``errors="record"`` turns a file that cannot be read into one row whose ``error`` says why
    (the other fields empty) instead of failing the whole run; the default fails closed.
    """
    policy = _run_policy(policy)
    files = _expand(urlpath, storage_options)
    bag = db.from_sequence(files, npartitions=npartitions or min(len(files), 100))  # type: ignore[no-untyped-call]
    return cast(db.Bag, bag.map(_scan_one, policy=policy, errors=errors).flatten())


def scan_frame(urlpath: UrlPaths, policy: Policy | None = None, **options: Any) -> Any:
    """:func:`scan_many`, computed into a ``pandas.DataFrame`` with one column per field."""
    import pandas

    rows = scan_many(urlpath, policy, **options).compute()  # type: ignore[no-untyped-call]
    frame = pandas.DataFrame.from_records(rows, columns=list(FINDING_COLUMNS))
    frame["entry"] = frame["entry"].astype("Int64")
    return frame


def _write_atomically(fs: Any, target: str, write: Callable[[BinaryIO], Report]) -> Report:
    """Write to a temporary name beside ``target``, then move it there: no partial output.

    On a local disk the move is a rename; on object stores an object only appears once
    complete anyway, and the move is a copy.
    """
    parent = posixpath.dirname(target)
    if parent:
        fs.makedirs(parent, exist_ok=True)
    tmp = posixpath.join(parent, f".{posixpath.basename(target)}.{uuid.uuid4().hex}.harscrub-tmp")
    try:
        with fs.open(tmp, "wb") as out:
            report = write(out)
        fs.mv(tmp, target)
    except BaseException:
        with contextlib.suppress(Exception):
            fs.rm(tmp)
        raise
    return report


def _common_folder(paths: list[str]) -> str:
    """The deepest folder holding every path ("" when they share none, e.g. two buckets)."""
    folders = [posixpath.dirname(p) for p in paths]
    try:
        return posixpath.commonpath(folders)
    except ValueError:  # absolute and relative paths mixed: files from different filesystems
        return ""


def _sanitize_one(item: tuple[Any, str], base: str, out_fs: Any, out_root: str, policy: Policy,
                  errors: Errors) -> list[dict[str, Any]]:
    fs, path = item
    file = _name(fs, path)
    policy = _shared(policy)
    relative = PurePosixPath(posixpath.relpath(path, base) if base else posixpath.basename(path))
    target = str(PurePosixPath(out_root, relative.parent, default_output(Path(relative.name)).name))

    def work() -> list[dict[str, Any]]:
        with fs.open(path, "rb") as raw:
            stream = wrap_stream(raw, name=file, max_bytes=policy.max_input_bytes)
            report = _write_atomically(out_fs, target, lambda out: sanitize_stream(stream, out, policy, source_name=file))
        return [{"file": file, "output": _name(out_fs, target), "entries": report.entries,
                 "secrets": len(report.findings), "distinct_secrets": report.distinct_secrets, "error": None}]

    return _guarded(SANITIZE_COLUMNS, errors, file, work)


def sanitize_many(
    urlpath: UrlPaths,
    output_prefix: str | os.PathLike[str],
    policy: Policy | None = None,
    *,
    storage_options: dict[str, Any] | None = None,
    output_storage_options: dict[str, Any] | None = None,
    errors: Errors = "raise",
    npartitions: int | None = None,
) -> db.Bag:
    """A bag of one row per file (:data:`SANITIZE_COLUMNS`); computing it writes the copies.

    Each input's sanitized copy goes under ``output_prefix`` at its path relative to the
    inputs' common folder, named as ``harscrub sanitize`` names it (``a/x.har`` ->
    ``PREFIX/a/x.scrubbed.har``), written to a temporary name and moved into place.
    """
    policy = _run_policy(policy)
    files = _expand(urlpath, storage_options)
    base = _common_folder([path for _, path in files])
    out_fs, out_root = fsspec.core.url_to_fs(os.fspath(output_prefix), **(output_storage_options or {}))
    bag = db.from_sequence(files, npartitions=npartitions or min(len(files), 100))  # type: ignore[no-untyped-call]
    return cast(db.Bag, bag.map(_sanitize_one, base=base, out_fs=out_fs, out_root=out_root.rstrip("/"),
                                policy=policy, errors=errors).flatten())

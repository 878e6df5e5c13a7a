"""Many files: folders expanded to the HARs under them, checked in order, in worker processes."""

from __future__ import annotations

import dataclasses
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Iterable, Iterator

from harscrub.detection.fingerprint import Fingerprinter
from harscrub.engine.check import check_file
from harscrub.engine.scan import CheckOptions
from harscrub.errors import HarscrubError
from harscrub.findings.results import CheckResult
from harscrub.policy import Policy

#: File names a directory argument expands to.
HAR_SUFFIXES = (".har", ".har.json", ".har.gz")


def expand_paths(paths: Iterable[str | Path]) -> list[str]:
    """Files as given; directories replaced by the HAR files under them, sorted."""
    out: list[str] = []
    for p in paths:
        if str(p) != "-" and Path(p).is_dir():
            found = sorted(
                str(f) for f in Path(p).rglob("*") if f.is_file() and f.name.lower().endswith(HAR_SUFFIXES)
            )
            if not found:
                raise HarscrubError(f"{p}: no .har, .har.json or .har.gz files in this directory")
            out.extend(found)
        else:
            out.append(str(p))
    return out


def naming(path: str, message: str) -> str:
    """``message`` with the file it is about in front, unless it names it already."""
    return message if path in message else f"{path}: {message}"


def failure(path: str, exc: BaseException) -> str:
    """One line for a file that could not be processed: it names the file, never a value read
    from it (an unexpected exception is named by its class: its message may quote the input)."""
    if isinstance(exc, HarscrubError):
        return naming(path, str(exc))
    if isinstance(exc, OSError):
        return naming(path, exc.strerror or exc.__class__.__name__)
    return f"{path}: internal error ({exc.__class__.__name__}); the file was not processed, please report it"


def _check_job(path: str, policy: Policy, key: bytes, options: CheckOptions) -> CheckResult:
    """One file in a worker process; errors come back as a result (exceptions may not pickle).

    Any failure, an unexpected one included, is this file's alone: the others are still checked.
    """
    try:
        return check_file(path, policy, options=options, fingerprint=Fingerprinter(key))
    except Exception as exc:  # noqa: BLE001 - one bad file must not abort a folder
        return CheckResult(source=path, error=failure(path, exc))


def check_many(
    paths: list[str],
    policy: Policy | None = None,
    *,
    options: CheckOptions = CheckOptions(),
    jobs: int = 1,
) -> Iterator[CheckResult]:
    """Check many files, in order, ``jobs`` at a time in worker processes.

    One fingerprint key serves the whole run (the policy's, or a fresh one), so the same
    secret has the same fingerprint in every file. A file that cannot be read yields a
    result with ``error`` set instead of stopping the others.
    """
    policy = policy or Policy()
    key = policy.key or os.urandom(32)
    # A fresh Policy per worker: the parent's holds compiled rules, which do not pickle.
    portable = dataclasses.replace(policy, key=key)
    if jobs <= 1 or len(paths) <= 1:
        for path in paths:
            yield _check_job(path, portable, key, options)
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(paths)), initializer=_start_worker,
                             initargs=(portable, key, options)) as pool:
        yield from pool.map(_worker_job, paths)


#: A worker's policy, key and options, set once when it starts: its files then share one rule
#: set, so its compiled detectors are built once, not once per file.
_WORKER: tuple[Policy, bytes, CheckOptions] | None = None


def _start_worker(policy: Policy, key: bytes, options: CheckOptions) -> None:
    global _WORKER
    _WORKER = (policy, key, options)


def _worker_job(path: str) -> CheckResult:
    assert _WORKER is not None, "worker not started by check_many"
    return _check_job(path, *_WORKER)

"""The leak check: one streaming pass over a HAR with the sanitize rules, nothing written.

``check`` answers the question asked before a HAR goes to a vendor: does this file still hold
a usable credential? :class:`~harscrub.engine.scan.Scanner` does the pass; this module opens
the input and hands back a :class:`~harscrub.findings.results.CheckResult`, which also says
whether the file carries a ``log._harscrub`` marker and whether its entries changed since.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import BinaryIO

from harscrub.detection.fingerprint import Fingerprinter
from harscrub.engine.scan import CheckOptions, Probe, Progress, Scanner
from harscrub.errors import about
from harscrub.findings.results import CheckResult
from harscrub.policy import Policy
from harscrub.stream.source import open_input


def check_stream(
    src: BinaryIO,
    policy: Policy | None = None,
    *,
    source_name: str = "",
    options: CheckOptions = CheckOptions(),
    fingerprint: Fingerprinter | None = None,
    probe: Probe | None = None,
    progress: Progress | None = None,
) -> CheckResult:
    """Check the HAR read from ``src`` (UTF-8 JSON bytes)."""
    scanner = Scanner(policy or Policy(), fingerprint=fingerprint, options=options, probe=probe)
    return scanner.scan(src, source_name=source_name, progress=progress)


def check_file(
    path: str | Path,
    policy: Policy | None = None,
    *,
    options: CheckOptions = CheckOptions(),
    fingerprint: Fingerprinter | None = None,
    probe: Probe | None = None,
    progress: Progress | None = None,
) -> CheckResult:
    """Check one HAR file (``.har``, ``.har.gz``) or ``-`` for stdin."""
    policy = policy or Policy()
    name = "<stdin>" if str(path) == "-" else str(path)
    with about(name), contextlib.closing(open_input(path, max_bytes=policy.max_input_bytes)) as stream:
        return check_stream(stream, policy, source_name=name, options=options, fingerprint=fingerprint,
                            probe=probe, progress=progress)

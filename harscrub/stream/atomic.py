"""Atomic output: a temp file beside the target, renamed into place only when complete.

A crash, an error in the middle of the file or Ctrl-C leaves the target as it was (absent or
the previous version) and no half-written file behind.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator

from harscrub.errors import OutputError


@contextlib.contextmanager
def atomic_output(target: Path, *, mode_from: Path | None = None) -> Iterator[BinaryIO]:
    """Yield a binary file; on success it replaces ``target`` in one rename."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write {target}: folder {folder} does not exist")
    if target.is_dir():
        raise OutputError(f"cannot write {target}: it is a folder")
    if target.exists() and not target.is_file():
        # A device, pipe or socket (/dev/stdout): a rename would replace it with a file.
        raise OutputError(f"cannot write {target}: not a regular file (use -o - for standard output)")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".harscrub-tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write in {folder}: {exc.strerror}") from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        mode = stat.S_IMODE(mode_from.stat().st_mode) if mode_from is not None else 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise

"""Atomic output: a temp file beside the target, renamed into place only when complete.

A crash, an error in the middle of the file, Ctrl-C, SIGTERM or SIGHUP leaves the target as
it was (absent or the previous version) and no half-written file behind:

- the temp file is made and recorded with SIGINT, SIGTERM and SIGHUP held back (delivered just
  after), so a signal that lands as it is created finds the cleanup armed (the race of an
  early Ctrl-C);
- while the output is open, SIGTERM and SIGHUP (which would otherwise end the process on the
  spot) raise :class:`~harscrub.errors.Terminated`, which unwinds through the cleanup like
  Ctrl-C; handlers a program installed itself are left alone, and the previous ones come back
  afterwards. Only the main thread can take signals: elsewhere nothing is installed.

A target that is a symbolic link is written through: the file it points to gets the new
content (and keeps its mode), as a shell redirection would do, and the link stays a link.
:func:`refuse_clobber` stops a report or an output from landing on an input or on another
output of the same run.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
import threading
from pathlib import Path
from types import FrameType
from typing import BinaryIO, Iterable, Iterator

from harscrub.errors import OutputError, Terminated

#: Signals held back while a temp file is created, and turned into an exception while it is open.
HELD = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
TERMINATING = (signal.SIGTERM, signal.SIGHUP)


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold back SIGINT, SIGTERM and SIGHUP until the block ends, then deliver them; main thread only.

    Python runs signal handlers in the main thread whichever thread the kernel picked, so the
    handlers themselves are swapped for ones that only take note (a signal mask would not do:
    another thread may take the signal). Each signal noted is raised again once the previous
    handlers are back, and acts as it would have.
    """
    if not _main_thread():
        yield
        return
    noted: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        noted.append(signum)

    previous = {held: signal.signal(held, note) for held in HELD}
    try:
        yield
    finally:
        for held, handler in previous.items():
            signal.signal(held, handler if handler is not None else signal.SIG_DFL)
        for signum in dict.fromkeys(noted):
            signal.raise_signal(signum)


@contextlib.contextmanager
def terminations_raise() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise :class:`Terminated` (once) instead of killing the process."""
    if not _main_thread():
        yield
        return
    fired: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        if fired:  # a second signal while the first unwinds: the cleanup is already running
            return
        fired.append(signum)
        raise Terminated(signum)

    installed = [signum for signum in TERMINATING if signal.getsignal(signum) == signal.SIG_DFL]
    for signum in installed:
        signal.signal(signum, handler)
    try:
        yield
    finally:
        for signum in installed:
            signal.signal(signum, signal.SIG_DFL)


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when ``a`` and ``b`` name one file: the same path, a link to it, or a hard link."""
    pa, pb = Path(a), Path(b)
    with contextlib.suppress(OSError):
        return os.path.samefile(pa, pb)
    return pa.resolve() == pb.resolve()


def refuse_clobber(target: str | Path | None, *, inputs: Iterable[str | Path | None] = (),
                   outputs: Iterable[str | Path | None] = (), what: str = "the report") -> None:
    """Raise :class:`OutputError` when ``target`` is one of ``inputs`` or ``outputs`` (``-`` and None are skipped).

    Called before any input is read, so a run that would overwrite its own input (``--report
    IN``, ``check -o IN``) or one output with another (``--report`` equal to ``-o``) writes nothing.
    """
    if target is None or str(target) == "-":
        return
    for kind, paths in (("the input", inputs), ("the output", outputs)):
        for path in paths:
            if path is None or str(path) == "-":
                continue
            if same_file(target, path):
                raise OutputError(f"refusing to write {what} to {target}: it is {kind} {path}")


def _through_links(target: Path) -> Path:
    """The file a symbolic link points to (the link itself is never replaced)."""
    return Path(os.path.realpath(target)) if target.is_symlink() else target


@contextlib.contextmanager
def atomic_output(target: Path, *, mode_from: Path | None = None) -> Iterator[BinaryIO]:
    """Yield a binary file; on success it replaces ``target`` in one rename."""
    target = _through_links(Path(target))
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"cannot write {target}: folder {folder} does not exist")
    if target.is_dir():
        raise OutputError(f"cannot write {target}: it is a folder")
    if target.exists() and not target.is_file():
        # A device, pipe or socket (/dev/stdout): a rename would replace it with a file.
        raise OutputError(f"cannot write {target}: not a regular file (use -o - for standard output)")
    with terminations_raise():
        tmp: Path | None = None
        handle: BinaryIO | None = None
        try:
            with signals_held():
                try:
                    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".harscrub-tmp", dir=folder)
                except OSError as exc:
                    raise OutputError(f"cannot write in {folder}: {exc.strerror}") from None
                tmp = Path(tmp_name)
                handle = os.fdopen(fd, "wb", buffering=1 << 20)
            with handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            mode = stat.S_IMODE(mode_from.stat().st_mode) if mode_from is not None else 0o644
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except BaseException:
            if handle is not None:
                with contextlib.suppress(OSError):
                    handle.close()
            if tmp is not None:
                with contextlib.suppress(OSError):
                    tmp.unlink()
            raise

"""Hyperscan, where it is installed: the one import, cached databases and a first-match scan.

Hyperscan runs thousands of patterns over a buffer in one pass, which is what the prefilter
and the sweep need; it has no wheel on some platforms, so everything here says ``None`` (and
its callers fall back) when it is missing. Compiled prefilter databases are cached on disk,
keyed by the patterns and Hyperscan's version, since compiling takes about half a second.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any

try:  # no wheel on some platforms: callers fall back
    import hyperscan as _hyperscan
except ImportError:  # pragma: no cover
    _hyperscan = None  # type: ignore[assignment]

#: The hyperscan module, or None where it is not installed.
hyperscan: Any = _hyperscan


#: Databases built in this process, by their conditions (tests build many redactors).
_DATABASES: dict[tuple[str, ...], Any] = {}
_GROUP_NAME = re.compile(r"(?<!\\)\(\?P<\w+>")


class FirstMatch:
    """A compiled set of patterns and a scan that stops at the first match (Hyperscan's fastest use)."""

    def __init__(self, db: Any) -> None:
        self._db = db
        self._scratch = hyperscan.Scratch(db)
        self._end = -1

    @classmethod
    def build(cls, patterns: tuple[str, ...]) -> "FirstMatch | None":
        """Compiled (or loaded from cache) for RE2-style ``patterns``; None without Hyperscan."""
        if hyperscan is None:
            return None
        db = _DATABASES.get(patterns)
        if db is None:
            db = _database(patterns)
            if db is None:
                return None
            _DATABASES[patterns] = db
        return cls(db)

    def _stop(self, index: int, start: int, end: int, flags: int, context: Any) -> bool:
        self._end = end
        return True  # the first match is all a scan needs

    def first(self, data: Any) -> int:
        """End offset of the first match in ``data`` (bytes or a memoryview), or -1."""
        self._end = -1
        try:
            self._db.scan(data, match_event_handler=self._stop, scratch=self._scratch)
        except hyperscan.ScanTerminated:
            pass
        return self._end

    def fires(self, data: bytes) -> bool:
        return self.first(data) >= 0


class WhichMatch:
    """A compiled set of patterns and a scan that says which of them match (each once)."""

    def __init__(self, db: Any) -> None:
        self._db = db
        self._scratch = hyperscan.Scratch(db)
        self._hits: set[int] = set()

    @classmethod
    def build(cls, patterns: tuple[str, ...]) -> "WhichMatch | None":
        if hyperscan is None:
            return None
        key = ("which",) + patterns
        db = _DATABASES.get(key)
        if db is None:
            db = _database(patterns, single=True)
            if db is None:
                return None
            _DATABASES[key] = db
        return cls(db)

    def _hit(self, index: int, start: int, end: int, flags: int, context: Any) -> None:
        self._hits.add(index)

    def which(self, data: bytes) -> list[int]:
        """Indexes of the patterns that match ``data``, in order."""
        self._hits = set()
        self._db.scan(data, match_event_handler=self._hit, scratch=self._scratch)
        return sorted(self._hits)


def _database(patterns: tuple[str, ...], single: bool = False) -> Any:
    """Compile (about half a second) or load from the user's cache; None if Hyperscan refuses.
    ``single``: each pattern reports its first match only (which patterns match, not where)."""
    flags = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_ALLOWEMPTY | hyperscan.HS_FLAG_MULTILINE
    if single:
        flags |= hyperscan.HS_FLAG_SINGLEMATCH
    expressions = [_GROUP_NAME.sub("(", p).encode("utf-8") for p in patterns]
    digest = hashlib.sha256(repr((hyperscan.__version__, flags, expressions)).encode()).hexdigest()[:32]
    cached = _cache_dir() / f"prefilter-{digest}.hsdb"
    try:
        return hyperscan.loadb(cached.read_bytes(), hyperscan.HS_MODE_BLOCK)
    except Exception:  # no cache yet, or a stale or damaged one: compile
        pass
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        db.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions), flags=flags)
    except Exception:  # a pattern Hyperscan does not read: no prefilter
        return None
    with contextlib.suppress(OSError):
        cached.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cached.parent, prefix=".prefilter-", delete=False) as tmp:
            tmp.write(hyperscan.dumpb(db))
        os.replace(tmp.name, cached)
    return db


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "harscrub"

"""The events :class:`~harscrub.stream.reader.HarReader` yields, in document order (see there)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Member:
    key: str
    value: Any
    top: bool = False


@dataclass(frozen=True, slots=True)
class RawEntry:
    """One entry's exact bytes; ``value`` is the entry decoded, when the reader already had to
    decode it to find where it ends (None otherwise: decode ``raw`` with :func:`decode_json`)."""

    index: int
    raw: bytes
    offset: int
    value: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class LogStart:
    pass


@dataclass(frozen=True, slots=True)
class LogEnd:
    pass


@dataclass(frozen=True, slots=True)
class EntriesStart:
    pass


@dataclass(frozen=True, slots=True)
class EntriesEnd:
    pass


Event = Member | RawEntry | LogStart | LogEnd | EntriesStart | EntriesEnd

"""Where a string sits, and what a format handler may ask of the redactor.

:class:`Where` is the place of a string in the document. :class:`Redacts` is the narrow
surface format handlers (:mod:`harscrub.engine.formats`) and strategies
(:mod:`harscrub.engine.strategies`) call back into: they parse a format and hand every part
back to the redactor to be judged, without importing it, so the redactor can import them.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from functools import lru_cache
from typing import Any, Protocol

from harscrub.detection.detectors import NameDetector, ValueDetector
from harscrub.detection.rules import Rule, RuleSet


def _escape_pointer(part: str | int) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


@lru_cache(maxsize=4096)
def _pointer(path: tuple[str | int, ...]) -> str:
    """JSON pointer of a path; cached, as the secrets of one header or body share their path."""
    return "".join("/" + _escape_pointer(p) for p in path)


class Where:
    """The place of a string in the document: entry index, JSON path, and what it is.

    An immutable value (equal and hashed by its fields). A plain slotted class rather than a
    frozen dataclass: the walker makes one per field of every entry, and this is twice as cheap.
    """

    __slots__ = ("entry", "path", "detail")

    def __init__(self, entry: int | None, path: tuple[str | int, ...], detail: str = "") -> None:
        self.entry = entry
        self.path = path
        self.detail = detail

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Where):
            return NotImplemented
        return (self.entry, self.path, self.detail) == (other.entry, other.path, other.detail)

    def __hash__(self) -> int:
        return hash((self.entry, self.path, self.detail))

    def __repr__(self) -> str:
        return f"Where(entry={self.entry!r}, path={self.path!r}, detail={self.detail!r})"

    @property
    def pointer(self) -> str:
        path = self.path
        if len(path) > 3 and path[1] == "entries" and type(path[2]) is int:
            # Cached by the place inside the entry: one entry's paths never recur in another.
            return f"/{_escape_pointer(path[0])}/entries/{path[2]}{_pointer(path[3:])}"
        return _pointer(path)

    def at(self, *parts: str | int, detail: str | None = None) -> "Where":
        return Where(self.entry, self.path + parts, self.detail if detail is None else detail)

    def sub(self, detail: str) -> "Where":
        """The same string, a finer place inside it (a parameter of a URL, a JSON member)."""
        return Where(self.entry, self.path, f"{self.detail} › {detail}" if self.detail else detail)


class Redacts(Protocol):
    """The redactor as format handlers and strategies see it (:class:`~harscrub.engine.redactor.Redactor`)."""

    rules: RuleSet
    names: NameDetector
    values: ValueDetector
    #: How many values were replaced so far: lets a handler tell whether it changed anything.
    redactions: int

    def secret(self, value: str, rule: Rule, where: Where) -> str:
        """Record ``value`` as a secret found by ``rule``; its placeholder."""
        ...

    def remember(self, value: str, rule: Rule) -> None:
        """A secret derived from another (the password inside Basic credentials): swept, not reported."""
        ...

    def quiet(self, text: str, place: str = "text") -> bool:
        """True when no rule can touch ``text`` read in ``place``."""
        ...

    def prime(self, value: Any) -> bool:
        """Judge every string of a decoded value in one scan; True when all are quiet."""
        ...

    def shapes(self, text: str, where: Where, place: str = "text") -> str:
        """``text`` with every secret shape the value rules find in it replaced."""
        ...

    def text(self, text: str, where: Where, place: str = "text") -> str:
        """Any string: sniffed for the format it is in, then judged."""
        ...

    def member(self, key: Any, value: Any, where: Where, place: str = "param") -> tuple[Any, Any]:
        """A member of an object: its name judged too, and its value under that name."""
        ...

    def any(self, value: Any, where: Where) -> Any:
        """Any decoded JSON value: strings judged, containers walked, keys read as names."""
        ...

    def body(self, text: str, mime: str, where: Where) -> str:
        """A body (or a part of one) in the format its MIME type names."""
        ...

    def collecting(self) -> AbstractContextManager[list[str]]:
        """The secrets recorded while the block runs (to find them again in the text as written)."""
        ...

    def placeholder_of(self, value: str) -> str:
        """The placeholder a recorded secret was given."""
        ...

    def note(self, text: str) -> None:
        """Something the run could only partly judge; goes to the report (never a value)."""
        ...

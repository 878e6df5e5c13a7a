"""The fields of a HAR entry that are its structure, not data: never rewritten, never swept.

Support reads a capture by its timeline (``startedDateTime``, ``time``, ``timings``), its
request lines (``method``, ``httpVersion``) and its outcomes (``status``, sizes). These hold
no secret, and a placeholder in one breaks the file for every HAR tool. A field is kept
only while it has the type HAR 1.2 gives it: anything else in its place is data, judged like
any other value (fail closed).
"""

from __future__ import annotations

from typing import Any

_NUMBER = (int, float)
_TEXT = (str,)

#: Per section of an entry: field name -> the types it keeps verbatim.
ENTRY: dict[str, tuple[type, ...]] = {"startedDateTime": _TEXT, "time": _NUMBER, "pageref": _TEXT}
REQUEST: dict[str, tuple[type, ...]] = {"method": _TEXT, "httpVersion": _TEXT, "headersSize": _NUMBER,
                                        "bodySize": _NUMBER}
RESPONSE: dict[str, tuple[type, ...]] = {"status": _NUMBER, "httpVersion": _TEXT, "headersSize": _NUMBER,
                                         "bodySize": _NUMBER}
CONTENT: dict[str, tuple[type, ...]] = {"size": _NUMBER, "compression": _NUMBER}


def structural(fields: dict[str, tuple[type, ...]], key: str, value: Any) -> bool:
    """True when ``key`` is a structural field of the section and ``value`` has its type."""
    types = fields.get(key)
    return types is not None and isinstance(value, types) and not isinstance(value, bool)


def timings(value: Any) -> bool:
    """``timings``: an object of numbers (``-1`` for a phase that did not apply)."""
    return isinstance(value, dict) and all(
        isinstance(v, _NUMBER) and not isinstance(v, bool) for k, v in value.items() if not k.startswith("_")
    ) and all(isinstance(k, str) for k in value)

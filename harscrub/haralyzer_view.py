"""haralyzer over any legal HAR: a tolerant view of the document, and a parser that lists every entry.

haralyzer indexes fields with ``dict[key]`` that real exports omit or bend: Firefox leaves out
``content.size`` and ``content.text`` for bodies it did not keep, Chrome writes entries whose
``pageref`` names a page that is not in ``pages`` (haralyzer then lists them under no page at
all), a page may lack ``pageTimings``, and entries whose times mix zones cannot be sorted.
Portal code that already uses haralyzer must not crash on such a file, nor silently lose an
entry. So the parser reads a shallow copy of the sanitized document in which each gap is
filled with the HAR 1.2 convention (``-1`` for an unknown size, ``None`` for an omitted body,
a stub page for a dangling ``pageref``); the document itself is never modified.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from functools import cached_property
from typing import Any

from haralyzer import HarEntry, HarPage, HarParser

#: haralyzer's name for the page of entries without a ``pageref``.
UNKNOWN_PAGE = "unknown"
_NO_TIMINGS = {"onContentLoad": -1, "onLoad": -1}
_REQUEST_DEFAULTS: dict[str, Any] = {
    "method": "", "url": "", "httpVersion": "", "headers": [], "cookies": [], "queryString": [],
    "headersSize": -1, "bodySize": -1,
}
_RESPONSE_DEFAULTS: dict[str, Any] = {
    "status": 0, "statusText": "", "httpVersion": "", "headers": [], "cookies": [], "redirectURL": "",
    "headersSize": -1, "bodySize": -1,
}
_CONTENT_DEFAULTS: dict[str, Any] = {"size": -1, "mimeType": "", "text": None}


def _filled(value: Any, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``value`` (an object, else empty) with every missing field set to its default."""
    out = dict(value) if isinstance(value, Mapping) else {}
    for key, default in defaults.items():
        if key not in out:
            out[key] = default.copy() if isinstance(default, (list, dict)) else default
    return out


def _entry_view(entry: Any) -> dict[str, Any]:
    view = dict(entry) if isinstance(entry, Mapping) else {}
    if not isinstance(view.get("pageref"), str) or view["pageref"] == UNKNOWN_PAGE:
        view.pop("pageref", None)
    if not isinstance(view.get("startedDateTime"), str):
        view["startedDateTime"] = ""
    view.setdefault("time", 0)
    view.setdefault("cache", {})
    view.setdefault("timings", {})
    view["request"] = _filled(view.get("request"), _REQUEST_DEFAULTS)
    response = _filled(view.get("response"), _RESPONSE_DEFAULTS)
    response["content"] = _filled(response.get("content"), _CONTENT_DEFAULTS)
    view["response"] = response
    return view


def _page_view(page: Mapping[str, Any]) -> dict[str, Any]:
    view = dict(page)
    view.setdefault("title", "")
    view.setdefault("startedDateTime", "")
    timings = view.get("pageTimings")
    view["pageTimings"] = {**_NO_TIMINGS, **timings} if isinstance(timings, Mapping) else dict(_NO_TIMINGS)
    return view


def tolerant_view(har: Mapping[str, Any]) -> dict[str, Any]:
    """The document as haralyzer can read it: every entry under exactly one page."""
    log = har.get("log")
    log_view = dict(log) if isinstance(log, Mapping) else {}
    entries = log_view.get("entries")
    entry_views = [_entry_view(e) for e in entries] if isinstance(entries, list) else []
    pages: dict[str, dict[str, Any]] = {}
    declared = log_view.get("pages")
    for page in declared if isinstance(declared, list) else []:
        page_id = page.get("id") if isinstance(page, Mapping) else None
        if isinstance(page_id, str) and page_id != UNKNOWN_PAGE and page_id not in pages:
            pages[page_id] = _page_view(page)
    for entry in entry_views:
        ref = entry.get("pageref")
        if ref is not None and ref not in pages:
            pages[ref] = _page_view({"id": ref, "startedDateTime": entry["startedDateTime"]})
    log_view["entries"] = entry_views
    log_view["pages"] = list(pages.values())
    return {"log": log_view}


def _start(entry: Any) -> datetime.datetime | None:
    """An entry's start time, or None when haralyzer cannot parse it."""
    try:
        start = entry.startTime
    except (ValueError, OverflowError, TypeError):
        return None
    return start if isinstance(start, datetime.datetime) else None


def _utc(start: datetime.datetime) -> float:
    """A sort key that orders zoned and zone-less times together (zone-less read as UTC)."""
    return (start if start.tzinfo else start.replace(tzinfo=datetime.timezone.utc)).timestamp()


class _Page(HarPage):  # type: ignore[misc]  # haralyzer ships no type hints
    @cached_property
    def entries(self) -> list[Any]:
        """haralyzer's page entries, in time order when every time parses, without its sort crash."""
        listed = [
            HarEntry(e) for e in self.parser.har_data["entries"] if e.get("pageref", UNKNOWN_PAGE) == self.page_id
        ]
        starts = [_start(e) for e in listed]
        if all(s is not None for s in starts):
            order = sorted(range(len(listed)), key=lambda i: _utc(starts[i]))  # type: ignore[arg-type]
            return [listed[i] for i in order]
        return listed

    @cached_property
    def url(self) -> str | None:
        """The first entry's URL; None for a page without entries (haralyzer raises IndexError)."""
        return str(self.entries[0].request.url) if self.entries else None

    @cached_property
    def hostname(self) -> str | None:
        """The first entry's ``Host`` header; None for a page without entries."""
        return HarPage.hostname.func(self) if self.entries else None


class _Parser(HarParser):  # type: ignore[misc]  # haralyzer ships no type hints
    @property
    def pages(self) -> list[Any]:
        """Every page, with the ``unknown`` page first when an entry has no ``pageref``."""
        pages = []
        if any("pageref" not in e for e in self.har_data["entries"]):
            pages.append(_Page(UNKNOWN_PAGE, har_parser=self))
        pages.extend(_Page(p["id"], har_parser=self) for p in self.har_data["pages"])
        return pages


def har_parser(har: Mapping[str, Any]) -> Any:
    """A ``haralyzer.HarParser`` over a tolerant view of ``har`` (which it never modifies)."""
    return _Parser(tolerant_view(har))

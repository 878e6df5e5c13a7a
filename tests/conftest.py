"""Shared test fixtures and settings.

Hypothesis profiles: ``default`` (CI and local runs) and ``nightly`` (many more examples),
picked with the ``HYPOTHESIS_PROFILE`` environment variable::

    HYPOTHESIS_PROFILE=nightly python -m pytest tests/test_properties.py tests/test_fuzz.py

Tests that want a number of examples relative to the profile use :func:`examples`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jsonschema
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "har-corpus"

#: The main property runs ``max_examples`` of the profile; smaller properties a fraction of it.
settings.register_profile(
    "default",
    max_examples=1000,
    deadline=None,  # shared CI machines stall; time is bounded by example counts, not per-example clocks
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "nightly",
    max_examples=20000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def examples(fraction: float) -> int:
    """A share of the current profile's example count (at least 10)."""
    return max(10, int(settings.default.max_examples * fraction))


# -- HAR 1.2 validity ------------------------------------------------------------------------------
_NV = {"type": "object", "required": ["name", "value"], "properties": {"name": {"type": "string"}, "value": {"type": "string"}}}
_NUM = {"type": "number"}

#: The required members of HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) and their types.
HAR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["log"],
    "properties": {
        "log": {
            "type": "object",
            "required": ["version", "creator", "entries"],
            "properties": {
                "version": {"type": "string"},
                "creator": {"type": "object", "required": ["name", "version"]},
                "pages": {"type": "array", "items": {"type": "object", "required": ["startedDateTime", "id", "title"]}},
                "entries": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["startedDateTime", "time", "request", "response", "cache", "timings"],
                        "properties": {
                            "startedDateTime": {"type": "string"},
                            "time": _NUM,
                            "request": {
                                "type": "object",
                                "required": ["method", "url", "httpVersion", "cookies", "headers", "queryString",
                                             "headersSize", "bodySize"],
                                "properties": {
                                    "method": {"type": "string"},
                                    "url": {"type": "string"},
                                    "cookies": {"type": "array", "items": _NV},
                                    "headers": {"type": "array", "items": _NV},
                                    "queryString": {"type": "array", "items": _NV},
                                    "postData": {"type": "object", "required": ["mimeType"]},
                                    "headersSize": _NUM,
                                    "bodySize": _NUM,
                                },
                            },
                            "response": {
                                "type": "object",
                                "required": ["status", "statusText", "httpVersion", "cookies", "headers", "content",
                                             "redirectURL", "headersSize", "bodySize"],
                                "properties": {
                                    "status": _NUM,
                                    "cookies": {"type": "array", "items": _NV},
                                    "headers": {"type": "array", "items": _NV},
                                    "content": {"type": "object", "required": ["size", "mimeType"]},
                                    "redirectURL": {"type": "string"},
                                },
                            },
                            "cache": {"type": "object"},
                            "timings": {"type": "object", "required": ["send", "wait", "receive"]},
                        },
                    },
                },
            },
        },
    },
}
_VALIDATOR = jsonschema.Draft7Validator(HAR_SCHEMA)


def har_errors(doc: Any) -> list[str]:
    """Where ``doc`` breaks HAR 1.2 (empty when it is a valid HAR)."""
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:120]}" for e in _VALIDATOR.iter_errors(doc)]


def entries_of(doc: dict[str, Any]) -> list[Any]:
    return list(doc["log"]["entries"])


def non_entry_members(doc: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Names of the members of the root and of ``log`` other than entries and the marker, in order."""
    return [k for k in doc], [k for k in doc["log"] if k not in ("entries", "_harscrub")]


def make_entry(index: int = 0, **request: Any) -> dict[str, Any]:
    """A complete HAR 1.2 entry; ``request`` members replace the defaults."""
    req: dict[str, Any] = {
        "method": "GET",
        "url": f"https://app.example.com/api/items/{index}?page=2",
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": [{"name": "Accept", "value": "application/json"}],
        "queryString": [{"name": "page", "value": "2"}],
        "headersSize": -1,
        "bodySize": 0,
    }
    req.update(request)
    return {
        "startedDateTime": "2026-11-01T10:00:00.000Z",
        "time": 12.5 + index,
        "request": req,
        "response": {
            "status": 200,
            "statusText": "OK",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"size": 11, "mimeType": "application/json", "text": '{"ok": true}'},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": 11,
        },
        "cache": {},
        "timings": {"send": 1, "wait": 10, "receive": 1.5},
    }


def make_har(*entries: dict[str, Any], **log: Any) -> dict[str, Any]:
    return {"log": {"version": "1.2", "creator": {"name": "harscrub-tests", "version": "1"}, **log,
                    "entries": list(entries)}}

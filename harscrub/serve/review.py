"""The review of one upload: each distinct secret that was removed, named, never shown.

A row per fingerprint: its kind (rule), severity, whether it was found by its shape or only by
its place (``strong``), how often and where (the first few places), and the masked preview.
Place labels are the engine's (``header "cookie" › cookie "sid"``) run once more through the
rules, because a name can itself be a token (a JWT used as a query parameter's name).

Reviews are held in memory for a short while (:class:`ReviewStore`), so the page can fetch a
review after the sanitized file arrived and the userscript can link to one; both the number of
reviews and the size of each are bounded.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Iterable

from harscrub.detection.fingerprint import FINGERPRINT_HEX, Fingerprinter
from harscrub.detection.rules import SEVERITIES
from harscrub.engine.place import Where
from harscrub.engine.redactor import Redactor
from harscrub.errors import HarscrubError
from harscrub.findings.finding import Finding
from harscrub.policy import Policy

#: Distinct secrets listed in one review (the rest are counted); places listed per secret.
MAX_SECRETS = 2000
PLACES_PER_SECRET = 5
ENTRIES_PER_SECRET = 50
PLACE_CHARS = 160
#: Fingerprints one ``?keep=`` may name.
MAX_KEEP = MAX_SECRETS
#: Reviews held at once, and for how long (seconds).
MAX_REVIEWS = 16
REVIEW_TTL = 15 * 60

_FINGERPRINT = re.compile(rf"[0-9a-f]{{{FINGERPRINT_HEX}}}")
_REVIEW_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")


def parse_keep(raw: str | None) -> frozenset[str]:
    """``FP,FP,…`` from the query string; anything that is not a fingerprint is an error."""
    if not raw:
        return frozenset()
    words = [w.strip().lower() for w in raw.split(",") if w.strip()]
    if len(words) > MAX_KEEP:
        raise HarscrubError(f"keep names {len(words)} fingerprints; at most {MAX_KEEP}")
    bad = next((w for w in words if not _FINGERPRINT.fullmatch(w)), None)
    if bad is not None:
        raise HarscrubError(f"keep takes fingerprints ({FINGERPRINT_HEX} hex digits) separated by commas")
    return frozenset(words)


@dataclass
class _Secret:
    fingerprint: str
    preview: str
    length: int
    rules: dict[str, int] = field(default_factory=dict)
    severity: str = "low"
    rule: str = ""
    strong: bool = False
    count: int = 0
    places: list[tuple[int | None, str]] = field(default_factory=list)
    more_places: int = 0
    entries: list[int] = field(default_factory=list)
    in_entries: set[int] = field(default_factory=set)

    def add(self, f: Finding, label: str) -> None:
        self.count += 1
        self.rules[f.rule] = self.rules.get(f.rule, 0) + 1
        rank = SEVERITIES.index(f.severity)
        if not self.rule or rank > SEVERITIES.index(self.severity):
            self.severity, self.rule = f.severity, f.rule
        self.strong = self.strong or f.strong
        place = (f.entry, label)
        if place not in self.places:
            if len(self.places) < PLACES_PER_SECRET:
                self.places.append(place)
            else:
                self.more_places += 1
        if f.entry is not None and f.entry not in self.in_entries:
            self.in_entries.add(f.entry)
            if len(self.entries) < ENTRIES_PER_SECRET:
                self.entries.append(f.entry)

    def to_dict(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint, "rule": self.rule, "severity": self.severity, "strong": self.strong,
            "count": self.count, "preview": self.preview, "length": self.length,
            "rules": dict(sorted(self.rules.items(), key=lambda kv: -kv[1])),
            "places": [{"entry": e, "where": w} for e, w in self.places], "more_places": self.more_places,
            "entries": self.entries, "entry_count": len(self.in_entries),
        }


class _Labels:
    """Place labels through the rules once more (each distinct label once): a name that is a
    token shows as its placeholder, under the run's key, so it matches the file."""

    def __init__(self, policy: Policy) -> None:
        self._redactor = Redactor(policy.rules, fingerprint=Fingerprinter(policy.key), allow=policy.allow)
        self._seen: dict[str, str] = {}
        self._nowhere = Where(None, ())

    def __call__(self, f: Finding) -> str:
        raw = f.detail or f.pointer
        label = self._seen.get(raw)
        if label is None:
            label = str(self._redactor.any(raw, self._nowhere))
            if len(label) > PLACE_CHARS:
                label = label[: PLACE_CHARS - 1] + "…"
            if len(self._seen) < 100_000:
                self._seen[raw] = label
        return label


def build_review(findings: Iterable[Finding], policy: Policy) -> dict[str, Any]:
    """The distinct secrets of a run, the most severe first, then the most frequent."""
    labels = _Labels(policy)
    by_fp: dict[str, _Secret] = {}
    for f in findings:
        row = by_fp.get(f.fingerprint)
        if row is None:
            row = by_fp[f.fingerprint] = _Secret(f.fingerprint, f.preview, f.length)
        row.add(f, labels(f))
    rows = sorted(by_fp.values(), key=lambda r: (-SEVERITIES.index(r.severity), -r.count, r.rule, r.fingerprint))
    return {
        "secrets": [r.to_dict() for r in rows[:MAX_SECRETS]],
        "more_secrets": max(0, len(rows) - MAX_SECRETS),
    }


class ReviewStore:
    """Reviews by random id, for ``REVIEW_TTL`` seconds, at most ``MAX_REVIEWS`` (oldest go first)."""

    def __init__(self, limit: int = MAX_REVIEWS, ttl: float = REVIEW_TTL) -> None:
        self._items: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._lock = threading.Lock()
        self.limit = limit
        self.ttl = ttl

    def put(self, review: dict[str, Any]) -> str:
        body = json.dumps(review, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        key = secrets.token_urlsafe(16)
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            self._items[key] = (now, body)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)
        return key

    def get(self, key: str) -> bytes | None:
        if not _REVIEW_ID.fullmatch(key):
            return None
        with self._lock:
            self._expire(time.monotonic())
            item = self._items.get(key)
        return item[1] if item else None

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def _expire(self, now: float) -> None:
        while self._items:
            key, (born, _) = next(iter(self._items.items()))
            if now - born <= self.ttl:
                break
            del self._items[key]

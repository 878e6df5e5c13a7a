"""Detectors: where a rule set meets a string.

:class:`ValueDetector` finds secret *shapes* inside any text with every ``value`` rule at once
(an RE2 set tells which rules can match; only those run to find spans). :class:`NameDetector`
decides whether a field *name* makes its value a secret. Both are compiled once per run and
know nothing of HAR structure or of how a secret is replaced: that is ``walk`` and ``redact``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable
from urllib.parse import unquote

import re2

from harscrub.detection.candidates import Candidates
from harscrub.detection.rules import Rule, RuleSet
from harscrub.detection.specificity import entropy
from harscrub.detection.validators import VALIDATORS

#: No value rule can match a string shorter than this; skipping them is the cheapest win.
MIN_SECRET_TEXT = 8

#: Placeholders written by harscrub; never redacted again (sanitizing twice changes nothing).
#: A JWT whose signature was replaced (``--jwt strip-signature``) counts as a placeholder too.
PLACEHOLDER = re2.compile(r"(?:eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.)?\[REDACTED(?::[a-z0-9.-]{1,64}:[0-9a-f]{6,16})?\]")


def is_placeholder_only(value: str) -> bool:
    """True when nothing but placeholders and separators is left of a value.

    A placeholder in a URL's user info is written percent-encoded (``%5BREDACTED%3A…%5D``) so
    the URL still parses; in that spelling it is a placeholder too, or ``check`` would flag
    sanitize's own output and a second sanitize would replace it."""
    if "[REDACTED" not in value:  # every placeholder holds it: the common answer, without a regex
        if "%5BREDACTED" not in value and "%5bREDACTED" not in value:
            return False
        value = unquote(value)
    rest = PLACEHOLDER.sub("", value)
    return len(rest) < len(value) and not rest.strip(" \t,;:=\"'")


@dataclass(frozen=True, slots=True)
class Detection:
    """One secret found in a text: which rule, and where (character offsets)."""

    rule: Rule
    start: int
    end: int


def detect(rule: Rule, text: str, metadata: Callable[[str], bool] | None = None) -> list[Detection]:
    """Every secret one value rule finds in ``text``, after its entropy and validator checks.

    A rule that finds a value by the key before it names that key ``(?P<name>…)``; with
    ``metadata`` (the keep rules), a key that only describes a credential (``token_type:
    "Bearer"``) finds nothing, as it would as a field name."""
    group = rule.secret_group
    name_group = int(rule.compiled.groupindex.get("name", 0)) if metadata is not None else 0
    found = []
    for m in rule.compiled.finditer(text):
        start, end = m.span(group)
        if start < 0 or end <= start:
            continue
        if name_group and metadata is not None:
            name_start, name_end = m.span(name_group)
            if name_start >= 0 and metadata(text[name_start:name_end]):
                continue
        secret = text[start:end]
        if is_placeholder_only(secret):
            continue
        if rule.min_entropy and entropy(secret) < rule.min_entropy:
            continue
        if rule.validate and not VALIDATORS[rule.validate](secret):
            continue
        found.append(Detection(rule, start, end))
    return found


class ValueDetector:
    """Finds secret shapes in text with every value rule of a rule set."""

    def __init__(self, rules: tuple[Rule, ...], metadata: Callable[[str], bool] | None = None) -> None:
        self._metadata = metadata
        self._members: dict[str, list[Rule]] = {}
        self._sets: dict[str, Any] = {}
        self._candidates: dict[str, Candidates] = {}
        for place in ("text", "url", "link"):
            members = [r for r in rules if place in r.places or (place == "url" and "text" in r.places)]
            if not members:
                continue
            self._members[place] = members
            candidates = Candidates(tuple(members))
            if candidates.usable:
                self._candidates[place] = candidates

    def _rset(self, place: str) -> Any:
        """The RE2 set of a place's rules, compiled on first need: with Hyperscan's candidates
        it answers only for text RE2's case folding may match differently (a third of a
        second of start-up otherwise spent on every run)."""
        rset = self._sets.get(place)
        if rset is None:
            rset = re2.Set.SearchSet()
            for rule in self._members[place]:
                rset.Add(rule.pattern)
            rset.Compile()
            self._sets[place] = rset
        return rset

    def find(self, text: str, place: str = "text") -> list[Detection]:
        """Non-overlapping detections in ``text``, in order; specific rules win ties."""
        if len(text) < MIN_SECRET_TEXT or place not in self._members:
            return []
        members = self._members[place]
        candidates = self._candidates.get(place)
        hits = candidates.of(text) if candidates is not None else None
        if hits is None:
            hits = self._rset(place).Match(text)
        if not hits:
            return []
        # in rule order, so that of two rules finding the same span the same one wins each time
        found = [d for index in sorted(hits) for d in detect(members[index], text, self._metadata)]
        if len(found) > 1:
            found.sort(key=lambda d: (d.start, d.start - d.end, d.rule.priority))
            kept: list[Detection] = []
            for d in found:
                if kept and d.start < kept[-1].end:
                    continue
                kept.append(d)
            found = kept
        return found

    def classify(self, secret: str) -> Rule | None:
        """The value rule whose match covers all of ``secret``, if any (a JWT in a header)."""
        for d in self.find(secret):
            if d.start == 0 and d.end == len(secret):
                return d.rule
        return None


class NameDetector:
    """Decides whether a field name makes its value a secret, per kind of place."""

    def __init__(self, rules: RuleSet) -> None:
        self._name_rules = rules.name_rules
        self._keep = [r.compiled for r in rules.keep_rules]
        self.classify = lru_cache(maxsize=65536)(self._classify)

    def is_metadata(self, name: str) -> bool:
        """A name that looks credential-like but carries metadata about one (``token_type``)."""
        return any(k.search(name) for k in self._keep)

    def _classify(self, name: str, place: str) -> Rule | None:
        if is_placeholder_only(name):
            return None  # a name harscrub already replaced: what it named is unknown, not secret
        if place != "cookie" and self.is_metadata(name):
            return None
        for rule in self._name_rules:
            if place in rule.places and rule.compiled.search(name):
                return rule
        return None

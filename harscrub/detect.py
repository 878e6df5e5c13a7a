"""Detectors: where a rule set meets a string.

:class:`ValueDetector` finds secret *shapes* inside any text with every ``value`` rule at once
(an RE2 set tells which rules can match; only those run to find spans). :class:`NameDetector`
decides whether a field *name* makes its value a secret. Both are compiled once per run and
know nothing of HAR structure or of how a secret is replaced: that is ``walk`` and ``redact``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import zlib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import re2

from .rules import Rule, RuleSet

#: No value rule can match a string shorter than this; skipping them is the cheapest win.
MIN_SECRET_TEXT = 8

#: Placeholders written by harscrub; never redacted again (sanitizing twice changes nothing).
#: A JWT whose signature was replaced (``--jwt strip-signature``) counts as a placeholder too.
PLACEHOLDER = re2.compile(r"(?:eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.)?\[REDACTED(?::[a-z0-9.-]{1,64}:[0-9a-f]{6,16})?\]")


def is_placeholder_only(value: str) -> bool:
    """True when nothing but placeholders and separators is left of a value."""
    if "[REDACTED" not in value:  # every placeholder holds it: the common answer, without a regex
        return False
    rest = PLACEHOLDER.sub("", value)
    return len(rest) < len(value) and not rest.strip(" \t,;:=\"'")


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    if not text:
        return 0.0
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values())


def _base64_credentials(secret: str) -> bool:
    """Basic auth: base64 that decodes to printable ``user:password``."""
    try:
        raw = base64.b64decode(secret + "=" * (-len(secret) % 4), validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return False
    return ":" in text and text.isprintable()


_CODE = re2.compile(r"^(?:[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+|true|false|null|none|undefined|this|new|void|function|string|text|include|omit|same-origin)$")


def _not_code(secret: str) -> bool:
    """Script values that are code, not data: ``t.token``, ``undefined``, ``"text"``."""
    return _CODE.match(secret.lower() if secret.isalpha() else secret) is None


def _random_token(secret: str) -> bool:
    """Looks generated, not written: has a digit, or mixes cases (``authenticity_token`` does not)."""
    return len(secret) >= 8 and (any(c.isdigit() for c in secret) or (secret.lower() != secret and secret.upper() != secret))


def _luhn(secret: str) -> bool:
    """A payment card number: 13 to 19 digits once spaces and dashes are dropped, Luhn-valid."""
    digits = secret.replace(" ", "").replace("-", "")
    if not (13 <= len(digits) <= 19 and digits.isascii() and digits.isdigit()):
        return False
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = ord(c) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _number(digits: str, alphabet: str) -> int | None:
    """``digits`` read as a number in the base of ``alphabet`` (most significant first)."""
    value = 0
    for c in digits:
        digit = alphabet.find(c)
        if digit < 0:
            return None
        value = value * len(alphabet) + digit
    return value


def _crc32_base62(secret: str) -> bool:
    """GitHub and npm token format: ``prefix_`` + random part + the CRC32 of the random part,
    in six base62 digits (zero-padded)."""
    _, sep, rest = secret.partition("_")
    if not sep or len(rest) < 7 or not rest.isascii():
        return False
    return _number(rest[-6:], _BASE62) == zlib.crc32(rest[:-6].encode("ascii"))


def _base58check(secret: str) -> bool:
    """Base58Check (Bitcoin keys): the last four bytes are the double SHA-256 of the rest."""
    value = _number(secret, _BASE58) if 0 < len(secret) <= 200 else None
    if value is None:
        return False
    raw = b"\0" * (len(secret) - len(secret.lstrip("1"))) + value.to_bytes((value.bit_length() + 7) // 8, "big")
    if len(raw) < 5:
        return False
    payload, check = raw[:-4], raw[-4:]
    return hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] == check


_JWT_TEXT = re2.compile(r"^eyJ[A-Za-z0-9_-]{2,}={0,2}(?:\.[A-Za-z0-9_-]*={0,2}){2,4}$")


def _base64_jwt(secret: str) -> bool:
    """Base64 (either alphabet, padded or not) of a JWT or JWE: a token wrapped once more."""
    data = secret.rstrip("=").replace("-", "+").replace("_", "/")
    if len(data) % 4 == 1:
        return False
    try:
        text = base64.b64decode(data + "=" * (-len(data) % 4), validate=True).decode("ascii")
    except (binascii.Error, ValueError):
        return False
    return _JWT_TEXT.match(text.strip()) is not None


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "base64-credentials": _base64_credentials,
    "not-code": _not_code,
    "random-token": _random_token,
    "luhn": _luhn,
    "crc32-base62": _crc32_base62,
    "base58check": _base58check,
    "base64-jwt": _base64_jwt,
}


@dataclass(frozen=True, slots=True)
class Detection:
    """One secret found in a text: which rule, and where (character offsets)."""

    rule: Rule
    start: int
    end: int


def detect(rule: Rule, text: str) -> list[Detection]:
    """Every secret one value rule finds in ``text``, after its entropy and validator checks."""
    group = rule.secret_group
    found = []
    for m in rule.compiled.finditer(text):
        start, end = m.span(group)
        if start < 0 or end <= start:
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

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        from .prefilter import Candidates

        self._rules = rules
        self._sets: dict[str, tuple[Any, list[Rule]]] = {}
        self._candidates: dict[str, Candidates] = {}
        for place in ("text", "url"):
            members = [r for r in rules if place in r.places or (place == "url" and "text" in r.places)]
            if not members:
                continue
            rset = re2.Set.SearchSet()
            for rule in members:
                rset.Add(rule.pattern)
            rset.Compile()
            self._sets[place] = (rset, members)
            candidates = Candidates(tuple(members))
            if candidates.usable:
                self._candidates[place] = candidates

    def find(self, text: str, place: str = "text") -> list[Detection]:
        """Non-overlapping detections in ``text``, in order; specific rules win ties."""
        if len(text) < MIN_SECRET_TEXT or place not in self._sets:
            return []
        rset, members = self._sets[place]
        candidates = self._candidates.get(place)
        hits = candidates.of(text) if candidates is not None else None
        if hits is None:
            hits = rset.Match(text)
        if not hits:
            return []
        # in rule order, so that of two rules finding the same span the same one wins each time
        found = [d for index in sorted(hits) for d in detect(members[index], text)]
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

    def _classify(self, name: str, place: str) -> Rule | None:
        if place != "cookie" and any(k.search(name) for k in self._keep):
            return None
        for rule in self._name_rules:
            if place in rule.places and rule.compiled.search(name):
                return rule
        return None

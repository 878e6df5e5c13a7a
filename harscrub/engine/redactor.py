"""The redactor: turns detections into placeholders and records each one.

One :class:`Redactor` lives for one run. It owns what must be the same everywhere in a run
(the fingerprint key, the JWT policy, the secrets seen so far) and exposes three verbs the
walker and the format handlers use:

- :meth:`Redactor.secret`: replace a whole value known to be a secret;
- :meth:`Redactor.named`: a ``name = value`` pair (header, parameter, JSON member);
- :meth:`Redactor.text`: any string: sniff its format (URL, JSON, base64 text) and redact
  what the value rules find in it.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any, Callable, Iterator

import re2

from harscrub.detection.detectors import NameDetector, ValueDetector, is_placeholder_only
from harscrub.detection.fingerprint import Fingerprinter, mask, placeholder
from harscrub.detection.prefilter import Prefilter
from harscrub.detection.rules import Rule, RuleSet
from harscrub.detection.specificity import Scope, is_random, scope
from harscrub.engine import formats, strategies
from harscrub.engine.formats.base64 import redact_base64_runs
from harscrub.engine.formats.escapes import redact_escaped
from harscrub.engine.formats.url import redact_embedded
from harscrub.engine.place import Where
from harscrub.findings.finding import Finding, Known
from harscrub.policy import JwtMode

#: Formats nest (a URL in a JSON string in a form field …); deeper than this, only shapes.
MAX_FORMAT_DEPTH = 6
_JWT_PARTS = re2.compile(r"^(eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.)")


FindingHook = Callable[[Finding, str], None]
#: Judged strings remembered, at most (then forgotten all at once), and up to what length.
_QUIET_CACHE = 1 << 14
_QUIET_CACHED_LENGTH = 512
_LOUD = (False, False)
_UNSEEN: Any = object()


class Redactor:
    """Per-run redaction state and the verbs that apply rules to values."""

    def __init__(
        self,
        rules: RuleSet,
        *,
        fingerprint: Fingerprinter | None = None,
        jwt_mode: JwtMode = "drop",
        allow: frozenset[str] = frozenset(),
        keep: frozenset[str] = frozenset(),
        on_finding: Callable[[Finding], None] | None = None,
        inspect_secret: FindingHook | None = None,
    ) -> None:
        self.rules = rules
        self.values, self.names, self.prefilter = _detectors(rules)
        #: String -> (no rule can touch it as text, nor even as a URL): see :mod:`prefilter`.
        self._quiet: dict[str, tuple[bool, bool]] = {}
        self.fingerprint = fingerprint or Fingerprinter()
        self.jwt_mode = jwt_mode
        self.allow = allow
        #: Fingerprints of secrets left as they are (reviewed and kept by the user).
        self.keep = keep
        self._on_finding = on_finding
        self._inspect = inspect_secret
        #: Every secret redacted in this run, for the sweep pass.
        self.known: dict[str, Known] = {}
        #: How many values were replaced so far: lets a format handler tell if it changed anything.
        self.redactions = 0
        self._depth = 0
        #: Secret -> (fingerprint, masked preview, random?), worked out once per distinct secret.
        self._named: dict[str, tuple[str, str, bool]] = {}
        #: The value rule a secret found by its name matches whole (a JWT in a cookie), by value.
        self._shapes_of: dict[str, Rule | None] = {}
        #: Lists that each secret recorded is also appended to, while a handler collects them.
        self._collectors: list[list[str]] = []
        #: What the run could only partly judge (a body too large to inflate): for the report.
        self.notes: list[str] = []

    # -- the one place a secret becomes a placeholder -------------------------------------------
    def secret(self, value: str, rule: Rule, where: Where) -> str:
        """Record ``value`` as a secret found by ``rule`` at ``where``; return its replacement."""
        if not value or value in self.allow or is_placeholder_only(value):
            return value
        doubtless = rule.doubtless
        if rule.match == "name":
            shape = self._shapes_of.get(value, _UNSEEN)
            if shape is _UNSEEN:
                shape = self._shapes_of[value] = self.values.classify(value)
            rule = shape or rule
        named = self._named.get(value)
        if named is None:
            seen = self.known.get(value)
            named = self._named[value] = (seen.fingerprint if seen is not None else self.fingerprint(value), mask(value),
                                          is_random(value))
        fp, preview, random = named
        if fp in self.keep:
            return value
        strong = (rule.match == "value" and not rule.by_context) or random
        finding = Finding(
            rule=rule.id,
            severity=rule.severity,
            entry=where.entry,
            pointer=where.pointer,
            detail=where.detail,
            fingerprint=fp,
            preview=preview,
            length=len(value),
            strong=strong,
        )
        if self._inspect is not None:
            self._inspect(finding, value)
        if self._on_finding is not None:
            self._on_finding(finding)
        self._record(value, rule.id, fp, scope(value, strong=strong, doubtless=doubtless))
        for collected in self._collectors:
            collected.append(value)
        self.redactions += 1
        if rule.id == "jwt" and self.jwt_mode == "strip-signature":
            m = _JWT_PARTS.search(value)
            if m:
                kept: str = m.group(1)
                return kept + placeholder(rule.id, fp)
        return placeholder(rule.id, fp)

    def remember(self, value: str, rule: Rule) -> None:
        """A secret derived from another (the password inside Basic credentials): swept, not reported."""
        if value and value not in self.allow and not is_placeholder_only(value):
            seen = self.known.get(value)
            fp = seen.fingerprint if seen is not None else self.fingerprint(value)
            if fp in self.keep:
                return
            self._record(value, rule.id, fp, scope(value, strong=is_random(value), doubtless=True))

    def _record(self, value: str, rule_id: str, fp: str, reach: Scope) -> None:
        """Remember a secret for the sweep; a later, stronger finding widens how far it reaches."""
        seen = self.known.get(value)
        if seen is None:
            self.known[value] = Known(rule_id, fp, reach)
        elif reach > seen.scope:
            self.known[value] = seen._replace(scope=reach)

    @contextlib.contextmanager
    def collecting(self) -> Iterator[list[str]]:
        """The secrets recorded while the block runs, in order (a handler that must find them again)."""
        found: list[str] = []
        self._collectors.append(found)
        try:
            yield found
        finally:
            self._collectors.remove(found)

    def placeholder_of(self, value: str) -> str:
        """The placeholder a recorded secret was given."""
        known = self.known[value]
        return placeholder(known.rule, known.fingerprint)

    def note(self, text: str) -> None:
        """Something the run could only partly judge; goes to the report (never a value)."""
        if text not in self.notes and len(self.notes) < 100:
            self.notes.append(text)

    def forget_judgements(self) -> None:
        """Drop the caches that only spare work on strings still to come (the end of a pass)."""
        self._quiet.clear()
        self._shapes_of.clear()
        self._named.clear()

    # -- quiet strings --------------------------------------------------------------------------
    def prime(self, value: Any) -> bool:
        """Judge every string of ``value`` (keys too) in one scan; True when all are quiet.

        For a parsed JSON body: one scan for all its strings beats one per string, and a body
        whose strings are all quiet need not be walked at all.
        """
        cache = self._quiet
        if len(cache) > _QUIET_CACHE:
            cache.clear()
        quiet = True
        fresh = []  # only strings not judged before are scanned (a WebSocket frame's keys repeat)
        for s in _strings(value):
            if type(s) is not str:
                quiet = False
                continue
            judged = cache.get(s)
            if judged is None:
                fresh.append(s)
            elif not judged[0]:
                quiet = False
        if fresh:
            as_text, as_url = self.prefilter.quiet(fresh)
            for s in fresh:
                if s in as_text:
                    cache[s] = (True, s in as_url)
                else:
                    cache[s] = _LOUD
                    quiet = False
        return quiet

    def quiet(self, text: str, place: str = "text") -> bool:
        """True when no rule can touch ``text`` read in ``place`` (a URL component or text).

        Judged once per distinct string (see :mod:`prefilter`): a HAR repeats most of its
        header values, hosts and paths from entry to entry.
        """
        judged = self._quiet.get(text)
        if judged is None:
            judged = self.prefilter.judge(text)
            if len(text) <= _QUIET_CACHED_LENGTH:
                if len(self._quiet) > _QUIET_CACHE:
                    self._quiet.clear()
                self._quiet[text] = judged
        return judged[1] if place == "url" else judged[0]

    def plain(self, name: Any, value: Any, place: str = "param", shape_place: str = "text") -> bool:
        """True when ``named(name, value)`` (and ``shapes(name)``) would give both back as they are.

        Decided from cached judgements alone, so the walker keeps most members of an entry
        (timings, sizes, plain headers) without building their places.
        """
        if type(name) is not str or not self.quiet(name) or self.names.classify(name, place) is not None:
            return False
        kind = type(value)
        if kind is str:
            return self.quiet(value, shape_place)
        return kind is int or kind is float or kind is bool or value is None

    # -- verbs ----------------------------------------------------------------------------------
    def shapes(self, text: str, where: Where, place: str = "text") -> str:
        """Redact every secret shape the value rules find in ``text``."""
        if self.quiet(text, place):
            return text
        found = self.values.find(text, place)
        if not found:
            return text
        out: list[str] = []
        last = 0
        for d in found:
            out.append(text[last : d.start])
            out.append(self.secret(text[d.start : d.end], d.rule, where))
            last = d.end
        out.append(text[last:])
        return "".join(out)

    def named(self, name: Any, value: Any, where: Where, place: str = "param", shape_place: str = "text") -> Any:
        """A value under a name: the name may make it a secret; otherwise scan the value."""
        rule = self.names.classify(name, place) if isinstance(name, str) else None
        if rule is not None:
            return strategies.apply(self, rule, value, where)
        if isinstance(value, str):
            return self.text(value, where, shape_place)
        return self.any(value, where)

    def text(self, text: str, where: Where, place: str = "text") -> str:
        """Any string: route it to the handler of the format it is in, then scan its shapes."""
        if self.quiet(text, place):
            return text
        if len(text) < 3 or self._depth >= MAX_FORMAT_DEPTH:
            return self.shapes(text, where, place)
        self._depth += 1
        try:
            fmt = formats.sniffed(text)
            if fmt is not None:
                redacted = fmt.redact(self, text, "", where)
                if redacted is not None:
                    return redacted
            for scheme in formats.INLINE:
                if scheme.present(text):
                    text = redact_escaped(self, text, scheme, where)
            text = redact_base64_runs(self, text, where)
            return self.shapes(redact_embedded(self, text, where), where, place)
        finally:
            self._depth -= 1

    def body(self, text: str, mime: str, where: Where) -> str:
        """A request or response body given as text, parsed by the format its MIME type names."""
        fmt = formats.for_mime(mime)
        quiet_as = fmt.quiet_as if fmt is not None else "text"
        if quiet_as is not None and self.quiet(text, quiet_as):
            return text
        if fmt is not None:
            redacted = fmt.redact(self, text, mime, where)
            if redacted is not None:
                return redacted
        return self.text(text, where)

    def member(self, key: Any, value: Any, where: Where, place: str = "param") -> tuple[Any, Any]:
        """A member of an object: its name judged as a string too (a token used as a key goes), and
        its value under that name. Places below it are named by what is left of the key."""
        if not isinstance(key, str):
            return key, self.any(value, where.at(key))
        shown = self.shapes(key, where.sub("member name"))
        return shown, self.named(key, value, where.at(shown), place)

    def any(self, value: Any, where: Where) -> Any:
        """Fail closed on types: strings are scanned, containers walked, numbers kept."""
        if isinstance(value, str):
            return self.text(value, where)
        if isinstance(value, dict):
            # Keys are read too: a dict where a string was expected may hold a token as a key.
            out = {}
            for k, v in value.items():
                if self.plain(k, v):
                    out[k] = v
                else:
                    shown, redacted = self.member(k, v, where)
                    out[shown] = redacted
            return out
        if isinstance(value, list):
            return [self.any(v, where.at(i)) for i, v in enumerate(value)]
        return value


#: Compiled detectors of recent rule sets, per thread (a Hyperscan scratch serves one scan at
#: a time) and by identity (the rule set is kept, so its id stays its own). They hold no
#: per-run state, so the runs of a thread over the same rules share them: a portal checking a
#: folder of HARs compiles its RE2 sets once, not once per file.
_COMPILED = threading.local()
_COMPILED_KEPT = 8


def _detectors(rules: RuleSet) -> tuple[ValueDetector, NameDetector, Prefilter]:
    cache: dict[int, tuple[RuleSet, ValueDetector, NameDetector, Prefilter]] = _COMPILED.__dict__.setdefault("sets", {})
    hit = cache.get(id(rules))
    if hit is not None and hit[0] is rules:
        return hit[1], hit[2], hit[3]
    if len(cache) >= _COMPILED_KEPT:
        cache.pop(next(iter(cache)))
    names = NameDetector(rules)
    made = (rules, ValueDetector(rules.value_rules, names.is_metadata), names, Prefilter(rules, *formats.hazards()))
    cache[id(rules)] = made
    return made[1], made[2], made[3]


def _strings(value: Any) -> list[Any]:
    """Every string in a decoded JSON value, keys included (iterative: no depth limit).

    Keys go in as they are: the prefilter judges only ``str`` items, whatever else is there.
    """
    out: list[Any] = []
    stack = [value]
    pop, push, add, add_all = stack.pop, stack.extend, out.append, out.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is str:
            add(item)
        elif kind is dict:
            add_all(item)
            push(item.values())
        elif kind is list:
            push(item)
        elif isinstance(item, str):
            add(item)
        elif isinstance(item, dict):
            add_all(item)
            push(item.values())
        elif isinstance(item, (list, tuple)):
            push(item)
    return out

"""Quiet strings: the strings of an entry that no rule can touch, found in one scan.

Most strings of a HAR (``gzip, deflate``, ``same-origin``, dates, ids, prices) hold no secret,
and asking each of them separately costs a Python call into the regex engine: on a HAR of
many short strings that per-call cost, not the engine, is what sets the pace. So the strings
of an entry are joined (one line each) and scanned once by a single RE2 expression that fires
on anything that could lead :meth:`Redactor.text` to a redaction; every string it does not
fire on is *quiet*, and the redactor hands quiet strings back unread.

The expression is a necessary condition, never a sufficient one (a string it fires on just
takes the full path). It fires on:

- every ``value`` rule (RE2 does not care that the strings are joined: ``^``/``$`` match at
  line ends, a line break is not a word character, so no match inside one string is lost;
  matches that span two strings only mark both);
- *hazards*, the ways the engine derives new text from a string, which a scan of the string
  as written could not see: escapes (``\\``), percent-encoding, ``+`` (a space once
  URL-decoded), base64 runs, ``@`` (URL user info). The engine's format registry
  (:func:`harscrub.engine.formats.hazards`) hands them over: each format declares its own;
- every ``param`` name rule, by a literal its names must contain (a JSON key, a query or
  form parameter or a multipart part named ``code`` can only come out of a string holding
  ``"code"``, ``code=`` …), derived from the rule's own pattern and checked on its examples.

``url``-only value rules (a long random path segment) only matter where a string is read as
a URL, so a string they alone fire on stays quiet wherever a URL cannot come out of it.
Whatever cannot be reduced to such a condition (a pattern the parser here does not read, a
name rule with no literal) switches the prefilter off: every string takes the full path.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate
from typing import Any, Iterable, Sequence

from harscrub.detection.conditions import ascii_only, folded, joinable, name_condition, one_byte_per_char, parse, widen
from harscrub.detection.multiscan import FirstMatch
from harscrub.detection.rules import RuleSet

#: Longer strings are not batched: the full path scans them in one call of their own anyway.
MAX_BATCHED = 16 << 10


class Prefilter:
    """Finds the quiet strings among many; compiled once per rule set (and cached on disk).

    Two Hyperscan databases hold the conditions: those that make a string loud as text, and
    those that only matter where a string is read as a URL. Each scan of the joined strings
    stops at its first match, flags the string it ends in and starts again after it, so a
    scan costs one call per flagged string and the automaton never sees a string twice.

    Hyperscan is what makes this pay: on the same conditions an RE2 set scans about 25 times
    slower, and an entry's worth of per-string calls is cheaper than that. Where Hyperscan
    is not installed (or reads a rule otherwise than RE2 does, which the rules' own examples
    would show) the prefilter is off and every string takes the full path.
    """

    def __init__(self, rules: RuleSet, text_hazards: Sequence[str] = (), url_hazards: Sequence[str] = ()) -> None:
        self.enabled = False
        self._text_parts = ["|".join(text_hazards)] if text_hazards else []
        self._url_parts = ["|".join(url_hazards)] if url_hazards else []
        #: (scans as text?, example) for every value rule: each must fire its database.
        self._examples: list[tuple[bool, str]] = []
        for rule in rules.value_rules:
            tree = parse(rule.pattern)
            if tree is None or not joinable(tree) or not ascii_only(tree):
                return
            as_text = "text" in rule.places
            (self._text_parts if as_text else self._url_parts).append("(?:" + widen(rule.pattern, tree) + ")")
            self._examples.extend((as_text, e) for e in rule.examples if e.isascii())
        for rule in rules.name_rules:
            if "param" not in rule.places:
                continue
            condition = name_condition(rule)
            if condition is None:
                return
            self._text_parts.append(condition)
        self._scans: tuple[FirstMatch, FirstMatch] | None = None
        self.enabled = True

    def _built(self) -> tuple[FirstMatch, FirstMatch] | None:
        """The two scans, built on first use (a run that never primes never pays for them)."""
        if self._scans is None:
            text = FirstMatch.build(tuple(self._text_parts))
            url = FirstMatch.build(tuple(self._url_parts))
            if text is None or url is None or not all(
                (text if as_text else url).fires(example.encode("ascii")) for as_text, example in self._examples
            ):
                self.enabled = False
                return None
            self._scans = (text, url)
        return self._scans

    def judge(self, text: str) -> tuple[bool, bool]:
        """(quiet as text, quiet as a URL) for one string, by the rules of :meth:`quiet`."""
        if not self.enabled or len(text) > MAX_BATCHED or not (text.isascii() or not folded(text)):
            return _JUDGED_LOUD
        scans = self._built()
        if scans is None:
            return _JUDGED_LOUD
        data = one_byte_per_char(text)
        if scans[0].fires(data):
            return _JUDGED_LOUD
        if not scans[1].fires(data):
            return _JUDGED_QUIET
        return _JUDGED_LOUD if "//" in text else _JUDGED_TEXT_ONLY

    def quiet(self, strings: Iterable[Any]) -> tuple[set[str], set[str]]:
        """The strings no rule can touch as text, and those no rule can touch even as a URL.

        A string is quiet as text when nothing fires on it, or when only URL conditions do
        and it holds no ``//`` (the full path reads text as a URL only from there); quiet as
        a URL when nothing fires on it at all. Strings are scanned one byte per character,
        every character beyond ASCII as ``\\x01``, which the conditions (ASCII only, see
        :func:`~harscrub.detection.conditions.ascii_only`) treat as RE2 treats such a character. The two characters RE2's case
        folding makes ASCII letters (``ſ`` is ``s``, ``K`` is ``k``) are neither word characters
        nor one byte: a string holding one is never judged (never quiet).
        """
        if not self.enabled:
            return set(), set()
        batch = [s for s in dict.fromkeys(strings)
                 if type(s) is str and len(s) <= MAX_BATCHED and (s.isascii() or not folded(s))]
        scans = self._built() if batch else None
        if scans is None:
            return set(), set()
        encoded = [one_byte_per_char(s) for s in batch]
        blob = b"\n".join(encoded)
        starts = [0, *accumulate(len(e) + 1 for e in encoded)]
        loud = _marks(scans[0], blob, starts)
        urlish = _marks(scans[1], blob, starts)
        as_text: set[str] = set()
        as_url: set[str] = set()
        for s, hit, url_hit in zip(batch, loud, urlish):
            if hit:
                continue
            if not url_hit:
                as_text.add(s)
                as_url.add(s)
            elif "//" not in s:
                as_text.add(s)
        return as_text, as_url


_JUDGED_LOUD = (False, False)
_JUDGED_QUIET = (True, True)
_JUDGED_TEXT_ONLY = (True, False)



def _marks(scan: FirstMatch, blob: bytes, starts: list[int]) -> bytearray:
    """One flag per joined string (``starts``: their offsets, then the end + 1).

    A scan from a string's start sees that string as the full path does (nothing before it)
    and every later one with more context than that, so no match inside a string is lost; the
    string the first match ends in is flagged and the next scan starts after it.
    """
    count = len(starts) - 1
    marks = bytearray(count)
    view = memoryview(blob)
    pos = 0
    while pos < len(blob):
        # A window of whole strings: each scan reads a bounded stretch, so a blob with a loud
        # string every few bytes costs one pass over it, not one pass per loud string.
        last = bisect_right(starts, min(len(blob), pos + _WINDOW) - 1) - 1
        stop = starts[last + 1] - 1
        end = scan.first(view[pos:stop])
        if end < 0:
            pos = stop + 1
            continue
        k = bisect_right(starts, pos + max(end - 1, 0)) - 1
        marks[k] = 1
        if k + 1 >= count:
            break
        pos = starts[k + 1]
    return marks


#: Bytes of joined strings one scan reads at most (the string it ends in is always whole).
_WINDOW = 1 << 11

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
- *hazards*, the ways :meth:`Redactor.text` derives new text from a string, which a scan of
  the string as written could not see: escapes (``\\``), percent-encoding, ``+`` (a space
  once URL-decoded), base64 runs, ``@`` (URL user info);
- every ``param`` name rule, by a literal its names must contain (a JSON key, a query or
  form parameter or a multipart part named ``code`` can only come out of a string holding
  ``"code"``, ``code=`` …), derived from the rule's own pattern and checked on its examples.

``url``-only value rules (a long random path segment) only matter where a string is read as
a URL, so a string they alone fire on stays quiet wherever a URL cannot come out of it.
Whatever cannot be reduced to such a condition (a pattern the parser here does not read, a
name rule with no literal) switches the prefilter off: every string takes the full path.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import os
import re
import tempfile
import warnings
from bisect import bisect_right
from itertools import accumulate
from pathlib import Path
from typing import Any, Iterable

import re2

from .rules import Rule, RuleSet

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import sre_constants as _c
    import sre_parse as _p

#: Longer strings are not batched: the full path scans them in one call of their own anyway.
MAX_BATCHED = 16 << 10

#: Characters where the full path cuts a string into parts it reads on their own (JSON text,
#: URL parts, form and multipart fields, lines): a derived string starts and ends at one.
_CUT = r"""[\s"'<>`:/?&=#@]"""
#: Ways :meth:`Redactor.text` turns a string into other text a scan of the string as written
#: cannot see: JSON escapes, and a base64 run from cut to cut (decoded when it is a whole part).
_TEXT_HAZARDS = r"\\|(?:^|" + _CUT + r")[A-Za-z0-9+/]{24,}(?:$|" + _CUT + r")"
#: The same for strings read as URLs or form bodies: percent-encoding, '+' (a space once
#: decoded) and user info (``user:password@``).
_URL_HAZARDS = r"[+@]|%[0-9A-Fa-f]{2}"
#: What stands before and after a name inside the text it is parsed from: a JSON key in
#: quotes, a query or form name after ``?``/``&``/``#`` and before ``=``, a multipart
#: ``name="…"`` or ``name=…;`` — or the edge of the string.
_NAME_START = r'(?:^|["&?#=])'
_NAME_END = r'(?:$|["=;&\s])'
#: A condition with fewer literal characters than this says too little (the rule is unfiltered).
_MIN_SCORE = 3
#: Bounded repeats wider than this become unbounded in the scan (a superset; a far smaller DFA).
_WIDEN_ABOVE = 16

_OPTIONS = re2.Options()
_OPTIONS.max_mem = 128 << 20
_OPTIONS.never_capture = True
_OPTIONS.log_errors = False

#: RE2 syntax Python's parser reads otherwise or not at all: such a pattern gets no condition.
_UNREADABLE = re.compile(r"\[:\^?[a-z]+:\]|\\[pPQCzA]|\\x\{")


def _parse(pattern: str) -> Any:
    """The pattern's syntax tree (Python's parser reads the RE2 syntax the rules use), or None."""
    if _UNREADABLE.search(pattern):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _p.parse(pattern)
    except Exception:  # anything Python's parser does not read: no condition
        return None


def _walk(items: Any) -> Iterable[tuple[Any, Any]]:
    """Every node of a parsed pattern, depth first."""
    for op, av in items:
        yield op, av
        if op is _c.SUBPATTERN:
            yield from _walk(av[-1])
        elif op is _c.BRANCH:
            for branch in av[1]:
                yield from _walk(branch)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            yield from _walk(av[2])


def _joinable(tree: Any) -> bool:
    """A value rule without ``^``, ``$``, ``\\A`` or ``\\z``: one that matches a string the same
    whether the string stands alone, is a part cut out of a longer one, or a line among many."""
    anchors = (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING, _c.AT_END, _c.AT_END_STRING)
    return not any(op is _c.AT and av in anchors for op, av in _walk(tree))


def _ascii_only(tree: Any) -> bool:
    """A pattern that names no character outside ASCII and never excludes ``\\x01``: then a
    string scanned with every other character written as ``\\x01`` matches wherever it did."""
    for op, av in _walk(tree):
        if op is _c.LITERAL and av > 0x7F:
            return False
        if op is _c.IN:
            negated = any(o is _c.NEGATE for o, _ in av)
            for o, a in av:
                if o is _c.LITERAL and (a > 0x7F or (negated and a == _OTHER)):
                    return False
                if o is _c.RANGE and (a[1] > 0x7F or (negated and a[0] <= _OTHER <= a[1])):
                    return False
    return True


def _widen(pattern: str, tree: Any) -> str:
    """``x{0,400}`` -> ``x{0,}``: matches more, never less, and keeps the combined DFA small."""
    for op, av in _walk(tree):
        if op is _c.LITERAL and av == ord("{"):
            return pattern  # a literal brace: the quantifier syntax below could be mistaken
        if op is _c.IN and any(o is _c.LITERAL and a == ord("{") for o, a in av):
            return pattern
    return re.sub(
        r"(?<!\\)\{(\d+),(\d+)\}",
        lambda m: m.group(0) if int(m.group(2)) <= _WIDEN_ABOVE else "{%s,}" % m.group(1),
        pattern,
    )


_CATEGORIES = {
    _c.CATEGORY_DIGIT: r"\d", _c.CATEGORY_NOT_DIGIT: r"\D", _c.CATEGORY_SPACE: r"\s",
    _c.CATEGORY_NOT_SPACE: r"\S", _c.CATEGORY_WORD: r"\w", _c.CATEGORY_NOT_WORD: r"\W",
}


def _char(code: int) -> str:
    """A character as RE2 syntax that means the same in and out of a class."""
    return chr(code) if chr(code).isascii() and chr(code).isalnum() else "\\x{%x}" % code


def _atom(op: Any, av: Any) -> str | None:
    """One character matcher written back as RE2 syntax; None for anything else."""
    if op is _c.LITERAL:
        return _char(av)
    if op is _c.IN:
        out = []
        for o, a in av:
            if o is _c.LITERAL:
                out.append(_char(a))
            elif o is _c.RANGE:
                out.append(_char(a[0]) + "-" + _char(a[1]))
            elif o is _c.NEGATE:
                out.append("^")
            elif o is _c.CATEGORY and a in _CATEGORIES:
                out.append(_CATEGORIES[a])
            else:
                return None
        return "[" + "".join(out) + "]"
    return None


def _sequence(items: list[Any]) -> tuple[str, int] | None:
    """A branch made of characters, classes and their repeats, written back whole with its
    anchors turned into name edges; None when it holds anything else."""
    out: list[str] = []
    score = 0
    for i, (op, av) in enumerate(items):
        if op is _c.AT and av in (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING) and i == 0:
            out.append(_NAME_START)
            score += 2
            continue
        if op is _c.AT and av in (_c.AT_END, _c.AT_END_STRING) and i == len(items) - 1:
            out.append(_NAME_END)
            score += 2
            continue
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and len(av[2]) == 1:
            inner = _atom(*av[2][0])
            if inner is None:
                return None
            low, high = av[0], av[1]
            out.append(inner + ("{%d,}" % low if high == _c.MAXREPEAT else "{%d,%d}" % (low, high)))
            continue
        atom = _atom(op, av)
        if atom is None:
            return None
        out.append(atom)
        score += op is _c.LITERAL
    return "".join(out), score


def _necessary(items: Any) -> tuple[str, int] | None:
    """A regex every match of the node sequence must contain, and how many literal characters
    it pins down (more is more selective)."""
    items = list(items)
    whole = _sequence(items)
    if whole is not None:
        return whole if whole[1] >= _MIN_SCORE else None
    candidates: list[tuple[str, int]] = []
    run: list[str] = []
    left = False

    def close(right: bool) -> None:
        nonlocal left
        if run:
            text = "".join(run)
            candidates.append(
                ((_NAME_START if left else "") + "".join(_char(ord(c)) for c in text) + (_NAME_END if right else ""),
                 len(text) + 2 * left + 2 * right)
            )
            run.clear()
        left = False

    for i, (op, av) in enumerate(items):
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if op is _c.AT and av in (_c.AT_END, _c.AT_END_STRING):
            close(True)
            continue
        anchored_left = left and not run
        close(False)
        if op is _c.AT and av in (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING):
            left = True
            continue
        found: tuple[str, int] | None = None
        if op is _c.SUBPATTERN:
            found = _necessary(av[-1])
        elif op is _c.BRANCH:
            branches = [_necessary(b) for b in av[1]]
            if all(b is not None for b in branches):
                found = ("(?:" + "|".join(b[0] for b in branches if b) + ")", min(b[1] for b in branches if b))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
            found = _necessary(av[2])
        if found is not None and op in (_c.SUBPATTERN, _c.BRANCH) and _whole(items[:i], items[i + 1 :], anchored_left):
            # ^(?:a|b)$: the group is the whole name, so its condition gets the name's edges.
            found = (_NAME_START + found[0] + _NAME_END, found[1] + 4)
        if found is not None:
            candidates.append(found)
    close(False)
    candidates = [c for c in candidates if c[1] >= _MIN_SCORE]
    return max(candidates, key=lambda c: c[1]) if candidates else None


def _whole(before: list[Any], after: list[Any], anchored_left: bool) -> bool:
    """True when a group stands between ``^`` and ``$`` with nothing else around it."""
    ends = {_c.AT_END, _c.AT_END_STRING}
    return anchored_left and len(after) == 1 and after[0][0] is _c.AT and after[0][1] in ends and bool(before)


def name_condition(rule: Rule) -> str | None:
    """A case-insensitive regex that any text holding a name this rule matches must match.

    None when the pattern gives no such condition, or when the result misses one of the
    rule's own examples put in a JSON key, a query parameter or a string of its own.
    """
    tree = _parse(rule.pattern)
    if tree is None:
        return None
    found = _necessary(list(tree))
    if found is None:
        return None
    condition = "(?i:" + found[0] + ")"
    try:
        compiled = re2.compile("(?m)" + condition, options=_OPTIONS)
    except Exception:  # re2's own error type
        return None
    for example in rule.examples:
        if not all(compiled.search(t) for t in (f'"{example}"', f"?{example}=", example)):
            return None
    return condition


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

    def __init__(self, rules: RuleSet) -> None:
        self.enabled = False
        self._text_parts = [_TEXT_HAZARDS]
        self._url_parts = [_URL_HAZARDS]
        #: (scans as text?, example) for every value rule: each must fire its database.
        self._examples: list[tuple[bool, str]] = []
        for rule in rules.value_rules:
            tree = _parse(rule.pattern)
            if tree is None or not _joinable(tree) or not _ascii_only(tree):
                return
            as_text = "text" in rule.places
            (self._text_parts if as_text else self._url_parts).append("(?:" + _widen(rule.pattern, tree) + ")")
            self._examples.extend((as_text, e) for e in rule.examples if e.isascii())
        for rule in rules.name_rules:
            if "param" not in rule.places:
                continue
            condition = name_condition(rule)
            if condition is None:
                return
            self._text_parts.append(condition)
        self._scans: tuple[_Scan, _Scan] | None = None
        self.enabled = True

    def _built(self) -> tuple[_Scan, _Scan] | None:
        """The two scans, built on first use (a run that never primes never pays for them)."""
        if self._scans is None:
            text = _Scan.build(tuple(self._text_parts))
            url = _Scan.build(tuple(self._url_parts))
            if text is None or url is None or not all(
                (text if as_text else url).fires(example.encode("ascii")) for as_text, example in self._examples
            ):
                self.enabled = False
                return None
            self._scans = (text, url)
        return self._scans

    def judge(self, text: str) -> tuple[bool, bool]:
        """(quiet as text, quiet as a URL) for one string, by the rules of :meth:`quiet`."""
        if not self.enabled or len(text) > MAX_BATCHED or not (text.isascii() or not _folded(text)):
            return _JUDGED_LOUD
        scans = self._built()
        if scans is None:
            return _JUDGED_LOUD
        data = _one_byte_per_char(text)
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
        :func:`_ascii_only`) treat as RE2 treats such a character. The two characters RE2's case
        folding makes ASCII letters (``ſ`` is ``s``, ``K`` is ``k``) are neither word characters
        nor one byte: a string holding one is never judged (never quiet).
        """
        if not self.enabled:
            return set(), set()
        batch = [s for s in dict.fromkeys(strings)
                 if type(s) is str and len(s) <= MAX_BATCHED and (s.isascii() or not _folded(s))]
        scans = self._built() if batch else None
        if scans is None:
            return set(), set()
        encoded = [_one_byte_per_char(s) for s in batch]
        blob = b"\n".join(encoded)
        starts = [0, *accumulate(len(e) + 1 for e in encoded)]
        loud = scans[0].marks(blob, starts)
        urlish = scans[1].marks(blob, starts)
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

#: What a character beyond ASCII is scanned as: a control character no condition names.
_OTHER = 0x01


def _folded(text: str) -> bool:
    """Holds a character RE2's case folding makes one with an ASCII letter (``(?i)s`` is ``ſ``)."""
    return "\u017f" in text or "\u212a" in text


_FOLD_ERRORS = "harscrub.prefilter"
#: Latin-1 bytes to scan bytes: ASCII stays, every other character becomes :data:`_OTHER`.
_FOLD_TABLE = bytes(range(0x80)) + bytes([_OTHER]) * 0x80


def _one_byte_per_char(text: str) -> bytes:
    """``text`` as the scans read it: one byte per character, beyond ASCII :data:`_OTHER`.

    Binary bodies arrive as Latin-1 text; one table lookup per byte in C beats the codec
    error handler, which Python calls for every run of non-ASCII characters.
    """
    if text.isascii():
        return text.encode("ascii")
    try:
        return text.encode("latin-1").translate(_FOLD_TABLE)
    except UnicodeEncodeError:
        return text.encode("ascii", _FOLD_ERRORS)


def _fold(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return chr(_OTHER) * (error.end - error.start), error.end


codecs.register_error(_FOLD_ERRORS, _fold)

#: Databases built in this process, by their conditions (tests build many redactors).
_DATABASES: dict[tuple[str, ...], Any] = {}
_GROUP_NAME = re.compile(r"(?<!\\)\(\?P<\w+>")


class _Scan:
    """One Hyperscan database and the loop that flags the joined strings it fires on."""

    def __init__(self, hyperscan: Any, db: Any) -> None:
        self._db = db
        self._scratch = hyperscan.Scratch(db)
        self._stopped = hyperscan.ScanTerminated
        self._end = -1

    @classmethod
    def build(cls, patterns: tuple[str, ...]) -> "_Scan | None":
        try:
            import hyperscan
        except ImportError:
            return None
        db = _DATABASES.get(patterns)
        if db is None:
            db = _database(hyperscan, patterns)
            if db is None:
                return None
            _DATABASES[patterns] = db
        return cls(hyperscan, db)

    def _stop(self, index: int, start: int, end: int, flags: int, context: Any) -> bool:
        self._end = end
        return True  # the first match is all a scan needs

    def _first(self, data: Any) -> int:
        """End offset of the first match in ``data``, or -1."""
        self._end = -1
        try:
            self._db.scan(data, match_event_handler=self._stop, scratch=self._scratch)
        except self._stopped:
            pass
        return self._end

    def fires(self, text: bytes) -> bool:
        return self._first(text) >= 0

    def marks(self, blob: bytes, starts: list[int]) -> bytearray:
        """One flag per joined string (``starts``: their offsets, then the end + 1).

        A scan from a string's start sees that string as the full path does (nothing before
        it) and every later one with more context than that, so no match inside a string is
        lost; the string the first match ends in is flagged and the next scan starts after it.
        """
        count = len(starts) - 1
        marks = bytearray(count)
        view = memoryview(blob)
        pos = 0
        while True:
            end = self._first(view[pos:])
            if end < 0:
                break
            k = bisect_right(starts, pos + max(end - 1, 0)) - 1
            marks[k] = 1
            if k + 1 >= count:
                break
            pos = starts[k + 1]
        return marks


def _database(hyperscan: Any, patterns: tuple[str, ...], single: bool = False) -> Any:
    """Compile (about half a second) or load from the user's cache; None if Hyperscan refuses.
    ``single``: each pattern reports its first match only (which patterns match, not where)."""
    flags = hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_ALLOWEMPTY | hyperscan.HS_FLAG_MULTILINE
    if single:
        flags |= hyperscan.HS_FLAG_SINGLEMATCH
    expressions = [_GROUP_NAME.sub("(", p).encode("utf-8") for p in patterns]
    digest = hashlib.sha256(repr((hyperscan.__version__, flags, expressions)).encode()).hexdigest()[:32]
    cached = _cache_dir() / f"prefilter-{digest}.hsdb"
    try:
        return hyperscan.loadb(cached.read_bytes(), hyperscan.HS_MODE_BLOCK)
    except Exception:  # no cache yet, or a stale or damaged one: compile
        pass
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        db.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions), flags=flags)
    except Exception:  # a pattern Hyperscan does not read: no prefilter
        return None
    with contextlib.suppress(OSError):
        cached.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cached.parent, prefix=".prefilter-", delete=False) as tmp:
            tmp.write(hyperscan.dumpb(db))
        os.replace(tmp.name, cached)
    return db


class Candidates:
    """Which value rules may match a string, for the full path: one Hyperscan scan instead of an
    RE2 set. An RE2 set's DFA holds every rule's partial matches at once and builds its states
    as it reads; with a few hundred token formats it spends its time building them, where
    Hyperscan (the same conditions as the prefilter, each rule reported once) keeps its pace.
    Each rule a scan reports is then run on its own (RE2), so the answer is the RE2 one; a rule
    set it cannot vouch for (see :class:`Prefilter`) leaves ``usable`` false.
    """

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.usable = False
        patterns = []
        for rule in rules:
            tree = _parse(rule.pattern)
            if tree is None or not _joinable(tree) or not _ascii_only(tree):
                return
            patterns.append("(?:" + _widen(rule.pattern, tree) + ")")
        try:
            import hyperscan
        except ImportError:
            return
        key = ("candidates",) + tuple(patterns)
        db = _DATABASES.get(key)
        if db is None:
            db = _database(hyperscan, tuple(patterns), single=True)
            if db is None:
                return
            _DATABASES[key] = db
        self._db = db
        self._scratch = hyperscan.Scratch(db)
        self._hits: set[int] = set()
        self.usable = True

    def _hit(self, index: int, start: int, end: int, flags: int, context: Any) -> None:
        self._hits.add(index)

    def of(self, text: str) -> list[int] | None:
        """Indexes of the rules that may match ``text``, in rule order; None when the text holds
        a character RE2's case folding makes an ASCII letter (then only RE2 can say)."""
        if not text.isascii() and _folded(text):
            return None
        self._hits = set()
        self._db.scan(_one_byte_per_char(text), match_event_handler=self._hit, scratch=self._scratch)
        return sorted(self._hits)


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "harscrub"

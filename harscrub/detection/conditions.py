"""Necessary conditions derived from a rule's regex: what any text it matches must contain.

The prefilter (:mod:`harscrub.detection.prefilter`) can only skip a string unread if it is
sure no rule would fire on it. For a value rule the pattern itself is that condition, once
checked to behave the same on joined strings (:func:`joinable`, :func:`ascii_only`) and
widened to keep the combined automaton small (:func:`widen`); for a name rule it is a
literal the name must contain, with the edges a name has inside the text it is parsed from
(:func:`name_condition`). The pattern is read with Python's own regex parser, which reads
the RE2 syntax the rules use; a pattern it cannot read gets no condition.
"""

from __future__ import annotations

import codecs
import functools
import re
import warnings
from typing import Any, Iterable

import re2

from harscrub.detection.rules import Rule

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import sre_constants as _c
    import sre_parse as _p

#: What the prefilter scans a character beyond ASCII as: a control character no condition names.
OTHER = 0x01

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


@functools.lru_cache(maxsize=4096)
def parse(pattern: str) -> Any:
    """The pattern's syntax tree (Python's parser reads the RE2 syntax the rules use), or None.

    Cached: each rule is read once per place it applies to and by the prefilter; callers only
    read the tree."""
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


def joinable(tree: Any) -> bool:
    """A value rule without ``^``, ``$``, ``\\A`` or ``\\z``: one that matches a string the same
    whether the string stands alone, is a part cut out of a longer one, or a line among many."""
    anchors = (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING, _c.AT_END, _c.AT_END_STRING)
    return not any(op is _c.AT and av in anchors for op, av in _walk(tree))


def ascii_only(tree: Any) -> bool:
    """A pattern that names no character outside ASCII and never excludes ``\\x01``: then a
    string scanned with every other character written as ``\\x01`` matches wherever it did."""
    for op, av in _walk(tree):
        if op is _c.LITERAL and av > 0x7F:
            return False
        if op is _c.IN:
            negated = any(o is _c.NEGATE for o, _ in av)
            for o, a in av:
                if o is _c.LITERAL and (a > 0x7F or (negated and a == OTHER)):
                    return False
                if o is _c.RANGE and (a[1] > 0x7F or (negated and a[0] <= OTHER <= a[1])):
                    return False
    return True


def widen(pattern: str, tree: Any) -> str:
    """``x{0,400}`` -> ``x{0,}``: matches more, never less, and keeps the combined DFA small."""
    for op, av in _walk(tree):
        if op is _c.LITERAL and av == ord("{"):
            return pattern  # a literal brace: the quantifier syntax below could be mistaken
        if op is _c.IN and any(o is _c.LITERAL and a == ord("{") for o, a in av):
            return pattern
    return _BOUNDED_REPEAT.sub(
        lambda m: m.group(0) if int(m.group(2)) <= _WIDEN_ABOVE else "{%s,}" % m.group(1),
        pattern,
    )


#: A bounded repeat ``{m,n}`` in a rule's pattern (not an escaped brace).
_BOUNDED_REPEAT = re.compile(r"(?<!\\)\{(\d+),(\d+)\}")


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
    tree = parse(rule.pattern)
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


# -- how a scan reads text: one byte per character ---------------------------------------------
def folded(text: str) -> bool:
    """Holds a character RE2's case folding makes one with an ASCII letter (``(?i)s`` is ``ſ``)."""
    return "\u017f" in text or "\u212a" in text


_FOLD_ERRORS = "harscrub.conditions"
#: Latin-1 bytes to scan bytes: ASCII stays, every other character becomes :data:`OTHER`.
_FOLD_TABLE = bytes(range(0x80)) + bytes([OTHER]) * 0x80


def one_byte_per_char(text: str) -> bytes:
    """``text`` as the scans read it: one byte per character, beyond ASCII :data:`OTHER`.

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
    return chr(OTHER) * (error.end - error.start), error.end


codecs.register_error(_FOLD_ERRORS, _fold)

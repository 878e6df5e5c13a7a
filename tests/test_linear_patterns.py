"""Every regular expression in the package runs in linear time, not only the rule files' (issue 13).

``tests/test_linear_time.py`` covers the rules. This covers every other pattern: the package's
modules are imported and walked for compiled patterns (Python ``re`` and RE2, at module level,
in classes, in tables), and each runs on adversarial 1 MB inputs built from its own source (its
literals and the characters of its classes: the opening of a match followed by a megabyte that
never closes it, its literals repeated, every character it names repeated) with the methods the
package calls on it (found in the source: ``match`` for a pattern only ever matched at a
position, every method otherwise).

The budget is relative: CPU time within ``FACTOR`` times that of a plain scan of 1 MB in the same
run (a pattern that yields a match per character), so a slow or busy machine moves both; an
alarm at five times the budget stops a quadratic pattern before it hangs CI.

A pattern compiled inside a function is invisible to the walk, so :func:`test_no_pattern_is_compiled_out_of_sight`
refuses one unless it is listed in ``DYNAMIC`` with the reason it is linear.

"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pkgutil
import re
import time
import warnings
from pathlib import Path
from typing import Any, Iterator

import pytest
import re2

import harscrub

from .factories import Overrun, deadline

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import sre_constants as c
    import sre_parse

SIZE = 1 << 20
#: A pattern may take this many times the plain scan of the same input (a linear pattern: < 3).
FACTOR = 20.0
#: ... and at least this many CPU seconds (the plain scan of 1 MB takes ~0.1 s).
FLOOR = 1.0
PACKAGE = Path(harscrub.__file__).parent
RE2_TYPE = type(re2.compile("a"))
METHODS = ("search", "match", "fullmatch", "finditer", "split", "sub")

#: Patterns compiled inside functions (invisible to the walk) and why each is linear.
DYNAMIC = {
    ("stream/reader.py", "re.compile"): "a newline, an escaped run of spaces and tabs (an indent), one class: "
                                        "no repetition; exercised by test_the_reader_closing_pattern_is_linear",
    ("engine/sweep.py", "re2.compile"): "RE2 alternation of escaped literals (the secrets found): linear by construction",
    ("detection/rules.py", "re2.compile"): "the rules' patterns: tests/test_linear_time.py",
    ("detection/conditions.py", "re2.compile"): "RE2 over a rule's necessary literal: tests/test_prefilter.py",
}


# -- finding the patterns --------------------------------------------------------------------------------
def _modules() -> Iterator[Any]:
    for info in pkgutil.walk_packages(harscrub.__path__, "harscrub."):
        if info.name.endswith("__main__"):
            continue
        try:
            yield importlib.import_module(info.name)
        except ImportError:  # an optional extra not installed
            continue


def _patterns_in(value: Any, where: str, out: dict[str, Any], depth: int = 0) -> None:
    if isinstance(value, (re.Pattern, RE2_TYPE)):
        out.setdefault(where, value)
    elif depth < 3 and isinstance(value, dict):
        for k, v in list(value.items())[:1000]:
            _patterns_in(v, f"{where}[{k!r}]", out, depth + 1)
    elif depth < 3 and isinstance(value, (list, tuple, set, frozenset)):
        for i, v in enumerate(list(value)[:1000]):
            _patterns_in(v, f"{where}[{i}]", out, depth + 1)
    elif depth < 3 and dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):  # a table row such as an escaping scheme
            _patterns_in(getattr(value, field.name), f"{where}.{field.name}", out, depth + 1)


def package_patterns() -> dict[str, Any]:
    """Every compiled pattern reachable from a module of the package, by dotted name."""
    found: dict[str, Any] = {}
    for module in _modules():
        for name, value in vars(module).items():
            if inspect.ismodule(value) or inspect.isfunction(value) or inspect.isbuiltin(value):
                continue
            if inspect.isclass(value):
                if value.__module__ == module.__name__:
                    for attr, item in vars(value).items():
                        _patterns_in(item, f"{module.__name__}.{name}.{attr}", found)
                continue
            _patterns_in(value, f"{module.__name__}.{name}", found)
    # one object, one name: the module that defines it (imports make aliases)
    by_id: dict[int, str] = {}
    for name in sorted(found, key=lambda n: (n.count("["), len(n))):
        by_id.setdefault(id(found[name]), name)
    return {name: found[name] for name in sorted(set(by_id.values()))}


def _sources() -> dict[str, ast.Module]:
    return {str(p.relative_to(PACKAGE)): ast.parse(p.read_text()) for p in sorted(PACKAGE.rglob("*.py"))}


#: Patterns the package reaches through another name (``pattern = _STRING if ... else _SCALAR``).
USED = {"harscrub.stream.reader._STRING": ("match",)}


def methods_used(name: str) -> tuple[str, ...]:
    """The methods the package calls on the pattern bound to ``name``'s last part (all if none seen)."""
    if name in USED:
        return USED[name]
    short = name.rsplit(".", 1)[-1]
    used = set()
    for tree in _sources().values():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, (ast.Name, ast.Attribute))
                    and (getattr(node.func.value, "id", None) or getattr(node.func.value, "attr", None)) == short):
                used.add(node.func.attr)
    chosen = tuple(m for m in METHODS if m in used or m in {"findall": "finditer"}.get(next(iter(used), ""), ""))
    if "findall" in used and "finditer" not in chosen:
        chosen += ("finditer",)
    return chosen or METHODS


# -- adversarial inputs ------------------------------------------------------------------------------------
PALETTE = "aA0 \n\t/%=.-_:@\"'\\{[<;,+#?&é"
_CATEGORY_CHAR = {c.CATEGORY_DIGIT: "7", c.CATEGORY_NOT_DIGIT: "x", c.CATEGORY_SPACE: " ", c.CATEGORY_NOT_SPACE: "x",
                  c.CATEGORY_WORD: "w", c.CATEGORY_NOT_WORD: "!", c.CATEGORY_LINEBREAK: "\n",
                  c.CATEGORY_NOT_LINEBREAK: "x"}


def _walk(tree: Any) -> Iterator[tuple[Any, Any]]:
    for op, av in tree:
        yield op, av
        if op in (c.SUBPATTERN,):
            yield from _walk(av[-1])
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            yield from _walk(av[2])
        elif op is c.BRANCH:
            for branch in av[1]:
                yield from _walk(branch)
        elif op in (c.ASSERT, c.ASSERT_NOT):
            yield from _walk(av[1])
        elif op is getattr(c, "ATOMIC_GROUP", None):
            yield from _walk(av)


def _children(op: Any, av: Any) -> list[Any]:
    """The sub-sequences of one node of a parsed pattern."""
    if op is c.SUBPATTERN:
        return [av[-1]]
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        return [av[2]]
    if op is c.BRANCH:
        return list(av[1])
    if op in (c.ASSERT, c.ASSERT_NOT):
        return [av[1]]
    if op is getattr(c, "ATOMIC_GROUP", None):
        return [av]
    return []


def _literal_runs(sequence: Any, out: list[str]) -> None:
    """Runs of literal characters that follow each other in one sequence of the pattern."""
    run = ""
    for op, av in sequence:
        if op is c.LITERAL:
            run += chr(av)
            continue
        if run:
            out.append(run)
        run = ""
        for child in _children(op, av):
            _literal_runs(child, out)
    if run:
        out.append(run)


def _parts(source: str) -> tuple[list[str], str]:
    """The literal runs of a pattern (longest first) and the characters it names (classes by a member)."""
    try:
        tree = sre_parse.parse(source)
    except (re.error, TypeError, ValueError, OverflowError):
        return [], PALETTE
    runs: list[str] = []
    _literal_runs(tree, runs)
    chars = set("".join(runs))
    for op, av in _walk(tree):
        if op is c.NOT_LITERAL:
            chars.add("x" if chr(av) != "x" else "y")
        elif op is c.IN:
            for kind, item in av:
                if kind is c.LITERAL:
                    chars.add(chr(item))
                elif kind is c.RANGE:
                    chars.update((chr(item[0]), chr(item[1])))
                elif kind is c.CATEGORY:
                    chars.add(_CATEGORY_CHAR.get(item, "x"))
    literals = sorted({r for r in runs if r.strip()}, key=lambda r: (-len(r), r))
    # the letters and digits a class names first: they are what a run of "anything but" eats
    ordered = sorted(chars, key=lambda ch: (not ch.isalnum(), ch))
    return literals, "".join(ordered)


def fill(unit: str, size: int = SIZE) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def adversarial(source: str) -> Iterator[tuple[str, str]]:
    """Named 1 MB inputs, made one at a time (a pattern meets a few dozen of them)."""
    literals, alphabet = _parts(source)
    literals = literals[:4]
    named = alphabet[:8]
    for ch in sorted(set(named + PALETTE)):
        yield f"{ch!r} repeated", fill(ch)
    for lit in literals:
        yield f"{lit!r} repeated", fill(lit)
        yield f"{lit!r} repeated, spaced", fill(lit + " ")
        yield f"{lit!r} minus its end, repeated", fill(lit[:-1] or lit)
    for head in [*literals, *named[:4]]:
        for ch in named[:6]:
            # the opening of a match, then a megabyte that never closes it, then what ends it
            yield f"{head!r} then 1 MB of {ch!r}, then a space", head + fill(ch, SIZE - len(head) - 3) + " x\n"
            yield f"{head!r}{ch!r} repeated", fill(head + ch)
    for a in named[:4]:
        for b in named[:4]:
            if a != b:
                yield f"{a!r}{b!r} repeated", fill(a + b)


# -- timing ----------------------------------------------------------------------------------------------
_PLAIN = re.compile(r"(?s).")
_PLAIN_B = re.compile(rb"(?s).")


_BASELINE: dict[type, float] = {}


def plain_scan(kind: type) -> float:
    """CPU seconds of a linear scan of 1 MB that yields a match per character (best of 3, once a run)."""
    if kind not in _BASELINE:
        pattern: Any = _PLAIN_B if kind is bytes else _PLAIN
        text: Any = fill("a=b; c").encode() if kind is bytes else fill("a=b; c")
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            for _m in pattern.finditer(text):
                pass
            best = min(best, time.process_time() - started)
        _BASELINE[kind] = best
    return _BASELINE[kind]


def run(pattern: Any, method: str, text: Any) -> None:
    if method == "finditer":
        for _m in pattern.finditer(text):
            pass
    elif method == "sub":
        pattern.sub(text[:0], text)
    else:
        getattr(pattern, method)(text)


PATTERNS = package_patterns()


def test_the_walk_finds_the_patterns_of_every_layer() -> None:
    layers = {name.split(".")[1] for name in PATTERNS}
    assert {"stream", "detection", "engine", "report"} <= layers, sorted(PATTERNS)
    assert "harscrub.engine.formats.url._ABSOLUTE" in PATTERNS


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_is_linear_on_adversarial_input(name: str) -> None:
    pattern = PATTERNS[name]
    source = pattern.pattern
    is_bytes = isinstance(source, bytes)
    text_source = source.decode("latin-1") if is_bytes else source
    methods = [m for m in methods_used(name) if hasattr(pattern, m)]
    budget = max(FLOOR, FACTOR * plain_scan(bytes if is_bytes else str))
    stop = max(5, int(budget * 5))  # a call this far over budget is stopped: quadratic, not slow
    slow: dict[str, str] = {}
    for label, text in adversarial(text_source):
        data: Any = text.encode("utf-8") if is_bytes else text
        for method in methods:
            started = time.process_time()
            try:
                with deadline(stop):
                    run(pattern, method, data)
            except Overrun:
                slow[f"{method} on {label}"] = f"stopped after {stop} s"
                break
            spent = time.process_time() - started
            if spent > budget:
                slow[f"{method} on {label}"] = f"{spent / budget * FACTOR:.0f}x the plain scan"
        if slow:
            break  # one input is enough to show it
    assert not slow, f"{name} is not linear: {slow}"


def test_the_reader_closing_pattern_is_linear() -> None:
    """The one dynamic ``re`` pattern: how the reader finds the line that closes an entry."""
    for indent in (b"", b"  ", b"\t" * 40, b" " * 4096):
        pattern = re.compile(b"\n" + re.escape(indent) + b"[^ \t\r\n]")
        for text in (fill("\n" + " " * len(indent)).encode(), fill("\n").encode(), (b"\n" + indent) * (SIZE // (len(indent) + 1))):
            budget = max(FLOOR, FACTOR * plain_scan(bytes))
            started = time.process_time()
            for _m in pattern.finditer(text):
                pass
            assert time.process_time() - started < budget


def test_no_pattern_is_compiled_out_of_sight() -> None:
    """Module-level patterns only (the walk sees them), or a DYNAMIC entry that says why it is linear."""
    calls = {"compile", "match", "search", "fullmatch", "sub", "subn", "split", "findall", "finditer"}
    hidden = []
    for path, tree in _sources().items():
        top = {id(node) for stmt in tree.body for node in ast.walk(stmt)
               if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in calls
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in ("re", "re2")):
                spelled = f"{node.func.value.id}.{node.func.attr}"
                if (node.func.attr == "compile" and id(node) in top) or (path, spelled) in DYNAMIC:
                    continue
                hidden.append(f"{path}:{node.lineno}: {spelled}")
    assert not hidden, f"patterns the linear-time walk cannot see (compile them at module level): {hidden}"

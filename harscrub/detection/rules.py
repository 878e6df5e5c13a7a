"""Detection rules: loaded from declarative TOML files, validated, never executed as code.

A rule file holds one or more ``[[rule]]`` tables. Three kinds of rule exist:

- ``match = "value"``: a secret *shape* (a JWT, an AWS key id, ``Bearer …`` in free text)
  found anywhere inside a string. ``pattern`` is an RE2 expression (linear time by
  construction); a group named ``secret`` marks the part to redact, else the whole match.
  ``places = ["url"]`` limits a rule to URL path segments and parameter values;
  ``"link"`` also runs it on whole URLs (host and path) before they are taken apart, for
  secrets that are a URL (a webhook whose path is the credential).
- ``match = "name"``: a field *name* (header, cookie, query/form/JSON key …) whose value is
  a secret whatever it looks like. ``strategy`` says how the value is redacted.
- ``match = "keep"``: names that look credential-like but only carry metadata
  (``token_type``, ``password_policy``); name rules do not fire on them.

Every rule carries ``examples`` that must match and ``counterexamples`` that must not; the
test suite checks all of them, so a rule file is its own specification.
"""

from __future__ import annotations

import dataclasses
import hashlib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import re2

from harscrub.detection.validators import VALIDATORS
from harscrub.errors import RuleError

Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("info", "low", "medium", "high", "critical")
MATCH_KINDS = ("value", "name", "keep")
NAME_PLACES = ("header", "cookie", "param")
VALUE_PLACES = ("text", "url", "link")
#: The strategies of :mod:`harscrub.engine.strategies` by name (a test holds the two together).
STRATEGIES = ("whole", "keep-scheme", "cookie-header", "set-cookie", "keep-plain")
#: Rules the engine looks up by id (a password in a URL's userinfo): they cannot be disabled.
STRUCTURAL_RULES = ("url-credentials",)

_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.max_mem = 64 << 20
_RE2_OPTIONS.log_errors = False


@dataclass(frozen=True)
class Rule:
    """One detection rule, as written in its file."""

    id: str
    description: str
    severity: Severity
    match: str
    pattern: str
    places: tuple[str, ...]
    strategy: str = "whole"
    priority: int = 100
    min_entropy: float = 0.0
    validate: str | None = None
    #: For a name rule: the name leaves no doubt its value is a secret (a password, a PIN), so
    #: numbers under it go too, and a plain-looking value is specific enough to be swept.
    doubtless: bool = False
    #: For a value rule: the pattern finds the value by the name or markup around it
    #: (``password=…``, ``<input type=password value=…>``), not by its own shape, so the value
    #: is judged like one found under a name: a weak secret unless it is random (issue 12).
    by_context: bool = False
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    source: str = ""
    compiled: Any = field(default=None, compare=False, repr=False)

    @property
    def secret_group(self) -> int:
        """Index of the group that holds the secret (0: the whole match)."""
        return int(self.compiled.groupindex.get("secret", 0))


def _compile(pattern: str, where: str) -> Any:
    try:
        return re2.compile(pattern, options=_RE2_OPTIONS)
    except Exception as exc:  # re2 raises its own error type
        raise RuleError(f"{where}: pattern is not valid RE2 syntax ({exc})") from None


#: Every key a ``[[rule]]`` table may hold; any other is a typo (``exmaples``) and refused.
RULE_KEYS = frozenset({"id", "description", "severity", "match", "pattern", "name", "places", "strategy",
                       "priority", "min_entropy", "validate", "doubtless", "by_context", "examples",
                       "counterexamples"})
#: Rule ids appear in placeholders (``[REDACTED:<id>:<fingerprint>]``), which the engine must recognise.
_RULE_ID = re2.compile(r"^[a-z0-9][a-z0-9.-]{0,63}$")


def _kind(value: Any) -> str:
    """The TOML name of a value's type, for messages (never the value: it may be a secret)."""
    names = {bool: "a boolean", int: "an integer", float: "a float", str: "a string", list: "an array",
             dict: "a table"}
    return names.get(type(value), type(value).__name__)


def _strings(table: dict[str, Any], key: str, where: str, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """An array of strings (a lone string is refused: ``places = "url"`` would read as letters)."""
    if key not in table:
        if default is None:
            raise RuleError(f"{where}: needs {key!r}, an array of strings")
        return default
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(f"{where}: {key!r} must be an array of strings, not {_kind(value)}"
                        + (" holding other types" if isinstance(value, list) else ""))
    return tuple(value)


def _rule_from_table(table: Any, source: str, index: int = 0) -> Rule:
    if not isinstance(table, dict):
        raise RuleError(f"{source}: rule {index + 1} must be a [[rule]] table, not {_kind(table)}")
    rid = table.get("id")
    where = f"{source}: rule {rid!r}" if isinstance(rid, str) and rid else f"{source}: rule {index + 1}"
    unknown = sorted(set(table) - RULE_KEYS)
    if unknown:
        raise RuleError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(RULE_KEYS))})")
    for key in ("id", "description", "severity", "match"):
        if not isinstance(table.get(key), str) or not table[key]:
            raise RuleError(f"{where}: missing or empty {key!r} (a string)")
    if not _RULE_ID.match(table["id"]):
        raise RuleError(f"{where}: id must be lowercase letters, digits, '.' and '-' (at most 64)")
    if table["severity"] not in SEVERITIES:
        raise RuleError(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
    match = table["match"]
    if match not in MATCH_KINDS:
        raise RuleError(f"{where}: match must be one of {', '.join(MATCH_KINDS)}")
    pattern_key = "pattern" if match == "value" else "name"
    other_key = "name" if match == "value" else "pattern"
    if other_key in table:
        raise RuleError(f"{where}: a {match!r} rule takes {pattern_key!r}, not {other_key!r}")
    pattern = table.get(pattern_key)
    if not isinstance(pattern, str) or not pattern:
        raise RuleError(f"{where}: a {match!r} rule needs {pattern_key!r} (a string)")
    allowed_places = VALUE_PLACES if match == "value" else NAME_PLACES
    default_places = ("text",) if match == "value" else ("header", "param")
    places = _strings(table, "places", where, default_places)
    if not places or any(p not in allowed_places for p in places):
        raise RuleError(f"{where}: places must be among {', '.join(allowed_places)}")
    strategy = table.get("strategy", "whole")
    if not isinstance(strategy, str) or strategy not in STRATEGIES:
        raise RuleError(f"{where}: strategy must be one of {', '.join(STRATEGIES)}")
    examples = _strings(table, "examples", where)
    counterexamples = _strings(table, "counterexamples", where)
    if not examples or not counterexamples:
        raise RuleError(f"{where}: needs at least one example and one counterexample")
    priority = table.get("priority", 100)
    if not isinstance(priority, int) or isinstance(priority, bool):
        raise RuleError(f"{where}: priority must be an integer, not {_kind(priority)}")
    min_entropy = table.get("min_entropy", 0.0)
    if not isinstance(min_entropy, (int, float)) or isinstance(min_entropy, bool) or not 0 <= min_entropy <= 64:
        raise RuleError(f"{where}: min_entropy must be a number of bits from 0 to 64")
    validate = table.get("validate")
    if validate is not None and (not isinstance(validate, str) or validate not in VALIDATORS):
        raise RuleError(f"{where}: validate must be one of {', '.join(VALIDATORS)}")
    doubtless = table.get("doubtless", False)
    if not isinstance(doubtless, bool) or (doubtless and match != "name"):
        raise RuleError(f"{where}: doubtless must be true or false, and only on a name rule")
    by_context = table.get("by_context", False)
    if not isinstance(by_context, bool) or (by_context and match != "value"):
        raise RuleError(f"{where}: by_context must be true or false, and only on a value rule")
    compiled = _compile(pattern, where)
    return Rule(
        id=table["id"],
        description=table["description"].strip(),
        severity=table["severity"],
        match=match,
        pattern=pattern,
        places=places,
        strategy=strategy,
        priority=priority,
        min_entropy=float(min_entropy),
        validate=validate,
        doubtless=doubtless,
        by_context=by_context,
        examples=examples,
        counterexamples=counterexamples,
        source=source,
        compiled=compiled,
    )


def load_rule_file(path: Path) -> list[Rule]:
    """Parse one TOML rule file; anything malformed is one :class:`RuleError` line naming the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path}: cannot read rule file ({exc.__class__.__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{path}: not valid TOML ({exc})") from None
    unknown = sorted(set(data) - {"rule"})
    if unknown:
        raise RuleError(f"{path}: unknown top-level key {unknown[0]!r} (a rule file holds [[rule]] tables)")
    tables = data.get("rule")
    if not isinstance(tables, list) or not tables:
        raise RuleError(f"{path}: expected one or more [[rule]] tables")
    return [_rule_from_table(t, path.name, i) for i, t in enumerate(tables)]


def default_rules_dir() -> Path:
    """The bundled patterns/: inside the installed package, or at the repository root."""
    here = Path(__file__).resolve().parent.parent  # the package root
    for candidate in (here / "_patterns", here.parent / "patterns"):
        if candidate.is_dir():
            return candidate
    raise RuleError("the bundled patterns/ folder is missing from this installation")


@dataclass(frozen=True)
class RuleSet:
    """All rules of a run, split by kind, with a digest that names the exact rule set."""

    rules: tuple[Rule, ...]

    @property
    def value_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.match == "value")

    @property
    def name_rules(self) -> tuple[Rule, ...]:
        return tuple(sorted((r for r in self.rules if r.match == "name"), key=lambda r: (r.priority, r.id)))

    @property
    def keep_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.match == "keep")

    def by_id(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def adjusted(self, disabled: Iterable[str] = (), severities: Mapping[str, str] | None = None) -> RuleSet:
        """This rule set without the ``disabled`` rules and with ``severities`` (rule id to
        severity) replacing theirs. An unknown id is an error: a typo must not leave a rule on."""
        known = {r.id for r in self.rules}
        disabled = set(disabled)
        severities = dict(severities or {})
        for rule_id in sorted(disabled | set(severities)):
            if rule_id not in known:
                raise RuleError(f"no rule {rule_id!r} to disable or re-rank (harscrub config --list-rules lists them)")
        structural = sorted(disabled & set(STRUCTURAL_RULES))
        if structural:
            raise RuleError(f"rule {structural[0]!r} cannot be disabled: the engine relies on it (allow a value instead)")
        for rule_id, severity in severities.items():
            if severity not in SEVERITIES:
                raise RuleError(f"severity of {rule_id!r} must be one of {', '.join(SEVERITIES)}, not {severity!r}")
        return RuleSet(tuple(
            dataclasses.replace(r, severity=severities[r.id]) if r.id in severities else r  # type: ignore[arg-type]
            for r in self.rules if r.id not in disabled
        ))

    @property
    def digest(self) -> str:
        """sha256 over every rule's defining fields: which rules sanitized a file."""
        h = hashlib.sha256()
        for r in sorted(self.rules, key=lambda r: r.id):
            h.update(repr((r.id, r.match, r.pattern, r.places, r.strategy, r.severity, r.min_entropy, r.validate, r.doubtless)).encode())
        return h.hexdigest()[:16]


def load_rules(extra: list[Path] | None = None, *, include_defaults: bool = True) -> RuleSet:
    """Load the bundled rules plus any extra files; rule ids must be unique."""
    files: list[Path] = []
    if include_defaults:
        files.extend(sorted(default_rules_dir().glob("*.toml")))
    files.extend(extra or [])
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in files:
        for rule in load_rule_file(Path(path)):
            if rule.id in seen:
                raise RuleError(f"{rule.source}: rule id {rule.id!r} already defined in {seen[rule.id]}")
            seen[rule.id] = rule.source
            rules.append(rule)
    return RuleSet(tuple(rules))

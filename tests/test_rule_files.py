"""Malformed rule files are one-line RuleErrors naming the file and the rule, never tracebacks (issue 13).

Every key of a ``[[rule]]`` table is given every wrong type, the file is given broken TOML and
odd shapes; the library raises :class:`RuleError` with one line, and ``--rules FILE`` on each
command exits 2 with that line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harscrub.detection.rules import load_rule_file, load_rules
from harscrub.errors import RuleError

from .factories import make_entry, make_har, one_line_error, run_cli

GOOD: dict[str, Any] = {
    "id": "acme-token", "description": "ACME token", "severity": "high", "match": "value",
    "pattern": r"\bacme_[a-z0-9]{20}\b", "examples": ["acme_0123456789abcdefghij"], "counterexamples": ["acme_x"],
}
GOOD_NAME: dict[str, Any] = {
    "id": "acme-header", "description": "ACME header", "severity": "high", "match": "name",
    "name": "(?i)^x-acme-key$", "places": ["header"], "strategy": "whole", "priority": 10,
    "examples": ["X-Acme-Key"], "counterexamples": ["X-Acme"],
}
#: A value of each TOML type, to give every key every wrong one.
TOML_VALUES = {"string": '"text"', "integer": "7", "float": "1.5", "boolean": "true", "array": '["a", "b"]',
               "mixed array": '["a", 1]', "table": "{ a = 1 }", "empty string": '""', "empty array": "[]",
               "date": "1979-05-27"}
#: The types each key takes (anything else must be refused).
ACCEPTS = {
    "id": {"string"}, "description": {"string"}, "severity": set(), "match": set(), "pattern": {"string"},
    "name": {"string"}, "places": set(), "strategy": set(), "priority": {"integer"},
    "min_entropy": {"integer", "float"}, "validate": set(), "examples": {"array"}, "counterexamples": {"array"},
    "doubtless": {"boolean"}, "by_context": {"boolean"},
}


def toml(table: dict[str, Any], **override: str) -> str:
    lines = ["[[rule]]"]
    for key, value in table.items():
        if key in override:
            continue
        if isinstance(value, list):
            lines.append(f"{key} = [{', '.join(repr_toml(v) for v in value)}]")
        else:
            lines.append(f"{key} = {repr_toml(value)}")
    lines.extend(f"{key} = {text}" for key, text in override.items())
    return "\n".join(lines) + "\n"


def repr_toml(value: Any) -> str:
    if isinstance(value, str):
        return "'''" + value + "'''" if "\\" in value else '"' + value + '"'
    return str(value).lower() if isinstance(value, bool) else str(value)


def refused(tmp_path: Path, text: str, *patterns: str) -> str:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(RuleError) as caught:
        load_rule_file(path)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    assert "bad.toml" in message
    for pattern in patterns:
        assert pattern in message, message
    return message


def test_the_test_knows_every_key() -> None:
    from harscrub.detection.rules import RULE_KEYS

    assert set(ACCEPTS) == set(RULE_KEYS)


def test_the_good_tables_load(tmp_path: Path) -> None:
    for table in (GOOD, GOOD_NAME):
        path = tmp_path / "ok.toml"
        path.write_text(toml(table))
        [rule] = load_rule_file(path)
        assert rule.id == table["id"]


@pytest.mark.parametrize("key", sorted(ACCEPTS))
@pytest.mark.parametrize("kind", sorted(TOML_VALUES))
def test_every_key_with_every_wrong_type_is_one_line(key: str, kind: str, tmp_path: Path) -> None:
    """Case: malformed rule files gave tracebacks (places = 5, priority = "x", examples = "abc" ...)."""
    base = GOOD_NAME if key in ("name", "places", "strategy", "priority", "doubtless") else GOOD
    if kind in ACCEPTS[key] or (key == "pattern" and base is GOOD_NAME) or (key == "name" and base is GOOD):
        pytest.skip("a type this key takes")
    path = tmp_path / "bad.toml"
    path.write_text(toml(base, **{key: TOML_VALUES[kind]}))
    try:
        load_rule_file(path)
    except RuleError as exc:
        assert "\n" not in str(exc)
        assert str(exc).startswith(("bad.toml: rule ", f"{path}: ")), str(exc)
        return
    pytest.fail(f"{key} = {TOML_VALUES[kind]} was accepted")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[[rule]\nid = 1", "not valid TOML"),
        ("id = 'x'", "unknown top-level key 'id'"),
        ("rule = 5", "expected one or more [[rule]] tables"),
        ("rule = [1, 2]", "rule 1 must be a [[rule]] table, not an integer"),
        ("[rule]\nid = 'x'", "expected one or more [[rule]] tables"),
        ("", "expected one or more [[rule]] tables"),
        (toml(GOOD, examples='"acme_0123456789abcdefghij"'), "'examples' must be an array of strings, not a string"),
        (toml(GOOD, examples='["acme_0123456789abcdefghij", 3]'), "'examples' must be an array of strings"),
        (toml(GOOD_NAME, places='"header"'), "'places' must be an array of strings, not a string"),
        (toml(GOOD, exmaples='["x"]'), "unknown key 'exmaples'"),
        (toml(GOOD, id='"Has Spaces"'), "id must be lowercase"),
        (toml(GOOD, min_entropy="-1"), "min_entropy must be a number of bits"),
        (toml(GOOD, min_entropy="nan"), "min_entropy must be a number of bits"),
        (toml(GOOD, priority="true"), "priority must be an integer, not a boolean"),
        (toml(GOOD, validate='["not-code"]'), "validate must be one of"),
        (toml(GOOD, pattern='"(unclosed"'), "not valid RE2 syntax"),
        (toml(GOOD, name='"x"'), "a 'value' rule takes 'pattern', not 'name'"),
        (toml(GOOD, severity='"urgent"'), "severity must be one of"),
        (toml(GOOD, counterexamples="[]"), "needs at least one example and one counterexample"),
    ],
    ids=lambda v: v if len(v) < 40 else v[:40],
)
def test_a_malformed_rule_file_is_one_rule_error(text: str, says: str, tmp_path: Path) -> None:
    refused(tmp_path, text, says)


def test_a_rule_file_that_is_not_utf8_or_not_a_file(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_bytes(b"[[rule]]\nid = '\xff'\n")
    with pytest.raises(RuleError, match="cannot read rule file"):
        load_rule_file(tmp_path / "bad.toml")
    with pytest.raises(RuleError, match="cannot read rule file"):
        load_rules([tmp_path])
    with pytest.raises(RuleError, match="cannot read rule file"):
        load_rules([tmp_path / "missing.toml"])


def test_no_secret_from_a_rule_file_reaches_the_message(tmp_path: Path) -> None:
    """A wrong type is named by its type, never by its value (a rule file may hold a real token)."""
    message = refused(tmp_path, toml(GOOD, priority='"ghp_0123456789abcdefghijklmnopqrstuvwxyz"'), "priority")
    assert "ghp_" not in message


@pytest.mark.parametrize("command", ["sanitize", "check", "inspect"])
def test_every_command_turns_a_bad_rule_file_into_one_line(command: str, tmp_path: Path) -> None:
    har = tmp_path / "in.har"
    har.write_text(__import__("json").dumps(make_har(make_entry(0))))
    rules = tmp_path / "bad.toml"
    rules.write_text(toml(GOOD_NAME, places="5"))
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run_cli(command, str(har), "--rules", str(rules))
    one_line_error(code, err, r"bad\.toml: rule 'acme-header': 'places' must be an array of strings, not an integer")
    assert sorted(p.name for p in tmp_path.iterdir()) == before

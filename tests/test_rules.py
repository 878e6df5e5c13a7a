"""Every rule file is its own specification: each example must match, each counterexample not."""

from __future__ import annotations

import pytest

from harscrub.detection.detectors import NameDetector, detect
from harscrub.detection.rules import load_rule_file, load_rules
from harscrub.errors import RuleError

RULES = load_rules()
#: As the engine runs them: a value found by its key is not one when the key is metadata.
METADATA = NameDetector(RULES).is_metadata


def _cases(kind: str) -> list[tuple[str, str]]:
    return [
        (rule.id, example)
        for rule in RULES.rules
        for example in (rule.examples if kind == "examples" else rule.counterexamples)
    ]


@pytest.mark.parametrize(("rule_id", "example"), _cases("examples"))
def test_every_example_matches(rule_id: str, example: str) -> None:
    rule = RULES.by_id(rule_id)
    if rule.match == "value":
        assert detect(rule, example, METADATA), f"{rule_id} must match its example"
    else:
        assert rule.compiled.search(example), f"{rule_id} must match the name {example!r}"


@pytest.mark.parametrize(("rule_id", "counterexample"), _cases("counterexamples"))
def test_no_counterexample_matches(rule_id: str, counterexample: str) -> None:
    rule = RULES.by_id(rule_id)
    if rule.match == "value":
        assert not detect(rule, counterexample, METADATA), f"{rule_id} must not match its counterexample"
    else:
        assert not rule.compiled.search(counterexample), f"{rule_id} must not match the name {counterexample!r}"


def test_rule_ids_are_unique_and_every_rule_is_documented() -> None:
    ids = [r.id for r in RULES.rules]
    assert len(ids) == len(set(ids))
    assert all(r.description and r.examples and r.counterexamples for r in RULES.rules)


def test_a_malformed_rule_file_is_refused_with_its_name(tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nid = "x"\ndescription = "d"\nseverity = "high"\nmatch = "value"\npattern = "(a"\n'
                   'examples = ["a"]\ncounterexamples = ["b"]\n')
    with pytest.raises(RuleError, match="bad.toml"):
        load_rule_file(bad)


def test_a_rule_without_counterexample_is_refused(tmp_path) -> None:
    bad = tmp_path / "lazy.toml"
    bad.write_text('[[rule]]\nid = "x"\ndescription = "d"\nseverity = "high"\nmatch = "value"\npattern = "abc"\n'
                   'examples = ["abc"]\n')
    with pytest.raises(RuleError, match="counterexample"):
        load_rule_file(bad)


def test_an_extra_rule_file_adds_a_token_format(tmp_path) -> None:
    extra = tmp_path / "acme.toml"
    extra.write_text('[[rule]]\nid = "acme-token"\ndescription = "ACME API token"\nseverity = "high"\n'
                     'match = "value"\npattern = \'\'\'\\bacme_[a-z0-9]{20}\\b\'\'\'\n'
                     'examples = ["acme_0123456789abcdefghij"]\ncounterexamples = ["acme_short"]\n')
    rules = load_rules([extra])
    assert detect(rules.by_id("acme-token"), "key acme_0123456789abcdefghij here")


def test_rule_files_name_only_strategies_the_engine_has() -> None:
    """rules.py checks strategy names at load time; the engine applies them: one list of names."""
    from harscrub.detection import rules
    from harscrub.engine import strategies

    assert set(rules.STRATEGIES) == set(strategies.STRATEGIES)

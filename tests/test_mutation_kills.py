"""Tests written to kill the mutants of the detection code that survived the suite (docs/mutation.md).

Each test names the mutants it kills (mutmut's names, e.g. ``detect__mutmut_6``); the mutants
that cannot be killed because they change nothing observable are listed, with the reason, in
docs/mutation.md.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from harscrub.detection import detectors, rules, validators
from harscrub.detection.detectors import NameDetector, ValueDetector, detect, entropy, is_placeholder_only
from harscrub.detection.rules import Rule, RuleSet, load_rules
from harscrub.errors import RuleError

RULES = load_rules()


def rule(pattern: str, *, rid: str = "t-rule", places: tuple[str, ...] = ("text",), **extra: Any) -> Rule:
    """A value rule built from a table, as a rule file would give it."""
    table = {"id": rid, "description": "test", "severity": "high", "match": "value", "pattern": pattern,
             "places": list(places), "examples": ["x"], "counterexamples": ["y"], **extra}
    return rules._rule_from_table(table, "test.toml")


# -- rules.py ----------------------------------------------------------------------------------------------
def test_an_installed_package_reads_its_bundled_patterns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """default_rules_dir__mutmut_4, _5: the wheel's ``harscrub/_patterns`` comes first."""
    package = tmp_path / "site" / "harscrub"
    (package / "detection").mkdir(parents=True)
    (package / "_patterns").mkdir()
    (tmp_path / "site" / "patterns").mkdir()
    monkeypatch.setattr(rules, "__file__", str(package / "detection" / "rules.py"))
    assert rules.default_rules_dir() == (package / "_patterns").resolve()


def test_a_missing_patterns_folder_is_a_rule_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """default_rules_dir__mutmut_9, _10, _11: the exact message."""
    (tmp_path / "harscrub" / "detection").mkdir(parents=True)
    monkeypatch.setattr(rules, "__file__", str(tmp_path / "harscrub" / "detection" / "rules.py"))
    with pytest.raises(RuleError) as caught:
        rules.default_rules_dir()
    assert str(caught.value) == "the bundled patterns/ folder is missing from this installation"


def test_by_id_names_the_missing_id() -> None:
    """RuleSet.by_id__mutmut_2."""
    with pytest.raises(KeyError) as caught:
        RULES.by_id("no-such-rule")
    assert caught.value.args == ("no-such-rule",)


def test_a_duplicate_rule_id_names_both_files(tmp_path: Path) -> None:
    """load_rules__mutmut_15, _16."""
    text = ('[[rule]]\nid = "dup-id"\ndescription = "d"\nseverity = "low"\nmatch = "value"\npattern = "abc"\n'
            'examples = ["abc"]\ncounterexamples = ["x"]\n')
    (tmp_path / "one.toml").write_text(text)
    (tmp_path / "two.toml").write_text(text)
    with pytest.raises(RuleError) as caught:
        load_rules([tmp_path / "one.toml", tmp_path / "two.toml"], include_defaults=False)
    assert str(caught.value) == "two.toml: rule id 'dup-id' already defined in one.toml"


# -- detectors.py: placeholders and entropy ---------------------------------------------------------------
PH = "[REDACTED:github-token:abcdef12]"


@pytest.mark.parametrize(
    ("value", "only"),
    [
        (PH, True),
        (f"{PH}, {PH}", True),
        (f'"{PH}";{PH}=', True),                     # is_placeholder_only__mutmut_14: separators, not just spaces
        (f"x {PH} y", False),                        # __mutmut_11: something else is left
        (f"X{PH}X", False),                          # __mutmut_15: an 'X' is not a separator
        ("[REDACTED-ish but not one", False),
        ("no placeholder here", False),
    ],
)
def test_is_placeholder_only(value: str, only: bool) -> None:
    assert is_placeholder_only(value) is only


def test_entropy_of_nothing_is_zero() -> None:
    """entropy__mutmut_2."""
    assert entropy("") == 0.0
    assert entropy("abcd") == 2.0


# -- detectors.py: detect -------------------------------------------------------------------------------------
def test_a_secret_group_that_matched_nothing_is_no_detection() -> None:
    """detect__mutmut_6, _9 (an empty group is skipped) and _10 (the next match is still looked at)."""
    r = rule(r"key=(?P<secret>[a-z0-9]*)")
    assert detect(r, "key= and key=") == []
    found = detect(r, "key= then key=abc123")
    assert [(d.start, d.end) for d in found] == [(14, 20)]


def test_a_placeholder_match_does_not_stop_the_search() -> None:
    """detect__mutmut_13."""
    r = rule(r"Bearer (?P<secret>[^ ]+)")
    text = f"Bearer {PH} Bearer live0token1"
    assert [text[d.start:d.end] for d in detect(r, text)] == ["live0token1"]


def test_min_entropy_is_a_lower_bound_that_is_reached_when_equal() -> None:
    """detect__mutmut_16 (``<`` not ``<=``) and _17 (a low-entropy match does not stop the search)."""
    r = rule(r"k=(?P<secret>[a-z]+)", min_entropy=2.0)
    assert [d.start for d in detect(r, "k=abcd")] == [2]          # exactly 2.0 bits: kept
    assert [d.start for d in detect(r, "k=aaaa k=abcd")] == [9]   # the first is too plain, the next is not


def test_a_match_the_validator_refuses_does_not_stop_the_search() -> None:
    """detect__mutmut_21."""
    r = rule(r"t=(?P<secret>[A-Za-z0-9]+)", validate="random-token")
    text = "t=authenticity t=Ab3dEf9hIj"
    assert [text[d.start:d.end] for d in detect(r, text)] == ["Ab3dEf9hIj"]


# -- detectors.py: ValueDetector -------------------------------------------------------------------------------
def test_text_rules_also_run_on_urls() -> None:
    """ValueDetector.__init__ mutmut_11 .. _16: a rule for "text" also judges URL parts."""
    token = "ghp_" + "a1B2c3D4e5F6g7H8i9J0" * 2
    value_rules = RULES.value_rules
    assert [r.places for r in value_rules if r.id == "github-token"] == [("text",)]
    assert [d.rule.id for d in ValueDetector(value_rules).find(token[:40], "url")] == ["github-token"]


def test_a_rule_set_with_only_url_rules_still_judges_urls() -> None:
    """ValueDetector.__init__ mutmut_18: no "text" member is no reason to skip "url"."""
    d = ValueDetector((rule(r"sig=(?P<secret>[0-9a-f]{16})", places=("url",)),))
    assert d.find("0123456789abcdef", "text") == []
    assert [(x.start, x.end) for x in d.find("sig=0123456789abcdef", "url")] == [(4, 20)]


def test_short_texts_and_unknown_places_are_skipped() -> None:
    """ValueDetector.find mutmut_3 (``or``) and _4 (8 characters are scanned)."""
    d = ValueDetector((rule(r"abc"), rule(r"abcdefgh", rid="t-eight")))
    assert d.find("abc") == []                       # shorter than MIN_SECRET_TEXT: not even tried
    assert d.find("x" * 20, "nowhere") == []         # a place no rule is for
    assert [x.rule.id for x in d.find("abcdefgh")] == ["t-eight"]


def test_overlaps_keep_the_earliest_then_the_longest() -> None:
    """ValueDetector.find mutmut_16 (two detections are deduplicated too), _19 (longest first),
    _22 (adjacent detections are both kept)."""
    a = rule(r"abc[0-9]{8}", rid="t-a")
    b = rule(r"[0-9]{8}xyz", rid="t-b")
    longer = rule(r"abc[0-9]{8}def", rid="t-longer")
    c = rule(r"xyz[0-9]{8}", rid="t-c")
    assert [x.rule.id for x in ValueDetector((a, b)).find("abc12345678xyz")] == ["t-a"]
    assert [x.rule.id for x in ValueDetector((a, longer)).find("abc12345678def")] == ["t-longer"]
    assert [x.rule.id for x in ValueDetector((a, c)).find("abc12345678xyz12345678")] == ["t-a", "t-c"]


def test_classify_needs_a_match_covering_the_whole_secret() -> None:
    """ValueDetector.classify mutmut_3."""
    d = ValueDetector((rule(r"abc[0-9]{8}"),))
    assert d.classify("abc12345678") is not None
    assert d.classify("abc12345678 and more") is None
    assert d.classify("more abc12345678") is None


# -- detectors.py: NameDetector -------------------------------------------------------------------------------
def test_keep_rules_do_not_apply_to_cookies() -> None:
    """NameDetector._classify mutmut_3, _4: every cookie's value is a credential, metadata-looking name or not."""
    names = NameDetector(RULES)
    assert names.classify("token_type", "param") is None
    assert names.classify("token_type", "cookie") is not None


# -- validators.py ----------------------------------------------------------------------------------------------
def b64(text: str, pad: bool = True) -> str:
    encoded = base64.b64encode(text.encode()).decode()
    return encoded if pad else encoded.rstrip("=")


@pytest.mark.parametrize(
    ("secret", "ok"),
    [
        (b64("user:password"), True),
        (b64("user:pass1", pad=False), True),        # _8: '=' restored, not 'XX=XX'
        (b64("user:pa", pad=False), True),           # two '=' restored (length % 4 == 2)
        (b64("user:pas", pad=False), True),          # _10: one '=' restored (length % 4 == 3), not three
        (b64("user:passwd1"), True),                 # _11: already a multiple of 4, nothing added
        (b64("user:password")[:8] + "*" + b64("user:password")[8:], False),  # _5, _12: not base64 at all
        (b64("justtext"), False),                    # _18: printable but no ':'
        (b64("user:\x00pass"), False),               # not printable
        ("////", False),                             # not UTF-8
    ],
)
def test_base64_credentials(secret: str, ok: bool) -> None:
    assert validators.VALIDATORS["base64-credentials"](secret) is ok


@pytest.mark.parametrize(("secret", "ok"), [("Undefined", False), ("undefined", False), ("t.token", False),
                                            ("aB3xY9kLmQ", True)])
def test_not_code(secret: str, ok: bool) -> None:
    """_not_code mutmut_2: an all-letter word is compared in lower case."""
    assert validators.VALIDATORS["not-code"](secret) is ok


@pytest.mark.parametrize(
    ("secret", "ok"),
    [
        ("abcd1234", True),      # _2, _3: eight characters are enough
        ("abc1234", False),      # seven are not
        ("ABCDEFGHIJ", False),   # _9: one case only, no digit
        ("abcdefghij", False),
        ("AbCdEfGhIj", True),    # _10: mixed case without a digit
    ],
)
def test_random_token(secret: str, ok: bool) -> None:
    assert validators.VALIDATORS["random-token"](secret) is ok


def test_rule_set_fixture_is_untouched() -> None:
    assert isinstance(RULES, RuleSet) and detectors.MIN_SECRET_TEXT == 8

"""Every rule runs in linear time: adversarial 1 MB inputs for each rule, under a generous budget.

RE2 makes one search linear, but a sanitizer runs *many* searches over one text (one per
match, plus the Python checks on each), and a pattern whose match must look to the end of the
text to be decided turns that into quadratic time. The inputs here are built from each rule's
own examples: the example and its match repeated, near-misses (the match minus its last
character), repeated prefixes (``eyJ``, ``<input ``, ``-----BEGIN``), the part before the
secret followed by a megabyte of the secret's own alphabet (a token that never ends), and one
example's opening followed by another's match. A rule over budget is a bug in the rule.

The budget is CPU time (not wall time, so a busy CI machine does not fail it) and generous:
a linear rule takes well under a second on each input; the quadratic ones this test caught
(private-key, and the XML alternative of saml-assertion) took 7 to 27 seconds on one.
"""

from __future__ import annotations

import time

import pytest

from harscrub.detection.detectors import ValueDetector
from harscrub.detection.rules import Rule, load_rules

from .factories import Overrun, deadline

RULES = load_rules()
SIZE = 1 << 20
#: CPU seconds a rule may take on one adversarial input (linear rules: under half a second).
BUDGET = 5.0


def fill(unit: str, size: int = SIZE) -> str:
    """``unit`` repeated to exactly ``size`` characters."""
    return (unit * (size // len(unit) + 1))[:size] if unit else ""


def adversarial(rule: Rule) -> dict[str, str]:
    """Named 1 MB inputs built from the rule's examples (see the module docstring)."""
    parts = []
    for example in rule.examples[:2]:
        m = rule.compiled.search(example)
        if m is None:
            continue
        whole = m.group(0)
        start, end = m.span(rule.secret_group)
        head = example[m.start():start] if rule.secret_group else whole[: max(1, len(whole) // 2)]
        body = example[start:end] if rule.secret_group else whole[len(head):]
        parts.append((example, whole, head, body or whole))
    inputs: dict[str, str] = {}
    for k, (example, whole, head, body) in enumerate(parts):
        alphabet = "".join(sorted(set(body)))
        inputs |= {
            f"{k}: example repeated": fill(example + " "),
            f"{k}: match repeated, glued": fill(whole),
            f"{k}: near-miss repeated": fill(whole[:-1] + " "),
            f"{k}: near-miss repeated, glued": fill(whole[:-1]),
            f"{k}: first 3 characters repeated": fill(whole[:3]),
            f"{k}: first half repeated": fill(whole[: max(1, len(whole) // 2)]),
            f"{k}: opening repeated": fill(head),
            f"{k}: opening then 1 MB of its alphabet": head + fill(alphabet),
            f"{k}: opening then the secret cycled": head + fill(body),
            f"{k}: the alphabet alone": fill(alphabet),
        }
        for j, (_, other, _, _) in enumerate(parts):
            if j != k:
                inputs[f"{k}+{j}: opening then another match, repeated"] = fill(head + " " + other + " ")
                inputs[f"{k}+{j}: one opening, then matches"] = head + fill(" " + other)
    return {name: text for name, text in inputs.items() if text}


@pytest.mark.parametrize("rule", RULES.value_rules, ids=lambda r: r.id)
def test_value_rule_is_linear_on_adversarial_input(rule: Rule) -> None:
    detector = ValueDetector((rule,))
    spent: dict[str, float] = {}
    try:
        with deadline(int(BUDGET * 12)):
            for name, text in adversarial(rule).items():
                started = time.process_time()
                for place in rule.places:
                    detector.find(text, place)
                spent[name] = time.process_time() - started
    except Overrun:
        pytest.fail(f"{rule.id}: still running after {BUDGET * 12:.0f} s, after {list(spent)[-1:]} (quadratic?)")
    slow = {name: round(t, 1) for name, t in spent.items() if t > BUDGET}
    assert not slow, f"{rule.id} is not linear: CPU seconds on 1 MB inputs: {slow}"


@pytest.mark.parametrize("rule", [r for r in RULES.rules if r.match != "value"], ids=lambda r: r.id)
def test_name_rule_is_linear_on_a_huge_name(rule: Rule) -> None:
    """Names can be huge too (a JSON key of a megabyte); one search each, but it must be linear."""
    started = time.process_time()
    for example in rule.examples[:2]:
        for text in (fill(example), fill(example[:-1] + " "), fill(example[:3])):
            rule.compiled.search(text)
    assert time.process_time() - started < BUDGET


"""Planted secrets in every encoding and place are gone; their neighbours and decoys stay.

Every case of ``tests/planting.py`` (the classes of issues #8 and #9) runs on its own with
fixed seeds, so a failure names the class and the case. The benchmark
(``benchmarks/recall.py``) runs the same cases with a seed these tests never use.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import urlsplit

import pytest

from harscrub import Policy, check, sanitize

from .planting import CASES, Case, build, leaks, lost, revealed

SEEDS = (1, 2)
POLICY = Policy(key=b"planted-tests-key-0123456789abcd")


def _strict(data: bytes) -> Any:
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in the output")

    return json.loads(data, parse_constant=refuse)


def _decodes(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.klass}-{c.name}")
@pytest.mark.parametrize("seed", SEEDS)
def test_planted_secret_gone_and_neighbours_kept(case: Case, seed: int) -> None:
    doc, planted = build([case], seed)
    out = sanitize(doc, POLICY)
    _strict(out.data)
    text = revealed(out.data)
    report = json.dumps(out.report.to_dict(), ensure_ascii=False)
    for _, p in planted:
        for secret in p.secrets:
            assert not leaks(text, secret), f"{case.klass}/{case.name}: a planted secret survives"
            assert not leaks(report, secret), f"{case.klass}/{case.name}: the report names a secret"
        for value in p.keep:
            assert not lost(out.data, value), f"{case.klass}/{case.name}: {value[:60]!r} was changed"


@pytest.mark.parametrize("seed", SEEDS)
def test_output_is_faithful_clean_and_stable(seed: int) -> None:
    """The whole planted capture: same entries, timeline and hosts; valid JSON bodies stay JSON,
    base64 stays decodable; ``check`` finds nothing; a second pass changes no entry."""
    doc, _ = build(CASES, seed)
    out = sanitize(doc, POLICY)
    after = _strict(out.data)
    before_entries, after_entries = doc["log"]["entries"], after["log"]["entries"]
    assert len(before_entries) == len(after_entries)
    for a, b in zip(before_entries, after_entries):
        assert (a["startedDateTime"], a["time"], a["timings"]) == (b["startedDateTime"], b["time"], b["timings"])
        assert (a["request"]["method"], a["response"]["status"]) == (b["request"]["method"], b["response"]["status"])
        assert urlsplit(a["request"]["url"]).hostname == urlsplit(b["request"]["url"]).hostname
        for section in ("request", "response"):
            ua = [h for h in a[section]["headers"] if h["name"] == "user-agent"]
            assert ua == [h for h in b[section]["headers"] if h["name"] == "user-agent"]
        content_a, content_b = a["response"]["content"], b["response"]["content"]
        if content_a.get("encoding") == "base64" and _decodes(content_a["text"]):
            assert _decodes(content_b["text"]), "a base64 body no longer decodes"
        elif "json" in content_a["mimeType"]:
            try:
                json.loads(content_a["text"])
            except ValueError:
                continue
            json.loads(content_b["text"])
    verdict = check(out.data, POLICY)
    assert verdict.hits == [], [(h.finding.rule, h.finding.pointer) for h in verdict.hits][:5]
    again = sanitize(out.data, POLICY)
    assert _strict(again.data)["log"]["entries"] == after["log"]["entries"]


def test_every_class_has_cases() -> None:
    classes = {c.klass for c in CASES}
    assert {"encoding", "binary", "label", "name", "format", "repeat", "decoy"} <= classes

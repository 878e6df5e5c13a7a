"""SARIF 2.1.0 output: valid against the schema, rules described, every result pointing at the
value in the file (line and column) and in the document (JSON pointer)."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from harscrub.detection.forms import spellings as encodings
from harscrub.engine.locate import EntryText, LineCounter
from harscrub.engine.scan import Scanner
from harscrub.policy import Policy
from harscrub.stream.source import open_input

from .factories import ROOT, SAMPLES, entry, har, key_file, run_cli, write

SCHEMA = ROOT / "tests" / "data" / "sarif-schema-2.1.0.json"


@lru_cache(maxsize=1)
def validator() -> Any:
    schema = json.loads(SCHEMA.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def sarif_of(*paths: Path, tmp_path: Path) -> dict[str, Any]:
    code, out, _ = run_cli("check", *map(str, paths), "-f", "sarif", "--key-file", key_file(tmp_path))
    assert code == 1
    return json.loads(out)  # type: ignore[no-any-return]


def errors(doc: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator().iter_errors(doc)]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_sample_sarif_validates(sample: Path, tmp_path: Path) -> None:
    doc = sarif_of(sample, tmp_path=tmp_path)
    assert errors(doc) == []
    assert doc["runs"][0]["results"]


def test_the_validator_can_fail(tmp_path: Path) -> None:
    doc = sarif_of(SAMPLES[0], tmp_path=tmp_path)
    broken = copy.deepcopy(doc)
    del broken["runs"][0]["results"][0]["message"]
    broken["runs"][0]["results"][1]["level"] = "fatal"
    assert len(errors(broken)) == 2


def test_rules_and_results_carry_what_code_scanning_needs(tmp_path: Path) -> None:
    doc = sarif_of(*SAMPLES, tmp_path=tmp_path)
    (run,) = doc["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] == "harscrub"
    for rule in rules:
        assert rule["id"] and rule["name"].isidentifier()
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert 0.0 <= float(rule["properties"]["security-severity"]) <= 10.0
    uris = [a["location"]["uri"] for a in run["artifacts"]]
    assert uris == [str(p) for p in SAMPLES] or all(not u.startswith("/") for u in uris)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == uris[physical["artifactLocation"]["index"]]
        assert location["logicalLocations"][0]["fullyQualifiedName"].startswith("/")
        assert len(result["partialFingerprints"]["harscrubSecret/v1"]) == 10
        assert result["message"]["text"]


def test_region_points_at_the_value(tmp_path: Path) -> None:
    sample = SAMPLES[0]
    doc = sarif_of(sample, tmp_path=tmp_path)
    lines = sample.read_text(encoding="utf-8").split("\n")
    scanner = Scanner(Policy(key=b"0123456789abcdef0123456789abcdef"))
    scanner.scan(open_input(sample))
    by_fp = {seen.fingerprint: secret for secret, seen in scanner.redactor.known.items()}
    checked = 0
    for result in doc["runs"][0]["results"]:
        region = result["locations"][0]["physicalLocation"].get("region")
        if region is None:
            continue
        secret = by_fp[result["partialFingerprints"]["harscrubSecret/v1"]]
        at = lines[region["startLine"] - 1][region["startColumn"] - 1 :]
        forms = {json.dumps(form)[1:-1] for form in encodings(secret) | {secret}}
        assert any(at.startswith(form) for form in forms), result["locations"][0]["logicalLocations"]
        checked += 1
    assert checked >= len(doc["runs"][0]["results"]) - 3


def test_line_and_column_count_characters_across_chunks(tmp_path: Path) -> None:
    token = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2"
    doc = har(entry(), entry(body=json.dumps({"note": "héllo wörld ✓", "token": token}, ensure_ascii=False)))
    text = json.dumps(doc, indent=1, ensure_ascii=False)
    path = tmp_path / "u.har"
    path.write_text(text, encoding="utf-8")
    (hit,) = Scanner(Policy()).scan(open_input(path)).hits
    line = text.split("\n")[hit.line - 1]  # type: ignore[operator]
    assert line[hit.column - 1 :].startswith(token)  # type: ignore[operator]
    # The same through a stream read a few bytes at a time.
    counter = LineCounter(open_input(path))
    while counter.read(7):
        pass
    raw = text.encode("utf-8")
    offset = raw.index(b'"startedDateTime"', raw.index(b'"entries"'))
    assert counter.position(offset) == (text[: len(raw[:offset].decode())].count("\n") + 1,
                                        len(raw[:offset].decode().rsplit("\n", 1)[-1]) + 1)
    entry_text = EntryText(b'{\n "a": "x\\u00e9y"\n}', 10, 3)
    assert entry_text.find("xéy") == (11, 8)
    assert entry_text.find("absent") == (10, 3)


def test_results_without_an_entry_have_no_region(tmp_path: Path) -> None:
    token = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2"
    path = write(tmp_path / "p.har", har(entry(), pages=[{"id": "page_1", "title": f"https://x.example/?t={token}"}]))
    doc = sarif_of(path, tmp_path=tmp_path)
    (result,) = doc["runs"][0]["results"]
    assert "region" not in result["locations"][0]["physicalLocation"]
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "/log/pages/0/title"
    assert errors(doc) == []

"""Reports stay flat in the number of findings: ``Report.findings`` and ``CheckResult.hits``
hold a bounded number of items as objects (the rest spilled, pickled, to a private temporary
file), give every item back in order, keep their counts as findings are added, survive the
trip to and from a worker process, and are written out (JSON, SARIF, text) by streaming.
The whole pipeline gives the same results when everything spills."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import io
import json
import pickle
import tempfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

import harscrub.stream.spill as spill
from harscrub.api import check as api_check
from harscrub.cli.console import report_table
from harscrub.cli.text_report import render_text
from harscrub.detection.rules import SEVERITIES
from harscrub.engine.batch import check_many
from harscrub.engine.check import check_file
from harscrub.engine.sanitize import sanitize_file
from harscrub.findings.finding import Finding
from harscrub.findings.results import CheckResult, Hit, Report
from harscrub.findings.tally import PLACE_SAMPLE
from harscrub.policy import Policy
from harscrub.report.json import json_document, render_json
from harscrub.report.sarif import sarif_document, to_sarif
from harscrub.stream import jsonstream
from harscrub.stream.spill import Spill

from .factories import KEY, SAMPLES, entry, har, key_file, run_cli

check_module = importlib.import_module("harscrub.engine.scan")

MANY = 50_000
RULES = ("cookie", "session-cookie", "jwt", "github-token", "password-field")


def finding(i: int) -> Finding:
    rule = RULES[i % len(RULES)]
    return Finding(rule=rule, severity=SEVERITIES[i % len(SEVERITIES)], entry=i // 20,
                   pointer=f"/log/entries/{i // 20}/request/headers/{i % 20}/value",
                   detail=f'header "x-{i % 7}"' if i % 3 else "", fingerprint=f"fp{i % 1234:04d}",
                   preview=f"ab…({i % 50} chars)", length=i % 50, repeat=i % 11 == 0,
                   jwt={"kind": "jwt", "n": i} if i % 97 == 0 else None)


def hit(i: int) -> Hit:
    return Hit(finding(i), method="GET", url=f"https://example.com/{i}", line=i, column=i % 80 + 1,
               survivor="raw" if i % 13 == 0 else None)


def test_spill_holds_a_bounded_number_of_items_and_gives_them_all_back_in_order() -> None:
    spill: Spill[int] = Spill(keep=100, batch=250)
    most = 0
    for i in range(MANY):
        spill.append(i)
        most = max(most, spill.held)
    assert most <= 100 + 250
    assert len(spill) == MANY and spill and spill.spilled >= MANY - 350
    assert list(spill) == list(range(MANY))
    assert list(spill) == list(range(MANY))  # iterating twice reads the file again
    assert spill == list(range(MANY)) and spill != list(range(MANY - 1)) and spill != [*range(MANY - 1), -1]
    empty: Spill[int] = Spill()
    assert not empty and len(empty) == 0 and empty == [] and list(empty) == []
    spill.close()
    assert len(spill) == 0 and list(spill) == []


def test_spill_iteration_sees_the_items_present_when_it_started() -> None:
    spill: Spill[int] = Spill(range(10), keep=3, batch=2)
    seen = []
    for i in spill:
        seen.append(i)
        if i == 4:
            spill.append(99)
    assert seen == list(range(10)) and list(spill) == [*range(10), 99]


def test_spill_pickles_its_batches_and_spills_them_again(tmp_path: Path) -> None:
    spill: Spill[Hit] = Spill((hit(i) for i in range(5_000)), keep=10, batch=100)
    again = pickle.loads(pickle.dumps(spill))
    assert len(again) == 5_000 and again.spilled == spill.spilled and again.held == spill.held
    assert [h.to_dict() for h in again] == [hit(i).to_dict() for i in range(5_000)]
    spill.close()  # the copy has a spill file of its own
    assert len(list(again)) == 5_000


def test_the_spill_file_is_sealed() -> None:
    """What reaches the disk is no plain pickle, nor a zlib stream of one: each block is sealed
    with a key that lives in memory only."""
    shown = "https://example.com/files/Horse7Battery9Staple"
    spill: Spill[str] = Spill([shown] * 10, keep=0, batch=5)
    store = spill._store
    assert store is not None and spill.spilled == 10
    store.seek(0)
    raw = store.read()
    size = int.from_bytes(raw[:8], "big")
    assert b"Horse7" not in raw and b"example.com" not in raw
    with pytest.raises(zlib.error):
        zlib.decompress(raw[8:8 + size])
    assert list(spill) == [shown] * 10


def test_in_memory_spill_never_touches_the_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_disk(*_: Any, **__: Any) -> Any:
        raise AssertionError("a temporary file was made")

    monkeypatch.setattr(tempfile, "TemporaryFile", no_disk)
    spill: Spill[int] = Spill(range(MANY), keep=10, batch=100, in_memory=True)
    assert spill.held <= 110 and list(spill) == list(range(MANY))
    assert list(pickle.loads(pickle.dumps(spill))) == list(range(MANY))


def test_report_keeps_counts_as_findings_are_added_and_holds_few_of_them() -> None:
    report = Report(source="many.har", entries=MANY // 20, passes=2)
    most = 0
    for i in range(MANY):
        report.add(finding(i))
        most = max(most, report.findings.held)
    assert most <= spill.KEEP + spill.BATCH
    expected = [finding(i) for i in range(MANY)]
    assert len(report.findings) == report.total == MANY
    assert [f.to_dict() for f in report.findings] == [f.to_dict() for f in expected]
    by_rule: dict[str, int] = {}
    for f in expected:
        by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
    assert report.by_rule == dict(sorted(by_rule.items(), key=lambda kv: -kv[1]))
    assert report.by_severity == {s: sum(f.severity == s for f in expected) for s in reversed(SEVERITIES)}
    assert report.distinct_secrets == 1234
    # The streamed JSON report is byte for byte what json.dumps writes of the built one.
    out = io.BytesIO()
    jsonstream.write(report.document(), out, indent=2)
    assert out.getvalue() == json.dumps(report.to_dict(), indent=2).encode()
    assert json.loads(out.getvalue())["total"] == MANY
    # The table on stderr shows a bounded sample of places per rule.
    places = report.tally.places or {}
    assert all(len(sample) <= PLACE_SAMPLE for sample in places.values())
    table = io.StringIO()
    Console(file=table, width=300).print(report_table(report, "t"))
    assert "+" in table.getvalue() and "more" in table.getvalue()


def test_findings_and_hits_pickle_every_field() -> None:
    """Finding and Hit pickle as their constructor's arguments: a field added to either must be
    added there too."""
    f = Finding(**{fld.name: f"v-{fld.name}" for fld in dataclasses.fields(Finding)})
    h = Hit(**{fld.name: (f if fld.name == "finding" else f"v-{fld.name}") for fld in dataclasses.fields(Hit)})
    assert pickle.loads(pickle.dumps(f)) == f and pickle.loads(pickle.dumps(h)) == h
    assert copy.deepcopy(h) == h


def test_finding_to_dict_is_asdict_without_an_empty_jwt() -> None:
    for i in (0, 1, 97):
        f = finding(i)
        expected = {k: v for k, v in dataclasses.asdict(f).items() if not (k == "jwt" and v is None)}
        assert f.to_dict() == expected and list(f.to_dict()) == list(expected)
        if f.jwt is not None:
            assert f.to_dict()["jwt"] is not f.jwt


def test_streamed_json_is_what_json_dumps_writes() -> None:
    def document() -> dict[str, Any]:  # lazy arrays are read once: a fresh one per write
        return {"a": 1, "b": jsonstream.Items([]), "c": [{"x": jsonstream.Items(iter(range(600)))}, "é", {}],
                "d": jsonstream.Items({"k": [i, None, 1.5, "ü\n"], "e": {}} for i in range(700)),
                "f": jsonstream.Items([jsonstream.Items([1, 2]), {"g": jsonstream.Items([])}])}

    for ensure_ascii in (True, False):
        expected = json.dumps(jsonstream.materialize(document()), indent=2, ensure_ascii=ensure_ascii)
        out = io.BytesIO()
        jsonstream.write(document(), out, indent=2, ensure_ascii=ensure_ascii, end="\n")
        assert out.getvalue() == (expected + "\n").encode()


def test_a_report_given_a_list_counts_it() -> None:
    findings = [finding(i) for i in range(30)]
    report = Report(findings=findings)
    assert report.findings == findings and report.total == 30 and report.distinct_secrets == 30
    assert Report() == Report() and Report().findings == []


def test_check_result_keeps_counts_streams_and_survives_a_worker_process() -> None:
    result = CheckResult(source="many.har", entries=MANY // 20)
    most = 0
    for i in range(MANY):
        result.add(hit(i))
        most = max(most, result.hits.held)
    assert most <= spill.KEEP + spill.BATCH
    assert len(result.hits) == result.total == MANY and result.distinct_secrets == 1234
    for severity in SEVERITIES:
        floor = SEVERITIES.index(severity)
        expected = [i for i in range(MANY) if SEVERITIES.index(finding(i).severity) >= floor]
        assert result.count_at_or_above(severity) == len(expected)
        assert [h.line for h in result.at_or_above(severity)] == expected
    # --jobs: results are pickled between processes; the spilled hits come along.
    back = pickle.loads(pickle.dumps(result))
    assert back.by_rule == result.by_rule and back.by_severity == result.by_severity
    assert [h.to_dict() for h in back.hits] == [hit(i).to_dict() for i in range(MANY)]
    # JSON and SARIF are streamed, with the bytes json.dumps gives of the built documents.
    out = io.BytesIO()
    jsonstream.write(json_document([result], "low", True), out, indent=2, ensure_ascii=False, end="\n")
    assert out.getvalue() == (json.dumps(render_json([result], "low", True), indent=2, ensure_ascii=False) + "\n").encode()
    out = io.BytesIO()
    jsonstream.write(sarif_document([result], Policy().rules), out, indent=2, ensure_ascii=False)
    sarif = json.loads(out.getvalue())
    assert sarif == to_sarif([result], Policy().rules) and len(sarif["runs"][0]["results"]) == MANY
    # The text report streams: one line per finding, as the hits are read back.
    text = io.StringIO()
    render_text([result], text, terminal=False)
    assert text.getvalue().count("\n") == MANY


@pytest.fixture
def spill_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every finding past the second spills, two to a batch: the pipeline's spill path everywhere."""
    monkeypatch.setattr(spill, "KEEP", 2)
    monkeypatch.setattr(spill, "BATCH", 3)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_results_are_the_same_when_everything_spills(sample: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    policy = Policy(key=KEY)
    held = check_file(sample, policy).to_dict()
    removed = sanitize_file(sample, tmp_path / "held.har", policy).to_dict()
    assert held["total"] > 3 and removed["total"] > 3
    monkeypatch.setattr(spill, "KEEP", 2)
    monkeypatch.setattr(spill, "BATCH", 3)
    result = check_file(sample, policy)
    assert result.hits.spilled > 0
    assert result.to_dict() == held
    report = sanitize_file(sample, tmp_path / "spilled.har", policy)
    assert report.findings.spilled > 0 and report.to_dict() == removed
    assert (tmp_path / "spilled.har").read_bytes() == (tmp_path / "held.har").read_bytes()
    # --jobs: the spilled results come back from the worker processes whole.
    many = list(check_many([str(sample), str(sample)], policy, jobs=2))
    assert [r.to_dict() for r in many] == [held, held]


@pytest.mark.usefixtures("spill_everything")
@pytest.mark.parametrize("chunk", [1, 2, 1000])
def test_spilled_hits_are_swept_of_secrets_found_after_them(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A request URL shown with early hits holds a secret the rules only find in a later entry:
    the hits already spilled are read back and swept too, whatever the chunks they are swept in."""
    monkeypatch.setattr(check_module, "SCRUB_CHUNK", chunk)
    secret = "Horse7Battery9Staple"
    doc = har(*[entry(url=f"https://api.example.com/v1/files/{secret}/x{i}",
                      headers=[{"name": "x-api-key", "value": f"k{i}-Zq8f3LmA0pXv7TnB2rYw"}]) for i in range(5)],
              entry(headers=[{"name": "cookie", "value": f"session_id={secret}"}]),
              entry(url="https://api.example.com/v1/plain", headers=[{"name": "x-api-key", "value": "k9-Zq8f3LmA0pXv7TnB2rYw"}]))
    result = api_check(json.dumps(doc))
    assert result.hits.spilled > 0 and len(result.hits) == result.total == 7
    urls = [h.url for h in result.hits]
    assert all("[REDACTED:session-cookie:" in u for u in urls[:5]) and urls[6] == "https://api.example.com/v1/plain"
    assert secret not in json.dumps(result.to_dict())


@pytest.mark.usefixtures("spill_everything")
def test_cli_reports_are_complete_when_everything_spills(tmp_path: Path) -> None:
    sample = SAMPLES[0]
    key = key_file(tmp_path)
    report = tmp_path / "removed.json"
    code, _, _ = run_cli("sanitize", str(sample), "-o", str(tmp_path / "out.har"), "--report", str(report),
                         "--key-file", key)
    assert code == 0
    removed = json.loads(report.read_text())
    assert removed["total"] == len(removed["findings"]) == sum(removed["by_rule"].values()) > 3
    code, out, _ = run_cli("check", str(sample), "-f", "json", "--key-file", key)
    assert code == 1
    found = json.loads(out)["files"][0]
    assert found["total"] == len(found["findings"]) == sum(found["by_rule"].values()) > 3
    code, out, _ = run_cli("check", str(sample), "-f", "sarif", "--key-file", key)
    assert len(json.loads(out)["runs"][0]["results"]) == found["total"]

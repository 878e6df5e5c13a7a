"""The library API: what a portal or an audit script relies on, through the one pipeline the CLI uses."""

from __future__ import annotations

import copy
import gzip
import io
import json
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jwt
import pytest

import harscrub
from harscrub import (
    CheckResult,
    Finding,
    HarscrubError,
    InputTooLargeError,
    InvalidHarError,
    Policy,
    Report,
    Result,
    check,
    sanitize,
    sanitize_file,
    scan,
)

from .factories import ROOT, SAMPLES, entry, har

#: Real captures: the copy vendored into tests/ (CI), else the workspace's shared folder.
CORPUS = next((d for d in (ROOT / "tests" / "data" / "har-corpus", ROOT.parent / "shared" / "har-corpus") if d.is_dir()),
              ROOT / "tests" / "data" / "har-corpus")
KEY = b"k" * 32
TOKEN = jwt.encode({"iss": "https://idp.example.com", "exp": 4102444800}, "s" * 32, algorithm="HS256")
API_KEY = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"

PUBLIC_API = {
    "__version__",
    "sanitize", "sanitize_file", "sanitize_stream", "scan", "check",
    "Result", "CheckResult", "Hit", "Policy", "Finding", "Report", "HarData", "HarSource",
    "HarscrubError", "InvalidHarError", "InputTooLargeError", "RuleError", "OutputError",
}


def leaky() -> dict[str, Any]:
    return har(entry(headers=[{"name": "Authorization", "value": f"Bearer {TOKEN}"},
                              {"name": "x-api-key", "value": API_KEY},
                              {"name": "accept", "value": "application/json"}]))


def test_public_api_is_exactly_all() -> None:
    assert set(harscrub.__all__) == PUBLIC_API
    for name in harscrub.__all__:
        assert getattr(harscrub, name) is not None
    assert issubclass(InvalidHarError, HarscrubError) and issubclass(InputTooLargeError, HarscrubError)


def test_import_loads_neither_typer_nor_rich_nor_haralyzer() -> None:
    code = (
        "import sys, harscrub\n"
        "r = harscrub.sanitize({'log': {'entries': []}})\n"
        "assert 'typer' not in sys.modules and 'rich' not in sys.modules, 'CLI libraries imported'\n"
        "assert 'haralyzer' not in sys.modules, 'haralyzer imported before Result.parser was used'\n"
        "r.parser\n"
        "assert 'haralyzer' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@pytest.mark.parametrize("form", ["dict", "str", "bytes", "gzip", "bom"])
def test_sanitize_accepts_every_in_memory_form(form: str) -> None:
    doc = leaky()
    text = json.dumps(doc)
    given: Any = {"dict": doc, "str": text, "bytes": text.encode(), "gzip": gzip.compress(text.encode()),
                  "bom": b"\xef\xbb\xbf" + text.encode()}[form]
    original = copy.deepcopy(doc)
    result = sanitize(given, Policy(key=KEY))
    assert isinstance(result, Result) and isinstance(result.report, Report)
    assert TOKEN not in result.data.decode() and API_KEY not in result.data.decode()
    assert json.loads(result.data) == result.har
    headers = {h["name"]: h["value"] for h in result.har["log"]["entries"][0]["request"]["headers"]}
    assert headers["Authorization"].startswith("Bearer [REDACTED:")
    assert headers["accept"] == "application/json"
    assert {f.rule for f in result.report.findings} >= {"jwt"}
    assert doc == original, "the caller's dict was modified"


def test_sanitize_is_the_file_pipeline_byte_for_byte(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.har", tmp_path / "out.har"
    src.write_text(json.dumps(leaky()), encoding="utf-8")
    report = sanitize_file(src, dst, Policy(key=KEY))
    result = sanitize(src.read_bytes(), Policy(key=KEY))
    assert result.data == dst.read_bytes()
    assert [f.to_dict() for f in result.report.findings] == [f.to_dict() for f in report.findings]


def test_streaming_entry_points_are_the_pipeline_itself() -> None:
    import importlib

    from harscrub import sanitize as module_function  # the public name is the function

    pipeline = importlib.import_module("harscrub.engine.sanitize")
    assert harscrub.sanitize_stream is pipeline.sanitize_stream
    assert harscrub.sanitize_file is pipeline.sanitize_file
    assert callable(module_function)
    out = io.BytesIO()
    report = harscrub.sanitize_stream(io.BytesIO(json.dumps(leaky()).encode()), out)
    assert report.findings and TOKEN not in out.getvalue().decode()


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_sanitize_removes_each_sample_secret(sample: Path) -> None:
    manifest = ROOT / "tests" / "data" / "samples_expect" / f"{sample.stem}.json"
    if not manifest.exists():
        pytest.skip(f"no manifest for {sample.name}")
    result = sanitize(sample.read_bytes())
    text = result.data.decode("utf-8")
    for secret in json.loads(manifest.read_text())["secrets"]:
        assert secret not in text


def _haralyzer_files() -> list[Path]:
    return SAMPLES + sorted(CORPUS.glob("*.har"))


@pytest.mark.parametrize("path", _haralyzer_files(), ids=lambda p: p.name)
def test_parser_lists_every_entry(path: Path) -> None:
    result = sanitize(path.read_bytes())
    pages = result.parser.pages
    listed = [e for page in pages for e in page.entries]
    assert len(listed) == len(result.har["log"]["entries"]) > 0
    for e in listed:  # the properties portal code reads must not raise on omitted fields
        assert isinstance(e.request.url, str)
        assert isinstance(e.response.status, int)
        _ = (e.response.text, e.response.mimeType, e.response.contentSize, e.request.text, e.startTime)
    for page in pages:
        _ = (page.url, page.hostname, page.page_load_time)


def test_parser_survives_what_haralyzer_alone_drops() -> None:
    a, b, c = entry("https://a.example.com/"), entry("https://b.example.com/"), entry("https://c.example.com/")
    a["pageref"] = "page_1"
    b["pageref"] = "page_2"  # names a page that is not declared: plain haralyzer never lists it
    del c["response"]["content"]["text"], c["response"]["content"]["size"]  # body not kept (Firefox)
    c["startedDateTime"] = "2026-11-01T09:00:00"  # no zone, among zoned times
    c["pageref"] = "page_1"
    doc = har(a, b, c)
    doc["log"]["pages"] = [{"id": "page_1", "startedDateTime": "2026-11-01T10:00:00.000Z", "title": "t"},
                           {"id": "empty", "startedDateTime": "2026-11-01T10:00:00.000Z", "title": "",
                            "pageTimings": {}}]
    result = sanitize(doc)
    pages = {p.page_id: p for p in result.parser.pages}
    assert [e.request.url for e in pages["page_1"].entries] == ["https://c.example.com/", "https://a.example.com/"]
    assert [e.request.url for e in pages["page_2"].entries] == ["https://b.example.com/"]
    assert pages["page_1"].entries[0].response.text is None
    assert pages["empty"].entries == [] and pages["empty"].url is None
    assert "text" not in result.har["log"]["entries"][2]["response"]["content"], "the sanitized HAR was modified"


@pytest.mark.parametrize(
    "bad, where",
    [
        ('{"log": {"entries": [{"request": {}}, {"request": ]}}', "entry 1"),
        ('{"log": {"version": "1.2"}}', "entries"),
        ("[1, 2]", "not a JSON object"),
        (b"\xff\xfe{\x00", "UTF-16"),
    ],
)
def test_bad_input_raises_one_line_invalid_har_error(bad: str | bytes, where: str) -> None:
    with pytest.raises(InvalidHarError) as caught:
        sanitize(bad)
    assert where in str(caught.value) and "\n" not in str(caught.value)


def test_size_cap_and_wrong_type() -> None:
    with pytest.raises(InputTooLargeError):
        sanitize(leaky(), Policy(max_input_bytes=100))
    with pytest.raises(TypeError):
        sanitize(42)  # type: ignore[arg-type]


def test_policy_checks_its_arguments() -> None:
    assert Policy(allow=TOKEN).allow == frozenset({TOKEN}), "a bare string is one value, not its characters"
    assert Policy(rule_files="extra.toml").rule_files == (Path("extra.toml"),)
    assert Policy(key="0123456789abcdef").key == b"0123456789abcdef"
    for bad in ({"jwt_mode": "keep"}, {"key": b"short"}, {"max_entry_bytes": 0}):
        with pytest.raises(HarscrubError):
            Policy(**bad)


def test_policy_allow_and_key() -> None:
    kept = sanitize(leaky(), Policy(allow=frozenset({API_KEY})))
    assert API_KEY in kept.data.decode() and TOKEN not in kept.data.decode()
    one, two = sanitize(leaky(), Policy(key=KEY)), sanitize(leaky(), Policy(key=KEY))
    assert [f.fingerprint for f in one.report.findings] == [f.fingerprint for f in two.report.findings]
    strip = sanitize(leaky(), Policy(jwt_mode="strip-signature"))
    auth = strip.har["log"]["entries"][0]["request"]["headers"][0]["value"]
    assert auth.startswith("Bearer " + TOKEN.rsplit(".", 1)[0] + ".")


def test_scan_reads_memory_and_paths_and_names_no_secret(tmp_path: Path) -> None:
    path = tmp_path / "case.har"
    path.write_text(json.dumps(leaky()))
    from_path = list(scan(path, Policy(key=KEY)))
    assert [f.to_dict() for f in from_path] == [f.to_dict() for f in scan(str(path), Policy(key=KEY))]
    assert [f.to_dict() for f in from_path] == [f.to_dict() for f in scan(leaky(), Policy(key=KEY))]
    assert all(isinstance(f, Finding) for f in from_path)
    assert {f.rule for f in from_path} >= {"jwt"}
    assert {f.pointer for f in from_path} >= {"/log/entries/0/request/headers/0/value"}
    dumped = json.dumps([f.to_dict() for f in from_path])
    assert TOKEN not in dumped and API_KEY not in dumped


def test_scan_reads_file_objects_and_leaves_them_open(tmp_path: Path) -> None:
    path = tmp_path / "case.har.gz"
    path.write_bytes(gzip.compress(json.dumps(leaky()).encode()))
    with open(path, "rb") as real, io.BytesIO(path.read_bytes()) as memory:
        assert [f.rule for f in scan(real)] == [f.rule for f in scan(memory)] != []
        assert not real.closed and not memory.closed


def test_scan_finds_nothing_in_sanitized_output() -> None:
    assert list(scan(sanitize(leaky()).data)) == []


def test_scan_of_missing_file_is_a_harscrub_error(tmp_path: Path) -> None:
    with pytest.raises(HarscrubError, match="no such file"):
        list(scan(tmp_path / "absent.har"))


def jwt_at(exp: int) -> str:
    return jwt.encode({"iss": "https://idp.example.com", "sub": "alice@example.com", "exp": exp}, "s" * 32,
                      algorithm="HS256")


def test_check_ranks_live_tokens_critical_and_expired_low() -> None:
    now = datetime(2026, 11, 1, 10, 0, tzinfo=timezone.utc)
    live, expired = jwt_at(int(now.timestamp()) + 7200), jwt_at(int(now.timestamp()) - 3 * 86400)
    doc = har(entry(headers=[{"name": "Authorization", "value": f"Bearer {live}"}]),
              entry(headers=[{"name": "Authorization", "value": f"Bearer {expired}"}]))
    result = check(doc, now=now)
    assert isinstance(result, CheckResult)
    by_entry = {h.finding.entry: h.finding for h in result.hits if h.finding.rule == "jwt"}
    assert by_entry[0].severity == "critical" and by_entry[1].severity == "low"
    assert [h.finding.entry for h in result.at_or_above("critical")] == [0]
    shown = json.dumps(result.to_dict())
    assert live not in shown and expired not in shown and "alice@example.com" not in shown
    assert "alice@example.com" in json.dumps(check(doc, now=now, show_claims=True).to_dict())
    live_today = har(entry(headers=[{"name": "Authorization", "value": f"Bearer {jwt_at(int(time.time()) + 3600)}"}]))
    assert [f.severity for f in scan(live_today) if f.rule == "jwt"] == ["critical"]


def test_check_reads_the_marker_of_sanitized_output() -> None:
    assert check(leaky()).marker.state == "absent"
    clean = check(sanitize(leaky()).data)
    assert clean.marker.state == "intact" and clean.hits == []


def test_check_against_finds_a_planted_survivor(tmp_path: Path) -> None:
    original, copy_ = tmp_path / "original.har", tmp_path / "copy.har"
    original.write_text(json.dumps(leaky()))
    doc = sanitize(leaky()).har
    doc["log"]["entries"][0]["response"]["content"]["text"] = json.dumps({"echo": API_KEY})
    copy_.write_text(json.dumps(doc))
    result = check(copy_, against=original)
    assert any(h.survivor == "raw" for h in result.hits)
    with pytest.raises(TypeError):
        check(doc, against=original)

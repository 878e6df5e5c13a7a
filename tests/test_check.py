"""harscrub check: the gate before a HAR is shared. Exit codes, rules per sample, the marker,
formats, folders, worker processes and bad input."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import jwt
import pytest

from harscrub.engine.check import check_file
from harscrub.engine.sanitize import sanitize_file
from harscrub.engine.scan import Scanner
from harscrub.policy import Policy
from harscrub.stream.source import open_input

from .factories import KEY, ROOT, SAMPLES, entry, expect, har, key_file, run_cli, write

#: Rule ids each sample must raise (a sample not listed must still raise something).
EXPECTED_RULES = {
    "okta-login": {"session-cookie", "password-field", "okta-api-token", "credential-name"},
    "oidc-code-flow": {"oauth-param", "jwt", "session-cookie", "cookie"},
    "api-console": {"stripe-key", "github-token", "google-api-key", "authorization-header", "signed-url-param"},
    "graphql-login": {"password-field", "jwt", "session-cookie"},
    "websocket-chat": {"jwt", "session-cookie"},
}

def test_there_are_samples() -> None:
    assert len(SAMPLES) >= 5


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_raw_sample_fails_with_expected_rules(sample: Path, tmp_path: Path) -> None:
    code, out, _ = run_cli("check", str(sample), "--format", "json", "--key-file", key_file(tmp_path))
    assert code == 1
    report = json.loads(out)
    assert report["failed"] is True
    (found,) = report["files"]
    assert found["source"] == str(sample)
    rules = {f["rule"] for f in found["findings"]}
    assert EXPECTED_RULES.get(sample.stem, set()) <= rules
    assert found["total"] == len(found["findings"]) > 0
    assert found["marker"]["state"] == "absent"
    for f in found["findings"]:
        if f["entry"] is not None:
            assert f["pointer"].startswith(f"/log/entries/{f['entry']}/")
            assert f["method"] and f["url"].startswith(("http", "ws"))
            assert f["line"] >= 1 and f["column"] >= 1


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_every_planted_secret_is_found(sample: Path) -> None:
    scanner = Scanner(Policy(key=KEY))
    scanner.scan(open_input(sample), source_name=str(sample))
    known = list(scanner.redactor.known)
    missed = [s[:6] + "…" for s in expect(sample)["secrets"] if not any(s in k for k in known)]
    assert not missed, f"check misses planted secrets: {missed}"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_sanitized_sample_passes_with_intact_marker(sample: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean.har"
    sanitize_file(sample, clean)
    code, out, err = run_cli("check", str(clean), "--format", "json", "--fail-on", "info")
    report = json.loads(out)["files"][0]
    leaks = [(f["rule"], f["pointer"]) for f in report["findings"]]
    assert code == 0, f"sanitize leaves what check flags: {leaks}"
    assert report["marker"]["state"] == "intact"
    assert "marker: intact" in err


def test_marker_reports_entries_changed_after_sanitizing(tmp_path: Path) -> None:
    clean = tmp_path / "clean.har"
    sanitize_file(SAMPLES[0], clean)
    text = clean.read_text()
    assert '"status": 200' in text
    edited = write(tmp_path / "edited.har", json.loads(text.replace('"status": 200', '"status": 201', 1)))
    assert check_file(edited).marker.state == "changed"
    doc = json.loads(text)
    doc["log"]["entries"].pop()
    assert check_file(write(tmp_path / "fewer.har", doc)).marker.state == "changed"
    doc = json.loads(text)
    doc["log"]["_harscrub"] = {"digest": "sha256:0"}
    assert check_file(write(tmp_path / "forged.har", doc)).marker.state == "invalid"
    assert check_file(clean).marker.state == "intact"


def test_secret_hidden_in_a_forged_marker_is_found(tmp_path: Path) -> None:
    doc = har(entry())
    doc["log"]["_harscrub"] = {"note": "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"}
    result = check_file(write(tmp_path / "m.har", doc))
    assert result.marker.state == "invalid"
    assert [h.finding.rule for h in result.hits] == ["github-token"]


def test_fail_on_threshold(tmp_path: Path) -> None:
    expired = jwt.encode({"iss": "https://idp.example.com", "exp": 1_600_000_000}, "k" * 32, algorithm="HS256")
    path = write(tmp_path / "old.har", har(entry(headers=[{"name": "authorization", "value": f"Bearer {expired}"}])))
    assert run_cli("check", str(path), "-q")[0] == 1  # default: low
    assert run_cli("check", str(path), "-q", "--fail-on", "low")[0] == 1
    assert run_cli("check", str(path), "-q", "--fail-on", "medium")[0] == 0
    clean = write(tmp_path / "clean.har", har(entry()))
    assert run_cli("check", str(clean), "-q", "--fail-on", "info")[0] == 0


def test_directories_expand_and_jobs_give_the_same_report(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(SAMPLES[0], folder / "a.har")
    shutil.copy(SAMPLES[1], folder / "sub" / "b.har.json")
    (folder / "c.har.gz").write_bytes(gzip.compress(SAMPLES[2].read_bytes()))
    (folder / "notes.txt").write_text("not a HAR")
    key = key_file(tmp_path)
    code1, out1, _ = run_cli("check", str(folder), "-f", "json", "--key-file", key)
    code2, out2, _ = run_cli("check", str(folder), "-f", "json", "--key-file", key, "--jobs", "2")
    assert code1 == code2 == 1
    one, two = json.loads(out1), json.loads(out2)
    assert [f["source"] for f in one["files"]] == [str(folder / "a.har"), str(folder / "c.har.gz"),
                                                  str(folder / "sub" / "b.har.json")]
    assert one == two


def test_same_secret_has_one_fingerprint_across_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a.har", tmp_path / "b.har"
    shutil.copy(SAMPLES[0], a)
    shutil.copy(SAMPLES[0], b)
    for jobs in ("1", "2"):
        _, out, _ = run_cli("check", str(a), str(b), "-f", "json", "--jobs", jobs)
        files = json.loads(out)["files"]
        assert [f["fingerprint"] for f in files[0]["findings"]] == [f["fingerprint"] for f in files[1]["findings"]]


def test_bad_input_exits_2_and_other_files_are_still_checked(tmp_path: Path) -> None:
    bad = tmp_path / "bad.har"
    bad.write_text('{"log": {"entries": [{"request": ')
    code, out, err = run_cli("check", str(bad), str(SAMPLES[0]), "-f", "json")
    assert code == 2
    files = json.loads(out)["files"]
    assert "invalid HAR" in files[0]["error"] and files[1]["total"] > 0
    assert err.count("harscrub: error:") == 1
    assert run_cli("check", str(tmp_path / "missing.har"))[0] == 2
    (tmp_path / "empty").mkdir()
    assert run_cli("check", str(tmp_path / "empty"))[0] == 2


@pytest.mark.parametrize(
    "args",
    [["--format", "xml"], ["--fail-on", "severe"], ["--against", "x.har", "a.har", "b.har"], ["--jobs", "0"]],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    extra = [] if "--against" in args else [str(SAMPLES[0])]
    assert run_cli("check", *args, *extra)[0] == 2


def test_stdin_and_output_file(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    code, out, _ = run_cli("check", "-", "-f", "json", "-o", str(report), stdin=SAMPLES[0].read_bytes())
    assert code == 1 and out == ""
    files = json.loads(report.read_text())["files"]
    assert files[0]["source"] == "<stdin>" and files[0]["total"] > 0


def test_text_report_is_lines_on_stdout_and_a_summary_on_stderr(tmp_path: Path) -> None:
    code, out, err = run_cli("check", str(SAMPLES[0]))
    assert code == 1
    assert "/log/entries/" in out and all(line.count("\t") == 10 for line in out.splitlines())
    assert "findings" in err and "marker: absent" in err
    assert "marker" not in out
    code, out, err = run_cli("check", str(SAMPLES[0]), "--quiet")
    assert (code, out, err) == (1, "", "")


def _colours(text: str) -> set[int]:
    """SGR colour parameters used in ``text`` (bold and italic are not colours)."""
    params = {int(p) for seq in re.findall(r"\x1b\[([0-9;]*)m", text) for p in seq.split(";") if p}
    return {p for p in params if 30 <= p <= 49 or 90 <= p <= 107}


def test_no_color_is_respected() -> None:
    _, coloured, _ = run_cli("check", str(SAMPLES[0]), env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    _, plain, _ = run_cli("check", str(SAMPLES[0]), env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert _colours(coloured)
    assert not _colours(plain)


def test_request_url_shown_is_sanitized(tmp_path: Path) -> None:
    token = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2"
    path = write(tmp_path / "u.har", har(entry(url=f"https://api.example.com/v1/repos?access_token={token}")))
    (hit,) = check_file(path).hits
    assert hit.url.startswith("https://api.example.com/v1/repos?access_token=[REDACTED:")
    assert token not in json.dumps(hit.to_dict())


def test_pre_commit_hook_runs_check_on_har_files() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert re.search(r"^- id: harscrub-check$", text, re.M)
    assert re.search(r"^  entry: harscrub check$", text, re.M)
    assert re.search(r"^  language: python$", text, re.M)
    (pattern,) = re.findall(r"^  files: '(.+)'$", text, re.M)
    matches = [name for name in ("a.har", "cases/b.har.json", "c.json", "d.har.gz", "e.harx") if re.search(pattern, name)]
    assert matches == ["a.har", "cases/b.har.json", "d.har.gz"]  # every spelling: tests/test_cli.py

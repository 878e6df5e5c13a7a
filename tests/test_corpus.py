"""Real captures (Chrome, Firefox, Safari, Charles, Insomnia, a BOM, a HEAD, form post data):
each sanitizes and checks without error, stays a HAR with every entry and every other member,
changes only where it redacted, and checks clean afterwards.

The files are mitmproxy's test data (MIT, see tests/data/har-corpus/LICENSE-mitmproxy),
copied from the workspace's shared corpus so these tests run anywhere.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from typer.testing import CliRunner

from harscrub.api import check
from harscrub.cli.app import app
from harscrub.cli.commands import register
from harscrub.engine.sanitize import sanitize_file

from .factories import CORPUS, SAMPLES, har_errors, non_entry_members

register()

FILES = sorted(CORPUS.glob("*.har"))
SAMPLE_FILES = list(SAMPLES)
PLACEHOLDER = "REDACTED"


def load(path: Path) -> Any:
    return json.loads(path.read_bytes().decode("utf-8-sig"))


def test_the_corpus_is_there_with_its_licence() -> None:
    names = {p.name for p in FILES}
    assert {"chrome.har", "firefox.har", "safari.har", "charles.har", "insomnia.har", "with-bom.har",
            "head-content-length.har", "postdata.har"} <= names
    assert (CORPUS / "LICENSE-mitmproxy").is_file() and (CORPUS / "README.md").is_file()
    assert (CORPUS / "with-bom.har").read_bytes().startswith(b"\xef\xbb\xbf")


def _redacted(value: str) -> bool:
    """A changed string must show a placeholder: as written, URL-decoded, or inside base64."""
    if PLACEHOLDER in value or PLACEHOLDER in unquote(value):
        return True
    try:
        return PLACEHOLDER in base64.b64decode(value, validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return False


def changes_outside_redaction(before: Any, after: Any, path: str = "") -> list[str]:
    """Places where ``after`` differs from ``before`` other than by a placeholder."""
    if isinstance(before, dict) and isinstance(after, dict):
        if list(before) != list(after):
            return [f"{path}: keys {list(before)} became {list(after)}"]
        return [p for k in before for p in changes_outside_redaction(before[k], after[k], f"{path}/{k}")]
    if isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            return [f"{path}: {len(before)} items became {len(after)}"]
        return [p for i, (a, b) in enumerate(zip(before, after)) for p in changes_outside_redaction(a, b, f"{path}/{i}")]
    if before == after and type(before) is type(after):
        return []
    if isinstance(after, str) and _redacted(after):
        return []
    return [f"{path}: {str(before)[:60]!r} became {str(after)[:60]!r}"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_real_capture_sanitizes_and_keeps_everything_else(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.har"
    report = sanitize_file(path, out)
    before, after = load(path), json.loads(out.read_bytes())
    assert report.entries == len(before["log"]["entries"]) == len(after["log"]["entries"])
    # Still a HAR: nothing that was valid HAR 1.2 breaks (some tools write null where HAR wants a string).
    assert set(har_errors(after)) <= set(har_errors(before))
    assert non_entry_members(after) == non_entry_members(before)
    for key in non_entry_members(before)[1]:
        assert not changes_outside_redaction(before["log"][key], after["log"][key], f"/log/{key}")
    drift = changes_outside_redaction(before["log"]["entries"], after["log"]["entries"], "/log/entries")
    assert not drift, f"changed without a placeholder: {drift[:5]}"
    assert after["log"]["_harscrub"]["entries"] == report.entries


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_real_capture_checks_without_error_and_clean_after(path: Path, tmp_path: Path) -> None:
    raw = check(path)
    assert raw.error is None
    assert raw.entries == len(load(path)["log"]["entries"])
    out = tmp_path / "out.har"
    sanitize_file(path, out)
    after = check(out)
    assert after.error is None
    assert after.hits == [], [(h.finding.rule, h.finding.pointer) for h in after.hits]
    assert after.marker.state == "intact", after.marker


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_real_capture_through_the_cli_and_gzip(path: Path, tmp_path: Path) -> None:
    packed = tmp_path / f"{path.stem}.har.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    runner = CliRunner()
    result = runner.invoke(app, ["sanitize", "-q", str(packed), "-o", str(tmp_path / "out.har")])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(app, ["check", str(tmp_path / "out.har")])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert len(json.loads((tmp_path / "out.har").read_bytes())["log"]["entries"]) == len(load(path)["log"]["entries"])


def test_sanitizing_a_real_capture_twice_changes_no_entry(tmp_path: Path) -> None:
    """The second run finds nothing left and leaves every entry as the first run wrote it."""
    for path in FILES:
        once, twice = tmp_path / "once.har", tmp_path / "twice.har"
        sanitize_file(path, once)
        report = sanitize_file(once, twice)
        assert report.findings == [], (path.name, [(f.rule, f.pointer) for f in report.findings])
        assert json.loads(twice.read_bytes())["log"]["entries"] == json.loads(once.read_bytes())["log"]["entries"]


def _strict(data: bytes) -> Any:
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in the output")

    return json.loads(data, parse_constant=refuse)


@pytest.mark.parametrize("path", FILES + SAMPLE_FILES, ids=lambda p: p.stem)
def test_what_support_reads_is_unchanged(path: Path, tmp_path: Path) -> None:
    """Dates, timings, User-Agents, status, methods, hosts and paths stay; JSON bodies stay JSON;
    URLs parse with the same scheme and host; the output is strict JSON."""
    out = tmp_path / "out.har"
    sanitize_file(path, out)
    before, after = load(path), _strict(out.read_bytes())
    for a, b in zip(before["log"]["entries"], after["log"]["entries"]):
        assert (a["startedDateTime"], a["time"], a.get("timings")) == (b["startedDateTime"], b["time"], b.get("timings"))
        assert (a["request"]["method"], a["response"]["status"]) == (b["request"]["method"], b["response"]["status"])
        ua_a = [h for h in a["request"]["headers"] if h["name"].lower() == "user-agent"]
        assert ua_a == [h for h in b["request"]["headers"] if h["name"].lower() == "user-agent"]
        url_a, url_b = urlsplit(a["request"]["url"]), urlsplit(b["request"]["url"])
        assert (url_a.scheme, url_a.hostname, url_a.port) == (url_b.scheme, url_b.hostname, url_b.port)
        for section, key in (("request", "postData"), ("response", "content")):
            body_a, body_b = a[section].get(key) or {}, b[section].get(key) or {}
            text = body_a.get("text")
            if isinstance(text, str) and "json" in str(body_a.get("mimeType", "")) and body_a.get("encoding") != "base64":
                try:
                    json.loads(text)
                except ValueError:
                    continue
                json.loads(body_b["text"])

"""check --against ORIGINAL SANITIZED: a secret of the original planted back into a sanitized
copy is caught in every encoding, with its place; a clean sanitized copy passes."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote

import pytest

from harscrub.detection.forms import form_in as encoding_name
from harscrub.engine.differential import check_against
from harscrub.engine.sanitize import sanitize_file
from harscrub.policy import Policy

from .factories import SAMPLES, entry, expect, har, key_file, run_cli, write

#: A password with characters that every encoding writes differently.
PASSWORD = 'Tr0ub"4dor&3/x+y\\Ünï'


def _in_note(doc: dict[str, Any], text: str) -> str:
    """Plant ``text`` in a response header of the first entry; returns its JSON pointer."""
    headers = doc["log"]["entries"][0]["response"]["headers"]
    headers.append({"name": "x-debug-note", "value": f"seen: {text} (end)"})
    return f"/log/entries/0/response/headers/{len(headers) - 1}/value"


def _in_body(doc: dict[str, Any], text: str) -> str:
    """Plant ``text`` as the response body of the first entry (JSON text around it)."""
    doc["log"]["entries"][0]["response"]["content"]["text"] = text
    return "/log/entries/0/response/content/text"


ENCODINGS: dict[str, tuple[Callable[[str], str], Callable[[dict[str, Any], str], str]]] = {
    "raw": (lambda s: s, _in_note),
    "url-encoded": (lambda s: quote(s, safe=""), _in_note),
    "json-escaped": (lambda s: '{"note": ' + json.dumps(s) + "}", _in_body),
    "base64": (lambda s: base64.b64encode(("debug=" + s).encode()).decode(), _in_note),
}


def _original(tmp_path: Path) -> Path:
    body = "username=jane.doe%40example.com&password=" + quote(PASSWORD, safe="")
    first = entry(url="https://login.example.com/session")
    first["request"]["method"] = "POST"
    first["request"]["postData"] = {"mimeType": "application/x-www-form-urlencoded", "text": body}
    return write(tmp_path / "original.har", har(first, entry()))


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_secret_planted_into_sanitized_copy_is_caught(encoding: str, tmp_path: Path) -> None:
    original = _original(tmp_path)
    clean = tmp_path / "clean.har"
    sanitize_file(original, clean)
    assert check_against(original, clean).hits == []
    encode, plant = ENCODINGS[encoding]
    doc = json.loads(clean.read_text())
    pointer = plant(doc, encode(PASSWORD))
    planted = write(tmp_path / "planted.har", doc)
    result = check_against(original, planted, Policy(key=b"k" * 32))
    survivors = [h for h in result.hits if h.survivor is not None]
    assert [(h.finding.pointer, h.survivor, h.finding.rule) for h in survivors] == [(pointer, encoding, "password-field")]
    assert survivors[0].finding.severity == "critical"
    assert survivors[0].line is not None and survivors[0].line > 1


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("encoding", ["raw", "url-encoded", "base64"])
def test_sample_secret_planted_into_sanitized_copy_fails_the_cli(sample: Path, encoding: str, tmp_path: Path) -> None:
    clean = tmp_path / "clean.har"
    sanitize_file(sample, clean)
    key = key_file(tmp_path)
    assert run_cli("check", "--against", str(sample), str(clean), "--key-file", key)[0] == 0
    secret = max(expect(sample)["secrets"], key=len)
    encode, plant = ENCODINGS[encoding]
    doc = json.loads(clean.read_text())
    pointer = plant(doc, encode(secret))
    planted = write(tmp_path / "planted.har", doc)
    code, out, err = run_cli("check", "--against", str(sample), str(planted), "-f", "json", "--key-file", key)
    assert code == 1
    (report,) = json.loads(out)["files"]
    survivors = [f for f in report["findings"] if f.get("survivor")]
    assert [f["pointer"] for f in survivors] == [pointer]
    assert "surviving occurrences" in err


def test_survivor_found_by_a_rule_is_reported_once(tmp_path: Path) -> None:
    token = "ghp_" + "Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8"
    original = write(tmp_path / "o.har", har(entry(headers=[{"name": "authorization", "value": f"token {token}"}])))
    clean = tmp_path / "clean.har"
    sanitize_file(original, clean)
    doc = json.loads(clean.read_text())
    doc["log"]["entries"][0]["request"]["headers"].append({"name": "x-token", "value": token})
    result = check_against(original, write(tmp_path / "p.har", doc))
    assert [(h.finding.rule, h.survivor) for h in result.hits] == [("github-token", "raw")]


def test_against_needs_one_sanitized_file_and_readable_inputs(tmp_path: Path) -> None:
    original = _original(tmp_path)
    assert run_cli("check", "--against", str(original))[0] == 2
    assert run_cli("check", "--against", str(tmp_path / "missing.har"), str(original))[0] == 2


def test_encoding_names() -> None:
    assert encoding_name("abc/def+g", "x abc/def+g y") == "raw"
    assert encoding_name('a"b', 'x a\\"b') == "json-escaped"
    assert encoding_name("a b/c", "x a%20b%2Fc") == "url-encoded"
    assert encoding_name("a b/c", "x a%20b%2fc") == "url-encoded"
    assert encoding_name("a<b>c&d", "a&lt;b&gt;c&amp;d") == "html-escaped"

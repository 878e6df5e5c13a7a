"""No output of check or inspect, in any format, holds a planted secret of any sample: not in
the findings, not in the request URLs, not in JWT details, not on stderr."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from harscrub.engine.sanitize import sanitize_file

from .factories import SAMPLES, expect, key_file, run_cli


def forms(secret: str) -> set[str]:
    found = {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret)[1:-1],
             json.dumps(secret, ensure_ascii=False)[1:-1], base64.b64encode(secret.encode()).decode()}
    return {f for f in found if len(f) >= 6}


def outputs(sample: Path, tmp_path: Path) -> dict[str, str]:
    """Every report check and inspect write about ``sample``, stdout and stderr, by name."""
    key = key_file(tmp_path)
    clean = tmp_path / "clean.har"
    sanitize_file(sample, clean)
    planted = tmp_path / "planted.har"
    doc = json.loads(clean.read_text())
    secret = max(expect(sample)["secrets"], key=len)
    headers = doc["log"]["entries"][-1]["request"]["headers"]
    headers.append({"name": "x-raw", "value": f"raw {secret} end"})
    headers.append({"name": "x-url", "value": "u " + quote(secret, safe="")})
    headers.append({"name": "x-b64", "value": base64.b64encode(f"v={secret}".encode()).decode()})
    planted.write_text(json.dumps(doc, indent=2))
    runs = {
        "check text": ["check", str(sample)],
        "check json": ["check", str(sample), "-f", "json"],
        "check sarif": ["check", str(sample), "-f", "sarif"],
        "check json --show-claims": ["check", str(sample), "-f", "json", "--show-claims"],
        "check sanitized text": ["check", str(clean)],
        "check --against text": ["check", "--against", str(sample), str(planted)],
        "check --against json": ["check", "--against", str(sample), str(planted), "-f", "json"],
        "check --against sarif": ["check", "--against", str(sample), str(planted), "-f", "sarif"],
        "inspect text": ["inspect", str(sample)],
        "inspect json": ["inspect", str(sample), "-f", "json"],
    }
    out: dict[str, str] = {}
    for name, args in runs.items():
        code, stdout, stderr = run_cli(*args, "--key-file", key)
        assert code in (0, 1), (name, stderr)
        out[f"{name} (stdout)"] = stdout
        out[f"{name} (stderr)"] = stderr
    report = tmp_path / "report.txt"
    run_cli("check", str(sample), "-o", str(report), "--key-file", key)
    out["check text --output"] = report.read_text()
    return out


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_no_output_holds_a_planted_secret(sample: Path, tmp_path: Path) -> None:
    reports = outputs(sample, tmp_path)
    assert reports["check json (stdout)"] and reports["inspect json (stdout)"]
    leaks = [
        (name, secret[:4] + "…")
        for name, text in reports.items()
        for secret in expect(sample)["secrets"]
        if any(form in text for form in forms(secret))
    ]
    assert not leaks, f"secrets in output: {leaks}"

"""The bundled samples: every planted secret gone in every encoding, every debugging value kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harscrub.engine.sanitize import sanitize_file

from .test_sanitize_places import assert_gone

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.har"))


def _expect(sample: Path) -> dict[str, list[str]]:
    return json.loads((ROOT / "tests" / "data" / "samples_expect" / f"{sample.stem}.json").read_text())


def test_there_are_samples() -> None:
    assert len(SAMPLES) >= 5


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_sample_sanitizes_clean_and_keeps_debugging_value(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.har"
    report = sanitize_file(sample, out)
    data = out.read_bytes()
    doc = json.loads(data)
    original = json.loads(sample.read_text())
    assert len(doc["log"]["entries"]) == len(original["log"]["entries"]) == report.entries
    expect = _expect(sample)
    for secret in expect["secrets"]:
        assert_gone(data, secret)
    text = data.decode()
    missing = [kept for kept in expect["kept"] if kept not in text and json.dumps(kept)[1:-1] not in text]
    assert not missing, f"values support needs were removed: {missing}"
    for before, after in zip(original["log"]["entries"], doc["log"]["entries"]):
        assert after["request"]["method"] == before["request"]["method"]
        assert after["response"]["status"] == before["response"]["status"]
        assert after["timings"] == before["timings"]

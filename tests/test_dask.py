"""harscrub.dask in Dask's local schedulers (threads, and sync where a test needs no concurrency), over
generated HARs on the local disk and in fsspec's memory://."""

from __future__ import annotations

import importlib.util
import json
import sys
import uuid
from pathlib import Path
from typing import Any, Iterator

import pytest

dask = pytest.importorskip("dask", reason="the dask extra is not installed")
fsspec = pytest.importorskip("fsspec", reason="the dask extra is not installed")

from harscrub import HarscrubError, Policy, scan  # noqa: E402
from harscrub.dask import FINDING_COLUMNS, har_files, sanitize_many, scan_frame, scan_many  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "benchmarks" / "generate.py"
KEY = b"d" * 32
SHARED_SECRET = "ghp_" + "R8x2mKq9TzL4vBn7YcW1pDs3Hf6Jg0Ua5Ee2"


def _generator() -> Any:
    if not GENERATOR.exists():
        pytest.skip("benchmarks/generate.py is not in this checkout")
    spec = importlib.util.spec_from_file_location("harscrub_bench_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def planted(url: str) -> bytes:
    """A one-entry HAR holding ``SHARED_SECRET`` in a header, so two files share a secret."""
    entry = {
        "startedDateTime": "2026-11-01T10:00:00.000Z", "time": 1,
        "request": {"method": "GET", "url": url, "httpVersion": "HTTP/2", "cookies": [], "queryString": [],
                    "headers": [{"name": "x-github-token", "value": SHARED_SECRET}], "headersSize": -1, "bodySize": 0},
        "response": {"status": 204, "statusText": "", "httpVersion": "HTTP/2", "headers": [], "cookies": [],
                     "content": {"size": 0, "mimeType": "text/plain"}, "redirectURL": "", "headersSize": -1,
                     "bodySize": 0},
        "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0},
    }
    return json.dumps({"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": [entry]}}).encode()


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder tree of generated HARs plus two that share a planted secret."""
    generate = _generator().generate_har
    root = tmp_path_factory.mktemp("cases")
    for i in range(6):
        folder = root / f"2026-0{1 + i % 3}"
        folder.mkdir(exist_ok=True)
        generate(folder / f"case-{i}.har", 30_000, seed=i)
    (root / "2026-01" / "shared-a.har").write_bytes(planted("https://a.example.com/"))
    (root / "2026-02" / "shared-b.har").write_bytes(planted("https://b.example.com/"))
    (root / "notes.txt").write_text("not a HAR")
    return root


@pytest.fixture
def threads() -> Iterator[None]:
    with dask.config.set(scheduler="threads", num_workers=2):
        yield


def _key(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(str(row[c]) for c in FINDING_COLUMNS)


def test_scan_many_matches_scan_file_by_file(cases: Path, threads: None) -> None:
    rows = scan_many(cases, Policy(key=KEY)).compute()
    files = har_files(cases)
    assert len(files) == 8 and not any(f.endswith("notes.txt") for f in files)
    expected = [
        {"file": f, "entry": x.entry, "place": x.pointer, "detail": x.detail, "rule": x.rule,
         "severity": x.severity, "fingerprint": x.fingerprint, "error": None}
        for f in files for x in scan(Path(f), Policy(key=KEY))
    ]
    assert sorted(map(_key, rows)) == sorted(map(_key, expected))
    assert {r["file"] for r in rows} == set(files)
    assert all(set(r) == set(FINDING_COLUMNS) for r in rows)
    assert SHARED_SECRET not in json.dumps(rows)


def test_one_key_per_run_makes_fingerprints_comparable_across_files(cases: Path, threads: None) -> None:
    rows = scan_many(str(cases / "**" / "shared-*.har")).compute()  # no key given: one is drawn for the run
    assert {Path(r["file"]).name for r in rows} == {"shared-a.har", "shared-b.har"}
    assert len({r["fingerprint"] for r in rows if r["place"].endswith("/headers/0/value")}) == 1


def test_scan_frame_is_a_dataframe_of_rows(cases: Path) -> None:
    with dask.config.set(scheduler="sync"):
        frame = scan_frame(cases / "2026-01", Policy(key=KEY))
    assert list(frame.columns) == list(FINDING_COLUMNS)
    assert len(frame) > 0 and set(frame["file"].map(lambda f: Path(f).parent.name)) == {"2026-01"}


def test_sanitize_many_mirrors_the_tree_and_leaves_nothing_behind(cases: Path, tmp_path: Path, threads: None) -> None:
    out = tmp_path / "scrubbed"
    rows = sanitize_many(f"file://{cases}/**/*.har", out, Policy(key=KEY)).compute()
    assert len(rows) == 8 and all(r["error"] is None and r["entries"] >= 1 for r in rows)
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == sorted(Path(r["output"]).relative_to(out).as_posix() for r in rows) == sorted(
        Path(f).relative_to(cases).with_name(Path(f).stem + ".scrubbed.har").as_posix() for f in har_files(cases))
    assert "shared-a.scrubbed.har" in " ".join(written) and not any("harscrub-tmp" in w for w in written)
    assert SHARED_SECRET not in (out / "2026-01" / "shared-a.scrubbed.har").read_text()
    assert scan_many(out).count().compute() == 0


def test_memory_filesystem_end_to_end(cases: Path, threads: None) -> None:
    fs = fsspec.filesystem("memory")
    run = f"/run-{uuid.uuid4().hex}"
    for path in sorted(cases.rglob("*.har"))[:4]:
        fs.pipe(f"{run}/in/{path.parent.name}/{path.name}", path.read_bytes())
    fs.pipe(f"{run}/in/x/shared-a.har", planted("https://a.example.com/"))
    try:
        assert any(r["rule"] for r in scan_many(f"memory://{run}/in/**/*.har").compute())
        rows = sanitize_many(f"memory://{run}/in", f"memory://{run}/out/").compute()
        assert all(r["output"].startswith(f"memory://{run}/out/") for r in rows) and len(rows) == 5
        outputs = sorted(fs.find(f"{run}/out"))
        assert len(outputs) == 5 and all(p.endswith(".scrubbed.har") for p in outputs)
        assert SHARED_SECRET.encode() not in fs.cat(f"{run}/out/x/shared-a.scrubbed.har")
        assert scan_many(f"memory://{run}/out").count().compute() == 0
    finally:
        fs.rm(run, recursive=True)


def test_unreadable_files_fail_closed_or_become_rows(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.har").write_bytes(planted("https://a.example.com/"))
    (tmp_path / "in" / "cut.har").write_bytes(planted("https://a.example.com/")[:-40])
    with dask.config.set(scheduler="sync"):
        with pytest.raises(HarscrubError, match="cut.har|truncated|end of input"):
            scan_many(tmp_path / "in").compute()
        rows = scan_many(tmp_path / "in", errors="record").compute()
        bad = [r for r in rows if r["error"]]
        assert len(bad) == 1 and bad[0]["file"].endswith("cut.har") and bad[0]["rule"] is None
        assert any(r["file"].endswith("good.har") and r["rule"] for r in rows)
        done = sanitize_many(tmp_path / "in", tmp_path / "out", errors="record").compute()
    assert sorted(bool(r["error"]) for r in done) == [False, True]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["good.scrubbed.har"], "partial or temp output left"


def test_nothing_to_read_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(HarscrubError, match="no HAR files"):
        scan_many(tmp_path / "*.har")

"""Whole-file benchmarks on a generated ~5 MB Chrome-shaped HAR, with their baseline.

All in one group (``stream-5MB``) so one run gives the ratios: ``orjson`` loads + dumps of the
same bytes is the floor; the reader alone is what finding the entries costs; ``sanitize_stream``
and ``check_stream`` are the whole pipelines. The input is held in memory (``io.BytesIO``), so
no benchmark times the disk, except sanitize's own spool (a temporary file, as in real runs).
Each round builds its Redactor from the shared Policy (rules compiled once): the per-run
Redactor build (see ``test_compile.py``) is inside the timing, rule loading is not.
"""

from __future__ import annotations

import io
import itertools
from typing import Any

import orjson
import pytest

from harscrub.engine.check import check_stream
from harscrub.engine.sanitize import sanitize_stream
from harscrub.stream.reader import EntriesEnd, EntriesStart, HarReader, LogEnd, LogStart, Member, RawEntry

ROUNDS = 5


@pytest.mark.benchmark(group="stream-5MB")
def test_baseline_orjson_loads_dumps(benchmark: Any, throughput: Any, har_5mb: Any) -> None:
    """The floor: parse the whole document and serialise it again, in memory."""
    throughput(len(har_5mb.data))
    out = benchmark.pedantic(lambda: orjson.dumps(orjson.loads(har_5mb.data)), rounds=ROUNDS * 4, warmup_rounds=1)
    assert len(orjson.loads(out)["log"]["entries"]) == har_5mb.entries


def _read_all(data: bytes) -> tuple[int, int, list[type]]:
    entries = raw_bytes = 0
    kinds: list[type] = []
    for event in HarReader(io.BytesIO(data)):
        if isinstance(event, RawEntry):
            entries += 1
            raw_bytes += len(event.raw)
        else:
            kinds.append(type(event))
    return entries, raw_bytes, kinds


@pytest.mark.parametrize("layout", ["chrome", "compact"])
@pytest.mark.benchmark(group="stream-5MB")
def test_reader(benchmark: Any, throughput: Any, har_5mb: Any, har_5mb_compact: Any, layout: str) -> None:
    """``HarReader`` alone: every event of the file, entries as raw bytes.

    ``chrome`` (2-space indented, as browsers write): entries are found by their closing line
    and decoded on the way (the decoded value rides along in ``RawEntry.value``); ``compact``
    (one line): entries are found by a guessed end (the next entry's separator) that orjson
    proves by decoding, so they come decoded too (see ``harscrub.stream.compact``).
    """
    har = har_5mb if layout == "chrome" else har_5mb_compact
    throughput(len(har.data))
    entries, raw_bytes, kinds = benchmark.pedantic(_read_all, args=(har.data,), rounds=ROUNDS * 4, warmup_rounds=1)
    assert entries == har.entries
    assert raw_bytes > 0.8 * len(har.data)
    assert kinds[:1] == [LogStart] and kinds[-1] == LogEnd
    assert EntriesStart in kinds and EntriesEnd in kinds and Member in kinds


@pytest.mark.benchmark(group="stream-5MB")
def test_sanitize_stream(benchmark: Any, throughput: Any, har_5mb: Any, policy: Any) -> None:
    """Both passes: redact every entry to a spool, sweep known secrets, write with the marker."""
    def run() -> tuple[Any, bytes]:
        dst = io.BytesIO()
        report = sanitize_stream(io.BytesIO(har_5mb.data), dst, policy)
        return report, dst.getvalue()

    throughput(len(har_5mb.data))
    report, out = benchmark.pedantic(run, rounds=ROUNDS, warmup_rounds=1)
    assert report.entries == har_5mb.entries and len(report.findings) > 100
    assert har_5mb.jwts, "the generated HAR holds no JWT to look for"
    survivors = [j for j in har_5mb.jwts if j in out]
    assert not survivors, f"{len(survivors)} JWTs survived sanitize"
    doc = orjson.loads(out)
    assert len(doc["log"]["entries"]) == har_5mb.entries
    assert doc["log"]["_harscrub"]["entries"] == har_5mb.entries


@pytest.mark.benchmark(group="stream-5MB")
def test_check_stream(benchmark: Any, throughput: Any, har_5mb: Any, policy: Any) -> None:
    """The leak check: one pass, every entry walked, each finding located and JWTs decoded."""
    throughput(len(har_5mb.data))
    result = benchmark.pedantic(lambda: check_stream(io.BytesIO(har_5mb.data), policy), rounds=ROUNDS, warmup_rounds=1)
    assert result.error is None and result.entries == har_5mb.entries
    assert result.marker.state == "absent"
    assert result.by_rule.get("jwt", 0) >= len(har_5mb.jwts)
    # hits may be a list or a spill-to-disk sequence: iterate, do not index
    assert all(h.line is not None for h in itertools.islice(result.hits, 50)), "findings not located"

"""Shared fixtures for benchmarks: generated Chrome-shaped HAR inputs (see generate.py).

Also: a fixed-key :class:`~harscrub.policy.Policy`, a ``throughput`` fixture that records the
bytes a benchmark processes (``benchmark.extra_info["bytes"]``, plus ``"MB/s"`` once it has
run), and a summary table of MB/s at the end of a ``--benchmark-only`` run.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import orjson
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import format_size, generate_har, parse_size  # noqa: E402

#: A fixed fingerprint key: placeholders are the same from run to run.
BENCH_KEY = b"harscrub-benchmark-key-0123456789"
#: The whole-file benchmarks' input size.
STREAM_SIZE = "5MB"

_JWT = re.compile(rb"eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{16,}")


@pytest.fixture(scope="session")
def generated_har(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """``generated_har("5MB", seed=0)`` -> path of a generated HAR, made once per session.

    ``indent=False`` writes compact JSON instead of Chrome's 2-space layout.
    """
    made: dict[tuple[int, int, bool, bool], Path] = {}
    root = tmp_path_factory.mktemp("har")

    def make(size: str | int = "5MB", seed: int = 0, gzip: bool = False, *, indent: bool = True) -> Path:
        n = parse_size(size)
        key = (n, seed, gzip, indent)
        if key not in made:
            layout = "" if indent else "-compact"
            path = root / f"chrome-{format_size(n)}-s{seed}{layout}.har{'.gz' if gzip else ''}"
            generate_har(path, n, seed=seed, gzip=gzip, indent=indent)
            made[key] = path
        return made[key]

    return make


@dataclass(frozen=True)
class HarInput:
    """A generated HAR held in memory, with what the benchmarks assert against."""

    path: Path
    data: bytes
    entries: int
    #: Every JWT in the input: none may survive sanitize, check must report them.
    jwts: frozenset[bytes]


def _har_input(path: Path) -> HarInput:
    data = path.read_bytes()
    doc = orjson.loads(data)
    return HarInput(path, data, len(doc["log"]["entries"]), frozenset(_JWT.findall(data)))


@pytest.fixture(scope="session")
def har_5mb(generated_har: Callable[..., Path]) -> HarInput:
    """The ~5 MB Chrome-layout (indented) HAR, read into memory."""
    return _har_input(generated_har(STREAM_SIZE))


@pytest.fixture(scope="session")
def har_5mb_compact(generated_har: Callable[..., Path]) -> HarInput:
    """The same generator output without indentation (one line)."""
    return _har_input(generated_har(STREAM_SIZE, indent=False))


@pytest.fixture(scope="session")
def policy() -> Any:
    """The default rules with a fixed key; its rules are compiled once (``Policy.rules`` is cached)."""
    from harscrub.policy import Policy

    p = Policy(key=BENCH_KEY)
    p.rules  # noqa: B018 - compile now, not inside the first benchmark
    return p


# -- throughput ---------------------------------------------------------------------------------

_THROUGHPUT: list[tuple[str, str, int, float]] = []


@pytest.fixture
def throughput(benchmark: Any) -> Iterator[Callable[[int], None]]:
    """``throughput(n)``: the benchmarked call processes ``n`` bytes.

    Sets ``benchmark.extra_info["bytes"]`` (kept in ``--benchmark-json`` output); after the
    benchmark has run, adds ``"MB/s"`` (decimal megabytes per second, from the mean) and a
    row to the summary printed at the end of the session.
    """
    def record(n: int) -> None:
        benchmark.extra_info["bytes"] = int(n)

    yield record
    n = benchmark.extra_info.get("bytes")
    stats = getattr(benchmark, "stats", None)
    if not n or stats is None:  # --benchmark-disable: no timings
        return
    mean = stats.stats.mean
    if mean > 0:
        mbps = n / mean / 1e6
        benchmark.extra_info["MB/s"] = round(mbps, 2)
        _THROUGHPUT.append((benchmark.group or "", benchmark.name, n, mbps))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _THROUGHPUT:
        return
    tr = terminalreporter
    tr.write_sep("-", "throughput (bytes processed per round / mean time)")
    width = max(len(name) for _, name, _, _ in _THROUGHPUT)
    for group, name, n, mbps in sorted(_THROUGHPUT, key=lambda row: (row[0], -row[3])):
        tr.write_line(f"{name:<{width}}  {n:>12,} B  {mbps:>10.2f} MB/s   [{group}]")

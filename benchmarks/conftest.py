"""Shared fixtures for benchmarks: generated Chrome-shaped HAR inputs (see generate.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import format_size, generate_har, parse_size  # noqa: E402


@pytest.fixture(scope="session")
def generated_har(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """``generated_har("5MB", seed=0)`` -> path of a generated HAR, made once per session."""
    made: dict[tuple[int, int, bool], Path] = {}
    root = tmp_path_factory.mktemp("har")

    def make(size: str | int = "5MB", seed: int = 0, gzip: bool = False) -> Path:
        n = parse_size(size)
        key = (n, seed, gzip)
        if key not in made:
            path = root / f"chrome-{format_size(n)}-s{seed}.har{'.gz' if gzip else ''}"
            generate_har(path, n, seed=seed, gzip=gzip)
            made[key] = path
        return made[key]

    return make

"""The package type-checks under ``mypy --strict`` (config in pyproject.toml): the API's hints are true."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_strict_is_clean() -> None:
    pytest.importorskip("mypy", reason="mypy is in the test extra")
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "harscrub/"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr

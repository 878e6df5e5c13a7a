"""Every Python block of docs/library.md runs, in order, in one namespace: the examples are true."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIBRARY_DOC = ROOT / "docs" / "library.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def python_blocks(path: Path) -> list[tuple[int, str]]:
    """(line number, code) of each fenced ```python block."""
    text = path.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 2, m.group(1)) for m in _BLOCK.finditer(text)]


def test_library_doc_has_examples() -> None:
    assert len(python_blocks(LIBRARY_DOC)) >= 5


def test_library_doc_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("dask", reason="the Dask example needs the dask extra")
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "library_md"}
    for line, code in python_blocks(LIBRARY_DOC):
        # Pad so that a traceback names the line of docs/library.md the failing statement is on.
        exec(compile("\n" * (line - 1) + code, str(LIBRARY_DOC), "exec"), namespace)  # noqa: S102
    assert sorted(os.listdir(tmp_path / "scrubbed")) == sorted(p.stem + ".scrubbed.har" for p in (tmp_path / "samples").glob("*.har"))

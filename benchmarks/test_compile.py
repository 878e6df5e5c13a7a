"""Rule compilation: loading the bundled rules and building a Redactor ready to scan.

What is cached, and where (each benchmark says which of these it defeats):

- ``Policy.rules`` is a ``cached_property``: a new ``Policy()`` each round reloads the TOML
  files and compiles every rule's RE2 pattern.
- ``Redactor(...)`` compiles the value rules into RE2 sets (``ValueDetector``) and derives
  the prefilter's conditions; the prefilter's two Hyperscan databases are built on first use,
  so every benchmark here makes the Redactor judge one string.
- Hyperscan databases are cached in the process (``harscrub.detection.multiscan._DATABASES``) and on
  disk (``$XDG_CACHE_HOME/harscrub/prefilter-*.hsdb``).
"""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path
from typing import Any

import pytest

import harscrub.detection.multiscan as multiscan
from harscrub.detection.fingerprint import Fingerprinter
from harscrub.engine.place import Where
from harscrub.engine.redactor import Redactor
from harscrub.policy import Policy

#: A fixed fingerprint key (a key-less Policy draws a random one: no cost to speak of, but noise).
KEY = b"harscrub-benchmark-key-0123456789"
needs_hyperscan = pytest.mark.skipif(
    importlib.util.find_spec("hyperscan") is None,
    reason="hyperscan is not installed: the prefilter is off, nothing to build",
)

_JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiaWF0IjoxNzE0MDAwMDAwfQ"
        ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")


def _forget_process_cache() -> None:
    """Drop the Hyperscan databases this process built or loaded (tests build many redactors)."""
    databases = getattr(multiscan, "_DATABASES", None)
    if databases is None:
        pytest.fail("harscrub.detection.multiscan._DATABASES is gone: update benchmarks/test_compile.py to defeat the new cache")
    databases.clear()


def _build(policy: Policy) -> Redactor:
    r = Redactor(policy.rules, fingerprint=Fingerprinter(policy.key), jwt_mode=policy.jwt_mode, allow=policy.allow)
    r.quiet("\x00first use\x00")  # the prefilter builds (or loads) its Hyperscan databases here
    return r


def _assert_works(r: Redactor) -> None:
    assert len(r.rules.value_rules) >= 20 and len(r.rules.name_rules) >= 5
    out = r.text("Authorization: Bearer " + _JWT, Where(0, ("probe",)))
    assert _JWT not in out and "[REDACTED:" in out
    assert r.text("gzip, deflate, br", Where(0, ("probe",))) == "gzip, deflate, br"


def _hsdb(cache: Path) -> list[Path]:
    return sorted((cache / "harscrub").glob("prefilter-*.hsdb"))


@pytest.mark.benchmark(group="compile")
def test_load_rules(benchmark: Any) -> None:
    """``Policy().rules``: read the bundled TOML files, validate them, compile each RE2 pattern."""
    rules = benchmark.pedantic(lambda: Policy(key=KEY).rules, rounds=30, warmup_rounds=1)
    assert len(rules.rules) >= 30 and all(rule.compiled is not None for rule in rules.rules)


@needs_hyperscan
@pytest.mark.benchmark(group="compile")
def test_build_redactor_disk_cache(benchmark: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Rules + Redactor + first use, Hyperscan databases loaded from the on-disk cache.

    What a ``harscrub`` run pays on a machine where it ran before (a new process: empty
    in-process cache, warm disk cache).
    """
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    _forget_process_cache()
    _build(Policy(key=KEY))  # fills the disk cache
    assert _hsdb(tmp_path), "the prefilter wrote no disk cache"

    def run() -> Redactor:
        return _build(Policy(key=KEY))

    r = benchmark.pedantic(run, setup=_forget_process_cache, rounds=15, warmup_rounds=1)
    _assert_works(r)


@needs_hyperscan
@pytest.mark.benchmark(group="compile")
def test_build_redactor_cold(benchmark: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Rules + Redactor + first use with every cache empty: Hyperscan compiles its databases.

    What the first ``harscrub`` run on a machine pays (or any run with an unwritable cache).
    """
    dirs = (tmp_path / f"cache-{i}" for i in itertools.count())
    used: list[Path] = []

    def setup() -> None:
        used.append(next(dirs))
        monkeypatch.setenv("XDG_CACHE_HOME", str(used[-1]))
        _forget_process_cache()

    r = benchmark.pedantic(lambda: _build(Policy(key=KEY)), setup=setup, rounds=3)
    _assert_works(r)
    # Each round compiled (and wrote) its own databases: none was loaded from an earlier one.
    assert all(_hsdb(d) for d in used), "a round did not compile the prefilter databases"

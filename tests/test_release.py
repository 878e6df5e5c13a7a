"""Release hygiene (issue 14, item 8): one version, a licence, a changelog, project URLs, and
an sdist whose own tests pass once unpacked."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest

from harscrub._version import __version__
from tests.factories import ROOT

#: A fast subset of the suite, run from the unpacked sdist.
SDIST_TESTS = ["tests/test_layers.py", "tests/test_rules.py", "tests/test_cli.py", "tests/test_settings.py",
               "tests/test_samples.py", "tests/test_release.py::test_version_is_written_once"]


def test_version_is_written_once() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["hatch"]["version"]["path"] == "harscrub/_version.py"
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    from importlib.metadata import version

    assert version("harscrub") == __version__


def test_licence_changelog_and_urls() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert {"Homepage", "Source", "Issues", "Changelog"} <= set(project["urls"])
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert "keepachangelog.com" in changelog
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", changelog, re.M)
    assert versions[0] == __version__ and "0.1.0" in versions
    assert "harscrub.engine" in changelog and "harscrub.stream" in changelog


@pytest.mark.skipif(not (ROOT / ".git").exists() and not (ROOT / "PKG-INFO").exists(), reason="not a checkout")
def test_the_sdist_carries_its_tests_and_they_pass(tmp_path: Path) -> None:
    if (ROOT / "PKG-INFO").exists():
        pytest.skip("running from an unpacked sdist already")
    pytest.importorskip("build", reason="build is in the test extra")
    pytest.importorskip("hatchling", reason="hatchling is in the test extra")
    made = subprocess.run([sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stdout + made.stderr
    (archive,) = tmp_path.glob("harscrub-*.tar.gz")
    assert archive.name == f"harscrub-{__version__}.tar.gz"
    with tarfile.open(archive) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
        tar.extractall(tmp_path / "unpacked", filter="data")
    for needed in ("docs/architecture.md", "docs/library.md", "tests/conftest.py", "tests/factories.py",
                   "samples/okta-login.har", "patterns/tokens.toml", "benchmarks/generate.py",
                   ".pre-commit-hooks.yaml", "LICENSE", "CHANGELOG.md", "README.md", "harscrub/_version.py"):
        assert needed in names, f"{needed} is not in the sdist"
    assert not any("__pycache__" in n or n.startswith("benchmarks/data/") for n in names)
    root = tmp_path / "unpacked" / archive.name.removesuffix(".tar.gz")
    # The unpacked tree's harscrub comes first, for pytest and for the commands the tests run.
    env = {**os.environ, "PYTHONPATH": str(root)}
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *SDIST_TESTS],
                         cwd=root, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert re.search(r"\d+ passed", run.stdout)
    probe = subprocess.run([sys.executable, "-c", "import harscrub; print(harscrub.__file__)"], cwd=root, env=env,
                           capture_output=True, text=True)
    assert probe.stdout.strip().startswith(str(root))

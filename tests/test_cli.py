"""What a user touches first (issue 14): version, help, one-line usage errors, completion,
gzip both ways, many files, the pre-commit hook's file pattern, the README's commands."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from harscrub._version import __version__
from tests.factories import ROOT, SAMPLES, entry, har, installed, key_file, run_cli, write

COMMANDS = ("sanitize", "check", "inspect", "serve", "userscript", "config", "keygen")
TOKEN = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2"


def leaky(path: Path) -> Path:
    return write(path, har(entry(url=f"https://api.example.com/v1/repos?access_token={TOKEN}")))


# -- 1. basics ---------------------------------------------------------------------------------------
def test_version_from_the_installed_command() -> None:
    for flag in ("--version", "-V"):
        proc = installed(flag)
        assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"harscrub {__version__}\n", "")
    assert run_cli("--version")[:2] == (0, f"harscrub {__version__}\n")


def test_help_and_h_on_every_command_with_examples() -> None:
    proc = installed("-h")
    assert proc.returncode == 0 and "Usage: harscrub" in proc.stdout and "Examples:" in proc.stdout
    for command in COMMANDS:
        code, out, err = run_cli(command, "-h")
        assert code == 0, (command, err)
        assert run_cli(command, "--help")[1] == out
        assert f"Usage: harscrub {command}" in out
        assert "Examples:" in out and f"harscrub {command}" in out.split("Examples:", 1)[1], command
        assert "╭" not in out  # plain help, no boxes


@pytest.mark.parametrize("args, line", [
    (["check", "--fail-on", "bad", "x.har"], r"^harscrub: error: --fail-on: must be one of info, low, medium, high, critical$"),
    (["check", "-f", "xml", "x.har"], r"^harscrub: error: --format: must be one of json, sarif, text$"),
    (["check", "--bogus", "x.har"], r"^harscrub: error: No such option: --bogus.*harscrub check -h"),
    (["check"], r"^harscrub: error: Missing argument 'FILE\.\.\.'"),
    (["sanitize", "--jwt", "keep", "x.har"], r"^harscrub: error: --jwt: must be 'drop' or 'strip-signature'$"),
    (["check", "--severity", "jwt", "x.har"], r"^harscrub: error: --severity: expected RULE=LEVEL"),
    (["check", "--jobs", "many", "x.har"], r"^harscrub: error: -j / --jobs: "),
    (["frobnicate"], r"^harscrub: error: No such command 'frobnicate'"),
])
def test_bad_options_are_one_line_and_exit_2(args: list[str], line: str) -> None:
    code, out, err = run_cli(*args)
    assert code == 2, err
    assert len(err.splitlines()) == 1 and re.search(line, err.strip()), err
    assert "Usage:" not in err and "╭" not in err and "Traceback" not in err


def test_bad_option_from_the_installed_command() -> None:
    proc = installed("check", "--fail-on", "bad", "x.har")
    assert proc.returncode == 2
    assert proc.stderr == "harscrub: error: --fail-on: must be one of info, low, medium, high, critical\n"


def test_shell_completion() -> None:
    proc = installed("--show-completion", "bash")
    assert proc.returncode == 0 and "_HARSCRUB_COMPLETE" in proc.stdout and "complete" in proc.stdout
    # What the script asks of harscrub when tab is pressed after "harscrub ch":
    proc = installed(env={"_HARSCRUB_COMPLETE": "complete_bash", "COMP_WORDS": "harscrub ch", "COMP_CWORD": "1"})
    assert "check" in proc.stdout.split()


def test_no_arguments_prints_help() -> None:
    code, out, _ = run_cli()
    assert code == 0 and "Commands:" in out


# -- 2. gzip both ways -------------------------------------------------------------------------------
def test_an_output_named_gz_is_gzip_from_the_installed_command(tmp_path: Path) -> None:
    src = leaky(tmp_path / "capture.har")
    for name in ("out.har.gz", "OUT.HAR.GZ"):
        proc = installed("sanitize", str(src), "-o", str(tmp_path / name), "-q")
        assert proc.returncode == 0, proc.stderr
        data = (tmp_path / name).read_bytes()
        assert data[:2] == b"\x1f\x8b"
        doc = json.loads(gzip.decompress(data))
        assert TOKEN not in json.dumps(doc) and doc["log"]["_harscrub"]["entries"] == 1
    # No file name nor time in the header: the same input gives the same bytes.
    key = key_file(tmp_path)
    for n in (1, 2):
        assert run_cli("sanitize", str(src), "-o", str(tmp_path / f"r{n}.har.gz"), "--key-file", key, "-q")[0] == 0
    assert (tmp_path / "r1.har.gz").read_bytes() == (tmp_path / "r2.har.gz").read_bytes()
    assert b"capture" not in gzip.GzipFile(tmp_path / "r1.har.gz").fileobj.read(64)  # type: ignore[union-attr]
    # Not named .gz: plain JSON, whatever the input was.
    assert run_cli("sanitize", str(tmp_path / "out.har.gz"), "-o", str(tmp_path / "plain.har"), "-q")[0] == 0
    assert (tmp_path / "plain.har").read_bytes()[:1] == b"{"


def test_in_place_keeps_the_compression(tmp_path: Path) -> None:
    src = leaky(tmp_path / "a.har")
    packed = tmp_path / "b.har.gz"
    packed.write_bytes(gzip.compress(src.read_bytes()))
    os.chmod(packed, 0o640)
    assert run_cli("sanitize", str(packed), str(src), "--in-place", "-q")[0] == 0
    assert packed.read_bytes()[:2] == b"\x1f\x8b" and TOKEN not in gzip.decompress(packed.read_bytes()).decode()
    assert packed.stat().st_mode & 0o777 == 0o640
    assert src.read_bytes()[:1] == b"{" and TOKEN not in src.read_text()
    # A plain file with a .gz name stays plain: the compression is the file's, not its name's.
    liar = tmp_path / "liar.har.gz"
    liar.write_bytes(leaky(tmp_path / "c.har").read_bytes())
    assert run_cli("sanitize", str(liar), "--in-place", "-q")[0] == 0
    assert liar.read_bytes()[:1] == b"{" and TOKEN not in liar.read_text()


def test_gzip_output_is_atomic(tmp_path: Path) -> None:
    bad = tmp_path / "bad.har"
    bad.write_text('{"log": {"entries": [ {"request": ')
    code, _, err = run_cli("sanitize", str(bad), "-o", str(tmp_path / "out.har.gz"))
    assert code == 2 and "bad.har" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.har"]


# -- 3. many files ----------------------------------------------------------------------------------
def test_sanitize_a_folder_to_an_output_dir(tmp_path: Path) -> None:
    cases = tmp_path / "cases"
    (cases / "sub").mkdir(parents=True)
    leaky(cases / "a.har")
    (cases / "sub" / "b.har.gz").write_bytes(gzip.compress(leaky(tmp_path / "b.har").read_bytes()))
    leaky(cases / "old.scrubbed.har")  # an earlier output: skipped
    (cases / "notes.txt").write_text("not a HAR")
    code, _, err = run_cli("sanitize", str(cases), "--output-dir", str(tmp_path / "clean"))
    assert code == 0, err
    made = sorted(str(p.relative_to(tmp_path / "clean")) for p in (tmp_path / "clean").rglob("*") if p.is_file())
    assert made == ["a.scrubbed.har", "sub/b.scrubbed.har"]
    assert "2 of 2 files sanitized" in err
    for path in (tmp_path / "clean").rglob("*.har"):
        assert TOKEN not in path.read_text()


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    good1, good2 = leaky(tmp_path / "1.har"), leaky(tmp_path / "3.har")
    bad = tmp_path / "2.har"
    bad.write_text("not json")
    proc = installed("sanitize", str(good1), str(bad), str(good2), str(tmp_path / "missing.har"),
                     "--output-dir", str(tmp_path / "out"))
    assert proc.returncode == 2
    errors = [line for line in proc.stderr.splitlines() if line.startswith("harscrub: error:")]
    assert len(errors) == 2 and str(bad) in errors[0] and "missing.har" in errors[1]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["1.scrubbed.har", "3.scrubbed.har"]


def test_many_files_beside_their_inputs_and_refusals(tmp_path: Path) -> None:
    a, b = leaky(tmp_path / "a.har"), leaky(tmp_path / "b.har.json")
    assert run_cli("sanitize", str(a), str(b), "-q")[0] == 0
    assert (tmp_path / "a.scrubbed.har").exists() and (tmp_path / "b.scrubbed.har").exists()
    for args in (["-o", "x.har"], ["--in-place", "--output-dir", "d"]):
        code, _, err = run_cli("sanitize", str(a), str(b), *args)
        assert code == 2 and len(err.splitlines()) == 1
    (tmp_path / "x").mkdir()
    leaky(tmp_path / "x" / "a.har")
    code, _, err = run_cli("sanitize", str(a), str(tmp_path / "x" / "a.har"), "--output-dir", str(tmp_path / "o"))
    assert code == 2 and "would both be written" in err


def test_check_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.har"
    bad.write_text("{")
    code, _, err = run_cli("check", str(bad), str(SAMPLES[0]), "-f", "json")
    assert code == 2 and f"harscrub: error: {bad}" in err


# -- 7. pre-commit ----------------------------------------------------------------------------------
def test_pre_commit_hook_catches_every_spelling_and_runs(tmp_path: Path) -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "harscrub-check" and hook["language"] == "python"
    pattern = re.compile(hook["files"])  # pre-commit matches `files` with re.search
    caught = ["capture.har", "CAPTURE.HAR", "a/b/x.har.gz", "x.HAR.GZ", "x.har.json", "X.Har.Json"]
    passed = ["capture.harx", "x.har.bak", "har.txt", "x.json", "x.gz", "hard.py"]
    assert [n for n in caught if not pattern.search(n)] == []
    assert [n for n in passed if pattern.search(n)] == []
    # The hook's command on what it matched: a leaky capture fails it, its sanitized copy passes.
    leaky(tmp_path / "CAPTURE.HAR")
    (tmp_path / "x.har.gz").write_bytes(gzip.compress(leaky(tmp_path / "y.json").read_bytes()))
    files = sorted(str(p) for p in tmp_path.iterdir() if pattern.search(p.name))
    assert len(files) == 2
    entry_args = hook["entry"].split()
    assert entry_args[0] == "harscrub"
    proc = installed(*entry_args[1:], *files)
    assert proc.returncode == 1, proc.stderr
    assert installed("sanitize", *files, "--in-place", "-q").returncode == 0
    assert installed(*entry_args[1:], *files).returncode == 0


def test_readme_pins_a_tag() -> None:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"repos:\n(.*?)```", text, re.S)
    assert block is not None
    rev = re.search(r"rev: (\S+)", block.group(1))
    assert rev is not None and rev.group(1) == f"v{__version__}", "the README's rev is the tag of this version"
    assert "id: harscrub-check" in block.group(1)


# -- 9. the newcomer path ------------------------------------------------------------------------------
README_COMMANDS = (
    "python3 -m venv .venv && . .venv/bin/activate && pip install -e . && "
    "harscrub sanitize samples/okta-login.har -o okta-login.scrubbed.har",
    "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' && python -m pytest",
)


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second(tmp_path: Path) -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", (ROOT / "README.md").read_text(), re.S)
    assert tuple(blocks[:2]) == README_COMMANDS
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pip install --quiet -e '.[test]'" in ci and ci.rstrip().endswith("python -m pytest")
    # The first command's harscrub part, as printed, with the installed command.
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    args = README_COMMANDS[0].split(" && harscrub ", 1)[1].split()
    proc = installed(*args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "okta-login.scrubbed.har").exists()


def test_suite_summary_says_browser_tests_were_skipped(tmp_path: Path) -> None:
    (tmp_path / "tests" / "e2e").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path / "tests" / "conftest.py")
    (tmp_path / "tests" / "e2e" / "test_fake.py").write_text(
        "import pytest\n\n"
        "def test_a():\n    pytest.skip('no Chromium at /usr/bin/chromium (apt-get install chromium): browser tests skipped')\n\n"
        "def test_b():\n    pytest.skip('no Chromium at /usr/bin/chromium (apt-get install chromium): browser tests skipped')\n")
    (tmp_path / "tests" / "test_plain.py").write_text("def test_ok():\n    pass\n")
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout
    assert "2 browser tests skipped" in run.stdout
    assert "to run them: apt-get install chromium" in run.stdout
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "tests/test_plain.py"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert "browser tests skipped" not in run.stdout

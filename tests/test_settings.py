"""Settings files, rules disabled and re-ranked, the user's key, keygen, .harscrubignore and
check --exit-code (issue 14, items 4 and 5)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from harscrub import Policy, check
from harscrub.config import find_config, load_settings, user_key, user_key_path
from harscrub.detection.rules import STRUCTURAL_RULES
from harscrub.errors import HarscrubError, RuleError
from harscrub.serve import load_config
from tests.factories import ROOT, SAMPLES, entry, har, installed, run_cli, write

TOKEN = "ghp_" + "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2"
JWT_FREE = har(entry(url=f"https://api.example.com/v1/repos?access_token={TOKEN}"))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user config directory of the test's own, and a project folder as the working directory."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    (tmp_path / "project" / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "project" / "sub")
    return tmp_path


# -- 4. configuration --------------------------------------------------------------------------------
def test_found_from_the_working_directory_upward(home: Path) -> None:
    project = home / "project"
    assert find_config() is None
    (home / "xdg" / "harscrub").mkdir(parents=True)
    (home / "xdg" / "harscrub" / "harscrub.toml").write_text('fail-on = "high"\n')
    assert find_config() == home / "xdg" / "harscrub" / "harscrub.toml"  # the user's own, last
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert find_config() == home / "xdg" / "harscrub" / "harscrub.toml"  # no [tool.harscrub]: skipped
    (project / "pyproject.toml").write_text('[tool.harscrub]\nfail-on = "medium"\n')
    assert find_config() == project / "pyproject.toml"
    (project / "harscrub.toml").write_text('fail-on = "critical"\n')
    assert find_config() == project / "harscrub.toml"
    (project / ".harscrub.toml").write_text('fail-on = "info"\n')
    assert find_config() == project / ".harscrub.toml"
    assert load_settings()["fail-on"] == "info"
    assert load_settings(isolated=True)["fail-on"] == "low"


def test_keys_mirror_the_options_and_paths_are_relative_to_the_file(home: Path) -> None:
    project = home / "project"
    (project / "rules").mkdir()
    (project / "pyproject.toml").write_text(
        '[tool.harscrub]\nrules = ["rules/ours.toml"]\ndisable-rules = ["jwt"]\nallow = ["public-token"]\n'
        'jwt = "strip-signature"\nkey-file = "team.key"\nmax-size = 1000000\nmax_entry_size = 50000\n'
        'fail-on = "high"\nexit-code = 0\n[tool.harscrub.severity]\nsession-cookie = "low"\n')
    s = load_settings(overrides={"allow": ["cli-token"], "fail-on": "medium", "severity": {"jwe": "info"}})
    label = f"{project / 'pyproject.toml'} [tool.harscrub]"
    assert s["rules"] == (str(project / "rules" / "ours.toml"),) and s.origins["rules"] == label
    assert s["key-file"] == str(project / "team.key")
    assert s["allow"] == ("public-token", "cli-token") and s.origins["allow"] == f"{label} + command line"
    assert s["fail-on"] == "medium" and s.origins["fail-on"] == "command line"
    assert s["severity"] == {"session-cookie": "low", "jwe": "info"}
    assert (s["max-size"], s["max-entry-size"], s["exit-code"], s["jwt"]) == (1000000, 50000, 0, "strip-signature")
    assert s.origins["max-entry-size"] == label and s.origins["ignore-file"] == "default"


@pytest.mark.parametrize("text, message", [
    ('fail_on = "severe"\n', r"harscrub\.toml: fail_on: must be one of"),
    ('disable = ["jwt"]\n', r"harscrub\.toml: disable: unknown setting \(known: rules, disable-rules"),
    ('allow = "one"\n', r"allow: must be a list"),
    ('max-size = -1\n', r"max-size: must be a positive whole number"),
    ('[severity]\njwt = "bad"\n', r"severity: must be one of"),
    ('fail-on = \n', r"not valid TOML"),
])
def test_a_bad_setting_is_one_line_naming_file_and_key(home: Path, text: str, message: str) -> None:
    (home / "project" / "harscrub.toml").write_text(text)
    code, _, err = run_cli("check", str(SAMPLES[0]))
    assert code == 2 and len(err.splitlines()) == 1 and str(home / "project") in err, err
    assert pytest.importorskip("re").search(message, err), err


def test_settings_drive_sanitize_check_inspect_and_serve(home: Path) -> None:
    project = home / "project"
    path = write(home / "leaky.har", JWT_FREE)
    (project / "harscrub.toml").write_text(f'allow = ["{TOKEN}"]\n')
    assert run_cli("check", str(path), "-q")[0] == 0  # allowed: nothing reported
    assert run_cli("check", str(path), "-q", "--isolated")[0] == 1
    assert run_cli("sanitize", str(path), "-o", str(home / "out.har"), "-q")[0] == 0
    assert TOKEN in (home / "out.har").read_text()
    code, out, _ = run_cli("inspect", str(path), "-f", "json")
    assert code == 0 and json.loads(out)["secrets_found"] == 0
    code, out, _ = run_cli("inspect", str(path), "-f", "json", "--isolated")
    assert json.loads(out)["secrets_found"] == 1
    # serve: the same settings become the service's policy (the upload cap still caps the size).
    policy = load_settings().policy()
    served = load_config(None, max_upload=1000, policy=policy).policy
    assert served.allow == frozenset({TOKEN}) and served.max_input_bytes == 1000 and served.key == user_key()


def test_config_command_shows_values_and_where_they_came_from(home: Path) -> None:
    (home / "project" / "harscrub.toml").write_text('fail-on = "high"\nrules = []\n')
    code, out, _ = run_cli("config", "--jwt", "strip-signature")
    assert code == 0
    lines = {line.split(" = ")[0].lstrip("# "): line for line in out.splitlines() if " = " in line}
    assert lines["fail-on"].startswith('fail-on = "high"') and lines["fail-on"].endswith(str(home / "project" / "harscrub.toml"))
    assert lines["jwt"].endswith("# command line") and lines["exit-code"].endswith("# default")
    assert str(user_key_path()) in lines["key-file"]
    code, out, _ = run_cli("config", "-f", "json")
    data = json.loads(out)
    assert data["file"] == str(home / "project" / "harscrub.toml") and data["settings"]["fail-on"]["value"] == "high"
    code, out, _ = run_cli("config", "--list-rules", "--disable-rule", "jwt", "--severity", "jwe=info")
    ids = {line.split("\t")[0]: line.split("\t")[1] for line in out.splitlines()}
    assert "jwt" not in ids and ids["jwe"] == "info" and ids["aws-access-key-id"] == "high"


# -- rules disabled and re-ranked reach the rule set ----------------------------------------------
def test_disabled_rules_and_severities_reach_the_rule_set() -> None:
    base = Policy().rules
    policy = Policy(disabled_rules={"github-token"}, severities={"session-cookie": "low"})
    rules = policy.rules
    assert "github-token" not in {r.id for r in rules.rules} and len(rules.rules) == len(base.rules) - 1
    assert rules.by_id("session-cookie").severity == "low" and rules.digest != base.digest
    assert hash(policy) == hash(Policy(disabled_rules={"github-token"}, severities={"session-cookie": "medium"}))
    verdict = check(json.dumps(JWT_FREE), Policy(disabled_rules=["github-token"]))
    assert "github-token" not in verdict.by_rule
    with pytest.raises(RuleError, match="no rule 'nope'"):
        _ = Policy(disabled_rules={"nope"}).rules
    with pytest.raises(RuleError, match="cannot be disabled"):
        _ = Policy(disabled_rules={STRUCTURAL_RULES[0]}).rules
    with pytest.raises(RuleError, match="severity of 'jwt'"):
        _ = Policy(severities={"jwt": "dire"}).rules


def test_structural_rules_are_the_ones_the_engine_looks_up_by_id() -> None:
    """A rule the engine names in code cannot be disabled: the list and the code agree."""
    import re

    named = set()
    for path in (ROOT / "harscrub" / "engine").rglob("*.py"):
        named |= set(re.findall(r"by_id\(\"([a-z0-9-]+)\"\)", path.read_text()))
    assert named == set(STRUCTURAL_RULES)


def test_severity_override_shows_in_check(home: Path) -> None:
    path = write(home / "leaky.har", JWT_FREE)
    code, out, _ = run_cli("check", str(path), "-f", "json", "--severity", "github-token=info")
    (finding,) = json.loads(out)["files"][0]["findings"]
    assert finding["severity"] == "info" and code == 0  # below the default fail-on (low)


# -- 5. stable fingerprints and accepted findings -----------------------------------------------------
def test_the_user_key_is_made_once_private_and_reused(home: Path) -> None:
    path = user_key_path()
    assert not path.exists()
    made: list[Path] = []
    key = user_key(made.append)
    assert made == [path] and user_key(made.append) == key and made == [path]
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert user_key() == key and len(key) == 64
    assert Policy().key is None  # the library's default stays a fresh random key per run


def test_sarif_fingerprints_are_stable_across_runs_without_flags(home: Path) -> None:
    path = write(home / "leaky.har", JWT_FREE)
    runs = [installed("check", str(path), "-f", "sarif", cwd=home) for _ in range(2)]
    assert "made your fingerprint key" in runs[0].stderr and "made your" not in runs[1].stderr
    prints = [[r["partialFingerprints"] for r in json.loads(run.stdout)["runs"][0]["results"]] for run in runs]
    assert runs[0].returncode == 1 and prints[0] and prints[0] == prints[1]
    assert user_key_path().exists()
    # Another user (another config directory) has other fingerprints; a shared key makes them match.
    other = installed("check", str(path), "-f", "sarif", cwd=home, env={"XDG_CONFIG_HOME": str(home / "other")})
    assert [r["partialFingerprints"] for r in json.loads(other.stdout)["runs"][0]["results"]] != prints[0]


def test_keygen_makes_a_team_key(home: Path) -> None:
    team = home / "team.key"
    proc = installed("keygen", str(team))
    assert proc.returncode == 0 and stat.S_IMODE(team.stat().st_mode) == 0o600
    assert team.read_text() not in proc.stdout + proc.stderr
    again = installed("keygen", str(team))
    assert again.returncode == 2 and "exists already" in again.stderr
    path = write(home / "leaky.har", JWT_FREE)
    prints = []
    for user in ("alice", "bob"):
        run = installed("check", str(path), "-f", "json", "--key-file", str(team), cwd=home,
                        env={"XDG_CONFIG_HOME": str(home / user)})
        prints.append([f["fingerprint"] for f in json.loads(run.stdout)["files"][0]["findings"]])
    assert prints[0] == prints[1]


def test_harscrubignore_silences_accepted_findings(home: Path) -> None:
    project = home / "project"
    path = write(home / "leaky.har", JWT_FREE)
    first = installed("check", str(path), "-f", "json", cwd=project / "sub")
    assert first.returncode == 1
    (fingerprint,) = {f["fingerprint"] for f in json.loads(first.stdout)["files"][0]["findings"]}
    (project / ".harscrubignore").write_text(f"# accepted: a revoked test token\n\n{fingerprint}  # ticket 42\n")
    second = installed("check", str(path), "-f", "json", cwd=project / "sub")
    assert second.returncode == 0, second.stderr
    report = json.loads(second.stdout)["files"][0]
    assert report["findings"] == [] and any("1 findings silenced by" in n for n in report["notes"])
    assert installed("check", str(path), "-q", "--isolated", cwd=project / "sub").returncode == 1
    # --ignore-file names another; a line that is no fingerprint is an error naming file and line.
    (home / "bad-ignore").write_text("not-a-fingerprint\n")
    bad = installed("check", str(path), "--ignore-file", str(home / "bad-ignore"), cwd=project / "sub")
    assert bad.returncode == 2 and f"{home / 'bad-ignore'}:1: not a fingerprint" in bad.stderr


def test_exit_code_for_findings(home: Path) -> None:
    path = write(home / "leaky.har", JWT_FREE)
    assert installed("check", str(path), "-q", cwd=home).returncode == 1
    assert installed("check", str(path), "-q", "--exit-code", "0", cwd=home).returncode == 0
    assert installed("check", str(path), "-q", "--exit-code", "7", cwd=home).returncode == 7
    (home / "project" / "harscrub.toml").write_text("exit-code = 3\n")
    assert run_cli("check", str(path), "-q")[0] == 3
    clean = write(home / "clean.har", har(entry()))
    assert run_cli("check", str(clean), "-q", "--exit-code", "9")[0] == 0
    # Errors stay 2 whatever --exit-code says.
    assert run_cli("check", str(home / "missing.har"), "-q", "--exit-code", "0")[0] == 2


def test_the_user_key_cannot_be_made(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = home / "blocked"
    blocker.write_text("a file where a folder should be")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocker))
    with pytest.raises(HarscrubError, match="cannot create the fingerprint key"):
        user_key()
    code, _, err = run_cli("check", str(SAMPLES[0]))
    assert code == 2 and "keygen" in err and len(err.splitlines()) == 1
    assert not os.path.exists(blocker / "harscrub")


def test_serve_refuses_bad_shared_settings_before_listening(home: Path) -> None:
    code, out, err = run_cli("serve", "--port", "0", "--disable-rule", "no-such-rule")
    assert code == 2 and "no rule 'no-such-rule'" in err and "harscrub helper on" not in out
    (home / "project" / "harscrub.toml").write_text('jwt = "keep-everything"\n')
    code, out, err = run_cli("serve", "--port", "0")
    assert code == 2 and "harscrub.toml: jwt: must be 'drop' or 'strip-signature'" in err

"""Ordinary misuse and odd-yet-legal input (issue 13): each case of the issue, one test named for it.

Bad input keeps its contract everywhere: one line naming the file and the place, exit 2, no
output, the input untouched. Odd-yet-legal input (numbers a float cannot hold) is written back
exactly as it was read.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest

from harscrub import api
from harscrub.engine.batch import check_many
from harscrub.engine.check import check_file
from harscrub.engine.sanitize import sanitize_file
from harscrub.errors import InvalidHarError, OutputError

from .factories import make_entry, make_har, one_line_error, run_cli, snapshot, strict_json

JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwiZXhwIjo0MTAyNDQ0ODAwfQ."
       "Qm9ndXNTaWduYXR1cmVGb3JUZXN0aW5nT25seTEyMw")


def planted(tmp_path: Path, name: str = "in.har") -> Path:
    e = make_entry(0, headers=[{"name": "Authorization", "value": f"Bearer {JWT}"}])
    src = tmp_path / name
    src.write_text(json.dumps(make_har(e), indent=2))
    return src


# -- outputs that would overwrite an input ---------------------------------------------------------
@pytest.mark.parametrize("command", ["sanitize --report", "check -o", "inspect -o"])
def test_report_or_output_pointed_at_the_input_is_refused(command: str, tmp_path: Path) -> None:
    """Case: --report FILE, check -o FILE or inspect -o FILE equal to the input overwrote the input."""
    src = planted(tmp_path)
    before = snapshot(tmp_path)
    name, option = command.split()
    extra = ["-o", str(tmp_path / "out.har")] if name == "sanitize" else []
    code, out, err = run_cli(name, str(src), *extra, option, str(src))
    one_line_error(code, err, r"refusing to write", re.escape(str(src)))
    assert snapshot(tmp_path) == before, "the input changed or an output appeared"


@pytest.mark.parametrize("link", ["symlink", "hardlink", "relative"])
def test_report_pointed_at_the_input_by_another_name_is_refused(link: str, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    src = planted(tmp_path)
    monkeypatch.chdir(tmp_path)
    alias = {"symlink": "alias.har", "hardlink": "hard.har", "relative": "./sub/../in.har"}[link]
    (tmp_path / "sub").mkdir()
    if link == "symlink":
        (tmp_path / alias).symlink_to(src)
    elif link == "hardlink":
        os.link(src, tmp_path / alias)
    before = snapshot(tmp_path)
    code, _, err = run_cli("check", "in.har", "-f", "json", "-o", alias)
    one_line_error(code, err, r"refusing to write the report")
    assert snapshot(tmp_path) == before


def test_report_equal_to_output_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    """Case: --report equal to -o replaced the sanitized file with the report."""
    src = planted(tmp_path)
    before = snapshot(tmp_path)
    code, _, err = run_cli("sanitize", str(src), "-o", str(tmp_path / "out.har"), "--report", str(tmp_path / "out.har"))
    one_line_error(code, err, r"refusing to write the report .*out\.har: it is the output")
    assert snapshot(tmp_path) == before


def test_report_beside_the_output_is_written(tmp_path: Path) -> None:
    src = planted(tmp_path)
    code, _, err = run_cli("sanitize", "-q", str(src), "-o", str(tmp_path / "out.har"), "--report", str(tmp_path / "r.json"))
    assert code == 0, err
    assert JWT not in (tmp_path / "out.har").read_text()
    assert strict_json((tmp_path / "r.json").read_bytes())["findings"]


# -- --in-place through a symbolic link --------------------------------------------------------------
def test_in_place_on_a_symlink_writes_through_to_the_real_file(tmp_path: Path) -> None:
    """Case: --in-place on a symlink replaced the link and left the real file, secrets and all."""
    real = planted(tmp_path, "real.har")
    real.chmod(0o640)
    link = tmp_path / "link.har"
    link.symlink_to(real.name)
    code, _, err = run_cli("sanitize", "-q", "--in-place", str(link))
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == real.name, "the link stays a link to the same file"
    assert JWT not in real.read_text(), "the real file is sanitized"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640, "and keeps its mode"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.har", "real.har"]


def test_output_onto_a_symlink_writes_through(tmp_path: Path) -> None:
    src = planted(tmp_path)
    target = tmp_path / "target.har"
    target.write_text("old")
    (tmp_path / "out.har").symlink_to(target)
    sanitize_file(src, tmp_path / "out.har")
    assert (tmp_path / "out.har").is_symlink()
    assert JWT not in target.read_text() and strict_json(target.read_bytes())["log"]["entries"]


def test_library_refuses_the_input_as_output_through_a_hard_link(tmp_path: Path) -> None:
    src = planted(tmp_path)
    os.link(src, tmp_path / "same.har")
    with pytest.raises(OutputError, match="refusing to overwrite the input"):
        sanitize_file(src, tmp_path / "same.har")


# -- log.entries twice -------------------------------------------------------------------------------
def test_log_entries_twice_is_refused(tmp_path: Path) -> None:
    """Case: 'log.entries' appearing twice was accepted and written twice."""
    src = tmp_path / "twice.har"
    one = json.dumps(make_entry(0))
    src.write_text('{"log": {"version": "1.2", "entries": [' + one + '], "entries": [' + one + ']}}')
    before = snapshot(tmp_path)
    code, _, err = run_cli("sanitize", str(src), "-o", str(tmp_path / "out.har"))
    line = one_line_error(code, err, r"'log\.entries' appears twice", r"\(byte \d+\)$", re.escape(str(src)))
    at = int(re.search(r"byte (\d+)", line).group(1))  # type: ignore[union-attr]
    assert src.read_bytes()[at:].startswith(b'"entries"') and at > 30, "the offset of the second one"
    assert snapshot(tmp_path) == before
    code, _, err = run_cli("check", str(src))
    one_line_error(code, err, r"appears twice")


# -- numbers as they were ------------------------------------------------------------------------------
NUMBERS = ["1e400", "-1e400", "123456789012345678901234567890", "-98765432109876543210", "-0", "1.0", "1.50", "1E2",
           "-0.0", "1e-7", "0.1000", "5e-324", "2.5e-324", "18446744073709551616", "0.30000000000000004441",
           "12.5", "200", "-1"]


def _numbers_doc() -> str:
    """A HAR holding each odd number in an entry (one with a secret, which pass 2 decodes again),
    in a page and in a top-level member, written as raw JSON text."""
    numbers = ", ".join(NUMBERS)
    fields = ", ".join(f'"n{i}": {n}' for i, n in enumerate(NUMBERS))
    secret_entry = json.dumps(make_entry(1, headers=[{"name": "Authorization", "value": f"Bearer {JWT}"}]))
    return ('{"_vendor": {' + fields + '}, "log": {"version": "1.2", "pages": [{"id": "p", "pageTimings": {' + fields
            + '}}], "entries": [{"startedDateTime": "x", "time": 1E3, "_n": [' + numbers + '], "_copy": "' + JWT + '"}, '
            + secret_entry + "]}}")


def _number_texts(data: bytes | str) -> Any:
    """The document with every number as the text it was written in."""
    return json.loads(data, parse_int=str, parse_float=str, parse_constant=str)


def test_numbers_are_written_back_exactly_as_read(tmp_path: Path) -> None:
    """Case: 1e400 came out as Infinity, a 30-digit integer lost digits, -0 became 0, 1E2 100.0."""
    src = tmp_path / "numbers.har"
    src.write_text(_numbers_doc())
    code, _, err = run_cli("sanitize", "-q", str(src), "-o", str(tmp_path / "out.har"))
    assert code == 0, err
    out = (tmp_path / "out.har").read_bytes()
    assert b"Infinity" not in out and b"NaN" not in out
    before, after = _number_texts(src.read_bytes()), _number_texts(out)
    assert after["_vendor"] == before["_vendor"]
    assert after["log"]["pages"] == before["log"]["pages"]
    assert after["log"]["entries"][0]["_n"] == NUMBERS
    assert after["log"]["entries"][0]["time"] == "1E3"
    assert JWT not in out.decode()
    # and harscrub reads its own output again, numbers and all
    code, _, err = run_cli("sanitize", "-q", str(tmp_path / "out.har"), "-o", str(tmp_path / "again.har"))
    assert code == 0, err
    assert _number_texts((tmp_path / "again.har").read_bytes())["log"]["entries"][0]["_n"] == NUMBERS


def test_numbers_survive_the_library_and_the_service_path() -> None:
    result = api.sanitize(_numbers_doc())
    assert _number_texts(result.data)["log"]["entries"][0]["_n"] == NUMBERS
    number = result.har["log"]["entries"][0]["_n"][2]
    assert isinstance(number, float) and str(number) == "123456789012345678901234567890"  # a number, its digits kept


def test_a_secret_number_under_a_secret_name_is_redacted_whatever_its_digits() -> None:
    text = '{"log": {"entries": [{"request": {"postData": {"mimeType": "x", "params": [{"name": "password", "value": 123456789012345678901234567891}]}}, "_pin": {"password": 1E30}}]}}'
    out = api.sanitize(text).data.decode()
    assert "123456789012345678901234567891" not in out and "1E30" not in out


# -- errors that name the file ---------------------------------------------------------------------------
def _bad(folder: Path, name: str = "bad.har") -> Path:
    path = folder / name
    path.write_text('{"log": {"entries": [' + json.dumps(make_entry(0)) + ', {"request": ')
    return path


def test_check_over_several_files_names_the_file_in_each_error(tmp_path: Path) -> None:
    """Case: check over several files did not say which file an error is about."""
    folder = tmp_path / "cases"
    folder.mkdir()
    _bad(folder, "a.har")
    planted(folder, "b.har")
    _bad(folder, "c.har")
    for jobs in ("1", "2"):
        code, out, err = run_cli("check", "-q", "-j", jobs, str(folder))
        lines = err.splitlines()
        assert code == 2, err
        assert len(lines) == 2 and "Traceback" not in err
        for line, name in zip(lines, ("a.har", "c.har")):
            assert line.startswith(f"harscrub: error: {folder / name}: invalid HAR:"), line
            assert re.search(r"\(entry 1, byte \d+\)$", line), line


@pytest.mark.parametrize("entry_point", ["sanitize_file", "check_file", "api.check", "check_many"])
def test_every_file_entry_point_names_the_file(entry_point: str, tmp_path: Path) -> None:
    bad = _bad(tmp_path)
    if entry_point == "check_many":
        [result] = list(check_many([str(bad)]))
        assert result.error is not None and result.error.startswith(f"{bad}: invalid HAR")
        return
    call = {"sanitize_file": lambda: sanitize_file(bad, tmp_path / "out.har"), "check_file": lambda: check_file(bad),
            "api.check": lambda: api.check(bad)}[entry_point]
    with pytest.raises(InvalidHarError) as caught:
        call()
    assert str(caught.value).startswith(f"{bad}: invalid HAR: ")
    assert caught.value.source == str(bad) and caught.value.entry == 1
    assert not (tmp_path / "out.har").exists()


def test_dask_errors_name_the_file(tmp_path: Path) -> None:
    """Case: in harscrub.dask an error did not say which file it is about."""
    pytest.importorskip("dask")
    from harscrub.dask import sanitize_many, scan_many

    bad = _bad(tmp_path)
    planted(tmp_path, "good.har")
    with pytest.raises(InvalidHarError, match=re.escape(str(bad)) + r": invalid HAR: .*\(entry 1, byte \d+\)"):
        scan_many(str(tmp_path)).compute(scheduler="sync")
    rows = scan_many(str(tmp_path), errors="record").compute(scheduler="sync")
    [error] = [r["error"] for r in rows if r["error"]]
    assert error.startswith(f"{bad}: invalid HAR")
    with pytest.raises(InvalidHarError, match=re.escape(str(bad))):
        sanitize_many(str(tmp_path), str(tmp_path / "out")).compute(scheduler="sync")
    rows = sanitize_many(str(tmp_path), str(tmp_path / "out2"), errors="record").compute(scheduler="sync")
    assert [r["error"].split(":")[0] for r in rows if r["error"]] == [str(bad)]


def test_one_file_that_crashes_the_engine_does_not_abort_a_folder(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Case: an unexpected error in one file aborted a whole check DIR run (and printed a traceback)."""
    import harscrub.engine.batch as batch

    real = batch.check_file

    def flaky(path: str, *args: Any, **kwargs: Any) -> Any:
        if path.endswith("a.har"):
            raise UnicodeEncodeError("utf-8", "\ud800 " + JWT, 0, 1, "surrogates not allowed")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(batch, "check_file", flaky)
    folder = tmp_path / "cases"
    folder.mkdir()
    planted(folder, "a.har")
    planted(folder, "b.har")
    code, out, err = run_cli("check", "-q", str(folder))
    assert code == 2
    assert err.splitlines() == [f"harscrub: error: {folder / 'a.har'}: internal error (UnicodeEncodeError); "
                                "the file was not processed, please report it"]
    assert JWT not in err
    code, out, _ = run_cli("check", "-f", "json", str(folder))
    files = strict_json(out)["files"]
    assert [f["total"] for f in files if "total" in f][-1] > 0, "b.har was still checked"

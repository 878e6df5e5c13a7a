"""The text report of check (issue 14, item 6): blocks that fit the terminal and wrap whole
words; plain greppable lines when piped; streamed, so many findings print quickly."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from harscrub.cli.text_report import COLUMNS, Blocks, render_text
from harscrub.engine.check import check_file
from harscrub.findings.finding import Finding
from harscrub.findings.results import CheckResult, Hit
from harscrub.policy import Policy
from tests.factories import KEY, SAMPLES, key_file, run_cli

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def result_of(sample: Path) -> CheckResult:
    return check_file(sample, Policy(key=KEY))


def hit(i: int, detail: str = 'header "authorization"') -> Hit:
    f = Finding("bearer-token", "critical", i, f"/log/entries/{i}/request/headers/2/value", detail,
                f"{i:010x}", "eyJh…(466 chars)", 466)
    return Hit(f, "GET", f"https://api.example.com/v1/items/{i}?page=2&filter=some%20long%20words", i * 10, 5)


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_blocks_fit_the_width_and_wrap_whole_words(width: int) -> None:
    out = io.StringIO()
    render_text([result_of(s) for s in SAMPLES], out, terminal=True, width=width, color=True)
    text = ANSI.sub("", out.getvalue())
    words = set(re.findall(r"\S+", ANSI.sub("", out.getvalue())))
    for line in text.splitlines():
        assert len(line) <= width or " " not in line.strip(), repr(line)  # only a word too long for any line
    # Whole words: every word of a field short enough for a line comes out whole.
    field = Blocks(width, color=False)._field("place", "header \"set-cookie\" › cookie \"JSESSIONID\" /log/entries/1/x")
    assert {w for line in field.splitlines() for w in line.split()} >= {'"set-cookie"', '"JSESSIONID"', "/log/entries/1/x"}
    assert "fingerprint" in words


def test_piped_it_is_one_finding_per_line_in_a_fixed_order(tmp_path: Path) -> None:
    code, out, err = run_cli("check", str(SAMPLES[0]), "--key-file", key_file(tmp_path))
    lines = out.splitlines()
    result = result_of(SAMPLES[0])
    assert code == 1 and len(lines) == len(result.hits)
    for line, h in zip(lines, result.hits):
        fields = line.split("\t")
        assert len(fields) == len(COLUMNS)
        row = dict(zip(COLUMNS, fields))
        assert row["file"] == str(SAMPLES[0]) and row["rule"] == h.finding.rule
        assert row["severity"] == h.finding.severity and row["pointer"] == h.finding.pointer
        assert row["line:column"] == ("" if h.line is None else f"{h.line}:{h.column}")
        assert row["fingerprint"] == h.finding.fingerprint
    assert "\x1b[" not in out and "findings" in err
    # The same lines in a file written with -o.
    run_cli("check", str(SAMPLES[0]), "--key-file", key_file(tmp_path), "-o", str(tmp_path / "r.txt"))
    assert (tmp_path / "r.txt").read_text() == out


def test_fields_with_tabs_or_newlines_cannot_break_a_line() -> None:
    result = CheckResult(source="odd\tname.har", entries=1)
    result.add(hit(0, detail='header "x\ty"\nz'))
    out = io.StringIO()
    render_text([result], out, terminal=False)
    (line,) = out.getvalue().splitlines()
    assert line.count("\t") == len(COLUMNS) - 1 and "odd\\tname.har" in line and '"x\\ty"\\nz' in line


def test_summary_first_then_rows() -> None:
    out = io.StringIO()
    render_text([result_of(SAMPLES[0])], out, terminal=True, width=100)
    first = out.getvalue().splitlines()[0]
    assert first.startswith(f"{SAMPLES[0]}: ") and "findings (" in first and "critical" in first


def test_no_color_at_a_terminal() -> None:
    code, out, _ = run_cli("check", str(SAMPLES[0]), env={"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "70"})
    assert "\x1b[" not in out and max(map(len, out.splitlines()[1:])) <= 70
    code, out, _ = run_cli("check", str(SAMPLES[0]), env={"FORCE_COLOR": "1", "NO_COLOR": "", "COLUMNS": "70"})
    assert "\x1b[1;31mCRITICAL\x1b[0m" in out


def test_a_hundred_thousand_findings_are_streamed() -> None:
    """Rows go out as the hits are read back (the result spills most of them to disk)."""
    result = CheckResult(source="big.har", entries=100_000)
    for i in range(100_000):
        result.add(hit(i))

    class Counting(io.StringIO):
        writes = 0

        def write(self, s: str) -> int:
            Counting.writes += 1
            return super().write(s)

        def writelines(self, lines) -> None:  # type: ignore[no-untyped-def, override]
            for line in lines:
                self.write(line)

    out = Counting()
    render_text([result], out, terminal=False)
    assert out.getvalue().count("\n") == 100_000 and Counting.writes >= 100_000
    blocks = io.StringIO()
    render_text([result], blocks, terminal=True, width=80)
    assert blocks.getvalue().count("bearer-token") == 100_000

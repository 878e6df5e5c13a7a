"""The sweep (pass 2): every known secret leaves every string it sits in, in every encoding."""

from __future__ import annotations

import base64
import json
import secrets
from urllib.parse import quote

import pytest

from harscrub.detection.specificity import Scope
from harscrub.engine import sweep
from harscrub.engine.place import Where
from harscrub.engine.sweep import Sweeper
from harscrub.findings.finding import Finding, Known
from harscrub.policy import Policy

RULES = Policy().rules
HERE = Where(0, ("log", "entries", 0, "comment"))


def _known(values: list[str]) -> dict[str, Known]:
    return {v: Known("password-field", f"{i:010x}", Scope.EVERYWHERE) for i, v in enumerate(values)}


@pytest.mark.parametrize("per_database", [3, 4096])
def test_secrets_in_every_database_are_swept(per_database: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Forms are compiled in several databases when there are many: a secret in any of them goes."""
    monkeypatch.setattr(sweep, "DATABASE_LITERALS", per_database)
    values = [secrets.token_urlsafe(18) for _ in range(12)]
    sweeper = Sweeper(_known(values), RULES)
    for value in values:
        text = f"before {value} middle {quote(value + '/')} after"
        found: list[Finding] = []
        out = sweeper.text(text, HERE, found)
        assert value not in out and "before " in out and " after" in out
        assert found and all(f.repeat for f in found)
        raw = json.dumps({"comment": f"x{base64.b64encode(('::' + value).encode()).decode()}y"}).encode()
        assert sweeper.may_hold(raw)
    assert not sweeper.may_hold(b'{"comment": "nothing secret here at all"}')


def test_overlapping_secrets_the_longest_wins() -> None:
    short, long = "Zx81kQp2", "Zx81kQp2-Wv7Lm3Nb"
    sweeper = Sweeper(_known([short, long]), RULES)
    found: list[Finding] = []
    out = sweeper.text(f"a={long}&b={short}", HERE, found)
    assert short not in out and long not in out
    assert len(found) == 2 and out.count("[REDACTED:password-field:") == 2


def test_a_secret_with_a_nul_byte_is_a_literal_not_an_empty_pattern() -> None:
    value = "\x00abc12345"
    sweeper = Sweeper(_known([value]), RULES)
    assert not sweeper.may_hold(b'{"a": "harmless text"}')
    assert sweeper.text(f"x{value}y", HERE, []) == "x[REDACTED:password-field:0000000000]y"


def test_a_secret_longer_than_hyperscan_takes_is_swept_and_a_near_copy_stays() -> None:
    """A long SAML assertion or a 2 MB value found once: Hyperscan compiles only its first bytes,
    every place they match is checked for the whole secret (it used to refuse the database)."""
    long = base64.b64encode(secrets.token_bytes(sweep.PROBE_BYTES * 20)).decode()
    near = long[:-8] + "AAAAAAAA"
    sweeper = Sweeper(_known([long]), RULES)
    found: list[Finding] = []
    out = sweeper.text(f"a {long} b {near} c", HERE, found)
    assert long not in out and near in out and out.startswith("a [REDACTED:") and out.endswith(" c")
    assert len(found) == 1
    assert sweeper.may_hold(json.dumps({"x": long}).encode())

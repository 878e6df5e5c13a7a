"""JWT insight: live tokens rank critical, expired ones low, each described in words; JWE and
malformed tokens are findings, not crashes; personal claims stay hidden unless asked for."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jwt
import pytest

from harscrub.detection.jwt import TokenDecoder, duration, parse_time
from harscrub.engine.check import check_file
from harscrub.engine.scan import CheckOptions

from .factories import entry, har, run_cli, write

NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=timezone.utc)
CAPTURED = "2026-11-22T11:00:00.000Z"
KEY = "a-test-signing-key-of-32-bytes!!"
PERSONAL = {"sub": "00u1a2b3c4PERSON", "email": "river.song@example.com", "name": "River Song"}


def token(exp: datetime | None, **claims: object) -> str:
    payload: dict[str, object] = {"iss": "https://idp.example.com/oauth2/default", "aud": "api://default",
                                  "iat": int((NOW - timedelta(hours=1)).timestamp()), **PERSONAL, **claims}
    if exp is not None:
        payload["exp"] = int(exp.timestamp())
    return jwt.encode(payload, KEY, algorithm="HS256", headers={"kid": "key-2026-11"})


LIVE = token(NOW + timedelta(hours=2, minutes=5))
EXPIRED = token(NOW - timedelta(days=3, hours=1))
JWE = (
    base64.urlsafe_b64encode(json.dumps({"alg": "RSA-OAEP", "enc": "A256GCM", "kid": "enc-1"}).encode()).decode().rstrip("=")
    + ".OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGe.48V1_ALb6US04U3b"
    + ".5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQ.XFBoMYUZodetZdvTiFvSkQ"
)
MALFORMED = [
    "eyJhbGciOiJIUzI1NiIsInR5cCI6.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",  # cut header
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0xx.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",  # bad padding
    "eyJhbGciOiJIUzI1NiJ9.WzEsMiwzXQ.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",  # payload is a list
    "eyJ.eyJ.x",
    "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOiJzb29uIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",  # exp not a number
    "eyJhIjoi_yJ9.eyJleHAiOjF9.c2lnbmF0dXJl",  # header is not UTF-8
]


def describe(tok: str, captured: str | None = CAPTURED, **kw: bool) -> tuple[dict[str, object], str | None]:
    return TokenDecoder(now=NOW, **kw).describe(tok, tok[-12:], parse_time(captured))


def test_live_token_is_critical_and_says_when_it_expires() -> None:
    info, severity = describe(LIVE)
    assert severity == "critical"
    assert info["state"] == "live"
    assert info["summary"] == "expires in 2 h"
    assert info["at_capture"] == "valid for 3 h after capture"
    assert (info["alg"], info["kid"], info["iss"], info["aud"]) == ("HS256", "key-2026-11",
                                                                   "https://idp.example.com/oauth2/default", "api://default")
    assert info["exp"] == "2026-11-22T14:05:00Z" and info["iat"] == "2026-11-22T11:00:00Z"


def test_expired_token_is_low_and_says_since_when() -> None:
    info, severity = describe(EXPIRED)
    assert severity == "low"
    assert info["state"] == "expired"
    assert info["summary"] == "expired 3 days ago"
    assert info["at_capture"] == "already expired 3 days before capture"


def test_token_without_expiry_counts_as_live() -> None:
    info, severity = describe(token(None))
    assert (info["state"], severity) == ("no-expiry", "critical")


def test_personal_claims_only_on_request() -> None:
    info, _ = describe(LIVE)
    text = json.dumps(info)
    for value in PERSONAL.values():
        assert value not in text
    assert {"sub", "email", "name"} <= set(info["claim_names"])  # type: ignore[arg-type]
    shown, _ = describe(LIVE, show_claims=True)
    assert shown["claims"]["email"] == PERSONAL["email"]  # type: ignore[index]


def test_jwe_header_is_decoded_by_hand() -> None:
    info, severity = describe(JWE)
    assert severity is None
    assert (info["kind"], info["alg"], info["enc"], info["kid"], info["state"]) == ("jwe", "RSA-OAEP", "A256GCM", "enc-1", "encrypted")


@pytest.mark.parametrize("bad", MALFORMED)
def test_malformed_token_does_not_crash(bad: str) -> None:
    info, severity = describe(bad)
    assert severity is None
    assert info["state"] == "malformed"


def test_durations() -> None:
    assert [duration(s) for s in (5, 59, 60, 3599, 7300, 86400, 3 * 86400 + 5, 400 * 86400, -90)] == [
        "5 s", "59 s", "1 min", "59 min", "2 h", "1 day", "3 days", "1 year", "1 min"]


def test_check_ranks_live_and_expired_tokens(tmp_path: Path) -> None:
    doc = har(
        entry(headers=[{"name": "authorization", "value": f"Bearer {LIVE}"}], started=CAPTURED),
        entry(url=f"https://app.example.com/cb#id_token={EXPIRED}", started=CAPTURED),
        entry(body=json.dumps({"token": JWE, "other": MALFORMED[1]}), started=CAPTURED),
    )
    path = write(tmp_path / "tokens.har", doc)
    hits = check_file(path, options=CheckOptions(now=NOW)).hits
    by_entry = {h.finding.entry: h for h in hits if h.finding.jwt and h.finding.jwt["state"] in ("live", "expired")}
    assert by_entry[0].finding.severity == "critical" and by_entry[0].finding.jwt["summary"] == "expires in 2 h"  # type: ignore[index]
    assert by_entry[1].finding.severity == "low" and by_entry[1].finding.jwt["summary"] == "expired 3 days ago"  # type: ignore[index]
    states = sorted(h.finding.jwt["state"] for h in hits if h.finding.entry == 2 and h.finding.jwt)  # type: ignore[index]
    assert states == ["encrypted", "malformed"]


def test_cli_shows_liveness_but_not_personal_claims(tmp_path: Path) -> None:
    live = token(datetime.now(timezone.utc) + timedelta(hours=5))
    path = write(tmp_path / "t.har", har(entry(headers=[{"name": "authorization", "value": f"Bearer {live}"}])))
    for fmt in ("text", "json", "sarif"):
        code, out, _ = run_cli("check", str(path), "-f", fmt, "--fail-on", "critical")
        assert code == 1
        assert "expires in 4 h" in out or "expires in 5 h" in out
        for value in PERSONAL.values():
            assert value not in out
    _, out, _ = run_cli("check", str(path), "-f", "json", "--show-claims")
    claims = json.loads(out)["files"][0]["findings"][0]["jwt"]["claims"]
    assert claims["email"] == PERSONAL["email"]

"""The token catalogue: its size, the checks a regex cannot express (checksums), payment cards
in the places a HAR carries them, and token shapes wrapped in other encodings."""

from __future__ import annotations

import base64
import io
import json
import zlib
from typing import Any
from urllib.parse import quote

import pytest

from harscrub.detection.detectors import NameDetector, ValueDetector
from harscrub.detection.rules import VALIDATORS as VALIDATOR_NAMES
from harscrub.detection.rules import default_rules_dir, load_rules
from harscrub.detection.validators import VALIDATORS
from harscrub.engine.sanitize import sanitize_stream

RULES = load_rules()
DETECTOR = ValueDetector(RULES.value_rules, NameDetector(RULES).is_metadata)


def test_the_catalogue_holds_at_least_150_value_rules() -> None:
    assert len(RULES.value_rules) >= 150


def test_every_validator_is_named_in_the_rules_module_and_documented() -> None:
    readme = (default_rules_dir() / "README.md").read_text(encoding="utf-8")
    assert set(VALIDATORS) == set(VALIDATOR_NAMES)
    for name in VALIDATORS:
        assert f"`{name}`" in readme, name


# -- validators: valid, invalid checksum, wrong length ------------------------------------------
_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _github(prefix: str, body: str) -> str:
    value, digits = zlib.crc32(body.encode()), ""
    while value:
        value, r = divmod(value, 62)
        digits = _B62[r] + digits
    return prefix + body + digits.rjust(6, "0")


GITHUB = _github("ghp_", "C3J27XDCG2LmlZGEONYlgCtjfIZ4SO")

VALIDATOR_CASES = [
    # luhn: digits only once spaces and dashes go, 13 to 19 of them, Luhn-valid
    ("luhn", "4111111111111111", True),
    ("luhn", "4111 1111 1111 1111", True),
    ("luhn", "3782-822463-10005", True),
    ("luhn", "6011000990139424", True),
    ("luhn", "4111111111111112", False),  # check digit off by one
    ("luhn", "5555 5555 5555 4445", False),
    ("luhn", "000000000000", False),  # 12 digits: too short, although Luhn-valid
    ("luhn", "41111111111111111111", False),  # 20 digits: too long
    ("luhn", "4111 1111 1111 111a", False),
    ("luhn", "４１１１１１１１１１１１１１１１", False),  # full-width digits are not card digits
    # crc32-base62: GitHub and npm tokens carry the CRC32 of their random part
    ("crc32-base62", GITHUB, True),
    ("crc32-base62", _github("npm_", "nar3ZLt4bnlz2MPKgcjnCqaXNv1sye"), True),
    ("crc32-base62", _github("gho_", "0" * 30), True),
    ("crc32-base62", GITHUB[:-1] + ("A" if GITHUB[-1] != "A" else "B"), False),  # checksum off
    ("crc32-base62", GITHUB[:10] + "x" + GITHUB[11:], False),  # body changed
    ("crc32-base62", "ghp_" + GITHUB[-6:], False),  # no random part
    ("crc32-base62", "ghpC3J27XDCG2LmlZGEONYlgCtjfIZ4SO2Hjn6r", False),  # no prefix separator
    ("crc32-base62", "ghp_C3J27XDCG2LmlZGEONYlgCtjfIZ4SO2Hjn6!", False),  # not base62
    # base58check: Bitcoin WIF keys (the uncompressed one is the Bitcoin wiki's example)
    ("base58check", "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ", True),
    ("base58check", "L2tmHmhgEzzByxgzd53AvBo9rZet39GcuUo9rj8AY7Qmcysyipdc", True),
    ("base58check", "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTK", False),
    ("base58check", "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyT", False),  # one short
    ("base58check", "5Hue", False),
    ("base58check", "0OIl" * 13, False),  # not base58
    # base64-jwt: base64 or base64url of a JWS (3 parts) or JWE (5 parts)
    ("base64-jwt", base64.urlsafe_b64encode(b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl").decode().rstrip("="), True),
    ("base64-jwt", base64.b64encode(b"eyJhbGciOiJkaXIifQ..aXY.Y2lwaGVy.dGFn").decode(), True),
    ("base64-jwt", base64.b64encode(b"eyJhbGciOiJIUzI1NiJ9 and then some prose").decode(), False),
    ("base64-jwt", base64.b64encode(b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0").decode(), False),  # two parts
    ("base64-jwt", "ZXlKaGJHY2lPaUpJVXpJMU5pSjku", False),  # cut short: not a whole token
    ("base64-jwt", "ZXlKa", False),  # a length base64 cannot have
]


@pytest.mark.parametrize(("name", "value", "expected"), VALIDATOR_CASES, ids=lambda v: str(v)[:24])
def test_validator(name: str, value: str, expected: bool) -> None:
    assert VALIDATORS[name](value) is expected


def test_a_specific_prefix_fails_closed_whatever_its_checksum() -> None:
    """ghp_ + 36 characters is a GitHub token even when the checksum does not hold (a test token,
    a format change): the checksum only lowers false positives where the shape is loose."""
    broken = GITHUB[:-1] + ("A" if GITHUB[-1] != "A" else "B")
    assert not VALIDATORS["crc32-base62"](broken)
    assert [d.rule.id for d in DETECTOR.find(f"token {broken} here")] == ["github-token"]
    # glued to other word characters, only the checksum tells a token from an identifier
    assert [d.rule.id for d in DETECTOR.find(f"GITHUB_TOKEN_{GITHUB}")] == ["github-token-embedded"]
    assert DETECTOR.find(f"GITHUB_TOKEN_{broken}") == []


# -- payment cards in the places a HAR carries them ---------------------------------------------
CARD = "4111 1111 1111 1111"
ORDER = "4111 1111 1111 1112"  # same length and prefix, Luhn-invalid: an order number


def _entry(**parts: Any) -> dict[str, Any]:
    request = {"method": "POST", "url": "https://shop.example.com/pay", "httpVersion": "HTTP/2", "headers": [],
               "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0}
    request.update(parts)
    return {"startedDateTime": "2026-11-01T10:00:00.000Z", "time": 1.0, "request": request,
            "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/2", "headers": [], "cookies": [],
                         "content": {"size": 0, "mimeType": "text/plain", "text": ""}, "redirectURL": "",
                         "headersSize": -1, "bodySize": 0},
            "cache": {}, "timings": {"send": 0, "wait": 1, "receive": 0}}


def _sanitize(*entries: dict[str, Any]) -> str:
    doc = {"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": list(entries)}}
    out = io.BytesIO()
    sanitize_stream(io.BytesIO(json.dumps(doc).encode()), out)
    return out.getvalue().decode()


def _forms(number: str) -> list[str]:
    return [number, number.replace(" ", ""), number.replace(" ", "-"), quote(number), number.replace(" ", "+")]


@pytest.mark.parametrize("grouping", ["spaces", "plain", "dashes"])
def test_a_card_number_goes_from_forms_json_and_query_strings_an_order_number_stays(grouping: str) -> None:
    card, order = ({"spaces": s, "plain": s.replace(" ", ""), "dashes": s.replace(" ", "-")}[grouping] for s in (CARD, ORDER))
    form = _entry(postData={"mimeType": "application/x-www-form-urlencoded",
                            "text": f"cardnumber={quote(card)}&order={quote(order)}",
                            "params": [{"name": "cardnumber", "value": card}, {"name": "order", "value": order}]})
    body = _entry(postData={"mimeType": "application/json", "text": json.dumps({"payment": {"pan": card}, "orderNo": order})})
    query = _entry(url=f"https://shop.example.com/pay?cc={quote(card)}&ref={quote(order)}",
                   queryString=[{"name": "cc", "value": card}, {"name": "ref", "value": order}])
    out = _sanitize(form, body, query)
    digits = card.replace(" ", "").replace("-", "")
    for form_of_card in _forms(card) + [digits]:
        assert form_of_card not in out
    for form_of_order in (order, quote(order)):
        assert form_of_order in out
    placed = json.loads(out)["log"]["entries"]
    gone = "[REDACTED:payment-card-visa:"
    assert placed[0]["request"]["postData"]["params"][0]["value"].startswith(gone)
    assert placed[0]["request"]["postData"]["text"].startswith("cardnumber=" + gone)
    assert json.loads(placed[1]["request"]["postData"]["text"])["payment"]["pan"].startswith(gone)
    assert placed[2]["request"]["queryString"][0]["value"].startswith(gone)
    assert ("?cc=" + gone) in placed[2]["request"]["url"]


def test_card_security_codes_by_field_name_but_not_the_check_result() -> None:
    body = _entry(postData={"mimeType": "application/json",
                            "text": json.dumps({"card": {"cvc": "737", "exp_month": 12}, "cvc_check": "pass",
                                                "securityCode": "4321", "cvv2": "123"})})
    form = _entry(postData={"mimeType": "application/x-www-form-urlencoded", "text": "card%5Bcvc%5D=737&cc-csc=555",
                            "params": [{"name": "card[cvc]", "value": "737"}, {"name": "cc-csc", "value": "555"}]})
    out = json.loads(_sanitize(body, form))
    sent = json.loads(out["log"]["entries"][0]["request"]["postData"]["text"])
    assert sent["cvc_check"] == "pass" and sent["card"]["exp_month"] == 12
    assert all(v.startswith("[REDACTED:card-security-code:") for v in (sent["card"]["cvc"], sent["securityCode"], sent["cvv2"]))
    params = out["log"]["entries"][1]["request"]["postData"]["params"]
    assert all(p["value"].startswith("[REDACTED:card-security-code:") for p in params)


# -- token shapes inside other encodings --------------------------------------------------------
JWS = ("eyJhbGciOiJSUzI1NiIsImtpZCI6ImV4YW1wbGUifQ.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50Iiwic3ViIjoic3lzdGVtOnNlcnZpY2Vh"
       "Y2NvdW50OmRlZmF1bHQ6YXBwIn0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1leGFtcGxl")
JWE = ("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGe"
       ".48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A"
       ".XFBoMYUZodetZdvTiFvSkQ")


def _padded(token: str) -> str:
    return ".".join(part + "=" * (-len(part) % 4) if part else part for part in token.split("."))


def test_a_jwt_wrapped_in_base64url_inside_the_websocket_subprotocol_is_found_and_removed() -> None:
    wrapped = base64.urlsafe_b64encode(JWS.encode()).decode().rstrip("=")
    header = f"v4.channel.k8s.io, base64url.bearer.authorization.k8s.io.{wrapped}, base64.binary.k8s.io"
    assert {d.rule.id for d in DETECTOR.find(header)} <= {"jwt-base64-wrapped", "kubernetes-websocket-bearer"}
    assert DETECTOR.find(header)
    out = _sanitize(_entry(method="GET", url="wss://k8s.example.com/api/v1/namespaces/x/pods/y/exec",
                           headers=[{"name": "Sec-WebSocket-Protocol", "value": header}]))
    assert wrapped not in out and "v4.channel.k8s.io" in out and "base64.binary.k8s.io" in out


def test_a_jwt_wrapped_in_base64_elsewhere_is_found_by_its_decoded_shape() -> None:
    wrapped = base64.b64encode(JWS.encode()).decode()
    assert [d.rule.id for d in DETECTOR.find(f"state={wrapped}; Path=/")] == ["jwt-base64-wrapped"]
    not_a_token = base64.b64encode(b"eyJhbGciOiJIUzI1NiJ9 is a JWT header and nothing else at all").decode()
    assert DETECTOR.find(f"state={not_a_token}") == []


@pytest.mark.parametrize("token", [_padded(JWS), _padded(JWE)], ids=["jws", "jwe"])
def test_jwts_with_padded_segments_are_found_and_removed(token: str) -> None:
    assert "=" in token
    found = DETECTOR.find(f"Authorization: Bearer {token}")
    assert [(d.rule.id, d.end - d.start) for d in found] == [("jwt-padded", len(token))]
    out = _sanitize(_entry(postData={"mimeType": "text/plain", "text": f"token {token} end"}))
    assert token not in out and token.split(".")[-1] not in out


def test_a_five_part_jwe_is_found_and_removed() -> None:
    assert [d.rule.id for d in DETECTOR.find(f"id_token={JWE}")] == ["jwe"]
    out = _sanitize(_entry(postData={"mimeType": "text/plain", "text": f"session {JWE}"}))
    assert JWE not in out and JWE.split(".")[3] not in out

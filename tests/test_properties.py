"""Properties over random HAR documents with secrets planted in random places and encodings.

For every generated document:

- no planted secret survives, in any encoding (raw, percent-encoded, form-encoded,
  JSON-escaped, inside base64 content);
- the output is a valid HAR 1.2 document with the same entries (count, order, and every
  non-secret anchor: method, status, time, page reference, member names);
- sanitizing the output again changes no entry and finds nothing;
- ``check`` on the output finds nothing.

Secrets come from a seeded generator, so they are always realistic and high-entropy (hypothesis
shrinks the seed, not the characters: a shrunk ``ghp_0000…`` would no longer be a token).
Opaque secrets (no recognisable shape) are only planted where their *place* makes them
secret (an Authorization header, a cookie, a ``password`` field); shaped ones go anywhere.
The example count comes from the hypothesis profile (see conftest.py).
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import random
import string
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import quote, quote_plus

from hypothesis import given, settings
from hypothesis import strategies as st

from harscrub.engine.check import check_stream
from harscrub.engine.sanitize import sanitize_stream
from harscrub.policy import Policy

from .conftest import examples
from .factories import har_errors, make_entry, strict_json

POLICY = Policy(key=b"k" * 32)
ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"


def _pick(r: random.Random, alphabet: str, n: int) -> str:
    return "".join(r.choice(alphabet) for _ in range(n))


def _b64url(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _jwt(r: random.Random) -> str:
    header = _b64url({"alg": r.choice(["HS256", "RS256", "ES256"]), "typ": "JWT"})
    payload = _b64url({"sub": _pick(r, ALNUM, 8), "iat": r.randint(1_600_000_000, 1_800_000_000), "n": _pick(r, ALNUM, 6)})
    return f"{header}.{payload}.{_pick(r, B64URL, r.randint(32, 86))}"


#: Kinds of secret: a generator from a seeded Random, and whether its shape alone gives it away.
KINDS: dict[str, tuple[Callable[[random.Random], str], bool]] = {
    "opaque": (lambda r: _pick(r, B64, r.randint(20, 40)) + r.choice(["", "=", "=="]), False),
    "opaque-alnum": (lambda r: _pick(r, ALNUM, r.randint(16, 32)), False),
    "jwt": (_jwt, True),
    "github": (lambda r: "ghp_" + _pick(r, ALNUM, 36), True),
    "aws-key-id": (lambda r: "AKIA" + _pick(r, string.ascii_uppercase + string.digits, 16), True),
    "stripe": (lambda r: "sk_live_" + _pick(r, ALNUM, 24), True),
    "google": (lambda r: "AIza" + _pick(r, ALNUM + "_-", 35), True),
    "slack": (lambda r: "xoxb-" + _pick(r, string.digits, 12) + "-" + _pick(r, ALNUM, 24), True),
}


# -- placements: each writes the secret into an entry (or the log) in some encoding -----------------
def _header(e: dict[str, Any], part: str, name: str, value: str) -> None:
    e[part]["headers"].append({"name": name, "value": value})


def _url_param(e: dict[str, Any], s: str, enc: Callable[[str], str]) -> None:
    name = "access_token"
    e["request"]["url"] += f"&{name}={enc(s)}"
    e["request"]["queryString"].append({"name": name, "value": s})


def _form(e: dict[str, Any], s: str, enc: Callable[[str], str]) -> None:
    text = f"username=jane&password={enc(s)}&remember=1"
    e["request"].update(method="POST", postData={
        "mimeType": "application/x-www-form-urlencoded", "text": text,
        "params": [{"name": "username", "value": "jane"}, {"name": "password", "value": s}]})


def _json_body(e: dict[str, Any], s: str, slash: bool) -> None:
    text = json.dumps({"user": {"name": "jane", "password": s}, "n": 3})
    e["request"].update(method="POST", postData={"mimeType": "application/json",
                                                 "text": text.replace("/", "\\/") if slash else text})


def _token_response(e: dict[str, Any], s: str, b64: bool) -> None:
    text = json.dumps({"access_token": s, "token_type": "Bearer", "expires_in": 3600})
    content = {"size": len(text), "mimeType": "application/json", "text": text}
    if b64:
        content.update(text=base64.b64encode(text.encode()).decode(), encoding="base64")
    e["response"]["content"] = content


def _multipart(e: dict[str, Any], s: str) -> None:
    text = (f'--XyZ\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n'
            f'--XyZ\r\nContent-Disposition: form-data; name="client_secret"\r\n\r\n{s}\r\n--XyZ--\r\n')
    e["request"].update(method="POST", postData={"mimeType": "multipart/form-data; boundary=XyZ", "text": text})


def _env_attachment(e: dict[str, Any], s: str) -> None:
    env = f"APP_ENV=production\nDATABASE_URL=postgres://app:{quote(s, safe='')}@db.internal:5432/app\nLOG=info\n"
    text = (f'--XyZ\r\nContent-Disposition: form-data; name="attachment"; filename=".env"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n{env}\r\n--XyZ--\r\n")
    e["request"].update(method="POST", postData={"mimeType": "multipart/form-data; boundary=XyZ", "text": text})


#: Where a secret of any kind can go: its place (a name) makes it secret.
NAMED: dict[str, Callable[[dict[str, Any], str], None]] = {
    "authorization header": lambda e, s: _header(e, "request", "Authorization", f"Bearer {s}"),
    "x-api-key header": lambda e, s: _header(e, "request", "x-api-key", s),
    "cookie header": lambda e, s: _header(e, "request", "Cookie", f"theme=dark; session_id={s}; lang=en"),
    "set-cookie header": lambda e, s: _header(e, "response", "Set-Cookie", f"sid={s}; Path=/; Secure; HttpOnly"),
    "cookies array": lambda e, s: e["request"]["cookies"].append({"name": "sid", "value": s, "path": "/"}),
    "response cookies array": lambda e, s: e["response"]["cookies"].append({"name": "remember_me", "value": s}),
    "query, percent-encoded": lambda e, s: _url_param(e, s, lambda v: quote(v, safe="")),
    "query, browser-encoded": lambda e, s: _url_param(e, s, lambda v: quote(v, safe="/=")),
    "form body, form-encoded": lambda e, s: _form(e, s, quote_plus),
    "json body": lambda e, s: _json_body(e, s, slash=False),
    "json body, escaped slashes": lambda e, s: _json_body(e, s, slash=True),
    "token response": lambda e, s: _token_response(e, s, b64=False),
    "token response, base64": lambda e, s: _token_response(e, s, b64=True),
    "multipart part": _multipart,
    "redirect fragment": lambda e, s: e["response"].update(
        redirectURL=f"https://app.example.com/cb#access_token={quote(s, safe='')}&state=xyz"),
    "location header": lambda e, s: _header(e, "response", "Location", f"/cb?code={quote(s, safe='')}&state=1"),
    "websocket json": lambda e, s: e.setdefault("_webSocketMessages", []).append(
        {"type": "send", "time": 1.5, "opcode": 1, "data": json.dumps({"type": "auth", "token": s})}),
    "url user info": lambda e, s: e["request"].update(url=f"https://app:{quote(s, safe='')}@api.example.com/v1?page=2"),
    "database url in a .env attachment": _env_attachment,
}
#: Where only a secret with a recognisable shape is found: nothing about the place says "secret".
SHAPED: dict[str, Callable[[dict[str, Any], str], None]] = {
    "plain header": lambda e, s: _header(e, "request", "X-Debug", f"trace {s} end"),
    "vendor field": lambda e, s: e.update(_custom={"note": f"copied {s} here"}),
    "text body": lambda e, s: e["response"].update(content={"size": 1, "mimeType": "text/plain", "text": f"key: {s}\n"}),
    "url path": lambda e, s: e["request"].update(url=f"https://api.example.com/v1/{s}/items?page=2"),
    "websocket text": lambda e, s: e.setdefault("_webSocketMessages", []).append(
        {"type": "receive", "time": 2.5, "opcode": 1, "data": f"hello {s}"}),
    "html body": lambda e, s: e["response"].update(content={"size": 1, "mimeType": "text/html",
                                                            "text": f"<html><script>var k = '{s}';</script></html>"}),
    "base64 text body": lambda e, s: e["response"].update(content={
        "size": 1, "mimeType": "text/plain", "encoding": "base64",
        "text": base64.b64encode(f"the key is {s} ok".encode()).decode()}),
}


@dataclass(frozen=True)
class Plant:
    kind: str
    seed: int
    place: str
    entry: int


@st.composite
def plants(draw: st.DrawFn, entries: int) -> Plant:
    kind = draw(st.sampled_from(sorted(KINDS)))
    places = sorted(NAMED) + (sorted(SHAPED) if KINDS[kind][1] else [])
    return Plant(kind, draw(st.integers(0, 2**32)), draw(st.sampled_from(places)), draw(st.integers(0, entries - 1)))


FILLER = st.text(alphabet=string.ascii_letters + string.digits + " -_.:/;,=", max_size=16)


@st.composite
def documents(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    """A valid HAR 1.2 document and the secrets planted in it."""
    n = draw(st.integers(1, 4))
    entries = []
    for i in range(n):
        e = make_entry(i)
        e["request"]["method"] = draw(st.sampled_from(["GET", "POST", "PUT", "DELETE", "OPTIONS"]))
        e["response"]["status"] = draw(st.sampled_from([200, 201, 204, 301, 302, 400, 401, 403, 500]))
        e["pageref"] = "page_1"
        for _ in range(draw(st.integers(0, 2))):
            e["request"]["headers"].append({"name": draw(st.sampled_from(["User-Agent", "Accept-Language",
                                                                           "X-Request-Id", "sec-ch-ua"])),
                                            "value": draw(FILLER)})
        if draw(st.booleans()):
            e["_initiator"] = {"type": "script", "url": f"https://cdn.example.com/{draw(FILLER)}.js"}
        entries.append(e)
    secrets = []
    for plant in draw(st.lists(plants(n), min_size=1, max_size=4)):
        secret = KINDS[plant.kind][0](random.Random(plant.seed))
        (NAMED.get(plant.place) or SHAPED[plant.place])(entries[plant.entry], secret)
        secrets.append(secret)
    log: dict[str, Any] = {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"}}
    if draw(st.booleans()):
        log["pages"] = [{"startedDateTime": "2026-11-01T10:00:00.000Z", "id": "page_1", "title": draw(FILLER),
                         "pageTimings": {"onLoad": 120}}]
    log["entries"] = entries
    return {"log": log}, secrets


def forms(secret: str) -> set[str]:
    """The encodings in which a leaked secret would show in the output text."""
    return {secret, quote(secret, safe=""), quote(secret, safe="/="), quote_plus(secret),
            json.dumps(secret)[1:-1], json.dumps(secret)[1:-1].replace("/", "\\/")}


def _decoded_bodies(doc: dict[str, Any]) -> str:
    """Every base64 content of the output, decoded (a secret must not hide in there either)."""
    out = []
    for e in doc["log"]["entries"]:
        content = e.get("response", {}).get("content", {})
        if content.get("encoding") == "base64" and isinstance(content.get("text"), str):
            try:
                out.append(base64.b64decode(content["text"]).decode("utf-8", "replace"))
            except (binascii.Error, ValueError):
                pass
    return "\n".join(out)


def sanitize(data: bytes) -> tuple[bytes, Any]:
    out = io.BytesIO()
    report = sanitize_stream(io.BytesIO(data), out, POLICY, spool=io.BytesIO())
    return out.getvalue(), report


@given(documents())
def test_no_secret_survives_and_the_har_stays_whole(planted: tuple[dict[str, Any], list[str]]) -> None:
    har, secrets = planted
    data = json.dumps(har, indent=2).encode()
    output, report = sanitize(data)
    text = output.decode("utf-8")
    out = strict_json(text)  # no NaN, no Infinity
    hidden = _decoded_bodies(out)
    for secret in secrets:
        leaked = [f for f in forms(secret) if f in text or f in hidden]
        assert not leaked, f"secret survives as {leaked}"

    # A valid HAR with the same entries and members.
    assert har_errors(out) == []
    assert report.entries == len(out["log"]["entries"]) == len(har["log"]["entries"])
    assert [k for k in out["log"] if k != "_harscrub"] == list(har["log"])
    for before, after in zip(har["log"]["entries"], out["log"]["entries"]):
        assert list(after) == list(before)
        assert after["request"]["method"] == before["request"]["method"]
        assert after["response"]["status"] == before["response"]["status"]
        assert (after["time"], after["pageref"], after["startedDateTime"]) == (
            before["time"], before["pageref"], before["startedDateTime"])

    # Idempotent: a second run finds nothing and changes no entry.
    again, second = sanitize(output)
    assert second.findings == [], [(f.rule, f.pointer) for f in second.findings]
    assert strict_json(again)["log"]["entries"] == out["log"]["entries"]

    # check on the output is clean.
    result = check_stream(io.BytesIO(output), POLICY)
    assert result.hits == [], [(h.finding.rule, h.finding.pointer) for h in result.hits]


@st.composite
def scrambled(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    """A document whose planted values sit under odd types: lists, dicts, numbers where strings go."""
    har, secrets = draw(documents())
    for e in har["log"]["entries"]:
        for part in ("request", "response"):
            for h in e[part]["headers"]:
                if draw(st.integers(0, 3)) == 0:
                    h["value"] = draw(st.sampled_from([[h["value"]], {"v": h["value"]}, {"k": [h["value"], 1]}]))
            for c in e[part]["cookies"]:
                if draw(st.booleans()):
                    c["value"] = [c["value"]]
        post = e["request"].get("postData")
        if post is not None and draw(st.booleans()):
            post["text"] = {"wrapped": post["text"]}
    return har, secrets


@settings(max_examples=examples(0.3))
@given(scrambled())
def test_odd_types_hide_no_secret(planted: tuple[dict[str, Any], list[str]]) -> None:
    """Fail closed: whatever type a field has, what it holds is scanned or redacted."""
    har, secrets = planted
    output, report = sanitize(json.dumps(har).encode())
    text = output.decode("utf-8")
    hidden = _decoded_bodies(strict_json(text))
    for secret in secrets:
        leaked = [f for f in forms(secret) if f in text or f in hidden]
        assert not leaked, f"secret survives as {leaked}"
    assert report.entries == len(har["log"]["entries"])


"""Planted-secret captures: secrets in every encoding and place, decoys beside them.

Each *case* builds one HAR entry around freshly generated values: ``secrets`` that must be gone
from the sanitized file in every form (:func:`leaks`), and ``keep`` values (a neighbour, a
decoy that only looks secret, metadata support needs) that must still be there, as they were
(:func:`lost`). Cases are grouped in *classes* (the encodings and places of issues #8 and #9);
``tests/test_planted.py`` runs every case with fixed seeds, ``benchmarks/recall.py`` runs many
with a seed the tests never use and reports recall and precision per class.

Values are generated from a seeded :class:`random.Random`, never copied from a rule's examples,
so a case passes because the engine is right, not because a rule knows the value.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import json
import random
import string
import struct
import uuid
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator
from urllib.parse import quote, quote_plus

import jwt as pyjwt

from harscrub.detection.forms import spellings

ALNUM = string.ascii_letters + string.digits
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
WORDS = ("correct", "horse", "battery", "staple", "orbit", "lantern", "violet", "marble", "harbor", "cactus",
         "meadow", "pepper", "quartz", "saddle", "timber", "walnut", "zephyr", "glacier", "falcon", "anchor")
DATE = "2026-11-01T10:00:00.000Z"
UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


# -- values ------------------------------------------------------------------------------------
class Values:
    """Secret and decoy generators over one seeded random source."""

    def __init__(self, rng: random.Random) -> None:
        self.r = rng

    def chars(self, n: int, alphabet: str = ALNUM) -> str:
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def opaque(self, n: int = 32) -> str:
        """A random session or API value with no recognisable prefix."""
        return self.chars(n)

    def password(self) -> str:
        return self.chars(6) + self.r.choice("!#%&*-_.") + self.chars(5) + str(self.r.randint(10, 99))

    def passphrase(self) -> str:
        return "".join(self.r.sample(WORDS, 4))

    def email_password(self) -> str:
        return f"{self.r.choice(WORDS)}.{self.r.choice(WORDS)}+{self.chars(4).lower()}@{self.r.choice(WORDS)}.example"

    def github(self) -> str:
        body = self.chars(30)
        crc, digits = zlib.crc32(body.encode()), ""
        for _ in range(6):
            crc, d = divmod(crc, 62)
            digits = B62[d] + digits
        return f"ghp_{body}{digits}"

    def aws_key_id(self) -> str:
        return "AKIA" + self.chars(16, string.ascii_uppercase + "234567")

    def slack(self) -> str:
        return f"xoxb-{self.r.randint(10**10, 10**11)}-{self.r.randint(10**10, 10**11)}-{self.chars(24)}"

    def stripe(self) -> str:
        return "sk_live_" + self.chars(24)

    def google(self) -> str:
        return "AIza" + self.chars(35, ALNUM + "-_")

    def openai(self) -> str:
        return "sk-proj-" + self.chars(48, ALNUM + "-_") + "T3BlbkFJ" + self.chars(48, ALNUM + "-_")

    def token(self) -> str:
        """A token of a well-known format, chosen at random."""
        return self.r.choice((self.github, self.aws_key_id, self.slack, self.stripe, self.google, self.openai))()

    def jwt(self, exp: int = 4102444800) -> str:
        claims = {"sub": self.chars(8), "iss": "https://idp.example.com", "exp": exp, "jti": self.chars(12)}
        return pyjwt.encode(claims, self.chars(32), algorithm="HS256")

    def card(self) -> str:
        digits = [4] + [self.r.randint(0, 9) for _ in range(14)]
        total = 0
        for i, d in enumerate(reversed(digits)):
            total += (d * 2 - 9 if d > 4 else d * 2) if i % 2 == 0 else d
        return "".join(map(str, digits)) + str((10 - total % 10) % 10)

    def not_luhn(self) -> str:
        card = self.card()
        return card[:-1] + str((int(card[-1]) + 1) % 10)

    def webhook(self) -> str:
        kind = self.r.randrange(3)
        if kind == 0:
            return f"https://hooks.slack.com/services/T{self.chars(8, B62[:36])}/B{self.chars(8, B62[:36])}/{self.chars(24)}"
        if kind == 1:
            return f"https://discord.com/api/webhooks/{self.r.randint(10**17, 10**18)}/{self.chars(68, ALNUM + '-_')}"
        return (f"https://contoso.webhook.office.com/webhookb2/{uuid.UUID(int=self.r.getrandbits(128))}@"
                f"{uuid.UUID(int=self.r.getrandbits(128))}/IncomingWebhook/{self.chars(32, '0123456789abcdef')}/"
                f"{uuid.UUID(int=self.r.getrandbits(128))}")

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.r.getrandbits(128), version=4))

    def sha256(self) -> str:
        return hashlib.sha256(self.chars(20).encode()).hexdigest()

    def sha1(self) -> str:
        return hashlib.sha1(self.chars(20).encode()).hexdigest()


# -- entries -----------------------------------------------------------------------------------
def entry(url: str = "https://app.example.com/api/items?page=2", *, method: str = "GET",
          headers: list[dict[str, Any]] | None = None, cookies: list[dict[str, Any]] | None = None,
          query: list[dict[str, Any]] | None = None, post: dict[str, Any] | None = None,
          response_headers: list[dict[str, Any]] | None = None, content: dict[str, Any] | None = None,
          extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A HAR 1.2 entry as Chrome writes it, with a User-Agent, a date and timings to keep."""
    request: dict[str, Any] = {
        "method": method, "url": url, "httpVersion": "HTTP/2",
        "headers": [{"name": "user-agent", "value": UA}, *(headers or [])],
        "queryString": query if query is not None else [], "cookies": cookies or [],
        "headersSize": -1, "bodySize": 0,
    }
    if post is not None:
        request["postData"] = post
    out = {
        "startedDateTime": DATE,
        "time": 123.456,
        "request": request,
        "response": {
            "status": 200, "statusText": "OK", "httpVersion": "HTTP/2",
            "headers": [{"name": "content-type", "value": "application/json"}, *(response_headers or [])],
            "cookies": [],
            "content": content or {"size": 2, "mimeType": "application/json", "text": "{}"},
            "redirectURL": "", "headersSize": -1, "bodySize": 2,
        },
        "cache": {},
        "timings": {"blocked": 0.5, "dns": -1, "connect": -1, "send": 0.2, "wait": 100.1, "receive": 1.25},
    }
    out.update(extra or {})
    return out


def body(text: str, mime: str = "application/json", **more: Any) -> dict[str, Any]:
    return {"size": len(text), "mimeType": mime, "text": text, **more}


def b64(data: bytes | str, *, url: bool = False, pad: bool = True) -> str:
    raw = data.encode() if isinstance(data, str) else data
    out = (base64.urlsafe_b64encode if url else base64.b64encode)(raw).decode()
    return out if pad else out.rstrip("=")


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def protobuf(*fields: tuple[int, bytes]) -> bytes:
    """Length-delimited protobuf fields: what gRPC and many binary APIs carry."""
    return b"".join(varint(num << 3 | 2) + varint(len(value)) + value for num, value in fields)


@dataclass
class Planted:
    entry: dict[str, Any]
    secrets: list[str]
    keep: list[str] = field(default_factory=list)
    #: Members of ``log`` other than entries (a token as a top-level key).
    log_members: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    name: str
    klass: str
    build: Callable[[Values], Planted]


CASES: list[Case] = []


def case(klass: str) -> Callable[[Callable[[Values], Planted]], Callable[[Values], Planted]]:
    def register(fn: Callable[[Values], Planted]) -> Callable[[Values], Planted]:
        CASES.append(Case(fn.__name__, klass, fn))
        return fn
    return register


# -- class: encodings --------------------------------------------------------------------------
@case("encoding")
def query_percent_encoded(v: Values) -> Planted:
    t = v.token()
    return Planted(entry(f"https://app.example.com/search?q={quote(t, safe='')}&page=3"), [t], ["page=3"])


@case("encoding")
def nested_url_double_encoded(v: Values) -> Planted:
    t, neighbour = v.opaque(), v.uuid()
    inner = f"https://app.example.com/cb?access_token={quote(t, safe='')}&req={neighbour}"
    return Planted(entry(f"https://idp.example.com/logout?post_logout_redirect_uri={quote(inner, safe='')}"), [t],
                   [neighbour, "idp.example.com/logout"])


@case("encoding")
def json_string_inside_json(v: Values) -> Planted:
    t, pw = v.token(), v.password()
    inner = json.dumps({"apiKey": t, "region": "eu-west-1", "password": pw})
    return Planted(entry(content=body(json.dumps({"config": inner, "version": 7}))), [t, pw], ["eu-west-1"])


@case("encoding")
def html_entities(v: Values) -> Planted:
    t, pw = v.token(), v.password()
    attr = html.escape(json.dumps({"token": t, "theme": "dark-blue"}), quote=True)
    page = (f'<html><body><div id="app" data-props="{attr}"></div>'
            f'<a href="/reset?user=jane&amp;password={quote(pw)}&amp;lang=fr-CA">x</a></body></html>')
    return Planted(entry(content=body(page, "text/html; charset=utf-8")), [t, pw], ["dark-blue", "fr-CA"])


@case("encoding")
def data_url_in_a_page(v: Values) -> Planted:
    t = v.token()
    config = base64.b64encode(json.dumps({"apiKey": t, "region": "eu-central-1"}).encode()).decode()
    page = (f'<link rel="preload" href="/app.css"><script src="data:application/json;base64,{config}"></script>'
            '<p>Region eu-central-1</p>')
    return Planted(entry(content=body(page, "text/html")), [t], ["/app.css", "Region eu-central-1"])


@case("encoding")
def mime_wrapped_base64_body(v: Values) -> Planted:
    t, pw = v.token(), v.password()
    blob = base64.encodebytes(json.dumps({"token": t, "password": pw, "note": "x" * 90}).encode()).decode()
    return Planted(entry(content=body(blob, "text/plain")), [t, pw], [])


@case("encoding")
def numeric_html_entities(v: Values) -> Planted:
    t = v.token()
    encoded = "".join(f"&#{ord(c)};" if not c.isalnum() else c for c in t)
    page = f'<meta name="api-config" content="key={encoded}"><p>Order 4471-220</p>'
    return Planted(entry(content=body(page, "text/html")), [t], ["Order 4471-220"])


@case("encoding")
def base64_padded_header(v: Values) -> Planted:
    t = v.token()
    ctx = b64(json.dumps({"apiKey": t, "tenant": "acme-prod"}))
    return Planted(entry(headers=[{"name": "x-client-context", "value": ctx}]), [t], [])


@case("encoding")
def base64url_unpadded_cookie_like(v: Values) -> Planted:
    t = v.token()
    blob = b64(json.dumps({"t": t, "n": 1}), url=True, pad=False)
    return Planted(entry(f"https://app.example.com/land?ctx={blob}&utm_source=mail"), [t], ["utm_source=mail"])


@case("encoding")
def base64_in_json_field(v: Values) -> Planted:
    pw = v.password()
    blob = b64(f"username=jane&password={quote(pw)}")
    return Planted(entry(content=body(json.dumps({"replay": blob, "status": "queued"}))), [pw], ["queued"])


@case("encoding")
def js_json_parse_escaped(v: Values) -> Planted:
    t = v.token()
    literal = json.dumps(json.dumps({"token": t, "env": "staging-3"}))
    script = f"window.__CONFIG__ = JSON.parse({literal});\nconsole.log('boot');"
    return Planted(entry(content=body(script, "application/javascript")), [t], ["staging-3", "console.log('boot')"])


@case("encoding")
def js_single_quoted_escapes(v: Values) -> Planted:
    t = v.token()
    escaped = "".join(f"\\x{ord(c):02x}" if c in "_-" else c for c in t)
    script = f"var cfg = {{ key: 'it\\'s', apiKey: '{escaped}', mode: 'live-ish' }};"
    return Planted(entry(content=body(script, "text/javascript")), [t], ["live-ish"])


@case("encoding")
def js_unicode_escaped_url(v: Values) -> Planted:
    hook = v.webhook()
    escaped = hook.replace("/", "\\u002F")
    script = f'self.__next_f.push([1,"{{\\"notify\\":\\"{escaped}\\"}}"])'
    return Planted(entry(content=body(script, "application/javascript")), [hook.rsplit("/", 1)[1]], ["__next_f"])


@case("encoding")
def js_template_literal(v: Values) -> Planted:
    t = v.token()
    script = f"const headers = {{ Authorization: `Bearer ${{'{t}'}}`, retry: 3 }};\nfetch(`/api/v2/items`);"
    return Planted(entry(content=body(script, "application/javascript")), [t], ["/api/v2/items"])


# -- class: binary -----------------------------------------------------------------------------
@case("binary")
def protobuf_body(v: Values) -> Planted:
    t = v.token()
    raw = protobuf((1, b"user-42"), (2, t.encode()), (3, b"\x00\x01\x02\xff"))
    return Planted(entry(content=body(b64(raw), "application/x-protobuf", encoding="base64")), [t], [])


@case("binary")
def grpc_web_frame(v: Values) -> Planted:
    t = v.jwt()
    message = protobuf((1, t.encode()), (2, b"ok"))
    frame = b"\x00" + struct.pack(">I", len(message)) + message
    return Planted(entry(method="POST", post={"mimeType": "application/grpc-web+proto", "text": b64(frame),
                                               "encoding": "base64"}), [t], [])


@case("binary")
def gzip_in_base64(v: Values) -> Planted:
    t, pw = v.token(), v.password()
    packed = gzip.compress(json.dumps({"apiKey": t, "password": pw, "items": [1, 2, 3]}).encode())
    return Planted(entry(content=body(b64(packed), "application/octet-stream", encoding="base64")), [t, pw], [])


@case("binary")
def websocket_binary_frame(v: Values) -> Planted:
    t = v.token()
    frame = b"\x82\x00" + protobuf((5, t.encode()))
    messages = [{"type": "send", "time": 1.5, "opcode": 2, "data": b64(frame)},
                {"type": "receive", "time": 1.6, "opcode": 1, "data": '{"ack":true}'}]
    return Planted(entry(extra={"_webSocketMessages": messages}), [t], ['{"ack":true}'])


# -- class: labels -----------------------------------------------------------------------------
@case("label")
def base64_label_on_plain_text(v: Values) -> Planted:
    pw = v.password()
    text = json.dumps({"password": pw, "user": "jane"})
    return Planted(entry(content=body(text, "application/json", encoding="base64")), [pw], ["jane"])


@case("label")
def json_labelled_text_plain(v: Values) -> Planted:
    pw = v.password()
    return Planted(entry(content=body(json.dumps({"password": pw, "ok": True}), "text/plain")), [pw], [])


@case("label")
def form_labelled_json(v: Values) -> Planted:
    pw = v.password()
    return Planted(entry(method="POST", post={"mimeType": "application/json", "text": f"username=jane&password={quote(pw)}"}),
                   [pw], ["username=jane"])


@case("label")
def multipart_boundary_mismatch(v: Values) -> Planted:
    pw = v.password()
    text = (f'--realboundary\r\nContent-Disposition: form-data; name="password"\r\n\r\n{pw}\r\n'
            '--realboundary\r\nContent-Disposition: form-data; name="user"\r\n\r\njane\r\n--realboundary--\r\n')
    return Planted(entry(method="POST", post={"mimeType": "multipart/form-data; boundary=----WebKitFormBoundaryXYZ",
                                               "text": text}), [pw], ["jane"])


@case("label")
def multipart_preamble_epilogue(v: Values) -> Planted:
    t1, t2 = v.token(), v.token()
    text = (f"preamble {t1}\r\n--B\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--B--\r\n"
            f"epilogue {t2}")
    return Planted(entry(method="POST", post={"mimeType": "multipart/form-data; boundary=B", "text": text}),
                   [t1, t2], ["hello"])


@case("label")
def json_duplicate_keys(v: Values) -> Planted:
    pw, t = v.password(), v.token()
    text = f'{{"password": "{pw}", "note": "{t}", "password": "x", "note": "plain"}}'
    return Planted(entry(method="POST", post={"mimeType": "application/json", "text": text}), [pw, t], ["plain"])


@case("label")
def header_value_not_a_string(v: Values) -> Planted:
    t, n = v.opaque(), v.jwt()
    return Planted(entry(headers=[{"name": "authorization", "value": [f"Bearer {t}"]},
                                  {"name": "x-trace", "value": {"ctx": n, "hops": 3}}]), [t, n], [])


# -- class: names ------------------------------------------------------------------------------
@case("name")
def header_name_is_token(v: Values) -> Planted:
    t = v.token()
    return Planted(entry(headers=[{"name": t, "value": "1"}, {"name": "x-request-id", "value": "req-5511"}]), [t],
                   ["req-5511"])


@case("name")
def cookie_name_is_token(v: Values) -> Planted:
    t = v.token()
    return Planted(entry(headers=[{"name": "cookie", "value": f"{t}=1; theme=dark"}],
                         cookies=[{"name": t, "value": "1"}, {"name": "theme", "value": "dark"}]), [t], ["theme"])


@case("name")
def query_and_form_names_are_tokens(v: Values) -> Planted:
    t, u = v.token(), v.token()
    return Planted(entry(f"https://app.example.com/p?{t}=1&page=2", method="POST", query=[{"name": t, "value": "1"}],
                         post={"mimeType": "application/x-www-form-urlencoded", "text": f"{quote(u)}=on&x=1",
                               "params": [{"name": u, "value": "on"}, {"name": "x", "value": "1"}]}), [t, u], ["page=2"])


@case("name")
def json_key_is_token(v: Values) -> Planted:
    t, short = v.token(), v.aws_key_id()
    text = json.dumps({"grants": {t: {"scope": "read"}, short: True}, "count": 2})
    return Planted(entry(content=body(text)), [t, short], ["scope"])


@case("name")
def log_member_key_is_token(v: Values) -> Planted:
    t = v.token()
    return Planted(entry(), [t], [], log_members={"_exporter": {t: "cached"}})


# -- class: formats (the token catalogue, wherever a token lands) ------------------------------
@case("format")
def token_in_free_text(v: Values) -> Planted:
    t = v.token()
    return Planted(entry(content=body(f"ERROR auth failed for {t} at step 4", "text/plain")), [t], ["at step 4"])


@case("format")
def token_under_neutral_json_name(v: Values) -> Planted:
    t = v.token()
    return Planted(entry(content=body(json.dumps({"value": t, "kind": "deploy"}))), [t], ["deploy"])


@case("format")
def jwt_variants(v: Values) -> Planted:
    plain = v.jwt()
    head, claims, sig = plain.split(".")
    padded = ".".join(p + "=" * (-len(p) % 4) for p in (head, claims, sig))
    wrapped = v.jwt()
    jwe = ("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ." + v.chars(86, ALNUM + "-_") + "."
           + v.chars(16, ALNUM + "-_") + "." + v.chars(120, ALNUM + "-_") + "." + v.chars(22, ALNUM + "-_"))
    proto = f"base64url.bearer.authorization.k8s.io.{b64(wrapped, url=True, pad=False)}, base64.binary.k8s.io"
    return Planted(entry(headers=[{"name": "sec-websocket-protocol", "value": proto},
                                  {"name": "x-id-token", "value": padded}],
                         content=body(json.dumps({"enc": jwe}))), [plain.split(".")[2], wrapped, jwe],
                   ["base64.binary.k8s.io"])


@case("format")
def payment_cards(v: Values) -> Planted:
    card, spaced, order = v.card(), v.card(), v.not_luhn()
    grouped = " ".join(spaced[i:i + 4] for i in range(0, 16, 4))
    return Planted(entry(f"https://shop.example.com/pay?cc={card}&order={order}", method="POST",
                         post={"mimeType": "application/json",
                               "text": json.dumps({"card": grouped, "cvv": "737", "orderNo": order})}),
                   [card, spaced, grouped], [order])


@case("format")
def webhook_urls(v: Values) -> Planted:
    hook, in_body = v.webhook(), v.webhook()
    return Planted(entry(hook, method="POST", content=body(json.dumps({"target": in_body, "retries": 2}))),
                   [hook.split("/", 5)[5], in_body.split("/", 5)[5]], ["retries"])


# -- class: repeats of weak secrets ------------------------------------------------------------
@case("repeat")
def password_echoed_elsewhere(v: Values) -> Planted:
    pw = v.password()
    return Planted(entry(method="POST", post={"mimeType": "application/x-www-form-urlencoded",
                                              "text": f"user=jane&password={quote_plus(pw)}"},
                         content=body(json.dumps({"debug": f"attempt with {pw} rejected", "code": 401}))), [pw],
                   ["rejected"])


@case("repeat")
def passphrase_echoed(v: Values) -> Planted:
    pw = v.passphrase()
    return Planted(entry(method="POST", post={"mimeType": "application/json", "text": json.dumps({"passphrase": pw})},
                         content=body(f"<p>Your phrase {pw} was saved</p>", "text/html")), [pw], ["was saved"])


@case("repeat")
def email_like_password_echoed(v: Values) -> Planted:
    pw = v.email_password()
    return Planted(entry(method="POST", post={"mimeType": "application/json", "text": json.dumps({"password": pw})},
                         response_headers=[{"name": "x-debug", "value": f"pw={pw}"}]), [pw], [])


@case("repeat")
def session_value_echoed(v: Values) -> Planted:
    sid = v.opaque(28)
    return Planted(entry(headers=[{"name": "cookie", "value": f"sid={sid}"}],
                         content=body(json.dumps({"trace": f"session {sid} renewed"}))), [sid], ["renewed"])


@case("repeat")
def lone_surrogate_beside_secret(v: Values) -> Planted:
    t = v.token()
    text = '{"msg": "\\ud800 ' + t + '", "ok": true}'
    return Planted(entry(content=body(text)), [t], [])


# -- decoys (issue #9): values that must stay, next to a secret of the same place --------------
@case("decoy")
def dates_under_credential_names(v: Values) -> Planted:
    t = v.token()
    return Planted(entry(f"https://app.example.com/x?session={quote(DATE)}&token={t}",
                         content=body(json.dumps({"passwordChanged": "2026-10-01T08:00:00Z",
                                                  "lastPasswordVerification": 1761984000,
                                                  "sessionExpiresAt": DATE}))),
                   [t], [DATE, "2026-10-01T08:00:00Z", "1761984000"])


@case("decoy")
def user_agent_under_credential_name(v: Values) -> Planted:
    t = v.opaque()
    return Planted(entry(headers=[{"name": "x-session-client", "value": UA}, {"name": "x-api-key", "value": t}]),
                   [t], [UA])


@case("decoy")
def path_under_credential_name(v: Values) -> Planted:
    return Planted(entry("https://app.example.com/api/items?page=2",
                         content=body(json.dumps({"tokenUrl": "/api/items", "session": "/api/items"}))), [],
                   ["https://app.example.com/api/items?page=2"])


@case("decoy")
def metadata_names(v: Values) -> Planted:
    t = v.opaque()
    doc = {"access_token": t, "max_tokens": 4096, "token_count": 17, "_score_cookies": 3, "expires_in": 3599,
           "password_policy": {"minLength": 12, "requireDigit": True}, "tokenType": "Bearer",
           "RelayState": "https://app.example.com/home"}
    return Planted(entry(content=body(json.dumps(doc))), [t],
                   ['"max_tokens": 4096', '"token_count": 17', '"_score_cookies": 3', '"minLength": 12',
                    "https://app.example.com/home"])


@case("decoy")
def hashes_and_asset_names(v: Values) -> Planted:
    t = v.token()
    sha, sri, commit = v.sha256(), "sha384-" + b64(hashlib.sha384(v.chars(9).encode()).digest()), v.sha1()
    asset = f"/static/js/main.{v.sha1()[:20]}.chunk.js"
    font = f"/fonts/inter-latin-400.{v.sha256()[:32]}.woff2"
    page = (f'<script src="{asset}" integrity="{sri}"></script><link href="{font}">'
            f'<meta name="build" content="{commit}"><!-- {t} -->')
    return Planted(entry(f"https://cdn.example.com{asset}", response_headers=[{"name": "etag", "value": f'"{sha}"'}],
                         content=body(page, "text/html")), [t], [sha, sri, commit, asset, font])


@case("decoy")
def trace_ids_and_uuids(v: Values) -> Planted:
    t, trace, span, u = v.token(), v.chars(32, "0123456789abcdef"), v.chars(16, "0123456789abcdef"), v.uuid()
    return Planted(entry(f"https://app.example.com/orders/{u}",
                         headers=[{"name": "traceparent", "value": f"00-{trace}-{span}-01"},
                                  {"name": "tracestate", "value": f"congo={span},rojo=00f067aa0ba902b7"},
                                  {"name": "x-api-key", "value": t}]), [t], [trace, u, "rojo=00f067aa0ba902b7"])


@case("decoy")
def public_keys_and_data_uris(v: Values) -> Planted:
    t = v.stripe()
    pk = "pk_live_" + v.chars(24)
    n = b64(bytes(v.r.getrandbits(8) for _ in range(256)), url=True, pad=False)
    png = "data:image/png;base64," + b64(b"\x89PNG\r\n\x1a\n" + bytes(v.r.getrandbits(8) for _ in range(120)))
    doc = {"publishableKey": pk, "jwks": {"keys": [{"kty": "RSA", "kid": "k1", "n": n, "e": "AQAB"}]}, "logo": png,
           "secretKey": t}
    return Planted(entry(content=body(json.dumps(doc))), [t], [pk, n, png])


@case("decoy")
def numbers_and_words_under_no_doubt_names(v: Values) -> Planted:
    pw = v.password()
    doc = {"password": pw, "token": "undefined", "secret": 5, "tokens": 12}
    return Planted(entry(method="POST", post={"mimeType": "application/json", "text": json.dumps(doc)},
                         content=body(json.dumps({"retries": 5, "count": 12, "state": "undefined"}))), [pw],
                   ['"retries": 5', '"count": 12', '"state": "undefined"'])


# -- building and judging ----------------------------------------------------------------------
def build(cases: list[Case], seed: int, copies: int = 1) -> tuple[dict[str, Any], list[tuple[Case, Planted]]]:
    """One HAR holding ``copies`` instances of every case, values drawn from ``seed``."""
    v = Values(random.Random(seed))
    planted = [(c, c.build(v)) for _ in range(copies) for c in cases]
    log: dict[str, Any] = {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
                           "pages": [{"startedDateTime": DATE, "id": "page_1", "title": "https://app.example.com/",
                                      "pageTimings": {}}]}
    for _, p in planted:
        log.update(p.log_members)
    log["entries"] = [dict(p.entry, pageref="page_1") for _, p in planted]
    return {"log": log}, planted


def revealed(output: bytes) -> str:
    """The sanitized file as text, plus every base64 body decoded (and inflated) as text."""
    parts = [output.decode("utf-8", "replace")]
    doc = json.loads(output)
    for e in doc["log"]["entries"]:
        blobs = [((e.get("response") or {}).get("content") or {}).get("text"),
                 ((e.get("request") or {}).get("postData") or {}).get("text")]
        blobs += [m.get("data") for m in e.get("_webSocketMessages") or [] if isinstance(m, dict)]
        for blob in blobs:
            if not isinstance(blob, str):
                continue
            try:
                raw = base64.b64decode(blob, validate=True)
            except ValueError:
                continue
            for candidate in (raw, _inflate(raw)):
                if candidate:
                    parts.append(candidate.decode("latin-1"))
    return "\n".join(parts)


def _inflate(raw: bytes) -> bytes | None:
    try:
        return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else zlib.decompress(raw)
    except (OSError, zlib.error, EOFError):
        return None


def forms_of(secret: str) -> Iterator[str]:
    """Every spelling of a secret a leak could hide in (the codec table, plus JS and entity escapes)."""
    yield from spellings(secret)
    yield "".join(f"&#{ord(c)};" if not c.isalnum() else c for c in secret)
    yield "".join(f"\\x{ord(c):02x}" if c in "_-" else c for c in secret)
    yield secret.replace("/", "\\u002F")


def leaks(text: str, secret: str) -> list[str]:
    return [form for form in forms_of(secret) if len(form) >= 6 and form in text]


def lost(output: bytes, value: str) -> bool:
    """True when a value to keep is gone (looked for as written and as JSON writes it)."""
    text = output.decode("utf-8", "replace")
    escaped = json.dumps(value)[1:-1]
    return value not in text and escaped not in text and json.dumps(escaped)[1:-1] not in text

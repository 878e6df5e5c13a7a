"""Micro-benchmarks of the per-entry redaction loop: ``walk_entry(redactor, entry, index)``.

Seven entry kinds, built here with fake but realistically shaped secrets, each in three modes:

- ``warm``: one Redactor, the same entry every round. The Redactor remembers its judgement of
  every string (and ``NameDetector.classify`` is an lru_cache), so after the first round this
  is the best case: nearly every string is a cache hit.
- ``steady``: one Redactor (warmed on an entry of the kind), a *new* entry every round (new
  secrets, ids, timestamps and bodies; same header names and constant values). Closest to the
  middle of a real HAR: what repeats is cached, what is new is judged.
- ``cold``: a fresh Redactor and a new entry every round (the Redactor is built outside the
  timing, its Hyperscan scratch allocated too). Nothing is cached: what the first entry of a
  run pays.

Every round's output is checked: each planted secret is gone and benign text is still there.
"""

from __future__ import annotations

import base64
import itertools
import random
import time
from typing import Any, Callable

import orjson
import pytest

from harscrub.detection.fingerprint import Fingerprinter
from harscrub.detection.prefilter import Prefilter
from harscrub.engine.redactor import Redactor
from harscrub.engine.walk import walk_entry

# ------------------------------------------------------------------------------- fake secrets

_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_HOSTS = ("www.shop.example", "api.shop.example", "auth.shop.example", "cdn.shop.example")
_UA = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/124.0.0.0 Safari/537.36")
_PRODUCTS = ("Cafetière italienne", "Moulin à poivre", "Théière en fonte", "Bouilloire inox 1,7 L",
             "Planche à découper", "Couteau santoku", "Poêle 28 cm", "Cocotte 24 cm")


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class Fake:
    """Credentials shaped like real ones (none was ever valid), from a seeded RNG."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.now = 1_714_000_000 + seed * 37

    def alnum(self, n: int) -> str:
        return "".join(self.rng.choices(_ALNUM, k=n))

    def hex(self, n: int) -> str:
        return self.rng.randbytes((n + 1) // 2).hex()[:n]

    def opaque(self, nbytes: int = 32) -> str:
        return _b64url(self.rng.randbytes(nbytes))

    def uuid(self) -> str:
        h = self.hex(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def jwt(self, *, id_token: bool = False) -> str:
        header = {"alg": "RS256", "kid": self.hex(16), "typ": "JWT"}
        claims: dict[str, Any] = {"iss": "https://auth.shop.example/", "sub": f"auth0|{self.hex(24)}",
                                  "aud": "https://api.shop.example", "iat": self.now, "exp": self.now + 3600,
                                  "jti": self.uuid()}
        if id_token:
            claims.update(email=f"claire.{self.hex(4)}@example.org", email_verified=True, nonce=self.opaque(12))
        else:
            claims.update(scope="openid profile email orders:read", azp=self.alnum(32))
        return f"{_b64url(orjson.dumps(header))}.{_b64url(orjson.dumps(claims))}.{_b64url(self.rng.randbytes(256))}"

    def iso(self, offset_ms: int = 0) -> str:
        ms = self.now * 1000 + offset_ms
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


def _h(name: str, value: str) -> dict[str, str]:
    return {"name": name, "value": value}


def _cookie(name: str, value: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "value": value, **extra}


def _timings(f: Fake) -> dict[str, float]:
    r = f.rng
    return {"blocked": round(r.uniform(0.5, 4), 3), "dns": -1, "ssl": -1, "connect": -1,
            "send": round(r.uniform(0.05, 0.4), 3), "wait": round(r.uniform(20, 180), 3),
            "receive": round(r.uniform(0.2, 8), 3), "_blocked_queueing": round(r.uniform(0.2, 2), 3)}


def _entry(f: Fake, *, rtype: str, request: dict[str, Any], response: dict[str, Any],
           extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A Chrome-shaped entry around ``request`` and ``response``."""
    r = f.rng
    request.setdefault("httpVersion", "http/2.0")
    request.setdefault("queryString", [])
    request.setdefault("cookies", [])
    request.setdefault("headersSize", -1)
    request.setdefault("bodySize", len(request.get("postData", {}).get("text", "").encode()))
    response.setdefault("statusText", "")
    response.setdefault("httpVersion", "http/2.0")
    response.setdefault("cookies", [])
    response.setdefault("redirectURL", "")
    response.setdefault("headersSize", -1)
    response.setdefault("bodySize", -1)
    response.setdefault("_transferSize", response["content"].get("size", 0) // 3 + 300)
    response.setdefault("_error", None)
    entry: dict[str, Any] = {
        "_initiator": {"type": "script", "stack": {"callFrames": [
            {"functionName": "fetchJson", "scriptId": str(r.randrange(10, 400)),
             "url": "https://cdn.shop.example/static/js/app.8f3e2c1a.js",
             "lineNumber": r.randrange(1, 4000), "columnNumber": r.randrange(1, 200000)},
            {"functionName": "", "scriptId": str(r.randrange(10, 400)),
             "url": "https://cdn.shop.example/static/js/vendor.1b2c3d4e.js",
             "lineNumber": r.randrange(1, 4000), "columnNumber": r.randrange(1, 200000)}]}},
        "_priority": "High",
        "_resourceType": rtype,
        "cache": {},
        "connection": str(r.randrange(100, 9000)),
        "pageref": "page_1",
        "request": request,
        "response": response,
        "serverIPAddress": f"104.18.{r.randrange(256)}.{r.randrange(256)}",
        "startedDateTime": f.iso(r.randrange(10**6)),
        "time": round(r.uniform(20, 400), 3),
        "timings": _timings(f),
    }
    entry.update(extra or {})
    return entry


def _common_req_headers(f: Fake, host: str, method: str, path: str) -> list[dict[str, str]]:
    return [_h(":authority", host), _h(":method", method), _h(":path", path), _h(":scheme", "https"),
            _h("accept-encoding", "gzip, deflate, br, zstd"), _h("accept-language", "fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7"),
            _h("sec-ch-ua", '"Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"'),
            _h("sec-ch-ua-mobile", "?0"), _h("sec-ch-ua-platform", '"Windows"'), _h("user-agent", _UA)]


def _common_resp_headers(f: Fake, ctype: str | None, length: int | None) -> list[dict[str, str]]:
    out = [_h("date", "Thu, 25 Apr 2024 09:%02d:%02d GMT" % (f.rng.randrange(60), f.rng.randrange(60)))]
    if ctype:
        out.append(_h("content-type", ctype))
    if length is not None:
        out.append(_h("content-length", str(length)))
    return out + [_h("x-request-id", f.uuid())]


# ------------------------------------------------------------------------------- entry kinds
# Each returns (entry, planted secrets, benign strings that must survive).

Made = tuple[dict[str, Any], list[str], list[str]]


def api_call(f: Fake) -> Made:
    """A small authenticated API call: Bearer JWT, session and CSRF cookies, a JSON reply."""
    jwt, sid, csrf = f.jwt(), f.hex(64), f.opaque(24)
    ga = f"GA1.2.{f.rng.randrange(10**9)}.{f.now}"
    order = f"ORD-{f.rng.randrange(10**9)}"
    path = f"/api/v2/orders?page={f.rng.randrange(1, 9)}&limit=20&sort=-createdAt"
    cookie_header = f"session_id={sid}; csrftoken={csrf}; _ga={ga}; cookie_consent=analytics%3Dtrue"
    headers = _common_req_headers(f, "api.shop.example", "GET", path) + [
        _h("accept", "application/json, text/plain, */*"), _h("authorization", "Bearer " + jwt),
        _h("cookie", cookie_header), _h("origin", "https://www.shop.example"), _h("referer", "https://www.shop.example/"),
        _h("sec-fetch-dest", "empty"), _h("sec-fetch-mode", "cors"), _h("sec-fetch-site", "same-site"),
        _h("x-request-id", f.uuid())]
    body = orjson.dumps({"items": [{"id": order if i == 0 else f"ORD-{f.rng.randrange(10**9)}",
                                    "status": f.rng.choice(("paid", "shipped", "delivered")),
                                    "total": {"amount": f.rng.randrange(500, 50000), "currency": "EUR"},
                                    "lines": [{"sku": f"SKU-{f.rng.randrange(10**7):07d}", "name": f.rng.choice(_PRODUCTS),
                                               "qty": f.rng.randrange(1, 4)} for _ in range(3)],
                                    "createdAt": f.iso(-i * 86_400_000)} for i in range(8)],
                          "page": 1, "pageSize": 20, "total": 8}).decode()
    entry = _entry(f, rtype="fetch",
                   request={"method": "GET", "url": "https://api.shop.example" + path, "headers": headers,
                            "queryString": [_h("page", "1"), _h("limit", "20"), _h("sort", "-createdAt")],
                            "cookies": [_cookie("session_id", sid), _cookie("csrftoken", csrf), _cookie("_ga", ga),
                                        _cookie("cookie_consent", "analytics%3Dtrue")]},
                   response={"status": 200, "headers": _common_resp_headers(f, "application/json; charset=utf-8", len(body)) + [
                                 _h("access-control-allow-origin", "https://www.shop.example"),
                                 _h("access-control-allow-credentials", "true"), _h("cache-control", "private, no-store"),
                                 _h("server", "envoy"), _h("vary", "Origin, Accept-Encoding")],
                             "content": {"size": len(body), "mimeType": "application/json", "text": body}})
    return entry, [jwt, sid, csrf], ["/api/v2/orders", order, "application/json, text/plain, */*"]


def html_page(f: Fake) -> Made:
    """A ~25 KB HTML document with a CSRF meta tag and hidden inputs in two forms."""
    csrf, rvt, nonce, sid = f.opaque(32), f.opaque(48), f.opaque(16), f.hex(64)
    cards = "".join(
        f'<article class="product-card" data-sku="SKU-{f.rng.randrange(10**7):07d}">'
        f'<a href="/produits/{i}"><img src="https://cdn.shop.example/img/p/{f.hex(12)}.webp" alt="{f.rng.choice(_PRODUCTS)}" '
        f'loading="lazy" width="320" height="320"></a><h3 class="product-card__title">{f.rng.choice(_PRODUCTS)}</h3>'
        f'<p class="price">{f.rng.randrange(5, 300)},{f.rng.randrange(100):02d}&nbsp;€</p>'
        f'<button class="btn btn--primary" data-action="add-to-cart">Ajouter au panier</button></article>\n'
        for i in range(60))
    html = (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="csrf-param" content="authenticity_token"><meta name="csrf-token" content="{csrf}">'
        '<title>Boutique – Cuisine</title>'
        '<link rel="stylesheet" href="https://cdn.shop.example/static/css/main.4a5b6c7d.css">'
        f'<script nonce="{nonce}">window.__CONFIG__={{"locale":"fr-FR","currency":"EUR","features":["cart","wishlist"]}};</script>'
        '</head><body><header class="site-header"><nav><a href="/">Accueil</a> <a href="/panier">Panier</a></nav>'
        '<form class="search" action="/recherche" method="get"><input type="search" name="q" placeholder="Rechercher">'
        '</form></header><main><h1>Cuisine</h1><section class="grid">\n' + cards +
        '</section><form id="newsletter" action="/newsletter" method="post">'
        f'<input type="hidden" name="authenticity_token" value="{csrf}">'
        f'<input type="hidden" name="__RequestVerificationToken" value="{rvt}">'
        '<input type="hidden" name="lang" value="fr-FR">'
        '<input type="email" name="email" placeholder="vous@example.org"><button>OK</button></form>'
        '</main><footer><p>© 2024 Shop</p></footer>'
        '<script src="https://cdn.shop.example/static/js/app.8f3e2c1a.js" defer></script></body></html>\n')
    headers = _common_req_headers(f, "www.shop.example", "GET", "/cuisine") + [
        _h("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"),
        _h("cookie", f"sessionid={sid}; _ga=GA1.2.{f.rng.randrange(10**9)}.{f.now}"),
        _h("sec-fetch-dest", "document"), _h("sec-fetch-mode", "navigate"), _h("upgrade-insecure-requests", "1")]
    entry = _entry(f, rtype="document",
                   request={"method": "GET", "url": "https://www.shop.example/cuisine", "headers": headers,
                            "cookies": [_cookie("sessionid", sid)]},
                   response={"status": 200, "headers": _common_resp_headers(f, "text/html; charset=utf-8", None) + [
                                 _h("content-security-policy", f"default-src 'self'; script-src 'self' 'nonce-{nonce}'"),
                                 _h("x-frame-options", "DENY"), _h("server", "cloudflare")],
                             "content": {"size": len(html.encode()), "mimeType": "text/html", "text": html}})
    return entry, [csrf, rvt, sid], ['name="lang" value="fr-FR"', "Ajouter au panier", "product-card__title"]


def token_response(f: Fake) -> Made:
    """The OAuth code exchange: a form POST with code + PKCE verifier, a JSON reply with three tokens."""
    code, verifier = f.opaque(24), f.opaque(32)
    access, refresh, id_token = f.jwt(), f.opaque(48), f.jwt(id_token=True)
    form = [("grant_type", "authorization_code"), ("code", code), ("code_verifier", verifier),
            ("client_id", "spa-web-client"), ("redirect_uri", "https://www.shop.example/callback")]
    form_text = "&".join(f"{k}={v}".replace(":", "%3A").replace("/", "%2F") for k, v in form)
    body = orjson.dumps({"access_token": access, "refresh_token": refresh, "id_token": id_token,
                         "token_type": "Bearer", "expires_in": 3600, "scope": "openid profile email offline_access"}).decode()
    headers = _common_req_headers(f, "auth.shop.example", "POST", "/oauth/token") + [
        _h("accept", "application/json"), _h("content-type", "application/x-www-form-urlencoded"),
        _h("origin", "https://www.shop.example"), _h("referer", "https://www.shop.example/")]
    entry = _entry(f, rtype="fetch",
                   request={"method": "POST", "url": "https://auth.shop.example/oauth/token", "headers": headers,
                            "postData": {"mimeType": "application/x-www-form-urlencoded", "text": form_text,
                                         "params": [_h(k, v) for k, v in form]}},
                   response={"status": 200, "headers": _common_resp_headers(f, "application/json", len(body)) + [
                                 _h("cache-control", "no-store"), _h("pragma", "no-cache")],
                             "content": {"size": len(body), "mimeType": "application/json", "text": body}})
    return entry, [code, verifier, access, refresh, id_token], ["spa-web-client", "token_type", "offline_access"]


def _jpeg_bytes(f: Fake, size: int) -> bytes:
    """JPEG markers around random bytes (compressed image data looks random)."""
    head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x48\x00\x48\x00\x00\xff\xdb\x00\x43\x00"
    return head + f.rng.randbytes(size - len(head) - 2) + b"\xff\xd9"


def image(f: Fake) -> Made:
    """A ~50 KB JPEG, ``encoding: base64`` (~67 KB of base64 text); nothing to redact."""
    raw = _jpeg_bytes(f, 50_000)
    text = base64.b64encode(raw).decode("ascii")
    name = f.hex(12)
    headers = _common_req_headers(f, "cdn.shop.example", "GET", f"/img/p/{name}.jpg") + [
        _h("accept", "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8"),
        _h("referer", "https://www.shop.example/"), _h("sec-fetch-dest", "image")]
    entry = _entry(f, rtype="image",
                   request={"method": "GET", "url": f"https://cdn.shop.example/img/p/{name}.jpg", "headers": headers},
                   response={"status": 200, "headers": _common_resp_headers(f, "image/jpeg", len(raw)) + [
                                 _h("cache-control", "public, max-age=31536000, immutable"), _h("age", "8812")],
                             "content": {"size": len(raw), "mimeType": "image/jpeg", "text": text, "encoding": "base64"}})
    # The image must come out byte for byte: a rule that "finds" a secret in JPEG noise breaks it.
    return entry, [], [text]


def multipart(f: Fake) -> Made:
    """A support-ticket upload: a CSRF field and a ~6 KB CSV attachment with an API key in it."""
    csrf, jwt = f.opaque(32), f.jwt()
    stripe = "sk_live_" + f.alnum(24)
    boundary = "----WebKitFormBoundary" + f.alnum(16)
    csv = "sku,name,qty,price\n" + "".join(
        f"SKU-{f.rng.randrange(10**7):07d},{f.rng.choice(_PRODUCTS)},{f.rng.randrange(1, 50)},{f.rng.randrange(199, 99999) / 100}\n"
        for _ in range(150)) + f"# exported with STRIPE_KEY={stripe}\n"
    crlf = "\r\n"
    body = (f'--{boundary}{crlf}Content-Disposition: form-data; name="subject"{crlf}{crlf}Problème avec ma commande{crlf}'
            f'--{boundary}{crlf}Content-Disposition: form-data; name="csrf_token"{crlf}{crlf}{csrf}{crlf}'
            f'--{boundary}{crlf}Content-Disposition: form-data; name="attachment"; filename="export.csv"{crlf}'
            f'Content-Type: text/csv{crlf}{crlf}{csv}{crlf}--{boundary}--{crlf}')
    mime = f"multipart/form-data; boundary={boundary}"
    reply = orjson.dumps({"ticketId": f"T-{f.rng.randrange(10**7)}", "status": "open"}).decode()
    headers = _common_req_headers(f, "api.shop.example", "POST", "/api/v2/support/tickets") + [
        _h("accept", "application/json"), _h("authorization", "Bearer " + jwt), _h("content-type", mime),
        _h("origin", "https://www.shop.example"), _h("x-csrf-token", csrf)]
    entry = _entry(f, rtype="fetch",
                   request={"method": "POST", "url": "https://api.shop.example/api/v2/support/tickets", "headers": headers,
                            "postData": {"mimeType": mime, "text": body}},
                   response={"status": 201, "headers": _common_resp_headers(f, "application/json", len(reply)),
                             "content": {"size": len(reply), "mimeType": "application/json", "text": reply}})
    return entry, [csrf, jwt, stripe], ["Problème avec ma commande", 'filename="export.csv"', "sku,name,qty,price"]


def websocket(f: Fake) -> Made:
    """A GraphQL-over-WebSocket entry: 120 frames, the first carrying a Bearer token."""
    token = f.opaque(40)
    sub = f.uuid()
    t = float(f.now)
    frames: list[dict[str, Any]] = [
        {"type": "send", "time": t, "opcode": 1,
         "data": orjson.dumps({"type": "connection_init", "payload": {"Authorization": "Bearer " + token}}).decode()},
        {"type": "receive", "time": t + 0.06, "opcode": 1, "data": '{"type":"connection_ack"}'},
        {"type": "send", "time": t + 0.07, "opcode": 1, "data": orjson.dumps(
            {"id": sub, "type": "subscribe", "payload": {"query": "subscription { orderUpdates { id status eta } }"}}).decode()}]
    for i in range(117):
        t += f.rng.expovariate(0.5)
        if i % 10 == 9:
            frames.append({"type": "receive", "time": t, "opcode": 2, "data": base64.b64encode(f.rng.randbytes(64)).decode()})
        else:
            frames.append({"type": "receive", "time": t, "opcode": 1, "data": orjson.dumps(
                {"id": sub, "type": "next", "payload": {"data": {"orderUpdates": {
                    "id": f"ORD-{f.rng.randrange(10**9)}", "status": f.rng.choice(("preparing", "shipped", "out_for_delivery")),
                    "eta": f.iso(f.rng.randrange(10**8))}}}}).decode()})
    headers = _common_req_headers(f, "realtime.shop.example", "GET", "/graphql")[4:] + [
        _h("Host", "realtime.shop.example"), _h("Connection", "Upgrade"), _h("Upgrade", "websocket"),
        _h("Origin", "https://www.shop.example"), _h("Sec-WebSocket-Version", "13"),
        _h("Sec-WebSocket-Key", base64.b64encode(f.rng.randbytes(16)).decode()),
        _h("Sec-WebSocket-Protocol", "graphql-transport-ws")]
    entry = _entry(f, rtype="websocket",
                   request={"method": "GET", "url": "wss://realtime.shop.example/graphql", "headers": headers,
                            "httpVersion": "HTTP/1.1"},
                   response={"status": 101, "statusText": "Switching Protocols", "httpVersion": "HTTP/1.1",
                             "headers": [_h("Connection", "upgrade"), _h("Upgrade", "websocket"),
                                         _h("Sec-WebSocket-Accept", base64.b64encode(f.rng.randbytes(20)).decode()),
                                         _h("Sec-WebSocket-Protocol", "graphql-transport-ws")],
                             "content": {"size": 0, "mimeType": "x-unknown"}},
                   extra={"_webSocketMessages": frames})
    return entry, [token], ["connection_ack", "orderUpdates", "graphql-transport-ws"]


_FLAGS = ("checkout-v2", "new-search", "reco-carousel", "dark-mode", "wishlist", "one-click", "gift-wrap", "loyalty")


def many_headers(f: Fake) -> Made:
    """An API call with 100 request headers (feature flags, tracing, client hints) and an API key."""
    api_key, jwt = f.alnum(40), f.jwt()
    path = "/api/v2/recommendations?slot=home"
    headers = _common_req_headers(f, "api.shop.example", "GET", path) + [
        _h("accept", "application/json"), _h("authorization", "Bearer " + jwt), _h("x-api-key", api_key),
        _h("traceparent", f"00-{f.hex(32)}-{f.hex(16)}-01"), _h("x-datadog-trace-id", str(f.rng.randrange(10**18))),
        _h("x-amzn-trace-id", f"Root=1-{f.hex(8)}-{f.hex(24)}"), _h("baggage", f"userId=u-{f.hex(12)},tenant=eu-west")]
    i = 0
    while len(headers) < 100:
        name = _FLAGS[i % len(_FLAGS)]
        headers.append(_h(f"x-feature-{name}-{i // len(_FLAGS)}", f.rng.choice(("on", "off", "variant-b", "control"))))
        i += 1
    reply = orjson.dumps({"slot": "home", "items": [f"SKU-{f.rng.randrange(10**7):07d}" for _ in range(24)]}).decode()
    entry = _entry(f, rtype="fetch",
                   request={"method": "GET", "url": "https://api.shop.example" + path, "headers": headers,
                            "queryString": [_h("slot", "home")]},
                   response={"status": 200, "headers": _common_resp_headers(f, "application/json", len(reply)),
                             "content": {"size": len(reply), "mimeType": "application/json", "text": reply}})
    assert len(headers) == 100
    return entry, [api_key, jwt], ["x-feature-checkout-v2-0", "traceparent", "/api/v2/recommendations"]


KINDS: dict[str, Callable[[Fake], Made]] = {
    "api_call": api_call,
    "html_page": html_page,
    "token_response": token_response,
    "image_b64": image,
    "multipart": multipart,
    "websocket": websocket,
    "headers_100": many_headers,
}

# ------------------------------------------------------------------------------- helpers

_seeds = itertools.count(1000)


def make_redactor(policy: Any) -> Redactor:
    """As ``sanitize_stream`` builds it, with its first-use costs (Hyperscan scratch) paid."""
    r = Redactor(policy.rules, fingerprint=Fingerprinter(policy.key), jwt_mode=policy.jwt_mode, allow=policy.allow)
    r.quiet("\x00benchmark warm-up\x00")  # builds the prefilter scans; this string never occurs in an entry
    return r


def entry_bytes(entry: dict[str, Any]) -> int:
    return len(orjson.dumps(entry))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def assert_scrubbed(out: dict[str, Any], secrets: list[str], keep: list[str]) -> None:
    text = "\n".join(_strings(out))
    for s in secrets:
        assert s not in text, f"planted secret survived: {s[:6]}…"
    for k in keep:
        assert k in text, f"benign text lost: {k[:40]!r}"
    if secrets:
        assert "[REDACTED:" in text


def check_rounds(made: list[Made], results: list[dict[str, Any]]) -> None:
    """Every round's output (``made[i]`` went in, ``results[i]`` came out)."""
    assert results and len(results) == len(made), "the benchmark never ran, or a round failed"
    for (_, secrets, keep), out in zip(made, results):
        assert_scrubbed(out, secrets, keep)


# ------------------------------------------------------------------------------- benchmarks

kinds = pytest.mark.parametrize("kind", list(KINDS))


@kinds
@pytest.mark.benchmark(group="walk_entry-warm", max_time=0.5, min_rounds=20)
def test_walk_entry_warm(benchmark: Any, throughput: Any, policy: Any, kind: str) -> None:
    entry, secrets, keep = KINDS[kind](Fake(0))
    r = make_redactor(policy)
    walk_entry(r, entry, 0)  # judge every string once: the rounds below measure the cached path
    throughput(entry_bytes(entry))
    benchmark.extra_info["mode"] = "warm: same entry, same Redactor"
    out = benchmark(walk_entry, r, entry, 0)
    assert_scrubbed(out, secrets, keep)


@kinds
@pytest.mark.parametrize("gate", ["gated", "ungated"])
@pytest.mark.benchmark(group="walk_entry-steady")
def test_walk_entry_steady(benchmark: Any, throughput: Any, policy: Any, kind: str, gate: str,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    """``ungated``: the prefilter answers "may hold a secret" for every string, so every string
    takes the full path (what the gate saves is the difference; the output is the same)."""
    if gate == "ungated":
        monkeypatch.setattr(Prefilter, "judge", lambda self, text: (False, False))
        monkeypatch.setattr(Prefilter, "quiet", lambda self, strings: (set(), set()))
    build = KINDS[kind]
    r = make_redactor(policy)
    walk_entry(r, build(Fake(1))[0], 0)  # header names and constants seen once, as mid-file
    made: list[Made] = []
    results: list[dict[str, Any]] = []

    def setup() -> tuple[tuple[Any, ...], dict[str, Any]]:
        made.append(build(Fake(next(_seeds))))
        return (r, made[-1][0], len(made)), {}

    def run(r: Redactor, entry: dict[str, Any], index: int) -> None:
        results.append(walk_entry(r, entry, index))

    benchmark.extra_info["mode"] = f"steady ({gate}): new entry each round, one warmed Redactor"
    benchmark.pedantic(run, setup=setup, rounds=25, warmup_rounds=1)
    throughput(sum(entry_bytes(m[0]) for m in made) // len(made))
    check_rounds(made, results)


@kinds
@pytest.mark.benchmark(group="walk_entry-cold")
def test_walk_entry_cold(benchmark: Any, throughput: Any, policy: Any, kind: str) -> None:
    build = KINDS[kind]
    made: list[Made] = []
    results: list[dict[str, Any]] = []

    def setup() -> tuple[tuple[Any, ...], dict[str, Any]]:
        made.append(build(Fake(next(_seeds))))
        return (make_redactor(policy), made[-1][0], len(made)), {}

    def run(r: Redactor, entry: dict[str, Any], index: int) -> None:
        results.append(walk_entry(r, entry, index))

    benchmark.extra_info["mode"] = "cold: new entry and fresh Redactor each round"
    benchmark.pedantic(run, setup=setup, rounds=12)
    throughput(sum(entry_bytes(m[0]) for m in made) // len(made))
    check_rounds(made, results)

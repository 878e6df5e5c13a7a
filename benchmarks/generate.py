"""Deterministic generator of realistic, Chrome-shaped HAR files of a requested size.

    python benchmarks/generate.py OUT --size 200MB [--seed N] [--gzip] [--compact]

or, as a module::

    from generate import generate_har
    generate_har("big.har", 200_000_000, seed=0)

The output mimics a Chrome DevTools "Save all as HAR" export: 2-space indentation, members in
Chrome's order (``version``, ``creator``, ``pages``, ``entries``), entries carrying
``_initiator``, ``_priority``, ``_resourceType``, ``cache``, ``connection``, ``pageref``,
h2 requests with lowercase headers and pseudo-headers, ``queryString``, ``cookies``,
``response.content`` {size, mimeType, text, encoding?}, ``_transferSize``, ``_error`` and
``timings``. Entry kinds come in the proportions of a single-page-app session: JSON API calls
with a ``cookie`` header and ``authorization: Bearer <JWT>``, HTML documents with hidden CSRF
inputs, JS bundles and stylesheets (large text, no secrets), base64 images and fonts, OAuth token
responses (access/refresh/id tokens), login forms, multipart uploads, CORS preflights, analytics
beacons, S3/Azure pre-signed URLs (``X-Amz-Signature``/``sig=``), download links with
``?token=``, OAuth redirects with ``?code=``, WebSocket entries with ``_webSocketMessages``, a
few entries with ~100 headers, blocked requests and memory-cache hits. Every secret is fake but
realistically shaped (JWTs are base64url ``header.payload.signature``, ``AKIA`` + 16, ``ghp_`` +
36, ``sk_live_`` + 24, ``xoxb-…``, ``AIza`` + 35, PEM private keys, ...).

Generation streams: the document is written entry by entry and memory stays flat (the body
pools are a few MB) whatever the size. It is fast because bodies come from a pool built once
per seed and each entry only varies ids, timestamps, timings and tokens; entries are dumped with
orjson. Same seed + same size + same options => byte-identical output.

Sizes: ``size_bytes`` is the size of the (uncompressed) JSON text. Generation stops before the
entry that would cross it, so the file is at most ``size_bytes`` and short of it by less than
one entry (the largest bodies are < 1 MB). ``--size`` accepts ``B``, ``KB``/``MB``/``GB``
(powers of 1000) and ``KiB``/``MiB``/``GiB`` (powers of 1024).
"""

from __future__ import annotations

import argparse
import base64
import bisect
import gzip as _gzip
import math
import os
import random
import re
import string
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable
from urllib.parse import quote, urlencode

import orjson

#: Bump when the output for a given (seed, size) changes, so cached benchmark files are redone.
GENERATOR_VERSION = 3

__all__ = ["GENERATOR_VERSION", "GenerateStats", "generate_har", "parse_size", "format_size"]

# --------------------------------------------------------------------------------------- sizes

_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?\s*$", re.IGNORECASE)
_UNITS = {
    "": 1, "b": 1,
    "k": 1000, "kb": 1000, "kib": 1024, "ki": 1024,
    "m": 1000**2, "mb": 1000**2, "mib": 1024**2, "mi": 1024**2,
    "g": 1000**3, "gb": 1000**3, "gib": 1024**3, "gi": 1024**3,
    "t": 1000**4, "tb": 1000**4, "tib": 1024**4, "ti": 1024**4,
}


def parse_size(text: str | int) -> int:
    """``"200MB"`` -> 200_000_000, ``"1GiB"`` -> 1073741824, ``"5000"`` -> 5000."""
    if isinstance(text, int):
        return text
    m = _SIZE_RE.match(text)
    if not m or (m.group(2) or "").lower() not in _UNITS:
        raise ValueError(f"not a size: {text!r} (try 50MB, 1GB, 512KiB)")
    return int(float(m.group(1)) * _UNITS[(m.group(2) or "").lower()])


def format_size(n: int) -> str:
    """The shortest decimal label for a byte count: 50000000 -> ``50MB``."""
    for unit, mult in (("GB", 1000**3), ("MB", 1000**2), ("KB", 1000)):
        if n >= mult and n % mult == 0:
            return f"{n // mult}{unit}"
    return f"{n}B"


# ---------------------------------------------------------------------- vocabulary and shapes

_ALNUM = string.ascii_letters + string.digits
_UPPER_DIGITS = string.ascii_uppercase + string.digits
_B64URL_CHARS = _ALNUM + "-_"
_HEX = "0123456789abcdef"

_UA = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0.0.0 Safari/537.36"
)
_SEC_CH_UA = '"Chromium";v="122", "Not(A:Brand";v="24", "Google Chrome";v="122"'

_WORDS = (
    "render state props value items config options module update handler context dispatch "
    "payload result element children format locale currency price cart product filter select "
    "index length promise resolve listener event target style theme layout router history "
    "query mutation cache store reducer effect memo callback ref portal fragment suspense "
    "modal tooltip dropdown carousel banner footer header sidebar avatar badge chip table row "
    "column cell grid flex order invoice shipment customer address region catalog inventory"
).split()

_NAMES = (
    "Jürgen Müller", "Zoë Saldaña", "François Dupont", "Łukasz Wójcik", "Søren Kierkegaard",
    "José Álvarez", "Ana Sofía Gómez", "Dimitris Παπαδόπουλος", "山田 太郎", "Nguyễn Văn An",
    "Olga Иванова", "Amélie Poulain", "Björn Ångström", "Chloé Lefèvre", "Mehmet Yılmaz",
    "Priya Sharma", "Liam O'Connor", "Noah Smith", "Emma Johnson", "Mia Schröder",
)
_PRODUCTS = (
    "Crème brûlée torch", "Café au lait mug", "Ørsted desk lamp", "Piñata kit", "Smørrebrød board",
    "Naïve art print", "Tōkyō city map", "Über-soft hoodie", "Déjà vu board game", "Jalapeño sauce",
    "São Paulo poster", "Łódź linen towel", "Ελιά olive oil", "Матрёшка doll", "抹茶 matcha tin",
    "Wireless earbuds", "4K monitor 27\"", "Mechanical keyboard", "USB-C hub", "Standing desk",
    "🚀 Rocket lamp", "☕ Espresso set", "Trail running shoes", "Merino socks (3-pack)",
)
_CITIES = ("Berlin", "Paris", "São Paulo", "Kraków", "Zürich", "Tokyo", "Lisbon", "Austin", "Montréal")
_CATEGORIES = ("kitchen", "office", "outdoor", "audio", "books", "garden", "toys", "apparel")

_API_PATHS = (
    "/api/v2/orders", "/api/v2/orders/{id}", "/api/v2/users/me", "/api/v2/cart", "/api/v2/cart/items",
    "/api/v2/products", "/api/v2/products/{id}", "/api/v2/products/{id}/reviews",
    "/api/v2/recommendations", "/api/v2/notifications", "/api/v2/search", "/api/v2/inventory/{id}",
    "/api/v2/addresses", "/api/v2/invoices/{id}", "/api/v2/feature-flags", "/graphql",
)

_THIRD_PARTY_H1 = ("px.ads.linkedin.com", "bat.bing.com", "ct.pinterest.com", "tracker.adroll.example")
_BLOCKED_HOSTS = ("securepubads.g.doubleclick.net", "connect.facebook.net", "static.hotjar.com")

# Chrome leaves statusText empty over h2/h3 (there is no reason phrase); HTTP/1.1 has one.
_H1_STATUS_TEXT = {0: "", 101: "Switching Protocols", 200: "OK", 201: "Created", 204: "No Content", 302: "Found",
                   304: "Not Modified", 401: "Unauthorized", 404: "Not Found", 500: "Internal Server Error"}


# ------------------------------------------------------------------------------ small helpers


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _chars(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choices(alphabet, k=n))


def _log_uniform(rng: random.Random, lo: float, hi: float) -> float:
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def _h(name: str, value: str) -> dict[str, str]:
    return {"name": name, "value": value}


def _iso(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dZ" % (ms % 1000)


def _http_date(ms: int) -> str:
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(ms // 1000))


class _Fake:
    """Fake but realistically shaped credentials (nothing here was ever valid)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.kid = rng.randbytes(20).hex()
        self.jwt_header = _b64url(orjson.dumps({"alg": "RS256", "kid": self.kid, "typ": "JWT"}))
        self.id_header = _b64url(orjson.dumps({"alg": "RS256", "kid": self.kid[:16], "typ": "JWT"}))

    def jwt(self, sub: str, iat: int, *, email: str | None = None, aud: str = "https://api.shop.example",
            id_token: bool = False) -> str:
        claims: dict[str, Any] = {
            "iss": "https://auth.shop.example/", "sub": sub, "aud": aud, "iat": iat, "exp": iat + 3600,
            "jti": self.uuid(),
        }
        if id_token:
            claims.update(email=email, email_verified=True, nonce=_b64url(self.rng.randbytes(12)))
        else:
            claims.update(scope="openid profile email orders:read orders:write", azp=self.alnum(32))
        head = self.id_header if id_token else self.jwt_header
        return f"{head}.{_b64url(orjson.dumps(claims))}.{_b64url(self.rng.randbytes(256))}"

    def uuid(self) -> str:
        return str(uuid.UUID(bytes=self.rng.randbytes(16), version=4))

    def alnum(self, n: int) -> str:
        return _chars(self.rng, _ALNUM, n)

    def hex(self, n: int) -> str:
        return self.rng.randbytes((n + 1) // 2).hex()[:n]

    def opaque(self, nbytes: int = 32) -> str:
        return _b64url(self.rng.randbytes(nbytes))

    def aws_key_id(self) -> str:
        return "AKIA" + _chars(self.rng, _UPPER_DIGITS, 16)

    def aws_secret(self) -> str:
        return _chars(self.rng, _ALNUM + "/+", 40)

    def github(self) -> str:
        return "ghp_" + self.alnum(36)

    def stripe_secret(self) -> str:
        return "sk_live_" + self.alnum(24)

    def stripe_public(self) -> str:
        return "pk_live_" + self.alnum(24)

    def slack(self) -> str:
        r = self.rng
        return f"xoxb-{r.randrange(10**11, 10**12)}-{r.randrange(10**12, 10**13)}-{self.alnum(24)}"

    def slack_webhook(self) -> str:
        return f"https://hooks.slack.com/services/T{_chars(self.rng, _UPPER_DIGITS, 8)}/B{_chars(self.rng, _UPPER_DIGITS, 10)}/{self.alnum(24)}"

    def google_key(self) -> str:
        return "AIza" + _chars(self.rng, _B64URL_CHARS, 35)

    def sendgrid(self) -> str:
        return f"SG.{_chars(self.rng, _B64URL_CHARS, 22)}.{_chars(self.rng, _B64URL_CHARS, 43)}"

    def private_key(self) -> str:
        body = base64.b64encode(self.rng.randbytes(1190)).decode("ascii")
        lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
        return f"-----BEGIN PRIVATE KEY-----\n{lines}\n-----END PRIVATE KEY-----\n"

    def password(self) -> str:
        r = self.rng
        return r.choice(("Summer", "Winter", "Hunter", "Dragon", "Sunshine", "Correct-Horse")) + \
            str(r.randrange(10, 9999)) + r.choice("!?#$%&*")


# ------------------------------------------------------------------------------- body pools


def _js_bundle(rng: random.Random, size: int) -> str:
    """Minified-looking webpack chunk text of about ``size`` characters, with no secrets."""
    W = _WORDS
    parts: list[str] = [f'"use strict";(self.webpackChunkshop=self.webpackChunkshop||[]).push([[{rng.randrange(100, 999)}],{{']
    total = len(parts[0])
    while total < size:
        k = rng.randrange(12)
        a, b, c = rng.choice(W), rng.choice(W), rng.choice(W)
        n = rng.randrange(10000, 99999)
        if k == 0:
            s = f"{n}:function(e,t,n){{n.d(t,{{{a}:function(){{return {b}}}}});var r=n({n + 7}),o=n.n(r);"
        elif k == 1:
            s = f"function {a}{n % 97}(e,t){{return e&&e.__esModule?e:{{default:e}}}}"
        elif k == 2:
            s = f'const {a}_{b}=Object.freeze({{{a}:"{b}-{c}",{c}:{n},enabled:!{n % 2}}});'
        elif k == 3:
            s = f'e.exports=function(e){{if(null==e)throw new TypeError("Cannot convert {a} to {b}");return Object(e)}};'
        elif k == 4:
            s = f"var {a[0]}{n % 53}=function(e){{var t=e.{a},n=e.{b};return(0,r.jsx)(\"div\",{{className:\"{a}-{b}__{c}\",children:[t,n]}})}};"
        elif k == 5:
            s = f'async function {b}{n % 89}(e){{const t=await fetch("/api/v2/{a}s/"+e,{{credentials:"include"}});if(!t.ok)throw new Error("{b} failed: "+t.status);return t.json()}}'
        elif k == 6:
            s = f"for(var i=0,l=e.length;i<l;i++){{var s=e[i];s.{a}&&s.{a}.call(s,{n % 7})}}"
        elif k == 7:
            s = f'{a}.prototype.{b}=function(e){{this.{c}=Math.max(0,Math.min(e,{n}))}};'
        elif k == 8:
            s = f'var {c}Labels={{fr:"{rng.choice(_PRODUCTS)}",de:"Größe wählen",ja:"サイズを選択",el:"Επιλογή μεγέθους"}};'
        elif k == 9:
            s = f"}},{n}:(e,t,n)=>{{\"use strict\";n.r(t);"
        elif k == 10:
            s = "\n/*! " + f"{a} v{n % 9}.{n % 13}.{n % 7} | MIT License */\n"
        else:
            s = f'switch(e.type){{case"{a}/{b}":return{{...t,{c}:e.payload}};case"{a}/reset":return {n % 3};default:return t}}'
        parts.append(s)
        total += len(s)
    parts.append(f"}}]);\n//# sourceMappingURL={rng.choice(W)}.{rng.randbytes(8).hex()}.js.map")
    return "".join(parts)


def _css(rng: random.Random, size: int) -> str:
    parts: list[str] = [":root{--brand:#0b5fff;--ink:#1d1d1f;--radius:8px}"]
    total = len(parts[0])
    while total < size:
        a, b = rng.choice(_WORDS), rng.choice(_WORDS)
        s = (f".{a}-{b}{rng.randrange(99)}{{display:{rng.choice(('flex', 'grid', 'block', 'inline-flex'))};"
             f"margin:{rng.randrange(32)}px {rng.randrange(32)}px;color:#{rng.randbytes(3).hex()};"
             f"border-radius:var(--radius)}}")
        if rng.random() < 0.1:
            s += f"@media (max-width:{rng.choice((480, 768, 1024))}px){{.{a}{{padding:{rng.randrange(24)}px}}}}"
        parts.append(s)
        total += len(s)
    return "".join(parts)


_MAGIC = {
    "image/png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01",
    "image/webp": b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    "image/gif": b"GIF89a",
    "font/woff2": b"wOF2\x00\x01\x00\x00",
}


def _binary_b64(rng: random.Random, mime: str, size: int) -> str:
    return base64.b64encode(_MAGIC[mime] + rng.randbytes(max(0, size - len(_MAGIC[mime])))).decode("ascii")


def _svg(rng: random.Random) -> str:
    paths = "".join(
        f'<path d="M{rng.randrange(24)} {rng.randrange(24)}l{rng.randrange(-9, 9)} {rng.randrange(-9, 9)}h{rng.randrange(9)}z" fill="#{rng.randbytes(3).hex()}"/>'
        for _ in range(rng.randrange(3, 40))
    )
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">{paths}</svg>'


_CSRF = "\x00CSRF\x00"
_RVT = "\x00RVT\x00"
_NONCE = "\x00NONCE\x00"


def _html(rng: random.Random, size: int, host: str, cdn: str) -> str:
    """An HTML page template with hidden CSRF inputs (placeholders filled per entry)."""
    head = (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="csrf-token" content="{_CSRF}">'
        f"<title>Boutique — {rng.choice(_PRODUCTS)}</title>"
        f'<link rel="stylesheet" href="https://{cdn}/static/css/main.{rng.randbytes(4).hex()}.css">'
        f'<script nonce="{_NONCE}" src="https://{cdn}/static/js/main.{rng.randbytes(4).hex()}.js" defer></script>'
        "</head><body><header class=\"site-header\"><nav><a href=\"/\">Accueil</a> · <a href=\"/compte\">Mon compte</a></nav></header>\n<main>"
    )
    form = (
        f'<form action="https://{host}/cart/add" method="post" class="add-to-cart">'
        f'<input type="hidden" name="authenticity_token" value="{_CSRF}">'
        f'<input type="hidden" name="__RequestVerificationToken" value="{_RVT}">'
        '<input type="hidden" name="variant_id" value="{vid}"><input type="number" name="qty" value="1" min="1">'
        '<button type="submit">Ajouter au panier</button></form>'
    )
    parts = [head]
    total = len(head)
    forms = 0
    while total < size:
        name = rng.choice(_PRODUCTS)
        price = rng.randrange(199, 99999) / 100
        s = (
            f'<article class="product-card" data-id="{rng.randrange(10**6)}"><img src="https://{cdn}/img/p/{rng.randbytes(6).hex()}.webp" '
            f'alt="{name}" loading="lazy" width="320" height="320"><h2>{name}</h2>'
            f'<p class="price">{price:.2f}&nbsp;€</p><p class="desc">Livraison gratuite à {rng.choice(_CITIES)} — '
            f'{" ".join(rng.choices(_WORDS, k=rng.randrange(8, 40)))}</p>'
        )
        if forms < 6 and rng.random() < 0.3:
            s += form.replace("{vid}", str(rng.randrange(10**8)))
            forms += 1
        parts.append(s + "</article>\n")
        total += len(s)
    if not forms:
        parts.append(form.replace("{vid}", str(rng.randrange(10**8))))
    parts.append(
        f'</main><script nonce="{_NONCE}">window.__APP_CONFIG__={{"apiBase":"https://api.{host.split(".", 1)[1]}",'
        f'"locale":"fr-FR","currency":"EUR","release":"{rng.randbytes(6).hex()}"}};</script></body></html>'
    )
    return "".join(parts)


def _api_body(rng: random.Random, fake: _Fake, size: int) -> str:
    """A compact JSON API response of about ``size`` characters (no credentials)."""
    kind = rng.randrange(4)
    if size < 300:
        kind = 3
    items: list[Any] = []
    total = 0
    while total < size:
        if kind == 0:
            it: dict[str, Any] = {
                "id": fake.uuid(), "sku": f"SKU-{rng.randrange(10**7):07d}", "name": rng.choice(_PRODUCTS),
                "price": {"amount": rng.randrange(199, 99999), "currency": "EUR"},
                "category": rng.choice(_CATEGORIES), "rating": round(rng.uniform(1, 5), 2),
                "stock": rng.randrange(500), "tags": rng.sample(_WORDS, 3),
                "image": f"https://cdn.shop.example/img/p/{rng.randbytes(6).hex()}.webp",
            }
        elif kind == 1:
            it = {
                "orderId": f"ORD-{rng.randrange(10**9)}", "status": rng.choice(("paid", "shipped", "delivered", "refunded")),
                "customer": {"name": rng.choice(_NAMES), "city": rng.choice(_CITIES)},
                "lines": [{"sku": f"SKU-{rng.randrange(10**7):07d}", "qty": rng.randrange(1, 5),
                           "title": rng.choice(_PRODUCTS)} for _ in range(rng.randrange(1, 4))],
                "total": rng.randrange(500, 500000) / 100, "createdAt": _iso(1_700_000_000_000 + rng.randrange(10**10)),
            }
        elif kind == 2:
            it = {
                "id": rng.randrange(10**6), "author": rng.choice(_NAMES), "stars": rng.randrange(1, 6),
                "body": " ".join(rng.choices(_WORDS, k=rng.randrange(5, 60))) + " — très bien, merci ! 👍",
                "helpful": rng.randrange(100),
            }
        else:
            it = {"id": rng.randrange(10**6), "type": rng.choice(("info", "promo", "shipping")),
                  "message": f"{rng.choice(_NAMES)}: {rng.choice(_PRODUCTS)}", "read": rng.random() < 0.5}
        items.append(it)
        total += len(orjson.dumps(it))
    if kind == 3 and size < 300:
        return orjson.dumps(items[0]).decode()
    envelope = {"data": items, "meta": {"page": rng.randrange(1, 20), "perPage": len(items),
                                        "total": rng.randrange(len(items), 10_000),
                                        "requestId": fake.uuid()}}
    return orjson.dumps(envelope).decode()


def _config_body(fake: _Fake) -> str:
    """A leaky ``/api/v2/config`` response: the kind of thing harscrub is for."""
    return orjson.dumps({
        "env": "production",
        "stripe": {"publishableKey": fake.stripe_public(), "secretKey": fake.stripe_secret()},
        "aws": {"region": "eu-west-1", "accessKeyId": fake.aws_key_id(), "secretAccessKey": fake.aws_secret(),
                "bucket": "shop-uploads-prod"},
        "github": {"deployToken": fake.github()},
        "slack": {"botToken": fake.slack(), "webhookUrl": fake.slack_webhook()},
        "maps": {"apiKey": fake.google_key()},
        "mail": {"sendgridKey": fake.sendgrid()},
        "features": {w: True for w in _WORDS[:12]},
    }).decode()


# --------------------------------------------------------------------------------- generator


@dataclass
class GenerateStats:
    path: str
    bytes: int
    entries: int
    pages: int
    seconds: float
    kinds: dict[str, int]

    @property
    def mb_per_s(self) -> float:
        return self.bytes / 1e6 / self.seconds if self.seconds else float("inf")


class _Session:
    """Who is logged in: rotates every few hundred entries (re-login or token refresh)."""

    __slots__ = ("user_id", "email", "access", "refresh", "sid", "csrf", "cookie_header", "cookies", "left",
                 "auth_session", "did")
    user_id: str
    email: str
    access: str
    refresh: str
    sid: str
    csrf: str
    cookie_header: str
    cookies: list[dict[str, Any]]
    left: int
    auth_session: str
    did: str


class _HarGenerator:
    # (kind, weight by entry count)
    KINDS: tuple[tuple[str, float], ...] = (
        ("api", 36.0), ("image", 17.0), ("script", 7.0), ("css", 3.0), ("font", 1.5), ("svg", 2.0),
        ("preflight", 6.0), ("beacon", 8.0), ("cached", 4.0), ("blocked", 2.0), ("signed_url", 2.5),
        ("download", 1.5), ("token", 1.2), ("redirect", 0.8), ("multipart", 0.8), ("form_login", 0.4),
        ("config", 0.6), ("maps", 0.8), ("websocket", 0.3), ("document", 1.6),
    )

    def __init__(self, seed: int, *, indent: bool = True) -> None:
        self.rng = rng = random.Random(seed)
        self.fake = _Fake(rng)
        self.indent = indent
        self.host = "www.shop.example"
        self.api = "api.shop.example"
        self.cdn = "cdn.shop.example"
        self.auth = "auth.shop.example"
        self.origin = f"https://{self.host}"
        self.kinds = [k for k, _ in self.KINDS]
        cum, acc = [], 0.0
        for _, w in self.KINDS:
            acc += w
            cum.append(acc)
        self.cum = cum
        self.total_w = acc

        # Body pools, built once: entries reuse them and only vary what is cheap to vary.
        self.js = [(f"https://{self.cdn}/static/js/{rng.choice(_WORDS)}.{rng.randbytes(4).hex()}.chunk.js",
                    _js_bundle(rng, int(_log_uniform(rng, 2_000, 350_000)))) for _ in range(20)]
        self.css = [(f"https://{self.cdn}/static/css/{rng.choice(_WORDS)}.{rng.randbytes(4).hex()}.css",
                     _css(rng, int(_log_uniform(rng, 1_500, 150_000)))) for _ in range(6)]
        imgs = []
        for _ in range(28):
            mime = rng.choice(("image/png", "image/jpeg", "image/webp", "image/webp", "image/gif"))
            raw = int(_log_uniform(rng, 150, 160_000))
            ext = mime.split("/")[1].replace("jpeg", "jpg")
            imgs.append((f"https://{self.cdn}/img/{rng.choice(_WORDS)}/{rng.randbytes(6).hex()}.{ext}", mime, raw,
                         _binary_b64(rng, mime, raw)))
        self.images = imgs
        self.fonts = [(f"https://fonts.gstatic.com/s/inter/v13/{rng.randbytes(10).hex()}.woff2", raw,
                       _binary_b64(rng, "font/woff2", raw))
                      for raw in (rng.randrange(15_000, 40_000), rng.randrange(30_000, 70_000), rng.randrange(50_000, 110_000))]
        self.svgs = [(f"https://{self.cdn}/icons/{w}.svg", _svg(rng)) for w in rng.sample(_WORDS, 10)]
        self.html = [_html(rng, int(_log_uniform(rng, 4_000, 120_000)), self.host, self.cdn) for _ in range(5)]
        self.api_bodies = [_api_body(rng, self.fake, int(_log_uniform(rng, 60, 60_000))) for _ in range(48)]
        self.configs = [_config_body(self.fake) for _ in range(2)]
        self.req_bodies = [
            orjson.dumps({"sku": f"SKU-{rng.randrange(10**7):07d}", "qty": rng.randrange(1, 4)}).decode(),
            orjson.dumps({"query": "query Cart($id: ID!) { cart(id: $id) { id lines { sku qty price } total } }",
                          "variables": {"id": self.fake.uuid()}, "operationName": "Cart"}).decode(),
            orjson.dumps({"address": {"name": rng.choice(_NAMES), "city": rng.choice(_CITIES), "zip": "75011",
                                      "line1": "12 rue de la Roquette"}}).decode(),
            orjson.dumps({"events": [{"name": w, "ts": rng.randrange(10**12)} for w in rng.sample(_WORDS, 8)]}).decode(),
        ]
        self.initiators = [self._script_initiator() for _ in range(24)]
        # App-wide credentials: one per site, as in a real app (a Maps key, an OAuth client, the
        # IAM user that signs upload URLs). Per-request secrets (signatures, codes, nonces,
        # download tokens) are fresh each time, as they are in real traffic.
        self.maps_key = self.fake.google_key()
        self.client_id = "spa-" + self.fake.alnum(12)
        self.signing_key_id = self.fake.aws_key_id()
        self.env_files = [
            (f"APP_ENV=production\nDATABASE_URL=postgres://shop:{self.fake.password()}@db.internal:5432/shop\n"
             f"AWS_ACCESS_KEY_ID={self.fake.aws_key_id()}\nAWS_SECRET_ACCESS_KEY={self.fake.aws_secret()}\n"
             f"STRIPE_SECRET_KEY={self.fake.stripe_secret()}\nGITHUB_TOKEN={self.fake.github()}\n")
            for _ in range(2)
        ]
        # Static request headers shared by most same-site requests.
        self.common = [
            ("accept-encoding", "gzip, deflate, br, zstd"), ("accept-language", "fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7"),
            ("sec-ch-ua", _SEC_CH_UA), ("sec-ch-ua-mobile", "?0"), ("sec-ch-ua-platform", '"macOS"'),
            ("user-agent", _UA),
        ]
        self.big_headers = [(f"x-feature-{w}-{i}", rng.choice(("on", "off", "variant-b", "control")))
                            for i, w in enumerate(rng.choices(_WORDS, k=70))]
        self.tracking_cookies = "; ".join(
            [f"_ga=GA1.1.{rng.randrange(10**9)}.{rng.randrange(10**9)}", f"_gid=GA1.2.{rng.randrange(10**9)}.{rng.randrange(10**9)}",
             f"_fbp=fb.1.{rng.randrange(10**12)}.{rng.randrange(10**9)}", "cookie_consent=all", "locale=fr-FR"]
            + [f"ab_{w}={rng.choice('AB')}" for w in rng.sample(_WORDS, 30)]
        )
        # Clock.
        self.t0_ms = 1_709_280_000_000 + (seed % 1000) * 86_400_000 + rng.randrange(86_400_000)
        self.now_ms = self.t0_ms
        self.page_idx = -1
        self.page_t0 = self.t0_ms
        self.conn = rng.randrange(100_000, 900_000)
        self.page_starts: list[int] = []
        self.session = self.new_session(None)
        self.counts: dict[str, int] = {}

    # ------------------------------------------------------------------ state and helpers

    def new_session(self, previous: _Session | None) -> _Session:
        f, r = self.fake, self.rng
        s = _Session()
        if previous is None:  # one user per HAR, as when a customer exports their own session
            s.user_id = f"usr_{f.alnum(16)}"
            s.email = r.choice(_NAMES).split()[0].lower().encode("ascii", "ignore").decode() + f"{r.randrange(1000)}@mail.example"
        else:
            s.user_id, s.email = previous.user_id, previous.email
        iat = self.now_ms // 1000
        s.access = f.jwt(s.user_id, iat)
        s.refresh = f.opaque(48)
        s.sid = f.hex(64)
        s.csrf = f.opaque(32)
        s.auth_session = f.hex(48)
        s.did = f.opaque(18)
        self.set_cookie_header(s)
        exp = _iso(self.now_ms + 30 * 86_400_000)
        s.cookies = [
            {"name": "session_id", "value": s.sid, "path": "/", "domain": ".shop.example", "expires": exp,
             "httpOnly": True, "secure": True},
            {"name": "csrftoken", "value": s.csrf, "path": "/", "domain": "www.shop.example", "expires": exp,
             "httpOnly": False, "secure": True},
            {"name": "refresh_token", "value": s.refresh, "path": "/", "domain": "auth.shop.example", "expires": exp,
             "httpOnly": True, "secure": True},
        ] + [{"name": kv.split("=", 1)[0], "value": kv.split("=", 1)[1], "path": "/", "domain": ".shop.example",
              "expires": exp, "httpOnly": False, "secure": False} for kv in self.tracking_cookies.split("; ")[:6]]
        s.left = r.randrange(80, 400)
        return s

    def set_cookie_header(self, s: _Session) -> None:
        s.cookie_header = f"session_id={s.sid}; csrftoken={s.csrf}; refresh_token={s.refresh}; {self.tracking_cookies}"

    def _script_initiator(self) -> dict[str, Any]:
        r = self.rng
        frames = [{"functionName": r.choice(_WORDS) + r.choice(("", "Async", "Impl", "Handler")),
                   "scriptId": str(r.randrange(10, 400)),
                   "url": r.choice(self.js)[0],
                   "lineNumber": r.randrange(0, 3), "columnNumber": r.randrange(100, 900_000)}
                  for _ in range(r.randrange(2, 9))]
        stack: dict[str, Any] = {"callFrames": frames}
        if r.random() < 0.4:
            stack["parent"] = {"description": r.choice(("await", "Promise.then", "setTimeout")),
                               "callFrames": frames[: r.randrange(1, len(frames) + 1)]}
        return {"type": "script", "stack": stack}

    def tick(self) -> int:
        self.now_ms += int(self.rng.expovariate(1 / 90)) + 1
        return self.now_ms

    def timings(self, wait_scale: float = 60.0) -> tuple[float, dict[str, float]]:
        r = self.rng
        fresh = r.random() < 0.08
        blocked = r.random() * 8
        t = {
            "blocked": blocked,
            "dns": r.random() * 30 if fresh else -1,
            "ssl": r.random() * 40 if fresh else -1,
            "connect": r.random() * 60 if fresh else -1,
            "send": r.random() * 0.6,
            "wait": r.expovariate(1 / wait_scale),
            "receive": r.expovariate(1 / 4),
            "_blocked_queueing": blocked * r.random(),
        }
        if fresh:
            t["ssl"] = min(t["ssl"], t["connect"])
        total = sum(v for k, v in t.items() if v > 0 and k not in ("ssl", "_blocked_queueing"))
        return total, t

    def req_headers(self, host: str, method: str, path: str, extra: list[tuple[str, str]],
                    h1: bool = False) -> list[dict[str, str]]:
        pairs = sorted(self.common + extra)
        if h1:
            out = [_h("Host", host), _h("Connection", "keep-alive")]
            out += [_h("-".join(p.capitalize() for p in n.split("-")), v) for n, v in pairs]
            return out
        return [_h(":authority", host), _h(":method", method), _h(":path", path), _h(":scheme", "https")] + \
            [_h(n, v) for n, v in pairs]

    def resp_headers(self, ms: int, ctype: str | None, length: int | None, extra: list[tuple[str, str]],
                     h1: bool = False) -> list[dict[str, str]]:
        pairs = [("date", _http_date(ms))]
        if ctype:
            pairs.append(("content-type", ctype))
        if length is not None:
            pairs.append(("content-length", str(length)))
        pairs += extra
        if h1:
            return [_h("-".join(p.capitalize() for p in n.split("-")), v) for n, v in pairs]
        return [_h(n, v) for n, v in pairs]

    def set_cookie(self, name: str, value: str, ms: int, *, domain: str = ".shop.example",
                   http_only: bool = True) -> tuple[tuple[str, str], dict[str, Any]]:
        exp_ms = ms + 14 * 86_400_000
        header = f"{name}={value}; Path=/; Domain={domain}; Expires={_http_date(exp_ms)}; {'HttpOnly; ' if http_only else ''}Secure; SameSite=Lax"
        cookie = {"name": name, "value": value, "path": "/", "domain": domain, "expires": _iso(exp_ms),
                  "httpOnly": http_only, "secure": True, "sameSite": "Lax"}
        return ("set-cookie", header), cookie

    def entry(self, *, kind: str, rtype: str, priority: str, initiator: dict[str, Any], method: str, url: str,
              host: str, req_headers: list[dict[str, str]], qs: list[dict[str, str]] | None = None,
              req_cookies: list[dict[str, Any]] | None = None, post: dict[str, Any] | None = None,
              status: int = 200, resp_headers: list[dict[str, str]] | None = None,
              resp_cookies: list[dict[str, Any]] | None = None, content: dict[str, Any] | None = None,
              redirect: str = "", transfer: int | None = None, error: str | None = None,
              h1: bool = False, ws: list[dict[str, Any]] | None = None, from_cache: str | None = None,
              ms: int, wait_scale: float = 60.0, ip: str | None = None) -> dict[str, Any]:
        r = self.rng
        total, timings = self.timings(wait_scale)
        content = content if content is not None else {"size": 0, "mimeType": "x-unknown"}
        body_size = len(post["text"].encode()) if post else 0
        req: dict[str, Any] = {
            "method": method, "url": url, "httpVersion": "http/1.1" if h1 else "http/2.0",
            "headers": req_headers, "queryString": qs or [], "cookies": req_cookies or [],
            "headersSize": sum(len(h["name"]) + len(h["value"]) + 4 for h in req_headers) + 40 if h1 else -1,
            "bodySize": body_size,
        }
        if post:
            req["postData"] = post
        resp = {
            "status": status, "statusText": _H1_STATUS_TEXT.get(status, "") if h1 else "",
            "httpVersion": "http/1.1" if h1 else "http/2.0", "headers": resp_headers or [],
            "cookies": resp_cookies or [], "content": content, "redirectURL": redirect,
            "headersSize": -1, "bodySize": -1 if status != 304 else 0,
            "_transferSize": transfer if transfer is not None else content.get("size", 0) // 3 + 300,
            "_error": error,
        }
        e: dict[str, Any] = {}
        if from_cache:
            e["_fromCache"] = from_cache
        e["_initiator"] = initiator
        e["_priority"] = priority
        e["_resourceType"] = rtype
        if ws is not None:
            e["_webSocketMessages"] = ws
        e["cache"] = {}
        e["connection"] = str(self.conn + r.randrange(12)) if not from_cache else ""
        e["pageref"] = f"page_{self.page_idx + 1}"
        e["request"] = req
        e["response"] = resp
        e["serverIPAddress"] = "" if (from_cache or error) else (ip or "104.18.%d.%d" % (r.randrange(256), r.randrange(256)))
        e["startedDateTime"] = _iso(ms)
        e["time"] = 0.0 if from_cache else total
        e["timings"] = timings
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return e

    # ------------------------------------------------------------------ entry kinds

    def pick(self) -> str:
        return self.kinds[bisect.bisect_right(self.cum, self.rng.random() * self.total_w)]

    def make(self, kind: str) -> dict[str, Any]:
        made: dict[str, Any] = getattr(self, "k_" + kind)()
        return made

    def _doc_initiator(self) -> dict[str, Any]:
        return {"type": "parser", "url": f"{self.origin}/", "lineNumber": self.rng.randrange(1, 40)}

    def k_document(self) -> dict[str, Any]:
        r, s, f = self.rng, self.session, self.fake
        ms = self.tick()
        path = r.choice(("/", "/produits/" + r.choice(_CATEGORIES), "/panier", "/compte/commandes", "/recherche?q=" + quote(r.choice(_PRODUCTS))))
        html = r.choice(self.html).replace(_CSRF, s.csrf).replace(_RVT, f.opaque(48)).replace(_NONCE, f.opaque(16))
        size = len(html.encode())
        hdrs = self.req_headers(self.host, "GET", path, [
            ("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"),
            ("cache-control", "max-age=0"), ("cookie", s.cookie_header), ("sec-fetch-dest", "document"),
            ("sec-fetch-mode", "navigate"), ("sec-fetch-site", "same-origin"), ("sec-fetch-user", "?1"),
            ("upgrade-insecure-requests", "1"),
        ])
        sc_h, sc_c = self.set_cookie("csrftoken", s.csrf, ms, domain="www.shop.example", http_only=False)
        rh = self.resp_headers(ms, "text/html; charset=utf-8", None, [
            ("cache-control", "private, no-store"), ("content-encoding", "br"),
            ("content-security-policy", "default-src 'self'; script-src 'self' 'nonce-" + f.opaque(16) + "' https://cdn.shop.example; img-src * data:"),
            sc_h, ("server", "cloudflare"), ("strict-transport-security", "max-age=63072000; includeSubDomains; preload"),
            ("vary", "Accept-Encoding, Cookie"), ("x-frame-options", "DENY"), ("cf-ray", f.hex(16) + "-CDG"),
        ])
        return self.entry(kind="document", rtype="document", priority="VeryHigh",
                          initiator={"type": "other"}, method="GET", url=self.origin + path, host=self.host,
                          req_headers=hdrs, req_cookies=s.cookies, resp_headers=rh, resp_cookies=[sc_c],
                          content={"size": size, "mimeType": "text/html", "text": html}, ms=ms, wait_scale=180)

    def k_api(self) -> dict[str, Any]:
        r, s, f = self.rng, self.session, self.fake
        ms = self.tick()
        path = r.choice(_API_PATHS).replace("{id}", str(r.randrange(10**6)))
        method = "POST" if path == "/graphql" else r.choices(("GET", "POST", "PUT", "PATCH", "DELETE"), (70, 15, 6, 6, 3))[0]
        qs: list[dict[str, str]] = []
        if method == "GET" and r.random() < 0.55:
            params = [("page", str(r.randrange(1, 30))), ("limit", r.choice(("20", "24", "50"))),
                      ("sort", r.choice(("-createdAt", "price", "relevance")))]
            if r.random() < 0.4:
                params.append(("q", r.choice(_PRODUCTS)))
            if r.random() < 0.3:
                params.append(("locale", "fr-FR"))
            qs = [_h(k, v) for k, v in params]
            path += "?" + urlencode(params)
        extra = [("accept", "application/json, text/plain, */*"), ("authorization", "Bearer " + s.access),
                 ("cookie", s.cookie_header), ("origin", self.origin), ("referer", self.origin + "/"),
                 ("sec-fetch-dest", "empty"), ("sec-fetch-mode", "cors"), ("sec-fetch-site", "same-site"),
                 ("x-request-id", f.uuid())]
        post = None
        if method in ("POST", "PUT", "PATCH"):
            body = r.choice(self.req_bodies)
            extra += [("content-type", "application/json"), ("x-csrf-token", s.csrf)]
            post = {"mimeType": "application/json", "text": body}
        big = r.random() < 0.03
        if big:  # ~100 request headers: feature flags, tracing, a huge cookie
            extra += self.big_headers + [("traceparent", f"00-{f.hex(32)}-{f.hex(16)}-01"),
                                         ("x-datadog-trace-id", str(r.randrange(10**18))),
                                         ("x-amzn-trace-id", f"Root=1-{f.hex(8)}-{f.hex(24)}"),
                                         ("baggage", "userId=" + s.user_id + ",tenant=eu-west")]
        hdrs = self.req_headers(self.api, method, path, extra)
        status = r.choices((200, 201, 204, 304, 401, 404, 500), (80, 4, 5, 5, 2, 3, 1))[0]
        if method == "POST" and status == 200:
            status = 201 if r.random() < 0.3 else 200
        if status in (204, 304):
            content: dict[str, Any] = {"size": 0, "mimeType": "application/json" if status == 304 else "x-unknown"}
        elif status >= 400:
            text = orjson.dumps({"error": {"code": status, "message": "Not found" if status == 404 else "Unauthorized" if status == 401 else "Internal error",
                                           "requestId": f.uuid()}}).decode()
            content = {"size": len(text), "mimeType": "application/json", "text": text}
        else:
            text = r.choice(self.api_bodies)
            content = {"size": len(text.encode()), "mimeType": "application/json", "text": text}
        rextra = [("access-control-allow-credentials", "true"), ("access-control-allow-origin", self.origin),
                  ("cache-control", "private, max-age=0, must-revalidate"), ("content-encoding", "br"),
                  ("server", "envoy"), ("strict-transport-security", "max-age=31536000"), ("vary", "Origin, Accept-Encoding"),
                  ("x-envoy-upstream-service-time", str(r.randrange(2, 400))), ("x-ratelimit-remaining", str(r.randrange(1000))),
                  ("x-request-id", f.uuid())]
        rcookies: list[dict[str, Any]] = []
        if r.random() < 0.01:  # the server rotates the session now and then
            s.sid = f.hex(64)
            self.set_cookie_header(s)
            sc_h, sc_c = self.set_cookie("session_id", s.sid, ms)
            rextra.append(sc_h)
            rcookies.append(sc_c)
        if big:
            rextra += [(f"x-debug-{w}", f.hex(12)) for w in _WORDS[:20]]
        rh = self.resp_headers(ms, "application/json; charset=utf-8" if content.get("text") else None, None, rextra)
        return self.entry(kind="api", rtype="fetch" if r.random() < 0.8 else "xhr", priority="High",
                          initiator=r.choice(self.initiators), method=method, url=f"https://{self.api}{path}",
                          host=self.api, req_headers=hdrs, qs=qs, req_cookies=s.cookies, post=post, status=status,
                          resp_headers=rh, resp_cookies=rcookies, content=content, ms=ms, wait_scale=120)

    def k_config(self) -> dict[str, Any]:
        e = self.k_api()
        text = self.rng.choice(self.configs)
        e["request"]["url"] = f"https://{self.api}/api/v2/config"
        e["request"]["method"] = "GET"
        e["request"]["queryString"] = []
        e["request"].pop("postData", None)
        e["request"]["bodySize"] = 0
        for h in e["request"]["headers"]:
            if h["name"] == ":path":
                h["value"] = "/api/v2/config"
            elif h["name"] == ":method":
                h["value"] = "GET"
        e["response"]["status"] = 200
        e["response"]["content"] = {"size": len(text), "mimeType": "application/json", "text": text}
        self.counts["api"] -= 1
        self.counts["config"] = self.counts.get("config", 0) + 1
        return e

    def _static(self, kind: str, rtype: str, url: str, mime: str, text: str, size: int, b64: bool,
                priority: str, accept: str, dest: str) -> dict[str, Any]:
        r = self.rng
        ms = self.tick()
        host = url.split("/", 3)[2]
        path = "/" + url.split("/", 3)[3]
        hdrs = self.req_headers(host, "GET", path, [("accept", accept), ("referer", self.origin + "/"),
                                                    ("sec-fetch-dest", dest), ("sec-fetch-mode", "no-cors" if dest != "font" else "cors"),
                                                    ("sec-fetch-site", "same-site" if "shop.example" in host else "cross-site")])
        status = 200 if r.random() < 0.9 else 304
        content: dict[str, Any] = {"size": size, "mimeType": mime}
        if status == 200 or r.random() < 0.5:  # Chrome keeps the body of a 304 from its cache
            content["text"] = text
            if b64:
                content["encoding"] = "base64"
        rh = self.resp_headers(ms, mime, size if status == 200 else None, [
            ("accept-ranges", "bytes"), ("age", str(r.randrange(100_000))), ("cache-control", "public, max-age=31536000, immutable"),
            ("etag", f'"{self.fake.hex(32)}"'), ("last-modified", _http_date(self.t0_ms - r.randrange(10**10))),
            ("server", "AmazonS3"), ("via", f"1.1 {self.fake.hex(32)}.cloudfront.net (CloudFront)"),
            ("x-amz-cf-pop", "CDG50-P" + str(r.randrange(1, 9))), ("x-cache", r.choice(("Hit from cloudfront", "Miss from cloudfront"))),
        ])
        init = {"type": "parser", "url": self.origin + "/", "lineNumber": r.randrange(1, 400)} if r.random() < 0.6 else r.choice(self.initiators)
        return self.entry(kind=kind, rtype=rtype, priority=priority, initiator=init, method="GET", url=url, host=host,
                          req_headers=hdrs, status=status, resp_headers=rh, content=content,
                          transfer=(size // 2 if not b64 else size) + 400 if status == 200 else 300, ms=ms, wait_scale=25)

    def k_script(self) -> dict[str, Any]:
        url, text = self.rng.choice(self.js)
        return self._static("script", "script", url, "application/javascript", text, len(text.encode()), False, "Low", "*/*", "script")

    def k_css(self) -> dict[str, Any]:
        url, text = self.rng.choice(self.css)
        return self._static("css", "stylesheet", url, "text/css", text, len(text), False, "VeryHigh", "text/css,*/*;q=0.1", "style")

    def k_image(self) -> dict[str, Any]:
        url, mime, raw, b64 = self.rng.choice(self.images)
        return self._static("image", "image", url, mime, b64, raw, True, "Low",
                            "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8", "image")

    def k_font(self) -> dict[str, Any]:
        url, raw, b64 = self.rng.choice(self.fonts)
        return self._static("font", "font", url, "font/woff2", b64, raw, True, "VeryHigh", "*/*", "font")

    def k_svg(self) -> dict[str, Any]:
        url, text = self.rng.choice(self.svgs)
        return self._static("svg", "image", url, "image/svg+xml", text, len(text), False, "Low",
                            "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8", "image")

    def k_cached(self) -> dict[str, Any]:
        r = self.rng
        if r.random() < 0.5:
            url, mime, raw, b64 = r.choice(self.images)
            content = {"size": raw, "mimeType": mime, "text": b64, "encoding": "base64"}
            rtype = "image"
        else:
            url, text = r.choice(self.js)
            content = {"size": len(text.encode()), "mimeType": "application/javascript", "text": text}
            rtype, mime = "script", "application/javascript"
        ms = self.tick()
        host = url.split("/", 3)[2]
        hdrs = [_h(":authority", host), _h(":method", "GET"), _h(":path", "/" + url.split("/", 3)[3]), _h(":scheme", "https"),
                _h("referer", self.origin + "/"), _h("user-agent", _UA)]
        size: int = content["size"]  # type: ignore[assignment]
        rh = self.resp_headers(ms, mime, size, [("cache-control", "public, max-age=31536000, immutable"), ("server", "AmazonS3")])
        return self.entry(kind="cached", rtype=rtype, priority="Low", initiator=r.choice(self.initiators), method="GET",
                          url=url, host=host, req_headers=hdrs, resp_headers=rh, content=content, transfer=0,
                          from_cache=r.choice(("memory", "disk")), ms=ms)

    def k_preflight(self) -> dict[str, Any]:
        r = self.rng
        ms = self.tick()
        path = r.choice(_API_PATHS).replace("{id}", str(r.randrange(10**6)))
        method = r.choice(("POST", "PUT", "PATCH", "DELETE"))
        hdrs = self.req_headers(self.api, "OPTIONS", path, [
            ("accept", "*/*"), ("access-control-request-headers", "authorization,content-type,x-csrf-token,x-request-id"),
            ("access-control-request-method", method), ("origin", self.origin), ("referer", self.origin + "/"),
            ("sec-fetch-dest", "empty"), ("sec-fetch-mode", "cors"), ("sec-fetch-site", "same-site")])
        rh = self.resp_headers(ms, None, 0, [
            ("access-control-allow-credentials", "true"), ("access-control-allow-headers", "authorization,content-type,x-csrf-token,x-request-id"),
            ("access-control-allow-methods", "GET,POST,PUT,PATCH,DELETE,OPTIONS"), ("access-control-allow-origin", self.origin),
            ("access-control-max-age", "600"), ("server", "envoy"), ("vary", "Origin")])
        init = {"type": "preflight", "url": f"https://{self.api}{path}", "initiator": r.choice(self.initiators)}
        return self.entry(kind="preflight", rtype="preflight", priority="High", initiator=init, method="OPTIONS",
                          url=f"https://{self.api}{path}", host=self.api, req_headers=hdrs, status=204, resp_headers=rh,
                          ms=ms, wait_scale=30)

    def k_beacon(self) -> dict[str, Any]:
        r, s, f = self.rng, self.session, self.fake
        ms = self.tick()
        h1 = r.random() < 0.3
        host = r.choice(_THIRD_PARTY_H1) if h1 else "region1.google-analytics.com"
        params = [("v", "2"), ("tid", "G-" + _chars(r, _UPPER_DIGITS, 10)), ("gtm", "45je4" + f.alnum(5)), ("_p", str(r.randrange(10**9))),
                  ("cid", f"{r.randrange(10**9)}.{r.randrange(10**9)}"), ("ul", "fr-fr"), ("sr", "1728x1117"),
                  ("sid", str(ms // 1000)), ("sct", str(r.randrange(1, 40))), ("seg", "1"),
                  ("dl", self.origin + "/produits/" + r.choice(_CATEGORIES)), ("dt", "Boutique — " + r.choice(_PRODUCTS)),
                  ("en", r.choice(("page_view", "scroll", "view_item", "add_to_cart", "user_engagement"))),
                  ("_et", str(r.randrange(10_000)))]
        path = ("/g/collect?" if not h1 else "/collect?") + urlencode(params)
        hdrs = self.req_headers(host, "POST", path, [("accept", "*/*"), ("origin", self.origin), ("referer", self.origin + "/"),
                                                    ("sec-fetch-dest", "empty"), ("sec-fetch-mode", "no-cors"),
                                                    ("sec-fetch-site", "cross-site")], h1=h1)
        rh = self.resp_headers(ms, "text/plain", 0, [("access-control-allow-origin", self.origin), ("server", "Golfe2")], h1=h1)
        return self.entry(kind="beacon", rtype="ping", priority="VeryLow", initiator=r.choice(self.initiators), method="POST",
                          url=f"https://{host}{path}", host=host, req_headers=hdrs, qs=[_h(k, v) for k, v in params],
                          status=204, resp_headers=rh, h1=h1, ms=ms, wait_scale=40, ip="142.250.%d.%d" % (r.randrange(256), r.randrange(256)))

    def k_blocked(self) -> dict[str, Any]:
        r = self.rng
        ms = self.tick()
        host = r.choice(_BLOCKED_HOSTS)
        path = f"/{r.choice(_WORDS)}/{r.choice(_WORDS)}.js?id={r.randrange(10**9)}"
        hdrs = self.req_headers(host, "GET", path, [("referer", self.origin + "/")])
        e = self.entry(kind="blocked", rtype="script", priority="Low", initiator=r.choice(self.initiators), method="GET",
                       url=f"https://{host}{path}", host=host, req_headers=hdrs, qs=[_h("id", path.rsplit("=", 1)[1])],
                       status=0, transfer=0, error="net::ERR_BLOCKED_BY_CLIENT", ms=ms)
        e["timings"] = {"blocked": -1, "dns": -1, "ssl": -1, "connect": -1, "send": 0, "wait": 0, "receive": 0, "_blocked_queueing": -1}
        e["time"] = 0
        return e

    def k_signed_url(self) -> dict[str, Any]:
        r, f = self.rng, self.fake
        ms = self.tick()
        _, mime, raw, b64 = r.choice(self.images)
        if r.random() < 0.65:
            host = "shop-uploads-prod.s3.eu-west-1.amazonaws.com"
            date = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(ms // 1000))
            params = [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
                      ("X-Amz-Credential", f"{self.signing_key_id}/{date[:8]}/eu-west-1/s3/aws4_request"),
                      ("X-Amz-Date", date), ("X-Amz-Expires", "900"), ("X-Amz-SignedHeaders", "host"),
                      ("X-Amz-Signature", f.hex(64))]
        else:
            host = "shopmedia.blob.core.windows.net"
            params = [("sv", "2022-11-02"), ("ss", "b"), ("srt", "o"), ("sp", "r"),
                      ("se", _iso(ms + 3_600_000)[:19] + "Z"), ("spr", "https"),
                      ("sig", base64.b64encode(r.randbytes(32)).decode())]
        path = f"/media/{f.uuid()}/{r.choice(_WORDS)}.{mime.split('/')[1]}?" + urlencode(params)
        hdrs = self.req_headers(host, "GET", path, [("accept", "image/avif,image/webp,image/*,*/*;q=0.8"), ("referer", self.origin + "/"),
                                                   ("sec-fetch-dest", "image"), ("sec-fetch-mode", "no-cors"), ("sec-fetch-site", "cross-site")])
        rh = self.resp_headers(ms, mime, raw, [("etag", f'"{f.hex(32)}"'), ("server", "AmazonS3" if "amazonaws" in host else "Windows-Azure-Blob/1.0"),
                                               ("x-amz-request-id", _chars(r, _UPPER_DIGITS, 16))])
        return self.entry(kind="signed_url", rtype="image", priority="Low", initiator={"type": "parser", "url": self.origin + "/", "lineNumber": r.randrange(400)},
                          method="GET", url=f"https://{host}{path}", host=host, req_headers=hdrs, qs=[_h(k, v) for k, v in params],
                          resp_headers=rh, content={"size": raw, "mimeType": mime, "text": b64, "encoding": "base64"},
                          ms=ms, wait_scale=50, ip="52.218.%d.%d" % (r.randrange(256), r.randrange(256)))

    def k_download(self) -> dict[str, Any]:
        r, s, f = self.rng, self.session, self.fake
        ms = self.tick()
        tok = f.jwt(s.user_id, ms // 1000, aud="downloads") if r.random() < 0.5 else f.opaque(24)
        params = [("token", tok), ("disposition", "attachment")]
        path = f"/api/v2/invoices/{r.randrange(10**6)}/pdf?" + urlencode(params)
        hdrs = self.req_headers(self.api, "GET", path, [("accept", "application/pdf,*/*"), ("cookie", s.cookie_header),
                                                       ("referer", self.origin + "/compte/commandes"), ("sec-fetch-dest", "document"),
                                                       ("sec-fetch-mode", "navigate"), ("sec-fetch-site", "same-site")])
        raw = r.randrange(20_000, 90_000)
        b64 = base64.b64encode(b"%PDF-1.7\n" + r.randbytes(raw)).decode()
        rh = self.resp_headers(ms, "application/pdf", raw, [("content-disposition", f'attachment; filename="facture-{r.randrange(10**6)}.pdf"'),
                                                           ("server", "envoy")])
        return self.entry(kind="download", rtype="document", priority="VeryHigh", initiator={"type": "other"}, method="GET",
                          url=f"https://{self.api}{path}", host=self.api, req_headers=hdrs, qs=[_h(k, v) for k, v in params],
                          req_cookies=s.cookies, resp_headers=rh, content={"size": raw, "mimeType": "application/pdf", "text": b64, "encoding": "base64"},
                          ms=ms, wait_scale=200)

    def _token_exchange(self, grant: str) -> dict[str, Any]:
        r, s, f = self.rng, self.session, self.fake
        ms = self.tick()
        iat = ms // 1000
        client_id = self.client_id
        if grant == "refresh_token":
            form = [("grant_type", "refresh_token"), ("refresh_token", s.refresh), ("client_id", client_id)]
        else:
            form = [("grant_type", "authorization_code"), ("code", f.opaque(32)), ("code_verifier", f.opaque(48)),
                    ("redirect_uri", self.origin + "/callback"), ("client_id", client_id)]
            if r.random() < 0.3:  # a confidential client leaking its secret from the browser
                form.append(("client_secret", f.opaque(40)))
        body = urlencode(form)
        s.access = f.jwt(s.user_id, iat)
        s.refresh = f.opaque(48)
        self.set_cookie_header(s)
        resp = {"access_token": s.access, "token_type": "Bearer", "expires_in": 3600, "refresh_token": s.refresh,
                "id_token": f.jwt(s.user_id, iat, email=s.email, aud=client_id, id_token=True), "scope": "openid profile email offline_access"}
        text = orjson.dumps(resp).decode()
        hdrs = self.req_headers(self.auth, "POST", "/oauth/token", [
            ("accept", "application/json"), ("content-type", "application/x-www-form-urlencoded"), ("origin", self.origin),
            ("referer", self.origin + "/"), ("sec-fetch-dest", "empty"), ("sec-fetch-mode", "cors"), ("sec-fetch-site", "same-site")])
        sc_h, sc_c = self.set_cookie("refresh_token", s.refresh, ms, domain="auth.shop.example")
        rh = self.resp_headers(ms, "application/json", len(text), [("cache-control", "no-store"), ("pragma", "no-cache"), sc_h,
                                                                 ("access-control-allow-origin", self.origin), ("server", "nginx")])
        return self.entry(kind="token", rtype="fetch", priority="High", initiator=r.choice(self.initiators), method="POST",
                          url=f"https://{self.auth}/oauth/token", host=self.auth, req_headers=hdrs,
                          post={"mimeType": "application/x-www-form-urlencoded", "text": body, "params": [_h(k, v) for k, v in form]},
                          resp_headers=rh, resp_cookies=[sc_c], content={"size": len(text), "mimeType": "application/json", "text": text},
                          ms=ms, wait_scale=150)

    def k_token(self) -> dict[str, Any]:
        return self._token_exchange("refresh_token" if self.rng.random() < 0.7 else "authorization_code")

    def k_redirect(self) -> dict[str, Any]:
        r, s, f = self.rng, self.session, self.fake
        ms = self.tick()
        params = [("response_type", "code"), ("client_id", self.client_id), ("redirect_uri", self.origin + "/callback"),
                  ("scope", "openid profile email offline_access"), ("state", f.opaque(16)), ("nonce", f.opaque(16)),
                  ("code_challenge", f.opaque(32)), ("code_challenge_method", "S256")]
        path = "/authorize?" + urlencode(params)
        location = f"{self.origin}/callback?" + urlencode([("code", f.opaque(32)), ("state", params[4][1])])
        hdrs = self.req_headers(self.auth, "GET", path, [("accept", "text/html,*/*;q=0.8"), ("cookie", f"auth_session={s.auth_session}; did={s.did}"),
                                                        ("referer", self.origin + "/"), ("sec-fetch-dest", "document"),
                                                        ("sec-fetch-mode", "navigate"), ("sec-fetch-site", "same-site")])
        rh = self.resp_headers(ms, "text/html; charset=utf-8", 0, [("location", location), ("cache-control", "no-store"), ("server", "nginx")])
        return self.entry(kind="redirect", rtype="document", priority="VeryHigh", initiator={"type": "other"}, method="GET",
                          url=f"https://{self.auth}{path}", host=self.auth, req_headers=hdrs, qs=[_h(k, v) for k, v in params],
                          status=302, resp_headers=rh, redirect=location, ms=ms, wait_scale=80)

    def k_form_login(self) -> dict[str, Any]:
        r, f = self.rng, self.fake
        self.session = s = self.new_session(self.session)
        ms = self.tick()
        form = [("email", s.email), ("password", f.password()), ("remember_me", "on"), ("authenticity_token", s.csrf)]
        body = urlencode(form)
        hdrs = self.req_headers(self.host, "POST", "/connexion", [
            ("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"), ("cache-control", "max-age=0"),
            ("content-type", "application/x-www-form-urlencoded"), ("cookie", f"csrftoken={s.csrf}; {self.tracking_cookies}"),
            ("origin", self.origin), ("referer", self.origin + "/connexion"), ("sec-fetch-dest", "document"),
            ("sec-fetch-mode", "navigate"), ("sec-fetch-site", "same-origin"), ("sec-fetch-user", "?1"), ("upgrade-insecure-requests", "1")])
        h1, c1 = self.set_cookie("session_id", s.sid, ms)
        h2, c2 = self.set_cookie("remember_token", f.opaque(40), ms)
        rh = self.resp_headers(ms, "text/html; charset=utf-8", 0, [("location", self.origin + "/compte"), h1, h2, ("server", "cloudflare")])
        return self.entry(kind="form_login", rtype="document", priority="VeryHigh", initiator={"type": "other"}, method="POST",
                          url=self.origin + "/connexion", host=self.host, req_headers=hdrs,
                          post={"mimeType": "application/x-www-form-urlencoded", "text": body, "params": [_h(k, v) for k, v in form]},
                          status=302, resp_headers=rh, resp_cookies=[c1, c2], redirect=self.origin + "/compte", ms=ms, wait_scale=250)

    def k_multipart(self) -> dict[str, Any]:
        r, s, f = self.rng, self.session, self.fake
        ms = self.tick()
        boundary = "----WebKitFormBoundary" + f.alnum(16)
        if r.random() < 0.3:  # someone uploading their .env to a support ticket
            fname, ftype = ".env", "application/octet-stream"
            fbody = r.choice(self.env_files)
        else:
            fname, ftype = f"export-{r.randrange(10**4)}.csv", "text/csv"
            fbody = "sku,name,qty,price\n" + "".join(
                f"SKU-{r.randrange(10**7):07d},{r.choice(_PRODUCTS)},{r.randrange(1, 50)},{r.randrange(199, 99999) / 100}\n"
                for _ in range(r.randrange(5, 400)))
        crlf = "\r\n"
        parts = [
            f'--{boundary}{crlf}Content-Disposition: form-data; name="subject"{crlf}{crlf}Problème avec ma commande n°{r.randrange(10**6)}{crlf}',
            f'--{boundary}{crlf}Content-Disposition: form-data; name="csrf_token"{crlf}{crlf}{s.csrf}{crlf}',
            f'--{boundary}{crlf}Content-Disposition: form-data; name="attachment"; filename="{fname}"{crlf}Content-Type: {ftype}{crlf}{crlf}{fbody}{crlf}',
            f"--{boundary}--{crlf}",
        ]
        body = "".join(parts)
        mime = f"multipart/form-data; boundary={boundary}"
        hdrs = self.req_headers(self.api, "POST", "/api/v2/support/tickets", [
            ("accept", "application/json"), ("authorization", "Bearer " + s.access), ("content-type", mime), ("cookie", s.cookie_header),
            ("origin", self.origin), ("referer", self.origin + "/aide"), ("sec-fetch-dest", "empty"), ("sec-fetch-mode", "cors"),
            ("sec-fetch-site", "same-site"), ("x-csrf-token", s.csrf)])
        text = orjson.dumps({"ticketId": f"T-{r.randrange(10**7)}", "status": "open"}).decode()
        rh = self.resp_headers(ms, "application/json", len(text), [("access-control-allow-origin", self.origin), ("server", "envoy")])
        return self.entry(kind="multipart", rtype="fetch", priority="High", initiator=r.choice(self.initiators), method="POST",
                          url=f"https://{self.api}/api/v2/support/tickets", host=self.api, req_headers=hdrs, req_cookies=s.cookies,
                          post={"mimeType": mime, "text": body}, status=201, resp_headers=rh,
                          content={"size": len(text), "mimeType": "application/json", "text": text}, ms=ms, wait_scale=400)

    def k_maps(self) -> dict[str, Any]:
        r, f = self.rng, self.fake
        ms = self.tick()
        params = [("key", self.maps_key), ("libraries", "places"), ("language", "fr"), ("callback", "initMap")]
        path = "/maps/api/js?" + urlencode(params)
        url, text = r.choice(self.js[:6])
        hdrs = self.req_headers("maps.googleapis.com", "GET", path, [("accept", "*/*"), ("referer", self.origin + "/"),
                                                                    ("sec-fetch-dest", "script"), ("sec-fetch-mode", "no-cors"),
                                                                    ("sec-fetch-site", "cross-site")])
        rh = self.resp_headers(ms, "text/javascript; charset=UTF-8", None, [("cache-control", "public, max-age=1800"), ("server", "mafe")])
        return self.entry(kind="maps", rtype="script", priority="Low", initiator={"type": "parser", "url": self.origin + "/", "lineNumber": 12},
                          method="GET", url="https://maps.googleapis.com" + path, host="maps.googleapis.com", req_headers=hdrs,
                          qs=[_h(k, v) for k, v in params], resp_headers=rh,
                          content={"size": len(text.encode()), "mimeType": "text/javascript", "text": text}, ms=ms)

    def k_websocket(self) -> dict[str, Any]:
        r, s, f = self.rng, self.session, self.fake
        ms = self.tick()
        t = ms / 1000
        msgs: list[dict[str, Any]] = [
            {"type": "send", "time": t + 0.05, "opcode": 1,
             "data": orjson.dumps({"type": "connection_init", "payload": {"Authorization": "Bearer " + s.access}}).decode()},
            {"type": "receive", "time": t + 0.11, "opcode": 1, "data": '{"type":"connection_ack"}'},
        ]
        sub = f.uuid()
        msgs.append({"type": "send", "time": t + 0.12, "opcode": 1, "data": orjson.dumps(
            {"id": sub, "type": "subscribe", "payload": {"query": "subscription { orderUpdates { id status eta } }"}}).decode()})
        for _ in range(r.randrange(10, 400)):
            t += r.expovariate(1 / 2.0)
            if r.random() < 0.1:
                msgs.append({"type": r.choice(("send", "receive")), "time": t, "opcode": 2,
                             "data": base64.b64encode(r.randbytes(r.randrange(8, 200))).decode()})
            else:
                msgs.append({"type": "receive", "time": t, "opcode": 1, "data": orjson.dumps(
                    {"id": sub, "type": "next", "payload": {"data": {"orderUpdates": {
                        "id": f"ORD-{r.randrange(10**9)}", "status": r.choice(("preparing", "shipped", "out_for_delivery")),
                        "eta": _iso(ms + r.randrange(10**8)), "courier": r.choice(_NAMES)}}}}).decode()})
        hdrs = self.req_headers("realtime.shop.example", "GET", "/graphql", [
            ("cache-control", "no-cache"), ("connection", "Upgrade"), ("cookie", s.cookie_header), ("origin", self.origin),
            ("pragma", "no-cache"), ("sec-websocket-extensions", "permessage-deflate; client_max_window_bits"),
            ("sec-websocket-key", base64.b64encode(r.randbytes(16)).decode()), ("sec-websocket-protocol", "graphql-transport-ws"),
            ("sec-websocket-version", "13"), ("upgrade", "websocket")], h1=True)
        rh = self.resp_headers(ms, None, None, [("connection", "upgrade"), ("sec-websocket-accept", base64.b64encode(r.randbytes(20)).decode()),
                                                ("sec-websocket-protocol", "graphql-transport-ws"), ("upgrade", "websocket")], h1=True)
        e = self.entry(kind="websocket", rtype="websocket", priority="Low", initiator=r.choice(self.initiators), method="GET",
                       url="wss://realtime.shop.example/graphql", host="realtime.shop.example", req_headers=hdrs, req_cookies=s.cookies,
                       status=101, resp_headers=rh, ws=msgs, h1=True, ms=ms)
        return e

    # ------------------------------------------------------------------ document

    def next_entry(self, page_idx: int) -> dict[str, Any]:
        if page_idx != self.page_idx:
            self.page_idx = page_idx
            self.now_ms = max(self.now_ms, self.page_starts[page_idx])
            return self.make("document")
        s = self.session
        s.left -= 1
        if s.left <= 0:
            if self.rng.random() < 0.25:
                return self.make("form_login")
            s.left = self.rng.randrange(80, 400)
            return self.make("token")
        return self.make(self.pick())

    def pages(self, n: int, size: int) -> list[dict[str, Any]]:
        # Pages are written before entries (Chrome's order), so their start times are planned:
        # page i starts at a fixed offset; entries of a page run on from there.
        r = self.rng
        starts, t = [], self.t0_ms
        est_entries_per_page = max(1, size // 19_000 // n)
        for _ in range(n):
            starts.append(t)
            t += est_entries_per_page * 95 + r.randrange(5_000, 60_000)
        self.page_starts = starts
        out = []
        for i, st in enumerate(starts):
            path = r.choice(("/", "/produits/" + r.choice(_CATEGORIES), "/panier", "/compte/commandes"))
            out.append({"startedDateTime": _iso(st), "id": f"page_{i + 1}", "title": self.origin + path,
                        "pageTimings": {"onContentLoad": (dcl := r.uniform(300, 2500)), "onLoad": dcl + r.uniform(50, 4000)}})
        return out

    def dump(self, obj: Any, depth: int) -> bytes:
        if not self.indent:
            return orjson.dumps(obj)
        pad = b"\n" + b"  " * depth
        return b"  " * depth + orjson.dumps(obj, option=orjson.OPT_INDENT_2).replace(b"\n", pad)


def generate_har(path: str | os.PathLike[str], size_bytes: int | str, seed: int = 0, gzip: bool = False, *,
                 indent: bool = True, progress: Callable[[int, int], None] | None = None) -> GenerateStats:
    """Write a Chrome-shaped HAR of at most ``size_bytes`` (uncompressed) to ``path``, streaming.

    ``gzip=True`` writes a gzip stream (the JSON text inside is still ``size_bytes``).
    ``indent=False`` writes compact JSON instead of Chrome's 2-space indentation.
    The file appears atomically: it is written to ``path + ".partial"`` and renamed.
    ``progress(written, size_bytes)`` is called every ~64 MB if given.
    """
    size = parse_size(size_bytes)
    started = time.perf_counter()
    g = _HarGenerator(seed, indent=indent)
    n_pages = max(1, min(200, size // 10_000_000))
    pages = g.pages(n_pages, size)

    nl = b"\n" if indent else b""
    sp = b" " if indent else b""
    creator = {"name": "WebInspector", "version": "537.36"}
    head = b"".join([
        b"{", nl, b'  "log": {' if indent else b'"log":{', nl,
        b'    "version":' if indent else b'"version":', sp, b'"1.2",', nl,
        b'    "creator":' if indent else b'"creator":', sp, g.dump(creator, 2).lstrip(), b",", nl,
        b'    "pages":' if indent else b'"pages":', sp, g.dump(pages, 2).lstrip(), b",", nl,
        b'    "entries":' if indent else b'"entries":', sp, b"[", nl,
    ])
    tail = b"".join([nl, b"    ]" if indent else b"]", nl, b"  }" if indent else b"}", nl, b"}"])
    sep = b"," + nl

    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    raw: BinaryIO = open(partial, "wb", buffering=1 << 20)  # noqa: SIM115
    out: BinaryIO = _gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=5, mtime=0) if gzip else raw  # type: ignore[assignment]
    n_entries = 0
    try:
        out.write(head)
        written = len(head)
        budget = size - len(tail)
        next_progress = 64 << 20
        while True:
            page_idx = min(n_pages - 1, written * n_pages // max(1, size))
            chunk = g.dump(g.next_entry(page_idx), 3)
            extra = len(chunk) + (len(sep) if n_entries else 0)
            if n_entries and written + extra > budget:
                break
            if n_entries:
                out.write(sep)
            out.write(chunk)
            written += extra
            n_entries += 1
            if progress and written >= next_progress:
                progress(written, size)
                next_progress += 64 << 20
            if written >= budget:
                break
        out.write(tail)
        written += len(tail)
        if gzip:
            out.close()
        raw.close()
        os.replace(partial, target)
    except BaseException:
        raw.close()
        partial.unlink(missing_ok=True)
        raise
    return GenerateStats(str(target), written, n_entries, n_pages, time.perf_counter() - started, dict(sorted(g.counts.items())))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate a deterministic Chrome-shaped HAR file of a given size.")
    ap.add_argument("out", help="output path (.gz implies --gzip)")
    ap.add_argument("--size", default="50MB", help="uncompressed size: 50MB, 200MB, 1GB, 512KiB (default 50MB)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--gzip", action="store_true", help="gzip the output (size is of the JSON inside)")
    ap.add_argument("--compact", action="store_true", help="no indentation (Chrome indents with 2 spaces)")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)
    try:
        size = parse_size(args.size)
    except ValueError as exc:
        ap.error(str(exc))
    gz = args.gzip or args.out.endswith(".gz")
    prog = None if args.quiet else (lambda w, s: print(f"  {w / 1e6:8.0f} / {s / 1e6:.0f} MB", file=sys.stderr))
    st = generate_har(args.out, size, seed=args.seed, gzip=gz, indent=not args.compact, progress=prog)
    if not args.quiet:
        kinds = ", ".join(f"{k} {v}" for k, v in st.kinds.items())
        print(f"{st.path}: {st.bytes:,} bytes, {st.entries:,} entries, {st.pages} pages in {st.seconds:.2f}s "
              f"({st.mb_per_s:.0f} MB/s)\n  kinds: {kinds}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

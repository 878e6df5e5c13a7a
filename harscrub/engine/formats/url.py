"""URLs and query strings: userinfo, path segments, query and fragment parameters.

A URL is taken apart by hand (never re-assembled by a library) so that everything that is
not a secret stays byte for byte as it was: hosts, ports, paths, parameter order and
encoding. Parameter values are decoded before they are judged, so a secret hides neither
behind percent-encoding nor inside a nested URL (``redirect_uri=https%3A…%3Ftoken%3D…``).
"""

from __future__ import annotations

from urllib.parse import quote, unquote, unquote_plus

import re2

from harscrub.engine import strategies
from harscrub.engine.formats.base import BodyFormat
from harscrub.engine.place import Redacts, Where

_URL = re2.compile(
    r"(?s)^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*:)?(?P<authority>//[^/?#]*)?(?P<path>[^?#]*)"
    r"(?:\?(?P<query>[^#]*))?(?:#(?P<fragment>.*))?$",
)
_ABSOLUTE = re2.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]{1,15}:)?//[^\s/?#]+[^\s]*$")
_EMBEDDED = re2.compile(r"\b[A-Za-z][A-Za-z0-9+.-]{1,15}://[^\s\"'<>`\\]+")
PLACEHOLDER_SPLIT = re2.compile(r"(\[REDACTED:[a-z0-9.-]+:[0-9a-f]+\])")
#: Characters a placeholder needs, left unencoded when a redacted component is re-encoded.
_SAFE = "[]:"
#: File names of static assets: read as text, never as URL tokens (their hashes look random).
_STATIC_FILE = re2.compile(
    r"(?i)\.(?:js|mjs|cjs|css|map|png|jpe?g|gif|webp|avif|svg|ico|bmp|woff2?|ttf|otf|eot|mp4|webm|mp3|ogg|wasm|json|html?)$",
)
#: What percent-decoding turns into other text: escapes, '+' (a space once decoded) and user
#: info (``user:password@``).
URL_HAZARD = r"[+@]|%[0-9A-Fa-f]{2}"


def looks_like_url(text: str) -> bool:
    """An absolute URL (``https://…``, ``wss://…``, ``//host/…``) with no spaces."""
    return "//" in text[:24] and _ABSOLUTE.match(text) is not None


def requote(redacted: str, raw: str, *, plus: bool) -> str:
    """Percent-encode a redacted value the way ``raw`` was encoded; placeholders stay literal."""
    safe = "".join(sorted({c for c in raw if not c.isalnum() and c != "%"}))
    out = []
    for i, piece in enumerate(PLACEHOLDER_SPLIT.split(redacted)):
        if i % 2:
            out.append(piece)
        else:
            quoted = quote(piece, safe=safe)
            out.append(quoted.replace("%20", "+") if plus else quoted)
    return "".join(out)


def _component(r: Redacts, raw: str, where: Where, *, plus: bool) -> str:
    decoded = unquote_plus(raw) if plus else unquote(raw)
    redacted = r.text(decoded, where, "url")
    if redacted == decoded:
        return raw
    return requote(redacted, raw, plus=plus)


def redact_query(r: Redacts, query: str, where: Where, *, label: str = "query", place: str = "url") -> str:
    """``a=1&token=x``: secret names lose their value, other values are scanned."""
    parts = query.split("&")
    for i, part in enumerate(parts):
        if not part:
            continue
        raw_name, sep, raw_value = part.partition("=")
        if not sep:
            parts[i] = _component(r, part, where.sub(label), plus=True)
            continue
        name = unquote_plus(raw_name)
        # A secret used as a parameter name goes too, and the place names what is left of it.
        shown = _component(r, raw_name, where.sub(f"{label} name"), plus=True)
        here = where.sub(f'{label} "{unquote_plus(shown)}"')
        rule = r.names.classify(name, "param")
        if rule is not None:
            value = unquote_plus(raw_value)
            redacted = strategies.apply(r, rule, value, here)
            parts[i] = f"{shown}={quote(str(redacted), safe=_SAFE)}" if redacted != value else f"{shown}={raw_value}"
            continue
        decoded = unquote_plus(raw_value)
        redacted = r.text(decoded, here, place)
        parts[i] = f"{shown}={requote(redacted, raw_value, plus=True) if redacted != decoded else raw_value}"
    return "&".join(parts)


def query_names(query: str) -> list[str]:
    """The parameter names of a query string or form body, decoded."""
    return [unquote_plus(part.partition("=")[0]) for part in query.split("&") if part]


def _path(r: Redacts, path: str, where: Where) -> str:
    segments = path.split("/")
    here = where.sub("path")
    return "/".join(_segment(r, s, here) if len(s) >= 8 else s for s in segments)


def _segment(r: Redacts, raw: str, where: Where) -> str:
    """A path segment; a static file's name (``main.3f9a….chunk.js``) is read as text, not as a
    URL token: content hashes in asset names look random and are not secrets."""
    if _STATIC_FILE.search(raw) is None:
        return _component(r, raw, where, plus=False)
    decoded = unquote(raw)
    redacted = r.text(decoded, where)
    return raw if redacted == decoded else requote(redacted, raw, plus=False)


def _authority(r: Redacts, authority: str, where: Where) -> str:
    userinfo, at, hostport = authority[2:].rpartition("@")
    if not at:
        return authority
    raw_user, colon, raw_password = userinfo.partition(":")
    # A placeholder's brackets and colons would end the user info: a part that changed is
    # percent-encoded there, so the URL still parses with the same host. A part that did not
    # change keeps its bytes (a placeholder written there by an earlier run included).
    user = _component(r, raw_user, where.sub("username"), plus=False)
    user = raw_user if user == raw_user else _userinfo_safe(user)
    password = raw_password
    if colon and raw_password:
        rule = r.rules.by_id("url-credentials")
        decoded = unquote(raw_password)
        redacted = r.secret(decoded, rule, where.sub("password"))
        if redacted != decoded:
            password = _userinfo_safe(redacted)
    return "//" + user + colon + password + at + hostport


def _userinfo_safe(part: str) -> str:
    pieces = PLACEHOLDER_SPLIT.split(part)
    return "".join(quote(p, safe="") if i % 2 else p for i, p in enumerate(pieces))


def redact_url(r: Redacts, url: str, where: Where) -> str:
    """Redact a whole URL (absolute or relative), keeping every non-secret byte."""
    if r.quiet(url, "url"):
        return url
    url = _links(r, url, where)
    m = _URL.match(url)
    if m is None:  # pragma: no cover - the pattern matches every string
        return r.shapes(url, where, "url")
    out = []
    if m["scheme"]:
        out.append(m["scheme"])
    if m["authority"] is not None:
        out.append(_authority(r, m["authority"], where))
    out.append(_path(r, m["path"], where))
    if m["query"] is not None:
        out.append("?" + redact_query(r, m["query"], where))
    if m["fragment"] is not None:
        out.append("#" + _fragment(r, m["fragment"], where))
    return "".join(out)


def _links(r: Redacts, url: str, where: Where) -> str:
    """Rules that match a whole URL (a webhook: host and path together are the credential)."""
    found = r.values.find(url, "link")
    if not found:
        return url
    out, last = [], 0
    for d in found:
        out.append(url[last:d.start])
        out.append(r.secret(url[d.start:d.end], d.rule, where.sub("url")))
        last = d.end
    out.append(url[last:])
    return "".join(out)


def _fragment(r: Redacts, fragment: str, where: Where) -> str:
    """``#access_token=…&id_token=…`` and SPA routes ``#/cb?code=…`` are parameters too."""
    here = where.sub("fragment")
    if "?" in fragment:
        route, _, query = fragment.partition("?")
        return _path(r, route, here) + "?" + redact_query(r, query, here, label="fragment")
    if "=" in fragment:
        return redact_query(r, fragment, where, label="fragment")
    return _path(r, fragment, here)


def redact_embedded(r: Redacts, text: str, where: Where) -> str:
    """URLs inside free text (a log line, a script, an error page) get the URL treatment."""
    if "://" not in text:
        return text
    return str(_EMBEDDED.sub(lambda m: redact_url(r, m.group(0), where), text))


URL = BodyFormat(
    name="url",
    redact=lambda r, text, _mime, where: redact_url(r, text, where),
    sniff=looks_like_url,
    quiet_as="url",
    url_hazard=URL_HAZARD,
)

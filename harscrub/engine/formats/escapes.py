"""Escapes inside text: HTML character references and JavaScript string escapes.

A token in a page can be written ``ghp&#95;…`` or ``&quot;token&quot;:&quot;…``; one in a
script ``"ghp\\x5f…"`` or ``JSON.parse("{\\"token\\":\\"…\\"}")`` or ``https:\\u002F\\u002F…``.
No rule sees it as written. So the text is unescaped, the unescaped text is judged like any
other (its formats sniffed, its shapes found), and each secret found is replaced in the text
*as written*: every character of the unescaped text remembers the span of the original it
came from, so the rest of the page or script keeps its exact bytes.
"""

from __future__ import annotations

import html
import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from harscrub.detection.forms import spellings
from harscrub.engine.place import Redacts, Where

_JS_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


@lru_cache(maxsize=4096)
def _js(escape: str) -> str:
    kind = escape[1]
    if kind == "x":
        return chr(int(escape[2:], 16))
    if kind == "u":
        code = int(escape[3:-1] if escape[2] == "{" else escape[2:], 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
    return _JS_SIMPLE.get(kind, kind)


@lru_cache(maxsize=4096)
def _html(reference: str) -> str:
    return html.unescape(reference)


@dataclass(frozen=True)
class Escapes:
    """One escaping scheme: how a sequence is found, decoded and written back."""

    name: str
    #: Finds one escape sequence. Python ``re`` here, not RE2: a page can hold a million
    #: escapes and RE2's Python wrapper costs ~10 µs a match against ~0.3 µs; both patterns are
    #: an alternation of bounded runs, linear on any input (tests/test_linear_patterns.py).
    sequence: re.Pattern[str]
    decode: Callable[[str], str]
    #: Writes text back for this scheme, where a secret could not be pointed at in place.
    encode: Callable[[str], str]
    #: A cheap test: the text may hold a sequence.
    marker: str
    #: The prefilter condition of a text this scheme can turn into other text.
    hazard: str

    def present(self, text: str) -> bool:
        return self.marker in text and self.sequence.search(text) is not None


HTML_REFERENCES = Escapes(
    name="html references",
    sequence=re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"),
    decode=_html,
    encode=lambda text: html.escape(text, quote=True),
    marker="&",
    hazard=r"&#?[A-Za-z0-9]{2,};",
)
JS_STRING_ESCAPES = Escapes(
    name="script escapes",
    sequence=re.compile(r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|u\{[0-9A-Fa-f]{1,6}\}|[^xu\r\n])"),
    decode=_js,
    encode=lambda text: json.dumps(text, ensure_ascii=False)[1:-1].replace("'", "\\'"),
    marker="\\",
    hazard=r"\\",
)
#: The schemes, in the order they are peeled.
ESCAPES: tuple[Escapes, ...] = (HTML_REFERENCES, JS_STRING_ESCAPES)


class Unescaped:
    """The unescaped text and the way back: where each of its spans came from in the original."""

    def __init__(self, text: str, scheme: Escapes) -> None:
        pieces: list[str] = []
        #: (decoded start, decoded length, original start, original length) of each escape.
        self._escapes: list[tuple[int, int, int, int]] = []
        self._starts: list[int] = []
        last = decoded = 0
        for m in scheme.sequence.finditer(text):
            start, end = m.span()
            plain = text[last:start]
            pieces.append(plain)
            decoded += len(plain)
            value = scheme.decode(m.group(0))
            pieces.append(value)
            self._escapes.append((decoded, len(value), start, end - start))
            self._starts.append(decoded)
            decoded += len(value)
            last = end
        pieces.append(text[last:])
        self.text = "".join(pieces)

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text the unescaped span ``[start, end)`` came from."""
        return self._at(start, False), self._at(end - 1, True)

    def _at(self, pos: int, end: bool) -> int:
        k = bisect_right(self._starts, pos) - 1
        if k < 0:
            return pos + 1 if end else pos
        dec_start, dec_len, orig_start, orig_len = self._escapes[k]
        if pos < dec_start + dec_len:  # inside an escape: the whole sequence
            return orig_start + orig_len if end else orig_start
        shifted = pos + (orig_start + orig_len) - (dec_start + dec_len)
        return shifted + 1 if end else shifted


def redact_escaped(r: Redacts, text: str, scheme: Escapes, where: Where) -> str:
    """``text`` with every secret found in its unescaped form replaced where it is written."""
    view = Unescaped(text, scheme)
    if view.text == text:
        return text
    with r.collecting() as found:
        judged = r.text(view.text, where.sub(scheme.name))
    if judged == view.text:
        return text
    spans: list[tuple[int, int, str]] = []
    lost = False
    for secret in sorted(set(found), key=len, reverse=True):
        tag = r.placeholder_of(secret)
        located = False
        for form in spellings(secret) | {secret}:
            at = view.text.find(form)
            while at >= 0:
                located = True
                spans.append((at, at + len(form), tag))
                at = view.text.find(form, at + len(form))
        lost = lost or not located
    if lost:
        # A secret found inside something the judge decoded further (base64 in an escaped
        # string): write back the changed stretch from the judged text, escaped again.
        head = _common_prefix(view.text, judged)
        tail = _common_suffix(view.text[head:], judged[head:])
        spans = [(head, len(view.text) - tail, scheme.encode(judged[head:len(judged) - tail]))]
    merged: list[tuple[int, int, str]] = []
    for start, end, replacement in sorted(spans, key=lambda s: (s[0], -s[1])):
        if merged and start < merged[-1][1]:  # overlaps: one placeholder covers both
            merged[-1] = (merged[-1][0], max(merged[-1][1], end), merged[-1][2])
        else:
            merged.append((start, end, replacement))
    out: list[str] = []
    last = 0
    for start, end, replacement in merged:
        o_start, o_end = view.original(start, end)
        out.append(text[last:o_start])
        out.append(replacement)
        last = o_end
    out.append(text[last:])
    return "".join(out)


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _common_suffix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[-1 - i] == b[-1 - i]:
        i += 1
    return i

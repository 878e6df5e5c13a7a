"""The forms a secret can take inside a HAR's strings: one table for everyone who looks.

A secret found in one place is looked for everywhere else as it may have been written there:
as is, JSON-escaped, percent-encoded (a query value, a form field, a nested URL),
HTML-escaped (a page echoing it), or base64'd (inside ``Basic`` credentials, a cookie, a
blob). The sweep removes every form of every secret, ``check --against`` names the form a
survivor was found in, ``locate`` finds a secret in the raw file text, and the tests plant
secrets in each form. Adding an encoding is one row of :data:`FORMS`.
"""

from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass
from typing import Callable
from urllib.parse import quote, quote_plus

#: Shorter spellings are never looked for: six characters match too much ordinary text.
MIN_FORM_LENGTH = 6


def _base64_cores(secret: bytes) -> set[str]:
    """The part of ``base64(x + secret + y)`` that does not depend on x and y, for 3 alignments."""
    cores = set()
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + secret).decode("ascii")
        start = 4 if shift else 0  # the first quantum mixes in the alignment bytes
        usable = (len(b"\0" * shift + secret) // 3) * 4  # drop the trailing partial quantum
        core = encoded[start:usable]
        if len(core) >= 12:
            cores.add(core)
            cores.add(core.replace("+", "-").replace("/", "_"))
    return cores


@dataclass(frozen=True)
class Form:
    """One way of writing a secret: its name in reports, and every spelling of it.

    ``case_insensitive``: the encoding's own characters may come in either case (``%2f``
    and ``%2F``), so a search must ignore their case.
    """

    name: str
    spell: Callable[[str], set[str]]
    case_insensitive: bool = False


FORMS: tuple[Form, ...] = (
    Form("raw", lambda s: {s}),
    Form("json-escaped", lambda s: {json.dumps(s, ensure_ascii=False)[1:-1], json.dumps(s)[1:-1]}),
    Form("url-encoded", lambda s: {quote(s, safe=""), quote_plus(s), quote(s, safe="/:")}, case_insensitive=True),
    Form("html-escaped", lambda s: {html.escape(s)}),
    Form("base64", lambda s: _base64_cores(s.encode("utf-8", "surrogatepass")) if len(s) >= 9 else set()),
)


def spellings(secret: str) -> set[str]:
    """Every spelling of ``secret`` in every form, at least :data:`MIN_FORM_LENGTH` long."""
    found: set[str] = set().union(*(form.spell(secret) for form in FORMS))
    found |= {s.lower() for s in found if "%" in s}  # percent-escapes written in lower case (%2f)
    return {s for s in found if len(s) >= MIN_FORM_LENGTH}


def form_in(secret: str, text: str) -> str:
    """The name of the plainest form of ``secret`` that ``text`` holds (the last form if none)."""
    lowered = text.lower()
    for form in FORMS:
        for spelled in form.spell(secret):
            if (spelled in text or (form.case_insensitive and spelled.lower() in lowered)):
                return form.name
    return FORMS[-1].name

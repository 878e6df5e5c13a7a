"""Redaction strategies: how the value of a secret-named field is rewritten.

A ``name`` rule says *that* a value is secret; its ``strategy`` says *how much* of it goes.
Each strategy keeps what support needs (the auth scheme, cookie names and attributes) and
hands every secret part to :meth:`~harscrub.engine.place.Redacts.secret`.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any, Callable

import re2

from harscrub.detection.rules import Rule
from harscrub.detection.specificity import is_data, is_random
from harscrub.engine.place import Redacts, Where
from harscrub.stream.decode import object_of

_SCHEME = re2.compile(r"(?s)^(\s*[A-Za-z][A-Za-z0-9._~+/-]*)(\s+)(.+)$")
#: Python ``re``: one character class after a literal, linear (RE2's Python split is 70x slower).
_COOKIE_SPLIT = re.compile(r"(;\s*)")
#: Stands for the missing name of a cookie, so the cookie rules still judge its value.
UNNAMED_COOKIE = "(unnamed)"


def whole(r: Redacts, rule: Rule, value: Any, where: Where) -> Any:
    """The whole value goes. Inside a container, each member is judged by its own name first:
    a credential name gets its own rule, a metadata name (``Expiration``, ``tokenType``) is
    judged as data, and any other member inherits this rule, except values that are plainly
    data (a date, a number, a URL). Numbers go only where the name leaves no doubt (a PIN)."""
    if isinstance(value, str):
        return r.secret(value, rule, where)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return r.secret(str(value), rule, where) if rule.doubtless else value
    if isinstance(value, dict):
        members = []
        for k, v in value.items():
            shown = r.shapes(k, where.sub("member name")) if isinstance(k, str) else k
            members.append((shown, _member(r, rule, k, v, where.at(shown))))
        return object_of(members)
    if isinstance(value, list):
        return [whole(r, rule, v, where.at(i)) for i, v in enumerate(value)]
    return value


def _member(r: Redacts, rule: Rule, name: Any, value: Any, where: Where) -> Any:
    """A member of a container found under a credential name (see :func:`whole`)."""
    if isinstance(name, str):
        own = r.names.classify(name, "param")
        if own is not None:
            return apply(r, own, value, where)
        if r.names.is_metadata(name):
            return r.any(value, where)
    if isinstance(value, str) and is_data(value):
        return r.text(value, where)
    return whole(r, rule, value, where)


def keep_scheme(r: Redacts, rule: Rule, value: Any, where: Where) -> Any:
    """``Bearer abc`` -> ``Bearer [REDACTED…]``: the scheme tells support which auth was used."""
    if not isinstance(value, str):
        return whole(r, rule, value, where)
    m = _SCHEME.match(value)
    if m is None:
        return r.secret(value, rule, where)
    scheme, space, credentials = m.groups()
    if scheme.strip().lower() == "basic":
        _remember_basic_password(r, rule, credentials.strip())
    return scheme + space + r.secret(credentials, rule, where)


def _remember_basic_password(r: Redacts, rule: Rule, credentials: str) -> None:
    try:
        decoded = base64.b64decode(credentials + "=" * (-len(credentials) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return
    user, sep, password = decoded.partition(":")
    if sep and len(password) >= 6:
        r.remember(password, rule)


def _cookie_pair(r: Redacts, pair: str, where: Where) -> str:
    name, sep, value = pair.partition("=")
    if not sep:
        # A bare token is a value without a name: fail closed.
        name, value = "", pair
    cookie_name = name.strip()
    shown = r.shapes(name, where.sub("cookie name")) if cookie_name else name  # a token used as a name
    rule = r.names.classify(cookie_name or UNNAMED_COOKIE, "cookie")
    if rule is None or not value:
        return shown + sep + value
    redacted = apply(r, rule, value, where.sub(f'cookie "{shown.strip()}"'))
    return f"{shown}{sep}{redacted}"


def cookie_header(r: Redacts, rule: Rule, value: Any, where: Where) -> Any:
    """``Cookie: a=1; b=2``: every value goes, every name stays."""
    if not isinstance(value, str):
        return whole(r, rule, value, where)
    parts = _COOKIE_SPLIT.split(value)
    return "".join(p if i % 2 or not p.strip() else _cookie_pair(r, p, where) for i, p in enumerate(parts))


def set_cookie(r: Redacts, rule: Rule, value: Any, where: Where) -> Any:
    """``Set-Cookie: sid=abc; Path=/; HttpOnly``: the value goes, name and attributes stay.

    Firefox joins several Set-Cookie headers with newlines; each line is one cookie.
    """
    if not isinstance(value, str):
        return whole(r, rule, value, where)
    lines = []
    for line in value.split("\n"):
        first, sep, attributes = line.partition(";")
        lines.append(_cookie_pair(r, first, where) + sep + (r.shapes(attributes, where) if attributes else ""))
    return "\n".join(lines)


#: A preference value: a word, a language tag, a flag, a small number, a date.
_PLAIN = re2.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,23}$")


def keep_plain(r: Redacts, rule: Rule, value: Any, where: Where) -> Any:
    """A preference (theme, language, consent): kept when its value is plain data, else whole.

    ``theme=dark`` or ``lang=en-US`` tells support how the page looked; a random value under
    the same name may be an identifier after all, and goes (fail closed).
    """
    if isinstance(value, str) and (value == "" or is_data(value) or
                                   (_PLAIN.match(value) is not None and not is_random(value) and
                                    sum(c.isdigit() for c in value) <= 8)):
        return value
    return whole(r, rule, value, where)


STRATEGIES: dict[str, Callable[[Redacts, Rule, Any, Where], Any]] = {
    "whole": whole,
    "keep-scheme": keep_scheme,
    "cookie-header": cookie_header,
    "set-cookie": set_cookie,
    "keep-plain": keep_plain,
}


def apply(r: Redacts, rule: Rule, value: Any, where: Where) -> Any:
    return STRATEGIES[rule.strategy](r, rule, value, where)

"""Walk one HAR entry: every place a secret can sit, each handed to the right redactor.

Known places get their structure-aware treatment (headers by name, cookies, URL parts,
bodies by MIME type); every other field — vendor fields such as ``_initiator`` or
``_webSocketMessages``, fields a future browser adds — goes through the generic walk, where
URL-valued strings are treated as URLs, credential-named members lose their values and all
other strings meet the value rules. Nothing in an entry is passed through unread.
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Any, Callable, cast

from harscrub.detection.rules import Rule
from harscrub.engine import har, strategies
from harscrub.engine.formats.base64 import redact_base64_body
from harscrub.engine.formats.url import redact_url
from harscrub.engine.place import Where
from harscrub.engine.redactor import Redactor
from harscrub.engine.strategies import UNNAMED_COOKIE

#: Headers whose value is a URL (or, for ``:path``, the path and query of one).
URL_HEADERS = frozenset({"referer", "location", "content-location", "origin", ":path", "link", "refresh"})


def _headers(r: Redactor, headers: Any, where: Where) -> Any:
    if not isinstance(headers, list):
        return r.any(headers, where)
    out = []
    quiet, classify = r.quiet, r.names.classify
    for i, header in enumerate(headers):
        if type(header) is dict and len(header) == 2:
            # The common case, decided without building places: a plain header whose name
            # makes nothing secret and whose value no rule can touch stays as it is.
            name, value = header.get("name"), header.get("value")
            if (type(name) is str and type(value) is str and quiet(value) and quiet(name)
                    and classify(name, "header") is None and name.lower() not in URL_HEADERS):
                out.append(header)
                continue
        here = where.at(i)
        if not isinstance(header, dict) or not isinstance(header.get("name"), str):
            out.append(r.any(header, here))
            continue
        name = header["name"]
        shown = r.shapes(name, here.at("name", detail="header name"))  # a token used as a name goes too
        new = {}
        for key, value in header.items():
            if key == "value":
                new[key] = _header_value(r, name, value, here.at("value", detail=f'header "{shown}"'))
            elif key == "name":
                new[key] = shown
            else:
                new[key] = r.any(value, here.at(key))
        out.append(new)
    return out


def _header_value(r: Redactor, name: str, value: Any, where: Where) -> Any:
    rule = r.names.classify(name, "header")
    if rule is not None:
        return _pair_value(r, name, value, where, "header")
    if name.lower() in URL_HEADERS:
        return _url(r, value, where)
    return r.any(value, where)


def _pair_value(r: Redactor, name: Any, value: Any, where: Where, place: str, shape_place: str = "text") -> Any:
    """The value of a header, cookie or parameter, which HAR 1.2 says is a string.

    A number or a list there is a malformed field: under a credential name it goes whole,
    numbers included, whatever the name (fail closed; see :func:`strategies.whole`).
    """
    if not isinstance(value, str) and isinstance(name, str):
        rule = r.names.classify(name, place)
        if rule is not None:
            return strategies.whole(r, _malformed(rule), value, where)
    return r.named(name, value, where, place, shape_place)


@lru_cache(maxsize=64)
def _malformed(rule: Rule) -> Rule:
    return dataclasses.replace(rule, doubtless=True)


def _cookies(r: Redactor, cookies: Any, where: Where) -> Any:
    if not isinstance(cookies, list):
        return r.any(cookies, where)
    out = []
    for i, cookie in enumerate(cookies):
        here = where.at(i)
        if not isinstance(cookie, dict):
            out.append(r.any(cookie, here))
            continue
        name = cookie.get("name")
        shown = r.shapes(name, here.at("name", detail="cookie name")) if isinstance(name, str) else name
        label = f'cookie "{shown}"'
        # A cookie without a usable name is still a cookie: its value goes like any other's.
        cookie_name = name if isinstance(name, str) and name else UNNAMED_COOKIE
        new = {}
        for key, value in cookie.items():
            if key == "value":
                new[key] = _pair_value(r, cookie_name, value, here.at(key, detail=label), "cookie")
            elif key == "name":
                new[key] = shown
            else:
                new[key] = r.any(value, here.at(key, detail=label))
        out.append(new)
    return out


def _params(r: Redactor, params: Any, where: Where, label: str, shape_place: str) -> Any:
    """``queryString[]`` and ``postData.params[]``: the same judgement as the URL or body text."""
    if not isinstance(params, list):
        return r.any(params, where)
    out = []
    for i, param in enumerate(params):
        if type(param) is dict and len(param) == 2 and r.plain(param.get("name"), param.get("value"), "param", shape_place):
            out.append(param)  # a plain name and a value no rule can touch
            continue
        here = where.at(i)
        if not isinstance(param, dict):
            out.append(r.any(param, here))
            continue
        name = param.get("name")
        shown = r.shapes(name, here.at("name", detail=f"{label} name")) if isinstance(name, str) else name
        detail = f'{label} "{shown}"'
        new = {}
        for key, value in param.items():
            if key == "value":
                new[key] = _pair_value(r, name, value, here.at(key, detail=detail), "param", shape_place)
            elif key == "name":
                new[key] = shown
            else:
                new[key] = r.any(value, here.at(key, detail=detail))
        out.append(new)
    return out


def _post_data(r: Redactor, post: Any, where: Where) -> Any:
    if not isinstance(post, dict):
        return r.any(post, where)
    mime = cast(str, post.get("mimeType")) if isinstance(post.get("mimeType"), str) else ""
    label = "multipart" if "multipart/" in mime.lower() else "form"
    encoding = post.get("encoding")  # not in HAR 1.2, but tools that keep binary bodies write it
    new = {}
    for key, value in post.items():
        here = where.at(key, detail=f"request body ({mime or 'no type'})")
        if key == "text" and isinstance(encoding, str) and encoding.lower() == "base64":
            new[key] = _each_string(r, value, here, lambda text, w: redact_base64_body(r, text, mime, w))
        elif key == "text":
            new[key] = _each_string(r, value, here, lambda text, w: r.body(text, mime, w))
        elif key == "params":
            new[key] = _params(r, value, here, label, "text")
        else:
            new[key] = r.any(value, here)
    return new


def _content(r: Redactor, content: Any, where: Where) -> Any:
    if not isinstance(content, dict):
        return r.any(content, where)
    mime = cast(str, content.get("mimeType")) if isinstance(content.get("mimeType"), str) else ""
    encoding = content.get("encoding")
    new = {}
    for key, value in content.items():
        here = where.at(key, detail=f"response body ({mime or 'no type'})")
        if key == "text":
            if isinstance(encoding, str) and encoding.lower() == "base64":
                new[key] = _each_string(r, value, here, lambda text, w: redact_base64_body(r, text, mime, w))
            else:
                new[key] = _each_string(r, value, here, lambda text, w: r.body(text, mime, w))
        elif har.structural(har.CONTENT, key, value):
            new[key] = value
        else:
            new[key] = r.any(value, here)
    return new


def _each_string(r: Redactor, value: Any, where: Where, handle: Callable[[str, Where], str]) -> Any:
    """A field that should hold a string (a URL, a body): ``handle`` is what that string gets.

    Fail closed on odd types: every string inside a list or dict gets the same treatment (a
    relative ``/cb?code=…`` or a multipart body means nothing to the generic walk); keys are
    read by name, as everywhere.
    """
    if isinstance(value, str):
        return handle(value, where)
    if isinstance(value, list):
        return [_each_string(r, v, where.at(i), handle) for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if isinstance(k, str) and r.names.classify(k, "param"):
                shown, out_value = r.member(k, v, where)
            else:
                shown = r.shapes(k, where.sub("member name")) if isinstance(k, str) else k
                out_value = _each_string(r, v, where.at(shown), handle)
            out[shown] = out_value
        return out
    return r.any(value, where)


def _url(r: Redactor, value: Any, where: Where) -> Any:
    return _each_string(r, value, where, lambda text, w: redact_url(r, text, w))


def _message(r: Redactor, message: Any, where: Where) -> Any:
    """A WebSocket frame: text frames are text, binary frames (opcode 2) are base64."""
    if not isinstance(message, dict) or not isinstance(message.get("data"), str):
        return r.any(message, where)
    new = dict(message)
    here = where.at("data", detail="websocket message")
    if message.get("opcode") == 2:
        new["data"] = redact_base64_body(r, message["data"], "", here)
    else:
        new["data"] = r.text(message["data"], here)
    for key, value in message.items():
        if key != "data":
            new[key] = r.any(value, where.at(key))
    return new


def _messages(r: Redactor, messages: Any, where: Where) -> Any:
    if not isinstance(messages, list):
        return r.any(messages, where)
    return [_message(r, m, where.at(i)) for i, m in enumerate(messages)]


_REQUEST = {
    "url": _url,
    "headers": _headers,
    "cookies": _cookies,
    "queryString": lambda r, v, w: _params(r, v, w, "query", "url"),
    "postData": _post_data,
}
_RESPONSE = {
    "headers": _headers,
    "cookies": _cookies,
    "content": _content,
    "redirectURL": _url,
}


def _section(r: Redactor, section: Any, where: Where, handlers: dict[str, Any],
             structure: dict[str, tuple[type, ...]]) -> Any:
    if not isinstance(section, dict):
        return r.any(section, where)
    out = {}
    for key, value in section.items():
        if key in handlers:
            out[key] = handlers[key](r, value, where.at(key))
        elif har.structural(structure, key, value) or r.plain(key, value):
            out[key] = value
        else:
            shown, redacted = r.member(key, value, where)
            out[shown] = redacted
    return out


def walk_entry(r: Redactor, entry: dict[str, Any], index: int) -> dict[str, Any]:
    """The redacted copy of one entry; the input dict is not modified."""
    root = Where(index, ("log", "entries", index))
    out: dict[str, Any] = {}
    for key, value in entry.items():
        here = root.at(key)
        if key == "request":
            out[key] = _section(r, value, here, _REQUEST, har.REQUEST)
        elif key == "response":
            out[key] = _section(r, value, here, _RESPONSE, har.RESPONSE)
        elif key == "_webSocketMessages":
            out[key] = _messages(r, value, here)
        elif har.structural(har.ENTRY, key, value) or (key == "timings" and har.timings(value)) or r.plain(key, value):
            out[key] = value
        else:
            shown, redacted = r.member(key, value, root)
            out[shown] = redacted
    return out


def walk_member(r: Redactor, key: str, value: Any, path: tuple[str, ...] = ("log",)) -> tuple[str, Any]:
    """A member of ``log`` other than ``entries`` (``pages``, ``creator``, vendor fields), or with
    ``path=()`` of the root: its name (a token used as one goes) and its redacted value."""
    shown, redacted = r.member(key, value, Where(None, path))
    return cast(str, shown), redacted

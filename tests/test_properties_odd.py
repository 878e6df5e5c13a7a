"""Properties over odd-yet-legal HARs, the inputs the first property tests could not produce (issue 13).

The documents of ``test_properties.py`` come from ``json.dumps`` of a dict, so they never hold a
lone surrogate escape, a repeated member, a secret used as a *name*, an encoding label that
lies, or a multipart body laid out unlike the textbook. The generators here write raw JSON text
(``tests/factories.raw_json``) to get each of those, plant secrets as ``test_properties`` does,
and hold every run to the same contract:

- a result or a clean one-line :class:`HarscrubError`, never another exception;
- the output parses with a strict parser (no ``NaN`` or ``Infinity``);
- no planted secret survives, in any encoding;
- ``check`` finds nothing in the output.

Each family here once found a gap (issue 13); none is marked: a red run is a regression.
"""

from __future__ import annotations

import base64
import io
import json
import random
import string
from typing import Any, Callable
from urllib.parse import quote

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from harscrub.engine.check import check_stream
from harscrub.engine.sanitize import sanitize_stream
from harscrub.errors import HarscrubError

from .conftest import examples
from .factories import Pairs, har_errors, make_entry, raw_json, strict_json
from .test_properties import KINDS, NAMED, POLICY, _decoded_bodies, forms

SHAPED_KINDS = sorted(k for k, (_, shaped) in KINDS.items() if shaped)
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"]


def secret_of(kind: str, seed: int) -> str:
    return KINDS[kind][0](random.Random(seed))


def run(raw: bytes) -> tuple[bytes, Any] | None:
    """Sanitize ``raw``: (output, report), or None for a clean refusal; anything else fails."""
    out = io.BytesIO()
    try:
        report = sanitize_stream(io.BytesIO(raw), out, POLICY, spool=io.BytesIO())
    except HarscrubError as exc:
        assert "\n" not in str(exc) and str(exc)
        assert out.getvalue() == b""
        return None
    return out.getvalue(), report


def assert_clean(raw: bytes, secrets: list[str], *, refusal_ok: bool = False) -> dict[str, Any] | None:
    """The contract of the module docstring; the output document."""
    ran = run(raw)
    if ran is None:
        assert refusal_ok, "a valid HAR was refused"
        return None
    output, report = ran
    text = output.decode("utf-8")
    doc = strict_json(text)
    hidden = _decoded_bodies(doc)
    for secret in secrets:
        leaked = sorted(f for f in forms(secret) if f in text or f in hidden)
        assert not leaked, f"secret survives as {leaked}"
    result = check_stream(io.BytesIO(output), POLICY)
    assert result.hits == [], [(h.finding.rule, h.finding.pointer) for h in result.hits]
    assert report.entries == len(doc["log"]["entries"])
    return doc


def document(entries: list[Any]) -> bytes:
    return raw_json({"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
                             "entries": entries}}).encode("ascii")


@st.composite
def planted(draw: st.DrawFn, shaped_only: bool = False) -> tuple[str, str, int]:
    """(kind, place, seed) of one secret in one of the places of test_properties."""
    kind = draw(st.sampled_from(SHAPED_KINDS if shaped_only else sorted(KINDS)))
    return kind, draw(st.sampled_from(sorted(NAMED))), draw(st.integers(0, 2**32))


# -- lone surrogates -------------------------------------------------------------------------------------
def _sprinkle(value: Any, draw: st.DrawFn) -> Any:
    """``value`` with lone surrogates put into some of its strings (never into a planted secret)."""
    if isinstance(value, str):
        if value and draw(st.integers(0, 4)) == 0:
            at = draw(st.sampled_from([0, len(value)]))
            return value[:at] + draw(st.sampled_from(SURROGATES)) + value[at:]
        return value
    if isinstance(value, dict):
        return {k: _sprinkle(v, draw) for k, v in value.items()}
    if isinstance(value, list):
        return [_sprinkle(v, draw) for v in value]
    return value


@st.composite
def with_surrogates(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    """Lone surrogate escapes in the HAR's own strings (header values, URLs, bodies, members)."""
    kind, place, seed = draw(planted())
    secret = secret_of(kind, seed)
    e = make_entry(0)
    e = _sprinkle(e, draw)
    NAMED[place](e, secret)
    e["_note"] = draw(st.sampled_from(SURROGATES)) + "trailing"
    return document([e, _sprinkle(make_entry(1), draw)]), [secret]


@settings(max_examples=examples(0.2), suppress_health_check=[HealthCheck.too_slow])
@given(with_surrogates())
def test_lone_surrogates_in_har_strings_are_sanitized(case: tuple[bytes, list[str]]) -> None:
    raw, secrets = case
    assert b"\\ud" in raw or b"\\uD" in raw
    doc = assert_clean(raw, secrets)
    assert doc is not None and har_errors(doc) == []


@st.composite
def surrogates_in_json_bodies(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    """A lone surrogate escape inside a JSON body (a string holding JSON text), next to a secret."""
    kind = draw(st.sampled_from(SHAPED_KINDS))
    secret = secret_of(kind, draw(st.integers(0, 2**32)))
    lone = "\\" + "u" + draw(st.sampled_from(["d800", "dbff", "dc00", "dfff"]))
    body = draw(st.sampled_from([
        '{"note": "' + lone + ' ' + secret + '"}',
        '{"' + lone + 'k": "' + secret + '"}',
        '["' + secret + lone + '"]',
        '{"password": "' + lone + secret + '"}',
    ]))
    e = make_entry(0)
    e["request"].update(method="POST", postData={"mimeType": "application/json", "text": body})
    return document([e]), [secret]


@settings(max_examples=examples(0.05), suppress_health_check=[HealthCheck.too_slow])
@given(surrogates_in_json_bodies())
def test_lone_surrogates_in_json_bodies_are_sanitized(case: tuple[bytes, list[str]]) -> None:
    assert_clean(*case)


# -- duplicate members -----------------------------------------------------------------------------------
@st.composite
def with_duplicate_keys(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    """An entry written with repeated members: the secret in the first, the last or both copies."""
    kind, place, seed = draw(planted())
    secret = secret_of(kind, seed)
    plain = make_entry(0)
    with_secret = make_entry(0)
    NAMED[place](with_secret, secret)
    # The repeated member is one the secret was planted in (a top-level one when it sits there).
    part = draw(st.sampled_from([k for k in with_secret if with_secret[k] != plain.get(k)]))
    order = draw(st.sampled_from(["secret first", "secret last", "both"]))
    copies = {"secret first": (with_secret, plain), "secret last": (plain, with_secret),
              "both": (with_secret, with_secret)}[order]
    pairs = Pairs((k, v) for k, v in plain.items() if k != part)
    pairs.extend((part, c.get(part, with_secret[part])) for c in copies)
    return document([pairs]), [secret]


@settings(max_examples=examples(0.2), suppress_health_check=[HealthCheck.too_slow])
@given(with_duplicate_keys())
def test_duplicate_members_hide_no_secret(case: tuple[bytes, list[str]]) -> None:
    assert_clean(*case)


@st.composite
def duplicate_keys_in_json_bodies(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    """A JSON body (a string holding JSON text) with a repeated key: the secret in the first copy."""
    kind = draw(st.sampled_from(SHAPED_KINDS))
    secret = secret_of(kind, draw(st.integers(0, 2**32)))
    key = draw(st.sampled_from(["note", "password", "data", "x"]))
    body = '{"' + key + '": "' + secret + '", "' + key + '": "plain"}'
    e = make_entry(0)
    e["request"].update(method="POST", postData={"mimeType": "application/json", "text": body})
    return document([e]), [secret]


@settings(max_examples=examples(0.05), suppress_health_check=[HealthCheck.too_slow])
@given(duplicate_keys_in_json_bodies())
def test_duplicate_keys_in_json_bodies_hide_no_secret(case: tuple[bytes, list[str]]) -> None:
    assert_clean(*case)


@settings(max_examples=examples(0.05), suppress_health_check=[HealthCheck.too_slow])
@given(with_duplicate_keys())
def test_check_finds_a_secret_in_any_copy_of_a_member(case: tuple[bytes, list[str]]) -> None:
    raw, _ = case
    assert check_stream(io.BytesIO(raw), POLICY).hits, "the secret in the input was not found"


# -- secrets as names --------------------------------------------------------------------------------------
NAME_PLACES: dict[str, Callable[[dict[str, Any], str], None]] = {
    "header name": lambda e, s: e["request"]["headers"].append({"name": s, "value": "1"}),
    "response header name": lambda e, s: e["response"]["headers"].append({"name": s, "value": "1"}),
    "cookie name": lambda e, s: e["request"]["cookies"].append({"name": s, "value": "1"}),
    "query parameter name": lambda e, s: (e["request"].update(url=e["request"]["url"] + f"&{quote(s, safe='')}=1"),
                                          e["request"]["queryString"].append({"name": s, "value": "1"})),
    "form parameter name": lambda e, s: e["request"].update(method="POST", postData={
        "mimeType": "application/x-www-form-urlencoded", "text": f"{quote(s, safe='')}=1&a=2",
        "params": [{"name": s, "value": "1"}, {"name": "a", "value": "2"}]}),
    "json body key": lambda e, s: e["request"].update(method="POST", postData={
        "mimeType": "application/json", "text": json.dumps({s: 1, "n": 2})}),
    "json member key": lambda e, s: e.update(_custom={s: True}),
}


@st.composite
def secrets_as_names(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    kind = draw(st.sampled_from(SHAPED_KINDS))
    secret = secret_of(kind, draw(st.integers(0, 2**32)))
    e = make_entry(0)
    NAME_PLACES[draw(st.sampled_from(sorted(NAME_PLACES)))](e, secret)
    return document([e]), [secret]


@settings(max_examples=examples(0.1), suppress_health_check=[HealthCheck.too_slow])
@given(secrets_as_names())
def test_a_secret_used_as_a_name_is_removed(case: tuple[bytes, list[str]]) -> None:
    assert_clean(*case)


# -- encoding labels that lie --------------------------------------------------------------------------------
def _token_json(secret: str) -> str:
    return json.dumps({"access_token": secret, "token_type": "Bearer", "expires_in": 3600})


MISLABELLED: dict[str, Callable[[dict[str, Any], str], None]] = {
    "json labelled text/plain": lambda e, s: e["response"].update(content={
        "size": 1, "mimeType": "text/plain", "text": _token_json(s)}),
    "json labelled octet-stream": lambda e, s: e["response"].update(content={
        "size": 1, "mimeType": "application/octet-stream", "text": _token_json(s)}),
    "form labelled json": lambda e, s: e["request"].update(method="POST", postData={
        "mimeType": "application/json", "text": f"username=jane&password={quote(s, safe='')}"}),
    "text labelled json": lambda e, s: e["response"].update(content={
        "size": 1, "mimeType": "application/json", "text": f"token: {s}\n"}),
    "base64 json without the encoding label": lambda e, s: e["response"].update(content={
        "size": 1, "mimeType": "application/json", "text": base64.b64encode(_token_json(s).encode()).decode()}),
    "base64 label on plain text": lambda e, s: e["response"].update(content={
        "size": 1, "mimeType": "application/json", "encoding": "base64", "text": _token_json(s)}),
    "base64 label in capitals": lambda e, s: e["response"].update(content={
        "size": 1, "mimeType": "application/json", "encoding": "BASE64",
        "text": base64.b64encode(_token_json(s).encode()).decode()}),
    "urlsafe base64 under the base64 label": lambda e, s: e["response"].update(content={
        "size": 1, "mimeType": "application/json", "encoding": "base64",
        "text": base64.urlsafe_b64encode(_token_json(s).encode()).decode().rstrip("=")}),
}


#: Labels whose text names no secret place: only a secret with a shape can be found there.
SHAPE_ONLY = {"text labelled json"}


@st.composite
def mislabelled(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    label = draw(st.sampled_from(sorted(MISLABELLED)))
    kind, _place, seed = draw(planted(shaped_only=label in SHAPE_ONLY))
    secret = secret_of(kind, seed)
    e = make_entry(0)
    MISLABELLED[label](e, secret)
    return document([e]), [secret]


@settings(max_examples=examples(0.1), suppress_health_check=[HealthCheck.too_slow])
@given(mislabelled())
def test_a_mislabelled_body_hides_no_secret(case: tuple[bytes, list[str]]) -> None:
    assert_clean(*case)


# -- multipart bodies laid out oddly ----------------------------------------------------------------------
def _part(name: str, value: str, nl: str) -> str:
    return f'Content-Disposition: form-data; name="{name}"{nl}{nl}{value}{nl}'


@st.composite
def odd_multipart(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    kind, _place, seed = draw(planted())
    secret = secret_of(kind, seed)
    nl = draw(st.sampled_from(["\r\n", "\n"]))
    declared = draw(st.sampled_from(["XyZ", '"XyZ"', "XyZ; charset=utf-8"]))
    used = draw(st.sampled_from(["XyZ", "XyZ", "Other"]))  # a mismatch now and then
    layout = draw(st.sampled_from(["plain", "preamble", "epilogue", "no final delimiter", "secret in preamble"]))
    parts = f"--{used}{nl}" + _part("note", "hello", nl) + f"--{used}{nl}" + _part("client_secret", secret, nl)
    text = {
        "plain": parts + f"--{used}--{nl}",
        "preamble": f"This is a preamble.{nl}" + parts + f"--{used}--{nl}",
        "epilogue": parts + f"--{used}--{nl}trailing epilogue{nl}",
        "no final delimiter": parts,
        "secret in preamble": f"client_secret={secret}{nl}" + parts + f"--{used}--{nl}",
    }[layout]
    e = make_entry(0)
    e["request"].update(method="POST", postData={"mimeType": f"multipart/form-data; boundary={declared}", "text": text})
    return document([e]), [secret]


@settings(max_examples=examples(0.1), suppress_health_check=[HealthCheck.too_slow])
@given(odd_multipart())
def test_an_odd_multipart_layout_hides_no_secret(case: tuple[bytes, list[str]]) -> None:
    assert_clean(*case)


@settings(max_examples=examples(0.1), suppress_health_check=[HealthCheck.too_slow])
@given(odd_multipart())
@example((document([make_entry(0)]), []))
def test_an_odd_multipart_layout_is_never_refused(case: tuple[bytes, list[str]]) -> None:
    """Whatever the layout, the file is sanitized and its output strictly valid JSON."""
    raw, _ = case
    ran = run(raw)
    assert ran is not None
    strict_json(ran[0])


def test_the_generators_write_what_they_claim() -> None:
    raw = raw_json(Pairs([("a", 1), ("a", "\ud800")]))
    assert raw.count('"a"') == 2 and "\\ud800" in raw
    assert ALNUM_OK(secret_of("github", 1))


def ALNUM_OK(secret: str) -> bool:  # noqa: N802 - a tiny helper for the test above
    return all(ch in string.ascii_letters + string.digits + "_-+/=." for ch in secret)

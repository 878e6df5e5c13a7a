"""The prefilter only skips strings no rule can touch: with it on, every place of every string
is redacted exactly as with it off (same output, same findings), whatever encoding hides a
secret; and it does skip the ordinary strings that make up most of a HAR."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harscrub.detection.fingerprint import Fingerprinter
from harscrub.detection.prefilter import Prefilter, name_condition
from harscrub.detection.rules import Rule, load_rules
from harscrub.engine import formats
from harscrub.engine.formats.url import redact_url
from harscrub.engine.place import Where
from harscrub.engine.redactor import Redactor
from harscrub.engine.sanitize import sanitize_stream
from harscrub.engine.walk import walk_entry
from harscrub.findings.finding import Finding
from harscrub.policy import Policy
from harscrub.stream.source import wrap_stream

from .factories import CORPUS, SAMPLES

RULES = load_rules()
KEY = b"k" * 32
pytest.importorskip("hyperscan", reason="the prefilter runs on Hyperscan; without it every string takes the full path")


def redactor(enabled: bool) -> tuple[Redactor, list[Finding]]:
    found: list[Finding] = []
    r = Redactor(RULES, fingerprint=Fingerprinter(KEY), on_finding=found.append)
    if not enabled:
        r.prefilter.enabled = False
    return r, found


#: One redactor with the prefilter and one without, shared (building one compiles every rule).
PAIR = [redactor(True), redactor(False)]


def same_both_ways(run: Callable[[Redactor], Any], primed: Any) -> Any:
    """``run`` gives the same result and the same findings with the prefilter on and off."""
    results = []
    for r, found in PAIR:
        found.clear()
        r.prime(primed)
        out = run(r)
        results.append((out, [(f.rule, f.pointer, f.detail, f.fingerprint) for f in found]))
    assert results[0] == results[1]
    return results[0][0]


WHERE = Where(0, ("log", "entries", 0, "x"))
EXAMPLES = [e for r in RULES.value_rules for e in r.examples]
#: A MIME type for every body format of the registry, and one it does not claim (plain text).
MIMES = [f.example_mime for f in formats.BY_MIME] + ["text/html"]
NAMES = [e for r in RULES.name_rules if "param" in r.places for e in r.examples]


def hidden(secret: str) -> list[str]:
    """A secret as the full path may meet it: raw, URL-encoded, JSON-escaped, base64'd, inside a
    query, a form, JSON text, a multipart part, after a word character, with a folded letter."""
    b64 = base64.b64encode(secret.encode()).decode()
    return [
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        json.dumps({"k": secret}),
        json.dumps(json.dumps({"k": secret})),
        b64,
        f"https://example.com/a/{b64}/b?x={quote(secret, safe='')}#f={quote_plus(secret)}",
        f"https://example.com/cb?next={quote('https://x.example/?t=' + quote(secret, safe=''), safe='')}",
        f"a=1&b={quote_plus(secret)}&c",
        f"--B\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n{secret}\r\n--B{secret}--",
        f"x{secret}y",
        secret.replace("s", "\u017f").replace("k", "\u212a"),
        f"Zürich {secret} naïve",
        f"see https://u:{quote(secret, safe='')}@host.example/",
    ]


@pytest.mark.parametrize("secret", EXAMPLES + ["hunter22", "Basic dXNlcjpwYXNzd29yZA=="])
def test_value_examples_in_every_encoding(secret: str) -> None:
    for text in hidden(secret):
        for place in ("text", "url"):
            same_both_ways(lambda r: r.text(text, WHERE, place), text)
        same_both_ways(lambda r: redact_url(r, text, WHERE), text)
        for mime in MIMES:
            same_both_ways(lambda r: r.body(text, mime, WHERE), text)


@pytest.mark.parametrize("name", NAMES)
def test_secret_names_in_structured_text(name: str) -> None:
    texts = [
        json.dumps({name: "v4lu3-0f-s0me-l3ngth"}),
        json.dumps([{"outer": {name: 12345678}}]),
        f"https://example.com/cb?{name}=v4lu3-0f-s0me-l3ngth&x=1",
        f"https://example.com/cb#{quote(name)}=v4lu3&x=1",
        f"{name}=v4lu3-0f-s0me-l3ngth",
        f"a=1&{quote_plus(name)}=v4lu3",
        json.dumps({name.upper(): "v4lu3-0f-s0me-l3ngth"}),
        f"https://example.com/?next={quote('/cb?' + name + '=v4lu3', safe='')}",
    ]
    for text in texts:
        for place in ("text", "url"):
            same_both_ways(lambda r: r.text(text, WHERE, place), text)
        same_both_ways(lambda r: r.body(text, "application/x-www-form-urlencoded", WHERE), text)


PIECES = st.sampled_from(
    EXAMPLES[:40] + NAMES + ["=", "&", "?", "#", "/", "//", "://", '"', "'", " ", "\n", "%", "+", "@", ":", ";",
                             "{", "}", "[", "]", "\\", "é", "\u017f", "\u212a", "abc", "X" * 30, "token", "code"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, min_size=1, max_size=8), st.sampled_from(["raw", "url", "plus", "b64", "json"]))
def test_any_mix_of_secrets_delimiters_and_encodings(pieces: list[str], encoding: str) -> None:
    text = "".join(pieces)
    text = {
        "raw": text,
        "url": quote(text, safe="/?&=:#"),
        "plus": quote_plus(text),
        "b64": base64.b64encode(text.encode()).decode(),
        "json": json.dumps({"v": text}),
    }[encoding]
    for place in ("text", "url"):
        same_both_ways(lambda r: r.text(text, WHERE, place), text)
    same_both_ways(lambda r: redact_url(r, text, WHERE), text)
    same_both_ways(lambda r: r.body(text, "application/x-www-form-urlencoded", WHERE), text)


def test_whole_entries_are_redacted_the_same() -> None:
    entry = {
        "request": {
            "method": "POST",
            "url": "https://api.example.com/v1/login?code=abc123def456&page=2",
            "headers": [
                {"name": "authorization", "value": "Bearer " + EXAMPLES[0]},
                {"name": "accept-encoding", "value": "gzip, deflate, br"},
                {"name": "x-note", "value": "sk_live_4eC39HqLyjWDarjtT1zdp7dc"},
            ],
            "cookies": [{"name": "sid", "value": "s3ss10n-v4lu3"}],
            "postData": {"mimeType": "application/json", "text": json.dumps({"user": "ann", "password": "hunter22"})},
        },
        "response": {
            "content": {"mimeType": "application/json", "text": json.dumps({"items": [{"name": "São Paulo", "n": 3}]}, ensure_ascii=False)},
        },
        "_webSocketMessages": [{"type": "send", "opcode": 1, "data": "{\"apiKey\": \"AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY\"}"}],
    }
    out = same_both_ways(lambda r: walk_entry(r, entry, 0), {})
    assert "hunter22" not in json.dumps(out) and "São Paulo" in json.dumps(out, ensure_ascii=False)


def test_ordinary_strings_are_quiet() -> None:
    quiet_text, quiet_url = Prefilter(RULES, *formats.hazards()).quiet(
        ["gzip, deflate, br", "same-origin", "Mon, 01 Jan 2024 10:00:00 GMT", "São Paulo", "/api/v2/orders", "author"]
    )
    assert {"gzip, deflate, br", "same-origin", "São Paulo", "/api/v2/orders", "author"} <= quiet_url <= quiet_text


def test_strings_that_may_hold_a_secret_are_not() -> None:
    loud = ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "x=1&code=abc", '{"password": 1}', "a\\u0041KIA", "dXNlcjpwYXNzd29yZDEyMzQ1Njc4OQ==", "to\u212aen"]
    quiet_text, quiet_url = Prefilter(RULES, *formats.hazards()).quiet(loud + ["a%41b"])
    assert not quiet_text - {"a%41b"} and not quiet_url
    # percent-encoding only hides text where a URL or form is read: plain text stays quiet
    assert "a%41b" in quiet_text


def rule(pattern: str, match: str = "value", **extra: Any) -> Rule:
    import re2

    return Rule(id="x", description="x", severity="high", match=match, pattern=pattern,
                places=extra.pop("places", ("text",) if match == "value" else ("param",)),
                examples=extra.pop("examples", ("x",)), compiled=re2.compile(pattern), **extra)


def test_conditions_it_cannot_vouch_for_switch_it_off() -> None:
    from harscrub.detection.rules import RuleSet

    for bad in (rule(r"^secret=\w+"), rule(r"\Asecret"), rule("clé=\\w+"), rule(r"[^\x00-\x1f]{40}"),
                rule(r"\pL{40}"), rule(r"(?s).", match="name")):
        assert not Prefilter(RuleSet(RULES.rules + (bad,)), *formats.hazards()).enabled, bad.pattern
    assert Prefilter(RULES, *formats.hazards()).enabled


def test_name_conditions_hold_their_examples() -> None:
    for r in RULES.name_rules:
        if "param" in r.places:
            assert name_condition(r) is not None, r.id


def _without_candidates(detector: Any) -> Any:
    from harscrub.detection.detectors import ValueDetector

    plain = ValueDetector.__new__(ValueDetector)
    plain.__dict__.update(detector.__dict__)
    plain._candidates = {}
    return plain


@pytest.mark.parametrize("secret", EXAMPLES + ["hunter22", "Zürich ſk-proj-x", "a\u212aIA" + "B" * 16])
def test_candidate_scan_finds_what_the_re2_set_finds(secret: str) -> None:
    """The full path asks Hyperscan which rules may match and runs those; the answer must be
    the RE2 set's, in every encoding a secret may arrive in."""
    from harscrub.detection.detectors import ValueDetector

    fast = ValueDetector(RULES.value_rules)
    assert fast._candidates, "Hyperscan is installed: the candidate scan must be on"
    slow = _without_candidates(fast)
    for text in hidden(secret) + [secret * 3, f"{secret}\n{secret}"]:
        for place in ("text", "url"):
            assert fast.find(text, place) == slow.find(text, place), (text[:80], place)


# -- whole files: the gate is conservative ------------------------------------------------------
def _sanitized(path: Path) -> bytes:
    out = io.BytesIO()
    with open(path, "rb") as src:
        sanitize_stream(wrap_stream(src), out, Policy(key=KEY))
    return out.getvalue()


@pytest.mark.parametrize("path", sorted([*CORPUS.glob("*.har"), *SAMPLES]), ids=lambda p: p.name)
def test_every_real_capture_comes_out_the_same_with_the_gate_off(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the gate skips, the full walk would have left alone: byte for byte, on every capture
    harscrub ships or is tried on (real browsers' and tools' files)."""
    gated = _sanitized(path)
    monkeypatch.setattr(Prefilter, "judge", lambda self, text: (False, False))
    monkeypatch.setattr(Prefilter, "quiet", lambda self, strings: (set(), set()))
    assert _sanitized(path) == gated


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(EXAMPLES), st.integers(0, 3), st.sampled_from(MIMES))
def test_large_bodies_come_out_the_same_with_the_gate_off(secret: str, depth: int, mime: str) -> None:
    """Bodies past the batching bound (16 KB) take the same decisions as short ones."""
    filler = json.dumps({"rows": [{"id": i, "name": f"row {i}", "ok": True} for i in range(700)]})
    body = filler[:-1] + ', "note": ' + json.dumps(hidden(secret)[depth]) + "}"
    same_both_ways(lambda r: r.body(body, mime, WHERE), body)


def test_a_blob_of_many_loud_strings_is_read_a_bounded_number_of_times(monkeypatch: pytest.MonkeyPatch) -> None:
    """50,000 passwords in one JSON body took 314 s: each restart after a loud string read the
    whole rest of the blob. Each scan now reads one window of whole strings."""
    from harscrub.detection import prefilter
    from harscrub.detection.multiscan import FirstMatch

    read = [0]
    first = FirstMatch.first

    def counting(self: FirstMatch, data: Any) -> int:
        read[0] += len(data)
        return first(self, data)

    monkeypatch.setattr(FirstMatch, "first", counting)
    strings = [s for i in range(8000) for s in (f"password{i}", f"Zx81kQ7vLp{i:06d}", "plain text")]
    as_text, _ = Prefilter(RULES, *formats.hazards()).quiet(strings)
    assert "plain text" in as_text and "password7" not in as_text
    blob = sum(len(s) + 1 for s in strings)
    windows = 8000 + blob // prefilter._WINDOW + 1
    assert read[0] <= windows * (prefilter._WINDOW + 32), f"read {read[0]:,} bytes of a {blob:,}-byte blob"

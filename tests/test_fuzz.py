"""Fuzzing the reader and the sanitizer with hypothesis: raw bytes, mutated real captures, and
random JSON in every place of a HAR.

Whatever the input, a run ends in one of two ways: a result (then the output is JSON with as
many entries as the report says), or a :class:`HarscrubError` whose message is one line (the CLI
turns it into exit code 2). Anything else (a ``KeyError``, a ``RecursionError``, a
``UnicodeEncodeError``) is a bug. And every well-formed JSON document shaped like a HAR is
sanitized, never refused, whatever its field types. Bounded by the hypothesis profile's example
counts (conftest.py): a few seconds in CI, as long as wanted with ``HYPOTHESIS_PROFILE=nightly``.
"""

from __future__ import annotations

import gzip
import io
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from harscrub.engine.check import check_stream
from harscrub.engine.sanitize import sanitize_stream
from harscrub.errors import HarscrubError
from harscrub.policy import Policy
from harscrub.stream.decode import decode_json
from harscrub.stream.reader import HarReader, RawEntry
from harscrub.stream.source import wrap_stream

from .conftest import examples
from .factories import CORPUS, make_entry, make_har, strict_json

POLICY = Policy(key=b"f" * 32, max_entry_bytes=1 << 20, max_input_bytes=8 << 20)
#: Small real captures: mutations of them are cheap to sanitize.
SEEDS = [(CORPUS / name).read_bytes() for name in ("insomnia.har", "postdata.har", "head-content-length.har",
                                                     "with-bom.har")]
#: Bytes that matter to a JSON reader, to splice into real files.
TOKENS = [b"{", b"}", b"[", b"]", b'"', b"\\", b",", b":", b" ", b"\n", b"\\u", b"\\ud800", b"\\\"", b"NaN", b"-",
          b"1e999", b"null", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"\x00", b'"entries"', b'"log"', b"[[[[", b"}}}}"]


def run_sanitize(data: bytes) -> None:
    """Sanitize ``data``: a clean result or a clean HarscrubError, nothing else."""
    out = io.BytesIO()
    try:
        report = sanitize_stream(wrap_stream(io.BytesIO(data), max_bytes=POLICY.max_input_bytes), out, POLICY,
                                 spool=io.BytesIO())
    except HarscrubError as exc:
        assert "\n" not in str(exc) and str(exc)
        assert out.getvalue() == b"", "nothing is written when the input is refused"
        return
    doc = strict_json(out.getvalue())  # no NaN, no Infinity
    assert len(doc["log"]["entries"]) == report.entries


def run_reader(data: bytes) -> None:
    try:
        for event in HarReader(wrap_stream(io.BytesIO(data)), max_entry_bytes=1 << 20):
            if isinstance(event, RawEntry):
                decode_json(event.raw, offset=event.offset, entry=event.index)
    except HarscrubError as exc:
        assert "\n" not in str(exc) and str(exc)


@settings(max_examples=examples(0.5))
@given(st.binary(max_size=512))
def test_raw_bytes(data: bytes) -> None:
    run_reader(data)
    run_sanitize(data)


@settings(max_examples=examples(0.3))
@given(st.lists(st.sampled_from(TOKENS + [b'{"log": {"entries": [', b"]}}", b"{}", b'"a": 1']), max_size=40))
def test_json_shaped_token_soup(tokens: list[bytes]) -> None:
    data = b"".join(tokens)
    run_reader(data)
    run_sanitize(data)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A real capture with a few bytes flipped, spliced, cut or repeated."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["flip", "insert", "delete", "cut", "repeat"]))
        if op == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 16))]
        elif op == "cut":
            del data[at:]
        else:
            data[at:at] = data[at:at + draw(st.integers(1, 64))]
    return bytes(data)


@settings(max_examples=examples(0.5))
@given(mutated())
def test_mutated_real_captures(data: bytes) -> None:
    run_sanitize(data)


@settings(max_examples=examples(0.1))
@given(mutated())
def test_mutated_real_captures_gzipped(data: bytes) -> None:
    packed = gzip.compress(data)
    run_sanitize(packed)
    run_sanitize(packed[: len(packed) // 2])


#: Text, now and then with a lone surrogate (json.dumps writes it as the escape browsers do).
TEXT = st.text(max_size=40) | st.tuples(st.text(max_size=20), st.sampled_from(["\ud800", "\udfff"]),
                                        st.text(max_size=20)).map("".join)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64) | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False, allow_infinity=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
#: The fields of an entry the walker treats specially, where odd types are most likely to upset it.
PLACES = [
    ("request",), ("response",), ("request", "url"), ("request", "headers"), ("request", "cookies"),
    ("request", "queryString"), ("request", "postData"), ("response", "headers"), ("response", "cookies"),
    ("response", "content"), ("response", "redirectURL"), ("_webSocketMessages",), ("_initiator",),
]
NAMES = st.sampled_from(["Authorization", "Cookie", "Set-Cookie", "Location", "x-api-key", "Referer", ":path", "token",
                         "password", "sid", "", "X-Other"])


@st.composite
def odd_entries(draw: st.DrawFn) -> dict[str, Any]:
    """A valid entry with random JSON (or name/value pairs holding random JSON) in a few places."""
    e = make_entry(0)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PLACES))
        if path[-1] in ("headers", "cookies", "queryString"):
            value: Any = [{"name": draw(NAMES | st.text(max_size=8)), "value": draw(JSON)}
                          for _ in range(draw(st.integers(0, 3)))]
        elif path[-1] in ("postData", "content"):
            value = {"mimeType": draw(st.sampled_from(["application/json", "application/x-www-form-urlencoded",
                                                       "multipart/form-data; boundary=b", "text/html", "", "x"])),
                     "text": draw(JSON | st.text(max_size=60)), "encoding": draw(st.sampled_from([None, "base64", 7]))}
        elif path[-1] == "_webSocketMessages":
            value = [{"type": "send", "opcode": draw(st.sampled_from([1, 2, None])), "data": draw(JSON)}]
        else:
            value = draw(JSON)
        node = e
        for key in path[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        node[path[-1]] = value
    return e


class _Number(str):
    """A number's text, as the decoder met it."""


def _numbers(data: bytes) -> list[str]:
    """The texts of the numbers in the ``_vendor`` member of a HAR, in order."""
    doc = json.loads(data, parse_int=_Number, parse_float=_Number)
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, _Number):
            found.append(str(value))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(doc["log"]["_vendor"])
    return found


@settings(max_examples=examples(0.3))
@given(st.lists(odd_entries(), min_size=1, max_size=3), JSON)
def test_any_json_in_any_place_is_sanitized_never_refused(entries: list[dict[str, Any]], member: Any) -> None:
    data = json.dumps(make_har(*entries, _vendor=member)).encode()
    out = io.BytesIO()
    report = sanitize_stream(io.BytesIO(data), out, POLICY, spool=io.BytesIO())
    doc = strict_json(out.getvalue())
    # every number of the vendor member comes back with the digits it was written with
    if "[REDACTED" not in json.dumps(doc["log"]["_vendor"]):
        assert _numbers(out.getvalue()) == _numbers(data)
    assert report.entries == len(doc["log"]["entries"]) == len(entries)
    assert list(doc["log"]) == ["version", "creator", "_vendor", "entries", "_harscrub"]
    check_stream(io.BytesIO(data), POLICY)
    check_stream(io.BytesIO(out.getvalue()), POLICY)

"""The reader's fast ways to find entries (by layout, by known size) give exactly the entries,
offsets and errors of the bracket-by-bracket scan, whatever the layout of the file."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from harscrub.errors import InputTooLargeError, InvalidHarError
from harscrub.stream.decode import decode_json
from harscrub.stream.reader import MAX_DEPTH, HarReader, RawEntry

ENTRIES: list[dict[str, Any]] = [
    {"request": {"url": "https://a.example/x?y=1", "headers": [{"name": "a", "value": "}\n    }"}]}, "time": 1},
    {"request": {"url": "https://b.example/"}, "response": {"content": {"text": "{\"k\": [1, 2, {}]}"}}},
    {"_webSocketMessages": [], "n": None, "s": "\u00e9\u6f22\U0001f680"},
]


def har(entries: list[Any], indent: int | None) -> bytes:
    return json.dumps({"log": {"version": "1.2", "entries": entries, "pages": []}}, indent=indent, ensure_ascii=False).encode()


def read(data: bytes, **options: Any) -> list[RawEntry]:
    return [e for e in HarReader(io.BytesIO(data), **options) if isinstance(e, RawEntry)]


def slow(data: bytes, **options: Any) -> list[RawEntry]:
    """The same file read with the layout guess switched off: the reference."""
    reader = HarReader(io.BytesIO(data), **options)
    reader._layout_misses = reader._guess_misses = 99  # noqa: SLF001 - the reference path, on purpose
    return [e for e in reader if isinstance(e, RawEntry)]


@pytest.mark.parametrize("indent", [None, 1, 2, 4, "\t"])
def test_every_layout_gives_the_same_entries(indent: Any) -> None:
    data = json.dumps({"log": {"entries": ENTRIES}}, indent=indent, ensure_ascii=False).encode()
    fast, ref = read(data), slow(data)
    assert [(e.index, e.raw, e.offset) for e in fast] == [(e.index, e.raw, e.offset) for e in ref]
    assert [decode_json(e.raw) for e in fast] == ENTRIES
    if indent is not None:  # an indented file is read by layout: entries come decoded
        assert [e.value for e in fast] == ENTRIES


def test_entries_on_one_line_each_and_crlf() -> None:
    data = b'{"log": {"entries": [\n{"a": 1},\n{"b": {"c": 2}}\n]}}'
    assert [decode_json(e.raw) for e in read(data)] == [{"a": 1}, {"b": {"c": 2}}]
    crlf = har(ENTRIES, 2).replace(b"\n", b"\r\n")
    assert [e.raw for e in read(crlf)] == [e.raw for e in slow(crlf)]


def test_a_closing_brace_out_of_line_falls_back_to_the_scan() -> None:
    data = har(ENTRIES, 2)
    broken = data.replace(b'\n      "time": 1\n    }', b'\n      "time": 1}', 1)
    assert [decode_json(e.raw) for e in read(broken)] == ENTRIES


def test_lone_surrogates_are_read_and_mended_as_before() -> None:
    data = har([{"s": "x"}, {"s": "y"}], 2).replace(b'"x"', b'"\\ud800"')
    entries = read(data)
    assert entries[0].value is None and decode_json(entries[0].raw) == {"s": "\ufffd"}
    assert entries[1].value == {"s": "y"}


def test_too_deep_and_too_large_raise_as_before() -> None:
    deep: Any = "x"
    for _ in range(MAX_DEPTH + 5):
        deep = [deep]
    data = har([{"ok": 1}, {"deep": deep}], 2)
    for reader in (read, slow):
        with pytest.raises(InvalidHarError, match="nesting deeper") as caught:
            reader(data)
        assert caught.value.entry == 1
    data = har([{"a": "x" * 50}, {"b": "y" * 5000}], 2)
    for reader in (read, slow):
        with pytest.raises(InputTooLargeError):
            reader(data, max_entry_bytes=1000)


def test_truncated_file_raises_as_before() -> None:
    data = har(ENTRIES, 2)[:-40]
    messages = []
    for reader in (read, slow):
        with pytest.raises(InvalidHarError) as caught:
            reader(data)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]


def test_known_sizes_cut_entries_and_bad_sizes_fall_back() -> None:
    data = har(ENTRIES, None)
    ref = slow(data)
    sizes = [len(e.raw) for e in ref]
    assert [e.raw for e in read(data, entry_sizes=sizes)] == [e.raw for e in ref]
    wrong = [sizes[0] - 1, *sizes[1:]]
    assert [e.raw for e in read(data, entry_sizes=wrong)] == [e.raw for e in ref]
    assert [e.raw for e in read(data, entry_sizes=sizes[:1])] == [e.raw for e in ref]


# -- compact files: entries found by guess (a separator, a later '}') and proved by orjson ------------------------
TRICKY: list[Any] = [
    {"a": "},{", "b": "}]", "c": '},{"a":', "d": "}, {\"a\": 1}]}"},
    {"a": 'q\\"},{"a":"', "b": "\\", "c": "\\\\}", "d": {"e": [{"f": "}"}, {"g": "]"}]}},
    {"a": "\u00e9\u6f22\U0001f680 },{\"a\":", "b": [[], {}, [{}]], "c": -1.5e300, "d": None},
    {},
    {"b": True, "a": [1, 2, 3]},
    {"a": "x" * 3000 + '},{"a":' * 50},
]


def scan(data: bytes, **options: Any) -> list[RawEntry]:
    """The reference: every fast path off, each entry found bracket by bracket."""
    return slow(data, **options)


def events(data: bytes, *, fast: bool) -> list[Any]:
    """Every event of the file, an entry as its index, bytes and offset."""
    reader = HarReader(io.BytesIO(data))
    if not fast:
        reader._layout_misses = reader._guess_misses = 99
    return [(e.index, e.raw, e.offset) if isinstance(e, RawEntry) else e for e in reader]


def same(data: bytes, **options: Any) -> list[RawEntry]:
    fast, ref = read(data, **options), scan(data, **options)
    assert [(e.index, e.raw, e.offset) for e in fast] == [(e.index, e.raw, e.offset) for e in ref]
    if not options:
        assert events(data, fast=True) == events(data, fast=False)
    for e in fast:
        assert e.value is None or e.value == decode_json(e.raw)
    return fast


def outcome(reader: Any, data: bytes, **options: Any) -> Any:
    """The entries ``reader`` finds, or the error it raises (its type, message, offset, entry)."""
    try:
        return [(e.index, e.raw, e.offset) for e in reader(data, **options)]
    except InvalidHarError as exc:
        return (type(exc), str(exc), exc.offset, exc.entry)


def separated(entries: list[Any], sep: bytes) -> bytes:
    body = sep.join(json.dumps(e, separators=(",", ":"), ensure_ascii=False).encode() for e in entries)
    return b'{"log":{"version":"1.2","entries":[' + body + b'],"pages":[]}}'


@pytest.mark.parametrize("sep", [b",", b", ", b" , ", b",\n", b"\r\n,\t"])
def test_compact_files_give_the_entries_of_the_scan_and_of_the_indented_file(sep: bytes) -> None:
    entries = same(separated(TRICKY, sep))
    assert [e.value for e in entries] == TRICKY  # found by guess: every entry comes decoded
    assert [e.value for e in read(har(TRICKY, 2))] == TRICKY


def test_compact_entries_are_found_whatever_the_buffer_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    from harscrub.stream import compact, reader

    data = separated(TRICKY * 3, b",")
    expected = [(e.index, e.raw, e.offset) for e in scan(data)]
    for chunk in (1, 7, 64, 300, 4096):
        monkeypatch.setattr(reader, "CHUNK", chunk)
        monkeypatch.setattr(compact, "REACH", 2)
        monkeypatch.setattr(compact, "MIN_SPAN", chunk)
        entries = read(data)
        assert [(e.index, e.raw, e.offset) for e in entries] == expected
        assert all(e.value is not None for e in entries)
        for cut in range(len(data) - 1, 0, -397):
            assert outcome(read, data[:cut]) == outcome(scan, data[:cut])


def test_compact_lone_surrogates_and_odd_numbers_fall_back_to_the_scan() -> None:
    data = separated([{"s": "x"}, {"s": "y"}, {"n": 1}, {"s": "z"}], b",")
    data = data.replace(b'"x"', b'"\\ud800"').replace(b'{"n":1}', b'{"n":1e400}')
    entries = same(data)
    assert entries[0].value is None and decode_json(entries[0].raw) == {"s": "\ufffd"}
    assert entries[1].value == {"s": "y"}
    assert entries[2].value is None and str(decode_json(entries[2].raw)["n"]) == "1e400"


def test_compact_entries_may_start_with_different_keys() -> None:
    entries = [{"a": 1}, {"b": {"a": 2}}, {"a": 3, "z": [{"b": 4}]}, {"c": "},{\"c\":"}, {"a": 5}]
    assert [e.value for e in same(separated(entries, b","))] == entries


def test_an_entry_full_of_separators_costs_a_few_tries(monkeypatch: pytest.MonkeyPatch) -> None:
    from harscrub.stream import compact

    tries: list[int] = []
    decode = compact._decode

    def counted(raw: bytes) -> Any:
        tries.append(len(raw))
        return decode(raw)

    monkeypatch.setattr(compact, "_decode", counted)
    # the separator of this entry ('},{"a":') joins thousands of objects inside it
    nested = {"a": [{"a": i} for i in range(5000)], "b": '"},{"a":"' * 1000}
    data = separated([nested, {"a": 1}, nested], b",")
    assert [decode_json(e.raw) for e in same(data)] == [nested, {"a": 1}, nested]
    assert len(tries) <= 3 * (compact.MAX_TRIES + len(data).bit_length())  # spans double
    assert sum(tries) <= 3 * compact.MAX_TRIES * len(data)
    # no key within reach: the separator is '},{', which strings may hold thousands of times
    tries.clear()
    blank = {"a": "},{" * 5000, "b": [{}] * 5000}
    data = separated([blank, {"a": 1}, blank], b",").replace(b'{"a":"}', b"{" + b" " * 300 + b'"a":"}')
    assert [decode_json(e.raw) for e in same(data)] == [blank, {"a": 1}, blank]
    assert len(tries) <= 3 * (compact.MAX_TRIES + len(data).bit_length())  # spans double
    assert sum(tries) <= 3 * compact.MAX_TRIES * len(data)


@pytest.mark.parametrize("cut", [1, 2, 10, 40, 41, 100, 150, 151, 200, -30, -5, -3, -2, -1])
def test_a_truncated_compact_file_raises_as_before(cut: int) -> None:
    data = separated(TRICKY[:3], b", ")
    data = data[:cut]
    assert isinstance(outcome(scan, data), tuple)
    assert outcome(read, data) == outcome(scan, data)


def test_compact_too_deep_too_large_and_not_json_raise_as_before() -> None:
    deep: Any = "x"
    for _ in range(MAX_DEPTH + 5):
        deep = [deep]
    cases = [
        (separated([{"ok": 1}, {"deep": deep}], b","), {}),
        (separated([{"a": "x" * 50}, {"b": "y" * 5000}], b","), {"max_entry_bytes": 1000}),
        (separated([{"a": 1}, {"b": 2}], b",").replace(b'"b":2', b'"b":NaN'), {}),
        (separated([{"a": 1}, {"b": 2}], b",").replace(b'"b":2', b'"b":2,}'), {}),
        (separated([{"a": 1}, {"b": 2}], b",").replace(b'{"b"', b'["b"'), {}),
        (separated([{"a": 1}, {"b": 2}], b",").replace(b'}],"pages"', b'}}],"pages"'), {}),
    ]
    for data, options in cases:
        assert outcome(read, data, **options) == outcome(scan, data, **options), data[:80]


def test_random_compact_files_read_as_the_scan_reads_them() -> None:
    import random

    rng = random.Random(7)
    alphabet = ['}', '{', ']', '[', ',', '"', ':', '\\', ' ', 'a', '\u00e9', '\U0001f680', '},{"a":', '}]']

    def value(depth: int) -> Any:
        kind = rng.randrange(6 if depth < 4 else 3)
        if kind == 0:
            return "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
        if kind == 1:
            return rng.choice([0, -1, 2.5, True, None])
        if kind == 2:
            return rng.choice(["a", "}", "},{"])
        if kind == 3:
            return [value(depth + 1) for _ in range(rng.randrange(4))]
        return {rng.choice("ab"): value(depth + 1) for _ in range(rng.randrange(4))}

    for _ in range(300):
        entries = [{rng.choice("ab"): value(0) for _ in range(rng.randrange(1, 4))} for _ in range(rng.randrange(1, 6))]
        data = separated(entries, rng.choice([b",", b", ", b" ,\n"]))
        assert [decode_json(e.raw) for e in same(data)] == entries
        cut = data[: rng.randrange(1, len(data))]
        assert outcome(read, cut) == outcome(scan, cut), cut

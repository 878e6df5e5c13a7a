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
    reader._layout_misses = 99  # noqa: SLF001 - the reference path, on purpose
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

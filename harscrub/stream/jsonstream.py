"""JSON written as it is produced: a report with a hundred thousand findings is never one dict.

A document is plain JSON data (dicts, lists, strings, numbers) in which any array may be an
:class:`Items`, a lazy iterable of JSON values. :func:`write` writes it to a binary stream,
item by item, with exactly the bytes ``json.dumps(document, indent=..., ensure_ascii=...)``
would give for the same data materialized (:func:`materialize`), so a streamed report and a
built one cannot differ.
"""

from __future__ import annotations

import json
from typing import Any, BinaryIO, Iterable, Iterator

#: Text gathered before it is encoded and written.
CHUNK = 1 << 16
#: Values of a lazy array encoded together.
ARRAY_CHUNK = 256


class Items:
    """A JSON array whose values come from an iterable, read once, when written."""

    __slots__ = ("_items",)

    def __init__(self, items: Iterable[Any]) -> None:
        self._items = items

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)


def materialize(value: Any) -> Any:
    """The document with every :class:`Items` turned into a list (what ``json.dumps`` takes)."""
    if isinstance(value, Items):
        return [materialize(v) for v in value]
    if isinstance(value, dict):
        return {k: materialize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [materialize(v) for v in value]
    return value


def _lazy(value: Any) -> bool:
    if isinstance(value, Items):
        return True
    if isinstance(value, dict):
        return any(_lazy(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_lazy(v) for v in value)
    return False


class _Writer:
    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._parts: list[str] = []
        self._size = 0

    def __call__(self, text: str) -> None:
        self._parts.append(text)
        self._size += len(text)
        if self._size >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            self._out.write("".join(self._parts).encode("utf-8"))
            self._parts, self._size = [], 0


def write(document: Any, out: BinaryIO, *, indent: int = 2, ensure_ascii: bool = True, end: str = "") -> None:
    """Write ``document`` as JSON to ``out`` (UTF-8), then ``end``; see the module docstring."""
    encoder = json.JSONEncoder(indent=indent, ensure_ascii=ensure_ascii)
    emit = _Writer(out)
    step = " " * indent

    def dumps(value: Any, pad: str) -> str:
        return encoder.encode(value).replace("\n", "\n" + pad)

    def array(values: Iterable[Any], pad: str) -> None:
        inner = pad + step
        first = True
        chunk: list[Any] = []

        def flush() -> None:
            nonlocal first
            if any(_lazy(v) for v in chunk):
                for value in chunk:
                    emit(("[\n" if first else ",\n") + inner)
                    first = False
                    node(value, inner)
            elif chunk:
                # One encoder call for many values: "[\n  a,\n  b\n]" less its brackets, indented.
                body = encoder.encode(chunk)[2:-2].replace("\n", "\n" + pad)
                emit(("[\n" if first else ",\n") + pad + body)
                first = False
            chunk.clear()

        for value in values:
            chunk.append(value)
            if len(chunk) >= ARRAY_CHUNK:
                flush()
        flush()
        emit("[]" if first else "\n" + pad + "]")

    def node(value: Any, pad: str) -> None:
        if isinstance(value, Items):
            array(value, pad)
        elif isinstance(value, dict) and _lazy(value):
            inner = pad + step
            first = True
            for key, item in value.items():
                if not isinstance(key, str):
                    raise TypeError(f"keys of a streamed object must be strings, not {type(key).__name__}")
                emit(("{\n" if first else ",\n") + inner + encoder.encode(key) + ": ")
                first = False
                node(item, inner)
            emit("\n" + pad + "}")
        elif isinstance(value, (list, tuple)) and _lazy(value):
            array(value, pad)
        else:
            emit(dumps(value, pad))

    node(document, "")
    emit(end)
    emit.flush()

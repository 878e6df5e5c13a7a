"""An append-only sequence that keeps its first items in memory and spills the rest to disk.

A run over a large HAR finds a secret every kilobyte or so: a 200 MB file gives well over a
hundred thousand findings, and holding each as an object would make memory grow with the file
although the pipeline streams entries. :class:`Spill` holds the first ``keep`` items as they
are; later ones are pickled, ``batch`` at a time and compressed, to a private temporary file
(unlinked as it is made on POSIX, closed with the sequence) and read back in order when the
sequence is iterated. Memory stays at ``keep + batch`` items whatever the count.

Only what harscrub reports goes in here: findings name a secret by rule, place, keyed
fingerprint and masked preview, never by value. Still, ``check`` sweeps the strings a finding
shows (request URL, place) of every secret only once the whole file is read, and hits spill
before that; so each block is also sealed (:class:`~harscrub.stream.sealed.Keystream`, the
cipher of every temporary file harscrub writes), under a random key that lives only in this
object's memory: no readable byte of it reaches the disk. ``in_memory=True`` keeps the blocks in a buffer instead of a file, for callers that must
never touch the disk (``harscrub serve``).

The items of a spilled batch come back as copies: treat an item as frozen once it has been
appended (the first ``keep`` stay the very objects appended). A pickled :class:`Spill` (the
result of a worker process) carries its batches as bytes and spills them again to a file
of its own on the receiving side.
"""

from __future__ import annotations

import io
import pickle
import tempfile
import weakref
import zlib
from typing import IO, Any, Generic, Iterable, Iterator, TypeVar

from harscrub.stream.sealed import Keystream

T = TypeVar("T")

#: Items kept in memory before any is spilled: small results never touch the disk.
KEEP = 1000
#: Items pickled together: one write, one compressed block.
BATCH = 1000

_LENGTH = 8  # bytes of the length prefix of each block


class Spill(Generic[T]):
    """A sequence of ``T`` with ``append``, ``extend``, ``len``, ``bool``, ordered iteration
    and equality with lists; at most ``keep + batch`` items are held as objects."""

    def __init__(self, items: Iterable[T] = (), *, keep: int | None = None, batch: int | None = None,
                 in_memory: bool = False) -> None:
        self.keep = KEEP if keep is None else keep  # read at each call: tests lower them
        self.batch = BATCH if batch is None else batch
        if self.keep < 0 or self.batch < 1:
            raise ValueError("keep must be >= 0 and batch >= 1")
        self.in_memory = in_memory
        self._head: list[T] = []
        self._tail: list[T] = []
        self._store: IO[bytes] | None = None
        self._closer: weakref.finalize[Any, Any] | None = None
        self._stored = 0
        self._keys: Keystream | None = None
        self.extend(items)

    # -- adding ----------------------------------------------------------------------------------
    def append(self, item: T) -> None:
        if self._stored == 0 and not self._tail and len(self._head) < self.keep:
            self._head.append(item)
            return
        self._tail.append(item)
        if len(self._tail) >= self.batch:
            self._flush()

    def extend(self, items: Iterable[T]) -> None:
        for item in items:
            self.append(item)

    def _open(self) -> IO[bytes]:
        if self._store is None:
            store: IO[bytes] = io.BytesIO() if self.in_memory else tempfile.TemporaryFile(prefix="harscrub-findings-")
            self._store = store
            self._closer = weakref.finalize(self, store.close)
            self._keys = Keystream()
        return self._store

    def _flush(self) -> None:
        if not self._tail:
            return
        store = self._open()
        position = store.seek(0, io.SEEK_END)
        block = zlib.compress(pickle.dumps(self._tail, protocol=pickle.HIGHEST_PROTOCOL), 1)
        assert self._keys is not None
        store.write(len(block).to_bytes(_LENGTH, "big") + self._keys.xor(position, block))
        self._stored += len(self._tail)
        self._tail = []

    # -- reading ---------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._head) + self._stored + len(self._tail)

    def __bool__(self) -> bool:
        return len(self) > 0

    @property
    def held(self) -> int:
        """How many items are held as objects (the rest sit pickled in the spill file)."""
        return len(self._head) + len(self._tail)

    @property
    def spilled(self) -> int:
        """How many items sit pickled in the spill file."""
        return self._stored

    def __iter__(self) -> Iterator[T]:
        """The items in the order appended: those present when iteration starts."""
        return self._items(len(self._head), self._stored, list(self._tail))

    def _items(self, head: int, stored: int, tail: list[T]) -> Iterator[T]:
        yield from self._head[:head]
        position, done = 0, 0
        while done < stored:
            store = self._store
            if store is None:  # pragma: no cover - closed while iterating
                raise ValueError("the spill was closed during iteration")
            store.seek(position)
            size = int.from_bytes(store.read(_LENGTH), "big")
            assert self._keys is not None
            batch: list[T] = pickle.loads(zlib.decompress(self._keys.xor(position, store.read(size))))
            position += _LENGTH + size
            done += len(batch)
            yield from batch
        yield from tail

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, (Spill, list, tuple)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        if len(self) <= 3:
            return f"Spill({list(self)!r})"
        return f"Spill(<{len(self)} items, {self._stored} spilled>)"

    # -- lifetime --------------------------------------------------------------------------------
    def close(self) -> None:
        """Drop every item and the spill file; the sequence is empty afterwards."""
        if self._closer is not None:
            self._closer()
        self._store, self._closer = None, None
        self._head, self._tail, self._stored, self._keys = [], [], 0, None

    def __getstate__(self) -> dict[str, Any]:
        data = b""
        if self._store is not None and self._stored:
            self._store.seek(0)
            data = self._store.read()
        return {"keep": self.keep, "batch": self.batch, "in_memory": self.in_memory,
                "head": self._head, "tail": self._tail, "stored": self._stored, "data": data,
                "key": self._keys.key if self._keys else b"", "aes": bool(self._keys and self._keys.aes)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        Spill.__init__(self, keep=state["keep"], batch=state["batch"], in_memory=state["in_memory"])
        self._head = list(state["head"])
        self._tail = list(state["tail"])
        if state["data"]:
            self._open().write(state["data"])  # the same blocks at the same places, under the same key
            self._keys = Keystream(state["key"], aes=state.get("aes", False))
            self._stored = state["stored"]

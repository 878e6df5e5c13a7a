"""Temporary files that hold nothing readable: every byte sealed with a key that lives in memory.

A run writes to temporary files what may still hold a secret: the first pass of ``sanitize``
spools redacted but not yet swept entries (a secret found in entry 900 is still in clear in
entry 3 until pass 2), the staged copy of ``-o -`` waits there, and findings spill there past
a thousand (:mod:`harscrub.stream.spill`). Each such file is anonymous (unlinked as it is made)
and *sealed*: encrypted with AES-256 in counter mode under a random key, through the OpenSSL
that Python's own ``hashlib`` is built on (no extra dependency), or, where that cannot be
reached, XORed with a SHAKE-128 keystream of the key and the block number (slower, as safe).
The key is drawn per file and never leaves this process's memory, so neither the file system,
nor a leftover block after a crash or SIGKILL, nor a backup of the temporary folder holds a
readable byte of it. Either cipher seals any byte range on its own (counter mode), which is
what a seekable file needs.

:func:`sealed_tempfile` gives a buffered, seekable binary file (what the two passes of
sanitize need); :class:`Keystream` is the cipher itself, which the spill uses for its blocks.
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import os
import tempfile
from typing import IO, Any, Callable

#: Keystream bytes per counter value.
BLOCK = 1 << 16
#: Buffer of the file :func:`sealed_tempfile` returns: writes reach the cipher in large pieces.
BUFFER = 1 << 20


def _openssl_ctr() -> Callable[[bytes, bytes, bytes], bytes] | None:
    """AES-256-CTR from the libcrypto ``hashlib`` is linked to, or None; proved on NIST's vector."""
    try:
        import _hashlib

        lib = ctypes.CDLL(_hashlib.__file__)  # its symbols and those of the libcrypto it loaded
        cipher = lib.EVP_aes_256_ctr
        new, free = lib.EVP_CIPHER_CTX_new, lib.EVP_CIPHER_CTX_free
        init, update = lib.EVP_EncryptInit_ex, lib.EVP_EncryptUpdate
    except (ImportError, OSError, AttributeError, TypeError):
        return None
    cipher.restype = ctypes.c_void_p
    cipher.argtypes = []
    new.restype = ctypes.c_void_p
    new.argtypes = []
    free.restype = None
    free.argtypes = [ctypes.c_void_p]
    init.restype = ctypes.c_int
    init.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    update.restype = ctypes.c_int
    update.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_char_p, ctypes.c_int]
    aes = cipher()

    def ctr(key: bytes, iv: bytes, data: bytes) -> bytes:
        ctx = new()
        if not ctx:
            raise MemoryError("EVP_CIPHER_CTX_new")
        try:
            out = ctypes.create_string_buffer(len(data) + 16)
            written = ctypes.c_int(0)
            if init(ctx, aes, None, key, iv) != 1 or update(ctx, out, ctypes.byref(written), data, len(data)) != 1:
                raise OSError("AES-256-CTR failed")
            return out.raw[: written.value]
        finally:
            free(ctx)

    try:  # NIST SP 800-38A, F.5.5 CTR-AES256.Encrypt, block 1
        key = bytes.fromhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4")
        iv = bytes.fromhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")
        proved = ctr(key, iv, bytes.fromhex("6bc1bee22e409f96e93d7e117393172a")).hex() == "601ec313775789a5b7a7f504bbf3d228"
    except (OSError, MemoryError, ctypes.ArgumentError):
        return None
    return ctr if proved else None


_CTR = _openssl_ctr()
_AES_BLOCK = 16


class Keystream:
    """A counter-mode cipher under a random key: :meth:`xor` seals and unseals alike.

    AES-256-CTR when OpenSSL is reachable (``aes``), else SHAKE-128 in counter mode.
    """

    __slots__ = ("aes", "key")

    def __init__(self, key: bytes | None = None, *, aes: bool | None = None) -> None:
        self.key = key if key is not None else os.urandom(32)
        if aes and _CTR is None:
            raise RuntimeError("data sealed with AES-256-CTR, and OpenSSL cannot be reached here")
        self.aes = _CTR is not None if aes is None else aes

    def stream(self, position: int, size: int) -> bytes:
        """The keystream bytes at ``position`` .. ``position + size``."""
        if size <= 0:
            return b""
        first, last = position // BLOCK, (position + size - 1) // BLOCK
        blocks = b"".join(hashlib.shake_128(self.key + n.to_bytes(8, "big")).digest(BLOCK)
                          for n in range(first, last + 1))
        start = position - first * BLOCK
        return blocks[start : start + size]

    def xor(self, position: int, data: bytes | bytearray | memoryview) -> bytes:
        """``data`` XOR the keystream at ``position`` (the file offset it is written to or read from)."""
        size = len(data)
        if not size:
            return b""
        if self.aes and _CTR is not None:
            block, skip = divmod(position, _AES_BLOCK)
            iv = ((int.from_bytes(self.key[:16], "big") + block) % (1 << 128)).to_bytes(16, "big")
            return _CTR(self.key, iv, bytes(skip) + bytes(data))[skip:]
        mask = self.stream(position, size)
        return (int.from_bytes(data, "little") ^ int.from_bytes(mask, "little")).to_bytes(size, "little")


class SealedRaw(io.RawIOBase):
    """A raw, seekable binary file over ``inner`` whose bytes on disk are sealed by position."""

    def __init__(self, inner: IO[bytes], keystream: Keystream | None = None) -> None:
        self._inner = inner
        self._keys = keystream or Keystream()

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._inner.seek(offset, whence)

    def tell(self) -> int:
        return self._inner.tell()

    def truncate(self, size: int | None = None) -> int:
        return self._inner.truncate(size)

    def readinto(self, b: Any) -> int:
        position = self._inner.tell()
        data = self._inner.read(len(b))
        n = len(data)
        b[:n] = self._keys.xor(position, data)
        return n

    def write(self, b: Any) -> int:
        position = self._inner.tell()
        self._inner.write(self._keys.xor(position, b))
        return len(b)

    def fileno(self) -> int:
        return self._inner.fileno()

    def close(self) -> None:
        if not self.closed:
            self._inner.close()
        super().close()


def sealed_tempfile(prefix: str = "harscrub-") -> io.BufferedRandom:
    """An anonymous temporary file, sealed under a fresh key: read, write and seek it as any other."""
    inner = tempfile.TemporaryFile(prefix=prefix, buffering=0)
    return io.BufferedRandom(SealedRaw(inner), buffer_size=BUFFER)

"""The service's memory: large buffers handed back to the system when they are freed."""

from __future__ import annotations

import ctypes


def return_large_buffers() -> bool:
    """Make glibc give every buffer of 1 MiB or more its own mapping, unmapped when freed.

    glibc otherwise raises that threshold to the largest buffer freed so far, after which
    uploads, spools and answers of tens of MB are carved from per-thread heaps that keep the
    memory: under 16 concurrent 20 MB uploads the service peaked at 416 MiB, with this at 194 MiB
    (docs/hardening.md). False where there is no ``mallopt`` (macOS, Windows): nothing changes.
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    m_mmap_threshold = -3
    return bool(mallopt(m_mmap_threshold, 1 << 20))

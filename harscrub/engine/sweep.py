"""The sweep: every secret found anywhere is removed everywhere else it appears.

Detection is contextual (a password is found by its field name), but once a value is known
to be secret, every other copy of it must go too: in free text where no rule fires, in a
``Referer``, in a body echoed back, URL-encoded, JSON-escaped, HTML-escaped or base64'd. The
sweep runs after detection over the whole output (the second pass), with a byte-level
prefilter so that entries holding no known secret are copied without being parsed.
"""

from __future__ import annotations

import ctypes
import json
from typing import Any

import re2

from harscrub.detection.fingerprint import mask, placeholder
from harscrub.detection.forms import spellings
from harscrub.detection.multiscan import hyperscan
from harscrub.detection.rules import RuleSet
from harscrub.engine.place import Where
from harscrub.findings.finding import Finding

#: Shorter secrets are only removed where a rule found them: a six-character password swept
#: from the whole file would also erase every unrelated word that happens to equal it.
MIN_SWEEP_LENGTH = 6

#: Values a rule may redact where it found them but that the sweep leaves alone elsewhere: an
#: e-mail address or a plain lowercase word (``jane.doe@example.com`` under ``credentialId``,
#: a field name) is an identity or vocabulary, and erasing it file-wide would erase usernames
#: and field names that support needs.
_NOT_SWEPT = re2.compile(r"^(?:[^@\s]+@[^@\s]+\.[A-Za-z]{2,}|[a-z]+(?:[_.-][a-z]+)*)$")

#: Literals per Hyperscan database. Compiling takes about 3 KB per literal while it runs: a
#: 1 GB capture with 7,500 distinct secrets has 30,000 forms, 85 MB at once; in databases of
#: this size the peak stays near 12 MB, for a few more scans of each entry in pass 2.
DATABASE_LITERALS = 4096

_OPTIONS = re2.Options()
_OPTIONS.max_mem = 256 << 20
_OPTIONS.log_errors = False


def _database(literals: list[bytes], start: int) -> Any:
    """A Hyperscan database of ``literals[start:start + DATABASE_LITERALS]``; ids index ``literals``."""
    chunk = literals[start : start + DATABASE_LITERALS]
    db = hyperscan.Database()
    db.compile(
        expressions=[_hyperscan_literal(b) for b in chunk],
        ids=list(range(start, start + len(chunk))),
        elements=len(chunk),
    )
    _return_freed_memory()
    return db


def _return_freed_memory() -> None:
    """Hand the compiler's freed scratch back to the system (glibc keeps it otherwise, and the
    next database's compile then grows the process instead of reusing it)."""
    if _TRIM is not None:
        _TRIM(0)


def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc (TypeError: no CDLL(None) on Windows)
        return None


_TRIM = _malloc_trim()


def _hyperscan_literal(literal: bytes) -> bytes:
    """An expression matching exactly ``literal``: every byte but letters and digits as ``\\xHH``.

    Hyperscan reads expressions as C strings, so a NUL byte (``re.escape`` leaves it raw)
    would cut one short, and an empty expression matches everywhere.
    """
    return b"".join([_ESCAPED[byte] for byte in literal])


_ESCAPED = [bytes([c]) if chr(c).isascii() and chr(c).isalnum() else b"\\x%02x" % c for c in range(256)]


def _stop_at_first(*_: Any) -> bool:
    return True  # stop the scan: one hit is enough


class Sweeper:
    """Finds and replaces every known secret, in all its encodings, in strings and bytes."""

    def __init__(self, known: dict[str, tuple[str, str]], rules: RuleSet) -> None:
        self._replacement: dict[str, tuple[str, str, str, str]] = {}
        self._fallback: Any = None
        self._db: Any = None
        self._text: Any = None  # the RE2 fallback where Hyperscan is missing
        for secret, (rule_id, fp) in sorted(known.items(), key=lambda kv: -len(kv[0])):
            if len(secret) < MIN_SWEEP_LENGTH or _NOT_SWEPT.match(secret):
                continue
            named = (rule_id, fp, mask(secret), rules.by_id(rule_id).severity)
            for form in spellings(secret):
                # The longest secret wins an encoding two secrets share.
                self._replacement.setdefault(form, named)
        forms = sorted(self._replacement, key=len, reverse=True)
        self.active = bool(forms)
        if not forms:
            return
        # Each form as it sits in a decoded string, and as it sits in serialised JSON (escaped).
        literals: dict[bytes, str] = {}
        for form in forms:
            literals.setdefault(form.encode("utf-8", "surrogatepass"), form)
        for form in forms:
            literals.setdefault(json.dumps(form, ensure_ascii=False)[1:-1].encode("utf-8", "surrogatepass"), form)
        self._literals = list(literals)
        self._literal_forms = list(literals.values())
        if hyperscan is None:  # pragma: no cover
            self._text = re2.compile("|".join(re2.escape(f) for f in forms), options=_OPTIONS)
            self._fallback = re2.compile(b"|".join(re2.escape(b) for b in self._literals), options=_OPTIONS)
            return
        # Hyperscan is built for large literal sets: one RE2 alternation of thousands of
        # secrets falls off its DFA and turned a 200 MB file into a 20-minute run.
        self._db = [_database(self._literals, start) for start in range(0, len(self._literals), DATABASE_LITERALS)]

    def may_hold(self, raw: bytes) -> bool:
        """Cheap test on serialised JSON: False means no known secret is in there."""
        if not self.active:
            return False
        if self._fallback is not None:  # pragma: no cover
            return self._fallback.search(raw) is not None
        try:
            for db in self._db:
                db.scan(raw, match_event_handler=_stop_at_first)
        except hyperscan.ScanTerminated:
            return True
        return False

    def text(self, text: str, where: Where, found: list[Finding]) -> str:
        if not self.active or len(text) < MIN_SWEEP_LENGTH:
            return text
        if self._db is None:  # pragma: no cover
            return str(self._text.sub(lambda m: self._swap(m.group(0), where, found), text))
        return self._replace(text, where, found)

    def _swap(self, form: str, where: Where, found: list[Finding]) -> str:
        """Record one repeat occurrence of a known secret; its placeholder."""
        rule_id, fp, preview, severity = self._replacement[form]
        found.append(
            Finding(rule_id, severity, where.entry, where.pointer, where.detail or "repeat occurrence",
                    fp, preview, len(form), repeat=True)
        )
        return placeholder(rule_id, fp)

    def _replace(self, text: str, where: Where, found: list[Finding]) -> str:
        """Leftmost, then longest, non-overlapping occurrences, as RE2's alternation would pick.

        Hyperscan reports where each literal ends; RE2 with thousands of alternatives falls
        off its DFA and crawled at a few KB/s, so the replacement is done here.
        """
        data = text.encode("utf-8", "surrogatepass")
        sizes = self._literals
        hits: list[tuple[int, int]] = []

        def on_match(form: int, _start: int, end: int, _flags: int, _context: Any) -> None:
            hits.append((end - len(sizes[form]), form))

        for db in self._db:
            db.scan(data, match_event_handler=on_match)
        if not hits:
            return text
        hits.sort(key=lambda h: (h[0], -len(sizes[h[1]])))
        out: list[bytes] = []
        last = 0
        for start, form in hits:
            if start >= last:
                out.append(data[last:start])
                out.append(self._swap(self._literal_forms[form], where, found).encode("ascii"))
                last = start + len(sizes[form])
        out.append(data[last:])
        return b"".join(out).decode("utf-8", "surrogatepass")

    def value(self, value: Any, where: Where, found: list[Finding]) -> Any:
        """Sweep every string (keys included) of a decoded JSON value."""
        if isinstance(value, str):
            return self.text(value, where, found)
        if isinstance(value, dict):
            return {
                (self.text(k, where, found) if isinstance(k, str) else k): self.value(v, where.at(k), found)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self.value(v, where.at(i), found) for i, v in enumerate(value)]
        return value


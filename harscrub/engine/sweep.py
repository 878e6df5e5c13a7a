"""The sweep: every secret found anywhere is removed everywhere else it appears.

Detection is contextual (a password is found by its field name), but once a value is known
to be secret, every other copy of it must go too: in free text where no rule fires, in a
``Referer``, in a body echoed back, URL-encoded, JSON-escaped, HTML-escaped or base64'd. How
far a secret reaches is its :class:`~harscrub.detection.specificity.Scope`: strong secrets go
from every string, names included; weak but specific ones from values only; the rest are not
swept at all. The structural fields of an entry (:mod:`harscrub.engine.har`) are never touched.

The sweep keeps what it edits well-formed: a JSON text is swept member by member and written
back as JSON (a placeholder is always a JSON string), a base64 string is decoded, swept and
re-encoded in its own alphabet (bytes that are not text get same-length masks). It runs after
detection over the whole output (the second pass), with a byte-level prefilter so that
entries holding no known secret are copied without being parsed.
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
from harscrub.detection.specificity import MIN_STRONG, Scope
from harscrub.engine import har
from harscrub.engine.formats import base64 as b64
from harscrub.engine.formats.binary import mask as same_length_mask
from harscrub.engine.formats.json import NOT_JSON, dump_like, parse_json
from harscrub.engine.place import Where
from harscrub.findings.finding import Finding, Known
from harscrub.stream.decode import object_of

#: Shorter secrets are only removed where a rule found them: a six-character password swept
#: from the whole file would also erase every unrelated word that happens to equal it.
MIN_SWEEP_LENGTH = MIN_STRONG

#: Literals per Hyperscan database. Compiling takes about 3 KB per literal while it runs: a
#: 1 GB capture with 7,500 distinct secrets has 30,000 forms, 85 MB at once; in databases of
#: this size the peak stays near 12 MB, for a few more scans of each entry in pass 2.
DATABASE_LITERALS = 4096

_OPTIONS = re2.Options()
_OPTIONS.max_mem = 256 << 20
_OPTIONS.log_errors = False


#: Hyperscan refuses expressions past about 16,000 characters (a long SAML assertion found
#: once would be one): a longer literal is compiled as its first bytes, and each place they
#: match is checked for the whole literal (see :meth:`Sweeper._hits`).
PROBE_BYTES = 1024


def _database(literals: list[bytes], start: int) -> Any:
    """A Hyperscan database of ``literals[start:start + DATABASE_LITERALS]``; ids index ``literals``."""
    chunk = literals[start : start + DATABASE_LITERALS]
    db = hyperscan.Database()
    db.compile(
        expressions=[_hyperscan_literal(b[:PROBE_BYTES]) for b in chunk],
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

    def __init__(self, known: dict[str, Known], rules: RuleSet) -> None:
        #: form -> (rule id, fingerprint, preview, severity, scope)
        self._replacement: dict[str, tuple[str, str, str, str, Scope]] = {}
        self._fallback: Any = None
        self._db: Any = None
        self._text: Any = None  # the RE2 fallback where Hyperscan is missing
        for secret, seen in sorted(known.items(), key=lambda kv: -len(kv[0])):
            if seen.scope is Scope.HERE:
                continue
            named = (seen.rule, seen.fingerprint, mask(secret), rules.by_id(seen.rule).severity, seen.scope)
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

    # -- strings -----------------------------------------------------------------------------------
    def text(self, text: str, where: Where, found: list[Finding], *, name: bool = False) -> str:
        """``text`` without any known secret; ``name``: it is a name or key (weak secrets stay)."""
        if not self.active or len(text) < MIN_SWEEP_LENGTH:
            return text
        hits = self._hits(text.encode("utf-8", "surrogatepass"), name)
        if not hits:
            return text
        if not name:
            if text.lstrip()[:1] in ("{", "["):
                parsed = parse_json(text)
                if parsed is not NOT_JSON:
                    return dump_like(self.value(parsed, where, found, inside=True), text)
            if b64.looks_like_base64_text(text):
                decoded = b64.decode(text)
                if decoded is not None:
                    return self._base64(text, *decoded, where, found)
        return self._apply(text.encode("utf-8", "surrogatepass"), hits, where, found).decode("utf-8", "surrogatepass")

    def _base64(self, text: str, raw: bytes, style: b64.Style, where: Where, found: list[Finding]) -> str:
        """A base64 string holding a secret: swept inside, written back in its own alphabet."""
        here = where.sub("base64")
        try:
            inner = raw.decode("utf-8")
        except UnicodeDecodeError:
            hits = self._hits(raw, False)
            swept = self._apply(raw, hits, here, found, same_length=True) if hits else raw
        else:
            swept = self.text(inner, here, found).encode("utf-8")
        if swept == raw:  # the secret straddled the encoding itself: sweep the characters
            return self._apply(text.encode("ascii"), self._hits(text.encode("ascii"), False), where,
                               found).decode("ascii")
        return style.encode(swept)

    def _hits(self, data: bytes, name: bool) -> list[tuple[int, int]]:
        """(start, literal index) of every known form in ``data``; weak ones left out of names."""
        sizes = self._literals
        hits: list[tuple[int, int]] = []
        if self._db is None:  # pragma: no cover
            for m in self._fallback.finditer(data):
                hits.append((m.start(), self._literals.index(m.group(0))))
        else:
            def on_match(form: int, _start: int, end: int, _flags: int, _context: Any) -> None:
                literal = sizes[form]
                if len(literal) <= PROBE_BYTES:
                    hits.append((end - len(literal), form))
                elif data.startswith(literal, end - PROBE_BYTES):  # only its first bytes were compiled
                    hits.append((end - PROBE_BYTES, form))

            for db in self._db:
                db.scan(data, match_event_handler=on_match)
        if name:
            hits = [h for h in hits if self._replacement[self._literal_forms[h[1]]][4] is Scope.EVERYWHERE]
        return hits

    def _apply(self, data: bytes, hits: list[tuple[int, int]], where: Where, found: list[Finding], *,
               same_length: bool = False) -> bytes:
        """Leftmost, then longest, non-overlapping occurrences replaced, as RE2's alternation would pick.

        Hyperscan reports where each literal ends; RE2 with thousands of alternatives falls
        off its DFA and crawled at a few KB/s, so the replacement is done here.
        """
        sizes = self._literals
        hits.sort(key=lambda h: (h[0], -len(sizes[h[1]])))
        out: list[bytes] = []
        last = 0
        for start, form in hits:
            if start >= last:
                out.append(data[last:start])
                tag = self._swap(self._literal_forms[form], where, found)
                out.append((same_length_mask(len(sizes[form]), tag) if same_length else tag).encode("ascii"))
                last = start + len(sizes[form])
        out.append(data[last:])
        return b"".join(out)

    def _swap(self, form: str, where: Where, found: list[Finding]) -> str:
        """Record one repeat occurrence of a known secret; its placeholder."""
        rule_id, fp, preview, severity, reach = self._replacement[form]
        found.append(
            Finding(rule_id, severity, where.entry, where.pointer, where.detail or "repeat occurrence",
                    fp, preview, len(form), repeat=True, strong=reach is Scope.EVERYWHERE)
        )
        return placeholder(rule_id, fp)

    # -- decoded JSON --------------------------------------------------------------------------------
    def value(self, value: Any, where: Where, found: list[Finding], *, inside: bool = False) -> Any:
        """Sweep every string of a decoded JSON value (keys of strong secrets only).

        ``inside``: the value was parsed from one string of the HAR, whose place ``where`` stays.
        """
        if isinstance(value, str):
            return self.text(value, where, found)
        if isinstance(value, dict):
            members = []
            for k, v in value.items():
                shown = self.text(k, where, found, name=True) if isinstance(k, str) else k
                members.append((shown, self.value(v, where if inside else where.at(shown), found, inside=inside)))
            return object_of(members)
        if isinstance(value, list):
            return [self.value(v, where if inside else where.at(i), found, inside=inside) for i, v in enumerate(value)]
        if inside and type(value) is int and self._hits(str(value).encode(), False):
            return self.text(str(value), where, found)  # a secret written as a JSON number: now a string
        return value

    def entry(self, entry: Any, where: Where, found: list[Finding]) -> Any:
        """Sweep one entry, its structural fields (:mod:`harscrub.engine.har`) left as they are."""
        if not isinstance(entry, dict):
            return self.value(entry, where, found)
        out = {}
        for key, value in entry.items():
            here = where.at(key)
            if har.structural(har.ENTRY, key, value) or (key == "timings" and har.timings(value)):
                out[key] = value
            elif key in ("request", "response") and isinstance(value, dict):
                fields = har.REQUEST if key == "request" else har.RESPONSE
                out[key] = {self.text(k, here, found, name=True): v if har.structural(fields, k, v) else
                            self._section_member(k, v, here.at(k), found) for k, v in value.items()}
            else:
                out[self.text(key, where, found, name=True)] = self.value(value, here, found)
        return out

    def _section_member(self, key: str, value: Any, where: Where, found: list[Finding]) -> Any:
        if key == "content" and isinstance(value, dict):
            return {self.text(k, where, found, name=True): v if har.structural(har.CONTENT, k, v)
                    else self.value(v, where.at(k), found) for k, v in value.items()}
        return self.value(value, where, found)

"""The check's pass over one HAR: the very walk sanitize does, with every finding located.

:class:`Scanner` streams the entries with :class:`HarReader` and walks each with the
:class:`Redactor` sanitize uses, so it finds exactly what sanitize would remove; the redacted
copy is thrown away, except the request line, which names each finding's request already
sanitized. Each finding carries its place (JSON pointer, and line and column in the file),
and JWTs are decoded to tell a live credential (critical) from an expired one (low).

Nothing here holds a secret once a file is done: every string shown (the URL, the place,
JWT fields) is swept for every secret found before :meth:`Scanner.scan` returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Protocol

import orjson

from harscrub.detection.fingerprint import Fingerprinter
from harscrub.detection.jwt import TokenDecoder, looks_like_jwt, parse_time
from harscrub.engine import marker
from harscrub.engine.locate import EntryText, LineCounter
from harscrub.engine.place import Where
from harscrub.engine.redactor import Redactor
from harscrub.engine.sweep import Sweeper
from harscrub.engine.walk import walk_entry, walk_member
from harscrub.errors import InvalidHarError
from harscrub.findings.finding import Finding, Known
from harscrub.findings.results import CheckResult, Hit
from harscrub.policy import Policy
from harscrub.stream.decode import decode_json, every_copy
from harscrub.stream.reader import HarReader, Member, RawEntry
from harscrub.stream.spill import Spill

Progress = Callable[[int], None]


@dataclass(frozen=True)
class CheckOptions:
    """How findings are described: ``show_claims`` prints personal JWT claims (``sub``,
    ``email`` …); ``now`` is the time liveness is judged against (default: the clock)."""

    show_claims: bool = False
    now: datetime | None = None


class Probe(Protocol):
    """An extra look at each decoded entry (``check --against`` hunts survivors with one)."""

    #: Secrets the probe looks for: they are swept from every string the check shows.
    known: dict[str, Known]

    def look(self, value: Any, where: Where, text: EntryText | None) -> list[Hit]: ...


class Scanner:
    """One check run over one HAR: the redactor, the JWT decoder and the hits so far."""

    def __init__(
        self,
        policy: Policy,
        *,
        fingerprint: Fingerprinter | None = None,
        options: CheckOptions = CheckOptions(),
        probe: Probe | None = None,
    ) -> None:
        self.policy = policy
        self.fingerprint = fingerprint or Fingerprinter(policy.key)
        self.redactor = Redactor(
            policy.rules,
            fingerprint=self.fingerprint,
            jwt_mode=policy.jwt_mode,
            allow=policy.allow,
            keep=policy.keep_fingerprints,
            on_finding=self._on_finding,
            inspect_secret=self._inspect,
        )
        self.tokens = TokenDecoder(now=options.now, show_claims=options.show_claims, scrub=self._scrub_claim)
        self._claims_redactor: Redactor | None = None
        self.probe = probe
        #: The hits of the entry (or member) being scanned; they join the result once it is done.
        self._hits: list[Hit] = []
        self._text: EntryText | None = None
        self._captured: datetime | None = None
        self._place: tuple[int | None, int | None] = (None, None)

    def _scrub_claim(self, value: Any) -> Any:
        """What is shown of a token (``iss``, ``kid``, claims) goes through the rules too, with
        a second redactor that records nothing; made on the first token, most files have none."""
        if self._claims_redactor is None:
            self._claims_redactor = Redactor(self.policy.rules, fingerprint=self.fingerprint, allow=self.policy.allow)
        return self._claims_redactor.any(value, Where(None, ()))

    # -- redactor hooks -------------------------------------------------------------------
    def _inspect(self, finding: Finding, secret: str) -> None:
        """Sees each secret once, as it is found: locates it and decodes it if it is a JWT."""
        self._place = self._text.find(secret) if self._text is not None else (None, None)
        if looks_like_jwt(secret):
            info, severity = self.tokens.describe(secret, finding.fingerprint, self._captured)
            finding.jwt = info
            if severity is not None:
                finding.severity = severity

    def _on_finding(self, finding: Finding) -> None:
        line, column = self._place
        self._hits.append(Hit(finding, line=line, column=column))
        self._place = (None, None)

    # -- the pass -------------------------------------------------------------------------
    def scan(self, stream: BinaryIO, *, source_name: str = "", progress: Progress | None = None) -> CheckResult:
        """Check the HAR read from ``stream``; raises :class:`InvalidHarError` on bad input."""
        result = CheckResult(source=source_name)
        counter = LineCounter(stream)
        reader = HarReader(counter, max_entry_bytes=self.policy.max_entry_bytes)  # type: ignore[arg-type]
        digest = marker.EntryDigest()
        found_marker: Any = None
        has_marker = False
        r = self.redactor
        for event in reader:
            if isinstance(event, RawEntry):
                digest.add(event.raw)
                self._entry(event, counter)
                self._flush(result)
                if progress is not None:
                    progress(event.offset + len(event.raw))
            elif isinstance(event, Member):
                start = len(self._hits)
                if event.top:
                    walk_member(r, event.key, event.value, ())
                elif event.key == marker.KEY:
                    found_marker, has_marker = event.value, True
                    if not marker.well_formed(event.value):  # fail closed: anything else in it is scanned
                        walk_member(r, event.key, event.value)
                else:
                    walk_member(r, event.key, event.value)
                if self.probe is not None:
                    path = (event.key,) if event.top else ("log", event.key)
                    self._merge(start, self.probe.look(event.value, Where(None, path), None))
                self._flush(result)
        self._flush(result)
        result.entries = reader.entries
        result.notes.extend(r.notes)
        result.marker = marker.status(found_marker if has_marker else None, has_marker, digest.hexdigest(),
                                      reader.entries, r.rules.digest)
        self._scrub(result)
        return result

    def _flush(self, result: CheckResult) -> None:
        """Hand the finished entry's hits to the result (from then on they are not changed)."""
        for hit in self._hits:
            result.add(hit)
        self._hits = []

    def _entry(self, event: RawEntry, counter: LineCounter) -> None:
        entry = event.value if event.value is not None else decode_json(event.raw, offset=event.offset, entry=event.index)
        if not isinstance(entry, dict):
            raise InvalidHarError("entry is not an object", offset=event.offset, entry=event.index)
        self._text = EntryText(event.raw, *counter.position(event.offset))
        self._captured = parse_time(entry.get("startedDateTime"))
        start = len(self._hits)
        # A member written twice is judged in every copy: a portal's reader may keep either.
        copies = every_copy(event.raw, entry)
        for copy in copies[:-1]:
            walk_entry(self.redactor, copy, event.index)
        entry = copies[-1]
        redacted = walk_entry(self.redactor, entry, event.index)
        if self.probe is not None:
            where = Where(event.index, ("log", "entries", event.index))
            self._merge(start, self.probe.look(entry, where, self._text))
        self._text = None
        method, url = request_line(redacted)
        for hit in self._hits[start:]:
            hit.method, hit.url = method, url

    def _merge(self, start: int, extra: list[Hit]) -> None:
        """Add a probe's hits; one the rules already found at the same place is annotated."""
        if not extra:
            return
        mine: dict[tuple[str, str], list[Hit]] = {}
        for hit in self._hits[start:]:
            if hit.survivor is None:
                mine.setdefault((hit.finding.pointer, hit.finding.fingerprint), []).append(hit)
        for hit in extra:
            same = mine.get((hit.finding.pointer, hit.finding.fingerprint))
            if same:
                same.pop(0).survivor = hit.survivor
            else:
                self._hits.append(hit)

    def _scrub(self, result: CheckResult) -> None:
        """Sweep every secret of the run out of every string a report shows (fail closed:
        a request URL or a JSON key may repeat a secret found elsewhere).

        The hits are read back in chunks; only when a chunk may hold a known secret are they
        all written again, swept, to a new sequence (the spilled ones are copies)."""
        if not result.hits:
            return
        known = dict(self.redactor.known)
        if self.probe is not None:
            known.update(self.probe.known)
        sweeper = Sweeper(known, self.redactor.rules)
        if not sweeper.active:
            return
        # One search per chunk over everything shown; the usual answer is that nothing needs sweeping.
        if not any(_may_hold(sweeper, chunk) for chunk in _chunks(result.hits)):
            return
        old = result.hits
        swept: Spill[Hit] = Spill(keep=old.keep, batch=old.batch, in_memory=old.in_memory)
        nowhere = Where(None, ())
        ignored: list[Finding] = []
        for chunk in _chunks(old):
            if _may_hold(sweeper, chunk):
                shown = {s: sweeper.text(s, nowhere, ignored)
                         for h in chunk for s in (h.url, h.finding.pointer, h.finding.detail)}
                for hit in chunk:
                    f = hit.finding
                    hit.url, f.pointer, f.detail = shown[hit.url], shown[f.pointer], shown[f.detail]
                    if f.jwt is not None:
                        f.jwt = sweeper.value(f.jwt, nowhere, ignored)
                ignored.clear()
            swept.extend(chunk)
        result.hits = swept
        old.close()


#: Hits swept together by :meth:`Scanner._scrub`.
SCRUB_CHUNK = 1000


def _chunks(hits: Iterable[Hit]) -> Iterator[list[Hit]]:
    chunk: list[Hit] = []
    for hit in hits:
        chunk.append(hit)
        if len(chunk) >= SCRUB_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _may_hold(sweeper: Sweeper, hits: list[Hit]) -> bool:
    """Whether a known secret may sit in a string these hits show (URL, place, JWT fields)."""
    shown = {s for h in hits for s in (h.url, h.finding.pointer, h.finding.detail)}
    tokens = [h.finding.jwt for h in hits if h.finding.jwt is not None]
    return sweeper.may_hold(orjson.dumps([sorted(shown), tokens]))


def request_line(entry: dict[str, Any]) -> tuple[str, str]:
    """Method and URL of a (redacted) entry, as strings; empty when absent."""
    request = entry.get("request")
    if not isinstance(request, dict):
        return "", ""
    method, url = request.get("method"), request.get("url")
    return (method if isinstance(method, str) else ""), (url if isinstance(url, str) else "")

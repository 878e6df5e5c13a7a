"""The leak check: one streaming pass over a HAR with the sanitize rules, nothing written.

``check`` answers the question asked before a HAR goes to a vendor: does this file still hold
a usable credential? It streams the entries with :class:`HarReader` and walks each with the
very :class:`Redactor` sanitize uses, so it finds exactly what sanitize would remove; the
redacted copy is thrown away, except the request line, which names each finding's request
already sanitized. Each finding carries its place (JSON pointer, and line and column in the
file), and JWTs are decoded to tell a live credential (critical) from an expired one (low).

The check also reads the ``log._harscrub`` marker: whether harscrub sanitized the file, and
whether its entries changed after that (the marker holds a digest of the entries as written).

Nothing here holds a secret once a file is done: findings carry rule, place, keyed
fingerprint and masked preview; every string shown (the URL, the place, JWT fields) is swept
for every secret found before it leaves this module.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Protocol

import orjson

from harscrub.detection.fingerprint import Fingerprinter
from harscrub.detection.jwt import TokenDecoder, looks_like_jwt, parse_time
from harscrub.detection.rules import SEVERITIES
from harscrub.engine import marker
from harscrub.engine.locate import EntryText, LineCounter
from harscrub.engine.redactor import Redactor, Where
from harscrub.engine.sweep import Sweeper
from harscrub.engine.walk import walk_entry, walk_member
from harscrub.errors import HarscrubError, InvalidHarError
from harscrub.findings.finding import Finding, Tally, counted
from harscrub.policy import Policy
from harscrub.stream.jsonstream import Items, materialize
from harscrub.stream.reader import HarReader, Member, RawEntry, decode_json
from harscrub.stream.source import open_input
from harscrub.stream.spill import Spill

#: File names a directory argument expands to.
HAR_SUFFIXES = (".har", ".har.json", ".har.gz")

Progress = Callable[[int], None]


@dataclass(slots=True)
class Hit:
    """A finding as ``check`` reports it: the finding, its request, and where it sits in the text.

    ``survivor`` names the encoding (raw, url-encoded, json-escaped, html-escaped, base64) in
    which a secret of the original file survives, for ``check --against``.
    """

    finding: Finding
    method: str = ""
    url: str = ""
    line: int | None = None
    column: int | None = None
    survivor: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        return (Hit, (self.finding, self.method, self.url, self.line, self.column, self.survivor))

    def to_dict(self) -> dict[str, Any]:
        data = self.finding.to_dict()
        data.pop("repeat", None)
        data["method"] = self.method
        data["url"] = self.url
        data["line"] = self.line
        data["column"] = self.column
        if self.survivor is not None:
            data["survivor"] = self.survivor
        return data


@dataclass(slots=True)
class MarkerStatus:
    """What the ``log._harscrub`` marker says about the file.

    ``state``: ``absent`` (not sanitized by harscrub), ``intact`` (the entries are exactly
    those harscrub wrote), ``changed`` (entries edited, added or removed since) or
    ``invalid`` (a marker that is not one harscrub writes).
    """

    state: str
    message: str
    version: str | None = None
    same_rules: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class CheckResult:
    """Everything ``check`` found in one file; ``error`` is set when the file could not be read.

    ``hits`` is a :class:`~harscrub.spill.Spill`: iterable in order, with ``len()``; past its
    first thousand items it keeps them pickled in a private temporary file. The counts are kept
    as hits are added with :meth:`add`; hits given to the constructor are counted.
    """

    source: str
    entries: int = 0
    hits: Spill[Hit] = field(default_factory=Spill)
    marker: MarkerStatus = field(default_factory=lambda: MarkerStatus("absent", "no log._harscrub marker"))
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    tally: Tally = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.tally = Tally()
        self.hits = counted(self.hits, lambda hit: self.tally.add(hit.finding))

    def add(self, hit: Hit) -> None:
        self.hits.append(hit)
        self.tally.add(hit.finding)

    def at_or_above(self, severity: str) -> list[Hit]:
        """The hits at least this severe (a list: use :meth:`count_at_or_above` to count them)."""
        if not self.count_at_or_above(severity):
            return []
        floor = SEVERITIES.index(severity)
        return [h for h in self.hits if h.finding.severity_rank >= floor]

    def count_at_or_above(self, severity: str) -> int:
        return self.tally.at_or_above(severity)

    @property
    def total(self) -> int:
        return self.tally.total

    @property
    def by_rule(self) -> dict[str, int]:
        return self.tally.by_rule

    @property
    def by_severity(self) -> dict[str, int]:
        return self.tally.by_severity

    @property
    def distinct_secrets(self) -> int:
        return len(self.tally.fingerprints)

    def document(self) -> dict[str, Any]:
        """:meth:`to_dict` with the findings as a lazy :class:`~harscrub.jsonstream.Items`, for
        :func:`harscrub.jsonstream.write`: the result written without building it in memory."""
        data: dict[str, Any] = {
            "source": self.source,
            "entries": self.entries,
            "total": self.total,
            "distinct_secrets": self.distinct_secrets,
            "by_rule": self.by_rule,
            "by_severity": self.by_severity,
            "marker": self.marker.to_dict(),
            "notes": list(self.notes),
            "findings": Items(h.to_dict() for h in self.hits),
        }
        if self.error is not None:
            data["error"] = self.error
        return data

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = materialize(self.document())
        return result


@dataclass(frozen=True)
class CheckOptions:
    """How findings are described: ``show_claims`` prints personal JWT claims (``sub``,
    ``email`` …); ``now`` is the time liveness is judged against (default: the clock)."""

    show_claims: bool = False
    now: datetime | None = None


class Probe(Protocol):
    """An extra look at each decoded entry (``check --against`` hunts survivors with one)."""

    #: Secrets the probe looks for: they are swept from every string the check shows.
    known: dict[str, tuple[str, str]]

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
                    r.named(event.key, event.value, Where(None, (event.key,)))
                elif event.key == marker.KEY:
                    found_marker, has_marker = event.value, True
                    if not well_formed_marker(event.value):  # fail closed: anything else in it is scanned
                        walk_member(r, event.key, event.value)
                else:
                    walk_member(r, event.key, event.value)
                if self.probe is not None:
                    path = (event.key,) if event.top else ("log", event.key)
                    self._merge(start, self.probe.look(event.value, Where(None, path), None))
                self._flush(result)
        self._flush(result)
        result.entries = reader.entries
        result.marker = marker_status(found_marker if has_marker else None, has_marker, digest.hexdigest(),
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


_RULE_ID = re.compile(r"[a-z0-9][a-z0-9.-]{0,63}")
_MARKER_TYPES: dict[str, type | tuple[type, ...]] = {
    "version": str, "rules": str, "jwt": str, "redacted": dict, "entries": int, "digest": str,
}


def well_formed_marker(value: Any) -> bool:
    """Exactly the members harscrub writes, with their types, and counts that are integers."""
    if not isinstance(value, dict) or set(value) != set(_MARKER_TYPES):
        return False
    if not all(isinstance(value[k], t) for k, t in _MARKER_TYPES.items()):
        return False
    return all(isinstance(n, int) and _RULE_ID.fullmatch(rule) for rule, n in value["redacted"].items())


def marker_status(value: Any, present: bool, digest: str, entries: int, rules_digest: str) -> MarkerStatus:
    """Compare the marker a file carries with the entries it actually holds."""
    if not present:
        return MarkerStatus("absent", "no log._harscrub marker: not sanitized by harscrub")
    if not well_formed_marker(value):
        return MarkerStatus("invalid", "log._harscrub is not a marker harscrub writes")
    version = value["version"]
    same_rules = value.get("rules") == rules_digest
    if value["digest"] != digest or value.get("entries") != entries:
        return MarkerStatus("changed", "entries changed after harscrub sanitized the file (edited, added or removed)",
                            version, same_rules)
    rules_note = "" if same_rules else "; sanitized with other rules than this check uses"
    return MarkerStatus("intact", f"sanitized by harscrub {version or '?'}; entries unchanged since{rules_note}",
                        version, same_rules)


def check_stream(
    src: BinaryIO,
    policy: Policy | None = None,
    *,
    source_name: str = "",
    options: CheckOptions = CheckOptions(),
    fingerprint: Fingerprinter | None = None,
    probe: Probe | None = None,
    progress: Progress | None = None,
) -> CheckResult:
    """Check the HAR read from ``src`` (UTF-8 JSON bytes)."""
    scanner = Scanner(policy or Policy(), fingerprint=fingerprint, options=options, probe=probe)
    return scanner.scan(src, source_name=source_name, progress=progress)


def check_file(
    path: str | Path,
    policy: Policy | None = None,
    *,
    options: CheckOptions = CheckOptions(),
    fingerprint: Fingerprinter | None = None,
    probe: Probe | None = None,
    progress: Progress | None = None,
) -> CheckResult:
    """Check one HAR file (``.har``, ``.har.gz``) or ``-`` for stdin."""
    policy = policy or Policy()
    name = "<stdin>" if str(path) == "-" else str(path)
    with contextlib.closing(open_input(path, max_bytes=policy.max_input_bytes)) as stream:
        return check_stream(stream, policy, source_name=name, options=options, fingerprint=fingerprint,
                            probe=probe, progress=progress)


def expand_paths(paths: Iterable[str | Path]) -> list[str]:
    """Files as given; directories replaced by the HAR files under them, sorted."""
    out: list[str] = []
    for p in paths:
        if str(p) != "-" and Path(p).is_dir():
            found = sorted(
                str(f) for f in Path(p).rglob("*") if f.is_file() and f.name.lower().endswith(HAR_SUFFIXES)
            )
            if not found:
                raise HarscrubError(f"{p}: no .har, .har.json or .har.gz files in this directory")
            out.extend(found)
        else:
            out.append(str(p))
    return out


def _check_job(path: str, policy: Policy, key: bytes, options: CheckOptions) -> CheckResult:
    """One file in a worker process; errors come back as a result (exceptions may not pickle)."""
    try:
        return check_file(path, policy, options=options, fingerprint=Fingerprinter(key))
    except HarscrubError as exc:
        return CheckResult(source=path, error=str(exc))
    except OSError as exc:
        return CheckResult(source=path, error=f"{path}: {exc.strerror or exc.__class__.__name__}")


def check_many(
    paths: list[str],
    policy: Policy | None = None,
    *,
    options: CheckOptions = CheckOptions(),
    jobs: int = 1,
) -> Iterator[CheckResult]:
    """Check many files, in order, ``jobs`` at a time in worker processes.

    One fingerprint key serves the whole run (the policy's, or a fresh one), so the same
    secret has the same fingerprint in every file. A file that cannot be read yields a
    result with ``error`` set instead of stopping the others.
    """
    policy = policy or Policy()
    key = policy.key or os.urandom(32)
    # A fresh Policy per worker: the parent's holds compiled rules, which do not pickle.
    portable = dataclasses.replace(policy, key=key)
    if jobs <= 1 or len(paths) <= 1:
        for path in paths:
            yield _check_job(path, portable, key, options)
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(paths)), initializer=_start_worker,
                             initargs=(portable, key, options)) as pool:
        yield from pool.map(_worker_job, paths)


#: A worker's policy, key and options, set once when it starts: its files then share one rule
#: set, so its compiled detectors are built once, not once per file.
_WORKER: tuple[Policy, bytes, CheckOptions] | None = None


def _start_worker(policy: Policy, key: bytes, options: CheckOptions) -> None:
    global _WORKER
    _WORKER = (policy, key, options)


def _worker_job(path: str) -> CheckResult:
    assert _WORKER is not None, "worker not started by check_many"
    return _check_job(path, *_WORKER)

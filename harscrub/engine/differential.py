"""``check --against ORIGINAL SANITIZED``: did every secret of the original really go?

A rule-based check of the sanitized file can only find what still *looks* like a secret. The
differential check knows the answer key: it scans the original, collects every secret found
there, and then looks for each of them in the sanitized file in every form it may have
taken — raw, URL-encoded, JSON-escaped, HTML-escaped, base64 — in every string, keys
included. Any survivor is reported with its place, like any other finding (and ranked as
the rule that found it in the original ranks). This is what a cautious admin runs before
pressing upload.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from harscrub.detection.fingerprint import Fingerprinter
from harscrub.detection.forms import form_in
from harscrub.detection.rules import RuleSet
from harscrub.detection.specificity import Scope
from harscrub.engine.check import check_file
from harscrub.engine.locate import EntryText
from harscrub.engine.place import Where
from harscrub.engine.scan import CheckOptions, Scanner
from harscrub.engine.sweep import Sweeper
from harscrub.errors import about
from harscrub.findings.finding import Finding, Known
from harscrub.findings.results import CheckResult, Hit
from harscrub.policy import Policy
from harscrub.stream.source import open_input


class SurvivorProbe:
    """Looks for the secrets of an original HAR in each entry of another, in every encoding."""

    def __init__(self, known: dict[str, Known], rules: RuleSet) -> None:
        self.known = known
        self._sweeper = Sweeper(known, rules)
        self._secret_of = {seen.fingerprint: secret for secret, seen in known.items()}

    def look(self, value: Any, where: Where, text: EntryText | None) -> list[Hit]:
        if not self._sweeper.active:
            return []
        if text is not None and not _escapes_differ(text.raw) and not self._sweeper.may_hold(text.raw):
            return []  # the byte-level test is exact only for JSON written without \u or \/ escapes
        hits: list[Hit] = []
        self._walk(value, where, text, hits)
        return hits

    def _walk(self, value: Any, where: Where, text: EntryText | None, hits: list[Hit]) -> None:
        if isinstance(value, str):
            self._string(value, where, text, hits)
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str):
                    self._string(key, where.at(key), text, hits, is_key=True)
                self._walk(item, where.at(key), text, hits)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self._walk(item, where.at(i), text, hits)

    def _string(self, value: str, where: Where, text: EntryText | None, hits: list[Hit], *, is_key: bool = False) -> None:
        found: list[Finding] = []
        self._sweeper.text(value, where, found)
        for finding in found:
            secret = self._secret_of[finding.fingerprint]
            encoding = form_in(secret, value)
            finding.detail = f"{'key of ' if is_key else ''}a secret of the original survives ({encoding})"
            finding.length = len(secret)
            finding.repeat = False
            line, column = text.find(secret) if text is not None else (None, None)
            hits.append(Hit(finding, line=line, column=column, survivor=encoding))


def _escapes_differ(raw: bytes) -> bool:
    """True when the file may spell a character differently from how the sweeper looks for
    it (``\\u00e9`` for ``é``, ``\\/`` for ``/``): the entry must then be decoded to be searched."""
    return b"\\u" in raw or b"\\/" in raw


def known_secrets(original: str | Path, policy: Policy, fingerprint: Fingerprinter) -> dict[str, Known]:
    """Every secret the rules find in ``original`` (and derived ones, such as Basic passwords)."""
    scanner = Scanner(policy, fingerprint=fingerprint)
    name = "<stdin>" if str(original) == "-" else str(original)
    with about(name), contextlib.closing(open_input(original, max_bytes=policy.max_input_bytes)) as stream:
        scanner.scan(stream, source_name=name)
    return scanner.redactor.known


def check_against(
    original: str | Path,
    sanitized: str | Path,
    policy: Policy | None = None,
    *,
    options: CheckOptions = CheckOptions(),
    fingerprint: Fingerprinter | None = None,
) -> CheckResult:
    """Check ``sanitized`` with the rules, and for every secret of ``original`` in any encoding.

    The two files are scanned under one fingerprint key, so a survivor carries the same
    fingerprint as the secret found in the original.
    """
    policy = policy or Policy()
    fingerprint = fingerprint or Fingerprinter(policy.key)
    known = known_secrets(original, policy, fingerprint)
    probe = SurvivorProbe(known, policy.rules)
    result = check_file(sanitized, policy, options=options, fingerprint=fingerprint, probe=probe)
    survivors = sum(1 for h in result.hits if h.survivor is not None)
    distinct = len({seen.fingerprint for seen in known.values()})
    result.notes.append(
        f"against {original}: {distinct} distinct secrets in the original, {survivors} surviving occurrences"
    )
    local = sum(1 for seen in known.values() if seen.scope is Scope.HERE)
    if local:
        result.notes.append(
            f"{local} secrets of the original are only looked for where a rule finds them (short, or plainly "
            "data such as a date, a number or a URL found under a credential name)"
        )
    return result

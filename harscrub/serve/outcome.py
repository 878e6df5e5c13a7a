"""One upload sanitized for the review: the HAR, the summary for the response header, the
review of its distinct secrets, and what an earlier harscrub run left in ``log._harscrub``.

``keep`` names fingerprints (of this run's key) the user reviewed and kept: those values stay
in the file as they were; every other placeholder is the same as without ``keep``.
"""

from __future__ import annotations

import dataclasses
import io
import re
from dataclasses import dataclass
from typing import Any

from harscrub.engine import marker
from harscrub.engine.sanitize import sanitize_stream
from harscrub.serve.config import ServeConfig
from harscrub.serve.jobs import open_upload, summarize
from harscrub.serve.review import build_review
from harscrub.stream.reader import HarReader, Member, RawEntry
from harscrub.stream.source import GZIP_MAGIC

_VERSION = re.compile(r"[0-9][0-9A-Za-z.+-]{0,31}")
_DIGEST = re.compile(r"[0-9a-f]{8,64}")


@dataclass
class Outcome:
    body: bytes
    summary: dict[str, Any]
    review: dict[str, Any]


def sanitize_for_review(data: bytes, config: ServeConfig, name: str, keep: frozenset[str] = frozenset()) -> Outcome:
    """Sanitize an uploaded HAR (plain or gzip) in memory, keeping the fingerprints in ``keep``."""
    policy = dataclasses.replace(config.policy, keep_fingerprints=keep) if keep else config.policy
    src = open_upload(data, config)
    out = io.BytesIO()
    report = sanitize_stream(src, out, policy, source_name=name, spool=io.BytesIO())
    body = out.getvalue()
    del out
    summary = summarize(report, name, earlier_marker(data, config))
    summary["kept"] = len(keep)
    review = build_review(report.findings, policy)
    review.update({k: summary[k] for k in ("name", "total", "distinct", "entries", "previous", "kept")})
    review["source"] = name
    review["persistent_key"] = config.persistent_key
    return Outcome(body, summary, review)


def earlier_marker(data: bytes, config: ServeConfig) -> dict[str, Any] | None:
    """What the upload's own ``log._harscrub`` says (None: it has none): whether its entries are
    as that run wrote them, by which version and rules, and how much that run removed.

    Only what harscrub itself writes is repeated (a version, a hex digest, counts): the marker
    is part of the upload, and a header must not carry what a file says."""
    if data[:2] != GZIP_MAGIC and b'"_harscrub"' not in data:
        return None  # the common case, decided without reading the file again
    src = open_upload(data, config)
    reader = HarReader(src, max_entry_bytes=config.policy.max_entry_bytes)
    digest = marker.EntryDigest()
    found: Any = None
    present = False
    for event in reader:
        if isinstance(event, RawEntry):
            digest.add(event.raw)
        elif isinstance(event, Member) and not event.top and event.key == marker.KEY:
            found, present = event.value, True
    if not present:
        return None
    status = marker.status(found, True, digest.hexdigest(), reader.entries, config.policy.rules.digest)
    if status.state == "invalid":
        return {"state": "invalid", "version": None, "rules": None, "same_rules": None, "removed": None}
    version = found["version"] if _VERSION.fullmatch(found["version"]) else None
    rules = found["rules"] if _DIGEST.fullmatch(found["rules"]) else None
    return {
        "state": status.state,
        "version": version,
        "rules": rules,
        "same_rules": status.same_rules,
        "removed": sum(n for n in found["redacted"].values() if n > 0),
    }

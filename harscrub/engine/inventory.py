"""The inventory behind ``harscrub inspect``: every name in a HAR, counted, with its fate.

Before choosing what to keep, an admin wants the list the web sanitizers show as checkboxes:
which headers, cookies, query and form parameters, JSON body keys, MIME types and hosts the
capture holds, how often, and whether the current rules redact them. A *name* rule fires on
the name itself (``redacted``: the value always goes); other names keep their values unless
a value looks like a secret (``scanned``); MIME types and hosts are never redacted (``kept``).

Only names are listed, never values. A name can itself be a secret (a token used as a JSON
key or a parameter name): every name goes through the value rules, and at the end every
secret the check found anywhere in the file is swept from the names shown.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

from harscrub.detection.detectors import NameDetector
from harscrub.engine import formats
from harscrub.engine.formats.url import query_names
from harscrub.engine.locate import EntryText
from harscrub.engine.place import Where
from harscrub.engine.redactor import Redactor
from harscrub.engine.scan import CheckOptions, Scanner
from harscrub.engine.sweep import Sweeper
from harscrub.engine.walk import URL_HEADERS
from harscrub.errors import about
from harscrub.findings.finding import Finding, Known
from harscrub.findings.results import Hit
from harscrub.policy import Policy
from harscrub.stream.source import open_input

#: Kinds of names, in the order they are shown, and the place their name rules apply to.
KINDS: dict[str, str | None] = {
    "header": "header",
    "cookie": "cookie",
    "query parameter": "param",
    "form parameter": "param",
    "json key": "param",
    "mime type": None,
    "host": None,
}
#: Distinct names kept per kind: a body that maps random ids to objects must not fill memory.
MAX_NAMES_PER_KIND = 20000


@dataclass(frozen=True, slots=True)
class Item:
    """One name of one kind: how often it occurs and what the rules do with its values."""

    kind: str
    name: str
    count: int
    fate: str  # "redacted", "scanned", "url-redacted" or "kept"
    rule: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "count": self.count, "fate": self.fate, "rule": self.rule}


@dataclass
class Inventory:
    """What ``inspect`` reports for one file."""

    source: str
    entries: int = 0
    items: list[Item] = field(default_factory=list)
    secrets: int = 0
    distinct_secrets: int = 0
    overflow: dict[str, int] = field(default_factory=dict)

    def by_kind(self) -> Iterator[tuple[str, list[Item]]]:
        for kind in KINDS:
            items = [i for i in self.items if i.kind == kind]
            if items:
                yield kind, items

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "entries": self.entries,
            "secrets_found": self.secrets,
            "distinct_secrets": self.distinct_secrets,
            "inventory": {kind: [i.to_dict() for i in items] for kind, items in self.by_kind()},
            "more_names_not_listed": dict(self.overflow),
        }


class Collector:
    """Counts names entry by entry; plugs into the check as its probe."""

    def __init__(self) -> None:
        self.known: dict[str, Known] = {}
        self.counts: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
        self.overflow: Counter[str] = Counter()

    # -- the probe interface of Scanner ----------------------------------------------------
    def look(self, value: Any, where: Where, text: EntryText | None) -> list[Hit]:
        if where.entry is not None and isinstance(value, dict):
            self.entry(value)
        return []

    # -- counting ----------------------------------------------------------------------------
    def add(self, kind: str, name: Any) -> None:
        if not isinstance(name, str):
            return
        counter = self.counts[kind]
        if name in counter or len(counter) < MAX_NAMES_PER_KIND:
            counter[name] += 1
        else:
            self.overflow[kind] += 1

    def entry(self, entry: dict[str, Any]) -> None:
        request = _dict(entry.get("request"))
        response = _dict(entry.get("response"))
        for section in (request, response):
            headers = _named(section.get("headers"))
            for name, _value in headers:
                self.add("header", name.lower())  # header names are case-insensitive
            self._cookies(section, headers)
        url = request.get("url")
        if isinstance(url, str):
            self._host(url)
        query = _named(request.get("queryString"))
        if query or not isinstance(url, str):
            for name, _value in query:
                self.add("query parameter", name)
        else:
            for name in query_names(urlsplit_query(url)):
                self.add("query parameter", name)
        self._post(_dict(request.get("postData")))
        content = _dict(response.get("content"))
        mime = content.get("mimeType")
        self._mime(mime)
        text = content.get("text")
        if isinstance(text, str):
            if str(content.get("encoding", "")).lower() == "base64":
                text = _b64(text)
            self._body_names(text, mime)

    def _cookies(self, section: dict[str, Any], headers: list[tuple[str, Any]]) -> None:
        cookies = _named(section.get("cookies"))
        if cookies:
            for name, _value in cookies:
                self.add("cookie", name)
            return
        for name, value in headers:  # no cookies array: read the names off the headers
            if not isinstance(value, str):
                continue
            lower = name.lower()
            if lower == "cookie":
                pairs = value.split(";")
            elif lower in ("set-cookie", "set-cookie2"):
                pairs = [line.split(";", 1)[0] for line in value.split("\n")]
            else:
                continue
            for pair in pairs:
                cookie, sep, _ = pair.partition("=")
                if sep and cookie.strip():
                    self.add("cookie", cookie.strip())

    def _host(self, url: str) -> None:
        try:
            parts = urlsplit(url)
            host = parts.hostname
            port = parts.port
        except ValueError:
            return
        if host:
            self.add("host", f"{host}:{port}" if port else host)

    def _mime(self, mime: Any) -> None:
        if isinstance(mime, str) and mime.strip():
            self.add("mime type", mime.split(";", 1)[0].strip().lower())

    def _post(self, post: dict[str, Any]) -> None:
        if not post:
            return
        mime = post.get("mimeType")
        self._mime(mime)
        params = _named(post.get("params"))
        if params:
            for name, _value in params:
                self.add("form parameter", name)
        text = post.get("text")
        if isinstance(text, str):
            self._body_names(text, mime, skip_kind="form parameter" if params else None)

    def _body_names(self, text: str | None, mime: Any, *, skip_kind: str | None = None) -> None:
        """The field names of a body, as the format its MIME type names lists them."""
        fmt = formats.for_mime(mime) if isinstance(mime, str) else None
        if text is None or fmt is None or fmt.names is None or fmt.name_kind == skip_kind:
            return
        for name in fmt.names(text):
            self.add(fmt.name_kind, name)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _named(items: Any) -> list[tuple[str, Any]]:
    """``[{"name": …, "value": …}]`` as pairs, skipping anything malformed."""
    if not isinstance(items, list):
        return []
    return [(i["name"], i.get("value")) for i in items if isinstance(i, dict) and isinstance(i.get("name"), str)]


def urlsplit_query(url: str) -> str:
    try:
        return urlsplit(url).query
    except ValueError:
        return ""


def _b64(text: str) -> str | None:
    try:
        return base64.b64decode(text, validate=False).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def fate(names: NameDetector, kind: str, name: str) -> tuple[str, str | None]:
    """What the current rules do with values under this name."""
    place = KINDS[kind]
    if place is None:
        return "kept", None
    rule = names.classify(name, place)
    if rule is not None:
        return "redacted", rule.id
    if kind == "header" and name.lower() in URL_HEADERS:
        return "url-redacted", None
    return "scanned", None


def inspect_file(path: str | Path, policy: Policy | None = None) -> Inventory:
    """The inventory of one HAR file (``-`` for stdin); names only, secrets swept from them."""
    policy = policy or Policy()
    collector = Collector()
    scanner = Scanner(policy, options=CheckOptions(), probe=collector)
    name = "<stdin>" if str(path) == "-" else str(path)
    with about(name), contextlib.closing(open_input(path, max_bytes=policy.max_input_bytes)) as stream:
        result = scanner.scan(stream, source_name=name)
    shown = Redactor(policy.rules, fingerprint=scanner.fingerprint, allow=policy.allow)
    sweeper = Sweeper(scanner.redactor.known, policy.rules)
    ignored: list[Finding] = []
    nowhere = Where(None, ())
    inventory = Inventory(source=name, entries=result.entries, secrets=len(result.hits),
                          distinct_secrets=result.distinct_secrets,
                          overflow=dict(collector.overflow))
    for kind, counter in collector.counts.items():
        for raw_name, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
            what, rule = fate(shown.names, kind, raw_name)
            # The fate is judged on the real name; only a redacted form of it is shown.
            safe = shown.shapes(raw_name, nowhere)
            if sweeper.active:
                safe = sweeper.text(safe, nowhere, ignored)
            inventory.items.append(Item(kind, safe, count, what, rule))
    return inventory

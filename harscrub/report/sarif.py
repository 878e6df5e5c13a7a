"""SARIF 2.1.0 output of ``check``, in the shape GitHub code scanning accepts.

One run per invocation: the tool driver lists every detection rule (id, name, short and full
description, help, default level, security severity); each finding becomes a result with a
message, a physical location (the HAR file, with the line and column of the value in its
text) and a logical location (the JSON pointer of the value). ``partialFingerprints`` come
from the keyed fingerprint, so a code-scanning alert follows the same secret across runs
(when the key is fixed with ``--key-file``) and never reveals it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, BinaryIO, Iterator, Sequence
from urllib.parse import quote

from harscrub._version import __version__
from harscrub.detection.rules import Rule, RuleSet
from harscrub.findings.results import CheckResult, Hit
from harscrub.report.base import Context
from harscrub.stream import jsonstream
from harscrub.stream.jsonstream import Items, materialize

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"

#: harscrub severity -> SARIF level and GitHub's numeric security severity.
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}

HELP = (
    "A HAR file shared in this state hands the credential to whoever reads it. "
    "Run `harscrub sanitize FILE` and share the sanitized copy; if the file already left your "
    "hands, revoke the credential (sign out the session, rotate the key)."
)


_NOT_IDENTIFIER = re.compile(r"[^A-Za-z0-9]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def _name(rule_id: str) -> str:
    """``session-cookie`` -> ``SessionCookie``: SARIF rule names are identifiers."""
    return "".join(part[:1].upper() + part[1:] for part in _NOT_IDENTIFIER.split(rule_id) if part)


def _first_sentence(text: str) -> str:
    head = _SENTENCE_END.split(text, maxsplit=1)[0]
    return head if head.endswith((".", "!", "?")) else head + "."


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": _name(rule.id),
        "shortDescription": {"text": _first_sentence(rule.description)},
        "fullDescription": {"text": rule.description},
        "help": {"text": f"{rule.description}\n\n{HELP}", "markdown": f"{rule.description}\n\n{HELP}"},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "tags": ["security", "secret", "har"],
            "precision": "high" if rule.match == "name" else "medium",
            "security-severity": SECURITY_SEVERITY[rule.severity],
        },
    }


def artifact_uri(source: str) -> str:
    """A URI reference for the file: relative paths stay relative (what code scanning wants)."""
    if source in ("", "-", "<stdin>"):
        return "stdin"
    path = Path(source)
    return path.resolve().as_uri() if path.is_absolute() else quote(path.as_posix())


def message(hit: Hit) -> str:
    """One sentence naming the secret by rule, place and fingerprint, never by value."""
    f = hit.finding
    where = f.detail or f.pointer
    request = f" of {hit.method} {hit.url}".rstrip() if hit.url else ""
    entry = f" (entry {f.entry})" if f.entry is not None else ""
    text = f"{f.rule} ({f.severity}) in {where}{request}{entry}: {f.preview}, fingerprint {f.fingerprint}."
    if f.jwt:
        summary = f.jwt.get("summary") or f.jwt.get("error")
        if summary:
            alg = f.jwt.get("alg")
            text += f" {'JWT ' + str(alg) if alg else 'JWT'}: {summary}."
    if hit.survivor:
        text += f" A secret of the original file survives sanitizing ({hit.survivor})."
    return text


def _result(hit: Hit, artifact: int, uri: str, rule_index: dict[str, int]) -> dict[str, Any]:
    f = hit.finding
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri, "index": artifact}}
    if hit.line is not None and hit.column is not None:
        physical["region"] = {"startLine": hit.line, "startColumn": hit.column}
    properties: dict[str, Any] = {
        "severity": f.severity,
        "entry": f.entry,
        "method": hit.method,
        "url": hit.url,
        "preview": f.preview,
        "length": f.length,
    }
    if f.jwt is not None:
        properties["jwt"] = f.jwt
    if hit.survivor is not None:
        properties["survivor"] = hit.survivor
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "level": LEVEL[f.severity],
        "message": {"text": message(hit)},
        "locations": [
            {
                "physicalLocation": physical,
                "logicalLocations": [{"fullyQualifiedName": f.pointer or "/", "kind": "member"}],
            }
        ],
        "partialFingerprints": {
            "harscrubSecret/v1": f.fingerprint,
            "harscrubSecretAtPlace/v1": f"{f.fingerprint}:{f.pointer}",
        },
        "properties": properties,
    }
    if f.rule in rule_index:
        result["ruleIndex"] = rule_index[f.rule]
    return result


def _results(results: list[CheckResult], rule_index: dict[str, int]) -> Iterator[dict[str, Any]]:
    for i, res in enumerate(results):
        uri = artifact_uri(res.source)
        for hit in res.hits:
            yield _result(hit, i, uri, rule_index)


def to_sarif(results: list[CheckResult], rules: RuleSet) -> dict[str, Any]:
    """The SARIF log of one ``check`` invocation over one or more files."""
    log: dict[str, Any] = materialize(sarif_document(results, rules))
    return log


def sarif_document(results: list[CheckResult], rules: RuleSet) -> dict[str, Any]:
    """:func:`to_sarif` with the results as a lazy :class:`~harscrub.jsonstream.Items`, for
    :func:`harscrub.jsonstream.write`: the log written without building it in memory."""
    descriptors = [rule_descriptor(r) for r in sorted(rules.rules, key=lambda r: r.id) if r.match != "keep"]
    rule_index = {d["id"]: i for i, d in enumerate(descriptors)}
    artifacts: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for i, res in enumerate(results):
        uri = artifact_uri(res.source)
        artifact: dict[str, Any] = {
            "location": {"uri": uri},
            "properties": {"entries": res.entries, "harscrubMarker": res.marker.to_dict(), "notes": list(res.notes)},
        }
        artifacts.append(artifact)
        if res.error is not None:
            notifications.append({
                "level": "error",
                "message": {"text": res.error},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri, "index": i}}}],
            })
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "harscrub",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": descriptors,
                    }
                },
                "invocations": [
                    {"executionSuccessful": not notifications, "toolExecutionNotifications": notifications}
                ],
                "columnKind": "unicodeCodePoints",
                "artifacts": artifacts,
                "results": Items(_results(results, rule_index)),
            }
        ],
    }


def write(results: Sequence[CheckResult], handle: BinaryIO, context: Context) -> None:
    jsonstream.write(sarif_document(list(results), context.rules), handle, indent=2, ensure_ascii=False, end="\n")

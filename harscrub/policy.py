"""What a run is allowed to keep and how it redacts: one object for the CLI and the library."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, get_args

from harscrub.detection.rules import RuleSet, load_rules
from harscrub.errors import HarscrubError
from harscrub.stream.reader import DEFAULT_MAX_ENTRY_BYTES
from harscrub.stream.source import DEFAULT_MAX_INPUT_BYTES

#: What happens to a JWT: ``drop`` replaces it whole; ``strip-signature`` keeps its header and
#: claims for debugging and replaces the signature, which is what makes it usable.
JwtMode = Literal["drop", "strip-signature"]


def _many(value: object, single: tuple[type, ...]) -> list[Any]:
    """``value`` as a list of items: one item of a ``single`` type, or the items of an iterable."""
    if isinstance(value, single):
        return [value]
    if isinstance(value, Iterable):
        return list(value)
    raise HarscrubError(f"expected one value or a list of them, not {type(value).__name__}")


@dataclass(frozen=True)
class Policy:
    """Settings of one sanitize or check run.

    ``rule_files`` add rules to the bundled ones; ``allow`` lists exact values that are never
    redacted (a known test token, a public key); ``key`` makes fingerprints stable across runs
    and files (default: a fresh random key per run); the two caps bound what a hostile input
    can make harscrub read. ``disabled_rules`` (rule ids) are left out of the rule set and
    ``severities`` (rule id to severity, a dict) replace the severities of theirs; an unknown
    id is an error when the rules are loaded.

    Arguments are checked and normalised on construction, so a library caller gets an error
    instead of a silently weaker run: ``allow="tok"`` means the one value ``"tok"`` (a bare
    string would otherwise allow every substring of it), a rule file may be a ``str``, a key
    may be text and must hold at least 16 bytes.
    """

    rule_files: tuple[Path, ...] = ()
    allow: frozenset[str] = frozenset()
    #: Fingerprints of secrets to keep as they are (a reviewed false positive); they depend on ``key``.
    keep_fingerprints: frozenset[str] = frozenset()
    jwt_mode: JwtMode = "drop"
    key: bytes | None = field(default=None, repr=False)
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    max_entry_bytes: int = DEFAULT_MAX_ENTRY_BYTES
    disabled_rules: frozenset[str] = frozenset()
    severities: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "disabled_rules", frozenset(_many(self.disabled_rules, (str,))))
        if not isinstance(self.severities, Mapping):
            raise HarscrubError("severities must be a mapping of rule id to severity")
        object.__setattr__(self, "severities", dict(self.severities))
        object.__setattr__(self, "rule_files", tuple(Path(f) for f in _many(self.rule_files, (str, os.PathLike))))
        object.__setattr__(self, "allow", frozenset(_many(self.allow, (str,))))
        object.__setattr__(self, "keep_fingerprints", frozenset(_many(self.keep_fingerprints, (str,))))
        if self.jwt_mode not in get_args(JwtMode):
            raise HarscrubError(f"jwt_mode must be one of {', '.join(get_args(JwtMode))}, not {self.jwt_mode!r}")
        key: object = self.key
        if isinstance(key, str):
            object.__setattr__(self, "key", key.encode("utf-8"))
        if self.key is not None and len(self.key) < 16:
            raise HarscrubError("the fingerprint key must hold at least 16 bytes")
        for cap in ("max_input_bytes", "max_entry_bytes"):
            if not isinstance(getattr(self, cap), int) or getattr(self, cap) <= 0:
                raise HarscrubError(f"{cap} must be a positive number of bytes")

    @cached_property
    def rules(self) -> RuleSet:
        rules = load_rules(list(self.rule_files))
        if self.disabled_rules or self.severities:
            rules = rules.adjusted(self.disabled_rules, self.severities)
        return rules

"""What a run is allowed to keep and how it redacts: one object for the CLI and the library."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .reader import DEFAULT_MAX_ENTRY_BYTES
from .redact import JwtMode
from .rules import RuleSet, load_rules
from .source import DEFAULT_MAX_INPUT_BYTES


@dataclass(frozen=True)
class Policy:
    """Settings of one sanitize or check run.

    ``rule_files`` add rules to the bundled ones; ``allow`` lists exact values that are never
    redacted (a known test token, a public key); ``key`` makes fingerprints stable across runs
    and files (default: a fresh random key per run); the two caps bound what a hostile input
    can make harscrub read.
    """

    rule_files: tuple[Path, ...] = ()
    allow: frozenset[str] = frozenset()
    jwt_mode: JwtMode = "drop"
    key: bytes | None = field(default=None, repr=False)
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    max_entry_bytes: int = DEFAULT_MAX_ENTRY_BYTES

    @cached_property
    def rules(self) -> RuleSet:
        return load_rules(list(self.rule_files))

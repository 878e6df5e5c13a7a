"""How far a found secret reaches: the strong/weak judgement, and what may be swept file-wide.

A secret is *strong* when the value itself says so: a value rule recognised its shape (a
GitHub token, a JWT), or it is random enough that nothing else in a file will equal it.
It is *weak* when only its place made it a secret (the value under ``password``, a cookie).

Once found, a secret is also removed from every other place it appears (the sweep). That is
right for a token and wrong for a date found under ``session=`` (every ``startedDateTime``
would go). So each secret gets a :class:`Scope`:

- ``EVERYWHERE``: strong secrets; swept from every string, names and keys included;
- ``VALUES``: weak secrets specific enough not to hit ordinary text (a mixed-character
  password, an opaque session value; a lowercase passphrase or an e-mail address only where
  the name left no doubt it is a password); swept from values, never from names;
- ``HERE``: everything else (dates, numbers, UUIDs, URLs and paths, User-Agents, words and
  identifiers, short values): removed where it was found and where the same name puts it
  again, never swept.
"""

from __future__ import annotations

import enum
import math
from collections import Counter

import re2


class Scope(enum.IntEnum):
    """Where copies of a found secret are removed; a larger scope includes the smaller."""

    HERE = 0
    VALUES = 1
    EVERYWHERE = 2


#: Shorter strong secrets are removed only where a rule found them: six characters match
#: ordinary text too often to be swept.
MIN_STRONG = 6
#: Shorter weak secrets are never swept.
MIN_WEAK = 10
#: A value found by its place is strong when it is at least this long and this random.
RANDOM_LENGTH = 16
RANDOM_ENTROPY = 3.5

#: Values that are never a secret worth sweeping, whatever name they sat under.
_NEVER = re2.compile(
    r"^(?:"
    r"[-+]?\d+(?:[.,]\d+)*(?:[eE][-+]?\d+)?"  # numbers (and 10/13-digit timestamps)
    r"|(?i:true|false|null|none|nil|undefined|yes|no|on|off)"
    r"|\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+)?(?:Z|[+-]\d{2}:?\d{2})?"  # ISO 8601 dates and times
    r"|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} [\d:]+ (?:GMT|UTC|[+-]\d{4})"  # RFC 1123
    r"|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}(?: [\d:]+)?"  # 11/01/2026
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"  # UUIDs
    r"|[A-Za-z][A-Za-z0-9+.-]*://\S*"  # URLs
    r"|\.{0,2}/[^\s]*"  # paths
    r"|[A-Za-z][\w.-]*/\d[\w.]*(?: .*)?"  # product tokens: User-Agents, server banners
    r")$"
)
#: Identifiers and words: ``authenticity_token``, ``application/json``, ``t.token``, ``Bearer``.
_IDENTIFIER = re2.compile(r"^[A-Za-z_$][A-Za-z$]*(?:[_.:$-][A-Za-z$]+)*$")
_EMAIL = re2.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_LOWER_WORDS = re2.compile(r"^[a-z]+(?: [a-z]+)*$")


def is_data(value: str) -> bool:
    """Plainly not a secret: a number, a date, a boolean word, a UUID, a URL or path, a User-Agent."""
    return _NEVER.match(value.strip()) is not None


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    if not text:
        return 0.0
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values())


def _classes(value: str) -> int:
    """How many of lower case, upper case, digits and other characters ``value`` mixes."""
    return (any(c.islower() for c in value) + any(c.isupper() for c in value) + any(c.isdigit() for c in value)
            + any(not c.isalnum() for c in value))


def is_random(value: str) -> bool:
    """Long, mixed and high in entropy: no other string of a file will equal it by chance."""
    return (len(value) >= RANDOM_LENGTH and " " not in value and _classes(value) >= 2
            and entropy(value) >= RANDOM_ENTROPY and _NEVER.match(value) is None)


def scope(value: str, *, strong: bool, doubtless: bool = False) -> Scope:
    """How far copies of ``value`` are removed (see the module docstring).

    ``strong``: found by its shape, or random; ``doubtless``: found under a name that leaves
    no doubt it is a secret (a password, a PIN), which makes a plain-looking value specific.
    """
    if strong:
        return Scope.EVERYWHERE if len(value) >= MIN_STRONG else Scope.HERE
    text = value.strip()
    if len(text) < MIN_WEAK or _NEVER.match(text) is not None:
        return Scope.HERE
    if _IDENTIFIER.match(text) is not None:
        # Words and identifiers; a long lowercase passphrase is specific under a password name.
        return Scope.VALUES if doubtless and len(text) >= 16 and text.isalpha() and text.islower() else Scope.HERE
    if _EMAIL.match(text) is not None or _LOWER_WORDS.match(text) is not None:
        return Scope.VALUES if doubtless and len(text) >= 12 else Scope.HERE
    if " " in text and not doubtless:
        return Scope.HERE  # prose
    return Scope.VALUES if _classes(text) >= 2 else Scope.HERE

"""Which value rules may match a string: one Hyperscan scan instead of an RE2 set.

An RE2 set's DFA holds every rule's partial matches at once and builds its states as it
reads; with a few hundred token formats it spends its time building them, where Hyperscan
(each rule's necessary condition, reported once) keeps its pace. Each rule a scan names is
then run on its own in RE2, so the answer is RE2's. A rule set whose conditions cannot be
vouched for (see :mod:`harscrub.detection.conditions`) leaves ``usable`` false, and the
detector keeps its RE2 set.
"""

from __future__ import annotations

from harscrub.detection.conditions import ascii_only, folded, joinable, one_byte_per_char, parse, widen
from harscrub.detection.multiscan import WhichMatch
from harscrub.detection.rules import Rule


class Candidates:
    """The value rules a string may match, for the full path of the detectors."""

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.usable = False
        patterns = []
        for rule in rules:
            tree = parse(rule.pattern)
            if tree is None or not joinable(tree) or not ascii_only(tree):
                return
            patterns.append("(?:" + widen(rule.pattern, tree) + ")")
        scan = WhichMatch.build(tuple(patterns))
        if scan is None:
            return
        self._scan = scan
        self.usable = True

    def of(self, text: str) -> list[int] | None:
        """Indexes of the rules that may match ``text``, in rule order; None when the text holds
        a character RE2's case folding makes an ASCII letter (then only RE2 can say)."""
        if not text.isascii() and folded(text):
            return None
        return self._scan.which(one_byte_per_char(text))

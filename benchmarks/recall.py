"""Recall and precision on planted-secret captures, per class (issues #8 and #9).

    python benchmarks/recall.py                 # seed 20261203, 20 copies of every case
    python benchmarks/recall.py --seed 7 --copies 50 --json out.json

Builds a capture with ``tests/planting.py`` (values drawn from a seed the tests never use),
sanitizes it with the library, and reports per class: secrets planted, secrets that leaked
(in any form of ``detection/forms.py``, or JS/entity-escaped, or inside a decoded base64 or
gzip body), and values to keep that were lost. Also checks the output is strict JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harscrub import Policy, sanitize  # noqa: E402
from tests.planting import CASES, build, leaks, lost, revealed  # noqa: E402


def _refuse(name: str) -> None:
    raise ValueError(f"{name} in output")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=20261203)
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--json", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true", help="name every leaked or lost case")
    args = ap.parse_args()
    doc, planted = build(CASES, args.seed, args.copies)
    out = sanitize(json.dumps(doc, indent=2).encode(), Policy(key=b"k" * 32)).data
    json.loads(out, parse_constant=_refuse)
    text = revealed(out)
    stats: dict[str, Counter[str]] = {}
    failures: Counter[str] = Counter()
    for c, p in planted:
        s = stats.setdefault(c.klass, Counter())
        for secret in p.secrets:
            s["secrets"] += 1
            if leaks(text, secret):
                s["leaked"] += 1
                failures[f"leak  {c.klass}/{c.name}"] += 1
        for value in p.keep:
            s["keep"] += 1
            if lost(out, value):
                s["lost"] += 1
                failures[f"lost  {c.klass}/{c.name}: {value[:40]}"] += 1
    rows = []
    print(f"{'class':10} {'secrets':>8} {'leaked':>7} {'recall':>7} {'keep':>6} {'lost':>5} {'kept':>7}")
    for klass, s in sorted(stats.items()):
        recall = 1 - s["leaked"] / s["secrets"] if s["secrets"] else 1.0
        kept = 1 - s["lost"] / s["keep"] if s["keep"] else 1.0
        rows.append({"class": klass, **s, "recall": recall, "kept": kept})
        print(f"{klass:10} {s['secrets']:8} {s['leaked']:7} {recall:7.1%} {s['keep']:6} {s['lost']:5} {kept:7.1%}")
    total = sum((s for s in stats.values()), Counter())
    print(f"{'all':10} {total['secrets']:8} {total['leaked']:7} {1 - total['leaked'] / max(1, total['secrets']):7.1%} "
          f"{total['keep']:6} {total['lost']:5} {1 - total['lost'] / max(1, total['keep']):7.1%}")
    if args.verbose:
        for what, n in sorted(failures.items()):
            print(f"  {n:3}x {what}")
    if args.json:
        args.json.write_text(json.dumps({"seed": args.seed, "copies": args.copies, "classes": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Share of strings changed by sanitize on real captures (issue #9: nothing else is harmed).

    python benchmarks/precision.py [FILES or DIRS ...]      # default: ../shared/har-corpus, samples/, tests/data/har-corpus

For each capture: the leaf strings of its entries (names and values), how many ``sanitize``
changed, and how many of those were in fields support reads (dates, User-Agents, hosts and
paths, status, timings). Run it with ``PYTHONPATH`` pointing at another checkout to compare
versions on the same files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield f"{path}/{k}", str(k)
            yield from _strings(v, f"{path}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}/{i}")


def _support(entry: dict[str, Any]) -> tuple[Any, ...]:
    req, resp = entry.get("request") or {}, entry.get("response") or {}
    url = req.get("url") if isinstance(req.get("url"), str) else ""
    parts = urlsplit(url) if url else None
    ua = [h.get("value") for h in req.get("headers") or [] if str(h.get("name", "")).lower() == "user-agent"]
    return (entry.get("startedDateTime"), entry.get("time"), json.dumps(entry.get("timings"), sort_keys=True), ua,
            resp.get("status"), parts.hostname if parts else None, parts.path if parts else None)


def main(argv: list[str]) -> int:
    from harscrub import Policy, sanitize

    targets = [Path(a) for a in argv] or [ROOT.parent / "shared" / "har-corpus", ROOT / "samples",
                                          ROOT / "tests" / "data" / "har-corpus"]
    files = sorted({f.resolve() for t in targets for f in ([t] if t.is_file() else t.glob("*.har"))})
    total = changed = harmed = 0
    print(f"{'file':32} {'strings':>8} {'changed':>8} {'share':>7} {'support fields changed':>23}")
    for f in files:
        before = json.loads(f.read_bytes().decode("utf-8-sig"))
        after = json.loads(sanitize(f.read_bytes(), Policy(key=b"k" * 32)).data)
        n = c = h = 0
        for a, b in zip(before["log"]["entries"], after["log"]["entries"]):
            sa, sb = list(_strings(a)), list(_strings(b))
            n += len(sa)
            c += sum(1 for x, y in zip(sa, sb) if x[1] != y[1]) + abs(len(sa) - len(sb))
            h += _support(a) != _support(b)
        total, changed, harmed = total + n, changed + c, harmed + h
        print(f"{f.name[:32]:32} {n:8} {c:8} {c / max(1, n):7.2%} {h:23}")
    print(f"{'all':32} {total:8} {changed:8} {changed / max(1, total):7.2%} {harmed:23}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""``harscrub check DIR`` over many small HARs: ``--jobs N`` worker processes against ``--jobs 1``.

    python benchmarks/folder.py [--files 200] [--size 500KB] [--jobs 1,2] [--runs 3]

A support portal's audit scans a folder of attachments, not one big file, so this measures
the folder path: ``--files`` Chrome-shaped HARs of ``--size`` each are generated once
(``generate.py``, one seed per file, cached under ``benchmarks/data/folder-…``), then each
``--jobs`` value is timed whole (start-up included), alternating, ``--runs`` times. Reported:
median wall time, files/s, MB/s, the speed-up over the first ``--jobs`` value, and the peak RSS
of the process tree (workers included). Exit status 1 (findings) is expected.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import format_size, generate_har, parse_size  # noqa: E402
from throughput import find_harscrub, machine, machine_line, measure  # noqa: E402


def make_folder(root: Path, files: int, size: int) -> Path:
    """``files`` generated HARs of ``size`` bytes each (seeds 0..files-1), made once."""
    folder = root / f"folder-{files}x{format_size(size)}"
    folder.mkdir(parents=True, exist_ok=True)
    for seed in range(files):
        path = folder / f"case-{seed:04d}.har"
        if not path.exists():
            generate_har(path, size, seed=seed)
    return folder


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--size", default="500KB")
    ap.add_argument("--jobs", default="1,2", help="comma-separated --jobs values; the first is the reference")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--data-dir", type=Path, default=HERE / "data")
    ap.add_argument("--harscrub", help="command to run instead of this environment's harscrub")
    args = ap.parse_args(argv)

    cmd, why = find_harscrub(args.harscrub)
    if cmd is None:
        print(f"folder: {why}", file=sys.stderr)
        return 2
    size = parse_size(args.size)
    folder = make_folder(args.data_dir, args.files, size)
    total = sum(p.stat().st_size for p in folder.glob("*.har"))
    jobs = [int(j) for j in args.jobs.split(",")]
    print(machine_line(machine()))
    print(f"{args.files} files of {format_size(size)} ({total / 1e6:.0f} MB) in {folder}")

    walls: dict[int, list[float]] = {j: [] for j in jobs}
    peaks: dict[int, list[int]] = {j: [] for j in jobs}
    for run in range(args.runs):
        for j in jobs:
            result = measure([*cmd, "check", str(folder), "--jobs", str(j), "--quiet"], timeout=3600)
            if result.status not in (0, 1):
                print(f"--jobs {j} failed with status {result.status}: {result.stderr}", file=sys.stderr)
                return 2
            walls[j].append(result.wall)
            peaks[j].append(result.rss)
            print(f"  run {run + 1}/{args.runs} --jobs {j}: {result.wall:.2f}s, {result.rss / 2**20:.0f} MiB")

    reference = statistics.median(walls[jobs[0]])
    print()
    print("| --jobs | wall s (median) | files/s | MB/s | speed-up | peak RSS MiB (all processes) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for j in jobs:
        wall = statistics.median(walls[j])
        print(f"| {j} | {wall:.2f} | {args.files / wall:.1f} | {total / 1e6 / wall:.1f} | {reference / wall:.2f}x "
              f"| {max(peaks[j]) / 2**20:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

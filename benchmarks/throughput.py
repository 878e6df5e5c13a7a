"""End-to-end throughput of harscrub against a whole-file orjson baseline.

    python benchmarks/throughput.py --sizes 50MB,200MB,1GB [--data-dir benchmarks/data] [--runs 3] [--markdown]

For each size a Chrome-shaped HAR is generated once (``generate.py``, cached in the data
directory, which is gitignored) and then, in the same run and in alternating order:

- ``baseline``: a subprocess doing ``orjson.loads(open(f, 'rb').read())`` then ``orjson.dumps``
  to an output file, the ceiling for a JSON-rewriting tool in Python;
- ``sanitize``: ``harscrub sanitize FILE -o OUT --quiet``;
- ``check``: ``harscrub check FILE --quiet`` (exit status 1 means "secrets found", which the
  generated files have: it is not a failure).

Each is a separate process, timed whole (interpreter start-up included) from spawn to exit.
Peak RSS comes from ``wait4()`` on that process (its ``ru_maxrss``: the peak of the process, or
of its largest waited-for descendant), and if the process spawns workers, from sampling the
whole process tree every 20 ms and summing; the larger of the two is reported. The page cache
is warmed before timing so the first tool does not pay for disk reads. Medians of ``--runs``
runs are reported; the ratio is harscrub's throughput over the baseline's. If harscrub cannot
be run yet, its rows read ``n/a`` and the baseline still runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import GENERATOR_VERSION, format_size, generate_har, parse_size  # noqa: E402

BASELINE_CODE = (
    "import sys, orjson\n"
    "with open(sys.argv[1], 'rb') as f:\n"
    "    doc = orjson.loads(f.read())\n"
    "with open(sys.argv[2], 'wb') as f:\n"
    "    f.write(orjson.dumps(doc))\n"
)

TOOLS = ("baseline", "sanitize", "check")
LABELS = {
    "baseline": "baseline: orjson load + dump, whole file",
    "sanitize": "harscrub sanitize",
    "check": "harscrub check",
}
#: Exit statuses that mean success for each tool (check exits 1 when it finds secrets).
OK_STATUS = {"baseline": (0,), "sanitize": (0,), "check": (0, 1)}


# ------------------------------------------------------------------------------ measuring


@dataclass
class Run:
    wall: float
    rss: int  # bytes
    status: int
    stderr: str = ""


def _tree_rss_sampler(pid: int, stop: threading.Event, peak: list[int], interval: float = 0.02) -> None:
    """Peak of the summed RSS of ``pid`` and its descendants, for multi-process tools."""
    try:
        import psutil
    except ImportError:
        psutil = None
    page = os.sysconf("SC_PAGE_SIZE")

    def proc_tree(root: int) -> list[int]:
        out, todo = [], [root]
        while todo:
            p = todo.pop()
            out.append(p)
            try:
                for task in os.listdir(f"/proc/{p}/task"):
                    with open(f"/proc/{p}/task/{task}/children") as f:
                        todo.extend(int(c) for c in f.read().split())
            except OSError:
                pass
        return out

    def rss_of(p: int) -> int:
        try:
            with open(f"/proc/{p}/statm") as f:
                return int(f.read().split()[1]) * page
        except (OSError, ValueError, IndexError):
            return 0

    proc = None
    if psutil is not None:
        try:
            proc = psutil.Process(pid)
        except psutil.Error:
            return
    while not stop.wait(interval):
        try:
            if proc is not None:
                procs = [proc, *proc.children(recursive=True)]
                if len(procs) < 2:
                    continue  # a single process: wait4's ru_maxrss is exact
                total = 0
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
            else:
                pids = proc_tree(pid)
                if len(pids) < 2:
                    continue
                total = sum(rss_of(p) for p in pids)
        except Exception:  # the process is exiting
            continue
        peak[0] = max(peak[0], total)


def measure(cmd: list[str], timeout: float) -> Run:
    """Run ``cmd``; wall time from spawn to exit, peak RSS of the process (tree)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True)
        stop = threading.Event()
        peak = [0]
        sampler = threading.Thread(target=_tree_rss_sampler, args=(proc.pid, stop, peak), daemon=True)
        sampler.start()
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the group of the process we started
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
        except BaseException:
            kill()
            raise
        finally:
            timer.cancel()
            stop.set()
        proc.returncode = rc = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        sampler.join()
        err.seek(0)
        tail = err.read()[-4000:].decode("utf-8", "replace")
    if timed_out.is_set():
        tail = f"timed out after {timeout:.0f}s\n" + tail
    rss = max(usage.ru_maxrss * 1024, peak[0])  # ru_maxrss is in KiB on Linux
    return Run(wall, rss, rc, tail)


# ------------------------------------------------------------------------------ harscrub


def _last_words(out: bytes) -> str:
    """The last meaningful line of a (possibly rich-boxed) error message."""
    lines = [ln.strip(" \t│╭╮╰╯─┃━") for ln in out.decode("utf-8", "replace").splitlines()]
    lines = [ln for ln in lines if any(c.isalnum() for c in ln)]
    return lines[-1] if lines else ""


def find_harscrub(override: str | None = None) -> tuple[list[str] | None, str]:
    """How to run harscrub: the console script of this interpreter's environment, one on PATH,
    or ``python -m harscrub``; the first that answers ``--help``. (None, why) if none does.
    ``override`` (``--harscrub "CMD ..."``) is the only candidate when given."""
    candidates: list[list[str]] = []
    if override:
        candidates.append(shlex.split(override))
    else:
        local = Path(sys.executable).parent / "harscrub"
        if local.is_file() and os.access(local, os.X_OK):
            candidates.append([str(local)])
        on_path = shutil.which("harscrub")
        if on_path and Path(on_path).resolve() != local.resolve():
            candidates.append([on_path])
        candidates.append([sys.executable, "-m", "harscrub"])
    why = "harscrub is not runnable"
    for cmd in candidates:
        try:
            r = subprocess.run([*cmd, "--help"], capture_output=True, timeout=120, cwd=REPO)
        except (OSError, subprocess.TimeoutExpired) as exc:
            why = f"{' '.join(cmd)} --help: {exc}"
            continue
        if r.returncode == 0:
            return cmd, ""
        last = _last_words(r.stderr or r.stdout)
        why = f"{' '.join(cmd)} --help: exit {r.returncode}" + (f" ({last})" if last else "")
    return None, why


def subcommand_ok(cmd: list[str], sub: str) -> tuple[bool, str]:
    try:
        r = subprocess.run([*cmd, sub, "--help"], capture_output=True, timeout=120, cwd=REPO)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    if r.returncode == 0:
        return True, ""
    last = _last_words(r.stderr or r.stdout)
    return False, f"`{sub} --help` exit {r.returncode}" + (f": {last}" if last else "")


def harscrub_version() -> str:
    try:
        from importlib.metadata import version

        v = version("harscrub")
    except Exception:
        v = "?"
    try:
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                             timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "harscrub", "patterns"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        rev, dirty = "", ""
    return f"{v}" + (f" @ {rev}{'+dirty' if dirty else ''}" if rev else "")


# ------------------------------------------------------------------------------ machine


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith(("model name", "hardware", "cpu model")):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) * 1024
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    try:
        import orjson

        orjson_v = orjson.__version__
    except Exception:
        orjson_v = "?"
    return {
        "cpu": cpu or platform.processor() or platform.machine(),
        "cores": os.cpu_count() or 0,
        "usable_cores": usable,
        "ram_bytes": ram,
        "os": f"{platform.system()} {platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "orjson": orjson_v,
    }


def machine_line(m: dict[str, Any]) -> str:
    cores = f"{m['cores']} cores" + (f" ({m['usable_cores']} usable)" if m["usable_cores"] != m["cores"] else "")
    return (f"{m['cpu']}, {cores}, {m['ram_bytes'] / 2**30:.1f} GiB RAM, {m['os']}, "
            f"{m['python']}, orjson {m['orjson']}")


# ------------------------------------------------------------------------------ data


def dataset(data_dir: Path, size: int, seed: int) -> tuple[Path, dict[str, Any]]:
    """The cached generated file for ``size`` (generated on first use) and its metadata."""
    path = data_dir / f"chrome-{format_size(size)}-s{seed}-v{GENERATOR_VERSION}.har"
    meta_path = path.with_suffix(".meta.json")
    if path.is_file() and meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        if meta.get("bytes") == path.stat().st_size:
            return path, meta
    free = shutil.disk_usage(data_dir).free
    if free < size * 1.1:
        raise SystemExit(f"not enough disk space in {data_dir} to generate {format_size(size)} ({free / 1e9:.1f} GB free)")
    print(f"generating {path.name} ...", file=sys.stderr, flush=True)
    st = generate_har(path, size, seed=seed)
    meta = {"bytes": st.bytes, "entries": st.entries, "pages": st.pages, "seed": seed,
            "generator_version": GENERATOR_VERSION, "kinds": st.kinds}
    meta_path.write_text(json.dumps(meta, indent=2))
    print(f"  {st.bytes:,} bytes, {st.entries:,} entries in {st.seconds:.1f}s ({st.mb_per_s:.0f} MB/s)",
          file=sys.stderr, flush=True)
    return path, meta


def warm(path: Path) -> None:
    """Read the file once so every timed run finds it in the page cache."""
    with open(path, "rb", buffering=0) as f:
        while f.read(8 << 20):
            pass


# ------------------------------------------------------------------------------ the run


@dataclass
class Row:
    size_label: str
    bytes: int
    entries: int
    tool: str
    runs: list[Run] = field(default_factory=list)
    na: str = ""  # why the tool did not run
    failed: str = ""

    @property
    def wall(self) -> float | None:
        return statistics.median(r.wall for r in self.runs) if self.runs and not self.failed else None

    @property
    def rss(self) -> int | None:
        return int(statistics.median(r.rss for r in self.runs)) if self.runs and not self.failed else None

    @property
    def mbps(self) -> float | None:
        w = self.wall
        return self.bytes / 1e6 / w if w else None


def command_for(tool: str, harscrub: list[str] | None, src: Path, out: Path) -> list[str]:
    if tool == "baseline":
        return [sys.executable, "-c", BASELINE_CODE, str(src), str(out)]
    assert harscrub is not None
    if tool == "sanitize":
        return [*harscrub, "sanitize", str(src), "-o", str(out), "--quiet"]
    return [*harscrub, "check", str(src), "--quiet"]


def bench_size(size: int, tools: list[str], harscrub: list[str] | None, na: dict[str, str], args: argparse.Namespace) -> list[Row]:
    src, meta = dataset(args.data_dir, size, args.seed)
    rows = {t: Row(format_size(size), meta["bytes"], meta["entries"], t, na=na.get(t, "")) for t in tools}
    live = [t for t in tools if not rows[t].na]
    warm(src)
    out = args.data_dir / f"out-{os.getpid()}.har"
    for i in range(args.runs):
        order = live if i % 2 == 0 else live[::-1]
        for tool in order:
            row = rows[tool]
            if row.failed:
                continue
            out.unlink(missing_ok=True)
            try:
                run = measure(command_for(tool, harscrub, src, out), args.timeout)
            finally:
                out.unlink(missing_ok=True)
                for left in args.data_dir.glob(f".{out.name}*"):  # temp files of a killed run
                    left.unlink(missing_ok=True)
            if run.status not in OK_STATUS[tool]:
                row.failed = "timed out" if run.stderr.startswith("timed out") else f"exit {run.status}"
                print(f"  {tool} failed on {src.name} (exit {run.status}):\n{run.stderr.rstrip()}", file=sys.stderr)
                continue
            row.runs.append(run)
            print(f"  {format_size(size):>6} run {i + 1}/{args.runs} {tool:<8} {run.wall:7.2f}s "
                  f"{meta['bytes'] / 1e6 / run.wall:7.1f} MB/s {run.rss / 2**20:8.0f} MiB  (exit {run.status})",
                  file=sys.stderr, flush=True)
    return [rows[t] for t in tools]


# ------------------------------------------------------------------------------ reporting


def _fmt_rows(rows: list[Row]) -> list[list[str]]:
    base = {r.size_label: r for r in rows if r.tool == "baseline"}
    out = []
    for r in rows:
        b = base.get(r.size_label)
        if r.na or r.failed:
            cells = ["n/a" if r.na else f"failed ({r.failed})", "", "", "", ""]
        else:
            ratio = f"{r.mbps / b.mbps:.2f}x" if b and b.mbps and r.mbps else "–"
            lo, hi = min(x.wall for x in r.runs), max(x.wall for x in r.runs)
            cells = [f"{r.wall:.2f}", f"{lo:.2f}–{hi:.2f}", f"{r.mbps:.0f}", ratio, f"{(r.rss or 0) / 2**20:.0f}"]
        out.append([r.size_label, LABELS[r.tool], *cells])
    return out


def print_table(rows: list[Row]) -> None:
    head = ["size", "tool", "wall s", "range s", "MB/s", "vs baseline", "peak RSS MiB"]
    body = _fmt_rows(rows)
    widths = [max(len(x) for x in col) for col in zip(head, *body)]
    line = "  ".join(h.ljust(w) if i < 2 else h.rjust(w) for i, (h, w) in enumerate(zip(head, widths)))
    print(line)
    print("-" * len(line))
    for cells in body:
        print("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))))


def print_markdown(rows: list[Row], m: dict[str, Any], runs: int, seed: int, harscrub_desc: str) -> None:
    print("| input | tool | wall (median) | throughput | vs baseline | peak RSS |")
    print("|---|---|---:|---:|---:|---:|")
    seen = set()
    for r in rows:
        first = r.size_label not in seen
        seen.add(r.size_label)
        label = f"{r.size_label} ({r.entries:,} entries)" if first else ""
        if r.na or r.failed:
            print(f"| {label} | {LABELS[r.tool]} | {'n/a' if r.na else f'failed ({r.failed})'} | | | |")
            continue
        base = next((b for b in rows if b.size_label == r.size_label and b.tool == "baseline"), None)
        ratio = f"{r.mbps / base.mbps:.2f}×" if base and base.mbps and r.mbps else "–"
        print(f"| {label} | {LABELS[r.tool]} | {r.wall:.2f} s | {r.mbps:.0f} MB/s | {ratio} | {(r.rss or 0) / 2**20:.0f} MiB |")
    print()
    per = f"Medians of {runs} runs per cell" if runs > 1 else "One run per cell"
    print(f"Machine: {machine_line(m)}. {per}, tools run alternately in one session; "
          f"whole-process wall time (interpreter start-up included) and peak RSS; MB = 10^6 bytes of input. "
          f"Inputs: Chrome-shaped HARs from `benchmarks/generate.py` (seed {seed}, "
          f"generator v{GENERATOR_VERSION}), page cache warm. harscrub: {harscrub_desc}.")


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="50MB,200MB,1GB", help="comma-separated sizes (default 50MB,200MB,1GB)")
    ap.add_argument("--data-dir", type=Path, default=HERE / "data", help="where generated inputs are cached")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0, help="generator seed")
    ap.add_argument("--tools", default=",".join(TOOLS), help=f"subset of {','.join(TOOLS)}")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds before one run is killed (default 1800)")
    ap.add_argument("--harscrub", metavar="CMD", help='how to run harscrub, e.g. "python -m harscrub" (default: found)')
    ap.add_argument("--markdown", action="store_true", help="also print a Markdown table for docs/benchmarks.md")
    ap.add_argument("--json", type=Path, help="write raw results (every run) to this file")
    args = ap.parse_args(argv)
    # A SIGTERM should stop the child too (it runs in its own session): turn it into an exception.
    signal.signal(signal.SIGTERM, _interrupt)

    try:
        sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError as exc:
        ap.error(str(exc))
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    bad = [t for t in tools if t not in TOOLS]
    if bad or not tools:
        ap.error(f"unknown tool(s) {bad}; choose from {TOOLS}")
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    args.data_dir.mkdir(parents=True, exist_ok=True)

    na: dict[str, str] = {}
    harscrub: list[str] | None = None
    harscrub_desc = "not run"
    if any(t != "baseline" for t in tools):
        harscrub, why = find_harscrub(args.harscrub)
        if harscrub is None:
            print(f"harscrub rows will read n/a: {why}", file=sys.stderr)
            for t in tools:
                if t != "baseline":
                    na[t] = why
            harscrub_desc = "n/a"
        else:
            for t in tools:
                if t != "baseline":
                    ok, why = subcommand_ok(harscrub, t)
                    if not ok:
                        na[t] = why
                        print(f"harscrub {t} will read n/a: {why}", file=sys.stderr)
            shown = " ".join(Path(harscrub[0]).name if i == 0 else c for i, c in enumerate(harscrub))
            harscrub_desc = f"{harscrub_version()} (run as `{shown}`)"

    m = machine()
    print(f"machine: {machine_line(m)}", file=sys.stderr)
    rows: list[Row] = []
    for size in sizes:
        rows.extend(bench_size(size, tools, harscrub, na, args))

    print()
    print_table(rows)
    if args.markdown:
        print()
        print_markdown(rows, m, args.runs, args.seed, harscrub_desc)
    if args.json:
        args.json.write_text(json.dumps({
            "machine": m, "runs": args.runs, "seed": args.seed, "generator_version": GENERATOR_VERSION,
            "harscrub": harscrub_desc,
            "rows": [{**{k: v for k, v in asdict(r).items() if k != "runs"}, "median_wall": r.wall, "mb_per_s": r.mbps,
                      "median_rss": r.rss, "runs": [{"wall": x.wall, "rss": x.rss, "status": x.status} for x in r.runs]}
                     for r in rows],
        }, indent=2))
    failed = [r for r in rows if r.failed]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

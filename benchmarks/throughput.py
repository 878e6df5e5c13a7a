"""End-to-end CPU cost of harscrub against a whole-file orjson baseline measured in the same run.

    python benchmarks/throughput.py --sizes 50MB,200MB,1GB [--layouts chrome,compact] [--runs 3] [--markdown]

For each size and layout (``chrome``: Chrome's 2-space indentation; ``compact``: no whitespace) a
HAR is generated once (``generate.py``, cached in the data directory, which is gitignored) and
then, in the same run and in alternating order:

- ``baseline``: a subprocess doing ``orjson.loads(open(f, 'rb').read())`` then ``orjson.dumps``
  to an output file, the ceiling for a JSON-rewriting tool in Python;
- ``sanitize``: ``harscrub sanitize FILE -o OUT --quiet``;
- ``check``: ``harscrub check FILE --quiet`` (exit status 1 means "secrets found", which the
  generated files have: it is not a failure).

Before them, a start-up section times ``harscrub --version`` and ``harscrub sanitize`` of the
tiny ``samples/api-console.har`` (``--no-startup`` skips it; so does ``--tools baseline``).

Each is a separate process, measured whole (interpreter start-up included). The machine is
shared, so wall time is noise: the figure that counts is CPU time, user + sys of the process (and
of any descendants it waited for) from ``wait4()``, and each row reports the minimum over
``--runs`` interleaved runs; the ratio is the baseline's minimum CPU time over the tool's (1.00x =
as fast as orjson load + dump, higher is faster). Minimum wall time is shown alongside. Peak RSS
(the maximum over runs) comes from ``wait4()`` too (``ru_maxrss``: the peak of the process, or of
its largest waited-for descendant), and if the process spawns workers, from sampling the whole
process tree every 20 ms and summing; the larger of the two is reported. Linux keeps the RSS
high-water mark across exec, so ``ru_maxrss`` is never below this script's own peak at spawn
(20-30 MiB): a tool that stays under it reads ``≤ N``, an upper bound. The page cache is
warmed before timing so the first tool does not pay for disk reads. If harscrub cannot be run
yet, its rows read ``n/a`` and the baseline still runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
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
#: The start-up section: harscrub's fixed cost, on no input and on a tiny file.
STARTUP_TOOLS = ("version", "startup")
STARTUP_SAMPLE = REPO / "samples" / "api-console.har"
LAYOUTS = ("chrome", "compact")
LABELS = {
    "baseline": "baseline: orjson load + dump, whole file",
    "sanitize": "harscrub sanitize",
    "check": "harscrub check",
    "version": "harscrub --version",
    "startup": f"harscrub sanitize {STARTUP_SAMPLE.relative_to(REPO)}",
}
#: The harscrub subcommand each tool needs (``--version`` needs none).
SUBCOMMAND = {"sanitize": "sanitize", "check": "check", "startup": "sanitize"}
#: Exit statuses that mean success for each tool (check exits 1 when it finds secrets).
OK_STATUS = {"baseline": (0,), "sanitize": (0,), "check": (0, 1), "version": (0,), "startup": (0,)}


# ------------------------------------------------------------------------------ measuring


@dataclass
class Run:
    wall: float  # seconds, spawn to exit
    cpu: float  # seconds, user + sys
    rss: int  # bytes
    rss_floor: int  # bytes: this script's peak RSS at spawn, below which ``rss`` cannot go
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
    """Run ``cmd``; wall time from spawn to exit, CPU time (user + sys, from ``wait4``), peak RSS of the
    process (tree)."""
    with tempfile.TemporaryFile() as err:
        floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
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
    return Run(wall, usage.ru_utime + usage.ru_stime, rss, floor, rc, tail)


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


def dataset(data_dir: Path, size: int, layout: str, seed: int) -> tuple[Path, dict[str, Any]]:
    """The cached generated file for ``size`` and ``layout`` (generated on first use) and its metadata."""
    path = data_dir / f"{layout}-{format_size(size)}-s{seed}-v{GENERATOR_VERSION}.har"
    meta_path = path.with_suffix(".meta.json")
    if path.is_file() and meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        if meta.get("bytes") == path.stat().st_size:
            return path, meta
    free = shutil.disk_usage(data_dir).free
    if free < size * 1.1:
        raise SystemExit(f"not enough disk space in {data_dir} to generate {format_size(size)} ({free / 1e9:.1f} GB free)")
    print(f"generating {path.name} ...", file=sys.stderr, flush=True)
    st = generate_har(path, size, seed=seed, indent=layout == "chrome")
    meta = {"bytes": st.bytes, "entries": st.entries, "pages": st.pages, "seed": seed, "layout": layout,
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
    input: str  # what the tool ran on, as the tables show it; a baseline row is compared with its input's
    tool: str
    info: dict[str, Any] = field(default_factory=dict)  # facts about the input, for --json
    runs: list[Run] = field(default_factory=list)
    na: str = ""  # why the tool did not run
    failed: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.runs) and not self.failed

    @property
    def cpu(self) -> float | None:
        return min(r.cpu for r in self.runs) if self.ok else None

    @property
    def wall(self) -> float | None:
        return min(r.wall for r in self.runs) if self.ok else None

    @property
    def rss(self) -> int | None:
        return max(r.rss for r in self.runs) if self.ok else None

    @property
    def rss_is_floor(self) -> bool:
        """Whether ``rss`` is only this script's own peak (the tool's is at most that)."""
        top = max(self.runs, key=lambda r: r.rss)
        return top.rss <= top.rss_floor


def run_interleaved(rows: list[Row], commands: dict[str, list[str]], out: Path, args: argparse.Namespace) -> None:
    """``--runs`` rounds over the runnable rows, in alternating order, each run appended to its row.
    ``out`` is the output path the commands write to: removed before and after every run."""
    live = [r for r in rows if not r.na]
    for i in range(args.runs):
        for row in live if i % 2 == 0 else live[::-1]:
            if row.failed:
                continue
            out.unlink(missing_ok=True)
            try:
                run = measure(commands[row.tool], args.timeout)
            finally:
                out.unlink(missing_ok=True)
                for left in out.parent.glob(f".{out.name}*"):  # temp files of a killed run
                    left.unlink(missing_ok=True)
            if run.status not in OK_STATUS[row.tool]:
                row.failed = "timed out" if run.stderr.startswith("timed out") else f"exit {run.status}"
                print(f"  {row.tool} failed on {row.input} (exit {run.status}):\n{run.stderr.rstrip()}", file=sys.stderr)
                continue
            row.runs.append(run)
            print(f"  {row.input:<30} run {i + 1}/{args.runs} {row.tool:<8} cpu {run.cpu:7.3f}s "
                  f"wall {run.wall:7.3f}s {run.rss / 2**20:6.0f} MiB  (exit {run.status})", file=sys.stderr, flush=True)


def bench_input(size: int, layout: str, tools: list[str], harscrub: list[str] | None, na: dict[str, str],
                args: argparse.Namespace) -> list[Row]:
    src, meta = dataset(args.data_dir, size, layout, args.seed)
    info = {"size": format_size(size), "layout": layout, "bytes": meta["bytes"], "entries": meta["entries"]}
    label = f"{format_size(size)}, {layout}, {meta['entries']:,} entries"
    rows = [Row(label, t, info, na=na.get(t, "")) for t in tools]
    out = args.data_dir / f"out-{os.getpid()}.har"
    commands = {"baseline": [sys.executable, "-c", BASELINE_CODE, str(src), str(out)]}
    if harscrub is not None:
        commands["sanitize"] = [*harscrub, "sanitize", str(src), "-o", str(out), "--quiet"]
        commands["check"] = [*harscrub, "check", str(src), "--quiet"]
    warm(src)
    run_interleaved(rows, commands, out, args)
    return rows


def bench_startup(harscrub: list[str] | None, na: dict[str, str], args: argparse.Namespace) -> list[Row]:
    sample = STARTUP_SAMPLE
    rows = [Row("start-up", "version", na=na.get("version", "")),
            Row("start-up", "startup", {"file": str(sample.relative_to(REPO))}, na=na.get("startup", ""))]
    if sample.is_file():
        rows[1].info["bytes"] = sample.stat().st_size
        warm(sample)
    elif not rows[1].na:
        rows[1].na = f"{sample} not found"
    out = args.data_dir / f"out-{os.getpid()}.har"
    commands: dict[str, list[str]] = {}
    if harscrub is not None:
        commands["version"] = [*harscrub, "--version"]
        commands["startup"] = [*harscrub, "sanitize", str(sample), "-o", str(out), "--quiet"]
    run_interleaved(rows, commands, out, args)
    return rows


# ------------------------------------------------------------------------------ reporting


def vs_orjson(rows: list[Row]) -> list[float | None]:
    """For each row, its input's baseline minimum CPU time over the row's (None without a baseline)."""
    base = {r.input: r.cpu for r in rows if r.tool == "baseline"}
    out: list[float | None] = []
    for r in rows:
        b, c = base.get(r.input), r.cpu
        out.append(b / c if b and c else None)
    return out


def _cells(rows: list[Row], times: str, ratio_sign: str) -> list[list[str]]:
    """input, tool, CPU, ratio, wall, RSS MiB per row; ``times`` is appended to seconds."""
    body = []
    for r, ratio in zip(rows, vs_orjson(rows)):
        cpu, wall, rss = r.cpu, r.wall, r.rss
        if cpu is not None and wall is not None and rss is not None:
            cells = [f"{cpu:.3f}{times}", f"{ratio:.2f}{ratio_sign}" if ratio else "–", f"{wall:.3f}{times}",
                     f"{'≤ ' if r.rss_is_floor else ''}{rss / 2**20:.0f}"]
        else:
            cells = ["n/a" if r.na else f"failed ({r.failed})", "", "", ""]
        body.append([r.input, LABELS[r.tool], *cells])
    return body


def print_table(rows: list[Row]) -> None:
    head = ["input", "tool", "CPU s (min)", "vs orjson (CPU)", "wall s (min)", "peak RSS MiB"]
    body = _cells(rows, "", "x")
    widths = [max(len(x) for x in col) for col in zip(head, *body)]
    line = "  ".join(h.ljust(w) if i < 2 else h.rjust(w) for i, (h, w) in enumerate(zip(head, widths)))
    print(line)
    print("-" * len(line))
    for cells in body:
        print("  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))))


def print_markdown(rows: list[Row], m: dict[str, Any], runs: int, seed: int, harscrub_desc: str) -> None:
    print("| input (size, layout, entries) | tool | CPU s (min) | vs orjson (CPU) | wall s (min) | peak RSS |")
    print("|---|---|---:|---:|---:|---:|")
    previous = ""
    for cells in _cells(rows, " s", "×"):
        label, previous = ("" if cells[0] == previous else cells[0]), cells[0]
        rss = f"{cells[5]} MiB" if cells[5] else ""
        print(f"| {label} | {' | '.join(cells[1:5])} | {rss} |")
    print()
    how = f"Minimum of {runs} interleaved runs per cell" if runs > 1 else "One run per cell"
    sample = next((r.info for r in rows if r.tool == "startup" and "bytes" in r.info), None)
    startup = (f" Start-up: `harscrub --version`, and `harscrub sanitize -o TMP --quiet` of the "
               f"{sample['bytes'] / 1e3:.0f} KB `{sample['file']}`." if sample else "")
    print(f"Machine: {machine_line(m)}. {how}, CPU time = user+sys of the process (interpreter start-up "
          f"included); vs orjson = the baseline's CPU time over the tool's on the same input (higher is faster); "
          f"peak RSS = maximum over runs (≤ N: under the benchmark script's own, which bounds it). Inputs: HARs from `benchmarks/generate.py` (seed {seed}, "
          f"generator v{GENERATOR_VERSION}; chrome = 2-space indented, compact = no whitespace), page cache warm."
          f"{startup} harscrub: {harscrub_desc}.")


def write_json(path: Path, rows: list[Row], m: dict[str, Any], args: argparse.Namespace, harscrub_desc: str) -> None:
    path.write_text(json.dumps({
        "machine": m, "runs": args.runs, "seed": args.seed, "generator_version": GENERATOR_VERSION,
        "harscrub": harscrub_desc,
        "rows": [{"input": r.input, "tool": r.tool, **r.info, "na": r.na, "failed": r.failed,
                  "min_cpu": r.cpu, "min_wall": r.wall, "max_rss": r.rss, "vs_orjson_cpu": ratio,
                  "runs": [{"wall": x.wall, "cpu": x.cpu, "rss": x.rss, "rss_floor": x.rss_floor, "status": x.status}
                           for x in r.runs]}
                 for r, ratio in zip(rows, vs_orjson(rows))],
    }, indent=2))


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _names(text: str, known: tuple[str, ...], what: str, ap: argparse.ArgumentParser) -> list[str]:
    names = [t.strip() for t in text.split(",") if t.strip()]
    bad = [t for t in names if t not in known]
    if bad or not names:
        ap.error(f"unknown {what} {bad}; choose from {','.join(known)}")
    return names


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="50MB,200MB,1GB", help="comma-separated sizes (default 50MB,200MB,1GB)")
    ap.add_argument("--layouts", default="chrome", help=f"comma-separated subset of {','.join(LAYOUTS)} (default chrome)")
    ap.add_argument("--data-dir", type=Path, default=HERE / "data", help="where generated inputs are cached")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0, help="generator seed")
    ap.add_argument("--tools", default=",".join(TOOLS), help=f"subset of {','.join(TOOLS)}")
    ap.add_argument("--no-startup", action="store_true", help="skip the start-up section")
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
    layouts = _names(args.layouts, LAYOUTS, "layout(s)", ap)
    tools = _names(args.tools, TOOLS, "tool(s)", ap)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    args.data_dir.mkdir(parents=True, exist_ok=True)

    harscrub_tools = [t for t in tools if t != "baseline"]
    startup = bool(harscrub_tools) and not args.no_startup
    if startup:
        harscrub_tools.extend(STARTUP_TOOLS)
    na: dict[str, str] = {}
    harscrub: list[str] | None = None
    harscrub_desc = "not run"
    if harscrub_tools:
        harscrub, why = find_harscrub(args.harscrub)
        if harscrub is None:
            print(f"harscrub rows will read n/a: {why}", file=sys.stderr)
            na = dict.fromkeys(harscrub_tools, why)
            harscrub_desc = "n/a"
        else:
            broken = {}
            for sub in sorted({SUBCOMMAND[t] for t in harscrub_tools if t in SUBCOMMAND}):
                ok, why = subcommand_ok(harscrub, sub)
                if not ok:
                    broken[sub] = why
                    print(f"harscrub {sub} will read n/a: {why}", file=sys.stderr)
            na = {t: broken[SUBCOMMAND[t]] for t in harscrub_tools if SUBCOMMAND.get(t) in broken}
            shown = " ".join(Path(harscrub[0]).name if i == 0 else c for i, c in enumerate(harscrub))
            harscrub_desc = f"{harscrub_version()} (run as `{shown}`)"

    m = machine()
    print(f"machine: {machine_line(m)}", file=sys.stderr)
    rows: list[Row] = []
    if startup:
        rows.extend(bench_startup(harscrub, na, args))
    for size in sizes:
        for layout in layouts:
            rows.extend(bench_input(size, layout, tools, harscrub, na, args))

    print()
    print_table(rows)
    if args.markdown:
        print()
        print_markdown(rows, m, args.runs, args.seed, harscrub_desc)
    if args.json:
        write_json(args.json, rows, m, args, harscrub_desc)
    return 1 if any(r.failed for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())

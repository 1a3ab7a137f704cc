"""Run the benchmarks, print the table, write bench/results/latest.json (``make bench``).

    .venv/bin/python bench/run.py               # everything, 5 runs per figure (tens of minutes)
    .venv/bin/python bench/run.py --quick       # small smoke run (a couple of minutes)
    .venv/bin/python bench/run.py --only build  # one figure (and what it needs)
    .venv/bin/python bench/run.py --runs 7

Figures: extraction, crawl, build (10k, 100k, database size), growth, search, scaling, memory.
Each figure is a median over --runs runs (at least 5 unless --quick), each measured against its
baseline in the same run. Heavy parts run one after the other. See bench/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a script: make the repository importable and keep bench/ itself off the path
# (bench/extract.py would otherwise shadow the extract package).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

from bench import build, crawl, extraction, memory, scaling, search  # noqa: E402
from bench.common import RESULTS  # noqa: E402

# name -> (module, names it needs run first)
FIGURES = {
    "extraction": (extraction, []),
    "crawl": (crawl, []),
    "build": (build, []),
    "growth": (None, ["build"]),          # computed by the build module
    "search": (search, ["build"]),
    "scaling": (scaling, []),
    "memory": (memory, ["crawl", "build", "scaling"]),
}


def machine() -> dict:
    mem = None
    try:
        with open("/proc/meminfo") as f:
            mem = round(int(f.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "ram_gb": mem, "python": platform.python_version(),
            "platform": platform.platform(), "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "loadavg_start": os.getloadavg()}


def fmt(v, digits=3) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{digits}g}" if abs(v) < 1000 else f"{v:.0f}"
    return str(v)


def table(figures) -> str:
    rows = [("figure", "value", "unit", "baseline", "ratio", "target", "result", "runs")]
    for f in figures:
        result = "-" if f.passed is None else ("pass" if f.passed else "MISS")
        rows.append((f.name, fmt(f.value), f.unit, fmt(f.baseline), fmt(f.ratio), f.target, result, str(f.runs)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes and 2 runs: a smoke test, not a measurement")
    ap.add_argument("--only", action="append", choices=sorted(FIGURES), metavar="NAME",
                    help=f"only this figure (repeatable): {', '.join(FIGURES)}")
    ap.add_argument("--runs", type=int, default=None, help="runs per figure (default 5; --quick: 2)")
    ap.add_argument("--large-build-runs", type=int, default=None, metavar="N",
                    help="runs of the 100k build only (default: --runs); each takes minutes")
    args = ap.parse_args(argv)
    runs = args.runs if args.runs is not None else (2 if args.quick else 5)
    if not args.quick and runs < 5:
        ap.error("--runs must be at least 5 (medians over fewer runs are noise); use --quick for a smoke run")

    wanted = list(FIGURES) if not args.only else args.only
    order, seen = [], set()

    def add(name):
        for dep in FIGURES[name][1]:
            add(dep)
        if name not in seen:
            seen.add(name), order.append(name)

    for name in wanted:
        add(name)

    ctx = {"quick": args.quick, "runs": runs, "large_build_runs": args.large_build_runs or runs}
    figures, timings, errors = [], {}, {}
    info = machine()
    for name in order:
        module = FIGURES[name][0]
        if module is None:
            continue
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            figures += module.measure(ctx)
        except Exception as exc:  # report the others anyway
            errors[name] = f"{type(exc).__name__}: {exc}"
            print(f"[bench] {name} FAILED: {errors[name]}", file=sys.stderr, flush=True)
        timings[name] = round(time.perf_counter() - t0, 1)
        print(f"[bench] {name} done in {timings[name]} s", file=sys.stderr, flush=True)
        save(info, args, runs, timings, errors, figures)  # a long run keeps what it measured so far

    if args.only:  # show what was asked for (and the build figures search/memory needed)
        keep = set(args.only) | ({"build"} if "growth" in args.only else set())
        figures = [f for f in figures if f.name.split()[0] in keep or f.name.split()[0] == "db"
                   and "build" in keep or (f.name == "growth" and "growth" in keep)]
    print(table(figures))
    print(f"\nmachine: {info['nproc']} cores, {info['ram_gb']} GB RAM, Python {info['python']}, {info['date']}"
          + (" (quick run: not a measurement)" if args.quick else ""))
    for name, err in errors.items():
        print(f"error in {name}: {err}")

    path = save(info, args, runs, timings, errors, figures)
    print(f"wrote {path}", file=sys.stderr)
    return 1 if errors else 0


def save(info, args, runs, timings, errors, figures) -> Path:
    """Write bench/results/latest.json; with --only, figures of earlier runs not measured now are kept."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "latest.json"
    now = [dict(f.as_dict(), measured_at=info["date"]) for f in figures]
    kept = []
    if args.only and path.exists():
        try:
            previous = json.loads(path.read_text(encoding="utf-8"))
            if previous.get("quick") == args.quick:
                names = {f["name"] for f in now}
                kept = [f for f in previous.get("figures", []) if f["name"] not in names]
        except ValueError:
            pass
    out = {"machine": {**info, "loadavg_end": os.getloadavg()}, "quick": args.quick, "runs": runs,
           "large_build_runs": args.large_build_runs, "seconds_per_figure": timings, "errors": errors,
           "figures": kept + now}
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return path


if __name__ == "__main__":
    sys.exit(main())

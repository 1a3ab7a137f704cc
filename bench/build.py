"""Figures "build 10k", "build 100k" (seconds, database size) and "growth" (s/1000 articles at 100k vs 10k).

The records are already extracted (bench/synth.py): a pages-only database is generated once
per size, with each page's body the record as JSON; each run copies it, and a child process
(``python -m bench.build DB``) runs ``kb.build.build`` with an ``extract_page`` that decodes
the record. So a run spends its time as ``thidua build`` does (pending query, reading pages,
the record writes, versions, ANALYZE, positions, cluster members, WAL checkpoint) minus extraction.
The time is that of the build() call, measured in the child; its peak RSS goes to "memory".

Runs alternate 10k and 100k, so run i of growth compares the two sizes under the same load.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

from .common import PYTHON, WORK, Figure, check, last_json, median, remove_db, run_child

TARGET_100K = 120.0


def sizes(ctx) -> tuple[int, int]:
    return (1_000, 10_000) if ctx["quick"] else (10_000, 100_000)


def pages_db(n: int) -> Path:
    """The pages-only database of n synthetic records (generated once, then reused)."""
    from . import synth

    path = WORK / f"pages-{n}.db"
    if not path.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        tmp = WORK / f"pages-{n}.tmp.db"
        remove_db(tmp)
        synth.write_pages(tmp, n)
        os.replace(tmp, path)
        remove_db(tmp)
    return path


def kb_path(n: int) -> Path:
    return WORK / f"kb-{n}.db"


def build_once(n: int) -> dict:
    """Copy the pages database, build it in a child; {seconds, rss_mb, size_mb, stats, path}."""
    src, dst = pages_db(n), kb_path(n)
    remove_db(dst)
    shutil.copyfile(src, dst)
    r = check(run_child([PYTHON, "-m", "bench.build", str(dst)], timeout=3600), f"build of {n}")
    out = last_json(r.stdout)
    return {**out, "rss_mb": r.max_rss_mb, "size_mb": os.path.getsize(dst) / 1e6, "path": str(dst)}


def measure(ctx: dict) -> list[Figure]:
    small, large = sizes(ctx)
    pages_db(small), pages_db(large)  # generation is not part of any timing
    runs = {small: [], large: []}
    for i in range(max(ctx["runs"], ctx.get("large_build_runs", 0))):
        for n in (small, large):
            if i < (ctx["runs"] if n == small else ctx.get("large_build_runs", ctx["runs"])):
                runs[n].append(build_once(n))
    ctx["kb_large"] = kb_path(large)         # the search figure serves the last 100k build
    ctx.setdefault("rss", {})["build"] = [r["rss_mb"] for r in runs[large]]
    figs = []
    for n in (small, large):
        secs = [r["seconds"] for r in runs[n]]
        detail = {"articles": n, "seconds": secs, "db_size_mb": runs[n][-1]["size_mb"],
                  "stats": runs[n][-1]["stats"], "phases": runs[n][-1].get("phases")}
        if n == large:
            target, passed = (f"<= {TARGET_100K:.0f} s" if not ctx["quick"] else "(quick run: no target)",
                              median(secs) <= TARGET_100K if not ctx["quick"] else None)
        else:
            target, passed = "", None
        figs.append(Figure(f"build {n // 1000}k", median(secs), "s", target=target, passed=passed,
                           runs=len(secs), detail=detail))
        figs.append(Figure(f"db size {n // 1000}k", runs[n][-1]["size_mb"], "MB", runs=len(secs)))
    per_k = lambda r: r["seconds"] / (r["articles"] / 1000)  # noqa: E731
    ratios = [per_k(b) / per_k(a) for a, b in zip(runs[small], runs[large])]
    ratio = median(ratios)
    figs.append(Figure("growth", median([per_k(r) for r in runs[large]]), "s/1000 articles",
                       baseline=median([per_k(r) for r in runs[small]]), ratio=ratio, target="ratio <= 1.3",
                       passed=ratio <= 1.3, runs=len(ratios), detail={"ratios": ratios}))
    return figs


def child(db_path: str) -> None:
    """In the child: build ``db_path`` and print {seconds, articles, stats, phases}."""
    import kb.build as kb_build

    from .synth import extract_page

    phases = {}

    def timed(name, fn):
        def wrapper(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                phases[name] = round(time.perf_counter() - t, 3)
        return wrapper

    # Time the derived-table phases too (same functions, only wrapped).
    kb_build.recompute_positions = timed("positions", kb_build.recompute_positions)
    kb_build.recompute_cluster_members = timed("cluster_members", kb_build.recompute_cluster_members)
    t0 = time.perf_counter()
    stats = kb_build.build(db_path, extract_page, jobs=1, progress=False)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "articles": stats["extracted"], "stats": stats, "phases": phases}))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    child(sys.argv[1])

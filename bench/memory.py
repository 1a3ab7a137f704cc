"""Figures "memory <stage>": peak RSS (MB) of crawl, extract and build, each a child process.

The peaks come from the children the other figures already run (``thidua crawl``, the 100k
build, ``thidua build --jobs 1/2`` which extract real HTML), read with os.wait4 (the rusage
``RUSAGE_CHILDREN`` would report, but per child). Extraction alone is measured here: each
run is ``thidua extract`` over synthetic HTML files written to a folder. Median over runs.
"""
from __future__ import annotations

import random
import tempfile
from pathlib import Path

from .common import THIDUA, WORK, Figure, check, median, run_child
from .extract import page

LIMIT_MB = 1024.0


def measure(ctx: dict) -> list[Figure]:
    n = 50 if ctx["quick"] else 300
    rss = ctx.setdefault("rss", {})
    WORK.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        rng = random.Random(7)
        for i in range(n):
            (Path(tmp) / f"page-{i:04d}.html").write_bytes(page(rng, i))
        rss["extract (thidua extract)"] = [
            check(run_child([THIDUA, "extract", tmp, "-o", "/dev/null", "--no-progress"]), "thidua extract").max_rss_mb
            for _ in range(ctx["runs"])]
    figs = []
    for stage, values in rss.items():
        v = median(values)
        figs.append(Figure(f"memory {stage}", v, "MB peak RSS", target=f"<= {LIMIT_MB:.0f} MB", passed=v <= LIMIT_MB,
                           runs=len(values), detail={"per_run": values}))
    return figs

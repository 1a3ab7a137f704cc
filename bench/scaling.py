"""Figure "scaling": articles/s of ``thidua build --jobs 2`` vs ``--jobs 1`` on the same pages.

Real extraction this time: a pages-only database of bench/extract.py's synthetic news pages
(HTML) is generated once; each run copies it twice and times ``thidua build --jobs 1`` then
``--jobs 2`` as child processes (wall time, start-up included). The run's ratio is
jobs-2 articles/s over jobs-1 articles/s. Their peak RSS goes to "memory" (extract + build).
"""
from __future__ import annotations

import hashlib
import os
import random
import shutil

import sqlite_utils

from .common import THIDUA, WORK, Figure, check, last_json, median, remove_db, run_child
from .extract import page

# Pages per run. Start-up is serial on both sides (Python, the imports, and the extractor's
# vocabularies and models: ~2 s here, loaded once, before the pool forks); extraction is now
# ~8-10 ms a page, so the 600 pages used before issue 13 left ~6 s of parallel work against it and
# capped the ratio near 1.6 on two idle cores, whatever the build did. With 5,000 pages (~40 s with
# --jobs 1) the bound is ~1.9.
N_PAGES = 5000


def html_pages_db(n: int):
    from kb.schema import PAGES

    path = WORK / f"html-pages-{n}.db"
    if path.exists():
        return path
    WORK.mkdir(parents=True, exist_ok=True)
    tmp = WORK / f"html-pages-{n}.tmp.db"
    remove_db(tmp)
    rng = random.Random(7)
    db = sqlite_utils.Database(tmp)
    rows = []
    for i in range(1, n + 1):
        body = page(rng, i)
        url = f"https://bench.invalid/tin/{i}.html"
        rows.append({"id": i, "url": url, "final_url": url, "source": None, "status": 200,
                     "fetched_at": "2025-01-01T00:00:00", "content_hash": hashlib.sha1(body).hexdigest(),
                     "html": body, "content_type": "text/html", "encoding": "utf-8", "is_article": 1})
    db["pages"].create(PAGES, pk="id")
    db["pages"].insert_all(rows, batch_size=500)
    db["pages"].create_index(["url", "content_hash"], unique=True)
    db.close()
    os.replace(tmp, path)
    remove_db(tmp)
    return path


def _build(src, jobs: int) -> tuple[float, float, int]:
    dst = WORK / f"scaling-jobs{jobs}.db"
    remove_db(dst)
    shutil.copyfile(src, dst)
    r = check(run_child([THIDUA, "build", "--db", str(dst), "--jobs", str(jobs), "--no-progress", "--json"],
                        timeout=3600),
              f"thidua build --jobs {jobs}")
    stats = last_json(r.stdout)  # --json: the counts on standard output
    remove_db(dst)
    return stats["extracted"] / r.seconds, r.max_rss_mb, r.cpu_seconds / r.seconds


def measure(ctx: dict) -> list[Figure]:
    n = 80 if ctx["quick"] else N_PAGES
    src = html_pages_db(n)
    one, two, ratios, rss, busy = [], [], [], {1: [], 2: []}, {1: [], 2: []}
    for _ in range(ctx["runs"]):
        a1, m1, b1 = _build(src, 1)
        a2, m2, b2 = _build(src, 2)
        one.append(a1), two.append(a2), ratios.append(a2 / a1)
        busy[1].append(round(b1, 2)), busy[2].append(round(b2, 2))
        rss[1].append(m1), rss[2].append(m2)
    ctx.setdefault("rss", {})["extract+build --jobs 1"] = rss[1]
    ctx["rss"]["extract+build --jobs 2"] = rss[2]
    ratio = median(ratios)
    return [Figure("scaling --jobs 2", median(two), "articles/s", baseline=median(one), ratio=ratio,
                   target=f"ratio >= 1.8 on 2 cores (this machine: {os.cpu_count()})", passed=ratio >= 1.8,
                   runs=len(ratios), detail={"pages": n, "jobs1": one, "jobs2": two, "ratios": ratios,
                           # CPU seconds per wall second of the whole process tree: ~2 means both cores were ours
                           "cores_used_jobs1": busy[1], "cores_used_jobs2": busy[2]})]

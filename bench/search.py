"""Figures "search _search p50/p95" and "search canned p50/p95": Datasette latency on the 100k knowledge base.

Datasette (``python -m kb.serve DB PORT``: our metadata, plugins, immutable database) runs in a
child process on a free 127.0.0.1 port, against the 100k database the build figure left (or
one built here). Each run sends N requests to each endpoint, cycling over a few queries with
and without accents, one at a time, and takes p50/p95 of the wall time per request (fresh
HTTP connection each, body read in full); the figure is the median over runs.

- table search: ``/thidua/articles.json?_search=...`` (FTS5 match, with the table's facets)
- accent-folded canned query: ``/thidua/search_events.json?q=...``
"""
from __future__ import annotations

import subprocess
import time
import urllib.parse
import urllib.request

from .common import PYTHON, ROOT, Figure, free_port, median, percentile, stop, wait_http

QUERIES = ["thi dua", "Bắc Giang", "khen thuong", "cum thi dua so 4", "Nguyen Van", "giao ước",
           "Cờ thi đua", "VKSND tinh Long An", "tong ket nam 2023", "Huân chương Lao động"]
TARGET_MS = 100.0


def _get(url: str) -> float:
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as r:
        r.read()
        if r.status != 200:
            raise RuntimeError(f"{url}: HTTP {r.status}")
    return (time.perf_counter() - t0) * 1000


def measure(ctx: dict) -> list[Figure]:
    from . import build

    db = ctx.get("kb_large")
    if db is None or not db.exists():
        db = build.kb_path(build.sizes(ctx)[1])
        if not db.exists():
            build.build_once(build.sizes(ctx)[1])
    n = 10 if ctx["quick"] else 40
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([PYTHON, "-m", "kb.serve", str(db), str(port)], cwd=str(ROOT),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoints = {
        "_search": lambda q: f"{base}/thidua/articles.json?_search={urllib.parse.quote_plus(q)}",
        "canned": lambda q: f"{base}/thidua/search_events.json?q={urllib.parse.quote_plus(q)}",
    }
    per_run = {k: {"p50": [], "p95": []} for k in endpoints}
    try:
        wait_http(base + "/-/versions.json", timeout=120, proc=proc)
        for make in endpoints.values():  # warm-up: page cache, first-request setup
            for q in QUERIES[:3]:
                _get(make(q))
        for _ in range(ctx["runs"]):
            for name, make in endpoints.items():
                times = [_get(make(QUERIES[i % len(QUERIES)])) for i in range(n)]
                per_run[name]["p50"].append(percentile(times, 50))
                per_run[name]["p95"].append(percentile(times, 95))
    finally:
        stop(proc)
    figs = []
    for name in endpoints:
        for p in ("p50", "p95"):
            v = median(per_run[name][p])
            target = f"<= {TARGET_MS:.0f} ms" if p == "p95" else ""
            figs.append(Figure(f"search {name} {p}", v, "ms", target=target,
                               passed=(v <= TARGET_MS) if p == "p95" else None, runs=len(per_run[name][p]),
                               detail={"per_run": per_run[name][p], "requests_per_run": n, "db": str(db)}))
    return figs

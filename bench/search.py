"""Figures "search ... p50/p95": Datasette latency on the 100k knowledge base, per page a reader uses.

Datasette runs as ``thidua serve`` runs it (``python -m kb.serve DB PORT``: our metadata, plugins
and templates, the database opened read-only over WAL, not immutable) in a child process on a
free 127.0.0.1 port, against the 100k database the build figure left (or one built here).

Page kinds (HTML unless said):

- ``search page``: the home page's search box, the canned query ``/thidua/search_events?q=``
- ``articles search``: the articles table searched, ``/thidua/articles?_search=``
- ``event`` / ``unit`` / ``official`` / ``cluster``: the readers' row pages
  (``kb/templates/row-thidua-*.html``), ``/thidua/<table>/<id>``
- ``_search json`` / ``canned json``: the two JSON endpoints measured since issue 6

Searches cycle over a few queries with and without accents. Row pages cycle over ids picked by
query, not hard-coded (the schema and the generator may change): for each kind the few biggest
rows (most reports, facts, appearances, events: they decide the p95) and rows spread over the
rest of the size ranking (median, small, rare). Each run sends N requests per kind, one at a
time, fresh HTTP connection each, body read in full, and takes p50/p95 of the wall time; the
figure is the median over runs.
"""
from __future__ import annotations

import sqlite3
import subprocess
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

from .common import PYTHON, ROOT, Figure, free_port, median, percentile, stop, wait_http

QUERIES = ["thi dua", "Bắc Giang", "khen thuong", "cum thi dua so 4", "Nguyen Van", "giao ước",
           "Cờ thi đua", "VKSND tinh Long An", "tong ket nam 2023", "Huân chương Lao động"]
TARGET_MS = 50.0
BIGGEST = 3  # ids per kind taken from the top of the size ranking
SPREAD = 7  # ids per kind taken at even steps down the rest of the ranking


# --------------------------------------------------------------------------- which rows to ask for
def _weights(conn: sqlite3.Connection, *sqls: str) -> Counter:
    """Sum of (id, count) rows over the given queries: how much a page of that id has to show."""
    total: Counter = Counter()
    for sql in sqls:
        for key, n in conn.execute(sql):
            if key is not None:
                total[key] += n
    return total


def _spread(weights: Counter, biggest: int = BIGGEST, spread: int = SPREAD) -> list[str]:
    """The ``biggest`` heaviest ids, then ``spread`` ids at even steps down the rest (down to the lightest)."""
    ranked = [k for k, _ in sorted(weights.items(), key=lambda kv: (-kv[1], str(kv[0])))]
    top, rest = ranked[:biggest], ranked[biggest:]
    if len(rest) <= spread:
        return top + rest
    step = (len(rest) - 1) / (spread - 1)
    return top + [rest[round(i * step)] for i in range(spread)]


def pick_ids(db: Path) -> dict[str, list[str]]:
    """Ids of events, units, officials and clusters to time, chosen by how much their page shows."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        events = _weights(
            conn, "select event_id, count(*) from event_reports group by event_id",
            *(f"select r.event_id, count(*) from {t} f join event_reports r on r.id = f.event_id group by r.event_id"
              for t in ("event_units", "appearances", "awards", "roles", "event_documents")))
        units = _weights(
            conn, "select unit_id, count(*) from event_units group by unit_id",
            "select unit_id, count(*) from appearances group by unit_id",
            "select recipient_unit_id, count(*) from awards group by recipient_unit_id",
            "select unit_id, count(*) from roles group by unit_id")
        officials = _weights(
            conn, "select official_id, count(*) from appearances group by official_id",
            "select recipient_official_id, count(*) from awards group by recipient_official_id")
        clusters = _weights(
            conn, "select cluster_id, count(*) from events group by cluster_id",
            "select cluster_id, count(*) from cluster_members group by cluster_id",
            "select cluster_id, count(*) from roles group by cluster_id")
    finally:
        conn.close()
    return {"event": _spread(events), "unit": _spread(units), "official": _spread(officials),
            "cluster": _spread(clusters)}


def page_urls(base: str, ids: dict[str, list[str]]) -> dict[str, list[str]]:
    """Every page kind and the URLs its requests cycle over."""
    q = urllib.parse.quote_plus
    row = {"event": "events", "unit": "units", "official": "officials", "cluster": "clusters"}
    urls = {
        "search page": [f"{base}/thidua/search_events?q={q(s)}" for s in QUERIES],
        "articles search": [f"{base}/thidua/articles?_search={q(s)}" for s in QUERIES],
        **{kind: [f"{base}/thidua/{row[kind]}/{urllib.parse.quote(i, safe='')}" for i in ids[kind]] for kind in row},
        "_search json": [f"{base}/thidua/articles.json?_search={q(s)}" for s in QUERIES],
        "canned json": [f"{base}/thidua/search_events.json?q={q(s)}" for s in QUERIES],
    }
    return urls


# --------------------------------------------------------------------------- timing
def _get(url: str) -> float:
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as r:
        r.read()
        if r.status != 200:
            raise RuntimeError(f"{url}: HTTP {r.status}")
    return (time.perf_counter() - t0) * 1000


def start_server(db: Path) -> tuple[subprocess.Popen, str]:
    """``python -m kb.serve DB PORT`` (what ``thidua serve`` runs) on a free port; (process, base URL)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([PYTHON, "-m", "kb.serve", str(db), str(port)], cwd=str(ROOT),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_http(base + "/-/versions.json", timeout=120, proc=proc)
    except Exception:
        stop(proc)
        raise
    return proc, base


def time_pages(urls: dict[str, list[str]], runs: int, n: int) -> dict[str, dict]:
    """{kind: {"p50": [per run], "p95": [per run], "slowest": {url: ms}}}: n requests per kind a run."""
    for kind_urls in urls.values():  # warm-up: page cache, first-request setup, every URL once
        for url in kind_urls:
            _get(url)
    out = {k: {"p50": [], "p95": [], "slowest": {}} for k in urls}
    for _ in range(runs):
        for kind, kind_urls in urls.items():
            times = []
            for i in range(n):
                url = kind_urls[i % len(kind_urls)]
                ms = _get(url)
                times.append(ms)
                slowest = out[kind]["slowest"]
                slowest[url] = max(slowest.get(url, 0.0), ms)
            out[kind]["p50"].append(percentile(times, 50))
            out[kind]["p95"].append(percentile(times, 95))
    return out


def large_db(ctx: dict) -> Path:
    from . import build

    db = ctx.get("kb_large")
    if db is None or not Path(db).exists():
        db = build.kb_path(build.sizes(ctx)[1])
        if not db.exists():
            build.build_once(build.sizes(ctx)[1])
    return Path(db)


def measure(ctx: dict) -> list[Figure]:
    db = large_db(ctx)
    n = 10 if ctx["quick"] else 40
    ids = pick_ids(db)
    proc, base = start_server(db)
    try:
        per_kind = time_pages(page_urls(base, ids), ctx["runs"], n)
    finally:
        stop(proc)
    figs = []
    for kind, timed in per_kind.items():
        slowest = sorted(timed["slowest"].items(), key=lambda kv: -kv[1])[:3]
        detail = {"per_run": None, "requests_per_run": n, "db": str(db),
                  "slowest_urls": [(u.split("/thidua", 1)[-1], round(ms, 1)) for u, ms in slowest]}
        if kind in ids:
            detail["ids"] = ids[kind]
        for p in ("p50", "p95"):
            v = median(timed[p])
            target = f"<= {TARGET_MS:.0f} ms" if p == "p95" else ""
            figs.append(Figure(f"search {kind} {p}", v, "ms", target=target,
                               passed=(v <= TARGET_MS) if p == "p95" else None, runs=len(timed[p]),
                               detail={**detail, "per_run": timed[p]}))
    return figs


if __name__ == "__main__":  # python -m bench.search [DB] [RUNS]: these figures alone, on a database already built
    import json
    import sys

    from .build import kb_path

    db_arg = Path(sys.argv[1]) if len(sys.argv) > 1 else kb_path(100_000)
    runs_arg = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    for fig in measure({"quick": False, "runs": runs_arg, "kb_large": db_arg}):
        print(f"{fig.name:32} {fig.value:8.1f} {fig.unit}  {fig.target:10} "
              f"{'' if fig.passed is None else ('pass' if fig.passed else 'MISS')}  "
              f"{json.dumps(fig.detail.get('slowest_urls'), ensure_ascii=False) if fig.name.endswith('p95') else ''}")

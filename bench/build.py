"""Figures "build 10k", "build 100k" (seconds, database size) and "growth" (s/1000 articles at 100k vs 10k).

The records are already extracted (bench/synth.py): a pages-only database is generated once
per size, with each page's body the record as JSON; each run copies it, and a child process
(``python -m bench.build DB``) runs ``kb.build.build`` with an ``extract_page`` that decodes
the record. So a run spends its time as ``thidua build`` does (pending query, reading pages,
the record writes, versions, ANALYZE, positions, cluster members, WAL checkpoint) minus extraction.
The time is that of the build() call, measured in the child; its peak RSS goes to "memory".

Runs alternate 10k and 100k, so run i of growth compares the two sizes under the same load.

Baseline ("bare insert"): what inserting the same rows costs with sqlite-utils and no resolution.
A child (``python -m bench.build --bare PAGES_DB OUT_DB``) decodes every record and turns it into
the rows the build writes for it (``kb.load.prepare_record``'s INSERT statements and the article's
version row, parsed back into {column: value} dicts; an entity named again, e.g. a unit in many
articles, is kept once, first row wins, as the build's ``INSERT OR IGNORE`` does). None of that is
timed. Then, 10,000 records at a time, it times ``db[table].insert_all(rows)`` for every table in
a fresh database made by ``kb.schema.ensure_schema`` (same tables, indexes, and the FTS index kept
by its insert trigger) with the build's pragmas (synchronous NORMAL, 256 MB cache, temp store in
memory); sqlite-utils' defaults otherwise (batches of 100 rows, each committed). Not in the
baseline: reading and decoding the pages, resolving names, the savepoints, events merged from
reports, positions and cluster members. So ratio = build / bare insert is what everything but
writing the rows costs. Measured in the same run as the build it is compared with.

"db size" figures also carry where the bytes go: the built database's pages per table and index
(SQLite's ``dbstat``), per article, printed after the runs.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

from .common import PYTHON, WORK, Figure, check, last_json, median, remove_db, run_child

TARGET_100K = 60.0
BARE_CHUNK = 10_000  # records whose rows are inserted together (bounds the baseline's memory)


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


def bare_once(n: int) -> float:
    """Seconds bare sqlite-utils takes to insert the rows of the n records (see the module's docstring)."""
    dst = WORK / f"bare-{n}.db"
    remove_db(dst)
    r = check(run_child([PYTHON, "-m", "bench.build", "--bare", str(pages_db(n)), str(dst)], timeout=3600),
              f"bare insert of {n}")
    remove_db(dst)
    return last_json(r.stdout)["seconds"]


def size_breakdown(path) -> dict:
    """Bytes of every table and index of the database (dbstat: the pages each one occupies)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute("select name, sum(pgsize) from dbstat group by name order by 2 desc").fetchall()
    finally:
        conn.close()
    return dict(rows)


def size_detail(path, articles: int) -> dict:
    """Size per article and what fills it (the input pages, kept in the same file, listed apart)."""
    by_name = size_breakdown(path)
    total = sum(by_name.values())
    pages = sum(v for k, v in by_name.items() if k == "pages" or k.startswith(("idx_pages_", "sqlite_autoindex_pages")))
    return {"articles": articles, "file_bytes": total,
            "kb_per_article": round(total / articles / 1024, 2),
            "kb_per_article_without_pages": round((total - pages) / articles / 1024, 2),
            "by_object_mb": {k: round(v / 1e6, 2) for k, v in by_name.items()}}


def print_size(name: str, detail: dict) -> None:
    print(f"[bench] {name}: {detail['kb_per_article']} KB per article "
          f"({detail['kb_per_article_without_pages']} KB without the input pages); by table and index, MB:",
          file=sys.stderr)
    for obj, mb in detail["by_object_mb"].items():
        if mb >= 0.5:
            print(f"[bench]   {obj:40} {mb:9.1f}", file=sys.stderr)


def measure(ctx: dict) -> list[Figure]:
    small, large = sizes(ctx)
    pages_db(small), pages_db(large)  # generation is not part of any timing
    runs = {small: [], large: []}
    for i in range(max(ctx["runs"], ctx.get("large_build_runs", 0))):
        for n in (small, large):
            if i < (ctx["runs"] if n == small else ctx.get("large_build_runs", ctx["runs"])):
                # the bare insert right after the build it is compared with: same load on the machine
                runs[n].append({**build_once(n), "bare_seconds": bare_once(n)})
    ctx["kb_large"] = kb_path(large)         # the search figure serves the last 100k build
    ctx.setdefault("rss", {})["build"] = [r["rss_mb"] for r in runs[large]]
    figs = []
    for n in (small, large):
        secs = [r["seconds"] for r in runs[n]]
        bare = [r["bare_seconds"] for r in runs[n]]
        ratios = [r["seconds"] / r["bare_seconds"] for r in runs[n]]
        detail = {"articles": n, "seconds": secs, "bare_insert_seconds": bare, "ratios": ratios,
                  "db_size_mb": runs[n][-1]["size_mb"],
                  "stats": runs[n][-1]["stats"], "phases": runs[n][-1].get("phases")}
        size = size_detail(runs[n][-1]["path"], runs[n][-1]["articles"])
        print_size(f"db size {n // 1000}k", size)
        if n == large:
            target, passed = (f"<= {TARGET_100K:.0f} s" if not ctx["quick"] else "(quick run: no target)",
                              median(secs) <= TARGET_100K if not ctx["quick"] else None)
        else:
            target, passed = "", None
        figs.append(Figure(f"build {n // 1000}k", median(secs), "s", baseline=median(bare), ratio=median(ratios),
                           target=target, passed=passed, runs=len(secs), detail=detail))
        figs.append(Figure(f"db size {n // 1000}k", runs[n][-1]["size_mb"], "MB", runs=len(secs), detail=size))
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


_INSERT = re.compile(r"INSERT (?:OR \w+ )?INTO \[(\w+)\] \(([^)]*)\)")


def bare_rows(pages_path, chunk: int = BARE_CHUNK):
    """{table: [row dicts]} per chunk of records: the rows the build inserts for them, each key once."""
    import sqlite3

    from kb.build import _current_version_ops
    from kb.load import prepare_record
    from kb.schema import TABLES

    from .synth import extract_page

    keys = {name: (pk,) if isinstance(pk, str) else pk for name, _, pk, _, _ in TABLES}
    seen: dict[str, set] = {}
    conn = sqlite3.connect(f"file:{pages_path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    tables: dict[str, list] = {}
    for i, row in enumerate(conn.execute("select * from pages order by id"), 1):
        page = dict(row)
        aid, ops = prepare_record(page, extract_page(page), 1)
        for sql, params in ops + _current_version_ops(page, 1):
            m = _INSERT.match(sql)
            if not m:  # the deletions and update, which find nothing in a first build
                continue
            table, columns = m.group(1), [c.strip("[] ") for c in m.group(2).split(",")]
            for values in (params if isinstance(params, list) else [params]):
                r = dict(zip(columns, values))
                key = tuple(r[k] for k in keys[table])
                if key not in seen.setdefault(table, set()):
                    seen[table].add(key)
                    tables.setdefault(table, []).append(r)
        if i % chunk == 0:
            yield tables
            tables = {}
    if tables:
        yield tables
    conn.close()


def bare_child(pages_path: str, out_path: str) -> None:
    """In the child: time sqlite-utils inserting the build's rows into a fresh knowledge base; print {seconds}."""
    import sqlite_utils

    from kb.schema import TABLES, ensure_schema

    db = sqlite_utils.Database(out_path)
    ensure_schema(db)
    db.execute("PRAGMA synchronous = NORMAL")  # the build's settings (kb/build.py)
    db.execute("PRAGMA cache_size = -262144")
    db.execute("PRAGMA temp_store = MEMORY")
    order = [name for name, *_ in TABLES]
    seconds, rows = 0.0, 0
    for tables in bare_rows(pages_path):
        t0 = time.perf_counter()
        for name in order:
            if tables.get(name):
                db[name].insert_all(tables[name])
                rows += len(tables[name])
        seconds += time.perf_counter() - t0
    db.close()
    print(json.dumps({"seconds": seconds, "rows": rows}))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    if sys.argv[1] == "--bare":
        bare_child(sys.argv[2], sys.argv[3])
    else:
        child(sys.argv[1])

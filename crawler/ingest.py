"""The single writer of a distributed crawl: pages and faults from Redis into SQLite (``thidua ingest``).

However many crawl processes run (:mod:`crawler.redis_crawl`), only this one writes to the
database, through :mod:`crawler.store`; a lease on ``<prefix>:ingester`` keeps it single.
"""
from __future__ import annotations

import base64
import json
import logging
import time
from typing import Optional

from .redis_crawl import ALIVE_WINDOW, DEFAULT_PREFIX, INGEST_LOCK_LEASE, _connect, _text, worker_id

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- the single writer
def ingest_from_redis(db_path, redis_url: str, idle_timeout: float = 5.0, prefix: str = DEFAULT_PREFIX,
                      max_seconds: Optional[float] = None) -> dict:
    """Write the pages and faults crawlers put on Redis into ``db_path``; return counts.

    Returns once the item list has been empty for ``idle_timeout`` seconds and no crawler
    is alive (``max_seconds`` bounds the whole call). Each item is moved to a processing
    list before it is written and removed after the commit, so an ingester killed at any
    point loses nothing: the next one writes the leftovers first (writes are idempotent).
    """
    from . import store

    server = _connect(redis_url)
    items, processing = f"{prefix}:items", f"{prefix}:items:processing"
    lock, me = f"{prefix}:ingester", worker_id()
    if not server.set(lock, me, nx=True, ex=INGEST_LOCK_LEASE):
        raise RuntimeError(f"another ingester holds {lock} ({_text(server.get(lock))}): run only one")
    db = store.open_db(db_path)
    stats = {"items": 0, "pages": 0, "new_articles": 0, "unchanged_pages": 0, "errors": 0, "runs": 0,
             "recovered": 0, "bad_items": 0}
    runs: dict[str, int] = {}
    try:
        known = store.known_article_urls(db)
        for chunk in _chunks(sorted(known), 1000):
            server.sadd(f"{prefix}:known", *chunk)
        while server.lmove(processing, items, "RIGHT", "LEFT") is not None:   # a dead ingester's leftovers
            stats["recovered"] += 1
        started = time.time()
        idle_since = time.time()
        last_lock = 0.0
        while True:
            now = time.time()
            if now - last_lock > 2:
                server.set(lock, me, ex=INGEST_LOCK_LEASE)
                last_lock = now
            if max_seconds is not None and now - started > max_seconds:
                break
            raw = server.blmove(items, processing, 0.5, "LEFT", "RIGHT")
            if raw is None:
                alive = server.zcount(f"{prefix}:workers", time.time() - ALIVE_WINDOW, "+inf")
                if alive:
                    idle_since = time.time()
                elif time.time() - idle_since >= idle_timeout:
                    break
                continue
            idle_since = time.time()
            try:
                _ingest_one(db, server, prefix, json.loads(raw), runs, stats)
            except (ValueError, KeyError, TypeError) as exc:
                stats["bad_items"] += 1
                logger.error("ingest: unreadable item dropped (%s): %.200r", exc, raw)
            server.lrem(processing, 1, raw)
            stats["items"] += 1
        for run_row in set(runs.values()):
            _refresh_run_errors(db, run_row)
    finally:
        if _text(server.get(lock)) == me:
            server.delete(lock)
        db.conn.close()
    stats["runs"] = len(runs)
    stats["run_ids"] = sorted(set(runs.values()))
    return stats


def _chunks(seq, n):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def _run_row(db, server, prefix: str, runs: dict, event: dict) -> Optional[int]:
    from . import store

    run = event.get("run")
    if not run:
        return None
    if run in runs:
        return runs[run]
    existing = server.hget(f"{prefix}:runs", run)
    if existing is not None and db.execute("SELECT 1 FROM crawl_runs WHERE id = ?", [int(existing)]).fetchone():
        runs[run] = int(existing)
    else:
        runs[run] = store.start_run(db, event.get("sources") or [], incremental=bool(event.get("incremental")))
        server.hset(f"{prefix}:runs", run, runs[run])
        server.expire(f"{prefix}:runs", 30 * 24 * 3600)
    return runs[run]


def _ingest_one(db, server, prefix: str, event: dict, runs: dict, stats: dict) -> None:
    from . import store

    kind = event.get("kind")
    run_row = _run_row(db, server, prefix, runs, event)
    if kind == "start":
        if run_row is not None and event.get("sources"):
            # several crawlers of one run may crawl different source sets: record their union
            row = db.execute("SELECT sources FROM crawl_runs WHERE id = ?", [run_row]).fetchone()
            names = sorted(set(filter(None, (row[0] or "").split(","))) | set(event["sources"]))
            with db.conn:
                db.execute("UPDATE crawl_runs SET sources = ? WHERE id = ?", [",".join(names), run_row])
    elif kind == "page":
        page = dict(event)
        page["html"] = base64.b64decode(page.get("html") or "")
        stats["pages"] += 1
        if store.save_page(db, page):
            stats["new_articles"] += 1
            if run_row is not None:
                with db.conn:
                    db.execute("UPDATE crawl_runs SET new_articles = new_articles + 1 WHERE id = ?", [run_row])
        else:
            stats["unchanged_pages"] += 1
        urls = {u for u in (page.get("url"), page.get("final_url")) if u}
        if urls:
            server.sadd(f"{prefix}:known", *urls)
        if page.get("problem"):
            store.record_error(db, run_row, page.get("final_url") or page.get("url"), page["problem"],
                               page.get("status"), page.get("source"))
            stats["errors"] += 1
    elif kind == "error":
        store.record_error(db, run_row, event.get("url"), event.get("reason"), event.get("status"),
                           event.get("source"))
        stats["errors"] += 1
    elif kind == "finish" and run_row is not None:
        with db.conn:
            db.execute("UPDATE crawl_runs SET listing_pages = listing_pages + ?, article_pages = article_pages + ?,"
                       " pages = pages + ? + ?, finished = ?, finish_reason = ? WHERE id = ?",
                       [int(event.get("listing_pages") or 0), int(event.get("article_pages") or 0),
                        int(event.get("listing_pages") or 0), int(event.get("article_pages") or 0),
                        event.get("at") or store.utc_now(), event.get("reason"), run_row])
        _refresh_run_errors(db, run_row)


def _refresh_run_errors(db, run_row: int) -> None:
    with db.conn:
        db.execute("UPDATE crawl_runs SET errors = (SELECT count(*) FROM crawl_errors WHERE run_id = ?)"
                   " WHERE id = ?", [run_row, run_row])


"""The crawl's storage: raw pages, crawl runs and crawl errors in SQLite (the contract with kb/).

``pages`` keeps every distinct version of an article page: UNIQUE(url, content_hash),
so fetching an unchanged page again adds nothing and a changed page adds a row
(the earlier version is kept). Only article pages are stored; listing fetches
are counted in ``crawl_runs``. WAL mode lets Datasette read while a crawl writes.
"""
from __future__ import annotations

import hashlib
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Optional

import sqlite_utils

SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,            -- the URL as linked (before redirects)
    final_url TEXT,               -- the URL that answered (after redirects)
    source TEXT,                  -- the source config name (crawler/sources/<source>.yml)
    status INTEGER,               -- HTTP status of the final response
    fetched_at TEXT,              -- ISO-8601 UTC
    content_hash TEXT,            -- sha256 hex of the body bytes
    html BLOB,                    -- raw body bytes, undecoded
    content_type TEXT,
    encoding TEXT,                -- the encoding the page declares (or that was detected)
    is_article INTEGER,           -- 1 = looks like an article; 0 = stored but unusable (see crawl_errors)
    UNIQUE (url, content_hash)
);
CREATE INDEX IF NOT EXISTS pages_final_url ON pages (final_url);
CREATE INDEX IF NOT EXISTS pages_source ON pages (source);
CREATE TABLE IF NOT EXISTS crawl_runs (
    id INTEGER PRIMARY KEY,
    started TEXT,                 -- ISO-8601 UTC
    finished TEXT,                -- NULL while running or if the process died
    sources TEXT,                 -- comma-separated source names
    incremental INTEGER,
    pages INTEGER,                -- responses received: listings + articles
    listing_pages INTEGER,
    article_pages INTEGER,
    new_articles INTEGER,         -- rows added to pages
    errors INTEGER,               -- rows added to crawl_errors
    finish_reason TEXT            -- Scrapy's: finished, closespider_pagecount, shutdown...
);
CREATE TABLE IF NOT EXISTS crawl_errors (
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES crawl_runs(id),
    url TEXT,
    source TEXT,
    reason TEXT,                  -- e.g. "HTTP 404", "timeout", "redirect loop: ...", "empty body"
    status INTEGER,               -- HTTP status when there was a response
    at TEXT                       -- ISO-8601 UTC
);
CREATE INDEX IF NOT EXISTS crawl_errors_run ON crawl_errors (run_id);
CREATE TABLE IF NOT EXISTS source_health (  -- one row per source and crawl run (crawler/health.py)
    id INTEGER PRIMARY KEY,
    run_id INTEGER REFERENCES crawl_runs(id),
    source TEXT,
    checked_at TEXT,              -- ISO-8601 UTC, at the end of the run
    listing_pages INTEGER,        -- listings, feeds and sitemaps fetched
    listing_ok INTEGER,           -- ... that could be read
    article_links INTEGER,        -- article links found on them
    article_pages INTEGER,        -- article pages fetched
    new_articles INTEGER,         -- pages rows added
    errors INTEGER,               -- crawl_errors rows added
    errors_by_kind TEXT,          -- JSON: {"blocked": 2, "not_found": 1, ...}
    pages_checked INTEGER,        -- article pages read for a title and a date
    title_date_share REAL,        -- the share of them that gave both
    stored_articles INTEGER,      -- article pages of the source stored after the run
    last_new_article TEXT,        -- fetched_at of its newest stored article page
    status TEXT,                  -- ok | flagged
    flags TEXT,                   -- why it is flagged ("; "-separated)
    first_crawl INTEGER,          -- 1: the first run to store an article from this (unverified) source
    found TEXT                    -- first crawl: what it found
);
CREATE INDEX IF NOT EXISTS source_health_source ON source_health (source, run_id);
"""

PAGE_COLUMNS = ("url", "final_url", "source", "status", "fetched_at", "content_hash", "html",
                "content_type", "encoding", "is_article")


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def content_hash(body: bytes) -> str:
    return hashlib.sha256(body or b"").hexdigest()


def open_db(path) -> sqlite_utils.Database:
    """Open (creating if needed) the database with the crawl tables, in WAL mode."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=30)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA busy_timeout = 30000")
    db.enable_wal()
    conn.executescript(SCHEMA)
    return db


def known_article_urls(db: sqlite_utils.Database, sources: Optional[Iterable[str]] = None) -> set[str]:
    """Every URL (as linked and as answered) of the stored pages, to avoid fetching them again."""
    sql = "SELECT url, final_url FROM pages"
    params: list = []
    if sources:
        sources = list(sources)
        sql += f" WHERE source IN ({', '.join('?' * len(sources))})"
        params = sources
    urls = set()
    for url, final_url in db.execute(sql, params).fetchall():
        urls.add(url)
        if final_url:
            urls.add(final_url)
    return urls


def failed_urls(db: sqlite_utils.Database) -> set[str]:
    """URLs some earlier run could not store (404, robots.txt, loops...): seen, though not stored."""
    return {url for (url,) in db.execute("SELECT DISTINCT url FROM crawl_errors").fetchall()}


def last_fetched(db: sqlite_utils.Database) -> dict[str, str]:
    """Stored URL (as linked and as answered) -> fetched_at of its newest stored copy."""
    latest: dict[str, str] = {}
    for url, final_url, fetched_at in db.execute("SELECT url, final_url, max(fetched_at) FROM pages"
                                                 " GROUP BY url, final_url").fetchall():
        for u in (url, final_url):
            if u and fetched_at and fetched_at > latest.get(u, ""):
                latest[u] = fetched_at
    return latest


def permanently_failed_urls(db: sqlite_utils.Database) -> set[str]:
    """URLs an earlier run found gone (404/410) or forbidden by robots.txt (not worth a request each update)."""
    rows = db.execute("SELECT DISTINCT url FROM crawl_errors WHERE status IN (404, 410)"
                      " OR reason LIKE '%robots.txt%'").fetchall()
    return {url for (url,) in rows}


def save_page(db: sqlite_utils.Database, page: dict) -> bool:
    """Store one fetched page; True if it added a row (a new URL or a changed body)."""
    row = {k: page.get(k) for k in PAGE_COLUMNS}
    row["html"] = bytes(row["html"] or b"")
    row["content_hash"] = row["content_hash"] or content_hash(row["html"])
    row["fetched_at"] = row["fetched_at"] or utc_now()
    row["is_article"] = int(bool(row["is_article"]))
    with db.conn:
        cursor = db.execute(
            f"INSERT OR IGNORE INTO pages ({', '.join(PAGE_COLUMNS)}) VALUES ({', '.join('?' * len(PAGE_COLUMNS))})",
            [row[k] for k in PAGE_COLUMNS])
    return cursor.rowcount == 1


def start_run(db: sqlite_utils.Database, sources: Iterable[str], incremental: bool = False) -> int:
    with db.conn:
        cursor = db.execute(
            "INSERT INTO crawl_runs (started, sources, incremental, pages, listing_pages, article_pages,"
            " new_articles, errors) VALUES (?, ?, ?, 0, 0, 0, 0, 0)",
            [utc_now(), ",".join(sources), int(bool(incremental))])
    return cursor.lastrowid


def record_error(db: sqlite_utils.Database, run_id: Optional[int], url: str, reason: str,
                 status: Optional[int] = None, source: Optional[str] = None) -> None:
    with db.conn:
        db.execute("INSERT INTO crawl_errors (run_id, url, source, reason, status, at) VALUES (?, ?, ?, ?, ?, ?)",
                   [run_id, url, source, reason, status, utc_now()])


def update_run(db: sqlite_utils.Database, run_id: int, *, finished: bool = False, **counts) -> None:
    """Write the run's counters (pages, listing_pages, article_pages, new_articles, finish_reason)."""
    counts["errors"] = db.execute("SELECT count(*) FROM crawl_errors WHERE run_id = ?", [run_id]).fetchone()[0]
    if finished:
        counts["finished"] = utc_now()
    with db.conn:
        db.execute(f"UPDATE crawl_runs SET {', '.join(f'{k} = ?' for k in counts)} WHERE id = ?",
                   [*counts.values(), run_id])


def run_stats(db: sqlite_utils.Database, run_id: int) -> dict:
    row = db.execute("SELECT * FROM crawl_runs WHERE id = ?", [run_id]).fetchone()
    columns = [d[0] for d in db.execute("SELECT * FROM crawl_runs LIMIT 0").description]
    stats = dict(zip(columns, row))
    stats["run_id"] = stats.pop("id")
    return stats

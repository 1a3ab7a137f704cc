"""Build the knowledge base: extract the pages not extracted yet and upsert them.

Extraction (pure, CPU-bound) may run in a process pool; this process is the one
writer. A page is done once it has an ``article_versions`` row; a page that
fails is recorded in ``build_errors`` and tried again by the next build.
"""
from __future__ import annotations

import traceback
from collections import deque
from datetime import datetime, timezone
from multiprocessing import Pool
from typing import Callable, Iterator, Optional

import sqlite_utils

from thidua.progress import progress_iter

from .merge import merge as merge_events, needs_merge
from .load import Writer, _sql, article_id, prepare_record, write_rows
from .resolve import recompute_cluster_members, recompute_positions, remove_orphans
from .schema import defer_fts, ensure_schema, resume_fts

BATCH = 64  # pages read (with their HTML) per round trip; bounds memory
IN_FLIGHT = 2  # batches handed to the pool at once: workers start the next while this process stores one
COMMIT_EVERY = 2048  # records per transaction (each record in a savepoint, so one bad record is undone alone)

ELIGIBLE = "status = 200 and (is_article is null or is_article != 0)"


def build(db_path, extract_page: Callable[[dict], dict], jobs: int = 1, progress: Optional[bool] = None) -> dict:
    """Extract pending pages into the knowledge base; returns {pages, extracted, relevant, skipped, errors, superseded}."""
    db = sqlite_utils.Database(db_path)
    ensure_schema(db)
    db.execute("PRAGMA synchronous = NORMAL")  # safe with WAL, much faster for many small commits
    # Ids are hashes, so every insert lands on a random page of each index: a page cache of a
    # few hundred MB (SQLite's default is 2 MB) keeps a 100k-article build from re-reading pages.
    db.execute("PRAGMA cache_size = -262144")  # KiB
    db.execute("PRAGMA temp_store = MEMORY")
    stats = {"pages": 0, "extracted": 0, "relevant": 0, "skipped": 0, "errors": 0, "superseded": 0}

    pending = _pending(db)
    stats["pages"] = len(pending)
    # An older version of a page whose newer version exists stays in pages, unextracted.
    to_extract = [(page_id, version) for page_id, _, newest_id, version in pending if page_id == newest_id]
    superseded = [(page_id, url, version) for page_id, url, newest_id, version in pending if page_id != newest_id]

    versions = dict(to_extract)
    # Articles inserted by this build are indexed for search once, at the end (see kb.schema.defer_fts).
    fts_since = defer_fts(db) if to_extract else None
    try:
        results = _extract_all(db, [(p, v) for p, v in to_extract], extract_page, jobs)
        writer, done = Writer(db), 0
        for page, prepared, info, error in progress_iter(results, "build", enabled=progress, total=len(to_extract)):
            if not db.conn.in_transaction:
                db.conn.execute("BEGIN")
            done += 1
            if error is None:
                db.conn.execute("SAVEPOINT build_record")
                try:
                    writer.write(prepared[1])  # the record, its version marked current, its old error gone
                    db.conn.execute("RELEASE build_record")
                    writer.released()
                except Exception as exc:  # one bad record never stops the run
                    if db.conn.in_transaction:
                        db.conn.execute("ROLLBACK TO build_record")
                        db.conn.execute("RELEASE build_record")
                    writer.rolled_back()
                    error = _describe(exc)
            if done % COMMIT_EVERY == 0:
                db.conn.commit()
            if error is not None:
                _record_error(db, page, error)
                stats["errors"] += 1
                continue
            stats["extracted"] += 1
            stats["relevant"] += int(bool(info.get("relevant")))
            stats["skipped"] += int(bool(info.get("skipped")))

        for page_id, url, version in superseded:
            _mark_version(db, page_id, url, version, "superseded")
            stats["superseded"] += 1
            stats["skipped"] += 1
        db.conn.commit()
    finally:
        if fts_since is not None:
            if db.conn.in_transaction:  # an exception escaped: keep what was committed, index it
                db.conn.rollback()
            resume_fts(db, fts_since)

    if stats["extracted"] or needs_merge(db):
        stats["events"] = merge_events(db)["events"]  # one event per conference (kb/merge.py)
    else:
        stats["events"] = db.execute("select count(*) from events").fetchone()[0]
    if stats["extracted"]:
        # Planner statistics for the fact tables: without them SQLite looks up a position's
        # appearances through the (unselective) unit index, which makes recompute_positions
        # quadratic in the number of articles. analysis_limit keeps ANALYZE itself cheap.
        db.execute("PRAGMA analysis_limit = 1000")
        db.execute("ANALYZE appearances")
        recompute_positions(db)
        recompute_cluster_members(db)
        remove_orphans(db)  # units, officials... that a re-extracted article no longer mentions
    # Datasette opens the file immutable, which ignores the WAL: fold it into the database.
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return stats


def _pending(db) -> list[tuple]:
    """(page id, url, id of the newest eligible page with that url, version number) of pages not yet done."""
    return db.execute(f"""
        with eligible as (
          select id, url, fetched_at,
                 row_number() over (partition by url order by coalesce(fetched_at, ''), id) as version,
                 first_value(id) over (partition by url order by coalesce(fetched_at, '') desc, id desc) as newest
          from pages where {ELIGIBLE}
        )
        select id, url, newest, version from eligible
        where id not in (select page_id from article_versions)
        order by coalesce(fetched_at, ''), id""").fetchall()


def _extract_all(db, pages: list[tuple[int, int]], extract_page, jobs: int) -> Iterator[tuple]:
    """(page without its HTML, (article id, statements), {relevant, skipped}, error) for each (page id, version),
    in order; extraction and the statements' preparation run in a pool when jobs > 1."""
    pool = Pool(jobs) if jobs > 1 and len(pages) > 1 else None
    try:
        batches = (pages[i:i + BATCH] for i in range(0, len(pages), BATCH))

        def tasks(batch):
            versions = dict(batch)
            return [(extract_page, page, versions[page["id"]]) for page in _read_pages(db, [p for p, _ in batch])]

        if pool is None:
            for batch in batches:
                yield from map(_extract_one, tasks(batch))
            return
        # IN_FLIGHT batches queued in the pool: while this process stores one batch's results, the
        # workers are already on the next, so they never wait for the writer (nor for page reads).
        queued: deque = deque()
        for batch in batches:
            queued.append(pool.imap(_extract_one, tasks(batch), chunksize=4))
            if len(queued) >= IN_FLIGHT:
                yield from queued.popleft()
        while queued:
            yield from queued.popleft()
    finally:
        if pool:
            pool.terminate()
            pool.join()


def _read_pages(db, ids: list[int]) -> list[dict]:
    marks = ",".join("?" * len(ids))
    rows = {r["id"]: r for r in db.query(f"select * from pages where id in ({marks})", ids)}
    return [rows[i] for i in ids if i in rows]


def _extract_one(task: tuple) -> tuple:
    """Extract a page and prepare the statements that store its record (pure: runs in a pool worker)."""
    extract_page, page, version = task
    light = {k: v for k, v in page.items() if k != "html"}  # the writer needs no HTML
    try:
        record = extract_page(page)
        if not isinstance(record, dict):
            raise TypeError(f"extract_page returned {type(record).__name__}, not a record")
        aid, ops = prepare_record(page, record, version)
        ops += _current_version_ops(page, version)
        prepared = (aid, ops)
    except Exception as exc:
        return light, None, None, _describe(exc)
    return light, prepared, {"relevant": record.get("relevant"), "skipped": record.get("skipped")}, None


def _describe(exc: BaseException) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" (at {where.filename.rsplit('/', 1)[-1]}:{where.lineno})" if where else ""
    return f"{type(exc).__name__}: {exc}{at}"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _mark_version(db, page_id: int, url: Optional[str], version: int, status: str, page: Optional[dict] = None) -> None:
    aid = article_id(url or str(page_id))
    if status == "current":
        db.execute("update article_versions set status = 'earlier' where article_id = ? and status = 'current'", [aid])
    if status == "superseded" and not db["articles"].count_where("id = ?", [aid]):
        aid = None  # the article itself arrives with its newest version
    if page is not None and "content_hash" in page and "fetched_at" in page:
        row = (page["content_hash"], page["fetched_at"])
    else:
        row = db.execute("select content_hash, fetched_at from pages where id = ?", [page_id]).fetchone()
    write_rows(db, "article_versions", [{"page_id": page_id, "article_id": aid, "version": version,
                                         "content_hash": row[0], "fetched_at": row[1], "status": status}], "upsert")


def _current_version_ops(page: dict, version: int) -> list:
    """_mark_version(..., "current", page) and the deletion of the page's build error, as statements."""
    aid = article_id(page.get("url") or str(page["id"]))
    row = {"page_id": page["id"], "article_id": aid, "version": version, "content_hash": page.get("content_hash"),
           "fetched_at": page.get("fetched_at"), "status": "current"}
    return [("update article_versions set status = 'earlier' where article_id = ? and status = 'current'", (aid,)),
            (_sql("article_versions", tuple(row), "upsert"), tuple(row.values())),
            ("delete from build_errors where page_id = ?", (page["id"],))]


def _record_error(db, page: dict, error: str) -> None:
    db["build_errors"].upsert({"page_id": page["id"], "url": page.get("url"), "error": error, "failed_at": _now()},
                              pk="page_id")

"""Build the knowledge base: extract the pages not extracted yet and upsert them.

Extraction (pure, CPU-bound) may run in a process pool; this process is the one
writer. A page is done once it has an ``article_versions`` row; a page that
fails is recorded in ``build_errors`` and tried again by the next build.
"""
from __future__ import annotations

import os
import signal
import traceback
from collections import deque
from datetime import datetime, timezone
from multiprocessing import get_context
from typing import Callable, Iterable, Iterator, Optional

import sqlite_utils

from .load import DELETE_BUILD_ERROR, UPDATE_CURRENT_VERSION, Writer, _sql, article_id, prepare_record, write_rows
from .merge import merge as merge_events, needs_merge
from .resolve import recompute_cluster_members, recompute_positions, remove_orphans
from .schema import create_indexes, defer_fts, drop_indexes, ensure_schema, resume_fts

BATCH = 64  # pages read (with their HTML) per round trip; bounds memory
IN_FLIGHT = 2  # batches handed to the pool at once: workers start the next while this process stores one
# Records per transaction (each record in a savepoint, so one bad record is undone alone). A commit
# writes every page the transaction changed, and the primary keys are hashes, so most pages of their
# indexes change in every transaction: at 100k articles, 49 commits of 2,048 cost ~5 s more than 7 of
# 16,384 (measured; the page cache, cache_size below, still bounds the memory).
COMMIT_EVERY = 16384

ELIGIBLE = "status = 200 and (is_article is null or is_article != 0)"

# Crash consistency. Every write of a build is in a transaction that leaves the facts consistent;
# the tables derived from them (positions, cluster_members, orphan entities) are recomputed at the
# end, in transactions of their own. So a build marks them stale (bit 1 of PRAGMA user_version,
# stored in the file's header and committed like any row) before it changes a fact, and clears the
# mark only once all three are recomputed: a build killed in between leaves the mark, and the next
# build recomputes them whatever it finds to extract. The search index repairs itself the same way
# (kb.schema.ensure_schema finds the deferred triggers).
STALE_DERIVED = 1
# Fault injection for the kill-at-every-phase test: ``THIDUA_TEST_KILL_AT=<phase>`` makes the build
# SIGKILL itself there (phases: record, facts, fts, merge, positions, cluster_members, orphans, checkpoint).
KILL_AT_ENV = "THIDUA_TEST_KILL_AT"


Progress = Callable[[Iterable, int], Iterable]


def build(db_path, extract_page: Callable[[dict], dict], jobs: int = 1, progress: Optional[Progress] = None,
          extractor_version: Optional[str] = None, reextract: bool = False) -> dict:
    """Extract pending pages into the knowledge base; returns {pages, extracted, relevant, skipped, errors,
    superseded, reextracted}.

    ``progress``, when given, wraps the stream of results (``progress(items, total)`` yields the same
    items): the command line passes a progress bar, the library draws nothing itself.
    ``extractor_version`` is recorded with every article; the current pages of articles extracted by
    another version are extracted again (all of them with ``reextract``).
    """
    db = sqlite_utils.Database(db_path)
    ensure_schema(db)
    db.execute("PRAGMA synchronous = NORMAL")  # safe with WAL, much faster for many small commits
    # Ids are hashes, so every insert lands on a random page of each index: a page cache of a
    # few hundred MB (SQLite's default is 2 MB) keeps a 100k-article build from re-reading pages.
    db.execute("PRAGMA cache_size = -262144")  # KiB
    db.execute("PRAGMA temp_store = MEMORY")
    stats = {"pages": 0, "extracted": 0, "relevant": 0, "skipped": 0, "errors": 0, "superseded": 0, "reextracted": 0}

    pending = _pending(db)
    # An older version of a page whose newer version exists stays in pages, unextracted.
    to_extract = [(page_id, version) for page_id, _, newest_id, version in pending if page_id == newest_id]
    superseded = [(page_id, url, version) for page_id, url, newest_id, version in pending if page_id != newest_id]
    again = _outdated(db, extractor_version, reextract, {p for p, _ in to_extract})
    to_extract += again
    stats["pages"] = len(pending) + len(again)
    stats["reextracted"] = len(again)
    if to_extract:
        _mark_stale(db, True)  # before any fact changes (see STALE_DERIVED)

    # Articles inserted by this build are indexed for search once, at the end (see kb.schema.defer_fts).
    fts_since = defer_fts(db) if to_extract else None
    # A first build indexes its rows once, at the end, too (see kb.schema.drop_indexes).
    first_build = bool(to_extract) and not db.execute("select exists(select 1 from articles)").fetchone()[0]
    if first_build:
        drop_indexes(db)
    try:
        results = _extract_all(db, [(p, v) for p, v in to_extract], extract_page, jobs, extractor_version)
        writer, done = Writer(db), 0
        for page, prepared, info, error in (progress(results, len(to_extract)) if progress else results):
            if not db.conn.in_transaction:
                db.conn.execute("BEGIN")
            done += 1
            if error is None:
                db.conn.execute("SAVEPOINT build_record")
                try:
                    writer.write(prepared[1], prepared[0])  # the record, its version marked current, its old error gone
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
            if done == 3 and os.environ.get(KILL_AT_ENV) == "record":  # as if a batch had just been committed
                db.conn.commit()
                _phase("record")
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
        _phase("facts")
    finally:
        if db.conn.in_transaction:  # an exception escaped: keep what was committed, index it
            db.conn.rollback()
        if first_build:
            create_indexes(db)
        if fts_since is not None:
            resume_fts(db, fts_since)
    _phase("fts")

    # One event per conference (kb/merge.py): events are derived from the reports like the tables below.
    if _is_stale(db) or needs_merge(db):
        stats["events"] = merge_events(db)["events"]
    else:
        stats["events"] = db.execute("select count(*) from events").fetchone()[0]
    _phase("merge")
    if _is_stale(db):  # set above, or left by a build that died before it could clear it
        # Planner statistics for the fact tables: without them SQLite looks up a position's
        # appearances through the (unselective) unit index, which makes recompute_positions
        # quadratic in the number of articles. analysis_limit keeps ANALYZE itself cheap.
        db.execute("PRAGMA analysis_limit = 1000")
        db.execute("ANALYZE appearances")
        recompute_positions(db)
        _phase("positions")
        recompute_cluster_members(db)
        _phase("cluster_members")
        remove_orphans(db)  # units, officials... that a re-extracted article no longer mentions
        _phase("orphans")
        _mark_stale(db, False)
    _phase("checkpoint")
    # Keep the write-ahead log short (readers see the same data either way); never waits for them.
    db.execute("PRAGMA wal_checkpoint(PASSIVE)")
    db.close()
    return stats


def _phase(name: str) -> None:
    if os.environ.get(KILL_AT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _is_stale(db) -> bool:
    return bool(db.execute("PRAGMA user_version").fetchone()[0] & STALE_DERIVED)


def _mark_stale(db, stale: bool) -> None:
    flags = db.execute("PRAGMA user_version").fetchone()[0]
    flags = flags | STALE_DERIVED if stale else flags & ~STALE_DERIVED
    if db.conn.in_transaction:
        db.conn.commit()
    db.conn.execute(f"PRAGMA user_version = {int(flags)}")
    db.conn.commit()


def _outdated(db, extractor_version: Optional[str], everything: bool, skip: set) -> list[tuple]:
    """(page id, version) of the current pages of articles extracted by another extractor version (all: everything)."""
    if extractor_version is None and not everything:
        return []
    rows = db.execute("""
        select av.page_id, av.version from article_versions av
        join articles a on a.id = av.article_id and a.page_id = av.page_id
        join pages p on p.id = av.page_id and p.status = 200 and (p.is_article is null or p.is_article != 0)
        where av.status = 'current' and (? or a.extractor_version is not ?)
        order by coalesce(p.fetched_at, ''), p.id""", [int(everything), extractor_version]).fetchall()
    return [(page_id, version) for page_id, version in rows if page_id not in skip]


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


def _extract_all(db, pages: list[tuple[int, int]], extract_page, jobs: int,
                 extractor_version: Optional[str] = None) -> Iterator[tuple]:
    """(page without its HTML, (article id, statements), {relevant, skipped}, error) for each (page id, version),
    in order; extraction and the statements' preparation run in a pool when jobs > 1."""

    def tasks(batch):
        versions = dict(batch)
        return [(extract_page, page, versions[page["id"]], extractor_version)
                for page in _read_pages(db, [p for p, _ in batch])]

    def batches(todo):
        return (todo[i:i + BATCH] for i in range(0, len(todo), BATCH))

    if jobs <= 1 or len(pages) <= 1:
        for batch in batches(pages):
            yield from map(_extract_one, tasks(batch))
        return
    # The first page is extracted here, before the pool forks: the extractor loads its vocabularies,
    # gazetteers and models on its first call (extract.pipeline warms itself up), so they are loaded
    # once, in this process, and the workers inherit them (fork, copy-on-write) instead of each loading
    # them again. --jobs 1 pays the same load on its first page, in the same process.
    yield from map(_extract_one, tasks(pages[:1]))
    pool = get_context("fork").Pool(jobs)
    try:
        # IN_FLIGHT batches queued in the pool: while this process stores one batch's results, the
        # workers are already on the next, so they never wait for the writer (nor for page reads).
        queued: deque = deque()
        for batch in batches(pages[1:]):
            queued.append(pool.imap(_extract_one, tasks(batch), chunksize=4))
            if len(queued) >= IN_FLIGHT:
                yield from queued.popleft()
        while queued:
            yield from queued.popleft()
    finally:
        pool.terminate()
        pool.join()


def _read_pages(db, ids: list[int]) -> list[dict]:
    marks = ",".join("?" * len(ids))
    rows = {r["id"]: r for r in db.query(f"select * from pages where id in ({marks})", ids)}
    return [rows[i] for i in ids if i in rows]


def _extract_one(task: tuple) -> tuple:
    """Extract a page and prepare the statements that store its record (pure: runs in a pool worker)."""
    extract_page, page, version, extractor_version = task
    light = {k: v for k, v in page.items() if k != "html"}  # the writer needs no HTML
    try:
        record = extract_page(page)
        if not isinstance(record, dict):
            raise TypeError(f"extract_page returned {type(record).__name__}, not a record")
        aid, ops = prepare_record(page, record, version, extractor_version)
        ops += _current_version_ops(page, version)
        prepared = (aid, ops)
    except Exception as exc:
        return light, None, None, _describe(exc)
    return light, prepared, {"relevant": record.get("relevant"), "skipped": record.get("skipped")}, None


def _describe(exc: BaseException) -> str:
    """The error's one-line summary, then its whole traceback: a failure here is a bug to fix, not data."""
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    at = f" (at {where.filename.rsplit('/', 1)[-1]}:{where.lineno})" if where else ""
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return f"{type(exc).__name__}: {exc}{at}\n\n{trace}"


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
    return [(UPDATE_CURRENT_VERSION, (aid,)),
            (_sql("article_versions", tuple(row), "upsert"), tuple(row.values())),
            (DELETE_BUILD_ERROR, (page["id"],))]


def _record_error(db, page: dict, error: str) -> None:
    db["build_errors"].upsert({"page_id": page["id"], "url": page.get("url"), "error": error, "failed_at": _now()},
                              pk="page_id")

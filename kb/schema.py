"""The knowledge base's tables, keys, indexes and full-text search.

Ids are stable (hashes of canonical keys, see :mod:`kb.resolve`), so building
twice upserts the same rows. Facts of an article (appearances, awards, roles,
units and documents of its event) are keyed by the event and their position in
the record, and replaced as a whole when the article changes.
"""
from __future__ import annotations

import sqlite_utils

from .provinces import load_provinces

EVIDENCE = {"evidence_start": int, "evidence_end": int, "evidence_sentence": str, "evidence_text": str}

PAGES = {  # the crawler's table (its contract); created here only if the crawler has not run yet
    "id": int, "url": str, "final_url": str, "source": str, "status": int, "fetched_at": str,
    "content_hash": str, "html": bytes, "content_type": str, "encoding": str, "is_article": int,
}

# (table, columns, pk, foreign keys, indexes) in dependency order.
TABLES = [
    ("provinces", {"id": str, "name": str, "kind": str, "status": str, "merged_into_id": str,
                   "latitude": float, "longitude": float},
     "id", [("merged_into_id", "provinces", "id")], [["name"]]),
    ("articles", {"id": str, "page_id": int, "url": str, "final_url": str, "canonical_url": str, "source": str,
                  "title": str, "published": str, "author": str, "text": str, "title_folded": str,
                  "text_folded": str, "relevant": int, "skip_reason": str, "content_hash": str, "version": int,
                  "fetched_at": str, "extracted_at": str, "extractor_version": str},
     "id", [("page_id", "pages", "id")], [["page_id"], ["source"], ["published"], ["relevant"]]),
    ("article_versions", {"page_id": int, "article_id": str, "version": int, "content_hash": str,
                          "fetched_at": str, "status": str},
     "page_id", [("page_id", "pages", "id"), ("article_id", "articles", "id")], [["article_id"]]),
    ("build_errors", {"page_id": int, "url": str, "error": str, "failed_at": str},
     "page_id", [("page_id", "pages", "id")], []),
    ("units", {"id": str, "name": str, "name_folded": str, "kind": str, "level": str, "province_id": str,
               "province": str, "province_status": str, "current_province_id": str, "current_province": str,
               "latitude": float, "longitude": float},
     "id", [("province_id", "provinces", "id"), ("current_province_id", "provinces", "id")],
     [["name"], ["kind", "level"], ["province_id"], ["current_province_id"]]),
    ("unit_aliases", {"alias": str, "unit_id": str, "alias_folded": str},
     ("alias", "unit_id"), [("unit_id", "units", "id")], [["unit_id"], ["alias_folded"]]),
    ("clusters", {"id": str, "name": str, "scope": str, "kind": str, "number": int},
     "id", [], [["scope", "name"]]),
    ("officials", {"id": str, "name": str, "name_folded": str, "unit_id": str},
     "id", [("unit_id", "units", "id")], [["name_folded"], ["unit_id"]]),
    ("documents", {"id": str, "kind": str, "number": str, "date": str},
     "id", [], [["number"], ["kind"]]),
    ("event_types", {"id": str, "name": str, "name_en": str, "seq": int}, "id", [], []),
    # One row per conference (kb/merge.py): the reports of the same conference merged.
    ("events", {"id": str, "article_id": str, "title": str, "type": str, "types": str, "date": str, "year": int,
                "period": str, "online": int, "cluster_id": str, "scope": str, "province_id": str,
                "province": str, "relevant": int, "reports": int, "sites": str},
     "id", [("article_id", "articles", "id"), ("cluster_id", "clusters", "id"), ("province_id", "provinces", "id"),
            ("type", "event_types", "id")],
     [["article_id"], ["cluster_id", "year"], ["year", "type"], ["date"], ["province_id"],
      ["type"], ["province"]]),  # type, province: the events page's facets (metadata.yml)
    # One row per relevant article (its event as that article reports it); the facts hang off it.
    ("event_reports", {"id": str, "event_id": str, "article_id": str, "site": str, "published": str, "title": str,
                       "type": str, "types": str, "date": str, "year": int, "period": str, "online": int,
                       "cluster_id": str, "scope": str, "province_id": str, "province": str, "relevant": int},
     "id", [("event_id", "events", "id"), ("article_id", "articles", "id"), ("cluster_id", "clusters", "id"),
            ("province_id", "provinces", "id"), ("type", "event_types", "id")],
     [["event_id"], ["article_id"], ["cluster_id", "year"]]),
    ("event_units", {"event_id": str, "unit_id": str, "seq": int, "surface": str, "mentions": int, **EVIDENCE},
     ("event_id", "unit_id"), [("event_id", "event_reports", "id"), ("unit_id", "units", "id")],
     [["unit_id", "event_id"]]),  # (unit_id, ...): a unit's page reads these from the index alone (issue 13)
    ("appearances", {"event_id": str, "seq": int, "official_id": str, "name": str, "title": str, "unit_id": str,
                     "role": str, **EVIDENCE},
     ("event_id", "seq"), [("event_id", "event_reports", "id"), ("official_id", "officials", "id"), ("unit_id", "units", "id")],
     [["official_id"], ["unit_id", "official_id", "title", "event_id"]]),
    ("positions", {"id": str, "official_id": str, "title": str, "unit_id": str, "first_seen": str, "last_seen": str,
                   "appearances": int, "evidence_article_id": str, **EVIDENCE},
     "id", [("official_id", "officials", "id"), ("unit_id", "units", "id"), ("evidence_article_id", "articles", "id")],
     [["official_id"], ["unit_id"]]),
    ("awards", {"event_id": str, "seq": int, "name": str, "recipient": str, "recipient_unit_id": str,
                "recipient_official_id": str, "status": str, "year": int, **EVIDENCE},
     ("event_id", "seq"), [("event_id", "event_reports", "id"), ("recipient_unit_id", "units", "id"),
                           ("recipient_official_id", "officials", "id")],
     [["year"], ["name"], ["recipient_unit_id", "year", "event_id"], ["recipient_official_id"]]),
    ("roles", {"event_id": str, "seq": int, "cluster_id": str, "unit_id": str, "role": str, "year": int, **EVIDENCE},
     ("event_id", "seq"), [("event_id", "event_reports", "id"), ("cluster_id", "clusters", "id"), ("unit_id", "units", "id")],
     [["cluster_id", "year"], ["unit_id", "year", "event_id"]]),
    ("cluster_members", {"cluster_id": str, "unit_id": str, "year": int, "events": int},
     ("cluster_id", "unit_id", "year"), [("cluster_id", "clusters", "id"), ("unit_id", "units", "id")],
     [["unit_id"], ["year"]]),
    ("event_documents", {"event_id": str, "document_id": str, "seq": int, **EVIDENCE},
     ("event_id", "document_id"), [("event_id", "event_reports", "id"), ("document_id", "documents", "id")],
     [["document_id"]]),
]

# The contract's event types (docs/EVENT_RECORD.md) and how a reader calls them.
EVENT_TYPES = [
    ("so_ket", "Sơ kết", "Interim review"), ("tong_ket", "Tổng kết", "Year or term review"),
    ("ky_giao_uoc", "Ký kết giao ước", "Pact signing"), ("phat_dong", "Phát động", "Launching a movement"),
    ("trien_khai", "Triển khai", "Work-plan conference"), ("binh_xet", "Bình xét", "Voting titles"),
    ("trao_thuong", "Trao thưởng", "Award ceremony"), ("khac", "Khác", "Other"),
]

# The article's text is indexed in its folded form only (no SQLite tokenizer folds đ/d, and
# remove_diacritics 2 strips the other marks from queries): an index of the accented text as well
# doubled the index and a tenth of a build's time without finding anything more. Queries on it
# are folded: fts_terms() in the canned queries, the plugin for a table's ?_search=; in SQL, write
# the words without accents ("thi dua"). The title is kept as written for Datasette's displays.
FTS_COLUMNS = ["title", "title_folded", "text_folded"]
FTS_TOKENIZE = "unicode61 remove_diacritics 2"


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create whatever is missing (tables, indexes, FTS); never drops data."""
    db.enable_wal()
    if not db["pages"].exists():
        db["pages"].create(PAGES, pk="id", if_not_exists=True)
        db["pages"].create_index(["url", "content_hash"], unique=True, if_not_exists=True)
    had_reports = db["event_reports"].exists()
    for name, columns, pk, fks, indexes in TABLES:
        if not db[name].exists():
            db[name].create(columns, pk=pk, foreign_keys=fks, if_not_exists=True)
        else:  # a knowledge base built by an older version: add the columns it lacks
            have = db[name].columns_dict
            for col, typ in columns.items():
                if col not in have:
                    db[name].add_column(col, typ)
    create_indexes(db)
    db["event_types"].upsert_all([{"id": i, "name": vi, "name_en": en, "seq": n}
                                  for n, (i, vi, en) in enumerate(EVENT_TYPES)], pk="id")
    if not had_reports:  # a knowledge base of one event per article: those events are its reports
        db.execute("""insert or ignore into event_reports (id, article_id, site, published, title, type, types, date,
                      year, period, online, cluster_id, scope, province_id, province, relevant)
                      select e.id, e.article_id, a.source, a.published, e.title, e.type, e.types, e.date, e.year,
                             e.period, e.online, e.cluster_id, e.scope, e.province_id, e.province, e.relevant
                      from events e left join articles a on a.id = e.article_id""")
    # events.title (label of the event in links) arrived later: fill it for older knowledge bases
    db.execute("update events set title = (select a.title from articles a where a.id = events.article_id) "
               "where title is null")
    if db["articles_fts"].exists() and [c.name for c in db["articles_fts"].columns] != FTS_COLUMNS:
        db["articles"].disable_fts()  # an index of other columns (an older version's): made again below
    if not db["articles_fts"].exists():
        db["articles"].enable_fts(FTS_COLUMNS, fts_version="FTS5", create_triggers=True, tokenize=FTS_TOKENIZE)
    elif not _has_triggers(db, FTS_TRIGGERS):  # a build that deferred the index was interrupted
        resume_fts(db, None)
    _load_provinces(db)


# --------------------------------------------------------------------------- indexes during a first build
# Ids are hashes, so inserting a row into an index lands on a random page of it: row by row, a first
# build of 100k articles spends much of its time on the ~25 secondary indexes of TABLES. A first
# build (no article yet) drops them and creates them again at its end, each from one sorted pass.
# If the build dies in between, the next ensure_schema() creates them (it creates every index of
# TABLES that is missing); the primary keys' own indexes stay, so upserts find their rows.
def _index_name(table: str, columns: list) -> str:
    return f"idx_{table}_{'_'.join(columns)}"  # sqlite-utils' name for create_index(columns)


def drop_indexes(db) -> None:
    """Drop the secondary indexes of TABLES (see above); create_indexes() puts them back."""
    with db.conn:
        _begin(db)
        for name, _, _, _, indexes in TABLES:
            for cols in indexes:
                db.conn.execute(f'DROP INDEX IF EXISTS "{_index_name(name, cols)}"')


def create_indexes(db) -> None:
    """The secondary indexes of TABLES that are missing, as ensure_schema() creates them."""
    for name, _, _, _, indexes in TABLES:
        for cols in indexes:
            db[name].create_index(cols, if_not_exists=True)


# --------------------------------------------------------------------------- FTS during a build
# articles_fts is an external-content FTS5 index kept by three triggers (sqlite-utils'). Indexing
# through the insert trigger is the costliest part of a big build (FTS5 also flushes its pending
# terms to a new segment at every SAVEPOINT, i.e. once per record), so a build defers it:
# defer_fts() swaps the triggers for ones that keep only the rows present before the build
# (rowid <= N: an update or delete of such a row must still take its old terms out), and
# resume_fts() indexes the rows inserted since (rowid > N) in one statement, then puts the
# usual triggers back. Rowids of a table without AUTOINCREMENT are max(rowid) + 1 and the
# build deletes no article, so rowid > N is exactly the rows the build inserted. If the build
# dies in between, the next ensure_schema() finds the usual triggers missing and rebuilds.
FTS_TRIGGERS = ("articles_ai", "articles_ad", "articles_au")
_DEFERRED_TRIGGERS = ("articles_ad_deferred", "articles_au_deferred")


def _has_triggers(db, names) -> bool:
    marks = ",".join("?" * len(names))
    return db.execute(f"select count(*) from sqlite_master where type = 'trigger' and name in ({marks})",
                      list(names)).fetchone()[0] == len(names)


def _begin(db) -> None:
    """One transaction for the trigger swap (Python's sqlite3 does not open one before DDL)."""
    if not db.conn.in_transaction:
        db.conn.execute("BEGIN")


def _fts_cols(prefix: str = "") -> str:
    return ", ".join(f'{prefix}"{c}"' for c in FTS_COLUMNS)


def _fts_delete() -> str:
    return (f'INSERT INTO "articles_fts" ("articles_fts", rowid, {_fts_cols()}) '
            "VALUES('delete', old.rowid, " + _fts_cols("old.") + ");")


def _fts_insert() -> str:
    return f'INSERT INTO "articles_fts" (rowid, {_fts_cols()}) VALUES (new.rowid, {_fts_cols("new.")});'


def defer_fts(db) -> int:
    """Stop indexing inserted articles until resume_fts(); returns N, the largest rowid indexed now."""
    n = int(db.execute("select coalesce(max(rowid), 0) from articles").fetchone()[0])
    with db.conn:
        _begin(db)
        for name in FTS_TRIGGERS + _DEFERRED_TRIGGERS:
            db.conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        db.conn.execute(f'CREATE TRIGGER "articles_ad_deferred" AFTER DELETE ON "articles" WHEN old.rowid <= {n} '
                        f"BEGIN\n  {_fts_delete()}\nEND")
        # Rows inserted by this build (rowid > N) are not in the index yet: nothing to take out.
        db.conn.execute(f'CREATE TRIGGER "articles_au_deferred" AFTER UPDATE ON "articles" WHEN old.rowid <= {n} '
                        f"BEGIN\n  {_fts_delete()}\n  {_fts_insert()}\nEND")
    return n


def resume_fts(db, since) -> None:
    """Index the articles inserted since defer_fts() returned ``since`` (None: rebuild it all), restore the triggers."""
    with db.conn:
        _begin(db)
        for name in FTS_TRIGGERS + _DEFERRED_TRIGGERS:
            db.conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        if since is None:
            db.conn.execute("INSERT INTO articles_fts(articles_fts) VALUES('rebuild')")
        else:
            db.conn.execute(f'INSERT INTO "articles_fts" (rowid, {_fts_cols()}) '
                            f'SELECT rowid, {_fts_cols()} FROM "articles" WHERE rowid > ?', [since])
        # The triggers sqlite-utils' enable_fts(create_triggers=True) creates, word for word.
        db.conn.execute(f'CREATE TRIGGER "articles_ai" AFTER INSERT ON "articles" BEGIN\n  {_fts_insert()}\nEND')
        db.conn.execute(f'CREATE TRIGGER "articles_ad" AFTER DELETE ON "articles" BEGIN\n  {_fts_delete()}\nEND')
        db.conn.execute(f'CREATE TRIGGER "articles_au" AFTER UPDATE ON "articles" BEGIN\n  {_fts_delete()}\n'
                        f"  {_fts_insert()}\nEND")


def _load_provinces(db: sqlite_utils.Database) -> None:
    rows = [{k: v for k, v in p.items() if k != "aliases"} for p in load_provinces()]
    db["provinces"].upsert_all(rows, pk="id")

"""Write one extracted record (the contract's format) into the knowledge base.

Entities (units, officials, clusters, documents) are upserted on their stable
ids; the article's own facts are deleted and written again, so re-extracting a
page, or a new version of it, never leaves stale or duplicate rows.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import datetime, timezone
from functools import lru_cache
from html.parser import HTMLParser
from typing import Optional
from urllib.parse import parse_qsl, urlencode, urlsplit

from .fold import fold, nfc
from .resolve import (cluster_row, infer_scope, looks_like_unit, official_id, official_name, stable_id,
                      unit_row)

FACT_TABLES = ("event_units", "appearances", "awards", "roles", "event_documents")
PKS = {"articles": ("id",), "documents": ("id",), "article_versions": ("page_id",), "build_errors": ("page_id",)}
_TRACKING = re.compile(r"^(utm_|fbclid$|gclid$|zarsrc$)")


# --------------------------------------------------------------------------- fast writes
# Rows are written with plain SQL on the build's connection: sqlite-utils' insert/upsert
# introspect the table (sqlite_master, PRAGMA table_info) and commit on every call, which
# was most of the build's time. Same statements as sqlite-utils issues (INSERT OR IGNORE,
# INSERT OR REPLACE, INSERT ... ON CONFLICT DO UPDATE), so the rows are the same.
@lru_cache(maxsize=None)
def _sql(table: str, columns: tuple, how: str) -> str:
    cols = ", ".join(f"[{c}]" for c in columns)
    marks = ", ".join("?" * len(columns))
    if how == "ignore":
        return f"INSERT OR IGNORE INTO [{table}] ({cols}) VALUES ({marks})"
    if how == "replace":
        return f"INSERT OR REPLACE INTO [{table}] ({cols}) VALUES ({marks})"
    pk = PKS[table]
    rest = [c for c in columns if c not in pk]
    action = ("DO UPDATE SET " + ", ".join(f"[{c}] = excluded.[{c}]" for c in rest)) if rest else "DO NOTHING"
    return (f"INSERT INTO [{table}] ({cols}) VALUES ({marks}) "
            f"ON CONFLICT({', '.join(f'[{c}]' for c in pk)}) {action}")


def write_rows(db, table: str, rows, how: str) -> None:
    """Insert ``rows`` (dicts) into ``table``: how = "ignore", "replace" or "upsert" (on PKS[table])."""
    for row in rows:
        db.conn.execute(_sql(table, tuple(row), how), tuple(row.values()))


# Pure functions of a name, called for every mention: computed once per name.
_unit_row = lru_cache(maxsize=200_000)(unit_row)
_official_id = lru_cache(maxsize=200_000)(official_id)
_official_name = lru_cache(maxsize=200_000)(official_name)
_cluster_row = lru_cache(maxsize=50_000)(cluster_row)
_looks_like_unit = lru_cache(maxsize=50_000)(looks_like_unit)
_short_fold = lru_cache(maxsize=200_000)(fold)
_cached_nfc = lru_cache(maxsize=200_000)(nfc)


def _short_nfc(text):
    """nfc() of a name, title, role...: the same few thousand strings again and again."""
    try:
        return _cached_nfc(text)
    except TypeError:  # unhashable: not worth caching
        return nfc(text)


_cached_sentence_nfc = lru_cache(maxsize=4096)(nfc)


def _nfc(text) -> Optional[str]:
    try:  # an evidence sentence is often that of several facts of the record
        return _cached_sentence_nfc(text)
    except TypeError:
        return nfc(text)


_FOLD_RANGES = ((0x0000, 0x0370), (0x1E00, 0x1F00), (0x2000, 0x2070))
# fold() of every character in these ranges (a complete table: str.translate is slow on misses).
_FOLD_TABLE = {cp: fold(chr(cp)) for lo, hi in _FOLD_RANGES for cp in range(lo, hi)}
# Latin (Vietnamese included), combining diacritics and general punctuation: in these ranges
# fold() works character by character (no composition or casing across characters), so
# translating each character gives exactly fold(text), several times faster on long texts.
_PER_CHAR_FOLD = re.compile(r"[\u0000-\u036f\u1e00-\u1eff\u2000-\u206f]*")


def fold_text(text: Optional[str]) -> Optional[str]:
    """fold(text), fast for Vietnamese texts (the article text is folded for search)."""
    if text is None:
        return None
    text = str(text)
    if _PER_CHAR_FOLD.fullmatch(text):
        # Per character, so per space-separated word too: words recur (Vietnamese is written in
        # syllables), and a dict hit is much cheaper than translating the word again.
        if len(_FOLDED_WORDS) > 500_000:
            _FOLDED_WORDS.clear()
        return " ".join(map(_FOLDED_WORDS.__getitem__, text.split(" ")))
    return fold(text)


class _FoldedWords(dict):
    def __missing__(self, word: str) -> str:
        folded = self[word] = word.translate(_FOLD_TABLE)
        return folded


_FOLDED_WORDS = _FoldedWords()


@lru_cache(maxsize=65536)  # called for the article, its version and its id: once per URL
def canonical_url(url: str) -> str:
    """The URL an article is known by: no scheme, no www., no fragment or tracking, no trailing slash."""
    parts = urlsplit((url or "").strip())
    host = parts.hostname or ""
    host = host[4:] if host.startswith("www.") else host
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING.match(k)))
    path = parts.path.rstrip("/") or "/"
    return f"{host}{path}" + (f"?{query}" if query else "")


def web_url(url) -> Optional[str]:
    """The URL when it is an http(s) one with a host, else None: a page's or record's URL is stored (and so
    rendered as a link) only if following it cannot run anything (``javascript:``, ``data:``...)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c in url for c in "\x00\r\n\t\"<> "):
        return None
    return url


@lru_cache(maxsize=4096)  # a page's article id is asked for its record, then for its version
def article_id(url: str) -> str:
    """First 16 hex of sha1(canonical URL): the same article keeps its id across builds and versions."""
    return hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()[:16]


def event_id(article: str) -> str:
    # One main event per article (the contract's `event`); the suffix leaves room for more.
    return f"{article}-0"


class Writer:
    """The build's single writer: executes prepared statements, skipping an ``INSERT OR IGNORE`` it has
    already run with the same values (a unit, official, alias or cluster named by many articles: the
    second run is a no-op, since the build deletes none of those rows before remove_orphans()).

    It also skips the statements that only clean up after an earlier write of the same article
    (its facts, its report, its current version: ``ONLY_IF_STORED``) when the article is not in the
    knowledge base yet, and the deletion of a page's build error when the page has none: most of
    a first build's articles are new, and those statements would find nothing to delete."""

    def __init__(self, db):
        self.execute = db.conn.execute
        self.executemany = db.conn.executemany
        self.done: set = set()
        self.pending: list = []  # added since the last savepoint was released
        self.stored = {row[0] for row in db.conn.execute("select id from articles")}
        self.failed = {row[0] for row in db.conn.execute("select page_id from build_errors")}

    def write(self, ops, article: Optional[str] = None) -> None:
        """Execute ``ops`` ((sql, params) or (sql, [params...]) for several rows), those of ``article``."""
        execute, done, pending = self.execute, self.done, self.pending
        new = article is not None and article not in self.stored
        for op in ops:
            sql, params = op
            if sql in IGNORE_SQL:
                if op in done:
                    continue
                execute(sql, params)
                done.add(op)
                pending.append(op)
            elif type(params) is list:
                self.executemany(sql, params)
            elif new and sql in ONLY_IF_STORED:
                continue
            elif sql == DELETE_BUILD_ERROR and params[0] not in self.failed:
                continue
            else:
                execute(sql, params)
        if article is not None:
            # (kept if the savepoint is rolled back: the deletions would then find nothing, which is harmless)
            self.stored.add(article)

    def released(self) -> None:
        self.pending.clear()

    def rolled_back(self) -> None:
        """The record's savepoint was rolled back: its inserts are gone, forget them."""
        self.done.difference_update(self.pending)
        self.pending.clear()


def _rows(ops: list, table: str, rows, how: str) -> None:
    for row in rows:
        ops.append((_sql(table, tuple(row), how), tuple(row.values())))


# The statements of the hot path, columns in a fixed order: rows are built as tuples, not dicts
# (the same statements and values as _sql() with the same columns gives).
EVIDENCE_COLUMNS = ("evidence_start", "evidence_end", "evidence_sentence", "evidence_text")
ARTICLE_COLUMNS = ("id", "page_id", "url", "final_url", "canonical_url", "source", "title", "published", "author",
                   "text", "title_folded", "text_folded", "relevant", "skip_reason", "content_hash", "version",
                   "fetched_at", "extracted_at", "extractor_version")
REPORT_COLUMNS = ("id", "event_id", "article_id", "site", "published", "title", "type", "types", "date", "year",
                  "period", "online", "cluster_id", "scope", "province_id", "province", "relevant")
_INSERT_ARTICLE = _sql("articles", ARTICLE_COLUMNS, "upsert")
_INSERT_REPORT = _sql("event_reports", REPORT_COLUMNS, "replace")
_INSERT_EVENT_UNIT = _sql("event_units", ("event_id", "unit_id", "seq", "surface", "mentions", *EVIDENCE_COLUMNS),
                          "replace")
_INSERT_OFFICIAL = _sql("officials", ("id", "name", "name_folded", "unit_id"), "ignore")
_INSERT_APPEARANCE = _sql("appearances", ("event_id", "seq", "official_id", "name", "title", "unit_id", "role",
                                          *EVIDENCE_COLUMNS), "replace")
_INSERT_AWARD = _sql("awards", ("event_id", "seq", "name", "recipient", "recipient_unit_id", "recipient_official_id",
                                "status", "year", *EVIDENCE_COLUMNS), "replace")
_INSERT_ROLE = _sql("roles", ("event_id", "seq", "cluster_id", "unit_id", "role", "year", *EVIDENCE_COLUMNS),
                    "replace")
_INSERT_DOCUMENT = _sql("documents", ("id", "kind", "number"), "upsert")
_INSERT_DATED_DOCUMENT = _sql("documents", ("id", "kind", "number", "date"), "upsert")
_INSERT_EVENT_DOCUMENT = _sql("event_documents", ("event_id", "document_id", "seq", *EVIDENCE_COLUMNS), "replace")
_INSERT_CLUSTER = _sql("clusters", ("id", "name", "scope", "kind", "number"), "ignore")
UNIT_COLUMNS = ("id", "name", "name_folded", "kind", "level", "province_id", "province", "province_status",
                "current_province_id", "current_province", "latitude", "longitude")
_INSERT_UNIT = _sql("units", UNIT_COLUMNS, "ignore")
_INSERT_ALIAS = _sql("unit_aliases", ("alias", "unit_id", "alias_folded"), "ignore")
IGNORE_SQL = frozenset({_INSERT_OFFICIAL, _INSERT_CLUSTER, _INSERT_UNIT, _INSERT_ALIAS})


def prepare_record(page: dict, record: dict, version: int, extractor_version: Optional[str] = None) -> tuple[str, list]:
    """(article id, [(sql, params)...]) that store the record: no database needed, so an extraction worker
    can run it and leave the single writer only SQL to execute. Statements in the order they must run;
    the rows of one fact table are one (sql, [params...]) for executemany."""
    ops: list = []
    aid = article_id(page.get("url") or record.get("url") or str(page["id"]))
    # Only NFC for the text: evidence offsets point into it.
    text = _nfc_text(record.get("text")) if record.get("text") else html_to_text(page.get("html"))
    title = _short_nfc(record.get("title"))
    ops.append((_INSERT_ARTICLE, (
        aid, page["id"], web_url(page.get("url") or record.get("url")), web_url(page.get("final_url")),
        canonical_url(page.get("url") or record.get("url") or ""), record.get("source") or page.get("source"),
        title, record.get("published"), _short_nfc(record.get("author")), text, fold_text(title), fold_text(text),
        int(bool(record.get("relevant"))), record.get("skipped"), page.get("content_hash"), version,
        page.get("fetched_at"), datetime.now(timezone.utc).isoformat(timespec="seconds"), extractor_version)))
    _delete_facts(ops, aid)
    # An event row means emulation work was reported: off-topic articles stay searchable
    # in `articles` but add no event (nor units, officials... hanging off one).
    if record.get("relevant"):
        # the site: the crawler's source (sites may share a host, as on the offline mirror), else the domain
        _store_event(ops, aid, record, text or "", site=page.get("source") or record.get("source"))
    return aid, ops


_DELETE_FACTS = [f"delete from {table} where event_id = ?" for table in FACT_TABLES]
DELETE_REPORT = "delete from event_reports where article_id = ?"
UPDATE_CURRENT_VERSION = "update article_versions set status = 'earlier' where article_id = ? and status = 'current'"
DELETE_BUILD_ERROR = "delete from build_errors where page_id = ?"
# Statements that undo an earlier write of the article: nothing to undo when it was never stored.
ONLY_IF_STORED = frozenset(_DELETE_FACTS + [DELETE_REPORT, UPDATE_CURRENT_VERSION])


def _delete_facts(ops: list, aid: str) -> None:
    eid = (event_id(aid),)
    ops.extend((sql, eid) for sql in _DELETE_FACTS)
    ops.append((DELETE_REPORT, (aid,)))  # its event: kb.merge merges anew


def _evidence(fact: dict, text: str, fallback: Optional[str]) -> tuple:
    """(evidence_start, evidence_end, evidence_sentence, evidence_text) of a fact."""
    ev = fact.get("evidence") or {}
    start, end = ev.get("start"), ev.get("end")
    span = text[start:end] if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text) else None
    sentence = _nfc(ev.get("sentence"))
    if span is None or (sentence and span not in sentence):
        span = fallback  # offsets into another text than ours: show the fact as written
    return start, end, sentence, _nfc(span)


def _year(date: Optional[str], published: Optional[str]) -> Optional[int]:
    for d in (date, published):
        if d and re.match(r"^\d{4}", d):
            return int(d[:4])
    return None


def _upsert_unit(ops: list, name: str, surface: Optional[str] = None) -> dict:
    try:  # a pure function of the spellings: the same units recur in every article
        row, unit_ops = _cached_unit_ops(name, surface)
    except TypeError:  # unhashable spelling
        row, unit_ops = _unit_ops(name, surface)
    ops.extend(unit_ops)
    return row


def _unit_ops(name: str, surface: Optional[str]) -> tuple[dict, tuple]:
    row = dict(_unit_row(name))
    # The first spelling seen names the unit; later spellings become aliases.
    ops = [(_INSERT_UNIT, tuple(row[c] for c in UNIT_COLUMNS))]
    for alias in {_short_nfc(name), _short_nfc(surface) if surface else None} - {None, row["name"]}:
        ops.append((_INSERT_ALIAS, (alias, row["id"], _short_fold(alias))))
    return row, tuple(ops)


_cached_unit_ops = lru_cache(maxsize=200_000)(_unit_ops)


def _cluster_params(cluster: dict) -> tuple:
    return cluster["id"], cluster["name"], cluster["scope"], cluster["kind"], cluster["number"]


def _store_event(ops: list, aid: str, record: dict, text: str, site: Optional[str] = None) -> None:
    eid = event_id(aid)
    ev = record.get("event") or {}
    types = ev.get("type")
    type_list = types if isinstance(types, list) else ([types] if types else [])
    year = _year(ev.get("date"), record.get("published"))

    # Units: canonical names in the record's order, evidence from the first mention.
    mentions = {}
    for m in record.get("unit_mentions") or []:
        mentions.setdefault(m["name"], []).append(m)
    unit_rows, event_units = {}, {}
    for seq, name in enumerate(record.get("units") or []):
        first = (mentions.get(name) or [{}])[0]
        row = _upsert_unit(ops, name, first.get("surface"))
        for m in mentions.get(name, [])[1:]:
            _upsert_unit(ops, name, m.get("surface"))
        unit_rows[row["id"]] = row
        if row["id"] not in event_units:
            event_units[row["id"]] = (eid, row["id"], seq, _short_nfc(first.get("surface")),
                                      len(mentions.get(name, [])),
                                      *_evidence(first, text, first.get("surface") or name))

    cluster = None
    if ev.get("cluster"):
        scope = ev.get("scope") or infer_scope(unit_rows.values())
        cluster = _cluster_row(scope, ev["cluster"])
        ops.append((_INSERT_CLUSTER, _cluster_params(cluster)))

    location = _event_province(record, unit_rows)
    # The article's report of its event; kb.merge links it to the event (one per conference) after the build.
    ops.append((_INSERT_REPORT, (
        eid, None, aid, site, record.get("published"), _short_nfc(record.get("title")),
        type_list[0] if type_list else None,
        json.dumps(type_list, ensure_ascii=False) if len(type_list) > 1 else None,
        ev.get("date"), year, _short_nfc(ev.get("period")), int(bool(ev.get("online"))),
        cluster["id"] if cluster else None, _short_nfc(ev.get("scope")),
        location["province_id"] if location else None, location["province"] if location else None,
        int(bool(record.get("relevant"))))))
    if event_units:
        ops.append((_INSERT_EVENT_UNIT, list(event_units.values())))

    people = {}
    appearances = []
    for seq, o in enumerate(record.get("officials") or []):
        unit = _upsert_unit(ops, o["unit"]) if o.get("unit") else None
        unit_ref = unit["id"] if unit else None
        oid = _official_id(o["name"], o.get("unit"))
        name = _official_name(o["name"])
        ops.append((_INSERT_OFFICIAL, (oid, name, _short_fold(name), unit_ref)))
        people[_short_fold(name)] = oid
        appearances.append((eid, seq, oid, name, _short_nfc(o.get("title")), unit_ref, _short_nfc(o.get("role")),
                            *_evidence(o, text, o["name"])))
    if appearances:
        ops.append((_INSERT_APPEARANCE, appearances))

    awards = []
    for seq, a in enumerate(record.get("awards") or []):
        recipient = _short_nfc(a.get("recipient"))
        unit_ref = person_ref = None
        if recipient:
            if _short_fold(_official_name(recipient)) in people:
                person_ref = people[_short_fold(_official_name(recipient))]
            elif _looks_like_unit(recipient):
                unit_ref = _upsert_unit(ops, recipient)["id"]
            else:  # a person not among the officials: known by name alone
                person_ref = _official_id(recipient, None)
                name = _official_name(recipient)
                ops.append((_INSERT_OFFICIAL, (person_ref, name, _short_fold(name), None)))
        awards.append((eid, seq, _short_nfc(a.get("name")), recipient, unit_ref, person_ref, a.get("status"),
                       a.get("year") or year, *_evidence(a, text, a.get("name"))))
    if awards:
        ops.append((_INSERT_AWARD, awards))

    roles = []
    for seq, r in enumerate(record.get("roles") or []):
        unit = _upsert_unit(ops, r["unit"])
        rc = None
        if r.get("cluster"):
            same = cluster and cluster["name"] == _cluster_row(None, r["cluster"])["name"]
            # A role's cluster is the event's cluster when named alike (same scope).
            rc = cluster if same else _cluster_row(ev.get("scope") or infer_scope(unit_rows.values() or [unit]),
                                                   r["cluster"])
            ops.append((_INSERT_CLUSTER, _cluster_params(rc)))
        roles.append((eid, seq, rc["id"] if rc else None, unit["id"], _short_nfc(r.get("role")),
                      r.get("year") or year, *_evidence(r, text, r["unit"])))
    if roles:
        ops.append((_INSERT_ROLE, roles))

    docs = {}
    for seq, d in enumerate(record.get("documents") or []):
        did = stable_id("document", fold(d.get("kind")), re.sub(r"\s+", "", d.get("number") or "").upper())
        if d.get("date"):
            ops.append((_INSERT_DATED_DOCUMENT, (did, _short_nfc(d.get("kind")), _short_nfc(d.get("number")),
                                                 d["date"])))
        else:
            ops.append((_INSERT_DOCUMENT, (did, _short_nfc(d.get("kind")), _short_nfc(d.get("number")))))
        docs.setdefault(did, (eid, did, seq, *_evidence(d, text, d.get("number"))))
    if docs:
        ops.append((_INSERT_EVENT_DOCUMENT, list(docs.values())))


def _event_province(record: dict, unit_rows: dict) -> Optional[dict]:
    """Where the event happened, as far as a province: the chair's (Cụm/Khối trưởng) province, else the first unit's."""
    chairs = [_unit_row(r["unit"]) for r in record.get("roles") or [] if (r.get("role") or "").endswith("trưởng")]
    for row in chairs + list(unit_rows.values()):
        if row.get("province_id"):
            return row
    return None


class _TextOnly(HTMLParser):
    """Visible text of a page: the fallback when the record does not carry the article text."""

    SKIP = {"script", "style", "noscript", "template", "head"}

    def __init__(self):
        super().__init__()
        self.parts, self.depth = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth and data.strip():
            self.parts.append(data.strip())


def html_to_text(html) -> Optional[str]:
    if not html:
        return None
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    parser = _TextOnly()
    parser.feed(html)
    return _nfc_text("\n".join(parser.parts))


def _nfc_text(text: Optional[str]) -> Optional[str]:
    return unicodedata.normalize("NFC", text) if text else text

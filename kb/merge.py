"""One event per conference: reports of the same conference merged into one row of ``events``.

Every relevant article gives one *report* (a row of ``event_reports``, id ``<article id>-0``,
the facts of the article hang off it). The same conference is often reported by several
sites (kiemsat.vn, baovephapluat.vn, the host's own portal): :func:`group_reports` puts such
reports in one group, :func:`merge` writes one ``events`` row per group and links the
reports to it (``event_reports.event_id``).

Two reports are of the same conference when

- they are of the same kind (their types overlap),
- they are of the same cluster, or have the same host (the unit chairing, else the first
  unit named) and do not name two different clusters,
- their dates are at most ``MAX_DAYS`` apart; a report without a date counts from its
  publication, which may follow the conference by up to ``MAX_LAG_DAYS``.

A report joins the first group (in date order) every member of which it matches, so a report
without a date cannot bridge two conferences. The event's id is the id of its first report
(earliest publication, then id): rebuilding the same reports gives the same ids, and an event
reported once keeps its report's id. Pure functions over plain dicts, plus the pass over the
database that the build runs.
"""
from __future__ import annotations

import json
from datetime import date as Date
from functools import lru_cache
from typing import Iterable, Optional

MAX_DAYS = 2  # two dated reports of one conference: at most this many days apart
MAX_LAG_DAYS = 7  # a report without the conference's date: published at most this long after it

EVENT_COLUMNS = ("id", "article_id", "title", "type", "types", "date", "year", "period", "online", "cluster_id",
                 "scope", "province_id", "province", "relevant", "reports", "sites")


@lru_cache(maxsize=65536)  # a few thousand distinct dates, compared again and again by group_reports
def _day(value: Optional[str]) -> Optional[Date]:
    if not value or len(value) < 10:
        return None
    try:
        return Date.fromisoformat(value[:10])
    except ValueError:
        return None


def _types(report: dict) -> frozenset:
    types = report.get("types")
    if types is None or isinstance(types, str):  # as stored: parsed once per distinct value
        return _stored_types(report.get("type"), types)
    return frozenset(types or ([report["type"]] if report.get("type") else []))


@lru_cache(maxsize=4096)
def _stored_types(type_: Optional[str], types: Optional[str]) -> frozenset:
    parsed = json.loads(types) if isinstance(types, str) else types
    return frozenset(parsed or ([type_] if type_ else []))


def same_conference(a: dict, b: dict) -> bool:
    """Whether two reports (dicts with type/types, date, published, cluster_id, cluster, host) tell of one conference."""
    if not (_types(a) & _types(b)):
        return False
    if a.get("cluster") and b.get("cluster") and a["cluster"] != b["cluster"]:
        return False  # two clusters (by name): two conferences, whatever the host
    same_cluster = a.get("cluster_id") is not None and a.get("cluster_id") == b.get("cluster_id")
    same_host = a.get("host") is not None and a.get("host") == b.get("host")
    if not (same_cluster or same_host):
        return False
    da, db_ = _day(a.get("date")), _day(b.get("date"))
    if da and db_:
        return abs((da - db_).days) <= MAX_DAYS
    if da or db_:  # one report lacks the date: it was published after the other's conference
        dated, undated = (da, b) if da else (db_, a)
        published = _day(undated.get("published"))
        return published is not None and -1 <= (published - dated).days <= MAX_LAG_DAYS
    pa, pb = _day(a.get("published")), _day(b.get("published"))
    return pa is not None and pb is not None and abs((pa - pb).days) <= MAX_DAYS


def _when(report: dict) -> str:
    return report.get("date") or report.get("published") or ""


def group_reports(reports: Iterable[dict]) -> list[list[dict]]:
    """Reports grouped by conference; each group in order (publication, id), groups by their first report."""
    ordered = sorted(reports, key=lambda r: (_when(r), r.get("published") or "", r["id"]))
    groups: list[list[dict]] = []
    open_by_key: dict[tuple, list[int]] = {}  # (cluster or host) -> indexes of groups still open
    for report in ordered:
        keys = [k for k in (("cluster", report.get("cluster_id")), ("host", report.get("host"))) if k[1]]
        joined = None
        candidates = sorted({i for k in keys for i in open_by_key.get(k, ())})
        when = _day(_when(report))
        for i in candidates:
            last = _day(_when(groups[i][-1]))
            if when and last and (when - last).days > MAX_DAYS + MAX_LAG_DAYS:
                continue  # long past: cannot match
            if all(same_conference(report, member) for member in groups[i]):
                joined = i
                break
        if joined is None:
            groups.append([report])
            joined = len(groups) - 1
        else:
            groups[joined].append(report)
        for k in keys:
            bucket = open_by_key.setdefault(k, [])
            if joined not in bucket:
                bucket.append(joined)
            # groups far behind in time never match again: keep the buckets short
            if when and len(bucket) > 8:
                bucket[:] = [i for i in bucket if (d := _day(_when(groups[i][-1]))) is None
                             or (when - d).days <= MAX_DAYS + MAX_LAG_DAYS]
    for group in groups:
        group.sort(key=lambda r: (r.get("published") or "", r["id"]))
    return sorted(groups, key=lambda g: g[0]["id"])


def merged_event(group: list[dict]) -> dict:
    """The events row of a group of reports: the first report's, gaps filled from the others."""
    first = group[0]

    def first_of(key):
        return next((r[key] for r in group if r.get(key) is not None), None)

    types: list = []
    for r in group:
        for t in (json.loads(r["types"]) if r.get("types") else ([r["type"]] if r.get("type") else [])):
            if t not in types:
                types.append(t)
    date = first.get("date") or first_of("date")
    year = int(date[:4]) if date and date[:4].isdigit() else first.get("year")
    sites = []
    for r in group:
        if r.get("site") and r["site"] not in sites:
            sites.append(r["site"])
    return {
        "id": first["id"], "article_id": first["article_id"], "title": first.get("title") or first_of("title"),
        "type": types[0] if types else None, "types": json.dumps(types, ensure_ascii=False) if len(types) > 1 else None,
        "date": date, "year": year, "period": first.get("period") or first_of("period"),
        "online": int(any(r.get("online") for r in group)),
        "cluster_id": first.get("cluster_id") or first_of("cluster_id"),
        "scope": first.get("scope") or first_of("scope"),
        "province_id": first.get("province_id") or first_of("province_id"),
        "province": first.get("province") or first_of("province"),
        "relevant": 1, "reports": len(group), "sites": ", ".join(sites) or None,
    }


# --------------------------------------------------------------------------- the pass over the database
REPORTS = """
select r.*, c.name as cluster,
       coalesce((select ro.unit_id from roles ro where ro.event_id = r.id and ro.role like '%trưởng'
                 and (ro.year is null or r.year is null or ro.year = r.year) order by ro.seq limit 1),
                (select eu.unit_id from event_units eu where eu.event_id = r.id order by eu.seq limit 1)) as host
from event_reports r left join clusters c on c.id = r.cluster_id
where r.relevant = 1
"""


def needs_merge(db) -> bool:
    """A report not linked to its event yet, or an event without reports (an interrupted build)."""
    return bool(db.execute("""select exists(select 1 from event_reports where event_id is null)
                                  or exists(select 1 from events e where not exists
                                            (select 1 from event_reports r where r.event_id = e.id))""").fetchone()[0])


def merge(db) -> dict:
    """Rewrite ``events`` from ``event_reports`` (one row per conference) and link each report; returns counts."""
    cursor = db.execute(REPORTS)
    names = [d[0] for d in cursor.description]
    reports = [dict(zip(names, row)) for row in cursor]
    groups = group_reports(reports)
    rows = [merged_event(g) for g in groups]
    links = [(g[0]["id"], r["id"]) for g in groups for r in g]
    cols = ", ".join(f"[{c}]" for c in EVENT_COLUMNS)
    marks = ", ".join("?" * len(EVENT_COLUMNS))
    with db.conn:
        db.conn.execute("create temp table if not exists merge_ids (id text primary key)")
        db.conn.execute("delete from merge_ids")
        db.conn.executemany("insert into merge_ids values (?)", [(r["id"],) for r in rows])
        db.conn.execute("delete from events where id not in (select id from merge_ids)")
        db.conn.executemany(f"insert or replace into events ({cols}) values ({marks})",
                            [tuple(r[c] for c in EVENT_COLUMNS) for r in rows])
        db.conn.execute("update event_reports set event_id = null where relevant != 1")
        db.conn.executemany("update event_reports set event_id = ? where id = ?", links)
        db.conn.execute("drop table merge_ids")
    return {"reports": len(reports), "events": len(rows), "merged": sum(1 for g in groups if len(g) > 1)}

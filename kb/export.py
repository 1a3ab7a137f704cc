"""Export the knowledge base: the contract's JSON Lines, a flat CSV, or schema.org JSON-LD.

One reader, :func:`entries`, rebuilds the contract's records from the tables; the formats are
writings of those records, so they agree on which articles and events exist, on the
canonical names and on the facts. All read the database only; ids are the knowledge base's
stable ids, so two exports of the same data are identical.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from typing import IO, Iterator, Optional

import sqlite_utils

FORMATS = ("jsonl", "csv", "jsonld", "events")
ID_BASE = "urn:thidua:"  # JSON-LD @ids: urn:thidua:event:<id>, urn:thidua:unit:<id>...


def export(db_path, fmt: str, out: IO[str]) -> int:
    """Write every record (jsonl), every record as a row (csv), every event (jsonld) or every event with its
    reports and their facts (events) to ``out``; returns how many."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    db = sqlite_utils.Database(db_path)
    try:
        return {"jsonl": _jsonl, "csv": _csv, "jsonld": _jsonld, "events": _events}[fmt](db, out)
    finally:
        db.close()


# --------------------------------------------------------------------------- records
def _evidence(row: dict) -> dict:
    if row.get("evidence_sentence") is None and row.get("evidence_start") is None:
        return {}
    return {"evidence": {"start": row["evidence_start"], "end": row["evidence_end"],
                         "sentence": row["evidence_sentence"]}}


def _q(db, sql: str, params=()) -> list[dict]:
    return list(db.query(sql, params))


@dataclass
class Entry:
    """A contract record and the knowledge base's keys of what it names (same order as its lists)."""

    record: dict
    event_id: Optional[str] = None  # the event (conference) the article reports; None: not relevant
    report_id: Optional[str] = None  # the article's report of it (event_reports; the facts hang off it)
    cluster_id: Optional[str] = None
    province: Optional[dict] = None  # the provinces row of the event's place
    unit_ids: list = field(default_factory=list)  # of record["units"]
    official_ids: list = field(default_factory=list)  # of record["officials"]
    official_unit_ids: list = field(default_factory=list)
    award_recipients: list = field(default_factory=list)  # ("unit" | "person" | None, id) of record["awards"]
    role_unit_ids: list = field(default_factory=list)


def records(db) -> Iterator[dict]:
    """Contract records rebuilt from the tables, in publication order."""
    for entry in entries(db):
        yield entry.record


def entries(db) -> Iterator[Entry]:
    """The one reader of the exports: every article as a contract record, with the ids the exports link by."""
    provinces = {p["id"]: p for p in db.query("select * from provinces")}
    for a in db.query("select * from articles order by coalesce(published, ''), id"):
        ev = next(iter(_q(db, """select e.*, c.name as cluster from event_reports e
                                 left join clusters c on c.id = e.cluster_id where e.article_id = ?""", [a["id"]])), None)
        event = {"type": None, "date": None, "period": None, "online": False, "cluster": None, "scope": None}
        eid = None
        if ev:
            eid = ev["id"]
            event.update({"type": json.loads(ev["types"]) if ev["types"] else ev["type"], "date": ev["date"],
                          "period": ev["period"], "online": bool(ev["online"]), "cluster": ev["cluster"],
                          "scope": ev["scope"]})
        units = _q(db, """select u.id, u.name from event_units eu join units u on u.id = eu.unit_id
                          where eu.event_id = ? order by eu.seq""", [eid])
        officials = _q(db, """select ap.*, u.name as unit from appearances ap left join units u on u.id = ap.unit_id
                              where ap.event_id = ? order by ap.seq""", [eid])
        awards = _q(db, """select aw.*, coalesce(u.name, o.name, aw.recipient) as recipient_name
                           from awards aw left join units u on u.id = aw.recipient_unit_id
                           left join officials o on o.id = aw.recipient_official_id
                           where aw.event_id = ? order by aw.seq""", [eid])
        roles = _q(db, """select ro.*, u.name as unit, c.name as cluster from roles ro
                          join units u on u.id = ro.unit_id left join clusters c on c.id = ro.cluster_id
                          where ro.event_id = ? order by ro.seq""", [eid])
        record = {
            "id": a["id"], "url": a["url"], "title": a["title"], "source": a["source"],
            "published": a["published"], "author": a["author"], "relevant": bool(a["relevant"]), "event": event,
            "units": [r["name"] for r in units],
            "officials": [
                {"name": r["name"], "title": r["title"], "unit": r["unit"],
                 **({"role": r["role"]} if r["role"] else {}), **_evidence(r)}
                for r in officials],
            "awards": [
                {"name": r["name"], "recipient": r["recipient_name"],
                 **({"status": r["status"]} if r["status"] else {}), "year": r["year"], **_evidence(r)}
                for r in awards],
            "roles": [
                {"unit": r["unit"], "role": r["role"], "cluster": r["cluster"], "year": r["year"], **_evidence(r)}
                for r in roles],
            "documents": [
                {"kind": r["kind"], "number": r["number"], "date": r["date"], **_evidence(r)}
                for r in _q(db, """select d.kind, d.number, d.date, ed.* from event_documents ed
                                   join documents d on d.id = ed.document_id where ed.event_id = ? order by ed.seq""",
                            [eid])],
        }
        if a["skip_reason"]:
            record["skipped"] = a["skip_reason"]
        yield Entry(
            record=record, event_id=ev["event_id"] if ev else None, report_id=eid,
            cluster_id=ev["cluster_id"] if ev else None,
            province=provinces.get(ev["province_id"]) if ev and ev["province_id"] else None,
            unit_ids=[r["id"] for r in units],
            official_ids=[r["official_id"] for r in officials], official_unit_ids=[r["unit_id"] for r in officials],
            award_recipients=[("unit", r["recipient_unit_id"]) if r["recipient_unit_id"] else
                              ("person", r["recipient_official_id"]) if r["recipient_official_id"] else (None, None)
                              for r in awards],
            role_unit_ids=[r["unit_id"] for r in roles])


def _jsonl(db, out) -> int:
    n = 0
    for record in records(db):
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        n += 1
    return n


# --------------------------------------------------------------------------- merged events
def _events(db, out) -> int:
    """One JSON line per event (one per conference, kb/merge.py): its reports, and the union of their facts,
    each fact with the article it comes from (its evidence points into that article's text)."""
    by_article = {r["id"]: r for r in records(db)}
    n = 0
    for ev in db.query("""select e.*, c.name as cluster, c.scope as cluster_scope from events e
                          left join clusters c on c.id = e.cluster_id order by coalesce(e.date, ''), e.id"""):
        reports = list(db.query("""select r.id, r.article_id, r.site, r.published, r.date, r.type, r.title, a.url
                                   from event_reports r join articles a on a.id = r.article_id
                                   where r.event_id = ? order by r.published, r.id""", [ev["id"]]))
        event = {"id": ev["id"], "type": json.loads(ev["types"]) if ev["types"] else ev["type"], "date": ev["date"],
                 "year": ev["year"], "period": ev["period"], "online": bool(ev["online"]), "cluster": ev["cluster"],
                 "scope": ev["cluster_scope"], "province": ev["province"],
                 "reports": [{"article": r["article_id"], "url": r["url"], "site": r["site"],
                              "published": r["published"], "title": r["title"], "date": r["date"],
                              "type": r["type"]} for r in reports],
                 "units": [], "officials": [], "awards": [], "roles": [], "documents": []}
        for r in reports:
            record = by_article.get(r["article_id"])
            if record is None:
                continue
            for name in record["units"]:
                if name not in event["units"]:
                    event["units"].append(name)
            for key in ("officials", "awards", "roles", "documents"):
                event[key] += [{**fact, "article": r["article_id"]} for fact in record[key]]
        out.write(json.dumps(event, ensure_ascii=False) + "\n")
        n += 1
    return n


# --------------------------------------------------------------------------- csv
CSV_COLUMNS = ["kind", "event_id", "article_id", "url", "title", "source", "published", "relevant", "skipped", "type",
               "date", "year", "period", "online", "cluster", "scope", "province", "units", "officials", "awards",
               "roles", "documents"]


def _csv(db, out) -> int:
    """One row per record: kind "event" (the article reports one; event_id names it, an event several articles
    may report) or "article" (an article with no event: event_id empty). Lists flattened with "; " (officials as
    "name (title, unit)")."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    n = 0
    for entry in entries(db):
        r, ev = entry.record, entry.record["event"]
        writer.writerow({
            "kind": "event" if entry.event_id else "article",
            "event_id": entry.event_id, "article_id": r["id"], "url": r["url"], "title": r["title"],
            "source": r["source"], "published": r["published"], "relevant": int(r["relevant"]),
            "skipped": r.get("skipped"),
            "type": "|".join(ev["type"]) if isinstance(ev["type"], list) else ev["type"], "date": ev["date"],
            "year": _year(r) if entry.event_id else None, "period": ev["period"],
            "online": int(bool(ev["online"])), "cluster": ev["cluster"], "scope": ev["scope"],
            "province": entry.province["name"] if entry.province else None,
            "units": "; ".join(r["units"]),
            "officials": "; ".join(f"{o['name']} ({', '.join(x for x in (o['title'], o['unit']) if x)})"
                                   for o in r["officials"]),
            "awards": "; ".join(_award_label(a, " → ") for a in r["awards"]),
            "roles": "; ".join(f"{x['unit']}: {x['role']} {x['year'] or ''}".strip() for x in r["roles"]),
            "documents": "; ".join(f"{d['kind']} {d['number']}" for d in r["documents"]),
        })
        n += 1
    return n


def _year(record: dict) -> Optional[str]:
    return (record["event"]["date"] or record["published"] or "")[:4] or None


def _award_label(award: dict, arrow: str) -> str:
    return f"{award['name']}{arrow}{award['recipient']}" if award["recipient"] else award["name"]


# --------------------------------------------------------------------------- json-ld
def _unit_node(uid: str, name: str, units: dict) -> dict:
    node = {"@id": f"{ID_BASE}unit:{uid}", "@type": "GovernmentOrganization", "name": name}
    province = (units.get(uid) or {}).get("province")
    if province:
        node["address"] = {"@type": "PostalAddress", "addressRegion": province, "addressCountry": "VN"}
    return node


def _jsonld(db, out) -> int:
    """schema.org Events (one per conference, kb/merge.py) with their organisations and people, as one @graph:
    the event's own fields from ``events``, its facts those of the records of all its reports."""
    graph, seen = [], set()

    def add(node):
        if node["@id"] not in seen:
            seen.add(node["@id"])
            graph.append(node)

    units = {u["id"]: u for u in db.query("select id, province from units")}
    provinces = {p["id"]: p for p in db.query("select * from provinces")}
    by_event: dict = {}
    for e in entries(db):
        if e.event_id:
            by_event.setdefault(e.event_id, []).append(e)
    # A person's jobTitle: the title of their latest appearance (by the event's date, else the article's).
    job_titles: dict = {}
    for group in by_event.values():
        for e in group:
            when = e.record["event"]["date"] or e.record["published"] or ""
            for oid, o in zip(e.official_ids, e.record["officials"]):
                if o["title"] and (when, o["title"]) >= job_titles.get(oid, ("", "")):
                    job_titles[oid] = (when, o["title"])
    n = 0
    for ev in db.query("""select e.*, a.url, c.name as cluster from events e
                          left join articles a on a.id = e.article_id left join clusters c on c.id = e.cluster_id
                          where e.relevant = 1 order by coalesce(e.date, a.published, ''), e.id"""):
        eid = ev["id"]
        # its reports, the first one (whose id the event took) first
        group = sorted(by_event.get(eid, []), key=lambda e: (e.report_id != eid, e.report_id))
        node = {"@id": f"{ID_BASE}event:{eid}", "@type": "Event", "name": ev["title"] or ev["cluster"] or eid,
                "url": ev["url"], "identifier": eid}
        if ev["date"]:
            node["startDate"] = ev["date"]
        if ev["type"]:
            node["additionalType"] = ev["type"]
        node["eventAttendanceMode"] = ("https://schema.org/OnlineEventAttendanceMode" if ev["online"]
                                       else "https://schema.org/OfflineEventAttendanceMode")
        if ev["cluster"]:
            node["organizer"] = {"@id": f"{ID_BASE}cluster:{ev['cluster_id']}"}
            add({"@id": f"{ID_BASE}cluster:{ev['cluster_id']}", "@type": "Organization", "name": ev["cluster"]})
        chair = next(((uid, role) for e in group for uid, role in zip(e.role_unit_ids, e.record["roles"])
                      if (role["role"] or "").endswith("trưởng")), None)
        if chair:  # the chair hosts: the cluster is the organizer, the chairing unit its host
            node["sponsor"] = {"@id": f"{ID_BASE}unit:{chair[0]}"}
            add(_unit_node(chair[0], chair[1]["unit"], units))
        attendees, awards = [], []
        for e in group:
            r = e.record
            for uid, name in zip(e.unit_ids, r["units"]):
                add(_unit_node(uid, name, units))
                attendees.append({"@id": f"{ID_BASE}unit:{uid}"})
            for oid, uid, o in zip(e.official_ids, e.official_unit_ids, r["officials"]):
                person = {"@id": f"{ID_BASE}person:{oid}", "@type": "Person", "name": o["name"]}
                if oid in job_titles:
                    person["jobTitle"] = job_titles[oid][1]
                if uid:
                    person["affiliation"] = {"@id": f"{ID_BASE}unit:{uid}"}
                    add(_unit_node(uid, o["unit"], units))
                add(person)
                attendees.append({"@id": person["@id"]})
            awards += [_award_label(a, " — ") for a in r["awards"]]
        attendees = list({a["@id"]: a for a in attendees}.values())  # told by several reports: once
        if attendees:
            node["attendee"] = attendees
        if awards:
            node["award"] = list(dict.fromkeys(awards))
        if ev["province_id"]:
            p = provinces[ev["province_id"]]
            node["location"] = {"@type": "Place", "name": p["name"],
                                "address": {"@type": "PostalAddress", "addressRegion": p["name"],
                                            "addressCountry": "VN"},
                                **({"geo": {"@type": "GeoCoordinates", "latitude": p["latitude"],
                                            "longitude": p["longitude"]}} if p["latitude"] is not None else {})}
        add(node)
        n += 1
    json.dump({"@context": "https://schema.org", "@graph": graph}, out, ensure_ascii=False, indent=1)
    out.write("\n")
    return n

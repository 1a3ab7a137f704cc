"""Export the knowledge base: the contract's JSON Lines, a flat CSV, or schema.org JSON-LD.

All three read the database only; ids are the knowledge base's stable ids, so
two exports of the same data are identical.
"""
from __future__ import annotations

import csv
import json
from typing import IO, Iterator

import sqlite_utils

FORMATS = ("jsonl", "csv", "jsonld", "events")
ID_BASE = "urn:thidua:"  # JSON-LD @ids: urn:thidua:event:<id>, urn:thidua:unit:<id>...


def export(db_path, fmt: str, out: IO[str]) -> int:
    """Write every record (jsonl), event row (csv) or relevant event (jsonld) to ``out``; returns how many."""
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


def records(db) -> Iterator[dict]:
    """Contract records rebuilt from the tables, in publication order."""
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
        record = {
            "id": a["id"], "url": a["url"], "title": a["title"], "source": a["source"],
            "published": a["published"], "author": a["author"], "relevant": bool(a["relevant"]), "event": event,
            "units": [r["name"] for r in _q(db, """select u.name from event_units eu join units u on u.id = eu.unit_id
                                                   where eu.event_id = ? order by eu.seq""", [eid])],
            "officials": [
                {"name": r["name"], "title": r["title"], "unit": r["unit"],
                 **({"role": r["role"]} if r["role"] else {}), **_evidence(r)}
                for r in _q(db, """select ap.*, u.name as unit from appearances ap left join units u on u.id = ap.unit_id
                                   where ap.event_id = ? order by ap.seq""", [eid])],
            "awards": [
                {"name": r["name"], "recipient": r["recipient_name"],
                 **({"status": r["status"]} if r["status"] else {}), "year": r["year"], **_evidence(r)}
                for r in _q(db, """select aw.*, coalesce(u.name, o.name, aw.recipient) as recipient_name
                                   from awards aw left join units u on u.id = aw.recipient_unit_id
                                   left join officials o on o.id = aw.recipient_official_id
                                   where aw.event_id = ? order by aw.seq""", [eid])],
            "roles": [
                {"unit": r["unit"], "role": r["role"], "cluster": r["cluster"], "year": r["year"], **_evidence(r)}
                for r in _q(db, """select ro.*, u.name as unit, c.name as cluster from roles ro
                                   join units u on u.id = ro.unit_id left join clusters c on c.id = ro.cluster_id
                                   where ro.event_id = ? order by ro.seq""", [eid])],
            "documents": [
                {"kind": r["kind"], "number": r["number"], "date": r["date"], **_evidence(r)}
                for r in _q(db, """select d.kind, d.number, d.date, ed.* from event_documents ed
                                   join documents d on d.id = ed.document_id where ed.event_id = ? order by ed.seq""",
                            [eid])],
        }
        if a["skip_reason"]:
            record["skipped"] = a["skip_reason"]
        yield record


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
CSV_COLUMNS = ["event_id", "article_id", "url", "title", "source", "published", "relevant", "type", "date", "year",
               "period", "online", "cluster", "scope", "province", "units", "officials", "awards", "roles",
               "documents"]


def _csv(db, out) -> int:
    """One row per event; lists flattened with "; " (officials as "name (title, unit)")."""
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    n = 0
    for r in records(db):
        ev = r["event"]
        writer.writerow({
            "event_id": f"{r['id']}-0", "article_id": r["id"], "url": r["url"], "title": r["title"],
            "source": r["source"], "published": r["published"], "relevant": int(r["relevant"]),
            "type": "|".join(ev["type"]) if isinstance(ev["type"], list) else ev["type"], "date": ev["date"],
            "year": (ev["date"] or r["published"] or "")[:4] or None, "period": ev["period"],
            "online": int(bool(ev["online"])), "cluster": ev["cluster"], "scope": ev["scope"],
            "province": _province(db, r["id"]),
            "units": "; ".join(r["units"]),
            "officials": "; ".join(f"{o['name']} ({', '.join(x for x in (o['title'], o['unit']) if x)})"
                                   for o in r["officials"]),
            "awards": "; ".join(f"{a['name']} → {a['recipient']}" if a["recipient"] else a["name"]
                                for a in r["awards"]),
            "roles": "; ".join(f"{x['unit']}: {x['role']} {x['year'] or ''}".strip() for x in r["roles"]),
            "documents": "; ".join(f"{d['kind']} {d['number']}" for d in r["documents"]),
        })
        n += 1
    return n


def _province(db, aid: str):
    row = db.execute("select province from event_reports where article_id = ?", [aid]).fetchone()
    return row[0] if row else None


# --------------------------------------------------------------------------- json-ld
def _unit_node(u: dict) -> dict:
    node = {"@id": f"{ID_BASE}unit:{u['id']}", "@type": "GovernmentOrganization", "name": u["name"]}
    if u.get("province"):
        node["address"] = {"@type": "PostalAddress", "addressRegion": u["province"], "addressCountry": "VN"}
    return node


def _jsonld(db, out) -> int:
    """schema.org Events (relevant ones) with their organisations and people, as one @graph."""
    graph, seen = [], set()

    def add(node):
        if node["@id"] not in seen:
            seen.add(node["@id"])
            graph.append(node)

    units = {u["id"]: u for u in db.query("select * from units")}
    officials = {o["id"]: o for o in db.query("select * from officials")}
    provinces = {p["id"]: p for p in db.query("select * from provinces")}
    # A person's jobTitle: the title most recently seen (positions keep the others with their dates).
    job_titles = {}
    for p in db.query("select official_id, title from positions order by official_id, last_seen, first_seen, title"):
        job_titles[p["official_id"]] = p["title"]
    n = 0
    for ev in db.query("""select e.*, a.title, a.url, a.published, c.name as cluster from events e
                          join articles a on a.id = e.article_id left join clusters c on c.id = e.cluster_id
                          where e.relevant = 1 order by coalesce(e.date, a.published, ''), e.id"""):
        eid = ev["id"]
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
        # An event is one conference (kb/merge.py): its facts are those of all its reports.
        reports = "(select id from event_reports where event_id = ?)"
        chair = db.execute(f"""select unit_id from roles where event_id in {reports} and role like '%trưởng'
                              order by event_id = ? desc, seq limit 1""", [eid, eid]).fetchone()
        if chair:  # the chair hosts: the cluster is the organizer, the chairing unit its host
            node["sponsor"] = {"@id": f"{ID_BASE}unit:{chair[0]}"}
            add(_unit_node(units[chair[0]]))
        attendees = []
        for (uid,) in db.execute(f"select unit_id from event_units where event_id in {reports} "
                                 "order by event_id = ? desc, event_id, seq", [eid, eid]):
            add(_unit_node(units[uid]))
            attendees.append({"@id": f"{ID_BASE}unit:{uid}"})
        for ap in db.query(f"select * from appearances where event_id in {reports} "
                           "order by event_id = ? desc, event_id, seq", [eid, eid]):
            person = {"@id": f"{ID_BASE}person:{ap['official_id']}", "@type": "Person",
                      "name": officials[ap["official_id"]]["name"]}
            if job_titles.get(ap["official_id"]):
                person["jobTitle"] = job_titles[ap["official_id"]]
            if ap["unit_id"]:
                person["affiliation"] = {"@id": f"{ID_BASE}unit:{ap['unit_id']}"}
                add(_unit_node(units[ap["unit_id"]]))
            add(person)
            attendees.append({"@id": person["@id"]})
        attendees = list({a["@id"]: a for a in attendees}.values())  # told by several reports: once
        if attendees:
            node["attendee"] = attendees
        awards = [f"{a['name']} — {a['recipient']}" if a["recipient"] else a["name"]
                  for a in db.query(f"select name, recipient from awards where event_id in {reports} "
                                    "order by event_id = ? desc, event_id, seq", [eid, eid])]
        awards = list(dict.fromkeys(awards))
        if awards:
            node["award"] = awards
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

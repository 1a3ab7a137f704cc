"""kb.export: jsonl round-trips the contract, csv has one row per event, jsonld is a schema.org @graph."""
import csv
import io
import json
import sqlite3

import pytest

from kb.export import export
from kb_fixtures import RECORDS, built_db, built_rich_db

CONTRACT_KEYS = {"id", "url", "title", "source", "published", "author", "relevant", "event", "units", "officials",
                 "awards", "roles", "documents"}
EVENT_KEYS = {"type", "date", "period", "online", "cluster", "scope"}


def _export(db_path, fmt):
    out = io.StringIO()
    n = export(db_path, fmt, out)
    return n, out.getvalue()


def test_jsonl_round_trips_the_contract(tmp_path):
    db_path = built_db(tmp_path)
    n, text = _export(db_path, "jsonl")
    records = [json.loads(line) for line in text.splitlines()]
    assert n == len(records) == 4
    by_url = {r["url"]: r for r in records}
    assert set(by_url) == set(RECORDS)
    for url, rec in by_url.items():
        src = RECORDS[url]
        assert set(rec) >= CONTRACT_KEYS and set(rec["event"]) == EVENT_KEYS
        assert len(rec["id"]) == 16
        for key in ("title", "source", "published", "author", "relevant"):
            assert rec[key] == src[key]
        if not src["relevant"]:
            # Off-topic articles hold no event: the contract's empty event and lists.
            assert rec["event"]["type"] is None and rec["event"]["date"] is None
            assert rec["officials"] == rec["units"] == rec["awards"] == rec["roles"] == rec["documents"] == []
            continue
        assert rec["event"] == {k: src["event"][k] for k in EVENT_KEYS}
        strip = lambda items: [{k: v for k, v in i.items() if k != "evidence"} for i in items]  # noqa: E731
        assert [o["name"] for o in rec["officials"]] == [o["name"] for o in src["officials"]]
        assert strip(rec["documents"]) == strip(src["documents"])
        assert [(r["role"], r["cluster"], r["year"]) for r in rec["roles"]] == \
            [(r["role"], r["cluster"], r["year"]) for r in src["roles"]]
        assert [(a["name"], a["year"]) for a in rec["awards"]] == [(a["name"], a["year"]) for a in src["awards"]]
        assert len(rec["units"]) == len(src["units"])
        for item in rec["officials"] + rec["roles"]:
            assert set(item["evidence"]) == {"start", "end", "sentence"}
    # Names come back canonical: the three spellings of Bắc Giang's procuracy are one.
    spelled = by_url[next(u for u in RECORDS if u.endswith("tong-ket-2023"))]
    assert spelled["units"] == ["VKSND tỉnh Bắc Giang"] and spelled["awards"][0]["recipient"] == "VKSND tỉnh Bắc Giang"


def test_jsonl_ids_are_stable_across_builds(tmp_path):
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    assert _export(built_db(tmp_path / "a"), "jsonl")[1] == _export(built_db(tmp_path / "b"), "jsonl")[1]


def test_csv_one_row_per_record_saying_what_it_is(tmp_path):
    n, text = _export(built_db(tmp_path), "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert n == len(rows) == 4
    assert sorted(r["kind"] for r in rows) == ["article", "event", "event", "event"]
    for r in rows:  # only an event row names an event
        assert bool(r["event_id"]) == (r["kind"] == "event") == (r["relevant"] == "1")
    row = next(r for r in rows if r["date"] == "2020-06-30")
    assert row["cluster"] == "Cụm thi đua số 4" and row["type"] == "so_ket" and row["year"] == "2020"
    assert "Trần Thị Bình (Viện trưởng, VKSND tỉnh Phú Thọ)" in row["officials"]
    assert row["province"] == "Phú Thọ"


def test_jsonld_graph_of_events(tmp_path):
    n, text = _export(built_db(tmp_path), "jsonld")
    doc = json.loads(text)
    assert doc["@context"] == "https://schema.org"
    events = [x for x in doc["@graph"] if x["@type"] == "Event"]
    assert n == len(events) == 3  # the relevant ones
    ids = {x["@id"] for x in doc["@graph"]}
    assert len(ids) == len(doc["@graph"])
    so_ket = next(e for e in events if e.get("startDate") == "2020-06-30")
    assert so_ket["organizer"]["@id"] in ids
    assert all(a["@id"] in ids for a in so_ket["attendee"])
    people = [x for x in doc["@graph"] if x["@type"] == "Person"]
    assert {"Trần Thị Bình", "Nguyễn Văn An"} <= {p["name"] for p in people}
    assert so_ket["location"]["name"] == "Phú Thọ" and so_ket["location"]["geo"]["latitude"]
    award_event = next(e for e in events if e.get("startDate") == "2023-12-15")
    # the recipient under its canonical name, as in the JSON Lines
    assert award_event["award"] == ["Cờ thi đua của ngành Kiểm sát nhân dân — VKSND tỉnh Bắc Giang"]


def test_unknown_format(tmp_path):
    with pytest.raises(ValueError):
        export(built_db(tmp_path), "xml", io.StringIO())


@pytest.mark.parametrize("build", [built_db, built_rich_db])
def test_the_three_formats_agree(tmp_path, build):
    db_path = build(tmp_path)
    records = [json.loads(line) for line in _export(db_path, "jsonl")[1].splitlines()]
    rows = list(csv.DictReader(io.StringIO(_export(db_path, "csv")[1])))
    graph = json.loads(_export(db_path, "jsonld")[1])["@graph"]
    nodes = {n["@id"]: n for n in graph}
    events = {n["identifier"]: n for n in graph if n["@type"] == "Event"}
    with sqlite3.connect(db_path) as conn:
        existing = {r[0] for r in conn.execute("select id from events")}

    # the same articles, and the same events: those of the relevant records, and every one exists
    assert [r["article_id"] for r in rows] == [r["id"] for r in records]
    by_article = {r["id"]: r for r in records}
    reports: dict = {}  # event id -> the CSV rows (records) of its reports
    for r in rows:
        if r["kind"] == "event":
            reports.setdefault(r["event_id"], []).append(r)
    assert set(reports) == set(events) == existing
    assert all(not r["event_id"] for r in rows if r["kind"] == "article")
    assert {r["article_id"] for g in reports.values() for r in g} == {i for i, r in by_article.items() if r["relevant"]}

    for eid, group in reports.items():
        node = events[eid]
        group.sort(key=lambda r: (by_article[r["article_id"]]["id"] + "-0" != eid, r["article_id"]))  # first report first
        recs = [by_article[r["article_id"]] for r in group]
        for row, rec in zip(group, recs):  # each row is its record
            ev = rec["event"]
            assert row["title"] == (rec["title"] or "") and row["url"] == (rec["url"] or "")
            assert row["date"] == (ev["date"] or "") and row["cluster"] == (ev["cluster"] or "")
            assert row["units"] == "; ".join(rec["units"])
            assert row["officials"].count(";") == max(0, len(rec["officials"]) - 1)
            for o in rec["officials"]:
                assert o["name"] in row["officials"] and (not o["unit"] or o["unit"] in row["officials"])
            labels = [f"{a['name']} — {a['recipient']}" if a["recipient"] else a["name"] for a in rec["awards"]]
            assert row["awards"] == "; ".join(l.replace(" — ", " → ") for l in labels)
        # the event: its facts are those of its reports' records, under the same canonical names
        attendees = [nodes[a["@id"]] for a in node.get("attendee", [])]
        units = list(dict.fromkeys(u for rec in recs for u in rec["units"]))
        people = list(dict.fromkeys(o["name"] for rec in recs for o in rec["officials"]))
        assert [a["name"] for a in attendees if a["@type"] != "Person"] == units
        assert [a["name"] for a in attendees if a["@type"] == "Person"] == people
        labels = [f"{a['name']} — {a['recipient']}" if a["recipient"] else a["name"] for rec in recs for a in rec["awards"]]
        assert node.get("award", []) == list(dict.fromkeys(labels))
        clusters = {rec["event"]["cluster"] for rec in recs} - {None}
        assert (nodes[node["organizer"]["@id"]]["name"] if "organizer" in node else None) in clusters | {None}
        assert node["url"] in {rec["url"] for rec in recs}

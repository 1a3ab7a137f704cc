"""One event per conference: reports of the same conference from several sites become one event.

The test writes its own pages (three sites reporting Cụm thi đua số 6's year-end review,
one without the date; Cụm thi đua số 7's review the same day; Cụm 6's next conference)
and builds them with a stand-in extractor.
"""
from __future__ import annotations

import io
import json
import sqlite3

import sqlite_utils

from kb.build import build
from kb.export import export
from kb.merge import group_reports, same_conference
from kb_fixtures import page_row

SITES = {"kiemsat": "https://kiemsat.example.vn/tin/", "bvpl": "https://baovephapluat.example.vn/bai/",
         "host": "https://vksthanhhoa.example.vn/tin-tuc/", "other": "https://vksnghean.example.vn/tin/"}


def _record(site, slug, title, published, date, cluster, units, chair, officials=(), awards=(), type_="tong_ket"):
    url = SITES[site] + slug
    text = f"{title}. " + " ".join(f"Đồng chí {o}, Viện trưởng {u}, phát biểu." for o, u in officials)
    return url, {
        "url": url, "source": SITES[site].split("/")[2], "published": published, "title": title, "author": None,
        "relevant": True, "text": text,
        "event": {"type": type_, "date": date, "period": None, "online": False, "cluster": cluster, "scope": None},
        "units": list(units),
        "officials": [{"name": o, "title": "Viện trưởng", "unit": u, "role": "phát biểu"} for o, u in officials],
        "awards": [{"name": a, "recipient": r, "status": "proposed", "year": 2024} for a, r in awards],
        "roles": [{"unit": chair, "role": "Cụm trưởng", "cluster": cluster, "year": 2024}] if chair else [],
        "documents": [],
    }


CUM6 = ["VKSND tỉnh Thanh Hóa", "VKSND tỉnh Nghệ An", "VKSND tỉnh Hà Tĩnh"]
CUM7 = ["VKSND tỉnh Quảng Bình", "VKSND tỉnh Quảng Trị", "VKSND tỉnh Thừa Thiên Huế"]
RECORDS = dict([
    # one conference, three reports: two dated a day apart, the host's own without a date
    _record("kiemsat", "cum-6-tong-ket-2024", "Cụm thi đua số 6 tổng kết công tác năm 2024", "2024-12-13",
            "2024-12-12", "Cụm thi đua số 6", CUM6, "VKSND tỉnh Thanh Hóa",
            officials=[("Lê Văn Hùng", "VKSND tỉnh Thanh Hóa")]),
    _record("bvpl", "hoi-nghi-cum-6", "VKSND tỉnh Thanh Hóa chủ trì tổng kết Cụm thi đua số 6", "2024-12-14",
            "2024-12-13", "Cụm thi đua số 6", CUM6, "VKSND tỉnh Thanh Hóa",
            awards=[("Cờ thi đua của ngành Kiểm sát nhân dân", "VKSND tỉnh Nghệ An")]),
    _record("host", "tong-ket-cum", "Tổng kết Cụm thi đua số 6 năm 2024", "2024-12-15", None,
            "Cụm thi đua số 6", ["VKSND tỉnh Thanh Hóa", "VKSND tỉnh Hà Tĩnh"], "VKSND tỉnh Thanh Hóa",
            officials=[("Trần Thị Mai", "VKSND tỉnh Hà Tĩnh")]),
    # another cluster, the same day: another conference
    _record("kiemsat", "cum-7-tong-ket-2024", "Cụm thi đua số 7 tổng kết năm 2024", "2024-12-13", "2024-12-12",
            "Cụm thi đua số 7", CUM7, "VKSND tỉnh Quảng Bình"),
    # the same cluster's next conference: another event
    _record("other", "cum-6-ky-giao-uoc-2025", "Cụm thi đua số 6 ký kết giao ước năm 2025", "2025-03-06",
            "2025-03-05", "Cụm thi đua số 6", CUM6, "VKSND tỉnh Nghệ An", type_="ky_giao_uoc"),
    _record("kiemsat", "cum-6-tong-ket-2025", "Cụm thi đua số 6 tổng kết năm 2025", "2025-12-12", "2025-12-11",
            "Cụm thi đua số 6", CUM6, "VKSND tỉnh Nghệ An"),
])


def fake_extract(page: dict) -> dict:
    return {**RECORDS[page["url"]], "id": str(page["id"])}


def _page(url):
    return {**page_row(url, f"<html><body><p>{RECORDS[url]['text']}</p></body></html>"),
            "source": RECORDS[url]["source"]}


def _build(path, urls=None):
    db = sqlite_utils.Database(path)
    db["pages"].insert_all([_page(url) for url in RECORDS if urls is None or url in urls], pk="id")
    build(path, fake_extract, progress=False)
    return path


def _events(path):
    with sqlite3.connect(path) as conn:
        conn.row_factory = sqlite3.Row
        events = [dict(r) for r in conn.execute("select * from events order by date, id")]
        reports = {e["id"]: [dict(r) for r in conn.execute(
            "select * from event_reports where event_id = ? order by published", [e["id"]])] for e in events}
    return events, reports


def test_reports_of_one_conference_give_one_event(tmp_path):
    events, reports = _events(_build(tmp_path / "thidua.db"))
    assert len(events) == 4  # six reports: Cụm 6's review (3 reports), Cụm 7's review, Cụm 6's next two
    review = next(e for e in events if e["title"] == "Cụm thi đua số 6 tổng kết công tác năm 2024")
    assert review["reports"] == 3 and review["date"] == "2024-12-12"  # the first report's date
    assert [r["site"] for r in reports[review["id"]]] == [
        "kiemsat.example.vn", "baovephapluat.example.vn", "vksthanhhoa.example.vn"]
    assert [r["date"] for r in reports[review["id"]]] == ["2024-12-12", "2024-12-13", None]  # disagreement kept
    others = [(e["date"], e["reports"]) for e in events if e["id"] != review["id"]]
    assert sorted(others) == [("2024-12-12", 1), ("2025-03-05", 1), ("2025-12-11", 1)]
    cum7 = next(e for e in events if e["title"].startswith("Cụm thi đua số 7"))
    assert cum7["cluster_id"] != review["cluster_id"]


def test_an_events_facts_are_the_union_of_its_reports_each_with_its_article(tmp_path):
    path = _build(tmp_path / "thidua.db")
    out = io.StringIO()
    assert export(path, "events", out) == 4
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    review = next(e for e in events if len(e["reports"]) == 3)
    articles = [r["article"] for r in review["reports"]]
    assert {(o["name"], o["article"]) for o in review["officials"]} == {
        ("Lê Văn Hùng", articles[0]), ("Trần Thị Mai", articles[2])}
    assert [(a["recipient"], a["article"]) for a in review["awards"]] == [("VKSND tỉnh Nghệ An", articles[1])]
    assert review["units"] == CUM6
    with sqlite3.connect(path) as conn:  # members by year count the conference once
        rows = conn.execute("""select u.name, m.events from cluster_members m join units u on u.id = m.unit_id
                               join clusters c on c.id = m.cluster_id
                               where c.name = 'Cụm thi đua số 6' and m.year = 2024""").fetchall()
    assert dict(rows) == {name: 1 for name in CUM6}


def test_the_per_article_records_are_unchanged(tmp_path):
    path = _build(tmp_path / "thidua.db")
    out = io.StringIO()
    assert export(path, "jsonl", out) == 6  # one record per article, as before
    records = {r["url"]: r for r in map(json.loads, out.getvalue().splitlines())}
    host = records[SITES["host"] + "tong-ket-cum"]
    assert host["event"]["date"] is None and host["officials"][0]["name"] == "Trần Thị Mai"


def test_merging_is_the_same_on_every_build_whatever_the_order(tmp_path):
    one = _events(_build(tmp_path / "one.db"))[0]
    # built in two steps, the later reports first
    urls = list(RECORDS)
    two_path = _build(tmp_path / "two.db", urls=urls[3:])
    db = sqlite_utils.Database(two_path)
    db["pages"].insert_all([_page(url) for url in urls[:3]], pk="id")
    build(two_path, fake_extract, progress=False)
    two = _events(two_path)[0]
    assert [(e["id"], e["reports"]) for e in one] == [(e["id"], e["reports"]) for e in two]
    build(two_path, fake_extract, progress=False)  # nothing new: nothing changes
    assert _events(two_path)[0] == two


def test_same_conference_rules():
    a = {"id": "a", "type": "tong_ket", "date": "2024-12-12", "published": "2024-12-13", "cluster_id": "c6",
         "cluster": "Cụm thi đua số 6", "host": "th"}
    assert same_conference(a, {**a, "id": "b", "date": "2024-12-14"})  # two days apart
    assert not same_conference(a, {**a, "id": "b", "date": "2024-12-16"})  # four days: another conference
    assert not same_conference(a, {**a, "id": "b", "type": "so_ket"})  # another kind
    assert same_conference(a, {**a, "id": "b", "types": '["binh_xet", "tong_ket"]', "type": "binh_xet"})
    # the same host, no cluster named in one report
    assert same_conference(a, {**a, "id": "b", "cluster_id": None, "cluster": None})
    # another cluster, the same host and day: two conferences
    assert not same_conference(a, {**a, "id": "b", "cluster_id": "c7", "cluster": "Cụm thi đua số 7"})
    # no date: published within a week after the other's date
    assert same_conference(a, {**a, "id": "b", "date": None, "published": "2024-12-18"})
    assert not same_conference(a, {**a, "id": "b", "date": None, "published": "2025-01-20"})


def test_a_report_without_a_date_does_not_bridge_two_conferences():
    base = {"type": "so_ket", "cluster_id": "c1", "cluster": "Cụm thi đua số 1", "host": "x"}
    reports = [{**base, "id": "a", "date": "2024-06-10", "published": "2024-06-10"},
               {**base, "id": "b", "date": None, "published": "2024-06-13"},
               {**base, "id": "c", "date": "2024-06-15", "published": "2024-06-15"}]
    groups = [[r["id"] for r in g] for g in group_reports(reports)]
    assert groups == [["a", "b"], ["c"]]


def test_the_jsonld_graph_has_one_event_per_conference_with_the_facts_of_all_its_reports(tmp_path):
    path = _build(tmp_path / "thidua.db")
    out = io.StringIO()
    assert export(path, "jsonld", out) == 4
    graph = json.loads(out.getvalue())["@graph"]
    names = {node["@id"]: node.get("name") for node in graph}
    review = next(n for n in graph if n.get("@type") == "Event" and n["startDate"] == "2024-12-12"
                  and n["name"].startswith("Cụm thi đua số 6"))
    attendees = [names[a["@id"]] for a in review["attendee"]]
    assert len(attendees) == len(set(attendees))  # each once, though three reports name them
    assert set(CUM6) | {"Lê Văn Hùng", "Trần Thị Mai"} <= set(attendees)
    assert review["award"] == ["Cờ thi đua của ngành Kiểm sát nhân dân — VKSND tỉnh Nghệ An"]

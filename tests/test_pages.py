"""The readers' pages: an event (one per conference, its reports), a unit, an official, a cluster; feeds.

Built from test_merge's pages (Cụm 6's review reported by three sites, Cụm 7's the same day,
Cụm 6's next conferences) and read through Datasette in-process.
"""
from __future__ import annotations

import re
import sqlite3
from html import unescape

import feedparser
import pytest

from kb_datasette import get_html as get
from test_merge import _build


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("pages") / "thidua.db")


def one(db_path, sql, params=()):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchone()[0]


def text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def links(html: str, table: str) -> set:
    return set(re.findall(rf'href="/thidua/{table}/([^"?#]+)"', html))


def test_the_event_page_shows_its_reports_their_disagreement_and_every_fact_with_its_source(db_path):
    event = one(db_path, "select id from events where reports = 3")
    html = get(db_path, f"/thidua/events/{event}")
    page = text(html)
    assert "Các bài đưa tin" in page and "Thông tin và dẫn chứng" in page
    assert "Tổng kết" in page and "tong_ket" not in text(html.split('class="kb-raw"')[0])  # type in words
    # three reports, the sites and dates they give (one gives none)
    assert re.findall(r'<tr class="report"><td>([^<]*)</td>', html) == [
        "kiemsat.example.vn", "baovephapluat.example.vn", "vksthanhhoa.example.vn"]
    assert "Các bài ghi khác nhau về ngày (2024-12-12 / 2024-12-13)" in page
    # facts of all three reports, each linked to its page and to the article it comes from
    assert links(html, "officials") == {one(db_path, "select id from officials where name = ?", [n])
                                        for n in ("Lê Văn Hùng", "Trần Thị Mai")}
    assert one(db_path, "select id from units where name = 'VKSND tỉnh Nghệ An'") in links(html, "units")
    assert len(links(html, "articles")) == 3
    (award,) = links(html, "awards")  # the award links to its own page
    assert "Cờ thi đua của ngành Kiểm sát nhân dân" in text(get(db_path, f"/thidua/awards/{award}"))
    cluster = one(db_path, "select cluster_id from events where id = ?", [event])
    assert links(html, "clusters") == {cluster}


def test_a_units_page(db_path):
    unit = one(db_path, "select id from units where name = 'VKSND tỉnh Thanh Hóa'")
    html = get(db_path, f"/thidua/units/{unit}")
    page = text(html)
    for heading in ("Cụm, khối thi đua theo năm", "Vai trò theo năm", "Khen thưởng", "Cán bộ của đơn vị",
                    "Sự kiện, theo thời gian"):
        assert heading in page
    assert "Tỉnh (trước 2025) Thanh Hóa" in page
    assert "2024 Cụm trưởng" in page  # its role that year, from the three reports
    assert one(db_path, "select id from officials where name = 'Lê Văn Hùng'") in links(html, "officials")
    dates = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td><td>", html.split('id="events"')[1])
    assert dates == ["2024-12-12", "2025-03-05", "2025-12-11"]  # every event it took part in, in date order
    assert f'href="/thidua/feed_unit.atom?unit_id={unit}"' in html
    feed = feedparser.parse(get(db_path, f"/thidua/feed_unit.atom?unit_id={unit}"))
    assert sorted(e.title for e in feed.entries) == sorted(re.findall(
        r'<td><a href="/thidua/events/[^"]+">([^<]+)</a></td>', html.split('id="events"')[1]))  # its events, once


def test_an_officials_page(db_path):
    official = one(db_path, "select id from officials where name = 'Trần Thị Mai'")
    html = get(db_path, f"/thidua/officials/{official}")
    page = text(html)
    assert "Chức vụ qua thời gian" in page
    assert "Viện trưởng VKSND tỉnh Hà Tĩnh 2024-12-12 2024-12-12 1" in page  # title, unit, from, to, times
    assert links(html, "events") == {one(db_path, "select id from events where reports = 3")}
    assert one(db_path, "select id from units where name = 'VKSND tỉnh Hà Tĩnh'") in links(html, "units")


def test_a_clusters_page(db_path):
    cluster = one(db_path, "select id from clusters where name = 'Cụm thi đua số 6'")
    html = get(db_path, f"/thidua/clusters/{cluster}")
    page = text(html)
    assert "Thành viên theo năm" in page and "Cụm trưởng, cụm phó theo năm" in page and "Sự kiện theo năm" in page
    assert len(links(html, "events")) == 3  # its three conferences, each once
    assert "3 bài" in page
    assert f'href="/thidua/feed_cluster.atom?cluster_id={cluster}"' in html
    assert 'type="application/atom+xml"' in html


def test_a_feed_reader_reads_a_clusters_feed(db_path):
    cluster = one(db_path, "select id from clusters where name = 'Cụm thi đua số 6'")
    feed = feedparser.parse(get(db_path, f"/thidua/feed_cluster.atom?cluster_id={cluster}"))
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Sự kiện mới của một cụm, khối"
    titles = [e.title for e in feed.entries]
    assert titles == ["Cụm thi đua số 6 tổng kết năm 2025", "Cụm thi đua số 6 ký kết giao ước năm 2025",
                      "Cụm thi đua số 6 tổng kết công tác năm 2024"]  # newest first, the merged one once
    assert feed.entries[2].link.endswith("/thidua/events/" + one(db_path, "select id from events where reports = 3"))
    assert "3 bài" in feed.entries[2].summary
    everything = feedparser.parse(get(db_path, "/thidua/feed_events.atom"))
    assert len(everything.entries) == 4


def test_tables_open_with_the_columns_that_fit_a_screen(db_path):
    html = get(db_path, "/thidua/articles")
    headers = re.findall(r'<th [^>]*data-column="([^"]+)"', html)
    assert "title" in headers and "text" not in headers and "text_folded" not in headers
    assert 'href="/thidua/articles?_all=1"' in html  # every column on request
    assert "text_folded" in re.findall(r'<th [^>]*data-column="([^"]+)"', get(db_path, "/thidua/articles?_all=1"))
    assert '<details class="kb-column-descriptions">' in html  # descriptions folded away from the rows


def test_the_search_page_gives_results_with_snippets_links_and_facets(db_path):
    html = get(db_path, "/thidua/search_events?q=cum+thi+dua+so+6")
    hits = html.split('<li class="kb-hit">')[1:]
    # Cụm 6's three conferences, each once though five reports tell them (every word must occur: not Cụm 7's)
    assert len(hits) == 3
    assert sorted(links("".join(hits), "events")) == sorted(
        r[0] for r in sqlite3.connect(db_path).execute(
            "select e.id from events e join clusters c on c.id = e.cluster_id where c.name = 'Cụm thi đua số 6'"))
    assert "(3 bài)" in html  # the merged one says how many reports it has
    first = hits[0]
    assert "<mark>Cụm</mark> <mark>thi</mark> <mark>đua</mark> <mark>số</mark> <mark>6</mark>" in first
    assert re.search(r'href="/thidua/events/[^"]+"', first) and re.search(r'href="/thidua/articles/[^"]+"', first)
    assert '<span class="kb-type">Tổng kết</span>' in html or '<span class="kb-type">Ký kết giao ước</span>' in html
    facets = {m: re.findall(r'<li(?: class="kb-chosen")?><a href="[^"]*">([^<]+)</a> (\d+)</li>',
                            html.split(f'kb-facet-{m}"')[1].split("</ul>")[0])
              for m in ("year", "type", "cluster", "province")}
    assert facets["year"] == [("2025", "2"), ("2024", "1")]
    assert facets["type"] == [("Tổng kết", "2"), ("Ký kết giao ước", "1")]
    assert facets["cluster"] == [("Cụm thi đua số 6", "3")]
    narrowed = get(db_path, "/thidua/search_events?q=cum+thi+dua+so+6&year=2025")
    assert len(narrowed.split('<li class="kb-hit">')[1:]) == 2


def test_accented_matches_rank_above_folded_ones(tmp_path):
    import sqlite_utils

    from kb.build import build
    from kb_fixtures import page_row

    texts = {"https://a.example.vn/1": "Hoi nghi thi dua Cum 6 ban chu khong dau.",
             "https://b.example.vn/2": "Hội nghị thi đua Cụm 6 viết có dấu."}

    def extract(page):
        return {"url": page["url"], "source": page["url"].split("/")[2], "published": "2024-06-29",
                "title": texts[page["url"]][:20], "author": None, "relevant": True, "text": texts[page["url"]],
                "event": {"type": "so_ket", "date": None, "period": None, "online": False, "cluster": None,
                          "scope": None},
                "units": [], "officials": [], "awards": [], "roles": [], "documents": []}

    path = tmp_path / "thidua.db"
    sqlite_utils.Database(path)["pages"].insert_all([page_row(u, f"<p>{t}</p>") for u, t in texts.items()], pk="id")
    build(path, extract, progress=False)
    for query, first in (("thi+%C4%91ua+C%E1%BB%A5m", "Hội nghị thi đua Cụm"), ("thi+dua+Cum", "Hoi nghi thi dua Cum")):
        html = get(path, f"/thidua/search_events?q={query}")
        titles = re.findall(r'<div class="kb-hit-title"><a href="[^"]+">([^<]+)</a>', html)
        assert len(titles) == 2 and titles[0].startswith(first), (query, titles)


def test_names_in_the_questions_answers_link_to_their_pages(db_path):
    unit = one(db_path, "select id from units where name = 'VKSND tỉnh Thanh Hóa'")
    cluster = one(db_path, "select id from clusters where name = 'Cụm thi đua số 6'")
    html = get(db_path, "/thidua/cluster_leaders?cluster=cum+6")
    assert f'<td class="col-unit"><a href="/thidua/units/{unit}">VKSND tỉnh Thanh Hóa</a></td>' in html
    assert f'<a href="/thidua/clusters/{cluster}">Cụm thi đua số 6</a>' in html
    official = one(db_path, "select id from officials where name = 'Lê Văn Hùng'")
    assert f'<a href="/thidua/officials/{official}">Lê Văn Hùng</a>' in get(db_path, "/thidua/official_profile?name=hung")
    awards = get(db_path, "/thidua/awards_by_year?year=&recipient=nghe+an")
    assert re.search(r'<td class="col-award"><a href="/thidua/awards/[^"]+">Cờ thi đua', awards)
    assert re.search(r'<td class="col-recipient"><a href="/thidua/units/[^"]+">VKSND tỉnh Nghệ An</a>', awards)


@pytest.fixture
def short_lists(monkeypatch, db_path):
    """The readers' pages with lists of one entry (LIST_SIZE), on the plugin as Datasette loaded it."""
    from datasette.plugins import pm

    from kb.serve import make_datasette

    make_datasette(db_path)  # registers the plugin (once per process)
    (plugin,) = [p for p in pm.get_plugins() if hasattr(p, "LIST_SIZE") and hasattr(p, "_newest_facts")]
    monkeypatch.setattr(plugin, "LIST_SIZE", 1)
    monkeypatch.setattr(plugin, "FACT_ROWS", 4)


def test_a_units_long_lists_show_the_newest_and_page_through_the_rest(db_path, short_lists):
    unit = one(db_path, "select id from units where name = 'VKSND tỉnh Thanh Hóa'")
    dates, page, pages = [], f"/thidua/units/{unit}", 0
    while page and pages < 10:
        html = get(db_path, page)
        events = html.split('id="events"')[1]
        dates = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td><td>", events) + dates
        older = re.search(r'<a href="(\?events_page=\d+)#events">← ', events)
        page = f"/thidua/units/{unit}{older.group(1)}" if older else None
        pages += 1
    assert dates == ["2024-12-12", "2025-03-05", "2025-12-11"] and pages == 3  # newest first, one a page
    assert f'href="/thidua/units/{unit}#events">các sự kiện sau đó' in get(db_path, f"/thidua/units/{unit}?events_page=2")
    first = get(db_path, f"/thidua/units/{unit}")
    assert "sự kiện sau đó" not in first
    if one(db_path, "select count(distinct year || role || cluster_id) from roles where unit_id = ?", [unit]) > 1:
        assert f'href="/thidua/roles?unit_id={unit}"' in first


def test_a_clusters_long_lists_link_to_the_rest(db_path, short_lists):
    cluster = one(db_path, "select id from clusters where name = 'Cụm thi đua số 6'")
    html = get(db_path, f"/thidua/clusters/{cluster}")
    assert len(links(html.split('id="events"')[1], "events")) == 1  # the newest of its three conferences
    assert f'href="/thidua/events?cluster_id={cluster}">xem tất cả</a>' in html
    assert "Cụm thi đua số 6 tổng kết năm 2025" in html


def test_the_search_page_shows_20_results_a_page_and_counts_facets_over_all(tmp_path):
    import sqlite_utils

    from kb.build import build
    from kb_fixtures import page_row

    urls = [f"https://a.example.vn/{i}" for i in range(30)]

    def extract(page):
        i = int(page["url"].rsplit("/", 1)[1])
        return {"url": page["url"], "source": "a.example.vn", "published": f"{2020 + i % 2}-06-{1 + i % 28:02d}",
                "title": f"Hội nghị thi đua lần {i}", "author": None, "relevant": True,
                "text": f"Hội nghị thi đua lần {i} của đơn vị số {i}.",
                "event": {"type": "so_ket", "date": None, "period": None, "online": False, "cluster": None,
                          "scope": None},
                "units": [], "officials": [], "awards": [], "roles": [], "documents": []}

    path = tmp_path / "thidua.db"
    sqlite_utils.Database(path)["pages"].insert_all([page_row(u, f"<p>{u}</p>") for u in urls], pk="id")
    build(path, extract, progress=False)
    events = one(path, "select count(*) from events")
    first, second = get(path, "/thidua/search_events?q=thi+dua"), get(path, "/thidua/search_events?q=thi+dua&page=2")
    hits = [re.findall(r'href="/thidua/events/([^"]+)"', h.split('<li class="kb-hit">', 1)[1].split("</ol>")[0])
            for h in (first, second)]
    assert len(first.split('<li class="kb-hit">')) - 1 == 20 and len(second.split('<li class="kb-hit">')) - 1 == events - 20
    assert not set(hits[0]) & set(hits[1])  # the second page goes on where the first stopped
    assert f"{events} kết quả" in text(first) and "kết quả 21–" in text(second)
    assert "page=2" in first and "page=1" in second  # links to the next and the previous page
    years = re.findall(r'<li(?: class="kb-chosen")?><a href="[^"]*">([^<]+)</a> (\d+)</li>',
                       first.split('kb-facet-year"')[1].split("</ul>")[0])
    assert sum(int(n) for _, n in years) == events  # counted over every result, not the page's 20

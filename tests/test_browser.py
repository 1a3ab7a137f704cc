"""The knowledge base as a person uses it: a real browser (Debian chromium) on `thidua serve`.

Builds a small knowledge base from synthetic records, serves it on 127.0.0.1 and
walks through it: home page, accent-insensitive search, an event with its
evidence, the four questions (a cluster's conferences by year, cluster leaders,
a unit's awards, an official's titles), the dashboard's charts and the units map.
Nothing may load from outside loopback (the charts' and map's JS/CSS are served
locally); map tiles are the one exception, and offline the map falls back to a
local layer of province dots. Screenshots go to test-artifacts/.
"""
from __future__ import annotations

import contextlib
import os
import re
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kb_fixtures import built_rich_db
from servers import free_port, serve

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
TILES = re.compile(r"^https?://[abc]?\.?tile\.openstreetmap\.org/")

if not os.path.exists(CHROMIUM):
    pytest.skip(f"Debian chromium is not installed at {CHROMIUM}", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (pip) is not installed")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db_path = built_rich_db(tmp_path_factory.mktemp("kb"))
    port = free_port()
    with serve(db_path, port) as base:
        yield base
    with pytest.raises(ConnectionRefusedError):  # no leftovers: nothing listens any more
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


class Browser:
    """One page, with every request outside loopback refused and recorded, and JS errors collected."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.external: list[str] = []
        self.errors: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.route("**/*", self._route)

    def _route(self, route):
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort("internetdisconnected")

    def goto(self, path: str):
        self.page.goto(self.base + path, wait_until="networkidle")

    def shot(self, name: str):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def column(self, name: str) -> list[str]:
        """Texts of a result table's column (Datasette gives each cell the class col-<name>)."""
        return [t.strip() for t in self.page.locator(f"table.rows-and-columns td.col-{name}").all_inner_texts()]

    def check_clean(self):
        """Styled (Datasette's CSS loaded), no raw HTML showing, no JS errors, nothing fetched from outside."""
        header = self.page.locator("header").first
        assert header.evaluate("e => getComputedStyle(e).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
        body = self.page.inner_text("body")
        assert "<mark>" not in body and "&lt;" not in body
        assert not self.errors, self.errors
        assert all(TILES.match(u) for u in self.external), self.external


@contextlib.contextmanager
def open_browser(base: str):
    """Debian chromium, headless, on the server at ``base`` (a :class:`Browser`)."""
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"])
        try:
            context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
            yield Browser(context.new_page(), base)
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def browser(server):
    with open_browser(server) as b:
        yield b


def test_home_page_offers_search_and_the_questions(browser):
    browser.goto("/")
    page = browser.page
    sync_api.expect(page.locator("h1")).to_have_text("Cơ sở tri thức Thi đua – Khen thưởng")
    sync_api.expect(page.locator("p.kb-english")).to_contain_text("A knowledge base of Vietnamese")
    questions = page.locator("ul.kb-questions li")
    assert questions.count() >= 4
    sync_api.expect(page.get_by_role("searchbox")).to_be_visible()
    browser.shot("home")
    browser.check_clean()


def test_search_is_accent_insensitive_and_leads_to_an_event_with_its_evidence(browser):
    browser.goto("/")
    page = browser.page
    page.get_by_role("searchbox").fill("thi dua")
    page.get_by_role("button", name="Tìm").click()
    page.wait_for_url(re.compile(r"/thidua/search_events\?q=thi\+dua"))
    titles = [t.strip() for t in page.locator(".kb-hit .kb-hit-title").all_inner_texts()]
    assert len(titles) >= 10 and "Cụm thi đua số 4 tổng kết năm 2023, suy tôn Cụm trưởng năm 2024" in titles
    assert "Xét xử lưu động vụ án cố ý gây thương tích" not in titles  # not about thi đua
    marks = page.locator(".kb-snippet mark").all_inner_texts()
    assert marks and all(re.fullmatch(r"(?i)thi|đua|dua", m) for m in marks)  # "thi dua" found "thi đua"
    for facet in ("Năm", "Loại sự kiện", "Cụm, khối", "Tỉnh"):
        sync_api.expect(page.locator(".kb-facets h3", has_text=facet)).to_be_visible()
    assert "Tổng kết" in page.locator(".kb-facet-type").inner_text()  # types in words
    browser.shot("search-thi-dua")
    browser.check_clean()

    hit = page.locator(".kb-hit", has_text="suy tôn Cụm trưởng năm 2024")
    hit.locator(".kb-hit-title a").click()
    page.wait_for_url(re.compile(r"/thidua/events/"))
    sync_api.expect(page.locator("h1").first).to_have_text("Cụm thi đua số 4 tổng kết năm 2023, suy tôn Cụm trưởng năm 2024")
    sync_api.expect(page.get_by_role("heading", name="Thông tin và dẫn chứng")).to_be_visible()
    facts = page.locator("table.event-facts tbody tr")
    assert facts.count() >= 8
    official = page.locator("table.event-facts tr.fact-official", has_text="Phạm Thu Hà")
    sync_api.expect(official.locator("mark")).to_have_text("Phạm Thu Hà")
    assert "Phó Viện trưởng VKSND tối cao, dự và phát biểu chỉ đạo" in official.inner_text()
    role = page.locator("table.event-facts tr.fact-role", has_text="VKSND tỉnh Phú Thọ: Cụm trưởng 2024")
    sync_api.expect(role.locator("mark")).to_have_text("Cụm trưởng năm 2024")
    unit = page.locator("table.event-facts tr.fact-unit", has_text="VKSND tỉnh Bắc Giang")
    sync_api.expect(unit.locator("mark")).to_have_text("Viện kiểm sát nhân dân tỉnh Bắc Giang")  # as written
    browser.shot("event-with-evidence")
    browser.check_clean()


def _ask(browser, question: str, shot: str, **fields):
    """Follow a question's link on the home page, fill the query's form and run it."""
    browser.goto("/")
    page = browser.page
    page.locator("ul.kb-questions a", has_text=question).click()
    page.wait_for_load_state("networkidle")
    for field, value in fields.items():
        page.locator(f"input[name={field}]").fill(value)
    if fields:
        page.locator("input[type=submit][value='Tìm']").first.click()
        page.wait_for_load_state("networkidle")
    browser.shot(shot)
    browser.check_clean()
    return page


def test_which_conferences_a_cluster_held_year_by_year(browser):
    page = _ask(browser, "đã tổ chức những hội nghị nào", "q1-cluster-conferences", cluster="cụm 4",
                scope="kiem sat")
    years = [int(y) for y in browser.column("year")]
    types = browser.column("type")
    assert list(zip(years, types)) == [(2020, "Sơ kết"), (2022, "Ký kết giao ước"), (2022, "Tổng kết"),
                                       (2023, "Tổng kết"), (2023, "Tổng kết")]  # event types in words
    assert set(browser.column("scope")) == {"ngành Kiểm sát nhân dân"}  # not the Nghệ An Cụm số 4
    assert page.locator("td.col-event_id a").count() == 5


def test_who_led_each_cluster_each_year(browser):
    _ask(browser, "làm Cụm trưởng, Khối trưởng", "q2-cluster-leaders")
    rows = list(zip(browser.column("cluster"), browser.column("year"), browser.column("role"), browser.column("unit")))
    assert ("Cụm thi đua số 10", "2022", "Cụm trưởng", "VKSND tỉnh Long An") in rows
    assert ("Cụm thi đua số 10", "2023", "Cụm trưởng", "VKSND tỉnh Tiền Giang") in rows
    assert ("Cụm thi đua số 4", "2022", "Cụm trưởng", "VKSND tỉnh Thái Nguyên") in rows
    assert ("Cụm thi đua số 4", "2023", "Cụm trưởng", "VKSND tỉnh Bắc Giang") in rows
    assert ("Khối thi đua số 2", "2025", "Khối trưởng", "Vụ 7 VKSND tối cao") in rows
    assert browser.page.locator("td.col-evidence_sentence mark").count() == len(rows)


def test_which_awards_a_unit_received_whatever_the_spelling(browser):
    page = _ask(browser, "đã nhận những khen thưởng nào", "q3-unit-awards", unit="Viện kiểm sát nhân dân Long An")
    assert list(zip(browser.column("year"), browser.column("award"))) == [
        ("2022", "Cờ thi đua của Chính phủ"), ("2024", "Bằng khen của Thủ tướng Chính phủ")]
    assert set(browser.column("unit")) == {"VKSND tỉnh Long An"}
    sync_api.expect(page.locator("td.col-evidence_sentence mark").first).to_have_text("Cờ thi đua của Chính phủ")


def test_where_an_official_appeared_and_under_which_titles(browser):
    _ask(browser, "Một cán bộ đã xuất hiện ở đâu", "q4-official-profile", name="pham thu ha")
    rows = list(zip(browser.column("fact"), browser.column("title"), browser.column("date")))
    positions = {(t, d) for f, t, d in rows if f == "position"}
    assert {t for t, _ in positions} == {"Phó Viện trưởng", "Phó Viện trưởng thường trực"}
    assert [d for f, _, d in rows if f == "appearance"] == ["2023-12-19", "2024-01-11", "2024-11-27"]


def _offline_layer_drawn(scope):
    """No tiles offline: the map falls back to a dot per province, so Vietnam's outline shows."""
    scope.locator(".leaflet-container.kb-offline").first.wait_for(state="attached", timeout=15000)
    dots = scope.locator(".leaflet-container.kb-offline path.leaflet-interactive")
    dots.nth(40).wait_for(state="attached", timeout=15000)


def test_dashboard_charts_render_offline(browser):
    browser.goto("/-/dashboards/thidua-overview")
    page = browser.page
    sync_api.expect(page.locator("h1")).to_contain_text("Tổng quan thi đua – khen thưởng")
    sync_api.expect(page.locator(".dashboard-card", has=page.locator("text='Sự kiện'"))).to_contain_text("11")
    # vega-lite draws into svg or canvas; bars are marks of the rendered scene
    for title in ("Sự kiện theo năm và loại", "Khen thưởng theo năm"):
        card = page.locator(".dashboard-card", has_text=title)
        card.locator("svg, canvas").first.wait_for(state="visible", timeout=15000)
        box = card.locator("svg, canvas").first.bounding_box()
        assert box["width"] > 200 and box["height"] > 150, (title, box)
    map_card = page.locator(".dashboard-card", has_text="Sự kiện theo tỉnh")
    map_card.locator(".leaflet-marker-icon").first.wait_for(state="visible", timeout=15000)
    assert map_card.locator(".leaflet-marker-icon").count() >= 3
    _offline_layer_drawn(map_card)
    page.wait_for_timeout(300)
    browser.shot("dashboard")
    browser.check_clean()


def test_units_map_shows_markers_offline(browser):
    browser.goto("/thidua/units_map")
    page = browser.page
    page.locator(".leaflet-container .leaflet-marker-icon").first.wait_for(state="visible", timeout=15000)
    assert page.locator(".leaflet-marker-icon").count() >= 2
    _offline_layer_drawn(page)
    page.wait_for_timeout(300)
    browser.shot("units-map")
    browser.check_clean()
    # clicking a cluster of markers zooms in and spreads it into the units' markers
    page.locator(".marker-cluster").first.click()
    page.wait_for_timeout(800)
    assert page.locator(".leaflet-marker-icon").count() >= 3

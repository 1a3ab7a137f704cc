"""The demo knowledge base in a real browser (Debian chromium), as its Vietnamese readers use it.

Runs `thidua demo --no-serve` (the bundled mirror: crawl, extract, build), serves the result and
walks from the home page through search to an event reported by three sites, its cluster, a
unit and an official, each page in Vietnamese and linking to the others; then reads the
cluster's feed. Screenshots go to test-artifacts/demo-*.png (the README's are copied from there).
"""
from __future__ import annotations

import re
import subprocess
import sys
import urllib.request

import pytest

from servers import serve
from test_browser import ARTIFACTS, ROOT, open_browser, sync_api

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    db = tmp_path_factory.mktemp("demo") / "thidua.db"
    built = subprocess.run([sys.executable, "-m", "thidua.cli", "demo", "--no-serve", "--db", str(db)],
                           cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    with serve(db) as base:
        yield base


@pytest.fixture(scope="module")
def demo(demo_server):
    with open_browser(demo_server) as b:
        yield b


def _shot(browser, name):
    ARTIFACTS.mkdir(exist_ok=True)
    browser.page.screenshot(path=str(ARTIFACTS / f"demo-{name}.png"), full_page=False)


def test_a_reader_goes_from_search_to_an_event_its_cluster_a_unit_and_an_official(demo):
    page = demo.page
    demo.goto("/")
    sync_api.expect(page.locator("h1")).to_have_text("Cơ sở tri thức Thi đua – Khen thưởng")
    _shot(demo, "home")
    demo.check_clean()

    # search, without accents
    page.get_by_role("searchbox").fill("cum 6 so ket 2024")
    page.get_by_role("button", name="Tìm").click()
    page.wait_for_url(re.compile(r"/thidua/search_events\?q="))
    sync_api.expect(page.locator(".kb-count")).to_contain_text("kết quả cho “cum 6 so ket 2024”")
    hit = page.locator(".kb-hit").first
    sync_api.expect(hit.locator(".kb-type")).to_have_text("Sơ kết")
    assert hit.locator(".kb-snippet mark").count() >= 3
    _shot(demo, "search")
    demo.check_clean()

    # the event: three sites' reports, one conference
    hit.locator(".kb-meta a", has_text="sự kiện").click()
    page.wait_for_url(re.compile(r"/thidua/events/"))
    sync_api.expect(page.get_by_role("heading", name="Các bài đưa tin")).to_be_visible()
    sites = page.locator("table.event-reports tr.report td:first-child").all_inner_texts()
    assert sorted(sites) == ["mirror_bvpl", "mirror_kiemsat", "mirror_vkstv"]
    assert "không ghi" in page.locator("table.event-reports").inner_text()  # the host's report gives no date
    sync_api.expect(page.locator("dl.kb-summary")).to_contain_text("Sơ kết")
    official = page.locator("table.event-facts tr.fact-official", has_text="Phan Đức Lượng")
    assert official.locator("p.kb-evidence").count() == 3  # the same fact, told by three reports
    _shot(demo, "event")
    demo.check_clean()

    # its cluster
    page.locator("dl.kb-summary a", has_text="Cụm thi đua số 6").click()
    page.wait_for_url(re.compile(r"/thidua/clusters/"))
    for heading in ("Thành viên theo năm", "Cụm trưởng, cụm phó theo năm", "Sự kiện theo năm"):
        sync_api.expect(page.get_by_role("heading", name=heading)).to_be_visible()
    sync_api.expect(page.locator("table.cluster-leaders")).to_contain_text("VKSND tỉnh Quảng Bình")  # Cụm trưởng 2025
    feed = page.locator("a.kb-feed").get_attribute("href")
    _shot(demo, "cluster")
    demo.check_clean()

    # a member unit
    page.locator("table.cluster-members a", has_text="VKSND tỉnh Hà Tĩnh").first.click()
    page.wait_for_url(re.compile(r"/thidua/units/"))
    sync_api.expect(page.locator("h1")).to_have_text("VKSND tỉnh Hà Tĩnh")
    for heading in ("Cụm, khối thi đua theo năm", "Vai trò theo năm", "Khen thưởng", "Cán bộ của đơn vị",
                    "Sự kiện, theo thời gian"):
        sync_api.expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    sync_api.expect(page.locator("table.unit-roles")).to_contain_text("Cụm trưởng")
    _shot(demo, "unit")
    demo.check_clean()

    # one of its officials
    page.locator("table.unit-officials a", has_text="Phan Đức Lượng").click()
    page.wait_for_url(re.compile(r"/thidua/officials/"))
    sync_api.expect(page.locator("h1")).to_have_text("Phan Đức Lượng")
    sync_api.expect(page.locator("table.official-positions")).to_contain_text("Viện trưởng")
    assert page.locator("table.official-events a[href*='/thidua/events/']").count() >= 2
    assert page.locator("table.official-positions mark").count() >= 1
    _shot(demo, "official")
    demo.check_clean()

    # and the cluster's feed, as a feed reader reads it
    feedparser = pytest.importorskip("feedparser")
    with urllib.request.urlopen(demo.base + feed) as response:
        parsed = feedparser.parse(response.read())
    titles = [e.title for e in parsed.entries]
    assert "Cụm thi đua số 6 sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2024" in titles
    assert len(titles) == len(set(titles))  # the conference once, not once per report

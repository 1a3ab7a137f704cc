"""The crawler against the offline mirror: pagination, faults, redirects, robots.txt, no refetching.

Each crawl runs ``thidua crawl`` in a subprocess; the mirror runs in this process,
so its request log shows exactly what the crawler fetched.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import MIRROR_SOURCES, REPO, TEST_SCRAPY_SETTINGS, query, run_crawl_cli
from crawler import store
from crawler.sources import MIRROR_ORIGIN
from crawler.mirror.server import DISALLOWED_ARTICLE, GONE_ARTICLE


@pytest.fixture(scope="module")
def crawled_once(module_mirror, tmp_path_factory):
    """One full crawl of every mirror source, shared by the read-only tests: (mirror, db, stats)."""
    db = tmp_path_factory.mktemp("crawl") / "crawl.db"
    stats = run_crawl_cli(module_mirror.url, db)
    log = list(module_mirror.requested())
    return module_mirror, db, stats, log


@pytest.fixture
def crawled(mirror, crawl_cli, tmp_path):
    """A full crawl of every mirror source for a test that changes things: (mirror, db, stats)."""
    db = tmp_path / "crawl.db"
    stats = crawl_cli(mirror.url, db=db)
    return mirror, db, stats


def stored_paths(db):
    """Paths of the stored pages (mirror pages are stored under the stable MIRROR_ORIGIN)."""
    rows = query(db, "SELECT final_url FROM pages")
    assert all(final_url.startswith(MIRROR_ORIGIN + "/") for (final_url,) in rows)
    return {final_url[len(MIRROR_ORIGIN):] for (final_url,) in rows}


def test_crawl_follows_listing_pagination_and_stores_every_article(crawled_once):
    mirror, db, stats, requested = crawled_once
    for page2 in ("/bvpl/tin-moi-nhat/p/2", "/kiemsat/tin-moi-nhat?page=2", "/vkstv/page/2/", "/vkstv/feed/"):
        assert page2 in requested
    assert set(mirror.article_paths()) <= stored_paths(db)
    assert stats["finish_reason"] == "finished"
    assert stats["new_articles"] == len(query(db, "SELECT id FROM pages"))
    assert stats["pages"] == stats["listing_pages"] + stats["article_pages"]


def test_listing_scope_ignores_sidebar_links(crawled_once):
    # Sidebars ("Đọc nhiều", "Tin khác") link canonical article URLs; the moved article is
    # listed only under its old URL, so its canonical URL is never requested directly.
    mirror, db, _, requested = crawled_once
    index = mirror.router.index
    for site, article in index.moved.items():
        assert requested.count(article.path) == 1  # once: as the 301's target


def test_stored_page_matches_the_contract(crawled_once):
    mirror, db, stats, requested = crawled_once
    row = query(db, "SELECT url, final_url, source, status, fetched_at, content_hash, html, content_type,"
                    " encoding, is_article FROM pages WHERE source = 'mirror_bvpl' LIMIT 1")[0]
    url, final_url, source, status, fetched_at, digest, html, content_type, encoding, is_article = row
    assert status == 200 and is_article == 1 and encoding == "utf-8"
    assert isinstance(html, bytes) and digest == store.content_hash(html)
    assert fetched_at.endswith("+00:00") and content_type.startswith("text/html")
    run = query(db, "SELECT sources, finished, pages, new_articles, errors FROM crawl_runs")[0]
    assert run[0] == ",".join(MIRROR_SOURCES) and run[1] and run[2] == stats["pages"]
    assert query(db, "PRAGMA journal_mode")[0][0] == "wal"


def test_404_is_recorded_and_the_crawl_goes_on(crawled_once):
    mirror, db, _, requested = crawled_once
    errors = query(db, "SELECT url, status, reason FROM crawl_errors")
    for path in GONE_ARTICLE.values():
        assert (MIRROR_ORIGIN + path, 404, "HTTP 404") in errors


def test_redirect_from_an_old_url_is_followed(crawled_once):
    mirror, db, _, requested = crawled_once
    for site, article in mirror.router.index.moved.items():
        rows = query(db, "SELECT final_url, status FROM pages WHERE url = ?", (MIRROR_ORIGIN + article.old_path,))
        assert rows == [(MIRROR_ORIGIN + article.path, 200)]
        assert article.old_path in requested


def test_robots_txt_is_obeyed(crawled_once):
    mirror, db, _, requested = crawled_once
    assert "/robots.txt" in requested
    for path in DISALLOWED_ARTICLE.values():
        assert path not in requested
        reasons = [r for (r,) in query(db, "SELECT reason FROM crawl_errors WHERE url = ?", (MIRROR_ORIGIN + path,))]
        assert reasons and "robots.txt" in reasons[0]
    assert not [p for p in requested if p.startswith(("/bvpl/noi-bo/", "/kiemsat/print/", "/vkstv/wp-admin/"))]


def test_bad_pages_are_recorded_with_a_reason_never_crash(crawled_once):
    mirror, db, stats, requested = crawled_once
    assert stats["finish_reason"] == "finished"
    reasons = {url[len(MIRROR_ORIGIN):]: reason for url, reason in query(db, "SELECT url, reason FROM crawl_errors")}
    expected = {
        "/loi/bai-viet/trang-rong.html": "empty body",
        "/loi/bai-viet/tep-nhi-phan.html": "binary content",
        "/loi/bai-viet/tep-nhi-phan-gia-html.html": "binary content",
        "/loi/bai-viet/khong-co-bai.html": "no article text",
        "/loi/bai-viet/bi-cat-giua-chung.html": "truncated",
        "/loi/bai-viet/trang-qua-lon.html": "too large",
        "/loi/bai-viet/loi-may-chu.html": "HTTP 500",
        "/loi/bai-viet/qua-cham.html": "timeout",
        "/loi/bai-viet/vong-lap-a.html": "redirect loop",
        "/loi/bai-viet/bai-da-xoa.html": "HTTP 404",
    }
    for path, reason in expected.items():
        assert reason in reasons.get(path, ""), (path, reasons.get(path))
    pages = {url[len(MIRROR_ORIGIN):]: (enc, is_article, len(html)) for url, enc, is_article, html
             in query(db, "SELECT url, encoding, is_article, html FROM pages WHERE source = 'mirror_faults'")}
    assert pages["/loi/bai-viet/ma-windows-1258.html"][:2] == ("windows-1258", 1)
    assert pages["/loi/bai-viet/trang-rong.html"] == ("utf-8", 0, 0)
    assert pages["/loi/bai-viet/tep-nhi-phan.html"][1] == 0


def test_second_crawl_fetches_no_stored_article(crawled, crawl_cli):
    mirror, db, first = crawled
    stored = stored_paths(db)
    mirror.clear_log()
    second = crawl_cli(mirror.url, db=db)
    assert second["new_articles"] == 0
    assert not stored & set(mirror.requested())
    assert query(db, "SELECT count(*) FROM pages")[0][0] == first["new_articles"]


def test_mirror_pages_keep_their_urls_across_mirror_restarts(crawled, crawl_cli, dev_articles_dir):
    from conftest import start_test_mirror

    mirror, db, first = crawled
    with start_test_mirror(dev_articles_dir) as other:  # another port
        assert other.url != mirror.url
        second = crawl_cli(other.url, db=db)
        assert second["new_articles"] == 0
        assert not set(stored_paths(db)) & set(other.requested())


def test_incremental_crawl_stops_at_a_listing_page_of_known_articles(crawled):
    mirror, db, _ = crawled
    # Nothing new: page 1 of each listing holds only known articles, so paging stops there.
    mirror.clear_log()
    stats = crawl_in_subprocess(db, ["mirror_bvpl", "mirror_vkstv"], mirror.url, incremental=True)
    assert stats["incremental"] == 1 and stats["new_articles"] == 0
    assert "/bvpl/tin-moi-nhat" in mirror.requested() and "/vkstv/" in mirror.requested()
    assert not [p for p in mirror.requested() if "/p/" in p or "/page/" in p]
    # One new article (here: forgotten) on page 1: it is fetched.
    newest = mirror.router.index.by_site["bvpl"][0]
    query(db, "DELETE FROM pages WHERE final_url = ?", (MIRROR_ORIGIN + newest.path,))
    stats = crawl_in_subprocess(db, ["mirror_bvpl"], mirror.url, incremental=True)
    assert stats["new_articles"] == 1 and newest.path in mirror.requested()


def crawl_in_subprocess(db, sources, mirror_url, **options) -> dict:
    """crawler.run.crawl() in a child process (the CLI's `update` runs it with incremental=True)."""
    env = dict(os.environ, THIDUA_SCRAPY_SETTINGS=json.dumps(TEST_SCRAPY_SETTINGS))
    kwargs = dict(db_path=str(db), source_names=sources, mirror_url=mirror_url, **options)
    proc = subprocess.run([sys.executable, "-m", "crawler.run", json.dumps(kwargs)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_max_pages_stops_the_crawl_early(mirror, crawl_cli):
    stats = crawl_cli(mirror.url, "--max-pages", "3", sources=["mirror_bvpl"])
    assert stats["finish_reason"] == "closespider_pagecount"
    assert stats["new_articles"] < len(mirror.article_paths("bvpl"))


def test_jobdir_keeps_the_crawl_state(mirror, crawl_cli, tmp_path):
    jobdir = tmp_path / "job"
    stats = crawl_cli(mirror.url, "--jobdir", str(jobdir), sources=["mirror_kiemsat"])
    assert stats["new_articles"] == len(mirror.article_paths("kiemsat"))
    assert (jobdir / "requests.seen").exists()


def test_scrapy_crawl_command_uses_the_project(mirror, tmp_path):
    db = tmp_path / "scrapy.db"
    proc = subprocess.run([str(REPO / ".venv/bin/scrapy"), "crawl", "news", "-a", "sources=mirror_vkstv",
                           "-a", f"mirror_url={mirror.url}", "-s", f"THIDUA_DB={db}", "-s", "AUTOTHROTTLE_ENABLED=0",
                           "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=WARNING"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert query(db, "SELECT count(*) FROM pages")[0][0] == len(mirror.article_paths("vkstv"))


# ------------------------------------------------------------------ storage (no crawl)
def test_same_page_twice_adds_nothing_and_a_changed_page_adds_a_version(tmp_path):
    db = store.open_db(tmp_path / "s.db")
    page = {"url": "http://x/a-1.html", "final_url": "http://x/a-1.html", "source": "s", "status": 200,
            "html": "<p>một</p>".encode(), "content_type": "text/html", "encoding": "utf-8", "is_article": 1}
    assert store.save_page(db, page) is True
    assert store.save_page(db, dict(page)) is False
    assert store.save_page(db, dict(page, html="<p>hai</p>".encode())) is True
    rows = db.execute("SELECT content_hash FROM pages ORDER BY id").fetchall()
    assert len(rows) == 2 and rows[0] != rows[1]
    assert store.known_article_urls(db) == {"http://x/a-1.html"}


@pytest.mark.slow
def test_a_crawl_stopped_midway_resumes_from_its_jobdir(dev_articles_dir, tmp_path):
    """Ctrl-C (SIGINT) stops the crawl cleanly; the same command with the same --jobdir finishes it,
    and no article is fetched twice."""
    import signal
    import time

    from conftest import THIDUA
    from crawler.mirror.server import MirrorServer

    db, jobdir = tmp_path / "crawl.db", tmp_path / "job"
    with MirrorServer(articles_dir=dev_articles_dir, scale=60, page_size=5) as mirror:
        articles = set(mirror.article_paths("bvpl"))
        args = [str(THIDUA), "crawl", "--json", "--db", str(db), "--mirror-url", mirror.url, "--source", "mirror_bvpl",
                "--jobdir", str(jobdir)]
        slow = {**TEST_SCRAPY_SETTINGS, "DOWNLOAD_DELAY": 0.25, "RANDOMIZE_DOWNLOAD_DELAY": False,
                "CONCURRENT_REQUESTS_PER_DOMAIN": 1}
        proc = subprocess.Popen(args, cwd=REPO, env=dict(os.environ, THIDUA_SCRAPY_SETTINGS=json.dumps(slow)),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while len(articles & set(mirror.requested())) < 6 and time.time() < deadline:
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
        first = json.loads(out.strip().splitlines()[-1])
        assert first["finish_reason"] == "shutdown"
        assert 0 < first["new_articles"] < len(articles)

        second = run_crawl_cli(mirror.url, db, "--jobdir", str(jobdir), sources=["mirror_bvpl"])
        assert second["finish_reason"] == "finished"
        assert first["new_articles"] + second["new_articles"] == len(articles)
        requested = mirror.requested()
        assert all(requested.count(path) <= 1 for path in articles)
        assert articles <= stored_paths(db)


# ------------------------------------------------------------------ spider units (no reactor)
def make_spider(sources: str, mirror_url: str = "http://127.0.0.1:1"):
    from scrapy.utils.test import get_crawler

    from crawler.spiders.news import NewsSpider

    crawler = get_crawler(NewsSpider)
    spider = NewsSpider.from_crawler(crawler, sources=sources, mirror_url=mirror_url)
    crawler.spider = spider
    return spider


def test_feed_links_become_article_requests():
    from scrapy import Request
    from scrapy.http import XmlResponse

    spider = make_spider("mirror_vkstv")
    feed_url = "http://127.0.0.1:1/vkstv/feed/"
    rss = ('<?xml version="1.0"?><rss version="2.0"><channel><item><link>/vkstv/2023/12/12/cum-9/</link></item>'
           '<item><link>http://127.0.0.1:1/vkstv/2023/12/01/khoi-3/</link></item>'
           '<item><link>http://127.0.0.1:1/vkstv/category/tin-hoat-dong/</link></item></channel></rss>')
    request = Request(feed_url, meta={"source": "mirror_vkstv", "kind": "feed"})
    response = XmlResponse(feed_url, body=rss.encode(), request=request, status=200)
    urls = [r.url for r in spider.parse_feed(response)]
    assert urls == ["http://127.0.0.1:1/vkstv/2023/12/12/cum-9/", "http://127.0.0.1:1/vkstv/2023/12/01/khoi-3/"]
    spider.known = {MIRROR_ORIGIN + "/vkstv/2023/12/12/cum-9/"}
    spider.scheduled.clear()
    assert [r.url for r in spider.parse_feed(response)] == ["http://127.0.0.1:1/vkstv/2023/12/01/khoi-3/"]


def test_declared_encoding_comes_from_header_then_meta():
    from scrapy.http import HtmlResponse

    from crawler.spiders.news import NewsSpider

    body = '<html><head><meta charset="windows-1258"></head><body><p>x</p></body></html>'.encode()
    assert NewsSpider._declared_encoding(HtmlResponse("http://x/", body=body)) == "windows-1258"
    headers = {"Content-Type": "text/html; charset=UTF-8"}
    assert NewsSpider._declared_encoding(HtmlResponse("http://x/", body=body, headers=headers)) == "utf-8"

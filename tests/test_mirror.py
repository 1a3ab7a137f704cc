"""The offline mirror: article files, layouts matching the mirror sources' selectors, routing, scale."""
from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest
import yaml
from parsel import Selector

from crawler.mirror.content import ArticleFileError, SITES, load_articles, make_variant
from crawler.mirror.server import MirrorServer, encode_cp1258
from crawler.sources import load_sources, mirror_source_names


def get(base_url: str, path: str):
    """(status, headers, body) without following redirects."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_every_article_file_is_valid_and_every_site_has_articles():
    articles = load_articles()
    assert {a.site for a in articles} == set(SITES)
    assert len({(a.site, a.id) for a in articles}) == len(articles)
    assert len({a.path for a in articles}) == len(articles)


def test_bad_article_file_names_the_file_and_field(tmp_path):
    good = {"site": "bvpl", "slug": "cum-thi-dua", "id": 1234, "section": "kiem-sat-24h/ban-tin-kiem-sat",
            "published": "2023-12-01 08:30", "title": "Tiêu đề", "paragraphs": ["Đoạn một."], "author": "P.V"}
    for change, field in [({"site": "other"}, "site"), ({"published": "01/12/2023"}, "published"),
                          ({"slug": "Có Dấu"}, "slug"), ({"paragraphs": "một đoạn"}, "paragraphs"),
                          ({"tags": ["x"]}, "tags")]:
        path = tmp_path / "bad.yml"
        path.write_text(yaml.safe_dump({**good, **change}, allow_unicode=True), encoding="utf-8")
        with pytest.raises(ArticleFileError, match=rf"bad\.yml: field '{field}'"):
            load_articles(tmp_path)
    path.write_text(yaml.safe_dump(good, allow_unicode=True), encoding="utf-8")
    (tmp_path / "twin.yml").write_text(yaml.safe_dump(good, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ArticleFileError, match="field 'id'.*already used"):
        load_articles(tmp_path)


@pytest.fixture(scope="module")
def full_mirror():
    with MirrorServer() as server:
        yield server


@pytest.mark.parametrize("source_name", ["mirror_bvpl", "mirror_kiemsat", "mirror_vkstv"])
def test_article_pages_fit_their_source_selectors(full_mirror, source_name):
    source = load_sources([source_name], mirror_url=full_mirror.url)[0]
    site = source.base_url.rsplit("/", 1)[-1]
    for article in [a for a in full_mirror.articles if a.site == site][:5]:
        status, headers, body = get(full_mirror.url, article.path)
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        page = Selector(text=body.decode("utf-8"))
        assert page.css(source.selectors["title"] + " ::text").get().strip() == article.title
        assert page.css(source.selectors["date"])
        body_text = " ".join(page.css(source.selectors["body"] + " ::text").getall())
        assert article.paragraphs[0][:40] in body_text
        assert source.canonical_article_url(full_mirror.url + article.path)
        # The same bytes on every request: a re-crawl of an unchanged page has the same hash.
        assert get(full_mirror.url, article.path)[2] == body


def test_layout_details_of_each_site(full_mirror):
    bvpl = next(a for a in full_mirror.articles if a.site == "bvpl")
    page = Selector(text=get(full_mirror.url, bvpl.path)[2].decode())
    assert page.css(".lbPublishedDate::text").get().startswith(f"Cập nhật lúc {bvpl.published:%H:%M}, Thứ")
    assert page.css(".lbPublishedDate::text").get().endswith(f"{bvpl.published:%d/%m/%Y} (GMT+7)")
    assert page.css("div.noidung > div.tacgia::text").get() == bvpl.author
    kiemsat = next(a for a in full_mirror.articles if a.site == "kiemsat" and a.lead)
    page = Selector(text=get(full_mirror.url, kiemsat.path)[2].decode())
    assert page.css("div.time::text").get() == f"{kiemsat.published:%d/%m/%Y %H:%M} |"
    assert page.css("div.mota h2::text").get().startswith("(kiemsat.vn) ")
    assert page.css("div.chuky a::text").get().split("/")[0] == kiemsat.author
    vkstv = next(a for a in full_mirror.articles if a.site == "vkstv")
    assert vkstv.path.startswith(f"/vkstv/{vkstv.published:%Y/%m/%d}/")
    page = Selector(text=get(full_mirror.url, vkstv.path)[2].decode())
    assert len(page.css(".slogan")) == 4 and page.css("aside .widget_counter")


def test_photo_captions_are_rendered_as_photos(full_mirror):
    article = next(a for a in full_mirror.articles if a.site == "bvpl" and any(p.startswith("[ảnh] ") for p in a.paragraphs))
    page = Selector(text=get(full_mirror.url, article.path)[2].decode())
    caption = next(p for p in article.paragraphs if p.startswith("[ảnh] "))[len("[ảnh] "):]
    assert caption in page.css(".noidung table tr:nth-child(3) td::text").getall()
    assert "[ảnh]" not in page.get()


def test_robots_404_and_redirect(full_mirror):
    status, headers, body = get(full_mirror.url, "/robots.txt")
    assert status == 200 and b"Disallow: /bvpl/noi-bo/" in body
    assert get(full_mirror.url, "/bvpl/kiem-sat-24h/ban-tin-kiem-sat/bai-viet-da-go-990404.html")[0] == 404
    assert get(full_mirror.url, "/kiemsat/khong-co-99999.html")[0] == 404
    for article in full_mirror.router.index.moved.values():
        status, headers, _ = get(full_mirror.url, article.old_path)
        assert status == 301 and headers["Location"] == article.path


def test_listings_paginate_newest_first(dev_articles_dir):
    with MirrorServer(articles_dir=dev_articles_dir, scale=12, page_size=3) as mirror:
        for path in ("/bvpl/tin-moi-nhat", "/kiemsat/tin-moi-nhat?page=1", "/vkstv/"):
            assert get(mirror.url, path)[0] == 200
        page1 = Selector(text=get(mirror.url, "/vkstv/")[2].decode())
        assert page1.css("a.next::attr(href)").get() == "/vkstv/page/2/"
        dates = page1.css("main time.entry-date::text").getall()[:3]  # then the links to a gone page
        assert dates == sorted(dates, key=lambda d: d[6:] + d[3:5] + d[:2], reverse=True)
        last = Selector(text=get(mirror.url, "/vkstv/page/2/")[2].decode())
        assert not last.css("a.next") and last.css("main article")


def test_scale_adds_deterministic_variants():
    a = MirrorServer(scale=2000)
    b = MirrorServer(scale=2000)
    assert len(a.articles) == len(load_articles()) + 2000
    assert [x.path for x in a.articles] == [x.path for x in b.articles]
    assert len({x.path for x in a.articles}) == len(a.articles)
    base = load_articles()[0]
    assert make_variant(base, 7) == make_variant(base, 7) and make_variant(base, 7).id != base.id


def test_windows_1258_page_round_trips():
    text = "Khối thi đua tổng kết: Cờ thi đua, Bằng khen, Viện kiểm sát nhân dân"
    import unicodedata
    assert unicodedata.normalize("NFC", encode_cp1258(text).decode("cp1258")) == text


def test_mirror_sources_are_the_mirror_configs():
    assert set(mirror_source_names()) >= {"mirror_bvpl", "mirror_kiemsat", "mirror_vkstv", "mirror_faults"}

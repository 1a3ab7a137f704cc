"""Sites found, not hand-configured: `thidua sources add` on a mirror site that has no config
(only a home page, a sitemap and a feed) writes a config whose crawl stores every article of
that site and nothing else; a config naming only a home page is discovered by the crawl."""
from __future__ import annotations

import json
import os
import subprocess

import pytest
import yaml

from conftest import REPO, TEST_SCRAPY_SETTINGS, THIDUA, query
from crawler.discover import (default_name, feed_links, learn_pattern, relative, robots_sitemaps, sitemap_links,
                              within)
from crawler.sources import MIRROR_ORIGIN, load_source_file


# --------------------------------------------------------------------------- the pattern
@pytest.mark.parametrize("articles, others, must_match", [
    # WordPress date permalinks (vienkiemsattv.gov.vn), some slugs ending in a year
    (["/2023/12/08/cum-thi-dua-so-9-tong-ket/", "/2024/01/02/hoi-nghi-2024/", "/2022/05/17/so-ket-6-thang/",
      "/2021/11/30/khoi-thi-dua-ky-giao-uoc-2021/"],
     ["/category/tin-hoat-dong/", "/page/2/", "/lien-he/", "/gioi-thieu/"],
     "/2025/03/04/bai-moi/"),
    # section/subsection/<slug>-<id>.html at one or two levels (baovephapluat.vn)
    (["/kiem-sat-24h/ban-tin-kiem-sat/cum-thi-dua-so-1-149580.html",
      "/cai-cach-tu-phap/thuc-tien-kinh-nghiem/cum-thi-dua-so-7-149595.html",
      "/kiem-sat-24h/van-de-su-kien/hoi-nghi-151000.html",
      "/net-dep-can-bo-cong-chuc-nganh-kiem-sat/22-bong-hoa-151178.html"],
     ["/kiem-sat-24h/ban-tin-kiem-sat", "/kiem-sat-24h", "/tim-kiem/q/thi-dua"],
     "/thi-dua-khen-thuong-nguoi-tot-viec-tot/vien-truong-tang-ky-niem-chuong-143476.html"),
    # one literal section: /bai-viet/<slug>-<id>.html (vksndbinhthuan.gov.vn)
    (["/bai-viet/hoi-nghi-cum-thi-dua-1234.html", "/bai-viet/so-ket-6-thang-1240.html",
      "/bai-viet/tong-ket-nam-2023-1301.html"],
     ["/bai-viet/", "/tin-hoat-dong.html", "/lien-he.html"],
     "/bai-viet/bai-moi-1400.html"),
    # ids after a letter (vksndtc.gov.vn: -d<cat>-t<id>.html), under one or two section levels
    (["/tin-tuc/tin-hoat-dong-vksnd-toi-cao/vien-kiem-sat-quan-su-phat-dong-d2-t9017.html",
      "/tin-hoat-dong-vksnd-toi-cao/toa-dam-khoa-hoc-d2-t12469.html",
      "/tin-tuc/cong-tac-kiem-sat/hoi-nghi-truc-tuyen-d10-t2914.html"],
     ["/tin-tuc/tin-hoat-dong-vksnd-toi-cao", "/gioi-thieu.html"],
     "/thong-tin/cong-tac-xay-dung-dang/so-ket-d32-t10106.html"),
])
def test_learn_pattern_finds_the_article_shape(articles, others, must_match):
    pattern = learn_pattern(articles + others)
    assert pattern is not None
    assert sorted(pattern.matching) == sorted(articles)
    import re

    assert re.search(pattern.regex, must_match)
    assert not any(re.search(pattern.regex, o) for o in others)


def test_learn_pattern_needs_article_like_links():
    assert learn_pattern(["/gioi-thieu", "/lien-he", "/tin-tuc", "/van-ban"]) is None
    assert learn_pattern(["/tin-tuc/a-1.html", "/tin-tuc/b-2.html"]) is None   # too few links to learn from


def test_sitemaps_feeds_and_robots_are_read():
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b"<sitemap><loc>https://vkstinh.example/s1.xml</loc></sitemap></sitemapindex>")
    assert sitemap_links(index) == ("sitemapindex", ["https://vkstinh.example/s1.xml"])
    urlset = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              b"<url><loc>https://vkstinh.example/a-1.html</loc></url></urlset>")
    assert sitemap_links(urlset) == ("urlset", ["https://vkstinh.example/a-1.html"])
    assert sitemap_links(b"<html><body>not a sitemap</body></html>")[1] == []
    rss = "<?xml version='1.0'?><rss><channel><item><link>/tin/a-1.html</link></item></channel></rss>"
    assert feed_links(rss, "https://vkstinh.example/rss.xml") == ["https://vkstinh.example/tin/a-1.html"]
    robots = "User-agent: *\nSitemap: https://vkstinh.example/tinh/sitemap.xml\nSitemap: https://other.example/x.xml\n"
    assert robots_sitemaps(robots, "https://vkstinh.example/tinh") == ["https://vkstinh.example/tinh/sitemap.xml"]
    assert within("https://vkstinh.example/tinh/a.html", "https://vkstinh.example/tinh")
    assert not within("https://vkstinh.example/tinhkhac/a.html", "https://vkstinh.example/tinh")
    assert relative("https://vkstinh.example/tinh/a.html?x=1", "https://vkstinh.example/tinh") == "/a.html?x=1"


def test_default_names():
    assert default_name("https://vks.angiang.gov.vn/") == "vks_angiang"
    assert default_name("https://www.vksndbinhthuan.gov.vn") == "vksndbinhthuan"
    assert default_name("http://127.0.0.1:8765/tinh/") == "mirror_tinh"


# --------------------------------------------------------------------------- against the mirror
def _env(sources_dir):
    return dict(os.environ, THIDUA_SOURCES_DIR=str(sources_dir), THIDUA_SCRAPY_SETTINGS=json.dumps(TEST_SCRAPY_SETTINGS))


def _thidua(*args, env):
    if args and args[0] == "crawl":
        args = (*args, "--json")  # the counts on stdout
    return subprocess.run([str(THIDUA), *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=180)


def _stored_paths(db):
    return {url[len(MIRROR_ORIGIN):] for (url,) in query(db, "SELECT final_url FROM pages")}


def test_sources_add_then_crawl_stores_every_article_of_a_site_without_config(mirror, tmp_path):
    sources_dir = tmp_path / "sources"
    env = _env(sources_dir)
    proc = _thidua("sources", "add", f"{mirror.url}/tinh/", env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    path = sources_dir / "mirror_tinh.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert config["base_url"] == "{mirror}/tinh" and config["verified"] is False
    assert config["sitemaps"] == ["/sitemap.xml"] and config["feeds"] == ["/rss.xml"]
    assert config["discovery"]["confidence"] >= 0.8
    assert all(t["ok"] for t in config["discovery"]["tried"])
    load_source_file(path, mirror_url=mirror.url)   # a valid config

    # Listed with its status, before any crawl.
    listed = _thidua("sources", "list", "--db", str(tmp_path / "kb.db"), env=env)
    assert listed.returncode == 0
    line = next(l for l in listed.stdout.splitlines() if l.startswith("mirror_tinh\t"))
    assert "\tunverified\t" in line and "never crawled" in line

    mirror.clear_log()
    db = tmp_path / "kb.db"
    proc = _thidua("crawl", "--db", str(db), "--mirror-url", mirror.url, "--source", "mirror_tinh", env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    articles = set(mirror.portal_article_paths())
    assert len(articles) == 15
    assert _stored_paths(db) == articles                       # every article, and nothing else
    assert query(db, "SELECT count(*) FROM crawl_errors")[0][0] == 0
    # The home page shows 6 articles: the rest came from the sitemap and the feed.
    assert "/tinh/sitemap-bai-viet.xml" in mirror.requested("/tinh/")
    # The first crawl of an unverified source says what it found.
    assert "first crawl of mirror_tinh (unverified): " in proc.stderr and "15 new articles" in proc.stderr
    listed = _thidua("sources", "list", "--db", str(db), env=env)
    line = next(l for l in listed.stdout.splitlines() if l.startswith("mirror_tinh\t"))
    assert "\tverified\t15 articles\t" in line and "health: ok" in line

    # Again: the sitemaps and the feed are read, no stored article is fetched twice, nothing is added.
    mirror.clear_log()
    proc = _thidua("crawl", "--db", str(db), "--mirror-url", mirror.url, "--source", "mirror_tinh", "--incremental",
                   env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1])["new_articles"] == 0
    assert not articles & set(mirror.requested("/tinh/")) and "/tinh/sitemap-bai-viet.xml" in mirror.requested()
    assert "first crawl" not in proc.stderr and "health: mirror_tinh: ok" in proc.stderr


def test_a_config_naming_only_a_home_page_is_discovered_by_the_crawl(mirror, tmp_path):
    sources_dir = tmp_path / "sources"
    sources_dir.mkdir()
    (sources_dir / "mirror_tinh_home.yml").write_text("name: mirror_tinh_home\nbase_url: '{mirror}/tinh'\n",
                                                      encoding="utf-8")
    db = tmp_path / "kb.db"
    proc = _thidua("crawl", "--db", str(db), "--mirror-url", mirror.url, "--source", "mirror_tinh_home",
                   env=_env(sources_dir))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert _stored_paths(db) == set(mirror.portal_article_paths())
    assert json.loads(proc.stdout.strip().splitlines()[-1])["new_articles"] == 15


def test_a_home_page_only_config_that_cannot_be_discovered_is_flagged_and_the_crawl_goes_on(mirror, tmp_path):
    sources_dir = tmp_path / "sources"
    sources_dir.mkdir()
    (sources_dir / "mirror_nowhere.yml").write_text("name: mirror_nowhere\nbase_url: '{mirror}/khong-co'\n",
                                                    encoding="utf-8")
    db = tmp_path / "kb.db"
    proc = _thidua("crawl", "--db", str(db), "--mirror-url", mirror.url, "--source", "mirror_nowhere",
                   "--source", "mirror_vkstv", env=_env(sources_dir))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "health: mirror_nowhere: FLAGGED: not discovered" in proc.stderr
    assert "health: mirror_vkstv: ok" in proc.stderr
    reasons = query(db, "SELECT reason FROM crawl_errors WHERE source = 'mirror_nowhere'")
    assert len(reasons) == 1 and "home page answered 404" in reasons[0][0]
    assert query(db, "SELECT count(*) FROM pages WHERE source = 'mirror_vkstv'")[0][0] == 5


def test_sources_add_dry_run_and_bad_input(mirror, tmp_path):
    env = _env(tmp_path / "sources")
    proc = _thidua("sources", "add", f"{mirror.url}/vkstv/", "--name", "mirror_wp", "--dry-run", env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    config = yaml.safe_load(proc.stdout)
    assert config["article_pattern"] == r"^/\d{4}/\d{1,2}/\d{1,2}/[a-z0-9-]+/$"
    assert config["feeds"] == ["/feed/"]
    assert not (tmp_path / "sources").exists()          # a dry run writes nothing
    proc = _thidua("sources", "add", f"{mirror.url}/vkstv/", "--name", "mirror_vkstv", env=env)
    assert proc.returncode == 2 and "exists already" in proc.stderr
    proc = _thidua("sources", "add", f"{mirror.url}/khong-co/", env=env)
    assert proc.returncode == 1 and "home page answered 404" in proc.stderr
    proc = _thidua("sources", "add", "ftp://example", "--name", "x", env=env)
    assert proc.returncode == 1 and "not an http(s) URL" in proc.stderr


@pytest.mark.parametrize("args", [["sources"], ["sources", "add"], ["sources", "list"], ["update"]])
def test_sources_commands_document_themselves(args):
    from click.testing import CliRunner

    from thidua.cli import cli

    result = CliRunner().invoke(cli, [*args, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
    if args == ["update"]:
        assert "--check" in result.output


def test_sources_list_names_a_config_that_does_not_load(tmp_path):
    sources_dir = tmp_path / "sources"
    sources_dir.mkdir()
    (sources_dir / "hong.yml").write_text("name: hong\nbase_url: https://vkstinh.example\n", encoding="utf-8")
    proc = _thidua("sources", "list", "--db", str(tmp_path / "none.db"), env=_env(sources_dir))
    assert proc.returncode == 1
    line = next(l for l in proc.stdout.splitlines() if l.startswith("hong\t"))
    assert "INVALID" in line and "field 'domain'" in line
    assert "baovephapluat\tunverified" in proc.stdout   # the others are still listed

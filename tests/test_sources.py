"""Source configs (crawler/sources/*.yml): every one loads, its patterns fit the real URLs, bad ones fail clearly."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crawler.sources import (SourceConfigError, load_source_file, load_sources, mirror_source_names,
                             selectors_for, source_files)

MIRROR_URL = "http://127.0.0.1:9"

# Article URLs of the shapes recorded in shared/sites/SITES.md (slugs shortened or invented).
ARTICLE_URLS = {
    "baovephapluat": [
        "https://baovephapluat.vn/kiem-sat-24h/ban-tin-kiem-sat/cum-thi-dua-so-1-binh-xet-thi-dua-149580.html",
        "https://baovephapluat.vn/net-dep-can-bo-cong-chuc-nganh-kiem-sat/bong-hoa-tieu-bieu-151178.html",
    ],
    "kiemsat": ["https://kiemsat.vn/khoi-thi-dua-tong-ket-nam-57666.html"],
    "vksndtc": [
        "https://vksndtc.gov.vn/tin-tuc/tin-hoat-dong-vksnd-toi-cao/vien-kiem-sat-quan-su-phat-dong-dot-thi-d2-t9017.html",
        "https://vksndtc.gov.vn/tin-hoat-dong-vksnd-toi-cao/toa-dam-khoa-hoc-mot-so-kinh-d2-t12469.html?Page=270",
        "https://vksndtc.gov.vn/tin-tuc-su-kien/chao-mung-ngay-thanh-lap/ky-niem-s14-t8296.html",
    ],
    "vienkiemsattv": ["https://vienkiemsattv.gov.vn/2023/12/08/cum-thi-dua-so-9-tong-ket/"],
    "vksndbinhthuan": ["https://www.vksndbinhthuan.gov.vn/bai-viet/hoi-nghi-cum-thi-dua-1234.html"],
    "vienkiemsattinhphutho": ["https://vienkiemsattinhphutho.gov.vn/tin-tuc/VKSND-Huyen-Lam-Thao/30258/so-ket-thi-dua"],
    "vkshanoi": ["https://vkshanoi.gov.vn/chi-tiet-tin/khoi-thi-dua-tong-ket-t-4521.html"],
    "vksangiang": ["https://vks.angiang.gov.vn/cum-thi-dua-so-1-binh-xet-thi-dua/"],
    "vksquangtri": ["https://vksquangtri.gov.vn/bai-viet/hoi-nghi-tong-ket-cum-thi-dua-4410"],
    "vienkiemsathaiphong": ["https://vienkiemsathaiphong.gov.vn/vksnd-tp/so-ket-thi-dua-6-thang-2291"],
    "vkscapcaohcm": ["https://vkscapcaohcm.gov.vn/tin-tuc/khoi-thi-dua-tong-ket-nam-1502.html"],
    "vkshue": ["https://vkshue.gov.vn/tin-hoat-dong/cum-thi-dua-so-3-so-ket-7781.html"],
    "vienkiemsatbrvt": ["https://vienkiemsatbrvt.gov.vn/portal/p/3812"],
    "vksquangnam": ["https://vksquangnam.gov.vn/tin-tuc/ky-ket-giao-uoc-thi-dua-5120.html"],
    "vkspy": ["https://vkspy.gov.vn/tong-ket-cong-tac-thi-dua-17_2750.html"],
    "vksbacgiang": ["https://vksbacgiang.gov.vn/chuyendephapluat/12/3401"],
    "vienkiemsatcantho": ["https://vienkiemsat.cantho.gov.vn/hoi-nghi-tong-ket-cum-thi-dua"],
    "toaandaklak": ["https://toaandaklak.gov.vn/thi-dua-khen-thuong/cum-thi-dua-toa-an-tong-ket-6120.html"],
    "toaanquangnam": ["https://toaanquangnam.gov.vn/toa-an-ky-ket-giao-uoc-thi-dua/",
                      "https://toaanquangnam.gov.vn/toa-an-ky-ket-giao-uoc-thi-dua.html"],
}
NOT_ARTICLES = {
    "baovephapluat": ["https://baovephapluat.vn/video/phong-su/le-trao-co-thi-dua-14287.html",
                      "https://baovephapluat.vn/kiem-sat-24h/ban-tin-kiem-sat/p/2"],
    "kiemsat": ["https://kiemsat.vn/print/67419.html", "https://kiemsat.vn/kiem-sat-24h"],
    "vienkiemsattv": ["https://vienkiemsattv.gov.vn/page/2/", "https://evil.example/2023/12/08/x/"],
    "vksangiang": ["https://vks.angiang.gov.vn/lien-he/", "https://vks.angiang.gov.vn/tin-hoat-dong/"],
    "vienkiemsatbrvt": ["https://vienkiemsatbrvt.gov.vn/portal/p/tin-tuc"],
    "toaandaklak": ["https://toaandaklak.gov.vn/thi-dua-khen-thuong"],
}
SITES_MD = Path(__file__).resolve().parents[2] / "shared" / "sites" / "SITES.md"


def test_every_source_config_loads_and_validates():
    names = list(source_files())
    real = load_sources()
    mirror = load_sources(mirror_source_names(), mirror_url=MIRROR_URL)
    assert {s.name for s in real} | {s.name for s in mirror} == set(names)
    assert not any(s.is_mirror for s in real)
    assert {"baovephapluat", "kiemsat", "vksndtc"} <= {s.name for s in real}
    assert len(real) >= 6  # the three national sites and at least three provincial portals
    for source in real:   # tdkt.toaan.gov.vn is known only by a plain-http URL
        assert source.base_url.startswith(("https://", "http://")) and source.listings and source.domain
    for source in mirror:
        assert source.base_url.startswith(MIRROR_URL + "/") and all(u.startswith(MIRROR_URL) for u in source.listings)


@pytest.mark.parametrize("name", sorted(ARTICLE_URLS))
def test_article_patterns_match_real_article_urls(name):
    source = load_sources([name])[0]
    for url in ARTICLE_URLS[name]:
        assert source.canonical_article_url(url), url
    for url in NOT_ARTICLES.get(name, []):
        assert source.canonical_article_url(url) is None, url


def test_strip_query_drops_the_listing_page_from_article_urls():
    source = load_sources(["vksndtc"])[0]
    url = "https://vksndtc.gov.vn/tin-hoat-dong-vksnd-toi-cao/toa-dam-d2-t12469.html?Page=270"
    assert source.canonical_article_url(url) == url.split("?")[0]


def test_pagination_patterns():
    bvpl = load_sources(["baovephapluat"])[0]
    assert bvpl.listing_page_url(bvpl.listings[0], 1) == "https://baovephapluat.vn/kiem-sat-24h/ban-tin-kiem-sat"
    assert bvpl.listing_page_url(bvpl.listings[0], 2) == "https://baovephapluat.vn/kiem-sat-24h/ban-tin-kiem-sat/p/2"
    assert bvpl.listing_page_url(bvpl.listings[0], bvpl.max_listing_pages + 1) is None
    wp = load_sources(["vienkiemsattv"])[0]
    assert wp.listing_page_url(wp.listings[0], 3) == "https://vienkiemsattv.gov.vn/page/3/"


def test_selectors_for():
    assert selectors_for("baovephapluat")["title"] == "h1.post-title"
    assert selectors_for("mirror_kiemsat")["body"] == "div.noidung"
    assert selectors_for("no-such-source") is None and selectors_for(None) is None
    selectors_for("baovephapluat")["title"] = "changed by a caller"
    assert selectors_for("baovephapluat")["title"] == "h1.post-title"


def test_mirror_sources_need_the_mirror_url():
    with pytest.raises(SourceConfigError, match="--mirror-url"):
        load_sources(["mirror_bvpl"])


def test_unknown_source_name_lists_the_configured_ones():
    with pytest.raises(SourceConfigError, match="unknown source 'nope'.*baovephapluat"):
        load_sources(["nope"])


GOOD = {"name": "tinh", "domain": "vkstinh.gov.vn", "base_url": "https://vkstinh.gov.vn",
        "listings": ["/tin-tuc"], "article_pattern": r"^/tin-tuc/[a-z0-9-]+-\d+\.html$"}


@pytest.mark.parametrize("change, field", [
    ({"article_pattern": "^/(unclosed"}, "article_pattern"),
    ({"listings": []}, "listings"),
    ({"name": "other"}, "name"),
    ({"titel": "h1"}, "titel"),
    ({"pagination": {"url": "{listing}/p/"}}, "pagination.url"),
    ({"pagination": {"url": "{listing}/p/{page}", "max_pages": 0}}, "pagination.max_pages"),
    ({"selectors": {"body": ""}}, "selectors.body"),
    ({"selectors": {"headline": "h1"}}, "selectors.headline"),
    ({"base_url": "{mirror}/x"}, "base_url"),
    ({"domain": None}, "domain"),
])
def test_bad_config_fails_with_file_and_field(tmp_path, change, field):
    config = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    path = tmp_path / "tinh.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SourceConfigError) as info:
        load_sources(["tinh"], directory=tmp_path)
    assert str(path) in str(info.value) and f"'{field}'" in str(info.value)


def test_missing_required_field_and_broken_yaml(tmp_path):
    path = tmp_path / "tinh.yml"
    path.write_text(yaml.safe_dump({k: v for k, v in GOOD.items() if k != "base_url"}), encoding="utf-8")
    with pytest.raises(SourceConfigError, match=r"tinh\.yml: field 'base_url': is required"):
        load_source_file(path)
    path.write_text("name: tinh\nlistings: [unclosed\n", encoding="utf-8")
    with pytest.raises(SourceConfigError, match=r"tinh\.yml: not valid YAML"):
        load_source_file(path)


def test_the_good_example_loads(tmp_path):
    path = tmp_path / "tinh.yml"
    path.write_text(yaml.safe_dump(GOOD), encoding="utf-8")
    source = load_source_file(Path(path))
    assert source.listings == ("https://vkstinh.gov.vn/tin-tuc",)
    assert source.canonical_article_url("https://vkstinh.gov.vn/tin-tuc/cum-thi-dua-12.html#top")


def test_every_procuracy_and_court_portal_has_a_config_marked_unverified():
    real = load_sources()
    assert len(real) >= 20
    # Nothing can be crawled from here: no real config claims to be verified.
    assert not [s.name for s in real if s.verified]
    # A config without an article pattern is discovered by the crawl (sitemaps, feeds, learned pattern).
    assert {s.name for s in real if s.needs_discovery} == {"vksndgialai", "tdkttoaan"}


@pytest.mark.skipif(not SITES_MD.exists(), reason="needs ../shared/sites/SITES.md")
def test_no_invented_domain():
    """Every real config's domain is one the site notes name."""
    facts = SITES_MD.read_text(encoding="utf-8")
    for source in load_sources():
        assert source.domain.removeprefix("www.") in facts, source.name

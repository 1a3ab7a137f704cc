"""HTML for the mirror's sites, in the layouts of the real ones (see shared/sites/SITES.md).

Every page is a pure function of its inputs: the same article gives the same bytes
on every request (visitor counters included), so re-crawling an unchanged article
yields the same content hash.
"""
from __future__ import annotations

import hashlib
from html import escape
from typing import Optional, Sequence

from .content import PHOTO_PREFIX, MirrorArticle

WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")

BVPL_SECTIONS = {
    "kiem-sat-24h/ban-tin-kiem-sat": "Bản tin kiểm sát",
    "kiem-sat-24h/van-de-su-kien": "Vấn đề - Sự kiện",
    "cai-cach-tu-phap/thuc-tien-kinh-nghiem": "Thực tiễn - Kinh nghiệm",
    "cai-cach-tu-phap/nhan-to-dien-hinh": "Nhân tố điển hình",
    "net-dep-can-bo-cong-chuc-nganh-kiem-sat": "Nét đẹp cán bộ ngành Kiểm sát",
    "thi-dua-khen-thuong-nguoi-tot-viec-tot": "Người tốt, việc tốt",
}
KIEMSAT_SECTIONS = {
    "kiem-sat-24h": "Kiểm sát 24h",
    "su-kien-van-de": "Sự kiện - Vấn đề",
    "phap-luat-nghiep-vu": "Pháp luật - Nghiệp vụ",
}
VKSTV_SECTIONS = {
    "tin-hoat-dong": "Tin hoạt động",
    "thi-dua-khen-thuong": "Thi đua - Khen thưởng",
    "cong-tac-dang-doan-the": "Công tác Đảng - Đoàn thể",
}
# Slogan lines at the top of the WordPress portal (the real one has four such lines).
VKSTV_SLOGANS = (
    "Đoàn kết - Kỷ cương - Trách nhiệm - Hiệu quả",
    "Công minh, chính trực, khách quan, thận trọng, khiêm tốn",
    "Thi đua là yêu nước, yêu nước thì phải thi đua",
    "Vì một nền tư pháp trong sạch, vững mạnh",
)


def _e(text) -> str:
    return escape(str(text), quote=True)


def visitor_count(key: str) -> str:
    """A plausible, stable visitor counter for the footer."""
    n = int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16) % 9_000_000 + 1_000_000
    return f"{n:,}".replace(",", ".")


def section_title(site: str, section: str) -> str:
    table = {"bvpl": BVPL_SECTIONS, "kiemsat": KIEMSAT_SECTIONS, "vkstv": VKSTV_SECTIONS}[site]
    return table.get(section) or section.rsplit("/", 1)[-1].replace("-", " ").capitalize()


def _split(article: MirrorArticle):
    """(kind, text) pairs: ("p", paragraph) or ("photo", caption)."""
    for paragraph in article.paragraphs:
        if paragraph.startswith(PHOTO_PREFIX):
            yield "photo", paragraph[len(PHOTO_PREFIX):].strip()
        else:
            yield "p", paragraph


def _links(items: Sequence[tuple[str, str]]) -> str:
    return "".join(f'<li><a href="{_e(href)}">{_e(text)}</a></li>' for href, text in items)


def _pager(page: int, has_next: bool, url_for) -> str:
    parts = []
    if page > 1:
        parts.append(f'<a class="prev" href="{_e(url_for(page - 1))}">« Trang trước</a>')
    parts.append(f'<span class="current">{page}</span>')
    if has_next:
        parts.append(f'<a class="next" href="{_e(url_for(page + 1))}">Trang sau »</a>')
    return " ".join(parts)


# --------------------------------------------------------------------------- bvpl (DotNetNuke)
def _bvpl_chrome(title: str, main: str, sidebar: Sequence[MirrorArticle], key: str) -> str:
    menu = _links([(f"/bvpl/{s}", t) for s, t in BVPL_SECTIONS.items()])
    side = _links([(a.path, a.title) for a in sidebar])
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{_e(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body class="dnn-skin">
<div id="dnn_header"><a class="logo" href="/bvpl/">BẢO VỆ PHÁP LUẬT</a>
 <span class="slogan">Cơ quan của Viện kiểm sát nhân dân tối cao</span>
 <form class="search" action="/bvpl/tim-kiem/q/thi-dua"><input name="q" placeholder="Tìm kiếm"></form>
 <a href="/bvpl/noi-bo/">Trang nội bộ</a></div>
<ul id="dnn_menu" class="menu"><li><a href="/bvpl/">Trang chủ</a></li><li><a href="/bvpl/tin-moi-nhat">Tin mới nhất</a></li>{menu}</ul>
<div id="dnn_ContentPane">{main}</div>
<div id="dnn_RightPane" class="sidebar"><div class="doc-nhieu"><h3>Đọc nhiều</h3><ul>{side}</ul></div>
 <div class="quang-cao">Đặt báo in năm 2024 - liên hệ phát hành</div></div>
<div id="dnn_footer">Báo Bảo vệ pháp luật (bản mô phỏng ngoại tuyến) · Giấy phép số 00/GP-MÔ-PHỎNG ·
 Lượt truy cập: {visitor_count(key)}</div>
</body></html>"""


def bvpl_article(article: MirrorArticle, related: Sequence[MirrorArticle]) -> str:
    when = article.published
    date = f"Cập nhật lúc {when:%H:%M}, {WEEKDAYS[when.weekday()]}, {when:%d/%m/%Y} (GMT+7)"
    body, photo_no = [], 0
    for kind, text in _split(article):
        if kind == "p":
            body.append(f"<p>{_e(text)}</p>")
        else:
            photo_no += 1
            src = f"/bvpl/data/images/0/{when:%Y/%m/%d}/bvpl/anh-{article.id}-{photo_no}.jpg?dpi=150&quality=100&w=630"
            body.append(f'<table class="image center"><tr><td class="leftcenterrightdel"> </td></tr>'
                        f'<tr><td><img src="{_e(src)}" alt="{_e(text)}"></td></tr><tr><td>{_e(text)}</td></tr></table>')
    lead = f'<div class="post-summary"><h2>{_e(article.lead)}</h2></div>' if article.lead else ""
    section = article.section
    crumbs = f'<a href="/bvpl/{_e(section)}">{_e(section_title("bvpl", section))}</a>'
    tinkhac = _links([(a.path, a.title) for a in related])
    main = f"""<div id="dnn_NewsView_Main_ctl00_viewhinone" class="post">
<div class="breadcrumb"><a href="/bvpl/">Trang chủ</a> › {crumbs}</div>
<h1 class="post-title">{_e(article.title)}</h1>
<div class="lbPublishedDate">{_e(date)}</div>
{lead}
<div class="post-content"><div class="noidung">
{''.join(body)}
<div class="tacgia">{_e(article.author)}</div>
</div></div>
<div class="share">Chia sẻ: <a href="#">Facebook</a> <a href="#">Zalo</a> · <a href="#">In bài</a></div>
<div class="tinkhac"><h3>Tin khác</h3><ul>{tinkhac}</ul></div>
</div>"""
    return _bvpl_chrome(f"{article.title} - Báo Bảo vệ pháp luật", main, related[:5], article.path)


def bvpl_listing(heading: str, items: Sequence[tuple[str, MirrorArticle]], page: int, has_next: bool,
                 url_for, sidebar: Sequence[MirrorArticle], key: str) -> str:
    """``items``: (href, article) pairs; href may differ from the canonical path (old links)."""
    entries = "".join(
        f'<div class="pcontent3 contentCategory"><a title="{_e(a.title)}" href="{_e(href)}">'
        f'<h3 class="h3cate">{_e(a.title)}</h3></a><div class="pctent">{_e(a.lead or a.paragraphs[0][:160])}</div></div>'
        for href, a in items)
    main = f"""<div class="category"><h1 class="cate-title">{_e(heading)}</h1>
<div class="ctrangc3">{entries}</div>
<div class="pager">{_pager(page, has_next, url_for)}</div></div>"""
    return _bvpl_chrome(f"{heading} - Trang {page}", main, sidebar, key)


def bvpl_not_found(path: str) -> str:
    main = '<div class="notfound"><h1>Không tìm thấy trang</h1><p>Bài viết không tồn tại hoặc đã bị gỡ.</p></div>'
    return _bvpl_chrome("Không tìm thấy trang", main, [], path)


# --------------------------------------------------------------------------- kiemsat
def _kiemsat_chrome(title: str, main: str, sidebar: Sequence[MirrorArticle], key: str) -> str:
    menu = _links([(f"/kiemsat/{s}", t) for s, t in KIEMSAT_SECTIONS.items()])
    side = _links([(a.path, a.title) for a in sidebar])
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{_e(title)}</title></head>
<body>
<header class="header"><a class="logo" href="/kiemsat/">KIỂM SÁT ONLINE</a>
 <span>Tạp chí của Viện kiểm sát nhân dân tối cao</span></header>
<nav class="menu-main"><ul><li><a href="/kiemsat/">Trang chủ</a></li>{menu}</ul></nav>
<div class="container"><div class="col-left">{main}</div>
<div class="col-right"><div class="box-docnhieu"><h3>Đọc nhiều nhất</h3><ul>{side}</ul></div></div></div>
<footer class="footer">Tạp chí Kiểm sát (bản mô phỏng ngoại tuyến) · Số lượt truy cập: {visitor_count(key)}</footer>
</body></html>"""


def kiemsat_article(article: MirrorArticle, related: Sequence[MirrorArticle]) -> str:
    body, photo_no = [], 0
    for kind, text in _split(article):
        if kind == "p":
            body.append(f"<p>{_e(text)}</p>")
        else:
            photo_no += 1
            body.append(f'<table class="imageBox"><tr><td><img src="/kiemsat/upload/{article.id}-{photo_no}.jpg">'
                        f'</td></tr><tr><td><p class="PCaption">{_e(text)}</p></td></tr></table>')
    lead = (f'<div class="mota"><div class="headline-makeup">Kiểm sát Online</div>'
            f'<h2>(kiemsat.vn) {_e(article.lead)}</h2></div>') if article.lead else ""
    tinkhac = "".join(f'<div class="item"><h3><a class="title" href="{_e(a.path)}">{_e(a.title)}</a></h3></div>'
                      for a in related)
    main = f"""<div class="detail">
<div class="big_tit"><h1>{_e(article.title)}</h1></div>
<div class="time">{article.published:%d/%m/%Y %H:%M} |</div>
{lead}
<div class="noidung">{''.join(body)}</div>
<div class="chuky"><a href="/kiemsat/tac-gia">{_e(article.author)}/Tạp chí Kiểm sát</a></div>
<div class="tools"><a href="/kiemsat/print/{article.id}.html">In bài viết</a></div>
<div class="tin-lien-quan"><h3>Tin khác</h3>{tinkhac}</div>
</div>"""
    return _kiemsat_chrome(f"{article.title} | Kiểm sát Online", main, related[:5], article.path)


def kiemsat_listing(heading: str, items, page: int, has_next: bool, url_for, sidebar, key: str) -> str:
    entries = "".join(
        f'<div class="item loadmore-item"><div class="khungAnh"><a class="khungAnhCrop" href="{_e(href)}">'
        f'<img src="/kiemsat/upload/{a.id}-0.jpg" alt=""></a></div>'
        f'<h3><a class="title" href="{_e(href)}">{_e(a.title)}</a></h3>'
        f'<div class="desc">{_e(a.lead or a.paragraphs[0][:160])}</div>'
        f'<div class="time">{a.published:%d/%m/%Y %H:%M}</div></div>'
        for href, a in items)
    more = f'<a class="view_more" href="{_e(url_for(page + 1))}">Xem thêm</a>' if has_next else ""
    main = f"""<div class="category"><h1>{_e(heading)}</h1>
<div class="loadmore-list">{entries}</div>{more}</div>"""
    return _kiemsat_chrome(f"{heading} | Kiểm sát Online", main, sidebar, key)


def kiemsat_not_found(path: str) -> str:
    return _kiemsat_chrome("404", '<div class="error"><h1>404</h1><p>Trang bạn tìm không tồn tại.</p></div>', [], path)


# --------------------------------------------------------------------------- vkstv (WordPress)
def _vkstv_chrome(title: str, main: str, sidebar: Sequence[MirrorArticle], key: str, body_class: str) -> str:
    slogans = "".join(f'<div class="slogan">    {_e(s)}    </div>' for s in VKSTV_SLOGANS)
    menu = _links([(f"/vkstv/category/{s}/", t) for s, t in VKSTV_SECTIONS.items()])
    side = _links([(a.path, a.title) for a in sidebar])
    return f"""<!DOCTYPE html>
<html lang="vi-VN"><head><meta charset="UTF-8"><title>{_e(title)}</title>
<link rel="stylesheet" href="/vkstv/wp-content/themes/portal/style.css"></head>
<body class="{body_class}">
<div class="slogans">{slogans}</div>
<header class="site-header"><p class="site-title"><a href="/vkstv/">VIỆN KIỂM SÁT NHÂN DÂN TỈNH (mô phỏng)</a></p>
<nav class="main-navigation"><ul><li><a href="/vkstv/">Trang chủ</a></li>{menu}<li><a href="/vkstv/wp-admin/">Quản trị</a></li></ul></nav></header>
<div id="content" class="site-content">
<main id="main" class="site-main">{main}</main>
<aside id="secondary" class="widget-area"><section class="widget"><h2 class="widget-title">Tin khác</h2><ul>{side}</ul></section>
<section class="widget widget_counter"><h2 class="widget-title">Thống kê truy cập</h2><p>Tổng lượt truy cập: {visitor_count(key)}</p></section></aside>
</div>
<footer class="site-footer">Bản quyền thuộc Viện kiểm sát nhân dân tỉnh (bản mô phỏng ngoại tuyến). Chạy trên WordPress.</footer>
</body></html>"""


def vkstv_article(article: MirrorArticle, related: Sequence[MirrorArticle]) -> str:
    body = []
    for kind, text in _split(article):
        if kind == "p":
            body.append(f"<p>{_e(text)}</p>")
        else:
            body.append(f'<figure class="wp-caption aligncenter"><img src="/vkstv/wp-content/uploads/'
                        f'{article.published:%Y/%m}/{article.slug[:20]}.jpg"><figcaption class="wp-caption-text">'
                        f'{_e(text)}</figcaption></figure>')
    lead = f"<p><strong>{_e(article.lead)}</strong></p>" if article.lead else ""
    when = article.published
    main = f"""<article id="post-{article.id}" class="post type-post status-publish category-{_e(article.section)}">
<header class="entry-header"><h1 class="entry-title">{_e(article.title)}</h1>
<div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="{when:%Y-%m-%dT%H:%M:00+07:00}">{when:%d/%m/%Y}</time></span>
 <span class="cat-links"><a href="/vkstv/category/{_e(article.section)}/">{_e(section_title("vkstv", article.section))}</a></span></div></header>
<div class="entry-content">{lead}{''.join(body)}<p style="text-align: right;"><strong>{_e(article.author)}</strong></p></div>
<div class="sharedaddy"><h3>Chia sẻ:</h3><a href="#">Facebook</a> <a href="#">Twitter</a></div>
</article>"""
    return _vkstv_chrome(f"{article.title} – VKSND tỉnh", main, related[:6], article.path,
                         f"post-template-default single single-post postid-{article.id}")


def vkstv_listing(heading: str, items, page: int, has_next: bool, url_for, sidebar, key: str) -> str:
    entries = "".join(
        f'<article class="post type-post"><header class="entry-header"><h2 class="entry-title">'
        f'<a href="{_e(href)}" rel="bookmark">{_e(a.title)}</a></h2>'
        f'<time class="entry-date">{a.published:%d/%m/%Y}</time></header>'
        f'<div class="entry-summary"><p>{_e(a.lead or a.paragraphs[0][:160])}</p></div></article>'
        for href, a in items)
    nav_prev = f'<a class="prev page-numbers" href="{_e(url_for(page - 1))}">« Mới hơn</a>' if page > 1 else ""
    nav_next = f'<a class="next page-numbers" href="{_e(url_for(page + 1))}">Cũ hơn »</a>' if has_next else ""
    main = f"""<header class="page-header"><h1 class="page-title">{_e(heading)}</h1></header>
{entries}
<nav class="navigation pagination"><div class="nav-links">{nav_prev}<span class="page-numbers current">{page}</span>{nav_next}</div></nav>"""
    return _vkstv_chrome(f"{heading} – Trang {page}", main, sidebar, key, "archive blog")


def vkstv_not_found(path: str) -> str:
    main = '<section class="error-404 not-found"><h1 class="page-title">Không tìm thấy trang</h1></section>'
    return _vkstv_chrome("Không tìm thấy trang", main, [], path, "error404")


ARTICLE = {"bvpl": bvpl_article, "kiemsat": kiemsat_article, "vkstv": vkstv_article}
LISTING = {"bvpl": bvpl_listing, "kiemsat": kiemsat_listing, "vkstv": vkstv_listing}
NOT_FOUND = {"bvpl": bvpl_not_found, "kiemsat": kiemsat_not_found, "vkstv": vkstv_not_found}


def internal_page(title: str) -> str:
    """A page only a crawler ignoring robots.txt would ever see."""
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{_e(title)}</title></head>'
            f'<body><h1 class="post-title">{_e(title)}</h1><div class="post-content"><div class="noidung">'
            f'<p>Trang dành cho cán bộ nội bộ; máy tìm kiếm và trình thu thập không được truy cập.</p>'
            f'</div></div></body></html>')


def fault_listing(links: Sequence[tuple[str, str]], key: Optional[str] = None) -> str:
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Tin tức</title></head><body>'
            f'<h1>Tin tức</h1><ul class="danh-sach">{_links(links)}</ul>'
            f'<footer>Lượt truy cập: {visitor_count(key or "loi")}</footer></body></html>')


def vkstv_feed(base_url_path: str, items: Sequence[tuple[str, MirrorArticle]]) -> str:
    """The WordPress RSS 2.0 feed (/feed/): (href, article) pairs, newest first, links relative to the mirror."""
    entries = "".join(
        f"<item><title>{_e(a.title)}</title><link>{_e(href)}</link>"
        f"<pubDate>{a.published:%a, %d %b %Y %H:%M:00} +0700</pubDate>"
        f"<description>{_e(a.lead or a.paragraphs[0][:160])}</description></item>"
        for href, a in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>VKSND tỉnh (mô phỏng)</title><link>{_e(base_url_path)}</link>{entries}</channel></rss>")

"""The mirror's ``/tinh/`` site: a provincial portal that has *no* source config.

It stands for the many procuracy and court portals nobody has written a config for:
a home page with the newest articles, category pages, an "about" and a "contact" page,
an RSS feed announced in the page head, and an XML sitemap index (announced in
robots.txt) that lists every article and, in a second sitemap, the other pages.
``thidua sources add`` must find its articles from these alone (tests/test_discover.py).

Its articles are every article of the mirror, renumbered in one sequence (newest last),
under ``/tinh/<category>/<slug>-<number>.html``.
"""
from __future__ import annotations

import re
from html import escape
from typing import Optional, Sequence

from .content import PHOTO_PREFIX, MirrorArticle

PREFIX = "/tinh"
FIRST_NUMBER = 10001
HOME_COUNT = 6          # articles on the home page (the rest only in the sitemap and the feed)
FEED_COUNT = 10
PAGE_SIZE = 10
CATEGORIES = {"tin-hoat-dong": "Tin hoạt động", "thi-dua-khen-thuong": "Thi đua - Khen thưởng"}
STATIC_PAGES = {"gioi-thieu": "Giới thiệu", "lien-he": "Liên hệ"}


def _e(text) -> str:
    return escape(str(text), quote=True)


class Portal:
    """Routing and HTML of the /tinh/ site over a fixed list of articles."""

    def __init__(self, articles: Sequence[MirrorArticle]):
        ordered = sorted(articles, key=lambda a: (a.published, a.site, a.id))
        cats = list(CATEGORIES)
        self.entries = []   # (path, category, article), oldest first
        for n, article in enumerate(ordered):
            category = cats[n % len(cats)]
            self.entries.append((f"{PREFIX}/{category}/{article.slug}-{FIRST_NUMBER + n}.html", category, article))
        self.by_path = {path: (category, article) for path, category, article in self.entries}

    @property
    def article_paths(self) -> list[str]:
        return [path for path, _, _ in self.entries]

    def newest(self, n: Optional[int] = None, category: Optional[str] = None):
        entries = [e for e in reversed(self.entries) if category is None or e[1] == category]
        return entries if n is None else entries[:n]

    # ------------------------------------------------------------------ routing
    def respond(self, path: str, query: dict, origin: str):
        """(status, content_type, body text) for a path under /tinh/."""
        html = "text/html; charset=utf-8"
        if path in (PREFIX, PREFIX + "/"):
            return 200, html, self.home()
        if path == PREFIX + "/rss.xml":
            return 200, "application/rss+xml; charset=utf-8", self.feed(origin)
        if path == PREFIX + "/sitemap.xml":
            return 200, "application/xml; charset=utf-8", self.sitemap_index(origin)
        if path == PREFIX + "/sitemap-bai-viet.xml":
            return 200, "application/xml; charset=utf-8", self.urlset(origin, [
                (p, a.published) for p, _, a in self.newest()])
        if path == PREFIX + "/sitemap-trang.xml":
            pages = [f"{PREFIX}/", *(f"{PREFIX}/{s}.html" for s in STATIC_PAGES),
                     *(f"{PREFIX}/chuyen-muc/{c}.html" for c in CATEGORIES)]
            return 200, "application/xml; charset=utf-8", self.urlset(origin, [(p, None) for p in pages])
        if path in self.by_path:
            category, article = self.by_path[path]
            return 200, html, self.article(path, category, article)
        m = re.match(rf"^{PREFIX}/([a-z-]+)\.html$", path)
        if m and m.group(1) in STATIC_PAGES:
            title = STATIC_PAGES[m.group(1)]
            return 200, html, self._chrome(title, f'<div class="page"><h1>{_e(title)}</h1><p>Viện kiểm sát nhân dân '
                                                  f'tỉnh (bản mô phỏng ngoại tuyến). Địa chỉ: số 1 đường Mô Phỏng.</p></div>')
        m = re.match(rf"^{PREFIX}/chuyen-muc/([a-z-]+)\.html$", path)
        if m and m.group(1) in CATEGORIES:
            try:
                page = max(1, int(query.get("trang", ["1"])[0]))
            except ValueError:
                page = 1
            return 200, html, self.category(m.group(1), page)
        return 404, html, self._chrome("Không tìm thấy", "<h1>Không tìm thấy trang</h1>")

    # ------------------------------------------------------------------ pages
    def _chrome(self, title: str, main: str) -> str:
        menu = "".join(f'<li><a href="{PREFIX}/chuyen-muc/{c}.html">{_e(t)}</a></li>' for c, t in CATEGORIES.items())
        pages = "".join(f'<li><a href="{PREFIX}/{s}.html">{_e(t)}</a></li>' for s, t in STATIC_PAGES.items())
        return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{_e(title)}</title>
<link rel="alternate" type="application/rss+xml" title="Tin mới" href="{PREFIX}/rss.xml"></head>
<body><header class="top"><a class="brand" href="{PREFIX}/">VIỆN KIỂM SÁT NHÂN DÂN TỈNH</a>
<nav><ul><li><a href="{PREFIX}/">Trang chủ</a></li>{menu}{pages}</ul></nav></header>
<main class="main">{main}</main>
<footer class="bottom">Cổng thông tin điện tử (bản mô phỏng ngoại tuyến) ·
<a href="https://www.gov.vn.invalid/">Cổng Chính phủ</a></footer></body></html>"""

    @staticmethod
    def _item(path: str, article: MirrorArticle) -> str:
        return (f'<div class="item"><a class="item-title" href="{_e(path)}">{_e(article.title)}</a>'
                f'<span class="item-time">{article.published:%d/%m/%Y}</span></div>')

    def home(self) -> str:
        items = "".join(self._item(p, a) for p, _, a in self.newest(HOME_COUNT))
        return self._chrome("Cổng thông tin điện tử VKSND tỉnh", f'<section class="latest"><h2>Tin mới</h2>{items}</section>')

    def category(self, category: str, page: int) -> str:
        entries = self.newest(category=category)
        start = (page - 1) * PAGE_SIZE
        items = "".join(self._item(p, a) for p, _, a in entries[start:start + PAGE_SIZE])
        more = (f'<a class="more" href="{PREFIX}/chuyen-muc/{category}.html?trang={page + 1}">Xem tiếp</a>'
                if len(entries) > start + PAGE_SIZE else "")
        return self._chrome(CATEGORIES[category], f"<h1>{_e(CATEGORIES[category])}</h1>{items}{more}")

    def article(self, path: str, category: str, article: MirrorArticle) -> str:
        when = article.published
        body = []
        for paragraph in article.paragraphs:
            if paragraph.startswith(PHOTO_PREFIX):
                body.append(f'<figure><figcaption>{_e(paragraph[len(PHOTO_PREFIX):].strip())}</figcaption></figure>')
            else:
                body.append(f"<p>{_e(paragraph)}</p>")
        lead = f'<p class="sapo"><strong>{_e(article.lead)}</strong></p>' if article.lead else ""
        main = f"""<article class="detail">
<div class="crumbs"><a href="{PREFIX}/">Trang chủ</a> / <a href="{PREFIX}/chuyen-muc/{category}.html">{_e(CATEGORIES[category])}</a></div>
<h1 class="detail-title">{_e(article.title)}</h1>
<time class="detail-time" datetime="{when:%Y-%m-%dT%H:%M:00+07:00}">{when:%d/%m/%Y %H:%M}</time>
<div class="detail-content">{lead}{''.join(body)}<p class="author">{_e(article.author)}</p></div>
</article>"""
        page = self._chrome(article.title, main)
        meta = (f'<meta property="og:title" content="{_e(article.title)}">'
                f'<meta property="article:published_time" content="{when:%Y-%m-%dT%H:%M:00+07:00}">')
        return page.replace("</title>", "</title>" + meta, 1)

    def feed(self, origin: str) -> str:
        items = "".join(
            f"<item><title>{_e(a.title)}</title><link>{_e(origin + p)}</link>"
            f"<pubDate>{a.published:%a, %d %b %Y %H:%M:00} +0700</pubDate></item>"
            for p, _, a in self.newest(FEED_COUNT))
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>VKSND tỉnh - Tin mới</title>'
                f"<link>{_e(origin + PREFIX)}/</link>{items}</channel></rss>")

    @staticmethod
    def sitemap_index(origin: str) -> str:
        maps = "".join(f"<sitemap><loc>{_e(origin + PREFIX)}/{name}</loc></sitemap>"
                       for name in ("sitemap-bai-viet.xml", "sitemap-trang.xml"))
        return ('<?xml version="1.0" encoding="UTF-8"?>'
                f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{maps}</sitemapindex>')

    @staticmethod
    def urlset(origin: str, entries) -> str:
        urls = "".join(f"<url><loc>{_e(origin + p)}</loc>" + (f"<lastmod>{when:%Y-%m-%d}</lastmod>" if when else "")
                       + "</url>" for p, when in entries)
        return ('<?xml version="1.0" encoding="UTF-8"?>'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')

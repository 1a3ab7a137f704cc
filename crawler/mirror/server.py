"""The offline mirror's HTTP server: synthetic procuracy news sites on one local port.

    with MirrorServer() as mirror:          # port 0: any free port
        print(mirror.url)                   # e.g. http://127.0.0.1:40123
        ...                                 # crawl mirror.url + "/bvpl/tin-moi-nhat"
        mirror.requested("/bvpl/noi-bo/")   # the request log, for tests

    python -m crawler.mirror.server --port 8765 [--scale 2000]

Sites (path prefixes): /bvpl/ (baovephapluat-like, DotNetNuke), /kiemsat/ (kiemsat-like),
/vkstv/ (a WordPress provincial portal with date permalinks), /loi/ (bad pages:
empty, binary, no article, windows-1258, truncated, huge, 500, slow, redirect loop), and
/tinh/ (a portal with no source config: home page, sitemap index, RSS feed; mirror/portal.py).
A site can be switched to a new markup (``mirror.set_markup(site, 2)``: every CSS class renamed)
or made to answer 403 to everything (``mirror.forbid(site)``), for the crawl-health tests.
Each site has paginated listings, a 404, a 301 from an old URL, and paths that
/robots.txt disallows (linked from pages, so a crawler ignoring robots.txt would fetch them).
"""
from __future__ import annotations

import argparse
import re
import signal
import threading
import time
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qs, urlsplit

from . import render
from .content import ARTICLES_DIR, SITES, MirrorArticle, load_articles, with_variants
from .portal import Portal

ROBOTS_TXT = """User-agent: *
Disallow: /bvpl/noi-bo/
Disallow: /bvpl/tim-kiem/
Disallow: /kiemsat/print/
Disallow: /vkstv/wp-admin/
"""
# Links that are in article lists but must never be fetched (robots.txt) or are gone (404).
DISALLOWED_ARTICLE = {"bvpl": "/bvpl/noi-bo/tai-lieu/ke-hoach-thi-dua-noi-bo-990001.html"}
GONE_ARTICLE = {
    "bvpl": "/bvpl/kiem-sat-24h/ban-tin-kiem-sat/bai-viet-da-go-990404.html",
    "kiemsat": "/kiemsat/bai-viet-da-go-99404.html",
    "vkstv": "/vkstv/2020/01/02/bai-viet-da-go/",
}
REVISION_NOTE = ("Cập nhật: bài viết được bổ sung danh sách tập thể, cá nhân được đề nghị khen thưởng "
                 "sau khi Hội đồng thi đua, khen thưởng họp xét lại.")
HUGE_SIZE = 9 * 1024 * 1024      # above the crawler's DOWNLOAD_MAXSIZE (8 MB)
HTML = "text/html; charset=utf-8"


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: Optional[str] = HTML
    headers: dict = field(default_factory=dict)
    announced_length: Optional[int] = None   # a Content-Length other than len(body): truncation
    delay: float = 0.0                        # seconds to wait before answering
    stream_size: Optional[int] = None         # send this many filler bytes (huge page)
    article: Optional[MirrorArticle] = None   # the article served (for Last-Modified / If-Modified-Since)


def _html(text: str, status: int = 200) -> Reply:
    return Reply(status=status, body=text.encode("utf-8"))


def encode_cp1258(text: str) -> bytes:
    """Vietnamese text in windows-1258: base letters precomposed, tone marks as combining characters."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in tones))
        marks = "".join(c for c in decomposed if c in tones)
        out += (base + marks).encode("cp1258", errors="replace")
    return bytes(out)


class MirrorIndex:
    """The articles of each site, newest first, and the URL routing over them."""

    def __init__(self, articles: list[MirrorArticle], page_size: int = 10):
        self.page_size = page_size
        self.by_site = {site: sorted((a for a in articles if a.site == site),
                                     key=lambda a: (a.published, a.id), reverse=True) for site in SITES}
        self.by_id = {(a.site, a.id): a for a in articles}
        self.by_path = {a.path: a for a in articles}
        self.by_old_path = {a.old_path: a for a in articles}
        # One article per site is linked by its old URL in every list (its slug was edited after
        # publication), so a crawler meets a 301 on its way to it.
        self.moved = {site: arts[1] for site, arts in self.by_site.items() if len(arts) > 1}

    def href(self, article: MirrorArticle) -> str:
        return article.old_path if self.moved.get(article.site) is article else article.path

    def page_of(self, site: str, section: Optional[str], page: int):
        arts = self.by_site[site]
        if section is not None:
            arts = [a for a in arts if a.section == section]
        start = (page - 1) * self.page_size
        return arts[start:start + self.page_size], len(arts) > start + self.page_size

    def related(self, article: MirrorArticle, n: int = 6) -> list[MirrorArticle]:
        arts = [a for a in self.by_site[article.site] if a is not article]
        same = [a for a in arts if a.section == article.section]
        return (same + [a for a in arts if a.section != article.section])[:n]

    def sections(self, site: str) -> set[str]:
        return {a.section for a in self.by_site[site]}


class Mirror:
    """Routing: a request path to a Reply. No I/O, so it is easy to test and to extend."""

    def __init__(self, index: MirrorIndex, slow_seconds: float = 5.0, revision: int = 1):
        self.index = index
        self.portal = Portal(list(index.by_id.values()))
        self.slow_seconds = slow_seconds
        self.revised_at: Optional[datetime] = None
        self.revision = revision
        self.markup: dict[str, int] = {}     # site -> markup version (2: every CSS class renamed)
        self.forbidden: set[str] = set()     # sites answering 403 to every request

    @property
    def revision(self) -> int:
        return self._revision

    @revision.setter
    def revision(self, value: int) -> None:
        """Revision 2 and later: the newest bvpl article has an added paragraph (an edit after
        publication), and its Last-Modified is the moment of the switch."""
        self._revision = int(value)
        if self._revision >= 2:
            now = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=1)
            self.revised_at = now
        else:
            self.revised_at = None

    @property
    def revised_article(self) -> Optional[MirrorArticle]:
        arts = self.index.by_site.get("bvpl") or []
        return arts[0] if arts else None

    def _last_modified(self, article: MirrorArticle) -> datetime:
        if self.revised_at is not None and article is self.revised_article:
            return self.revised_at
        return article.published.replace(tzinfo=timezone(timedelta(hours=7))).astimezone(timezone.utc)

    def respond(self, target: str, headers: Optional[dict] = None) -> Reply:
        site = urlsplit(target).path.strip("/").split("/", 1)[0]
        if site in self.forbidden:
            return _html("<html><body><h1>403 Forbidden</h1></body></html>", 403)
        reply = self._respond(target, headers)
        if self.markup.get(site, 1) >= 2 and reply.body and (reply.content_type or "").startswith("text/html"):
            reply.body = _renamed_classes(reply.body)
        article = reply.article
        if article is not None and reply.status == 200:
            modified = self._last_modified(article)
            reply.headers["Last-Modified"] = format_datetime(modified, usegmt=True)
            since = _header(headers, "If-Modified-Since")
            if since:
                try:
                    if modified <= parsedate_to_datetime(since):
                        return Reply(status=304, body=b"", content_type=None,
                                     headers={"Last-Modified": reply.headers["Last-Modified"]})
                except (TypeError, ValueError):
                    pass
        return reply

    def _respond(self, target: str, headers: Optional[dict] = None) -> Reply:
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        origin = f"http://{_header(headers, 'Host') or '127.0.0.1'}"
        if path == "/robots.txt":
            robots = ROBOTS_TXT + f"Sitemap: {origin}/tinh/sitemap.xml\n"
            return Reply(body=robots.encode(), content_type="text/plain; charset=utf-8")
        if path in ("/", ""):
            links = "".join(f'<li><a href="/{s}/">/{s}/</a></li>' for s in (*SITES, "loi", "tinh"))
            return _html(f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Mirror</title></head>'
                         f'<body><h1>Bản mô phỏng ngoại tuyến</h1><ul>{links}</ul></body></html>')
        site = path.strip("/").split("/", 1)[0]
        if site == "tinh":
            status, content_type, text = self.portal.respond(path, query, origin)
            return Reply(status=status, body=text.encode("utf-8"), content_type=content_type)
        handler = {"bvpl": self._bvpl, "kiemsat": self._kiemsat, "vkstv": self._vkstv, "loi": self._faults}.get(site)
        if handler is None:
            return _html("<html><body><h1>404</h1></body></html>", 404)
        return handler(path, query)

    # ---------------------------------------------------------------- shared
    def _article(self, site: str, article: Optional[MirrorArticle], path: str) -> Reply:
        if article is None:
            return _html(render.NOT_FOUND[site](path), 404)
        if path != article.path:
            return Reply(status=301, headers={"Location": article.path}, body=b"")
        served = article
        if self.revised_at is not None and article is self.revised_article:
            served = replace(article, paragraphs=(*article.paragraphs, REVISION_NOTE))
        reply = _html(render.ARTICLE[site](served, self.index.related(article)))
        reply.article = article
        return reply

    def _listing(self, site: str, section: Optional[str], page: int, heading: str, url_for, key: str,
                 main_listing: bool) -> Reply:
        page_articles, has_next = self.index.page_of(site, section, page)
        items = [(self.index.href(a), a) for a in page_articles]
        if main_listing and page == 1:
            placeholder = page_articles[0] if page_articles else None
            if placeholder is not None:
                items.append((GONE_ARTICLE[site], placeholder_with_title(placeholder, "Bài viết đã gỡ")))
                if site in DISALLOWED_ARTICLE:
                    items.append((DISALLOWED_ARTICLE[site], placeholder_with_title(placeholder, "Kế hoạch nội bộ")))
        sidebar = self.index.by_site[site][:5]
        return _html(render.LISTING[site](heading, items, page, has_next, url_for, sidebar, key))

    # ---------------------------------------------------------------- bvpl
    def _bvpl(self, path: str, query) -> Reply:
        if path.startswith("/bvpl/noi-bo/") or path.startswith("/bvpl/tim-kiem/"):
            return _html(render.internal_page("Trang nội bộ"))
        m = re.match(r"^/bvpl/(?:[a-z0-9-]+/){1,2}[a-z0-9-]+-(\d+)\.html$", path)
        if m:
            return self._article("bvpl", self.index.by_id.get(("bvpl", int(m.group(1)))), path)
        m = re.match(r"^/bvpl/?(.*?)(?:/p/(\d+))?/?$", path)
        section, page = m.group(1), int(m.group(2) or 1)
        if section in ("", "tin-moi-nhat"):
            base = "/bvpl/tin-moi-nhat"
            return self._listing("bvpl", None, page, "Tin mới nhất", lambda n: base if n == 1 else f"{base}/p/{n}",
                                 path, main_listing=True)
        if section in self.index.sections("bvpl") or section in render.BVPL_SECTIONS:
            base = f"/bvpl/{section}"
            return self._listing("bvpl", section, page, render.section_title("bvpl", section),
                                 lambda n: base if n == 1 else f"{base}/p/{n}", path, main_listing=False)
        return _html(render.bvpl_not_found(path), 404)

    # ---------------------------------------------------------------- kiemsat
    def _kiemsat(self, path: str, query) -> Reply:
        m = re.match(r"^/kiemsat/print/(\d+)\.html$", path)
        if m:
            return _html(render.internal_page("Bản in"))
        m = re.match(r"^/kiemsat/[a-z0-9-]+-(\d+)\.html$", path)
        if m:
            return self._article("kiemsat", self.index.by_id.get(("kiemsat", int(m.group(1)))), path)
        section = path[len("/kiemsat/"):].strip("/") if path.startswith("/kiemsat/") else ""
        try:
            page = max(1, int(query.get("page", ["1"])[0]))
        except ValueError:
            page = 1
        if section in ("", "tin-moi-nhat"):
            base = "/kiemsat/tin-moi-nhat"
            return self._listing("kiemsat", None, page, "Tin mới nhất", lambda n: f"{base}?page={n}", path + str(page),
                                 main_listing=True)
        if section in self.index.sections("kiemsat") or section in render.KIEMSAT_SECTIONS:
            base = f"/kiemsat/{section}"
            return self._listing("kiemsat", section, page, render.section_title("kiemsat", section),
                                 lambda n: f"{base}?page={n}", path + str(page), main_listing=False)
        return _html(render.kiemsat_not_found(path), 404)

    # ---------------------------------------------------------------- vkstv
    def _vkstv(self, path: str, query) -> Reply:
        if path in ("/vkstv/feed/", "/vkstv/feed"):
            newest = [(self.index.href(a), a) for a in self.index.by_site["vkstv"][:10]]
            return Reply(body=render.vkstv_feed("/vkstv/", newest).encode("utf-8"),
                         content_type="application/rss+xml; charset=UTF-8")
        if path.startswith("/vkstv/wp-admin"):
            return _html(render.internal_page("Đăng nhập quản trị"))
        if re.match(r"^/vkstv/\d{4}/\d{2}/\d{2}/[^/]+/?$", path):
            canonical = path if path.endswith("/") else path + "/"
            article = self.index.by_path.get(canonical) or self.index.by_old_path.get(canonical)
            return self._article("vkstv", article, path)
        m = re.match(r"^/vkstv/(?:category/([a-z0-9-]+)/)?(?:page/(\d+)/?)?$", path if path != "/vkstv" else "/vkstv/")
        if not m:
            return _html(render.vkstv_not_found(path), 404)
        section, page = m.group(1), int(m.group(2) or 1)
        base = f"/vkstv/category/{section}/" if section else "/vkstv/"
        if section and section not in self.index.sections("vkstv") and section not in render.VKSTV_SECTIONS:
            return _html(render.vkstv_not_found(path), 404)
        heading = render.section_title("vkstv", section) if section else "Tin tức"
        return self._listing("vkstv", section, page, heading, lambda n: base if n == 1 else f"{base}page/{n}/",
                             path, main_listing=section is None)

    # ---------------------------------------------------------------- faults
    FAULTS = {
        "trang-rong": "Trang trống",
        "tep-nhi-phan": "Tệp nhị phân",
        "tep-nhi-phan-gia-html": "Tệp nhị phân khai là HTML",
        "khong-co-bai": "Trang không có bài viết",
        "ma-windows-1258": "Bài viết mã windows-1258",
        "bi-cat-giua-chung": "Trang bị cắt giữa chừng",
        "trang-qua-lon": "Trang quá lớn",
        "loi-may-chu": "Lỗi máy chủ",
        "qua-cham": "Trang trả lời quá chậm",
        "vong-lap-a": "Chuyển hướng vòng lặp",
        "bai-da-xoa": "Bài đã xoá",
    }

    def _faults(self, path: str, query) -> Reply:
        if path.rstrip("/") in ("/loi", "/loi/tin-tuc"):
            links = [(f"/loi/bai-viet/{slug}.html", title) for slug, title in self.FAULTS.items()]
            return _html(render.fault_listing(links, path))
        m = re.match(r"^/loi/bai-viet/([a-z0-9-]+)\.html$", path)
        kind = m.group(1) if m else None
        if kind == "trang-rong":
            return Reply(body=b"")
        if kind == "tep-nhi-phan":
            return Reply(body=_binary_bytes(), content_type="application/octet-stream")
        if kind == "tep-nhi-phan-gia-html":
            return Reply(body=_binary_bytes())
        if kind == "khong-co-bai":
            return _html(render.fault_listing([("/loi/tin-tuc", "Về danh sách")], path))
        if kind == "ma-windows-1258":
            return Reply(body=encode_cp1258(_cp1258_page()), content_type="text/html; charset=windows-1258")
        if kind == "bi-cat-giua-chung":
            whole = _cp1258_page().replace('charset="windows-1258"', 'charset="utf-8"').encode("utf-8")
            return Reply(body=whole[: len(whole) // 3], announced_length=len(whole))
        if kind == "trang-qua-lon":
            return Reply(stream_size=HUGE_SIZE)
        if kind == "loi-may-chu":
            return _html("<html><body><h1>500 Internal Server Error</h1></body></html>", 500)
        if kind == "qua-cham":
            return Reply(body=_cp1258_page().encode("utf-8"), delay=self.slow_seconds)
        if kind == "vong-lap-a":
            return Reply(status=302, headers={"Location": "/loi/bai-viet/vong-lap-b.html"})
        if kind == "vong-lap-b":
            return Reply(status=302, headers={"Location": "/loi/bai-viet/vong-lap-a.html"})
        return _html("<html><body><h1>404 - Không tìm thấy</h1></body></html>", 404)


def _renamed_classes(body: bytes) -> bytes:
    """A site's new markup: the same pages with every CSS class renamed (a redesign)."""
    return re.sub(rb'class="([^"]*)"',
                  lambda m: b'class="' + b" ".join(b"v2-" + c for c in m.group(1).split()) + b'"', body)


def _header(headers, name: str) -> Optional[str]:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def placeholder_with_title(article: MirrorArticle, title: str) -> MirrorArticle:
    """A list entry for a link that leads nowhere useful (gone, or forbidden by robots.txt)."""
    return replace(article, title=title, lead=title)


def _binary_bytes() -> bytes:
    # A tiny PNG-like header followed by deterministic bytes with NULs.
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8


def _cp1258_page() -> str:
    paragraphs = [
        "Sáng 14/12, Khối thi đua các Viện kiểm sát nhân dân khu vực tổ chức Hội nghị tổng kết công tác "
        "thi đua, khen thưởng năm và ký kết giao ước thi đua năm sau.",
        "Hội nghị đã bình xét, suy tôn đơn vị dẫn đầu Khối, đề nghị Viện trưởng Viện kiểm sát nhân dân "
        "tối cao tặng Cờ thi đua và Bằng khen cho các tập thể, cá nhân có thành tích xuất sắc.",
        "Các đơn vị thống nhất tiếp tục đẩy mạnh phong trào thi đua, nâng cao chất lượng công tác thực "
        "hành quyền công tố và kiểm sát hoạt động tư pháp.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="windows-1258">'
            f'<title>Khối thi đua tổng kết năm</title></head><body><h1>Khối thi đua tổng kết công tác năm</h1>'
            f'{body}<p>Hoàng Lâm</p></body></html>')


class _Handler(BaseHTTPRequestHandler):
    server_version = "thidua-mirror/0.1"
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (http.server API)
        mirror: MirrorServer = self.server.mirror_server
        reply = mirror.router.respond(self.path, dict(self.headers.items()))
        mirror._log("GET", self.path, reply.status, self.headers.get("User-Agent", ""))
        if reply.delay:
            time.sleep(reply.delay)
        try:
            self.send_response(reply.status)
            if reply.content_type:
                self.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.stream_size is not None:
                self.send_header("Content-Length", str(reply.stream_size))
                self.end_headers()
                chunk = b"<p>" + b"x" * 65000 + b"</p>\n"
                sent = 0
                while sent < reply.stream_size:
                    part = chunk[: reply.stream_size - sent]
                    self.wfile.write(part)
                    sent += len(part)
                return
            length = reply.announced_length if reply.announced_length is not None else len(reply.body)
            self.send_header("Content-Length", str(length))
            if reply.announced_length is not None:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(reply.body)
            if reply.announced_length is not None:
                self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (e.g. on the huge page): expected

    def log_message(self, format, *args):  # the request log is kept on the MirrorServer instead
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False   # don't wait for a deliberately slow reply when stopping

    def handle_error(self, request, client_address):
        # A client that went away (a crawler killed mid-request, a timeout) is not the server's error.
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class MirrorServer:
    """The mirror as a context manager: ``with MirrorServer() as m: m.url``.

    ``scale=N`` adds N deterministic variants of the articles (a large mirror);
    ``page_size`` is the number of articles per listing page; ``slow_seconds`` how
    long the deliberately slow page waits.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, articles_dir: Optional[Path] = None,
                 scale: int = 0, page_size: int = 10, slow_seconds: float = 5.0, revision: int = 1):
        self.host, self.port = host, port
        self.articles = with_variants(load_articles(articles_dir or ARTICLES_DIR), scale)
        self.router = Mirror(MirrorIndex(self.articles, page_size), slow_seconds=slow_seconds, revision=revision)
        self._httpd: Optional[_Server] = None
        self._thread: Optional[threading.Thread] = None
        self._lock = threading.Lock()
        self.request_log: list[tuple[str, str, int]] = []   # (method, path?query, status)
        self.agents: list[tuple[str, str]] = []   # (path?query, User-Agent), in the same order

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the mirror is not running: call start() first")
        return f"http://{self.host}:{self._httpd.server_address[1]}"

    def start(self) -> "MirrorServer":
        if self._httpd is None:
            self._httpd = _Server((self.host, self.port), _Handler)
            self._httpd.mirror_server = self
            self._thread = threading.Thread(target=self._httpd.serve_forever, name="mirror", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=5)
            self._httpd = self._thread = None

    def __enter__(self) -> "MirrorServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def revision(self) -> int:
        return self.router.revision

    @revision.setter
    def revision(self, value: int) -> None:
        """``mirror.revision = 2`` edits one article (``revised_article``) while serving."""
        self.router.revision = value

    @property
    def revised_article(self) -> Optional[MirrorArticle]:
        return self.router.revised_article

    def set_markup(self, site: str, version: int) -> None:
        """From now on ``site`` serves its pages in markup ``version`` (2: every CSS class renamed)."""
        self.router.markup[site] = version

    def forbid(self, site: str, forbidden: bool = True) -> None:
        """From now on ``site`` answers 403 to every request (robots.txt, at the root, still answers)."""
        (self.router.forbidden.add if forbidden else self.router.forbidden.discard)(site)

    def portal_article_paths(self) -> list[str]:
        """The article paths of the config-less /tinh/ site."""
        return self.router.portal.article_paths

    def _log(self, method: str, path: str, status: int, agent: str = "") -> None:
        with self._lock:
            self.request_log.append((method, path, status))
            self.agents.append((path, agent))

    def requested_by(self, agent_part: str, prefix: str = "") -> list[str]:
        """Paths requested by clients whose User-Agent contains ``agent_part``."""
        with self._lock:
            return [path for path, agent in self.agents if agent_part in agent and path.startswith(prefix)]

    def requested(self, prefix: str = "") -> list[str]:
        """Paths requested so far that start with ``prefix``, in order (repeats kept)."""
        with self._lock:
            return [path for _, path, _ in self.request_log if path.startswith(prefix)]

    def clear_log(self) -> None:
        with self._lock:
            self.request_log.clear()
            self.agents.clear()

    def article_paths(self, site: Optional[str] = None) -> list[str]:
        return [a.path for a in self.articles if site is None or a.site == site]


def main(argv=None):
    parser = argparse.ArgumentParser(description="Serve the offline mirror of procuracy news sites.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--scale", type=int, default=0, help="add this many generated variant articles")
    parser.add_argument("--page-size", type=int, default=10)
    args = parser.parse_args(argv)
    # SIGTERM (e.g. `kill <pid>`) stops it as cleanly as Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    server = MirrorServer(args.host, args.port, scale=args.scale, page_size=args.page_size).start()
    print(f"mirror: {len(server.articles)} articles at {server.url} "
          f"(sources: --mirror-url {server.url}); Ctrl-C to stop", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()

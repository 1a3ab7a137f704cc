"""The one generic news spider: listings -> article pages, driven by crawler/sources/*.yml.

Per source it walks each listing newest first (page 1, 2, ... via the configured
pagination pattern), its feeds and its sitemaps, collects the links (inside
``listing_links`` on listings) that match ``article_pattern``, and fetches those not
yet stored. A config that names only a home page is first discovered
(crawler/discover.py: robots.txt, sitemaps, feeds, the learned article pattern). It never stops on a fault:
404s, 500s, timeouts, redirect loops and unusable pages become ``CrawlErrorItem``s
(or stored pages flagged with a problem).

Redirects are followed here rather than by Scrapy's middleware, so that a loop is
reported as one error with its chain, and a redirect to an article already stored
(or already queued) costs no further request.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Optional
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse

from crawler import health, store
from crawler.items import CrawlErrorItem, PageItem
from crawler.sources import Source, load_sources, stored_url

MAX_REDIRECTS = 5
REVISIT_AFTER = 6 * 3600  # incremental runs re-check the newest stored articles this often (seconds)
MIN_ARTICLE_TEXT = 200   # characters of paragraph text below which a page holds no article
TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _truthy(value) -> bool:
    return value is True or str(value).lower() in ("1", "true", "yes", "on")


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, sources=None, mirror_url: Optional[str] = None, incremental=False, db=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.db_path = db                  # spider argument (Scrapyd: -d db=...); else the THIDUA_DB setting
        names = [n for n in sources.split(",") if n] if isinstance(sources, str) else sources
        self.sources: list[Source] = load_sources(names or None, mirror_url=mirror_url)
        self.source_by_name = {s.name: s for s in self.sources}
        self.allowed_domains = sorted({s.host for s in self.sources})
        self.incremental = _truthy(incremental)
        self.mirror_url = mirror_url
        self.known: set[str] = set()       # stored before this run (read at start)
        self.failed_before: set[str] = set()  # met by an earlier run but not storable (404, robots...)
        self.scheduled: set[str] = set()   # article URLs requested in this run
        self.listings_requested: set[str] = set()  # listing pages requested by this process
        self.fetched_at: dict[str, str] = {}  # stored URL -> when its newest copy was fetched
        self.gone_before: set[str] = set()  # 404/410/robots.txt in an earlier run (incremental runs skip them)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if settings.frozen:  # a crawler built for a unit test
            return spider
        if spider.db_path:
            settings.set("THIDUA_DB", str(spider.db_path), priority="cmdline")
        # `scrapy crawl news -a mirror_url=http://127.0.0.1:...` and Scrapyd jobs get the fast
        # local-mirror settings too (crawler.run sets them at a higher priority).
        from crawler.run import LOCAL_MIRROR_SETTINGS, _is_loopback

        if spider.sources and all(_is_loopback(s.base_url) for s in spider.sources):
            settings.update(LOCAL_MIRROR_SETTINGS, priority="spider")
        return spider

    @property
    def distributed(self) -> bool:
        return self.settings.getbool("THIDUA_REDIS")

    # ------------------------------------------------------------------ start
    async def start(self):
        if self.distributed:
            # A distributed crawler never writes to SQLite: it reads what is stored from the
            # database when it can see it, and from the set the ingester keeps on Redis.
            from crawler import distributed

            self.known, self.failed_before = distributed.read_only_known(self.settings.get("THIDUA_DB"))
            self.known |= distributed.known_urls_from_redis(
                self.settings.get("REDIS_URL"), self.settings.get("THIDUA_REDIS_PREFIX") or distributed.DEFAULT_PREFIX)
        else:
            db = store.open_db(self.settings.get("THIDUA_DB"))
            try:
                self.known = store.known_article_urls(db)
                self.failed_before = store.failed_urls(db)
                if self.incremental:
                    self.fetched_at = store.last_fetched(db)
                    self.gone_before = store.permanently_failed_urls(db)
            finally:
                db.conn.close()
        self.logger.info("%d article URLs already stored will not be fetched again", len(self.known))
        for source in list(self.sources):
            if source.needs_discovery:
                source, fault = await self._discover(source)
                if fault is not None:
                    yield fault
                    continue
            for listing in source.listings:
                request = self._listing_request(source, listing, 1)
                if request is not None:
                    yield request
            for feed in source.feeds:
                yield scrapy.Request(feed, callback=self.parse_feed, errback=self.on_error,
                                     meta=self._meta(source, kind="feed"))
            for sitemap in source.sitemaps:
                request = self._sitemap_request(source, sitemap)
                if request is not None:
                    yield request

    async def _discover(self, source: Source):
        """(the source with what discovery learned, None) or (source, the fault item) when it learned nothing.
        Runs in a thread: discovery fetches a handful of pages with urllib (robots.txt obeyed)."""
        from dataclasses import replace

        from twisted.internet.threads import deferToThread
        from scrapy.utils.defer import maybe_deferred_to_future

        from crawler import discover

        fetch = discover.make_fetch(user_agent=self.settings.get("USER_AGENT") or discover.USER_AGENT,
                                    timeout=self.settings.getfloat("DOWNLOAD_TIMEOUT", 30),
                                    obey_robots=self.settings.getbool("ROBOTSTXT_OBEY", True),
                                    delay=self.settings.getfloat("DOWNLOAD_DELAY", 1.0))
        try:
            found = await maybe_deferred_to_future(deferToThread(discover.discover, source.base_url + "/", fetch, 0))
        except discover.DiscoveryError as exc:
            return source, self._error(source.base_url + "/", source, f"discovery: {exc}")
        except Exception as exc:  # a site discovery cannot read must not stop the other sources
            self.logger.exception("%s: discovery failed", source.name)
            return source, self._error(source.base_url + "/", source, f"discovery failed: {type(exc).__name__}: {exc}")
        learned = replace(source, article_pattern=found.pattern.regex,
                          feeds=tuple(dict.fromkeys((*source.feeds, *found.feeds))),
                          sitemaps=tuple(dict.fromkeys((*source.sitemaps, *found.sitemaps))))
        self.logger.info("%s: discovered article pattern %s from %d links (sitemaps %s, feeds %s)", source.name,
                         learned.article_pattern, len(found.pattern.matching), list(learned.sitemaps),
                         list(learned.feeds))
        self.crawler.stats.set_value(f"thidua/source/{source.name}/discovered_pattern", learned.article_pattern)
        self.sources = [learned if s.name == source.name else s for s in self.sources]
        self.source_by_name[source.name] = learned
        return learned, None

    def _meta(self, source: Source, **extra) -> dict:
        # handle_httpstatus_all: every status reaches the callback (redirects and errors are ours).
        return {"source": source.name, "handle_httpstatus_all": True, **extra}

    def _listing_request(self, source: Source, listing: str, page: int) -> Optional[scrapy.Request]:
        url = source.listing_page_url(listing, page)
        if url is None:
            return None
        # Listings are fetched on every run, and re-walked from page 1 when a JOBDIR crawl resumes
        # (the queue of a killed crawl is not trusted): they bypass Scrapy's duplicate filter and are
        # deduplicated per process here. Distributed crawlers share the run's Redis duplicate filter
        # instead, so two crawlers seeding the same listings fetch each page once.
        if url in self.listings_requested:
            return None
        self.listings_requested.add(url)
        return scrapy.Request(url, callback=self.parse_listing, errback=self.on_error, dont_filter=not self.distributed,
                              meta=self._meta(source, kind="listing", listing=listing, page=page, link=url))

    def _sitemap_request(self, source: Source, url: str) -> Optional[scrapy.Request]:
        if url in self.listings_requested:
            return None
        self.listings_requested.add(url)
        return scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error, dont_filter=not self.distributed,
                              meta=self._meta(source, kind="sitemap", link=url))

    def _article_request(self, source: Source, url: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error,
                              meta=self._meta(source, kind="article", link=url))

    # ------------------------------------------------------------------ listings
    def _open_listing(self, response):
        """A listing or feed response: its source, and the fault items if it is not a usable page."""
        source = self.source_by_name[response.meta["source"]]
        self.crawler.stats.inc_value("thidua/listing_pages")
        self._count(source, "listing_pages")
        faults = self._redirect_or_fault(response, source)
        if faults is None:
            self._count(source, "listing_ok")
        return source, faults

    def parse_listing(self, response):
        source, faults = self._open_listing(response)
        if faults is not None:
            yield from faults
            return
        if not isinstance(response, TextResponse):
            yield self._error(response.url, source, f"listing is not HTML ({self._content_type(response)})",
                              response.status)
            return
        scope = response.css(source.listing_links) if source.listing_links else [response]
        links = self._article_links(response, source, scope)
        self._count(source, "article_links", len(links))
        yield from self._follow_articles(source, links, newest=response.meta["page"] == 1)
        if not links:
            if response.meta["page"] == 1:  # an empty first page means the layout or the config is wrong
                self._count(source, "empty_listings")
                yield self._error(response.url, source, "listing has no article links (listing_links "
                                  f"{source.listing_links!r} matched {len(scope)} blocks)", response.status)
            return  # past the last page
        if self.incremental and all(self._stored(u) in self.known or self._stored(u) in self.failed_before
                                    for u in links):
            self.logger.info("incremental: every article on %s is stored; stop paging", response.url)
            return
        next_request = self._listing_request(source, response.meta["listing"], response.meta["page"] + 1)
        if next_request is not None:
            yield next_request

    def parse_feed(self, response):
        source, faults = self._open_listing(response)
        if faults is not None:
            yield from faults
            return
        try:
            hrefs = response.xpath("//item/link/text() | //*[local-name()='entry']/*[local-name()='link']/@href").getall()
        except (AttributeError, ValueError):
            hrefs = []
        links = []
        for href in hrefs:
            url = source.canonical_article_url(response.urljoin(href.strip()))
            if url and url not in links:
                links.append(url)
        self._count(source, "article_links", len(links))
        yield from self._follow_articles(source, links, newest=True)

    def parse_sitemap(self, response):
        """A sitemap (Scrapy's sitemap parser): an index leads to more sitemaps of the site, a urlset
        to article candidates (every stored one is skipped, so a crawl costs the sitemap files)."""
        from crawler.discover import sitemap_links

        source, faults = self._open_listing(response)
        if faults is not None:
            yield from faults
            return
        kind, locs = sitemap_links(response.body or b"")
        if not kind:
            yield self._error(response.url, source, "sitemap is not a sitemap (no <urlset> or <sitemapindex>)",
                              response.status)
            return
        if kind == "sitemapindex":
            host = source.host
            for loc in locs:
                url = response.urljoin(loc)
                if (urlsplit(url).hostname or "") == host:
                    request = self._sitemap_request(source, url)
                    if request is not None:
                        yield request
            return
        links = []
        for loc in locs:
            url = source.canonical_article_url(response.urljoin(loc))
            if url and url not in links:
                links.append(url)
        self._count(source, "article_links", len(links))
        yield from self._follow_articles(source, links)

    def _article_links(self, response, source: Source, scope) -> list[str]:
        links: list[str] = []
        for block in scope:
            for href in block.css("a::attr(href)").getall():
                url = source.canonical_article_url(response.urljoin(href.strip()))
                if url and url not in links:
                    links.append(url)
        return links

    def _follow_articles(self, source: Source, links, newest: bool = False):
        for url in links:
            if url in self.scheduled:
                continue
            stored = self._stored(url)
            if self.incremental and stored in self.gone_before and stored not in self.known:
                continue  # 404/410 or forbidden by robots.txt before: not worth a request every update
            if stored in self.known:
                revisit = self._revisit_request(source, url, stored) if newest and self.incremental else None
                if revisit is not None:
                    self.scheduled.add(url)
                    yield revisit
                continue
            self.scheduled.add(url)
            yield self._article_request(source, url)

    def _revisit_request(self, source: Source, url: str, stored: str) -> Optional[scrapy.Request]:
        """The newest articles (first listing page, feeds) are checked for changes once their stored
        copy is older than THIDUA_REVISIT_AFTER seconds: a conditional GET (If-Modified-Since), so an
        unchanged page costs a 304; a changed one is stored as a new version (kb keeps the earlier one)."""
        fetched = self.fetched_at.get(stored)
        if not fetched:
            return None
        try:
            when = datetime.fromisoformat(fetched)
        except ValueError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        age = (datetime.now(timezone.utc) - when).total_seconds()
        if age < self.settings.getfloat("THIDUA_REVISIT_AFTER", REVISIT_AFTER):
            return None
        self.crawler.stats.inc_value("thidua/revisits")
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error, dont_filter=True,
                              headers={"If-Modified-Since": format_datetime(when.astimezone(timezone.utc), usegmt=True)},
                              meta=self._meta(source, kind="article", link=url, revisit=True))

    # ------------------------------------------------------------------ articles
    def parse_article(self, response):
        source = self.source_by_name[response.meta["source"]]
        self.crawler.stats.inc_value("thidua/article_pages")
        self._count(source, "article_pages")
        if response.status == 304:  # a revisit: the stored copy is current
            self.crawler.stats.inc_value("thidua/not_modified")
            return
        faults = self._redirect_or_fault(response, source)
        if faults is not None:
            yield from faults
            return
        is_article, problem = self._assess(response, source)
        if is_article and isinstance(response, TextResponse):
            self._count(source, "checked_pages")
            if health.has_title_and_date(response, source.selectors):
                self._count(source, "title_date_pages")
        if "dataloss" in response.flags:
            truncated = "truncated body (connection closed before the announced Content-Length)"
            problem = f"{truncated}; {problem}" if problem else truncated
        body = response.body or b""
        yield PageItem(
            url=self._stored(response.meta.get("link") or response.url),
            final_url=self._stored(response.url),
            source=source.name,
            status=response.status,
            fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            content_hash=store.content_hash(body),
            html=body,
            content_type=self._content_type(response) or None,
            encoding=self._declared_encoding(response),
            is_article=is_article,
            problem=problem,
        )

    def _assess(self, response, source: Source) -> tuple[bool, Optional[str]]:
        """Does the page hold an article? (False, reason) for pages stored but unusable."""
        body = response.body or b""
        content_type = self._content_type(response).lower()
        if not body.strip():
            return False, "empty body"
        if b"\x00" in body[:4096]:
            return False, f"binary content (Content-Type: {content_type or 'none'})"
        if not isinstance(response, TextResponse) or (content_type and not content_type.startswith(TEXT_TYPES)):
            return False, f"not HTML (Content-Type: {content_type or 'none'})"
        body_selector = (source.selectors or {}).get("body")
        if body_selector:
            if not response.css(body_selector):
                return False, f"no article body (selector {body_selector!r} matched nothing)"
            return True, None
        text = " ".join(t.strip() for t in response.css("p ::text").getall())
        if len(text) < MIN_ARTICLE_TEXT:
            return False, "no article text (too little paragraph text)"
        return True, None

    # ------------------------------------------------------------------ shared
    def _redirect_or_fault(self, response, source: Source):
        """None if the response is a page to parse; else the items/requests replacing it."""
        status = response.status
        if 300 <= status < 400 and status != 304:
            return list(self._follow_redirect(response, source))
        if status >= 400:  # recorded under the URL as linked, which is what later runs will meet again
            return [self._error(response.meta.get("link") or response.url, source, f"HTTP {status}", status)]
        return None

    def _follow_redirect(self, response, source: Source):
        location = response.headers.get("Location")
        if not location:
            yield self._error(response.url, source, f"HTTP {response.status} without Location", response.status)
            return
        target = response.urljoin(location.decode("latin-1").strip())
        chain = [*response.meta.get("redirect_chain", []), response.url]
        kind = response.meta.get("kind")
        if target in chain:
            yield self._error(chain[0], source, "redirect loop: " + " -> ".join(self._stored(u) for u in [*chain, target]), response.status)
            return
        if len(chain) >= MAX_REDIRECTS:
            yield self._error(chain[0], source, f"more than {MAX_REDIRECTS} redirects", response.status)
            return
        if kind == "article" and not response.meta.get("revisit"):
            if self._stored(target) in self.known or target in self.scheduled:
                return  # the article it points to is stored or queued already
            self.scheduled.add(target)
        meta = {k: v for k, v in response.meta.items()
                if k in ("source", "kind", "listing", "page", "link", "handle_httpstatus_all", "revisit")}
        meta["redirect_chain"] = chain
        yield response.request.replace(url=target, meta=meta)

    def on_error(self, failure):
        request = failure.request
        source = request.meta.get("source")
        if source:
            self.crawler.stats.inc_value(f"thidua/source/{source}/failed_requests")
        if failure.check(IgnoreRequest):
            reason = str(failure.value) or "ignored"
            if "robots.txt" in reason:
                self.crawler.stats.inc_value("thidua/robots_disallowed")
        else:
            name = type(failure.value).__name__
            message = str(failure.value)
            if "Timeout" in name or "timed out" in message.lower():
                reason = f"timeout ({name})"
            elif "max size" in message or "larger than download max size" in message:
                reason = f"too large: {message}"
            else:
                reason = f"{name}: {message}"[:500]
        yield CrawlErrorItem(url=self._stored(request.meta.get("link") or request.url), source=source,
                             reason=reason, status=None)

    def _count(self, source: Source, key: str, n: int = 1) -> None:
        """Per-source counters for crawl health (crawler/health.py): thidua/source/<name>/<key>."""
        if n:
            self.crawler.stats.inc_value(f"thidua/source/{source.name}/{key}", n)

    def _stored(self, url: str) -> str:
        return stored_url(url, self.mirror_url)

    def _error(self, url, source: Source, reason: str, status=None) -> CrawlErrorItem:
        return CrawlErrorItem(url=self._stored(url), source=source.name, reason=reason, status=status)

    @staticmethod
    def _content_type(response) -> str:
        return (response.headers.get("Content-Type") or b"").decode("latin-1").strip()

    @staticmethod
    def _declared_encoding(response) -> Optional[str]:
        """The charset the page declares (header, then <meta>); else what Scrapy inferred."""
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
        if match:
            return match.group(1).lower()
        match = META_CHARSET.search((response.body or b"")[:4096])
        if match:
            return match.group(1).decode("ascii", "replace").lower()
        return response.encoding if isinstance(response, TextResponse) else None

"""The crawl baseline: a bare Scrapy spider that follows the same links as ``thidua crawl`` and stores nothing.

    python -m bench.bare_spider --mirror-url http://127.0.0.1:PORT mirror_bvpl mirror_kiemsat ...

Same sources (listings, feeds, pagination, listing_links scope, article_pattern) and the same
Scrapy settings as crawler.run.build_settings() (robots.txt, concurrency, the local-mirror
mode), minus the item pipeline; redirects are left to Scrapy's middleware. Prints
{"pages": N, "listing_pages": L, "article_pages": A} as JSON.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import scrapy  # noqa: E402


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, sources=(), **kwargs):
        super().__init__(**kwargs)
        self.sources = sources
        self.allowed_domains = sorted({s.host for s in sources})
        self.listing_pages = self.article_pages = 0

    async def start(self):
        for source in self.sources:
            for listing in source.listings:
                yield scrapy.Request(listing, callback=self.parse_listing,
                                     cb_kwargs={"source": source, "listing": listing, "page": 1})
            for feed in source.feeds:
                yield scrapy.Request(feed, callback=self.parse_feed, cb_kwargs={"source": source})

    def parse_listing(self, response, source, listing, page):
        self.listing_pages += 1
        scope = response.css(source.listing_links) if source.listing_links else [response]
        links = []
        for block in scope:
            for href in block.css("a::attr(href)").getall():
                url = source.canonical_article_url(response.urljoin(href.strip()))
                if url and url not in links:
                    links.append(url)
        for url in links:
            yield scrapy.Request(url, callback=self.parse_article)
        nxt = source.listing_page_url(listing, page + 1) if links else None
        if nxt:
            yield scrapy.Request(nxt, callback=self.parse_listing,
                                 cb_kwargs={"source": source, "listing": listing, "page": page + 1})

    def parse_feed(self, response, source):
        self.listing_pages += 1
        for href in response.xpath("//item/link/text()").getall():
            url = source.canonical_article_url(response.urljoin(href.strip()))
            if url:
                yield scrapy.Request(url, callback=self.parse_article)

    def parse_article(self, response):
        self.article_pages += 1  # and nothing is stored


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirror-url", required=True)
    ap.add_argument("sources", nargs="+")
    args = ap.parse_args(argv)

    from scrapy.crawler import CrawlerProcess

    from crawler.run import build_settings
    from crawler.sources import load_sources

    sources = load_sources(args.sources, mirror_url=args.mirror_url)
    settings = build_settings(":memory:", sources, mirror_url=args.mirror_url)
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, sources=sources)
    process.start()
    spider = crawler.spider
    print(json.dumps({"pages": spider.listing_pages + spider.article_pages, "listing_pages": spider.listing_pages,
                      "article_pages": spider.article_pages}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

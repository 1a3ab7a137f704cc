"""The item pipeline: writes pages and faults to SQLite through crawler.store."""
from __future__ import annotations

from itemadapter import ItemAdapter
from scrapy import signals

from . import store
from .health import error_kind
from .items import CrawlErrorItem, PageItem


class StorePipeline:
    """Opens a crawl run when the spider starts and closes it with the counts when it stops.

    Each item is committed at once, so a crawl killed at any point keeps what it fetched.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.db_path = crawler.settings.get("THIDUA_DB")
        self.db = None
        self.run_id = None

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        # The finish reason is only known when the spider_closed signal fires, after close_spider().
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self):
        spider = self.crawler.spider
        self.db = store.open_db(self.db_path)
        self.run_id = store.start_run(self.db, [s.name for s in spider.sources],
                                      incremental=getattr(spider, "incremental", False))
        self.crawler.stats.set_value("thidua/run_id", self.run_id)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        stats = self.crawler.stats
        if isinstance(item, PageItem):
            page = adapter.asdict()
            if store.save_page(self.db, page):
                stats.inc_value("thidua/new_articles")
                stats.inc_value(f"thidua/source/{page.get('source')}/new_articles")
            else:
                stats.inc_value("thidua/unchanged_pages")
            if page.get("problem"):
                store.record_error(self.db, self.run_id, page["final_url"] or page["url"], page["problem"],
                                   page.get("status"), page.get("source"))
                self._count_error(page.get("source"), page["problem"], page.get("status"))
        elif isinstance(item, CrawlErrorItem):
            store.record_error(self.db, self.run_id, adapter.get("url"), adapter.get("reason"),
                               adapter.get("status"), adapter.get("source"))
            self._count_error(adapter.get("source"), adapter.get("reason"), adapter.get("status"))
        return item

    def _count_error(self, source, reason, status):
        """Errors by kind, per source (crawler/health.py reads them at the end of the run)."""
        self.crawler.stats.inc_value(f"thidua/source/{source}/errors/{error_kind(reason, status)}")

    def _write_counts(self, finished: bool, reason=None):
        stats = self.crawler.stats
        listing = stats.get_value("thidua/listing_pages", 0)
        articles = stats.get_value("thidua/article_pages", 0)
        counts = dict(pages=listing + articles, listing_pages=listing, article_pages=articles,
                      new_articles=stats.get_value("thidua/new_articles", 0))
        if reason:
            counts["finish_reason"] = reason
        store.update_run(self.db, self.run_id, finished=finished, **counts)

    def close_spider(self):
        self._write_counts(finished=True)

    def spider_closed(self, spider, reason):
        if self.db is not None:
            self._write_counts(finished=True, reason=reason)
            self.db.conn.close()
            self.db = None

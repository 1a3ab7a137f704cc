"""What the spider yields: a fetched article page, or a fault met on the way."""
import scrapy


class PageItem(scrapy.Item):
    """One fetched article page: becomes a row of the ``pages`` table."""

    url = scrapy.Field()           # as linked, before redirects
    final_url = scrapy.Field()     # as answered
    source = scrapy.Field()
    status = scrapy.Field()
    fetched_at = scrapy.Field()
    content_hash = scrapy.Field()
    html = scrapy.Field()          # raw body bytes
    content_type = scrapy.Field()
    encoding = scrapy.Field()
    is_article = scrapy.Field()
    problem = scrapy.Field()       # why the stored page is suspect (also written to crawl_errors), or None


class CrawlErrorItem(scrapy.Item):
    """A fault (HTTP error, timeout, redirect loop, bad page...): a row of ``crawl_errors``."""

    url = scrapy.Field()
    source = scrapy.Field()
    reason = scrapy.Field()
    status = scrapy.Field()

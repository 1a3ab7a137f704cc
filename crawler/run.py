"""Run a crawl from Python (the CLI's ``thidua crawl`` / ``update`` / ``demo``).

Scrapy runs in-process on the Twisted reactor, which cannot be started twice in
one process. The first crawl of a process runs in-process; any later one runs in
a child process (``python -m crawler.run``) so a caller never has to care.
"""
from __future__ import annotations

import ipaddress
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from . import store
from .sources import load_sources

# Extra Scrapy settings as JSON, applied last: lets tests (which crawl through the
# CLI in a subprocess) shorten timeouts without new CLI options.
SETTINGS_ENV = "THIDUA_SCRAPY_SETTINGS"

# The offline mirror is our own server on this machine: no need to throttle, and
# anything slower than a few seconds is one of its deliberate faults.
LOCAL_MIRROR_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "DOWNLOAD_TIMEOUT": 3,
    "RETRY_TIMES": 1,
}

_reactor_used = False


def _is_loopback(url: Optional[str]) -> bool:
    host = urlsplit(url or "").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def build_settings(db_path, sources, max_pages=None, jobdir=None, mirror_url=None, redis_url=None,
                   overrides: Optional[dict] = None):
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("THIDUA_DB", str(db_path), priority="cmdline")
    if sources and all(_is_loopback(s.base_url) for s in sources):  # the mirror, or a site on this machine
        settings.update(LOCAL_MIRROR_SETTINGS, priority="cmdline")
    if max_pages:
        settings.set("CLOSESPIDER_PAGECOUNT", int(max_pages), priority="cmdline")
    if jobdir:
        Path(jobdir).mkdir(parents=True, exist_ok=True)
        settings.set("JOBDIR", str(jobdir), priority="cmdline")
    if redis_url:
        settings.update(redis_settings(redis_url), priority="cmdline")
    if overrides:
        settings.update(overrides, priority="cmdline")
    from_env = os.environ.get(SETTINGS_ENV)
    if from_env:
        settings.update(json.loads(from_env), priority="cmdline")
    return settings


def redis_settings(redis_url: str) -> dict:
    """scrapy-redis: a shared frontier and dupefilter; pages go to Redis for `thidua ingest`.

    The item pipeline that puts pages on Redis (and their format there) belongs to
    crawler/distributed.py, which may also adjust these settings by defining
    ``scrapy_settings(redis_url) -> dict``.
    """
    try:
        from crawler import distributed
    except ImportError as exc:
        raise RuntimeError("distributed crawling (--redis) needs crawler/distributed.py, "
                           "which is not in this build yet") from exc
    settings = {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "REDIS_URL": redis_url,
        "ITEM_PIPELINES": {"crawler.distributed.RedisPagePipeline": 300},
    }
    if hasattr(distributed, "scrapy_settings"):
        settings.update(distributed.scrapy_settings(redis_url))
    return settings


def crawl(db_path, source_names=None, max_pages=None, redis_url=None, jobdir=None, mirror_url=None,
          incremental=False, settings: Optional[dict] = None) -> dict:
    """Crawl the sources (default: every real site) into ``db_path``; return the run's counts.

    ``settings``: extra Scrapy settings (JSON-serialisable), e.g. ``{"THIDUA_REVISIT_AFTER": 3600}``.

    Returns the ``crawl_runs`` row: run_id, sources, pages (listing_pages + article_pages),
    new_articles, errors, finish_reason, started, finished, incremental.
    """
    global _reactor_used
    sources = load_sources(source_names, mirror_url=mirror_url)  # fail on bad configs before starting
    names = [s.name for s in sources]
    if _reactor_used:
        return _crawl_in_child(db_path, names, max_pages, redis_url, jobdir, mirror_url, incremental, settings)

    from scrapy.crawler import CrawlerProcess

    from .spiders.news import NewsSpider

    scrapy_settings = build_settings(db_path, sources, max_pages, jobdir, mirror_url, redis_url, settings)
    if not redis_url:  # a distributed crawler never writes to SQLite (`thidua ingest` does)
        store.open_db(db_path).conn.close()  # create the tables even if the crawl fetches nothing
    process = CrawlerProcess(scrapy_settings)
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler, sources=",".join(names), mirror_url=mirror_url, incremental=incremental)
    _reactor_used = True
    process.start()
    if redis_url:
        return _worker_stats(crawler, names)
    run_id = crawler.stats.get_value("thidua/run_id")
    if run_id is None:
        return {"run_id": None, "sources": ",".join(names), "pages": 0, "new_articles": 0, "errors": 0,
                "finish_reason": crawler.stats.get_value("finish_reason")}
    db = store.open_db(db_path)
    try:
        return store.run_stats(db, run_id)
    finally:
        db.conn.close()


def _worker_stats(crawler, names) -> dict:
    """What one distributed crawler did (the run's totals are in crawl_runs once ingested)."""
    stats = crawler.stats
    listing = stats.get_value("thidua/listing_pages", 0)
    articles = stats.get_value("thidua/article_pages", 0)
    return {"run": stats.get_value("thidua/redis_run"), "worker": stats.get_value("thidua/worker"),
            "sources": ",".join(names), "pages": listing + articles, "listing_pages": listing,
            "article_pages": articles, "items": stats.get_value("thidua/redis_items", 0),
            "finish_reason": stats.get_value("finish_reason")}


def _crawl_in_child(db_path, names, max_pages, redis_url, jobdir, mirror_url, incremental, settings) -> dict:
    args = dict(db_path=str(db_path), source_names=names, max_pages=max_pages, redis_url=redis_url,
                jobdir=str(jobdir) if jobdir else None, mirror_url=mirror_url, incremental=incremental,
                settings=settings)
    result = subprocess.run([sys.executable, "-m", "crawler.run", json.dumps(args)],
                            stdout=subprocess.PIPE, check=True, cwd=os.getcwd())
    return json.loads(result.stdout.decode("utf-8").strip().splitlines()[-1])


def main(argv=None):
    """``python -m crawler.run '<json kwargs of crawl()>'``: prints the stats as JSON."""
    argv = sys.argv[1:] if argv is None else argv
    stats = crawl(**json.loads(argv[0]))
    print(json.dumps(stats, ensure_ascii=False))


if __name__ == "__main__":
    main()

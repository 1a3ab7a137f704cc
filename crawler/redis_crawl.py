"""Crawling on Redis: crawl processes that share one frontier and put what they fetch on Redis.

    thidua crawl --redis redis://127.0.0.1:6379/0 --source ...    # any number of these, anywhere
    thidua ingest --redis redis://127.0.0.1:6379/0 --db data/thidua.db   # exactly one: the writer

Crawl processes started with the same sources share one frontier (a scrapy-redis
priority queue) and one duplicate filter. They never write to SQLite: each page or
fault goes onto a Redis list (``RedisPagePipeline``), and ``ingest_from_redis`` is the
single writer into the database (through ``crawler.store``), so SQLite sees one writer
however many crawlers run.

Keys (prefix ``THIDUA_REDIS_PREFIX``, default ``thidua``)::

    thidua:news:<frontier>:requests      the shared queue (frontier = digest of the sorted source names)
    thidua:news:<frontier>:run           the current run id; a lease refreshed by every live crawler
    thidua:news:<frontier>:run:<id>:seen the run's duplicate filter (request fingerprints)
    thidua:news:<frontier>:run:<id>:workers / :busy   heartbeats (zsets: worker -> unix time)
    thidua:workers                       every live crawler's heartbeat (the ingester waits for them)
    thidua:items, thidua:items:processing   pages/faults/run events; the ingester's in-flight copy
    thidua:known                         URLs stored in the database (seeded and kept by the ingester)
    thidua:runs                          run id -> crawl_runs.id
    thidua:ingester                      the single-writer lock (a lease)

Runs: the first crawler to start creates a run id; crawlers started while it is alive join
it (same dupefilter: two processes seeding the same listings fetch each once). When the
last crawler of a run leaves, the run's dupefilter is deleted, so the next run (a new
``thidua crawl --redis``) revisits the listing pages. A crawler closes when the shared queue
is empty and no other crawler of the run has been busy for ``THIDUA_REDIS_IDLE_CLOSE`` seconds.

The single writer that takes the items off Redis is :mod:`crawler.ingest`.
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import socket
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Optional

logger = logging.getLogger(__name__)

DEFAULT_PREFIX = "thidua"
HEARTBEAT = 0.5          # seconds between a crawler's heartbeats
ALIVE_WINDOW = 5.0       # a crawler not heard from for this long is gone (killed)
RUN_LEASE = 15           # seconds the run key lives without a live crawler
IDLE_CLOSE = 2.0         # a crawler closes after the frontier has been idle this long
INGEST_LOCK_LEASE = 15


def scrapy_settings(redis_url: str) -> dict:
    """The settings ``crawler.run`` adds for ``--redis`` (on top of its scrapy-redis defaults)."""
    return {
        "SCHEDULER": "crawler.redis_crawl.RunScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "REDIS_URL": redis_url,
        "THIDUA_REDIS": True,
        "ITEM_PIPELINES": {"crawler.redis_crawl.RedisPagePipeline": 300},
    }


def _prefix(settings) -> str:
    return settings.get("THIDUA_REDIS_PREFIX") or DEFAULT_PREFIX


def _connect(redis_url: str):
    import redis

    return redis.Redis.from_url(redis_url, socket_timeout=30, socket_connect_timeout=10)


def frontier_key(prefix: str, spider_name: str, source_names) -> str:
    """Crawlers of the same sources share a frontier; other source sets get their own."""
    digest = hashlib.sha1(",".join(sorted(source_names)).encode()).hexdigest()[:10]
    return f"{prefix}:{spider_name}:{digest}"


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _text(value) -> Optional[str]:
    return value.decode() if isinstance(value, bytes) else value


# --------------------------------------------------------------------------- scheduler
try:
    from scrapy_redis.scheduler import Scheduler as _RedisScheduler
except ImportError:  # pragma: no cover - scrapy-redis is a dependency
    _RedisScheduler = object


class RunScheduler(_RedisScheduler):
    """scrapy-redis' scheduler with per-run duplicate filters, heartbeats and close-on-idle."""

    @classmethod
    def from_crawler(cls, crawler):
        instance = super().from_crawler(crawler)
        instance.crawler = crawler
        return instance

    # ----------------------------------------------------------- open / close
    def open(self, spider):
        from scrapy import signals
        from scrapy_redis.dupefilter import RFPDupeFilter
        from twisted.internet import task

        settings = self.crawler.settings
        self.prefix = _prefix(settings)
        names = [s.name for s in getattr(spider, "sources", [])] or [spider.name]
        self.frontier = frontier_key(self.prefix, spider.name, names)
        self.worker = getattr(spider, "worker_id", None) or worker_id()
        spider.worker_id = self.worker
        self.idle_close = settings.getfloat("THIDUA_REDIS_IDLE_CLOSE", IDLE_CLOSE)
        self.run_id, created = self._join_run()
        spider.redis_run = self.run_id
        self.queue_key = f"{self.frontier}:requests"
        self.seen_key = f"{self.frontier}:run:{self.run_id}:seen"
        self.workers_key = f"{self.frontier}:run:{self.run_id}:workers"
        self.busy_key = f"{self.frontier}:run:{self.run_id}:busy"
        self.df = RFPDupeFilter(self.server, key=self.seen_key, debug=settings.getbool("DUPEFILTER_DEBUG"))
        super().open(spider)
        stats = self.crawler.stats
        stats.set_value("thidua/redis_run", self.run_id)
        stats.set_value("thidua/worker", self.worker)
        logger.info("redis: %s run %s as worker %s (frontier %s, %d requests queued)",
                    "started" if created else "joined", self.run_id, self.worker, self.frontier, len(self.queue))
        self._idle_since: Optional[float] = None
        self._beat()
        self._heartbeat = task.LoopingCall(self._beat)
        self._heartbeat.start(HEARTBEAT, now=False)
        self.crawler.signals.connect(self._on_idle, signal=signals.spider_idle)

    def close(self, reason):
        if getattr(self, "_heartbeat", None) is not None and self._heartbeat.running:
            self._heartbeat.stop()
        server, now = self.server, time.time()
        server.zrem(self.workers_key, self.worker)
        server.zrem(self.busy_key, self.worker)
        server.zrem(f"{self.prefix}:workers", self.worker)
        others = server.zcount(self.workers_key, now - ALIVE_WINDOW, "+inf")
        if not others:
            # The last crawler of the run: the run is over. The next run starts with an empty
            # duplicate filter, so it revisits the listings. (Requests left in the queue, e.g.
            # after --max-pages, are kept: the next run fetches them.)
            run_key = f"{self.frontier}:run"
            if _text(server.get(run_key)) == self.run_id:
                server.delete(run_key)
            server.delete(self.seen_key, self.workers_key, self.busy_key)
            logger.info("redis: run %s finished (%s)", self.run_id, reason)
        return super().close(reason)

    def _join_run(self) -> tuple[str, bool]:
        run_key = f"{self.frontier}:run"
        for _ in range(10):
            current = _text(self.server.get(run_key))
            if current:
                self.server.expire(run_key, RUN_LEASE)
                return current, False
            new = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:6]
            if self.server.set(run_key, new, nx=True, ex=RUN_LEASE):
                return new, True
        raise RuntimeError(f"could not join or start a run on {run_key}")

    # ----------------------------------------------------------- heartbeats
    def _engine_busy(self) -> bool:
        engine = getattr(self.crawler, "engine", None)
        if engine is None:
            return False
        try:
            return bool(engine.downloader.active) or not engine.scraper.slot.is_idle() or engine._start is not None
        except AttributeError:
            return True

    def _beat(self):
        try:
            now = time.time()
            pipe = self.server.pipeline()
            pipe.zadd(self.workers_key, {self.worker: now})
            pipe.zadd(f"{self.prefix}:workers", {self.worker: now})
            if self._engine_busy():
                pipe.zadd(self.busy_key, {self.worker: now})
            pipe.expire(self.workers_key, RUN_LEASE * 4)
            pipe.expire(self.busy_key, RUN_LEASE * 4)
            pipe.expire(self.seen_key, 7 * 24 * 3600)   # a run abandoned by killed crawlers is cleaned up
            pipe.execute()
            run_key = f"{self.frontier}:run"
            current = _text(self.server.get(run_key))
            if current in (None, self.run_id):
                self.server.set(run_key, self.run_id, ex=RUN_LEASE)
        except Exception as exc:  # a heartbeat must never kill the crawl
            logger.warning("redis heartbeat failed: %s", exc)

    def next_request(self):
        request = super().next_request()
        if request is not None:
            self.server.zadd(self.busy_key, {self.worker: time.time()})
            self._idle_since = None
        return request

    # ----------------------------------------------------------- idle
    def _kick(self):
        engine = getattr(self.crawler, "engine", None)
        slot = getattr(engine, "_slot", None)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()

    def _on_idle(self, spider):
        """Keep the crawler open while the run's frontier may still grow; close when it cannot."""
        from scrapy.exceptions import DontCloseSpider
        from twisted.internet import reactor

        now = time.time()
        queued = len(self.queue)
        busy = [_text(w) for w in self.server.zrangebyscore(self.busy_key, now - 3 * HEARTBEAT - 0.5, "+inf")]
        others_busy = [w for w in busy if w != self.worker]
        if queued or others_busy:
            self._idle_since = None
        elif self._idle_since is None:
            self._idle_since = now
        if self._idle_since is not None and now - self._idle_since >= self.idle_close:
            logger.info("redis: the frontier of run %s is empty; closing", self.run_id)
            return  # let the engine close the spider
        reactor.callLater(0.2 if queued else 0.5, self._kick)
        raise DontCloseSpider


# --------------------------------------------------------------------------- items -> Redis
def encode_item(item, run_id: Optional[str], worker: Optional[str]) -> bytes:
    from itemadapter import ItemAdapter

    from .items import CrawlErrorItem, PageItem

    data = ItemAdapter(item).asdict()
    if isinstance(item, PageItem):
        data["kind"] = "page"
        html = data.get("html") or b""
        data["html"] = base64.b64encode(bytes(html)).decode("ascii")
    elif isinstance(item, CrawlErrorItem):
        data["kind"] = "error"
    else:
        data["kind"] = "other"
    data["run"], data["worker"] = run_id, worker
    return json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")


class RedisPagePipeline:
    """Pages and faults to the Redis list ``<prefix>:items``; run start/finish events too."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.server = _connect(crawler.settings.get("REDIS_URL"))
        self.key = f"{_prefix(crawler.settings)}:items"

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals

        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def _ids(self):
        spider = self.crawler.spider
        return getattr(spider, "redis_run", None), getattr(spider, "worker_id", None)

    def _push(self, event: dict):
        run, worker = self._ids()
        event.update(run=run, worker=worker)
        self.server.rpush(self.key, json.dumps(event, ensure_ascii=False).encode("utf-8"))

    def open_spider(self):
        spider = self.crawler.spider
        self._push({"kind": "start", "sources": [s.name for s in spider.sources],
                    "incremental": bool(getattr(spider, "incremental", False)), "at": _utc_now()})

    def process_item(self, item):
        run, worker = self._ids()
        self.server.rpush(self.key, encode_item(item, run, worker))
        self.crawler.stats.inc_value("thidua/redis_items")
        return item

    def spider_closed(self, spider, reason):
        stats = self.crawler.stats
        self._push({"kind": "finish", "reason": reason, "at": _utc_now(),
                    "listing_pages": stats.get_value("thidua/listing_pages", 0),
                    "article_pages": stats.get_value("thidua/article_pages", 0)})


def _utc_now() -> str:
    from .store import utc_now

    return utc_now()



def known_urls_from_redis(redis_url: str, prefix: str = DEFAULT_PREFIX) -> set[str]:
    server = _connect(redis_url)
    return {_text(u) for u in server.sscan_iter(f"{prefix}:known", count=5000)}


def read_only_known(db_path) -> tuple[set[str], set[str]]:
    """(stored URLs, failed URLs) from a database that may not exist, without writing to it."""
    from . import store

    path = Path(db_path) if db_path else None
    if path is None or not path.exists():
        return set(), set()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        import sqlite_utils

        db = sqlite_utils.Database(conn)
        try:
            return store.known_article_urls(db), store.failed_urls(db)
        except sqlite3.OperationalError:  # no tables yet
            return set(), set()
    finally:
        conn.close()


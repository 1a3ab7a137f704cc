"""Distributed crawling on Redis, and crash-safe resumption of a single crawl.

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

``JobdirGuard`` (an extension, on for every crawl): with SIGKILL, Scrapy's JOBDIR request
queue and seen-set are left half-written (they are only consistent after a clean stop).
The guard marks a JOBDIR as in use while a crawl runs; a crawl that finds the mark of a
process that died discards the queue and seen-set, and the resumed crawl re-walks the
listings from page 1 while skipping every stored article. Nothing is lost (what was not
stored is found again) and nothing is stored twice (UNIQUE(url, content_hash)).
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import shutil
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
        "SCHEDULER": "crawler.distributed.RunScheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,
        "REDIS_URL": redis_url,
        "THIDUA_REDIS": True,
        "ITEM_PIPELINES": {"crawler.distributed.RedisPagePipeline": 300},
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


# --------------------------------------------------------------------------- the single writer
def ingest_from_redis(db_path, redis_url: str, idle_timeout: float = 5.0, prefix: str = DEFAULT_PREFIX,
                      max_seconds: Optional[float] = None) -> dict:
    """Write the pages and faults crawlers put on Redis into ``db_path``; return counts.

    Returns once the item list has been empty for ``idle_timeout`` seconds and no crawler
    is alive (``max_seconds`` bounds the whole call). Each item is moved to a processing
    list before it is written and removed after the commit, so an ingester killed at any
    point loses nothing: the next one writes the leftovers first (writes are idempotent).
    """
    from . import store

    server = _connect(redis_url)
    items, processing = f"{prefix}:items", f"{prefix}:items:processing"
    lock, me = f"{prefix}:ingester", worker_id()
    if not server.set(lock, me, nx=True, ex=INGEST_LOCK_LEASE):
        raise RuntimeError(f"another ingester holds {lock} ({_text(server.get(lock))}): run only one")
    db = store.open_db(db_path)
    stats = {"items": 0, "pages": 0, "new_articles": 0, "unchanged_pages": 0, "errors": 0, "runs": 0,
             "recovered": 0, "bad_items": 0}
    runs: dict[str, int] = {}
    try:
        known = store.known_article_urls(db)
        for chunk in _chunks(sorted(known), 1000):
            server.sadd(f"{prefix}:known", *chunk)
        while server.lmove(processing, items, "RIGHT", "LEFT") is not None:   # a dead ingester's leftovers
            stats["recovered"] += 1
        started = time.time()
        idle_since = time.time()
        last_lock = 0.0
        while True:
            now = time.time()
            if now - last_lock > 2:
                server.set(lock, me, ex=INGEST_LOCK_LEASE)
                last_lock = now
            if max_seconds is not None and now - started > max_seconds:
                break
            raw = server.blmove(items, processing, 0.5, "LEFT", "RIGHT")
            if raw is None:
                alive = server.zcount(f"{prefix}:workers", time.time() - ALIVE_WINDOW, "+inf")
                if alive:
                    idle_since = time.time()
                elif time.time() - idle_since >= idle_timeout:
                    break
                continue
            idle_since = time.time()
            try:
                _ingest_one(db, server, prefix, json.loads(raw), runs, stats)
            except (ValueError, KeyError, TypeError) as exc:
                stats["bad_items"] += 1
                logger.error("ingest: unreadable item dropped (%s): %.200r", exc, raw)
            server.lrem(processing, 1, raw)
            stats["items"] += 1
        for run_row in set(runs.values()):
            _refresh_run_errors(db, run_row)
    finally:
        if _text(server.get(lock)) == me:
            server.delete(lock)
        db.conn.close()
    stats["runs"] = len(runs)
    stats["run_ids"] = sorted(set(runs.values()))
    return stats


def _chunks(seq, n):
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def _run_row(db, server, prefix: str, runs: dict, event: dict) -> Optional[int]:
    from . import store

    run = event.get("run")
    if not run:
        return None
    if run in runs:
        return runs[run]
    existing = server.hget(f"{prefix}:runs", run)
    if existing is not None and db.execute("SELECT 1 FROM crawl_runs WHERE id = ?", [int(existing)]).fetchone():
        runs[run] = int(existing)
    else:
        runs[run] = store.start_run(db, event.get("sources") or [], incremental=bool(event.get("incremental")))
        server.hset(f"{prefix}:runs", run, runs[run])
        server.expire(f"{prefix}:runs", 30 * 24 * 3600)
    return runs[run]


def _ingest_one(db, server, prefix: str, event: dict, runs: dict, stats: dict) -> None:
    from . import store

    kind = event.get("kind")
    run_row = _run_row(db, server, prefix, runs, event)
    if kind == "start":
        if run_row is not None and event.get("sources"):
            # several crawlers of one run may crawl different source sets: record their union
            row = db.execute("SELECT sources FROM crawl_runs WHERE id = ?", [run_row]).fetchone()
            names = sorted(set(filter(None, (row[0] or "").split(","))) | set(event["sources"]))
            with db.conn:
                db.execute("UPDATE crawl_runs SET sources = ? WHERE id = ?", [",".join(names), run_row])
    elif kind == "page":
        page = dict(event)
        page["html"] = base64.b64decode(page.get("html") or "")
        stats["pages"] += 1
        if store.save_page(db, page):
            stats["new_articles"] += 1
            if run_row is not None:
                with db.conn:
                    db.execute("UPDATE crawl_runs SET new_articles = new_articles + 1 WHERE id = ?", [run_row])
        else:
            stats["unchanged_pages"] += 1
        urls = {u for u in (page.get("url"), page.get("final_url")) if u}
        if urls:
            server.sadd(f"{prefix}:known", *urls)
        if page.get("problem"):
            store.record_error(db, run_row, page.get("final_url") or page.get("url"), page["problem"],
                               page.get("status"), page.get("source"))
            stats["errors"] += 1
    elif kind == "error":
        store.record_error(db, run_row, event.get("url"), event.get("reason"), event.get("status"),
                           event.get("source"))
        stats["errors"] += 1
    elif kind == "finish" and run_row is not None:
        with db.conn:
            db.execute("UPDATE crawl_runs SET listing_pages = listing_pages + ?, article_pages = article_pages + ?,"
                       " pages = pages + ? + ?, finished = ?, finish_reason = ? WHERE id = ?",
                       [int(event.get("listing_pages") or 0), int(event.get("article_pages") or 0),
                        int(event.get("listing_pages") or 0), int(event.get("article_pages") or 0),
                        event.get("at") or store.utc_now(), event.get("reason"), run_row])
        _refresh_run_errors(db, run_row)


def _refresh_run_errors(db, run_row: int) -> None:
    with db.conn:
        db.execute("UPDATE crawl_runs SET errors = (SELECT count(*) FROM crawl_errors WHERE run_id = ?)"
                   " WHERE id = ?", [run_row, run_row])


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


# --------------------------------------------------------------------------- JOBDIR after a crash
class JobdirGuard:
    """Makes a JOBDIR safe to resume after SIGKILL (see the module docstring)."""

    MARK = "thidua-running.pid"

    def __init__(self, crawler):
        from scrapy import signals
        from scrapy.exceptions import NotConfigured

        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured
        self.jobdir = Path(jobdir)
        self.jobdir.mkdir(parents=True, exist_ok=True)
        self.crawler = crawler
        mark = self.jobdir / self.MARK
        if mark.exists():
            pid = _read_pid(mark)
            if pid and pid != os.getpid() and _pid_alive(pid):
                raise RuntimeError(f"{self.jobdir} is in use by process {pid}")
            logger.warning("JOBDIR %s: the previous crawl died without closing (pid %s); its request queue "
                           "is not trustworthy: starting from the listings again, stored pages are skipped",
                           self.jobdir, pid)
            for name in ("requests.queue", "requests.seen", "spider.state"):
                target = self.jobdir / name
                if target.is_dir():
                    shutil.rmtree(target, ignore_errors=True)
                elif target.exists():
                    target.unlink()
            crawler.stats.set_value("thidua/jobdir_recovered", 1)
        mark.write_text(str(os.getpid()))
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_closed(self, spider, reason):
        # Runs after the scheduler and dupefilter have written their state.
        mark = self.jobdir / self.MARK
        if mark.exists() and _read_pid(mark) == os.getpid():
            mark.unlink()


def _read_pid(path: Path) -> Optional[int]:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (killed, not yet reaped) is not alive
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


# --------------------------------------------------------------------------- Scrapyd deployment
def build_egg(out_dir, version: Optional[str] = None) -> Path:
    """An egg of the crawler package for Scrapyd (what ``scrapyd-deploy`` builds), without a setup.py
    in the repository: the package is copied to a temporary directory and built there."""
    import subprocess
    import sys
    import tempfile

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    version = version or time.strftime("%Y%m%d%H%M%S")
    package = Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(package, Path(tmp) / "crawler", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (Path(tmp) / "setup.py").write_text(
            "from setuptools import setup, find_packages\n"
            f"setup(name='thidua-crawler', version={version!r}, packages=find_packages(include=['crawler*']),\n"
            "      package_data={'crawler': ['sources/*.yml', 'mirror/articles/*.yml']}, zip_safe=True,\n"
            "      entry_points={'scrapy': ['settings = crawler.settings']})\n")
        subprocess.run([sys.executable, "setup.py", "-q", "bdist_egg", "-d", str(out_dir)], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    eggs = sorted(out_dir.glob(f"thidua_crawler-{version}-*.egg"))
    if not eggs:
        raise RuntimeError(f"no egg built in {out_dir}")
    return eggs[-1]


def deploy(scrapyd_url: str, project: str = "thidua", version: Optional[str] = None, egg: Optional[Path] = None) -> dict:
    """Build the egg and POST it to Scrapyd's addversion.json; returns Scrapyd's JSON answer."""
    import tempfile
    import urllib.request

    version = version or time.strftime("%Y%m%d%H%M%S")
    with tempfile.TemporaryDirectory() as tmp:
        egg = egg or build_egg(tmp, version)
        body, content_type = _multipart({"project": project, "version": version}, "egg", egg.name, egg.read_bytes())
        request = urllib.request.Request(scrapyd_url.rstrip("/") + "/addversion.json", data=body,
                                         headers={"Content-Type": content_type})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read().decode("utf-8"))


def _multipart(fields: dict, file_field: str, filename: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
                 f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def main(argv=None):
    """``python -m crawler.distributed deploy http://127.0.0.1:6800 [--project thidua]`` (no scrapyd-client needed)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m crawler.distributed")
    sub = parser.add_subparsers(dest="command", required=True)
    dep = sub.add_parser("deploy", help="build the crawler egg and upload it to Scrapyd")
    dep.add_argument("url", nargs="?", default="http://127.0.0.1:6800")
    dep.add_argument("--project", default="thidua")
    dep.add_argument("--version", default=None)
    ing = sub.add_parser("ingest", help="write crawled items from Redis into the database")
    ing.add_argument("redis_url")
    ing.add_argument("--db", default="data/thidua.db")
    ing.add_argument("--idle-timeout", type=float, default=5.0)
    args = parser.parse_args(argv)
    if args.command == "deploy":
        print(json.dumps(deploy(args.url, args.project, args.version)))
    else:
        print(json.dumps(ingest_from_redis(args.db, args.redis_url, idle_timeout=args.idle_timeout)))


if __name__ == "__main__":
    main()

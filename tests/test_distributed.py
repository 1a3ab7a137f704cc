"""Two crawl processes share one frontier on Redis; one ingester writes every article exactly once.

Starts its own redis-server (127.0.0.1, a free port, no persistence, in a temp dir) and
the offline mirror in this process (its request log tells which process fetched what:
each crawler has its own User-Agent).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections import Counter

import pytest

from conftest import MIRROR_SOURCES, REPO, TEST_SCRAPY_SETTINGS, THIDUA, query
from crawler.sources import MIRROR_ORIGIN

pytestmark = pytest.mark.slow

REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """redis-server on 127.0.0.1:<free port>, no persistence, stopped on exit (its process group)."""

    def __init__(self, workdir, *options):
        self.workdir = workdir
        self.port = free_port()
        self.proc = None
        self.options = list(options)
        self.password = options[options.index("--requirepass") + 1] if "--requirepass" in options else None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def __enter__(self):
        import redis

        self.proc = subprocess.Popen([REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1",
                                      "--save", "", "--appendonly", "no", "--dir", str(self.workdir),
                                      *self.options],
                                     cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        client = redis.Redis(host="127.0.0.1", port=self.port, password=self.password)
        deadline = time.time() + 15
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.time() > deadline or self.proc.poll() is not None:
                    self.__exit__()
                    raise RuntimeError("redis-server did not start")
                time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(timeout=10)


def start_cli(*args, agent: str, settings=None) -> subprocess.Popen:
    env = dict(os.environ, THIDUA_SCRAPY_SETTINGS=json.dumps(
        {**TEST_SCRAPY_SETTINGS, "USER_AGENT": f"thidua-kb/test ({agent})", **(settings or {})}))
    return subprocess.Popen([str(THIDUA), *args, "--json"], cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def finish(proc: subprocess.Popen, timeout: float) -> dict:
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])  # --json: the counts on stdout


@pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed (apt-get install redis-server)")
def test_two_crawlers_share_one_frontier_and_every_article_is_stored_once(tmp_path):
    from crawler.mirror.server import GONE_ARTICLE, MirrorServer

    db = tmp_path / "kb.db"
    procs = []
    with RedisServer(tmp_path) as redis_server, MirrorServer(scale=300, slow_seconds=2) as mirror:
        try:
            sources = [arg for name in MIRROR_SOURCES for arg in ("--source", name)]
            crawl = ["crawl", "--redis", redis_server.url, "--mirror-url", mirror.url, "--db", str(db), *sources]
            # A little latency per request so that the crawl lasts long enough for both to share it.
            slow = {"DOWNLOAD_DELAY": 0.02, "RANDOMIZE_DOWNLOAD_DELAY": False}
            ingest = start_cli("ingest", "--redis", redis_server.url, "--db", str(db), "--idle-timeout", "8",
                               agent="ingest")
            procs.append(ingest)
            a = start_cli(*crawl, agent="worker-A", settings=slow)
            procs.append(a)
            b = start_cli(*crawl, agent="worker-B", settings=slow)
            procs.append(b)
            stats_a, stats_b = finish(a, 150), finish(b, 150)
            ingested = finish(ingest, 60)

            # One run, shared; both processes did work; the frontier ran dry for both.
            assert stats_a["run"] == stats_b["run"]
            assert stats_a["finish_reason"] == stats_b["finish_reason"] == "finished"
            articles = set(mirror.article_paths())
            by_a = set(mirror.requested_by("worker-A"))
            by_b = set(mirror.requested_by("worker-B"))
            assert by_a & articles and by_b & articles, (len(by_a), len(by_b))
            assert stats_a["article_pages"] > 0 and stats_b["article_pages"] > 0

            # Each article fetched once across both processes (the shared dupefilter), stored once.
            fetched = Counter(p for p in mirror.requested() if p in articles)
            assert set(fetched) == articles
            assert max(fetched.values()) == 1
            stored = query(db, "SELECT final_url, count(*), count(DISTINCT content_hash) FROM pages GROUP BY final_url")
            assert all(n == 1 for _, n, _ in stored)
            stored_paths = {u[len(MIRROR_ORIGIN):] for u, _, _ in stored}
            assert articles <= stored_paths
            assert ingested["new_articles"] == query(db, "SELECT count(*) FROM pages")[0][0]

            # Faults reached crawl_errors through Redis; the run is recorded with both crawlers' counts.
            errors = {(u[len(MIRROR_ORIGIN):], r) for u, r in query(db, "SELECT url, reason FROM crawl_errors")}
            for path in GONE_ARTICLE.values():
                assert (path, "HTTP 404") in errors
            reasons = " | ".join(r for _, r in errors)
            for fault in ("HTTP 500", "timeout", "redirect loop", "empty body", "too large", "robots.txt"):
                assert fault in reasons
            runs = query(db, "SELECT id, pages, listing_pages, article_pages, new_articles, errors, finished,"
                             " finish_reason FROM crawl_runs")
            assert len(runs) == 1
            run_id, pages, listing, article_pages, new, errs, finished, reason = runs[0]
            assert pages == stats_a["pages"] + stats_b["pages"] and listing + article_pages == pages
            assert new == ingested["new_articles"] and errs == query(db, "SELECT count(*) FROM crawl_errors")[0][0]
            assert finished and reason == "finished"
            assert set(query(db, "SELECT DISTINCT run_id FROM crawl_errors")) == {(run_id,)}

            # A new run (the previous one is over): listings are visited again, no article is fetched
            # again (the ingester's known set), nothing is added.
            mirror.clear_log()
            again = start_cli(*crawl, agent="worker-C")
            procs.append(again)
            stats_c = finish(again, 90)
            assert stats_c["run"] != stats_a["run"]
            assert "/bvpl/tin-moi-nhat" in mirror.requested() and stats_c["listing_pages"] > 0
            assert not articles & set(mirror.requested())
            assert query(db, "SELECT count(*) FROM pages")[0][0] == ingested["new_articles"]
        finally:
            for proc in procs:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.communicate()


@pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed (apt-get install redis-server)")
def test_an_ingester_killed_mid_item_loses_nothing_and_only_one_ingester_runs(tmp_path):
    """Items a dead ingester had taken (its processing list) are written by the next one, once."""
    import base64

    from crawler.ingest import ingest_from_redis

    db = tmp_path / "kb.db"
    page = {"kind": "page", "run": "r1", "worker": "w", "url": "http://x/a-1.html", "final_url": "http://x/a-1.html",
            "source": "s", "status": 200, "fetched_at": "2025-01-01T00:00:00+00:00", "content_hash": None,
            "html": base64.b64encode("<p>một</p>".encode()).decode(), "content_type": "text/html",
            "encoding": "utf-8", "is_article": True, "problem": None}
    with RedisRedis(tmp_path) as client:
        client.rpush("thidua:items:processing", json.dumps(page))      # taken, never committed
        client.rpush("thidua:items", json.dumps(page), json.dumps(dict(page, url="http://x/b-2.html",
                                                                     final_url="http://x/b-2.html")))
        client.set("thidua:ingester", "someone-else", ex=30)
        with pytest.raises(RuntimeError, match="another ingester"):
            ingest_from_redis(db, client.url, idle_timeout=0.5)
        client.delete("thidua:ingester")
        stats = ingest_from_redis(db, client.url, idle_timeout=0.5, max_seconds=30)
        assert stats["recovered"] == 1 and stats["items"] == 3 and stats["new_articles"] == 2
        assert client.llen("thidua:items") == client.llen("thidua:items:processing") == 0
        assert {u.decode() for u in client.smembers("thidua:known")} == {"http://x/a-1.html", "http://x/b-2.html"}
    assert query(db, "SELECT url FROM pages ORDER BY url") == [("http://x/a-1.html",), ("http://x/b-2.html",)]
    assert query(db, "SELECT count(*) FROM crawl_runs")[0][0] == 1


class RedisRedis(RedisServer):
    """A RedisServer whose ``with`` value is a client (with the server's ``url``)."""

    def __enter__(self):
        import redis

        super().__enter__()
        client = redis.Redis(host="127.0.0.1", port=self.port, password=self.password)
        client.url = self.url
        return client


@pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed (apt-get install redis-server)")
def test_a_redis_with_a_password_is_used_with_it(tmp_path):
    from crawler.mirror.server import MirrorServer

    db = tmp_path / "kb.db"
    secret = "s3cret-pass"
    with RedisServer(tmp_path, "--requirepass", secret) as redis_server, MirrorServer() as mirror:
        # without the password: a clear refusal that does not echo any password
        refused = subprocess.run([str(THIDUA), "ingest", "--redis", redis_server.url, "--db", str(db),
                                  "--idle-timeout", "1"], cwd=REPO, capture_output=True, text=True, timeout=60)
        assert refused.returncode == 1 and f"Redis at {redis_server.url}" in refused.stderr
        assert "Traceback" not in refused.stderr
        # with it, from the environment (kept off the command line): crawl, then ingest
        env = dict(os.environ, THIDUA_REDIS_URL=f"redis://:{secret}@127.0.0.1:{redis_server.port}/0",
                   THIDUA_SCRAPY_SETTINGS=json.dumps(TEST_SCRAPY_SETTINGS))
        crawl = subprocess.run([str(THIDUA), "crawl", "--mirror-url", mirror.url, "--db", str(db),
                                "--source", MIRROR_SOURCES[0], "--max-pages", "5"],
                               cwd=REPO, env=env, capture_output=True, text=True, timeout=150)
        assert crawl.returncode == 0, crawl.stderr[-2000:]
        ingest = subprocess.run([str(THIDUA), "ingest", "--db", str(db), "--idle-timeout", "2"],
                                cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
        assert ingest.returncode == 0, ingest.stderr[-2000:]
        assert secret not in crawl.stderr + ingest.stderr
    assert query(db, "SELECT count(*) FROM pages")[0][0] > 0

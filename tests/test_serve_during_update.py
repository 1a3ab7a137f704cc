"""Readers never see errors while an update writes: `thidua serve` under load during `thidua update`.

A knowledge base of one mirror site is served; eight clients query it without pause (searches,
canned queries, tables, event pages, the dashboard) while `thidua update` crawls the other sites
of a larger mirror and builds them into the same file. Every request must succeed, and the new
articles must be visible within a minute of the update's end.
"""
from __future__ import annotations

import json
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

from conftest import MIRROR_SOURCES, REPO, TEST_SCRAPY_SETTINGS, THIDUA, query
from servers import free_port, stop as stop_server

pytestmark = pytest.mark.slow

CLIENTS = 8
PATHS = [
    "/thidua/articles.json?_search=thi+dua&_shape=array",
    "/thidua/search_events.json?q=thi+dua&_shape=array",
    "/thidua/events.json?_shape=array&_sort_desc=date",
    "/thidua/cluster_events_by_year.json?cluster=cum+4&scope=&_shape=array",
    "/thidua/positions.json?_shape=array",
    "/thidua/cluster_members.json?_shape=array",
    "/thidua/units.json?_shape=array",
    "/thidua.json?sql=select+count(*)+as+n+from+articles&_shape=array",
    "/-/dashboards/thidua-overview",
    "/thidua",
]


def _update(mirror_url, db, sources):
    env = dict(os.environ, THIDUA_SCRAPY_SETTINGS=json.dumps(TEST_SCRAPY_SETTINGS))
    args = [str(THIDUA), "update", "--db", str(db), "--mirror-url", mirror_url]
    for name in sources:
        args += ["--source", name]
    return subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _fetch(url: str) -> tuple[bool, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            body = r.read()
            if r.status != 200:
                return False, f"HTTP {r.status}"
            if url.endswith("_shape=array"):
                json.loads(body)
            return True, ""
    except urllib.error.HTTPError as exc:
        return False, f"HTTP {exc.code}: {exc.read()[:300]!r}"
    except (OSError, ValueError) as exc:
        return False, f"{type(exc).__name__}: {exc}"


def _count(base) -> int:
    with urllib.request.urlopen(base + "/thidua.json?sql=select+count(*)+as+n+from+articles&_shape=array",
                                timeout=30) as r:
        return json.loads(r.read())[0]["n"]


def test_no_request_fails_while_an_update_writes(tmp_path):
    from crawler.mirror.server import MirrorServer

    db = tmp_path / "thidua.db"
    with MirrorServer(scale=300, slow_seconds=2) as mirror:
        first = _update(mirror.url, db, ["mirror_kiemsat"])
        assert first.wait(timeout=600) == 0, first.stderr.read()[-3000:]
        port = free_port()
        server = subprocess.Popen([str(THIDUA), "serve", "--db", str(db), "--port", str(port)], cwd=REPO,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while not _fetch(base + "/-/versions.json")[0]:
                assert time.monotonic() < deadline and server.poll() is None, "thidua serve did not start"
                time.sleep(0.2)
            before = _count(base)
            assert before > 0

            stop = threading.Event()
            done, failures, seen_counts = [], [], []
            lock = threading.Lock()

            def client(k):
                i = k
                while not stop.is_set():
                    path = PATHS[i % len(PATHS)]
                    i += 1
                    ok, why = _fetch(base + path)
                    with lock:
                        done.append(path)
                        if not ok:
                            failures.append((path, why))
                    if path.startswith("/thidua.json?sql=") and ok:
                        seen_counts.append(_count(base))

            threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
            for t in threads:
                t.start()
            started = time.monotonic()
            try:
                update = _update(mirror.url, db, [s for s in MIRROR_SOURCES if s != "mirror_kiemsat"])
                assert update.wait(timeout=900) == 0, update.stderr.read()[-3000:]
                update_seconds = time.monotonic() - started
                time.sleep(2)
            finally:
                stop.set()
                for t in threads:
                    t.join(timeout=60)

            stored = query(db, "select count(*) from articles")[0][0]
            deadline = time.monotonic() + 60
            while _count(base) != stored:  # new data visible within a minute
                assert time.monotonic() < deadline, (_count(base), stored)
                time.sleep(1)
            print(f"\nserve during update: {len(done)} requests in {update_seconds:.0f} s of update, "
                  f"{len(failures)} failed; articles {before} -> {stored}; "
                  f"readers saw {len(set(seen_counts))} distinct counts")
            assert not failures, failures[:5]
            assert len(done) >= 100 and stored > before
            assert len(set(seen_counts)) >= 2  # readers saw the update progress, not only its end
        finally:
            stop_server(server)

"""kill -9 in the middle of a crawl, then the same command again: nothing lost, nothing stored twice.

Also: the database can be read (as Datasette reads it: a separate read-only connection) while
the crawl writes, thanks to WAL.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time

import pytest

from conftest import MIRROR_SOURCES, REPO, TEST_SCRAPY_SETTINGS, THIDUA, query, run_crawl_cli
from crawler.sources import MIRROR_ORIGIN

pytestmark = pytest.mark.slow

KILL_AFTER = 500   # pages stored before the SIGKILL


def read_only_count(db) -> int:
    """What Datasette does: its own connection, read-only, while the crawler writes."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
    try:
        return conn.execute("SELECT count(*) FROM pages").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def killed_and_resumed(tmp_path_factory):
    from crawler.mirror.server import MirrorServer

    tmp = tmp_path_factory.mktemp("resume")
    clean_db, db, jobdir = tmp / "clean.db", tmp / "resumed.db", tmp / "job"
    with MirrorServer(scale=2000, slow_seconds=2) as mirror:
        assert len(mirror.articles) >= 2000
        clean = run_crawl_cli(mirror.url, clean_db)

        mirror.clear_log()
        args = [str(THIDUA), "crawl", "--db", str(db), "--mirror-url", mirror.url, "--jobdir", str(jobdir)]
        for name in MIRROR_SOURCES:
            args += ["--source", name]
        env = dict(os.environ, THIDUA_SCRAPY_SETTINGS=json.dumps(TEST_SCRAPY_SETTINGS))
        proc = subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        reads: list[int] = []
        try:
            deadline = time.time() + 90
            while time.time() < deadline and proc.poll() is None:
                if db.exists():
                    try:
                        reads.append(read_only_count(db))
                    except sqlite3.OperationalError as exc:  # only "no such table" before the schema exists
                        assert "no such table" in str(exc), exc
                    if reads and reads[-1] >= KILL_AFTER:
                        break
                time.sleep(0.05)
            assert proc.poll() is None, "the crawl ended before it could be killed"
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL
        stored_at_kill = {u for (u,) in query(db, "SELECT url FROM pages")}
        marked = (jobdir / "thidua-running.pid").exists()
        requested_before = list(mirror.requested())

        mirror.clear_log()
        resumed = run_crawl_cli(mirror.url, db, "--jobdir", str(jobdir))
        requested_after = list(mirror.requested())
    return dict(clean=clean, clean_db=clean_db, db=db, jobdir=jobdir, resumed=resumed, reads=reads,
                stored_at_kill=stored_at_kill, marked=marked, requested_before=requested_before,
                requested_after=requested_after, articles=set(mirror.article_paths()))


def test_a_crawl_killed_with_sigkill_resumes_to_the_same_result_as_a_clean_crawl(killed_and_resumed):
    r = killed_and_resumed
    assert KILL_AFTER <= len(r["stored_at_kill"]) < len(r["articles"])
    assert r["marked"]  # the killed crawl left its JOBDIR marked as in use
    assert r["clean"]["finish_reason"] == r["resumed"]["finish_reason"] == "finished"

    clean = {u for (u,) in query(r["clean_db"], "SELECT url FROM pages")}
    resumed = {u for (u,) in query(r["db"], "SELECT url FROM pages")}
    answered = {u for (u,) in query(r["clean_db"], "SELECT final_url FROM pages")}
    assert {MIRROR_ORIGIN + p for p in r["articles"]} <= answered   # the clean crawl is complete
    assert resumed == clean                                     # nothing lost
    assert not query(r["db"], "SELECT url, content_hash FROM pages GROUP BY url, content_hash HAVING count(*) > 1")
    assert query(r["db"], "SELECT count(*) FROM pages")[0][0] == len(clean)   # nothing stored twice
    # What was stored before the kill was not fetched again; the rest was.
    again = {MIRROR_ORIGIN + p for p in r["requested_after"]} & r["stored_at_kill"]
    assert not again
    assert r["resumed"]["new_articles"] == len(clean) - len(r["stored_at_kill"])
    assert not (r["jobdir"] / "thidua-running.pid").exists()   # a clean finish clears the mark


def test_the_database_is_readable_while_a_crawl_writes(killed_and_resumed):
    reads = [n for n in killed_and_resumed["reads"]]
    assert len(reads) >= 3 and reads == sorted(reads)           # a reader saw the crawl progress...
    assert reads[-1] >= KILL_AFTER and len(set(reads)) >= 3     # ...without ever being locked out
    assert query(killed_and_resumed["db"], "PRAGMA journal_mode")[0][0] == "wal"


def test_a_live_jobdir_is_not_taken_over(tmp_path):
    """A second crawl on a JOBDIR in use by a running process refuses instead of corrupting it."""
    jobdir = tmp_path / "job"
    jobdir.mkdir()
    sleeper = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        (jobdir / "thidua-running.pid").write_text(str(sleeper.pid))
        from scrapy.utils.test import get_crawler

        from crawler.jobdir import JobdirGuard
        from crawler.spiders.news import NewsSpider

        with pytest.raises(RuntimeError, match="in use"):
            JobdirGuard.from_crawler(get_crawler(NewsSpider, {"JOBDIR": str(jobdir)}))
    finally:
        os.killpg(sleeper.pid, signal.SIGKILL)
        sleeper.wait()
    # Once that process is gone, the mark is a dead crawl's: the guard clears the untrusted state.
    (jobdir / "requests.seen").write_text("deadbeef\n")
    (jobdir / "requests.queue").mkdir()
    from scrapy.utils.test import get_crawler

    from crawler.jobdir import JobdirGuard
    from crawler.spiders.news import NewsSpider

    JobdirGuard.from_crawler(get_crawler(NewsSpider, {"JOBDIR": str(jobdir)}))
    assert not (jobdir / "requests.seen").exists() and not (jobdir / "requests.queue").exists()
    assert (jobdir / "thidua-running.pid").read_text() == str(os.getpid())


def test_the_killed_run_is_closed_by_the_next_with_what_it_stored(killed_and_resumed):
    r = killed_and_resumed
    columns = [d for (d,) in query(r["db"], "SELECT name FROM pragma_table_info('crawl_runs')")]
    killed, resumed = (dict(zip(columns, row)) for row in query(r["db"], "SELECT * FROM crawl_runs ORDER BY id"))
    assert killed["finish_reason"] == "killed" and killed["finished"] is not None
    assert killed["started"] <= killed["finished"] <= resumed["started"]
    assert killed["new_articles"] == len(r["stored_at_kill"]) and killed["article_pages"] >= killed["new_articles"]
    assert resumed["finish_reason"] == "finished"

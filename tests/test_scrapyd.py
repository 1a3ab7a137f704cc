"""The crawler deployed to Scrapyd (an egg POSTed to addversion.json) and run through schedule.json.

Starts its own scrapyd on 127.0.0.1:<free port> in a temp dir, with a config file written here,
and the offline mirror in this process.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import query
from crawler.sources import MIRROR_ORIGIN

pytestmark = pytest.mark.slow

SCRAPYD = Path(sys.executable).parent / "scrapyd"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read().decode("utf-8"))


def post_json(url: str, fields: list[tuple[str, str]]) -> dict:
    data = urllib.parse.urlencode(fields).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


@pytest.fixture
def scrapyd(tmp_path):
    if not SCRAPYD.exists():
        pytest.skip(f"scrapyd is not installed at {SCRAPYD}")
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(f"""[scrapyd]
bind_address = 127.0.0.1
http_port = {port}
eggs_dir = {home / 'eggs'}
logs_dir = {home / 'logs'}
dbs_dir = {home / 'dbs'}
items_dir = {home / 'items'}
max_proc = 2
poll_interval = 0.5
""")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY")}
    proc = subprocess.Popen([str(SCRAPYD)], cwd=home, env=env, stdout=subprocess.DEVNULL,
                            stderr=open(home / "scrapyd.err", "w"), start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                assert get_json(url + "/daemonstatus.json")["status"] == "ok"
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError("scrapyd did not start: " + (home / "scrapyd.err").read_text()[-2000:])
                time.sleep(0.2)
        yield url, home
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def test_deploy_to_scrapyd_and_schedule_a_crawl(scrapyd, mirror, tmp_path):
    from crawler.scrapyd import deploy

    url, home = scrapyd
    answer = deploy(url, project="thidua", version="1")
    assert answer["status"] == "ok" and answer["spiders"] == 1, answer
    assert get_json(url + "/listspiders.json?project=thidua")["spiders"] == ["news"]

    db = tmp_path / "scrapyd.db"
    job = post_json(url + "/schedule.json", [
        ("project", "thidua"), ("spider", "news"),
        ("sources", "mirror_bvpl,mirror_vkstv"), ("mirror_url", mirror.url), ("db", str(db)),
        ("setting", "DOWNLOAD_TIMEOUT=1"), ("setting", "LOG_LEVEL=INFO"),
    ])
    assert job["status"] == "ok", job
    deadline = time.time() + 120
    while time.time() < deadline:
        jobs = get_json(url + "/listjobs.json?project=thidua")
        if any(j["id"] == job["jobid"] for j in jobs["finished"]):
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"the Scrapyd job did not finish: {jobs}")

    log = next((home / "logs" / "thidua" / "news").glob(f"{job['jobid']}.log")).read_text()
    assert "'finish_reason': 'finished'" in log, log[-3000:]
    assert " ERROR: " not in log and "Traceback" not in log, log[-3000:]
    feed = next((home / "items" / "thidua" / "news").glob(f"{job['jobid']}.jl")).read_text().splitlines()
    assert feed and all("html" not in json.loads(line) for line in feed)   # Scrapyd's item feed: no raw bytes
    expected = set(mirror.article_paths("bvpl")) | set(mirror.article_paths("vkstv"))
    stored = {u[len(MIRROR_ORIGIN):] for (u,) in query(db, "SELECT final_url FROM pages")}
    assert expected <= stored
    run = query(db, "SELECT sources, finished, new_articles FROM crawl_runs")
    assert run == [("mirror_bvpl,mirror_vkstv", run[0][1], len(stored))] and run[0][1]

"""Shared fixtures. The crawler's: a served offline mirror and a crawl run in a subprocess."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
THIDUA = Path(sys.executable).parent / "thidua"
MIRROR_SOURCES = ["mirror_bvpl", "mirror_kiemsat", "mirror_vkstv", "mirror_faults"]
# Crawls of the local mirror in tests: short timeouts (the slow page waits 2 s), quiet logs.
TEST_SCRAPY_SETTINGS = {"DOWNLOAD_TIMEOUT": 1, "RETRY_TIMES": 1, "LOG_LEVEL": "WARNING"}


def copy_dev_articles(target: Path) -> Path:
    """Only the crawler's three development articles, so tests do not depend on the full set."""
    from crawler.mirror.content import ARTICLES_DIR

    target.mkdir(parents=True, exist_ok=True)
    for path in ARTICLES_DIR.glob("_dev_*.yml"):
        shutil.copy(path, target / path.name)
    return target


def start_test_mirror(articles_dir: Path):
    """3 articles + 12 variants (5 per site), 3 per listing page: every site paginates."""
    from crawler.mirror.server import MirrorServer

    return MirrorServer(articles_dir=articles_dir, scale=12, page_size=3, slow_seconds=2)


@pytest.fixture
def dev_articles_dir(tmp_path) -> Path:
    return copy_dev_articles(tmp_path / "articles")


@pytest.fixture
def mirror(dev_articles_dir):
    with start_test_mirror(dev_articles_dir) as server:
        yield server


@pytest.fixture(scope="module")
def module_mirror(tmp_path_factory):
    """One mirror for a module's read-only tests."""
    with start_test_mirror(copy_dev_articles(tmp_path_factory.mktemp("articles"))) as server:
        yield server


def run_crawl_cli(mirror_url: str, db: Path, *extra: str, sources=MIRROR_SOURCES, settings=None) -> dict:
    """Run ``thidua crawl`` in a subprocess (the Twisted reactor runs once per process); return its stats."""
    args = [str(THIDUA), "crawl", "--json", "--db", str(db), "--mirror-url", mirror_url, *extra]
    for name in sources:
        args += ["--source", name]
    env = dict(os.environ, THIDUA_SCRAPY_SETTINGS=json.dumps({**TEST_SCRAPY_SETTINGS, **(settings or {})}))
    proc = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture
def crawl_cli(tmp_path):
    def run(mirror_url: str, *extra: str, sources=MIRROR_SOURCES, db: Path = None, settings=None) -> dict:
        return run_crawl_cli(mirror_url, db or tmp_path / "crawl.db", *extra, sources=sources, settings=settings)

    return run


def query(db: Path, sql: str, params=()) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()

"""`thidua update` keeps the knowledge base current: an unchanged site costs only listing pages
and adds nothing; an edited article is fetched again, stored as a new version and re-extracted,
and its earlier version is kept."""
from __future__ import annotations

import json
import os
import subprocess

import pytest

from conftest import REPO, TEST_SCRAPY_SETTINGS, THIDUA, query
from crawler.mirror.server import REVISION_NOTE
from crawler.sources import MIRROR_ORIGIN

pytestmark = pytest.mark.slow

TABLES = ("pages", "articles", "article_versions", "events", "units", "officials", "awards", "crawl_errors")


def update(mirror_url: str, db, settings=None) -> dict:
    env = dict(os.environ, THIDUA_SCRAPY_SETTINGS=json.dumps({**TEST_SCRAPY_SETTINGS, **(settings or {})}))
    proc = subprocess.run([str(THIDUA), "update", "--json", "--db", str(db), "--mirror-url", mirror_url,
                           "--source", "mirror_bvpl"], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def counts(db) -> dict:
    return {t: query(db, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}


def test_update_twice_fetches_only_listings_and_an_edited_article_becomes_a_new_version(mirror, tmp_path):
    db = tmp_path / "kb.db"
    articles = set(mirror.article_paths("bvpl"))

    first = update(mirror.url, db)
    assert first["crawl"]["new_articles"] == len(articles) and first["build"]["extracted"] == len(articles)
    before = counts(db)
    assert before["articles"] == len(articles)

    # Unchanged site: only listing pages (and robots.txt) are requested; no table gains a row.
    mirror.clear_log()
    second = update(mirror.url, db)
    requested = mirror.requested()
    assert "/bvpl/tin-moi-nhat" in requested
    assert not articles & set(requested)
    assert all(p == "/robots.txt" or not p.endswith(".html") for p in requested), requested
    assert counts(db) == before
    assert second["crawl"]["new_articles"] == 0 and second["build"]["extracted"] == 0
    run = query(db, "SELECT started, finished, incremental, pages, listing_pages, article_pages, new_articles,"
                    " errors, finish_reason FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]
    started, finished, incremental, pages, listing, article_pages, new, errors, reason = run
    assert started and finished >= started and incremental == 1 and reason == "finished"
    assert pages == listing == len([p for p in requested if p != "/robots.txt"]) and article_pages == 0
    assert new == 0 and errors == 0

    # The newest article is edited on the site. Once the stored copies are old enough to be
    # re-checked (THIDUA_REVISIT_AFTER, 0 here), update asks for page-1 articles conditionally.
    mirror.revision = 2
    edited = mirror.revised_article
    mirror.clear_log()
    third = update(mirror.url, db, settings={"THIDUA_REVISIT_AFTER": 0})
    requested = mirror.requested()
    assert edited.path in requested
    statuses = {path: status for _, path, status in mirror.request_log}
    assert statuses[edited.path] == 200
    assert 304 in statuses.values()   # the unchanged ones: not modified, no body sent
    assert third["crawl"]["new_articles"] == 1 and third["build"]["extracted"] == 1
    after = counts(db)
    assert after["pages"] == before["pages"] + 1
    assert after["articles"] == before["articles"]          # the same article...
    assert after["article_versions"] == before["article_versions"] + 1   # ...with its earlier version kept
    url = MIRROR_ORIGIN + edited.path
    versions = query(db, "SELECT v.version, v.status, p.content_hash FROM article_versions v"
                         " JOIN pages p ON p.id = v.page_id WHERE p.final_url = ? ORDER BY v.version", (url,))
    assert [(v, s) for v, s, _ in versions] == [(1, "earlier"), (2, "current")]
    assert versions[0][2] != versions[1][2]
    text, version = query(db, "SELECT text, version FROM articles WHERE final_url = ?", (url,))[0]
    assert version == 2 and REVISION_NOTE[:40] in text

"""Crawl health: a site that changes its markup or starts answering 403 is flagged by
`thidua update --check` (non-zero exit, a row in source_health, a line in the summary);
the checks themselves on plain numbers."""
from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timedelta, timezone

import pytest

from conftest import REPO, TEST_SCRAPY_SETTINGS, THIDUA, query
from crawler.health import (Metrics, assess, check_errors, check_markup, check_new_articles, check_reachable,
                            error_kind)

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)


def healthy(**changes) -> Metrics:
    m = Metrics(source="tinh", listing_pages=4, listing_ok=4, article_links=20, article_pages=5, new_articles=5,
                pages_checked=5, title_date_pages=5)
    for key, value in changes.items():
        setattr(m, key, value)
    return m


def rows(*errors_and_shares, start=NOW - timedelta(days=10), every=timedelta(days=1)):
    """Earlier source_health rows, newest first: (errors, title_date_share, new_articles) each."""
    out = []
    for i, (errors, share, new) in enumerate(errors_and_shares):
        out.append({"errors": errors, "title_date_share": share, "new_articles": new,
                    "checked_at": (start + i * every).isoformat()})
    return list(reversed(out))


def test_a_healthy_source_has_no_flags():
    assert assess(healthy(), rows((1, 1.0, 3), (0, 1.0, 2), (1, 0.9, 4)), NOW) == {}
    assert assess(healthy(), [], NOW) == {}   # its first run


@pytest.mark.parametrize("reason, status, kind", [
    ("HTTP 403", 403, "blocked"), ("HTTP 429", 429, "blocked"), ("HTTP 404", 404, "not_found"),
    ("HTTP 500", 500, "server_error"), ("timeout (TimeoutError)", None, "timeout"),
    ("Forbidden by robots.txt", None, "robots"), ("redirect loop: a -> b -> a", 302, "redirect"),
    ("listing has no article links (listing_links 'x' matched 0 blocks)", 200, "layout"),
    ("empty body", 200, "unusable_page"), ("discovery: no group of links looks like articles", None, "discovery"),
])
def test_error_kinds(reason, status, kind):
    assert error_kind(reason, status) == kind


def test_blocked_and_unreachable():
    assert "blocked: 2 request(s)" in check_reachable(healthy(errors_by_kind={"blocked": 2}))
    assert "unreachable" in check_reachable(healthy(listing_ok=0, errors_by_kind={"timeout": 4}))


def test_markup_change_shows_as_empty_listings_or_missing_titles_and_dates():
    assert "1 first listing page(s) without article links" in check_markup(healthy(empty_listings=1), [])
    assert "only 20% of 5 article pages" in check_markup(healthy(title_date_pages=1), [])
    history = rows((0, 1.0, 2), (0, 1.0, 2), (0, 0.95, 2))
    assert "(usually 100%)" in check_markup(healthy(pages_checked=10, title_date_pages=6), history)
    assert check_markup(healthy(pages_checked=10, title_date_pages=9), history) is None
    assert check_markup(healthy(pages_checked=2, title_date_pages=0), []) is None   # too few pages to judge


def test_errors_jump_against_the_usual_level():
    history = rows((1, 1.0, 1), (2, 1.0, 1), (1, 1.0, 1))
    assert "errors jumped: 9 (usually 1)" in check_errors(healthy(errors_by_kind={"server_error": 9}), history)
    assert check_errors(healthy(errors_by_kind={"server_error": 3}), history) is None
    # No history: flagged only when most requests fail.
    assert "most requests failed" in check_errors(healthy(article_pages=2, listing_pages=1,
                                                          errors_by_kind={"timeout": 3}), [])
    assert check_errors(healthy(errors_by_kind={"not_found": 2}), []) is None


def test_nothing_new_for_longer_than_usual():
    daily = rows((0, 1.0, 3), (0, 1.0, 2), (0, 1.0, 4), (0, 1.0, 1), start=NOW - timedelta(days=8))
    # New articles daily until 5 days ago, nothing since: flagged; today's run found some: not flagged.
    message = check_new_articles(healthy(new_articles=0), daily, NOW)
    assert message == "nothing new for 5.0 days (usually every 1.0 days)"
    assert check_new_articles(healthy(new_articles=2), daily, NOW) is None
    assert check_new_articles(healthy(new_articles=0), daily, NOW - timedelta(days=4, hours=12)) is None
    assert check_new_articles(healthy(new_articles=0), daily[:2], NOW) is None   # too little history


def test_title_and_date_from_the_selectors_or_the_page():
    from scrapy.http import HtmlResponse

    from crawler.health import has_title_and_date

    page = HtmlResponse("https://vkstinh.example/tin/a-1.html", encoding="utf-8", body=(
        '<html><body><h1 class="t">Cụm thi đua <b>số 4</b></h1><div class="d"><span>12/03/2024 08:30</span></div>'
        "<p>" + "Hội nghị tổng kết công tác thi đua. " * 20 + "</p></body></html>").encode("utf-8"))
    assert has_title_and_date(page, {"title": "h1.t, h2.t", "date": "div.d"})
    assert not has_title_and_date(page, {"title": "h1.post-title", "date": "div.d"})   # the markup changed
    assert not has_title_and_date(page, {"title": "h1.t", "date": "div.time"})
    assert has_title_and_date(page, None)          # h1, and the date in the page's text
    assert not has_title_and_date(HtmlResponse("https://vkstinh.example/x", encoding="utf-8",
                                               body=b"<html><body><p>no title, no date</p></body></html>"), None)


# --------------------------------------------------------------------------- against the mirror
def update_check(mirror_url: str, db) -> subprocess.CompletedProcess:
    env = dict(os.environ, THIDUA_SCRAPY_SETTINGS=json.dumps(TEST_SCRAPY_SETTINGS))
    return subprocess.run([str(THIDUA), "update", "--check", "--json", "--db", str(db), "--mirror-url", mirror_url,
                           "--source", "mirror_vkstv"], cwd=REPO, env=env, capture_output=True, text=True, timeout=180)


def health_rows(db):
    return query(db, "SELECT run_id, source, status, flags, errors_by_kind FROM source_health ORDER BY id")


@pytest.mark.parametrize("change, flag, kind", [
    ("markup", "markup changed? 1 first listing page(s) without article links", "layout"),
    ("403", "blocked: 2 request(s) answered 401/403/429", "blocked"),
])
def test_a_site_that_changes_its_markup_or_answers_403_is_flagged(mirror, tmp_path, change, flag, kind):
    db = tmp_path / "kb.db"
    first = update_check(mirror.url, db)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "health: mirror_vkstv: ok (" in first.stderr
    assert "first crawl of mirror_vkstv (unverified): " in first.stderr
    assert json.loads(first.stdout.strip().splitlines()[-1])["crawl"]["new_articles"] == 5

    if change == "markup":
        mirror.set_markup("vkstv", 2)
    else:
        mirror.forbid("vkstv")
    second = update_check(mirror.url, db)
    assert second.returncode == 1, second.stderr[-3000:]
    assert f"health: mirror_vkstv: FLAGGED: {flag}" in second.stderr
    assert "check: 1 source(s) flagged: mirror_vkstv" in second.stderr
    assert json.loads(second.stdout.strip().splitlines()[-1])["crawl"]["new_articles"] == 0
    runs = health_rows(db)
    assert [(r[1], r[2]) for r in runs] == [("mirror_vkstv", "ok"), ("mirror_vkstv", "flagged")]
    assert runs[1][3] == flag and kind in json.loads(runs[1][4])

    # Datasette shows the flagged row.
    from kb_datasette import get_json

    shown = get_json(db, "/thidua/source_health.json?_shape=array&status=flagged")
    assert [(r["source"], r["flags"]) for r in shown] == [("mirror_vkstv", flag)]

    # The site is back to normal: the next run is healthy again.
    mirror.set_markup("vkstv", 1)
    mirror.forbid("vkstv", False)
    third = update_check(mirror.url, db)
    assert third.returncode == 0 and "health: mirror_vkstv: ok (" in third.stderr
    listed = subprocess.run([str(THIDUA), "sources", "list", "--db", str(db)], cwd=REPO, capture_output=True,
                            text=True, timeout=60)
    line = next(l for l in listed.stdout.splitlines() if l.startswith("mirror_vkstv\t"))
    assert "\tverified\t5 articles\t" in line and "health: ok" in line and "(run 3, 0 new)" in line

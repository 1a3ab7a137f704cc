"""Crawl health: per source and run, what the crawl found, and whether the site looks broken.

A scheduled crawl that silently stops finding articles looks like a quiet week. So every run
records, per source (the ``source_health`` table, see crawler/store.py): listing pages (listings,
feeds and sitemaps) fetched and readable, article links seen, article pages fetched, new
articles, errors by kind, and the share of article pages that gave a title and a date. The
source is *flagged* when

- it is blocked (answers 401/403/429), none of its listings, feeds or sitemaps could be read, or
  (a config naming only a home page) discovery found no article pattern;
- a first listing page has no article links, or fewer than half of its article pages give a
  title and a date, or that share falls well below its usual level (the markup changed);
- its errors jump (far above the median of its earlier runs, or most of its requests fail);
- it has yielded nothing new for longer than twice its usual interval between new articles.

The checks are plain functions over plain data (``Metrics`` and earlier rows). They run at
the end of a crawl as spidermon monitors (``SourceHealthMonitors``, enabled in
crawler/settings.py); the suite's action writes one ``source_health`` row per source, with the
flags. ``summary_lines(db, run_id)`` is the run's summary; ``thidua update --check`` exits
non-zero when a row of the run is flagged.
"""
from __future__ import annotations

import json
import re
import statistics
import warnings
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Optional

from spidermon import Monitor, MonitorSuite, monitors
from spidermon.core.actions import Action

from crawler import store

# spidermon 1.27 reports through Spider.log(), which Scrapy 2.19 deprecates: not our warning to show.
warnings.filterwarnings("ignore", message=r"Spider\.log\(\) is deprecated")

BLOCKED_STATUSES = {401, 403, 407, 429, 451}
MIN_TITLE_DATE_SHARE = 0.5      # below this share of article pages with a title and a date: flagged
SHARE_DROP = 0.3                # ... or this far below the median of earlier runs
MIN_PAGES_FOR_SHARE = 3         # the share is judged from this many article pages on
ERROR_JUMP_FACTOR = 2.0         # errors above max(3, factor x median of earlier runs + 2): a jump
MIN_RUNS_FOR_INTERVAL = 3       # runs with new articles needed to know a source's usual interval
STALE_FACTOR = 2.0              # nothing new for longer than factor x usual interval: flagged
HISTORY = 20                    # earlier runs considered
DATE_TEXT = re.compile(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}")


# --------------------------------------------------------------------------- errors
def error_kind(reason: Optional[str], status: Optional[int]) -> str:
    """The kind of a crawl error, for counting: blocked, not_found, server_error, timeout, ..."""
    reason = (reason or "").lower()
    if status in BLOCKED_STATUSES:
        return "blocked"
    if status in (404, 410):
        return "not_found"
    if status is not None and status >= 500:
        return "server_error"
    if status is not None and status >= 400:
        return "http_error"
    if "robots.txt" in reason:
        return "robots"
    if "timeout" in reason:
        return "timeout"
    if "redirect" in reason:
        return "redirect"
    if "listing has no article links" in reason or "no article body" in reason or "not a sitemap" in reason:
        return "layout"
    if reason.startswith("discovery"):
        return "discovery"
    if any(k in reason for k in ("empty body", "binary", "not html", "no article text", "truncated", "too large")):
        return "unusable_page"
    if "error" in reason or "refused" in reason or "dns" in reason:
        return "network"
    return "other"


# --------------------------------------------------------------------------- pages
def has_title_and_date(response, selectors: Optional[dict] = None) -> bool:
    """Does an article page give a title and a date? The source's selectors when it has them
    (so a markup change shows), else the usual places (og:title, h1; article:published_time,
    <time datetime>, then htmldate's search of the page and its text)."""
    selectors = selectors or {}
    if selectors.get("title"):
        title = " ".join(n.xpath("string()").get() for n in response.css(selectors["title"])).strip()
    else:
        title = (response.css('meta[property="og:title"]::attr(content)').get()
                 or " ".join(response.css("h1 ::text").getall()).strip())
    if not title:
        return False
    if selectors.get("date"):
        nodes = response.css(selectors["date"])
        text = " ".join(n.xpath("string()").get() for n in nodes) + " " + " ".join(nodes.css("::attr(datetime)").getall())
        return bool(re.search(r"\d", text))
    if (response.css('meta[property="article:published_time"]::attr(content)').get()
            or response.css("time::attr(datetime)").get()):
        return True
    from htmldate import find_date

    try:
        return find_date(response.text, url=response.url, original_date=True) is not None
    except Exception:  # htmldate on odd markup: no date
        return False


# --------------------------------------------------------------------------- metrics
@dataclass
class Metrics:
    """What one run did for one source (from the crawl's stats)."""
    source: str
    listing_pages: int = 0        # listings, feeds and sitemaps fetched
    listing_ok: int = 0           # ... that answered with a page to read
    empty_listings: int = 0       # first listing pages without article links
    article_links: int = 0        # article links seen on them
    article_pages: int = 0        # article pages fetched
    new_articles: int = 0         # pages rows added
    errors_by_kind: dict = field(default_factory=dict)
    pages_checked: int = 0        # article pages read for a title and a date
    title_date_pages: int = 0

    @property
    def errors(self) -> int:
        return sum(self.errors_by_kind.values())

    @property
    def title_date_share(self) -> Optional[float]:
        return round(self.title_date_pages / self.pages_checked, 3) if self.pages_checked else None

    failed_requests: int = 0      # requests that got no response (timeouts, refused, robots.txt)

    @property
    def requests(self) -> int:
        return self.listing_pages + self.article_pages + self.failed_requests


def metrics_from_stats(stats: dict, source: str) -> Metrics:
    prefix = f"thidua/source/{source}/"
    m = Metrics(source=source)
    for key in ("listing_pages", "listing_ok", "empty_listings", "article_links", "article_pages", "new_articles",
                "failed_requests"):
        setattr(m, key, int(stats.get(prefix + key, 0)))
    m.pages_checked = int(stats.get(prefix + "checked_pages", 0))
    m.title_date_pages = int(stats.get(prefix + "title_date_pages", 0))
    m.errors_by_kind = {k[len(prefix + "errors/"):]: int(v) for k, v in stats.items()
                        if k.startswith(prefix + "errors/")}
    return m


# --------------------------------------------------------------------------- checks
def check_reachable(m: Metrics) -> Optional[str]:
    blocked = m.errors_by_kind.get("blocked", 0)
    if blocked:
        return f"blocked: {blocked} request(s) answered 401/403/429"
    if m.errors_by_kind.get("discovery"):
        return "not discovered: its home page, sitemaps and feeds gave no article pattern (see crawl_errors)"
    if m.listing_pages and not m.listing_ok:
        return f"unreachable: none of its {m.listing_pages} listing/feed/sitemap page(s) could be read"
    return None


def check_markup(m: Metrics, history: list[dict]) -> Optional[str]:
    problems = []
    if m.empty_listings:
        problems.append(f"{m.empty_listings} first listing page(s) without article links")
    share = m.title_date_share
    if share is not None and m.pages_checked >= MIN_PAGES_FOR_SHARE:
        earlier = [r["title_date_share"] for r in history if r.get("title_date_share") is not None]
        usual = statistics.median(earlier) if earlier else None
        if share < MIN_TITLE_DATE_SHARE:
            problems.append(f"only {share:.0%} of {m.pages_checked} article pages gave a title and a date")
        elif usual is not None and usual - share > SHARE_DROP:
            problems.append(f"{share:.0%} of article pages gave a title and a date (usually {usual:.0%})")
    if problems:
        return "markup changed? " + "; ".join(problems)
    return None


def check_errors(m: Metrics, history: list[dict]) -> Optional[str]:
    earlier = [r["errors"] for r in history if r.get("errors") is not None]
    if earlier:
        usual = statistics.median(earlier)
        if m.errors >= 3 and m.errors > ERROR_JUMP_FACTOR * usual + 2:
            return f"errors jumped: {m.errors} (usually {usual:g}): {_kinds(m)}"
        return None
    if m.errors >= 3 and m.errors * 2 > m.requests:
        return f"most requests failed: {m.errors} errors of {m.requests} requests: {_kinds(m)}"
    return None


def check_new_articles(m: Metrics, history: list[dict], now: datetime) -> Optional[str]:
    """Nothing new for longer than twice the usual interval between runs that found new articles."""
    if m.new_articles:
        return None
    times = sorted(_parse(r["checked_at"]) for r in history if r.get("new_articles") and r.get("checked_at"))
    times = [t for t in times if t is not None]
    if len(times) < MIN_RUNS_FOR_INTERVAL:
        return None
    usual = statistics.median((b - a).total_seconds() for a, b in zip(times, times[1:]))
    quiet = (now - times[-1]).total_seconds()
    if usual > 0 and quiet > STALE_FACTOR * usual:
        return f"nothing new for {_duration(quiet)} (usually every {_duration(usual)})"
    return None


CHECKS = ("reachable", "markup", "errors", "new_articles")


def assess(m: Metrics, history: list[dict], now: Optional[datetime] = None) -> dict[str, str]:
    """Every check's flag for one source (check name -> message); empty when healthy."""
    now = now or datetime.now(timezone.utc)
    results = {"reachable": check_reachable(m), "markup": check_markup(m, history),
               "errors": check_errors(m, history), "new_articles": check_new_articles(m, history, now)}
    return {k: v for k, v in results.items() if v}


def _kinds(m: Metrics) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(m.errors_by_kind.items(), key=lambda kv: -kv[1]))


def _parse(value: str) -> Optional[datetime]:
    try:
        when = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _duration(seconds: float) -> str:
    if seconds >= 86400:
        return f"{seconds / 86400:.1f} days"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} hours"
    return f"{seconds / 60:.0f} minutes"


# --------------------------------------------------------------------------- storage
def history(db, source: str, before_run: Optional[int] = None, limit: int = HISTORY) -> list[dict]:
    """The source's earlier source_health rows, newest first."""
    sql = "SELECT * FROM source_health WHERE source = ?"
    params: list = [source]
    if before_run is not None:
        sql += " AND run_id < ?"
        params.append(before_run)
    cursor = db.execute(sql + " ORDER BY id DESC LIMIT ?", [*params, limit])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def record(db, run_id: Optional[int], m: Metrics, flags: dict[str, str], verified: bool = False) -> dict:
    """Write the source's row for this run; returns it. A source never crawled into an article
    before (and not marked verified) is a *first crawl*: the row says what the crawl found."""
    stored, last_new = db.execute("SELECT count(*), max(fetched_at) FROM pages WHERE source = ? AND is_article = 1",
                                  [m.source]).fetchone()
    first = not verified and stored - m.new_articles <= 0
    found = None
    if first:
        examples = [u for (u,) in db.execute("SELECT final_url FROM pages WHERE source = ? AND is_article = 1"
                                             " ORDER BY id DESC LIMIT 3", [m.source]).fetchall()]
        found = (f"{m.listing_ok} of {m.listing_pages} listing/feed/sitemap pages read, {m.article_links} article "
                 f"links, {m.new_articles} new articles" + (f", e.g. {', '.join(examples)}" if examples else ""))
    row = {"run_id": run_id, "source": m.source, "checked_at": store.utc_now(),
           "listing_pages": m.listing_pages, "listing_ok": m.listing_ok, "article_links": m.article_links,
           "article_pages": m.article_pages, "new_articles": m.new_articles, "errors": m.errors,
           "errors_by_kind": json.dumps(m.errors_by_kind, sort_keys=True) if m.errors_by_kind else None,
           "pages_checked": m.pages_checked, "title_date_share": m.title_date_share,
           "stored_articles": stored, "last_new_article": last_new,
           "status": "flagged" if flags else "ok", "flags": "; ".join(flags.values()) or None,
           "first_crawl": int(first), "found": found}
    with db.conn:
        db.execute(f"INSERT INTO source_health ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                   list(row.values()))
    return row


def run_rows(db, run_id: int) -> list[dict]:
    cursor = db.execute("SELECT * FROM source_health WHERE run_id = ? ORDER BY source", [run_id])
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def latest(db) -> dict[str, dict]:
    """Source name -> its newest source_health row."""
    cursor = db.execute("SELECT * FROM source_health WHERE id IN (SELECT max(id) FROM source_health GROUP BY source)")
    columns = [d[0] for d in cursor.description]
    return {row["source"]: row for row in (dict(zip(columns, r)) for r in cursor.fetchall())}


def summary_lines(rows: list[dict]) -> list[str]:
    """The run's summary: one line per source; flagged sources say why, first crawls what they found."""
    lines = []
    for row in rows:
        share = row["title_date_share"]
        counts = (f"{row['listing_pages']} listing pages, {row['new_articles']} new articles, {row['errors']} errors"
                  + (f", {share:.0%} with title and date" if share is not None else ""))
        if row["status"] == "flagged":
            lines.append(f"health: {row['source']}: FLAGGED: {row['flags']} ({counts})")
        else:
            lines.append(f"health: {row['source']}: ok ({counts})")
        if row["first_crawl"]:
            lines.append(f"first crawl of {row['source']} (unverified): {row['found']}")
    return lines


# --------------------------------------------------------------------------- spidermon
def _context(data) -> dict:
    """Per-run inputs of the monitors, computed once: source -> (Metrics, history)."""
    crawler = data.crawler
    cached = getattr(crawler, "_thidua_health", None)
    if cached is not None:
        return cached
    stats = data.stats
    run_id = stats.get("thidua/run_id")
    context = {"run_id": run_id, "sources": {}, "flags": {}}
    spider = data.spider
    if crawler.settings.getbool("THIDUA_REDIS") or run_id is None:
        context["skip"] = True   # a distributed crawler has no run in SQLite (thidua ingest writes)
    else:
        db = store.open_db(crawler.settings.get("THIDUA_DB"))
        try:
            for source in spider.sources:
                context["sources"][source.name] = (metrics_from_stats(stats, source.name),
                                                   history(db, source.name, before_run=run_id), source.verified)
        finally:
            db.conn.close()
    crawler._thidua_health = context
    return context


class _SourceCheck(Monitor):
    check = ""

    def _run_check(self):
        context = _context(self.data)
        if context.get("skip"):
            return
        now = datetime.now(timezone.utc)
        failed = []
        for name, (m, earlier, _) in context["sources"].items():
            message = assess(m, earlier, now).get(self.check)
            if message:
                context["flags"].setdefault(name, {})[self.check] = message
                failed.append(f"{name}: {message}")
        if failed:
            self.fail("; ".join(failed))


@monitors.name("Sources answer")
class ReachableMonitor(_SourceCheck):
    check = "reachable"

    @monitors.name("listings, feeds and sitemaps can be read")
    def test_reachable(self):
        self._run_check()


@monitors.name("Sources keep their markup")
class MarkupMonitor(_SourceCheck):
    check = "markup"

    @monitors.name("listings give article links, pages a title and a date")
    def test_markup(self):
        self._run_check()


@monitors.name("Source errors")
class ErrorsMonitor(_SourceCheck):
    check = "errors"

    @monitors.name("errors do not jump")
    def test_errors(self):
        self._run_check()


@monitors.name("New articles")
class NewArticlesMonitor(_SourceCheck):
    check = "new_articles"

    @monitors.name("something new within the usual interval")
    def test_new_articles(self):
        self._run_check()


class RecordSourceHealth(Action):
    """After the monitors: one source_health row per source of the run, with its flags."""

    def run_action(self):
        context = _context(self.data)
        if context.get("skip"):
            return
        db = store.open_db(self.data.crawler.settings.get("THIDUA_DB"))
        try:
            for name, (m, _, verified) in context["sources"].items():
                record(db, context["run_id"], m, context["flags"].get(name, {}), verified=verified)
        finally:
            db.conn.close()


class SourceHealthMonitors(MonitorSuite):
    monitors = [ReachableMonitor, MarkupMonitor, ErrorsMonitor, NewArticlesMonitor]
    monitors_finished_actions = [RecordSourceHealth]


def metrics_dict(m: Metrics) -> dict:
    return {**asdict(m), "errors": m.errors, "title_date_share": m.title_date_share}

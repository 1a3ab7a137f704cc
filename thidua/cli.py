"""The ``thidua`` command line: the one place that knows crawler, extract and kb.

Data flows one way: crawl -> pages -> extract -> records -> kb -> Datasette.
"""
from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Optional

import click

DEFAULT_DB = "data/thidua.db"
db_option = click.option(
    "--db", "db_path", default=DEFAULT_DB, show_default=True,
    type=click.Path(dir_okay=False, path_type=Path), help="The SQLite knowledge base.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="thidua-kb")
def cli():
    """Crawl procuracy news, extract emulation-and-commendation events, publish them.

    \b
    Typical use:
      thidua demo                 # offline mirror -> crawl -> build -> Datasette
      thidua update               # crawl the configured sites, then build, incrementally
      thidua extract a.html b.txt # event records as JSON Lines, no database needed
    """


# --------------------------------------------------------------------------- extract
def _run_crawl(**kwargs) -> dict:
    """crawler.run.crawl with configuration mistakes turned into clear usage errors."""
    from crawler.run import crawl as run_crawl
    from crawler.sources import SourceConfigError

    try:
        return run_crawl(**kwargs)
    except SourceConfigError as exc:
        raise click.UsageError(str(exc)) from None


# --------------------------------------------------------------------------- quiet output
# A person sees a progress bar and one summary line per stage on standard error; Scrapy's log
# goes to a file (its path is printed) unless -v asks to see it live. --json prints the stages'
# counts on standard output, for scripts.
verbose_option = click.option("-v", "--verbose", is_flag=True,
                              help="Show Scrapy's log live instead of writing it to a file.")
json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print the counts as JSON on standard output (for scripts).")


def _log_path(db_path: Path, stage: str) -> Path:
    from datetime import datetime, timezone

    logs = Path(db_path).resolve().parent / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    return logs / f"{stage}-{datetime.now(timezone.utc).strftime('%Y%m%d-%H%M%S')}.log"


def _crawl_with_progress(verbose: bool, settings=None, **kwargs) -> dict:
    """Crawl with Scrapy's log in a file (or live with -v), a progress bar, then one summary line."""
    from thidua.progress import watch_pages

    settings = dict(settings or {})
    if not verbose:
        log = _log_path(kwargs["db_path"], "crawl")
        settings.update({"LOG_FILE": str(log), "LOG_FILE_APPEND": False})
        click.echo(f"crawl: Scrapy's log is in {log} (-v shows it here)", err=True)
    with watch_pages(kwargs["db_path"], "crawl", enabled=None if not (verbose or kwargs.get("redis_url")) else False):
        stats = _run_crawl(settings=settings or None, **kwargs)
    click.echo(_crawl_summary(stats), err=True)
    return stats


def _crawl_summary(stats: dict) -> str:
    if "worker" in stats:  # a distributed crawler: its own share
        return (f"crawl: {stats.get('pages', 0)} pages fetched ({stats.get('items', 0)} items sent to Redis), "
                f"{stats.get('finish_reason')}")
    return (f"crawl: {stats.get('pages') or 0} pages fetched ({stats.get('listing_pages') or 0} listings, "
            f"{stats.get('article_pages') or 0} articles), {stats.get('new_articles') or 0} new, "
            f"{stats.get('errors') or 0} errors (table crawl_errors), {stats.get('finish_reason')}")


def _build_summary(stats: dict) -> str:
    return (f"build: {stats['extracted']} pages extracted ({stats['relevant']} relevant), "
            f"{stats.get('events', 0)} events in all, {stats['errors']} errors (table build_errors)"
            + (f", {stats['superseded']} older versions skipped" if stats.get("superseded") else ""))


def _print_json(stats: dict, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(stats, ensure_ascii=False))


def extract_file(path: Path, max_bytes: Optional[int] = None, seconds: Optional[float] = None) -> dict:
    """One input file to one event record (id = the file's stem); InputError when it cannot be read.

    A file over the size cap or the time budget gives a record with its skip reason.
    """
    from extract.article import from_html_bytes, from_text_bytes
    from extract.inputs import HTML_SUFFIXES, MAX_BYTES, PAGE_SECONDS, read_input
    from extract.pipeline import extract_bounded

    parse = from_html_bytes if path.suffix.lower() in HTML_SUFFIXES else from_text_bytes
    cap = MAX_BYTES if max_bytes is None else max_bytes
    # read_input raises InputError (no record) or TooLarge (a record with that reason)
    return extract_bounded(lambda: parse(read_input(path, cap)), path.stem,
                           PAGE_SECONDS if seconds is None else seconds)


max_size_option = click.option(
    "--max-size", "max_mb", type=click.FloatRange(min=0, min_open=True), default=8, show_default=True,
    metavar="MB", help="Skip (with that reason) any page or file larger than this many megabytes.")
page_timeout_option = click.option(
    "--page-timeout", type=click.FloatRange(min=0), default=30, show_default=True, metavar="SECONDS",
    help="Time budget of one page: a page that takes longer is skipped with that reason (0: no limit).")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--evidence/--no-evidence", default=True, show_default=True,
              help="Keep each fact's evidence (offsets and sentence).")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="Write JSON Lines here instead of standard output.")
@click.option("--progress/--no-progress", default=None,
              help="Show a progress bar on standard error (default: when it is a terminal and there are many files).")
@max_size_option
@page_timeout_option
def extract(paths, evidence, output, progress, max_mb, page_timeout):
    """Extract event records from .html/.htm/.txt files (or folders of them).

    Prints one JSON object per file (JSON Lines, the EVENT_RECORD contract);
    the record's id is the file name without its extension. Needs no database.
    A file that cannot be read as an article (empty, binary, no body, legacy
    encoding, too large, over the time budget) still gets a record, with
    relevant=false and a "skipped" reason. A path that cannot be extracted
    (missing, not a regular file, unreadable, another extension), or on which
    the extractor fails with an unexpected error (a bug: its traceback is
    printed), gets an "error:" line on standard error and no record; the
    other files go on, and the exit code is then 1.
    """
    from extract.inputs import InputError, input_files
    from extract.record import to_json_line
    from thidua.progress import progress_iter

    failed = 0
    files = list(input_files(paths))
    for path, problem in progress_iter(files, "extract", enabled=progress):
        try:
            if problem is not None:
                raise problem
            record = extract_file(path, max_bytes=int(max_mb * 1024 * 1024), seconds=page_timeout)
        except InputError as exc:
            click.echo(f"error: {exc}", err=True)
            failed += 1
            continue
        except Exception as exc:  # a bug, not a property of the file: reported in full, counted, exit 1
            import traceback

            click.echo(f"error: {path}: unexpected {type(exc).__name__}: {exc} (a bug; traceback follows)\n"
                       + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)), err=True)
            failed += 1
            continue
        if record.get("skipped"):
            click.echo(f"skipped: {path}: {record['skipped']}", err=True)
        output.write(to_json_line(record, evidence=evidence) + "\n")
    if failed:
        click.echo(f"{failed} of {len(files)} paths failed", err=True)
        sys.exit(1)


# --------------------------------------------------------------------------- crawl
@cli.command()
@click.option("--source", "sources", multiple=True, metavar="NAME",
              help="Crawl only this source (repeatable). Default: every configured real site.")
@db_option
@click.option("--max-pages", type=int, default=None, help="Stop after fetching this many pages.")
@click.option("--redis", "redis_url", default=None, metavar="URL", envvar="THIDUA_REDIS_URL",
              help="Share the frontier on Redis (scrapy-redis) with other crawl processes. Pages go to "
                   "Redis, never to SQLite: run `thidua ingest --redis URL` to store them. Prints this "
                   "process's own counts. A password goes in the URL (redis://:PASSWORD@HOST:6379/0); "
                   "set THIDUA_REDIS_URL instead of the option to keep it off the command line.")
@click.option("--jobdir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Scrapy JOBDIR: a crawl stopped at any point resumes from here.")
@click.option("--mirror-url", default=None, metavar="URL",
              help="Base URL of a running offline mirror (for the mirror_* sources).")
@click.option("--incremental", is_flag=True,
              help="Visit listings newest first and stop paging at a page of known articles.")
@verbose_option
@json_option
def crawl(sources, db_path, max_pages, redis_url, jobdir, mirror_url, incremental, verbose, as_json):
    """Crawl the configured sources and store the raw pages.

    Polite by default: robots.txt obeyed, AutoThrottle, at most 2 concurrent
    requests per domain. A URL already stored is not fetched again.
    Shows progress and a summary, then each source's health (also kept in the
    source_health table); Scrapy's log goes to logs/ beside the database.
    """
    stats = _crawl_with_progress(verbose, db_path=db_path, source_names=list(sources) or None, max_pages=max_pages,
                                 redis_url=redis_url, jobdir=jobdir, mirror_url=mirror_url, incremental=incremental)
    if not redis_url:
        _report_health(db_path, stats.get("run_id"))
    _print_json(stats, as_json)


def _report_health(db_path, run_id) -> list[dict]:
    """Print the run's health summary (one line per source) on stderr; return the flagged rows."""
    from crawler import health, store

    if run_id is None or not Path(db_path).exists():
        return []
    db = store.open_db(db_path)
    try:
        rows = health.run_rows(db, run_id)
    finally:
        db.conn.close()
    for line in health.summary_lines(rows):
        click.echo(line, err=True)
    return [r for r in rows if r["status"] == "flagged"]


@cli.command()
@db_option
@click.option("--redis", "redis_url", required=True, metavar="URL", envvar="THIDUA_REDIS_URL",
              help="Redis holding the crawled items (redis://:PASSWORD@HOST:6379/0 when it asks for one; "
                   "default: $THIDUA_REDIS_URL).")
@click.option("--idle-timeout", type=float, default=5.0, show_default=True,
              help="Stop after the queue has been empty this many seconds.")
@json_option
def ingest(db_path, redis_url, idle_timeout, as_json):
    """Write pages crawled by distributed crawlers (on Redis) into the knowledge base.

    The single writer of a distributed crawl: run one, with any number of
    `thidua crawl --redis URL` processes.
    """
    from redis.exceptions import RedisError

    from crawler.ingest import ingest_from_redis

    try:
        stats = ingest_from_redis(db_path, redis_url, idle_timeout=idle_timeout)
    except RedisError as exc:  # refused, wrong password, unreachable: say so, without the password
        raise click.ClickException(f"Redis at {_without_password(redis_url)}: {exc}") from None
    click.echo("ingest: " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in stats.items()
                                      if isinstance(v, (int, float)) and not isinstance(v, bool)), err=True)
    _print_json(stats, as_json)


def _without_password(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)).geturl()


@cli.command()
@click.option("--scrapyd", "scrapyd_url", default="http://127.0.0.1:6800", show_default=True, metavar="URL",
              help="The Scrapyd server to deploy to.")
@click.option("--project", default="thidua", show_default=True, help="Scrapyd project name.")
@click.option("--version", "version", default=None, help="Version label (default: a timestamp).")
def deploy(scrapyd_url, project, version):
    """Build the crawler's egg and deploy it to Scrapyd (addversion.json).

    Then schedule crawls with Scrapyd's schedule.json (see docs/SCHEDULING.md).
    """
    from crawler.scrapyd import deploy as run_deploy

    try:
        answer = run_deploy(scrapyd_url, project=project, version=version)
    except OSError as exc:
        raise click.ClickException(f"cannot reach Scrapyd at {scrapyd_url}: {exc}") from None
    click.echo(json.dumps(answer, ensure_ascii=False))


# --------------------------------------------------------------------------- build
def extract_page(page: dict, max_bytes: Optional[int] = None, seconds: Optional[float] = None) -> dict:
    """A stored page (row of the pages table) to an event record, within the size cap and time budget."""
    from crawler.sources import selectors_for
    from extract.article import from_html_bytes
    from extract.inputs import MAX_BYTES, PAGE_SECONDS, check_size
    from extract.pipeline import extract_bounded

    html = page["html"] or b""
    data = html if isinstance(html, bytes) else html.encode("utf-8")
    url = page.get("final_url") or page.get("url")

    def read():
        check_size(data, MAX_BYTES if max_bytes is None else max_bytes)
        return from_html_bytes(data, url=url, selectors=selectors_for(page.get("source")))

    return extract_bounded(read, str(page["id"]), PAGE_SECONDS if seconds is None else seconds, url=url)


def _page_extractor(max_mb: float, page_timeout: float):
    """extract_page with the command's limits (a partial: it goes to the extraction processes)."""
    return functools.partial(extract_page, max_bytes=int(max_mb * 1024 * 1024), seconds=page_timeout)


def _exit_on_build_errors(build_stats: dict) -> None:
    """Exit 1 when a page failed with an unexpected error (a bug, recorded in build_errors with its traceback)."""
    if build_stats.get("errors"):
        click.echo(f"error: {build_stats['errors']} pages failed with an unexpected error; see the build_errors "
                   "table for their tracebacks", err=True)
        sys.exit(1)


@cli.command()
@db_option
@click.option("--jobs", type=int, default=1, show_default=True, help="Extraction processes.")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar.")
@max_size_option
@page_timeout_option
@click.option("--reextract", is_flag=True,
              help="Extract every stored page again (by default only those extracted by an older extractor).")
@json_option
def build(db_path, jobs, progress, max_mb, page_timeout, reextract, as_json):
    """Extract the stored pages not yet extracted and upsert them into the knowledge base.

    Running it again adds no duplicate rows; a page whose content changed is
    extracted again and its earlier version kept; so is every page extracted by
    an older version of the extractor. A page that fails with an
    unexpected error is recorded in build_errors (with its traceback), counted,
    and makes the exit code 1; the other pages go on. Reports of one conference
    become one event.
    """
    from kb.build import build as run_build
    from thidua.progress import bar

    from extract.version import extractor_version

    stats = run_build(db_path, _page_extractor(max_mb, page_timeout), jobs=jobs, progress=bar("build", progress),
                      extractor_version=extractor_version(), reextract=reextract)
    click.echo(_build_summary(stats), err=True)
    _print_json(stats, as_json)
    _exit_on_build_errors(stats)


@cli.command()
@click.option("--source", "sources", multiple=True, metavar="NAME", help="Only this source (repeatable).")
@db_option
@click.option("--mirror-url", default=None, metavar="URL", help="Base URL of a running offline mirror.")
@click.option("--jobs", type=int, default=1, show_default=True, help="Extraction processes.")
@click.option("--revisit-after", type=float, default=None, metavar="SECONDS",
              help="Ask again (If-Modified-Since) for newest-listed articles stored longer ago than "
                   "this, to catch edits. Default: 6 hours.")
@click.option("--check", is_flag=True,
              help="Exit with status 1 when a source is flagged (blocked, markup changed, errors jumped, "
                   "nothing new for longer than usual): for cron to mail.")
@verbose_option
@json_option
def update(sources, db_path, mirror_url, jobs, revisit_after, check, verbose, as_json):
    """Crawl, then build: fetch only what is new and extract only that.

    Listings are revisited newest first and paging stops at a page of known
    articles, so a run on unchanged sites fetches only listing pages. The
    run's health (per source) is printed and kept in the source_health table.
    """
    from kb.build import build as run_build

    settings = {"THIDUA_REVISIT_AFTER": revisit_after} if revisit_after is not None else None
    stats = {"crawl": _crawl_with_progress(verbose, db_path=db_path, source_names=list(sources) or None,
                                           incremental=True, mirror_url=mirror_url, settings=settings)}
    from extract.version import extractor_version

    stats["build"] = run_build(db_path, extract_page, jobs=jobs, extractor_version=extractor_version())
    click.echo(_build_summary(stats["build"]), err=True)
    flagged = _report_health(db_path, stats["crawl"].get("run_id"))
    if check and flagged:
        click.echo(f"check: {len(flagged)} source(s) flagged: {', '.join(r['source'] for r in flagged)}", err=True)
    _print_json(stats, as_json)
    _exit_on_build_errors(stats["build"])
    if check and flagged:
        sys.exit(1)


# --------------------------------------------------------------------------- sources
@cli.group()
def sources():
    """The sites crawled: list them with their status, or add one found from its home page."""


@sources.command("list")
@db_option
def sources_list(db_path):
    """Every source config, with its status: verified or not, last crawl, health.

    A source is verified when its config says so or when a crawl into the
    database has stored an article from it. Exits 1 if a config does not load.
    """
    from crawler import health, store
    from crawler.sources import SourceConfigError, load_source_file, source_files

    latest, stored, fetched = {}, {}, {}
    if db_path.exists():
        db = store.open_db(db_path)
        try:
            latest = health.latest(db)
            rows = db.execute("SELECT source, count(*), max(fetched_at) FROM pages WHERE is_article = 1"
                              " GROUP BY source").fetchall()
            stored = {name: n for name, n, _ in rows}
            fetched = {name: when for name, _, when in rows}
        finally:
            db.conn.close()
    bad = 0
    for name, path in source_files().items():
        try:
            source = load_source_file(path)
        except SourceConfigError as exc:
            bad += 1
            click.echo(f"{name}\tINVALID\t{exc}")
            continue
        status = "verified" if source.verified or stored.get(name) else "unverified"
        row = latest.get(name)
        if row is None:  # never crawled, or only before health was recorded
            crawl, state = (f"{fetched[name]} (newest article)", "-") if name in fetched else ("never crawled", "-")
        else:
            crawl = f"{row['checked_at']} (run {row['run_id']}, {row['new_articles']} new)"
            state = "ok" if row["status"] == "ok" else f"FLAGGED: {row['flags']}"
        where = source.base_url if not source.is_mirror else f"{source.base_url} (offline mirror)"
        click.echo(f"{name}\t{status}\t{stored.get(name, 0)} articles\tlast crawl: {crawl}\thealth: {state}\t{where}")
    if bad:
        sys.exit(1)


@sources.command("add")
@click.argument("url")
@click.option("--name", default=None, help="Config name (default: from the host; mirror_<site> for a site of "
                                            "the offline mirror on 127.0.0.1).")
@click.option("--dry-run", is_flag=True, help="Print the config instead of writing it.")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write the config here (default: $THIDUA_SOURCES_DIR, else crawler/sources/).")
@click.option("--force", is_flag=True, help="Replace an existing config of that name.")
def sources_add(url, name, dry_run, directory, force):
    """Find a site's articles from its home page URL and write its source config.

    Looks at the home page, robots.txt, the sitemaps and the RSS/Atom feeds,
    learns the article URL pattern from their links, tries a few pages through
    trafilatura and writes crawler/sources/NAME.yml with what it found and how
    sure it is (discovery.confidence). The config is marked unverified.
    """
    import re

    import yaml

    from crawler import discover
    from crawler.sources import SOURCES_DIR, SourceConfigError, extra_sources_dir, parse_source, source_files

    name = name or discover.default_name(url)
    if not re.match(r"^[a-z0-9][a-z0-9_]*$", name):
        raise click.UsageError(f"--name {name!r}: use lower-case letters, digits and _")
    mirror = name.startswith("mirror_")
    if mirror and not discover.is_loopback(url):
        raise click.UsageError("mirror_* names are for sites of the offline mirror (a 127.0.0.1 URL)")
    target_dir = directory or extra_sources_dir() or Path(str(SOURCES_DIR))
    target = Path(target_dir) / f"{name}.yml"
    if not dry_run and not force and (target.exists() or name in source_files()):
        raise click.UsageError(f"a source named {name!r} exists already ({source_files().get(name, target)}); "
                               "choose another --name or use --force")
    try:
        found = discover.discover(url)
    except discover.DiscoveryError as exc:
        raise click.ClickException(str(exc)) from None
    config = found.config(name, mirror=mirror)
    try:
        parse_source(config, target)
    except SourceConfigError as exc:  # pragma: no cover (discover writes valid configs)
        raise click.ClickException(f"the config found does not validate: {exc}") from None
    header = (f"# Found by `thidua sources add {url}` ({found.found_at}): home page, robots.txt, sitemaps, feeds.\n"
              f"# Confidence {found.confidence}: the share of tried pages with a title, a date and text, weighed by\n"
              f"# the number of links behind the pattern. Unverified until a crawl stores an article from it.\n")
    text = header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=110)
    if dry_run:
        click.echo(text, nl=False)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    click.echo(f"wrote {target}: article pattern {config['article_pattern']}, {len(found.pattern.matching)} article "
               f"links, confidence {found.confidence}", err=True)


# --------------------------------------------------------------------------- serve / export
@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8001, show_default=True, type=int, help="Port to listen on.")
def serve(db_path, host, port):
    """Serve the knowledge base with Datasette (read-only, metadata.yml).

    Refuses to start when the metadata shipped with the package (canned
    queries, descriptions, dashboard) cannot be found.
    """
    from kb.serve import serve as run_serve

    if not db_path.exists():
        raise click.ClickException(f"{db_path} does not exist: run `thidua build` (or `thidua demo`) first")
    _check_serving()
    run_serve(db_path, host=host, port=port)


def _check_serving() -> None:
    """The packaged metadata, plugin and templates are there, or a clear error."""
    from kb.serve import ServeError, load_metadata

    try:
        load_metadata()
    except ServeError as exc:
        raise click.ClickException(str(exc)) from None


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "jsonld", "events"]), default="jsonl",
              show_default=True, help="jsonl: one record per article (the contract); events: one line per event "
                                      "(reports of one conference merged), with its reports and their facts.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write here instead of standard output.")
def export(db_path, fmt, output):
    """Export the knowledge base's event records (jsonl: the EVENT_RECORD contract) or its merged events."""
    from kb.export import export as run_export

    if not db_path.exists():
        raise click.ClickException(f"{db_path} does not exist: run `thidua build` first")
    if output is None:
        run_export(db_path, fmt, sys.stdout)
    else:
        with open(output, "w", encoding="utf-8", newline="") as out:
            n = run_export(db_path, fmt, out)
        click.echo(f"wrote {n} records to {output}", err=True)


@cli.command()
@db_option
@click.option("--serve/--no-serve", default=True, show_default=True, help="Serve with Datasette at the end.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@verbose_option
def demo(db_path, serve, host, port, verbose):
    """Offline demo: start the bundled mirror, crawl it, build, then serve.

    Shows progress and one summary per stage; Scrapy's log goes to logs/
    beside the database (-v shows it live). Ctrl-C stops everything; nothing
    is left running.
    """
    from crawler.mirror.server import MirrorServer
    from crawler.sources import mirror_source_names
    from kb.build import build as run_build

    if serve:
        _check_serving()
    with MirrorServer() as mirror:
        click.echo(f"mirror: serving the offline sites at {mirror.url}", err=True)
        stats = _crawl_with_progress(verbose, db_path=db_path, source_names=mirror_source_names(),
                                     mirror_url=mirror.url)
        _report_health(db_path, stats.get("run_id"))
    from extract.version import extractor_version

    stats = run_build(db_path, extract_page, extractor_version=extractor_version())
    click.echo(_build_summary(stats), err=True)
    if serve:
        from kb.serve import serve as run_serve

        click.echo(f"serving {db_path} at http://{host}:{port}/ (Ctrl-C to stop)", err=True)
        run_serve(db_path, host=host, port=port)


def main():  # pragma: no cover
    cli()


if __name__ == "__main__":  # pragma: no cover
    main()

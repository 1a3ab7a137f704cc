"""Distributed and unattended crawling, one module per job (this one keeps the old names working):

- :mod:`crawler.redis_crawl` -- crawl processes sharing one frontier on Redis (``thidua crawl --redis``);
- :mod:`crawler.ingest` -- the single writer taking their pages into SQLite (``thidua ingest``);
- :mod:`crawler.jobdir` -- a JOBDIR made safe to resume after SIGKILL (``thidua crawl --jobdir``);
- :mod:`crawler.scrapyd` -- the egg and its deployment to Scrapyd (``thidua deploy``).

``python -m crawler.distributed deploy|ingest ...`` runs the last two without the ``thidua`` command.
"""
from __future__ import annotations

import json

from .ingest import ingest_from_redis
from .jobdir import JobdirGuard
from .redis_crawl import (DEFAULT_PREFIX, RedisPagePipeline, RunScheduler, known_urls_from_redis, read_only_known,
                          scrapy_settings)
from .scrapyd import build_egg, deploy

__all__ = ["DEFAULT_PREFIX", "JobdirGuard", "RedisPagePipeline", "RunScheduler", "build_egg", "deploy",
           "ingest_from_redis", "known_urls_from_redis", "read_only_known", "scrapy_settings"]


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


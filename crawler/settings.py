"""Scrapy settings for the thidua-kb crawler: polite by default.

crawler.run.crawl() layers per-run settings (database, limits, JOBDIR, the
mirror's fast local mode) on top of these.
"""

BOT_NAME = "thidua"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Identify ourselves and how to reach the project.
USER_AGENT = "thidua-kb/0.1 (+https://github.com/thidua-kb/thidua-kb)"

# Politeness: robots.txt, few parallel requests per site, adaptive delay.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Raw pages are stored in SQLite; a second cache would only go stale.
HTTPCACHE_ENABLED = False

# Faults are recorded, not fatal: keep a truncated body (flagged), refuse absurd sizes.
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_FAIL_ON_DATALOSS = False
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024     # no news article is 8 MB of HTML
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
# The spider follows redirects itself (to detect loops and skip known targets).
REDIRECT_MAX_TIMES = 5

ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 300}
# A JOBDIR left by a killed crawl (SIGKILL, power loss) is not trusted: see crawler/distributed.py.
EXTENSIONS = {"crawler.distributed.JobdirGuard": 0, "spidermon.contrib.scrapy.extensions.Spidermon": 500}
# Crawl health: at the end of a run spidermon's monitors flag sources that look broken and write
# the source_health table (crawler/health.py).
SPIDERMON_ENABLED = True
SPIDERMON_SPIDER_CLOSE_MONITORS = ["crawler.health.SourceHealthMonitors"]
# Incremental runs (`thidua update`) re-check the newest stored articles (first listing page) for
# changes with a conditional GET once their stored copy is this old (seconds).
THIDUA_REVISIT_AFTER = 6 * 3600

# Where pages go (crawler.run.crawl and the CLI set it per run).
THIDUA_DB = "data/thidua.db"

# No control ports: a crawl is started and stopped from the command line (or Scrapyd).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

FEED_EXPORT_ENCODING = "utf-8"
# Feeds (e.g. Scrapyd's items_dir) list what a crawl fetched, without the raw bytes (those are in SQLite).
FEED_EXPORT_FIELDS = ["url", "final_url", "source", "status", "fetched_at", "content_hash", "content_type",
                      "encoding", "is_article", "problem", "reason"]
LOG_LEVEL = "INFO"

"""Crash-safe resumption of a single crawl with ``--jobdir``.

``JobdirGuard`` (an extension, on for every crawl): with SIGKILL, Scrapy's JOBDIR request
queue and seen-set are left half-written (they are only consistent after a clean stop).
The guard marks a JOBDIR as in use while a crawl runs; a crawl that finds the mark of a
process that died discards the queue and seen-set, and the resumed crawl re-walks the
listings from page 1 while skipping every stored article. Nothing is lost (what was not
stored is found again) and nothing is stored twice (UNIQUE(url, content_hash)).
"""
from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Optional

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- JOBDIR after a crash
class JobdirGuard:
    """Makes a JOBDIR safe to resume after SIGKILL (see the module docstring)."""

    MARK = "thidua-running.pid"

    def __init__(self, crawler):
        from scrapy import signals
        from scrapy.exceptions import NotConfigured

        jobdir = crawler.settings.get("JOBDIR")
        if not jobdir:
            raise NotConfigured
        self.jobdir = Path(jobdir)
        self.jobdir.mkdir(parents=True, exist_ok=True)
        self.crawler = crawler
        mark = self.jobdir / self.MARK
        if mark.exists():
            pid = _read_pid(mark)
            if pid and pid != os.getpid() and _pid_alive(pid):
                raise RuntimeError(f"{self.jobdir} is in use by process {pid}")
            logger.warning("JOBDIR %s: the previous crawl died without closing (pid %s); its request queue "
                           "is not trustworthy: starting from the listings again, stored pages are skipped",
                           self.jobdir, pid)
            for name in ("requests.queue", "requests.seen", "spider.state"):
                target = self.jobdir / name
                if target.is_dir():
                    shutil.rmtree(target, ignore_errors=True)
                elif target.exists():
                    target.unlink()
            crawler.stats.set_value("thidua/jobdir_recovered", 1)
        mark.write_text(str(os.getpid()))
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_closed(self, spider, reason):
        # Runs after the scheduler and dupefilter have written their state.
        mark = self.jobdir / self.MARK
        if mark.exists() and _read_pid(mark) == os.getpid():
            mark.unlink()


def _read_pid(path: Path) -> Optional[int]:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (killed, not yet reaped) is not alive
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


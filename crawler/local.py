"""Crawling the offline mirror on this machine: how to tell it is local, and the settings it gets.

Shared by crawler.run (the command line's crawls) and the spider (``scrapy crawl`` and Scrapyd
jobs), so neither imports the other.
"""
from __future__ import annotations

import ipaddress
from typing import Optional
from urllib.parse import urlsplit

# The offline mirror is our own server on this machine: no need to throttle, and
# anything slower than a few seconds is one of its deliberate faults.
LOCAL_MIRROR_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "DOWNLOAD_TIMEOUT": 3,
    "RETRY_TIMES": 1,
}


def is_loopback(url: Optional[str]) -> bool:
    """Whether the URL's host is this machine (localhost, 127.0.0.0/8, ::1)."""
    host = urlsplit(url or "").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

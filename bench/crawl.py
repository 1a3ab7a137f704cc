"""Figure "crawl": pages/s of ``thidua crawl`` on the local mirror vs a bare Scrapy spider.

The mirror (``python -m crawler.mirror.server --scale N``) runs in its own process on a free
127.0.0.1 port for the whole figure. Each run crawls it twice into nothing shared: first
``thidua crawl`` into a fresh database, then bench/bare_spider.py (same sources, same Scrapy
settings, no pipeline). pages/s = pages fetched (listings + articles, as each side counts
them) / wall time of the process, start-up included on both sides. The fault site
(mirror_faults: a deliberately slow page, a 9 MB page...) is left out: it measures timeouts.
"""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from .common import PYTHON, THIDUA, WORK, Figure, check, free_port, last_json, median, run_child, stop, wait_http

SOURCES = ["mirror_bvpl", "mirror_kiemsat", "mirror_vkstv"]


def start_mirror(scale: int):
    port = free_port()
    proc = subprocess.Popen([PYTHON, "-m", "crawler.mirror.server", "--host", "127.0.0.1", "--port", str(port),
                             "--scale", str(scale)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            cwd=str(Path(__file__).resolve().parents[1]))
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/robots.txt", timeout=120, proc=proc)
    except Exception:
        stop(proc)
        raise
    return proc, url


def measure(ctx: dict) -> list[Figure]:
    scale = 150 if ctx["quick"] else 2000
    WORK.mkdir(parents=True, exist_ok=True)
    proc, url = start_mirror(scale)
    ours, base, ratios, rss, counts = [], [], [], [], []
    try:
        for _ in range(ctx["runs"]):
            with tempfile.TemporaryDirectory(dir=WORK) as tmp:
                db = Path(tmp) / "crawl.db"
                args = [THIDUA, "crawl", "--db", str(db), "--mirror-url", url, "--json"]
                for s in SOURCES:
                    args += ["--source", s]
                r = check(run_child(args, timeout=1800), "thidua crawl")
                stats = last_json(r.stdout)  # --json: the counts on standard output
                b = check(run_child([PYTHON, "-m", "bench.bare_spider", "--mirror-url", url, *SOURCES],
                                    timeout=1800), "bare spider")
                bare = last_json(b.stdout)
            o, bb = stats["pages"] / r.seconds, bare["pages"] / b.seconds
            ours.append(o), base.append(bb), ratios.append(o / bb)
            rss.append(r.max_rss_mb)
            counts.append({"thidua": stats["pages"], "new_articles": stats.get("new_articles"),
                           "bare": bare["pages"], "thidua_s": r.seconds, "bare_s": b.seconds,
                           "thidua_cpu_s": r.cpu_seconds, "bare_cpu_s": b.cpu_seconds})
    finally:
        stop(proc)
    ctx.setdefault("rss", {})["crawl"] = rss
    ratio = median(ratios)
    return [Figure("crawl", median(ours), "pages/s", baseline=median(base), ratio=ratio, target="ratio >= 0.8",
                   passed=ratio >= 0.8, runs=len(ratios),
                   detail={"mirror_scale": scale, "sources": SOURCES, "runs": counts, "ratios": ratios})]

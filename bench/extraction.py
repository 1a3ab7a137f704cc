"""Figure "extraction": articles/s of the full extractor vs trafilatura's bare extraction, same pages.

Pages come from bench/extract.py's generator (made-up news in a typical site template). Each
run times the full extractor (``from_html_bytes`` + ``extract_record``) and then
``trafilatura.extract`` over all pages, in this process; the run's ratio is ours / theirs.
"""
from __future__ import annotations

import random

from .common import Figure, median
from .extract import page, run_once


def pages(n: int, seed: int = 7) -> list[bytes]:
    rng = random.Random(seed)
    return [page(rng, i) for i in range(n)]


def measure(ctx: dict) -> list[Figure]:
    import trafilatura

    from extract.article import from_html_bytes
    from extract.pipeline import extract_record

    n = 100 if ctx["quick"] else 1000
    html = pages(n)
    texts = [p.decode("utf-8") for p in html]

    def full(p):
        return extract_record(from_html_bytes(p), "bench")

    full(html[0]), trafilatura.extract(texts[0])  # warm-up: imports, vocabularies, regexes
    ours, base, ratios = [], [], []
    for _ in range(ctx["runs"]):
        o = run_once(html, full)
        b = run_once(texts, trafilatura.extract)
        ours.append(o), base.append(b), ratios.append(o / b)
    ratio = median(ratios)
    return [Figure("extraction", median(ours), "articles/s", baseline=median(base), ratio=ratio,
                   target="ratio >= 0.5", passed=ratio >= 0.5, runs=len(ratios),
                   detail={"pages": n, "ours": ours, "trafilatura": base, "ratios": ratios})]

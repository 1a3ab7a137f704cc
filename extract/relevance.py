"""Is this article emulation-and-commendation work?

Weighted cues (``data/relevance.yml``) found in the title, the lead and the body;
title and lead count most, the body's share is capped so that a long article does
not outvote what its headline says. Trials, workshops, contests, inspections,
twinning pacts and work-plan conferences without an emulation focus stay out.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

from ._data import load
from .article import layout
from .model import Article
from .normalize import fold_keep_length
from .text import Document

# Vietnamese is written with diacritics; text without any is not an article of the genre.
_VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


@lru_cache(maxsize=1)
def _config() -> dict:
    d = load("relevance.yml")
    return {
        "positive": [(re.compile(p), w) for p, w in d["positive"].items()],
        "negative": [(re.compile(p), w) for p, w in d["negative"].items()],
        "weights": d["weights"],
        "lead_chars": d["lead_chars"],
        "body_cap": d["body_cap"],
        "threshold": d["threshold"],
        "other_events": re.compile(d["headline_other_events"]),
        "emulation_events": re.compile(d["headline_emulation_events"]),
    }


def relevance_score(doc: Document, article: Article) -> float:
    cfg = _config()
    text = doc.text
    if not text.strip() or sum(1 for _ in islice(_VIETNAMESE.finditer(text, 0, 5000), 5)) < 5:
        return 0.0
    lay = layout(text, article.title, cfg["lead_chars"])
    title_f = fold_keep_length(article.title or "")
    folded = doc.folded
    lead_f = folded[lay.body_start:lay.lead_end]
    body_f = folded[lay.lead_end:lay.lead_end + 20000]
    w = cfg["weights"]

    def score(s: str) -> float:
        pos = sum(wt * len(rx.findall(s)) for rx, wt in cfg["positive"])
        neg = sum(wt * len(rx.findall(s)) for rx, wt in cfg["negative"])
        return pos - neg

    body = max(-cfg["body_cap"], min(cfg["body_cap"], w["body"] * score(body_f)))
    return w["title"] * score(title_f) + w["lead"] * score(lead_f) + body


def is_relevant(doc: Document, article: Article) -> bool:
    cfg = _config()
    headline = fold_keep_length(article.title or _first_line(doc.text))
    if cfg["other_events"].search(headline) and not cfg["emulation_events"].search(headline):
        return False  # the headline's event is a training, a workshop, a contest...: not emulation work
    return relevance_score(doc, article) >= cfg["threshold"]


def _first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")

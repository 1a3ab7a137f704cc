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
from typing import Optional

from . import scan
from ._data import load
from .article import Layout, layout
from .model import Article
from .normalize import fold_keep_length
from .text import Document

# Vietnamese is written with diacritics; text without any is not an article of the genre.
_VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


@lru_cache(maxsize=1)
def _config() -> dict:
    d = load("relevance.yml")
    return {
        "positive": [(re.compile(p), w, leading_words(p)) for p, w in d["positive"].items()],
        "negative": [(re.compile(p), w, leading_words(p)) for p, w in d["negative"].items()],
        "weights": d["weights"],
        "body_cap": d["body_cap"],
        "threshold": d["threshold"],
        "other_events": re.compile(d["headline_other_events"]),
        "emulation_events": re.compile(d["headline_emulation_events"]),
    }


def leading_words(pattern: str) -> Optional[tuple[str, ...]]:
    """The literal letters each top-level alternative of ``pattern`` begins with ("phien\\s+toa|xet\\s+xu"
    -> ("phien", "xet")), or None when an alternative begins otherwise (a group, a class)."""
    words = []
    for alt in scan.alternatives(pattern):
        run = re.match(r"[a-z]+", alt)
        word = run.group() if run else ""
        if run and alt[run.end():run.end() + 1] in ("?", "*", "{"):
            word = word[:-1]  # a quantifier makes the run's last letter optional
        if not word:
            return None
        words.append(word)
    return tuple(words)


def relevance_score(doc: Document, article: Article, lay: Optional[Layout] = None) -> float:
    """The balance of the article's cues: title and lead weighted most, the body's share capped."""
    return _score(doc, article, lay, None)


def _score(doc: Document, article: Article, lay: Optional[Layout], decide_at: Optional[float]) -> float:
    """The score; with ``decide_at``, the body (the longest part) is read only when the title and
    lead leave the comparison with it open: the body moves the score by at most ``body_cap``."""
    cfg = _config()
    text = doc.text
    if not text.strip() or sum(1 for _ in islice(_VIETNAMESE.finditer(text, 0, 5000), 5)) < 5:
        return 0.0
    lay = lay or layout(text, article.title)
    folded = doc.folded
    weights, cap = cfg["weights"], cfg["body_cap"]

    def count(cues, s: str) -> float:
        # a cue whose every alternative begins with a word absent from the text cannot match
        return sum(wt * len(rx.findall(s)) for rx, wt, words in cues
                   if words is None or any(w in s for w in words))

    def score(s: str) -> float:
        return count(cfg["positive"], s) - count(cfg["negative"], s)

    head = weights["title"] * score(fold_keep_length(article.title or "")) + \
        weights["lead"] * score(folded[lay.body_start:lay.lead_end])
    if decide_at is not None and (head - cap >= decide_at or head + cap < decide_at):
        return head  # on the same side of decide_at whatever the body says
    body = max(-cap, min(cap, weights["body"] * score(folded[lay.lead_end:lay.lead_end + 20000])))
    return head + body


def is_relevant(doc: Document, article: Article, lay: Optional[Layout] = None) -> bool:
    """``lay``: the article's :func:`~extract.article.layout` (computed here when not given)."""
    cfg = _config()
    headline = fold_keep_length(article.title or _first_line(doc.text))
    if cfg["other_events"].search(headline) and not cfg["emulation_events"].search(headline):
        return False  # the headline's event is a training, a workshop, a contest...: not emulation work
    return _score(doc, article, lay, cfg["threshold"]) >= cfg["threshold"]


def _first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")

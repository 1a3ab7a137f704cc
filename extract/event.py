"""The main event: type, date, period, online, cluster, scope."""
from __future__ import annotations

from typing import Optional

from .model import Article
from .text import Document


def find_event(doc: Document, article: Article, clusters: list[dict]) -> dict:
    return {"type": "khac", "date": None, "period": None, "online": False,
            "cluster": clusters[0]["name"] if clusters else None,
            "scope": clusters[0].get("scope") if clusters else None}


def article_year(doc: Document, article: Article, event: dict) -> Optional[int]:
    """The year the article speaks of: the event's, else the publication's."""
    for value in (event.get("date"), article.published):
        if value:
            return int(value[:4])
    return None

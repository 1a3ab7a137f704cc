"""Is this article emulation-and-commendation work? (stub: see issue 3)"""
from __future__ import annotations

from .model import Article
from .text import Document


def is_relevant(doc: Document, article: Article) -> bool:
    return "thi đua" in doc.text.lower()

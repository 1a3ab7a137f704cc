"""Cited documents: kind, number, date of issue."""
from __future__ import annotations

from .text import Document


def find_documents(doc: Document) -> list[dict]:
    return []

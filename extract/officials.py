"""Named officials with title, unit and role."""
from __future__ import annotations

from .text import Document


def find_officials(doc: Document, units: list[dict]) -> list[dict]:
    return []

"""Awards and titles conferred, proposed or voted, with recipients."""
from __future__ import annotations

from typing import Optional

from .text import Document


def find_awards(doc: Document, units: list[dict], year: Optional[int]) -> list[dict]:
    return []

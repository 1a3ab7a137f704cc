"""Cluster leadership by year: Cụm trưởng, Cụm phó, Khối trưởng, Khối phó."""
from __future__ import annotations

from typing import Optional

from .text import Document


def find_roles(doc: Document, units: list[dict], clusters: list[dict], year: Optional[int]) -> list[dict]:
    return []

"""Organisations by canonical name (the contract's spelling), from gazetteers in extract/data.

find_units returns mentions: {"name": canonical, "start": int, "end": int, "surface": str}.
"""
from __future__ import annotations

from .text import Document


def find_units(doc: Document) -> list[dict]:
    return []

"""Emulation clusters and blocks: "Cụm thi đua số 4", "Khối III", "Khối thi đua Nội chính".

find_clusters returns mentions: {"name": canonical, "scope": str|None, "start": int, "end": int}.
"""
from __future__ import annotations

from .text import Document


def find_clusters(doc: Document) -> list[dict]:
    return []

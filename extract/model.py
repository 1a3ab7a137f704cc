"""Plain data passed between extraction stages."""
from __future__ import annotations

from dataclasses import dataclass, field, asdict
from typing import Optional


@dataclass
class Evidence:
    """Where a fact was read: character offsets into the article text, and its sentence."""

    start: int
    end: int
    sentence: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Article:
    """The readable part of a page: what trafilatura (or site selectors) gives."""

    text: str
    title: Optional[str] = None
    published: Optional[str] = None  # YYYY-MM-DD
    author: Optional[str] = None
    url: Optional[str] = None
    source: Optional[str] = None  # the site's domain
    # Why the page yielded no article (empty, binary, no body...): recorded, never raised.
    skip_reason: Optional[str] = None
    extra: dict = field(default_factory=dict)

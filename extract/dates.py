"""Dates: publication stamps of the sites, and the day an event took place.

Patterns live in ``data/dates.yml``. They run on the accent-folded lower-case
text, whose offsets equal the article's (``text.fold_keep_length``).
"""
from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from typing import Optional

from ._data import load
from .normalize import fold_keep_length


@lru_cache(maxsize=1)
def _patterns() -> dict:
    d = load("dates.yml")
    return {
        "numeric": re.compile(d["numeric"]),
        "worded": re.compile(d["worded"]),
        "span": re.compile(d["span"]),
        "event_prefix": re.compile(d["event_prefix"]),
        "citation_before": re.compile(d["citation_before"]),
        "meta_words": tuple(d["meta_line_words"]),
        "published": [(re.compile(p["pattern"]), p["order"]) for p in d["published_formats"]],
        "url_date": re.compile(d["url_date"]),
    }


def make_date(year, month, day) -> Optional[str]:
    """ISO date, or None when the parts do not make a real day."""
    try:
        y, m, d = int(year), int(month), int(day)
        if y < 100:
            y += 2000 if y < 70 else 1900
        return _dt.date(y, m, d).isoformat()
    except (TypeError, ValueError):
        return None


def parse_published(value: Optional[str], date_format: Optional[str] = None) -> Optional[str]:
    """A site's publication stamp to ISO: "Cập nhật lúc 12:12, Thứ ba, 01/08/2023 (GMT+7)" -> 2023-08-01.

    ``date_format`` is an optional strptime hint from a site's config ("%m/%d/%Y").
    """
    if not value:
        return None
    value = " ".join(value.split())
    if date_format:
        for token in _candidates_for_format(value, date_format):
            try:
                return _dt.datetime.strptime(token, date_format).date().isoformat()
            except ValueError:
                continue
    folded = fold_keep_length(value)
    for rx, order in _patterns()["published"]:
        for m in rx.finditer(folded):
            iso = make_date(m.group("y"), m.group("m"), m.group("d"))
            if iso:
                return iso
    return None


def _candidates_for_format(value: str, date_format: str) -> list[str]:
    # Try the whole stamp, then every run of as many words as the format has.
    n = len(date_format.split())
    words = re.split(r"[\s,|()]+", value)
    out = [value]
    for i in range(len(words)):
        out.append(" ".join(words[i:i + n]))
    return out


def date_from_url(url: Optional[str]) -> Optional[str]:
    """WordPress permalinks carry the day: /2024/04/01/<slug>/."""
    if not url:
        return None
    m = _patterns()["url_date"].search(url)
    return make_date(m.group("y"), m.group("m"), m.group("d")) if m else None


def is_meta_line(line: str) -> bool:
    """A header/footer line holding a date stamp and little else ("30/11/2023 13:35", "( Cập nhật lúc: 07/02/2018 )")."""
    if len(line) > 120:
        return False
    folded = fold_keep_length(line).strip()
    if not folded or len(folded) > 90:
        return False
    if not (_patterns()["numeric"].search(folded) or _patterns()["worded"].search(folded)
            or re.search(r"\d{4}-\d{2}", folded)):
        return False
    rest = _patterns()["numeric"].sub(" ", folded)
    rest = _patterns()["worded"].sub(" ", rest)
    rest = re.sub(r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:am|pm)?|gmt\s*\+\s*\d+|\d+", " ", rest)
    for w in _patterns()["meta_words"]:
        rest = rest.replace(w, " ")
    rest = re.sub(r"\b(?:ngay|thang|nam|luc|date|tin|bai|-|\|)\b", " ", rest)
    rest = re.sub(r"[\W_]+", " ", rest).strip()
    return len(rest) <= 12 and folded != rest


def published_in_header(text: str, max_lines: int = 12) -> Optional[str]:
    """The publication stamp among the first lines of a page's text, if any.

    A page may show today's date above the title and the post date under it;
    the later stamp (nearer the body) wins.
    """
    found = None
    for i, line in enumerate(text.splitlines()):
        if i >= max_lines:
            break
        if line.strip() and is_meta_line(line):
            iso = parse_published(line)
            if iso:
                found = iso
    return found


def find_dates(text: str, folded: Optional[str] = None, start: int = 0, end: Optional[int] = None):
    """All day expressions: dicts {start, end, day, month, year|None, prefix} (offsets into text)."""
    folded = folded if folded is not None else fold_keep_length(text)
    end = len(folded) if end is None else end
    p = _patterns()
    out = []
    for rx in (p["worded"], p["span"], p["numeric"]):
        for m in rx.finditer(folded, start, end):
            d, mo, y = int(m.group("d")), int(m.group("m")), m.group("y")
            if not (1 <= d <= 31 and 1 <= mo <= 12):
                continue
            if y and len(y) == 2:
                y = str(2000 + int(y))
            before = folded[max(0, m.start() - 40):m.start()]
            pm = p["event_prefix"].search(before)
            out.append({
                "start": m.start() - (len(pm.group()) if pm else 0),
                "date_start": m.start(),
                "end": m.end(),
                "day": d, "month": mo, "year": int(y) if y else None,
                "part": pm.group("part") if pm else None,
                "ngay": bool(pm and (pm.group("ngay") or "ngay" in pm.group())) or m.re is p["worded"] or m.re is p["span"],
                "citation": bool(p["citation_before"].search(before)),
            })
    out.sort(key=lambda c: c["date_start"])
    # a worded date and a numeric one never overlap; drop exact duplicates anyway
    dedup, last = [], -1
    for c in out:
        if c["date_start"] >= last:
            dedup.append(c)
            last = c["end"]
    return dedup


def resolve_year(day: int, month: int, year: Optional[int], ref: Optional[str], ref_year: Optional[int]) -> Optional[str]:
    """Complete a partial date with the article's year.

    ``ref`` is the publication date: an event in December reported in January
    belongs to the year before.
    """
    if year:
        return make_date(year, month, day)
    if ref:
        ry, rm = int(ref[:4]), int(ref[5:7])
        y = ry - 1 if month > rm + 1 else ry
        return make_date(y, month, day)
    if ref_year:
        return make_date(ref_year, month, day)
    return None


def event_date(text: str, folded: str, lines_meta: set, ref: Optional[str], ref_year: Optional[int],
               start: int = 0, end: Optional[int] = None) -> Optional[tuple[str, int, int]]:
    """The first date in [start, end) written the way the genre dates its event.

    "Ngày 30/6/2020, ...", "chiều ngày 21/02/2020 ...", "diễn ra chiều 14/1": a
    day-part or "ngày" before the date. Issue dates of cited documents and
    stamps on metadata lines are skipped.
    """
    for c in find_dates(text, folded, start, end):
        if c["citation"] or not (c["part"] or c["ngay"]):
            continue
        line_start = text.rfind("\n", 0, c["date_start"]) + 1
        if line_start in lines_meta:
            continue
        iso = resolve_year(c["day"], c["month"], c["year"], ref, ref_year)
        if iso:
            return iso, c["start"], c["end"]
    return None

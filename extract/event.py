"""The main event: type, date, period, online, cluster, scope.

The title and the lead say what the article reports; the rest of the body often
recalls other events (last year's review, the pact signed in spring), so it only
breaks ties. Vocabulary in ``data/event_types.yml``; dates in :mod:`extract.dates`.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import Optional

from . import dates
from ._data import load
from .article import Layout, layout
from .model import Article
from .normalize import fold_keep_length
from .text import Document

_YEAR = re.compile(r"\bnam\s+((?:19|20)\d\d)\b")
_WHOLE_YEAR = re.compile(r"năm\s+((?:19|20)\d\d)")


@lru_cache(maxsize=1)
def _patterns() -> dict:
    d = load("event_types.yml")
    return {
        # "other" events plain enough for the lead come last: ties at one place go to the named kinds
        "types": [(t, re.compile("|".join(f"(?:{c})" for c in cues))) for t, cues in d["types"].items()]
        + [("khac_lead", re.compile("|".join(f"(?:{c})" for c in d["other_events"])))],
        "guidance": re.compile(d["guidance_lead"]),
        "period": re.compile(d["period"]),
        "online": re.compile(d["online"]),
    }


def find_event(doc: Document, article: Article, clusters: list[dict], lay: Optional[Layout] = None) -> dict:
    """The event the article reports; ``lay`` is the article's :func:`~extract.article.layout`
    (computed here when not given)."""
    text, folded = doc.text, doc.folded
    lay = lay or layout(text, article.title)
    title_f = fold_keep_length(article.title or "")
    lead = (lay.body_start, lay.lead_end)

    etype, cue = _event_type(title_f, folded, lead)
    period = _period(title_f, article.title or "", doc, lead, cue)
    ref_year = _year_of(period) or _common_year(title_f + " " + folded[lead[0]:lead[1]])
    found = dates.event_date(text, folded, lay.meta_lines, article.published, ref_year,
                             lay.body_start, min(len(text), lay.body_start + 1500))
    if found and not article.published and etype == "tong_ket" and _WHOLE_YEAR.fullmatch(period or "") \
            and int(found[0][5:7]) <= 3 and not re.search(r"\d{4}", text[found[1]:found[2]]):
        # a year's review is held at its end or early the next year: "Ngày 23/1 ... tổng kết năm 2025" is 2026
        reviewed = int(_WHOLE_YEAR.fullmatch(period).group(1))
        if int(found[0][:4]) == reviewed:
            found = (f"{reviewed + 1}{found[0][4:]}",) + tuple(found[1:])
    # "trực tuyến" / "điểm cầu" in the title or the opening paragraphs: how the event was held
    online = bool(_patterns()["online"].search(title_f) or
                  _patterns()["online"].search(folded, lay.body_start, lay.body_start + 1200))
    main = main_cluster(doc, article, clusters, lay)
    evidence = None
    if cue is not None:
        evidence = doc.evidence(*cue).as_dict()
    elif found:
        evidence = doc.evidence(found[1], found[2]).as_dict()
    return {"type": etype, "date": found[0] if found else None, "period": period, "online": online,
            "cluster": main["name"] if main else None, "scope": _scope_of(main, clusters),
            "evidence": evidence}


# Title types that yield to a review named in the lead (the same conference reviews first).
_REVIEW_FIRST = ("khac", "trien_khai", "phat_dong")


def _lead_review(types, folded: str, lead: tuple[int, int]):
    """A review (tổng kết, sơ kết) the lead's first sentence names: (type, cue span), or None."""
    end = folded.find(".", lead[0], lead[1])
    end = lead[1] if end == -1 else end
    hits = [(m.start(), t, m.end()) for t, rx in types if t in ("tong_ket", "so_ket")
            for m in [rx.search(folded, lead[0], end)] if m]
    if not hits:
        return None
    start, t, stop = min(hits)
    return t, (start, stop)


def _event_type(title_f: str, folded: str, lead: tuple[int, int]):
    """(type, cue span in the text or None). Title first, then the lead's earliest cue, then counts."""
    types = _patterns()["types"]
    in_title = []
    for rank, (t, rx) in enumerate(types):
        m = rx.search(title_f)
        if m:
            in_title.append((m.start(), rank, t))
    in_title = [(pos, rank, "khac" if t == "khac_lead" else t) for pos, rank, t in in_title]
    if in_title:
        # The title's first event wins ("tổng kết năm 2023 và ký kết giao ước năm 2024" is a review),
        # except that a pact outranks the launch that comes with it, and an election is
        # "other" only when the title names no other event.
        names = {t for _, _, t in in_title}
        drop = {"khac"} | ({"phat_dong"} if "ky_giao_uoc" in names else set())
        events = sorted(x for x in in_title if x[2] not in drop) or in_title
        review = _lead_review(types, folded, lead)
        if review and events[0][2] in _REVIEW_FIRST:
            # "triển khai nhiệm vụ năm 2026" over a lead that "tổ chức tổng kết ..., triển khai ...":
            # one conference that reviews and plans (or launches) is a review first
            return review
        return events[0][2], None
    lead_text = folded[lead[0]:lead[1]]
    if not title_f and _patterns()["guidance"].match(lead_text.lstrip()):
        return "khac", None
    best = None
    for rank, (t, rx) in enumerate(types):
        m = rx.search(folded, lead[0], lead[1])
        if m and t != "khac" and (best is None or (m.start(), rank) < (best[1], best[3])):
            best = (t, m.start(), m.end(), rank)
    if best:
        review = _lead_review(types, folded, lead)
        if review and best[0] in _REVIEW_FIRST + ("khac_lead",):
            return review
        return ("khac" if best[0] == "khac_lead" else best[0]), (best[1], best[2])
    counts = Counter()
    first = {}
    for rank, (t, rx) in enumerate(types):
        for m in rx.finditer(folded):
            counts[t] += 1
            first.setdefault(t, (m.start(), m.end()))
    if counts:
        t = max(counts, key=lambda k: (counts[k], -[x for x, _ in types].index(k)))
        return ("khac" if t == "khac_lead" else t), first[t]
    return "khac", None


def _period(title_f: str, title: str, doc: Document, lead: tuple[int, int], cue) -> Optional[str]:
    """The period as written: in the title, else right after the event cue, else in the lead."""
    rx = _patterns()["period"]
    if cue:  # the period the event's own cue names ("tổng kết ... năm 2024, triển khai ... năm 2025")
        m = rx.search(doc.folded, cue[0], min(len(doc.text), cue[1] + 150))
        if m:
            written = " ".join(doc.text[m.start():m.end()].split())
            return written[0].lower() + written[1:]
    m = rx.search(title_f)
    if m:
        return " ".join(title[m.start():m.end()].split())
    spans = []
    spans.append(lead)
    spans.append((lead[0], min(len(doc.text), lead[0] + 3000)))
    for s, e in spans:
        m = rx.search(doc.folded, s, e)
        if m:
            written = " ".join(doc.text[m.start():m.end()].split())
            # "Năm 2024, ..." opening a sentence is still the period "năm 2024"
            return written[0].lower() + written[1:]
    return None


def _year_of(period: Optional[str]) -> Optional[int]:
    if not period:
        return None
    years = re.findall(r"(?:19|20)\d\d", period)
    return int(years[0]) if years else None


def _common_year(folded: str) -> Optional[int]:
    years = Counter(_YEAR.findall(folded))
    return int(years.most_common(1)[0][0]) if years else None


def main_cluster(doc: Document, article: Article, clusters: list[dict], lay=None) -> Optional[dict]:
    """The cluster the event is about: named in the title, else the lead's first, else the most cited."""
    if not clusters:
        return None
    lay = lay or layout(doc.text, article.title)
    if article.title:
        from .clusters import find_clusters

        in_title = find_clusters(Document(article.title))
        if in_title:
            name = in_title[0]["name"]
            return next((c for c in clusters if c["name"] == name), in_title[0])
    counts = Counter(c["name"] for c in clusters)
    in_lead = [c for c in clusters if lay.body_start <= c["start"] < lay.lead_end]
    top = counts.most_common(2)
    if not in_lead and len(top) == 2 and top[0][1] == top[1][1]:
        # several clusters cited alike and none in the title or the lead: an event of the
        # whole sector that organises them ("kiện toàn các Cụm, Khối thi đua"), not of one
        return None
    if in_lead:
        top = in_lead[0]
        # a cluster cited once in passing in the lead loses to one the article is about
        best = max(counts, key=lambda n: counts[n])
        if counts[best] >= 3 * counts[top["name"]]:
            return next(c for c in clusters if c["name"] == best)
        return top
    best = max(counts, key=lambda n: (counts[n], -min(c["start"] for c in clusters if c["name"] == n)))
    if all(not doc.text[c["start"]:c["start"] + 1].isupper() for c in clusters if c["name"] == best):
        # a cluster named only in passing, in lower case, in the body and never in the title or
        # the lead ("các cơ quan khác trong khối nội chính"): the article's event is not its
        return None
    return next(c for c in clusters if c["name"] == best)


def _scope_of(main: Optional[dict], clusters: list[dict]) -> Optional[str]:
    if not main:
        return None
    if main.get("scope"):
        return main["scope"]
    scopes = Counter(c["scope"] for c in clusters if c["name"] == main["name"] and c.get("scope"))
    return scopes.most_common(1)[0][0] if scopes else None


def role_years(event: dict, year: Optional[int]) -> tuple[Optional[int], Optional[int]]:
    """The years of a cluster's roles when the article does not say: (held, elected). A year's
    review ("tổng kết năm 2025", held in March 2026) is led by that year's leader and elects the
    next year's; another event's roles are of its own year."""
    if event.get("type") == "tong_ket":
        whole = _WHOLE_YEAR.fullmatch(event.get("period") or "")
        if whole:
            return int(whole.group(1)), int(whole.group(1)) + 1
    return year, year


def article_year(doc: Document, article: Article, event: dict) -> Optional[int]:
    """The year the article speaks of: the event's, else the period's, else the publication's."""
    if event.get("date"):
        return int(event["date"][:4])
    year = _year_of(event.get("period"))
    if year:
        return year
    if article.published:
        return int(article.published[:4])
    return _common_year(doc.folded[:3000])

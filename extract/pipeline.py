"""The extraction pipeline: Article -> event record (the contract's format).

Each stage is a plain function over the :class:`~extract.text.Document` and takes the
earlier stages' facts as arguments: the unit mentions and the phrases (titles, party posts)
are read once and handed to officials, awards and roles; clusters to the event and roles.
"""
from __future__ import annotations

from typing import Callable, Optional

from . import awards, clusters, documents, event, gazetteer, officials, relevance, roles, units
from .inputs import PAGE_SECONDS, OverBudget, TooLarge, time_budget
from .article import layout
from .model import Article
from .record import make_record
from .text import Document


# Loading the vocabularies, gazetteers and language models on the first article costs seconds: a
# process pays it once, on this made-up article, before its first page's budget starts.
_WARM_UP = Article(text="Ngày 15/12/2023, Cụm thi đua số 1 tổ chức hội nghị tổng kết công tác thi đua, khen "
                        "thưởng năm 2023. Đồng chí Nguyễn Văn An, Viện trưởng Viện kiểm sát nhân dân tỉnh Bắc "
                        "Giang, Cụm trưởng, chủ trì hội nghị và trao Bằng khen cho tập thể theo Chỉ thị số "
                        "01/CT-VKSTC.", title="Cụm thi đua số 1 tổng kết năm 2023")
_warm = False


def extract_bounded(read: Callable[[], Article], record_id: str, seconds: Optional[float] = PAGE_SECONDS,
                    url: Optional[str] = None) -> dict:
    """``extract_record(read(), record_id)`` within a time budget: a page over it, or over the size cap
    (``read`` raises TooLarge), gives a record with its skip reason instead, and the caller goes on.
    The process's first call warms the extractor up first, outside the budget."""
    global _warm
    if seconds and not _warm:
        extract_record(_WARM_UP, "warm-up")
        _warm = True
    try:
        with time_budget(seconds):
            return extract_record(read(), record_id)
    except (TooLarge, OverBudget) as exc:
        return make_record(record_id, Article(text="", url=url, skip_reason=str(exc)), relevant=False)


def extract_record(article: Article, record_id: str) -> dict:
    """Extract one event record (a dict in the contract's format, with evidence)."""
    doc = Document(article.text or "")
    if article.skip_reason or not doc.text.strip():
        return make_record(record_id, article, relevant=False, text=doc.text)
    lay = layout(doc.text, article.title)
    if not relevance.is_relevant(doc, article, lay):
        return make_record(record_id, article, relevant=False, text=doc.text)
    found_clusters = clusters.find_clusters(doc)
    ev = event.find_event(doc, article, found_clusters, lay)
    year = event.article_year(doc, article, ev)
    mentions = units.read_mentions(doc)
    phrases = gazetteer.find_phrases(doc)
    found_officials = officials.find_officials(doc, mentions, phrases)
    found_roles = roles.find_roles(doc, mentions, found_clusters, *event.role_years(ev, year))
    return make_record(
        record_id,
        article,
        relevant=True,
        event=ev,
        units=units.find_units(doc, mentions, frozenset(r["unit"] for r in found_roles)),
        officials=found_officials,
        awards=awards.find_awards(doc, mentions, phrases, year, found_officials),
        roles=found_roles,
        documents=documents.find_documents(doc),
        text=doc.text,
    )

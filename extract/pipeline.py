"""The extraction pipeline: Article -> event record (the contract's format).

Each stage is a plain function over the :class:`~extract.text.Document` and takes the
earlier stages' facts as arguments: the unit mentions and the phrases (titles, party posts)
are read once and handed to officials, awards and roles; clusters to the event and roles.
"""
from __future__ import annotations

from . import awards, clusters, documents, event, gazetteer, officials, relevance, roles, units
from .model import Article
from .record import make_record
from .text import Document


def extract_record(article: Article, record_id: str) -> dict:
    """Extract one event record (a dict in the contract's format, with evidence)."""
    doc = Document(article.text or "")
    if article.skip_reason or not doc.text.strip():
        return make_record(record_id, article, relevant=False, text=doc.text)
    if not relevance.is_relevant(doc, article):
        return make_record(record_id, article, relevant=False, text=doc.text)
    found_clusters = clusters.find_clusters(doc)
    ev = event.find_event(doc, article, found_clusters)
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

"""Assemble and serialise event records in the public contract's format.

The contract (docs/EVENT_RECORD.md) fixes the keys; fields the article does not
give are ``null`` or ``[]``. Facts keep their ``evidence`` unless the caller
strips it.
"""
from __future__ import annotations

import json
import unicodedata
from typing import Optional

from .model import Article

EVENT_KEYS = ("type", "date", "period", "online", "cluster", "scope")
# Keys the knowledge base reads but the public contract does not carry:
# the article text (evidence offsets point into it) and every unit mention.
INTERNAL_KEYS = ("text", "unit_mentions")


def empty_event() -> dict:
    return {"type": None, "date": None, "period": None, "online": False, "cluster": None, "scope": None}


def make_record(
    record_id: str,
    article: Article,
    *,
    relevant: bool,
    event: Optional[dict] = None,
    units: Optional[list] = None,
    officials: Optional[list] = None,
    awards: Optional[list] = None,
    roles: Optional[list] = None,
    documents: Optional[list] = None,
    text: Optional[str] = None,
) -> dict:
    ev = empty_event()
    if event:
        ev.update({k: event.get(k) for k in EVENT_KEYS if k in event})
        if event.get("evidence"):
            ev["evidence"] = event["evidence"]
    return {
        "id": record_id,
        "url": article.url,
        "title": article.title,
        "source": article.source,
        "published": article.published,
        "author": article.author,
        "relevant": bool(relevant),
        "event": ev,
        # Units arrive as mentions; the record lists each canonical name once.
        "units": _unique_names(units or []),
        "unit_mentions": [u for u in (units or [])],
        "officials": officials or [],
        "awards": awards or [],
        "roles": roles or [],
        "documents": documents or [],
        "text": text if text is not None else article.text,
        **({"skipped": article.skip_reason} if article.skip_reason else {}),
    }


def _unique_names(mentions: list) -> list[str]:
    seen, out = set(), []
    for m in mentions:
        name = m["name"] if isinstance(m, dict) else m
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def public(record: dict) -> dict:
    """The record as the contract has it: internal keys left out."""
    return {k: v for k, v in record.items() if k not in INTERNAL_KEYS}


def strip_evidence(record: dict) -> dict:
    """The record without evidence and internal keys (the bare contract)."""
    out = public(record)
    out["event"] = {k: v for k, v in record["event"].items() if k != "evidence"}
    for key in ("officials", "awards", "roles", "documents"):
        out[key] = [{k: v for k, v in item.items() if k != "evidence"} for item in record.get(key, [])]
    return out


def to_json_line(record: dict, evidence: bool = True) -> str:
    rec = public(record) if evidence else strip_evidence(record)
    return unicodedata.normalize("NFC", json.dumps(rec, ensure_ascii=False))

"""Folding and matching keys for the knowledge base: :mod:`extract.normalize`, the project's one
normalisation module, with ``None`` passed through (database cells may be NULL).

FTS5's ``remove_diacritics 2`` strips tone marks but never turns đ into d, so "thi dua" would not
find "thi đua": the knowledge base stores a folded copy of the text and folds queries the same way.
"""
from __future__ import annotations

from extract import normalize
from extract.normalize import fold_key, nfc

__all__ = ["fold", "fold_key", "nfc"]


def fold(text: str | None) -> str | None:
    """Lower case, no diacritics, đ -> d: "Thi đua Bắc Giang" -> "thi dua bac giang"."""
    return None if text is None else normalize.fold(str(text))

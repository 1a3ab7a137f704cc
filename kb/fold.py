"""Accent folding for search and matching keys.

FTS5's ``remove_diacritics 2`` strips tone marks but never turns đ into d, so
"thi dua" would not find "thi đua". We store a folded copy of the text instead
and fold the query side the same way.
"""
from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def nfc(text: str | None) -> str | None:
    """Unicode NFC with runs of whitespace collapsed (how every name is stored)."""
    if text is None:
        return None
    # str.split() splits on exactly the characters regex \s matches, several times faster
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


def fold(text: str | None) -> str | None:
    """Lower case, no diacritics, đ -> d: "Thi đua Bắc Giang" -> "thi dua bac giang"."""
    if text is None:
        return None
    text = str(text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped).lower()


def fold_key(text: str | None) -> str:
    """A matching key: folded, punctuation dropped, single spaces ("Bà Rịa - Vũng Tàu" -> "ba ria vung tau")."""
    return _NON_WORD.sub(" ", fold(text or "")).strip()

"""The one place that normalises text: NFC and spaces, accent folding, matching keys.

Used by the extractor (:mod:`extract.text`, the gazetteers), the knowledge base (:mod:`kb.fold`
re-exports it for search and resolution), the Datasette plugin and :mod:`extract.evaluate`.
SQLite's FTS5 ``remove_diacritics 2`` strips tone marks but never turns đ into d, so every
folded column and query goes through :func:`fold`.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Optional

_HORIZONTAL_SPACE = re.compile(r"[ \t\f\v]{2,}|[\t\f\v]")
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalize(text: str) -> str:
    """NFC, unified spaces and line ends; offsets are into this form."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u200b", "")
    # Runs of spaces and tabs are one space: a phrase ("Phó  Viện trưởng") is one phrase
    # however it was typed, and every offset points into this text anyway.
    if "  " in text or "\t" in text or "\f" in text or "\v" in text:  # (the regex is slow; mostly nothing to do)
        text = _HORIZONTAL_SPACE.sub(" ", text)
    return text


def fold(text: str) -> str:
    """Accent- and case-insensitive key: "Đồng Tháp" -> "dong thap" (đ folded too)."""
    # Names and words are folded again and again (every mention of a province, a title, a body):
    # short strings are remembered.
    return _fold_short(text) if len(text) <= 80 else _fold(text)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", text.replace("đ", "d").replace("Đ", "D")).lower()


_fold_short = lru_cache(maxsize=1 << 16)(_fold)


def _fold_table() -> dict[int, str]:
    # Every precomposed Latin letter Vietnamese uses, mapped to its bare lower-case base.
    table = {}
    for code in list(range(0x41, 0x5B)) + list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(code)
        base = unicodedata.normalize("NFD", ch)[0]
        if base in "đĐ":
            base = "d"
        low = base.lower()
        if len(low) == 1 and low != ch:
            table[code] = low
    table[ord("Đ")] = table[ord("đ")] = "d"
    return table


_FOLD_TABLE = _fold_table()


def fold_keep_length(text: str) -> str:
    """Like :func:`fold` but one output character per input character (offsets stay valid)."""
    return text.translate(_FOLD_TABLE)




def nfc(text: Optional[str]) -> Optional[str]:
    """Unicode NFC with runs of whitespace collapsed (how every name is stored)."""
    if text is None:
        return None
    # str.split() splits on exactly the characters regex \s matches, several times faster
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


def fold_key(text: Optional[str]) -> str:
    """A matching key: folded, punctuation dropped, single spaces ("Bà Rịa - Vũng Tàu" -> "ba ria vung tau")."""
    return _NON_WORD.sub(" ", fold(str(text or ""))).strip()

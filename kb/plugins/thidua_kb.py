"""Datasette plugin for the knowledge base (loaded with --plugins-dir / plugins_dir).

- SQL function ``fold(text)``: lower case, no diacritics, đ -> d (the same folding
  as the ``*_folded`` columns), so canned queries fold their parameters.
- SQL function ``fts_terms(text)``: a folded FTS5 query of quoted terms
  ("Bắc Giang" -> '"bac" "giang"'): every word must occur, any column, any accent.
- SQL function ``has_words(text, query)``: every word of the query is a word of
  the text, folded ("cum 4" matches "Cụm thi đua số 4", not "Cụm thi đua số 14").
- ``evidence_sentence`` cells show the sentence with the fact (``evidence_text``)
  in <mark>; ``snippet`` cells keep only the <mark> tags of FTS5 snippet().
"""
from __future__ import annotations

import re

from datasette import hookimpl
from markupsafe import Markup, escape

from kb.fold import fold


def fts_terms(text):
    words = re.findall(r"\w+", fold(text or ""))
    return " ".join(f'"{w}"' for w in words) or '""'


def has_words(text, query):
    """1 when every word of the query is a word of the text, accents optional ("cum 4" ~ "Cụm thi đua số 4")."""
    wanted = re.findall(r"\w+", fold(query or ""))
    words = set(re.findall(r"\w+", fold(text or "")))
    return int(all(w in words for w in wanted))


@hookimpl
def prepare_connection(conn):
    conn.create_function("fold", 1, fold, deterministic=True)
    conn.create_function("fts_terms", 1, fts_terms, deterministic=True)
    conn.create_function("has_words", 2, has_words, deterministic=True)


def highlight(sentence: str, fact: str | None) -> Markup:
    """The sentence, escaped, with the first occurrence of the fact marked."""
    at = sentence.find(fact) if fact else -1
    if at < 0:
        return Markup(escape(sentence))
    end = at + len(fact)
    return Markup("{}<mark>{}</mark>{}").format(sentence[:at], sentence[at:end], sentence[end:])


@hookimpl
def render_cell(row, value, column):
    if not isinstance(value, str):
        return None
    if column == "evidence_sentence":
        keys = row.keys() if hasattr(row, "keys") else []
        return highlight(value, row["evidence_text"] if "evidence_text" in keys else None)
    if column == "snippet":
        escaped = str(escape(value))
        return Markup(escaped.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))
    return None

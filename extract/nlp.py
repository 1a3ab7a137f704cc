"""spaCy over the article: one document-level Doc for the gazetteers, underthesea where regexes are unsure.

Two layers share one vocabulary (``spacy.blank("xx")``: language-neutral; the "vi" class
would need pyvi):

* :func:`document_doc` — the whole article as a ``Doc`` of syllable tokens (a word run or
  one punctuation mark), cheap to build (no tagging). Its text is exactly the article's, so
  a ``Span``'s ``start_char``/``end_char`` are evidence offsets. Each token's NORM is its
  accent- and case-folded form (``"Viện" -> "vien"``, set once per lexeme), so a
  :class:`~spacy.matcher.PhraseMatcher` with ``attr="NORM"`` (:func:`phrase_matcher`)
  matches "Phó Viện trưởng", "phó viện trưởng" and "Pho Vien truong" alike.
  :class:`extract.text.Document` caches it as ``doc.spacy_doc``; the gazetteers built on
  it are in :mod:`extract.gazetteer`.
* :func:`sentence_doc` — underthesea segments one sentence into words and tags proper
  nouns ``Np``; a ``Matcher`` finds runs of proper nouns as spans with character offsets.
  Tagging costs a few ms per sentence, so callers ask only about the sentences that need
  it (a capitalised run after a title that does not begin with a known family name);
  results are cached per sentence. underthesea's ``ner`` is not used: it tags officials'
  names as locations.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Optional

from .normalize import fold_keep_length


@lru_cache(maxsize=1)
def _pipeline():
    import spacy
    from spacy.matcher import Matcher

    nlp = spacy.blank("xx")
    matcher = Matcher(nlp.vocab)
    matcher.add("PROPER", [[{"TAG": "Np", "OP": "+"}]], greedy="LONGEST")
    return nlp, matcher


# A syllable or one punctuation mark, with the single space after it; or a run of other
# whitespace (a line break, a second space), which spaCy keeps as a token of its own.
# Finer than word tokens: "trưởng/Chánh" and "Phó-Viện" are two syllables here,
# so every word boundary of the text (regex ``\b``) is a token boundary.
_PIECE = re.compile(r"(\w+|[^\w\s])( ?)|(\s+)")
_NORMED: set[str] = set()  # lexemes whose NORM is already the folded form


def document_doc(text: str):
    """``text`` as a spaCy Doc of syllables whose NORM is folded; ``doc.text == text``."""
    from spacy.tokens import Doc

    vocab = _pipeline()[0].vocab
    pieces = _PIECE.findall(text)
    words = [gap or word for word, _, gap in pieces]
    spaces = [space == " " for _, space, _ in pieces]
    for word in set(words).difference(_NORMED):  # new words only: a lexeme keeps its NORM
        vocab[word].norm_ = fold_keep_length(word)
        _NORMED.add(word)
    return Doc(vocab, words=words, spaces=spaces)


def phrase_matcher(phrases: dict[str, Iterable[str]]):
    """A PhraseMatcher on folded NORM: label -> phrases as written in extract/data."""
    from spacy.matcher import PhraseMatcher

    nlp, _ = _pipeline()
    matcher = PhraseMatcher(nlp.vocab, attr="NORM")
    for label, items in phrases.items():
        matcher.add(label, [document_doc(p) for p in dict.fromkeys(items)])
    return matcher


def sentence_doc(text: str):
    """A spaCy Doc of underthesea's words for ``text``, with each word's tag; None if unavailable."""
    try:
        from underthesea import pos_tag
        from spacy.tokens import Doc
    except Exception:  # pragma: no cover - both are project dependencies
        return None
    nlp, _ = _pipeline()
    tagged = pos_tag(text)
    words, spaces, tags = [], [], []
    pos = 0
    for word, tag in tagged:
        at = text.find(word, pos)
        if at == -1:
            continue
        if words:
            spaces[-1] = at > pos
        words.append(word)
        spaces.append(False)
        tags.append(tag)
        pos = at + len(word)
    if not words:
        return None
    if pos < len(text) and text[pos:pos + 1].isspace():
        spaces[-1] = True
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    for tok, tag in zip(doc, tags):
        tok.tag_ = tag
    return doc


@lru_cache(maxsize=2048)
def proper_noun_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Character spans of proper-noun runs in ``text`` (underthesea ``Np`` words)."""
    if not text.strip() or len(text) > 2000:
        return ()
    doc = sentence_doc(text)
    if doc is None:
        return ()
    _, matcher = _pipeline()
    return tuple((doc[s:e].start_char, doc[s:e].end_char) for _, s, e in matcher(doc))


def is_proper_noun(text: str, start: int, end: int) -> Optional[bool]:
    """Whether ``text[start:end]`` lies inside one proper-noun run of ``text``."""
    return any(s <= start and end <= e for s, e in proper_noun_spans(text))

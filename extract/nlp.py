"""A small spaCy pipeline over underthesea's words, used only where regexes are unsure.

underthesea segments Vietnamese into words and tags proper nouns ``Np``; spaCy holds the
result as a ``Doc`` (``spacy.blank("xx")``: a language-neutral vocabulary; the "vi"
language class would need pyvi) and a ``Matcher`` finds runs of proper nouns as spans
with character offsets. Tagging costs a few ms per sentence, so callers ask only about
the sentences that need it (a capitalised run after a title that does not begin with a
known family name); results are cached per sentence. underthesea's ``ner`` is not used:
it tags officials' names as locations.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional


@lru_cache(maxsize=1)
def _pipeline():
    import spacy
    from spacy.matcher import Matcher

    nlp = spacy.blank("xx")
    matcher = Matcher(nlp.vocab)
    matcher.add("PROPER", [[{"TAG": "Np", "OP": "+"}]], greedy="LONGEST")
    return nlp, matcher


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

"""The article text as a document: sentences with offsets, folding, and tokens.

Every fact carries :class:`~extract.model.Evidence` built here, so offsets always
point into the same NFC-normalised text that the record was extracted from.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property

from .model import Evidence
from .normalize import fold_keep_length, normalize

# Abbreviations that end with a dot but do not end a sentence ("TP. Hồ Chí Minh").
_NO_BREAK_BEFORE = re.compile(r"(?:\b(?:TP|Tp|tp|ThS|TS|PGS|GS|Q|P|TT|Th\.S|Đ/c|đ/c|St|Mr|Ms|Dr)|\b[A-ZĐ])\.$")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“(\-–]*[A-ZĐÀ-Ỹ0-9])")


# The longest evidence sentence kept whole; longer ones are cut around the fact.
EVIDENCE_CHARS = 400


# underthesea splits at every '.', '?' or '!' (bar numbers and abbreviations) and keeps a run of
# them with its sentence: a line without one before its final run is one sentence as it stands.
_INNER_END = re.compile(r"[.?!](?![.?!]*\s*$)")


def _split_sentences(line: str):
    """underthesea's sentence splitter (offline), or None if unavailable. A line it could not split
    is returned whole without calling it: most lines of an article are one sentence, and its
    character loop is the costliest part of building a Document."""
    if not _INNER_END.search(line):
        return [line.strip()] if line.strip() else []
    try:
        from underthesea import sent_tokenize
    except ImportError:  # pragma: no cover - a project dependency
        return None
    return sent_tokenize(line)


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


class Document:
    """Text plus sentence boundaries. Cheap to build; heavier views are lazy."""

    def __init__(self, text: str):
        self.text = normalize(text)

    @cached_property
    def sentences(self) -> list[Sentence]:
        """Each line (a paragraph) split into sentences by underthesea's ``sent_tokenize``,
        with offsets into the text; our own splitter where underthesea is unavailable."""
        out: list[Sentence] = []
        for line in re.finditer(r"[^\n]+", self.text):
            base = line.start()
            chunk = line.group()
            pieces = _split_sentences(chunk)
            if pieces is None:
                pos = 0
                for m in _SENTENCE_END.finditer(chunk):
                    head = chunk[pos:m.start()].rstrip()
                    if _NO_BREAK_BEFORE.search(head):
                        continue
                    self._add(out, base + pos, base + m.start())
                    pos = m.end()
                self._add(out, base + pos, base + len(chunk))
                continue
            pos = 0
            for piece in pieces:
                at = chunk.find(piece, pos)
                if at == -1:  # underthesea rewrote the text: the rest of the line is one sentence
                    break
                self._add(out, base + at, base + at + len(piece))
                pos = at + len(piece)
            if pos < len(chunk):
                self._add(out, base + pos, base + len(chunk))
        return out

    def _add(self, out: list[Sentence], start: int, end: int) -> None:
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        if end > start:
            out.append(Sentence(start, end, self.text[start:end]))

    @cached_property
    def folded(self) -> str:
        """Same length as ``text``: search folded, report offsets in the original."""
        return fold_keep_length(self.text)

    @cached_property
    def spacy_doc(self):
        """The whole text as one spaCy Doc of syllables, NORM folded (:func:`extract.nlp.document_doc`)."""
        from .nlp import document_doc
        return document_doc(self.text)

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence holding ``offset`` (bisection: facts are many, sentences sorted)."""
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i >= 0 and offset < self.sentences[i].end:
            return self.sentences[i]
        return None

    def evidence(self, start: int, end: int) -> Evidence:
        """The fact's offsets and its sentence; a sentence over ``EVIDENCE_CHARS`` (a list, a line
        without punctuation) is cut at word boundaries around the fact, the fact centred."""
        s = self.sentence_at(start)
        if s is None:
            return Evidence(start=start, end=end, sentence=self.text[start:end])
        if len(s.text) <= EVIDENCE_CHARS or end - start >= EVIDENCE_CHARS:
            return Evidence(start=start, end=end, sentence=s.text if end <= s.end else self.text[s.start:end])
        room = (EVIDENCE_CHARS - (end - start)) // 2
        a = max(s.start, start - room)
        b = min(s.end, end + room + max(0, (start - room) - a if a > start - room else 0))
        a = max(s.start, min(a, b - EVIDENCE_CHARS))
        if a > s.start:
            space = self.text.find(" ", a, start)
            a = space + 1 if space != -1 else a
        if b < s.end:
            space = self.text.rfind(" ", end, b)
            b = space if space != -1 else b
        return Evidence(start=start, end=end, sentence=self.text[a:b])


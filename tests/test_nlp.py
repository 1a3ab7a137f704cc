"""The spaCy layer: the document-level Doc and the phrase gazetteers built on it."""
from __future__ import annotations

import time

import pytest

pytest.importorskip("spacy")

from extract.gazetteer import find_phrases  # noqa: E402
from extract.nlp import document_doc, phrase_matcher  # noqa: E402
from extract.officials import find_officials  # noqa: E402
from extract.text import Document  # noqa: E402
from extract.units import read_mentions  # noqa: E402


# --- the Doc ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Phó Viện trưởng VKSND tỉnh Nghệ An dự hội nghị.",
    "  Dòng đầu\n\nDòng  hai\tcó tab \n",
    "Viện trưởng/Chánh án, TP.HCM; 01/2024/QĐ-VKSTC “Vì sự nghiệp”…",
    "",
])
def test_doc_text_is_the_article_text(text):
    doc = document_doc(text)
    assert doc.text == text
    for tok in doc:
        assert text[tok.idx:tok.idx + len(tok.text)] == tok.text


def test_tokens_are_syllables_and_norm_is_folded():
    doc = document_doc("Đồng chí TRẦN Thị Hòa, Phó-Viện trưởng/Chánh án")
    assert [t.text for t in doc][:4] == ["Đồng", "chí", "TRẦN", "Thị"]
    assert [t.norm_ for t in doc][:5] == ["dong", "chi", "tran", "thi", "hoa"]
    # a slash or a dash between syllables is a token of its own: every word boundary is a token boundary
    assert "/" in [t.text for t in doc] and "-" in [t.text for t in doc]
    assert [t.text for t in doc if t.is_space] == []


def test_line_breaks_and_extra_spaces_are_tokens_of_their_own():
    doc = document_doc("Bằng khen\n\nCờ  thi đua")
    assert [t.text for t in doc] == ["Bằng", "khen", "\n\n", "Cờ", " ", "thi", "đua"]
    assert [t.is_space for t in doc] == [False, False, True, False, True, False, False]


def test_document_caches_its_doc():
    d = Document("Viện trưởng VKSND tỉnh Hà Nam\r\nphát biểu")
    assert d.spacy_doc is d.spacy_doc
    assert d.spacy_doc.text == d.text  # the normalised text the offsets point into


# --- phrase matching --------------------------------------------------------------------------

def test_phrase_matcher_is_accent_and_case_insensitive_and_gives_char_offsets():
    m = phrase_matcher({"X": ["Phó Viện trưởng"]})
    text = "Ông A, PHÓ VIỆN TRƯỞNG; bà B, pho vien truong; ông C, Phó Viện Trưởng."
    spans = m(document_doc(text), as_spans=True)
    assert [s.label_ for s in spans] == ["X"] * 3
    assert [text[s.start_char:s.end_char] for s in spans] == ["PHÓ VIỆN TRƯỞNG", "pho vien truong", "Phó Viện Trưởng"]


def test_titles_spans_carry_evidence_offsets():
    d = Document("Dự hội nghị có đồng chí Lê Văn Bình, Phó Viện trưởng Thường trực VKSND tỉnh Kon Tum.")
    hits = find_phrases(d).titles
    (span,) = hits.scan(0, len(d.text))
    assert span.text == "Phó Viện trưởng Thường trực"
    assert d.text[span.start_char:span.end_char] == span.text
    assert hits.at(span.start_char) is span  # the longest title at a position
    # a shorter title inside it is still found where it starts
    inner = d.text.index("Viện trưởng")
    assert hits.at(inner).text == "Viện trưởng"
    assert hits.any(0, len(d.text)) and not hits.any(0, span.start_char)


def test_titles_scan_is_leftmost_longest_and_respects_word_boundaries():
    d = Document("Ông A, Viện trưởng/Chánh án; bà B, Giám đốcx; ông C, Phó Chủ tịch Phó Bí thư.")
    hits = find_phrases(d).titles
    assert [s.text for s in hits.scan(0, len(d.text))] == ["Viện trưởng", "Chánh án", "Phó Chủ tịch", "Phó Bí thư"]
    assert [s.text for s in find_phrases(d).party.scan(0, len(d.text))] == ["Phó Bí thư"]


def test_titles_do_not_run_over_a_line_break():
    d = Document("Ông A, Phó\nViện trưởng B")
    assert [s.text for s in find_phrases(d).titles.scan(0, len(d.text))] == ["Viện trưởng"]


def test_officials_read_an_unaccented_title():
    text = ("Tham dự hội nghị có đồng chí Lê Văn Bình, Pho Vien truong VKSND tỉnh Kon Tum; "
            "đồng chí Trần Thị Hòa, Phó Viện trưởng VKSND tỉnh Gia Lai.")
    d = Document(text)
    got = {o["name"]: o["title"] for o in find_officials(d, read_mentions(d), find_phrases(d))}
    assert got == {"Lê Văn Bình": "Phó Viện trưởng", "Trần Thị Hòa": "Phó Viện trưởng"}


# --- long texts -------------------------------------------------------------------------------

def test_long_text_offsets_hold_to_the_end_and_stay_fast():
    para = ("Đồng chí Phạm Minh Tâm, Viện trưởng VKSND tỉnh Cà Mau, Cụm trưởng phát biểu; "
            "các đơn vị hoàn thành {n} chỉ tiêu.\n")
    text = "".join(para.format(n=i) for i in range(2000))  # ~230,000 characters
    d = Document(text)
    t0 = time.perf_counter()
    hits = find_phrases(d).titles
    elapsed = time.perf_counter() - t0
    spans = hits.scan(0, len(d.text))
    assert len(spans) == 4000  # "Viện trưởng" and "Cụm trưởng" in every paragraph
    last = spans[-1]
    assert last.text == "Cụm trưởng" and d.text[last.start_char:last.end_char] == "Cụm trưởng"
    assert last.start_char == text.rindex("Cụm trưởng") > 200_000
    assert elapsed < 5.0


def test_evidence_sentences_are_sentences_cut_around_the_fact():
    from extract.text import EVIDENCE_CHARS, Document

    d = Document("Hội nghị diễn ra tại TP. Hồ Chí Minh. Đồng chí A phát biểu. " + "VKSND tỉnh X, " * 80 + "VKSND tỉnh Long An.")
    assert [s.text for s in d.sentences][:2] == ["Hội nghị diễn ra tại TP. Hồ Chí Minh.", "Đồng chí A phát biểu."]
    at = d.text.index("VKSND tỉnh Long An")
    ev = d.evidence(at, at + len("VKSND tỉnh Long An"))
    assert "VKSND tỉnh Long An" in ev.sentence and len(ev.sentence) <= EVIDENCE_CHARS
    middle = d.text.index("VKSND tỉnh X", 600)
    ev = d.evidence(middle, middle + 12)
    # the fact near the middle: the words on either side of it are kept
    assert d.text[middle - 150:middle + 162] in ev.sentence and len(ev.sentence) <= EVIDENCE_CHARS

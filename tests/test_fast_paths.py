"""The extractor's fast paths give exactly what the slow ones they replace give.

Each shortcut of issue 13 (performance) is checked against the plain call it stands for, on
texts hypothesis writes from the letters, words and marks the patterns care about.
"""
import re

from hypothesis import given, settings, strategies as st
from underthesea import sent_tokenize

from extract import clusters, documents, roles, scan, units
from extract.relevance import _config, leading_words
from extract.text import _split_sentences

WORDS = ["cum", "khoi", "thi", "dua", "so", "4", "IV", "iv", "truong", "pho", "huyen", "thanh", "pho", "xa",
         "quyet", "dinh", "cac", "tinh", "x", "xcum", "khoix", "12", "/", ".", ",", "-", ":", "gom", "nam"]
folded_texts = st.lists(st.sampled_from(WORDS), max_size=30).map(" ".join) | \
    st.lists(st.sampled_from(WORDS), max_size=30).map("".join)

PATTERNS = [clusters._patterns()[k] for k in ("numbered", "worded", "named_cluster", "named", "members_named")] + [
    documents._patterns()["cited"], roles._ROLE, units._LEVEL_WORD,
    re.compile(r"\bcum\b"), re.compile(r"(?<![\w])(?:thi|so)\s+\w+"), re.compile(r"\bso|khoi")]


@settings(max_examples=300, deadline=None)
@given(folded_texts, st.integers(0, 40), st.integers(0, 200))
def test_scan_finds_what_re_finds(text, pos, endpos):
    for rx in PATTERNS:
        assert [m.span() for m in scan.finditer(rx, text)] == [m.span() for m in rx.finditer(text)]
        assert [m.span() for m in scan.finditer(rx, text, pos, endpos)] == \
            [m.span() for m in rx.finditer(text, pos, endpos)]
        got, want = scan.search(rx, text, pos), rx.search(text, pos)
        assert (got and got.span()) == (want and want.span())


def test_scan_keeps_an_alternation_whole():
    # r"\bso|khoi" is "\bso" or "khoi": the boundary is not the whole pattern's
    assert scan._locator(re.compile(r"\bso|khoi")) is None
    assert [m.span() for m in scan.finditer(re.compile(r"\bso|khoi"), "xkhoi so")] == [(1, 5), (6, 8)]


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="aB1 .?!…\t", max_size=14))
def test_a_line_not_handed_to_underthesea_is_one_sentence(line):
    assert _split_sentences(line) == sent_tokenize(line)


def test_relevance_cues_gated_by_their_first_words():
    assert leading_words(r"phien\s+toa|xet\s+xu") == ("phien", "xet")
    assert leading_words(r"(?:cum|khoi)\s+thi") is None
    assert leading_words(r"ab?c") == ("a",)
    for rx, _, words in _config()["positive"] + _config()["negative"]:
        for text in ("phien toa xet xu", "cum thi dua so 4 khoi truong", "trao tang bang khen"):
            if rx.search(text):
                assert words is None or any(w in text for w in words), rx.pattern


def test_a_head_is_tried_where_its_first_character_stands():
    for _, rx, _, _ in units._heads():
        chars = units._first_chars(rx)
        if chars is None:
            continue
        for sample in ("Sở Tư pháp", "số 4", "Bộ Công an", "bộ phận", "Viện kiểm sát", "VKSND tỉnh A", "Cục 1"):
            if rx.match(sample):
                assert sample[0] in chars, rx.pattern


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="aB .!?…:”\"')]>|\t\n", max_size=10))
def test_an_open_line_is_what_the_pattern_said(line):
    from extract.article import _ends_open

    assert _ends_open(line) == bool(re.search(r"[^\s.!?…:”\"')\]>|]$", line.rstrip()))


def test_relevance_decided_without_the_body_only_when_the_body_could_not_change_it():
    from pathlib import Path

    from extract.article import from_text
    from extract.relevance import is_relevant, relevance_score
    from extract.text import Document

    threshold = _config()["threshold"]
    texts = sorted(Path(__file__).parent.glob("fixtures/*/*.txt"))
    assert texts
    for path in texts:
        article = from_text(path.read_text(encoding="utf-8"))
        for title in (article.title, None, "Cụm thi đua số 3 tổng kết công tác thi đua năm 2024"):
            a = type(article)(text=article.text, title=title)
            doc = Document(a.text)
            assert is_relevant(doc, a) == (relevance_score(doc, a) >= threshold), (path, title)

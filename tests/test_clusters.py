from extract.clusters import find_clusters
from extract.text import Document


def names(text):
    return [(c["name"], c["scope"]) for c in find_clusters(Document(text))]


def test_numbered_clusters_canonical_arabic():
    assert names("Cụm số 07 tổ chức hội nghị")[0][0] == "Cụm thi đua số 7"
    assert names("Hội nghị của Khối II năm 2021")[0][0] == "Khối thi đua số 2"
    assert names("Cụm 12 họp bình xét")[0][0] == "Cụm thi đua số 12"
    assert names("Cụm thi đua 6 ký kết giao ước")[0][0] == "Cụm thi đua số 6"
    assert names("Khối thi đua số 03 tổng kết")[0][0] == "Khối thi đua số 3"


def test_lower_case_roman_letters_and_generic_mentions_are_not_clusters():
    assert names("các cụm, khối thi đua trong ngành") == []
    assert names("khối i tập trung") == []


def test_named_blocks():
    assert names("Khối Nội chính tỉnh tổ chức hội nghị")[0] == ("Khối thi đua Nội chính", None)
    assert names("Khối cơ quan Nội chính sơ kết")[0][0] == "Khối thi đua Nội chính"
    assert names("Khối thi đua Tổng hợp ký kết giao ước")[0][0] == "Khối thi đua Tổng hợp"
    assert names("Khối các Tổ chức Hội sơ kết")[0][0] == "Khối thi đua các Tổ chức Hội"


def test_scope_as_written():
    assert names("Cụm thi đua số 8 ngành Kiểm sát nhân dân tổ chức")[0][1] == "ngành Kiểm sát nhân dân"
    assert names("Cụm thi đua số 3 - VKSND tỉnh Yên Bái tổ chức")[0][1] == "VKSND tỉnh Yên Bái"
    assert names("tổng kết Cụm thi đua số 6, Bộ Công an năm 2019")[0][1] == "Bộ Công an"
    assert names("Cụm thi đua số 11 thuộc Viện kiểm sát nhân dân tối cao đã")[0][1] == \
        "Viện kiểm sát nhân dân tối cao"
    assert names("Cụm thi đua số 2 tỉnh Quảng Ngãi năm 2022")[0][1] == "tỉnh Quảng Ngãi"
    assert names("Cụm thi đua số 2 tổ chức hội nghị")[0][1] is None


def test_mentions_carry_offsets_and_evidence():
    doc = Document("Mở đầu. Cụm thi đua số 5 họp.")
    (c,) = find_clusters(doc)
    assert doc.text[c["start"]:c["end"]] == "Cụm thi đua số 5"
    assert c["evidence"]["sentence"] == "Cụm thi đua số 5 họp."


def test_cluster_numbers_in_words_and_named_clusters():
    assert names("Cụm thi đua số Tám Công an tỉnh tổ chức hội nghị.")[0][0] == "Cụm thi đua số 8"
    assert names("Cụm thi đua số mười hai họp.")[0][0] == "Cụm thi đua số 12"
    assert names("Ngày 3/3, Cụm thi đua các huyện vùng cao biên giới (gồm UBND 5 huyện) đã tổ chức hội nghị.")[0][0] \
        == "Cụm thi đua các huyện vùng cao biên giới"

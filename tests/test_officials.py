"""Officials: name, title, unit; bylines and slogans left out (synthetic sentences)."""
from extract.text import Document
from extract.gazetteer import find_phrases
from extract.units import read_mentions
from extract.officials import find_officials


def run(text):
    doc = Document(text)
    return [(o["name"], o["title"], o["unit"]) for o in find_officials(doc, read_mentions(doc), find_phrases(doc))]


def test_person_then_title_and_unit():
    assert run("Đồng chí Phan Văn Quý, Viện trưởng VKSND tỉnh Lạng Sơn chủ trì hội nghị.") == [
        ("Phan Văn Quý", "Viện trưởng", "VKSND tỉnh Lạng Sơn")]


def test_party_posts_are_skipped_and_rank_anchors():
    got = run("Đồng chí Hoàng Minh Tâm, Ủy viên Ban cán sự Đảng, Phó Viện trưởng VKSND tối cao phát biểu. "
              "Thiếu tướng Đặng Văn Lực, Giám đốc Công an tỉnh Hà Nam dự.")
    assert got == [("Hoàng Minh Tâm", "Phó Viện trưởng", "VKSND tối cao"),
                   ("Đặng Văn Lực", "Giám đốc", "Công an tỉnh Hà Nam")]


def test_title_then_name():
    assert run("Phó Viện trưởng VKSND tối cao Trịnh Thu Hà trao cờ cho các đơn vị.") == [
        ("Trịnh Thu Hà", "Phó Viện trưởng", "VKSND tối cao")]


def test_dash_description_and_cluster_title():
    got = run("Đồng chí Võ Thành Nam - Viện trưởng VKSND tỉnh Cà Mau - Cụm trưởng Cụm thi đua số 12 phát biểu. "
              "Đồng chí Lý Hoàng Anh - Cụm phó Cụm thi đua số 12 dự.")
    assert got == [("Võ Thành Nam", "Viện trưởng", "VKSND tỉnh Cà Mau"), ("Lý Hoàng Anh", "Cụm phó", None)]


def test_title_without_unit_takes_the_nearest_unit():
    got = run("Tại điểm cầu VKSND tỉnh Điện Biên có đồng chí Lò Văn Páo - Phó Viện trưởng dự.")
    assert got == [("Lò Văn Páo", "Phó Viện trưởng", "VKSND tỉnh Điện Biên")]


def test_department_head_and_repeated_mentions_merge():
    got = run("Đồng chí Đào Quang Huy, Vụ trưởng Vụ 11 VKSND tối cao phát biểu. "
              "Đồng chí Đào Quang Huy, Vụ trưởng Vụ 11 VKSND tối cao trao thưởng.")
    assert got == [("Đào Quang Huy", "Vụ trưởng", "Vụ 11 VKSND tối cao")]


def test_bylines_and_slogans_are_not_officials():
    text = ("Hội nghị thi đua làm theo lời dạy của Chủ tịch Hồ Chí Minh. Ảnh Minh Khoa\n"
            "Tin: Thu Trang. Ảnh: Quốc Bảo\nThanh Tùng")
    assert run(text) == []


def test_robust_on_empty_and_english():
    assert run("") == []
    assert run("Director John Smith, head of the police, attended.") == []


def test_local_leaders_party_posts_and_names_with_title_words():
    got = run("Dự có các đồng chí: Hoàng Công Minh, Phó Bí thư Thường trực Tỉnh ủy Hà Giang; "
              "Đỗ Thanh Hà, Chủ tịch HĐND tỉnh Hà Giang.")
    assert got == [("Hoàng Công Minh", "Phó Bí thư Thường trực", "Tỉnh ủy Hà Giang"),
                   ("Đỗ Thanh Hà", "Chủ tịch", "HĐND tỉnh Hà Giang")]
    # a party post before a state position is skipped
    assert run("Đồng chí Lý Văn Sơn, Bí thư Đảng ủy, Viện trưởng VKSND tỉnh Lai Châu chủ trì.") == [
        ("Lý Văn Sơn", "Viện trưởng", "VKSND tỉnh Lai Châu")]


def test_name_stops_at_a_unit_and_unit_after_the_name():
    got = run("Viện trưởng VKSND tỉnh Đắk Lắk Y Niê Ksor, Cụm trưởng Cụm thi đua số 11 chủ trì. "
              "Viện trưởng Viện 2 Trần Văn Hậu phát biểu tại VKSND cấp cao tại Đà Nẵng.")
    assert ("Lắk Y Niê Ksor", "Cụm trưởng", None) not in got
    assert run("Lãnh đạo VKSND cấp cao tại Đà Nẵng dự; đồng chí Trần Văn Hậu, Viện trưởng Viện 2 phát biểu.") == [
        ("Trần Văn Hậu", "Viện trưởng", "Viện 2 VKSND cấp cao tại Đà Nẵng")]
    assert run("Ngày 2/3, VKSND tỉnh An Giang trao danh hiệu cho Kiểm sát viên Đinh Văn Tú, Phòng 7 VKSND tỉnh An Giang.") == [
        ("Đinh Văn Tú", "Kiểm sát viên", "Phòng 7 VKSND tỉnh An Giang")]


def test_honorifics_ranks_and_judges_ranks():
    got = run("Ông Đặng Minh Khoa, Chủ tịch UBND huyện Văn Yên chủ trì; Thượng tá Lê Văn Tư, Trưởng Công an "
              "huyện Lục Yên dự.")
    assert got == [("Đặng Minh Khoa", "Chủ tịch", "UBND huyện Văn Yên"),
                   ("Lê Văn Tư", "Trưởng Công an", "Công an huyện Lục Yên")]
    got = run("Bà Phạm Thu Hà, Thẩm phán trung cấp, Phó Chánh án TAND huyện Yên Lập được tặng Bằng khen.")
    assert got[0][0] == "Phạm Thu Hà" and got[0][2] == "TAND huyện Yên Lập"


def test_ethnic_minority_family_names_are_whole():
    got = run("Đại hội đón đồng chí Giàng Seo Phử, Phó Bí thư Tỉnh ủy Lào Cai và đồng chí Sùng A Hồ, "
              "Viện trưởng VKSND huyện Si Ma Cai.")
    assert [g[0] for g in got] == ["Giàng Seo Phử", "Sùng A Hồ"]

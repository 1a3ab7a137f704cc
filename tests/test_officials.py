"""Officials: name, title, unit; bylines and slogans left out (synthetic sentences)."""
from extract.text import Document
from extract.units import find_units
from extract.officials import find_officials


def run(text):
    doc = Document(text)
    return [(o["name"], o["title"], o["unit"]) for o in find_officials(doc, find_units(doc))]


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

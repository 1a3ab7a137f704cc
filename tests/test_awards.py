"""Awards: names as written, recipients, counts and lists (synthetic sentences)."""
from extract.text import Document
from extract.units import find_units
from extract.awards import find_awards


def run(text, year=2023):
    doc = Document(text)
    return [(a["name"], a["recipient"], a["status"]) for a in find_awards(doc, find_units(doc), year)]


def test_count_gives_one_null_entry():
    got = run("Cụm thống nhất đề nghị công nhận danh hiệu “Tập thể Lao động xuất sắc” cho 2 đơn vị.")
    assert got == [("Tập thể Lao động xuất sắc", None, "proposed")]


def test_recipients_after_the_award():
    got = run("Viện trưởng trao Bằng khen của Viện trưởng VKSND tối cao cho VKSND huyện Mộc Châu và VKSND huyện Mai Sơn.")
    assert got == [("Bằng khen của Viện trưởng VKSND tối cao", "VKSND huyện Mộc Châu", "conferred"),
                   ("Bằng khen của Viện trưởng VKSND tối cao", "VKSND huyện Mai Sơn", "conferred")]


def test_subject_before_and_awards_listed_together():
    got = run("Các thành viên suy tôn Vụ 13 VKSND tối cao đạt danh hiệu “Cờ thi đua của ngành Kiểm sát nhân dân”, "
              "“Cờ thi đua của Chính phủ”.")
    assert got == [("Cờ thi đua của ngành Kiểm sát nhân dân", "Vụ 13 VKSND tối cao", "proposed"),
                   ("Cờ thi đua của Chính phủ", "Vụ 13 VKSND tối cao", "proposed")]


def test_list_after_gom_over_paragraphs_and_bare_head_takes_full_name():
    text = ("Đề nghị tặng Cờ thi đua của Chính phủ cho 3 tập thể.\n"
            "Danh sách đề nghị tặng Cờ thi đua gồm: VKSND tỉnh Sơn La; VKSND tỉnh Lai Châu.\n"
            "VKSND tỉnh Điện Biên.")
    got = run(text)
    assert got == [("Cờ thi đua của Chính phủ", "VKSND tỉnh Sơn La", "proposed"),
                   ("Cờ thi đua của Chính phủ", "VKSND tỉnh Lai Châu", "proposed"),
                   ("Cờ thi đua của Chính phủ", "VKSND tỉnh Điện Biên", "proposed")]


def test_generic_plural_gives_no_entry_and_year_written_wins():
    assert run("Đồng chí Phó Viện trưởng trao Cờ thi đua cho các đơn vị.") == []
    doc = Document("Công nhận “Tập thể lao động tiên tiến” năm 2021 đối với VKSND huyện Bảo Yên.")
    award = find_awards(doc, find_units(doc), 2024)[0]
    assert award["year"] == 2021 and award["recipient"] == "VKSND huyện Bảo Yên"


def test_robust_on_empty_and_english():
    assert run("") == []
    assert run("The team received a certificate of merit.") == []


def people_run(text, year=2023):
    from extract.officials import find_officials
    doc = Document(text)
    units = find_units(doc)
    return [(a["name"], a["recipient"]) for a in find_awards(doc, units, year, find_officials(doc, units))]


def test_people_receive_awards():
    got = people_run("Phó Viện trưởng Lê Văn Đông trao Kỷ niệm chương “Vì sự nghiệp Kiểm sát” cho các đồng chí: "
                     "Nguyễn Văn Tâm, Phó Chủ tịch UBND tỉnh Sơn La; Hà Thị Lan, Chủ tịch HĐND tỉnh Sơn La.")
    assert got == [("Kỷ niệm chương Vì sự nghiệp Kiểm sát", "Nguyễn Văn Tâm"),
                   ("Kỷ niệm chương Vì sự nghiệp Kiểm sát", "Hà Thị Lan")]
    got = people_run("Đồng chí Phan Văn Hải, Viện trưởng VKSND tỉnh Bình Phước được nhận Bằng khen của Thủ tướng Chính phủ.")
    assert got == [("Bằng khen của Thủ tướng Chính phủ", "Phan Văn Hải")]


def test_presenter_unit_and_venue_are_not_recipients_and_counts_yield_to_names():
    got = run("Sáng 9/5, tại trụ sở VKSND tỉnh Gia Lai, đồng chí Trần Văn Lâm, Viện trưởng VKSND tỉnh Gia Lai đã trao "
              "Bằng khen và biểu dương các cá nhân.")
    assert got == [("Bằng khen", None, "conferred")]
    got = run("Viện trưởng VKSND tối cao tặng Bằng khen cho 1 tập thể. Phòng 2 VKSND tỉnh Gia Lai được tặng "
              "Bằng khen của Viện trưởng VKSND tối cao.")
    assert got == [("Bằng khen của Viện trưởng VKSND tối cao", "Phòng 2 VKSND tỉnh Gia Lai", "conferred")]
    assert run("Nhiều tập thể, cá nhân được Chủ tịch UBND tỉnh tặng Bằng khen vì thành tích phòng chống dịch.") == []

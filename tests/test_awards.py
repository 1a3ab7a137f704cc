"""Awards: names as written, recipients, counts and lists (synthetic sentences)."""
from extract.text import Document
from extract.gazetteer import find_phrases
from extract.units import read_mentions
from extract.awards import find_awards


def run(text, year=2023):
    doc = Document(text)
    return [(a["name"], a["recipient"], a["status"]) for a in find_awards(doc, read_mentions(doc), find_phrases(doc), year)]


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
    award = find_awards(doc, read_mentions(doc), find_phrases(doc), 2024)[0]
    assert award["year"] == 2021 and award["recipient"] == "VKSND huyện Bảo Yên"


def test_robust_on_empty_and_english():
    assert run("") == []
    assert run("The team received a certificate of merit.") == []


def people_run(text, year=2023):
    from extract.officials import find_officials
    doc = Document(text)
    ms, ph = read_mentions(doc), find_phrases(doc)
    return [(a["name"], a["recipient"]) for a in find_awards(doc, ms, ph, year, find_officials(doc, ms, ph))]


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


def test_issuer_runs_through_the_name():
    assert run("Hội nghị đề nghị tặng Cờ thi đua của Viện kiểm sát nhân dân tối cao cho VKSND tỉnh Lai Châu.") == [
        ("Cờ thi đua của Viện kiểm sát nhân dân tối cao", "VKSND tỉnh Lai Châu", "proposed")]
    assert run("Cụm đề nghị tặng Cờ thi đua của Bộ Tài chính cho Cục Thi hành án dân sự tỉnh Hòa Bình.") == [
        ("Cờ thi đua của Bộ Tài chính", "Cục Thi hành án dân sự tỉnh Hòa Bình", "proposed")]
    assert run("Chánh án trao Bằng khen của Chánh án TAND tối cao cho TAND huyện Tủa Chùa.") == [
        ("Bằng khen của Chánh án TAND tối cao", "TAND huyện Tủa Chùa", "conferred")]


def test_named_people_and_units_after_a_count():
    from extract.officials import find_officials
    for text, want in [
        ("Đồng chí Trần Văn Hải trao Bằng khen của Viện trưởng VKSND tối cao cho 2 cá nhân: đồng chí Lê Thị Hằng, "
         "Trưởng phòng 2 và đồng chí Vàng A Chử, Kiểm sát viên trung cấp.", ["Lê Thị Hằng", "Vàng A Chử"]),
        ("Viện trưởng VKSND tối cao đã tặng Bằng khen cho 2 tập thể và 3 cá nhân có thành tích xuất sắc, trong đó có "
         "VKSND huyện Bắc Hà và đồng chí Giàng Seo Phử, Viện trưởng VKSND huyện Si Ma Cai.",
         ["VKSND huyện Bắc Hà", "Giàng Seo Phử"])]:
        doc = Document(text)
        ms, ph = read_mentions(doc), find_phrases(doc)
        got = [a["recipient"] for a in find_awards(doc, ms, ph, 2023, find_officials(doc, ms, ph))]
        assert got == want


def test_giver_background_counts_and_criteria_are_no_recipients():
    assert run("VKSND tỉnh Hòa Bình long trọng tổ chức Lễ trao Kỷ niệm chương Vì sự nghiệp Kiểm sát cho cán bộ, "
               "công chức.") == [("Kỷ niệm chương Vì sự nghiệp Kiểm sát", None, "conferred")]
    assert run("5 năm qua toàn ngành có 4 lượt tập thể được tặng Cờ thi đua của VKSND tối cao.") == []
    assert run("Một số sáng kiến chưa được đăng ký để làm căn cứ xét danh hiệu Chiến sĩ thi đua.") == []
    # the unit voted for keeps the award the issuer is asked to give
    assert run("Hội nghị suy tôn VKSND tỉnh Hòa Bình là đơn vị dẫn đầu, đề nghị VKSND tối cao tặng Cờ thi đua của "
               "VKSND tối cao.") == [("Cờ thi đua của VKSND tối cao", "VKSND tỉnh Hòa Bình", "proposed")]


def test_party_board_voted_again_after_the_member_list_receives_the_award():
    got = run("Khối gồm 3 cơ quan, đơn vị: Ban Dân vận Tỉnh ủy, Ban Tổ chức Tỉnh ủy và Văn phòng Tỉnh ủy. "
              "Hội nghị suy tôn Ban Tổ chức Tỉnh ủy dẫn đầu phong trào thi đua, đề nghị UBND tỉnh tặng Cờ thi đua.")
    # the flag the clause's giver gives: "đề nghị UBND tỉnh tặng Cờ thi đua"
    assert got == [("Cờ thi đua của UBND tỉnh", "Ban Tổ chức Tỉnh ủy", "proposed")]


def test_a_list_of_people_after_gom_gives_the_people_not_their_units():
    from extract.officials import find_officials

    text = ("Lễ trao Kỷ niệm chương Vì sự nghiệp Kiểm sát cho 3 cá nhân.\n"
            "Các cá nhân được tặng Kỷ niệm chương gồm: đồng chí Mai Văn Khuê, Phó Viện trưởng VKSND huyện "
            "Bảo Lâm; bà Trịnh Thị Ngát, Trưởng phòng 2 VKSND tỉnh Lâm Đồng; ông Kha Văn Lộc, Kiểm sát viên "
            "VKSND huyện Di Linh.")
    doc = Document(text)
    ms, ph = read_mentions(doc), find_phrases(doc)
    got = [(a["name"], a["recipient"]) for a in find_awards(doc, ms, ph, 2024, find_officials(doc, ms, ph))]
    assert got == [("Kỷ niệm chương Vì sự nghiệp Kiểm sát", "Mai Văn Khuê"),
                   ("Kỷ niệm chương Vì sự nghiệp Kiểm sát", "Trịnh Thị Ngát"),
                   ("Kỷ niệm chương Vì sự nghiệp Kiểm sát", "Kha Văn Lộc")]

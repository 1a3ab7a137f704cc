"""Every sector's emulation work: bodies, clusters, roles, officials and awards outside the procuracy.

Texts written for these tests (invented people; real places)."""
from extract.article import from_text_bytes
from extract.clusters import find_clusters
from extract.gazetteer import find_phrases
from extract.officials import find_officials
from extract.pipeline import extract_record
from extract.roles import find_roles
from extract.text import Document
from extract.units import find_units, read_mentions


def names(text):
    doc = Document(text)
    return [u["name"] for u in find_units(doc, read_mentions(doc))]


def record(text):
    return extract_record(from_text_bytes(text.encode("utf-8")), "t")


def test_sector_bodies_with_their_level_and_abbreviations():
    assert names("Dự hội nghị có BHXH tỉnh Yên Bái, Hội CCB tỉnh Sóc Trăng, Liên đoàn Lao động huyện Mường Tè "
                 "và Kho bạc Nhà nước tỉnh Kon Tum.") == [
        "Bảo hiểm xã hội tỉnh Yên Bái", "Hội Cựu chiến binh tỉnh Sóc Trăng", "Liên đoàn Lao động huyện Mường Tè",
        "Kho bạc Nhà nước tỉnh Kon Tum"]
    assert names("Sở Giáo dục và Đào tạo tỉnh Cà Mau và Sở Văn hoá, Thể thao & Du lịch tỉnh Gia Lai ký giao ước.") == [
        "Sở Giáo dục và Đào tạo tỉnh Cà Mau", "Sở Văn hóa, Thể thao và Du lịch tỉnh Gia Lai"]


def test_departments_of_national_bodies_take_their_parent():
    assert names("Khối thi đua gồm: Thanh tra Bộ Xây dựng, Thanh tra Bộ Y tế và Vụ Tổ chức cán bộ Thanh tra Chính phủ.") == [
        "Thanh tra Bộ Xây dựng", "Thanh tra Bộ Y tế", "Vụ Tổ chức cán bộ Thanh tra Chính phủ"]
    # outside the procuracy a named department keeps its name, never a procuracy number
    assert names("Vụ Pháp chế chủ trì hội nghị của Khối thi đua số 3.") == ["Vụ Pháp chế"]
    # a ministry owns the system, it does not take part by being named
    assert names("Cụm thi đua số 6 Bộ Công an tổng kết năm 2024; Công an tỉnh Nghệ An là Cụm trưởng.") == [
        "Công an tỉnh Nghệ An"]


def test_a_body_written_once_then_its_places():
    assert names("Cụm gồm Thanh tra các tỉnh Nghệ An, Hà Tĩnh và Quảng Bình.") == [
        "Thanh tra tỉnh Nghệ An", "Thanh tra tỉnh Hà Tĩnh", "Thanh tra tỉnh Quảng Bình"]
    assert names("Công an 3 tỉnh Tây Nguyên gồm: Gia Lai, Kon Tum và Đắk Lắk ký giao ước.") == [
        "Công an tỉnh Gia Lai", "Công an tỉnh Kon Tum", "Công an tỉnh Đắk Lắk"]
    assert names("Cụm thi đua số 2 gồm các Văn phòng Đảng ủy: phường Phú Lợi, Chánh Nghĩa và phường Hiệp Thành.") == [
        "Văn phòng Đảng ủy phường Phú Lợi", "Văn phòng Đảng ủy phường Chánh Nghĩa", "Văn phòng Đảng ủy phường Hiệp Thành"]
    assert names("Cụm có 3 TAND các thành phố trực thuộc Trung ương, gồm: Hải Phòng, Cần Thơ và Huế.") == [
        "TAND TP Hải Phòng", "TAND TP Cần Thơ", "TAND TP Huế"]
    assert names("Cụm thi đua số 7 Bảo hiểm xã hội Việt Nam gồm 3 tỉnh: Lai Châu, Điện Biên và Sơn La họp.") == [
        "Bảo hiểm xã hội tỉnh Lai Châu", "Bảo hiểm xã hội tỉnh Điện Biên", "Bảo hiểm xã hội tỉnh Sơn La"]


def test_a_provincial_body_written_without_its_province_takes_the_blocks():
    assert names("Khối thi đua Nội chính tỉnh Lào Cai gồm: Công an tỉnh, Tòa án nhân dân tỉnh, Sở Tư pháp.") == [
        "Công an tỉnh Lào Cai", "TAND tỉnh Lào Cai", "Sở Tư pháp tỉnh Lào Cai"]
    # no province named: the place stays off
    assert names("Hội nghị có đại diện Công an tỉnh, Thanh tra tỉnh.") == ["Công an tỉnh", "Thanh tra tỉnh"]


def test_regional_procuracies_and_wards_after_2025():
    assert names("VKSND khu vực 3 - Hà Nội và Đảng ủy phường Cầu Giấy ký kết.") == ["VKSND khu vực 3 - Hà Nội"]
    assert names("Ông Lê Văn Hải, Bí thư Đảng ủy phường Cầu Giấy phát biểu.") == ["Đảng ủy phường Cầu Giấy"]


def test_clusters_named_by_members_region_or_level():
    def cl(text):
        return [c["name"] for c in find_clusters(Document(text))]

    assert cl("Cụm thi đua Thanh tra các tỉnh Tây Nguyên tổ chức hội nghị.") == [
        "Cụm thi đua Thanh tra các tỉnh Tây Nguyên"]
    assert cl("Khối thi đua các Tổng cục trực thuộc Bộ Tài chính đã bầu Khối trưởng.") == [
        "Khối thi đua các Tổng cục trực thuộc Bộ Tài chính"]
    assert cl("Đảng bộ Khối các cơ quan tỉnh tổ chức đại hội.") == []  # a Party committee, not a block


def test_roles_in_any_sector():
    text = ("Năm 2023, Tổng cục Hải quan được phân công làm Trưởng khối và Tổng cục Thuế làm Phó Trưởng khối "
            "Khối thi đua số 1. Với vai trò đơn vị Cụm trưởng, Công an tỉnh Lạng Sơn đã tổ chức tốt.")
    doc = Document(text)
    roles = find_roles(doc, read_mentions(doc), find_clusters(doc), 2023)
    assert [(r["unit"], r["role"]) for r in roles] == [
        ("Tổng cục Hải quan", "Khối trưởng"), ("Tổng cục Thuế", "Khối phó"), ("Công an tỉnh Lạng Sơn", "Cụm trưởng")]


def test_officials_of_national_bodies_and_people_without_title():
    text = ("Dự hội nghị có Thứ trưởng Bộ Tư pháp Phan Văn Minh; Tổng Giám đốc Kho bạc Nhà nước Đỗ Thị Lan. "
            "Thiếu tướng Hà Văn Giám phát biểu chỉ đạo.")
    doc = Document(text)
    got = [(o["name"], o["title"], o["unit"]) for o in find_officials(doc, read_mentions(doc), find_phrases(doc))]
    assert got == [("Phan Văn Minh", "Thứ trưởng", "Bộ Tư pháp"), ("Đỗ Thị Lan", "Tổng Giám đốc", "Kho bạc Nhà nước"),
                   ("Hà Văn Giám", None, None)]


def test_awards_with_their_issuer_and_recipients_of_any_sector():
    rec = record("Cụm thi đua số 4 tổng kết năm 2024. Hội nghị thống nhất đề nghị Sở Tư pháp tỉnh Bình Định được nhận "
                 "Bằng khen của Bộ trưởng Bộ Tư pháp; Hội CCB tỉnh Phú Yên nhận Cờ thi đua của Trung ương Hội CCB Việt Nam.")
    got = [(a["name"], a["recipient"]) for a in rec["awards"]]
    assert ("Bằng khen của Bộ trưởng Bộ Tư pháp", "Sở Tư pháp tỉnh Bình Định") in got
    assert ("Cờ thi đua của Trung ương Hội CCB Việt Nam", "Hội Cựu chiến binh tỉnh Phú Yên") in got


def test_a_review_that_also_plans_is_a_review():
    rec = record("Cụm thi đua số 3 triển khai nhiệm vụ năm 2025\n\nNgày 10/1, Cụm thi đua số 3 tổ chức tổng kết "
                 "công tác thi đua năm 2024, triển khai nhiệm vụ năm 2025 và ký giao ước thi đua.")
    assert rec["event"]["type"] == "tong_ket"
    assert rec["event"]["date"] == "2025-01-10"  # a year's review held early the next year


def test_sports_of_a_cluster_alone_are_no_emulation_work():
    rec = record("Cụm thi đua số 4 tổ chức giải bóng chuyền giao hữu\n\nSáng 5/3, Cụm thi đua số 4 tổ chức giải "
                 "bóng chuyền giao hữu chào mừng ngày truyền thống của lực lượng.")
    assert rec["relevant"] is False


def test_newspapers_and_national_systems():
    assert names("Khối gồm: Văn phòng Tỉnh ủy, Báo Gia Lai và Đài Phát thanh và Truyền hình tỉnh Gia Lai.") == [
        "Văn phòng Tỉnh ủy Gia Lai", "Báo Gia Lai", "Đài Phát thanh và Truyền hình tỉnh Gia Lai"]
    assert names("Báo cáo của Khối nêu rõ kết quả.") == []
    assert [c["scope"] for c in find_clusters(Document("Cụm thi đua số 3 Tổng cục Thuế sơ kết."))] == ["Tổng cục Thuế"]


def test_a_clause_without_subject_keeps_the_proposal():
    rec = record("Khối thi đua Nội chính tỉnh Gia Lai tổng kết năm 2024. Hội nghị thống nhất đề nghị UBND tỉnh tặng "
                 "Cờ thi đua cho Công an tỉnh Gia Lai; tặng Bằng khen cho Sở Tư pháp tỉnh Gia Lai.")
    assert {(a["recipient"], a["status"]) for a in rec["awards"]} == {
        ("Công an tỉnh Gia Lai", "proposed"), ("Sở Tư pháp tỉnh Gia Lai", "proposed")}


def test_a_bare_award_takes_its_giver_named_before_it():
    rec = record("Cụm thi đua số 5 tổng kết năm 2024. Hội nghị suy tôn Công an tỉnh Nghệ An đề nghị Thủ tướng Chính phủ "
                 "tặng Cờ thi đua của Chính phủ; đề nghị Bộ Công an tặng Cờ thi đua cho Công an tỉnh Thanh Hóa.")
    assert {(a["name"], a["recipient"]) for a in rec["awards"]} == {
        ("Cờ thi đua của Chính phủ", "Công an tỉnh Nghệ An"), ("Cờ thi đua của Bộ Công an", "Công an tỉnh Thanh Hóa")}


def test_a_unit_that_leads_the_cluster_takes_part():
    rec = record("Cụm thi đua các tỉnh Tây Bắc ký kết giao ước thi đua năm 2025. Tại hội nghị, UBND tỉnh Điện Biên "
                 "đã bàn giao nhiệm vụ Cụm trưởng năm 2026 cho UBND tỉnh Lai Châu.")
    assert ("UBND tỉnh Lai Châu", "Cụm trưởng", 2026) in [(r["unit"], r["role"], r["year"]) for r in rec["roles"]]
    assert "UBND tỉnh Lai Châu" in rec["units"]


def test_a_years_review_is_led_by_that_years_leader_and_elects_the_next():
    rec = record("Chiều 13/3/2026, Cục Đầu tư nước ngoài (Bộ Tài chính), Trưởng Khối thi đua số 5, tổ chức hội nghị "
                 "tổng kết công tác thi đua năm 2025. Hội nghị đã bầu Cục Quản lý nợ (Bộ Tài chính) làm Khối trưởng.")
    assert [(r["unit"], r["role"], r["year"]) for r in rec["roles"]] == [
        ("Cục Đầu tư nước ngoài Bộ Tài chính", "Khối trưởng", 2025), ("Cục Quản lý nợ Bộ Tài chính", "Khối trưởng", 2026)]


def test_a_list_of_places_stops_where_the_next_body_begins():
    assert names("Bằng khen cho Ban Chỉ huy Quân sự huyện Quỳnh Lưu và Đồn Biên phòng Cửa khẩu Cầu Treo.") == [
        "Ban Chỉ huy Quân sự huyện Quỳnh Lưu", "Đồn Biên phòng Cửa khẩu Cầu Treo"]
    # "các Chi cục ..." is every district's office, no unit
    assert names("Khối gồm Sở Tư pháp tỉnh Thanh Hóa và các Chi cục Thi hành án dân sự.") == ["Sở Tư pháp tỉnh Thanh Hóa"]


def test_leaders_of_national_bodies_bring_their_body():
    rec = record("Cụm thi đua số 3 tổng kết năm 2023. Dự hội nghị có ông Nguyễn Văn Cường, Phó Tổng Thanh tra Chính phủ; "
                 "Thanh tra tỉnh Bình Định là Cụm trưởng.")
    assert [(o["name"], o["title"], o["unit"]) for o in rec["officials"]] == [
        ("Nguyễn Văn Cường", "Phó Tổng Thanh tra", "Thanh tra Chính phủ")]
    assert "Thanh tra Chính phủ" in rec["units"]


def test_a_training_of_a_cluster_is_no_emulation_work_but_its_review_is():
    assert record("Cụm thi đua số 2 tập huấn nghiệp vụ công tác thi đua, khen thưởng\n\nNgày 5/6/2024, Cụm thi đua "
                  "số 2 tổ chức tập huấn nghiệp vụ về công tác thi đua, khen thưởng.")["relevant"] is False
    assert record("Cụm thi đua số 2 sơ kết 6 tháng và tập huấn nghiệp vụ\n\nNgày 5/6/2024, Cụm thi đua số 2 tổ chức "
                  "hội nghị sơ kết công tác thi đua 6 tháng đầu năm 2024.")["relevant"] is True


def test_a_block_named_by_its_kind_of_members():
    assert [c["name"] for c in find_clusters(Document(
        "Khối thi đua các tổ chức chính trị - xã hội tỉnh Bắc Kạn tổ chức hội nghị."))] == [
        "Khối thi đua các tổ chức chính trị - xã hội tỉnh Bắc Kạn"]


def test_the_issuer_of_an_award_is_no_participant():
    assert names("Ông Nguyễn Văn Bình dự và trao Bằng khen của Bộ trưởng Bộ Tài chính cho Kho bạc Nhà nước "
                 "tỉnh Sóc Trăng.") == ["Kho bạc Nhà nước tỉnh Sóc Trăng"]

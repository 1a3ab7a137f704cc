"""Units: canonical names, member lists, participation (synthetic sentences)."""
import csv
from pathlib import Path

from extract.text import Document
from extract.units import find_units, read_mentions


def names(text):
    doc = Document(text)
    return [u["name"] for u in find_units(doc, read_mentions(doc))]


def test_province_procuracy_variants_and_evidence():
    doc = Document("Ngày 5/3/2022, Viện KSND tỉnh Nghệ An tổ chức hội nghị. Lãnh đạo VKSDN tỉnh Hà Tĩnh dự.")
    units = find_units(doc, read_mentions(doc))
    assert [u["name"] for u in units] == ["VKSND tỉnh Nghệ An", "VKSND tỉnh Hà Tĩnh"]
    first = units[0]
    assert doc.text[first["start"]:first["end"]] == first["surface"] == "Viện KSND tỉnh Nghệ An"
    assert first["evidence"]["sentence"].startswith("Ngày 5/3/2022")


def test_member_lists_give_one_unit_each():
    assert names("Cụm thi đua số 6 gồm Viện kiểm sát nhân dân các tỉnh Lạng Sơn, Cao Bằng và Hà Giang.") == [
        "VKSND tỉnh Lạng Sơn", "VKSND tỉnh Cao Bằng", "VKSND tỉnh Hà Giang"]
    assert names("Hội nghị kết nối điểm cầu (VKSND tỉnh Nam Định; Thái Bình; Ninh Bình).") == [
        "VKSND tỉnh Nam Định", "VKSND tỉnh Thái Bình", "VKSND tỉnh Ninh Bình"]
    assert names("Cụm gồm Viện kiểm sát nhân dân 03 tỉnh: Gia Lai, Kon Tum, Đắk Lắk.") == [
        "VKSND tỉnh Gia Lai", "VKSND tỉnh Kon Tum", "VKSND tỉnh Đắk Lắk"]


def test_district_list_classified_by_gazetteer():
    got = names("Cụm thi đua số 2 gồm 3 VKSND các huyện, thị xã, thành phố: Buôn Ma Thuột, Buôn Hồ, Krông Pắc.")
    assert got == ["VKSND TP Buôn Ma Thuột", "VKSND thị xã Buôn Hồ", "VKSND huyện Krông Pắc"]


def test_supreme_departments_by_number_and_name():
    got = names("Tham dự có lãnh đạo Vụ 4, Vụ 8 VKSND tối cao và Vụ Kiểm sát giải quyết các vụ, việc dân sự, "
                "hôn nhân và gia đình, VKSND tối cao.")
    assert got == ["Vụ 4 VKSND tối cao", "Vụ 8 VKSND tối cao", "Vụ 9 VKSND tối cao"]
    assert names("Vụ Tổ chức cán bộ VKSND tối cao tổ chức hội nghị.") == ["Vụ 15 VKSND tối cao"]


def test_high_level_and_military_procuracies():
    got = names("Viện Kiểm sát nhân dân cấp cao tại Thành phố Đà Nẵng và VKSQS Trung ương ký giao ước; "
                "Viện cấp cao 1 đăng cai.")
    assert got == ["VKSND cấp cao tại Đà Nẵng", "VKS quân sự trung ương", "VKSND cấp cao tại Hà Nội"]
    assert names("Hội nghị tại VKSND Thành phố Cần Thơ.") == ["VKSND TP Cần Thơ"]


def test_bodies_without_province_in_a_list():
    got = names("Khối Nội chính gồm 5 đơn vị: Viện Kiểm sát nhân dân, Công an, Tòa án nhân dân, Bộ CHQS tỉnh, Sở Tư pháp.")
    assert got == ["VKSND tỉnh", "Công an tỉnh", "TAND tỉnh", "Bộ Chỉ huy Quân sự tỉnh", "Sở Tư pháp tỉnh"]


def test_cited_units_are_not_participants():
    text = ("Thực hiện Kế hoạch của VKSND tỉnh Hưng Yên, Cụm thi đua số 3 - VKSND tỉnh Hưng Yên họp tại VKSND huyện "
            "Văn Lâm. Cụm đề nghị Hội đồng Thi đua - Khen thưởng VKSND tỉnh Hưng Yên xem xét; Chỉ thị của Viện trưởng "
            "VKSND tối cao được quán triệt.")
    assert names(text) == ["VKSND huyện Văn Lâm"]


def test_slogans_and_people_are_not_places():
    text = 'Phong trào “Viện kiểm sát nhân dân tỉnh Lào Cai đoàn kết” được phát động. Đồng chí Nguyễn Thanh Hóa dự.'
    assert names(text) == []


def test_robust_on_empty_english_and_long_text():
    assert names("") == []
    assert names("The provincial police met on Monday.") == []
    long = ("VKSND huyện Mê Linh dự hội nghị. " * 20000)
    assert names(long)[0] == "VKSND huyện Mê Linh"


def test_provinces_from_the_package_have_both_generations():
    from extract.places import provinces

    rows = provinces()
    # 63 before the July 2025 merger (Thừa Thiên Huế, a city since January 2025, under both names)
    assert sum(p.status in ("pre2025", "both") for p in rows.values()) == 64
    assert sum(p.status in ("post2025", "both") for p in rows.values()) == 34
    assert rows["Bắc Kạn"].merged_into == "Thái Nguyên" and rows["Quảng Bình"].merged_into == "Quảng Trị"
    assert rows["Thừa Thiên Huế"].merged_into == "Huế" and rows["Huế"].kind == "thành phố"
    assert all(8 < p.lat < 24 and 102 < p.lon < 110 for p in rows.values())


def test_districts_anywhere_in_the_country():
    from extract.places import districts

    assert districts()["duy xuyen"] == "huyện" and districts()["tam ky"] == "thành phố"
    assert len(districts()) > 600
    assert names("Công an huyện Mường Tè và Công an huyện Ea Súp dự hội nghị.") == [
        "Công an huyện Mường Tè", "Công an huyện Ea Súp"]


def test_level_words_are_whole_words_in_a_province_list():
    # "quan" (quận) is not the start of "Quảng Nam"
    assert names("Cụm thi đua số 8 (VKSND tỉnh Kon Tum; Quảng Nam; Quảng Trị) họp sơ kết.") == [
        "VKSND tỉnh Kon Tum", "VKSND tỉnh Quảng Nam", "VKSND tỉnh Quảng Trị"]


def test_provincial_capital_list_goes_on_with_districts_and_rooms_keep_the_province():
    got = names("Ngày 3/2/2023, Viện kiểm sát nhân dân tỉnh Bến Tre triển khai công tác năm 2023. "
                "Cụm thi đua số 1 gồm Viện kiểm sát nhân dân thành phố Bến Tre, các huyện Châu Thành, Giồng Trôm. "
                "Tham dự có lãnh đạo Phòng 2.")
    assert "VKSND TP Bến Tre" in got and "VKSND huyện Châu Thành" in got and "VKSND huyện Giồng Trôm" in got
    assert "Phòng 2 VKSND tỉnh Bến Tre" in got


def test_sub_units_of_procuracies_courts_and_the_military():
    got = names("Dự hội nghị có Thanh tra VKSND tối cao, Cục 3 VKSND tối cao và Vụ Thi đua - Khen thưởng TAND tối cao; "
                "lãnh đạo các Viện kiểm sát quân sự khu vực 21 và 22.")
    assert got == ["Thanh tra VKSND tối cao", "Cục 3 VKSND tối cao", "Vụ Thi đua - Khen thưởng TAND tối cao",
                   "VKS quân sự khu vực 21", "VKS quân sự khu vực 22"]
    assert "Cục 10 VKSND tối cao" not in names("Đại diện Trại giam Z (Cục 10 - Bộ Công an) dự hội nghị.")


def test_named_department_stops_at_the_next_unit_and_named_room_has_its_number():
    got = names("Tham dự có lãnh đạo Vụ Thi đua - Khen thưởng và Văn phòng VKSND tối cao. "
                "Phòng Kiểm sát giải quyết các vụ án hành chính (Phòng 10) VKSND tỉnh Long An được khen thưởng.")
    assert got == ["Vụ 16 VKSND tối cao", "Văn phòng VKSND tối cao", "Phòng 10 VKSND tỉnh Long An"]


def test_party_committee_and_local_government_take_part_through_a_named_leader():
    got = names("Dự hội nghị có đồng chí Trần Văn Bình, Phó Chủ tịch UBND tỉnh Yên Bái; "
                "Lê Thị Mai, Phó Bí thư Tỉnh ủy Yên Bái.")
    assert got == ["UBND tỉnh Yên Bái", "Tỉnh ủy Yên Bái"]
    # cited only as bodies the procuracy advises: not participants
    assert names("VKSND tỉnh Yên Bái đã tham mưu Tỉnh ủy, UBND tỉnh Yên Bái xử lý vụ việc.") == ["VKSND tỉnh Yên Bái"]


def test_party_boards_in_a_member_list_and_abbreviated_bodies():
    got = names("Khối gồm 6 cơ quan, đơn vị: Văn phòng Tỉnh ủy, Ban Tổ chức Tỉnh ủy, Ủy ban Kiểm tra Tỉnh ủy, "
                "Ban Tuyên giáo Tỉnh ủy, Đảng ủy Khối cơ quan và doanh nghiệp tỉnh và Trường Chính trị tỉnh.")
    assert got == ["Văn phòng Tỉnh ủy", "Ban Tổ chức Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy",
                   "Đảng ủy Khối cơ quan và doanh nghiệp tỉnh", "Trường Chính trị tỉnh"]
    # the one province the article names for its bodies is the home of those written without it
    assert names("Dự có lãnh đạo CA tỉnh, Viện KSND tỉnh và BCH Quân sự tỉnh Yên Bái.") == [
        "Công an tỉnh Yên Bái", "VKSND tỉnh Yên Bái", "Bộ Chỉ huy Quân sự tỉnh Yên Bái"]
    # with two provinces named, none is the home: the place stays off
    assert names("Dự có lãnh đạo CA tỉnh, BCH Quân sự tỉnh Yên Bái và Sở Tư pháp tỉnh Lào Cai.") == [
        "Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh Yên Bái", "Sở Tư pháp tỉnh Lào Cai"]
    # a party board cited without a person stays out
    assert names("Các cơ quan đã tham mưu Ban Tổ chức Tỉnh ủy ban hành quy chế.") == []


def test_district_governments_listed_and_district_names_that_look_like_words():
    assert names("Cụm gồm UBND 3 huyện Quan Hóa, Thường Xuân và Mường Lát.") == [
        "UBND huyện Quan Hóa", "UBND huyện Thường Xuân", "UBND huyện Mường Lát"]
    assert names("Bà Nguyễn Thị Lan, Chánh án TAND huyện Kế Sách chủ trì.") == ["TAND huyện Kế Sách"]
    # "3 đơn vị còn lại" after a list of districts is no "quận 3"
    assert names("Đề nghị khen VKSND quận Ba Đình và VKSND quận Tây Hồ; 3 đơn vị còn lại đạt tiên tiến.") == [
        "VKSND quận Ba Đình", "VKSND quận Tây Hồ"]


def test_a_ministrys_own_department_keeps_its_name():
    assert names("Dự có ông Trần Văn Ba, Phó Vụ trưởng Vụ Thi đua - Khen thưởng (Bộ Tài chính).") == [
        "Vụ Thi đua - Khen thưởng Bộ Tài chính"]
    assert names("Dự có Đại tá Hà Văn Năm, Phó Cục trưởng Cục Tổ chức cán bộ, Bộ Công an.") == [
        "Cục Tổ chức cán bộ Bộ Công an"]
    assert names("Đồng chí Lê Thị Hoa, Vụ trưởng Vụ Thi đua - Khen thưởng VKSND tối cao dự.") == ["Vụ 16 VKSND tối cao"]


def test_outlets_generic_plurals_and_the_city_procuracy():
    assert names("Mỗi đơn vị có ít nhất 3 bài viết đăng trên Báo Bảo vệ pháp luật hoặc Tạp chí Kiểm sát.") == []
    assert names("Lãnh đạo các Cục THADS trong Cụm dự hội nghị.") == []
    assert names("Thực hiện hướng dẫn của VKSND thành phố Hải Phòng, Cụm họp. Dự có đồng chí Lê Thị Hoa, "
                 "Phó Viện trưởng VKSND thành phố, Phó Chủ tịch Hội đồng.") == ["VKSND TP Hải Phòng"]

from extract import dates
from extract.text import Document


def _event(text, published=None, ref_year=None):
    doc = Document(text)
    found = dates.event_date(doc.text, doc.folded, set(), published, ref_year)
    return found[0] if found else None


def test_site_publication_stamps():
    assert dates.parse_published("Cập nhật lúc 08:05, Thứ tư, 02/09/2022 (GMT+7)") == "2022-09-02"
    assert dates.parse_published("14/12/2022 16:40") == "2022-12-14"
    assert dates.parse_published("Đăng ngày: 4/17/2022 9:05:11 AM - Lượt xem 77") == "2022-04-17"
    assert dates.parse_published("09:30 - Thứ Sáu, 11/12/2020") == "2020-12-11"
    assert dates.parse_published("Thứ hai, 05/10/2020 -08:15 AM") == "2020-10-05"
    assert dates.parse_published("15/11/19 07:45") == "2019-11-15"
    assert dates.parse_published("no date here") is None


def test_date_format_hint_and_url():
    assert dates.parse_published("Đăng: 12/25/2021 10:00", "%m/%d/%Y") == "2021-12-25"
    assert dates.date_from_url("https://vks.example.gov.vn/2022/05/09/hoi-nghi-cum-5/") == "2022-05-09"
    assert dates.date_from_url("https://example.vn/tin/abc-2022.html") is None


def test_event_date_expressions():
    assert _event("Ngày 12/7/2021, Cụm thi đua số 6 tổ chức hội nghị.") == "2021-07-12"
    assert _event("Thực hiện kế hoạch, chiều ngày 03/03/2022 Cụm thi đua số 2 tổ chức hội nghị.") == "2022-03-03"
    assert _event("Ngày 5 tháng 12 năm 2019, tại hội trường, Cụm 3 họp bình xét.") == "2019-12-05"
    assert _event("Sáng ngày 09/02/2017, Khối Nội chính ký kết giao ước.") == "2017-02-09"


def test_partial_dates_take_the_article_year():
    assert _event("Hội nghị diễn ra chiều 20/1 tại Hà Nội.", published="2022-01-21") == "2022-01-20"
    assert _event("Sáng 28/12, Khối thi đua số 4 tổng kết năm.", published="2022-01-03") == "2021-12-28"
    assert _event("Chiều 9/7, Khối Nội chính tổ chức sơ kết.", ref_year=2019) == "2019-07-09"


def test_issue_dates_of_cited_documents_are_not_event_dates():
    text = ("Thực hiện Kế hoạch số 11/KH-VKS ngày 20/01/2021 và hướng dẫn số 7 ngày 3/2/2021, "
            "sáng ngày 18/3/2021 Cụm thi đua số 8 tổ chức hội nghị.")
    assert _event(text) == "2021-03-18"


def test_metadata_lines():
    assert dates.is_meta_line("( Cập nhật lúc: 11/05/2019  )")
    assert dates.is_meta_line("22/10/2021 10:05")
    assert not dates.is_meta_line("Ngày 22/10/2021, Cụm thi đua số 1 tổ chức hội nghị tổng kết")
    assert not dates.is_meta_line("Nguyễn Văn Thắng")
    header = "Thứ sáu, Ngày 3 Tháng 5 Năm 2024\nTin tức\nTiêu đề bài viết về cụm thi đua\n02/05/2024 10:00\nNội dung"
    assert dates.published_in_header(header) == "2024-05-02"


def test_no_date_from_document_numbers_or_times():
    found = dates.find_dates("Thông tư số 01/2020/TT-VKSTC lúc 13:35, năm 2021 – 2025")
    assert found == []


def test_an_event_over_two_days_takes_its_first_day():
    assert _event("Trong 2 ngày 18 và 19/11/2022, tại Sa Pa, Cụm thi đua số 2 tổ chức hội nghị.") == "2022-11-18"
    assert _event("Ngày 20-21/3, hội nghị diễn ra tại Hà Giang.", ref_year=2024) == "2024-03-20"

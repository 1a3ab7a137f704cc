from extract.clusters import find_clusters
from extract.event import article_year, find_event
from extract.model import Article
from extract.text import Document


def event(text, title=None, published=None):
    doc = Document(text)
    art = Article(text=text, title=title, published=published)
    return find_event(doc, art, find_clusters(doc))


def test_title_decides_the_type():
    text = ("Cụm thi đua số 9 ký kết giao ước và phát động thi đua năm 2022\n"
            "Sáng ngày 14/3/2022, Cụm thi đua số 9 tổ chức hội nghị phát động, ký kết giao ước thi đua năm 2022.")
    ev = event(text, title="Cụm thi đua số 9 ký kết giao ước và phát động thi đua năm 2022")
    assert ev["type"] == "ky_giao_uoc"
    assert ev["date"] == "2022-03-14"
    assert ev["period"] == "năm 2022"
    assert ev["cluster"] == "Cụm thi đua số 9"


def test_lead_decides_without_title():
    ev = event("Chiều 9/7, Khối cơ quan Nội chính tỉnh tổ chức Hội nghị sơ kết phong trào thi đua "
               "6 tháng đầu năm 2021. Năm trước, Khối đã tổng kết và ký kết giao ước.")
    assert ev["type"] == "so_ket"
    assert ev["period"] == "6 tháng đầu năm 2021"
    assert ev["date"] == "2021-07-09"
    assert ev["cluster"] == "Khối thi đua Nội chính"


def test_vote_award_workplan_and_other():
    assert event("Cụm 4 họp bình xét, suy tôn tập thể xuất sắc năm 2020.")["type"] == "binh_xet"
    assert event("Viện trưởng đề nghị Thủ tướng tặng Cờ thi đua cho 9 tập thể.")["type"] == "trao_thuong"
    assert event("Tại Hội nghị triển khai công tác năm 2022 diễn ra chiều 12/1, Vụ 16 báo cáo kết quả.",
                 published="2022-01-13")["type"] == "trien_khai"
    ev = event("VKSND tỉnh tổ chức hội nghị bầu Cụm trưởng, Cụm phó Cụm thi đua số 3 năm 2023",
               title="VKSND tỉnh tổ chức hội nghị bầu Cụm trưởng, Cụm phó Cụm thi đua số 3 năm 2023")
    assert ev["type"] == "khac"
    assert event("Theo hướng dẫn, việc chia cụm, khối thi đua do Viện trưởng quyết định. "
                 "Cụm trưởng tổ chức bình xét cuối năm.")["type"] == "khac"


def test_online_main_cluster_and_scope():
    text = ("Ngày 2/7/2021, Cụm thi đua số 5 ngành Kiểm sát nhân dân tổ chức Hội nghị trực tuyến sơ kết "
            "6 tháng đầu năm 2021. Đại diện Cụm thi đua số 8 dự. Cụm thi đua số 5 thống nhất phương hướng.")
    ev = event(text)
    assert ev["online"] is True
    assert ev["cluster"] == "Cụm thi đua số 5"
    assert ev["scope"] == "ngành Kiểm sát nhân dân"
    assert event("Cụm thi đua số 2 tổng kết năm 2020 tại hội trường.")["online"] is False


def test_publication_stamp_is_not_the_event_date():
    text = "Cụm thi đua số 7 ký kết giao ước\nThứ bảy, 09/04/2022 07:20\nNăm 2022, Cụm thi đua số 7 thống nhất."
    ev = event(text, title="Cụm thi đua số 7 ký kết giao ước", published="2022-04-09")
    assert ev["date"] is None


def test_article_year():
    doc = Document("Hội nghị tổng kết năm 2019.")
    art = Article(text=doc.text, published="2020-01-05")
    assert article_year(doc, art, {"date": "2019-12-30", "period": "năm 2019"}) == 2019
    assert article_year(doc, art, {"date": None, "period": "năm 2019"}) == 2019
    assert article_year(doc, art, {"date": None, "period": None}) == 2020


def test_title_names_two_events():
    def t(title):
        return event(title + "\nCác đơn vị trong Cụm đã hoàn thành tốt nhiệm vụ.", title=title)["type"]

    assert t("Cụm thi đua số 6 tổng kết năm 2022 và ký kết giao ước thi đua năm 2023") == "tong_ket"
    assert t("Khối thi đua số 3 phát động thi đua và ký kết giao ước năm 2023") == "ky_giao_uoc"
    assert t("Cụm thi đua số 1 tổng kết, bầu Cụm trưởng năm 2020") == "tong_ket"


def test_a_survey_visit_is_other_and_several_clusters_alike_give_none():
    ev = event("Đoàn công tác Vụ 16 làm việc với VKSND tỉnh Kiên Giang - đơn vị Cụm trưởng Cụm thi đua số 13.",
               title="Vụ 16 khảo sát hoạt động của Cụm thi đua số 13 tại VKSND tỉnh Kiên Giang")
    assert ev["type"] == "khac"
    text = ("Ngày 10/01/2024, VKSND tỉnh Trà Vinh tổ chức Hội nghị triển khai công tác thi đua năm 2024 và kiện toàn "
            "các Cụm, Khối thi đua.\n" + "Các đơn vị thống nhất nội dung thi đua trong năm, bảo đảm thực chất. " * 8
            + "\nTheo Quyết định kiện toàn, Cụm thi đua số 1 gồm 4 đơn vị, Cụm thi đua số 2 gồm 4 đơn vị.")
    assert event(text, title="VKSND tỉnh Trà Vinh triển khai công tác thi đua năm 2024")["cluster"] is None

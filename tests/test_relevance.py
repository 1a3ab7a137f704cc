from extract.model import Article
from extract.relevance import is_relevant
from extract.text import Document


def rel(text, title=None):
    return is_relevant(Document(text), Article(text=text, title=title))


def test_cluster_conferences_pacts_and_awards_are_relevant():
    assert rel("Ngày 10/4/2022, Cụm thi đua số 6 tổ chức Hội nghị ký kết giao ước thi đua năm 2022. "
               "Các đơn vị thống nhất nội dung phong trào thi đua.")
    assert rel("Khối Nội chính sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2023.",
               title="Khối Nội chính sơ kết công tác thi đua, khen thưởng")
    assert rel("Viện trưởng đề nghị Thủ tướng tặng Cờ thi đua của Chính phủ cho 15 tập thể có thành tích "
               "xuất sắc trong phong trào thi đua năm 2021.")


def test_other_procuracy_news_is_not_relevant():
    assert not rel("VKSND huyện Mỹ Hòa phối hợp tổ chức phiên tòa hình sự rút kinh nghiệm. Tại phiên tòa, "
                   "Kiểm sát viên xét hỏi bị cáo, tranh luận với luật sư.")
    assert not rel("Hội nghị tổng kết phiên tòa rút kinh nghiệm năm 2021 của VKSND tỉnh.",
                   title="Tổng kết phiên tòa rút kinh nghiệm năm 2021")
    assert not rel("Chi đoàn VKSND tỉnh ký giao ước kết nghĩa với Đoàn thanh niên xã biên giới.")
    assert not rel("Hội thảo khoa học về kỹ năng tranh tụng của Kiểm sát viên tại phiên tòa.")


def test_english_and_empty_text_are_not_relevant():
    assert not rel("")
    assert not rel("The emulation cluster held its annual review conference and signed a pact. " * 20)


def test_a_one_off_commendation_is_relevant():
    assert rel("Viện trưởng VKSND tối cao ký Quyết định tặng Bằng khen cho 1 tập thể và 2 cá nhân thuộc VKSND tỉnh "
               "Hậu Giang có thành tích trong vụ án buôn lậu.",
               title="Khen thưởng đột xuất tập thể, cá nhân có thành tích trong vụ án buôn lậu")


def test_a_commendation_for_work_on_one_case_is_relevant():
    title = "Khen thưởng tập thể, cá nhân có thành tích xuất sắc trong giải quyết vụ án trốn thuế"
    assert rel(title + "\n\nSáng 5/9, Phó Viện trưởng VKSND tối cao trao Quyết định tặng Bằng khen cho 1 tập thể "
               "và 4 cá nhân có thành tích xuất sắc trong kiểm sát điều tra vụ án trốn thuế tại tỉnh Bình Dương.",
               title=title)

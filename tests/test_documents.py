from extract.documents import find_documents
from extract.text import Document


def docs(text):
    return [(d["kind"], d["number"], d["date"]) for d in find_documents(Document(text))]


def test_numbers_kinds_and_issue_dates():
    text = ("Thực hiện Chỉ thị số 03/CT-VKSTC ngày 05/12/2021 và Kế hoạch số 14/KH-VKSTC ngày 20/01/2022; "
            "Thông tư số 02/2020/TT-VKSTC; Nghị định số 45/2019/NĐ-CP ngày 12/6/2019 của Chính phủ; "
            "Chỉ thị số 21-CT/TW ngày 09/3/2018; Hướng dẫn số 876/HD-BTĐKT.")
    assert docs(text) == [
        ("Chỉ thị", "03/CT-VKSTC", "2021-12-05"),
        ("Kế hoạch", "14/KH-VKSTC", "2022-01-20"),
        ("Thông tư", "02/2020/TT-VKSTC", None),
        ("Nghị định", "45/2019/NĐ-CP", "2019-06-12"),
        ("Chỉ thị", "21-CT/TW", "2018-03-09"),
        ("Hướng dẫn", "876/HD-BTĐKT", None),
    ]


def test_bare_number_lower_case_kind_and_worded_date():
    assert docs("theo kế hoạch số 12 ngày 15/02/2021 của Viện") == [("Kế hoạch", "12", "2021-02-15")]
    assert docs("Quyết định số 88/QĐ-VKS, ngày 3 tháng 4 năm 2020") == [("Quyết định", "88/QĐ-VKS", "2020-04-03")]


def test_dedupe_by_number_and_no_number_no_document():
    text = "Hướng dẫn số 30/HD-VKSTC về thi đua. Theo Hướng dẫn số 30/HD-VKSTC ngày 2/9/2020, Chỉ thị của Viện trưởng."
    assert docs(text) == [("Hướng dẫn", "30/HD-VKSTC", "2020-09-02")]
    assert docs("Luật Thi đua, khen thưởng năm 2022") == []


def test_a_law_named_before_its_number():
    assert docs("Triển khai Luật Thi đua, khen thưởng số 06/2022/QH15 trong toàn Ngành.") == [
        ("Luật", "06/2022/QH15", None)]

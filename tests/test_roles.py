"""Roles: cluster leadership with its unit and year (synthetic sentences)."""
from extract.text import Document
from extract.units import read_mentions
from extract.roles import find_roles


def run(text, year=2022, clusters=()):
    doc = Document(text)
    return [(r["unit"], r["role"], r["year"]) for r in find_roles(doc, read_mentions(doc), list(clusters), year)]


def test_designated_unit_before_role():
    assert run("Trong đó VKSND tỉnh Hà Nam được chỉ định làm đơn vị Cụm trưởng năm 2019.") == [
        ("VKSND tỉnh Hà Nam", "Cụm trưởng", 2019)]


def test_role_of_the_person_unit():
    got = run("Đồng chí Phùng Văn Tú – Viện trưởng VKSND tỉnh Yên Bái – Cụm phó Cụm thi đua số 3 phát biểu.")
    assert got == [("VKSND tỉnh Yên Bái", "Cụm phó", 2022)]


def test_unit_after_la_and_year_before():
    got = run("Hội nghị bầu đơn vị Cụm trưởng năm 2023 là Công an tỉnh Hà Giang, đơn vị Cụm phó là Công an tỉnh Lai Châu.")
    assert got == [("Công an tỉnh Hà Giang", "Cụm trưởng", 2023), ("Công an tỉnh Lai Châu", "Cụm phó", 2023)]


def test_block_roles_and_spelling_variants():
    got = run("Bình chọn Vụ 14 VKSND tối cao là đơn vị Khối trưởng Khối thi đua số 3 năm 2025; "
              "đồng chí Mai Văn Định, Giám đốc Sở Tư pháp – Phó Trưởng Khối chủ trì.")
    assert got == [("Vụ 14 VKSND tối cao", "Khối trưởng", 2025), ("Sở Tư pháp tỉnh", "Khối phó", 2022)]


def test_cluster_name_from_clusters_and_no_role_without_link():
    doc = Document("VKSND tỉnh Hà Tĩnh là Cụm trưởng Cụm thi đua số 5.")
    cl = [{"name": "Cụm thi đua số 5", "scope": None, "start": doc.text.index("Cụm thi đua"), "end": len(doc.text) - 1}]
    roles = find_roles(doc, read_mentions(doc), cl, 2021)
    assert roles[0]["cluster"] == "Cụm thi đua số 5" and roles[0]["evidence"]["sentence"] == doc.text
    assert run("Công an tỉnh Phú Yên tặng hoa chúc mừng đơn vị Cụm trưởng.") == []


def test_robust_on_empty_and_english():
    assert run("") == []
    assert run("The cluster leader was elected.") == []


def test_coordinated_roles_share_the_year_and_the_person_unit():
    got = run("Hội nghị bầu VKSND tỉnh Hà Nam là đơn vị Cụm trưởng và VKSND tỉnh Nam Định là đơn vị Cụm phó "
              "Cụm thi đua số 4 năm 2024.", year=2023)
    assert got == [("VKSND tỉnh Hà Nam", "Cụm trưởng", 2024), ("VKSND tỉnh Nam Định", "Cụm phó", 2024)]
    got = run("Viện trưởng VKSND tỉnh Lai Châu Lò Văn Pọm, Cụm trưởng năm 2023 chủ trì.", year=2023)
    assert got == [("VKSND tỉnh Lai Châu", "Cụm trưởng", 2023)]

"""kb.resolve: one row per unit however spelled, officials merged with positions, clusters by scope."""
import sqlite_utils

from kb.resolve import canonical_unit_name, classify_unit, cluster_id, infer_scope, unit_id, unit_row
from kb_fixtures import built_db


def test_three_spellings_are_one_unit():
    names = ["VKSND tỉnh Bắc Giang", "Viện KSND tỉnh Bắc Giang", "Viện kiểm sát nhân dân tỉnh Bắc Giang",
             "Viện Kiểm sát nhân dân Tỉnh  Bắc Giang"]
    assert {canonical_unit_name(n) for n in names} == {"VKSND tỉnh Bắc Giang"}
    assert len({unit_id(n) for n in names}) == 1


def test_departments_by_name_or_number():
    assert canonical_unit_name("Vụ Thi đua - Khen thưởng") == "Vụ 16 VKSND tối cao"
    assert canonical_unit_name("Vụ 7, VKSNDTC") == "Vụ 7 VKSND tối cao"
    assert canonical_unit_name("Vụ 07 - Viện kiểm sát nhân dân tối cao") == "Vụ 7 VKSND tối cao"
    assert unit_id("Vụ 16 VKSND tối cao") == unit_id("Vụ Thi đua - Khen thưởng VKSND tối cao")


def test_cities_and_levels():
    assert canonical_unit_name("Viện KSND Thành phố Hồ Chí Minh") == "VKSND TP Hồ Chí Minh"
    assert canonical_unit_name("Tòa án nhân dân tỉnh Long An") == "TAND tỉnh Long An"
    assert classify_unit("VKSND TP Hà Nội")["level"] == "tỉnh"
    assert classify_unit("VKSND TP Vinh")["level"] == "huyện"
    assert classify_unit("VKSND cấp cao tại Đà Nẵng")["level"] == "cấp cao"
    assert classify_unit("Vụ 7 VKSND tối cao")["level"] == "trung ương"


def test_province_before_and_after_the_merger_are_not_conflated():
    row = unit_row("VKSND tỉnh Bắc Giang")
    assert (row["province"], row["province_status"], row["current_province"]) == ("Bắc Giang", "pre2025", "Bắc Ninh")
    assert row["province_id"] != row["current_province_id"]
    assert row["latitude"] and row["longitude"]
    same = unit_row("VKSND tỉnh Bắc Ninh")
    assert same["province_id"] == same["current_province_id"] == "bac-ninh"


def test_clusters_are_keyed_by_scope_and_name():
    assert cluster_id("ngành Kiểm sát nhân dân", "Cụm thi đua số 4") == cluster_id("Ngành kiểm sát nhân dân",
                                                                                   "Cụm thi đua số 04")
    assert cluster_id("ngành Kiểm sát nhân dân", "Cụm thi đua số 4") != cluster_id("tỉnh Quảng Nam",
                                                                                   "Cụm thi đua số 4")
    assert cluster_id("Viện kiểm sát nhân dân thành phố Hải Phòng", "Khối thi đua số 2") == \
        cluster_id("VKSND TP Hải Phòng", "Khối thi đua số 2")
    provinces = [unit_row("VKSND tỉnh Phú Thọ"), unit_row("VKSND tỉnh Bắc Giang"), unit_row("Vụ 16 VKSND tối cao")]
    assert infer_scope(provinces) == "ngành Kiểm sát nhân dân"
    districts = [unit_row("VKSND huyện Phú Tân, tỉnh An Giang"), unit_row("VKSND huyện Chợ Mới, tỉnh An Giang")]
    assert infer_scope(districts) == "VKSND tỉnh An Giang"


def test_merged_in_the_built_db(tmp_path):
    db = sqlite_utils.Database(built_db(tmp_path))
    # Bắc Giang's procuracy is spelled three ways across three articles: one unit, two aliases.
    units = list(db.query("select * from units where province = 'Bắc Giang'"))
    assert [u["name"] for u in units] == ["VKSND tỉnh Bắc Giang"]
    aliases = {r["alias"] for r in db.query("select alias from unit_aliases where unit_id = ?", [units[0]["id"]])}
    assert aliases == {"Viện KSND tỉnh Bắc Giang", "Viện kiểm sát nhân dân tỉnh Bắc Giang"}
    # The same person in two articles with two titles: one official, two positions in time order.
    officials = list(db.query("select * from officials where name = 'Nguyễn Văn An'"))
    assert len(officials) == 1
    positions = list(db.query("select title, first_seen, last_seen, evidence_text from positions "
                              "where official_id = ? order by first_seen", [officials[0]["id"]]))
    assert [(p["title"], p["first_seen"]) for p in positions] == [("Phó Viện trưởng", "2020-06-30"),
                                                                  ("Viện trưởng", "2023-12-15")]
    assert all(p["evidence_text"] == "Nguyễn Văn An" for p in positions)
    # One cluster across two years; the guest department is not a member.
    assert db["clusters"].count == 1
    members = {(r["name"], r["year"]) for r in db.query(
        "select u.name, m.year from cluster_members m join units u on u.id = m.unit_id")}
    assert ("Vụ 16 VKSND tối cao", 2020) not in members
    assert {("VKSND tỉnh Phú Thọ", 2020), ("VKSND tỉnh Bắc Giang", 2020), ("VKSND tỉnh Bắc Giang", 2023)} <= members
    # An award to a person not among the officials still points to a person.
    award = next(db.query("select * from awards where recipient = 'Lê Văn Cường'"))
    assert award["recipient_official_id"] and award["recipient_unit_id"] is None

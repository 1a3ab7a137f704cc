"""The canned queries of metadata.yml answer their questions on a small built knowledge base."""
import pytest

from kb_datasette import get_html, get_json
from kb_fixtures import built_db


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    return built_db(tmp_path_factory.mktemp("kb"))


def q(db_path, query, **params):
    from urllib.parse import urlencode

    return get_json(db_path, f"/thidua/{query}.json?{urlencode({**params, '_shape': 'array'})}")


def test_a_clusters_events_by_year(db_path):
    rows = q(db_path, "cluster_events_by_year", cluster="cum 4", scope="")
    assert [(r["year"], r["type"]) for r in rows] == [(2020, "so_ket"), (2023, "tong_ket")]
    assert q(db_path, "cluster_events_by_year", cluster="cum 14", scope="") == []
    assert len(q(db_path, "cluster_events_by_year", cluster="Cụm thi đua số 4", scope="kiem sat")) == 2


def test_who_led_each_cluster_each_year(db_path):
    rows = q(db_path, "cluster_leaders", cluster="")
    leaders = {(r["year"], r["role"]): r["unit"] for r in rows}
    assert leaders[(2020, "Cụm trưởng")] == "VKSND tỉnh Phú Thọ"
    assert leaders[(2020, "Cụm phó")] == "VKSND tỉnh Bắc Giang"
    assert leaders[(2023, "Cụm trưởng")] == "VKSND tỉnh Bắc Giang"
    chair_2020 = next(r for r in rows if (r["year"], r["role"]) == (2020, "Cụm trưởng"))
    assert chair_2020["heads"] == "Trần Thị Bình (Viện trưởng)"


def test_a_units_timeline_whatever_the_spelling(db_path):
    rows = q(db_path, "unit_timeline", unit="Vien kiem sat nhan dan tinh Bac Giang")
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    facts = {(r["date"], r["fact"]) for r in rows}
    assert {("2020-06-30", "event"), ("2020-06-30", "role"), ("2023-12-15", "award"), ("2024-01-05", "event")} <= facts


def test_an_officials_positions_and_appearances(db_path):
    rows = q(db_path, "official_profile", name="nguyen van an")
    positions = [(r["title"], r["date"]) for r in rows if r["fact"] == "position"]
    assert positions == [("Phó Viện trưởng", "2020-06-30"), ("Viện trưởng", "2023-12-15")]
    assert len([r for r in rows if r["fact"] == "appearance"]) == 2


def test_awards_by_year_and_recipient(db_path):
    assert [(r["award"], r["recipient_kind"]) for r in q(db_path, "awards_by_year", year="2023", recipient="")] == \
        [("Cờ thi đua của ngành Kiểm sát nhân dân", "unit")]
    rows = q(db_path, "awards_by_year", year="", recipient="le van cuong")
    assert [(r["year"], r["recipient"], r["recipient_kind"]) for r in rows] == [(2024, "Lê Văn Cường", "person")]


def test_evidence_is_shown_with_the_fact_highlighted(db_path):
    rows = q(db_path, "facts_with_evidence", title="tong ket")
    assert {r["kind"] for r in rows} == {"official", "unit", "award", "role", "document"}
    assert all(r["evidence_text"] in r["evidence_sentence"] for r in rows)
    html = get_html(db_path, "/thidua/facts_with_evidence?title=tong+ket")
    assert "<mark>Cờ thi đua của ngành Kiểm sát nhân dân</mark>" in html
    assert "<mark>Nguyễn Văn An</mark>" in get_html(db_path, "/thidua/appearances")


def test_map_and_dashboards_are_configured(db_path):
    rows = q(db_path, "units_map")
    assert rows and all(r["latitude"] and r["longitude"] for r in rows)
    assert "datasette-cluster-map" in get_html(db_path, "/thidua/units")
    dashboard = get_html(db_path, "/-/dashboards/thidua-overview")
    assert "Sự kiện theo năm và loại" in dashboard and "Khen thưởng theo năm" in dashboard
    per_year = get_json(db_path, "/thidua.json?sql=" + __import__("urllib.parse").parse.quote(
        "select year, type, count(*) as n from events where relevant = 1 group by year, type") + "&_shape=array")
    assert {(r["year"], r["type"]) for r in per_year} == {(2020, "so_ket"), (2023, "tong_ket"), (2024, "trao_thuong")}


@pytest.fixture(scope="module")
def rich_db(tmp_path_factory):
    from kb_fixtures import built_rich_db

    return built_rich_db(tmp_path_factory.mktemp("rich"))


@pytest.mark.parametrize("spelling", ["VKSND tỉnh Long An", "Viện KSND tỉnh Long An", "vien kiem sat nhan dan long an",
                                      "Viện kiểm sát nhân dân tỉnh Long An", "long an"])
def test_awards_received_by_a_unit_whatever_the_spelling(rich_db, spelling):
    rows = q(rich_db, "unit_awards", unit=spelling)
    assert [(r["year"], r["award"], r["unit"], r["status"]) for r in rows] == [
        (2022, "Cờ thi đua của Chính phủ", "VKSND tỉnh Long An", "proposed"),
        (2024, "Bằng khen của Thủ tướng Chính phủ", "VKSND tỉnh Long An", "conferred")]
    assert all(r["evidence_text"] in r["evidence_sentence"] for r in rows)
    assert q(rich_db, "unit_awards", unit="") == []  # an empty form lists nothing, not everything


def test_the_four_questions_on_a_richer_knowledge_base(rich_db):
    events = q(rich_db, "cluster_events_by_year", cluster="Cụm thi đua số 4", scope="")
    assert {(r["year"], r["scope"]) for r in events} >= {(2022, "ngành Kiểm sát nhân dân"), (2023, "VKSND tỉnh Nghệ An")}
    leaders = {(r["cluster"], r["year"], r["role"]): r["unit"] for r in q(rich_db, "cluster_leaders", cluster="cum 10")}
    assert leaders == {("Cụm thi đua số 10", 2022, "Cụm trưởng"): "VKSND tỉnh Long An",
                       ("Cụm thi đua số 10", 2023, "Cụm trưởng"): "VKSND tỉnh Tiền Giang"}
    profile = q(rich_db, "official_profile", name="Lê Hoàng Minh")
    assert {r["title"] for r in profile if r["fact"] == "position"} == {"Viện trưởng"}
    assert [r["date"] for r in profile if r["fact"] == "appearance"] == ["2022-12-15", "2023-07-05", "2024-01-11"]
    timeline = q(rich_db, "unit_timeline", unit="Viện KSND Long An")
    assert {r["fact"] for r in timeline} == {"event", "role", "award"} and all(r["event_id"] for r in timeline)


def test_search_snippets_keep_the_accents(rich_db):
    rows = q(rich_db, "search_events", q="thi dua Long An")
    assert rows and all("<mark>" in r["snippet"] for r in rows)
    assert any("<mark>thi</mark> <mark>đua</mark>" in r["snippet"] for r in rows)

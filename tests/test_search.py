"""Accent-insensitive search: "thi dua" and "Bac Giang" find "thi đua" and "Bắc Giang"."""
import sqlite_utils

from kb.fold import fold
from kb_datasette import get_json
from kb_fixtures import built_db


def test_fold():
    assert fold("Thi đua – Khen thưởng Bắc Giang ĐẮK LẮK") == "thi dua – khen thuong bac giang dak lak"


def _fts(db_path, query):
    db = sqlite_utils.Database(db_path)
    return {r["title"] for r in db.query(
        "select a.title from articles_fts join articles a on a.rowid = articles_fts.rowid "
        "where articles_fts match :q", {"q": query})}


def test_fts_finds_accented_rows_from_plain_queries(tmp_path):
    db_path = built_db(tmp_path)
    hits = _fts(db_path, '"thi dua"')
    assert "Cụm thi đua số 4 tổng kết năm 2023" in hits
    assert "Xét xử vụ án trộm cắp tài sản" not in hits
    assert len(_fts(db_path, '"bac giang"')) == 4
    assert _fts(db_path, '"thi đua"') == hits  # accented queries still work


def test_datasette_table_search(tmp_path):
    db_path = built_db(tmp_path)
    rows = get_json(db_path, "/thidua/articles.json?_search=thi+dua&_shape=array&_col=title")
    assert len(rows) == 3 and all("thi đua" in r["title"] or "Bằng khen" in r["title"] for r in rows)
    rows = get_json(db_path, "/thidua/articles.json?_search=Bac+Giang&_shape=array&_col=title")
    assert len(rows) == 4


def test_canned_query_folds_its_parameter(tmp_path):
    db_path = built_db(tmp_path)
    rows = get_json(db_path, "/thidua/search_events.json?q=thi+dua+Bac+Giang&_shape=array")
    assert {r["title"] for r in rows} == {"Cụm thi đua số 4 tổng kết năm 2023",
                                         "Cụm thi đua số 4 sơ kết công tác thi đua 6 tháng đầu năm 2020",
                                         "Trao Bằng khen cho cán bộ VKSND tỉnh Bắc Giang"}
    assert rows[0]["snippet"].count("<mark>") >= 2
    accented = get_json(db_path, "/thidua/search_events.json?q=thi+%C4%91ua+B%E1%BA%AFc+Giang&_shape=array")
    assert {r["title"] for r in accented} == {r["title"] for r in rows}

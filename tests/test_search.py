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
    # the index holds the folded text (kb.schema.FTS_COLUMNS): queries are folded before they reach it
    assert _fts(db_path, '"thi dua" NOT "xet xu"') == hits


def test_an_accented_table_search_finds_what_its_plain_form_finds(tmp_path):
    db_path = built_db(tmp_path)
    for accented, plain in (("thi+đua", "thi+dua"), ("Bắc+Giang", "Bac+Giang"), ("%22thi+đua%22", "%22thi+dua%22")):
        got = get_json(db_path, f"/thidua/articles.json?_search={accented}&_shape=array&_col=title")
        assert got and got == get_json(db_path, f"/thidua/articles.json?_search={plain}&_shape=array&_col=title")
    raw = get_json(db_path, "/thidua/articles.json?_search=th%C3%AC+AND+%C4%91ua&_searchmode=raw&_shape=array")
    assert raw == get_json(db_path, "/thidua/articles.json?_search=thi+AND+dua&_searchmode=raw&_shape=array")


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


def test_an_index_of_an_older_version_is_made_again_with_the_folded_columns(tmp_path):
    from kb.schema import FTS_COLUMNS, FTS_TOKENIZE, ensure_schema

    db_path = built_db(tmp_path)
    db = sqlite_utils.Database(db_path)
    db["articles"].disable_fts()
    db["articles"].enable_fts(["title", "text", "title_folded", "text_folded"], fts_version="FTS5",
                              create_triggers=True, tokenize=FTS_TOKENIZE)
    ensure_schema(db)
    assert [c.name for c in db["articles_fts"].columns] == FTS_COLUMNS
    assert "Cụm thi đua số 4 tổng kết năm 2023" in _fts(db_path, '"thi dua"')
    assert {r[0] for r in db.execute("select name from sqlite_master where type = 'trigger'")} >= \
        {"articles_ai", "articles_ad", "articles_au"}

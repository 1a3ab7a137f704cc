"""Search stays fast on a big knowledge base (issue 6) without changing what it finds."""
import sqlite3

from kb.plugins.thidua_kb import accent_snippet, prepare_connection
from kb.serve import SETTINGS
from kb_datasette import get_json
from kb_fixtures import built_db


def _sql_rows(db_path, sql, params):
    conn = sqlite3.connect(db_path)
    prepare_connection(conn)
    from datasette.utils import escape_fts
    conn.create_function("escape_fts", 1, escape_fts)
    return conn.execute(sql, params).fetchall()


def test_table_search_probes_the_match_list_and_finds_the_same_rows(tmp_path):
    db_path = built_db(tmp_path)
    data = get_json(db_path, "/thidua/articles.json?_search=thi+dua&_col=title&_col=published")
    assert "+rowid in (select rowid from articles_fts" in data["query"]["sql"]
    expected = _sql_rows(db_path, "select id, title, published from articles where rowid in (select rowid from "
                         "articles_fts where articles_fts match escape_fts(:s)) order by published desc, id",
                         {"s": "thi dua"})
    assert [tuple(r) for r in data["rows"]] == expected and expected


def test_table_search_counts_only_when_asked(tmp_path):
    db_path = built_db(tmp_path)
    assert get_json(db_path, "/thidua/articles.json?_search=Bac+Giang")["filtered_table_rows_count"] is None
    counted = get_json(db_path, "/thidua/articles.json?_search=Bac+Giang&_count=1")
    assert counted["filtered_table_rows_count"] == 4
    # no search: the table page counts as usual
    assert get_json(db_path, "/thidua/articles.json")["filtered_table_rows_count"] > 0


def test_no_facet_suggestions_and_no_default_facets_on_articles(tmp_path):
    assert SETTINGS["suggest_facets"] is False
    db_path = built_db(tmp_path)
    data = get_json(db_path, "/thidua/articles.json?_search=thi+dua")
    assert data["facet_results"] == {} and data["suggested_facets"] == []
    assert set(get_json(db_path, "/thidua/events.json")["facet_results"]) == {"year", "type", "cluster_id", "province"}
    asked = get_json(db_path, "/thidua/articles.json?_search=thi+dua&_facet=source")
    assert set(asked["facet_results"]) == {"source"}


def test_snippet_from_the_folded_text_is_the_same():
    text = "Hội nghị tổng kết công tác thi đua, khen thưởng của Cụm thi đua số 4 tại Bắc Giang năm 2023."
    folded = "hoi nghi tong ket cong tac thi dua, khen thuong cua cum thi dua so 4 tai bac giang nam 2023."
    for q in ("thi dua Bac Giang", "Bắc Giang", "khen thuong", "nothing here"):
        assert accent_snippet(text, q, folded) == accent_snippet(text, q)
    assert accent_snippet(text, "bac giang", "too short") == accent_snippet(text, "bac giang")
    assert "<mark>Bắc Giang</mark>" not in accent_snippet(text, "bac giang")  # words are marked one by one
    assert "<mark>Bắc</mark> <mark>Giang</mark>" in accent_snippet(text, "bac giang", folded)


def test_accent_words_counts_the_words_typed_as_whole_words():
    from kb.plugins.thidua_kb import accent_words

    text = "Hội nghị thi đua Cụm 6; Thi-đua_2 ĐỒNG CHÍ thiết"
    assert accent_words(text, "thi đua") == 2
    assert accent_words(text, "thi dua") == 1  # "dua" is not written so
    assert accent_words(text, "cụm 6 cum") == 2
    assert accent_words(text, "đồng chí") == 2  # case aside
    assert accent_words(text, "thiế") == 0 and accent_words(text, "đua_2") == 1  # whole words only (\w includes _)
    assert accent_words(None, "thi") == 0 and accent_words(text, "  ") == 0

"""kb.build: pending pages are extracted once, upserts are idempotent, failures are recorded."""
import sqlite_utils

from kb.build import build
from kb_fixtures import BASE, RECORDS, counts, fake_extract, page_row, write_pages


def test_build_twice_adds_no_rows(tmp_path):
    db_path = tmp_path / "thidua.db"
    write_pages(db_path)
    first = build(db_path, fake_extract)
    before = counts(db_path)
    second = build(db_path, fake_extract)
    assert counts(db_path) == before
    assert first == {"pages": 5, "extracted": 4, "relevant": 3, "skipped": 0, "errors": 1, "superseded": 0,
                     "reextracted": 0, "events": 3}
    # Only the broken page is pending again (it is retried), nothing is re-extracted.
    assert second["extracted"] == 0 and second["errors"] == 1
    # one report per relevant article; three conferences, one event each
    assert before["articles"] == 4 and before["event_reports"] == 3 and before["events"] == 3


def test_one_bad_page_does_not_stop_the_build(tmp_path):
    db_path = tmp_path / "thidua.db"
    write_pages(db_path)
    build(db_path, fake_extract)
    db = sqlite_utils.Database(db_path)
    errors = list(db["build_errors"].rows)
    assert len(errors) == 1 and errors[0]["url"] == BASE + "hong"
    assert "ValueError: cannot parse this page" in errors[0]["error"]
    assert "Traceback (most recent call last)" in errors[0]["error"]  # a bug to fix: where it happened
    assert db["articles"].count == 4


def test_listing_pages_and_failed_fetches_are_not_extracted(tmp_path):
    db_path = tmp_path / "thidua.db"
    write_pages(db_path, with_broken=False)
    db = sqlite_utils.Database(db_path)
    db["pages"].insert({**page_row(BASE + "loi-404", "<p>not found</p>"), "status": 404})
    build(db_path, fake_extract)
    urls = {r["url"] for r in db["articles"].rows}
    assert urls == set(RECORDS)


def test_a_changed_page_is_a_new_version_of_the_same_article(tmp_path):
    db_path = tmp_path / "thidua.db"
    write_pages(db_path, with_broken=False)
    build(db_path, fake_extract)
    db = sqlite_utils.Database(db_path)
    url = BASE + "cum-4-so-ket-2020"
    article_id = db.execute("select id from articles where url = ?", [url]).fetchone()[0]
    before = counts(db_path)

    db["pages"].insert(page_row(url, "<p>PHIEN BAN 2</p>", fetched_at="2024-07-01T00:00:00"))
    stats = build(db_path, fake_extract)
    assert stats["extracted"] == 1
    after = counts(db_path)
    assert after["article_versions"] == before["article_versions"] + 1
    assert {k: v for k, v in after.items() if k not in ("pages", "article_versions")} == \
        {k: v for k, v in before.items() if k not in ("pages", "article_versions")}
    article = db["articles"].get(article_id)  # same stable id
    assert article["version"] == 2 and article["title"].endswith("(cập nhật)")
    statuses = [r["status"] for r in db.query(
        "select status from article_versions where article_id = ? order by version", [article_id])]
    assert statuses == ["earlier", "current"]


def test_older_unextracted_version_is_superseded(tmp_path):
    db_path = tmp_path / "thidua.db"
    db = sqlite_utils.Database(db_path)
    url = BASE + "cum-4-so-ket-2020"
    db["pages"].insert_all([page_row(url, "<p>v1</p>", "2024-01-01"), page_row(url, "<p>PHIEN BAN 2</p>", "2024-02-01")],
                           pk="id")
    stats = build(db_path, fake_extract)
    assert stats["extracted"] == 1 and stats["superseded"] == 1
    assert db["articles"].count == 1


def test_parallel_build_gives_the_same_rows(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir(), two.mkdir()
    write_pages(one / "thidua.db")
    write_pages(two / "thidua.db")
    build(one / "thidua.db", fake_extract, jobs=1, )
    stats = build(two / "thidua.db", fake_extract, jobs=2, )
    assert stats["extracted"] == 4 and stats["errors"] == 1
    assert counts(one / "thidua.db") == counts(two / "thidua.db")
    ids = lambda p: sorted(r[0] for r in sqlite_utils.Database(p).execute("select id from units"))  # noqa: E731
    assert ids(one / "thidua.db") == ids(two / "thidua.db")


def test_foreign_keys_hold_and_wal_is_on(tmp_path):
    db_path = tmp_path / "thidua.db"
    write_pages(db_path)
    build(db_path, fake_extract)
    db = sqlite_utils.Database(db_path)
    assert db.execute("pragma foreign_key_check").fetchall() == []
    assert db.journal_mode == "wal"


def test_evidence_is_kept_and_text_falls_back_to_the_page(tmp_path):
    db_path = tmp_path / "thidua.db"
    write_pages(db_path)
    build(db_path, fake_extract)
    db = sqlite_utils.Database(db_path)
    row = next(db.query("select * from appearances where name = 'Trần Thị Bình'"))
    assert row["evidence_text"] == "Trần Thị Bình" and row["evidence_text"] in row["evidence_sentence"]
    text = db.execute("select text from articles where url = ?", [BASE + "trao-bang-khen-2024"]).fetchone()[0]
    assert "Lê Văn Cường" in text and "<p>" not in text


def test_search_index_is_complete_after_a_build_interrupted_while_it_was_deferred(tmp_path):
    from kb.schema import FTS_TRIGGERS, defer_fts

    db_path = tmp_path / "thidua.db"
    write_pages(db_path)
    build(db_path, fake_extract)
    db = sqlite_utils.Database(db_path)
    defer_fts(db)  # what a build does first; then it dies before indexing what it inserted
    db.execute("insert into articles (id, title, text, title_folded, text_folded) "
               "values ('x1', 'Hội nghị đặc biệt', 'Thi đua đặc biệt', 'hoi nghi dac biet', 'thi dua dac biet')")
    db.conn.commit()
    db.close()
    build(db_path, fake_extract)  # the next build repairs the index first
    db = sqlite_utils.Database(db_path)
    found = db.execute("select a.id from articles_fts f join articles a on a.rowid = f.rowid "
                       "where articles_fts match 'dac biet'").fetchall()
    assert found == [("x1",)]
    assert {r[0] for r in db.execute("select name from sqlite_master where type = 'trigger'")} == set(FTS_TRIGGERS)
    db.execute("insert into articles_fts(articles_fts, rank) values('integrity-check', 1)")


def test_an_older_extractor_version_is_extracted_again(tmp_path):
    from kb_fixtures import rich_extract, rich_extract_v2, write_rich_pages

    db_path = tmp_path / "thidua.db"
    write_rich_pages(db_path)
    first = build(db_path, rich_extract, extractor_version="v1")
    assert first["reextracted"] == 0 and first["extracted"] > 5
    assert build(db_path, rich_extract, extractor_version="v1")["pages"] == 0  # nothing new, same extractor
    db = sqlite_utils.Database(db_path)
    officials_v1 = db["appearances"].count

    again = build(db_path, rich_extract_v2, extractor_version="v2")
    assert again["reextracted"] == again["extracted"] == first["extracted"]
    assert {r[0] for r in db.execute("select distinct extractor_version from articles")} == {"v2"}
    assert db["appearances"].count < officials_v1  # the new extractor's facts replaced the old ones
    assert db["article_versions"].count_where("status = 'current'") == first["extracted"]

    assert build(db_path, rich_extract_v2, extractor_version="v2")["pages"] == 0
    forced = build(db_path, rich_extract_v2, extractor_version="v2", reextract=True)
    assert forced["reextracted"] == first["extracted"]

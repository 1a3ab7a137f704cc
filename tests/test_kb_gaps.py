"""Gaps closed in the knowledge base: orphans after re-extraction, named departments, JSON-LD job titles."""
import copy
import io
import json

import sqlite_utils

from kb.build import build
from kb.export import export
from kb.resolve import canonical_unit_name
from kb_fixtures import BASE, RECORDS, built_rich_db, fake_extract, page_row, write_pages


def test_units_and_officials_no_longer_mentioned_are_removed(tmp_path):
    db_path = tmp_path / "thidua.db"
    write_pages(db_path, with_broken=False)
    build(db_path, fake_extract)
    db = sqlite_utils.Database(db_path)
    assert db["units"].count_where("name = 'VKSND tỉnh Thái Nguyên'") == 1
    assert db["officials"].count_where("name = 'Trần Thị Bình'") == 1

    url = BASE + "cum-4-so-ket-2020"

    def second_version(page):  # the new version no longer names Thái Nguyên nor Trần Thị Bình
        if page["url"] != url:
            return fake_extract(page)
        record = copy.deepcopy(RECORDS[url])
        record["id"] = str(page["id"])
        record["units"] = [u for u in record["units"] if u != "VKSND tỉnh Thái Nguyên"]
        record["officials"] = [o for o in record["officials"] if o["name"] != "Trần Thị Bình"]
        return record

    db["pages"].insert(page_row(url, "<p>PHIEN BAN 2</p>", fetched_at="2024-07-01T00:00:00"))
    assert build(db_path, second_version, )["extracted"] == 1
    assert db["units"].count_where("name = 'VKSND tỉnh Thái Nguyên'") == 0
    assert db["officials"].count_where("name = 'Trần Thị Bình'") == 0
    assert db["positions"].count_where("official_id not in (select id from officials)") == 0
    assert db["unit_aliases"].count_where("unit_id not in (select id from units)") == 0
    # still referenced elsewhere: kept
    assert db["units"].count_where("name = 'VKSND tỉnh Phú Thọ'") == 1


def test_named_departments_resolve_to_their_number():
    assert canonical_unit_name("Vụ Thực hành quyền công tố và kiểm sát xét xử hình sự VKSND tối cao") == "Vụ 7 VKSND tối cao"
    assert canonical_unit_name("Vụ Thi đua - Khen thưởng VKSND tối cao") == "Vụ 16 VKSND tối cao"
    assert canonical_unit_name("Cục Thống kê tội phạm và Công nghệ thông tin VKSND tối cao") == "Cục 2 VKSND tối cao"
    # a named department written without its parent is the extractor's to place, by the article:
    # "Vụ Tổ chức cán bộ" of an inspectorate's article is not the procuracy's Vụ 15
    assert canonical_unit_name("Vụ Tổ chức cán bộ") == "Vụ Tổ chức cán bộ"
    # other bodies' departments are left alone
    assert canonical_unit_name("Cục Thi hành án dân sự tỉnh Long An") == "Cục Thi hành án dân sự tỉnh Long An"
    assert canonical_unit_name("Vụ Pháp chế Bộ Tư pháp") == "Vụ Pháp chế Bộ Tư pháp"


def test_jsonld_persons_have_a_job_title(tmp_path):
    out = io.StringIO()
    export(built_rich_db(tmp_path), "jsonld", out)
    people = {n["name"]: n for n in json.loads(out.getvalue())["@graph"] if n["@type"] == "Person"}
    assert people["Nguyễn Văn An"]["jobTitle"] == "Viện trưởng"  # Phó Viện trưởng in 2022, Viện trưởng since 2023
    assert people["Phạm Thu Hà"]["jobTitle"] == "Phó Viện trưởng"  # last seen 2024-11-27 under that title
    assert people["Lê Hoàng Minh"]["jobTitle"] == "Viện trưởng"


def test_build_draws_a_progress_bar_when_asked(tmp_path, capsys):
    db_path = tmp_path / "thidua.db"
    write_pages(db_path, with_broken=False)
    from thidua.progress import bar

    stats = build(db_path, fake_extract, progress=bar("build", True))
    assert stats["extracted"] == 4
    assert "build" in capsys.readouterr().err  # rich draws on standard error

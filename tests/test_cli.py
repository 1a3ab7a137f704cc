"""The `thidua` command line as a user meets it: help texts, extract on good and bad files,
crawl -> build -> export on the offline mirror, and clear errors for bad input."""
from __future__ import annotations

import csv
import os
import io
import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.mirror.server import encode_cp1258
from thidua.cli import cli

REPO = Path(__file__).resolve().parents[1]
COMMANDS = ["crawl", "extract", "build", "update", "serve", "export", "ingest", "demo", "deploy"]

ARTICLE = """Cụm thi đua số 7 tổng kết công tác thi đua, khen thưởng năm 2022

Ngày 12/12/2022, tại trụ sở VKSND tỉnh Kon Tum, Cụm thi đua số 7 ngành Kiểm sát nhân dân tổ chức
Hội nghị tổng kết công tác thi đua, khen thưởng năm 2022. Đồng chí Hà Minh Tâm, Viện trưởng VKSND
tỉnh Kon Tum, Cụm trưởng Cụm thi đua số 7 chủ trì Hội nghị.

Tham dự Hội nghị có lãnh đạo VKSND các tỉnh Gia Lai, Đắk Nông và Lâm Đồng.

Quang Huy
"""


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_documents_itself(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Usage: cli " + command in result.output or f"{command} [OPTIONS]" in result.output
    # a sentence of description, not just the option list
    assert len(result.output.split("Options:")[0].strip().splitlines()) >= 3


def test_top_level_help_lists_every_command():
    result = run("--help")
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.output


def test_extract_emits_one_contract_record_per_file(tmp_path):
    (tmp_path / "cum7-tong-ket.txt").write_text(ARTICLE, encoding="utf-8")
    html = ("<html><head><meta charset='utf-8'><title>Tin</title></head><body><article><h1>Cụm thi đua số 7 "
            "tổng kết năm 2022</h1>" + "".join(f"<p>{p}</p>" for p in ARTICLE.split("\n\n")[1:])
            + "</article></body></html>")
    (tmp_path / "cum7.html").write_text(html, encoding="utf-8")
    result = run("extract", str(tmp_path / "cum7-tong-ket.txt"), str(tmp_path / "cum7.html"))
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["cum7-tong-ket", "cum7"]
    for rec in records:
        assert {"id", "relevant", "event", "units", "officials", "awards", "roles", "documents"} <= set(rec)
        assert "text" not in rec and "unit_mentions" not in rec  # internal keys stay internal
        assert rec["relevant"] is True
        assert rec["event"]["type"] == "tong_ket"
        assert rec["event"]["cluster"] == "Cụm thi đua số 7"
        assert "VKSND tỉnh Kon Tum" in rec["units"]
    official = records[0]["officials"][0]
    assert official["name"] == "Hà Minh Tâm" and official["title"] == "Viện trưởng"
    assert official["evidence"]["sentence"].startswith("Đồng chí Hà Minh Tâm")


def test_extract_no_evidence_and_output_file(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run("extract", "--no-evidence", "-o", str(out), str(src))
    assert result.exit_code == 0
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert all("evidence" not in o for o in rec["officials"] + rec["roles"])
    assert "evidence" not in rec["event"]


def test_extract_takes_a_folder(tmp_path):
    for i in range(3):
        (tmp_path / f"a{i}.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    result = run("extract", str(tmp_path))
    assert [json.loads(l)["id"] for l in result.stdout.splitlines()] == ["a0", "a1", "a2"]


def test_extract_bad_files_get_a_reason_and_the_run_goes_on(tmp_path):
    files = {
        "empty.txt": b"",
        "binary.html": bytes(range(256)) * 8,
        "nav-only.html": b"<html><body><nav><a href='/'>Trang ch\xe1\xbb\xa7</a></nav></body></html>",
        # windows-1258 uses combining tone marks: the record must come back NFC and readable
        "cp1258.html": encode_cp1258(
            "<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1258'>"
            "</head><body><article><h1>Cụm thi đua số 7 tổng kết năm 2022</h1>"
            + "".join(f"<p>{p}</p>" for p in ARTICLE.split("\n\n")[1:]) + "</article></body></html>"),
        "english.txt": b"The quarterly report of the finance team was approved on Monday. " * 20,
        "good.txt": ARTICLE.encode("utf-8"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    result = CliRunner().invoke(cli, ["extract", *(str(tmp_path / n) for n in files)])
    assert result.exit_code == 0
    records = {json.loads(l)["id"]: json.loads(l) for l in result.stdout.splitlines()}
    assert set(records) == {Path(n).stem for n in files}  # every file gets a record
    assert records["empty"]["relevant"] is False and records["empty"]["skipped"] == "empty"
    assert records["binary"]["relevant"] is False and "binary" in records["binary"]["skipped"]
    assert records["nav-only"]["relevant"] is False and records["nav-only"]["skipped"]
    assert records["english"]["relevant"] is False
    assert records["cp1258"]["relevant"] is True
    assert "Hà Minh Tâm" in [o["name"] for o in records["cp1258"]["officials"]]
    assert records["good"]["relevant"] is True
    assert "skipped: " in result.stderr and "empty" in result.stderr


def test_extract_missing_file_is_an_error_line(tmp_path):
    result = CliRunner().invoke(cli, ["extract", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert f"error: {tmp_path / 'nope.txt'}: No such file or directory" in result.stderr
    assert result.stdout == ""


def test_extract_bad_paths_fail_loudly_while_the_good_files_give_records(tmp_path):
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "config.yml").write_text("title: not an article\n", encoding="utf-8")
    (tmp_path / "zero.html").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "pipe.html")
    (tmp_path / "locked.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "locked.txt").chmod(0)
    bad = ["missing.txt", "config.yml", "zero.html", "pipe.html"]
    if os.geteuid() != 0:  # root reads any file
        bad.append("locked.txt")
    result = CliRunner().invoke(cli, ["extract", "--page-timeout", "30", *(str(tmp_path / n) for n in bad),
                                      str(tmp_path / "good.txt")])
    assert result.exit_code == 1
    assert [json.loads(l)["id"] for l in result.stdout.splitlines()] == ["good"]
    for name in bad:
        assert f"error: {tmp_path / name}: " in result.stderr, name
    assert "not a regular file" in result.stderr and "not an .html, .htm or .txt file" in result.stderr


def test_extract_skips_a_file_over_the_size_cap(tmp_path):
    (tmp_path / "big.html").write_bytes(b"<p>" + b"thi \xc4\x91ua " * 20000 + b"</p>")
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", "--max-size", "0.1", str(tmp_path)])
    assert result.exit_code == 0
    records = {json.loads(l)["id"]: json.loads(l) for l in result.stdout.splitlines()}
    assert records["big"]["relevant"] is False and records["big"]["skipped"].startswith("too large")
    assert records["good"]["relevant"] is True


def test_serve_and_export_without_a_database_say_so(tmp_path):
    missing = tmp_path / "none.db"
    for args in (["serve", "--db", str(missing)], ["export", "--db", str(missing)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1
        assert "does not exist" in result.output and "thidua build" in result.output


def test_crawl_with_a_bad_source_name_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["crawl", "--db", str(tmp_path / "x.db"), "--source", "no-such-site"])
    assert result.exit_code == 2
    assert "unknown source 'no-such-site'" in result.output


def test_crawl_a_mirror_source_needs_the_mirror_url(tmp_path):
    result = CliRunner().invoke(cli, ["crawl", "--db", str(tmp_path / "x.db"), "--source", "mirror_bvpl"])
    assert result.exit_code == 2
    assert "--mirror-url" in result.output


def test_crawl_build_export_on_the_mirror(tmp_path, module_mirror):
    """The main path through the CLI, each command in its own process as a user runs them."""
    db = tmp_path / "kb.db"
    thidua = [sys.executable, "-m", "thidua.cli"]
    env_cwd = dict(cwd=tmp_path, capture_output=True, text=True, timeout=300)
    crawl = subprocess.run(thidua + ["crawl", "--db", str(db), "--mirror-url", module_mirror.url,
                                     "--source", "mirror_kiemsat"], **env_cwd)
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    build = subprocess.run(thidua + ["build", "--json", "--db", str(db)], **env_cwd)
    assert build.returncode == 0, build.stderr[-2000:]
    stats = json.loads(build.stdout.strip().splitlines()[-1])
    assert stats["extracted"] > 0 and stats["errors"] == 0
    assert build.stderr.strip().splitlines()[-1].startswith(f"build: {stats['extracted']} pages extracted")
    again = subprocess.run(thidua + ["build", "--json", "--db", str(db)], **env_cwd)
    assert json.loads(again.stdout.strip().splitlines()[-1])["extracted"] == 0

    with sqlite3.connect(db) as conn:
        articles = conn.execute("select count(*) from articles").fetchone()[0]
        relevant = conn.execute("select count(*) from articles where relevant").fetchone()[0]
        reports = conn.execute("select count(*) from event_reports").fetchone()[0]
        events = conn.execute("select count(*) from events").fetchone()[0]
        linked = conn.execute("select count(*) from event_reports where event_id in (select id from events)").fetchone()[0]
    # one report per relevant article; the mirror's variants of an article report one conference: one event
    assert articles == stats["extracted"] and reports == relevant == linked > 0 and 0 < events < reports

    out = tmp_path / "events.jsonl"
    export = subprocess.run(thidua + ["export", "--db", str(db), "--format", "jsonl", "-o", str(out)], **env_cwd)
    assert export.returncode == 0, export.stderr
    records = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == articles
    assert sum(r["relevant"] for r in records) == relevant

    as_csv = subprocess.run(thidua + ["export", "--db", str(db), "--format", "csv"], **env_cwd)
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert sum(r["kind"] == "event" for r in rows) == relevant and len(rows) == articles  # one row per record

    as_jsonld = subprocess.run(thidua + ["export", "--db", str(db), "--format", "jsonld"], **env_cwd)
    graph = json.loads(as_jsonld.stdout)["@graph"]
    assert sum(1 for node in graph if node.get("@type") == "Event") == events  # one per conference

    merged = subprocess.run(thidua + ["export", "--db", str(db), "--format", "events"], **env_cwd)
    lines = [json.loads(l) for l in merged.stdout.splitlines()]
    assert len(lines) == events and sum(len(e["reports"]) for e in lines) == reports


def test_demo_without_serving_builds_the_knowledge_base(tmp_path):
    db = tmp_path / "demo.db"
    result = subprocess.run([sys.executable, "-m", "thidua.cli", "demo", "--no-serve", "--db", str(db)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "mirror: serving the offline sites" in result.stderr
    # quiet: one line per stage and where Scrapy's log went, not the log itself
    lines = result.stderr.strip().splitlines()
    stages = [line.split(":")[0] for line in lines if not line.startswith(("health: ", "first crawl of "))]
    assert stages == ["mirror", "crawl", "crawl", "build"], lines  # and each source's health line
    assert not [line for line in lines if re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[", line)]  # no log
    log = Path(re.search(r"Scrapy's log is in (\S+) ", lines[1]).group(1))
    assert log.parent == tmp_path / "logs" and "Spider closed (finished)" in log.read_text(encoding="utf-8")
    assert re.match(r"crawl: \d+ pages fetched \(\d+ listings, \d+ articles\), \d+ new, \d+ errors", lines[2])
    n_articles = len(list((REPO / "crawler" / "mirror" / "articles").glob("*.yml")))
    with sqlite3.connect(db) as conn:
        stored = conn.execute("select count(*) from articles").fetchone()[0]
        searched = conn.execute("select count(*) from articles_fts where articles_fts match 'thi dua'").fetchone()[0]
    assert stored >= n_articles  # every mirror article (plus the encoding-test page)
    assert searched > 0
    with sqlite3.connect(db) as conn:  # the mirror's three reports of Cụm 6's mid-year review 2024: one event
        cum6 = conn.execute("""select e.date, e.type, e.reports, group_concat(r.site, ' ') from events e
                               join event_reports r on r.event_id = e.id join clusters c on c.id = e.cluster_id
                               where c.name = 'Cụm thi đua số 6' and e.year = 2024
                               group by e.id order by e.date""").fetchall()
        cum7 = conn.execute("""select count(*) from events e join clusters c on c.id = e.cluster_id
                               where c.name = 'Cụm thi đua số 7' and e.date = '2024-06-28'""").fetchone()[0]
    assert [(d, t, n, sorted(s.split())) for d, t, n, s in cum6] == [
        ("2024-06-28", "so_ket", 3, ["mirror_bvpl", "mirror_kiemsat", "mirror_vkstv"]),
        ("2024-12-13", "tong_ket", 1, ["mirror_bvpl"])]  # and the cluster's next conference, apart
    assert cum7 == 1  # another cluster's conference the same day, apart


def test_build_exits_non_zero_when_a_page_fails_with_a_bug(tmp_path, monkeypatch):
    from kb_fixtures import write_pages

    import thidua.cli

    def buggy(page, max_bytes=None, seconds=None):
        raise KeyError("a programming error")

    db = tmp_path / "thidua.db"
    write_pages(db, with_broken=False)
    monkeypatch.setattr(thidua.cli, "extract_page", buggy)
    result = CliRunner().invoke(cli, ["build", "--db", str(db)])
    assert result.exit_code == 1
    assert "pages failed with an unexpected error" in result.stderr
    with sqlite3.connect(db) as conn:
        errors = [r[0] for r in conn.execute("select error from build_errors")]
    assert errors and all("KeyError: 'a programming error'" in e and "Traceback" in e for e in errors)


def test_a_source_with_an_invalid_css_selector_fails_to_load(tmp_path):
    from crawler.sources import SourceConfigError, load_source_file

    good = next((REPO / "crawler" / "sources").glob("*.yml")).read_text(encoding="utf-8")
    import yaml

    raw = yaml.safe_load(good)
    raw["selectors"] = {"title": "h1[", "body": "div.content"}
    path = tmp_path / f"{raw['name']}.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(SourceConfigError, match=r"selectors.title.*not a valid CSS selector"):
        load_source_file(path)


def test_extract_reports_a_bug_on_one_file_and_goes_on(tmp_path, monkeypatch):
    import extract.pipeline

    real = extract.pipeline.extract_record

    def buggy(article, record_id):
        if record_id == "bad":
            raise AttributeError("a programming error")
        return real(article, record_id)

    monkeypatch.setattr(extract.pipeline, "extract_record", buggy)
    (tmp_path / "bad.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", str(tmp_path)])
    assert result.exit_code == 1
    assert [json.loads(l)["id"] for l in result.stdout.splitlines()] == ["good"]
    assert f"error: {tmp_path / 'bad.txt'}: unexpected AttributeError: a programming error" in result.stderr
    assert "Traceback (most recent call last)" in result.stderr

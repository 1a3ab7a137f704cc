"""Hostile input through extract: every case bounded in time, each file a record or an error line.

Huge pages are skipped at the size cap without being parsed; pages whose extraction runs long
(a page of links, an unpunctuated megabyte) are skipped at the time budget; legacy-encoded
Vietnamese is recognised and skipped with that reason; random bytes, HTML and Vietnamese text
never raise. (Non-regular files, missing paths and other extensions: tests/test_cli.py.)
"""
from __future__ import annotations

import json
import random
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.mirror.server import encode_cp1258
from extract.article import from_html_bytes, from_text_bytes
from extract.pipeline import extract_bounded
from legacy_encodings import encode_tcvn3, encode_vni
from test_cli import ARTICLE
from thidua.cli import cli

BUDGET = 3.0  # seconds per page in these tests
SLACK = 15.0  # what a page may take beyond its budget (lxml parses without checking signals)
WORDS = ["thi", "đua", "khen", "thưởng", "Cụm", "Khối", "số", "Viện", "kiểm", "sát", "nhân", "dân", "tỉnh",
         "Nguyễn", "Văn", "Trần", "Thị", "Viện trưởng", "Phó", "VKSND", "tổng", "kết", "năm", "2023", "Bằng",
         "khen", "Cờ", "của", "và", "hội", "nghị", "ký", "kết", "giao", "ước", "Bắc", "Giang", "Hòa", "Bình"]


def wall_of_words(n: int = 200_000) -> str:
    """Emulation vocabulary without a stop: relevant-looking, and slow to take apart without a budget."""
    rng = random.Random(1)
    words = ["thi", "đua", "Viện", "kiểm", "sát", "nhân", "dân", "tỉnh", "Cụm", "số", "Nguyễn", "Văn", "Trưởng",
             "khen", "thưởng"]
    return " ".join(rng.choice(words) for _ in range(n))


def _extract(tmp_path, name: str, data: bytes, *options: str):
    path = tmp_path / name
    path.write_bytes(data)
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["extract", "--page-timeout", str(BUDGET), *options, str(path)])
    return result, time.monotonic() - started


def _record(result) -> dict:
    lines = result.stdout.splitlines()
    assert result.exit_code == 0 and len(lines) == 1, (result.exit_code, result.output[-2000:])
    return json.loads(lines[0])


def test_a_page_over_the_size_cap_is_skipped_unread(tmp_path):
    page = b"<html><body>" + b"<p>thi \xc4\x91ua khen th\xc6\xb0\xe1\xbb\x9fng</p>" * 700_000 + b"</body></html>"
    assert len(page) > 20_000_000
    result, seconds = _extract(tmp_path, "huge.html", page)
    record = _record(result)
    assert record["relevant"] is False and record["skipped"].startswith("too large")
    assert seconds < 5


def test_a_page_of_links_is_bounded(tmp_path):
    links = "".join(f'<a href="/tin/{i}.html">Cụm thi đua số {i % 20} hội nghị</a>\n' for i in range(60_000))
    result, seconds = _extract(tmp_path, "links.html", f"<html><body>{links}</body></html>".encode())
    record = _record(result)  # extracted or skipped at the budget: a record either way
    assert record["relevant"] is False or record["skipped"] is None
    assert seconds < BUDGET + SLACK


def test_an_unpunctuated_megabyte_is_bounded(tmp_path):
    result, seconds = _extract(tmp_path, "wall.txt", wall_of_words().encode())
    record = _record(result)
    assert seconds < BUDGET + SLACK
    if record.get("skipped"):
        assert record["skipped"].startswith("over the time budget")


def test_the_budget_skips_a_page_and_the_others_go_on(tmp_path):
    (tmp_path / "wall.txt").write_text(wall_of_words(), encoding="utf-8")
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", "--page-timeout", "0.5", str(tmp_path)])
    assert result.exit_code == 0
    records = {json.loads(line)["id"]: json.loads(line) for line in result.stdout.splitlines()}
    assert records["wall"]["skipped"] == "over the time budget (0.5 s)"
    assert "skipped: " in result.stderr and "over the time budget" in result.stderr
    assert records["good"]["relevant"] is True  # the budget restarts for every page


@pytest.mark.parametrize("encoding, encode", [("TCVN3", encode_tcvn3), ("VNI", encode_vni)])
@pytest.mark.parametrize("suffix", [".txt", ".html"])
def test_legacy_vietnamese_encodings_are_skipped_with_that_reason(tmp_path, encoding, encode, suffix):
    body = ARTICLE if suffix == ".txt" else f"<html><body><article><p>{ARTICLE}</p></article></body></html>"
    result, _ = _extract(tmp_path, "legacy" + suffix, encode(body))
    record = _record(result)
    assert record["relevant"] is False
    assert record["skipped"] == f"legacy Vietnamese encoding ({encoding}), not converted"


def test_windows_1258_is_not_mistaken_for_a_legacy_encoding(tmp_path):
    result, _ = _extract(tmp_path, "cp1258.txt", encode_cp1258(ARTICLE))
    record = _record(result)
    assert "skipped" not in record and record["relevant"] is True


# --------------------------------------------------------------------------- properties
def _check(record: dict, seconds: float) -> None:
    assert isinstance(record, dict) and isinstance(record["relevant"], bool)
    assert record["relevant"] or record.get("skipped") is None or isinstance(record["skipped"], str)
    json.dumps(record, ensure_ascii=False)  # serialisable
    assert seconds < BUDGET + SLACK


def _run(parse, data: bytes) -> None:
    started = time.monotonic()
    record = extract_bounded(lambda: parse(data), "x", BUDGET)
    _check(record, time.monotonic() - started)


PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
vietnamese = st.lists(st.sampled_from(WORDS + [".", ",", "\n", ":", "(", ")", "\n\n"]), max_size=300).map(" ".join)
html = st.recursive(
    vietnamese | st.text(max_size=50),
    lambda inner: st.builds(lambda tag, attrs, kids: f"<{tag}{attrs}>{''.join(kids)}</{tag}>",
                            st.sampled_from(["p", "div", "article", "h1", "a", "span", "script", "table", "td",
                                             "li", "meta", "time", "br", "b"]),
                            st.sampled_from(["", ' class="date"', ' href="#"', ' charset="windows-1258"',
                                             ' datetime="2023-12-15"', ' class="x" id="y"']),
                            st.lists(inner, max_size=5)),
    max_leaves=30)


@PROPERTY
@given(st.binary(max_size=5000))
def test_random_bytes_as_html(data):
    _run(from_html_bytes, data)


@PROPERTY
@given(st.binary(max_size=5000))
def test_random_bytes_as_text(data):
    _run(from_text_bytes, data)


@PROPERTY
@given(html, st.sampled_from(["utf-8", "utf-16", "cp1258"]))
def test_random_html(markup, encoding):
    data = f"<html><body>{markup}</body></html>"
    _run(from_html_bytes, encode_cp1258(data) if encoding == "cp1258" else data.encode(encoding))


@PROPERTY
@given(vietnamese)
def test_random_vietnamese_text(text):
    _run(from_text_bytes, text.encode("utf-8"))


def test_build_skips_pages_over_the_caps_and_goes_on(tmp_path):
    import sqlite3

    import sqlite_utils

    from kb_fixtures import BASE, page_row, write_pages

    db = tmp_path / "thidua.db"
    write_pages(db, with_broken=False)
    sqlite_utils.Database(db)["pages"].insert_all([
        page_row(BASE + "wall", f"<html><body><article><p>{wall_of_words()}</p></article></body></html>"),
        page_row(BASE + "huge", "<html><body>" + "<p>thi đua</p>" * 200_000 + "</body></html>"),
    ], pk="id")
    started = time.monotonic()
    # a fresh process: loading the extractor's models (over a second) happens before the first page's budget
    result = subprocess.run([sys.executable, "-m", "thidua.cli", "build", "--db", str(db),
                             "--page-timeout", "0.5", "--max-size", "1.5"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert time.monotonic() - started < 120
    with sqlite3.connect(db) as conn:
        skipped = dict(conn.execute("select url, skip_reason from articles where skip_reason is not null"))
        articles = conn.execute("select count(*) from articles").fetchone()[0]
        relevant = conn.execute("select count(*) from articles where relevant").fetchone()[0]
    assert skipped[BASE + "wall"] == "over the time budget (0.5 s)"
    assert skipped[BASE + "huge"].startswith("too large")
    assert articles == 6 and set(skipped) == {BASE + "wall", BASE + "huge"}  # the other four went on
    assert relevant >= 1

"""A build killed with SIGKILL at any phase, then `build` again, gives the database a clean build gives.

Phases (kb.build's fault-injection points): after a committed batch of records, after the facts,
after the search index, after positions, after cluster members, after orphan removal, before the
WAL checkpoint. Both a first build and a re-extraction by a newer extractor are killed.
"""
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kb.build import KILL_AT_ENV, build
from kb_fixtures import rich_extract, rich_extract_v2, write_rich_pages

TESTS = Path(__file__).resolve().parent
PHASES = ["record", "facts", "fts", "merge", "positions", "cluster_members", "orphans", "checkpoint"]
VARYING = {"extracted_at", "failed_at"}  # timestamps of the build itself
CHILD = """
import sys
sys.path.insert(0, {tests!r})
from kb.build import build
from kb_fixtures import {extract}
build({db!r}, {extract}, extractor_version={version!r})
"""


def _build_in_child(db: Path, extract: str, version: str, kill_at: str) -> int:
    code = CHILD.format(tests=str(TESTS), db=str(db), extract=extract, version=version)
    env = {**__import__("os").environ, KILL_AT_ENV: kill_at}
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=TESTS.parent, timeout=120).returncode


def snapshot(db_path: Path) -> dict:
    """Every table's rows (sorted, timestamps of the build left out), the search index's answers, the flags."""
    conn = sqlite3.connect(db_path)
    try:
        out = {}
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' "
                                             "and name not like 'articles_fts%' and name not like 'sqlite_%'")]
        for table in tables:
            cols = [r[1] for r in conn.execute(f"pragma table_info([{table}])") if r[1] not in VARYING]
            out[table] = sorted(conn.execute(f"select {', '.join(f'[{c}]' for c in cols)} from [{table}]").fetchall(),
                                key=repr)
        conn.execute("insert into articles_fts(articles_fts) values('integrity-check')")  # raises if out of step
        for word in ("thi", "dua", "cum", "bac", "giang", "vksnd", "khen"):
            out[f"fts:{word}"] = sorted(r[0] for r in conn.execute(
                "select rowid from articles_fts where articles_fts match ?", [word]))
        out["triggers"] = sorted(r[0] for r in conn.execute("select name from sqlite_master where type = 'trigger'"))
        out["user_version"] = conn.execute("pragma user_version").fetchone()[0]
        return out
    finally:
        conn.close()


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    """Clean builds: the first one (v1), and a re-extraction by the newer extractor (v2) after it."""
    tmp = tmp_path_factory.mktemp("clean")
    first, second = tmp / "first.db", tmp / "second.db"
    write_rich_pages(first)
    build(first, rich_extract, extractor_version="v1")
    write_rich_pages(second)
    build(second, rich_extract, extractor_version="v1")
    build(second, rich_extract_v2, extractor_version="v2")
    return snapshot(first), snapshot(second)


@pytest.mark.parametrize("phase", PHASES)
def test_a_first_build_killed_then_built_again_equals_a_clean_build(tmp_path, clean, phase):
    db = tmp_path / "thidua.db"
    write_rich_pages(db)
    assert _build_in_child(db, "rich_extract", "v1", phase) == -signal.SIGKILL
    build(db, rich_extract, extractor_version="v1")
    assert snapshot(db) == clean[0]


@pytest.mark.parametrize("phase", PHASES)
def test_a_reextraction_killed_then_built_again_equals_a_clean_one(tmp_path, clean, phase):
    db = tmp_path / "thidua.db"
    write_rich_pages(db)
    build(db, rich_extract, extractor_version="v1")
    assert _build_in_child(db, "rich_extract_v2", "v2", phase) == -signal.SIGKILL
    build(db, rich_extract_v2, extractor_version="v2")
    assert snapshot(db) == clean[1]


def test_a_kill_after_the_facts_leaves_the_derived_tables_marked_stale(tmp_path):
    db = tmp_path / "thidua.db"
    write_rich_pages(db)
    build(db, rich_extract, extractor_version="v1")
    assert _build_in_child(db, "rich_extract_v2", "v2", "facts") == -signal.SIGKILL
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("pragma user_version").fetchone()[0] & 1
    finally:
        conn.close()
    # the next build has nothing to extract, and repairs them all the same
    stats = build(db, rich_extract_v2, extractor_version="v2")
    assert stats["extracted"] == 0
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("pragma user_version").fetchone()[0] == 0
    finally:
        conn.close()

"""kb.serve: Datasette on a loopback port, read-only, our metadata; Ctrl-C stops it cleanly."""
import json
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import sqlite_utils
import yaml

from kb_fixtures import built_db
from servers import free_port, stop

ROOT = Path(__file__).resolve().parent.parent


def _get(url: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                return json.loads(r.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_serve_answers_search_on_loopback(tmp_path):
    db_path = built_db(tmp_path)
    renamed = db_path.rename(tmp_path / "any-name.db")  # served as "thidua" whatever the file's name
    port = free_port()
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "thidua"), "serve", "--db", str(renamed), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        rows = _get(f"{base}/thidua/articles.json?_search=thi+dua&_shape=array")
        assert len(rows) == 3
        settings = _get(f"{base}/-/settings.json")
        assert settings["sql_time_limit_ms"] == 3000
        databases = _get(f"{base}/-/databases.json")
        # read-only, but not immutable: a build may write to the file while it is served
        assert [(d["name"], d["is_mutable"]) for d in databases] == [("thidua", True)]
        plugins = {p["name"] for p in _get(f"{base}/-/plugins.json")}
        assert {"thidua_kb.py", "datasette-dashboards", "datasette-cluster-map"} <= plugins
    finally:
        stop(proc)  # what Ctrl-C sends
    assert proc.returncode == 0, proc.stderr.read().decode()[-2000:]  # a clean stop, not a traceback
    try:  # nothing is left listening
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        raise AssertionError(f"something still listens on port {port}")
    except ConnectionRefusedError:
        pass


def test_metadata_describes_every_table_and_column(tmp_path):
    db = sqlite_utils.Database(built_db(tmp_path))
    metadata = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    for key in ("title", "description_html", "source", "license"):
        assert metadata.get(key)
    tables = metadata["databases"]["thidua"]["tables"]
    for table in db.table_names():
        if table.startswith("articles_fts") or table.startswith("sqlite_"):
            continue  # the search index's shadow tables and SQLite's own statistics
        assert tables.get(table, {}).get("description"), table
        missing = set(db[table].columns_dict) - set(tables[table].get("columns", {}))
        assert not missing, (table, missing)
    assert len(metadata["databases"]["thidua"]["queries"]) >= 6

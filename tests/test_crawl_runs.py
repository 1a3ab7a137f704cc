"""crawl_runs: a run killed with SIGKILL is closed by the next run with what it stored; a live one is left alone."""
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from crawler import store

ROOT = Path(__file__).resolve().parent.parent

CHILD = textwrap.dedent("""
    import os, signal, sys
    from crawler import store
    db = store.open_db(sys.argv[1])
    run = store.start_run(db, ["mirror_kiemsat"], hold_lock=True)
    for i in range(3):
        store.save_page(db, {"url": f"http://example.org/{i}", "source": "mirror_kiemsat", "status": 200,
                             "html": b"<p>x</p>" + bytes([i]), "is_article": 1})
    store.record_error(db, run, "http://example.org/404", "HTTP 404", 404, "mirror_kiemsat")
    store.update_run(db, run, pages=5, listing_pages=1, article_pages=4, new_articles=3)
    print(run, flush=True)
    if sys.argv[2] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    sys.stdin.read()  # stay alive until the test closes stdin
""")


def _child(db, how):
    return subprocess.Popen([sys.executable, "-c", CHILD, str(db), how], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)


def test_a_killed_run_is_closed_by_the_next_run(tmp_path):
    db_path = tmp_path / "thidua.db"
    child = _child(db_path, "kill")
    killed = int(child.stdout.readline())
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    db = store.open_db(db_path)
    assert store.run_stats(db, killed)["finished"] is None  # nothing closed it
    run = store.start_run(db, ["mirror_kiemsat"], hold_lock=True)
    row = store.run_stats(db, killed)
    assert row["finish_reason"] == "killed" and row["started"] <= row["finished"] <= store.utc_now()
    assert (row["pages"], row["new_articles"], row["errors"]) == (5, 3, 1)  # what it stored
    assert not Path(f"{db_path}.run-{killed}.lock").exists()
    store.update_run(db, run, finished=True, finish_reason="finished")
    assert not Path(f"{db_path}.run-{run}.lock").exists()


def test_a_live_run_is_left_open(tmp_path):
    db_path = tmp_path / "thidua.db"
    child = _child(db_path, "stay")
    try:
        live = int(child.stdout.readline())
        db = store.open_db(db_path)
        store.start_run(db, ["mirror_kiemsat"])
        assert store.run_stats(db, live)["finished"] is None
    finally:
        child.stdin.close()
        child.wait(timeout=30)
    assert os.path.exists(f"{db_path}.run-{live}.lock")  # it ended without closing its run: killed, in effect
    db = store.open_db(db_path)
    store.start_run(db, ["mirror_kiemsat"])
    assert store.run_stats(db, live)["finish_reason"] == "killed"

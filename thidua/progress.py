"""Progress bars on standard error for long work (rich)."""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterable, Iterator, Optional, Sequence, TypeVar

T = TypeVar("T")


def progress_iter(items: Sequence[T] | Iterable[T], label: str, enabled: Optional[bool] = None,
                  total: Optional[int] = None) -> Iterator[T]:
    """Yield items, drawing a bar when enabled (default: stderr is a terminal and >20 items)."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    if enabled is None:
        enabled = sys.stderr.isatty() and (total or 0) > 20
    if not enabled:
        yield from items
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True)) as bar:
        task = bar.add_task(label, total=total)
        for item in items:
            yield item
            bar.advance(task)


def bar(label: str, enabled: Optional[bool] = None):
    """A progress callback for library functions that take one: ``callback(items, total)`` yields the items."""
    def callback(items: Iterable[T], total: Optional[int] = None) -> Iterator[T]:
        return progress_iter(items, label, enabled=enabled, total=total)
    return callback


@contextmanager
def watch_pages(db_path, label: str, enabled: Optional[bool] = None) -> Iterator[None]:
    """While the block runs (a crawl), show on standard error how many pages the database has gained.

    The crawl writes to SQLite (WAL), so a second connection in a thread can count the rows as
    they arrive; there is no total to reach, so the bar only pulses. Default: when stderr is a terminal.
    """
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield
        return
    import sqlite3
    import threading

    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    def count(conn, table):
        try:
            return conn.execute(f"select count(*) from {table}").fetchone()[0]
        except sqlite3.Error:  # not created yet
            return 0

    stop = threading.Event()
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def poll():
            conn, start = None, (0, 0)
            try:
                while not stop.wait(0.3):
                    if conn is None:
                        try:  # the crawl creates the database as it starts
                            conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1)
                            start = (count(conn, "pages"), count(conn, "crawl_errors"))
                        except sqlite3.Error:
                            conn = None
                            continue
                    pages, errors = count(conn, "pages") - start[0], count(conn, "crawl_errors") - start[1]
                    bar.update(task, description=f"{label}: {pages} new pages, {errors} errors")
            finally:
                if conn is not None:
                    conn.close()

        thread = threading.Thread(target=poll, daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=2)

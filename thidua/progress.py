"""Progress bars on standard error for long work (rich)."""
from __future__ import annotations

import sys
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

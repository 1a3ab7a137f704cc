"""Input files and pages for extraction, with bounded work: what may be read, how much, how long.

- Only regular files with the extensions below are read (a symlink to ``/dev/zero`` or a FIFO is
  refused without opening it for reading), and at most ``max_bytes`` of them: the crawler's
  8 MB cap (``DOWNLOAD_MAXSIZE``) applies to files and stored pages too.
- :func:`time_budget` bounds the work on one page: past it, :class:`OverBudget` is raised in
  the middle of the work (SIGALRM; Python's regular expressions check for signals too).
"""
from __future__ import annotations

import os
import signal
import stat
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

HTML_SUFFIXES = (".html", ".htm")
TEXT_SUFFIXES = (".txt",)
SUFFIXES = HTML_SUFFIXES + TEXT_SUFFIXES
MAX_BYTES = 8 * 1024 * 1024  # the crawler's DOWNLOAD_MAXSIZE
PAGE_SECONDS = 30.0  # default time budget of one page (an article takes well under a second)


class InputError(Exception):
    """A path that cannot be extracted (missing, not a regular file, unreadable, unsupported); names it."""


class TooLarge(Exception):
    """More bytes than the cap: the page is skipped with this reason."""


class OverBudget(BaseException):
    """The page's time budget ran out. A BaseException, like KeyboardInterrupt: a library's
    ``except Exception`` must not swallow it and carry on with the page."""


def input_files(paths) -> Iterator[tuple[Path, Optional[InputError]]]:
    """(path, None) for every file to extract, (path, error) for every path that cannot be.

    A folder gives its .html/.htm/.txt files (recursively, sorted; other files in it are
    ignored); a path given by name must exist and have one of those extensions.
    """
    for p in map(Path, paths):
        try:
            st = p.stat()
        except OSError as exc:
            yield p, InputError(f"{p}: {exc.strerror or 'cannot be read'}")
            continue
        if stat.S_ISDIR(st.st_mode):
            try:
                found = sorted(x for x in p.rglob("*") if x.suffix.lower() in SUFFIXES and not x.is_dir())
            except OSError as exc:
                yield p, InputError(f"{p}: {exc.strerror or 'cannot list the folder'}")
                continue
            for x in found:
                yield x, None
        elif p.suffix.lower() not in SUFFIXES:
            yield p, InputError(f"{p}: not an .html, .htm or .txt file")
        else:
            yield p, None


def read_input(path: Path, max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file; InputError if it is not one or cannot be read, TooLarge past the cap."""
    path = Path(path)
    try:
        st = os.stat(path)  # follows symlinks: what would be read
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or 'cannot be read'}") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path}: not a regular file")
    if st.st_size > max_bytes:
        raise TooLarge(f"too large ({st.st_size} bytes, the cap is {max_bytes})")
    try:
        # O_NONBLOCK: a file swapped for a FIFO between stat and open cannot block the run.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or 'cannot be read'}") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise InputError(f"{path}: not a regular file")
        try:
            data = f.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"{path}: {exc.strerror or 'cannot be read'}") from None
    if len(data) > max_bytes:
        raise TooLarge(f"too large (over {max_bytes} bytes, the cap)")
    return data


def check_size(data, max_bytes: int = MAX_BYTES) -> None:
    """TooLarge when a stored page holds more than the cap."""
    if data is not None and len(data) > max_bytes:
        raise TooLarge(f"too large ({len(data)} bytes, the cap is {max_bytes})")


@contextmanager
def time_budget(seconds: Optional[float]):
    """Raise OverBudget in this block once ``seconds`` have passed (no limit: None or 0).

    Uses SIGALRM, so it bounds only the main thread of a process (elsewhere it does nothing);
    the previous handler and timer are restored on the way out.
    """
    if not seconds or threading.current_thread() is not threading.main_thread() \
            or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise OverBudget(f"over the time budget ({seconds:g} s)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

"""Shared by the benchmark modules: figures, medians, child processes with their peak RSS, free ports."""
from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
# generated databases and pages (gitignored with bench/results/); BENCH_WORK points it elsewhere
WORK = Path(os.environ["BENCH_WORK"]).resolve() if os.environ.get("BENCH_WORK") else RESULTS / "work"
PYTHON = sys.executable
THIDUA = str(Path(sys.executable).with_name("thidua"))


@dataclass
class Figure:
    name: str                       # "extraction", "crawl", "build 100k"...
    value: Optional[float]
    unit: str
    baseline: Optional[float] = None
    ratio: Optional[float] = None
    target: str = ""
    passed: Optional[bool] = None   # None: no target, or not measured
    runs: int = 0
    detail: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def percentile(values, p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


@dataclass
class ChildResult:
    seconds: float
    max_rss_mb: float
    cpu_seconds: float
    returncode: int
    stdout: str
    stderr: str


def run_child(cmd: list[str], timeout: float = 3600, env: Optional[dict] = None, cwd=ROOT) -> ChildResult:
    """Run ``cmd`` to completion; wall time and the child's peak RSS (ru_maxrss of that child alone).

    os.wait4 returns the same ``struct rusage`` as ``resource.getrusage(RUSAGE_CHILDREN)``, but for
    this one child (and the grandchildren it waited for, e.g. a multiprocessing pool), so
    successive stages do not mask each other's peaks.
    """
    out_path = WORK / f"child-{os.getpid()}.out"
    err_path = WORK / f"child-{os.getpid()}.err"
    WORK.mkdir(parents=True, exist_ok=True)
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=str(cwd), env={**os.environ, **(env or {})})
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    out_path.unlink(missing_ok=True)
    err_path.unlink(missing_ok=True)
    return ChildResult(seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, proc.returncode, stdout,
                       stderr)


def check(result: ChildResult, what: str) -> ChildResult:
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {result.returncode}):\n{result.stderr[-3000:]}")
    return result


def last_json(text: str) -> dict:
    """The last line of ``text`` that parses as a JSON object."""
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    raise ValueError(f"no JSON object in output: {text[-500:]!r}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60, proc: Optional[subprocess.Popen] = None) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                r.read()
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def stop(proc: Optional[subprocess.Popen]) -> None:
    """Stop a server we started (by its own pid), politely then firmly."""
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)

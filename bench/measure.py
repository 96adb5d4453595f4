"""Shared measuring helpers of ``make bench`` (bench/run.py and its section modules): fresh processes timed with
``os.wait4`` (wall time, peak RSS, CPU), medians, the machine and load, and the Markdown cell formats."""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "scenarios").glob("*.yaml"))
PY = sys.executable
MAPPER = (
    [str(Path(PY).with_name("mapper"))]
    if Path(PY).with_name("mapper").exists()
    else [PY, "-m", "mapper"]
)


@dataclass
class Proc:
    wall: float  # seconds
    rss_mb: float  # peak resident set size of the child (and the children it waited for)
    cpu: float  # user + sys seconds
    code: int
    err: str


def run_process(
    args: Sequence[str], env: dict[str, str] | None = None, cwd: Path = ROOT, *, check: bool = True
) -> Proc:
    """Run a command to completion; wall time, peak RSS and CPU time from ``os.wait4``. With ``check`` a failure
    stops the benchmark (a figure of a failed run would be meaningless); without it the caller judges."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(list(args), stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(
            status
        )  # reaped here: keep Popen from waiting again
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    if check and p.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed ({p.returncode}):\n{text}")
    rss_kb = ru.ru_maxrss  # kilobytes on Linux
    return Proc(wall, rss_kb / 1024, ru.ru_utime + ru.ru_stime, p.returncode, text)


def median_of(fn: Callable[[], float], repeats: int) -> float:
    return statistics.median(fn() for _ in range(repeats))


def env_with(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MAPPER_CACHE_DIR", "MAPPER_NO_CACHE")}
    env.update(extra)
    return env


def fmt_s(x: float) -> str:
    return f"{x:.3f} s" if x < 1 else f"{x:.2f} s"


def fmt_mb(n_bytes: float) -> str:
    return f"{n_bytes / 1e6:.2f} MB"


def ratio(baseline: float, ours: float) -> str:
    return f"{baseline / ours:.1f}x" if ours else "-"


def ok(flag: bool) -> str:
    return "yes" if flag else "**no**"


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


def machine() -> list[str]:
    """The report's header: date, commit, CPU, cores, RAM, versions and the load average at the start."""
    cpu = platform.processor() or "unknown CPU"
    ram = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    import folium
    import shapely

    commit = _commit()
    return [
        f"- Date: {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}; commit {commit or '?'} (plus uncommitted work)",
        f"- Machine: {cpu}; {cores} logical CPUs ({usable} usable); {ram} RAM; "
        f"{platform.system()} {platform.release()} ({platform.machine()})",
        f"- Python {platform.python_version()}, folium {folium.__version__}, shapely {shapely.__version__}",
        f"- Load average at start: {load()}",
    ]


def _commit() -> str:
    """The checked-out commit, short, read from ``.git`` itself (no git process: the benchmark runs beside work
    in progress and must not touch the repository)."""
    git = ROOT / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head[:7]
        ref = head[5:]
        if (git / ref).is_file():
            return (git / ref).read_text().strip()[:7]
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line[:7]
    except OSError:
        pass
    return ""

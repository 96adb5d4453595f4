"""Benchmark of ``mapper gallery``: cold and incremental builds, and parallel scaling.

Run with ``.venv/bin/python bench/bench_gallery.py`` (about 1-2 minutes on 2 cores). Every figure is the wall time of
the real command (``python -m mapper gallery ... -q``, interpreter start included) in a fresh temporary folder:

* the five example scenarios, cold (empty output folder, default ``--jobs``: the number of CPUs) — target < 10 s;
* the same gallery rebuilt with nothing changed (median of 3) — target < 1.5 s;
* the same gallery after one scenario changed (only that one is rendered again);
* 50 generated scenarios (``bench/make_scenarios.py``, seed 1), cold, at ``--jobs 1`` and ``--jobs 2``, and the
  speed-up between them (near 2 expected on 2 free cores). The CPU time of each run (user + sys of the command
  and its workers) is shown too: on a busy machine the wall-time speed-up says little, and
  ``CPU(--jobs 1) / (CPU(--jobs 2) / 2)`` estimates what two idle cores would give (the work is CPU-bound).

Prints the machine (CPU, cores, load average: other processes skew the figures) and a Markdown table.

Functions for ``bench/run.py`` (issue #20, target 1), each in its own temporary folder, each returning a dict of
plain numbers (seconds) with the load average before and after:

* ``unchanged_examples_with_broken(runs=5)``: the five examples plus one broken scenario, cold once, then the
  median of ``runs`` unchanged rebuilds (target <= 0.5 s);
* ``unchanged_generated(n=200, runs=3)``: ``n`` generated scenarios, cold once, then the median unchanged
  rebuild (target < 1 s);
* ``cold_scaling(n=200)``: ``n`` generated scenarios cold at ``--jobs 1`` and ``--jobs 2`` (target >= 1.7x);
* ``unchanged_imports()``: the heavy modules (folium, numpy ...) an unchanged rebuild imports (target: none).
"""

from __future__ import annotations

import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_scenarios import make_scenarios  # noqa: E402

CPU: list[float] = []  # CPU seconds (user + sys, workers included) of each run, in order


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def gallery(src: Path, out: Path, *extra: str, codes: tuple[int, ...] = (0,)) -> float:
    """Wall time of one ``mapper gallery`` run (its CPU time goes to ``CPU``); fails loudly if it exits with
    another code than ``codes`` (1: a gallery with a broken scenario)."""
    c0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mapper", "gallery", str(src), "-o", str(out), "-q", *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - t0
    CPU.append(_children_cpu() - c0)
    if proc.returncode not in codes:
        raise SystemExit(f"mapper gallery failed ({proc.returncode}):\n{proc.stderr}")
    return elapsed


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}; {os.cpu_count()} logical CPUs; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; load average {_load()}"
    )


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


BROKEN = """\
format: 1
id: bad
title: Broken
date: 2025-03-27
options:
  - id: a
    name: A
    colour: navy
    forces:
      - {name: F, nation: FR, troops: 10, at: "Nowhere"}
"""
HEAVY = ("folium", "branca", "numpy", "pandas", "matplotlib", "shapely", "pyproj", "yaml")


def _examples_with_broken(folder: Path) -> Path:
    shutil.copytree(ROOT / "scenarios", folder)
    (folder / "zz_broken.yaml").write_text(BROKEN, encoding="utf-8")
    return folder


def _unchanged(src: Path, out: Path, runs: int, codes: tuple[int, ...]) -> dict[str, Any]:
    load = _load()
    cold = gallery(src, out, codes=codes)
    times = [gallery(src, out, codes=codes) for _ in range(runs)]
    return {
        "cold_s": cold,
        "median_s": statistics.median(times),
        "runs_s": times,
        "load_before": load,
        "load_after": _load(),
    }


def unchanged_examples_with_broken(runs: int = 5) -> dict[str, Any]:
    """The five examples and one broken scenario: ``cold_s`` (first build), ``median_s`` of ``runs`` unchanged
    rebuilds (fresh processes, interpreter start included; target <= 0.5 s), ``runs_s``, the load averages."""
    with tempfile.TemporaryDirectory(prefix="bench_gallery_") as tmp:
        src = _examples_with_broken(Path(tmp) / "examples")
        return _unchanged(src, Path(tmp) / "gallery", runs, codes=(1,))


def unchanged_generated(n: int = 200, runs: int = 3) -> dict[str, Any]:
    """``n`` generated scenarios (seed 1): ``cold_s`` (default ``--jobs``), ``median_s`` of ``runs`` unchanged
    rebuilds (target < 1 s for 200), ``runs_s``, ``n``, the load averages."""
    with tempfile.TemporaryDirectory(prefix="bench_gallery_") as tmp:
        src = Path(tmp) / "generated"
        make_scenarios(src, n, seed=1)
        return {"n": n, **_unchanged(src, Path(tmp) / "gallery", runs, codes=(0,))}


def cold_scaling(n: int = 200) -> dict[str, Any]:
    """``n`` generated scenarios built cold at ``--jobs 1`` then ``--jobs 2``: wall (``jobs1_s``, ``jobs2_s``)
    and CPU seconds (workers included), ``speedup`` (wall ratio; target >= 1.7x), ``cpu_estimate``
    (``CPU(j1) / (CPU(j2) / 2)``: what two idle cores would give), ``n``, the load averages."""
    with tempfile.TemporaryDirectory(prefix="bench_gallery_") as tmp:
        src = Path(tmp) / "generated"
        make_scenarios(src, n, seed=1)
        load = _load()
        t1 = gallery(src, Path(tmp) / "j1", "--jobs", "1")
        cpu1 = CPU[-1]
        t2 = gallery(src, Path(tmp) / "j2", "--jobs", "2")
        cpu2 = CPU[-1]
    return {
        "n": n,
        "jobs1_s": t1,
        "jobs2_s": t2,
        "speedup": t1 / t2,
        "cpu_jobs1_s": cpu1,
        "cpu_jobs2_s": cpu2,
        "cpu_estimate": cpu1 / (cpu2 / 2),
        "load_before": load,
        "load_after": _load(),
    }


_PROBE = """
import sys
from mapper.cli import main
try:
    main(sys.argv[2:])
except SystemExit:
    pass
print(" ".join(m for m in sys.argv[1].split(",") if m in sys.modules))
"""


def unchanged_imports() -> list[str]:
    """The modules of ``HEAVY`` (folium, numpy, pandas ...) that an unchanged rebuild of the examples plus a
    broken scenario imports, in a fresh process (target: none)."""
    with tempfile.TemporaryDirectory(prefix="bench_gallery_") as tmp:
        src = _examples_with_broken(Path(tmp) / "examples")
        out = Path(tmp) / "gallery"
        gallery(src, out, codes=(1,))
        proc = subprocess.run(
            [
                sys.executable,
                "-c",
                _PROBE,
                ",".join(HEAVY),
                "gallery",
                str(src),
                "-o",
                str(out),
                "-q",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    return proc.stdout.split()


def main() -> None:
    rows: list[tuple[str, str, str, str]] = []

    def row(name: str, wall: float, target: str = "-", cpu: float | None = None) -> None:
        cpu = CPU[-1] if cpu is None else cpu
        rows.append((name, f"{wall:.2f} s", f"{cpu:.2f} s", target))

    print(f"Machine: {machine()}\n", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench_gallery_") as tmp:
        tmp = Path(tmp)
        src = tmp / "examples"
        shutil.copytree(ROOT / "scenarios", src)
        out = tmp / "examples_gallery"
        row("Example gallery (5 scenarios), cold, default --jobs", gallery(src, out), "< 10 s")
        warm = statistics.median(gallery(src, out) for _ in range(3))
        row(
            "Example gallery, unchanged rebuild (median of 3)",
            warm,
            "< 1.5 s",
            statistics.median(CPU[-3:]),
        )
        path = src / "key_cities.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        row("Example gallery, one scenario changed", gallery(src, out))

        gen = tmp / "generated"
        make_scenarios(gen, 50, seed=1)
        t1 = gallery(gen, tmp / "gen_j1", "--jobs", "1")
        cpu1 = CPU[-1]
        row("50 generated scenarios, cold, --jobs 1", t1)
        t2 = gallery(gen, tmp / "gen_j2", "--jobs", "2")
        cpu2 = CPU[-1]
        row("50 generated scenarios, cold, --jobs 2", t2)

    print("| Measurement | Wall time | CPU time | Target |")
    print("|---|---:|---:|---|")
    for name, wall, cpu, target in rows:
        print(f"| {name} | {wall} | {cpu} | {target} |")
    print(f"| Speed-up --jobs 2 vs --jobs 1 (wall) | {t1 / t2:.2f}x | | near 2x on 2 idle cores |")
    estimate = cpu1 / (cpu2 / 2)
    print(f"| Speed-up estimate on 2 idle cores: CPU(j1) / (CPU(j2) / 2) | {estimate:.2f}x | | |")
    print(f"| CPU per scenario at --jobs 1 (map page + thumbnail) | | {cpu1 / 50:.2f} s | |")
    print(f"\nLoad average after the run: {_load()}")


if __name__ == "__main__":
    main()

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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_scenarios import make_scenarios  # noqa: E402

CPU: list[float] = []  # CPU seconds (user + sys, workers included) of each run, in order


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def gallery(src: Path, out: Path, *extra: str) -> float:
    """Wall time of one ``mapper gallery`` run (its CPU time goes to ``CPU``); fails loudly if it fails."""
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
    if proc.returncode != 0:
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

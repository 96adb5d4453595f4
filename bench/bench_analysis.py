"""Benchmark of the geodesic analysis (issue 4): distances from many points to the bundled front line, and the
whole analysis of every example scenario.

Run with ``.venv/bin/python bench/bench_analysis.py`` (about 20-40 s). Prints the machine, then a Markdown table:

* 1k / 10k / 100k seeded random points over the theatre (lon 20..42, lat 43.5..54) against the bundled front line
  (``mapper.geodesy.distance_to_line_km``), median of repeats; target for 10k points: < 2 s;
* baseline measured in the same run: brute force ``pyproj.Geod.inv`` from 1k points to every vertex of the line
  densified to 2 km (coarse: its own error is up to ~0.1 km near the line), reported per point and as a ratio;
* the whole analysis (``load_scenario`` + ``analyze``) of every example after imports, in a fresh process (cold:
  geodata read, reference geometries built) and warm (caches filled); target < 0.5 s; baseline: brute-force
  distances to the front line alone for the same sites.
"""

from __future__ import annotations

import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyproj
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mapper import geodesy  # noqa: E402
from mapper.frontline import bundled_front_line  # noqa: E402

GEOD = pyproj.Geod(ellps="WGS84")
EXAMPLES = sorted((ROOT / "scenarios").glob("*.yaml"))


def timed(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def random_points(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(43.5, 54.0, n), rng.uniform(20.0, 42.0, n)


def densify(coords: np.ndarray, max_m: float) -> np.ndarray:
    out = [coords[0]]
    for (x1, y1), (x2, y2) in itertools.pairwise(coords):
        n = int(np.ceil(GEOD.inv(x1, y1, x2, y2)[2] / max_m)) - 1
        if n > 0:
            out.extend(GEOD.npts(x1, y1, x2, y2, n))
        out.append((x2, y2))
    return np.array(out, dtype=float)


def brute_force_km(lat: np.ndarray, lon: np.ndarray, dense: np.ndarray) -> np.ndarray:
    out = np.empty(len(lat))
    for i in range(len(lat)):
        d = GEOD.inv(
            np.full(len(dense), lon[i]), np.full(len(dense), lat[i]), dense[:, 0], dense[:, 1]
        )[2]
        out[i] = d.min() / 1000.0
    return out


COLD = r"""
import sys, time
sys.path.insert(0, {root!r})
from mapper.loader import load_scenario
from mapper.analysis import analyze
paths = {paths!r}
t0 = time.perf_counter()
scenarios = [load_scenario(p) for p in paths]
t1 = time.perf_counter()
n = 0
for s in scenarios:
    a = analyze(s)
    n += sum(len(o.forces) + len(o.hubs) for o in a.options)
print(t1 - t0, time.perf_counter() - t1, n)
"""


def main() -> None:
    line = bundled_front_line().line
    coords = shapely.get_coordinates(line)
    length = geodesy.geodesic_length_km(line)
    print("# bench_analysis")
    print()
    print(
        f"Machine: {platform.platform()}, {platform.machine()}, {os.cpu_count()} CPU(s), "
        f"Python {platform.python_version()}, numpy {np.__version__}, pyproj {pyproj.__version__}, "
        f"shapely {shapely.__version__}"
    )
    print(f"Front line: bundled, {len(coords)} vertices, {length:,.0f} km (geodesic)")
    print()

    rows: list[tuple[str, str, str, str]] = []
    # warm-up (prepares and caches the densified line)
    geodesy.distance_to_line_km(line, lat=50.0, lon=30.0)

    # baseline: brute force Geod.inv to every vertex of a 2 km densification, 1k points
    lat1k, lon1k = random_points(1_000)
    dense = densify(coords, 2_000.0)
    t0 = time.perf_counter()
    brute_force_km(lat1k, lon1k, dense)
    t_base = time.perf_counter() - t0
    per_point_base = t_base / 1_000
    rows.append(
        (
            f"baseline: Geod.inv to all {len(dense):,} vertices (2 km), 1k points",
            f"{t_base:.3f} s",
            f"{1_000 / t_base:,.0f} pts/s",
            "1x",
        )
    )

    for n, repeats in ((1_000, 5), (10_000, 5), (100_000, 2)):
        lat, lon = random_points(n)
        t = timed(
            lambda lat=lat, lon=lon: geodesy.distance_to_line_km(line, lat=lat, lon=lon), repeats
        )
        ratio = per_point_base / (t / n)
        target = " (target < 2 s)" if n == 10_000 else ""
        rows.append(
            (
                f"distance_to_line_km, {n:,} points{target}",
                f"{t:.3f} s",
                f"{n / t:,.0f} pts/s",
                f"{ratio:,.0f}x",
            )
        )
    # accuracy against a fine reference (100 m densification) on 200 of the points
    fine = densify(coords, 100.0)
    sub = slice(0, 200)
    fine_ref = brute_force_km(lat1k[sub], lon1k[sub], fine)
    got = geodesy.distance_to_line_km(line, lat=lat1k[sub], lon=lon1k[sub]).distance_km
    max_diff = float(np.abs(got - fine_ref).max())
    max_rel = float((np.abs(got - fine_ref) / fine_ref).max())

    # whole analysis of every example: cold in a fresh process (after imports), then warm in this one
    code = COLD.format(root=str(ROOT), paths=[str(p) for p in EXAMPLES])
    cold = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    t_cold_load, t_cold_analyze, n_sites = cold.stdout.split()
    t_cold_load, t_cold_analyze = float(t_cold_load), float(t_cold_analyze)
    t_cold = t_cold_load + t_cold_analyze
    from mapper.analysis import analyze
    from mapper.loader import load_scenario

    scenarios = [load_scenario(p) for p in EXAMPLES]
    for s in scenarios:
        analyze(s)
    t_warm_analyze = timed(lambda: [analyze(s) for s in scenarios], 5)
    t_warm_all = timed(lambda: [analyze(load_scenario(p)) for p in EXAMPLES], 5)
    site_lat = np.array(
        [f.location.lat for s in scenarios for o in s.options for f in (*o.forces, *o.hubs)]
    )
    site_lon = np.array(
        [f.location.lon for s in scenarios for o in s.options for f in (*o.forces, *o.hubs)]
    )
    t0 = time.perf_counter()
    brute_force_km(site_lat, site_lon, dense)
    t_sites_base = time.perf_counter() - t0
    rows.append(
        (
            f"baseline: brute-force front distances of the {len(site_lat)} example sites",
            f"{t_sites_base:.3f} s",
            "",
            "",
        )
    )
    rows.append(
        (
            f"analyze() all {len(EXAMPLES)} loaded examples, cold process ({n_sites} sites; target < 0.5 s)",
            f"{t_cold_analyze:.3f} s",
            "",
            f"{t_sites_base / t_cold_analyze:.2f}x",
        )
    )
    rows.append(
        (
            f"load_scenario() all {len(EXAMPLES)} examples, cold process (gazetteer built, YAML parsed)",
            f"{t_cold_load:.3f} s",
            "",
            "",
        )
    )
    rows.append(
        (
            f"load + analyze all {len(EXAMPLES)} examples, cold process",
            f"{t_cold:.3f} s",
            "",
            f"{t_sites_base / t_cold:.2f}x",
        )
    )
    rows.append(
        (
            f"load + analyze all {len(EXAMPLES)} examples, warm",
            f"{t_warm_all:.3f} s",
            "",
            f"{t_sites_base / t_warm_all:.1f}x",
        )
    )
    rows.append(
        (
            f"analyze() only, all {len(EXAMPLES)} examples, warm",
            f"{t_warm_analyze:.3f} s",
            "",
            f"{t_sites_base / t_warm_analyze:.1f}x",
        )
    )

    print("| measurement | time | throughput | vs baseline |")
    print("|---|---:|---:|---:|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()
    print(
        f"Accuracy: max |distance_to_line_km - brute force on a 100 m densification| over 200 points = "
        f"{max_diff * 1000:.2f} m (max relative {max_rel:.1e}; tolerance max(0.05 %, 0.1 km))."
    )
    print(f"Cold-process output (load s, analyze s, sites): {json.dumps(cold.stdout.strip())}")


if __name__ == "__main__":
    main()

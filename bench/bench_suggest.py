"""Benchmark of ``mapper suggest``'s solvers (issue #18) on synthetic placement instances at theatre scale.

A seeded generator puts candidate sites and demand points at random inside Ukraine (uniform over the country's
polygon; demand weights heavy-tailed like town populations, a log-normal of median ~5,000 people) and computes
coverage by geodesic distance on WGS84 (``pyproj.Geod.inv``), vectorised and in chunks of candidates: per chunk
a conservative latitude/longitude box around each candidate picks the pairs that may be within the radius, and
only those pairs are measured, so the work and memory follow the pairs near each other, not candidates x demand.
Ten units of two types (6 with a 100 km radius, 4 with 60 km; one unit per site) are placed.

Run with ``.venv/bin/python bench/bench_suggest.py`` (a Markdown table: build, MILP and greedy times and objectives
at 1k / 5k / 20k candidates x 3,000 demand points; target 5k x 3k solved to optimality < 30 s) or with ``--one
CANDIDATES DEMAND`` (one instance in this process, a JSON line; used to measure peak memory in a fresh process,
target < 2 GB at 20k x 5k). ``make bench`` runs it as its ``suggest`` section (bench/section_suggest.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pyproj
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mapper.geodata import ukraine  # noqa: E402
from mapper.optimize import solve_greedy, solve_milp  # noqa: E402
from mapper.placement import Candidate, Demand, Instance, UnitType  # noqa: E402

GEOD = pyproj.Geod(ellps="WGS84")
KM_PER_DEG_LAT = (
    110.574  # the shortest degree of latitude on WGS84 (at the equator): a conservative box
)
CHUNK = 512  # candidates per chunk: 512 x 5,000 pairs of booleans and floats stay well under 100 MB
UNITS = (
    UnitType("sam_long", "Long-range SAM", "air_defence", None, "UA", 6, 400, 100.0),
    UnitType("sam_short", "Short-range SAM", "air_defence", None, "UA", 4, 150, 60.0),
)


def random_points(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points uniform over Ukraine's polygon (rejection sampling in its bounding box)."""
    shape = ukraine()
    shapely.prepare(shape)
    west, south, east, north = shape.bounds
    lat: list[np.ndarray] = []
    lon: list[np.ndarray] = []
    have = 0
    while have < n:
        x = rng.uniform(west, east, 2 * n)
        y = rng.uniform(south, north, 2 * n)
        inside = shapely.contains_xy(shape, x, y)
        lon.append(x[inside])
        lat.append(y[inside])
        have += int(inside.sum())
    return np.concatenate(lat)[:n], np.concatenate(lon)[:n]


def coverage(
    c_lat: np.ndarray,
    c_lon: np.ndarray,
    d_lat: np.ndarray,
    d_lon: np.ndarray,
    radii_km: tuple[float, ...],
) -> list[list[np.ndarray]]:
    """Per radius, per candidate, the sorted indices of the demand points within it (geodesic). The pairs are
    measured once, for the largest radius, and shared by the smaller ones."""
    reach = max(radii_km)
    dlat_max = reach / KM_PER_DEG_LAT
    out: list[list[np.ndarray]] = [[] for _ in radii_km]
    for lo in range(0, len(c_lat), CHUNK):
        la, lo_ = c_lat[lo : lo + CHUNK], c_lon[lo : lo + CHUNK]
        # a degree of longitude is at least cos(lat) x 111.32 km at the box's most poleward latitude
        far_lat = np.minimum(np.abs(la) + dlat_max, 89.0)
        dlon_max = reach / (111.320 * np.cos(np.radians(far_lat)))
        near = (np.abs(d_lat[None, :] - la[:, None]) <= dlat_max) & (
            np.abs(d_lon[None, :] - lo_[:, None]) <= dlon_max[:, None]
        )
        rows, cols = np.nonzero(near)  # row-major: the columns of each row come sorted
        _, _, dist = GEOD.inv(lo_[rows], la[rows], d_lon[cols], d_lat[cols])
        dist = np.asarray(dist)
        for k, radius in enumerate(radii_km):
            keep = dist <= radius * 1000.0
            r, c = rows[keep], cols[keep]
            out[k].extend(np.split(c.astype(np.int64), np.searchsorted(r, np.arange(1, len(la)))))
    return out


def make_instance(n_cand: int, n_dem: int, seed: int = 0) -> Instance:
    """A seeded synthetic instance: ``n_cand`` candidates, ``n_dem`` demand points, the ten ``UNITS``."""
    rng = np.random.default_rng(seed)
    c_lat, c_lon = random_points(n_cand, rng)
    d_lat, d_lon = random_points(n_dem, rng)
    weights = np.rint(rng.lognormal(mean=np.log(5_000), sigma=1.2, size=n_dem)) + 1
    covers = coverage(c_lat, c_lon, d_lat, d_lon, tuple(u.radius_km for u in UNITS))
    candidates = tuple(
        Candidate(f"grid {a:.3f} N {b:.3f} E", float(a), float(b), "UA", "grid", 100.0, 100.0)
        for a, b in zip(c_lat, c_lon, strict=True)
    )
    demand = tuple(
        Demand(f"d{i}", float(a), float(b), float(w), "population", "UA")
        for i, (a, b, w) in enumerate(zip(d_lat, d_lon, weights, strict=True))
    )
    return Instance(UNITS, candidates, demand, covers, max_per_site=1)


def run_one(n_cand: int, n_dem: int, seed: int = 0, time_limit: float | None = None) -> dict:
    """Build and solve one instance: times, objectives, status, gap, and the coverage's size."""
    t0 = time.perf_counter()
    instance = make_instance(n_cand, n_dem, seed)
    build = time.perf_counter() - t0
    greedy = solve_greedy(instance)
    milp = solve_milp(instance, time_limit=time_limit)
    return {
        "candidates": n_cand,
        "demand": n_dem,
        "pairs": int(sum(len(c) for per in instance.covers for c in per)),
        "build_s": build,
        "milp_s": milp.seconds,
        "milp_status": milp.status,
        "milp_gap": milp.gap,
        "milp_objective": milp.objective,
        "greedy_s": greedy.seconds,
        "greedy_objective": greedy.objective,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", nargs=2, type=int, metavar=("CANDIDATES", "DEMAND"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument(
        "--json", type=Path, help="with --one: write the JSON there instead of stdout"
    )
    args = parser.parse_args(argv)
    if args.one:
        text = json.dumps(run_one(*args.one, seed=args.seed, time_limit=args.time_limit))
        if args.json:
            args.json.write_text(text, encoding="utf-8")
        else:
            print(text)
        return 0
    print("| Candidates | Demand | Pairs | Build | MILP | Status | Greedy | Greedy / MILP |")
    print("|---:|---:|---:|---:|---:|---|---:|---:|")
    for n in (1_000, 5_000, 20_000):
        r = run_one(n, 3_000, seed=args.seed, time_limit=args.time_limit)
        print(
            f"| {n:,} | 3,000 | {r['pairs']:,} | {r['build_s']:.2f} s | {r['milp_s']:.2f} s | "
            f"{r['milp_status']} | {r['greedy_s']:.3f} s | {r['greedy_objective'] / r['milp_objective']:.4f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

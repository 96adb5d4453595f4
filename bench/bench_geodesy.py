"""Benchmark of mapper.geodesy: point-to-line distances, buffers and distance bands.

Run with ``.venv/bin/python bench/bench_geodesy.py`` (about 30-60 s). Prints the machine, then Markdown tables:

* distance from 1k / 10k / 100k random theatre points (lon 12..45, lat 40..58) to a ~1,500 km wiggly line with
  2,000 vertices — medians over repeats — against two baselines measured in the same run on 1k points
  (brute-force ``Geod.inv`` to every vertex, the naive per-point AEQD projection of the design notes);
* accuracy against the brute-force reference (50 m geodesic densification, min ``Geod.inv``);
* geodesic buffers and the 30/80/150/300 km distance bands, with their measured boundary error.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyproj
import shapely
from shapely.geometry import LineString, Point

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mapper import geodesy

GEOD = pyproj.Geod(ellps="WGS84")


def front_line(n: int = 2000) -> LineString:
    """The same deterministic front-like line as tests/test_geodesy.py (~1,500 km, 2,000 vertices)."""
    ctrl = np.array(
        [
            (31.6, 46.5),
            (33.0, 46.7),
            (34.6, 47.4),
            (35.9, 47.5),
            (37.2, 47.7),
            (37.9, 48.2),
            (38.3, 48.9),
            (37.9, 49.6),
            (37.6, 50.3),
            (36.5, 50.5),
            (35.3, 51.1),
            (34.0, 52.1),
            (32.4, 52.3),
            (31.6, 52.1),
        ]
    )
    t = np.linspace(0.0, 1.0, n)
    s = np.linspace(0.0, 1.0, len(ctrl))
    lon = np.interp(t, s, ctrl[:, 0]) + 0.06 * np.sin(t * 170) + 0.02 * np.sin(t * 900)
    lat = np.interp(t, s, ctrl[:, 1]) + 0.045 * np.cos(t * 130) + 0.015 * np.cos(t * 700)
    return LineString(np.column_stack([lon, lat]))


def points(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(40.0, 58.0, n), rng.uniform(12.0, 45.0, n)


def median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def brute_vertices(line: LineString, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Baseline 1: Geod.inv from every point to every vertex (vectorised per point), min."""
    xy = np.asarray(line.coords)
    out = np.empty(len(lat))
    for i in range(len(lat)):
        _, _, d = GEOD.inv(np.full(len(xy), lon[i]), np.full(len(xy), lat[i]), xy[:, 0], xy[:, 1])
        out[i] = d.min() / 1000.0
    return out


def naive_aeqd(line: LineString, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Baseline 2: per point, project the (densified) line into an AEQD centred on the point, planar distance."""
    xy = np.asarray(geodesy.densify(line, 2.0).coords)
    out = np.empty(len(lat))
    for i in range(len(lat)):
        tr = pyproj.Transformer.from_pipeline(
            "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
            f"+step +proj=aeqd +lat_0={lat[i]} +lon_0={lon[i]} +ellps=WGS84"
        )
        x, y = tr.transform(xy[:, 0], xy[:, 1])
        out[i] = LineString(np.column_stack([x, y])).distance(Point(0.0, 0.0)) / 1000.0
    return out


def reference(
    line: LineString, lat: np.ndarray, lon: np.ndarray, spacing_m: float = 50.0
) -> np.ndarray:
    """Brute-force reference: 50 m geodesic densification, min Geod.inv (rigorous triangle-inequality pruning)."""
    c = np.asarray(line.coords)
    _, _, seglen = GEOD.inv(c[:-1, 0], c[:-1, 1], c[1:, 0], c[1:, 1])
    out = np.empty(len(lat))
    for i in range(len(lat)):
        _, _, dv = GEOD.inv(np.full(len(c), lon[i]), np.full(len(c), lat[i]), c[:, 0], c[:, 1])
        best = dv.min()
        for j in np.flatnonzero(np.minimum(dv[:-1], dv[1:]) - seglen / 2.0 <= best):
            k = int(np.ceil(seglen[j] / spacing_m)) - 1
            if k > 0:
                p = np.array(GEOD.npts(c[j, 0], c[j, 1], c[j + 1, 0], c[j + 1, 1], k))
                _, _, d = GEOD.inv(np.full(k, lon[i]), np.full(k, lat[i]), p[:, 0], p[:, 1])
                best = min(best, d.min())
        out[i] = best / 1000.0
    return out


def main() -> None:
    line = front_line()
    length = GEOD.geometry_length(line) / 1000.0
    print("## mapper.geodesy benchmark\n")
    print(
        f"- machine: {platform.platform()}, {platform.machine()}, {platform.processor() or 'cpu?'}, "
        f"os.cpu_count()={os.cpu_count()}, affinity={len(os.sched_getaffinity(0))}"
    )
    print(
        f"- python {platform.python_version()}, numpy {np.__version__}, shapely {shapely.__version__}, "
        f"pyproj {pyproj.__version__} (PROJ {pyproj.proj_version_str})"
    )
    print(f"- line: {length:,.0f} km, {len(line.coords):,} vertices\n")

    # warm-up: prepares (and caches) the line
    geodesy.distance_to_line_km(line, lat=50.0, lon=30.0)

    print("### Point → line distance\n")
    print(
        "| points | method | median s | repeats | points/s | × vs Geod-all-vertices | × vs per-point AEQD |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|")
    lat1k, lon1k = points(1000, 1)
    t_brute = median_time(lambda: brute_vertices(line, lat1k, lon1k), 3)
    t_aeqd = median_time(lambda: naive_aeqd(line, lat1k, lon1k), 3)
    print(
        f"| 1,000 | baseline: Geod.inv to every vertex | {t_brute:.3f} | 3 | {1000 / t_brute:,.0f} | 1 | "
        f"{t_aeqd / t_brute:.2f} |"
    )
    print(
        f"| 1,000 | baseline: per-point AEQD | {t_aeqd:.3f} | 3 | {1000 / t_aeqd:,.0f} | "
        f"{t_brute / t_aeqd:.2f} | 1 |"
    )
    for n, repeats in ((1_000, 15), (10_000, 7), (100_000, 3)):
        lat, lon = points(n, n)
        t = median_time(
            lambda lat=lat, lon=lon: geodesy.distance_to_line_km(line, lat=lat, lon=lon), repeats
        )
        s_brute = (t_brute / 1000 * n) / t  # baselines scale linearly with the number of points
        s_aeqd = (t_aeqd / 1000 * n) / t
        print(
            f"| {n:,} | geodesy.distance_to_line_km | {t:.3f} | {repeats} | {n / t:,.0f} | "
            f"{s_brute:,.0f} | {s_aeqd:,.0f} |"
        )
    # cold (uncached) preparation of the line
    fresh = LineString(np.asarray(line.coords) + 1e-9)
    t_prep = median_time(lambda: geodesy._prepare_line(fresh), 5)
    print(f"\nline preparation (densify to 2 km, ECEF, blocks), uncached: {t_prep * 1000:.1f} ms\n")

    print("### Accuracy against the brute-force reference (50 m densification)\n")
    lat, lon = points(400, 2024)
    got = geodesy.distance_to_line_km(line, lat=lat, lon=lon).distance_km
    ref = reference(line, lat, lon)
    err = got - ref
    tol = np.maximum(0.1, 5e-4 * ref)
    aeqd = naive_aeqd(line, lat[:100], lon[:100])
    print("| method | points | ref range km | max abs err m | max rel err | max err / tolerance |")
    print("|---|---:|---|---:|---:|---:|")
    print(
        f"| geodesy | {len(lat)} | {ref.min():.2f}–{ref.max():.0f} | {np.abs(err).max() * 1000:.3f} | "
        f"{(np.abs(err) / ref).max():.2e} | {(np.abs(err) / tol).max():.3f} |"
    )
    ea = aeqd - ref[:100]
    print(
        f"| per-point AEQD | 100 | | {np.abs(ea).max() * 1000:.3f} | {(np.abs(ea) / ref[:100]).max():.2e} | "
        f"{(np.abs(ea) / tol[:100]).max():.3f} |"
    )
    merc = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    fx, fy = merc.transform(*np.asarray(line.coords).T)
    px, py = merc.transform(lon, lat)
    dm = shapely.distance(LineString(np.column_stack([fx, fy])), shapely.points(px, py)) / 1000.0
    em = dm - ref
    print(
        f"| Web Mercator (wrong) | {len(lat)} | | {np.abs(em).max() * 1000:,.0f} | {(np.abs(em) / ref).max():.2e} | "
        f"{(np.abs(em) / tol).max():.0f} |\n"
    )

    print("### Buffers and bands\n")
    print("| operation | median s | boundary error (min … max, relative) |")
    print("|---|---:|---|")
    for km in (30.0, 80.0, 150.0, 300.0):
        t = median_time(lambda km=km: geodesy.geodesic_buffer(line, km), 3)
        buf = geodesy.geodesic_buffer(line, km)
        b = shapely.get_coordinates(shapely.segmentize(buf.boundary, 0.02))
        d = geodesy.distance_to_line_km(line, lat=b[:, 1], lon=b[:, 0]).distance_km / km - 1.0
        print(f"| geodesic_buffer(line, {km:g} km) | {t:.3f} | {d.min():+.2e} … {d.max():+.2e} |")
    clip = shapely.box(22.0, 44.0, 41.0, 53.0)
    t = median_time(lambda: geodesy.distance_bands(line, [30, 80, 150, 300]), 3)
    print(f"| distance_bands(line, [30, 80, 150, 300]) | {t:.3f} | |")
    t = median_time(lambda: geodesy.distance_bands(line, [30, 80, 150, 300], clip=clip), 3)
    print(f"| distance_bands(…, clip=box) | {t:.3f} | |")
    t = median_time(
        lambda: geodesy.geodesic_circle(lat=50.45, lon=30.52, radius_km=2000.0, n=128), 20
    )
    print(f"| geodesic_circle(2,000 km, n=128) | {t:.5f} | vertices exact (Geod.fwd) |")


if __name__ == "__main__":
    main()

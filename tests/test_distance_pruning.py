"""The pruned nearest-segment search of ``mapper.geodesy.distance`` against an exhaustive search.

The search prunes with bounding spheres at two levels and with an exact probe distance; every bound is provable,
so it must pick exactly the segment (the first of equals, in line order) and the foot parameter an exhaustive
search over every segment picks, bit for bit. The exhaustive search here works on the segments as
``distance._segments`` lays them out (before the search's own per-part layout), with the same floating-point
formulas, for random points in the theatre, inside polygons, on and next to boundary vertices, and far away.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon

from mapper import geodata
from mapper.geodesy import distance
from mapper.geodesy.base import _densify_parts, _line_parts


def _exhaustive(parts: list[np.ndarray], lat: np.ndarray, lon: np.ndarray) -> dict[str, np.ndarray]:
    """Per point: the first segment (in ``_segments`` order) reaching the minimum chord distance, as its start,
    azimuth and length, and the foot parameter ``t`` on it."""
    a, b = distance._segments(parts)
    azi, length = distance._geodesics(a, b)
    ax, ay, az = distance._ecef(a[:, 0], a[:, 1])
    bx, by, bz = distance._ecef(b[:, 0], b[:, 1])
    dx, dy, dz = bx - ax, by - ay, bz - az
    dd = dx * dx + dy * dy + dz * dz
    inv_dd = np.divide(1.0, dd, out=np.zeros_like(dd), where=dd > 0.0)
    px, py, pz = distance._ecef(lon, lat)
    seg = np.empty(len(lat), dtype=np.int64)
    t_out = np.empty(len(lat))
    for s in range(0, len(lat), 32):
        x, y, z = px[s : s + 32, None], py[s : s + 32, None], pz[s : s + 32, None]
        wx, wy, wz = x - ax, y - ay, z - az
        t = np.clip((wx * dx + wy * dy + wz * dz) * inv_dd, 0.0, 1.0)
        wx -= t * dx
        wy -= t * dy
        wz -= t * dz
        d2 = wx * wx + wy * wy + wz * wz
        k = d2.argmin(axis=1)  # the first of equals
        seg[s : s + 32] = k
        t_out[s : s + 32] = t[np.arange(len(k)), k]
    return {
        "lon0": a[seg, 0],
        "lat0": a[seg, 1],
        "azi": azi[seg],
        "length": length[seg],
        "t": t_out,
    }


def _pruned(parts: list[np.ndarray], lat: np.ndarray, lon: np.ndarray) -> dict[str, np.ndarray]:
    prep = distance._prepared_from_parts(parts)
    seg, t = distance._nearest_segments(prep, *distance._ecef(lon, lat))
    return {
        "lon0": prep.lon0[seg],
        "lat0": prep.lat0[seg],
        "azi": prep.azi[seg],
        "length": prep.length_m[seg],
        "t": t,
    }


def _assert_same(parts: list[np.ndarray], lat: np.ndarray, lon: np.ndarray) -> None:
    got, want = _pruned(parts, lat, lon), _exhaustive(parts, lat, lon)
    for key in want:
        assert got[key].tobytes() == want[key].tobytes(), key


def _points(rng: np.random.Generator, geom: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Random points of every kind: over the theatre, inside ``geom``, on and just off its vertices, far away."""
    lon = [rng.uniform(12.0, 45.0, n), rng.uniform(-40.0, 120.0, n // 4)]
    lat = [rng.uniform(40.0, 58.0, n), rng.uniform(-70.0, 85.0, n // 4)]
    minx, miny, maxx, maxy = geom.bounds
    box_lon, box_lat = rng.uniform(minx, maxx, 4 * n), rng.uniform(miny, maxy, 4 * n)
    inside = shapely.contains_xy(geom, box_lon, box_lat) if geom.area > 0 else np.ones(4 * n, bool)
    lon.append(box_lon[inside][:n])
    lat.append(box_lat[inside][:n])
    coords = shapely.get_coordinates(geom)
    pick = coords[rng.integers(0, len(coords), n // 2)]
    lon += [pick[:, 0], pick[:, 0] + rng.normal(0.0, 1e-3, len(pick))]
    lat += [pick[:, 1], pick[:, 1] + rng.normal(0.0, 1e-3, len(pick))]
    return np.clip(np.concatenate(lat), -90.0, 90.0), np.concatenate(lon)


def _polygon_parts(poly: Any) -> list[np.ndarray]:
    return distance._polygon_parts(poly)[1]


def _line_parts_2km(line: Any) -> list[np.ndarray]:
    return _densify_parts(_line_parts(line), distance._QUERY_SEGMENT_KM * 1000.0)


def test_nato_territory_islands_and_all():
    poly = geodata.nato_territory()
    lat, lon = _points(np.random.default_rng(20), poly, 700)
    assert len(lat) > distance._POINT_CHUNK  # more than one chunk of points
    _assert_same(_polygon_parts(poly), lat, lon)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_multipolygons_with_islands_and_holes(seed):
    rng = np.random.default_rng(seed)
    polys = []
    for _ in range(int(rng.integers(3, 12))):
        cx, cy = rng.uniform(14.0, 42.0), rng.uniform(42.0, 56.0)
        r = rng.uniform(0.02, 3.0)
        angles = np.sort(rng.uniform(0.0, 2 * np.pi, int(rng.integers(3, 40))))
        ring = np.c_[cx + r * np.cos(angles), cy + 0.6 * r * np.sin(angles)]
        hole = np.c_[cx + 0.2 * r * np.cos(angles), cy + 0.1 * r * np.sin(angles)]
        polys.append(Polygon(ring, [hole] if rng.random() < 0.3 else []))
    geom = shapely.union_all(polys)
    if isinstance(geom, Polygon):
        geom = MultiPolygon([geom])
    lat, lon = _points(rng, geom, 300)
    _assert_same(_polygon_parts(geom), lat, lon)


def test_lines_long_short_and_single_point_parts():
    rng = np.random.default_rng(7)
    walk = np.cumsum(rng.normal(0.0, 0.3, (300, 2)), axis=0) + np.array([30.0, 48.0])
    line = MultiLineString(
        [
            walk,
            [(24.0, 50.0), (24.0001, 50.0)],
            [(35.0, 44.0), (35.0, 44.0)],
            [(20.0, 46.0), (44.0, 57.0)],
        ]
    )
    lat, lon = _points(rng, line, 400)
    _assert_same(_line_parts_2km(line), lat, lon)
    short = LineString([(30.0, 50.0), (30.01, 50.0)])
    lat, lon = _points(rng, short, 100)
    _assert_same(_line_parts_2km(short), lat, lon)


def test_search_layout_keeps_every_segment_and_part_alone():
    poly = geodata.nato_territory()
    parts = _polygon_parts(poly)
    prep = distance._prepared_from_parts(parts)
    a, _ = distance._segments(parts)
    starts = set(map(tuple, a))
    assert set(zip(prep.lon0.tolist(), prep.lat0.tolist(), strict=True)) == starts
    assert prep.ax.shape[1] == distance._LEAF and len(prep.lon0) % distance._LEAF == 0

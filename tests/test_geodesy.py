"""Independent checks of mapper.geodesy against brute-force pyproj.Geod computations.

Nothing here trusts the module under test for the expected values: the reference distances come straight from
``pyproj.Geod`` (a 50 m geodesic densification of the line and the minimum ``Geod.inv`` over every vertex, with
a rigorous triangle-inequality pruning so that it runs in well under a second).
"""

from __future__ import annotations

import math

import numpy as np
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon

from mapper import geodesy
from mapper.errors import GeodataError

GEOD = pyproj.Geod(ellps="WGS84")  # the test's own ellipsoid, independent of the module's object

KYIV = (50.4501, 30.5234)  # (lat, lon)
LVIV = (49.8397, 24.0297)


# ----------------------------------------------------------------------------------------------------------------
# fixtures and the independent reference


def make_front_line(n: int = 2000) -> LineString:
    """A deterministic, wiggly ~1,500 km line shaped like the front (Kherson → Donbas → Kharkiv → Sumy → Chernihiv)."""
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


@pytest.fixture(scope="module")
def front() -> LineString:
    return make_front_line()


def reference_distance_km(line: LineString | MultiLineString, lat, lon, spacing_m: float = 50.0):
    """Brute force: densify to <= spacing_m along geodesics (Geod.npts) and take min Geod.inv over all vertices.

    Pruning is rigorous: a segment of length L whose nearer endpoint is at distance e from P contains no point
    closer than e - L/2 (triangle inequality), so segments with e - L/2 above the best vertex distance are skipped.
    """
    parts = list(line.geoms) if isinstance(line, MultiLineString) else [line]
    xy = [np.asarray(p.coords)[:, :2] for p in parts]
    out = np.empty(len(lat))
    for i, (la, lo) in enumerate(zip(lat, lon, strict=True)):
        best = math.inf
        for c in xy:
            n = len(c)
            _, _, dv = GEOD.inv(np.full(n, lo), np.full(n, la), c[:, 0], c[:, 1])
            _, _, seglen = GEOD.inv(c[:-1, 0], c[:-1, 1], c[1:, 0], c[1:, 1])
            best = min(best, dv.min())
            lower = np.minimum(dv[:-1], dv[1:]) - seglen / 2.0
            for j in np.flatnonzero(lower <= best):
                k = math.ceil(seglen[j] / spacing_m) - 1
                if k <= 0:
                    continue
                pts = np.array(GEOD.npts(c[j, 0], c[j, 1], c[j + 1, 0], c[j + 1, 1], k))
                _, _, d = GEOD.inv(np.full(k, lo), np.full(k, la), pts[:, 0], pts[:, 1])
                best = min(best, d.min())
        out[i] = best / 1000.0
    return out


def tolerance_km(ref_km):
    """The accuracy contract: 0.05 % or 0.1 km, whichever is larger."""
    return np.maximum(0.1, 5e-4 * np.asarray(ref_km))


def theatre_points(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(40.0, 58.0, n), rng.uniform(12.0, 45.0, n)


# ----------------------------------------------------------------------------------------------------------------
# point to line: accuracy against the reference


def test_front_line_fixture_is_realistic(front):
    length = GEOD.geometry_length(front) / 1000.0
    assert 1300.0 < length < 1800.0
    assert len(front.coords) == 2000


def test_distance_matches_brute_force_reference(front):
    lat, lon = theatre_points(300, seed=20240501)
    # and points in named corners: far east in Russia, far west in Poland, Romania, Belarus, the Black Sea
    extra = np.array(
        [
            (58.0, 45.0),
            (55.7, 37.6),
            (51.7, 39.2),
            (54.4, 18.6),
            (52.2, 12.0),
            (50.06, 19.94),
            (44.43, 26.10),
            (46.77, 23.59),
            (53.9, 27.56),
            (43.5, 34.0),
            (40.0, 12.0),
        ]
    )
    lat = np.r_[lat, extra[:, 0]]
    lon = np.r_[lon, extra[:, 1]]
    got = geodesy.distance_to_line_km(front, lat=lat, lon=lon)
    ref = reference_distance_km(front, lat, lon)
    err = got.distance_km - ref
    assert np.all(np.abs(err) <= tolerance_km(ref)), np.abs(err).max()
    # in fact far tighter: the difference is the reference's own sampling error (<= 25 m)
    assert np.abs(err).max() < 0.03
    # points really spread over both sides and far away
    assert ref.min() < 20.0 and ref.max() > 1200.0
    # the reported nearest point is at the reported distance, and lies on the line
    _, _, d = GEOD.inv(lon, lat, got.nearest_lon, got.nearest_lat)
    np.testing.assert_allclose(d / 1000.0, got.distance_km, atol=1e-6)
    on = reference_distance_km(front, got.nearest_lat[:40], got.nearest_lon[:40])
    assert on.max() < 0.03


def test_distance_to_multilinestring_matches_reference():
    a = LineString([(22.0, 48.2), (24.0, 48.8), (26.5, 48.3)])  # long segments: geodesics matter
    b = LineString([(33.0, 44.5), (36.5, 45.3)])
    mls = MultiLineString([a, b])
    lat, lon = theatre_points(120, seed=7)
    got = geodesy.distance_to_line_km(mls, lat=lat, lon=lon).distance_km
    ref = reference_distance_km(mls, lat, lon)
    assert np.all(np.abs(got - ref) <= tolerance_km(ref))
    # the nearest part is chosen: equals the min over parts computed separately
    da = geodesy.distance_to_line_km(a, lat=lat, lon=lon).distance_km
    db = geodesy.distance_to_line_km(b, lat=lat, lon=lon).distance_km
    np.testing.assert_allclose(got, np.minimum(da, db), atol=1e-9)


def test_points_on_the_line_are_at_zero(front):
    xy = np.asarray(front.coords)
    idx = np.array([0, 1, 500, 1234, 1999])
    got = geodesy.distance_to_line_km(front, lat=xy[idx, 1], lon=xy[idx, 0])
    assert np.all(got.distance_km < 0.001)  # 1 m
    np.testing.assert_allclose(got.nearest_lat, xy[idx, 1], atol=1e-7)
    np.testing.assert_allclose(got.nearest_lon, xy[idx, 0], atol=1e-7)
    # mid-segment, on the geodesic between two vertices (independently computed with Geod.npts)
    mids = np.array([GEOD.npts(*xy[i], *xy[i + 1], 1)[0] for i in idx[:-1]])
    got = geodesy.distance_to_line_km(front, lat=mids[:, 1], lon=mids[:, 0])
    assert np.all(got.distance_km < 0.001)


def test_points_on_long_geodesic_segments_are_at_zero():
    # 2 vertices 1,000 km apart: the geodesic bows ~20 km away from the straight lon/lat segment
    line = LineString([(14.0, 52.0), (28.0, 53.0)])
    pts = np.array(GEOD.npts(14.0, 52.0, 28.0, 53.0, 9))
    got = geodesy.distance_to_line_km(line, lat=pts[:, 1], lon=pts[:, 0])
    assert np.all(got.distance_km < 0.001)
    # while the lon/lat midpoint is well off the line (the module does not treat segments as straight in degrees)
    off = geodesy.distance_to_line_km(line, lat=52.5, lon=21.0).distance_km[0]
    ref = reference_distance_km(line, [52.5], [21.0])[0]
    assert off > 10.0
    assert abs(off - ref) <= tolerance_km(ref)


def test_kyiv_lviv_known_distance():
    _, _, expected = GEOD.inv(KYIV[1], KYIV[0], LVIV[1], LVIV[0])
    got = geodesy.point_distance_km(lat1=KYIV[0], lon1=KYIV[1], lat2=LVIV[0], lon2=LVIV[1])
    assert got.shape == (1,)
    assert got[0] == pytest.approx(expected / 1000.0, abs=1e-9)
    assert 465.0 < got[0] < 472.0
    # the same through the line API: a one-segment line Lviv–Lviv (degenerate) is a point
    deg = LineString([(LVIV[1], LVIV[0]), (LVIV[1], LVIV[0])])
    d = geodesy.distance_to_line_km(deg, lat=KYIV[0], lon=KYIV[1]).distance_km[0]
    assert d == pytest.approx(expected / 1000.0, abs=1e-6)


def test_point_distance_is_vectorised_and_broadcasts():
    lat2 = np.array([LVIV[0], KYIV[0], np.nan])
    lon2 = np.array([LVIV[1], KYIV[1], 30.0])
    got = geodesy.point_distance_km(lat1=KYIV[0], lon1=KYIV[1], lat2=lat2, lon2=lon2)
    _, _, expected = GEOD.inv(KYIV[1], KYIV[0], LVIV[1], LVIV[0])
    assert got[0] == pytest.approx(expected / 1000.0)
    assert got[1] == 0.0
    assert math.isnan(got[2])


def test_degrees_and_web_mercator_would_fail_the_tolerance(front):
    """The method is not planar: Web Mercator and degree distances are off by tens of percent here."""
    lat, lon = theatre_points(60, seed=3)
    ref = reference_distance_km(front, lat, lon)
    far = ref > 50.0
    # Web Mercator: planar distance in EPSG:3857 metres
    merc = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    fx, fy = merc.transform(*np.asarray(front.coords).T)
    px, py = merc.transform(lon, lat)
    d_merc = (
        shapely.distance(LineString(np.column_stack([fx, fy])), shapely.points(px, py)) / 1000.0
    )
    # "degrees": planar distance in lon/lat degrees times 111.32 km
    d_deg = shapely.distance(front, shapely.points(lon, lat)) * 111.32
    ours = geodesy.distance_to_line_km(front, lat=lat, lon=lon).distance_km
    assert np.all(np.abs(ours - ref) <= tolerance_km(ref))
    rel_merc = np.abs(d_merc - ref)[far] / ref[far]
    rel_deg = np.abs(d_deg - ref)[far] / ref[far]
    assert rel_merc.min() > 0.3  # every point fails, by at least 30 %
    assert np.mean(np.abs(d_deg - ref) > tolerance_km(ref)) > 0.9
    assert rel_deg.max() > 0.3


# ----------------------------------------------------------------------------------------------------------------
# polygons


def test_distance_to_polygon_inside_outside_and_hole():
    outer = [(28.0, 48.0), (34.0, 48.0), (34.0, 52.0), (28.0, 52.0)]
    hole = [(30.0, 49.5), (32.0, 49.5), (32.0, 50.5), (30.0, 50.5)]
    poly = Polygon(outer, [hole])
    lat = np.array([49.0, 50.0, 46.0, 53.5, 50.0])
    lon = np.array([29.0, 31.0, 31.0, 31.0, 36.0])
    got = geodesy.distance_to_polygon_km(poly, lat=lat, lon=lon)
    assert got.distance_km[0] == 0.0
    assert got.nearest_lat[0] == 49.0 and got.nearest_lon[0] == 29.0
    boundary = MultiLineString([outer + outer[:1], hole + hole[:1]])
    ref = reference_distance_km(boundary, lat[1:], lon[1:])
    assert np.all(np.abs(got.distance_km[1:] - ref) <= tolerance_km(ref))
    assert got.distance_km[1] > 30.0  # inside the hole: not in the polygon


def test_distance_to_multipolygon():
    mp = MultiPolygon(
        [
            Polygon([(14.0, 49.0), (24.0, 49.0), (24.0, 54.5), (14.0, 54.5)]),
            Polygon([(20.0, 43.6), (29.7, 43.6), (29.7, 48.2), (20.0, 48.2)]),
        ]
    )
    lat, lon = theatre_points(40, seed=11)
    got = geodesy.distance_to_polygon_km(mp, lat=lat, lon=lon).distance_km
    inside = shapely.contains_xy(geodesy.densify(mp, 1.0), lon, lat)
    assert np.all(got[inside] == 0.0)
    rings = MultiLineString([np.asarray(p.exterior.coords) for p in mp.geoms])
    ref = reference_distance_km(rings, lat[~inside], lon[~inside])
    assert np.all(np.abs(got[~inside] - ref) <= tolerance_km(ref))


# ----------------------------------------------------------------------------------------------------------------
# lengths, areas, densify, paths


def test_length_and_area_against_geod(front):
    assert geodesy.geodesic_length_km(front) == pytest.approx(GEOD.geometry_length(front) / 1000.0)
    mls = MultiLineString([[(20, 50), (25, 51)], [(30, 45), (31, 46), (33, 46)]])
    assert geodesy.geodesic_length_km(mls) == pytest.approx(GEOD.geometry_length(mls) / 1000.0)
    ccw = Polygon(
        [(28, 48), (34, 48), (34, 52), (28, 52)], [[(30, 49), (30, 50), (31, 50), (31, 49)]]
    )
    area, _ = GEOD.geometry_area_perimeter(ccw)
    assert area > 0
    assert geodesy.geodesic_area_km2(ccw) == pytest.approx(area / 1e6)
    cw = Polygon(list(ccw.exterior.coords)[::-1], [list(ccw.interiors[0].coords)[::-1]])
    assert geodesy.geodesic_area_km2(cw) == pytest.approx(area / 1e6)
    other = Polygon([(20, 44), (22, 44), (22, 45), (20, 45)][::-1])  # clockwise: must not cancel
    other_area = abs(GEOD.geometry_area_perimeter(other)[0])
    assert geodesy.geodesic_area_km2(MultiPolygon([ccw, other])) == pytest.approx(
        (area + other_area) / 1e6
    )
    # Ukraine-sized box is ~ 6 x 4 degrees at 50N: about 190,000 km²
    assert 150_000 < geodesy.geodesic_area_km2(Polygon(ccw.exterior)) < 230_000
    assert geodesy.geodesic_area_km2(Polygon()) == 0.0
    assert geodesy.geodesic_length_km(LineString()) == 0.0


def test_densify_follows_geodesics():
    line = LineString([(14.0, 52.0), (28.0, 53.0), (30.0, 45.0)])
    dense = geodesy.densify(line, 10.0)
    xy = np.asarray(dense.coords)
    _, _, steps = GEOD.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
    assert steps.max() <= 10_000.0 + 1e-6
    # original vertices kept exactly, in order
    for v in line.coords:
        assert np.any(np.all(xy == v, axis=1))
    # every vertex lies on the geodesic: total length unchanged
    assert GEOD.geometry_length(dense) == pytest.approx(GEOD.geometry_length(line), rel=1e-9)
    # and the midpoint of the first leg is the geodesic midpoint (north of the lon/lat straight line)
    mid = GEOD.npts(14.0, 52.0, 28.0, 53.0, 1)[0]
    assert np.min(np.hypot(xy[:, 0] - mid[0], xy[:, 1] - mid[1])) < 0.05
    assert mid[1] > 52.5 + 0.15  # ~23 km north
    poly = geodesy.densify(Polygon([(20, 50), (30, 50), (30, 55)]), 50.0)
    assert isinstance(poly, Polygon) and len(poly.exterior.coords) > 10


def test_geodesic_path_through_places():
    rzeszow, lviv, kyiv = (21.999, 50.041), (LVIV[1], LVIV[0]), (KYIV[1], KYIV[0])
    path = geodesy.geodesic_path([rzeszow, lviv, kyiv], max_segment_km=5.0)
    xy = np.asarray(path.coords)
    assert tuple(xy[0]) == rzeszow and tuple(xy[-1]) == kyiv
    assert np.any(np.all(xy == lviv, axis=1))
    legs = sum(GEOD.inv(*a, *b)[2] for a, b in [(rzeszow, lviv), (lviv, kyiv)]) / 1000.0
    assert geodesy.geodesic_length_km(path) == pytest.approx(legs, rel=1e-9)
    assert geodesy.geodesic_path(LineString([rzeszow, kyiv])).equals(
        geodesy.geodesic_path([rzeszow, kyiv])
    )
    with pytest.raises(ValueError):
        geodesy.geodesic_path([rzeszow])


# ----------------------------------------------------------------------------------------------------------------
# circles, buffers, bands


@pytest.mark.parametrize("radius_km", [1.0, 30.0, 300.0, 2000.0])
def test_circle_vertices_at_radius(radius_km):
    circle = geodesy.geodesic_circle(lat=KYIV[0], lon=KYIV[1], radius_km=radius_km, n=128)
    xy = np.asarray(circle.exterior.coords)[:-1]
    assert len(xy) == 128
    _, _, d = GEOD.inv(np.full(len(xy), KYIV[1]), np.full(len(xy), KYIV[0]), xy[:, 0], xy[:, 1])
    assert np.abs(d - radius_km * 1000.0).max() < 1.0  # 1 m
    assert circle.is_valid and circle.exterior.is_ccw
    assert circle.contains(Point(KYIV[1], KYIV[0]))


def test_circle_rejects_bad_radius():
    with pytest.raises(ValueError):
        geodesy.geodesic_circle(lat=50.0, lon=30.0, radius_km=0.0)
    with pytest.raises(ValueError):
        geodesy.geodesic_circle(lat=80.0, lon=30.0, radius_km=2000.0)  # would contain the pole


@pytest.mark.parametrize("km", [30.0, 100.0, 300.0])
def test_buffer_boundary_error(front, km):
    """Sampled buffer boundary is at the requested distance within 0.5 % (documented); measured ~0.02 %."""
    buf = geodesy.geodesic_buffer(front, km)
    assert buf.is_valid
    boundary = shapely.get_coordinates(shapely.segmentize(buf.boundary, 0.02))
    d = geodesy.distance_to_line_km(front, lat=boundary[:, 1], lon=boundary[:, 0]).distance_km
    rel = d / km - 1.0
    assert np.abs(rel).max() < 0.005
    assert np.abs(rel).max() < 0.001  # regression guard on the measured figure
    # membership agrees with the distance: random points within/outside by more than 0.5 % are classified right
    lat, lon = theatre_points(2000, seed=int(km))
    dist = geodesy.distance_to_line_km(front, lat=lat, lon=lon).distance_km
    inside = shapely.contains_xy(buf, lon, lat)
    assert np.all(inside[dist < km * 0.995])
    assert not np.any(inside[dist > km * 1.005])


def test_buffer_of_point_polygon_and_short_line():
    pt = geodesy.geodesic_buffer(Point(KYIV[1], KYIV[0]), 50.0)
    xy = np.asarray(pt.exterior.coords)
    _, _, d = GEOD.inv(np.full(len(xy), KYIV[1]), np.full(len(xy), KYIV[0]), xy[:, 0], xy[:, 1])
    assert np.abs(d - 50_000.0).max() < 1.0
    poly = Polygon([(28.0, 48.0), (34.0, 48.0), (34.0, 52.0), (28.0, 52.0)])
    pbuf = geodesy.geodesic_buffer(poly, 40.0)
    assert pbuf.contains(poly)
    assert len(pbuf.interiors) == 0 if isinstance(pbuf, Polygon) else True
    edge = shapely.get_coordinates(shapely.segmentize(pbuf.exterior, 0.05))
    d = geodesy.distance_to_polygon_km(poly, lat=edge[:, 1], lon=edge[:, 0]).distance_km
    assert np.abs(d / 40.0 - 1.0).max() < 0.005
    short = geodesy.geodesic_buffer(LineString([(30.0, 50.0), (30.01, 50.0)]), 5.0)
    assert geodesy.geodesic_area_km2(short) == pytest.approx(math.pi * 25 + 2 * 5 * 0.715, rel=0.01)


def test_distance_bands_nested_and_disjoint(front):
    clip = Polygon([(22.0, 44.0), (41.0, 44.0), (41.0, 53.0), (22.0, 53.0)])
    edges = [30.0, 80.0, 150.0, 300.0]
    bands = geodesy.distance_bands(front, edges, clip=clip)
    assert [(a, b) for a, b, _ in bands] == [
        (0.0, 30.0),
        (30.0, 80.0),
        (80.0, 150.0),
        (150.0, 300.0),
    ]
    geoms = [g for _, _, g in bands]
    for g in geoms:
        assert isinstance(g, Polygon | MultiPolygon) and g.is_valid and not g.is_empty
        assert clip.buffer(1e-9).contains(g)
    # pairwise disjoint (up to rounding at shared edges)
    for i in range(len(geoms)):
        for j in range(i + 1, len(geoms)):
            assert geoms[i].intersection(geoms[j]).area < 1e-9
    # nested: the first k bands make up the buffer at edges[k-1]
    for k, outer in enumerate(edges, start=1):
        union = shapely.union_all(geoms[:k])
        buf = geodesy.geodesic_buffer(front, outer).intersection(clip)
        assert union.symmetric_difference(buf).area < 1e-6 * buf.area
    # a sample point in each band really is at a distance within the band
    for inner, outer, g in bands:
        p = g.representative_point()
        d = geodesy.distance_to_line_km(front, lat=p.y, lon=p.x).distance_km[0]
        assert inner * 0.995 <= d <= outer * 1.005


def test_distance_bands_validation(front):
    assert len(geodesy.distance_bands(front, [0, 50])) == 1
    for bad in ([], [0], [50, 30], [30, 30], [-5, 10], [float("nan")]):
        with pytest.raises(ValueError):
            geodesy.distance_bands(front, bad)


# ----------------------------------------------------------------------------------------------------------------
# edge cases and conventions


def test_empty_geometry_raises_geodata_error_and_value_error():
    for call in (
        lambda: geodesy.distance_to_line_km(LineString(), lat=50.0, lon=30.0),
        lambda: geodesy.distance_to_polygon_km(Polygon(), lat=50.0, lon=30.0),
        lambda: geodesy.geodesic_buffer(LineString(), 10.0),
        lambda: geodesy.densify(LineString()),
    ):
        with pytest.raises(geodesy.EmptyGeometryError) as info:
            call()
        assert isinstance(info.value, GeodataError) and isinstance(info.value, ValueError)


def test_invalid_inputs():
    line = LineString([(30.0, 50.0), (31.0, 50.0)])
    with pytest.raises(TypeError):
        geodesy.distance_to_line_km(Polygon([(0, 0), (1, 0), (1, 1)]), lat=50.0, lon=30.0)
    with pytest.raises(TypeError):
        geodesy.distance_to_polygon_km(line, lat=50.0, lon=30.0)
    with pytest.raises(ValueError):  # lat/lon swapped for a point in Kazakhstan would be lat 95
        geodesy.distance_to_line_km(line, lat=95.0, lon=50.0)
    with pytest.raises(geodesy.InvalidGeometryError):
        geodesy.distance_to_line_km(LineString([(50.0, 95.0), (51.0, 50.0)]), lat=50.0, lon=30.0)
    with pytest.raises(ValueError):
        geodesy.densify(line, 0.0)
    with pytest.raises(ValueError):
        geodesy.geodesic_buffer(line, -1.0)


def test_scalars_arrays_shapes_and_nan(front):
    one = geodesy.distance_to_line_km(front, lat=50.0, lon=30.0)
    assert one.distance_km.shape == (1,) and len(one) == 1
    grid_lat, grid_lon = np.meshgrid(np.linspace(45, 55, 4), np.linspace(20, 40, 3), indexing="ij")
    grid = geodesy.distance_to_line_km(front, lat=grid_lat, lon=grid_lon)
    assert grid.distance_km.shape == (4, 3) == grid.nearest_lat.shape == grid.nearest_lon.shape
    flat = geodesy.distance_to_line_km(front, lat=grid_lat.ravel(), lon=grid_lon.ravel())
    np.testing.assert_array_equal(grid.distance_km.ravel(), flat.distance_km)
    nan = geodesy.distance_to_line_km(front, lat=[50.0, np.nan, 51.0], lon=[30.0, 30.0, np.inf])
    assert np.isfinite(nan.distance_km[0])
    assert np.isnan(nan.distance_km[1:]).all() and np.isnan(nan.nearest_lat[1:]).all()
    poly = Polygon([(28.0, 48.0), (34.0, 48.0), (34.0, 52.0)])
    pn = geodesy.distance_to_polygon_km(poly, lat=[np.nan, 50.0], lon=[30.0, 33.0])
    assert np.isnan(pn.distance_km[0]) and pn.distance_km[1] == 0.0


def test_deterministic_and_chunk_independent(front):
    lat, lon = theatre_points(5000, seed=99)  # > one 2,048-point chunk
    a = geodesy.distance_to_line_km(front, lat=lat, lon=lon)
    b = geodesy.distance_to_line_km(front, lat=lat, lon=lon)
    c = geodesy.distance_to_line_km(front, lat=lat[4000:], lon=lon[4000:])
    np.testing.assert_array_equal(a.distance_km, b.distance_km)
    np.testing.assert_array_equal(a.nearest_lat, b.nearest_lat)
    np.testing.assert_array_equal(a.distance_km[4000:], c.distance_km)
    b1 = geodesy.geodesic_buffer(front, 80.0)
    b2 = geodesy.geodesic_buffer(front, 80.0)
    assert shapely.to_wkb(b1) == shapely.to_wkb(b2)


# ----------------------------------------------------------------------------------------------------------------
# properties

lats = st.floats(40.0, 58.0, allow_nan=False)
lons = st.floats(12.0, 45.0, allow_nan=False)
coords = st.tuples(lons, lats)
lines = st.lists(coords, min_size=2, max_size=6, unique=True).map(LineString)


@settings(max_examples=60, deadline=None)
@given(line=lines, lat=lats, lon=lons)
def test_property_bounded_by_vertex_distances(line, lat, lon):
    got = geodesy.distance_to_line_km(line, lat=lat, lon=lon)
    d = got.distance_km[0]
    xy = np.asarray(line.coords)
    _, _, dv = GEOD.inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])
    assert d >= 0.0
    assert d <= dv.min() / 1000.0 + 1e-3
    # and it is not far below: the true distance is >= min vertex distance - half the longest segment
    _, _, seg = GEOD.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
    assert d >= dv.min() / 1000.0 - seg.max() / 2000.0 - 1e-3


@settings(max_examples=60, deadline=None)
@given(line=lines, p=coords, q=coords)
def test_property_distance_is_1_lipschitz(line, p, q):
    """|d(P) - d(Q)| <= |PQ|: the distance to a set is 1-Lipschitz (a triangle inequality)."""
    got = geodesy.distance_to_line_km(line, lat=[p[1], q[1]], lon=[p[0], q[0]]).distance_km
    pq = GEOD.inv(p[0], p[1], q[0], q[1])[2] / 1000.0
    assert abs(got[0] - got[1]) <= pq + 1e-3


@settings(max_examples=40, deadline=None)
@given(line=lines, t=st.floats(0.0, 1.0))
def test_property_points_on_line_are_zero(line, t):
    xy = np.asarray(line.coords)
    lon, lat, _ = GEOD.fwd(
        xy[0, 0], xy[0, 1], GEOD.inv(*xy[0], *xy[1])[0], t * GEOD.inv(*xy[0], *xy[1])[2]
    )
    assert geodesy.distance_to_line_km(line, lat=lat, lon=lon).distance_km[0] < 0.001

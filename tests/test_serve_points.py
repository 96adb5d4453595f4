"""``mapper serve``: where the handles that insert a point into a line or an area sit (halfway along the segment
as the map draws it), and that a point inserted there leaves the drawn shape as it was.

A line (``through:``) is drawn along geodesics: its handle is the geodesic midpoint. An area's ``polygon:`` edges
are straight in longitude/latitude, which Leaflet draws as straight lines in Web Mercator: its handle is the
edge's Web Mercator midpoint. The plain average of the two latitudes and longitudes is neither (kilometres off on
a long segment).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyproj
import pytest
from support.cli import REPO
from support.serve import Client

from mapper.geodesy import distance_to_line_km
from mapper.serve import Running, start
from mapper.serve.api import geodesic_midpoint, insertions, mercator_midpoint

NAME = "dnipro_line.yaml"
ROUTE = "options[0].lines[1].through"  # [Rzeszow, Lviv, Kyiv, Poltava, Dnipro]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
    folder = tmp_path / "sc"
    folder.mkdir()
    shutil.copy(REPO / "scenarios" / NAME, folder / NAME)
    running: Running = start(folder, port=0)
    try:
        yield Client(running)
    finally:
        running.stop()


def _route_geometry(path: Path) -> Any:
    from mapper.loader import load_scenario

    (line,) = [ln for ln in load_scenario(path).options[0].lines if ln.keypath.endswith("lines[1]")]
    return line.geometry


def test_a_lines_insertion_handles_sit_on_the_drawn_geodesic(client: Client) -> None:
    sites = client.get_json(f"/api/sites/{NAME}")
    mids = [m for m in sites["insertions"] if m["keypath"].startswith(f"{ROUTE}[")]
    assert [m["keypath"] for m in mids] == [f"{ROUTE}[{k}]" for k in (1, 2, 3, 4)]
    assert {m["site"] for m in mids} == {"line"}
    assert (
        mids[1]["name"] == "Insert a point between Main supply route (2) and Main supply route (3)"
    )
    geometry = _route_geometry(client.running.folder / NAME)
    points = {v["index"]: v for v in sites["vertices"] if v["list"] == ROUTE}
    for k, m in enumerate(mids):
        a, b = points[k], points[k + 1]
        on_line = distance_to_line_km(geometry, lat=m["lat"], lon=m["lon"]).distance_km[0]
        assert on_line < 0.05, (m, on_line)  # on the line as drawn (densified every 5 km)
        # halfway: as far from each end along the geodesic
        geod = pyproj.Geod(ellps="WGS84")
        da = geod.inv(a["lon"], a["lat"], m["lon"], m["lat"])[2]
        db = geod.inv(m["lon"], m["lat"], b["lon"], b["lat"])[2]
        assert abs(da - db) < 1.0
    # the plain average of Lviv and Kyiv is kilometres off the line (what the handle was before)
    lviv, kyiv = points[1], points[2]
    plain = ((lviv["lat"] + kyiv["lat"]) / 2, (lviv["lon"] + kyiv["lon"]) / 2)
    assert distance_to_line_km(geometry, lat=plain[0], lon=plain[1]).distance_km[0] > 2.0


def test_a_point_inserted_at_a_lines_handle_leaves_the_line_as_drawn(client: Client) -> None:
    path = client.running.folder / NAME
    before = _route_geometry(path)
    mid = next(
        m
        for m in client.get_json(f"/api/sites/{NAME}")["insertions"]
        if m["keypath"] == f"{ROUTE}[2]"
    )
    lat, lon = round(mid["lat"], 5), round(mid["lon"], 5)  # as the page sends it
    status, body = client.edit(NAME, op="insert", keypath=mid["keypath"], lat=lat, lon=lon)
    assert status == 200, body
    after = _route_geometry(path)
    assert f"through: [Rzeszow, Lviv, {{lat: {lat:.5f}, lon: {lon:.5f}}}, Kyiv" in path.read_text()
    # every point of the new line is on the old one (and the other way round), to within a few metres
    for a, b in ((after, before), (before, after)):
        for x, y in list(a.coords)[:: max(1, len(a.coords) // 200)]:
            assert distance_to_line_km(b, lat=y, lon=x).distance_km[0] < 0.01


def test_an_areas_insertion_handles_sit_on_its_edges_as_web_mercator_draws_them() -> None:
    corners = [
        (46.0, 30.0),
        (46.5, 36.0),
        (51.0, 35.0),
        (50.0, 24.0),
    ]  # lat, lon: long, slanted edges
    vertices = [
        {
            "keypath": f"options[0].areas[0].polygon[{i}]",
            "site": "area",
            "name": f"Zone ({i + 1})",
            "list": "options[0].areas[0].polygon",
            "index": i,
            "count": len(corners),
            "lat": lat,
            "lon": lon,
        }
        for i, (lat, lon) in enumerate(corners)
    ]
    mids = insertions(vertices)
    # between every two corners, and from the last back to the first (appended at the end of the list)
    assert [m["keypath"] for m in mids] == [
        f"options[0].areas[0].polygon[{k}]" for k in (1, 2, 3, 4)
    ]
    to_map = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    for k, m in enumerate(mids):
        (alat, alon), (blat, blon) = corners[k], corners[(k + 1) % len(corners)]
        ax, ay = to_map.transform(alon, alat)
        bx, by = to_map.transform(blon, blat)
        mx, my = to_map.transform(m["lon"], m["lat"])
        assert (
            abs(mx - (ax + bx) / 2) < 0.01 and abs(my - (ay + by) / 2) < 0.01
        )  # metres on the map
    # the last edge (24°E to 30°E, 50°N to 46°N): the plain average of latitudes is 48.0, the edge's middle
    # on the map lies further north
    assert mids[3]["lat"] > 48.03  # about 4 km


def test_midpoints_of_a_short_segment_agree_and_of_a_meridian_are_exact() -> None:
    a, b = {"lat": 50.0, "lon": 30.0}, {"lat": 50.001, "lon": 30.001}
    for f in (geodesic_midpoint, mercator_midpoint):
        lat, lon = f(a, b)
        assert abs(lat - 50.0005) < 1e-6 and abs(lon - 30.0005) < 1e-6
    lat, lon = geodesic_midpoint({"lat": 40.0, "lon": 30.0}, {"lat": 50.0, "lon": 30.0})
    assert abs(lon - 30.0) < 1e-9 and 44.9 < lat < 45.1
    # a handle is drawn only between points with handles and at different places
    same = [
        {"list": "l", "index": i, "count": 2, "site": "line", "name": "x", "lat": 1.0, "lon": 2.0}
        for i in range(2)
    ]
    assert insertions(same) == []

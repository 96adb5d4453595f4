"""Threat geography (issue 13): distances to the nearest hostile territory (front line, occupied area, Russia,
Belarus, Transnistria on request), which one it is, the bands drawn from it, and coverage counted by country.

Every expectation is computed independently: ``pyproj.Geod`` on the bundled GeoJSON outlines (densified to
<= 200 m, minimum of ``Geod.inv``), the ``csv`` module on ``geodata/places.csv``; never ``mapper.geodesy``. No
front-line distance is hard-coded (the bundled line is being corrected): each test measures the line it gets.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from support.reference import (
    GEODATA,
    HEAD,
    country_boundary,
    csv_place,
    densify,
    force,
    geod_km,
    option,
    places_rows,
)

from mapper import features
from mapper.analysis import analyze
from mapper.errors import ScenarioError
from mapper.loader import load_scenario_text

SUMY = (50.9077, 34.7981)
EDGES = (30.0, 80.0, 150.0, 300.0)


@cache
def front_vertices() -> np.ndarray:
    """The bundled front line (LineString or MultiLineString parts), densified to <= 100 m with ``Geod``."""
    data = json.loads((GEODATA / "front_line_2025-03.geojson").read_text(encoding="utf-8"))
    parts = []
    for feature in data["features"]:
        geom = shapely.geometry.shape(feature["geometry"])
        parts += [densify(shapely.get_coordinates(p), 100.0) for p in shapely.get_parts(geom)]
    return np.concatenate(parts)


@cache
def occupied_boundary() -> np.ndarray:
    data = json.loads((GEODATA / "occupied_2025-03.geojson").read_text(encoding="utf-8"))
    geom = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in data["features"]])
    rings = shapely.get_parts(geom.boundary)
    return np.concatenate([densify(shapely.get_coordinates(r), 200.0) for r in rings])


@cache
def transnistria_boundary() -> np.ndarray:
    data = json.loads((GEODATA / "regions.geojson").read_text(encoding="utf-8"))
    [geom] = [
        shapely.geometry.shape(f["geometry"])
        for f in data["features"]
        if f["properties"]["name"] == "Transnistria"
    ]
    rings = shapely.get_parts(geom.boundary)
    return np.concatenate([densify(shapely.get_coordinates(r), 200.0) for r in rings])


@cache
def boundary(part: str) -> np.ndarray:
    if part == "front line":
        return front_vertices()
    if part == "occupied area":
        return occupied_boundary()
    if part == "Transnistria":
        return transnistria_boundary()
    return country_boundary({"Russia": "RUS", "Belarus": "BLR"}[part])


def ref_km(lat: float, lon: float, part: str) -> float:
    """Independent distance from (lat, lon) to a part of the threat: the nearest densified boundary vertex
    (every site used here lies outside the areas)."""
    xy = boundary(part)
    return float(geod_km(lat, lon, xy[:, 1], xy[:, 0]).min())


def ref_nearest(lat: float, lon: float, parts: tuple[str, ...]) -> tuple[str, float]:
    d = {p: ref_km(lat, lon, p) for p in parts}
    best = min(d, key=d.__getitem__)
    if best == "occupied area" and "front line" in d and d["front line"] - d[best] <= 0.5:
        best = "front line"
    return best, min(d.values())


DEFAULT_PARTS = ("front line", "occupied area", "Russia", "Belarus")


def scenario(body: str, extra: str = "") -> Any:
    return load_scenario_text(HEAD + extra + option(body), name="t.yaml")


def one_site(lat: float, lon: float, extra: str = "") -> Any:
    s = scenario("forces:\n" + force("F", f"{{lat: {lat}, lon: {lon}}}"), extra)
    return s, analyze(s).options[0].forces[0]


def band_index(km: float) -> int:
    return next((i for i, e in enumerate(EDGES) if km < e), len(EDGES))


# ------------------------------------------------------------------------------------------------- distances


def test_sumy_is_within_40_km_of_russia_and_in_the_nearest_band() -> None:
    s, f = one_site(*SUMY)
    expected = ref_km(*SUMY, "Russia")
    assert expected < 40
    assert f.nearest_hostile == "Russia"
    assert f.distance_to_hostile_territory_km == pytest.approx(expected, abs=0.5)
    assert f.distance_to_hostile_territory_km < 40
    assert f.band_index == 0 and f.band == "0–30 km"
    # the map agrees: Sumy lies in the drawn band nearest hostile territory
    bands = features.distance_bands(s)
    assert bands[0].geometry.contains(shapely.Point(SUMY[1], SUMY[0]))
    # the headline distance is still the one to the front line, unchanged
    assert f.distance_to_front_km == pytest.approx(ref_km(*SUMY, "front line"), abs=0.5)


def test_kyiv_nearest_hostile_territory_is_belarus_at_about_87_km() -> None:
    lat, lon = csv_place("Kyiv")
    _, f = one_site(lat, lon)
    expected = ref_km(lat, lon, "Belarus")
    assert expected == pytest.approx(87, abs=4)
    assert f.nearest_hostile == "Belarus"
    assert f.distance_to_hostile_territory_km == pytest.approx(expected, abs=0.5)
    assert all(ref_km(lat, lon, p) > expected for p in ("Russia", "front line", "occupied area"))
    # the border carries no front-line accuracy; the distance to the front line does
    assert f.hostile_accuracy_km is None
    assert f.accuracy_km == s_accuracy()


def s_accuracy() -> float | None:
    return scenario("forces:\n" + force("F", "Kyiv")).front.accuracy_km


@pytest.mark.parametrize(
    "name", ["Chernihiv", "Kharkiv", "Odesa", "Dnipro", "Lviv", "Poltava", "Zaporizhzhia"]
)
def test_nearest_hostile_territory_matches_independent_reference(name: str) -> None:
    lat, lon = csv_place(name)
    _, f = one_site(lat, lon)
    part, km = ref_nearest(lat, lon, DEFAULT_PARTS)
    assert f.nearest_hostile == part, (name, {p: ref_km(lat, lon, p) for p in DEFAULT_PARTS})
    assert f.distance_to_hostile_territory_km == pytest.approx(km, abs=0.5)
    assert f.band_index == band_index(km) or abs(km - EDGES[min(band_index(km), 3)]) < 1


def test_chernihiv_is_nearest_belarus() -> None:
    lat, lon = csv_place("Chernihiv")
    _, f = one_site(lat, lon)
    assert f.nearest_hostile == "Belarus"
    assert ref_km(lat, lon, "Belarus") < ref_km(lat, lon, "Russia")


def test_inside_russia_and_inside_the_occupied_area_is_zero() -> None:
    s = scenario(
        "forces:\n"
        + force("Belgorod", "{lat: 50.5997, lon: 36.5983}")
        + force("Donetsk", "{place: Donetsk, oblast: Donetsk}")
    )
    f = {x.name: x for x in analyze(s).options[0].forces}
    assert f["Belgorod"].distance_to_hostile_territory_km == 0.0
    assert f["Belgorod"].nearest_hostile == "Russia"
    assert f["Donetsk"].distance_to_hostile_territory_km == 0.0
    assert f["Donetsk"].nearest_hostile == "occupied area"
    assert f["Donetsk"].in_occupied


def test_threat_front_line_only_gives_the_old_behaviour() -> None:
    s, f = one_site(*SUMY, "threat: [front_line]\n")
    assert s.threat == ("front_line",)
    assert f.nearest_hostile == "front line"
    assert f.distance_to_hostile_territory_km == f.distance_to_front_km
    assert f.band_index == band_index(ref_km(*SUMY, "front line"))
    # the bands are the front line's, as before the threat existed
    from mapper import geodesy
    from mapper.frontline import hostile_territory

    clip = shapely.difference(
        features.THEATRE_BOX, shapely.simplify(hostile_territory(s.front), 0.005)
    )
    old = geodesy.distance_bands(s.front.line, list(EDGES), clip=clip)
    got = features.distance_bands(s)
    assert [(b.inner_km, b.outer_km) for b in got] == [(a, b) for a, b, _ in old]
    for band, (_, _, geom) in zip(got, old, strict=True):
        assert band.geometry.equals(geom)


def test_default_bands_follow_the_distance_to_hostile_territory() -> None:
    """Sample points over Ukraine: each drawn band holds points whose independent distance to hostile territory
    is within the band (away from the edges by more than the outline's simplification)."""
    s, _ = one_site(*SUMY)
    bands = features.distance_bands(s)
    rng = np.random.default_rng(13)
    lat = rng.uniform(45.5, 51.8, 60)
    lon = rng.uniform(23.0, 38.0, 60)
    checked = 0
    for la, lo in zip(lat, lon, strict=True):
        inside = [b for b in bands if b.geometry.contains(shapely.Point(lo, la))]
        if not inside:
            continue
        _, km = ref_nearest(float(la), float(lo), DEFAULT_PARTS)
        b = inside[0]
        assert len(inside) == 1
        assert b.inner_km - 1.0 <= km < b.outer_km + 1.0, (la, lo, km, b.name)
        checked += 1
    assert checked >= 20


def test_transnistria_is_opt_in() -> None:
    lat, lon = csv_place("Rozdilna", "Odesa")
    _, default = one_site(lat, lon)
    assert default.nearest_hostile != "Transnistria"
    _, f = one_site(lat, lon, "threat: [front_line, occupied, russia, belarus, transnistria]\n")
    part, km = ref_nearest(lat, lon, (*DEFAULT_PARTS, "Transnistria"))
    assert f.nearest_hostile == part
    assert f.distance_to_hostile_territory_km == pytest.approx(km, abs=0.5)


def test_threat_accepts_aliases_and_drops_repeats() -> None:
    s = scenario(
        "forces:\n" + force("F", "Kyiv"), "threat: [front line, Occupied_Area, Russia, RUS]\n"
    )
    assert s.threat == ("front_line", "occupied", "russia")


def test_unknown_threat_is_a_located_error_with_the_choices() -> None:
    with pytest.raises(ScenarioError) as info:
        scenario("forces:\n" + force("F", "Kyiv"), "threat: [russia, chechnya]\n")
    [p] = info.value.problems
    assert (p.line, p.column, p.keypath) == (5, 18, "threat[1]")
    assert "front_line, occupied, russia, belarus, transnistria" in p.message
    assert "chechnya" in p.message


def test_bands_name_their_basis() -> None:
    s = scenario("forces:\n" + force("F", "Kyiv"))
    assert features.band_basis(s) == (
        "Distance from hostile territory (the front line, occupied area, Russia and Belarus)"
    )
    s = scenario("forces:\n" + force("F", "Kyiv"), "threat: front_line\n")
    assert features.band_basis(s) == "Distance from the front line"


# -------------------------------------------------------------------------------------------------- coverage
MK = (44.36798, 28.46)  # Mihail Kogălniceanu air base, Romania (places.csv, Constanta county)


def independent_coverage(lat: float, lon: float, km: float) -> dict[str, int]:
    rows = places_rows()
    plat = np.array([float(r["lat"]) for r in rows])
    plon = np.array([float(r["lon"]) for r in rows])
    inside = geod_km(lat, lon, plat, plon) <= km
    out: dict[str, int] = {}
    for r, hit in zip(rows, inside, strict=True):
        if hit:
            out[r["country"]] = out.get(r["country"], 0) + int(r["population"])
    return out


def ring_at_mk(extra: str = "") -> Any:
    body = (
        "forces:\n  - {name: MK, nation: FR, troops: 10, range_km: 600, "
        f"at: {{lat: {MK[0]}, lon: {MK[1]}}}}}\n"
    )
    return analyze(scenario(body, extra)).options[0]


def test_romania_ring_counts_no_population_outside_ukraine_by_default() -> None:
    ref = independent_coverage(*MK, 600)
    assert (
        ref.get("TR", 0) > 0 and ref.get("BG", 0) > 0
    )  # the ring does reach Istanbul and Bulgaria
    opt = ring_at_mk()
    f = opt.forces[0]
    assert f.population_covered_by_country == {"UA": ref["UA"]}
    assert f.population_covered == ref["UA"]
    assert opt.summary.population_covered == ref["UA"]
    assert opt.summary.population_covered_by_country == {"UA": ref["UA"]}


def test_coverage_countries_add_up_to_the_total() -> None:
    ref = independent_coverage(*MK, 600)
    opt = ring_at_mk("coverage: {countries: [Ukraine, ROU, md]}\n")
    by = opt.summary.population_covered_by_country
    assert by == {"UA": ref["UA"], "RO": ref["RO"], "MD": ref["MD"]}
    assert sum(by.values()) == opt.summary.population_covered
    assert opt.forces[0].population_covered_by_country == by


def test_unknown_coverage_country_is_a_located_error() -> None:
    with pytest.raises(ScenarioError) as info:
        scenario("forces:\n" + force("F", "Kyiv"), "coverage:\n  countries: [Ukraine, Narnia]\n")
    [p] = [p for p in info.value.problems if p.severity == "error"]
    assert (p.line, p.keypath) == (6, "coverage.countries[1]")
    assert "Narnia" in p.message


def test_json_states_threat_and_coverage(tmp_path: Path) -> None:
    s = scenario("forces:\n" + force("F", "Kyiv"), "threat: [front_line, belarus]\n")
    d = analyze(s).to_dict()
    assert d["threat"] == ["front_line", "belarus"] and d["coverage_countries"] == ["UA"]
    assert d["options"][0]["forces"][0]["nearest_hostile"] == "Belarus"

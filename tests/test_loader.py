"""The scenario loader (issue 3): location forms, spelling variants, YAML traps, collected and located errors,
warnings, resolved geometry (rivers, routes, areas, zones), front-line file rules, bands, hostile inputs, and a
property test that ``load_scenario`` only ever returns a ``Scenario`` or raises ``ScenarioError``.

Expected coordinates and distances are computed independently of the code under test: places are read straight
from ``geodata/places.csv`` with the ``csv`` module, distances with ``pyproj.Geod`` directly.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.reference import (
    GEOD,
    GEODATA,
    HEAD,
    REPO,
    csv_place,
    densify,
    force,
    geod_km,
    min_distance_km,
    option,
)
from support.strategies import EXAMPLE_DATA, documents, mutated_examples, top_level

from mapper.errors import ScenarioError
from mapper.loader import load_scenario, validate
from mapper.scenario import DEFAULT_BANDS, Scenario


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_text(tmp_path: Path, text: str, name: str = "s.yaml") -> Scenario:
    return load_scenario(write(tmp_path, text, name))


def errors_of(tmp_path: Path, text: str, name: str = "s.yaml") -> list[Any]:
    with pytest.raises(ScenarioError) as info:
        load_text(tmp_path, text, name)
    return info.value.problems


# ----------------------------------------------------------------------------------------------------------------
# Locations


def test_three_location_forms_and_exact_coordinates(tmp_path: Path) -> None:
    s = load_text(
        tmp_path,
        HEAD
        + option(
            "forces:\n"
            + force("by_name", "Odesa")
            + force("qualified", "{place: Lyman, oblast: Donetsk}")
            + force("comma", '"Lyman, Donetsk"')
            + force("coords", "{lat: 48.4647, lon: 35.0462}")
            + force("coords_named", "{lat: 50.1, lon: 30.2, name: Somewhere}")
        ),
    )
    f = {x.name: x.location for x in s.options[0].forces}
    assert (f["by_name"].lat, f["by_name"].lon) == csv_place("Odesa")
    lyman = csv_place("Lyman", "Donetsk")
    assert (f["qualified"].lat, f["qualified"].lon) == lyman
    assert (f["comma"].lat, f["comma"].lon) == lyman
    # explicit coordinates are used exactly as written, not snapped to a place
    assert (f["coords"].lat, f["coords"].lon) == (48.4647, 35.0462)
    assert f["coords"].place is None
    assert (f["coords_named"].lat, f["coords_named"].lon) == (50.1, 30.2)
    assert f["coords_named"].label == "Somewhere"


def test_ambiguous_place_lists_candidates(tmp_path: Path) -> None:
    problems = errors_of(tmp_path, HEAD + option("forces:\n" + force("f", "Lyman")))
    assert len(problems) == 1
    msg = problems[0].message
    assert "ambiguous" in msg
    for oblast in ("Donetsk", "Kharkiv", "Odesa"):  # the three places named exactly "Lyman"
        assert f"Lyman ({oblast}, UA)" in msg
    assert problems[0].keypath == "options[0].forces[0].at"


def test_bare_pair_refused_with_explicit_form(tmp_path: Path) -> None:
    problems = errors_of(tmp_path, HEAD + option("forces:\n" + force("f", "[48.46, 35.05]")))
    assert len(problems) == 1
    assert "bare coordinate pair [48.46, 35.05]" in problems[0].message
    assert "{lat: ..., lon: ...}" in problems[0].message
    assert (problems[0].line, problems[0].keypath) == (10, "options[0].forces[0].at")


def test_block_style_bare_pair_refused(tmp_path: Path) -> None:
    text = HEAD + option(
        """\
        forces:
          - name: f
            nation: FR
            troops: 5
            at:
              - 48.46
              - 35.05
        """
    )
    problems = errors_of(tmp_path, text)
    assert [p.keypath for p in problems] == ["options[0].forces[0].at"]
    assert "bare coordinate pair" in problems[0].message


@pytest.mark.parametrize(
    ("variant", "official"),
    [("Kiev", "Kyiv"), ("Odessa", "Odesa"), ("Zaporizhzhya", "Zaporizhzhia"), ("kyiv", "Kyiv")],
)
def test_spelling_variants_resolve_like_official_names(
    tmp_path: Path, variant: str, official: str
) -> None:
    s = load_text(tmp_path, HEAD + option("forces:\n" + force("a", variant) + force("b", official)))
    a, b = (f.location for f in s.options[0].forces)
    assert (a.lat, a.lon) == (b.lat, b.lon) == csv_place(official)


def test_swapped_coordinates_are_an_error(tmp_path: Path) -> None:
    problems = errors_of(
        tmp_path, HEAD + option("forces:\n" + force("f", "{lat: 30.5, lon: 50.4}"))
    )
    assert len(problems) == 1 and problems[0].severity == "error"
    assert "did you mean {lat: 50.4, lon: 30.5}" in problems[0].message


# ----------------------------------------------------------------------------------------------------------------
# YAML traps and structural errors


def test_nation_no_stays_norway_and_uk_is_gb(tmp_path: Path) -> None:
    s = load_text(
        tmp_path,
        HEAD
        + option(
            "forces:\n"
            + force("a", "Kyiv", nation="NO")
            + force("b", "Kyiv", nation="no")
            + force("c", "Kyiv", nation="UK")
            + force("d", "Kyiv", nation="gb")
        ),
    )
    assert [f.nation for f in s.options[0].forces] == ["NO", "NO", "GB", "GB"]


@pytest.mark.parametrize("word", ["yes", "off", "true", "XX"])
def test_nation_that_is_not_a_country_is_refused(tmp_path: Path, word: str) -> None:
    problems = errors_of(tmp_path, HEAD + option("forces:\n" + force("a", "Kyiv", nation=word)))
    assert [p.keypath for p in problems] == ["options[0].forces[0].nation"]
    assert f"got {word!r}" in problems[0].message


def test_ids_keep_their_text(tmp_path: Path) -> None:
    s = load_text(
        tmp_path, HEAD.replace("id: t", "id: 010") + option("forces:\n" + force("a", "Kyiv"))
    )
    assert s.id == "010"  # not the YAML 1.1 octal 8


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    text = HEAD + option(
        """\
        forces:
          - name: f
            nation: FR
            troops: 5
            troops: 6
            at: Kyiv
        """
    )
    problems = errors_of(tmp_path, text)
    assert len(problems) == 1
    p = problems[0]
    assert (p.line, p.column, p.keypath) == (13, 9, "options[0].forces[0].troops")
    assert "duplicate key 'troops' (first given on line 12)" in p.message


def test_duplicate_top_level_key(tmp_path: Path) -> None:
    problems = errors_of(
        tmp_path, HEAD + "title: Again\n" + option("forces:\n" + force("a", "Kyiv"))
    )
    assert [(p.line, p.keypath) for p in problems] == [(5, "title")]


def test_unknown_key_suggests_the_nearest(tmp_path: Path) -> None:
    text = HEAD + option("forces:\n  - {name: f, nation: FR, troop: 5, at: Kyiv}\n")
    problems = errors_of(tmp_path, text)
    # the misspelt key is reported once, with the suggestion, and 'troops' is not also reported missing
    assert len(problems) == 1
    msg = problems[0].message
    assert "unknown key 'troop' (did you mean 'troops'?)" in msg
    assert "valid keys: at, description, echelon" in msg
    assert problems[0].keypath == "options[0].forces[0].troop"


def test_all_errors_reported_together_in_file_order(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        format: 1
        id: Bad Id
        title: T
        date: 2025-13-45
        colour_scheme: x
        options:
          - id: a
            name: A
            colour: '#12345'
            forces:
              - {name: f1, nation: XX, troops: 5, at: Kyiv}
              - {name: f2, nation: FR, troops: many, at: Kyiv}
              - {name: f3, nation: FR, troops: 5, at: Atlantisville}
              - {name: f4, nation: FR, troops: 5, at: Kyiv, range_km: -1}
        """
    )
    problems = errors_of(tmp_path, text)
    assert len(problems) >= 8
    assert [p.keypath for p in problems] == [
        "id",
        "date",
        "colour_scheme",
        "options[0].colour",
        "options[0].forces[0].nation",
        "options[0].forces[1].troops",
        "options[0].forces[2].at",
        "options[0].forces[3].range_km",
    ]
    positions = [(p.line, p.column) for p in problems]
    assert positions == sorted(positions)
    assert [p.line for p in problems] == [2, 4, 5, 9, 11, 12, 13, 14]
    assert all(p.severity == "error" for p in problems)
    # the message of the exception is one located line per problem
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "s.yaml")
    lines = str(info.value).splitlines()
    assert len(lines) == len(problems)
    assert all(line.startswith(f"{tmp_path / 's.yaml'}:") for line in lines)


def test_missing_required_keys(tmp_path: Path) -> None:
    problems = errors_of(tmp_path, "format: 1\nid: t\n")
    assert {p.keypath for p in problems} == {"title", "date", "options"}


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("regions", "expected a list"),
        ("country", "expected a country name"),
        ("polygon", "expected a list"),
    ],
)
def test_area_shape_key_left_empty_is_an_error(tmp_path: Path, key: str, fragment: str) -> None:
    # regression: `regions:` with no value crashed with TypeError instead of a located error
    problems = errors_of(tmp_path, HEAD + option(f"areas:\n  - name: P\n    {key}:\n"))
    assert [p.keypath for p in problems] == [f"options[0].areas[0].{key}"]
    assert fragment in problems[0].message and "nothing (an empty value)" in problems[0].message


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("areas:\n  - {name: P}\n", "expected one of the keys 'regions' or 'country' or 'polygon'"),
        ("lines:\n  - {name: L}\n", "expected one of the keys 'along' or 'through'"),
    ],
)
def test_shape_key_missing_gives_one_error(tmp_path: Path, body: str, message: str) -> None:
    # regression: an area with none of regions/country/polygon crashed with TypeError; a line with neither
    # along nor through also reported a misleading "a route needs at least two different places"
    problems = errors_of(tmp_path, HEAD + option(body))
    assert [p.message for p in problems] == [message]


def test_invalid_river_or_region_name_is_reported_once(tmp_path: Path) -> None:
    # regression: an invalid value was also looked up and reported as "unknown river INVALID"
    text = HEAD + option(
        """\
        lines:
          - {name: L, along: {river: [a], from: Kyiv, to: Cherkasy}}
        areas:
          - {name: P, regions: [[a]]}
        """
    )
    problems = errors_of(tmp_path, text)
    assert [p.keypath for p in problems] == [
        "options[0].lines[0].along.river",
        "options[0].areas[0].regions[0]",
    ]
    assert not any("INVALID" in p.message for p in problems)


def test_huge_zone_is_a_clean_error(tmp_path: Path) -> None:
    # regression: a buffer reaching over the pole raised shapely's GEOSException
    problems = errors_of(
        tmp_path, HEAD + option("zones:\n  - {name: Z, buffer_of: front_line, km: 5000}\n")
    )
    # the old `km:` form also warns (what it draws: a zone 10,000 km wide)
    errors = [p for p in problems if p.severity == "error"]
    assert [p.keypath for p in errors] == ["options[0].zones[0].km"]
    assert "10000 km" in errors[0].message
    problems = errors_of(
        tmp_path, HEAD + option("zones:\n  - {name: Z, buffer_of: front_line, width_km: 10000}\n")
    )
    assert [(p.keypath, p.severity) for p in problems] == [
        ("options[0].zones[0].width_km", "error")
    ]


# ----------------------------------------------------------------------------------------------------------------
# Warnings


def test_point_outside_theatre_is_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + option("forces:\n" + force("f", "{lat: 59.9, lon: 10.7}")))
    s = load_scenario(path)  # loads: a warning is not an error
    assert len(s.warnings) == 1
    w = s.warnings[0]
    assert w.severity == "warning" and "outside the theatre" in w.message
    assert w.keypath == "options[0].forces[0].at"
    [report] = validate([path])
    assert not report.errors and len(report.warnings) == 1
    [strict] = validate([path], strict=True)
    assert len(strict.errors) == 1 and "outside the theatre" in strict.errors[0].message


def test_force_closer_than_constraint_is_a_warning(tmp_path: Path) -> None:
    # Kyiv is ~420 km from the bundled line (see test_analysis for the derivation): 1,000 km is not met
    text = HEAD + "constraints: {min_distance_from_front_km: 1000}\n"
    path = write(tmp_path, text + option("forces:\n" + force("f", "Kyiv") + force("g", "Lviv")))
    s = load_scenario(path)
    assert s.warnings == ()  # constraints are analysis checks, made by validate
    [report] = validate([path])
    assert not report.errors
    assert [w.keypath for w in report.warnings] == ["options[0].forces[0]", "options[0].forces[1]"]
    assert all("closer than the 1000 km minimum" in w.message for w in report.warnings)
    assert report.warnings[0].line == 11
    [strict] = validate([path], strict=True)
    assert len(strict.errors) == 2 and not strict.warnings
    # a constraint that is met gives nothing
    ok = write(
        tmp_path,
        HEAD
        + "constraints: {min_distance_from_front_km: 100}\n"
        + option("forces:\n" + force("f", "Kyiv")),
        "ok.yaml",
    )
    [report] = validate([ok], strict=True)
    assert report.problems == []


def test_force_in_occupied_area_is_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + option("forces:\n" + force("f", "Donetsk")))
    [report] = validate([path])
    assert not report.errors
    assert len(report.warnings) == 1 and "inside the occupied area" in report.warnings[0].message
    allowed = write(
        tmp_path,
        HEAD
        + "constraints: {allow_in_occupied: true}\n"
        + option("forces:\n" + force("f", "Donetsk")),
        "allowed.yaml",
    )
    [report] = validate([allowed], strict=True)
    assert report.problems == []


# ----------------------------------------------------------------------------------------------------------------
# Lines, areas, zones


def test_along_river_follows_the_dnipro(tmp_path: Path) -> None:
    s = load_text(
        tmp_path,
        HEAD
        + option(
            """\
            lines:
              - {name: down, along: {river: Dnipro, from: Kyiv, to: Zaporizhzhia}}
              - {name: up, along: {river: Dnipro, from: Zaporizhzhia, to: Kyiv}}
            """
        ),
    )
    down, up = (ln.geometry for ln in s.options[0].lines)
    kyiv, zap = csv_place("Kyiv"), csv_place("Zaporizhzhia", "Zaporizhzhia")
    c = shapely.get_coordinates(down)
    # both cities lie on the river (their centres within ~3 km of it): the ends are near them, in the given order
    assert geod_km(*kyiv, c[0][1], c[0][0])[0] < 5
    assert geod_km(*zap, c[-1][1], c[-1][0])[0] < 5
    cu = shapely.get_coordinates(up)
    assert geod_km(*zap, cu[0][1], cu[0][0])[0] < 5
    assert geod_km(*kyiv, cu[-1][1], cu[-1][0])[0] < 5
    np.testing.assert_allclose(cu, c[::-1])

    # The Dnipro flows from Kyiv past Cherkasy, Kremenchuk and Dnipro city to Zaporizhzhia (all river cities).
    # The line must pass near each, in that order; if it passes within eps_i of city i, its length is at least
    # sum(d(c_i, c_i+1)) - sum(slack), which bounds it from below independently of how the river was drawn.
    cities = [kyiv, csv_place("Cherkasy"), csv_place("Kremenchuk"), csv_place("Dnipro"), zap]
    dense = densify(c, 200.0)
    eps, order = [], []
    for lat, lon in cities:
        d = geod_km(lat, lon, dense[:, 1], dense[:, 0])
        eps.append(float(d.min()))
        order.append(int(d.argmin()))
    assert max(eps) < 8.0, eps
    assert order == sorted(order)
    legs = sum(geod_km(a[0], a[1], b[0], b[1])[0] for a, b in itertools.pairwise(cities))  # ~470 km
    slack = eps[0] + eps[-1] + 2 * sum(eps[1:-1])
    length = GEOD.geometry_length(down) / 1000
    straight = geod_km(*kyiv, *zap)[0]  # ~443 km
    assert length > straight
    assert length >= legs - slack
    # upper bound: the regulated Dnipro (a chain of reservoirs) is far from meandering; its navigable channel
    # Kyiv -> Zaporizhzhia is roughly 600 km, so 1.4x the chain of river cities (~660 km) is generous
    assert length <= 1.4 * legs
    assert s.options[0].lines[0].how == "Dnipro from Kyiv to Zaporizhzhia"


def test_along_end_far_from_river_is_an_error(tmp_path: Path) -> None:
    problems = errors_of(
        tmp_path,
        HEAD + option("lines:\n  - {name: L, along: {river: Dnipro, from: Lviv, to: Kyiv}}\n"),
    )
    assert [p.keypath for p in problems] == ["options[0].lines[0].along.from"]
    assert "must be within 30 km of the river" in problems[0].message


def test_through_route_passes_every_place(tmp_path: Path) -> None:
    s = load_text(
        tmp_path,
        HEAD
        + option("lines:\n  - {name: R, through: [Rzeszow, Lviv, Kyiv, {lat: 49.5, lon: 32.0}]}\n"),
    )
    geom = s.options[0].lines[0].geometry
    c = shapely.get_coordinates(geom)
    stops = [csv_place("Rzeszów", country="PL"), csv_place("Lviv"), csv_place("Kyiv"), (49.5, 32.0)]
    for lat, lon in stops:
        assert min_distance_km(lat, lon, c) < 0.001
    assert geod_km(*stops[0], c[0][1], c[0][0])[0] < 0.001
    assert geod_km(*stops[-1], c[-1][1], c[-1][0])[0] < 0.001
    # legs are geodesics: the drawn line is as long as the sum of the geodesic legs
    legs = sum(geod_km(*a, *b)[0] for a, b in itertools.pairwise(stops))
    assert GEOD.geometry_length(geom) / 1000 == pytest.approx(legs, rel=1e-4)


def _geod_area_km2(geom: Any) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def test_areas_regions_country_polygon(tmp_path: Path) -> None:
    s = load_text(
        tmp_path,
        HEAD
        + option(
            """\
            areas:
              - {name: W, regions: [Lviv, Volyn]}
              - {name: One, regions: Zakarpattia}
              - {name: P, country: Poland}
              - {name: PL, country: PL}
              - name: Box
                polygon: [{lat: 50.0, lon: 23.4}, {lat: 50.1, lon: 23.8}, {lat: 49.8, lon: 23.7}]
            """
        ),
    )
    areas = {a.name: a.geometry for a in s.options[0].areas}
    w = areas["W"]
    for name in ("Lviv", "Lutsk", "Kovel"):
        lat, lon = csv_place(name)
        assert w.contains(shapely.Point(lon, lat)), name
    for name in ("Kyiv", "Rivne", "Uzhhorod"):
        lat, lon = csv_place(name)
        assert not w.contains(shapely.Point(lon, lat)), name
    # official areas: Lviv oblast 21,833 km2 + Volyn oblast 20,144 km2 = 41,977 km2 (simplified borders: 5 %)
    assert _geod_area_km2(w) == pytest.approx(21_833 + 20_144, rel=0.05)
    assert _geod_area_km2(areas["One"]) == pytest.approx(12_777, rel=0.05)  # Zakarpattia
    # Poland: 312,696 km2
    assert _geod_area_km2(areas["P"]) == pytest.approx(312_696, rel=0.03)
    assert areas["P"].equals(areas["PL"])
    warsaw = csv_place("Warsaw", country="PL")
    assert areas["P"].contains(shapely.Point(warsaw[1], warsaw[0]))
    box = areas["Box"]
    assert sorted(map(tuple, shapely.get_coordinates(box.exterior)[:-1])) == sorted(
        [(23.4, 50.0), (23.8, 50.1), (23.7, 49.8)]
    )


def _boundary_samples(geom: Any, step_km: float = 5.0) -> np.ndarray:
    lines = shapely.get_parts(shapely.boundary(geom))
    pts = []
    for ln in lines:
        n = max(int(GEOD.geometry_length(ln) / 1000 / step_km), 4)
        pts.extend(shapely.get_coordinates(ln.interpolate(np.linspace(0, 1, n), normalized=True)))
    return np.array(pts)


def _distances_to(dense: np.ndarray, pts: np.ndarray) -> np.ndarray:
    # min over the densified vertices (geodesic), one point at a time to bound memory
    return np.array([min_distance_km(lat, lon, dense) for lon, lat in pts])


def test_zone_buffer_of_front_line_is_geodesic_and_clipped(tmp_path: Path) -> None:
    from mapper.frontline import bundled_front_line
    from mapper.geodata import ukraine

    s = load_text(
        tmp_path, HEAD + option("zones:\n  - {name: DMZ, buffer_of: front_line, km: 15}\n")
    )
    zone = s.options[0].zones[0]
    assert (zone.buffer_of, zone.km) == ("front_line", 15.0)
    # clipped to Ukraine: nothing of it lies outside Ukraine's polygon
    assert zone.geometry.difference(ukraine()).area < 1e-9
    line = bundled_front_line().line
    front = shapely.get_coordinates(line)
    # each part of the line on its own (a MultiLineString's parts are not joined), densified to 500 m steps:
    # the min over them overestimates by < 2 m at 15 km
    dense = np.concatenate(
        [densify(shapely.get_coordinates(p), 500.0) for p in shapely.get_parts(line)]
    )
    pts = _boundary_samples(zone.geometry, 10.0)
    # keep the boundary points that are not on Ukraine's border or coast (where the zone was clipped)
    border = shapely.boundary(ukraine())
    keep = (
        shapely.distance(shapely.points(pts), border) > 0.02
    )  # ~1.5-2 km in degrees, only a filter
    pts = pts[keep]
    assert len(pts) > 100
    d = _distances_to(dense, pts[:: max(1, len(pts) // 150)])
    # the buffer is built geodesically: every unclipped edge point is 15 km from the line (0.5 % + 50 m)
    assert np.abs(d - 15.0).max() < 15.0 * 0.005 + 0.05, (d.min(), d.max())
    # and the line itself (where inside Ukraine) is inside the zone
    mid = shapely.Point(*front[len(front) // 2])
    assert zone.geometry.buffer(1e-6).contains(mid)


def test_zone_buffer_of_named_line(tmp_path: Path) -> None:
    s = load_text(
        tmp_path,
        HEAD
        + option(
            """\
            lines:
              - {name: Route, through: [Lviv, Rivne]}
            zones:
              - {name: Corridor, buffer_of: Route, km: 20}
            """
        ),
    )
    zone = s.options[0].zones[0]
    assert zone.buffer_of == "Route"
    dense = densify(shapely.get_coordinates(s.options[0].lines[0].geometry), 200.0)
    pts = _boundary_samples(zone.geometry, 5.0)
    d = _distances_to(dense, pts[:: max(1, len(pts) // 120)])
    assert np.abs(d - 20.0).max() < 20.0 * 0.005 + 0.05, (d.min(), d.max())
    # not clipped: a buffer of a line of the option may reach into Poland
    assert _geod_area_km2(zone.geometry) == pytest.approx(
        2 * 20 * GEOD.geometry_length(s.options[0].lines[0].geometry) / 1000 + np.pi * 20**2,
        rel=0.01,
    )


def test_zone_of_unknown_line(tmp_path: Path) -> None:
    problems = errors_of(
        tmp_path,
        HEAD
        + option(
            "lines:\n  - {name: R, through: [Lviv, Kyiv]}\nzones:\n  - {name: Z, buffer_of: Q, km: 5}\n"
        ),
    )
    assert [p.keypath for p in problems] == ["options[0].zones[0].buffer_of"]
    assert "'front_line', 'R'" in problems[0].message


# ----------------------------------------------------------------------------------------------------------------
# Front-line files


FRONT_FILE = "front_line_2025-03.geojson"


def test_front_line_file_inside_folder(tmp_path: Path) -> None:
    from mapper.frontline import bundled_front_line

    shutil.copy(GEODATA / FRONT_FILE, tmp_path / "mine.geojson")
    s = load_text(
        tmp_path, HEAD + "front_line: mine.geojson\n" + option("forces:\n" + force("f", "Kyiv"))
    )
    assert s.front.date == "2025-03-27"
    assert s.front.line.equals(bundled_front_line().line)
    assert Path(s.front.path).name == "mine.geojson"
    sub = tmp_path / "data"
    sub.mkdir()
    shutil.copy(GEODATA / FRONT_FILE, sub / "line.geojson")
    s = load_text(
        tmp_path,
        HEAD + "front_line: data/line.geojson\n" + option("forces:\n" + force("f", "Kyiv")),
    )
    assert s.front.line.equals(bundled_front_line().line)


@pytest.mark.parametrize("value", ["../front.geojson", "data/../../front.geojson", "ABS"])
def test_front_line_outside_folder_refused(tmp_path: Path, value: str) -> None:
    folder = tmp_path / "scen"
    folder.mkdir()
    shutil.copy(GEODATA / FRONT_FILE, tmp_path / "front.geojson")
    if value == "ABS":
        value = str(tmp_path / "front.geojson")
    problems = errors_of(
        folder, HEAD + f"front_line: {value!r}\n" + option("forces:\n" + force("f", "Kyiv"))
    )
    assert [p.keypath for p in problems] == ["front_line"]
    assert "only name files inside its own folder" in problems[0].message


def test_front_line_symlink_outside_refused(tmp_path: Path) -> None:
    folder = tmp_path / "scen"
    folder.mkdir()
    shutil.copy(GEODATA / FRONT_FILE, tmp_path / "front.geojson")
    (folder / "link.geojson").symlink_to(tmp_path / "front.geojson")
    problems = errors_of(
        folder, HEAD + "front_line: link.geojson\n" + option("forces:\n" + force("f", "Kyiv"))
    )
    assert [p.keypath for p in problems] == ["front_line"]
    assert "outside the scenario's folder" in problems[0].message
    # a link that stays inside the folder is fine
    shutil.copy(GEODATA / FRONT_FILE, folder / "real.geojson")
    (folder / "inner.geojson").symlink_to(folder / "real.geojson")
    load_text(
        folder,
        HEAD + "front_line: inner.geojson\n" + option("forces:\n" + force("f", "Kyiv")),
        "ok.yaml",
    )


@pytest.mark.parametrize("value", ['"a\\0b.geojson"', "a" * 300 + ".geojson", "missing.geojson"])
def test_unusable_front_line_names_are_clean_errors(tmp_path: Path, value: str) -> None:
    # regression: a NUL byte raised ValueError, an over-long name OSError, instead of a located error
    problems = errors_of(
        tmp_path, HEAD + f"front_line: {value}\n" + option("forces:\n" + force("f", "Kyiv"))
    )
    assert [p.keypath for p in problems] == ["front_line"]
    assert problems[0].line == 5


def test_front_line_override(tmp_path: Path) -> None:
    override = REPO / "tests" / "data" / "frontlines" / "contact.geojson"
    path = write(
        tmp_path, HEAD + "front_line: bundled\n" + option("forces:\n" + force("f", "Kyiv"))
    )
    s = load_scenario(path, front_line=override)
    assert s.front.date == "2025-01-10" and s.front.source == "test fixture"
    assert shapely.get_coordinates(s.front.line)[0].tolist() == [37.0, 49.5]
    assert load_scenario(path).front.date == "2025-03-27"
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(path, front_line=tmp_path / "nope.geojson")


# ----------------------------------------------------------------------------------------------------------------
# Bands


def test_default_bands(tmp_path: Path) -> None:
    s = load_text(tmp_path, HEAD + option("forces:\n" + force("f", "Kyiv")))
    assert [(b.inner_km, b.outer_km) for b in s.bands] == [(0, 30), (30, 80), (80, 150), (150, 300)]
    assert [b.label for b in s.bands] == [label for _, label in DEFAULT_BANDS]


def test_bands_numbers_and_mappings_sorted(tmp_path: Path) -> None:
    text = HEAD + 'bands_km: [150, {km: 30, label: "drones"}, 80.5]\n'
    s = load_text(tmp_path, text + option("forces:\n" + force("f", "Kyiv")))
    assert [(b.inner_km, b.outer_km, b.label) for b in s.bands] == [
        (0, 30, "drones"),
        (30, 80.5, ""),
        (80.5, 150, ""),
    ]
    assert s.bands[0].name == "0–30 km"


@pytest.mark.parametrize(
    ("bands", "fragment"),
    [("[30, 30]", "duplicate band edge 30 km"), ("[0]", "greater than 0"), ("[]", "at least 1")],
)
def test_bad_bands(tmp_path: Path, bands: str, fragment: str) -> None:
    problems = errors_of(
        tmp_path, HEAD + f"bands_km: {bands}\n" + option("forces:\n" + force("f", "Kyiv"))
    )
    assert len(problems) == 1 and fragment in problems[0].message


# ----------------------------------------------------------------------------------------------------------------
# Hostile inputs


def _bounded(fn: Any, seconds: float = 20.0) -> Any:
    """Run ``fn`` in a daemon thread; fail (instead of hanging the suite) when it does not return in time."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:
            box["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"did not return within {seconds} s"
    if "error" in box:
        raise box["error"]
    return box.get("value")


def test_alias_bomb(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    path = write(tmp_path, "\n".join(lines) + "\n")
    t0 = time.perf_counter()
    with pytest.raises(ScenarioError, match=r"aliases expand to over 1,000,000 values"):
        _bounded(lambda: load_scenario(path))
    assert (
        time.perf_counter() - t0 < 20
    )  # sanity guard only: a real expansion would be 9**10 values


def test_moderate_aliases_are_fine(tmp_path: Path) -> None:
    text = (
        HEAD
        + "sources: &s [one, two]\nassumptions: *s\n"
        + option("forces:\n" + force("f", "Kyiv"))
    )
    s = load_text(tmp_path, text)
    assert s.sources == s.assumptions == ("one", "two")


def test_recursive_alias(tmp_path: Path) -> None:
    path = write(tmp_path, "a: &a [*a]\n")
    with pytest.raises(ScenarioError, match="aliases expand"):
        _bounded(lambda: load_scenario(path))


def test_deep_nesting(tmp_path: Path) -> None:
    path = write(tmp_path, "[" * 200 + "]" * 200 + "\n")
    with pytest.raises(ScenarioError, match="nesting deeper than 50 levels"):
        _bounded(lambda: load_scenario(path))
    deeper = write(tmp_path, "{a: " * 200 + "1" + "}" * 200 + "\n", "b.yaml")
    with pytest.raises(ScenarioError, match="nesting"):
        _bounded(lambda: load_scenario(deeper))


def test_nul_bytes(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(b"format: 1\nid: t\x00x\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    [p] = info.value.problems
    assert "binary file (NUL byte)" in p.message and (p.line, p.column) == (2, 6)


def test_latin1_bytes(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes((HEAD + "title: Zürich\n").encode("latin-1"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    [p] = info.value.problems
    assert "not valid UTF-8 (byte 0xfc)" in p.message and (p.line, p.column) == (5, 9)


def test_control_character(tmp_path: Path) -> None:
    # regression: PyYAML's reader error escaped as yaml.reader.ReaderError (a traceback in the CLI)
    path = tmp_path / "s.yaml"
    path.write_bytes(b"format: 1\nid: t\x1fx\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    [p] = info.value.problems
    assert "control character U+001F" in p.message and (p.line, p.column) == (2, 6)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + (HEAD + option("forces:\n" + force("f", "Kyiv"))).encode())
    assert load_scenario(path).id == "t"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_fifo_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(ScenarioError, match="not a regular file"):
        _bounded(lambda: load_scenario(fifo), seconds=10)
    link = tmp_path / "link.yaml"
    link.symlink_to(fifo)
    with pytest.raises(ScenarioError, match="not a regular file"):
        _bounded(lambda: load_scenario(link), seconds=10)


def test_directory_empty_and_comment_only(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="is a directory"):
        load_scenario(tmp_path)
    with pytest.raises(ScenarioError, match="empty file"):
        load_scenario(write(tmp_path, ""))
    with pytest.raises(ScenarioError, match="empty file"):
        load_scenario(write(tmp_path, "# nothing\n\n", "c.yaml"))
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "missing.yaml")


def test_nine_megabyte_file(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * (9 * 1024 * 1024) + b"\n")
    with pytest.raises(ScenarioError, match="over the 8,388,608-byte limit") as info:
        _bounded(lambda: load_scenario(path))
    assert len(info.value.problems) == 1


def test_python_tags_are_not_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = HEAD + option(
        f'forces:\n  - {{name: !!python/object/apply:os.system ["touch {marker}"], nation: FR, troops: 5, at: Kyiv}}\n'
    )
    with pytest.raises(ScenarioError):
        load_text(tmp_path, text)
    assert not marker.exists()


def test_several_documents_refused(tmp_path: Path) -> None:
    text = HEAD + option("forces:\n" + force("f", "Kyiv"))
    with pytest.raises(ScenarioError, match="invalid YAML"):
        load_text(tmp_path, text + "---\n" + text)


# ----------------------------------------------------------------------------------------------------------------
# Property tests: load_scenario returns a Scenario or raises ScenarioError, nothing else


def _load_or_scenario_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "fuzz.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            result = load_scenario(path)
        except ScenarioError as exc:
            assert exc.problems, "a ScenarioError must carry problems"
            for p in exc.problems:
                assert p.file == str(path)
                assert p.format()
        else:
            assert isinstance(result, Scenario)


def _safe_text(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


@FUZZ
@given(doc=st.one_of(documents, top_level))
def test_random_documents_give_scenario_or_scenario_error(doc: Any) -> None:
    _load_or_scenario_error(_safe_text(yaml.safe_dump(doc, allow_unicode=True)))


@FUZZ
@given(text=mutated_examples())
def test_mutated_examples_give_scenario_or_scenario_error(text: str) -> None:
    _load_or_scenario_error(_safe_text(text))


@pytest.mark.slow
@settings(FUZZ, max_examples=2000, derandomize=False)
@given(text=st.one_of(mutated_examples(), documents.map(yaml.safe_dump)))
def test_fuzz_long(text: str) -> None:
    _load_or_scenario_error(_safe_text(text))


def test_fuzz_harness_detects_other_exceptions(monkeypatch: pytest.MonkeyPatch) -> None:
    # the property test can fail: an exception other than ScenarioError escapes the harness
    import mapper.loader

    def boom(*args: Any, **kwargs: Any) -> None:
        raise TypeError("boom")

    monkeypatch.setattr(mapper.loader, "_check_ids", boom)
    with pytest.raises(TypeError):
        _load_or_scenario_error(yaml.safe_dump(EXAMPLE_DATA[0], allow_unicode=True))

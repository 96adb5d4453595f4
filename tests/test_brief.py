"""The brief of ``mapper suggest`` (``mapper.brief``) and the placement instance built from it
(``mapper.placement``): located errors, constraints and what each removed, infeasible briefs naming the
constraint, the geodesic grid, coverage against an independent brute-force geodesic computation, the limits.

References are independent of the library: ``pyproj.Geod`` of the tests' own, ``csv`` and ``json`` on the
geodata files (``support.reference``)."""

from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest
import shapely
from support.reference import (
    GEOD,
    GEODATA,
    REPO,
    country_boundary,
    csv_place,
    densify,
    geod_km,
    min_distance_km,
    ref_distance_km,
)

from mapper import placement
from mapper.brief import MAX_UNITS, json_schema, load_brief, load_brief_text, schema_json
from mapper.errors import ScenarioError
from mapper.placement import (
    InfeasibleBriefError,
    build_instance,
    cover_indices,
    coverage,
    grid_points,
)

EXAMPLE = REPO / "scenarios" / "briefs" / "air_defence_umbrella.yaml"

HEAD = """\
format: 1
brief: t
title: T
date: 2025-03-27
option: {id: s, name: Suggested, colour: navy}
"""
UNITS = "units:\n  - {name: AD, nation: FR, count: 2, troops: 100, radius_km: 100}\n"


def brief_text(*parts: str) -> str:
    return HEAD + "".join(textwrap.dedent(p) for p in parts)


def listed(names: list[str]) -> str:
    """A ``candidates: list:`` of places at their coordinates from places.csv (read with csv)."""
    lines = ["candidates:\n  list:\n"]
    for name in names:
        lat, lon = csv_place(name)
        lines.append(f"    - {{name: {name}, at: {{lat: {lat}, lon: {lon}}}}}\n")
    return "".join(lines)


SITES = "demand:\n  sites:\n    - {name: Kyiv, at: {lat: 50.45, lon: 30.52}, weight: 10}\n"


def errors_of(text: str, tmp_path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as err:
        load_brief_text(text, name="b.yaml", base_dir=tmp_path)
    return [p.format() for p in err.value.problems if p.severity == "error"]


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line of ``text`` containing ``needle``."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# ------------------------------------------------------------------------------------------------ the format
def test_the_example_brief_reads() -> None:
    b = load_brief(EXAMPLE)
    assert (b.id, b.option_id, b.option_colour) == ("air_defence_umbrella", "umbrella", "#2a6f97")
    [unit] = b.units
    assert (unit.key, unit.kind, unit.count, unit.radius_km, unit.role) == (
        "air_defence", "air_defence", 6, 100.0, "air_defence",
    )  # fmt: skip
    assert b.candidates.places_min_population == 50_000 and b.candidates.grid_km == 25
    assert b.demand.population_countries == ("UA",) and b.demand.population_min == 10_000
    assert b.demand.sites[0].name == "Khmelnytskyi nuclear power plant"
    assert b.demand.sites[0].weight == 500_000
    assert b.constraints.min_distance_from_hostile_km == 100
    assert b.threat == ("front_line", "occupied", "russia", "belarus")
    assert b.warnings == ()


def test_errors_are_located_and_reported_together(tmp_path: Path) -> None:
    text = brief_text(
        """\
        units:
          - {name: AD, nation: FR, count: 2, troops: 100, radius_km: -5}
          - {name: AD2, nation: XX, count: 1, troop: 100, radius_km: 50}
        candidats:
          places: {min_population: 50000}
        """
    )
    errors = errors_of(text, tmp_path)
    radius = line_of(text, "radius_km: -5")
    assert any(
        e.startswith(f"b.yaml:{radius}:{text.splitlines()[radius - 1].index('-5') + 1}: "
                     "units[0].radius_km: expected a distance in km")
        for e in errors
    ), errors  # fmt: skip
    nation = line_of(text, "nation: XX")
    assert any(e.startswith(f"b.yaml:{nation}:") and "units[1].nation" in e for e in errors)
    assert any("units[1].troop: unknown key 'troop' (did you mean 'troops'?)" in e for e in errors)
    cand = line_of(text, "candidats")
    assert any(
        e.startswith(f"b.yaml:{cand}:1: candidats: unknown key 'candidats' (did you mean "
                     "'candidates'?)")
        for e in errors
    ), errors  # fmt: skip
    # a missing section is reported at the document, with what it is for
    assert any("missing required key 'demand'" in e for e in errors)
    assert len(errors) >= 5


def test_a_section_without_a_source_is_an_error(tmp_path: Path) -> None:
    text = brief_text(UNITS, "candidates: {}\n", "demand: {}\n")
    errors = errors_of(text, tmp_path)
    assert any(
        e.startswith(f"b.yaml:{line_of(text, 'candidates')}:") and "at least one of places, list, grid or key_sites" in e
        for e in errors
    ), errors  # fmt: skip
    assert any("demand: give at least one of population, sites or key_sites" in e for e in errors)


def test_unknown_place_and_country_are_located(tmp_path: Path) -> None:
    text = brief_text(
        UNITS,
        """\
        candidates:
          list: [{at: Kyivv}]
          grid: {km: 50, countries: [Narnia]}
        """,
        SITES,
    )
    errors = errors_of(text, tmp_path)
    assert any(
        e.startswith(f"b.yaml:{line_of(text, 'Kyivv')}:") and "candidates.list[0].at" in e
        for e in errors
    ), errors  # fmt: skip
    assert any("candidates.grid.countries[0]: unknown country 'Narnia'" in e for e in errors)


def test_a_scenario_is_not_a_brief(tmp_path: Path) -> None:
    errors = errors_of(
        (REPO / "scenarios" / "dnipro_line.yaml").read_text(encoding="utf-8"), tmp_path
    )
    assert errors == [errors[0]] and "is a scenario, not a brief" in errors[0]


def test_duplicate_unit_ids_and_too_many_units(tmp_path: Path) -> None:
    text = brief_text(
        f"""\
        units:
          - {{name: AD, nation: FR, count: {MAX_UNITS}, troops: 100, radius_km: 100}}
          - {{name: ad, nation: FR, count: 1, troops: 100, radius_km: 100}}
        """,
        listed(["Kyiv"]),
        SITES,
    )
    errors = errors_of(text, tmp_path)
    assert any("units[1].name: two units share the id 'ad'" in e for e in errors)
    assert any(f"{MAX_UNITS + 1} units in all, over the limit of {MAX_UNITS}" in e for e in errors)


def test_committed_schema_is_in_sync_and_accepts_the_example() -> None:
    committed = (REPO / "schema" / "brief.schema.json").read_text(encoding="utf-8")
    assert committed == schema_json(), "schema/brief.schema.json is out of date: regenerate it"
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    import yaml

    doc = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    doc["date"] = str(doc["date"])
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(doc)) == []
    doc["units"][0]["radius"] = 5
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(doc)) != []


# ------------------------------------------------------------------------------------------------ constraints
def occupied_area() -> Any:
    data = json.loads((GEODATA / "occupied_2025-03.geojson").read_text(encoding="utf-8"))
    return shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in data["features"]])


NATO_NEIGHBOURS = ("POL", "SVK", "HUN", "ROU")  # the NATO members bordering Ukraine
CITIES = [
    "Lviv", "Uzhhorod", "Kyiv", "Vinnytsia", "Odesa", "Poltava", "Dnipro", "Kharkiv", "Sumy",
    "Zaporizhzhia", "Donetsk", "Melitopol", "Chernivtsi", "Rivne",
]  # fmt: skip


def test_constraints_remove_in_order_and_count(tmp_path: Path) -> None:
    text = brief_text(
        UNITS,
        listed(CITIES),
        SITES,
        """\
        threat: [front_line]
        constraints:
          min_distance_from_front_km: 200
          max_distance_to_nato_border_km: 300
          max_distance_to_hub_km: {hub: {lat: 50.45, lon: 30.52}, km: 450}
        """,
    )
    inst = build_instance(load_brief_text(text))
    # independent: occupied area with shapely on the GeoJSON, distances with the tests' own Geod
    occ = occupied_area()
    coords = {n: csv_place(n) for n in CITIES}
    alive = [n for n in CITIES if not occ.contains(shapely.Point(coords[n][1], coords[n][0]))]
    expected = {"duplicate": 0, "allow_in_occupied": len(CITIES) - len(alive)}
    front = {n: ref_distance_km(*coords[n]) for n in alive}
    assert all(abs(d - 200) > 1 for d in front.values())  # no case within the references' accuracy
    expected["min_distance_from_front_km"] = sum(front[n] < 200 for n in alive)
    alive = [n for n in alive if front[n] >= 200]
    nato = {
        n: min(min_distance_km(*coords[n], country_boundary(c)) for c in NATO_NEIGHBOURS)
        for n in alive
    }
    assert all(abs(d - 300) > 1 for d in nato.values())
    expected["max_distance_to_nato_border_km"] = sum(nato[n] > 300 for n in alive)
    alive = [n for n in alive if nato[n] <= 300]
    hub = {n: float(geod_km(*coords[n], 50.45, 30.52)[0]) for n in alive}
    assert all(abs(d - 450) > 1 for d in hub.values())
    expected["max_distance_to_hub_km"] = sum(hub[n] > 450 for n in alive)
    alive = [n for n in alive if hub[n] <= 450]
    assert inst.removed == expected
    # in the fixed order, only the constraints the brief sets (no min_distance_from_hostile_km here)
    assert list(inst.removed) == [
        k for k in placement.CONSTRAINT_ORDER if k != "min_distance_from_hostile_km"
    ]
    assert [c.name for c in inst.candidates] == alive
    assert all(v > 0 for k, v in expected.items() if k != "duplicate")  # each rule did something
    for c in inst.candidates:  # the threat is the front line alone: both distances are to the line
        assert c.front_km == pytest.approx(ref_distance_km(c.lat, c.lon), abs=0.01)
        assert c.hostile_km == pytest.approx(c.front_km, abs=1e-9)


def test_duplicate_points_are_dropped_once(tmp_path: Path) -> None:
    text = brief_text(
        UNITS,
        """\
        candidates:
          places: {min_population: 1000000}
          list: [{name: Kyiv again, at: Kyiv}, {at: {lat: 49.0, lon: 31.0}}]
        """,
        SITES,
        "constraints: {allow_in_occupied: true}\n",
    )
    inst = build_instance(load_brief_text(text))
    assert inst.removed == {"duplicate": 1}
    names = [c.name for c in inst.candidates]
    assert "Kyiv" in names and "Kyiv again" not in names and "49.0000 N, 31.0000 E" in names


def infeasible(text: str, tmp_path: Path) -> InfeasibleBriefError:
    with pytest.raises(InfeasibleBriefError) as err:
        build_instance(load_brief_text(text, name="b.yaml", base_dir=tmp_path))
    return err.value


def test_an_empty_candidate_set_names_the_constraint(tmp_path: Path) -> None:
    text = brief_text(UNITS, listed(["Lviv", "Kyiv", "Odesa"]), SITES, """\
        constraints:
          min_distance_from_hostile_km: 1500
        """)  # fmt: skip
    err = infeasible(text, tmp_path)
    assert err.constraint == "min_distance_from_hostile_km"
    at = line_of(text, "min_distance_from_hostile_km: 1500")
    assert str(err).startswith(
        f"b.yaml:{at}:33: constraints.min_distance_from_hostile_km: no candidate site is left: "
        "min_distance_from_hostile_km (1500 km) removed the last 3"
    ), str(err)
    assert err.removed["min_distance_from_hostile_km"] == 3


def test_too_few_sites_names_the_constraint_that_left_them(tmp_path: Path) -> None:
    units = "units:\n  - {name: AD, nation: FR, count: 3, troops: 100, radius_km: 100}\n"
    text = brief_text(units, listed(["Lviv", "Uzhhorod", "Kyiv", "Kharkiv"]), SITES, """\
        threat: [front_line]
        constraints: {min_distance_from_front_km: 350}
        """)  # fmt: skip
    err = infeasible(text, tmp_path)  # Kyiv and Kharkiv are under 350 km from the line
    assert err.constraint == "min_distance_from_front_km"
    assert "only 2 candidate sites are left after min_distance_from_front_km (350 km)" in str(err)
    # the same with two units per site is feasible
    ok = text.replace(
        "{min_distance_from_front_km: 350}", "{min_distance_from_front_km: 350, max_per_site: 2}"
    )
    assert len(build_instance(load_brief_text(ok)).candidates) == 2
    # and without enough candidates at all, the candidates are named
    few = brief_text(units, listed(["Lviv", "Kyiv"]), SITES)
    assert infeasible(few, tmp_path).constraint == "candidates"


def test_a_troop_budget_under_the_units_is_infeasible(tmp_path: Path) -> None:
    text = brief_text(UNITS, listed(["Lviv", "Kyiv"]), SITES, "constraints: {troop_budget: 150}\n")
    err = infeasible(text, tmp_path)
    assert err.constraint == "troop_budget" and "need 200 troops" in str(err)
    assert str(err).startswith(f"b.yaml:{line_of(text, 'troop_budget')}:")


# ------------------------------------------------------------------------------------------------ the grid
def ukraine() -> Any:
    data = json.loads((GEODATA / "countries.geojson").read_text(encoding="utf-8"))
    [geom] = [
        shapely.geometry.shape(f["geometry"])
        for f in data["features"]
        if f["properties"]["iso3"] == "UKR"
    ]
    return geom


@pytest.mark.parametrize("km", [25.0, 60.0])
def test_grid_is_geodesically_spaced(km: float) -> None:
    poly = ukraine()
    lat, lon = grid_points(km, poly)
    assert shapely.contains_xy(poly, lon, lat).all()
    # along each row: neighbours km apart (the tests' own Geod)
    rows = np.unique(lat)
    assert len(rows) > 5
    for row in rows:
        x = np.sort(lon[lat == row])
        gaps = np.diff(x)
        step = gaps.min()
        adjacent = np.isclose(gaps, step)
        d = geod_km(row, x[:-1][adjacent], row, x[1:][adjacent])
        np.testing.assert_allclose(d, km, rtol=1e-4)
    # between rows: km along the meridian
    np.testing.assert_allclose(geod_km(rows[:-1], 30.0, rows[1:], 30.0), km, rtol=1e-6)
    # and the count is the area over km² (the area from pyproj's own geodesic polygon area)
    parts = getattr(poly, "geoms", [poly])
    area = sum(abs(GEOD.geometry_area_perimeter(p)[0]) for p in parts) / 1e6
    assert area == pytest.approx(603_000, rel=0.02)  # Ukraine with Crimea
    assert len(lat) == pytest.approx(area / km**2, rel=0.06)


# ------------------------------------------------------------------------------------------------ coverage
def brute_force(clat: Any, clon: Any, dlat: Any, dlon: Any, radius: float) -> list[list[int]]:
    d = geod_km(np.asarray(clat)[:, None], np.asarray(clon)[:, None], dlat, dlon).reshape(
        len(clat), len(dlat)
    )
    return [np.flatnonzero(row <= radius).tolist() for row in d]


def test_coverage_equals_brute_force_geodesic() -> None:
    rng = np.random.default_rng(18)
    clat, clon = rng.uniform(44, 53, 60), rng.uniform(22, 41, 60)
    dlat, dlon = rng.uniform(43, 54, 400), rng.uniform(20, 42, 400)
    radii = [30.0, 100.0, 100.0, 450.0, 1000.0]
    # demand points a few metres either side of each radius from some candidates: the edge is exercised
    extra = []
    for r in (30.0, 100.0, 450.0, 1000.0):
        for j in range(0, 60, 6):
            for dm in (-3.0, 3.0):
                lo, la, _ = GEOD.fwd(clon[j], clat[j], rng.uniform(0, 360), r * 1000 + dm)
                extra.append((la, lo))
    dlat = np.concatenate([dlat, [e[0] for e in extra]])
    dlon = np.concatenate([dlon, [e[1] for e in extra]])
    covers = coverage(clat, clon, dlat, dlon, radii)
    assert len(covers) == len(radii)
    for t, r in enumerate(radii):
        assert [c.tolist() for c in covers[t]] == brute_force(clat, clon, dlat, dlon, r)
    assert covers[1] is covers[2]  # equal radii share one list


def test_coverage_in_small_chunks_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(5)
    clat, clon = rng.uniform(45, 52, 50), rng.uniform(23, 40, 50)
    dlat, dlon = rng.uniform(45, 52, 300), rng.uniform(23, 40, 300)
    whole = coverage(clat, clon, dlat, dlon, [150.0])
    monkeypatch.setattr(placement, "CHUNK_PAIRS", 700)  # two candidates per chunk
    chunked = coverage(clat, clon, dlat, dlon, [150.0])
    assert [c.tolist() for c in chunked[0]] == [c.tolist() for c in whole[0]]


def test_instance_coverage_and_cover_indices_match_brute_force() -> None:
    text = brief_text(
        "units:\n  - {name: AD, nation: FR, count: 2, troops: 100, radius_km: 120}\n"
        "  - {name: Long, nation: FR, count: 1, troops: 100, radius_km: 300}\n",
        listed(["Lviv", "Kyiv", "Vinnytsia", "Odesa", "Poltava", "Chernivtsi", "Rivne"]),
        """\
        demand:
          population: {countries: [Ukraine], min_population: 20000}
          sites:
            - {name: Rivne NPP, at: {lat: 51.3281, lon: 25.8917}, weight: 500000}
        """,
    )
    inst = build_instance(load_brief_text(text))
    clat = [c.lat for c in inst.candidates]
    clon = [c.lon for c in inst.candidates]
    dlat = np.array([d.lat for d in inst.demand])
    dlon = np.array([d.lon for d in inst.demand])
    for t, unit in enumerate(inst.units):
        expected = brute_force(clat, clon, dlat, dlon, unit.radius_km)
        assert [c.tolist() for c in inst.covers[t]] == expected
        for j, c in enumerate(inst.candidates):
            assert cover_indices(inst, t, c.lat, c.lon).tolist() == expected[j]
    # an arbitrary point too
    assert (
        cover_indices(inst, 0, 49.0, 28.0).tolist()
        == brute_force([49.0], [28.0], dlat, dlon, 120.0)[0]
    )
    site = [i for i, d in enumerate(inst.demand) if d.kind == "site"]
    assert [inst.demand[i].weight for i in site] == [500000.0]


def test_population_demand_counts_people_once_and_not_in_the_occupied_area() -> None:
    text = brief_text(
        UNITS, listed(["Kyiv", "Lviv"]), "demand:\n  population: {min_population: 10000}\n"
    )
    inst = build_instance(load_brief_text(text))
    names = [d.name for d in inst.demand]
    assert names.count("Kyiv") == 1
    assert "Darnytsia" not in names  # a district of Kyiv (a GeoNames section, 343,384 people)
    occ = occupied_area()
    assert not any(occ.contains(shapely.Point(d.lon, d.lat)) for d in inst.demand)
    assert all(d.weight >= 10_000 and d.country == "UA" for d in inst.demand)
    more = build_instance(load_brief_text(text.replace("10000}", "10000, include_occupied: true}")))
    assert {"Donetsk", "Melitopol"} <= {d.name for d in more.demand}


def test_the_example_instance() -> None:
    inst = build_instance(load_brief(EXAMPLE))
    assert {c.source for c in inst.candidates} == {"place", "grid"}
    assert min(c.hostile_km for c in inst.candidates) >= 100
    assert inst.removed["min_distance_from_hostile_km"] > 0
    # hostile distance of some candidates against independent references: the line, the occupied area's
    # boundary (no candidate is inside it), Russia's and Belarus's boundaries, each densified with pyproj
    occupied = np.concatenate(
        [
            densify(shapely.get_coordinates(r), 200.0)
            for r in shapely.get_parts(occupied_area().boundary)
        ]
    )
    for c in inst.candidates[::37]:
        ref = min(
            ref_distance_km(c.lat, c.lon),
            min_distance_km(c.lat, c.lon, occupied),
            min_distance_km(c.lat, c.lon, country_boundary("RUS")),
            min_distance_km(c.lat, c.lon, country_boundary("BLR")),
        )
        assert c.hostile_km == pytest.approx(ref, abs=0.05)
    assert [d.name for d in inst.demand if d.kind == "site"] == [
        "Khmelnytskyi nuclear power plant", "Rivne nuclear power plant", "South Ukraine nuclear power plant",
    ]  # fmt: skip


# ------------------------------------------------------------------------------------------------ limits
def test_limits_are_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_work(*args: Any, **kw: Any) -> Any:
        raise AssertionError("work started for a brief over the limits")

    text = brief_text(UNITS, "candidates:\n  grid: {km: 2}\n", SITES)
    brief = load_brief_text(text, name="b.yaml", base_dir=tmp_path)
    monkeypatch.setattr(placement, "grid_points", no_work)
    monkeypatch.setattr(placement, "coverage", no_work)
    monkeypatch.setattr(placement, "_constrained", no_work)
    start = time.perf_counter()
    with pytest.raises(ScenarioError) as err:
        build_instance(brief)
    assert time.perf_counter() - start < 5
    at = line_of(text, "grid: {km: 2}")
    assert str(err.value).startswith(f"b.yaml:{at}:")
    assert "candidates.grid.km: a 2 km grid" in str(err.value) and "use km: 6 or more" in str(
        err.value
    )
    monkeypatch.setattr(placement, "MAX_DEMAND", 100)
    text = brief_text(UNITS, listed(["Kyiv"]), "demand:\n  population: {min_population: 10000}\n")
    with pytest.raises(
        ScenarioError, match=r"demand: the demand has [0-9,]+ points, over the limit of 100"
    ):
        build_instance(load_brief_text(text))


def test_the_documented_brief_loads_and_builds() -> None:
    import re

    text = (REPO / "docs" / "suggest.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```yaml\n(.*?)```", text, re.S)
    inst = build_instance(load_brief_text(block))
    assert inst.removed["duplicate"] == 1  # Lutsk: listed and a place of 50,000+
    assert all(v > 0 for v in inst.removed.values())  # every documented constraint removes some
    assert inst.troop_budget == 2000 and inst.max_per_site == 1
    import yaml

    doc = yaml.safe_load(block)
    doc["date"] = str(doc["date"])
    assert list(jsonschema.Draft202012Validator(json_schema()).iter_errors(doc)) == []


def test_a_grid_over_two_countries_is_one_grid() -> None:
    text = brief_text(
        UNITS,
        "candidates:\n  grid: {km: 30, countries: [Ukraine, Moldova]}\n",
        SITES,
        "constraints: {allow_in_occupied: true}\n",
    )
    inst = build_instance(load_brief_text(text))
    lat = np.array([c.lat for c in inst.candidates])
    lon = np.array([c.lon for c in inst.candidates])
    assert {c.country for c in inst.candidates} == {"UA", "MD"}
    # near Moldova, where two grids would meet: no two points closer than the spacing (the tests' own Geod)
    near = np.flatnonzero((lat > 45.3) & (lat < 48.6) & (lon > 26.5) & (lon < 30.3))
    d = geod_km(lat[near][:, None], lon[near][:, None], lat[near], lon[near]).reshape(len(near), -1)
    np.fill_diagonal(d, np.inf)
    assert len(near) > 50 and d.min() == pytest.approx(30, rel=1e-3)


@pytest.mark.parametrize(
    ("text", "what"),
    [("- a\n- b\n", "is not a brief"), ("password: hunter2\n", "none of the brief's keys")],
)
def test_a_document_that_is_no_brief_is_described_not_quoted(
    tmp_path: Path, text: str, what: str
) -> None:
    [error] = errors_of(text, tmp_path)
    assert what in error and "hunter2" not in error and error.startswith("b.yaml:1:1: ")


def test_an_unknown_hub_is_located(tmp_path: Path) -> None:
    text = brief_text(
        UNITS,
        listed(["Kyiv"]),
        SITES,
        "constraints:\n  max_distance_to_hub_km: {hub: Rzeszoww, km: 300}\n",
    )
    [error] = errors_of(text, tmp_path)
    assert error.startswith(f"b.yaml:{line_of(text, 'Rzeszoww')}:")
    assert "constraints.max_distance_to_hub_km.hub:" in error and "Rzeszow" in error


def test_grid_points_are_named_after_the_nearest_town() -> None:
    from pyproj import Geod

    from mapper import geodata

    cols = geodata.table("places").columns
    i = max(
        (k for k, n in enumerate(cols["name"]) if n == "Khmelnytskyi"),
        key=lambda k: cols["population"][k],
    )
    lat0, lon0 = float(cols["lat"][i]), float(cols["lon"][i])
    g = Geod(ellps="WGS84")  # independent of mapper.geodesy
    lon_n, lat_n, _ = g.fwd(lon0, lat0, 0.0, 3_000.0)  # 3 km due north
    lon_w, lat_w, _ = g.fwd(lon0, lat0, 270.0, 4_000.0)  # 4 km due west
    names = placement.grid_names(
        np.array([lat_n, lat_w, lat0, 45.0]), np.array([lon_n, lon_w, lon0, 31.0])
    )
    assert names[:3] == ["3 km N of Khmelnytskyi", "4 km W of Khmelnytskyi", "at Khmelnytskyi"]
    assert names[3] == "grid 45.000 N 31.000 E"  # the middle of the Black Sea: no town within reach

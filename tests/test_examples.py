"""The example scenarios users start from: valid with --strict, analysable, sourced, and telling the truth about
themselves (the key numbers match what each option claims)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
import pytest
import shapely
import yaml

from mapper.analysis import analyze
from mapper.loader import load_scenario, validate

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "scenarios").glob("*.yaml"))
GEODATA = REPO / "geodata"
GEOD = pyproj.Geod(ellps="WGS84")
IDS = [p.stem for p in EXAMPLES]


def analysis_of(stem: str) -> Any:
    return analyze(load_scenario(REPO / "scenarios" / f"{stem}.yaml"))


def all_forces(a: Any) -> list[Any]:
    return [f for o in a.options for f in o.forces]


def test_the_five_examples_exist() -> None:
    assert set(IDS) == {
        "black_sea",
        "dnipro_line",
        "energy_and_ports",
        "key_cities",
        "neighbouring_country",
        "phased_deployment",
        "western_regions",
    }


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_example_is_valid_with_strict(path: Path) -> None:
    [report] = validate([path], strict=True)
    assert report.problems == [], [p.format() for p in report.problems]
    assert report.scenario is not None and report.scenario.id == path.stem


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_example_analyses_and_meets_its_constraints(path: Path) -> None:
    a = analyze(load_scenario(path))
    assert a.options
    for opt in a.options:
        assert opt.forces, opt.id
        assert opt.summary.meets_constraints, opt.id


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_example_has_sources_assumptions_and_summary(path: Path) -> None:
    s = load_scenario(path)
    assert len(s.sources) >= 1 and all(len(x) > 20 for x in s.sources)
    assert len(s.assumptions) >= 1 and all(len(x) > 10 for x in s.assumptions)
    assert s.summary and len(s.summary) > 40
    # the file explains itself in a comment and names the situation date of the bundled line
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#")
    if s.timeline is not None and s.timeline.timed and s.timeline.phases:
        # a phased plan is set after a ceasefire: its situation date lies inside the plan, against the latest line
        assert s.timeline.start <= s.date and (s.timeline.end is None or s.date < s.timeline.end)
        assert s.front.date == "2025-03-27"
    else:
        assert s.date.isoformat() == "2025-03-27"


@pytest.mark.parametrize("path", EXAMPLES, ids=IDS)
def test_example_troops_add_up(path: Path) -> None:
    # independent: the troops written in the file, summed from the raw YAML
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    a = analyze(load_scenario(path))
    for raw_opt, opt in zip(raw["options"], a.options, strict=True):
        written = sum(f["troops"] for f in raw_opt.get("forces", []))
        assert opt.summary.troops == written
        assert sum(opt.summary.troops_by_band.values()) == written
        assert sum(opt.summary.troops_by_nation.values()) == written


def _ukraine() -> Any:
    data = json.loads((GEODATA / "countries.geojson").read_text(encoding="utf-8"))
    [geom] = [
        shapely.geometry.shape(f["geometry"])
        for f in data["features"]
        if f["properties"]["iso3"] == "UKR"
    ]
    return geom


def test_western_regions_is_far_from_the_front_and_near_nato() -> None:
    a = analysis_of("western_regions")
    for f in all_forces(a):
        assert f.distance_to_front_km > 300, f.name
        assert f.distance_to_nato_border_km <= 250, f.name
        # bands measure hostile territory: in the west that is Belarus (Lutsk and Rivne ~100 km from it),
        # beyond artillery and MLRS reach
        assert f.nearest_hostile == "Belarus" and f.distance_to_hostile_territory_km > 80, f.name
        assert f.band_index >= 2, (f.name, f.band)
    ukr = _ukraine()
    assert all(ukr.contains(shapely.Point(f.lon, f.lat)) for f in all_forces(a))
    # "no troops east of the Southern Bug": every force lies west of the river's westernmost point
    rivers = json.loads((GEODATA / "rivers.geojson").read_text(encoding="utf-8"))
    [bug] = [
        shapely.geometry.shape(r["geometry"])
        for r in rivers["features"]
        if r["properties"]["name"] == "Southern Bug"
    ]
    west_of_bug = bug.bounds[0]
    assert all(f.lon < west_of_bug for f in all_forces(a))


def test_neighbouring_country_stays_on_nato_territory() -> None:
    a = analysis_of("neighbouring_country")
    ukr = _ukraine()
    for f in all_forces(a):
        assert f.distance_to_nato_border_km == 0.0, f.name
        assert f.distance_to_front_km > 300, f.name
        assert not ukr.contains(shapely.Point(f.lon, f.lat)), f.name
    for h in a.options[0].hubs:
        assert h.distance_to_nato_border_km == 0.0


def test_dnipro_line_keeps_its_distance_and_zaporizhzhia_is_35_km_out() -> None:
    a = analysis_of("dnipro_line")
    forces = all_forces(a)
    bound = [f for f in forces if not f.exemptions]
    assert min(f.distance_to_front_km for f in bound) >= 80  # its own constraint
    # the ceasefire monitors sit near the line, exempt by role, and say so; the option stays compliant
    monitors = [f for f in forces if f.exemptions]
    assert [f.role for f in monitors] == ["monitoring"]
    assert monitors[0].distance_to_front_km < 80 and "role monitoring" in monitors[0].exemptions[0]
    assert a.options[0].summary.meets_constraints and a.options[0].summary.exempt_forces == 1
    ukr = _ukraine()
    assert all(ukr.contains(shapely.Point(f.lon, f.lat)) for f in forces)
    # the summary leaves Zaporizhzhia out because it is close to the front (it says "about 35 km"); check with
    # an independent reference that it is too close for the option's 80 km minimum, yet not on the line itself.
    data = json.loads((GEODATA / "front_line_2025-03.geojson").read_text(encoding="utf-8"))
    geom = data["features"][0]["geometry"]
    parts = [geom["coordinates"]] if geom["type"] == "LineString" else geom["coordinates"]
    dense = []
    for part in parts:  # each part densified on its own: joining parts would add a false segment
        line = np.array(part, dtype=float)
        dense.append(line[0])
        for (x1, y1), (x2, y2) in itertools.pairwise(line):
            n = int(np.ceil(GEOD.inv(x1, y1, x2, y2)[2] / 200.0)) - 1
            if n > 0:
                dense.extend(GEOD.npts(x1, y1, x2, y2, n))
            dense.append((x2, y2))
    d = np.array(dense)
    zap_lat, zap_lon = 47.85167, 35.11714  # places.csv: Zaporizhzhia
    dist = np.asarray(
        GEOD.inv(np.full(len(d), zap_lon), np.full(len(d), zap_lat), d[:, 0], d[:, 1])[2]
    )
    assert 10 <= dist.min() / 1000 < 80
    # the option's zone is the demilitarised zone, and its river line exists
    opt = a.options[0]
    assert opt.zones_km2["Demilitarised zone"] > 10_000
    assert 450 < opt.lines_km["Dnipro line"] < 700


@pytest.mark.parametrize(("stem", "minimum"), [("key_cities", 40), ("black_sea", 30)])
def test_examples_keep_their_minimum_distance(stem: str, minimum: float) -> None:
    a = analysis_of(stem)
    assert a.scenario.constraints.min_distance_from_front_km == minimum
    assert all(f.distance_to_front_km >= minimum for f in all_forces(a))
    assert a.options[0].summary.share_of_troops_beyond_constraint == 1.0


def test_black_sea_corridor_reaches_the_bosporus() -> None:
    a = analysis_of("black_sea")
    s = a.scenario
    [line] = s.options[0].lines
    c = shapely.get_coordinates(line.geometry)
    # ends near the Bosporus's northern entrance (41.2 N, 29.1 E): within 50 km
    assert GEOD.inv(c[-1][0], c[-1][1], 29.1, 41.2)[2] / 1000 < 50
    assert a.options[0].zones_km2["Corridor security zone"] > 0

"""The loader's half of issue 13: a name resolving to a small place warns with its oblast and its distance from
the front line (an error under ``--strict``), and zones say their total width (``width_km``; the old ``km``
form warns with what it draws).

The small place is chosen from ``geodata/places.csv`` with the ``csv`` module (a Ukrainian place under 10,000
people whose name no other row uses), and its distance from the front line is computed independently with
``pyproj.Geod``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from support.cli import run_cli
from support.reference import (
    HEAD,
    force,
    option,
    places_rows,
    ref_distance_km,
)

from mapper.errors import ScenarioError
from mapper.loader import load_scenario_text


def front_km(lat: float, lon: float) -> float:
    """Independent distance to the bundled front line: the nearest vertex of its parts densified to 100 m."""
    return ref_distance_km(lat, lon)


def unique_small_place() -> dict[str, str]:
    """The most populous Ukrainian place under 10,000 people whose name no other row has (as name or
    alternate name): what an unqualified name resolves to without any ambiguity."""
    rows = places_rows()
    seen: dict[str, int] = {}
    for r in rows:
        for n in {r["name"], *filter(None, r["alt_names"].split("|"))}:
            seen[n.casefold()] = seen.get(n.casefold(), 0) + 1
    small = [
        r
        for r in rows
        if r["country"] == "UA"
        and r["oblast"]
        and 1_000 <= int(r["population"]) < 10_000
        and re.fullmatch(r"[A-Za-z][a-z]+", r["name"])
        and seen[r["name"].casefold()] == 1
    ]
    return max(small, key=lambda r: int(r["population"]))


def warnings_of(text: str) -> list[Any]:
    return list(load_scenario_text(text, name="t.yaml").warnings)


def test_unqualified_small_place_warns_with_oblast_and_distance() -> None:
    row = unique_small_place()
    [w] = warnings_of(HEAD + option("forces:\n" + force("F", row["name"])))
    assert w.keypath == "options[0].forces[0].at" and (w.line, w.column) == (10, 48)
    pop = int(row["population"])
    assert (
        f"resolved to a small place: {row['name']} ({row['oblast']} oblast, UA, pop. {pop:,})"
        in (w.message)
    )
    km = float(re.search(r"\), ([\d,.]+) km ± [\d.]+ from the front line", w.message).group(1))
    assert km == pytest.approx(front_km(float(row["lat"]), float(row["lon"])), abs=0.15)
    assert f"qualify it: {{place: {row['name']}, oblast: {row['oblast']}}}" in w.message


def test_hlyboke_never_moves_a_force_silently() -> None:
    """The audit's case: 'Hlyboke' took the Odesa-oblast village ~714 km from the Kharkiv one. Whichever place
    of that name the gazetteer picks, the warning names its oblast and its distance from the front line; if it
    cannot pick one, the name is ambiguous (an error listing them)."""
    rows = [r for r in places_rows() if r["name"] == "Hlyboke" and r["country"] == "UA"]
    assert rows
    text = HEAD + option("forces:\n" + force("F", "Hlyboke"))
    try:
        scenario = load_scenario_text(text, name="t.yaml")
    except ScenarioError as exc:
        assert "ambiguous" in str(exc) and all(r["oblast"] in str(exc) for r in rows)
        return
    [w] = [w for w in scenario.warnings if "small place" in w.message]
    [row] = [r for r in rows if f"Hlyboke ({r['oblast']} oblast, UA" in w.message]
    f = scenario.options[0].forces[0].location
    assert (f.lat, f.lon) == pytest.approx((float(row["lat"]), float(row["lon"])))
    km = float(re.search(r"([\d,.]+) km ± [\d.]+ from the front line", w.message).group(1))
    assert km == pytest.approx(front_km(float(row["lat"]), float(row["lon"])), abs=0.15)


@pytest.mark.parametrize("at", ["{place: %s}", "'%s'"])
def test_the_warning_also_for_a_place_mapping_without_oblast(at: str) -> None:
    row = unique_small_place()
    [w] = warnings_of(HEAD + option("forces:\n" + force("F", at % row["name"])))
    assert "resolved to a small place" in w.message


@pytest.mark.parametrize(
    "at",
    [
        "{place: %(name)s, oblast: %(oblast)s}",
        "'%(name)s, %(oblast)s'",
        "{place: %(name)s, country: UA}",
    ],
)
def test_a_qualified_small_place_does_not_warn(at: str) -> None:
    row = unique_small_place()
    assert warnings_of(HEAD + option("forces:\n" + force("F", at % row))) == []


def test_a_city_does_not_warn() -> None:
    assert warnings_of(HEAD + option("forces:\n" + force("F", "Kharkiv"))) == []


def test_strict_validation_makes_it_an_error(tmp_path: Path) -> None:
    row = unique_small_place()
    path = tmp_path / "s.yaml"
    path.write_text(HEAD + option("forces:\n" + force("F", row["name"])), encoding="utf-8")
    ok = run_cli("validate", path)
    assert ok.exit_code == 0 and "warning:" in ok.output
    strict = run_cli("validate", "--strict", path)
    assert strict.exit_code == 1
    assert (
        "resolved to a small place" in strict.output and f"{row['oblast']} oblast" in strict.output
    )
    assert "warning:" not in strict.output


# ------------------------------------------------------------------------------------------------------ zones
def zone_scenario(spec: str) -> str:
    return HEAD + option(
        f"zones:\n  - {{name: Z, kind: demilitarised, buffer_of: front_line, {spec}}}\n"
    )


def test_width_km_and_km_draw_the_same_zone_and_km_warns() -> None:
    new = load_scenario_text(zone_scenario("width_km: 30"), name="t.yaml")
    old = load_scenario_text(zone_scenario("km: 15"), name="t.yaml")
    zn, zo = new.options[0].zones[0], old.options[0].zones[0]
    assert zn.width_km == zo.width_km == 30 and zn.km == zo.km == 15
    assert zn.geometry.equals(zo.geometry)
    assert new.warnings == ()
    [w] = old.warnings
    assert w.keypath == "options[0].zones[0].km"
    assert w.message == (
        "km: 15 is the distance either side of the line: this zone is 30 km wide; write width_km: 30 to keep "
        "it, or width_km: 15 for a zone 15 km wide"
    )


def test_a_15_km_zone_is_half_as_wide() -> None:
    from mapper.geodesy import geodesic_area_km2

    z15 = load_scenario_text(zone_scenario("width_km: 15"), name="t.yaml").options[0].zones[0]
    z30 = load_scenario_text(zone_scenario("width_km: 30"), name="t.yaml").options[0].zones[0]
    assert z15.km == 7.5
    assert geodesic_area_km2(z15.geometry) == pytest.approx(
        geodesic_area_km2(z30.geometry) / 2, rel=0.1
    )


@pytest.mark.parametrize(
    "spec, message",
    [
        ("width_km: 30, km: 15", "give only one of 'width_km' or 'km', not 'width_km' and 'km'"),
        ("description: x", "expected one of the keys 'width_km' or 'km'"),
    ],
)
def test_zone_needs_exactly_one_width(spec: str, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(zone_scenario(spec), name="t.yaml")
    [p] = info.value.problems
    assert p.keypath == "options[0].zones[0]" and p.message == message and p.line == 10

"""Exposure in the text outputs (``mapper analyze`` table and CSV, the shared wording in ``mapper.textlayout``):
every distance to the front line carries the line's stated accuracy, the distance to hostile territory names its
nearest part, a force a constraint does not bind is stated as such (and never counted as breaking it), and the
population covered names the countries counted, with a breakdown when there are several."""

from __future__ import annotations

import csv
import dataclasses
import io

import numpy as np
import pytest
from support.cli import run_cli
from support.exposure import EXPOSURE
from support.reference import SCENARIOS, country_boundary, min_distance_km

from mapper import textlayout
from mapper.pipeline import prepare
from mapper.report import to_csv, to_table


@pytest.fixture(scope="module")
def expo():
    return prepare(EXPOSURE)


@pytest.fixture(scope="module")
def dnipro():
    return prepare(SCENARIOS / "dnipro_line.yaml")


def _site(prepared, name: str):
    return next(
        s for o in prepared.analysis.options for s in (*o.forces, *o.hubs) if s.name == name
    )


# ---------------------------------------------------------------------------------------------- the wording
def test_front_and_hostile_distances_carry_accuracy_and_part(expo) -> None:
    kyiv = _site(expo, "Kyiv HQ")
    assert expo.scenario.front.accuracy_km == 10.0 and kyiv.accuracy_km == 10.0
    assert textlayout.front_km(kyiv) == f"{kyiv.distance_to_front_km:,.1f} km ± 10"
    # Kyiv's nearest hostile ground is Belarus, a border: its distance has no line accuracy
    assert kyiv.nearest_hostile == "Belarus"
    assert (
        textlayout.hostile_km(kyiv) == f"{kyiv.distance_to_hostile_territory_km:,.1f} km (Belarus)"
    )
    # the monitors' nearest hostile ground is the line itself: that distance carries the line's accuracy
    mon = _site(expo, "Monitors")
    assert mon.nearest_hostile == "front line"
    assert textlayout.hostile_km(mon).endswith(" km ± 10 (front line)")


def test_kyiv_to_belarus_agrees_with_an_independent_geodesic(expo) -> None:
    kyiv = _site(expo, "Kyiv HQ")
    want = min_distance_km(kyiv.lat, kyiv.lon, country_boundary("BLR"))
    assert abs(kyiv.distance_to_hostile_territory_km - want) < 0.5
    # and the table shows that number with the part
    row = next(line for line in to_table(expo.analysis).splitlines() if line.startswith("Kyiv HQ"))
    assert f"{kyiv.distance_to_hostile_territory_km:,.1f} Belarus" in row


def test_exemption_is_stated_and_never_a_breach(expo) -> None:
    mon = _site(expo, "Monitors")
    assert mon.meets_constraints and mon.exemptions
    assert mon.distance_to_front_km < 80  # inside the limit that does not bind it
    assert textlayout.verdict(mon).startswith("yes — ")
    assert "min_distance_from_front_km" in textlayout.verdict(mon)
    opt = expo.analysis.options[0]
    assert textlayout.exempt_words(opt) == "1 force exempt: Monitors (role monitoring)"
    # a force whose only problem is an exempted constraint is never listed as breaking constraints
    table = to_table(expo.analysis)
    row = next(line for line in table.splitlines() if line.startswith("Monitors "))
    assert row.rstrip().endswith("yes*") and "NO" not in row
    assert "* Monitors: " + mon.exemptions[0][:30] in table.replace("\n  ", " ")


def test_constraint_scope_is_stated() -> None:
    s = prepare(EXPOSURE).scenario
    assert textlayout.constraint_lines(s) == [
        "forces at least 80 km from the front line (except role monitoring)"
    ]


def test_coverage_names_the_countries_and_breaks_them_down(expo) -> None:
    opt = expo.analysis.options[0]
    sm = opt.summary
    by = sm.population_covered_by_country
    assert set(by) == {"UA", "MD"} and sum(by.values()) == sm.population_covered
    text = textlayout.coverage_words(expo.scenario, sm.population_covered, by)
    assert text.startswith("Population within coverage rings (Ukraine and Moldova): ")
    assert f"Ukraine {by['UA']:,}" in text and f"Moldova {by['MD']:,}" in text
    # one country: named, no breakdown
    one = dataclasses.replace(expo.scenario, coverage_countries=("UA",))
    assert textlayout.coverage_words(one, 1234, {"UA": 1234}) == (
        "Population within coverage rings (Ukraine): 1,234"
    )


def test_hostile_ground_is_what_the_threat_names(expo) -> None:
    s = expo.scenario
    assert textlayout.hostile_ground_name(s) == "Russia, Belarus and Transnistria"
    no_belarus = dataclasses.replace(s, threat=("front_line", "occupied", "russia"))
    assert textlayout.hostile_ground_name(no_belarus) == "Russia"
    assert textlayout.hostile_ground_name(dataclasses.replace(s, threat=("front_line",))) == ""


def test_zone_says_its_total_width(expo) -> None:
    zone = expo.scenario.options[0].zones[0]
    assert zone.width_km == 15
    assert textlayout.zone_words(zone).startswith("DMZ, 15 km wide (7.5 km either side of Route")


# ---------------------------------------------------------------------------------------------- the table
def test_table_states_accuracy_parts_coverage_and_exemptions(expo) -> None:
    table = to_table(expo.analysis)
    assert all(len(line) <= 80 for line in table.splitlines()), max(table.splitlines(), key=len)
    head = next(line for line in table.splitlines() if line.startswith("Site "))
    assert "Front ±10" in head and "Hostile" in head
    kyiv = next(line for line in table.splitlines() if line.startswith("Kyiv HQ "))
    assert "Belarus" in kyiv
    flat = table.replace("\n  ", " ")
    assert "Population within coverage rings (Ukraine and Moldova)" in flat
    sm = expo.analysis.options[0].summary
    assert f"nearest to front {sm.min_distance_to_front_km:,.1f} km ± 10" in flat
    assert sm.nearest_hostile == "front line"  # the monitors, at the line
    hostile = sm.min_distance_to_hostile_territory_km
    assert f"Nearest to hostile territory: {hostile:,.1f} km ± 10 (front line)" in flat
    assert "(1 force exempt: Monitors (role monitoring))" in flat


def test_analyze_command_on_the_example_with_monitors(dnipro) -> None:
    result = run_cli("analyze", SCENARIOS / "dnipro_line.yaml")
    assert result.exit_code == 0, result
    out = result.stdout.replace("\n  ", " ")
    opt = dnipro.analysis.options[0]
    exempt = [s for s in opt.forces if s.exemptions]
    assert exempt and opt.summary.meets_constraints  # the example's monitors leave it compliant
    assert f"Meets constraints: yes (1 force exempt: {exempt[0].name} (role monitoring))" in out
    assert "± 10" in out


def test_csv_has_plain_numbers_and_the_new_columns(expo) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(expo.analysis))))
    kyiv = next(r for r in rows if r["name"] == "Kyiv HQ")
    assert float(kyiv["distance_to_front_km"]) == pytest.approx(
        _site(expo, "Kyiv HQ").distance_to_front_km, abs=0.05
    )
    assert kyiv["distance_accuracy_km"] == "10.0" and kyiv["nearest_hostile"] == "Belarus"
    mon = next(r for r in rows if r["name"] == "Monitors")
    assert mon["meets_constraints"] == "True" and "min_distance_from_front_km" in mon["exemptions"]
    odesa = next(r for r in rows if r["name"] == "Odesa air defence")
    parts = dict(p.split(":") for p in odesa["population_covered_by_country"].split("; "))
    assert set(parts) == {"UA", "MD"}
    assert sum(int(v) for v in parts.values()) == int(odesa["population_covered"])


def test_wide_distances_keep_the_table_in_80_columns(expo) -> None:
    """A far site (four-digit km) with the longest part name still fits."""
    opt = expo.analysis.options[0]
    far = dataclasses.replace(
        opt.forces[0],
        name="A very long force name that is cut",
        distance_to_front_km=1234.5,
        distance_to_hostile_territory_km=1234.5,
        distance_to_nato_border_km=1234.5,
        nearest_hostile="occupied area",
        troops=123_456,
    )
    analysis = dataclasses.replace(
        expo.analysis, options=(dataclasses.replace(opt, forces=(far, *opt.forces)),)
    )
    table = to_table(analysis)
    assert all(len(line) <= 80 for line in table.splitlines()), max(table.splitlines(), key=len)
    assert np.any(["1,234.5 occupied area" in line for line in table.splitlines()])


def test_json_keeps_plain_numbers(expo) -> None:
    import json

    from mapper.report import to_json

    doc = json.loads(to_json(expo.analysis))
    kyiv = next(f for f in doc["options"][0]["forces"] if f["name"] == "Kyiv HQ")
    assert isinstance(kyiv["distance_to_front_km"], float) and kyiv["distance_accuracy_km"] == 10.0
    assert kyiv["nearest_hostile"] == "Belarus"

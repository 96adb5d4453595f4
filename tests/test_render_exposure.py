"""Exposure on the HTML map, without a browser: the bands' legend heading says what they measure, the hostile
ground drawn is the scenario's threat (Belarus only when named), popups and the table under the map show the
line's accuracy, the nearest hostile part and the constraints a force is exempt from, zones their total width."""

from __future__ import annotations

import dataclasses
import html
import re

import pytest
import shapely
from shapely.geometry import Point
from support.exposure import EXPOSURE
from support.reference import SCENARIOS

from mapper.features import _hostile_ground, band_basis
from mapper.pipeline import Prepared, prepare
from mapper.render import build_map, distances_table
from mapper.render.layers import force_popup, situation_groups

MINSK = Point(27.5667, 53.9)  # lon, lat
BELGOROD = Point(36.5983, 50.5997)


def _transnistria() -> Point:
    """A point of the region the threat's ``transnistria`` names (``geodata/regions.geojson``)."""
    from mapper import geodata

    return geodata.region("Transnistria", "MDA").geometry.representative_point()


@pytest.fixture(scope="module")
def expo() -> Prepared:
    return prepare(EXPOSURE)


def _site(prepared: Prepared, name: str):
    return next(s for o in prepared.analysis.options for s in o.forces if s.name == name)


def _text(fragment: str) -> str:
    """The visible text of an HTML fragment (tags dropped, entities decoded)."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment)))


def _legend(m) -> dict[str, list[str]]:
    from mapper.render.controls import GroupedLayerControl
    from mapper.render.page import walk

    ctl = next(c for c in walk(m) if isinstance(c, GroupedLayerControl))
    return {g["name"]: [it["label"] for it in g["items"]] for g in ctl.groups}


def test_bands_are_headed_by_what_they_measure(expo) -> None:
    legend = _legend(build_map(expo))
    basis = band_basis(expo.scenario)
    assert basis == (
        "Distance from hostile territory (the front line, occupied area, Russia, Belarus and Transnistria)"
    )
    assert legend[basis] == [b.title for b in expo.features.bands]
    assert "Russia, Belarus and Transnistria" in legend["Situation"]


def test_a_threat_of_the_line_alone_says_so_and_draws_no_hostile_ground(expo) -> None:
    line_only = prepare(
        EXPOSURE.replace(
            "threat: [front_line, occupied, russia, belarus, transnistria]", "threat: [front_line]"
        )
    )
    legend = _legend(build_map(line_only))
    assert "Distance from the front line" in legend
    assert not any(lab in ("Russia", "Russia and Belarus") for lab in legend["Situation"])


def test_hostile_ground_is_the_threat_parts_drawn(expo) -> None:
    front = expo.scenario.front
    all_three = _hostile_ground(front, ("russia", "belarus", "transnistria"))
    assert all_three is not None
    assert all(all_three.covers(p) for p in (MINSK, _transnistria(), BELGOROD))
    russia = _hostile_ground(front, ("russia",))
    assert russia is not None and russia.covers(BELGOROD)
    assert not russia.covers(MINSK) and not russia.covers(
        _transnistria()
    )  # Belarus is not hostile unless named
    # and the map's layer is named by what is drawn
    s = dataclasses.replace(expo.scenario, threat=("front_line", "occupied", "russia"))
    p = Prepared(s, expo.analysis)
    import folium

    groups = situation_groups(folium.Map(tiles=None), p)
    assert [lab for lab, *_ in groups[0][1]][-1] == "Russia"


def test_popup_shows_accuracy_part_coverage_and_exemption(expo) -> None:
    opt = expo.scenario.options[0]
    kyiv = _site(expo, "Kyiv HQ")
    text = _text(force_popup(kyiv, opt, expo.scenario))
    assert f"Distance to front line {kyiv.distance_to_front_km:,.1f} km ± 10" in text
    assert f"To hostile territory {kyiv.distance_to_hostile_territory_km:,.1f} km (Belarus)" in text
    mon = _site(expo, "Monitors")
    text = _text(force_popup(mon, opt, expo.scenario))
    assert re.search(
        r"Meets constraints yes — not bound by min_distance_from_front_km \(80 km\)", text
    )
    assert "km ± 10 (front line)" in text
    odesa = _site(expo, "Odesa air defence")
    text = _text(force_popup(odesa, opt, expo.scenario))
    by = odesa.population_covered_by_country
    assert (
        f"Population within coverage rings (Ukraine and Moldova): {odesa.population_covered:,}"
        in text
    )
    assert f"Moldova {by['MD']:,}" in text


def test_table_under_the_map(expo) -> None:
    table = distances_table(expo)
    assert "To front line, km (± 10)" in _text(table)
    rows = {
        _text(m.group(1)).strip(): _text(m.group(0))
        for m in re.finditer(r"<tr><td>A</td><th scope='row'>(.*?)</th>.*?</tr>", table)
    }
    kyiv = _site(expo, "Kyiv HQ")
    assert f"{kyiv.distance_to_hostile_territory_km:,.1f} km (Belarus)" in rows["Kyiv HQ"]
    assert "yes — not bound by" in rows["Monitors"]
    summary = _text(table)
    assert (
        "meets constraints: NO (1 violation(s)) (1 force exempt: Monitors (role monitoring))"
        in summary
    )
    assert "Population within coverage rings (Ukraine and Moldova)" in summary


def test_zone_tooltip_gives_total_width(expo) -> None:
    page = build_map(expo).get_root().render()
    assert "DMZ, 15 km wide (7.5 km either side of Route" in html.unescape(
        page.encode().decode("unicode_escape", errors="ignore")
    )


def test_example_with_monitors_shows_it_compliant() -> None:
    dnipro = prepare(SCENARIOS / "dnipro_line.yaml")
    opt = dnipro.analysis.options[0]
    assert opt.summary.meets_constraints and opt.summary.exempt_forces == 1
    table = _text(distances_table(dnipro))
    assert "breaks" not in table.lower()
    assert "meets constraints: yes (1 force exempt: Ceasefire monitoring team Zaporizhzhia" in table
    assert shapely.is_valid(dnipro.features.bands[0].geometry)

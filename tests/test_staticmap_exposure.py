"""Exposure on the PNG map's legend and the comparison's charts: the bands' heading says what they measure, the
hostile ground is named as the threat names it, the force list states the line's accuracy once, an option's facts
give both distances and its exempt forces, and the chart axis carries the accuracy."""

from __future__ import annotations

import dataclasses
import re

import pytest
from support.reference import SCENARIOS

from mapper.features import band_basis
from mapper.pipeline import Prepared, prepare
from mapper.staticmap.legend import draw_legend


@pytest.fixture(scope="module")
def dnipro() -> Prepared:
    return prepare(SCENARIOS / "dnipro_line.yaml")


def _legend_text(prepared: Prepared) -> str:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 10), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    draw_legend(ax, prepared, 400, 1000, 1.0)
    return re.sub(r"\s+", " ", " ".join(t.get_text() for t in ax.texts))


def test_legend_states_basis_accuracy_parts_and_exemptions(dnipro) -> None:
    text = _legend_text(dnipro)
    assert (band_basis(dnipro.scenario) + " (geodesic)") in text
    assert "Russia and Belarus" in text
    assert "Forces, nearest the front line first (km ± 10)" in text
    sm = dnipro.analysis.options[0].summary
    assert f"nearest force {sm.min_distance_to_front_km:,.0f} km ± 10 from the front line" in text
    assert (
        f"nearest hostile territory {sm.min_distance_to_hostile_territory_km:,.1f} km ± 10 (front line)"
        in text
    )
    assert "meets the constraints (1 force exempt: Ceasefire monitoring team" in text
    assert "coverage rings (Ukraine)" in text
    # zones by their total width
    for z in dnipro.scenario.options[0].zones:
        assert f"{z.name}, {z.width_km:g} km wide" in text


def test_legend_names_only_the_hostile_ground_of_the_threat(dnipro) -> None:
    s = dataclasses.replace(dnipro.scenario, threat=("front_line", "occupied", "russia"))
    text = _legend_text(Prepared(s, dnipro.analysis))
    assert "Russia and Belarus" not in text and " Russia " in f" {text} "
    assert "Distance from hostile territory (the front line, occupied area and Russia)" in text
    line = dataclasses.replace(dnipro.scenario, threat=("front_line",))
    text = _legend_text(Prepared(line, dnipro.analysis))
    assert "Distance from the front line (geodesic)" in text and "Russia" not in text


def test_chart_axis_carries_the_accuracy() -> None:
    from mapper.comparison import load_comparison
    from mapper.staticmap.charts import chart_distances, chart_troops_by_band

    c = load_comparison([SCENARIOS / "dnipro_line.yaml", SCENARIOS / "key_cities.yaml"])
    recs = c.records()
    svg = chart_distances(recs)
    assert "Distance to the front line, km (geodesic, ± 10)" in svg
    svg = chart_troops_by_band(recs, ["0–30 km", "30–80 km"])
    assert "distance from hostile territory" in svg

"""Exposure on the gallery's cards: the nearest force to the front line with the line's accuracy, the nearest
hostile territory with which part, and the forces exempt from a constraint (the card of the example with
ceasefire monitors says "Meets constraints", never "Breaks")."""

from __future__ import annotations

import html
import re

import pytest
from support.reference import SCENARIOS

from mapper.gallery import _figures
from mapper.gallery.entries import GalleryEntry
from mapper.gallery.index import render_index
from mapper.pipeline import prepare


@pytest.fixture(scope="module")
def dnipro():
    return prepare(SCENARIOS / "dnipro_line.yaml")


def _entry(prepared, figures=None) -> GalleryEntry:
    s = prepared.scenario
    return GalleryEntry(
        source="dnipro_line.yaml",
        status="built",
        id=s.id,
        title=s.title,
        date=s.date.isoformat(),
        map="maps/dnipro_line.html",
        thumb="thumbs/dnipro_line.png",
        figures=_figures(prepared) if figures is None else figures,
        front_line={"date": s.front.date, "source": s.front.source, "accuracy": s.front.accuracy},
    )


def _card_text(page: str) -> str:
    card = re.search(r"<li class=\"card .*?</li>\n", page, re.S)
    assert card
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", card.group(0))))


def test_card_shows_both_distances_and_the_exempt_monitors(dnipro) -> None:
    sm = dnipro.analysis.options[0].summary
    figures = _figures(dnipro)
    assert figures["distance_accuracy_km"] == 10.0
    assert figures["nearest_hostile"] == sm.nearest_hostile == "front line"
    text = _card_text(render_index([_entry(dnipro)]))
    assert f"Nearest to the front line {sm.min_distance_to_front_km:,.1f} km ± 10" in text
    hostile = sm.min_distance_to_hostile_territory_km
    assert f"Nearest to hostile territory {hostile:,.1f} km ± 10 (front line)" in text
    assert "Meets constraints" in text and "Breaks" not in text
    assert (
        "1 force exempt from a constraint: Ceasefire monitoring team Zaporizhzhia (role monitoring)"
        in text
    )
    assert "(except role monitoring)" in text  # the rule says whom it binds


def test_card_of_a_border_threat_has_no_line_accuracy(dnipro) -> None:
    figures = {**_figures(dnipro), "nearest_hostile": "Russia", "min_distance_to_hostile_km": 28.1}
    text = _card_text(render_index([_entry(dnipro, figures)]))
    assert "Nearest to hostile territory 28.1 km (Russia)" in text


def test_manifest_round_trip_keeps_the_new_figures(dnipro) -> None:
    e = _entry(dnipro)
    again = GalleryEntry.from_dict(e.to_dict())
    assert again.figures == e.figures
    bad = e.to_dict()
    bad["figures"]["exempt"] = [{"x": 1}]
    with pytest.raises(TypeError):
        GalleryEntry.from_dict(bad)
    bad = e.to_dict()
    bad["figures"]["min_distance_to_hostile_km"] = "near"
    with pytest.raises(TypeError):
        GalleryEntry.from_dict(bad)

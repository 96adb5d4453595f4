"""The Python half of issue #15's HTML map: the declutter element (its script and style once per page, one call per
map), the sites' label priority in ``data-`` attributes, and the hover tooltips (name, troops, distance, escaped)."""

from __future__ import annotations

import dataclasses

from mapper import pipeline
from mapper.render import layers, render_html
from mapper.textlayout import front_km


def _key_cities():
    return pipeline.prepare("scenarios/key_cities.yaml")


def test_every_map_page_runs_the_declutter_once_with_its_assets_once() -> None:
    html = render_html(_key_cities())
    assert html.count("window.mapperDeclutter = function") == 1
    assert html.count(".mapper-dc-hidden { visibility: hidden") == 1  # the stylesheet, once
    assert html.count("mapperDeclutter(map_") == 1


def test_site_icons_carry_their_label_priority_and_are_not_lifted() -> None:
    prepared = _key_cities()
    option = prepared.analysis.options[0]
    kyiv = [s for s in option.forces if s.location == "Kyiv"]
    assert len(kyiv) == 2
    icons = [layers._site_icon(s, "#cc0000") for s in kyiv]
    # both at the true spot, same anchor: the page groups them (no column offset baked in)
    assert icons[0].options["icon_anchor"] == icons[1].options["icon_anchor"]
    assert "data-kind='force'" in icons[0].options["html"]
    assert f"data-troops='{kyiv[0].troops}'" in icons[0].options["html"]
    hub = layers._site_icon(option.hubs[0], "#cc0000")
    assert "data-kind='hub'" in hub.options["html"]


def test_tooltip_says_name_troops_and_distance_with_accuracy() -> None:
    prepared = _key_cities()
    option = prepared.scenario.options[0]
    site = prepared.analysis.options[0].forces[0]
    tip = layers.site_tooltip(site, option)
    assert site.name in tip and f"{site.troops:,} troops" in tip
    assert front_km(site) in tip and "±" in tip


def test_tooltip_escapes_hostile_names() -> None:
    prepared = _key_cities()
    site = dataclasses.replace(
        prepared.analysis.options[0].forces[0], name='<img src=x onerror="window.__pwned=1">'
    )
    tip = layers.site_tooltip(site, prepared.scenario.options[0])
    assert "<img" not in tip and "&lt;img" in tip


def test_a_comparison_page_has_one_copy_of_the_script_for_its_maps(tmp_path) -> None:
    from mapper.comparison import write_comparison

    out = write_comparison(["scenarios"], tmp_path / "c.html", "html", pair="dnipro,west").path
    html = out.read_text(encoding="utf-8")
    assert html.count("window.mapperDeclutter = function") == 1
    assert html.count("mapperDeclutter(map_") == 3  # combined map and the pair

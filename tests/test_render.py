"""``mapper render`` without a browser: the folium structure, offline output, determinism, size, atomic writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support.cli import run_cli, run_process

from mapper.errors import OutputError
from mapper.loader import load_scenario
from mapper.pipeline import prepare
from mapper.render import build_map, render_html, render_map
from mapper.render.assets import external_urls
from mapper.render.layers import GeoJsonData
from mapper.render.page import walk

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def dnipro():
    return prepare(REPO / "scenarios" / "dnipro_line.yaml")


def _groups(m) -> dict[str, object]:
    import folium

    return {g.layer_name: g for g in walk(m) if isinstance(g, folium.FeatureGroup)}


def test_layer_groups_and_feature_counts(dnipro) -> None:
    import folium

    scenario = dnipro.scenario
    m = build_map(dnipro)
    groups = _groups(m)
    opt = scenario.options[0]
    # one marker per force and per hub, in their own groups
    forces = groups[f"{opt.name}: forces"]
    assert sum(isinstance(c, folium.Marker) for c in forces._children.values()) == len(opt.forces)
    hubs = groups[f"{opt.name}: hubs and links"]
    assert sum(isinstance(c, folium.Marker) for c in hubs._children.values()) == len(opt.hubs)
    # a coverage ring per force with range_km; one feature per line; the zone
    rings = next(c for c in groups[f"{opt.name}: coverage rings"]._children.values())
    assert rings.count == sum(1 for f in opt.forces if f.range_km)
    lines = [
        c for c in groups[f"{opt.name}: lines"]._children.values() if isinstance(c, GeoJsonData)
    ]
    assert len(lines) == len(opt.lines)
    # the situation: one front line, one band layer per band, the occupied area
    front = [c for c in groups["Front line"]._children.values() if isinstance(c, GeoJsonData)]
    assert [f.count for f in front] == [1]
    bands = [g for name, g in groups.items() if name.startswith("Band ")]
    assert len(bands) == len(scenario.bands) == 4
    assert all(len(b._children) == 1 for b in bands)
    assert "Occupied area" in groups and "Russia and Belarus" in groups


def test_initial_view_frames_every_site_line_and_zone(dnipro) -> None:
    # the page fits these bounds into the space the panels leave free (controls.FitView, mapper.fitView in JS;
    # checked in a browser by tests/test_panels_browser.py); they frame the forces, not the whole front line
    import json

    from mapper.render.controls import FitView

    analysis, features = dnipro.analysis, dnipro.features
    m = build_map(dnipro)
    fits = [c for c in walk(m) if isinstance(c, FitView)]
    assert len(fits) == 1
    (lat0, lon0), (lat1, lon1) = json.loads(fits[0].bounds)
    for opt in analysis.options:
        for s in (*opt.forces, *opt.hubs):
            assert lat0 <= s.lat <= lat1 and lon0 <= s.lon <= lon1
    for of in features.options:
        for shape in (*of.lines, *of.zones):
            minx, miny, maxx, maxy = shape.geometry.bounds
            assert lat0 <= miny and maxy <= lat1 and lon0 <= minx and maxx <= lon1
    # the fit comes after every control, which it measures
    names = [type(c).__name__ for c in m._children.values()]
    assert names.index("FitView") > max(
        names.index(n) for n in ("GroupedLayerControl", "TitlePanel", "FooterControl")
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_renders_offline_and_small(path: Path) -> None:
    scenario = load_scenario(path)
    html = render_html(prepare(scenario))
    assert external_urls(html) == []
    # issue 5: each example map under 1.5 MB; issue 14: a map with five dated lines and phases under 2 MB
    timed = scenario.timeline is not None and scenario.timeline.timed
    assert len(html.encode()) < (2.0 if timed else 1.5) * 1024 * 1024
    # it names the front line's date and source, and carries the credits and the distances table
    assert scenario.front.date in html
    assert "GeoNames (CC-BY 4.0)" in html
    assert '<html lang="en">' in html and "<title>" in html
    rows = html.count("<tr>") + html.count(
        "<tr "
    )  # a timed map's rows carry their windows as attributes
    assert rows >= 1 + sum(len(o.forces) + len(o.hubs) for o in scenario.options)


def test_render_is_deterministic_across_processes(tmp_path: Path) -> None:
    """The same inputs give byte-identical HTML, in two separate processes (no random ids, no set order)."""
    outs = []
    for i in range(2):
        out = tmp_path / f"m{i}.html"
        # the first process draws the symbols and fills a fresh cache, the second reads it
        env = {"PYTHONHASHSEED": str(i + 1), "MAPPER_CACHE_DIR": str(tmp_path / "cache")}
        result = run_process(
            "-q", "render", REPO / "scenarios" / "key_cities.yaml", "-o", out, env=env
        )
        assert result.exit_code == 0, result
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert not re.search(rb"[0-9a-f]{32}", outs[0])  # no uuid4-style folium ids left


def test_option_filter_and_unknown_option(tmp_path: Path) -> None:
    from mapper.errors import UsageError

    scenario = load_scenario(REPO / "scenarios" / "key_cities.yaml")
    html = render_html(prepare(scenario, options=["cities"]))
    assert "Key cities and bases" in html
    with pytest.raises(UsageError, match="no option 'nope'; options: cities"):
        prepare(scenario, options=["nope"])


def test_failed_render_leaves_existing_output_untouched(tmp_path: Path, monkeypatch) -> None:
    import importlib

    render = importlib.import_module(
        "mapper.render"
    )  # the package (mapper.render is the API function)

    out = tmp_path / "map.html"
    render_map(REPO / "scenarios" / "western_regions.yaml", out)
    before = out.read_bytes()

    def boom(*args, **kwargs):
        raise RuntimeError("simulated failure while drawing")

    monkeypatch.setattr(render, "build_map", boom)
    with pytest.raises(RuntimeError):
        render_map(REPO / "scenarios" / "western_regions.yaml", out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]  # no temp file left behind


def test_render_replaces_its_own_map_but_not_other_files(tmp_path: Path) -> None:
    scenario = REPO / "scenarios" / "western_regions.yaml"
    other = tmp_path / "notes.html"
    other.write_text("<p>my notes</p>", encoding="utf-8")
    with pytest.raises(OutputError, match="pass --overwrite"):
        render_map(scenario, other)
    assert other.read_text(encoding="utf-8") == "<p>my notes</p>"
    render_map(scenario, other, overwrite=True)
    assert "mapper" in other.read_text(encoding="utf-8")
    render_map(scenario, other)  # now a mapper map: replaced without --overwrite


def test_cli_render_writes_default_output(tmp_path: Path) -> None:
    result = run_cli("render", REPO / "scenarios" / "black_sea.yaml", cwd=tmp_path)
    assert result.exit_code == 0, result
    assert (tmp_path / "out" / "black_sea.html").is_file()


def test_online_tiles_are_opt_in(tmp_path: Path) -> None:
    from mapper.errors import UsageError

    scenario = REPO / "scenarios" / "western_regions.yaml"
    default = render_map(scenario, tmp_path / "a.html").read_text(encoding="utf-8")
    assert "tile.openstreetmap.org" not in default
    with_tiles = render_map(scenario, tmp_path / "b.html", tiles="osm").read_text(encoding="utf-8")
    assert "tile.openstreetmap.org" in with_tiles
    assert "OpenStreetMap" in with_tiles  # the attribution travels with the tiles
    with pytest.raises(UsageError, match=r"choose from OpenStreetMap\.Mapnik"):
        render_map(scenario, tmp_path / "c.html", tiles="bogus")
    assert not (tmp_path / "c.html").exists()

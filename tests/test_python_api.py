"""The Python API as an analyst uses it: load → analyze → GeoDataFrame → map (saved, PNG, inline) → compare.

Numbers are checked against what the CLI prints (``mapper analyze -f json``, ``mapper compare -f json``), so the two
ways of using the tool cannot drift apart.
"""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest
from support.cli import run_cli

import mapper
from mapper.errors import OutputError, ScenarioError, UsageError

REPO = Path(__file__).resolve().parent.parent
DNIPRO = REPO / "scenarios" / "dnipro_line.yaml"
KEY_CITIES = REPO / "scenarios" / "key_cities.yaml"

TEXT = """\
format: 1
id: from_text
title: Scenario written in a notebook
date: 2025-03-27
options:
  - id: a
    name: Option A
    colour: navy
    forces:
      - {name: French brigade, nation: FR, troops: 5000, at: Cherkasy}
      - {name: Air defence, nation: DE, troops: 800, kind: air_defence, range_km: 100, at: Dnipro}
    hubs:
      - {name: Rzeszow hub, nation: PL, at: Rzeszow}
"""


def _cli_json(*argv: str) -> dict:
    result = run_cli(*argv)  # tests/support/cli.py: no logging handler outlives the call
    assert result.exit_code == 0, result
    return json.loads(result.stdout)


def test_load_accepts_a_path_text_and_a_scenario() -> None:
    from_path = mapper.load(DNIPRO)
    assert isinstance(from_path, mapper.Scenario) and from_path.id == "dnipro_line"
    assert mapper.load(str(DNIPRO)).id == "dnipro_line"
    from_text = mapper.load(TEXT)
    assert from_text.id == "from_text" and from_text.path == "<string>"
    assert mapper.load(from_text) is from_text


def test_bad_text_reports_every_problem_with_line_and_column() -> None:
    bad = TEXT.replace("troops: 5000", "troops: lots").replace("colour: navy", "colour: nacy")
    with pytest.raises(ScenarioError) as err:
        mapper.load(bad)
    lines = str(err.value).splitlines()
    assert any(line.startswith("<string>:8:13: options[0].colour:") for line in lines), lines
    assert any("<string>:10:52:" in line and "troops" in line for line in lines), lines


def test_forces_frame_equals_the_cli_json() -> None:
    import geopandas as gpd

    analysis = mapper.analyze(DNIPRO)
    forces = analysis.forces
    assert isinstance(forces, gpd.GeoDataFrame)
    assert forces.crs.to_epsg() == 4326 and set(forces.geom_type) == {"Point"}
    cli = _cli_json("analyze", str(DNIPRO), "-f", "json")
    sites = [(o["id"], s) for o in cli["options"] for s in (*o["forces"], *o["hubs"])]
    assert len(forces) == len(sites) > 5
    for (option_id, site), (_, row) in zip(sites, forces.iterrows(), strict=True):
        assert row["option"] == option_id and row["name"] == site["name"]
        for key in (
            "distance_to_front_km",
            "distance_to_hostile_territory_km",
            "distance_to_nato_border_km",
            "band",
            "meets_constraints",
            "troops",
            "kind",
        ):
            assert row[key] == site[key], key
        assert row["nearest_front_lat"] == site["nearest_front_point"]["lat"]
        # the geometry is the site itself, lon/lat (x = longitude)
        assert row.geometry.x == pytest.approx(site["lon"], abs=1e-6)
        assert row.geometry.y == pytest.approx(site["lat"], abs=1e-6)
    assert analysis.to_dict() == cli


def test_options_frame_has_the_compare_metrics() -> None:
    analysis = mapper.analyze(KEY_CITIES)
    cli = _cli_json("compare", str(KEY_CITIES), "-f", "json")
    assert list(analysis.options.index) == [o["option"] for o in cli["options"]]
    row = analysis.options.iloc[0]
    assert row["min_distance_to_front_km"] == cli["options"][0]["min_distance_to_front_km"]
    assert row["troops"] == cli["options"][0]["troops"]


def test_front_line_and_options_arguments() -> None:
    other = REPO / "tests" / "data" / "frontlines" / "frontline_2024-11-20.geojson"
    scenario = mapper.load(DNIPRO)
    moved = mapper.analyze(scenario, front_line=other)
    assert moved.scenario.front.date == "2024-11-20" != scenario.front.date
    base = mapper.analyze(scenario).forces["distance_to_front_km"]
    assert (moved.forces["distance_to_front_km"] != base).any()
    with pytest.raises(UsageError, match="no option 'nope'"):
        mapper.analyze(scenario, options=["nope"])


def test_render_a_loaded_scenario_and_save_it(tmp_path: Path) -> None:
    scenario = mapper.load(TEXT)
    m = mapper.render(scenario)
    assert isinstance(m, mapper.Map)
    out = m.save(tmp_path / "map.html")
    assert out.read_text(encoding="utf-8") == m.html
    assert "Scenario written in a notebook" in m.html
    png = m.to_png(tmp_path / "map.png", size=(400, 300), dpi=72)
    assert png.read_bytes().startswith(b"\x89PNG")
    # the output policy is the CLI's: our own files are replaced, anyone else's need overwrite=True
    m.save(out)
    other = tmp_path / "notes.html"
    other.write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="pass --overwrite"):
        m.save(other)
    assert other.read_text(encoding="utf-8") == "mine"


def test_a_map_from_an_analysis_reuses_its_numbers() -> None:
    analysis = mapper.analyze(DNIPRO)
    m = mapper.render(analysis)
    assert m.prepared is analysis.prepared


def test_compare_accepts_paths_scenarios_and_analyses() -> None:
    df = mapper.compare([KEY_CITIES, mapper.load(TEXT), mapper.analyze(DNIPRO)])
    assert {"cities", "a", "dnipro"} <= set(df.index)
    per_force = mapper.compare([KEY_CITIES, mapper.load(TEXT)], per="force")
    assert set(per_force["scenario"]) == {"key_cities", "from_text"}
    assert len(per_force) == len(mapper.analyze(KEY_CITIES).forces) + 3


def test_dir_lists_the_api_and_the_package_is_typed() -> None:
    # every public name resolves lazily
    assert set(mapper.__all__) - {"__version__"} == set(mapper._LAZY)
    names = dir(mapper)
    for name in ("load", "analyze", "render", "compare", "build_gallery", "Analysis", "Map"):
        assert name in names
    assert (Path(mapper.__file__).parent / "py.typed").is_file()
    import mapper.render as render_package  # noqa: F401  (the HTML-map package of the same name)

    assert callable(mapper.render) and mapper.render.__module__ == "mapper.api"


def test_reprs_are_readable_and_escaped() -> None:
    hostile = TEXT.replace("Scenario written in a notebook", "<b onmouseover=alert(1)>x</b>")
    scenario = mapper.load(hostile)
    assert "<b onmouseover" not in scenario._repr_html_()
    assert "&lt;b onmouseover" in scenario._repr_html_()
    analysis = mapper.analyze(scenario)
    html = analysis._repr_html_()
    assert "French brigade" in html and "&lt;b onmouseover" in html and "<b onmouseover" not in html
    assert "from_text" in repr(analysis)


def test_the_library_logs_and_never_prints(capsys: pytest.CaptureFixture[str], caplog) -> None:
    """Comparing scenarios measured from different front lines warns through logging only."""
    other = REPO / "tests" / "data" / "frontlines" / "frontline_2024-11-20.geojson"
    moved = mapper.load(mapper.load(TEXT), front_line=other)
    capsys.readouterr()
    with caplog.at_level(logging.WARNING, logger="mapper"):
        mapper.compare([KEY_CITIES, moved])
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    assert any("front line" in r.getMessage() for r in caplog.records), caplog.records


@pytest.mark.browser
def test_inline_map_displays_offline_in_chromium(browser_page, tmp_path: Path) -> None:
    """``Map._repr_html_`` as a notebook shows it: an iframe whose own document draws the whole map offline."""
    m = mapper.render(KEY_CITIES)
    page_file = tmp_path / "notebook_output.html"
    page_file.write_text(
        "<!doctype html><html><body><h1>Notebook</h1>" + m._repr_html_() + "</body></html>",
        encoding="utf-8",
    )
    page = browser_page.open(page_file, wait_for="document.querySelector('iframe.mapper-map')")
    frame = page.frame_locator("iframe.mapper-map")
    frame.locator(".mapper-unit-icon svg:not(.mapper-leader)").first.wait_for(timeout=10_000)
    markers = frame.locator(".mapper-unit-icon svg:not(.mapper-leader)").count()
    expected = sum(len(o.forces) + len(o.hubs) for o in m.prepared.scenario.options)
    assert markers == expected
    assert frame.locator(".leaflet-overlay-pane path").count() > 10  # front line, bands, rings ...
    assert browser_page.log.problems() == []
    browser_page.screenshot("python_api_inline_map.png")
    # the map's document cannot reach the notebook's page (sandboxed, no same-origin)
    assert (
        page.evaluate(
            "() => document.querySelector('iframe').sandbox.contains('allow-same-origin')"
        )
        is False
    )


@pytest.mark.parametrize("doc", ["docs/python-api.md", "README.md"])
def test_python_examples_in_the_docs_run(doc: str, tmp_path: Path, monkeypatch) -> None:
    """The Python examples of the README and docs/python-api.md, run as written from a repository-like folder."""
    import re

    blocks = re.findall(r"```python\n(.*?)```", (REPO / doc).read_text(encoding="utf-8"), re.S)
    assert blocks, f"{doc} has a python example"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").symlink_to(REPO / "scenarios")
    monkeypatch.setattr("sys.stdout", io.StringIO())
    for code in blocks:
        exec(compile(code, doc, "exec"), {})


def test_render_with_png_loads_and_analyses_once(run_cli, monkeypatch, tmp_path: Path) -> None:
    """``mapper render --png`` prepares the scenario once for both outputs (it loaded and analysed twice before)."""
    import mapper.analysis
    import mapper.loader

    calls = {"load": 0, "analyze": 0}
    real_load, real_analyze = mapper.loader.load_scenario, mapper.analysis.analyze

    def load(*args, **kwargs):
        calls["load"] += 1
        return real_load(*args, **kwargs)

    def analyze(*args, **kwargs):
        calls["analyze"] += 1
        return real_analyze(*args, **kwargs)

    monkeypatch.setattr(mapper.loader, "load_scenario", load)
    monkeypatch.setattr(mapper.analysis, "analyze", analyze)
    result = run_cli("render", DNIPRO, "-o", tmp_path / "m.html", "--png", tmp_path / "m.png")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "m.html").is_file() and (tmp_path / "m.png").is_file()
    assert calls == {"load": 1, "analyze": 1}


def test_an_option_without_sites_gives_an_empty_frame_with_columns() -> None:
    text = TEXT.split("    forces:")[0] + "    areas:\n      - {name: West, regions: [Lviv]}\n"
    analysis = mapper.analyze(text)
    assert len(analysis.forces) == 0 and analysis.forces.crs.to_epsg() == 4326
    assert {"scenario", "option", "name", "geometry"} <= set(analysis.forces.columns)
    assert analysis.options.loc["a", "areas_km2"] > 20_000  # Lviv oblast, ~21,800 km²
    # the same columns as an analysis with sites, so views of it (the notebook display) work alike
    assert list(analysis.forces.columns) == list(mapper.analyze(TEXT).forces.columns)
    assert "distance_to_front_km" in analysis._repr_html_()


def test_frames_carry_exposure_columns() -> None:
    """The new analysis fields are columns: the nearest hostile part, the line's accuracy, the exemptions; the
    options frame has the exempt forces, the nearest part and population per counted country."""
    analysis = mapper.analyze(DNIPRO)
    forces = analysis.forces
    for col in (
        "nearest_hostile",
        "distance_accuracy_km",
        "exemptions",
        "population_covered_by_country",
    ):
        assert col in forces.columns, col
    doc = json.loads(run_cli("analyze", "-f", "json", DNIPRO).stdout)
    by_name = {f["name"]: f for f in doc["options"][0]["forces"]}
    for _, row in forces[forces["kind"] == "force"].iterrows():
        want = by_name[row["name"]]
        assert row["nearest_hostile"] == want["nearest_hostile"]
        assert row["distance_accuracy_km"] == want["distance_accuracy_km"] == 10.0
        assert list(row["exemptions"]) == want["exemptions"]
    monitors = forces[forces["exemptions"].map(len) > 0]
    assert list(monitors["meets_constraints"]) == [True]
    opts = analysis.options
    assert opts.loc["dnipro", "exempt_forces"] == 1
    assert opts.loc["dnipro", "nearest_hostile"] == doc["options"][0]["summary"]["nearest_hostile"]
    assert (
        opts.loc["dnipro", "population_covered_by_country.UA"]
        == doc["options"][0]["summary"]["population_covered_by_country"]["UA"]
    )

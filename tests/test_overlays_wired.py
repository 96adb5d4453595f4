"""Overlays and annotations wired into the scenario and every output (issue #16 items 1-2, "Done when"): a scenario
with a layer of every source type (CSV, GeoJSON, GeoJSON in EPSG:3857, GeoPackage, KML, KMZ, inline) and
annotations loads with each layer's features counted from the files themselves; the export holds one layer per
overlay plus the annotations (GeoJSON, GeoPackage, KML); the static map shows them (pixels of their colours, and a
committed reference image with a tolerance); the gallery renders an entry again when an overlay file changes; bad
input is a located error through ``mapper validate`` and ``mapper render`` (exit 1, nothing written). The browser
checks are in ``tests/test_overlays_browser.py``.

After an intended change to how overlays are drawn, look at a full-size PNG, then regenerate the reference with::

    MAPPER_UPDATE_REFERENCE=1 .venv/bin/pytest tests/test_overlays_wired.py -k reference
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pyogrio
import pytest
from PIL import Image
from pyproj import Transformer
from support.overlay_scenario import (
    ANNOTATIONS,
    DATA,
    LEGENDS,
    expected_counts,
    overlay_folder,
)

from mapper.loader import load_scenario
from mapper.pipeline import prepare

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "scenarios" / "energy_and_ports.yaml"
REFERENCE = REPO / "tests" / "data" / "reference" / "overlays_map.png"
REFERENCE_SIZE, COMPARE_SIZE, MAX_MEAN_DIFF = (160, 100), (64, 40), 6.0
FIXED_LAYERS = 9  # forces ... occupied_area: mapper.export.LAYERS, checked below


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return overlay_folder(tmp_path_factory.mktemp("overlays"))


@pytest.fixture(scope="module")
def prepared(folder: Path):
    return prepare(folder)


# -- the scenario ----------------------------------------------------------------------------------------------


def test_every_source_type_loads_every_feature(prepared) -> None:
    s = prepared.scenario
    assert {o.name: len(o.features) for o in s.overlays} == expected_counts()
    assert [o.legend_text for o in s.overlays] == list(LEGENDS.values())
    assert [o.source == "inline" for o in s.overlays] == [False] * 6 + [True] * 2
    kinds = [a.kind for a in s.annotations]
    assert (
        kinds.count("label") == ANNOTATIONS["labels"]
        and kinds.count("arrow") == ANNOTATIONS["arrows"]
    )
    # a scenario's timeline has no say over its overlays: they are there on every day
    assert s.at("2025-03-27").overlays == s.overlays


def test_a_file_in_web_mercator_is_reprojected(prepared) -> None:
    doc = json.loads((DATA / "mercator.geojson").read_text("utf-8"))
    to_lonlat = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)
    want = [to_lonlat.transform(*f["geometry"]["coordinates"]) for f in doc["features"]]
    layer = next(o for o in prepared.scenario.overlays if o.name == "Mercator")
    got = [(f.geometry.x, f.geometry.y) for f in layer.features]
    assert np.allclose(got, want, atol=1e-7)
    assert 30 < got[0][0] < 31 and 50 < got[0][1] < 51  # Kyiv, not a point in the Atlantic


def test_the_csv_layer_keeps_its_rows_attributes_as_text(prepared) -> None:
    with open(DATA / "strikes.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    layer = prepared.scenario.overlays[0]
    assert [f.attributes["target"] for f in layer.features] == [r["target"] for r in rows]
    assert [(f.geometry.y, f.geometry.x) for f in layer.features] == [
        (float(r["latitude"]), float(r["longitude"])) for r in rows
    ]


def test_the_example_validates_strictly_and_reads_its_files(run_cli) -> None:
    result = run_cli("validate", "--strict", EXAMPLE)
    assert result.exit_code == 0 and "warning" not in result.output, result
    s = load_scenario(EXAMPLE)
    with open(EXAMPLE.parent / "data" / "energy_strikes.csv", newline="", encoding="utf-8") as fh:
        strikes = list(csv.DictReader(fh))
    lanes = json.loads((EXAMPLE.parent / "data" / "shipping_lanes.geojson").read_text("utf-8"))
    assert [len(o.features) for o in s.overlays[:2]] == [len(strikes), len(lanes["features"])]
    assert all("illustrative" in r["note"] for r in strikes)  # clearly labelled as such
    hostile = s.overlays[2]
    assert hostile.style.sidc is not None and hostile.style.sidc[3] == "6"  # hostile
    assert {a.kind for a in s.annotations} == {"label", "arrow"}
    assert any(a.text == "Grain corridor" for a in s.annotations)


# -- export ----------------------------------------------------------------------------------------------------


def _export(run_cli, folder: Path, tmp_path: Path, suffix: str) -> Path:
    out = tmp_path / f"x{suffix}"
    result = run_cli("export", folder, "-o", out)
    assert result.exit_code == 0, result
    return out


def _layer_names() -> list[str]:
    return [f"overlay_{n.lower().replace(' ', '_')}" for n in LEGENDS]


def test_geojson_export_has_a_layer_per_overlay_and_the_annotations(
    run_cli, folder, tmp_path
) -> None:
    from mapper.export import LAYERS

    assert len(LAYERS) == FIXED_LAYERS
    doc = json.loads(_export(run_cli, folder, tmp_path, ".geojson").read_text("utf-8"))
    assert doc["mapper"]["layers"] == [*LAYERS, *_layer_names(), "annotations"]
    counts: dict[str, int] = {}
    for f in doc["features"]:
        counts[f["properties"]["layer"]] = counts.get(f["properties"]["layer"], 0) + 1
    want = dict(zip(_layer_names(), expected_counts().values(), strict=True))
    assert {k: v for k, v in counts.items() if k.startswith("overlay_")} == want
    assert counts["annotations"] == sum(ANNOTATIONS.values())
    strike = next(f for f in doc["features"] if f["properties"]["layer"] == "overlay_strikes")
    assert (
        strike["properties"]["target"] == "Power plant"
        and strike["properties"]["overlay"] == "Strikes"
    )


def test_gpkg_export_has_a_table_per_overlay_and_the_annotations(run_cli, folder, tmp_path) -> None:
    out = _export(run_cli, folder, tmp_path, ".gpkg")
    names = [str(n) for n, _ in pyogrio.list_layers(out)]
    assert names[FIXED_LAYERS:] == [*_layer_names(), "annotations"]
    for name, n in zip(_layer_names(), expected_counts().values(), strict=True):
        assert len(pyogrio.read_dataframe(out, layer=name)) == n, name
    notes = pyogrio.read_dataframe(out, layer="annotations")
    assert sorted(notes["kind"]) == ["arrow", "label", "label"]
    bases = pyogrio.read_dataframe(out, layer="overlay_bases")
    assert list(bases["kind"]) == ["airbase"] * 3 and bases.crs.to_epsg() == 4326


def test_kml_export_has_a_folder_per_overlay_and_the_annotations(run_cli, folder, tmp_path) -> None:
    root = ET.parse(_export(run_cli, folder, tmp_path, ".kml")).getroot()
    ns = "{http://www.opengis.net/kml/2.2}"
    folders = {f.get("id"): len(f.findall(f"{ns}Placemark")) for f in root.iter(f"{ns}Folder")}
    for name, n in zip(_layer_names(), expected_counts().values(), strict=True):
        assert folders[f"layer-{name}"] == n, name
    assert folders["layer-annotations"] == sum(ANNOTATIONS.values())
    schemas = {s.get("name") for s in root.iter(f"{ns}Schema")}
    assert {*_layer_names(), "annotations"} <= schemas


# -- the static map ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pngs(prepared) -> tuple[np.ndarray, np.ndarray, bytes]:
    """The map with its overlays and the same scenario without them (same extent: all lie within Ukraine)."""
    from mapper.staticmap import draw_static_map

    bare = dataclasses.replace(
        prepared, scenario=dataclasses.replace(prepared.scenario, overlays=(), annotations=())
    )
    full = draw_static_map(prepared)
    rgb = lambda png: np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)  # noqa: E731
    return rgb(full), rgb(draw_static_map(bare)), full


@pytest.mark.parametrize(
    "colour",
    ["#800080", "#008080", "#ffa500", "#dc143c", "#ff8080", "#8b0000"],
    ids=["mercator", "kml", "kmz", "drawn", "hostile", "csv"],
)
def test_the_static_map_draws_each_layer(pngs, colour: str) -> None:
    with_layers, without, _ = pngs
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])

    def near(img: np.ndarray) -> int:
        return int((np.abs(img - rgb).sum(axis=2) < 40).sum())

    assert near(with_layers) > near(without) + 15, colour


def test_the_static_legend_lists_the_layers(prepared) -> None:
    from mapper.staticmap import draw_figure

    fig = draw_figure(prepared)
    texts = {t.get_text() for ax in fig.axes for t in ax.texts}
    assert "Your layers" in texts
    for legend in LEGENDS.values():
        assert legend in texts, legend
    assert {"Kyiv area", "Supply route"} <= texts


def test_close_to_the_committed_reference(pngs) -> None:
    small = (
        Image.open(io.BytesIO(pngs[2])).convert("RGB").resize(REFERENCE_SIZE, Image.Resampling.BOX)
    )
    if os.environ.get("MAPPER_UPDATE_REFERENCE") == "1":
        buf = io.BytesIO()
        small.save(buf, format="PNG", optimize=True)
        REFERENCE.write_bytes(buf.getvalue())
        pytest.skip(f"reference image rewritten: {REFERENCE}")
    assert REFERENCE.is_file(), "no reference image: run with MAPPER_UPDATE_REFERENCE=1"
    ref = np.asarray(
        Image.open(REFERENCE).convert("RGB").resize(COMPARE_SIZE, Image.Resampling.BOX), float
    )
    got = np.asarray(small.resize(COMPARE_SIZE, Image.Resampling.BOX), dtype=float)
    assert float(np.abs(ref - got).mean()) < MAX_MEAN_DIFF
    # sharp enough to see the overlays go: the map without them is further from the reference
    bare = Image.fromarray(pngs[1].astype(np.uint8)).resize(REFERENCE_SIZE, Image.Resampling.BOX)
    bare_small = np.asarray(bare.resize(COMPARE_SIZE, Image.Resampling.BOX), dtype=float)
    assert float(np.abs(ref - bare_small).mean()) > float(np.abs(ref - got).mean())


def test_the_map_extent_covers_the_overlays(tmp_path: Path) -> None:
    from mapper.staticmap.projection import map_extent, project

    text = overlay_folder(tmp_path).read_text("utf-8")
    # a layer far to the west of Ukraine: the map must widen to show it
    text += "  - {text: Vienna, at: {lat: 48.21, lon: 16.37}}\n"
    (tmp_path / "far.yaml").write_text(text, "utf-8")
    p = prepare(tmp_path / "far.yaml")
    lat0, lon0, (xmin, xmax, ymin, ymax) = map_extent(p, 1.6)
    import shapely

    x, y = project(shapely.Point(16.37, 48.21), lat0, lon0).coords[0]
    assert xmin < x < xmax and ymin < y < ymax


# -- gallery ---------------------------------------------------------------------------------------------------


def test_the_gallery_renders_an_entry_again_when_its_overlay_file_changes(tmp_path: Path) -> None:
    from mapper.gallery import build_gallery

    src = tmp_path / "scen"
    overlay_folder(src)
    out = tmp_path / "gallery"
    first = build_gallery(src, out, jobs=1)
    assert len(first.rendered) == 1, first.summary_line()
    entry = first.entries[0]
    assert {"data/strikes.csv", "data/bases.gpkg", "data/routes.kmz"} <= set(entry.inputs)
    second = build_gallery(src, out, jobs=1)
    assert second.rendered == [] and len(second.reused) == 1
    strikes = src / "data" / "strikes.csv"
    strikes.write_text(strikes.read_text("utf-8") + "5,2025-03-01,Depot,47.9,33.4,press\n", "utf-8")
    third = build_gallery(src, out, jobs=1)
    assert len(third.rendered) == 1, third.summary_line()
    page = (out / third.entries[0].map).read_text("utf-8")
    assert "Depot" in page


def test_the_gallery_checks_a_failed_scenario_again_when_its_overlay_file_is_fixed(
    tmp_path: Path,
) -> None:
    from mapper.gallery import build_gallery

    src = tmp_path / "scen"
    overlay_folder(src)
    strikes = src / "data" / "strikes.csv"
    good = strikes.read_text("utf-8")
    strikes.write_text(good.replace("latitude", "lat_deg"), "utf-8")
    out = tmp_path / "gallery"
    first = build_gallery(src, out, jobs=1)
    assert len(first.failed) == 1 and "no column 'latitude'" in " ".join(first.failed[0].errors)
    assert "data/strikes.csv" in first.failed[0].inputs
    strikes.write_text(good, "utf-8")
    second = build_gallery(src, out, jobs=1)
    assert second.failed == [] and len(second.rendered) == 1


# -- bad input ---------------------------------------------------------------------------------------------------

BASE = """\
format: 1
id: bad
title: Bad
date: 2025-03-27
options:
  - id: a
    name: A
    colour: navy
    forces:
      - {name: Brigade, at: Cherkasy, kind: infantry, troops: 3000, nation: FR}
layers:
"""


def _many(path: Path) -> None:
    rows = [f"p{i},{48 + (i % 100) * 0.01:.2f},{30 + (i // 100) * 0.01:.2f}" for i in range(20_001)]
    path.write_text("name,lat,lon\n" + "\n".join(rows) + "\n", "utf-8")


# (case, the layer's YAML, the file to put in data/ (from tests/data/overlays, or made), what the message says)
BAD = [
    (
        "csv-without-the-named-column",
        "  - {name: S, file: data/strikes.csv, lat: lat, lon: longitude}\n",
        "strikes.csv",
        ["layers[0].file", "no column 'lat'", "'latitude'"],
    ),
    (
        "swapped-coordinates",
        "  - {name: S, file: data/swapped.csv, lat: lat, lon: lon}\n",
        "swapped.csv",
        ["layers[0].file", "swapped in 3 rows", "row 1 (line 2)"],
    ),
    (
        "bad-rows",
        "  - {name: S, file: data/bad_rows.csv, lat: lat, lon: lon}\n",
        "bad_rows.csv",
        [
            "row 2 (line 3)",
            "'north'",
            "row 4 (line 5)",
            "out of range",
            "did you mean latitude 50.45",
        ],
    ),
    (
        "unknown-crs",
        "  - {name: S, file: data/unknown_crs.geojson}\n",
        "unknown_crs.geojson",
        ["layers[0].file", "unknown coordinate reference system", "EPSG::999999"],
    ),
    (
        "too-many-features",
        "  - {name: S, file: data/many.csv, lat: lat, lon: lon}\n",
        "many.csv",
        ["layers[0].file", "over the limit of 20,000"],
    ),
    (
        "outside-the-folder",
        "  - {name: S, file: ../strikes.csv, lat: latitude, lon: longitude}\n",
        None,
        ["layers[0].file", "inside its own folder", "copy the overlay file"],
    ),
    (
        "inline-out-of-range-and-a-bad-annotation",
        "  - name: S\n    points:\n      - {at: {lat: 95, lon: 30}}\n"
        "annotations:\n  - {arrow: {from: Kyiv}}\n",
        None,
        [
            "layers[0].points[0].at.lat",
            "over the maximum of 90",
            "annotations[0].arrow",
            "'from' and 'to'",
        ],
    ),
]


@pytest.mark.parametrize("command", ["validate", "render"])
@pytest.mark.parametrize("case,layer,file,says", BAD, ids=[b[0] for b in BAD])
def test_bad_overlay_input_is_a_located_error_and_nothing_is_written(
    run_cli, tmp_path: Path, command: str, case: str, layer: str, file: str | None, says: list[str]
) -> None:
    folder = tmp_path / "scen"
    (folder / "data").mkdir(parents=True)
    (tmp_path / "strikes.csv").write_bytes(
        (DATA / "strikes.csv").read_bytes()
    )  # outside the folder
    if file == "many.csv":
        _many(folder / "data" / file)
    elif file:
        (folder / "data" / file).write_bytes((DATA / file).read_bytes())
    path = folder / "bad.yaml"
    path.write_text(BASE + layer, "utf-8")
    out = tmp_path / "out"
    args = ["-o", out / "bad.html", "--png", out / "bad.png"] if command == "render" else []
    result = run_cli(command, path, *args)
    assert result.exit_code == 1, result
    assert "Traceback" not in result.output
    line = BASE.count("\n") + 1
    assert f"bad.yaml:{line}:" in result.output or f"bad.yaml:{line + 2}:" in result.output, result
    for text in says:
        assert text in result.output, (text, result.output)
    assert "--front-line" not in result.output  # the hint is the overlay's own
    assert not out.exists() or list(out.iterdir()) == []

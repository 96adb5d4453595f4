"""``mapper export``: GeoJSON, GeoPackage and KML that GDAL opens, round-trip exactly, resist injected text, and
are written atomically."""

from __future__ import annotations

import json
import math
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from support.cli import RunCli

from mapper.errors import OutputError, UsageError
from mapper.export import (
    FIELDS,
    LAYERS,
    export_features,
    export_prepared,
    export_scenario,
    kml_colour,
    to_geojson,
    to_kml,
    write_gpkg,
)
from mapper.pipeline import prepare

INJECTION = "<script>alert(1)</script> ]]> {{7*7}} & $x$ \"q\" 'a'"
SCENARIO = """\
format: 1
id: interop
title: "Interop <b>test</b> & {{7*7}}"
date: 2025-03-27
constraints:
  min_distance_from_front_km: 150  # Dnipro (~100 km from the line) is inside it, Cherkasy is not
options:
  - id: alpha
    name: "Alpha <i>option</i>"
    colour: "#1f4e9c"
    forces:
      - name: '<script>alert(1)</script> ]]> {{7*7}} & $x$ "q" ''a'''
        nation: FR
        troops: 5000
        kind: mechanised_infantry
        echelon: brigade
        description: "notes <b>bold</b> & more"
        at: Cherkasy
      - {name: Air defence Dnipro, nation: DE, troops: 800, kind: air_defence, range_km: 100,
         at: {lat: 48.4647, lon: 35.0462}}
    hubs:
      - {name: Rzeszow hub, nation: PL, at: Rzeszow}
    lines:
      - {name: Route west, kind: supply_route, through: [Lviv, Kyiv]}
    areas:
      - {name: Box, polygon: [{lat: 50, lon: 30}, {lat: 50, lon: 31}, {lat: 49.5, lon: 30.5}]}
    zones:
      - {name: DMZ, buffer_of: front_line, km: 15, kind: demilitarised}
  - id: bravo
    name: Bravo
    colour: "#d95f02"
    forces:
      - {name: Lviv brigade, nation: PL, troops: 3000, kind: infantry, echelon: brigade, at: Lviv}
"""


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "interop.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def model(scenario_file: Path):
    return prepare(scenario_file)


@pytest.fixture(scope="module")
def features(model):
    return export_features(model)


# --------------------------------------------------------------------------------------------- helpers


def _same(a, b) -> bool:
    """Attribute equality across formats: None/NaN/"" are null; floats to 1e-9 relative."""

    def null(v) -> bool:
        return v is None or v == "" or (isinstance(v, float) and math.isnan(v))

    if null(a) or null(b):
        return null(a) and null(b)
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a) == bool(b)
    if isinstance(a, int | float) or isinstance(b, int | float | np.number):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return str(a) == str(b)


def _assert_props(expected: dict, got: dict, skip: set[str] = frozenset()) -> None:
    for key, value in expected.items():
        if key in skip:
            continue
        assert _same(value, got.get(key)), f"{key}: exported {value!r}, read back {got.get(key)!r}"


def _coords(geom) -> np.ndarray:
    return shapely.get_coordinates(geom)


def _assert_geom(expected, got) -> None:
    a, b = _coords(expected), _coords(got)
    assert a.shape == b.shape
    assert np.abs(a - b).max(initial=0) <= 1e-7


# --------------------------------------------------------------------------------------------- content


def test_every_layer_is_present_with_its_fields(features) -> None:
    assert {f.layer for f in features} == set(LAYERS)
    for f in features:
        assert list(f.properties) == [k for k, _ in FIELDS[f.layer]]
        assert f.properties["layer"] == f.layer and f.properties["name"]
    forces = [f for f in features if f.layer == "forces"]
    ad = next(f for f in forces if f.properties["name"] == "Air defence Dnipro")
    p = ad.properties
    assert p["option_id"] == "alpha" and p["option_colour"] == "#1f4e9c"
    assert p["troops"] == 800 and p["kind"] == "air_defence" and p["range_km"] == 100
    assert p["sidc"] and len(p["sidc"]) == 20
    assert p["distance_to_front_km"] > 0 and p["band"]
    assert p["distance_to_front_km"] < 150  # Dnipro: inside the scenario's 150 km minimum
    assert p["meets_constraints"] is False and "closer than the 150 km minimum" in p["violations"]
    rings = [f for f in features if f.layer == "coverage_rings"]
    assert [r.properties["force"] for r in rings] == ["Air defence Dnipro"]


def test_coordinates_match_the_model(model, features) -> None:
    scenario = model.scenario
    cherkasy = scenario.options[0].forces[0].location
    f = next(f for f in features if f.layer == "forces")
    assert abs(f.geometry.x - cherkasy.lon) <= 5e-8 and abs(f.geometry.y - cherkasy.lat) <= 5e-8
    front = next(f for f in features if f.layer == "front_line")
    assert np.abs(_coords(front.geometry) - _coords(scenario.front.line)).max() <= 5e-8


# --------------------------------------------------------------------------------------------- GeoJSON


def test_geojson_round_trip(model, features, tmp_path: Path) -> None:
    out = export_prepared(model, tmp_path / "s.geojson", fmt="geojson")
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    assert len(doc["features"]) == len(features)
    for f, g in zip(features, doc["features"], strict=True):
        assert g["properties"]["layer"] == f.layer and "name" in g["properties"]
        assert g["properties"] == f.properties
        _assert_geom(f.geometry, shapely.geometry.shape(g["geometry"]))
        if g["geometry"]["type"] == "Polygon":  # RFC 7946: exterior rings counter-clockwise
            assert shapely.geometry.shape(g["geometry"]).exterior.is_ccw
    # GDAL reads it, attributes and coordinates intact
    info = pyogrio.read_info(out)
    assert info["features"] == len(features) and info["crs"] == "EPSG:4326"
    frame = pyogrio.read_dataframe(
        out, datetime_as_string=True
    )  # GDAL would type "2025-03-27" a date
    for f, (_, row) in zip(features, frame.iterrows(), strict=True):
        _assert_props(f.properties, row.to_dict())
        _assert_geom(f.geometry, row.geometry)


def test_geojson_is_deterministic_and_rounded(model) -> None:
    a, b = to_geojson(model), to_geojson(model)
    assert a == b
    doc = json.loads(a)
    for feat in doc["features"]:
        xy = shapely.get_coordinates(shapely.geometry.shape(feat["geometry"]))
        assert np.allclose(xy, np.round(xy, 7), rtol=0, atol=1e-12)


# --------------------------------------------------------------------------------------------- GeoPackage


def test_gpkg_layers_and_round_trip(model, features, tmp_path: Path) -> None:
    out = write_gpkg(model, tmp_path / "s.gpkg")
    layers = pyogrio.list_layers(out)
    assert [name for name, _ in layers] == list(LAYERS)
    types = dict(layers)
    assert types["forces"] == "Point" and types["distance_bands"] == "MultiPolygon"
    for layer in LAYERS:
        expected = [f for f in features if f.layer == layer]
        frame = pyogrio.read_dataframe(out, layer=layer)
        assert len(frame) == len(expected), layer
        assert pyogrio.read_info(out, layer=layer)["crs"] == "EPSG:4326"
        assert list(frame.columns[:-1]) == [k for k, _ in FIELDS[layer]]
        for f, (_, row) in zip(expected, frame.iterrows(), strict=True):
            _assert_props(f.properties, row.to_dict())
            _assert_geom(f.geometry, row.geometry)
    assert [p.name for p in tmp_path.iterdir()] == ["s.gpkg"]  # no temp folder left


def test_gpkg_failure_leaves_existing_file_untouched(model, tmp_path: Path, monkeypatch) -> None:
    import mapper.export as export_module

    out = tmp_path / "s.gpkg"
    out.write_bytes(b"previous export")
    real = export_module._gpkg_writer
    calls = []

    def failing(path, layer, frame, description):
        calls.append(layer)
        if len(calls) == 3:
            raise RuntimeError("disk full (simulated)")
        real(path, layer, frame, description)

    monkeypatch.setattr(export_module, "_gpkg_writer", failing)
    with pytest.raises(RuntimeError, match="simulated"):
        write_gpkg(model, out, overwrite=True)
    assert out.read_bytes() == b"previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["s.gpkg"]


# --------------------------------------------------------------------------------------------- KML


def test_kml_folders_styles_and_round_trip(model, features, tmp_path: Path) -> None:
    out = export_prepared(model, tmp_path / "s.kml", fmt="kml")
    raw = out.read_bytes()
    root = ET.fromstring(raw)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    folders = [
        f.findtext("k:name", namespaces=ns) for f in root.iterfind("k:Document/k:Folder", ns)
    ]
    assert folders == ["Situation", "Alpha <i>option</i>", "Bravo"]
    styles = {s.get("id"): s for s in root.iterfind("k:Document/k:Style", ns)}
    assert styles["option-alpha-force"].findtext("k:IconStyle/k:color", namespaces=ns) == "ff9c4e1f"
    assert styles["option-bravo-force"].findtext("k:IconStyle/k:color", namespaces=ns) == "ff025fd9"
    assert styles["option-alpha-line"].findtext("k:LineStyle/k:color", namespaces=ns) == "d99c4e1f"
    assert kml_colour("#ff8000", 0.5) == "800080ff"
    # GDAL (LIBKML) reads one layer per folder, with typed attributes
    assert [name for name, _ in pyogrio.list_layers(out)] == folders
    by_folder = {
        "Situation": [f for f in features if f.option_id is None],
        "Alpha <i>option</i>": [f for f in features if f.option_id == "alpha"],
        "Bravo": [f for f in features if f.option_id == "bravo"],
    }
    for folder, expected in by_folder.items():
        frame = pyogrio.read_dataframe(out, layer=folder)
        assert len(frame) == len(expected)
        for f, (_, row) in zip(expected, frame.iterrows(), strict=True):
            got = row.to_dict()
            assert got["Name"] == f.properties["name"]
            got["notes"] = got.get("notes")
            _assert_props(f.properties, got, skip={"name", "description"})
            if "description" in f.properties:
                assert _same(f.properties["description"], got["notes"])
            _assert_geom(f.geometry, row.geometry)


def test_kml_is_deterministic(model) -> None:
    assert to_kml(model) == to_kml(model)


# --------------------------------------------------------------------------------------------- untrusted text


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "kml"])
def test_injected_text_survives_as_literal_text(model, tmp_path: Path, fmt: str) -> None:
    out = export_prepared(model, tmp_path / f"s.{fmt}", fmt=fmt)
    if fmt == "kml":
        raw = out.read_bytes()
        assert (
            b"<script>" not in raw and b"]]>" not in raw
        )  # escaped, never raw markup or CDATA end
        root = ET.fromstring(raw)  # still well-formed XML
        ns = {"k": "http://www.opengis.net/kml/2.2"}
        pm = next(
            p
            for p in root.iter("{http://www.opengis.net/kml/2.2}Placemark")
            if p.findtext("k:name", namespaces=ns) == INJECTION
        )
        # the balloon is HTML: the name is HTML-escaped inside it, so a viewer shows it as text
        assert "&lt;script&gt;" in pm.findtext("k:description", namespaces=ns)
        frame = pyogrio.read_dataframe(out, layer="Alpha <i>option</i>")
        names = list(frame["Name"])
    else:
        frame = pyogrio.read_dataframe(out, layer="forces" if fmt == "gpkg" else None)
        names = list(frame["name"])
    assert INJECTION in names
    assert "49" not in " ".join(str(n) for n in names)  # {{7*7}} was never evaluated
    title_frame = frame if fmt != "gpkg" else pyogrio.read_dataframe(out, layer="forces")
    assert "notes <b>bold</b> & more" in set(
        title_frame["notes" if fmt == "kml" else "description"].dropna()
    )


# --------------------------------------------------------------------------------------------- writing


@pytest.mark.parametrize("fmt", ["geojson", "kml"])
def test_failing_write_leaves_existing_file_untouched(
    model, tmp_path: Path, monkeypatch, fmt: str
) -> None:
    out = tmp_path / f"s.{fmt}"
    out.write_bytes(b"previous export")

    def failing_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device (simulated)")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OutputError, match="No space left"):
        export_prepared(model, out, fmt=fmt, overwrite=True)
    assert out.read_bytes() == b"previous export"
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "kml"])
def test_existing_output_is_refused_without_overwrite(
    scenario_file: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"s.{fmt}"
    out.write_bytes(b"keep me")
    with pytest.raises(OutputError, match="--overwrite"):
        export_scenario(scenario_file, out, fmt=fmt)
    assert out.read_bytes() == b"keep me"
    export_scenario(scenario_file, out, fmt=fmt, overwrite=True)
    assert pyogrio.list_layers(out).shape[0] >= 1


def test_format_and_file_name_must_agree(scenario_file: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"file name says \.kml"):
        export_scenario(scenario_file, tmp_path / "x.kml", fmt="geojson")
    with pytest.raises(UsageError, match="KMZ"):
        export_scenario(scenario_file, tmp_path / "x.kmz", fmt="kml")
    with pytest.raises(UsageError, match="no option 'zulu'"):
        export_scenario(scenario_file, tmp_path / "x.kml", fmt="kml", options=["zulu"])
    assert not list(tmp_path.iterdir())


def test_option_selection(scenario_file: Path, tmp_path: Path) -> None:
    out = export_scenario(scenario_file, tmp_path / "b.geojson", fmt=None, options=["bravo"])
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert {f["properties"].get("option_id") for f in doc["features"]} == {None, "bravo"}


def test_cli_export(scenario_file: Path, tmp_path: Path, run_cli: RunCli) -> None:
    result = run_cli("export", scenario_file)  # in tmp_path
    assert result.exit_code == 0, result
    assert (tmp_path / "out" / "interop.geojson").is_file()
    result = run_cli("export", scenario_file, "-o", "x.gpkg")
    assert result.exit_code == 0, result
    assert [n for n, _ in pyogrio.list_layers(tmp_path / "x.gpkg")] == list(LAYERS)
    result = run_cli("export", scenario_file, "--format", "kml")
    assert result.exit_code == 0 and (tmp_path / "out" / "interop.kml").is_file()
    result = run_cli("export", scenario_file, "--format", "svg")
    assert result.exit_code == 2


def test_export_prepared_draws_the_pipelines_features(
    model, features, tmp_path: Path, monkeypatch
) -> None:
    from mapper.style import band_colour

    bands = [f for f in features if f.layer == "distance_bands"]
    assert [b.properties["colour"] for b in bands] == [
        band_colour(b.index) for b in model.features.bands if not b.geometry.is_empty
    ]
    rings = [f for f in features if f.layer == "coverage_rings"]
    assert [r.properties["force"] for r in rings] == [
        r.force.name for of in model.features.options for r in of.rings
    ]
    monkeypatch.chdir(tmp_path)
    out = export_prepared(model, fmt="geojson")
    assert out == Path("out") / "interop.geojson" and out.read_bytes() == to_geojson(model)
    with pytest.raises(OutputError, match=r"file exists; pass --overwrite to replace it"):
        export_prepared(model, fmt="geojson")

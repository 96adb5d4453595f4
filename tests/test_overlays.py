"""Overlays and annotations (issue #16): the format (``mapper.overlayformat``), the readers and the resolution
(``mapper.overlays``) and the export layers (``mapper.export.overlays``).

The scenario keys are checked here with the scenario's own location spec and resolved with the loader's own
resolver (places, coordinates, the folder rule), as the loader will once the keys are wired in."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pyproj import Geod, Transformer
from shapely.geometry import LineString, Point, Polygon

from mapper import overlayresolve
from mapper import overlays as ov
from mapper.errors import GeodataError, OverlayError
from mapper.export.features import LAYERS
from mapper.export.overlays import ANNOTATIONS_LAYER, overlay_layers, safe_name
from mapper.fields import Context, Field, Record
from mapper.loader import _Resolver
from mapper.overlayformat import annotations_field, layers_field
from mapper.overlays import FileSource, OverlayStyle, legend_entries, read_overlay_file
from mapper.scenario import LOCATION
from mapper.yamlsafe import load_text

DATA = Path(__file__).parent / "data" / "overlays"
GEOD = Geod(ellps="WGS84")
HOSTILE = ["<img src=x onerror=alert(1)>", "{{ 7*7 }}", "</script>"]

SPEC = Record(
    fields={
        "layers": layers_field(LOCATION),
        "annotations": annotations_field(LOCATION),
        "other": Field(LOCATION),
    }
)


def _resolve(text: str, folder: Path) -> tuple[Any, Any, list[str]]:
    """The overlays and annotations of ``text`` (YAML with ``layers:``/``annotations:``), checked and resolved
    as the loader does, with files named relative to ``folder``; and every problem formatted."""
    doc = load_text(text, file="s.yaml")
    ctx = Context(file="s.yaml")
    raw = SPEC.check(doc.root, "", ctx)
    resolver = _Resolver(ctx, base_dir=folder.resolve(), shown_dir=folder)

    def locate(value: Any, path: str) -> tuple[float, float] | None:
        loc = resolver.location(value, path)
        return None if loc is None else (loc.lat, loc.lon)

    layers = overlayresolve.resolve_layers(
        raw.get("layers"), ctx, locate=locate, data_path=resolver._data_path
    )
    anns = overlayresolve.resolve_annotations(raw.get("annotations"), ctx, locate=locate)
    return layers, anns, [p.format() for p in ctx.problems if p.severity == "error"]


def _copy(tmp_path: Path, *names: str) -> Path:
    for name in names:
        (tmp_path / name).write_bytes((DATA / name).read_bytes())
    return tmp_path


# ------------------------------------------------------------------------------------------ each source type
def test_csv_reads_the_named_columns_and_keeps_the_rest_as_text() -> None:
    feats = read_overlay_file(DATA / "strikes.csv", FileSource("latitude", "longitude"))
    assert [f.index for f in feats] == [1, 2, 3, 4]
    assert [(f.geometry.y, f.geometry.x) for f in feats] == [
        (50.4501, 30.5234),
        (49.8397, 24.0297),
        (46.4825, 30.7233),
        (48.4647, 35.0462),
    ]
    assert feats[0].attributes == {
        "id": "1",
        "date": "2025-01-14",
        "target": "Power plant",
        "source": "press report",
    }
    assert "source" not in feats[3].attributes  # an empty cell is no attribute


def test_semicolon_csv_with_decimal_commas() -> None:
    feats = read_overlay_file(DATA / "semicolon.csv", FileSource("lat", "lon"))
    assert [(f.name, f.geometry.y, f.geometry.x) for f in feats] == [
        ("Kyiv", 50.4501, 30.5234),
        ("Kharkiv", 49.9935, 36.2304),
    ]


def test_geojson_points_line_polygon_and_a_feature_without_geometry() -> None:
    feats = read_overlay_file(DATA / "sites.geojson")
    assert [f.geometry.geom_type for f in feats] == ["Point", "Point", "LineString", "Polygon"]
    assert [f.index for f in feats] == [0, 1, 2, 3]  # feature 4 has no geometry: nothing to draw
    assert feats[0].name == "Rivne NPP"
    assert feats[0].attributes["capacity_mw"] == "2835"  # text, as written (not 2835.0)
    assert feats[3].geometry.bounds == (29.6, 51.2, 30.6, 51.6)


def test_geopackage(tmp_path: Path) -> None:
    import geopandas as gpd
    import pyogrio

    frame = gpd.GeoDataFrame(
        {"name": ["Starokostiantyniv", "Vasylkiv"], "kind": ["airbase", "airbase"]},
        geometry=[Point(27.2, 49.75), Point(30.33, 50.24)],
        crs="EPSG:4326",
    ).to_crs(3035)  # stored in ETRS89-LAEA: read back in lon/lat
    path = tmp_path / "airbases.gpkg"
    pyogrio.write_dataframe(frame, path, layer="airbases", driver="GPKG")
    feats = read_overlay_file(path)
    assert [f.name for f in feats] == ["Starokostiantyniv", "Vasylkiv"]
    assert feats[0].geometry.x == pytest.approx(27.2, abs=1e-7)
    assert feats[1].geometry.y == pytest.approx(50.24, abs=1e-7)
    assert feats[0].attributes["kind"] == "airbase"


def test_geopackage_with_several_layers_needs_a_choice(tmp_path: Path) -> None:
    import geopandas as gpd
    import pyogrio

    path = tmp_path / "two.gpkg"
    for name, pt in (("a", Point(30, 50)), ("b", Point(31, 49))):
        frame = gpd.GeoDataFrame({"name": [name]}, geometry=[pt], crs="EPSG:4326")
        pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG", append=path.exists())
    with pytest.raises(
        OverlayError, match=r"two\.gpkg: the file has 2 layers \('a', 'b'\); choose"
    ):
        read_overlay_file(path)
    (feat,) = read_overlay_file(path, FileSource(layer="b"))
    assert feat.name == "b" and feat.geometry.x == 31
    with pytest.raises(OverlayError, match="no layer named 'c'; the file has layers: a, b"):
        read_overlay_file(path, FileSource(layer="c"))


def test_geopackage_without_a_crs_is_refused(tmp_path: Path) -> None:
    import geopandas as gpd
    import pyogrio

    path = tmp_path / "nocrs.gpkg"
    frame = gpd.GeoDataFrame({"name": ["x"]}, geometry=[Point(30, 50)])
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        pyogrio.write_dataframe(frame, path, layer="x", driver="GPKG")
    with pytest.raises(
        OverlayError, match=r"nocrs\.gpkg: layer 'x' has no coordinate reference system"
    ):
        read_overlay_file(path)


@pytest.mark.parametrize("name", ["routes.kml", "routes.kmz"])
def test_kml_and_kmz(name: str) -> None:
    feats = read_overlay_file(DATA / name)
    assert [(f.name, f.geometry.geom_type) for f in feats] == [
        ("Route west", "LineString"),
        ("Route south", "LineString"),
        ("Depot", "Point"),
    ]
    assert feats[1].attributes == {"Name": "Route south", "description": "Constanța to Odesa"}
    assert list(feats[0].geometry.coords) == [(22.0, 50.04), (24.0297, 49.8397)]


def test_geojson_in_web_mercator_is_reprojected() -> None:
    feats = read_overlay_file(DATA / "mercator.geojson")
    # the fixture's points are Kyiv and Odesa (written with pyproj's forward transform, rounded to 1 cm)
    inverse = Transformer.from_crs(3857, 4326, always_xy=True)
    for f, (lon, lat) in zip(feats, [(30.5234, 50.4501), (30.7233, 46.4825)], strict=True):
        assert f.geometry.x == pytest.approx(lon, abs=1e-6)
        assert f.geometry.y == pytest.approx(lat, abs=1e-6)
    x, y = Transformer.from_crs(4326, 3857, always_xy=True).transform(30.5234, 50.4501)
    assert inverse.transform(x, y)[0] == pytest.approx(feats[0].geometry.x, abs=1e-6)


def test_unknown_crs_is_refused() -> None:
    with pytest.raises(
        OverlayError,
        match=r"unknown_crs\.geojson: unknown coordinate reference system 'urn:ogc:def:crs:EPSG::999999'",
    ):
        read_overlay_file(DATA / "unknown_crs.geojson")


def test_projected_coordinates_without_a_crs_member_name_the_feature(tmp_path: Path) -> None:
    text = (DATA / "mercator.geojson").read_text()
    path = tmp_path / "no_crs.geojson"
    path.write_text(text.replace('"crs"', '"was_crs"'))
    with pytest.raises(OverlayError) as err:
        read_overlay_file(path)
    assert str(err.value).startswith(f"{path}: feature 0: latitude 6.5")
    assert "a projected file needs a crs member" in str(err.value)


# ------------------------------------------------------------------------------------------ bad input
def test_csv_without_the_named_column_lists_its_columns() -> None:
    with pytest.raises(OverlayError) as err:
        read_overlay_file(DATA / "strikes.csv", FileSource("lat", "longitude"))
    assert str(err.value) == (
        f"{DATA / 'strikes.csv'}: no column 'lat' (named by lat:); the file's columns are 'id', 'date', "
        "'target', 'latitude', 'longitude', 'source'"
    )


def test_csv_bad_rows_each_named_with_its_row_and_line() -> None:
    with pytest.raises(OverlayError) as err:
        read_overlay_file(DATA / "bad_rows.csv", FileSource("lat", "lon"))
    name = DATA / "bad_rows.csv"
    assert str(err.value).splitlines() == [
        f"{name}: row 2 (line 3): column 'lat' holds 'north'; expected a number in degrees",
        f"{name}: row 3 (line 4): column 'lat' is empty; expected a number in degrees",
        f"{name}: row 4 (line 5): latitude 95, longitude 30.5 is out of range (swapped?); expected a "
        "latitude -90..90 and a longitude -180..180 in degrees",
        f"{name}: row 5 (line 6): latitude 30.52, longitude 50.45 lies outside the theatre but would lie "
        "inside it with latitude and longitude swapped: did you mean latitude 50.45, longitude 30.52?",
    ]


def test_csv_with_swapped_columns_says_so_once() -> None:
    with pytest.raises(OverlayError) as err:
        read_overlay_file(DATA / "swapped.csv", FileSource("lat", "lon"))
    assert str(err.value) == (
        f"{DATA / 'swapped.csv'}: latitude and longitude appear swapped in 3 rows (row 1 (line 2): latitude "
        "30.5234, longitude 50.4501 lies outside the theatre, latitude 50.4501, longitude 30.5234 inside it); "
        "check that lat: 'lat' and lon: 'lon' name the right columns"
    )


def test_many_bad_rows_are_counted_after_the_first_twenty(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("lat,lon\n" + "x,30\n" * 25)
    with pytest.raises(OverlayError) as err:
        read_overlay_file(path, FileSource("lat", "lon"))
    lines = str(err.value).splitlines()
    assert len(lines) == 21 and lines[-1] == f"{path}: 5 more bad rows"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"lat,lon\n\xff\xfe,1\n", "not UTF-8 text (byte 9)"),
        (b"lat,lon\n1\x00,2\n", "the file holds NUL bytes"),
    ],
)
def test_unreadable_csv(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(OverlayError, match=re.escape(message)):
        read_overlay_file(path, FileSource("lat", "lon"))


def test_hostile_attribute_text_is_kept_as_written(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text('lat,lon,"<b>col</b>"\n' + "".join(f'50,30,"{t}"\n' for t in HOSTILE), "utf-8")
    feats = read_overlay_file(path, FileSource("lat", "lon"))
    assert [f.attributes["<b>col</b>"] for f in feats] == HOSTILE


def test_attribute_values_are_bounded_and_control_characters_removed(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("lat,lon,note\n50,30," + "x" * 5000 + "\n51,30,a\u202eb\x1bc\n", "utf-8")
    long, bidi = read_overlay_file(path, FileSource("lat", "lon"))
    assert len(long.attributes["note"]) == ov.MAX_ATTRIBUTE_CHARS
    assert long.attributes["note"].endswith("…")
    assert bidi.attributes["note"] == "abc"


# ------------------------------------------------------------------------------------------ limits
def test_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.geojson"
    with open(path, "wb") as fh:  # sparse: nothing is written, stat says 21 MiB
        fh.truncate(ov.MAX_OVERLAY_FILE_BYTES + 1)
    with pytest.raises(
        OverlayError, match=r"big\.geojson: the file is 20 MiB, over the limit of 20 MiB"
    ):
        read_overlay_file(path)


def test_too_many_rows_or_features(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("lat,lon\n" + "50,30\n" * 6)
    assert len(read_overlay_file(path, FileSource("lat", "lon"), max_features=6)) == 6
    with pytest.raises(
        OverlayError, match=r"rows\.csv: more than 5 rows, over the limit of 20,000"
    ):
        read_overlay_file(path, FileSource("lat", "lon"), max_features=5)
    with pytest.raises(OverlayError, match=r"sites\.geojson: the file has more than 3 features"):
        read_overlay_file(DATA / "sites.geojson", max_features=3)


def test_kmz_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.kmz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("doc.kml", b" " * (20 * 1024 * 1024))
    with pytest.raises(
        OverlayError, match=r"bomb\.kmz: member 'doc\.kml' of the KMZ archive inflates"
    ):
        read_overlay_file(path)


@pytest.mark.parametrize("name", ["x.shp", "x", "fifo.csv"])
def test_unsupported_or_not_regular_files(tmp_path: Path, name: str) -> None:
    import os

    path = tmp_path / name
    if name.startswith("fifo"):
        os.mkfifo(path)
        expected = "is not a regular file"
    else:
        path.write_text("x")
        expected = "unsupported file type"
    with pytest.raises(OverlayError, match=expected):
        read_overlay_file(path, FileSource("lat", "lon"))


def test_overlay_error_is_a_geodata_error() -> None:
    assert issubclass(OverlayError, GeodataError)


def test_feature_limit_holds_for_all_layers_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ov, "MAX_OVERLAY_FEATURES", 4)
    _copy(tmp_path, "strikes.csv")
    layers, _, problems = _resolve(
        """
layers:
  - {name: A, points: [{at: Kyiv}, {at: Lviv}]}
  - {name: B, file: strikes.csv, lat: latitude, lon: longitude}
""",
        tmp_path,
    )
    assert [o.name for o in layers] == ["A"]
    assert len(problems) == 1
    assert problems[0].startswith("s.yaml:4:")
    assert (
        "layers[1].file" in problems[0] and "more than 2 rows, over the limit of 4" in problems[0]
    )


# ------------------------------------------------------------------------------------------ the scenario keys
def test_every_source_type_through_the_scenario_keys(tmp_path: Path) -> None:
    _copy(tmp_path, "strikes.csv", "sites.geojson", "routes.kml", "routes.kmz", "mercator.geojson")
    layers, anns, problems = _resolve(
        """
layers:
  - name: Strikes
    file: strikes.csv
    lat: latitude
    lon: longitude
    style: {colour: darkred, marker: cross, size: 8, opacity: 0.5, dash: "6 4"}
    popup: [date, target]
    legend: Reported strikes
  - {name: Sites, file: sites.geojson, popup: type}
  - {name: Routes KML, file: routes.kml}
  - {name: Routes KMZ, file: routes.kmz}
  - {name: Mercator, file: mercator.geojson}
  - name: Inline
    points:
      - {at: Kyiv, name: Capital, attributes: {strength: 010, since: 2024-01-01, ok: yes}}
      - {at: {lat: 46.48, lon: 30.72}}
    lines:
      - [Lviv, Kyiv]
      - {through: [Odesa, Mykolaiv], name: Coast road}
    polygons:
      - [{lat: 50, lon: 30}, {lat: 50, lon: 31}, {lat: 51, lon: 31}]
  - {name: Hostile AD, points: [{at: {lat: 47.1, lon: 37.5}}], style: {sidc: "10061000001301000000"}}
annotations:
  - {text: Ceasefire line, at: {lat: 47.6, lon: 35.2}, size: 14}
  - {arrow: {from: Kyiv, to: Kharkiv}, text: axis, colour: red}
  - {arrow: {through: [Odesa, Mykolaiv, Kherson]}}
""",
        tmp_path,
    )
    assert problems == []
    by = {o.name: o for o in layers}
    assert [(o.name, o.kind, len(o.features)) for o in layers] == [
        ("Strikes", "points", 4),
        ("Sites", "mixed", 4),
        ("Routes KML", "mixed", 3),
        ("Routes KMZ", "mixed", 3),
        ("Mercator", "points", 2),
        ("Inline", "mixed", 5),
        ("Hostile AD", "points", 1),
    ]
    strikes = by["Strikes"]
    assert strikes.style == OverlayStyle(
        colour="#8b0000", opacity=0.5, dash=(6.0, 4.0), marker="cross", size=8.0
    )
    assert strikes.popup == ("date", "target") and strikes.legend_text == "Reported strikes"
    assert strikes.source == str(tmp_path / "strikes.csv") and strikes.keypath == "layers[0]"
    assert strikes.popup_rows(strikes.features[0]) == [
        ("date", "2025-01-14"),
        ("target", "Power plant"),
    ]
    inline = by["Inline"]
    capital = inline.features[0]
    assert capital.name == "Capital"
    assert capital.attributes == {
        "strength": "010",
        "since": "2024-01-01",
        "ok": "yes",
        "name": "Capital",
    }
    assert (capital.geometry.y, capital.geometry.x) == pytest.approx((50.45, 30.52), abs=0.05)
    assert [f.geometry.geom_type for f in inline.features] == [
        "Point",
        "Point",
        "LineString",
        "LineString",
        "Polygon",
    ]
    assert inline.features[3].name == "Coast road"
    assert by["Hostile AD"].style.sidc == "10061000001301000000"
    assert [(a.kind, a.text) for a in anns] == [
        ("label", "Ceasefire line"),
        ("arrow", "axis"),
        ("arrow", ""),
    ]
    assert anns[0].size == 14 and anns[1].colour == "#ff0000"
    assert len(anns[2].geometry.coords) == 3
    assert legend_entries(layers)[0] == ov.LegendEntry(
        "Reported strikes", "#8b0000", "point", "cross"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "layers: [{name: A, file: a.csv, points: [{at: Kyiv}]}]",
            "s.yaml:1:10: layers[0]: give either 'file' or inline 'points', not both",
        ),
        ("layers: [{name: A}]", "s.yaml:1:10: layers[0]: expected a source: 'file', or inline"),
        (
            "layers: [{name: A, file: a.csv, lat: y}]",
            "s.yaml:1:10: layers[0]: a CSV layer needs 'lat' and 'lon' (the names of its coordinate "
            "columns); missing 'lon'",
        ),
        (
            "layers: [{name: A, file: a.geojson, lat: y}]",
            "s.yaml:1:42: layers[0].lat: 'lat' names a column of a CSV file; this layer has no CSV 'file'",
        ),
        (
            "layers: [{name: A, points: [{at: Kyiv}], layer: x}]",
            "s.yaml:1:49: layers[0].layer: 'layer' picks a layer of a 'file'; this layer has none",
        ),
        (
            "layers: [{name: A, file: ../a.csv, lat: y, lon: x}]",
            "s.yaml:1:26: layers[0].file: '../a.csv': a scenario may only name files inside its own folder",
        ),
        (
            "layers: [{name: A, file: missing.geojson}]",
            "s.yaml:1:26: layers[0].file: {dir}/missing.geojson: file not found",
        ),
        (
            "layers: [{name: A, points: [{at: Kyiv}], style: {marker: cirle}}]",
            "s.yaml:1:58: layers[0].style.marker: expected one of circle, square, triangle, diamond, cross, "
            "got 'cirle' (did you mean 'circle'?)",
        ),
        (
            "layers: [{name: A, points: [{at: Kyiv}], style: {opacity: 2}}]",
            "s.yaml:1:59: layers[0].style.opacity: expected an opacity (0 to 1), got 2: over the maximum of 1",
        ),
        (
            "layers: [{name: A, points: [{at: Kyiv}], style: {dash: 'a b'}}]",
            "s.yaml:1:56: layers[0].style.dash: expected a dash pattern of 2 to 8 numbers",
        ),
        (
            "layers: [{name: A, points: [{at: Kyiv}], style: {sidc: '123'}}]",
            "s.yaml:1:56: layers[0].style.sidc: expected a 20-digit APP-6(D)",
        ),
        (
            "layers: [{name: A, points: [{at: {lat: 30.5, lon: 50.4}}]}]",
            "s.yaml:1:34: layers[0].points[0].at: {lat: 30.5, lon: 50.4} lies outside the theatre but would "
            "lie inside it with latitude and longitude swapped",
        ),
        (
            "layers: [{name: A, points: [{at: Nowhereville}]}]",
            "s.yaml:1:34: layers[0].points[0].at: unknown place 'Nowhereville'",
        ),
        (
            "layers: [{name: A, lines: [[Kyiv]]}]",
            "s.yaml:1:28: layers[0].lines[0].through: expected at least 2 item(s), got 1",
        ),
        (
            "layers: [{name: A, points: [{at: Kyiv, attributes: {a: [1]}}]}]",
            "s.yaml:1:56: layers[0].points[0].attributes.a: expected a plain value, got a list",
        ),
        (
            "layers: [{name: A, points: [{at: Kyiv}]}, {name: A, points: [{at: Lviv}]}]",
            "s.yaml:1:50: layers[1].name: duplicate layer name 'A' (also layers[0])",
        ),
        ("annotations: [{at: Kyiv}]", "s.yaml:1:15: annotations[0]: a label needs 'text'"),
        (
            "annotations: [{arrow: {from: Kyiv}}]",
            "s.yaml:1:23: annotations[0].arrow: an arrow needs 'from' and 'to', or 'through'",
        ),
        (
            "annotations: [{arrow: {from: Kyiv, to: Kyiv}}]",
            "s.yaml:1:23: annotations[0].arrow: an arrow's start and end are the same place",
        ),
        (
            "annotations: [{text: a, at: Kyiv, arrow: {from: Kyiv, to: Lviv}}]",
            "s.yaml:1:15: annotations[0]: give only one of 'at' or 'arrow', not 'at' and 'arrow'",
        ),
    ],
)
def test_bad_keys_are_located(tmp_path: Path, text: str, expected: str) -> None:
    layers, anns, problems = _resolve(text, tmp_path)
    expected = expected.replace("{dir}", str(tmp_path))
    assert any(p.startswith(expected) for p in problems), problems
    # what has a problem is left out (its problem is reported already)
    if text.startswith("annotations"):
        assert anns == ()
    elif "duplicate" in expected:
        assert [o.name for o in layers] == ["A"]
    else:
        assert layers == ()


def test_a_file_problem_is_located_at_the_file_key(tmp_path: Path) -> None:
    _copy(tmp_path, "bad_rows.csv")
    _, _, problems = _resolve(
        "layers:\n  - {name: A, file: bad_rows.csv, lat: lat, lon: lon}\n", tmp_path
    )
    assert len(problems) == 4
    assert all(
        p.startswith(f"s.yaml:2:21: layers[0].file: {tmp_path}/bad_rows.csv: row ")
        for p in problems
    )


def test_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text("lat,lon\n50,30\n")
    folder = tmp_path / "scen"
    folder.mkdir()
    (folder / "link.csv").symlink_to(outside)
    _, _, problems = _resolve("layers: [{name: A, file: link.csv, lat: lat, lon: lon}]", folder)
    assert problems == [
        "s.yaml:1:26: layers[0].file: 'link.csv' resolves (through a link) outside the scenario's folder"
    ]


def test_a_symbol_code_milsymbol_cannot_draw(tmp_path: Path) -> None:
    _, _, problems = _resolve(
        "layers: [{name: A, points: [{at: Kyiv}], style: {sidc: '99999999999999999999'}}]", tmp_path
    )
    assert problems == [
        "s.yaml:1:56: layers[0].style.sidc: 99999999999999999999: not a symbol code APP-6 can draw"
    ]


def test_the_schema_of_the_keys() -> None:
    schema = SPEC.json_schema()["properties"]
    layer = schema["layers"]["items"]
    assert layer["required"] == ["name"]
    assert set(layer["properties"]) >= {
        "file",
        "lat",
        "lon",
        "layer",
        "points",
        "lines",
        "polygons",
        "style",
        "popup",
        "legend",
    }
    assert layer["properties"]["style"]["properties"]["marker"]["enum"] == [
        "circle",
        "square",
        "triangle",
        "diamond",
        "cross",
    ]
    assert schema["annotations"]["items"]["oneOf"] == [
        {"required": ["at"]},
        {"required": ["arrow"]},
    ]


# ------------------------------------------------------------------------------------------ arrows
def test_arrow_head_points_back_along_the_last_segment() -> None:
    line = LineString([(30.52, 50.45), (36.23, 49.99)])  # Kyiv → Kharkiv, about 410 km
    head = ov.arrow_head(line)
    tip, left, right = list(head.exterior.coords)[:3]
    assert tip == (36.23, 49.99)
    back, _, length_m = GEOD.inv(36.23, 49.99, 30.52, 50.45)
    for lon, lat in (left, right):
        az, _, d = GEOD.inv(36.23, 49.99, lon, lat)
        # 12 % of the geodesic length, capped at 40 km; 28° either side of the way back
        assert d == pytest.approx(min(0.12 * length_m, 40_000), rel=1e-6)
        assert abs(((az - back + 180) % 360) - 180) == pytest.approx(28, abs=1e-6)
    short = ov.arrow_head(LineString([(30.0, 50.0), (30.01, 50.0)]))
    assert GEOD.inv(30.01, 50.0, *short.exterior.coords[1])[2] == pytest.approx(3000, rel=1e-6)


def test_annotation_anchor() -> None:
    label = ov.Annotation("label", "x", Point(30, 50))
    assert label.anchor == (30, 50)
    arrow = ov.Annotation("arrow", "x", LineString([(30, 50), (32, 50)]))
    assert arrow.anchor == (31, 50)


# ------------------------------------------------------------------------------------------ export
def test_export_layers_keep_attributes_as_text_and_names_unique() -> None:
    feats = read_overlay_file(DATA / "strikes.csv", FileSource("latitude", "longitude"))
    a = ov.Overlay(
        "Strikes", "points", feats, OverlayStyle(), source="strikes.csv", keypath="layers[0]"
    )
    hostile = ov.OverlayFeature(
        Polygon([(30, 50), (31, 50), (31, 51)]),
        {"name": "x", "Layer": "y", "<b>": HOSTILE[1]},
        0,
        "x",
    )
    b = ov.Overlay("Strikes", "polygons", (hostile,), OverlayStyle(), keypath="layers[1]")
    c = ov.Overlay("forces", "polygons", (hostile,), OverlayStyle(), keypath="layers[2]")
    anns = [
        ov.Annotation("label", HOSTILE[0], Point(30.123456789, 50), keypath="annotations[0]"),
        ov.Annotation("arrow", "", LineString([(30, 50), (31, 50)]), keypath="annotations[1]"),
    ]
    out = overlay_layers([a, b, c], anns, taken=LAYERS)
    assert [layer.name for layer in out] == [
        "overlay_strikes",
        "overlay_strikes_2",
        "overlay_forces",
        ANNOTATIONS_LAYER,
    ]
    first = out[0]
    assert first.geometry_type == "Point"
    assert [f for f, _ in first.fields] == [
        "layer",
        "overlay",
        "name",
        "source",
        "keypath",
        "id",
        "date",
        "target",
        "source_2",
    ]
    assert all(kind == "str" for _, kind in first.fields)
    assert first.features[0].properties == {
        "layer": "overlay_strikes",
        "overlay": "Strikes",
        "name": None,
        "source": "strikes.csv",
        "keypath": "layers[0]",
        "id": "1",
        "date": "2025-01-14",
        "target": "Power plant",
        "source_2": "press report",
    }
    assert first.features[3].properties["source_2"] is None
    second = out[1]
    assert second.geometry_type == "MultiPolygon"
    assert second.features[0].properties["name_2"] == "x"
    assert second.features[0].properties["layer_2"] == "y"
    assert second.features[0].properties["b"] == HOSTILE[1]  # '<b>' as a field name
    ann = out[3]
    assert ann.geometry_type == "Unknown"
    assert [f.properties["text"] for f in ann.features] == [HOSTILE[0], None]
    assert ann.features[0].geometry.x == 30.1234568  # rounded as every export
    assert all(
        set(f.properties) == {k for k, _ in layer.fields} for layer in out for f in layer.features
    )


def test_safe_names() -> None:
    assert safe_name("Reported strikes (ACLED)", "x") == "reported_strikes_acled"
    assert safe_name("Київ", "layer") == "layer"
    assert safe_name("2025 strikes", "x") == "_2025_strikes"
    assert safe_name("Constanța", "x") == "constanta"


def test_export_layers_write_to_a_geopackage(tmp_path: Path) -> None:
    """The contract the GeoPackage writer relies on: each layer's fields and geometry type as GDAL takes them."""
    import geopandas as gpd
    import pyogrio

    sites = ov.Overlay("Sites", "mixed", read_overlay_file(DATA / "sites.geojson"), OverlayStyle())
    anns = [
        ov.Annotation("label", HOSTILE[0], Point(30, 50)),
        ov.Annotation("arrow", "", LineString([(30, 50), (31, 50)])),
    ]
    path = tmp_path / "out.gpkg"
    for layer in overlay_layers([sites], anns, taken=LAYERS):
        columns = {f: [feat.properties[f] for feat in layer.features] for f, _ in layer.fields}
        frame = gpd.GeoDataFrame(
            columns, geometry=[feat.geometry for feat in layer.features], crs="EPSG:4326"
        )
        pyogrio.write_dataframe(
            frame,
            path,
            layer=layer.name,
            driver="GPKG",
            geometry_type=layer.geometry_type,
            append=path.exists(),
        )
    back = pyogrio.read_dataframe(path, layer="overlay_sites")
    assert list(back["name"]) == ["Rivne NPP", "Khmelnytskyi NPP", "Power line", "Exclusion zone"]
    assert list(back["capacity_mw"])[:2] == ["2835", "2000"]  # text, as read
    assert list(back.geometry.geom_type) == ["Point", "Point", "LineString", "Polygon"]
    notes = pyogrio.read_dataframe(path, layer=ANNOTATIONS_LAYER)
    assert notes["text"].iloc[0] == HOSTILE[0] and list(notes["kind"]) == ["label", "arrow"]


def test_inline_features_over_the_limit_are_refused_before_resolving(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ov, "MAX_OVERLAY_FEATURES", 3)
    doc = load_text(
        "layers:\n  - {name: A, points: [{at: Kyiv}, {at: Lviv}]}\n  - {name: B, lines: [[Kyiv, Lviv], [Odesa, Lviv]]}\n",
        file="s.yaml",
    )
    ctx = Context(file="s.yaml")
    raw = SPEC.check(doc.root, "", ctx)
    assert not overlayresolve.inline_over_limit(raw["layers"][:1], ctx)
    assert overlayresolve.inline_over_limit(raw["layers"], ctx)
    assert [p.format() for p in ctx.problems] == [
        "s.yaml:2:3: layers: 4 inline overlay features, over the limit of 3 per scenario; put them in a file "
        "(CSV, GeoJSON ...) or split the scenario"
    ]

"""The prepared products (``mapper.prepared``, ``geodata/prepared/``): current, used, byte-neutral, and refused
when stale or tampered with."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import shapely

from mapper import app6, features, geodata, layerfiles, placelabels, prepared
from mapper.frontline import bundled_front_line, bundled_front_lines, threat_geometries
from mapper.geodesy import distance, polygonproduct

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "scenarios").glob("*.yaml"))

# renders every example (HTML, PNG, analysis JSON) into argv[1], in one process, as `mapper render` does
_DRIVER = """
import sys
from pathlib import Path
from mapper import api, report
out = Path(sys.argv[1])
for path in sys.argv[2:]:
    name = Path(path).stem
    api.render_files(path, out / f"{name}.html", image=out / f"{name}.png", overwrite=True)
    (out / f"{name}.json").write_text(report.analyze_file(path, fmt="json"))
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "MAPPER_NO_PREPARED"}
    return {**env, **extra}


def _clear_caches() -> None:
    geodata.clear_caches()  # the layers, and prepared._entries and _inputs_key
    distance._prepare_polygon_cached.cache_clear()
    geodata.nato_territory.cache_clear()
    placelabels.cities.cache_clear()
    placelabels._labels_for.cache_clear()
    features.band_areas.cache_clear()


@pytest.fixture
def fresh_caches() -> Any:
    _clear_caches()
    yield
    _clear_caches()


def test_committed_products_are_current() -> None:
    # recomputes every product live and compares it byte for byte with geodata/prepared/
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts/build_prepared.py"), "--check"],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.sweep
def test_examples_are_byte_identical_with_and_without_products(tmp_path: Path) -> None:
    outputs = {}
    for mode, extra in (("on", {}), ("off", {"MAPPER_NO_PREPARED": "1"})):
        out = tmp_path / mode
        out.mkdir()
        subprocess.run(
            [sys.executable, "-c", _DRIVER, str(out), *map(str, EXAMPLES)],
            check=True,
            env=_env(MAPPER_CACHE_DIR=str(tmp_path / f"cache-{mode}"), **extra),
            timeout=600,
        )
        outputs[mode] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert len(outputs["on"]) == 3 * len(EXAMPLES)
    assert outputs["on"].keys() == outputs["off"].keys()
    for name, data in outputs["on"].items():
        assert data == outputs["off"][name], name


def test_examples_use_every_product(caplog: pytest.LogCaptureFixture, fresh_caches: Any) -> None:
    # no product is missing, stale or refused for the bundled examples: nothing is logged by mapper.prepared
    from mapper import pipeline
    from mapper.render import build_map, featuretext
    from mapper.render.basemap import basemap_features

    basemap_features.cache_clear()
    featuretext._TEXTS.clear()
    with caplog.at_level("DEBUG", logger="mapper.prepared"):
        for path in EXAMPLES:
            p = pipeline.prepare(path)
            assert p.features.bands
            build_map(p)  # the large situation texts: product feature_texts
        assert featuretext._TEXTS
        assert placelabels.place_labels(bundled_front_line().line)
        assert placelabels.place_labels(None)
        assert basemap_features()["ukraine"]
        assert geodata.nato_territory().area > 0
    assert [r.getMessage() for r in caplog.records] == []


def _copy_geodata(tmp_path: Path) -> Path:
    copy = tmp_path / "geodata"
    shutil.copytree(REPO / "geodata", copy)
    return copy


def test_stale_key_falls_back_to_live(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    fresh_caches: Any,
) -> None:
    copy = _copy_geodata(tmp_path)
    places = copy / "places.csv"
    places.write_bytes(places.read_bytes() + b"\n")  # other geodata: a new key
    monkeypatch.setenv("MAPPER_GEODATA", str(copy))
    with caplog.at_level("DEBUG", logger="mapper.prepared"):
        assert prepared.lookup("geometry", "nato", prepared.geometry_from_text) is None
    assert any("stale" in r.getMessage() for r in caplog.records)
    monkeypatch.delenv("MAPPER_GEODATA")
    _clear_caches()
    assert prepared.lookup("geometry", "nato", prepared.geometry_from_text) is not None


def test_products_off(monkeypatch: pytest.MonkeyPatch, fresh_caches: Any) -> None:
    monkeypatch.setenv("MAPPER_NO_PREPARED", "1")
    assert prepared.lookup("geometry", "nato", prepared.geometry_from_text) is None
    live = geodata.nato_territory()
    monkeypatch.delenv("MAPPER_NO_PREPARED")
    _clear_caches()
    assert shapely.to_wkb(geodata.nato_territory()) == shapely.to_wkb(live)


def _entry_names(copy: Path, name: str) -> list[str]:
    return list(json.loads((copy / "prepared" / f"{name}.json").read_text())["entries"])


def _tamper(copy: Path, name: str, change: Any) -> None:
    path = copy / "prepared" / f"{name}.json"
    doc = json.loads(path.read_text())
    change(doc["entries"])
    path.write_text(json.dumps(doc))


def _nan_first(text: str) -> str:
    import base64

    import numpy as np

    values = np.frombuffer(base64.b64decode(text), dtype="<f8").copy()
    values[0] = np.nan
    return base64.b64encode(values.tobytes()).decode("ascii")


def _layer_decoder(layer: str) -> Any:
    return lambda value: layerfiles.decode(layer, value)


@pytest.mark.parametrize(
    ("name", "change"),
    [
        # script in a basemap feature text, which goes into the page verbatim
        (
            "basemap",
            lambda e: e["features"]["ukraine"].append(
                '{"type":"Feature"}</script><script>alert(1)'
            ),
        ),
        ("basemap", lambda e: e["features"]["rivers"].append("alert(1)")),
        (
            "basemap",
            lambda e: e["features"]["lakes"].__setitem__(0, '{"type":"Feature","x":"{{ 7*7 }}"}'),
        ),
        ("basemap", lambda e: e["features"].pop("regions")),
        # place labels: a side or tier outside the vocabulary, a name that is not text, a row index out of range
        ("places", lambda e: e["labels:none"][0].__setitem__(7, "r onmouseover=alert(1)")),
        ("places", lambda e: e["labels:none"][0].__setitem__(0, {"html": "<b>"})),
        ("places", lambda e: e["labels:none"][0].__setitem__(6, 99)),
        ("places", lambda e: e["cities:15000"].append(10**9)),
        # geometry: not WKB, or WKB of the wrong kind
        ("geometry", lambda e: e.__setitem__("nato", "<svg onload=alert(1)>")),
        ("geometry", lambda e: e.__setitem__("nato", prepared.geometry_text(shapely.Point(0, 0)))),
        ("bands", lambda e: [v[0].__setitem__(0, "0") for v in e.values()]),
        # milsymbol table answers: a key that is not a SIDC, a value that is not an entry
        ("symbols", lambda e: [v.__setitem__("x" * 20, None) for v in e.values()]),
        ("symbols", lambda e: [v.__setitem__(next(iter(v)), "<svg/>") for v in e.values()]),
        # prepared polygons: parts that do not add up, geodesics of another length, a non-finite coordinate
        ("polygons", lambda e: [v.__setitem__("sizes", [*v["sizes"], 5]) for v in e.values()]),
        ("polygons", lambda e: [v.__setitem__("azi", v["azi"][:-12]) for v in e.values()]),
        (
            "polygons",
            lambda e: [v.__setitem__("points", _nan_first(v["points"])) for v in e.values()],
        ),
        ("polygons", lambda e: [v.__setitem__("dense", "<svg/>") for v in e.values()]),
        # prepared layers: a value of the wrong type, a column missing, a geometry of the wrong kind
        ("layer_countries", lambda e: e["table"]["columns"]["nato"].__setitem__(0, "<b>yes</b>")),
        ("layer_places", lambda e: e["table"]["columns"]["lat"].__setitem__(0, "48")),
        ("layer_places", lambda e: e["table"]["columns"].pop("oblast")),
        (
            "layer_regions",
            lambda e: e["table"]["geometry"].__setitem__(
                0, prepared.geometry_text(shapely.Point(0, 0))
            ),
        ),
        ("layer_regions", lambda e: e["table"]["geometry"].pop()),
        # simplified situation texts go into the page verbatim: markup, a call, a property that is not a geometry
        (
            "feature_texts",
            lambda e: [e.__setitem__(k, v[:-1] + "</script>}") for k, v in list(e.items())],
        ),
        (
            "feature_texts",
            lambda e: [
                e.__setitem__(k, v.replace("[", "[alert(1),", 1)) for k, v in list(e.items())
            ],
        ),
        (
            "feature_texts",
            lambda e: [e.__setitem__(k, '{"type":"Feature","x":"{{ 7*7 }}"}') for k in list(e)],
        ),
    ],
)
def test_tampered_products_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, change: Any, fresh_caches: Any
) -> None:
    from mapper.render import featuretext
    from mapper.render.basemap import _checked_basemap

    copy = _copy_geodata(tmp_path)
    _tamper(copy, name, change)
    monkeypatch.setenv("MAPPER_GEODATA", str(copy))
    decoders = {
        "basemap": [("features", _checked_basemap)],
        "places": [
            ("labels:none", placelabels._decode_labels),
            ("cities:15000", placelabels._row_indexes(8589)),
        ],
        "geometry": [("nato", prepared.geometry_from_text)],
        "symbols": [(k, app6._decode_known) for k in _entry_names(copy, "symbols")],
        "bands": [(k, features._decode_bands) for k in _entry_names(copy, "bands")],
        "polygons": [(k, polygonproduct.decode) for k in _entry_names(copy, "polygons")],
        "feature_texts": [
            (k, featuretext._checked_text) for k in _entry_names(copy, "feature_texts")
        ],
        **{
            layerfiles.product(layer): [("table", _layer_decoder(layer))]
            for layer in layerfiles.PREPARED_LAYERS
        },
    }
    results = [prepared.lookup(name, entry, decode) for entry, decode in decoders[name]]
    assert None in results  # the tampered entry is refused (and computed live by its owner)


def test_the_line_reader_reads_what_json_reads() -> None:
    # a product in write_product's layout is read one entry at a time: the same head and values as json.loads
    for path in sorted((REPO / "geodata" / "prepared").glob("*.json")):
        data = path.read_bytes()
        lines = prepared._by_lines(data)
        assert lines is not None, path.name
        whole = json.loads(data)
        head, spans = lines
        assert {**head, "entries": whole["entries"]} == whole
        entries = prepared._LineEntries(data, spans)
        assert list(entries) == list(whole["entries"])
        assert all(entries[k] == v for k, v in whole["entries"].items())


@pytest.mark.parametrize(
    "text",
    [
        '{"format": "mapper-prepared", "entries": {}}',  # one line (json.dumps): read whole
        '{"a": 1, "entries": {\n"x": 1,\n}}\n',  # a comma after the last entry
        '{"a": 1, "entries": {\n"x": 1\n"y": 2\n}}\n',  # none between two
        '{"a": 1, "entries": {\n"x": 1,\n"x": 2\n}}\n',  # an entry twice
        '{"a": 1, "entries": {\n"x\\"y": 1\n}}\n',  # an escaped name
    ],
)
def test_other_layouts_are_read_whole(text: str) -> None:
    assert prepared._by_lines(text.encode()) is None


def test_a_malformed_line_refuses_only_its_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_caches: Any
) -> None:
    copy = _copy_geodata(tmp_path)
    path = copy / "prepared" / "places.json"
    lines = path.read_text().split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith('"labels:none"'))
    lines[at] = '"labels:none": [[1, 2'  # the last entry: no comma after it
    path.write_text("\n".join(lines))
    monkeypatch.setenv("MAPPER_GEODATA", str(copy))
    assert prepared.lookup("places", "labels:none", placelabels._decode_labels) is None
    assert prepared.lookup("places", "cities:15000", placelabels._row_indexes(8589))


def test_tampered_product_never_reaches_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_caches: Any
) -> None:
    from mapper import api
    from mapper.render.basemap import basemap_features

    copy = _copy_geodata(tmp_path)
    _tamper(
        copy,
        "basemap",
        lambda e: e["features"]["ukraine"].append('{"type":"Feature"}</script><b>pwned</b>'),
    )
    monkeypatch.setenv("MAPPER_GEODATA", str(copy))
    basemap_features.cache_clear()
    try:
        html = api.render(EXAMPLES[0]).html
    finally:
        basemap_features.cache_clear()
    assert "pwned" not in html


def test_entries_are_named_by_their_inputs(fresh_caches: Any) -> None:
    # an entry answers only the exact question it was computed for: another line gets no prepared labels
    line = bundled_front_line().line
    moved = shapely.affinity.translate(line, xoff=0.01)
    entry = "labels:" + prepared.digest(shapely.to_wkb(moved))
    assert prepared.lookup("places", entry, placelabels._decode_labels) is None
    own = "labels:" + prepared.digest(shapely.to_wkb(line))
    assert prepared.lookup("places", own, placelabels._decode_labels) == placelabels.place_labels(
        line
    )


def _bundled_polygons() -> list[Any]:
    """The polygons ``polygons`` is built for: every threat area of every bundled line, and NATO's territory."""
    from mapper.scenario import THREATS

    areas = tuple(t for t in THREATS if t != "front_line")
    found = [g for f in bundled_front_lines() for g in threat_geometries(f, areas).values()]
    return [*found, geodata.nato_territory()]


def test_prepared_polygons_are_the_live_preparation_bit_for_bit(fresh_caches: Any) -> None:
    import dataclasses

    for poly in _bundled_polygons():
        found = polygonproduct.lookup(shapely.to_wkb(poly))
        assert found is not None
        dense, parts, geodesics = found
        live_dense, live_parts, _ = distance._polygon_parts(poly)
        assert shapely.to_wkb(dense) == shapely.to_wkb(live_dense)
        assert [p.tobytes() for p in parts] == [p.tobytes() for p in live_parts]
        ours, live = (
            distance._prepared_from_parts(parts, geodesics),
            distance._prepare_line(distance._boundary_lines(live_dense)),
        )
        for field in dataclasses.fields(live):
            mine, theirs = getattr(ours, field.name), getattr(live, field.name)
            assert mine.dtype == theirs.dtype and mine.shape == theirs.shape, field.name
            assert mine.tobytes() == theirs.tobytes(), field.name


def test_prepared_polygons_give_the_live_distances(
    monkeypatch: pytest.MonkeyPatch, fresh_caches: Any
) -> None:
    from mapper import geodesy

    lat, lon = [47.0, 48.5, 50.45, 52.0, 46.6], [37.5, 35.0, 30.52, 23.5, 29.6]
    polys = _bundled_polygons()
    on = [geodesy.distance_to_polygon_km(p, lat=lat, lon=lon) for p in polys]
    monkeypatch.setenv("MAPPER_NO_PREPARED", "1")
    distance._prepare_polygon_cached.cache_clear()
    off = [geodesy.distance_to_polygon_km(p, lat=lat, lon=lon) for p in polys]
    for a, b in zip(on, off, strict=True):
        for name in ("distance_km", "nearest_lat", "nearest_lon"):
            assert getattr(a, name).tobytes() == getattr(b, name).tobytes()


def test_prepared_layers_are_the_live_tables(fresh_caches: Any) -> None:
    for layer in layerfiles.PREPARED_LAYERS:
        found = prepared.lookup(layerfiles.product(layer), "table", _layer_decoder(layer))
        assert found is not None, layer
        live = layerfiles._read_places() if layer == "places" else layerfiles._read_geojson(layer)
        assert list(found.columns) == list(
            live.columns
        )  # the same order: rows() has the same fields
        assert found.columns == live.columns
        for name, values in live.columns.items():
            assert [type(v) for v in found.columns[name]] == [type(v) for v in values], name
        if live.geometry is None:
            assert found.geometry is None
            continue
        assert found.geometry.dtype == live.geometry.dtype and len(found.geometry) == len(
            live.geometry
        )
        assert shapely.to_wkb(found.geometry).tolist() == shapely.to_wkb(live.geometry).tolist()


def test_the_gazetteer_of_a_table_is_the_gazetteer_of_its_rows() -> None:
    t = geodata.table("places")
    fast, rows = geodata.Gazetteer.of_table(t), geodata.Gazetteer(t.rows())
    assert fast.places == rows.places
    assert [tuple(map(type, vars(p).values())) for p in fast.places] == [
        tuple(map(type, vars(p).values())) for p in rows.places
    ]
    assert fast._primary == rows._primary and fast._alt_names == rows._alt_names
    assert fast._secondary == rows._secondary


def test_a_missing_layer_product_reads_the_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    fresh_caches: Any,
) -> None:
    copy = _copy_geodata(tmp_path)
    (copy / "prepared" / "layer_countries.json").unlink()
    monkeypatch.setenv("MAPPER_GEODATA", str(copy))
    with caplog.at_level("DEBUG", logger="mapper.prepared"):
        assert geodata.country("Poland").iso3 == "POL"
    assert any("layer_countries" in r.getMessage() for r in caplog.records)

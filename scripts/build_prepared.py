"""Compute the prepared products (``mapper.prepared``) into ``geodata/prepared/``: ``make prepared``.

Every product is computed by the function that uses it, with products turned off (``MAPPER_NO_PREPARED=1``), so
what is written is exactly what that function computes live:

* ``basemap``: ``render.basemap.basemap_features()`` (entry ``features``);
* ``places``: ``placelabels.cities()`` (entry ``cities:15000``) and ``placelabels.place_labels`` for no line and
  for the bundled line (entries ``labels:none``, ``labels:<sha256 of the line's WKB>``);
* ``bands``: ``features.band_areas`` for the bands of every example in ``scenarios/``, and of every bundled dated
  front line (``frontline.bundled_front_lines``: a timed scenario's steps) with the default threat and bands and
  with each example's (entries named by ``features.band_entry``: the line's and occupied area's WKB, the threat
  and the band edges);
* ``geometry``: ``geodata.nato_territory()`` (entry ``nato``);
* ``polygons``: ``geodesy.polygonproduct.encode`` of every polygon the examples measure distances to (recorded
  while preparing them) and of every threat area of every bundled dated line (its occupied area, Russia,
  Belarus, Transnistria) and NATO's territory (entries named by the sha256 of the polygon's WKB);
* ``layer_countries``, ``layer_regions``, ``layer_places``: ``layerfiles.encode`` of each layer's table as the
  live reader reads it (``geodata.table``; entry ``table``);
* ``feature_texts``: ``render.featuretext``'s simplified GeoJSON text of every large situation geometry (bands,
  hostile ground, big shapes) the maps of the examples in ``scenarios/`` draw (recorded while building them;
  entries named by ``featuretext.text_entry``: the sha256 of the geometry's WKB and the tolerance);
* ``symbols``: milsymbol's table's answers to what it looks up while drawing every SIDC ``app6.sidc_for`` makes
  (one entry, named by the sha256 of the table file; ``app6._LazyNumberTable``).

Run it again after changing ``geodata/`` or an algorithm behind a product (and bump ``PREPARED_VERSION`` for the
latter). ``--check`` writes nothing and exits 1 if a committed product differs from what would be written
(``tests/test_prepared.py`` runs it). Usage: ``python scripts/build_prepared.py [--check] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

# before any product is looked up: everything below is computed live
os.environ["MAPPER_NO_PREPARED"] = "1"
# every symbol drawn by milsymbol, none read from a user's cache
os.environ["MAPPER_NO_CACHE"] = "1"

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mapper import app6, features, geodata, layerfiles, placelabels, prepared  # noqa: E402
from mapper.frontline import bundled_front_line, bundled_front_lines  # noqa: E402
from mapper.loader import load_scenario  # noqa: E402
from mapper.render.basemap import basemap_features  # noqa: E402
from mapper.scenario import DEFAULT_BANDS, DEFAULT_THREAT, Band  # noqa: E402


def symbol_answers() -> dict[str, Any]:
    """What milsymbol's table answers to every key milsymbol asks for while drawing each SIDC ``sidc_for``
    makes, named by the sha256 of the table file (``app6._LazyNumberTable``)."""
    import gzip
    import json

    from milsymbol import symbol

    path = app6._table_file()
    assert path is not None, "milsymbol's table file is not where app6 expects it"
    packed = path.read_bytes()
    full = json.loads(gzip.decompress(packed))
    asked: dict[str, Any] = {}

    class Recording(dict[str, Any]):
        def __contains__(self, key: object) -> bool:
            asked[str(key)] = full.get(key)
            return key in full

        def __getitem__(self, key: str) -> Any:
            asked[key] = full.get(key)
            return full[key]

    symbol._number_data = Recording()
    for kind in (None, *app6.KINDS):
        for echelon in (None, *app6.ECHELONS):
            for affiliation in app6.AFFILIATIONS:
                app6.symbol_svg(app6.sidc_for(kind, echelon, affiliation))
    symbol._number_data = None
    return {prepared.digest(packed): asked}


def band_products() -> dict[str, Any]:
    """The bands of every example in ``scenarios/`` with its own front line, and of every bundled dated line
    (``bundled_front_lines``: what a timed scenario's steps and ``--at`` draw) with the default threat and bands
    and with each example's threat and bands."""
    from dataclasses import replace

    scenarios = [load_scenario(path) for path in sorted((REPO / "scenarios").glob("*.yaml"))]
    # the default threat and bands are a scenario's without those keys: the first example stands in for it
    plain = replace(scenarios[0], threat=DEFAULT_THREAT, bands=default_bands())
    variants = {(s.threat, tuple(b.outer_km for b in s.bands)): s for s in (plain, *scenarios)}
    wanted = list(scenarios)
    for front in bundled_front_lines():
        wanted += [replace(s, front=front) for s in variants.values()]
    bands: dict[str, Any] = {}
    for scenario in wanted:
        entry = features.band_entry(scenario)
        if entry not in bands:
            areas = features.band_areas(*features.band_arguments(scenario))
            bands[entry] = features.encode_bands(areas)
    return bands


def polygon_products() -> dict[str, Any]:
    """The prepared polygons (``geodesy.polygonproduct``): those the examples' preparation measures distances to
    (recorded), every threat area of every bundled dated line, and NATO's territory."""
    import shapely

    from mapper.frontline import threat_geometries
    from mapper.geodesy import distance, polygonproduct
    from mapper.pipeline import prepare
    from mapper.scenario import THREATS

    asked: dict[bytes, None] = {}
    live = distance._prepare_polygon_cached

    def recording(wkb: bytes) -> Any:
        asked[wkb] = None
        return live(wkb)

    distance._prepare_polygon_cached = recording  # type: ignore[assignment]
    try:
        for path in sorted((REPO / "scenarios").glob("*.yaml")):
            prepare(path)
    finally:
        distance._prepare_polygon_cached = live
    for front in bundled_front_lines():
        for geom in threat_geometries(
            front, tuple(t for t in THREATS if t != "front_line")
        ).values():
            asked[shapely.to_wkb(geom)] = None
    asked[shapely.to_wkb(geodata.nato_territory())] = None
    return {prepared.digest(wkb): polygonproduct.encode(shapely.from_wkb(wkb)) for wkb in asked}


def default_bands() -> tuple[Band, ...]:
    """The bands a scenario without ``bands_km`` has (``scenario.DEFAULT_BANDS``)."""
    edges = [km for km, _ in DEFAULT_BANDS]
    return tuple(
        Band(inner_km=inner, outer_km=km, label=label)
        for inner, (km, label) in zip([0.0, *edges], DEFAULT_BANDS, strict=False)
    )


def feature_text_products() -> dict[str, str]:
    """The simplified texts ``render.featuretext`` computes for the maps of every example (recorded)."""
    import shapely

    from mapper.pipeline import prepare
    from mapper.render import build_map, featuretext

    texts: dict[str, str] = {}
    live = featuretext._computed

    def recording(arr: Any, tolerance: float) -> str:
        text = live(arr, tolerance)
        texts[featuretext.text_entry(shapely.to_wkb(arr[0]), tolerance)] = text
        return text

    featuretext._TEXTS.clear()
    featuretext._computed = recording
    try:
        for path in sorted((REPO / "scenarios").glob("*.yaml")):
            build_map(prepare(path))
    finally:
        featuretext._computed = live
        featuretext._TEXTS.clear()
    return texts


def products() -> dict[str, dict[str, Any]]:
    """Every product's entries, computed live."""
    import shapely

    line = bundled_front_line().line
    places: dict[str, Any] = {"cities:15000": list(placelabels.cities())}
    places["labels:none"] = placelabels.encode_labels(placelabels.place_labels(None))
    key = "labels:" + prepared.digest(shapely.to_wkb(line))
    places[key] = placelabels.encode_labels(placelabels.place_labels(line))
    return {
        "basemap": {"features": basemap_features()},
        "places": places,
        "bands": band_products(),
        "geometry": {"nato": prepared.geometry_text(geodata.nato_territory())},
        "polygons": polygon_products(),
        **{
            layerfiles.product(layer): layerfiles.encode(geodata.table(layer))
            for layer in layerfiles.PREPARED_LAYERS
        },
        "symbols": symbol_answers(),
        "feature_texts": feature_text_products(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="compare with the committed products only"
    )
    parser.add_argument("--out", type=Path, help="geodata folder to write into (default: geodata/)")
    args = parser.parse_args(argv)
    built = products()
    if not args.check:
        for name, entries in built.items():
            print(prepared.write_product(name, entries, args.out))
        return 0
    stale = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "geodata"
        fresh.mkdir()
        for source in prepared.product_inputs():
            (fresh / source.name).write_bytes(source.read_bytes())
        for name, entries in built.items():
            new = prepared.write_product(name, entries, fresh).read_bytes()
            old = prepared.product_file(name)
            if not old.is_file() or old.read_bytes() != new:
                stale.append(name)
    for name in stale:
        print(f"stale: {prepared.product_file(name)} (run make prepared)", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())

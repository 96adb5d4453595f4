"""The readers of the geodata layers (``geodata.table``): from a prepared product when it is current, else from the
layer's file.

Parsing the GeoJSON of the countries (650 kB) and regions (800 kB) with ``shapely.from_geojson`` and ``places.csv``
with ``csv`` costs ~0.04, ~0.07 and ~0.03 s, the same for every scenario; a scenario naming its places and
countries pays for two of them on every run. The prepared products ``layer_countries``, ``layer_regions`` and
``layer_places`` (``mapper.prepared``; ``scripts/build_prepared.py`` writes them from these very readers) hold each
layer's table as JSON columns and its geometries as WKB in base64 (exact: every coordinate's bits), read ~5x faster.
``decode`` checks the columns (names, lengths, types) and the geometries (polygons, one per row); a missing, stale
or refused product costs only the live read, which also reports a missing or corrupt file (``GeodataError``).
Rivers and lakes are small enough to read live.
"""

from __future__ import annotations

import csv
import json
from typing import Any

from mapper.geodata import REQUIRED_COLUMNS, Table, _missing, layer_path

__all__ = ["PREPARED_LAYERS", "decode", "encode", "product", "read"]

#: the layers read from prepared products when current (the others are read live)
PREPARED_LAYERS = ("countries", "regions", "places")
_ENTRY = "table"
#: the places table's columns after the required ones, and its typed columns (the other columns are text)
_PLACE_EXTRA = ("source", "front")
_PLACE_TYPES: dict[str, tuple[type, ...]] = {
    "geonameid": (int, type(None)),
    "population": (int,),
    "lat": (float,),
    "lon": (float,),
    "front": (bool,),
}


def product(layer: str) -> str:
    """The name of ``layer``'s prepared product."""
    return f"layer_{layer}"


def read(layer: str) -> Table:
    """``layer`` as a :class:`~mapper.geodata.Table`: prepared when current, else read from its file."""
    if layer in PREPARED_LAYERS:
        from mapper import prepared

        found = prepared.lookup(product(layer), _ENTRY, lambda value: decode(layer, value))
        if found is not None:
            return found
    return _read_places() if layer == "places" else _read_geojson(layer)


def encode(table: Table) -> dict[str, Any]:
    """The entries of a layer's product (build time: ``scripts/build_prepared.py``)."""
    from mapper import prepared

    value: dict[str, Any] = {"columns": table.columns}
    if table.geometry is not None:
        value["geometry"] = [prepared.geometry_text(g) for g in table.geometry]
    return {_ENTRY: value}


def _check_column(layer: str, name: str, values: Any, rows: int) -> None:
    if not isinstance(values, list) or len(values) != rows:
        raise ValueError(f"column {name}: not a list of {rows} values")
    kinds = (
        _PLACE_TYPES.get(name, (str,))
        if layer == "places"
        else ((bool,) if name == "nato" else (str, type(None)))
    )
    if not all(type(v) in kinds for v in values):
        raise ValueError(f"column {name}: values of another type")


def decode(layer: str, value: Any) -> Table:
    """The :class:`~mapper.geodata.Table` of a product's entry; ``ValueError`` if it is malformed."""
    import numpy as np
    import shapely

    if not isinstance(value, dict) or not isinstance(value.get("columns"), dict):
        raise ValueError("not a layer table")
    # the live reader's column order (the product's JSON has its keys sorted)
    expected = (*REQUIRED_COLUMNS[layer], *(_PLACE_EXTRA if layer == "places" else ()))
    if set(value["columns"]) != set(expected):
        raise ValueError(f"columns {sorted(value['columns'])}")
    columns = {name: value["columns"][name] for name in expected}
    rows = len(columns[expected[0]]) if isinstance(columns[expected[0]], list) else 0
    if not rows:
        raise ValueError("no rows")
    for name, values in columns.items():
        _check_column(layer, name, values, rows)
    if layer == "places":
        if set(value) != {"columns"}:
            raise ValueError("unexpected keys")
        return Table(layer, columns)
    texts = value.get("geometry")
    if set(value) != {"columns", "geometry"} or not isinstance(texts, list) or len(texts) != rows:
        raise ValueError("not one geometry per row")
    if not all(isinstance(t, str) for t in texts):
        raise ValueError("geometries must be WKB in base64")
    import base64

    geometry = shapely.from_wkb([base64.b64decode(t, validate=True) for t in texts])
    kinds = shapely.get_type_id(geometry)
    if not np.isin(kinds, (3, 6)).all():  # Polygon, MultiPolygon
        raise ValueError("geometries must be polygons")
    return Table(layer, columns, np.asarray(geometry, dtype=object))


def _read_geojson(layer: str) -> Table:
    import numpy as np
    import shapely

    path = layer_path(layer)
    if not path.is_file():
        raise _missing(path, "file not found")
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        features = data["features"]
        columns = {c: [f["properties"].get(c) for f in features] for c in REQUIRED_COLUMNS[layer]}
        collection = shapely.from_geojson(text)
        geoms = list(getattr(collection, "geoms", [collection])) if features else []
        if len(geoms) != len(features):
            raise ValueError("geometry count does not match feature count")
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError,
            shapely.errors.GEOSException) as exc:  # fmt: skip
        raise _missing(path, f"unreadable or corrupt ({exc})") from exc
    missing = [c for c, v in columns.items() if c != "name" and all(x is None for x in v)]
    if missing or not len(features):
        raise _missing(path, f"no features or missing properties {missing}")
    if layer == "countries":
        columns["nato"] = [bool(x) for x in columns["nato"]]
    geometry = np.empty(len(geoms), dtype=object)
    geometry[:] = geoms
    return Table(layer, columns, geometry)


def _read_places() -> Table:
    path = layer_path("places")
    if not path.is_file():
        raise _missing(path, "file not found")
    names = [*REQUIRED_COLUMNS["places"], "source"]
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            if "front" in header:  # optional: a places.csv of an older build has no front column
                names.append("front")
            index = [header.index(c) for c in names]
            rows = [[r[i] for i in index] for r in reader]
        if not rows or any(not r[1] for r in rows):
            raise ValueError("no rows, or a place without a name")
        cols = dict(zip(names, map(list, zip(*rows, strict=True)), strict=True))
        cols["population"] = [int(v) for v in cols["population"]]
        cols["lat"] = [float(v) for v in cols["lat"]]
        cols["lon"] = [float(v) for v in cols["lon"]]
        cols["geonameid"] = [int(v) if v.strip() else None for v in cols["geonameid"]]
        cols["front"] = [v.strip() == "1" for v in cols.get("front", [""] * len(rows))]
    except (OSError, UnicodeDecodeError, ValueError, IndexError, StopIteration, csv.Error) as exc:
        raise _missing(path, f"unreadable or corrupt ({exc})") from exc
    return Table("places", cols)

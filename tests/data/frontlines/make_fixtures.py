"""Regenerate the small front-line fixtures in this folder (deterministic: same bytes every run).

Run from the repository root: ``.venv/bin/python tests/data/frontlines/make_fixtures.py``. Good files in every
supported format and CRS, and bad files for each error the loader must report. The occupied-area polygon fixture
is cut from ``geodata/countries.geojson`` (Ukraine east of 38.5 deg E), so its only edge inside Ukraine is that
meridian.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
import shapely.affinity
from shapely.geometry import LineString, MultiPoint, box

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]

#: A made-up, simple line across Donbas (lon, lat) - only its shape and placement matter to the tests.
LINE = [(37.0, 49.5), (37.6, 48.6), (37.3, 48.0), (36.5, 47.6), (35.4, 47.5)]
PROPS = {
    "name": "Fixture line",
    "date": "2025-01-10",
    "source": "test fixture",
    "accuracy": "+/- 5 km",
}
CUT_LON = 38.5


def _frame(geoms, props=None, crs="EPSG:4326") -> gpd.GeoDataFrame:
    data = {k: [v] * len(geoms) for k, v in (props or {}).items()}
    return gpd.GeoDataFrame(data, geometry=list(geoms), crs=crs)


def _write_gpkg(frame: gpd.GeoDataFrame, path: Path, layer: str, append: bool = False) -> None:
    """A GeoPackage as small as GDAL allows (no spatial index or metadata tables, 512-byte pages)."""
    frame.to_file(
        path,
        layer=layer,
        driver="GPKG",
        mode="a" if append else "w",
        SPATIAL_INDEX="NO",
        **({} if append else {"METADATA_TABLES": "NO", "ADD_GPKG_OGR_CONTENTS": "NO"}),
    )
    con = sqlite3.connect(path)
    con.execute("PRAGMA page_size=512")
    con.execute("VACUUM")
    con.close()


def _write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, separators=(",", ":")) + "\n", encoding="utf-8")


def _feature(geometry, props=None) -> dict:
    return {"type": "Feature", "properties": props or {}, "geometry": geometry}


def _fc(*features, **extra) -> dict:
    return {"type": "FeatureCollection", **extra, "features": list(features)}


def _line_geojson(coords) -> dict:
    return {"type": "LineString", "coordinates": [list(c) for c in coords]}


def main() -> None:
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2025-01-10T00:00:00Z"})  # GPKG timestamps
    for old in HERE.iterdir():
        if old.name != Path(__file__).name and old.is_file():
            old.unlink()
    line = LineString(LINE)

    # ---- good files
    _write_json(HERE / "contact.geojson", _fc(_feature(_line_geojson(LINE), PROPS)))
    _write_gpkg(_frame([line], PROPS), HERE / "contact.gpkg", "contact")
    _frame([line], PROPS).to_file(HERE / "contact.kml", layer="contact", driver="KML")
    info = zipfile.ZipInfo("doc.kml", date_time=(2025, 1, 10, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(HERE / "contact.kmz", "w") as zf:
        zf.writestr(info, (HERE / "contact.kml").read_bytes())
    # no properties at all: the date must come from the file name
    _write_json(HERE / "frontline_2024-11-20.geojson", _fc(_feature(_line_geojson(LINE))))
    # other CRSs: UTM zone 36N (GeoPackage) and Web Mercator (GeoJSON with a legacy "crs" member)
    utm = _frame([line], PROPS).to_crs("EPSG:32636")
    utm.geometry = shapely.set_precision(utm.geometry.values, 0.01)
    _write_gpkg(utm, HERE / "contact_utm36n.gpkg", "contact_utm36n")
    merc = _frame([line], PROPS).to_crs("EPSG:3857")
    merc_coords = [[round(x, 2), round(y, 2)] for x, y in merc.geometry.iloc[0].coords]
    _write_json(
        HERE / "contact_3857.geojson",
        _fc(
            _feature({"type": "LineString", "coordinates": merc_coords}, PROPS),
            crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
        ),
    )
    # an occupied-area polygon: Ukraine east of 38.5 E (its boundary is border/coast except the meridian)
    countries = gpd.read_file(REPO / "geodata" / "countries.geojson")
    ukr = countries.loc[countries["iso3"] == "UKR"].geometry.iloc[0]
    east = ukr.intersection(box(CUT_LON, 40.0, 45.0, 58.0)).simplify(0.01)
    east = shapely.set_precision(east, 1e-4)
    _write_json(
        HERE / "occupied_east_of_38.5.geojson",
        _fc(
            _feature(shapely.geometry.mapping(east), {"date": "2025-02", "source": "test fixture"})
        ),
    )

    # ---- bad files
    (HERE / "corrupt.geojson").write_bytes(
        b'{"type": "FeatureCollection", "features": [{"type": \x00\xff\xfe garbage'
    )
    (HERE / "corrupt.gpkg").write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 4)
    pts = MultiPoint(LINE)
    _write_json(
        HERE / "points.geojson",
        _fc(*(_feature({"type": "Point", "coordinates": [p.x, p.y]}) for p in pts.geoms)),
    )
    _write_json(HERE / "empty.geojson", _fc())
    _write_json(
        HERE / "empty_geometry.geojson", _fc(_feature({"type": "LineString", "coordinates": []}))
    )
    _write_json(
        HERE / "outside.geojson", _fc(_feature(_line_geojson([(2.35, 48.85), (4.83, 45.76)])))
    )
    _write_json(HERE / "swapped.geojson", _fc(_feature(_line_geojson([(y, x) for x, y in LINE]))))
    two = HERE / "two_lines.gpkg"
    _write_gpkg(_frame([line], {"name": "a"}), two, "line_a")
    shifted = shapely.affinity.translate(line, xoff=0.2)
    _write_gpkg(_frame([shifted], {"name": "b"}), two, "line_b", append=True)
    undated()
    for f in sorted(HERE.iterdir()):
        print(f"{f.name:36s} {f.stat().st_size:7d} bytes")


def undated() -> None:
    """KML and GeoPackage lines without a date property, dated only by their file name (issue 19): GDAL's LIBKML
    driver gives them empty (NaT) ``timestamp``/``begin`` fields, the GeoPackage an empty date column."""
    import pandas as pd

    line = LineString(LINE)
    kml = HERE / "frontline_2024-11-20.kml"
    _frame([line], {"name": "Undated line"}).to_file(kml, layer="undated", driver="KML")
    dated = _frame([line], {"name": "Undated line"})
    dated["date"] = pd.Series([pd.NaT], dtype="datetime64[ms]")
    _write_gpkg(dated, HERE / "frontline_2024-11-20.gpkg", "undated")


if __name__ == "__main__":
    main()

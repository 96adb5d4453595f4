"""A scenario folder with an overlay layer of every source type and annotations (issue #16), for the wired tests
(``tests/test_overlays_wired.py``, ``tests/test_overlays_browser.py``).

``overlay_folder(root, text)`` copies the overlay fixtures of ``tests/data/overlays`` into ``root/data``, writes a
GeoPackage there with pyogrio, and writes ``root/overlays.yaml`` naming them all: CSV, GeoJSON (lon/lat and one
in EPSG:3857), GPKG, KML, KMZ and inline points, lines and polygons (``text`` in the inline layer's names and
attributes, for the hostile-text tests), and three annotations. ``expected_counts`` counts what each layer must
draw straight from the files (``csv``, ``json``, ``xml.etree``, ``zipfile``), not through mapper.
"""

from __future__ import annotations

import csv
import json
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "overlays"
FILES = ("strikes.csv", "sites.geojson", "mercator.geojson", "routes.kml", "routes.kmz")
#: the GeoPackage's points, (name, lon, lat)
GPKG_POINTS = (
    ("Vasylkiv", 30.32, 50.18),
    ("Myrhorod", 33.76, 49.97),
    ("Starokostiantyniv", 27.21, 49.75),
)

#: layer name → legend text, in order
LEGENDS = {
    "Strikes": "Strikes (CSV)",
    "Sites": "Sites (GeoJSON)",
    "Mercator": "Mercator (EPSG:3857)",
    "Bases": "Bases (GeoPackage)",
    "Routes KML": "Routes (KML)",
    "Routes KMZ": "Routes (KMZ)",
    "Hostile": "Hostile units",
    "Drawn": "Drawn shapes",
}


def _gpkg(path: Path) -> None:
    import geopandas as gpd
    import pyogrio
    from shapely.geometry import Point

    frame = gpd.GeoDataFrame(
        {"name": [n for n, _, _ in GPKG_POINTS], "kind": ["airbase"] * len(GPKG_POINTS)},
        geometry=[Point(lon, lat) for _, lon, lat in GPKG_POINTS],
        crs="EPSG:4326",
    )
    pyogrio.write_dataframe(frame, path, layer="bases", driver="GPKG")


def _q(text: str) -> str:
    return json.dumps(text)  # a YAML double-quoted scalar


def scenario_text(text: str = "plain text") -> str:
    q = _q(text)
    return f"""\
format: 1
id: overlays
title: Overlays of every kind
date: 2025-03-27
options:
  - id: a
    name: Option A
    colour: navy
    forces:
      - {{name: Brigade, at: Cherkasy, kind: infantry, echelon: brigade, troops: 3000, nation: FR}}
layers:
  - name: Strikes
    file: data/strikes.csv
    lat: latitude
    lon: longitude
    style: {{colour: darkred, marker: cross}}
    popup: [date, target]
    legend: Strikes (CSV)
  - name: Sites
    file: data/sites.geojson
    style: {{colour: "#006400", dash: "6 4"}}
    popup: type
    legend: Sites (GeoJSON)
  - name: Mercator
    file: data/mercator.geojson
    style: {{marker: diamond, colour: purple}}
    legend: Mercator (EPSG:3857)
  - name: Bases
    file: data/bases.gpkg
    style: {{marker: square, colour: "#555555"}}
    popup: kind
    legend: Bases (GeoPackage)
  - name: Routes KML
    file: data/routes.kml
    style: {{marker: triangle, colour: teal}}
    legend: Routes (KML)
  - name: Routes KMZ
    file: data/routes.kmz
    style: {{colour: orange, weight: 4}}
    legend: Routes (KMZ)
  - name: Hostile
    style: {{sidc: "10061000001301000000"}}
    popup: [note, {q}]
    legend: Hostile units
    points:
      - {{at: {{lat: 47.1, lon: 37.5}}, name: {q}, attributes: {{note: {q}, {q}: {q}}}}}
      - {{at: {{lat: 45.7, lon: 34.4}}, name: SAM site, attributes: {{note: reported}}}}
  - name: Drawn
    style: {{colour: crimson, fill_opacity: 0.3}}
    legend: Drawn shapes
    popup: note
    lines:
      - [Kyiv, Poltava, Kharkiv]
      - {{through: [Lviv, Rivne], name: {q}, attributes: {{note: {q}}}}}
    polygons:
      - [{{lat: 48.0, lon: 28.0}}, {{lat: 48.0, lon: 29.0}}, {{lat: 48.6, lon: 28.5}}]
annotations:
  - {{text: {q}, at: {{lat: 47.6, lon: 35.2}}, size: 14, colour: blue}}
  - {{text: Kyiv area, at: Kyiv}}
  - {{arrow: {{from: Odesa, to: Mykolaiv}}, text: Supply route, colour: darkgreen}}
"""


def overlay_folder(root: Path, text: str = "plain text") -> Path:
    """Write the scenario and its files into ``root`` (created); return the scenario's path."""
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copyfile(DATA / name, data / name)
    _gpkg(data / "bases.gpkg")
    path = root / "overlays.yaml"
    path.write_text(scenario_text(text), encoding="utf-8")
    return path


def _kml_placemarks(text: bytes) -> int:
    root = ET.fromstring(text)
    return sum(1 for el in root.iter() if el.tag.endswith("Placemark"))


def expected_counts() -> dict[str, int]:
    """What each layer draws, counted from the files themselves (features with a geometry)."""
    with open(DATA / "strikes.csv", newline="", encoding="utf-8") as fh:
        csv_rows = sum(1 for _ in csv.DictReader(fh))

    def geojson(name: str) -> int:
        doc = json.loads((DATA / name).read_text("utf-8"))
        return sum(1 for f in doc["features"] if f.get("geometry"))

    with zipfile.ZipFile(DATA / "routes.kmz") as z:
        kml = next(n for n in z.namelist() if n.endswith(".kml"))
        kmz = _kml_placemarks(z.read(kml))
    return {
        "Strikes": csv_rows,
        "Sites": geojson("sites.geojson"),
        "Mercator": geojson("mercator.geojson"),
        "Bases": len(GPKG_POINTS),
        "Routes KML": _kml_placemarks((DATA / "routes.kml").read_bytes()),
        "Routes KMZ": kmz,
        "Hostile": 2,  # as written in scenario_text
        "Drawn": 3,
    }


#: the annotations of scenario_text: two labels and an arrow with text
ANNOTATIONS = {"labels": 2, "arrows": 1}

"""Shared references for the tests: where the examples and data are, independent geodesic truths, scenario texts.

The geodesic references use only ``pyproj.Geod`` (``npts`` to densify, ``inv`` for distances), the ``csv`` module
on ``geodata/places.csv`` and ``json`` on the GeoJSON files; never ``mapper.geodesy`` or ``mapper.geodata``, so a
test comparing the two compares independent computations.
"""

from __future__ import annotations

import csv
import itertools
import json
import textwrap
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
import shapely

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"
EXAMPLES = sorted(SCENARIOS.glob("*.yaml"))
GEODATA = REPO / "geodata"
DATA = REPO / "tests" / "data"
INVALID = DATA / "invalid"
FRONTLINES = DATA / "frontlines"
GEOD = pyproj.Geod(ellps="WGS84")  # the tests' own ellipsoid, independent of the library's objects


# ----------------------------------------------------------------------------------------------------------------
# Geodesic references


def geod_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> np.ndarray:
    """Geodesic distances in km (``Geod.inv``), broadcast over arrays."""
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (lat1, lon1, lat2, lon2))
    )
    return np.atleast_1d(GEOD.inv(lon1, lat1, lon2, lat2)[2]) / 1000.0


def densify(coords: np.ndarray, max_m: float) -> np.ndarray:
    """Densify a lon/lat polyline along geodesics (``Geod.npts``) so no step exceeds ``max_m``."""
    out = [coords[0]]
    for (lon1, lat1), (lon2, lat2) in itertools.pairwise(coords):
        n = int(np.ceil(GEOD.inv(lon1, lat1, lon2, lat2)[2] / max_m)) - 1
        if n > 0:
            out.extend(np.array(GEOD.npts(lon1, lat1, lon2, lat2, n)))
        out.append((lon2, lat2))
    return np.array(out, dtype=float)


def min_distance_km(lat: float, lon: float, dense: np.ndarray) -> float:
    """Distance from a point to the nearest vertex of a densified lon/lat line."""
    return float(geod_km(lat, lon, dense[:, 1], dense[:, 0]).min())


@lru_cache(maxsize=1)
def line_parts() -> tuple[np.ndarray, ...]:
    """The bundled front line's parts (a LineString, or a MultiLineString's lines: the main line and the Sumy
    pocket), lon/lat vertices read with ``json``."""
    data = json.loads((GEODATA / "front_line_2025-03.geojson").read_text(encoding="utf-8"))
    [feature] = data["features"]
    geom = feature["geometry"]
    assert geom["type"] in ("LineString", "MultiLineString")
    parts = [geom["coordinates"]] if geom["type"] == "LineString" else geom["coordinates"]
    return tuple(np.array(p, dtype=float) for p in parts)


def bundled_line_coords() -> np.ndarray:
    """Every vertex of the bundled front line (all parts)."""
    return np.concatenate(line_parts())


@lru_cache(maxsize=1)
def dense_front() -> np.ndarray:
    """The bundled front line densified to <= 100 m along geodesics, each part on its own (joining the parts
    would add a segment that is not on the line)."""
    return np.concatenate([densify(p, 100.0) for p in line_parts()])


def ref_distance_km(lat: float, lon: float, dense: np.ndarray | None = None) -> float:
    """Distance to the bundled front line (or to ``dense``), within ~1 m of exact at 100 m spacing."""
    return min_distance_km(lat, lon, dense_front() if dense is None else dense)


@lru_cache(maxsize=4)
def country_boundary(iso3: str) -> np.ndarray:
    """A country's boundary from ``geodata/countries.geojson``, densified to <= 200 m."""
    data = json.loads((GEODATA / "countries.geojson").read_text(encoding="utf-8"))
    [geom] = [
        shapely.geometry.shape(f["geometry"])
        for f in data["features"]
        if f["properties"]["iso3"] == iso3
    ]
    parts = [
        densify(shapely.get_coordinates(ring), 200.0) for ring in shapely.get_parts(geom.boundary)
    ]
    return np.concatenate(parts)


@lru_cache(maxsize=1)
def places_rows() -> list[dict[str, str]]:
    """The rows of ``geodata/places.csv``, read with ``csv``."""
    with (GEODATA / "places.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def csv_place(name: str, oblast: str | None = None, country: str = "UA") -> tuple[float, float]:
    """(lat, lon) of the most populous row of places.csv with this name (and oblast): the independent truth."""
    rows = [
        r
        for r in places_rows()
        if r["name"] == name
        and r["country"] == country
        and (oblast is None or r["oblast"] == oblast)
    ]
    assert rows, (name, oblast, country)
    # the city, not a namesake village: the most populous row with this exact name
    best = max(rows, key=lambda r: int(r["population"]))
    return float(best["lat"]), float(best["lon"])


# ----------------------------------------------------------------------------------------------------------------
# Scenario texts

HEAD = "format: 1\nid: t\ntitle: T\ndate: 2025-03-27\n"
MINIMAL = """\
format: 1
id: {id}
title: {title}
date: 2025-03-27
options:
  - id: a
    name: Option A
    colour: navy
    forces:
      - {{name: Brigade, nation: FR, troops: 5000, at: Cherkasy}}
"""


def minimal_scenario(*, id: str = "t", title: str = "T") -> str:
    """The smallest valid scenario: one option, one brigade at Cherkasy."""
    return MINIMAL.format(id=id, title=title)


def option(body: str, colour: str = "navy") -> str:
    """One option ``a`` whose content (forces:, lines: ...) is ``body``, indented under the option."""
    return f"options:\n  - id: a\n    name: A\n    colour: {colour}\n" + textwrap.indent(
        textwrap.dedent(body), "    "
    )


def force(name: str, at: str, nation: str = "FR", troops: int = 100) -> str:
    """One line of a ``forces:`` list (flow style), indented for ``option``."""
    return f"  - {{name: {name}, nation: {nation}, troops: {troops}, at: {at}}}\n"


def write_scenario(folder: Path, text: str | None = None, name: str = "s.yaml", **kw: str) -> Path:
    """Write ``text`` (dedented; the minimal scenario, formatted with ``kw``, if None) to ``folder/name``."""
    path = folder / name
    path.write_text(
        minimal_scenario(**kw) if text is None else textwrap.dedent(text), encoding="utf-8"
    )
    return path

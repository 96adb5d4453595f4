"""The common ground of ``mapper.geodesy``: the one WGS84 ellipsoid, the errors, input checks, densification.

``GEOD`` is the ``pyproj.Geod`` every computation of the package uses. ``EmptyGeometryError`` and
``InvalidGeometryError`` are what bad geometries raise (see the package docstring's conventions); the private
helpers check geometries, lines and query coordinates the same way everywhere, and ``_densify_xy`` inserts points
along the geodesics between consecutive vertices (the core of ``shapes.densify`` and of the prepared lines of
``distance``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyproj
import shapely
from shapely.geometry import LinearRing, LineString, MultiLineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from mapper.errors import GeodataError

__all__ = ["GEOD", "EmptyGeometryError", "InvalidGeometryError"]

GEOD = pyproj.Geod(ellps="WGS84")
"""The one WGS84 ellipsoid used for every computation in this package."""

_MEAN_R_KM = 6371.0088


class EmptyGeometryError(GeodataError, ValueError):
    """A geometry needed for a geodesic computation is empty (no coordinates)."""


class InvalidGeometryError(GeodataError, ValueError):
    """A geometry has non-finite coordinates or latitudes outside [-90, 90]."""


def _check_geometry(geom: Any, name: str = "geometry") -> BaseGeometry:
    if not isinstance(geom, BaseGeometry):
        raise TypeError(f"{name} must be a shapely geometry, got {type(geom).__name__}")
    if geom.is_empty:
        raise EmptyGeometryError(f"{name} is empty ({geom.geom_type} with no coordinates)")
    xy = shapely.get_coordinates(geom)
    if not np.all(np.isfinite(xy)):
        raise InvalidGeometryError(f"{name} has non-finite coordinates")
    if np.any(np.abs(xy[:, 1]) > 90.0):
        raise InvalidGeometryError(
            f"{name} has latitudes outside [-90, 90]; coordinates must be (lon, lat) in EPSG:4326"
        )
    return geom


def _line_parts(line: Any, name: str = "line") -> list[np.ndarray]:
    """The (n, 2) lon/lat coordinate arrays of each part of a (Multi)LineString / LinearRing."""
    _check_geometry(line, name)
    if isinstance(line, LineString | LinearRing):
        parts = [line]
    elif isinstance(line, MultiLineString):
        parts = [g for g in line.geoms if not g.is_empty]
    else:
        hint = " (use distance_to_polygon_km)" if isinstance(line, Polygon | MultiPolygon) else ""
        raise TypeError(
            f"{name} must be a LineString or MultiLineString, got {line.geom_type}{hint}"
        )
    return [shapely.get_coordinates(p) for p in parts]


def _query_arrays(lat: Any, lon: Any) -> tuple[np.ndarray, np.ndarray, tuple[int, ...], np.ndarray]:
    """Broadcast lat/lon to flat float arrays; return them, the output shape and the mask of valid entries."""
    la, lo = np.broadcast_arrays(
        np.atleast_1d(np.asarray(lat, dtype=float)), np.atleast_1d(np.asarray(lon, dtype=float))
    )
    shape = la.shape
    la = la.ravel()
    lo = lo.ravel()
    valid = np.isfinite(la) & np.isfinite(lo)
    if np.any(np.abs(la[valid]) > 90.0):
        raise ValueError("lat must be within [-90, 90] (did you swap lat and lon?)")
    return la, lo, shape, valid


def _positive(value: float, name: str) -> float:
    value = float(value)
    if not math.isfinite(value) or value <= 0.0:
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return value


def _densify_xy(xy: np.ndarray, max_m: float) -> np.ndarray:
    """Insert points along the geodesics between consecutive (lon, lat) rows so no step exceeds ``max_m``."""
    return _densify_parts([xy], max_m)[0]


def _densify_parts(parts: list[np.ndarray], max_m: float) -> list[np.ndarray]:
    """``_densify_xy`` of each of ``parts`` (rings, lines), with one ``Geod.inv`` and one ``Geod.fwd`` call for all
    of them: pyproj's per-call cost, not the arithmetic, dominated a polygon of 200 rings. The computation is
    elementwise, so every part comes out exactly as it would on its own."""
    long = [i for i, xy in enumerate(parts) if len(xy) >= 2]
    out = [xy.copy() for xy in parts]
    if not long:
        return out
    xs = [parts[i] for i in long]
    a = np.vstack([xy[:-1] for xy in xs])
    b = np.vstack([xy[1:] for xy in xs])
    lon, lat = a[:, 0], a[:, 1]
    azi, _, dist = GEOD.inv(lon, lat, b[:, 0], b[:, 1])
    azi = np.asarray(azi)
    dist = np.asarray(dist)
    k = np.maximum(np.ceil(dist / max_m).astype(np.int64), 1)  # sub-segments per segment
    seg = np.repeat(np.arange(len(k)), k)
    j = np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k)  # 0..k-1 within each segment
    out_lon, out_lat, _ = GEOD.fwd(lon[seg], lat[seg], azi[seg], dist[seg] * (j / k[seg]))
    # keep longitudes continuous with each segment's start (Geod.fwd wraps them to [-180, 180])
    out_lon = lon[seg] + (np.asarray(out_lon) - lon[seg] + 180.0) % 360.0 - 180.0
    dense = np.column_stack([out_lon, np.asarray(out_lat)])
    first = j == 0
    dense[first] = a[seg[first]]  # original vertices exactly
    # split back: part p owns segments [s0, s1) and so rows [cum_k[s0], cum_k[s1]) of ``dense``
    seg_ends = np.cumsum([len(xy) - 1 for xy in xs])
    row_ends = np.concatenate([[0], np.cumsum(k)])[np.concatenate([[0], seg_ends])]
    for n, i in enumerate(long):
        out[i] = np.vstack([dense[row_ends[n] : row_ends[n + 1]], parts[i][-1:]])
    return out

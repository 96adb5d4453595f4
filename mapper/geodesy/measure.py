"""Geodesic measures on WGS84: point-to-point distances, lengths of lines and areas of polygons.

Segments and polygon edges are geodesics (``pyproj.Geod``); lengths in km, areas in km² (each polygon oriented
first, so ring orientation never matters and parts never cancel).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from mapper.geodesy.base import GEOD, _check_geometry, _line_parts

__all__ = ["geodesic_area_km2", "geodesic_length_km", "point_distance_km"]


def point_distance_km(*, lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> np.ndarray:
    """Geodesic distance in km between (lat1, lon1) and (lat2, lon2); vectorised, broadcasting, NaN → NaN."""
    arrs = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(a, dtype=float)) for a in (lat1, lon1, lat2, lon2))
    )
    la1, lo1, la2, lo2 = (a.ravel() for a in arrs)
    valid = np.isfinite(la1) & np.isfinite(lo1) & np.isfinite(la2) & np.isfinite(lo2)
    if np.any(np.abs(la1[valid]) > 90.0) or np.any(np.abs(la2[valid]) > 90.0):
        raise ValueError("latitudes must be within [-90, 90] (did you swap lat and lon?)")
    out = np.full(la1.shape, np.nan)
    if valid.any():
        _, _, d = GEOD.inv(lo1[valid], la1[valid], lo2[valid], la2[valid])
        out[valid] = np.asarray(d) / 1000.0
    return out.reshape(arrs[0].shape)


def geodesic_length_km(geom: Any) -> float:
    """Geodesic length in km of a (Multi)LineString / LinearRing (segments are geodesics); 0.0 if empty."""
    if isinstance(geom, BaseGeometry) and geom.is_empty:
        return 0.0
    parts = _line_parts(geom, "geometry")
    return sum(float(GEOD.line_length(xy[:, 0], xy[:, 1])) for xy in parts) / 1000.0


def geodesic_area_km2(geom: Any) -> float:
    """Geodesic area in km² of a (Multi)Polygon on the WGS84 ellipsoid (edges are geodesics; holes subtracted).

    Each polygon is oriented first, so the result does not depend on ring orientation and parts never cancel.
    An empty geometry has area 0.0; a GeometryCollection (as intersections may return) counts its polygons.
    """
    if isinstance(geom, BaseGeometry) and geom.is_empty:
        return 0.0
    _check_geometry(geom, "geometry")
    if not isinstance(geom, Polygon | MultiPolygon) and geom.geom_type != "GeometryCollection":
        raise TypeError(f"geodesic_area_km2 needs a Polygon or MultiPolygon, got {geom.geom_type}")
    polys = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon) and not p.is_empty]
    if geom.geom_type == "GeometryCollection":  # nested collections / multipolygons
        polys = [
            q
            for p in shapely.get_parts(geom)
            for q in shapely.get_parts(p)
            if isinstance(q, Polygon) and not q.is_empty
        ]
    total = sum(GEOD.geometry_area_perimeter(orient(p, 1.0))[0] for p in polys)
    return abs(float(total)) / 1e6

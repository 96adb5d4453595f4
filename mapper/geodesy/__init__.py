"""Geodesic distances, paths, circles, buffers and distance bands on the WGS84 ellipsoid.

A pure package: no folium, no geopandas, and no I/O but one read: ``polygonproduct`` takes the ``Geod`` work of
preparing the bundled polygons (occupied areas, Russia, Belarus, NATO) for ``distance_to_polygon_km`` from a prepared
product (``mapper.prepared``) when current, bit for bit what it would compute. Geometries are shapely objects in EPSG:4326 with coordinates in
shapely order ``(lon, lat)``; functions that take separate coordinate arrays name them ``lat=``/``lon=`` as
keyword-only arguments, so nobody swaps them. Every distance is in kilometres, every area in km². A segment
between two vertices of a line always means the geodesic between them (``shapes`` explains how and why).

The package: ``base`` (the one ellipsoid ``GEOD``, the errors, input checks, geodesic densification of vertex
arrays), ``distance`` (point ↔ line / polygon distances with the nearest point, and the method and measured
accuracy behind them), ``shapes`` (densified lines, geodesic paths, circles, buffers, distance bands) and
``measure`` (point-to-point distances, lengths, areas), ``polygonproduct`` (the prepared polygons). This module re-exports their public names, so
``from mapper import geodesy`` is all a caller needs.

*Why not degrees or Web Mercator*: at Ukraine's latitudes a degree of longitude is only ~0.64 of a degree of
latitude and Mercator's scale factor is 1.39..1.62 (1.31..1.89 over the whole theatre), so planar distances there
are off by tens of percent (the tests show both failing the tolerance for nearly every point).

Conventions and edge cases
--------------------------
* Scalars and arrays: ``lat``/``lon`` are broadcast together; results are float64 arrays of the broadcast shape,
  at least 1-D (a scalar query returns arrays of shape ``(1,)``).
* NaN or infinite query coordinates give NaN in the outputs for those entries (the others are computed);
  a finite latitude outside [-90, 90] raises ``ValueError``.
* Empty geometries, and geometries with non-finite or out-of-range coordinates, raise :class:`EmptyGeometryError`
  / :class:`InvalidGeometryError`, both subclasses of :class:`mapper.errors.GeodataError` *and* of ``ValueError``
  (they usually come from a geodata or front-line file, so the CLI reports them cleanly). A geometry of the wrong
  kind (a polygon where a line is expected) raises ``TypeError``; bad numeric arguments raise ``ValueError``.
* Deterministic: no randomness, ties go to the first segment in line order.
* Not supported: geometries crossing the antimeridian or enclosing a pole (irrelevant for the theatre).
"""

from __future__ import annotations

from mapper.geodesy.base import GEOD as GEOD
from mapper.geodesy.base import EmptyGeometryError, InvalidGeometryError
from mapper.geodesy.distance import DistanceResult, distance_to_line_km, distance_to_polygon_km
from mapper.geodesy.distance import _prepare_line as _prepare_line  # used by bench/bench_geodesy.py
from mapper.geodesy.measure import geodesic_area_km2, geodesic_length_km, point_distance_km
from mapper.geodesy.shapes import (
    densify,
    distance_bands,
    geodesic_buffer,
    geodesic_circle,
    geodesic_path,
)

__all__ = [
    "DistanceResult",
    "EmptyGeometryError",
    "InvalidGeometryError",
    "densify",
    "distance_bands",
    "distance_to_line_km",
    "distance_to_polygon_km",
    "geodesic_area_km2",
    "geodesic_buffer",
    "geodesic_circle",
    "geodesic_length_km",
    "geodesic_path",
    "point_distance_km",
]

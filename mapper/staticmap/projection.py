"""The static map's projection and extent: Lambert azimuthal equal-area (WGS84) centred on what the map shows.

LAEA keeps areas (bands, the occupied area, zones) in true proportion and does not stretch shapes as raw
longitude/latitude would; its scale is 1 in every direction at the centre, where the scale bar is measured.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from mapper.scenario import THEATRE

if TYPE_CHECKING:  # pragma: no cover
    from shapely.geometry.base import BaseGeometry

    from mapper.pipeline import Prepared
    from mapper.scenario import Scenario

__all__ = [
    "UKRAINE_BOUNDS",
    "map_extent",
    "own_extent",
    "project",
    "projection",
    "scale_factor",
    "transformers",
]

UKRAINE_BOUNDS = (22.1, 44.35, 40.25, 52.4)  # lon/lat, always in view: the map is about Ukraine


def projection(lat0: float, lon0: float) -> str:
    """The PROJ string of the map projection: LAEA on WGS84 centred at (lat0, lon0)."""
    return f"+proj=laea +lat_0={lat0:g} +lon_0={lon0:g} +datum=WGS84 +units=m +no_defs"


@lru_cache(maxsize=16)
def transformers(lat0: float, lon0: float) -> tuple[Any, Any]:
    """``(forward, inverse)`` pyproj transformers between lon/lat and the map projection (cached per centre)."""
    from pyproj import Transformer

    fwd = Transformer.from_crs("EPSG:4326", projection(lat0, lon0), always_xy=True)
    inv = Transformer.from_crs(projection(lat0, lon0), "EPSG:4326", always_xy=True)
    return fwd, inv


def project(geom: Any, lat0: float, lon0: float) -> Any:
    """Project a geometry (or an array of them) from lon/lat to the map projection."""
    fwd, _ = transformers(lat0, lon0)

    def tr(xy: np.ndarray) -> np.ndarray:
        x, y = fwd.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, tr)


def scenario_geometries(prepared: Prepared) -> list[BaseGeometry]:
    """The front line and every geometry the analysed options draw (sites, rings, lines, areas, zones)."""
    geoms: list[BaseGeometry] = [prepared.scenario.front.line]
    for of in prepared.features.options:
        geoms += of.geometries()
    own = own_extent(prepared.scenario)
    if own is not None:
        geoms.append(own)
    return geoms


def own_extent(scenario: Scenario) -> BaseGeometry | None:
    """The box around the scenario's overlays and annotations (their bounds only, however many features),
    within the theatre (a stray point far away does not shrink the map to a dot), densified so that its
    projected outline bounds it; ``None`` without any."""
    parts = [f.geometry for o in scenario.overlays for f in o.features]
    parts += [a.geometry for a in scenario.annotations]
    if not parts:
        return None
    t = THEATRE
    box = shapely.box(*shapely.total_bounds(parts)) & shapely.box(
        t["lon_min"], t["lat_min"], t["lon_max"], t["lat_max"]
    )
    return None if box.is_empty else shapely.segmentize(box, 0.5)


def map_extent(
    prepared: Prepared, aspect: float
) -> tuple[float, float, tuple[float, float, float, float]]:
    """``(lat0, lon0, (xmin, xmax, ymin, ymax))``: the projection centre and the extent in projected metres of a
    map with this width/height ``aspect`` showing all of Ukraine and everything the scenario places."""
    geoms = [shapely.box(*UKRAINE_BOUNDS), *scenario_geometries(prepared)]
    lon_min, lat_min, lon_max, lat_max = shapely.total_bounds(geoms)
    # rounded to 0.5°, so small changes to a scenario do not shift the whole basemap
    lat0 = round((lat_min + lat_max) / 2 * 2) / 2
    lon0 = round((lon_min + lon_max) / 2 * 2) / 2
    projected = project(np.array(geoms, dtype=object), lat0, lon0)
    xmin, ymin, xmax, ymax = shapely.total_bounds(projected)
    w, h = xmax - xmin, ymax - ymin
    pad = 0.04 * max(w, h)
    xmin, xmax, ymin, ymax = xmin - pad, xmax + pad, ymin - pad, ymax + pad
    w, h = xmax - xmin, ymax - ymin
    if w / h < aspect:  # widen
        grow = (h * aspect - w) / 2
        xmin, xmax = xmin - grow, xmax + grow
    else:  # heighten
        grow = (w / aspect - h) / 2
        ymin, ymax = ymin - grow, ymax + grow
    return lat0, lon0, (xmin, xmax, ymin, ymax)


def scale_factor(lat0: float, lon0: float) -> float:
    """Metres on the map per geodesic metre at the map centre (1 for LAEA at its centre; measured, not assumed)."""
    from pyproj import Geod

    _, inv = transformers(lat0, lon0)
    d = 50_000.0
    lon1, lat1 = inv.transform(-d / 2, 0.0)
    lon2, lat2 = inv.transform(d / 2, 0.0)
    _, _, dist = Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)
    return d / dist

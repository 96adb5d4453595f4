"""Population covered by the forces' rings (``range_km``): per force and for their union, by country.

Counted on the GeoNames places of ``geodata/places.csv`` (each place's population at its point), only in the
scenario's coverage countries (a ring from Romania does not count Istanbul), each place once in the union. Every
distance is geodesic (``mapper.geodesy``); the degree box around a ring is only a generous prefilter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from mapper.scenario import Force

__all__ = ["Coverage", "place_arrays", "population_coverage"]


@dataclass(frozen=True)
class Coverage:
    """Population inside each force's ring and inside their union, counted only in the coverage countries."""

    per_force: list[int | None]
    per_force_by_country: list[dict[str, int] | None]
    total: int = 0
    total_by_country: dict[str, int] = field(default_factory=dict)


def population_coverage(forces: tuple[Force, ...], countries: tuple[str, ...]) -> Coverage:
    """Population of GeoNames places within each force's range_km, and of their union (no double counting),
    counted only for places in ``countries`` (ISO-2): a ring from Romania does not count Istanbul."""
    from mapper import geodesy

    empty = {cc: 0 for cc in countries}
    if not any(f.range_km for f in forces):
        return Coverage([None] * len(forces), [None] * len(forces), 0, empty)
    plat, plon, pop, pcc = place_arrays(tuple(countries))
    covered_any = np.zeros(len(plat), dtype=bool)
    per_force: list[int | None] = []
    by_country: list[dict[str, int] | None] = []
    rings = [f for f in forces if f.range_km]
    # cheap prefilter in degrees (generous) per ring, then the exact geodesic distances of every (ring, place)
    # pair in one call: each pair's distance is computed alone, so the floats are those of one call per ring
    nears = [_near_places(f, plat, plon) for f in rings]
    pairs = np.concatenate([np.full(len(n), k) for k, n in enumerate(nears)]).astype(int)
    places = np.concatenate(nears).astype(int)
    flat = np.array([f.location.lat for f in rings])[pairs]
    flon = np.array([f.location.lon for f in rings])[pairs]
    d = geodesy.point_distance_km(lat1=flat, lon1=flon, lat2=plat[places], lon2=plon[places])
    ends = np.cumsum([len(n) for n in nears])
    k = 0
    for f in forces:
        if not f.range_km:
            per_force.append(None)
            by_country.append(None)
            continue
        start, end = (ends[k - 1] if k else 0), ends[k]
        k += 1
        inside = places[start:end][d[start:end] <= f.range_km]
        covered_any[inside] = True
        per_force.append(int(pop[inside].sum()))
        by_country.append(_by_country(inside, pop, pcc, countries))
    union = np.flatnonzero(covered_any)
    return Coverage(
        per_force, by_country, int(pop[union].sum()), _by_country(union, pop, pcc, countries)
    )


def _near_places(f: Force, plat: np.ndarray, plon: np.ndarray) -> np.ndarray:
    """Indices of the places within a generous box (degrees) around a force's ring."""
    assert f.range_km is not None
    dlat = f.range_km / 110.0 + 0.1
    dlon = dlat / max(math.cos(math.radians(abs(f.location.lat) + dlat)), 0.05)
    return np.flatnonzero(
        (np.abs(plat - f.location.lat) <= dlat) & (np.abs(plon - f.location.lon) <= dlon)
    )


def _by_country(
    idx: np.ndarray, pop: np.ndarray, cc: np.ndarray, countries: tuple[str, ...]
) -> dict[str, int]:
    return {c: int(pop[idx][cc[idx] == c].sum()) for c in countries}


@lru_cache(maxsize=8)
def place_arrays(
    countries: tuple[str, ...],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Latitude, longitude, population and ISO-2 country of the places in ``countries``."""
    from mapper import geodata

    cols = geodata.table("places").columns
    cc = np.asarray(cols["country"], dtype=object).astype(str)
    keep = np.isin(cc, list(countries))
    return (
        np.asarray(cols["lat"], dtype=float)[keep],
        np.asarray(cols["lon"], dtype=float)[keep],
        np.asarray(cols["population"], dtype=np.int64)[keep],
        cc[keep],
    )

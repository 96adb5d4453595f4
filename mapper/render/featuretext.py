"""Geometries as the GeoJSON Feature texts the map pages embed: simplified for display (topology-preserving),
rounded to what a screen can show, empty ones dropped; properties escaped with ``mapper.render.safety``.

Every layer of ``mapper.render`` writes its vector data through ``features``; the large situation geometries,
the same in every render, are simplified once per process (``_geometry_texts``), and those of the bundled
examples (their bands and hostile ground) once at build time: the prepared product ``feature_texts``
(``mapper.prepared``), entries named by the sha256 of the geometry's WKB and the tolerance (``text_entry``), each
checked to be an inert GeoJSON geometry text before use (``_checked_text``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from mapper.render.safety import safe_json

__all__ = ["DECIMALS", "feature", "features", "text_entry"]

# Display precision: 4 decimals is ~10 m, far below a screen pixel at the zooms this map is for.
DECIMALS = 4


def _round_coords(coords: np.ndarray) -> np.ndarray:
    return np.round(coords, DECIMALS)


def features(
    geoms: Sequence[BaseGeometry | None], props: Sequence[dict[str, Any]], tolerance: float = 0.0
) -> list[str]:
    """GeoJSON Feature texts for display: simplified (topology-preserving), rounded, empty ones dropped.

    Vectorised over all geometries at once (shapely), because the basemap alone has hundreds of features.
    """
    arr = np.array(list(geoms), dtype=object)
    if not len(arr):
        return []
    keep = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    arr = arr[keep]
    props = [p for p, k in zip(props, keep, strict=True) if k]
    texts = _geometry_texts(arr, tolerance)
    return [
        '{"type":"Feature","geometry":' + g + ',"properties":' + safe_json(p) + "}"
        for g, p in zip(texts, props, strict=True)
    ]


# The large situation geometries (occupied area, bands, hostile ground) are the same in every render of a
# scenario and in most scenarios; simplifying them was a third of a warm render (mapper serve re-renders on each
# save). Keyed by the geometry's bytes, so a changed geometry never finds an old text.
_TEXTS: dict[tuple[str, float], str] = {}
_TEXTS_MAX = 64
_CACHE_MIN_COORDS = 2_000
# A prepared text goes into the page's script verbatim: it must be exactly what ``_simplified_texts`` writes for
# one geometry, coordinates of digits, signs, points, commas and brackets only (no identifier, no call, no quote)
_GEOMETRY_TEXT = re.compile(
    r'\{"type":"(?:Multi)?(?:Polygon|LineString)","coordinates":[-\[\]0-9.,e]+\}'
)
_TEXT_MAX_CHARS = 4 * 1024 * 1024


def text_entry(wkb: bytes, tolerance: float) -> str:
    """The ``feature_texts`` entry name of a geometry's simplified text: its WKB's sha256 and the tolerance."""
    from mapper import prepared

    return f"{prepared.digest(wkb)}@{float(tolerance)!r}"


def _checked_text(raw: object) -> str:
    if not (isinstance(raw, str) and len(raw) <= _TEXT_MAX_CHARS and _GEOMETRY_TEXT.fullmatch(raw)):
        raise ValueError("not a geometry text as featuretext writes it")
    return raw


def _geometry_texts(arr: np.ndarray, tolerance: float) -> list[str]:
    """The GeoJSON geometry texts of ``arr``, simplified by ``tolerance`` and rounded."""
    if len(arr) == 1 and tolerance and shapely.get_num_coordinates(arr[0]) >= _CACHE_MIN_COORDS:
        key = (text_entry(shapely.to_wkb(arr[0]), tolerance), tolerance)
        text = _TEXTS.get(key)
        if text is None:
            text = _prepared_text(key[0]) or _computed(arr, tolerance)
            if len(_TEXTS) >= _TEXTS_MAX:
                _TEXTS.pop(next(iter(_TEXTS)))
            _TEXTS[key] = text
        return [text]
    return _simplified_texts(arr, tolerance)


def _prepared_text(entry: str) -> str | None:
    from mapper import prepared

    return prepared.lookup("feature_texts", entry, _checked_text)


def _one_text(arr: np.ndarray, tolerance: float) -> str:
    return _simplified_texts(arr, tolerance)[0]


#: how a text missing from the product is computed (``scripts/build_prepared.py`` records through it)
_computed: Callable[[np.ndarray, float], str] = _one_text


def _simplified_texts(arr: np.ndarray, tolerance: float) -> list[str]:
    if tolerance:
        arr = shapely.simplify(arr, tolerance, preserve_topology=True)
    arr = shapely.transform(arr, _round_coords)
    return list(shapely.to_geojson(arr))


def feature(geom: BaseGeometry | None, tolerance: float = 0.0, **props: Any) -> list[str]:
    """One feature (a list of zero or one feature texts, to concatenate)."""
    return features([geom], [props], tolerance)

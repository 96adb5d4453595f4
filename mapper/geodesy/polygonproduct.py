"""The prepared product ``polygons`` (``mapper.prepared``): the ``Geod`` work of preparing a polygon for
``distance_to_polygon_km``, done at build time for the polygons every scenario of the bundled data measures against.

Preparing a polygon (``distance._prepare_polygon_cached``) densifies it to 5 km for the inside test, densifies its
boundary to 2 km and takes each 2 km segment's azimuth and length: three ``Geod`` passes over every vertex, ~0.1 s
for NATO's territory and ~0.15 s for the four polygons of an example (the occupied area, Russia, Belarus, NATO),
the same for every scenario. The rest (Earth-centred coordinates, the blocks' bounding spheres) is numpy and cheap.
An entry, named by the sha256 of the polygon's WKB (``prepared.digest``), keeps what ``Geod`` computed:

* ``dense``: the polygon densified to 5 km (WKB in base64, ``prepared.geometry_text``);
* ``sizes`` and ``points``: the boundary's parts densified to 2 km (their lengths; every part's ``(lon, lat)``
  float64 rows, one after another, as raw bytes in base64);
* ``azi`` and ``length``: each (padded) segment's azimuth and length in metres (float64, raw bytes in base64).

Every float is kept bit for bit, so the prepared line is the one computed live and every distance is identical
(``tests/test_prepared.py`` compares them array by array). ``decode`` checks kinds, sizes and finiteness; anything
else (a missing or stale product, an unknown polygon) is computed live. This is the one place ``geodesy`` reads a
file (``mapper.prepared``); ``MAPPER_NO_PREPARED=1`` turns it off with the other products.
"""

from __future__ import annotations

import base64
import itertools
from typing import Any

import numpy as np

from mapper.geodesy import distance

__all__ = ["PRODUCT", "decode", "encode", "lookup"]

PRODUCT = "polygons"
_KEYS = frozenset({"dense", "sizes", "points", "azi", "length"})

Found = tuple[Any, list[np.ndarray], tuple[np.ndarray, np.ndarray]]


def _floats(text: Any, count: int) -> np.ndarray:
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    raw = base64.b64decode(text, validate=True)
    if len(raw) != 8 * count:
        raise ValueError(f"{len(raw)} bytes, expected {8 * count}")
    values = np.frombuffer(raw, dtype="<f8").astype(np.float64)  # a fresh, aligned, native array
    if not np.isfinite(values).all():
        raise ValueError("non-finite values")
    return values


def _text(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f8").tobytes()).decode("ascii")


def encode(poly: Any) -> dict[str, Any]:
    """The entry of ``poly`` (build time: ``scripts/build_prepared.py``), computed as ``distance`` does live."""
    from mapper import prepared

    dense, parts, _ = distance._polygon_parts(poly)
    azi, length = distance._geodesics(*distance._segments(parts))
    return {
        "dense": prepared.geometry_text(dense),
        "sizes": [len(p) for p in parts],
        "points": _text(np.concatenate(parts)),
        "azi": _text(azi),
        "length": _text(length),
    }


def decode(value: Any) -> Found:
    """``(dense polygon, boundary parts, (azimuths, lengths))`` of an entry; ``ValueError`` if malformed."""
    from mapper import prepared

    if not isinstance(value, dict) or set(value) != _KEYS:
        raise ValueError("not a polygon entry")
    sizes = value["sizes"]
    if not (isinstance(sizes, list) and sizes and all(type(n) is int and n > 0 for n in sizes)):
        raise ValueError("sizes must be positive integers")
    points = _floats(value["points"], 2 * sum(sizes)).reshape(-1, 2)
    if (np.abs(points[:, 1]) > 90.0).any():
        raise ValueError("latitude out of range")
    parts = [points[i:j] for i, j in itertools.pairwise(np.cumsum([0, *sizes]).tolist())]
    segments = sum(max(n - 1, 1) for n in sizes)
    segments += (-segments) % distance._BLOCK  # padded as distance._segments pads
    dense = prepared.geometry_from_text(value["dense"])
    return dense, parts, (_floats(value["azi"], segments), _floats(value["length"], segments))


def lookup(wkb: bytes) -> Found | None:
    """The prepared entry of the polygon with this WKB, or ``None`` (compute it live)."""
    from mapper import prepared

    return prepared.lookup(PRODUCT, prepared.digest(wkb), decode)

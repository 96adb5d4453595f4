"""What ``mapper export`` writes for users' overlays and annotations (``mapper.overlays``): one layer per overlay
and one ``annotations`` layer, each as an ``ExportLayer`` (its name, geometry type, fields and features).

Unlike the fixed layers of ``features.FIELDS``, an overlay's fields depend on its attributes: ``layer``,
``overlay`` (the layer's name as written), ``name``, ``source``, ``keypath``, then one text field per attribute
(names made safe for every format: letters, digits and ``_``; a clash with the fixed fields or another attribute
gets a suffix). Every attribute stays text, as read. Layer names are ``overlay_<name>`` (letters, digits, ``_``,
unique). Annotations: labels as points and arrows as lines (to the tip), with their text, colour and size.
Geometries are 2-D, rounded to ``features.DECIMALS`` and polygons wound counter-clockwise, as the other layers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from mapper.export.features import DECIMALS, LAYERS, ExportFeature
from mapper.overlays import Annotation, Overlay

if TYPE_CHECKING:  # pragma: no cover
    from mapper.scenario import Scenario

__all__ = [
    "ANNOTATIONS_LAYER",
    "ANNOTATION_FIELDS",
    "ExportLayer",
    "overlay_layers",
    "scenario_layers",
]

ANNOTATIONS_LAYER = "annotations"
ANNOTATION_FIELDS: tuple[tuple[str, str], ...] = (
    ("layer", "str"),
    ("kind", "str"),
    ("text", "str"),
    ("colour", "str"),
    ("size", "float"),
    ("keypath", "str"),
)
_FIXED = ("layer", "overlay", "name", "source", "keypath")
_GPKG_TYPES = {"points": "Point", "lines": "MultiLineString", "polygons": "MultiPolygon"}
MAX_NAME = 60


@dataclass(frozen=True)
class ExportLayer:
    """One exported layer: ``name`` in the file, ``title`` as the user wrote it, the GeoPackage geometry type
    (``Unknown`` for a layer of mixed geometries), ``fields`` as ``(field, type)`` pairs in order (type ``str`` or
    ``float``) and the features, whose properties hold exactly those fields."""

    name: str
    title: str
    geometry_type: str
    fields: tuple[tuple[str, str], ...]
    features: tuple[ExportFeature, ...]


def _clean(geom: BaseGeometry) -> BaseGeometry:
    geom = shapely.force_2d(geom)
    geom = shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))
    if geom.geom_type in ("Polygon", "MultiPolygon", "GeometryCollection"):
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    return geom


def safe_name(text: str, fallback: str) -> str:
    """``text`` as a field or layer name every format takes: ASCII letters, digits and ``_``, at most
    ``MAX_NAME`` characters, not starting with a digit; ``fallback`` if nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    s = re.sub(r"[^A-Za-z0-9_]+", "_", ascii_text).strip("_").lower()[:MAX_NAME]
    if not s:
        s = fallback
    return "_" + s if s[0].isdigit() else s


def _unique(name: str, taken: set[str]) -> str:
    out, k = name, 2
    while out in taken:
        out = f"{name[: MAX_NAME - 4]}_{k}"
        k += 1
    taken.add(out)
    return out


def _attribute_fields(overlay: Overlay) -> dict[str, str]:
    """Each attribute name (first seen first) → its field name."""
    taken = set(_FIXED)
    out: dict[str, str] = {}
    for f in overlay.features:
        for key in f.attributes:
            if key not in out:
                out[key] = _unique(safe_name(key, "attribute"), taken)
    return out


def _geometry_type(overlay: Overlay) -> str:
    return _GPKG_TYPES.get(overlay.kind, "Unknown")


def _overlay_layer(overlay: Overlay, layer: str) -> ExportLayer:
    columns = _attribute_fields(overlay)
    fields = tuple((k, "str") for k in _FIXED) + tuple((v, "str") for v in columns.values())
    feats = []
    for f in overlay.features:
        props: dict[str, str | None] = {
            "layer": layer,
            "overlay": overlay.name,
            "name": f.name or None,
            "source": overlay.source,
            "keypath": overlay.keypath,
        }
        props.update({field: f.attributes.get(key) for key, field in columns.items()})
        if not f.geometry.is_empty:
            feats.append(ExportFeature(layer, None, _clean(f.geometry), props))
    return ExportLayer(layer, overlay.name, _geometry_type(overlay), fields, tuple(feats))


def _annotation_layer(annotations: Sequence[Annotation]) -> ExportLayer:
    feats = []
    for a in annotations:
        props = {
            "layer": ANNOTATIONS_LAYER,
            "kind": a.kind,
            "text": a.text or None,
            "colour": a.colour,
            "size": float(a.size),
            "keypath": a.keypath,
        }
        feats.append(ExportFeature(ANNOTATIONS_LAYER, None, _clean(a.geometry), props))
    kinds = {a.kind for a in annotations}
    gtype = "Point" if kinds == {"label"} else "LineString" if kinds == {"arrow"} else "Unknown"
    return ExportLayer(ANNOTATIONS_LAYER, "Annotations", gtype, ANNOTATION_FIELDS, tuple(feats))


def overlay_layers(
    overlays: Sequence[Overlay],
    annotations: Sequence[Annotation] = (),
    *,
    taken: Sequence[str] = (),
) -> list[ExportLayer]:
    """The export layers of a scenario's overlays (in order) and, when there are any, its annotations. Layer
    names avoid ``taken`` (the fixed layers, ``features.LAYERS``) and each other."""
    names = set(taken) | {ANNOTATIONS_LAYER}
    out = [
        _overlay_layer(o, _unique("overlay_" + safe_name(o.name, "layer"), names)) for o in overlays
    ]
    if annotations:
        out.append(_annotation_layer(annotations))
    return out


def scenario_layers(scenario: Scenario) -> list[ExportLayer]:
    """What every export writes after the fixed layers (``features.LAYERS``): one layer per overlay of the
    scenario and its annotations; none for a scenario without them (its export is as before)."""
    if not scenario.overlays and not scenario.annotations:
        return []
    return overlay_layers(scenario.overlays, scenario.annotations, taken=LAYERS)

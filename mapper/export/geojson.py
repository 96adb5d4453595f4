"""GeoJSON export (RFC 7946): one ``FeatureCollection`` of every exported feature, written by mapper itself.

Every feature has a ``layer`` property (the fixed layers, then one per overlay and ``annotations``, listed in
``mapper.layers``) and a ``name``; polygons are wound counter-clockwise; the document is
serialised here with ``json`` (not GDAL) so the bytes are deterministic (no timestamp, one feature per line).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from mapper.export.features import LAYERS, export_features
from mapper.export.overlays import scenario_layers
from mapper.textsafe import json_text

if TYPE_CHECKING:  # pragma: no cover
    from mapper.pipeline import Prepared

__all__ = ["to_geojson"]


def _json_geometry(geom: BaseGeometry) -> dict[str, Any]:
    return json.loads(json.dumps(mapping(geom)))  # tuples → lists, for a stable dump


def to_geojson(prepared: Prepared) -> bytes:
    """One RFC 7946 ``FeatureCollection`` (UTF-8 bytes, deterministic): every feature has ``layer`` and ``name``.

    A foreign member ``mapper`` records the scenario and front line the features come from (no timestamp)."""
    from mapper import __version__

    scenario = prepared.scenario
    own = scenario_layers(scenario)
    features = [
        {"type": "Feature", "properties": f.properties, "geometry": _json_geometry(f.geometry)}
        for f in [*export_features(prepared), *(f for layer in own for f in layer.features)]
    ]
    front = scenario.front
    doc = {
        "type": "FeatureCollection",
        "name": scenario.id,
        "mapper": {
            "format": "mapper-export/1",
            "generator": f"mapper {__version__}",
            "scenario": {
                "id": scenario.id,
                "title": scenario.title,
                "date": scenario.date.isoformat(),
            },
            "front_line": {"date": front.date, "source": front.source, "accuracy": front.accuracy},
            "layers": [*LAYERS, *(layer.name for layer in own)],
        },
        "features": features,
    }
    # C1, bidi controls and lone surrogates as \u escapes: the same JSON, always valid UTF-8
    text = json_text(json.dumps(doc, ensure_ascii=False, allow_nan=False, separators=(",", ":")))
    # one feature per line: diff-friendly, still compact
    text = text.replace(',{"type":"Feature",', ',\n{"type":"Feature",').replace(
        '"features":[{"type":"Feature",', '"features":[\n{"type":"Feature",'
    )
    return (text + "\n").encode("utf-8")

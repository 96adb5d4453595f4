"""The basemap's vector data as the HTML map embeds it: countries (NATO members, others, Ukraine), oblast
outlines, rivers and lakes as simplified, rounded GeoJSON feature texts (``layers.features``).

They do not depend on the scenario, so ``scripts/build_prepared.py`` computes them once into the prepared products
(``mapper.prepared``, product ``basemap``); a prepared text is used only if it is a GeoJSON feature without any
character an HTML parser, Jinja or a JS template literal would act on (``_checked_basemap``), since it goes into
the page verbatim.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np
import shapely

from mapper.render.layers import BASEMAP_TOLERANCE, OVERLAY_TOLERANCE, features
from mapper.render.safety import safe_text

__all__ = ["BASEMAP_KEYS", "basemap_features"]


def _name(value: Any) -> str:
    return safe_text(value) if isinstance(value, str) else ""


BASEMAP_KEYS = ("nato", "other", "ukraine", "regions", "rivers", "lakes")
# A basemap feature text goes into the page's script verbatim, so a prepared one must be exactly the shape
# ``layers.features`` writes: coordinates of digits, signs, points, commas and brackets only (no identifier, no
# call), and a name as ``safe_json`` writes it (no quote, backslash, angle bracket, backtick or dollar unescaped).
# A regex over the text, because decoding ~750 features to check them cost more than computing them.
_FEATURE = re.compile(
    r'\{"type":"Feature","geometry":\{"type":"(?:Multi)?(?:Polygon|LineString)",'
    r'"coordinates":[-\[\]0-9.,e]+\},"properties":\{'
    r'(?:"name":"(?:[^"\\<>`$\x00-\x1f\u2028\u2029]|\\u[0-9a-fA-F]{4}|\\[\\"/bfnrt])*")?\}\}'
)


def _checked_basemap(raw: Any) -> dict[str, list[str]]:
    if not (isinstance(raw, dict) and sorted(raw) == sorted(BASEMAP_KEYS)):
        raise ValueError("not the basemap layers")
    for texts in raw.values():
        if not isinstance(texts, list) or not all(
            isinstance(t, str) and _FEATURE.fullmatch(t) for t in texts
        ):
            raise ValueError("not basemap feature texts as layers.features writes them")
    return raw


@lru_cache(maxsize=1)
def basemap_features() -> dict[str, list[str]]:
    """Simplified, rounded basemap features, computed once (they do not depend on the scenario): at build time
    into the prepared products (``mapper.prepared``), else here."""
    from mapper import geodata, prepared

    found = prepared.lookup("basemap", "features", _checked_basemap)
    if found is not None:
        return found
    c = geodata.table("countries")
    kind = np.array(
        [
            "ukraine" if iso == "UKR" else ("nato" if nato else "other")
            for iso, nato in zip(c.columns["iso3"], c.columns["nato"], strict=True)
        ]
    )
    props = [
        {"name": safe_text(n) + (" (NATO)" if nato else "")}
        for n, nato in zip(c.columns["name"], c.columns["nato"], strict=True)
    ]
    out = {
        k: features(
            c.geometry[kind == k],
            [p for p, kk in zip(props, kind, strict=True) if kk == k],
            BASEMAP_TOLERANCE,
        )
        for k in ("nato", "other", "ukraine")
    }
    r = geodata.table("regions")
    out["regions"] = features(shapely.boundary(r.geometry), [{}] * len(r), BASEMAP_TOLERANCE)
    for layer in ("rivers", "lakes"):
        t = geodata.table(layer)
        out[layer] = features(
            t.geometry, [{"name": _name(n)} for n in t.columns["name"]], OVERLAY_TOLERANCE
        )
    return out

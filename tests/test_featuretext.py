"""The map's GeoJSON feature texts (mapper.render.featuretext): the per-process memo of large simplified
geometries gives exactly the uncached text, and never an old geometry's text for a changed one."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon

from mapper.render import featuretext


def _wiggly(shift: float, n: int = 3_000) -> Polygon:
    angles = [i * 6.283185307179586 / n for i in range(n)]
    ring = [
        (32 + shift + (2 + 0.01 * (i % 7)) * math.cos(a), 48 + 1.5 * math.sin(a))
        for i, a in enumerate(angles)
    ]
    return Polygon(ring)


def test_a_large_geometry_is_simplified_once_and_gives_the_uncached_text() -> None:
    geom = _wiggly(0.0)
    assert shapely.get_num_coordinates(geom) >= featuretext._CACHE_MIN_COORDS
    featuretext._TEXTS.clear()
    first = featuretext.feature(geom, 0.002, name="Occupied area")
    assert len(featuretext._TEXTS) == 1
    again = featuretext.feature(geom, 0.002, name="Another name")
    assert len(featuretext._TEXTS) == 1  # the geometry's text was reused, the properties were not
    uncached = featuretext._simplified_texts(np.array([geom], dtype=object), 0.002)[0]
    assert json.loads(first[0])["geometry"] == json.loads(uncached)
    assert json.loads(again[0])["properties"] == {"name": "Another name"}
    assert json.loads(again[0])["geometry"] == json.loads(first[0])["geometry"]


def test_a_changed_geometry_never_gets_the_old_text() -> None:
    featuretext._TEXTS.clear()
    a = featuretext.feature(_wiggly(0.0), 0.002, name="x")[0]
    b = featuretext.feature(_wiggly(0.5), 0.002, name="x")[0]
    assert a != b
    assert len(featuretext._TEXTS) == 2
    xs_a = [x for x, _ in json.loads(a)["geometry"]["coordinates"][0]]
    xs_b = [x for x, _ in json.loads(b)["geometry"]["coordinates"][0]]
    assert abs(min(xs_b) - min(xs_a) - 0.5) < 0.01


def test_the_memo_stays_bounded() -> None:
    featuretext._TEXTS.clear()
    for i in range(featuretext._TEXTS_MAX + 5):
        featuretext.feature(_wiggly(i * 0.01, n=2_000), 0.002)
    assert len(featuretext._TEXTS) == featuretext._TEXTS_MAX


def test_a_prepared_text_is_the_live_text_and_a_refused_one_is_computed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    geom = _wiggly(0.25)
    arr = np.array([geom], dtype=object)
    live = featuretext._simplified_texts(arr, 0.002)[0]
    entry = featuretext.text_entry(shapely.to_wkb(geom), 0.002)
    asked: list[str] = []
    offer: list[object] = []

    def lookup(product: str, name: str, decode: Any) -> Any:
        asked.append(name)
        try:
            return decode(offer[-1])
        except ValueError:
            return None

    monkeypatch.setattr("mapper.prepared.lookup", lookup)
    for offered, expected in ((live, live), (live[:-1] + "</script>}", live), (7, live)):
        offer.append(offered)
        featuretext._TEXTS.clear()
        assert featuretext._geometry_texts(arr, 0.002) == [expected]
    assert asked == [entry] * 3
    featuretext._TEXTS.clear()


@pytest.mark.parametrize(
    "text",
    [
        '{"type":"Polygon","coordinates":[[[1,2],[3,4]]]}</script>',
        '{"type":"Polygon","coordinates":[alert(1)]}',
        '{"type":"Feature","coordinates":[]}',
        '{"type":"Polygon","coordinates":[],"x":"{{ 7*7 }}"}',
    ],
)
def test_prepared_texts_are_checked(text: str) -> None:
    with pytest.raises(ValueError):
        featuretext._checked_text(text)
    assert featuretext._checked_text('{"type":"MultiPolygon","coordinates":[[[[1.5,-2e-05]]]]}')

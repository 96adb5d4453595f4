"""The shapes the page edits in a form: lines drawn ``along:`` a river, areas given as ``regions:`` or ``country:``,
and zones (``buffer_of:`` and ``width_km:`` or ``km:``), as ``/api/sites`` tells the page about them.

Each shape comes with its key path (``options[0].lines[0]``, as the loader's ``Line.keypath``), its name, what it
is (``line``, ``area``, ``zone``), the fields the form shows, exactly as the file writes them (``None`` for a
value the form cannot edit, such as a place written as a mapping: ``from: {place: .., oblast: ..}``), and the
shape as the map draws it (GeoJSON, simplified to ~200 m and rounded to 4 decimals: the page draws a clickable
outline over it in edit mode). A zone also gets the names of its option's lines, for its ``buffer_of`` select.
The edits themselves are ``serve.shapeedit``.
"""

from __future__ import annotations

from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mapper.serve.edit import EditError, entry, find

__all__ = ["AREA_FIELDS", "LINE_FIELDS", "SHAPE_FIELDS", "ZONE_FIELDS", "shapes"]

LINE_FIELDS = ("river", "from", "to")  # of ``along:``
AREA_FIELDS = ("regions", "country")
ZONE_FIELDS = ("buffer_of", "width_km", "km")
SHAPE_FIELDS = (*LINE_FIELDS, *AREA_FIELDS, *ZONE_FIELDS)
SIMPLIFY = 0.002  # degrees, ~200 m: the outline drawn to click on, not the shape itself
DECIMALS = 4


def shapes(root: Node, scenario: Any) -> list[dict[str, Any]]:
    """The lines ``along:`` a river, the areas by ``regions:``/``country:`` and the zones of ``scenario`` (as
    the loader made it from the text whose nodes are ``root``), for the page's forms."""
    out: list[dict[str, Any]] = []
    for opt in scenario.options:
        line_names = [line.name for line in opt.lines]
        for kind, items in (("line", opt.lines), ("area", opt.areas), ("zone", opt.zones)):
            for item in items:
                try:
                    node = find(root, item.keypath)
                except EditError:
                    continue
                fields = _fields(kind, node)
                if fields is None:
                    continue
                shape = {
                    "keypath": item.keypath,
                    "site": kind,
                    "option": opt.id,
                    "name": item.name,
                    "fields": fields,
                    "geometry": geojson(item.geometry),
                }
                if kind == "zone":
                    shape["lines"] = line_names
                out.append(shape)
    return out


def _fields(kind: str, node: Node) -> dict[str, Any] | None:
    """The form's fields of an item as written (``None``: not a shape the form edits)."""
    if kind == "line":
        along = entry(node, "along")
        if along is None or not isinstance(along[1], MappingNode):
            return None  # a line written ``through:``: its points have handles
        return {k: _text(along[1], k) for k in LINE_FIELDS}
    if kind == "area":
        regions = entry(node, "regions")
        if regions is not None:
            return {"regions": _names(regions[1])}
        if entry(node, "country") is not None:
            return {"country": _text(node, "country")}
        return None  # a ``polygon:``: its points have handles
    return {k: _text(node, k) for k in ZONE_FIELDS if entry(node, k) is not None}


def _text(node: Node, key: str) -> str | None:
    found = entry(node, key)
    return str(found[1].value) if found and isinstance(found[1], ScalarNode) else None


def _names(node: Node) -> list[str] | None:
    if isinstance(node, ScalarNode):
        return [str(node.value)]
    if isinstance(node, SequenceNode) and all(isinstance(n, ScalarNode) for n in node.value):
        return [str(n.value) for n in node.value]
    return None


def geojson(geometry: Any) -> dict[str, Any]:
    """The shape's GeoJSON geometry, simplified to ``SIMPLIFY`` and rounded to ``DECIMALS``."""
    from shapely.geometry import mapping

    simple = geometry.simplify(SIMPLIFY, preserve_topology=True)
    if simple.is_empty:
        simple = geometry
    return _rounded(mapping(simple))


def _rounded(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, DECIMALS)
    if isinstance(obj, list | tuple):
        return [_rounded(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    return obj

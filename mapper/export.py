"""``mapper export``: every resolved geometry of a scenario, with its analysis, as GeoJSON, GeoPackage or KML.

What is exported (all in EPSG:4326, lon/lat, coordinates rounded to 7 decimals, ~1 cm):

========================  ============  ======================================================================
layer                     geometry      one feature per
========================  ============  ======================================================================
``forces``                Point         force, with every analysis attribute (``SiteMetrics.to_dict()``
                                        flattened) and the unit's nation, troops, kind, echelon, SIDC, role
``hubs``                  Point         hub, with its distances
``lines``                 (Multi)Line   line or route of an option, with its geodesic length
``areas``                 (Multi)Poly   area of an option, with its geodesic area
``zones``                 (Multi)Poly   zone (geodesic buffer) of an option, with its geodesic area
``coverage_rings``        Polygon       force with ``range_km``: the geodesic circle of that radius
``distance_bands``        (Multi)Poly   distance band from the front line, clipped as on the HTML map
``front_line``            (Multi)Line   the line of contact, with its date, source and accuracy
``occupied_area``         MultiPolygon  the occupied area (when known), with the front line's date and source
========================  ============  ======================================================================

Formats:

* **GeoJSON** (RFC 7946): one ``FeatureCollection``; every feature has ``layer`` and ``name`` properties;
  polygons wound counter-clockwise; written by this module (not GDAL) so the bytes are deterministic.
* **GeoPackage**: one table per layer (all nine, empty ones included, so a QGIS project can rely on them),
  written with pyogrio/GDAL into a temporary folder beside the target and moved into place at the end.
* **KML**: a ``Situation`` folder and one folder per option; shared ``Style``s in the option's colour (KML colours
  are ``aabbggrr``); typed ``Schema``/``SchemaData`` attributes (readable by GDAL's LIBKML driver); a balloon
  (``<description>``) showing an HTML table. Written with ``xml.etree`` (no new dependency): names and values are
  XML-escaped by the serializer, and the balloon HTML is HTML-escaped before that, so scenario text cannot inject
  markup into the file or into Google Earth's balloon. The scenario's own ``description`` of an item is the
  ``notes`` attribute in KML (``description`` is KML's balloon).

Every output is written atomically (complete or not at all); an existing file needs ``overwrite=True``.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Point, mapping
from shapely.geometry.base import BaseGeometry

from mapper.analysis import ScenarioAnalysis, SiteMetrics, analyze
from mapper.errors import OutputError, UsageError
from mapper.scenario import Option, Scenario

__all__ = [
    "FIELDS",
    "FORMATS",
    "LAYERS",
    "ExportFeature",
    "band_geometries",
    "export_analysis",
    "export_features",
    "export_scenario",
    "kml_colour",
    "to_geojson",
    "to_kml",
    "write_gpkg",
]

#: format → file suffix
FORMATS = {"geojson": ".geojson", "gpkg": ".gpkg", "kml": ".kml"}
_SUFFIXES = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".kml": "kml"}
DECIMALS = 7  # ~1 cm; RFC 7946 recommends no more than needed

_OPTION = (("option_id", "str"), ("option_name", "str"), ("option_colour", "str"))
_SITE = (
    ("location", "str"),
    ("lat", "float"),
    ("lon", "float"),
    ("distance_to_front_km", "float"),
    ("nearest_front_lat", "float"),
    ("nearest_front_lon", "float"),
    ("distance_to_hostile_territory_km", "float"),
    ("distance_to_nato_border_km", "float"),
    ("band", "str"),
    ("in_occupied_area", "bool"),
)
#: The attribute table of every layer: (field, type) with type one of str, int, float, bool. ``None`` is null.
FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "forces": (
        ("layer", "str"),
        ("name", "str"),
        *_OPTION,
        ("nation", "str"),
        ("troops", "int"),
        ("kind", "str"),
        ("echelon", "str"),
        ("sidc", "str"),
        ("role", "str"),
        ("range_km", "float"),
        *_SITE,
        ("nearest_hub", "str"),
        ("distance_to_nearest_hub_km", "float"),
        ("population_covered", "int"),
        ("meets_constraints", "bool"),
        ("violations", "str"),
        ("description", "str"),
        ("keypath", "str"),
    ),
    "hubs": (
        ("layer", "str"),
        ("name", "str"),
        *_OPTION,
        ("nation", "str"),
        ("role", "str"),
        ("sidc", "str"),
        *_SITE,
        ("meets_constraints", "bool"),
        ("violations", "str"),
        ("description", "str"),
        ("keypath", "str"),
    ),
    "lines": (
        ("layer", "str"),
        ("name", "str"),
        *_OPTION,
        ("kind", "str"),
        ("how", "str"),
        ("length_km", "float"),
        ("description", "str"),
        ("keypath", "str"),
    ),
    "areas": (
        ("layer", "str"),
        ("name", "str"),
        *_OPTION,
        ("how", "str"),
        ("area_km2", "float"),
        ("description", "str"),
        ("keypath", "str"),
    ),
    "zones": (
        ("layer", "str"),
        ("name", "str"),
        *_OPTION,
        ("kind", "str"),
        ("buffer_of", "str"),
        ("km", "float"),
        ("area_km2", "float"),
        ("description", "str"),
        ("keypath", "str"),
    ),
    "coverage_rings": (
        ("layer", "str"),
        ("name", "str"),
        *_OPTION,
        ("force", "str"),
        ("range_km", "float"),
        ("population_covered", "int"),
        ("centre_lat", "float"),
        ("centre_lon", "float"),
    ),
    "distance_bands": (
        ("layer", "str"),
        ("name", "str"),
        ("inner_km", "float"),
        ("outer_km", "float"),
        ("label", "str"),
        ("colour", "str"),
        ("front_line_date", "str"),
    ),
    "front_line": (
        ("layer", "str"),
        ("name", "str"),
        ("date", "str"),
        ("source", "str"),
        ("accuracy", "str"),
        ("file", "str"),
        ("derived_from_polygon", "bool"),
    ),
    "occupied_area": (
        ("layer", "str"),
        ("name", "str"),
        ("date", "str"),
        ("source", "str"),
        ("accuracy", "str"),
    ),
}
LAYERS = tuple(FIELDS)
#: GeoPackage geometry type of each layer (single parts are promoted to multi where both occur).
_GPKG_TYPES = {
    "forces": "Point",
    "hubs": "Point",
    "lines": "MultiLineString",
    "areas": "MultiPolygon",
    "zones": "MultiPolygon",
    "coverage_rings": "Polygon",
    "distance_bands": "MultiPolygon",
    "front_line": "MultiLineString",
    "occupied_area": "MultiPolygon",
}


@dataclass(frozen=True)
class ExportFeature:
    """One exported feature: its layer, the option it belongs to (``None`` for the situation), its geometry
    (lon/lat, rounded, polygons counter-clockwise) and its attributes (keys and order of ``FIELDS[layer]``)."""

    layer: str
    option_id: str | None
    geometry: BaseGeometry
    properties: dict[str, Any]


# -------------------------------------------------------------------------------------------------------------
# Collecting the features


def _clean(geom: BaseGeometry) -> BaseGeometry:
    """2-D, rounded to ``DECIMALS``, exterior rings counter-clockwise (RFC 7946 §3.1.6)."""
    geom = shapely.force_2d(geom)
    geom = shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))
    if geom.geom_type in ("Polygon", "MultiPolygon", "GeometryCollection"):
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    return geom


def _record(layer: str, values: dict[str, Any]) -> dict[str, Any]:
    """The attributes of a feature in ``FIELDS`` order, with NaN as ``None`` and types checked."""
    out: dict[str, Any] = {}
    for key, kind in FIELDS[layer]:
        value = layer if key == "layer" else values.get(key)
        if value is not None:
            if kind == "float":
                value = float(value)
                if not np.isfinite(value):
                    value = None
            elif kind == "int":
                value = int(value)
            elif kind == "bool":
                value = bool(value)
            else:
                value = str(value)
        out[key] = value
    return out


def _option_values(option: Option) -> dict[str, Any]:
    return {"option_id": option.id, "option_name": option.name, "option_colour": option.colour}


def _site_values(site: SiteMetrics) -> dict[str, Any]:
    """``SiteMetrics.to_dict()`` flattened: the nearest front point as two columns, violations joined."""
    d = site.to_dict()
    nearest = d.pop("nearest_front_point")
    d["nearest_front_lat"] = nearest["lat"]
    d["nearest_front_lon"] = nearest["lon"]
    d["violations"] = "; ".join(d["violations"])
    del d["kind"]  # "force"/"hub": the layer says it; ``kind`` is the unit kind
    d["keypath"] = site.keypath
    return d


def _sidc(kind: str | None, echelon: str | None, explicit: str | None = None) -> str | None:
    if explicit:
        return explicit
    from mapper import app6

    try:
        return app6.sidc_for(kind, echelon)
    except ValueError:  # a kind milsymbol cannot draw: no code rather than a wrong one
        return None


def band_geometries(scenario: Scenario) -> list[tuple[float, float, str, str, BaseGeometry]]:
    """The distance bands exactly as the HTML map draws them: ``[(inner_km, outer_km, label, colour, area)]``.

    Uses ``mapper.render.layers.band_areas`` (cached; importing it loads folium, which has no side effects) so the
    export, the PNG and the HTML map show the same bands, clipped the same way.
    """
    from mapper.frontline import hostile_territory
    from mapper.render.layers import BAND_COLOURS, band_areas

    edges = tuple(b.outer_km for b in scenario.bands)
    areas = band_areas(scenario.front.line, edges, hostile_territory(scenario.front))
    return [
        (inner, outer, scenario.bands[i].label, BAND_COLOURS[i % len(BAND_COLOURS)], geom)
        for i, (inner, outer, geom) in enumerate(areas)
    ]


def export_features(scenario: Scenario, analysis: ScenarioAnalysis) -> list[ExportFeature]:
    """Every feature of every layer, in a stable order: situation first, then option by option."""
    from mapper import geodesy

    out: list[ExportFeature] = []

    def add(layer: str, option_id: str | None, geom: BaseGeometry | None, values: dict) -> None:
        if geom is None or geom.is_empty:
            return
        out.append(ExportFeature(layer, option_id, _clean(geom), _record(layer, values)))

    front = scenario.front
    add(
        "front_line",
        None,
        front.line,
        {
            "name": front.name,
            "date": front.date,
            "source": front.source,
            "accuracy": front.accuracy,
            "file": Path(front.path).name if front.path else None,
            "derived_from_polygon": front.derived_from_polygon,
        },
    )
    add(
        "occupied_area",
        None,
        front.occupied,
        {
            "name": f"Occupied area ({front.date})",
            "date": front.date,
            "source": front.source,
            "accuracy": front.accuracy,
        },
    )
    for inner, outer, label, colour, geom in band_geometries(scenario):
        add(
            "distance_bands",
            None,
            geom,
            {
                "name": f"{inner:g}–{outer:g} km",
                "inner_km": inner,
                "outer_km": outer,
                "label": label,
                "colour": colour,
                "front_line_date": front.date,
            },
        )

    chosen = {o.id for o in analysis.options}
    for option in (o for o in scenario.options if o.id in chosen):
        result = analysis.option(option.id)
        ov = _option_values(option)
        for force, site in zip(option.forces, result.forces, strict=True):
            values = {
                **_site_values(site),
                **ov,
                "kind": force.kind,
                "echelon": force.echelon,
                "sidc": _sidc(force.kind, force.echelon, force.sidc),
                "description": force.description,
            }
            add("forces", option.id, Point(force.location.lon, force.location.lat), values)
        for hub, site in zip(option.hubs, result.hubs, strict=True):
            values = {
                **_site_values(site),
                **ov,
                "sidc": _sidc("logistics", None),
                "description": hub.description,
            }
            add("hubs", option.id, Point(hub.location.lon, hub.location.lat), values)
        for line in option.lines:
            km = result.lines_km.get(line.name)
            values = {
                **ov,
                "name": line.name,
                "kind": line.kind,
                "how": line.how,
                "length_km": None if km is None else round(km, 1),
                "description": line.description,
                "keypath": line.keypath,
            }
            add("lines", option.id, line.geometry, values)
        for area in option.areas:
            km2 = result.areas_km2.get(area.name)
            values = {
                **ov,
                "name": area.name,
                "how": area.how,
                "area_km2": None if km2 is None else round(km2),
                "description": area.description,
                "keypath": area.keypath,
            }
            add("areas", option.id, area.geometry, values)
        for zone in option.zones:
            km2 = result.zones_km2.get(zone.name)
            values = {
                **ov,
                "name": zone.name,
                "kind": zone.kind,
                "buffer_of": zone.buffer_of,
                "km": zone.km,
                "area_km2": None if km2 is None else round(km2),
                "description": zone.description,
                "keypath": zone.keypath,
            }
            add("zones", option.id, zone.geometry, values)
        for force, site in zip(option.forces, result.forces, strict=True):
            if not force.range_km:
                continue
            ring = geodesy.geodesic_circle(
                lat=force.location.lat, lon=force.location.lon, radius_km=force.range_km
            )
            values = {
                **ov,
                "name": f"{force.name}: {force.range_km:g} km ring",
                "force": force.name,
                "range_km": force.range_km,
                "population_covered": site.population_covered,
                "centre_lat": force.location.lat,
                "centre_lon": force.location.lon,
            }
            add("coverage_rings", option.id, ring, values)
    return out


# -------------------------------------------------------------------------------------------------------------
# GeoJSON


def _json_geometry(geom: BaseGeometry) -> dict[str, Any]:
    return json.loads(json.dumps(mapping(geom)))  # tuples → lists, for a stable dump


def to_geojson(scenario: Scenario, analysis: ScenarioAnalysis) -> bytes:
    """One RFC 7946 ``FeatureCollection`` (UTF-8 bytes, deterministic): every feature has ``layer`` and ``name``.

    A foreign member ``mapper`` records the scenario and front line the features come from (no timestamp)."""
    from mapper import __version__

    features = [
        {"type": "Feature", "properties": f.properties, "geometry": _json_geometry(f.geometry)}
        for f in export_features(scenario, analysis)
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
            "layers": list(LAYERS),
        },
        "features": features,
    }
    text = json.dumps(doc, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    # one feature per line: diff-friendly, still compact
    text = text.replace(',{"type":"Feature",', ',\n{"type":"Feature",').replace(
        '"features":[{"type":"Feature",', '"features":[\n{"type":"Feature",'
    )
    return (text + "\n").encode("utf-8")


# -------------------------------------------------------------------------------------------------------------
# KML

KML_NS = "http://www.opengis.net/kml/2.2"
_KML_TYPES = {"str": "string", "int": "int", "float": "double", "bool": "bool"}
_ICONS = {
    "force": "https://maps.google.com/mapfiles/kml/shapes/square.png",
    "hub": "https://maps.google.com/mapfiles/kml/shapes/triangle.png",
}
_LABELS = {  # how a field is shown in the KML balloon
    "distance_to_front_km": "To front line (km)",
    "distance_to_hostile_territory_km": "To hostile territory (km)",
    "distance_to_nato_border_km": "To NATO border (km)",
    "distance_to_nearest_hub_km": "To nearest hub (km)",
    "sidc": "SIDC (APP-6D)",
    "lat": "Latitude",
    "lon": "Longitude",
    "centre_lat": "Centre latitude",
    "centre_lon": "Centre longitude",
}
_NOT_IN_BALLOON = {
    "layer",
    "name",
    "option_colour",
    "keypath",
    "nearest_front_lat",
    "nearest_front_lon",
}


def kml_colour(colour: str, alpha: float = 1.0) -> str:
    """A ``#rrggbb`` colour as KML's ``aabbggrr`` (alpha first, then blue, green, red)."""
    c = colour.lstrip("#").lower()
    if len(c) != 6 or any(ch not in "0123456789abcdef" for ch in c):
        raise ValueError(f"expected a colour '#rrggbb', got {colour!r}")
    a = max(0, min(255, round(alpha * 255)))
    return f"{a:02x}{c[4:6]}{c[2:4]}{c[0:2]}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrib)
    if text is not None:
        el.text = text
    return el


def _num(v: float) -> str:
    return repr(round(float(v), DECIMALS)).removesuffix(".0") if v == v else "0"


def _coords(xy: Sequence[tuple[float, ...]]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y, *_ in xy)


def _kml_geometry(parent: ET.Element, geom: BaseGeometry) -> None:
    kind = geom.geom_type
    if kind == "Point":
        _sub(_sub(parent, "Point"), "coordinates", _coords(geom.coords))
    elif kind == "LineString":
        el = _sub(parent, "LineString")
        _sub(el, "tessellate", "1")
        _sub(el, "coordinates", _coords(geom.coords))
    elif kind == "Polygon":
        el = _sub(parent, "Polygon")
        _sub(el, "tessellate", "1")
        ring = _sub(_sub(el, "outerBoundaryIs"), "LinearRing")
        _sub(ring, "coordinates", _coords(geom.exterior.coords))
        for hole in geom.interiors:
            ring = _sub(_sub(el, "innerBoundaryIs"), "LinearRing")
            _sub(ring, "coordinates", _coords(hole.coords))
    else:  # Multi* and collections
        multi = _sub(parent, "MultiGeometry")
        for part in geom.geoms:
            _kml_geometry(multi, part)


def _fmt_value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if key.endswith(("lat", "lon")):
            return f"{value:.5f}"
        return f"{value:,.1f}" if key.endswith(("_km", "km2")) else f"{value:g}"
    return str(value)


def _balloon(props: dict[str, Any]) -> str:
    """The balloon HTML of a placemark: every text HTML-escaped (Google Earth renders descriptions as HTML)."""
    rows = []
    for key, value in props.items():
        if key in _NOT_IN_BALLOON or value is None or value == "":
            continue
        label = _LABELS.get(key, key.replace("_", " ").capitalize())
        rows.append(
            f"<tr><th align='left'>{html.escape(label)}</th>"
            f"<td>{html.escape(_fmt_value(key, value))}</td></tr>"
        )
    title = html.escape(str(props.get("name") or ""))
    return f"<h3>{title}</h3><table>{''.join(rows)}</table>"


def _style(doc: ET.Element, sid: str, *, line: str | None = None, width: float = 2.0,
           fill: str | None = None, icon: str | None = None, icon_colour: str | None = None) -> None:  # fmt: skip
    st = _sub(doc, "Style", id=sid)
    if icon:
        ic = _sub(st, "IconStyle")
        if icon_colour:
            _sub(ic, "color", icon_colour)
        _sub(ic, "scale", "1.1")
        _sub(_sub(ic, "Icon"), "href", icon)
        _sub(_sub(st, "LabelStyle"), "scale", "0.8")
    if line:
        ls = _sub(st, "LineStyle")
        _sub(ls, "color", line)
        _sub(ls, "width", f"{width:g}")
    if fill:
        ps = _sub(st, "PolyStyle")
        _sub(ps, "color", fill)
        _sub(ps, "outline", "1" if line else "0")
    elif line:
        _sub(_sub(st, "PolyStyle"), "fill", "0")
    _sub(_sub(st, "BalloonStyle"), "text", "$[description]")


def _style_for(f: ExportFeature) -> str:
    if f.option_id is None:
        if f.layer == "distance_bands":
            from mapper.style import BAND_COLOURS

            colour = f.properties["colour"]
            return f"band-{BAND_COLOURS.index(colour) if colour in BAND_COLOURS else 0}"
        return f.layer.replace("_", "-")
    kind = {
        "forces": "force",
        "hubs": "hub",
        "lines": "line",
        "areas": "area",
        "zones": "zone",
        "coverage_rings": "ring",
    }[f.layer]
    if f.layer == "lines" and f.properties.get("kind") == "defence_line":
        kind = "defence-line"
    return f"option-{f.option_id}-{kind}"


def to_kml(scenario: Scenario, analysis: ScenarioAnalysis) -> bytes:
    """A KML 2.2 document (UTF-8 bytes, deterministic): a Situation folder and one folder per option."""
    from mapper.style import BAND_COLOURS, FRONT_COLOUR, OCCUPIED_COLOUR

    features = export_features(scenario, analysis)
    front = scenario.front

    kml = ET.Element("kml", xmlns=KML_NS)
    doc = _sub(kml, "Document", id=f"scenario-{scenario.id}")
    _sub(doc, "name", scenario.title)
    _sub(doc, "open", "1")
    _sub(
        doc,
        "description",
        "<p>"
        + html.escape(scenario.summary or scenario.title)
        + "</p><p>"
        + html.escape(f"Situation {scenario.date.isoformat()}. {front.attribution}")
        + "</p><p>Distances are geodesic (WGS84). Exported by mapper.</p>",
    )
    # typed attribute schemas, one per layer (GDAL's LIBKML driver reads them as typed fields)
    for layer, fields in FIELDS.items():
        schema = _sub(doc, "Schema", name=layer, id=f"schema-{layer}")
        for key, kind in fields:
            if key != "name":  # <name> carries the name
                _sub(schema, "SimpleField", name=_kml_field(key), type=_KML_TYPES[kind])
    # styles: situation, bands, then per option
    _style(doc, "front-line", line=kml_colour(FRONT_COLOUR), width=3.5)
    _style(
        doc,
        "occupied-area",
        line=kml_colour(OCCUPIED_COLOUR, 0.6),
        width=0.5,
        fill=kml_colour(OCCUPIED_COLOUR, 0.22),
    )
    for i, colour in enumerate(BAND_COLOURS):
        _style(doc, f"band-{i}", line=kml_colour(colour), width=0.5, fill=kml_colour(colour, 0.35))
    for option in scenario.options:
        if option.id not in {o.id for o in analysis.options}:
            continue
        c = option.colour
        _style(doc, f"option-{option.id}-force", icon=_ICONS["force"], icon_colour=kml_colour(c))
        _style(doc, f"option-{option.id}-hub", icon=_ICONS["hub"], icon_colour=kml_colour(c))
        _style(doc, f"option-{option.id}-line", line=kml_colour(c, 0.85), width=3)
        _style(doc, f"option-{option.id}-defence-line", line=kml_colour(c, 0.85), width=5)
        _style(
            doc, f"option-{option.id}-area", line=kml_colour(c), width=1.5, fill=kml_colour(c, 0.12)
        )
        _style(
            doc, f"option-{option.id}-zone", line=kml_colour(c), width=1, fill=kml_colour(c, 0.25)
        )
        _style(
            doc, f"option-{option.id}-ring", line=kml_colour(c), width=1.5, fill=kml_colour(c, 0.06)
        )

    folders: dict[str | None, ET.Element] = {}
    situation = _sub(doc, "Folder", id="situation")
    _sub(situation, "name", "Situation")
    _sub(situation, "description", html.escape(front.attribution))
    folders[None] = situation
    for opt in analysis.options:
        folder = _sub(doc, "Folder", id=f"option-{opt.id}")
        _sub(folder, "name", opt.name)
        _sub(
            folder,
            "description",
            html.escape(
                f"Option {opt.id}: {opt.summary.troops:,} troops in {opt.summary.forces} force(s)"
            ),
        )
        folders[opt.id] = folder

    for f in features:
        pm = _sub(folders[f.option_id], "Placemark")
        _sub(pm, "name", str(f.properties.get("name") or ""))
        _sub(pm, "description", _balloon(f.properties))
        _sub(pm, "styleUrl", "#" + _style_for(f))
        data = _sub(_sub(pm, "ExtendedData"), "SchemaData", schemaUrl=f"#schema-{f.layer}")
        for (key, kind), value in zip(FIELDS[f.layer], f.properties.values(), strict=True):
            if key == "name" or value is None or value == "":
                continue
            text = ("1" if value else "0") if kind == "bool" else str(value)
            _sub(data, "SimpleData", text, name=_kml_field(key))
        _kml_geometry(pm, f.geometry)

    ET.indent(kml, space=" ")
    body = ET.tostring(kml, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _kml_field(key: str) -> str:
    # KML's <description> is the balloon; the item's own description travels as ``notes``
    return "notes" if key == "description" else key


# -------------------------------------------------------------------------------------------------------------
# GeoPackage


def _frame(layer: str, features: list[ExportFeature]) -> Any:
    import geopandas as gpd
    import pandas as pd

    rows = [f for f in features if f.layer == layer]
    columns: dict[str, Any] = {}
    for key, kind in FIELDS[layer]:
        values = [f.properties[key] for f in rows]
        if kind == "int":
            columns[key] = pd.array(values, dtype="Int64")
        elif kind == "float":
            columns[key] = pd.array([np.nan if v is None else v for v in values], dtype="float64")
        elif kind == "bool":
            if any(v is None for v in values):
                columns[key] = pd.array(values, dtype="boolean")
            else:
                columns[key] = pd.array(values, dtype="bool")
        else:
            columns[key] = pd.Series(values, dtype=object)
    geoms = [f.geometry for f in rows]
    return gpd.GeoDataFrame(
        columns, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326"
    )


def _gpkg_writer(path: Path, layer: str, frame: Any, description: str) -> None:
    """Write one layer into a GeoPackage (separate so tests can make it fail)."""
    import pyogrio

    pyogrio.write_dataframe(
        frame,
        path,
        layer=layer,
        driver="GPKG",
        geometry_type=_GPKG_TYPES[layer],
        promote_to_multi=_GPKG_TYPES[layer].startswith("Multi"),
        layer_options={"DESCRIPTION": description},
    )


def write_gpkg(
    scenario: Scenario,
    analysis: ScenarioAnalysis,
    output: str | os.PathLike[str],
    *,
    overwrite: bool = False,
) -> Path:
    """Write every layer (``LAYERS``, empty ones too) into one GeoPackage, atomically.

    GDAL writes into a temporary folder beside ``output``; the finished file is moved into place only when
    every layer is written, so a failure never leaves a half-written GeoPackage (or clobbers an existing one)."""
    target = Path(output)
    _check_target(target, overwrite)
    features = export_features(scenario, analysis)
    parent = target.parent if str(target.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmpdir = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from exc
    try:
        tmp = tmpdir / target.name
        for layer in LAYERS:
            description = (
                f"{scenario.title} ({scenario.date.isoformat()}): {layer.replace('_', ' ')}"
            )
            _gpkg_writer(tmp, layer, _frame(layer, features), description)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        _check_target(target, overwrite)  # appeared meanwhile?
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return target


# -------------------------------------------------------------------------------------------------------------
# The command's library functions


def _check_target(target: Path, overwrite: bool) -> None:
    if target.is_dir():
        raise OutputError(f"{target}: is a folder, expected a file path")
    if target.exists() and not overwrite:
        raise OutputError(f"{target}: file exists; pass --overwrite to replace it")
    if target.exists() and not target.is_file():  # a device or FIFO is never replaced (nor read)
        raise OutputError(
            f"{target}: is not a regular file (a device, FIFO or socket); choose a file path to write to"
        )


def _resolve_format(fmt: str | None, output: Path | None) -> str:
    suffix = output.suffix.lower() if output is not None else ""
    if fmt is None:
        if suffix in _SUFFIXES:
            return _SUFFIXES[suffix]
        raise UsageError(
            f"cannot tell the export format from {str(output) if output else 'no output file'!r}; "
            f"give --format ({', '.join(FORMATS)})"
        )
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    if suffix == ".kmz":
        raise UsageError(
            f"{output}: KMZ is not written; use a .kml file name (Google Earth opens it)"
        )
    implied = _SUFFIXES.get(suffix)
    if implied is not None and implied != fmt:
        raise UsageError(
            f"{output}: the file name says {suffix} but the format is {fmt}; "
            f"use a {FORMATS[fmt]} file name or --format {implied}"
        )
    return fmt


_WRITERS: dict[str, Callable[[Scenario, ScenarioAnalysis], bytes]] = {
    "geojson": to_geojson,
    "kml": to_kml,
}


def export_analysis(
    scenario: Scenario,
    analysis: ScenarioAnalysis,
    output: str | os.PathLike[str] | None = None,
    *,
    fmt: str | None,
    overwrite: bool = False,
) -> Path:
    """Write an already analysed scenario as ``fmt`` (geojson, gpkg, kml) to ``output`` (default
    ``out/<scenario id>.<ext>``); atomic; returns the path."""
    from mapper.atomic import atomic_write

    out = Path(output) if output is not None else None
    fmt = _resolve_format(fmt, out)
    if out is None:
        out = Path("out") / f"{scenario.id}{FORMATS[fmt]}"
    if fmt == "gpkg":
        return write_gpkg(scenario, analysis, out, overwrite=overwrite)
    _check_target(out, overwrite)  # before the work, not after
    return atomic_write(out, _WRITERS[fmt](scenario, analysis), overwrite=overwrite)


def export_scenario(
    path: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    fmt: str | None,
    front_line: str | os.PathLike[str] | None = None,
    options: Sequence[str] | None = None,
    overwrite: bool = False,
) -> Path:
    """Load, analyse and export one scenario file (see the module docstring); return the written path.

    ``fmt`` is ``geojson``, ``gpkg`` or ``kml`` (``None``: from the suffix of ``output``). ``options`` limits
    the export to these option ids; ``front_line`` replaces the scenario's front line (as ``--front-line``).
    """
    from mapper.loader import load_scenario

    out = Path(output) if output is not None else None
    _resolve_format(fmt, out)  # a usage error before any work
    if out is not None:
        _check_target(out, overwrite)
    scenario = load_scenario(path, front_line=front_line)
    analysis = analyze(scenario, options=options)
    return export_analysis(scenario, analysis, out, fmt=fmt, overwrite=overwrite)

"""KML 2.2 export: a ``Situation`` folder and one folder per option, styled in the options' colours, then one
folder per overlay of the scenario (in its style) and one for its annotations (``export.overlays``).

Shared ``Style``s in the option's colour (KML colours are ``aabbggrr``, see ``kml_colour``); typed
``Schema``/``SchemaData`` attributes (readable by GDAL's LIBKML driver); a balloon (``<description>``) showing an
HTML table. Written with ``xml.etree`` (no new dependency): names and values are XML-escaped by the serializer,
characters XML 1.0 forbids (control characters, lone surrogates) become U+FFFD (``textsafe.xml``), and the balloon HTML is HTML-escaped before that, so scenario text cannot inject markup into the file or into
Google Earth's balloon. The scenario's own ``description`` of an item is the ``notes`` attribute in KML
(``description`` is KML's balloon).
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from shapely.geometry.base import BaseGeometry

from mapper.export.features import DECIMALS, FIELDS, ExportFeature, export_features
from mapper.export.overlays import ExportLayer, scenario_layers
from mapper.textsafe import xml

if TYPE_CHECKING:  # pragma: no cover
    from mapper.pipeline import Prepared

__all__ = ["KML_NS", "kml_colour", "to_kml"]

KML_NS = "http://www.opengis.net/kml/2.2"
_KML_TYPES = {"str": "string", "int": "int", "float": "double", "bool": "bool"}
_ICONS = {
    "force": "https://maps.google.com/mapfiles/kml/shapes/square.png",
    "hub": "https://maps.google.com/mapfiles/kml/shapes/triangle.png",
    "overlay": "https://maps.google.com/mapfiles/kml/shapes/placemark_circle.png",
}
_LABELS = {  # how a field is shown in the KML balloon
    "distance_to_front_km": "To front line (km)",
    "distance_accuracy_km": "Front line accuracy (± km)",
    "distance_to_hostile_territory_km": "To hostile territory (km)",
    "nearest_hostile": "Nearest hostile territory",
    "width_km": "Total width (km)",
    "km": "Either side of the line (km)",
    "basis": "Bands measure",
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
    """The one way an element is made: text and attributes pass ``textsafe.xml`` (characters XML 1.0 forbids
    become U+FFFD), so the document is well-formed whatever the scenario or front-line file holds."""
    el = ET.SubElement(parent, tag, {k: xml(v) for k, v in attrib.items()})
    if text is not None:
        el.text = xml(text)
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


def to_kml(prepared: Prepared) -> bytes:
    """A KML 2.2 document (UTF-8 bytes, deterministic): a Situation folder and one folder per option."""
    scenario = prepared.scenario
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
        + html.escape(f"Situation {scenario.date.isoformat()}. {scenario.front.attribution}")
        + "</p><p>Distances are geodesic (WGS84). Exported by mapper.</p>",
    )
    own = scenario_layers(scenario)
    _kml_schemas(doc, own)
    _kml_styles(doc, prepared)
    folders = _kml_folders(doc, prepared)
    for f in export_features(prepared):
        _placemark(folders[f.option_id], f)
    if own:
        _own_folders(doc, scenario, own)
    ET.indent(kml, space=" ")
    body = ET.tostring(kml, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _kml_schemas(doc: ET.Element, own: Sequence[ExportLayer] = ()) -> None:
    """Typed attribute schemas, one per layer (GDAL's LIBKML driver reads them as typed fields), the user's
    layers' last."""
    every = [*FIELDS.items(), *((layer.name, layer.fields) for layer in own)]
    for layer, fields in every:
        schema = _sub(doc, "Schema", name=layer, id=f"schema-{layer}")
        for key, kind in fields:
            if key != "name":  # <name> carries the name
                _sub(schema, "SimpleField", name=_kml_field(key), type=_KML_TYPES[kind])


def _kml_styles(doc: ET.Element, prepared: Prepared) -> None:
    """The shared styles: situation, bands, then each analysed option's in its colour."""
    from mapper.style import BAND_COLOURS, FRONT_COLOUR, OCCUPIED_COLOUR

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
    for res in prepared.options:
        sid, c = f"option-{res.id}", res.colour
        _style(doc, f"{sid}-force", icon=_ICONS["force"], icon_colour=kml_colour(c))
        _style(doc, f"{sid}-hub", icon=_ICONS["hub"], icon_colour=kml_colour(c))
        _style(doc, f"{sid}-line", line=kml_colour(c, 0.85), width=3)
        _style(doc, f"{sid}-defence-line", line=kml_colour(c, 0.85), width=5)
        _style(doc, f"{sid}-area", line=kml_colour(c), width=1.5, fill=kml_colour(c, 0.12))
        _style(doc, f"{sid}-zone", line=kml_colour(c), width=1, fill=kml_colour(c, 0.25))
        _style(doc, f"{sid}-ring", line=kml_colour(c), width=1.5, fill=kml_colour(c, 0.06))


def _kml_folders(doc: ET.Element, prepared: Prepared) -> dict[str | None, ET.Element]:
    """The Situation folder (key ``None``) and one folder per analysed option (key: its id)."""
    folders: dict[str | None, ET.Element] = {}
    situation = _sub(doc, "Folder", id="situation")
    _sub(situation, "name", "Situation")
    _sub(situation, "description", html.escape(prepared.scenario.front.attribution))
    folders[None] = situation
    for opt in prepared.options:
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
    return folders


def _own_folders(doc: ET.Element, scenario: Any, own: Sequence[ExportLayer]) -> None:
    """The user's layers (``export.overlays``): one folder each, styled as drawn, then the annotations."""
    for n, layer in enumerate(own):
        sid = f"own-{n}"
        if n < len(scenario.overlays):
            st = scenario.overlays[n].style
            _style(
                doc,
                sid,
                line=kml_colour(st.colour, st.opacity),
                width=st.weight,
                fill=kml_colour(st.colour, st.fill_for("polygons")),
                icon=_ICONS["overlay"],
                icon_colour=kml_colour(st.colour),
            )
        else:  # the annotations: text labels at points, arrows as lines
            _style(doc, sid, line=kml_colour("#222222"), width=3, icon=_ICONS["overlay"])
        folder = _sub(doc, "Folder", id=f"layer-{layer.name}")
        _sub(folder, "name", layer.title)
        for f in layer.features:
            _placemark(folder, f, layer.fields, sid)


def _placemark(
    folder: ET.Element,
    f: ExportFeature,
    fields: Sequence[tuple[str, str]] | None = None,
    style: str | None = None,
) -> None:
    """One feature as a Placemark: name, balloon, style, typed SchemaData, geometry."""
    pm = _sub(folder, "Placemark")
    _sub(pm, "name", str(f.properties.get("name") or f.properties.get("text") or ""))
    _sub(pm, "description", _balloon(f.properties))
    _sub(pm, "styleUrl", "#" + (style or _style_for(f)))
    data = _sub(_sub(pm, "ExtendedData"), "SchemaData", schemaUrl=f"#schema-{f.layer}")
    fields = FIELDS[f.layer] if fields is None else fields
    for (key, kind), value in zip(fields, f.properties.values(), strict=True):
        if key == "name" or value is None or value == "":
            continue
        text = ("1" if value else "0") if kind == "bool" else str(value)
        _sub(data, "SimpleData", text, name=_kml_field(key))
    _kml_geometry(pm, f.geometry)


def _kml_field(key: str) -> str:
    # KML's <description> is the balloon; the item's own description travels as ``notes``
    return "notes" if key == "description" else key

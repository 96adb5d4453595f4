"""Users' overlay layers and annotations on the HTML map (``mapper.overlays``): one ``FeatureGroup`` per layer,
and one for the annotations.

Points are Leaflet circle markers, small SVG shapes (square, triangle, diamond, cross) or, for a layer with an
APP-6 ``sidc``, the symbol ``mapper.app6`` draws (so a hostile or neutral unit reads as one); lines and polygons
take the layer's style. A feature's tooltip is its name (or the layer's), its popup the attributes the layer
chose. Annotations are text labels (a ``DivIcon``) and arrows (a polyline and its head, a small polygon computed
in ``mapper.overlays``: no plugin).

All text (layer and feature names, attribute names and values, annotation text) is untrusted: it is escaped here
with ``safety.safe_text``, travels into the page as JSON (``safety.safe_json``) and is rendered verbatim
(``assets.VerbatimMacroElement``, never through Jinja a second time), the same path as ``layers.SitePopup``.
Every drawn path and marker carries the class ``mapper-overlay-<n>`` (n: the layer's position), so a page or a
test can count what a layer drew.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import folium

from mapper.overlays import Annotation, Overlay, OverlayFeature, OverlayStyle
from mapper.render.assets import LazyTemplate, VerbatimMacroElement
from mapper.render.layers import DECIMALS, Layer, features, group
from mapper.render.safety import safe_color, safe_json, safe_text

__all__ = [
    "OWN_LAYERS",
    "AnnotationData",
    "OverlayData",
    "add_annotations",
    "add_overlays",
    "marker_icon",
]

#: milsymbol's scale of an APP-6 overlay point per pixel of the layer's marker size (size 10: a 22 px symbol)
SYMBOL_PER_PX = 2.2
ANNOTATIONS = "Annotations"
#: the legend group of the overlays and annotations, on every map
OWN_LAYERS = "Your layers"


class OverlayData(VerbatimMacroElement):
    """One overlay layer's features as ``L.geoJSON``: one style, points as circle markers or one shared icon,
    each feature's tooltip (``tip``) and popup (``popup``) bound from its (escaped) properties."""

    _template = LazyTemplate(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var style = {{ this.style }}, icon = {{ this.icon }}, dot = {{ this.dot }};
            var shared = icon && L.divIcon({html: icon.html, className: icon.cls,
                                            iconSize: icon.size, iconAnchor: icon.anchor});
            var pane = {{ this.pane }};
            L.geoJSON({{ this.data }}, {
                style: function () { return style; },
                pointToLayer: function (f, ll) {
                    if (shared) {
                        var opts = {icon: shared, keyboard: false};
                        if (pane) { opts.pane = pane; }
                        return L.marker(ll, opts);
                    }
                    return L.circleMarker(ll, Object.assign({}, style, dot));
                },
                onEachFeature: function (f, l) {
                    var p = f.properties || {};
                    if (p.tip) { l.bindTooltip(p.tip, {sticky: true}); }
                    if (p.popup) { l.bindPopup(p.popup, {maxWidth: 340}); }
                }
            }).addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: list[str],
        style: dict[str, Any],
        icon: dict[str, Any] | None,
        dot: dict[str, Any],
        pane: str | None = None,
    ) -> None:
        super().__init__()
        self._name = "OverlayData"
        self.count = len(data)
        # feature texts from ``layers.features``: geometry numbers from shapely, properties through safe_json
        self.data = '{"type":"FeatureCollection","features":[' + ",".join(data) + "]}"
        self.style = safe_json(style)
        self.icon = safe_json(icon)
        self.dot = safe_json(dot)  # a circle marker's radius and fill, over the layer's style
        self.pane = safe_json(pane)


#: the pane of a user's point symbols: under the place dots and names (450) and the forces (markers, 600), so a
#: strike marked on a city never hides the city; circle markers are SVG paths, lower still (400)
POINTS_PANE = "mapper-overlay-points"


class PointsPane(VerbatimMacroElement):
    """Creates ``POINTS_PANE`` on the map, once, before any overlay is drawn."""

    _template = LazyTemplate(
        """
        {% macro script(this, kwargs) %}
        if (!{{ this._parent.get_name() }}.getPane("{{ this.pane }}")) {
            {{ this._parent.get_name() }}.createPane("{{ this.pane }}").style.zIndex = 440;
        }
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "PointsPane"
        self.pane = POINTS_PANE


def _points_pane(fmap: Any) -> str | None:
    """The points pane of the map ``fmap`` is (or belongs to), created on first use; ``None`` for a group not
    on a map yet (its points then stay in Leaflet's marker pane)."""
    root = fmap
    while root is not None and not isinstance(root, folium.Map):
        root = getattr(root, "_parent", None)
    if root is None:
        return None
    if not any(isinstance(c, PointsPane) for c in root._children.values()):
        PointsPane().add_to(root)
    return POINTS_PANE


def _leaflet_style(style: OverlayStyle, cls: str) -> dict[str, Any]:
    """The Leaflet path options of a layer's lines and polygons (a polygon's fill opacity)."""
    colour = safe_color(style.colour)
    out: dict[str, Any] = {
        "color": colour,
        "opacity": style.opacity,
        "weight": style.weight,
        "fillColor": colour,
        "fillOpacity": style.fill_for("polygons"),
        "className": cls,
    }
    if style.dash:
        out["dashArray"] = " ".join(f"{v:g}" for v in style.dash)
    return out


def _shape_svg(marker: str, size: float, colour: str, fill: float, opacity: float) -> str:
    """A point marker as inline SVG (numbers and a checked colour only)."""
    s = max(4.0, float(size))
    h = s / 2
    paint = (
        f"stroke='{colour}' stroke-opacity='{opacity:g}' fill='{colour}' fill-opacity='{fill:g}'"
    )
    if marker == "square":
        shape = (
            f"<rect x='1' y='1' width='{s - 2:g}' height='{s - 2:g}' {paint} stroke-width='1.5'/>"
        )
    elif marker == "triangle":
        shape = f"<polygon points='{h:g},1 {s - 1:g},{s - 1:g} 1,{s - 1:g}' {paint} stroke-width='1.5'/>"
    elif marker == "diamond":
        shape = f"<polygon points='{h:g},1 {s - 1:g},{h:g} {h:g},{s - 1:g} 1,{h:g}' {paint} stroke-width='1.5'/>"
    else:  # cross
        shape = (
            f"<path d='M2,2 L{s - 2:g},{s - 2:g} M{s - 2:g},2 L2,{s - 2:g}' stroke='{colour}' "
            f"stroke-opacity='{opacity:g}' stroke-width='{max(2.0, s / 5):g}' stroke-linecap='round'/>"
        )
    return f"<svg xmlns='http://www.w3.org/2000/svg' width='{s:g}' height='{s:g}' aria-hidden='true'>{shape}</svg>"


def marker_icon(style: OverlayStyle, cls: str) -> dict[str, Any] | None:
    """The shared icon of a layer's points (``None``: circle markers): an APP-6 symbol for a ``sidc``, else an
    SVG shape, with its size and anchor (the symbol's own anchor; a shape's centre)."""
    if style.sidc is not None:
        from mapper.app6 import symbol_anchor, symbol_svg

        scale = round(style.size * SYMBOL_PER_PX)
        (w, h), (ax, ay) = symbol_anchor(style.sidc, scale)
        return {
            "html": symbol_svg(style.sidc, scale),
            "cls": f"mapper-overlay-symbol {cls}",
            "size": [w, h],
            "anchor": [ax, ay],
        }
    if style.marker == "circle":
        return None
    colour = safe_color(style.colour)
    svg = _shape_svg(style.marker, style.size, colour, style.fill_for("points"), style.opacity)
    s = round(max(4.0, style.size))
    return {
        "html": svg,
        "cls": f"mapper-overlay-marker {cls}",
        "size": [s, s],
        "anchor": [s / 2, s / 2],
    }


def popup_html(overlay: Overlay, feature: OverlayFeature) -> str:
    """A feature's popup: its name (or the layer's) as the heading, then the attributes the layer chose, every
    piece escaped with ``safe_text``; empty when the layer chose none and the feature has no name."""
    rows = overlay.popup_rows(feature)
    if not rows and not feature.name:
        return ""
    body = "".join(
        f"<tr><th scope='row'>{safe_text(k)}</th><td>{safe_text(v)}</td></tr>" for k, v in rows
    )
    table = f"<table>{body}</table>" if body else ""
    title = safe_text(feature.name or overlay.name)
    layer = f"<p class='mapper-overlay-layer'>{safe_text(overlay.name)}</p>" if feature.name else ""
    return f"<div class='mapper-popup mapper-overlay-popup'><h3>{title}</h3>{layer}{table}</div>"


def _layer_features(overlay: Overlay) -> list[str]:
    props = []
    for f in overlay.features:
        p: dict[str, Any] = {"tip": safe_text(f.name or overlay.name)}
        html = popup_html(overlay, f)
        if html:
            p["popup"] = html
        props.append(p)
    return features([f.geometry for f in overlay.features], props)


def _legend_shape(overlay: Overlay) -> str:
    if overlay.kind == "points":
        return "point"
    if overlay.kind == "polygons":
        return "fill"
    return "dashed" if overlay.style.dash else "line"


def add_overlays(
    fmap: folium.Map | folium.FeatureGroup, overlays: Sequence[Overlay], *, start: int = 0
) -> list[Layer]:
    """Each overlay as its own ``FeatureGroup`` (named by the layer, escaped) added to ``fmap``; returns the
    legend's layers ``(legend text, group, colour, swatch shape)`` in order, as ``layers.option_layers`` does.
    ``start`` numbers the layers' classes after those of another scenario on the same map."""
    out: list[Layer] = []
    pane = _points_pane(fmap) if overlays else None
    for n, overlay in enumerate(overlays, start):
        cls = f"mapper-overlay mapper-overlay-{n}"
        g = group(overlay.name)
        style = _leaflet_style(overlay.style, cls)
        icon = marker_icon(overlay.style, f"mapper-overlay-{n}")
        dot = {"radius": overlay.style.size / 2, "fillOpacity": overlay.style.fill_for("points")}
        OverlayData(_layer_features(overlay), style, icon, dot, pane).add_to(g)
        g.add_to(fmap)
        out.append(
            (overlay.legend_text, g, safe_color(overlay.style.colour), _legend_shape(overlay))
        )
    return out


class AnnotationData(VerbatimMacroElement):
    """Annotations: text labels as ``DivIcon``s (escaped text, centred on their point, a white halo) and arrows
    as a polyline with its head polygon, in their colours; arrows' text at their middle."""

    _template = LazyTemplate(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var layer = {{ this._parent.get_name() }};
            {{ this.data }}.forEach(function (a) {
                if (a.line) {
                    L.polyline(a.line, {color: a.colour, weight: 3, opacity: 0.95, interactive: false,
                                        className: "mapper-annotation-arrow"}).addTo(layer);
                    L.polygon(a.head, {color: a.colour, weight: 1, fillColor: a.colour, fillOpacity: 1,
                                       interactive: false, className: "mapper-annotation-head"}).addTo(layer);
                }
                if (a.text) {
                    var html = '<span class="mapper-annotation-text" style="position:absolute;' +
                        'transform:translate(-50%,-50%);white-space:nowrap;font-weight:600;color:' + a.colour +
                        ';font-size:' + a.size + 'px;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff">' +
                        a.text + "</span>";
                    L.marker(a.at, {icon: L.divIcon({html: html, className: "mapper-annotation",
                                                      iconSize: [0, 0], iconAnchor: [0, 0]}),
                                    interactive: false, keyboard: false}).addTo(layer);
                }
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, items: list[dict[str, Any]]) -> None:
        super().__init__()
        self._name = "AnnotationData"
        self.count = len(items)
        self.data = safe_json(items)


def _latlon(coords: Any) -> list[list[float]]:
    return [[round(y, DECIMALS), round(x, DECIMALS)] for x, y, *_ in coords]


def _annotation_item(a: Annotation) -> dict[str, Any]:
    lon, lat = a.anchor
    item: dict[str, Any] = {
        "text": safe_text(a.text),
        "colour": safe_color(a.colour),
        "size": round(float(a.size), 1),
        "at": [round(lat, DECIMALS), round(lon, DECIMALS)],
    }
    if a.kind == "arrow":
        item["line"] = _latlon(a.geometry.coords)
        if a.head is not None:
            item["head"] = _latlon(a.head.exterior.coords)
    return item


def add_annotations(
    fmap: folium.Map | folium.FeatureGroup, annotations: Sequence[Annotation]
) -> Layer | None:
    """The annotations as one ``FeatureGroup`` ("Annotations") added to ``fmap``; returns its legend layer, or
    ``None`` when there are none."""
    if not annotations:
        return None
    g = group(ANNOTATIONS)
    AnnotationData([_annotation_item(a) for a in annotations]).add_to(g)
    g.add_to(fmap)
    return (ANNOTATIONS, g, safe_color(annotations[0].colour), "line")

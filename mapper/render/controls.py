"""Our own small Leaflet controls, as folium ``MacroElement``s whose JS/CSS is inlined (no plugin, no CDN).

folium's ``MeasureControl``, ``Fullscreen``, ``MousePosition`` and ``GroupedLayerControl`` load their JS from CDNs
and no Python package ships those plugins' assets, so the few features we need are written here
(``templates/controls.js``, ``templates/controls.css``; added to the page head once, when the first control
renders). Add each control to the ``folium.Map`` itself (``ctl.add_to(m)``); the order does not matter, because
the controls are created once the page's scripts have run.

Text that reaches a control is either plain text (labels, headings; set with ``textContent`` in JS) or HTML that the
caller has built from ``safety.safe_text`` parts (panels). Both travel to JS through ``safety.safe_json``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import folium
from branca.element import Figure

from mapper.render.assets import LazyTemplate, RawHTML, VerbatimMacroElement, template_text
from mapper.render.safety import safe_color, safe_json, safe_text

__all__ = [
    "SWATCH_SHAPES",
    "CoordinatesControl",
    "Dock",
    "FitView",
    "FooterControl",
    "FullscreenControl",
    "GroupedLayerControl",
    "MeasureControl",
    "PanelControl",
    "ScaleControl",
    "TitlePanel",
    "add_control_assets",
]

_POSITIONS = {"topleft", "topright", "bottomleft", "bottomright"}
SWATCH_SHAPES = ("fill", "line", "dashed", "dotted", "point")
_JS_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_SCRIPT = """
{% macro script(this, kwargs) %}
mapper.whenReady(function () {
    {{ this.js_constructor }}.addTo({{ this._parent.get_name() }});
});
{% endmacro %}
"""


def add_control_assets(figure: Figure) -> None:
    """Put controls.js/controls.css into ``figure``'s head (idempotent: one copy whatever the number of controls)."""
    figure.header.add_child(
        RawHTML(
            f"<style>{template_text('controls.css')}</style>\n"
            f"<script>{template_text('controls.js')}</script>",
            name="MapperControlsAssets",
        ),
        name="mapper_controls_assets",
    )


def _position(position: str) -> str:
    if position not in _POSITIONS:
        raise ValueError(f"position must be one of {sorted(_POSITIONS)}, got {position!r}")
    return position


class _Control(VerbatimMacroElement):
    """Base: a Leaflet control built by ``js_constructor`` and added to the parent map once the page is ready."""

    _template = LazyTemplate(_SCRIPT)

    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = name

    @property
    def js_constructor(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca's stub says str; it returns None
        if not isinstance(self._parent, folium.Map):
            raise TypeError(f"{type(self).__name__} must be added to the folium.Map itself")
        add_control_assets(self.get_root())  # type: ignore[arg-type]  # a map's root is its Figure
        super().render(**kwargs)


class CoordinatesControl(_Control):
    """(a) The coordinates under the cursor, as ``Cursor (lat, lon): 48.46470 N, 35.04620 E``."""

    def __init__(self, position: str = "bottomleft", label: str = "Cursor (lat, lon)") -> None:
        super().__init__("MapperCoords")
        self.options = {"position": _position(position), "label": str(label)}

    @property
    def js_constructor(self) -> str:
        return f"new L.Control.MapperCoords({safe_json(self.options)})"


class FullscreenControl(_Control):
    """(b) A button that shows the map full screen (Fullscreen API); hidden where the browser lacks it."""

    def __init__(self, position: str = "topleft") -> None:
        super().__init__("MapperFullscreen")
        self.options = {"position": _position(position)}

    @property
    def js_constructor(self) -> str:
        return f"new L.Control.MapperFullscreen({safe_json(self.options)})"


class MeasureControl(_Control):
    """(c) Click points to measure a path; shows its geodesic length (WGS84, Vincenty's inverse, in JS) in km.

    In the page, ``window.mapper.geodesicInverse(lat1, lon1, lat2, lon2)`` (metres) and
    ``window.mapper.pathLength([[lat, lon], ...])`` are available too.
    """

    def __init__(self, position: str = "topleft", color: str = "#c2185b") -> None:
        super().__init__("MapperMeasure")
        self.options = {"position": _position(position), "color": safe_color(color)}

    @property
    def js_constructor(self) -> str:
        return f"new L.Control.MapperMeasure({safe_json(self.options)})"


class ScaleControl(_Control):
    """(e) Leaflet's own scale bar, metric only."""

    def __init__(self, position: str = "bottomleft", max_width: int = 150) -> None:
        super().__init__("MapperScale")
        self.options = {
            "position": _position(position),
            "metric": True,
            "imperial": False,
            "maxWidth": int(max_width),
        }

    @property
    def js_constructor(self) -> str:
        return f"L.control.scale({safe_json(self.options)})"


LayerItem = tuple  # (label, layer[, colour[, shape[, keys]]]); keys: ((label, colour, shape), ...)


class GroupedLayerControl(_Control):
    """(d) A panel with group headings and one checkbox per layer, with colour swatches: the categorical legend.

    ``groups`` is ``[(group_name, [(label, layer, colour, shape), ...]), ...]`` in display order, e.g.
    ``[("Basemap", [...]), ("Situation", [...]), ("Option A", [...])]``. ``layer`` is any folium layer
    (``FeatureGroup``, ``TileLayer``, ...) that is also added to the map (with ``show=False`` to start hidden);
    it is toggled with ``map.addLayer/removeLayer`` through its JS variable (``layer.get_name()``). ``colour`` is a
    CSS colour (validated) or ``None`` for no swatch; ``shape`` is one of ``SWATCH_SHAPES`` (default ``"fill"``).
    ``keys`` are legend-only rows under the item, ``(label, colour, shape)`` each, naming what else the one layer
    draws (a hub layer's links to its forces).
    Labels and group names are plain text (set with ``textContent``, never parsed as HTML).
    The control is a labelled region; its heading is a button that collapses it (``collapsed`` = start closed;
    closed on a phone-width screen; the user's choice is remembered in ``localStorage`` when the page may use it);
    checkboxes sit in a ``<fieldset>`` per group whose ``<legend>`` is a button collapsing the group (remembered
    too; the groups named in ``collapsed_groups`` start closed), so it works from the keyboard and with screen
    readers.
    """

    def __init__(
        self,
        groups: Sequence[tuple[str, Sequence[LayerItem]]],
        *,
        position: str = "topright",
        title: str = "Layers and legend",
        collapsed: bool = False,
        collapsed_groups: Sequence[str] = (),
    ) -> None:
        super().__init__("MapperLayers")
        self.options = {
            "position": _position(position),
            "title": str(title),
            "collapsed": bool(collapsed),
        }
        self.layers: list[Any] = []
        self.groups: list[dict[str, Any]] = []
        for group_name, items in groups:
            out = []
            for item in items:
                if not 2 <= len(item) <= 5:
                    raise ValueError(
                        f"layer item must be (label, layer[, colour[, shape[, keys]]]), got {item!r}"
                    )
                label, layer = item[0], item[1]
                if not hasattr(layer, "get_name"):
                    raise TypeError(f"not a folium layer: {layer!r}")
                self.layers.append(layer)
                entry = _swatch(label, *item[2:4])
                entry["layer"] = len(self.layers) - 1
                if len(item) > 4:
                    entry["keys"] = [_swatch(*key) for key in item[4]]
                out.append(entry)
            self.groups.append(
                {
                    "name": str(group_name),
                    "items": out,
                    "collapsed": group_name in collapsed_groups,
                }
            )

    @property
    def js_constructor(self) -> str:
        names = [layer.get_name() for layer in self.layers]
        for name in names:
            if not _JS_IDENT.fullmatch(name):
                raise ValueError(f"not a JS identifier: {name!r}")
        return (
            f"new L.Control.MapperLayers({safe_json(self.groups)}, [{', '.join(names)}], "
            f"{safe_json(self.options)})"
        )


def _swatch(label: str, colour: str | None = None, shape: str = "fill") -> dict[str, Any]:
    """A legend row's label and swatch (colour validated, ``None`` for none; one of ``SWATCH_SHAPES``)."""
    if shape not in SWATCH_SHAPES:
        raise ValueError(f"swatch shape must be one of {SWATCH_SHAPES}, got {shape!r}")
    return {"label": str(label), "color": safe_color(colour) if colour else None, "shape": shape}


class PanelControl(_Control):
    """A box on the map holding ``html``, which the caller has built from ``safe_text``-escaped parts.

    ``label`` names the region for screen readers; ``collapsible`` adds a hide/show button (the choice is
    remembered in ``localStorage`` when the page may use it; collapsed by default on a phone-width screen), which
    reads ``+ <collapsed_label>`` (default: ``label``) while the panel is collapsed.
    """

    def __init__(
        self,
        html: str,
        *,
        position: str = "topleft",
        class_name: str = "",
        label: str = "",
        collapsible: bool = False,
        collapsed_label: str = "",
    ) -> None:
        super().__init__("MapperPanel")
        if not re.fullmatch(r"[\w -]*", class_name):
            raise ValueError(f"bad class name {class_name!r}")
        self.options = {
            "position": _position(position),
            "html": str(html),
            "className": class_name,
            "label": str(label),
            "collapsible": bool(collapsible),
            "collapsedLabel": str(collapsed_label),
        }

    @property
    def js_constructor(self) -> str:
        return f"new L.Control.MapperPanel({safe_json(self.options)})"


class TitlePanel(PanelControl):
    """The title panel: title (an ``<h1>``), date, summary and a collapsible list of assumptions.

    Every argument is HTML already escaped with ``safe_text`` (``assumptions_html`` may also be a sequence of such
    strings, one list item each).
    """

    def __init__(
        self,
        title_html: str,
        date_html: str = "",
        summary_html: str = "",
        assumptions_html: str | Sequence[str] = "",
        *,
        position: str = "topleft",
        assumptions_label: str = "Assumptions",
    ) -> None:
        parts = [f'<h1 class="mapper-title">{title_html}</h1>']
        if date_html:
            parts.append(f'<p class="mapper-date">{date_html}</p>')
        if summary_html:
            parts.append(f'<p class="mapper-summary">{summary_html}</p>')
        if assumptions_html:
            if not isinstance(assumptions_html, str):
                assumptions_html = (
                    "<ul>" + "".join(f"<li>{a}</li>" for a in assumptions_html) + "</ul>"
                )
            parts.append(
                f"<details><summary>{safe_text(assumptions_label)}</summary>{assumptions_html}</details>"
            )
        super().__init__(
            "".join(parts),
            position=position,
            class_name="mapper-title-panel",
            label="Map title and summary",
            collapsible=True,
            collapsed_label="Title and summary",
        )


class FooterControl(PanelControl):
    """The footer: front-line date/source/accuracy and data credits, each HTML already escaped with ``safe_text``
    (links with ``safe_href``); collapsible like the title panel (collapsed by default on a phone-width screen)."""

    def __init__(
        self, front_line_html: str = "", credits_html: str = "", *, position: str = "bottomright"
    ) -> None:
        parts = [
            f'<p class="mapper-footer-{k}">{v}</p>'
            for k, v in (("front", front_line_html), ("credits", credits_html))
            if v
        ]
        super().__init__(
            "".join(parts),
            position=position,
            class_name="mapper-footer",
            label="Sources and accuracy",
            collapsible=True,
        )


class Dock(_Control):
    """Panels beside the map, never over it (``mapper.dock`` in ``controls.js``): the title panel, the legend and
    the footer move into a rail beside the map (below it on a phone-width screen) and the small tools (zoom,
    measure, full screen, scale, cursor position) into a toolbar above it, so no force is ever under a control,
    at any zoom. Add it after the controls and before ``FitView``."""

    _template = LazyTemplate(
        """
        {% macro script(this, kwargs) %}
        mapper.whenReady(function () { mapper.dock({{ this._parent.get_name() }}); });
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__("MapperDock")


class FitView(_Control):
    """The initial view (``mapper.fitView`` in ``controls.js``), once every control is on the map: the highest
    zoom (at most ``max_zoom``) at which ``bounds`` (``[[south, west], [north, east]]``) fit the map and no marker
    (with its label when there is room) lies under a control or off the map, centred as near as possible to the
    middle of the largest rectangle the controls leave free. The map's container then has
    ``data-mapper-view="fitted"``. Add it to the map after the controls."""

    _template = LazyTemplate(
        """
        {% macro script(this, kwargs) %}
        mapper.whenReady(function () {
            // a turn later: after the labels' own first layout (layers.Declutter), which it measures
            setTimeout(function () {
                mapper.fitView({{ this._parent.get_name() }}, {{ this.bounds }}, {{ this.options }});
            }, 0);
        });
        {% endmacro %}
        """
    )

    def __init__(self, bounds: Sequence[Sequence[float]], *, max_zoom: int = 8) -> None:
        super().__init__("MapperFitView")
        (south, west), (north, east) = bounds
        self.bounds = safe_json([[float(south), float(west)], [float(north), float(east)]])
        self.options = safe_json({"maxZoom": int(max_zoom)})

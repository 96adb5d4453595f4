"""The map's layers, one function per layer kind: basemap, situation (front line, occupied area, bands, hostile
territory) and one group per option (forces, coverage rings, lines, areas, zones, hubs).

Vector data goes into the page as compact GeoJSON (``GeoJsonData``: coordinates rounded to what a screen can
show, styles given once per layer instead of once per feature). Every piece of text that reaches the page is
escaped with ``mapper.render.safety`` here, at the boundary, before folium sees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import folium
from shapely.geometry.base import BaseGeometry

from mapper import placelabels
from mapper.analysis import SiteMetrics
from mapper.features import OptionFeatures
from mapper.pipeline import Prepared
from mapper.render.assets import LazyTemplate, RawHTML, VerbatimMacroElement, template_text
from mapper.render.featuretext import DECIMALS, feature, features
from mapper.render.safety import safe_color, safe_json, safe_text
from mapper.scenario import Option, Scenario
from mapper.style import FRONT_COLOUR, HOSTILE_COLOUR, OCCUPIED_COLOUR, band_colour
from mapper.textlayout import countries_words, coverage_words, front_km, hostile_km, zone_words

BASEMAP_TOLERANCE = 0.01  # degrees, ~1 km: outline simplification for the basemap at theatre scale
OVERLAY_TOLERANCE = 0.002


class GeoJsonData(VerbatimMacroElement):
    """``L.geoJSON(data)`` with one style for the whole layer, added to a parent folium layer.

    ``tooltip``/``popup`` name a feature property whose (already escaped) HTML is bound to each feature.
    """

    _template = LazyTemplate(
        """
        {% macro script(this, kwargs) %}
        L.geoJSON({{ this.data }}, {
            style: function () { return {{ this.style }}; },
            interactive: {{ this.interactive }},
            onEachFeature: function (f, l) {
                var p = f.properties || {};
                {%- if this.tooltip %}
                if (p[{{ this.tooltip }}]) { l.bindTooltip(p[{{ this.tooltip }}], {sticky: true}); }
                {%- endif %}
                {%- if this.popup %}
                if (p[{{ this.popup }}]) { l.bindPopup(p[{{ this.popup }}]); }
                {%- endif %}
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        features: list[str],
        style: dict[str, Any],
        *,
        tooltip: str | None = None,
        popup: str | None = None,
    ) -> None:
        super().__init__()
        self._name = "GeoJsonData"
        self.count = len(features)
        # features are JSON texts from ``features()``: geometry numbers from shapely, properties via safe_json
        self.data = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
        self.style = safe_json(style)
        self.tooltip = safe_json(tooltip) if tooltip else ""
        self.popup = safe_json(popup) if popup else ""
        self.interactive = "true" if (tooltip or popup) else "false"


def group(name: str, show: bool = True) -> folium.FeatureGroup:
    return folium.FeatureGroup(name=safe_text(name), show=show, control=False)


# -------------------------------------------------------------------------------------------------------------
# Basemap


Layer = tuple[
    str, folium.FeatureGroup, str | None, str
]  # (legend label, group, swatch colour, swatch shape)


def basemap_layers(
    m: folium.Map, *, opaque: bool = True, front_line: BaseGeometry | None = None
) -> list[Layer]:
    """Countries (NATO members tinted blue), regions, rivers and lakes, and place labels.

    ``opaque=False`` (over online tiles) tints the countries instead of painting over the tiles. ``front_line``
    (the scenario's line of contact; the bundled line when ``None``) decides which towns are front-zone towns,
    labelled at the default view (``mapper.placelabels``)."""
    from mapper.render.basemap import basemap_features

    data = basemap_features()
    fill_opacity = 1 if opaque else 0.25
    countries = group("Countries")
    for key, fill, edge, weight in (
        ("other", "#f1efe9", "#9a9a9a", 0.8),
        ("nato", "#e3ecf7", "#6d8fb8", 0.8),
        ("ukraine", "#fbfaf5", "#333333", 1.5),
    ):
        GeoJsonData(
            data[key],
            {"color": edge, "weight": weight, "fillColor": fill, "fillOpacity": fill_opacity},
            tooltip="name",
        ).add_to(countries)
    regions = group("Regions (oblasts)")
    GeoJsonData(data["regions"], {"color": "#a8a8a8", "weight": 0.6, "dashArray": "3 3"}).add_to(
        regions
    )
    water = group("Rivers and lakes")
    GeoJsonData(
        data["lakes"],
        {"color": "#6fa8dc", "weight": 0.5, "fillColor": "#bcd7ef", "fillOpacity": 1},
        tooltip="name",
    ).add_to(water)
    GeoJsonData(data["rivers"], {"color": "#6fa8dc", "weight": 1.2}, tooltip="name").add_to(water)
    places = place_labels(front_line)
    for g in (countries, regions, water, places):
        g.add_to(m)
    Declutter().add_to(m)
    return [
        ("Countries (NATO members blue)", countries, "#e3ecf7", "fill"),
        ("Regions (oblasts)", regions, "#a8a8a8", "dashed"),
        ("Rivers and lakes", water, "#6fa8dc", "line"),
        ("Places", places, "#444444", "point"),
    ]


class Declutter(VerbatimMacroElement):
    """Labels without collisions and co-located units grouped, on the parent map (``templates/declutter.js``, whose
    header says how); its JS and CSS go into the page head once, whatever the number of maps."""

    _template = LazyTemplate(
        """
        {% macro script(this, kwargs) %}
        mapperDeclutter({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "Declutter"

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca's stub says str; it returns None
        self.get_root().header.add_child(  # type: ignore[attr-defined]  # a map's root is its Figure
            RawHTML(
                f"<style>{template_text('declutter.css')}</style>\n"
                f"<script>{template_text('declutter.js')}</script>",
                name="MapperDeclutterAssets",
            ),
            name="mapper_declutter_assets",
        )
        super().render(**kwargs)


class PlaceLabels(VerbatimMacroElement):
    """Populated places as a dot and a name in their own pane (under the overlays, so they never hide a force),
    thinning out as the map zooms out: a place of tier ``t`` shows from zoom ``tiers[t]``. Which places, from
    which zoom and on which side of the dot is ``mapper.placelabels``' rule; priority places (oblast centres,
    capitals, front-zone towns) are drawn above the others, bigger ones above smaller (``zIndexOffset`` by size
    class), so where front-zone names crowd (the Donbas at zoom 6) the bigger town's name is the one on top."""

    _template = LazyTemplate(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var layer = {{ this._parent.get_name() }};
            var map = {{ this._parent._parent.get_name() }};
            var tiers = {{ this.tiers }};
            if (!map.getPane("mapper-places")) {
                map.createPane("mapper-places").style.zIndex = 450;
            }
            {{ this.data }}.forEach(function (p, i) {
                var icon = L.divIcon({
                    className: "mapper-place mapper-place-t" + p[3] + " mapper-place-s" + p[5] +
                               " mapper-place-" + p[4] + (p[6] ? " mapper-place-key" : ""),
                    html: '<i class="mapper-place-dot"></i><span class="mapper-place-name" data-rank="' + i +
                          '">' + p[0] + "</span>",
                    iconSize: [0, 0], iconAnchor: [0, 0]});
                L.marker([p[1], p[2]], {icon: icon, pane: "mapper-places", interactive: false,
                                        keyboard: false, zIndexOffset: p[6] ? 1000 * (4 - p[5]) : 0})
                    .addTo(layer);
            });
            function update() {
                var z = map.getZoom(), el = map.getContainer();
                for (var t = 0; t < tiers.length; t++) {
                    el.classList.toggle("mapper-hide-t" + t, z < tiers[t]);
                }
            }
            map.on("zoomend", update);
            update();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, places: list[list[Any]], tiers: list[int]) -> None:
        super().__init__()
        self._name = "PlaceLabels"
        self.count = len(places)
        self.data = safe_json(places)
        self.tiers = safe_json(tiers)


# the zoom from which each label tier shows (the tiers themselves are mapper.placelabels' rule)
PLACE_TIERS = placelabels.TIER_ZOOMS


def place_labels(front_line: BaseGeometry | None = None) -> folium.FeatureGroup:
    """The "Places" group: ``mapper.placelabels.place_labels`` for the scenario's line of contact (the bundled
    line when ``None``) as ``PlaceLabels`` rows ``[name, lat, lon, tier, side, size, priority]``."""
    if front_line is None:
        from mapper.frontline import bundled_front_line

        front_line = bundled_front_line().line
    rows = [
        [
            safe_text(p.name),
            round(p.lat, DECIMALS),
            round(p.lon, DECIMALS),
            PLACE_TIERS.index(p.zoom),
            p.side,
            p.size,
            1 if p.priority else 0,
        ]
        for p in placelabels.place_labels(front_line)
    ]
    g = group("Places")
    PlaceLabels(rows, list(PLACE_TIERS)).add_to(g)
    return g


# -------------------------------------------------------------------------------------------------------------
# Situation


def situation_groups(m: folium.Map, prepared: Prepared) -> list[tuple[str, list[Layer]]]:
    """The situation's legend groups: "Situation" (front line with its date and source, occupied area, the hostile
    ground the scenario names) and the distance bands under a heading saying what they measure
    (``features.band_basis``). Every layer is added to ``m`` here, bands under the line."""
    from mapper.features import band_basis

    scenario = prepared.scenario
    front = scenario.front
    hostile, hostile_entry = hostile_ground_group(scenario)

    occupied = group("Occupied area")
    if front.occupied is not None and not front.occupied.is_empty:
        GeoJsonData(
            feature(
                front.occupied, OVERLAY_TOLERANCE, name=safe_text(f"Occupied area ({front.date})")
            ),
            {
                "color": OCCUPIED_COLOUR,
                "weight": 0,
                "fillColor": OCCUPIED_COLOUR,
                "fillOpacity": 0.22,
            },
            tooltip="name",
        ).add_to(occupied)

    # one group per band: each is its own legend entry with its colour and meaning, and can be hidden alone
    basis = band_basis(scenario)
    band_items: list[Layer] = []
    for b in prepared.features.bands:
        colour = band_colour(b.index)
        band = group(f"Band {b.title}")
        GeoJsonData(
            feature(b.geometry, OVERLAY_TOLERANCE, name=safe_text(f"{b.title} — {basis}")),
            {"color": colour, "weight": 0.5, "fillColor": colour, "fillOpacity": 0.35},
            tooltip="name",
        ).add_to(band)
        band_items.append((b.title, band, colour, "fill"))

    line = group("Front line")
    label = safe_text(f"Front line as of {front.date} — {front.source} ({front.accuracy})")
    GeoJsonData(
        feature(front.line, 0.0, name=label),
        {"color": FRONT_COLOUR, "weight": 3.5, "opacity": 0.95},
        tooltip="name",
    ).add_to(line)

    for g in (hostile, occupied, *(b[1] for b in band_items), line):
        g.add_to(m)
    situation: list[Layer] = [
        (f"Front line ({front.date})", line, FRONT_COLOUR, "line"),
        ("Occupied area", occupied, OCCUPIED_COLOUR, "fill"),
    ]
    if hostile_entry is not None:
        situation.append(hostile_entry)
    return [("Situation", situation), (basis, band_items)]


def hostile_ground_group(scenario: Any) -> tuple[folium.FeatureGroup, Layer | None]:
    """The group of the hostile ground the scenario's threat names (Russia, Belarus ...), shaded grey, and its
    legend entry (``None`` when the threat names no ground: the group stays empty)."""
    from mapper.features import hostile_ground
    from mapper.textlayout import hostile_ground_name

    ground_name = hostile_ground_name(scenario)
    ground = hostile_ground(scenario)
    hostile = group(ground_name or "Hostile territory")
    if ground is None:
        return hostile, None
    GeoJsonData(
        feature(ground, BASEMAP_TOLERANCE, name=safe_text(ground_name)),
        {"color": HOSTILE_COLOUR, "weight": 0.5, "fillColor": HOSTILE_COLOUR, "fillOpacity": 0.25},
        tooltip="name",
    ).add_to(hostile)
    return hostile, (ground_name, hostile, HOSTILE_COLOUR, "fill")


def situation_layers(m: folium.Map, prepared: Prepared) -> list[Layer]:
    """Every situation layer in one list (front line, occupied area, bands, hostile ground), for maps that show
    them as one group (the comparison's)."""
    return [item for _, items in situation_groups(m, prepared) for item in items]


# -------------------------------------------------------------------------------------------------------------
# Options


def _yes_no(ok: bool) -> str:
    return "yes" if ok else "<strong>NO</strong>"


def force_popup(site: SiteMetrics, option: Option, scenario: Scenario) -> str:
    """The popup of a force or hub: every distance, with units, and whether it meets the constraints."""
    rows = [
        ("Option", safe_text(option.name)),
        ("Nation", safe_text(site.nation or "–")),
    ]
    if site.kind == "force":
        rows.append(("Troops", f"{site.troops:,}"))
    rows += [
        ("Role", safe_text((site.role or "–").replace("_", " "))),
        ("Location", safe_text(site.location) + f" ({site.lat:.4f} N, {site.lon:.4f} E)"),
        ("Distance to front line", safe_text(front_km(site))),
        ("Band", safe_text(site.band)),
        ("To hostile territory", safe_text(hostile_km(site))),
        ("To nearest NATO border", f"{site.distance_to_nato_border_km:,.1f} km"),
    ]
    if site.nearest_hub is not None:
        rows.append(
            (
                "Nearest hub",
                f"{safe_text(site.nearest_hub)} ({site.distance_to_nearest_hub_km:,.1f} km)",
            )
        )
    if site.range_km:
        cover = coverage_words(
            scenario, site.population_covered, site.population_covered_by_country
        )
        rows.append(("Coverage ring", f"{site.range_km:g} km; " + safe_text(cover)))
        if site.kind == "force":
            rows.append(("Covers", safe_text(", ".join(covered_key_sites(site)) or "no key site")))
    verdict = _yes_no(site.meets_constraints)
    if site.violations:
        verdict += ": " + safe_text("; ".join(site.violations))
    if site.exemptions:
        verdict += " — " + safe_text("; ".join(site.exemptions))
    rows.append(("Meets constraints", verdict))
    body = "".join(f"<tr><th scope='row'>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<div class='mapper-popup'><h3>{safe_text(site.name)}</h3><table>{body}</table></div>"


def covered_key_sites(site: SiteMetrics) -> list[str]:
    """The bundled key sites inside a force's ring, in file order (``mapper.protection``'s rule and figures)."""
    from mapper.keysites import all_sites
    from mapper.protection import _ring_matrix

    sites = all_sites()
    inside = _ring_matrix([site.force], sites)[0]
    return [s.name for s, held in zip(sites, inside, strict=True) if held]


def _site_icon(site: SiteMetrics, colour: str) -> folium.DivIcon:
    """The APP-6 symbol with the site's name (and troops), underlined in the option's colour.

    A site at a labelled place (``placelabels.dot_near``: Kyiv, Odesa ...) is drawn above-right of its point,
    its label beside it, with a leader and a small ring at the true position, so the place's dot stays visible
    and the position stays exact; elsewhere the symbol is centred on its point with the label underneath.
    Sites at the same spot (a city's protection force and its air defence) are drawn where they are: the page
    groups symbols that touch at the current zoom into one stack that spreads on click
    (``templates/declutter.js``), which reads the site's kind and troops (its label priority) from ``data-``.
    """
    w, h, ax, ay, unit = _symbol(site)
    data = (
        f"data-kind='{'force' if site.kind == 'force' else 'hub'}' data-troops='{int(site.troops)}'"
    )
    style = f"style='--opt:{safe_color(colour)}'"
    if not placelabels.dot_near(site.lat, site.lon):
        html = f"<div class='mapper-site' {data} {style}>{unit}</div>"
        return SiteIcon(
            html=html, icon_size=(w, h), icon_anchor=(ax, ay), class_name="mapper-unit-icon"
        )
    gap = 7  # px from the true point to the symbol's nearest corner: clear of a place's dot
    # one label size for every site (a typical two-line label, px): sites at one spot take one corner
    corner = placelabels.beside_corner(site.lat, site.lon, (w, h), (150, 31), gap)
    # the true point, in the icon's own pixels (its top-left is 0, 0)
    px = -gap if "r" in corner else w + gap
    py = h + gap if "t" in corner else -gap
    left, top = min(px, ax), min(py, ay)
    leader = (
        f"<svg class='mapper-leader' width='{abs(ax - px)}' height='{abs(ay - py)}' "
        f"style='left:{left}px;top:{top}px' aria-hidden='true'>"
        f"<line x1='{px - left}' y1='{py - top}' x2='{ax - left}' y2='{ay - top}'/></svg>"
        f"<i class='mapper-site-anchor' style='left:{px}px;top:{py}px'></i>"
    )
    html = (
        f"<div class='mapper-site mapper-site-beside mapper-site-{corner}' {data} {style}>"
        f"{leader}{unit}</div>"
    )
    return SiteIcon(
        html=html, icon_size=(w, h), icon_anchor=(px, py), class_name="mapper-unit-icon"
    )


def _symbol(site: SiteMetrics) -> tuple[int, int, int, int, str]:
    """The site's symbol size (w, h), its anchor (ax, ay) and its labelled HTML."""
    from mapper import app6
    from mapper.render import symbols

    if site.kind == "force":
        force = site.force
        sidc = force.sidc or app6.sidc_for(force.kind, force.echelon)
        lines = [site.name, f"{site.troops:,} troops"]
    else:
        sidc = app6.sidc_for("logistics", None)
        lines = [site.name + " (hub)"]
    (w, h), (ax, ay) = app6.symbol_anchor(sidc, SYMBOL_SIZE)
    return int(w), int(h), int(ax), int(ay), symbols.unit_icon_html(sidc, lines, SYMBOL_SIZE)


def site_tooltip(site: SiteMetrics, option: Option) -> str:
    """The hover text of a force or hub: name, troops (forces), distance to the front line with its accuracy,
    and the option; built from ``safe_text`` parts."""
    lines = [f"<strong>{safe_text(site.name)}</strong>" + (" (hub)" if site.kind == "hub" else "")]
    if site.kind == "force":
        lines.append(f"{site.troops:,} troops")
    lines.append(safe_text(front_km(site)) + " from the front line")
    lines.append(f"Option: {safe_text(option.name)}")
    return "<br>".join(lines)


def _tooltip_offset(icon: folium.DivIcon) -> tuple[int, int]:
    """From a marker's point to the top centre of its symbol, px: where its tooltip points."""
    options: dict[str, Any] = dict(icon.options)
    (w, _h), (ax, ay) = options["icon_size"], options["icon_anchor"]
    return (round(w / 2 - ax), -int(ay))


SYMBOL_SIZE = 26


def option_layers(m: folium.Map, of: OptionFeatures, scenario: Scenario) -> list[Layer]:
    """One group of layers per option, in the option's colour: areas and zones, lines, coverage rings, hubs
    with the links from each force to its nearest hub, and the forces as APP-6 symbols with popups and hover
    tooltips. Co-located sites are drawn where they are and grouped on the page, at each zoom (``Declutter``)."""
    colour = safe_color(of.option.colour)
    items = [
        _shapes_layer(m, of, colour),
        _lines_layer(m, of, colour),
        _rings_layer(m, of, scenario, colour),
        _hubs_layer(m, of, scenario, colour),
        _forces_layer(m, of, scenario, colour),
    ]
    return [item for item in items if item is not None]


def _named_shapes(
    parent: Any,
    items: Sequence[tuple[BaseGeometry, str]],
    style: dict[str, Any],
    tolerance: float = 0.0,
) -> None:
    """One ``GeoJsonData`` of shapes, each with its (escaped) name as a tooltip, added to ``parent``."""
    GeoJsonData(
        features([g for g, _ in items], [{"name": safe_text(t)} for _, t in items], tolerance),
        style,
        tooltip="name",
    ).add_to(parent)


def _shapes_layer(m: folium.Map, of: OptionFeatures, colour: str) -> Layer | None:
    if not (of.areas or of.zones):
        return None
    shapes = group(f"{of.option.name}: areas and zones")
    fill = {"color": colour, "fillColor": colour}
    _named_shapes(
        shapes,
        [(a.geometry, f"{a.area.name} ({a.area.how})") for a in of.areas],
        {**fill, "weight": 1.5, "fillOpacity": 0.12, "dashArray": "6 4"},
        OVERLAY_TOLERANCE,
    )
    _named_shapes(
        shapes,
        [(z.geometry, zone_words(z.zone)) for z in of.zones],
        {**fill, "weight": 1, "fillOpacity": 0.25, "dashArray": "2 4"},
        OVERLAY_TOLERANCE,
    )
    shapes.add_to(m)
    return ("Areas and zones", shapes, colour, "dashed")


def _lines_layer(m: folium.Map, of: OptionFeatures, colour: str) -> Layer | None:
    if not of.lines:
        return None
    lines = group(f"{of.option.name}: lines")
    for lf in of.lines:
        style: dict[str, Any] = {"color": colour, "weight": 5 if lf.heavy else 3, "opacity": 0.85}
        if lf.dashed:
            style["dashArray"] = "8 6"
        _named_shapes(
            lines,
            [(lf.geometry, f"{lf.line.name}: {lf.line.how}, {lf.length_km:,.0f} km")],
            style,
            OVERLAY_TOLERANCE,
        )
    lines.add_to(m)
    return ("Lines and routes", lines, colour, "line")


def _rings_layer(
    m: folium.Map, of: OptionFeatures, scenario: Scenario, colour: str
) -> Layer | None:
    if not of.rings:
        return None
    rings = group(f"{of.option.name}: coverage rings")
    _named_shapes(
        rings,
        [
            (
                r.geometry,
                f"{r.force.name}: {r.radius_km:g} km ring, population "
                f"{r.site.population_covered or 0:,} ({countries_words(scenario.coverage_countries)})",
            )
            for r in of.rings
        ],
        {"color": colour, "weight": 1.5, "fillColor": colour, "fillOpacity": 0.06},
    )
    rings.add_to(m)
    return ("Coverage rings", rings, colour, "dashed")


def _hubs_layer(
    m: folium.Map,
    of: OptionFeatures,
    scenario: Scenario,
    colour: str,
) -> Layer | None:
    if not of.hubs:
        return None
    hubs = group(f"{of.option.name}: hubs and links")
    _named_shapes(
        hubs,
        [(k.geometry, f"{k.force.name} → {k.hub.name}: {k.km:,.0f} km") for k in of.links],
        {"color": colour, "weight": 1, "dashArray": "2 5", "opacity": 0.8},
    )
    for s in of.hubs:
        _marker(s, of.option, scenario, colour).add_to(hubs)
    hubs.add_to(m)
    return ("Hubs and links", hubs, colour, "point")


def _forces_layer(
    m: folium.Map,
    of: OptionFeatures,
    scenario: Scenario,
    colour: str,
) -> Layer | None:
    if not of.forces:
        return None
    forces = group(f"{of.option.name}: forces")
    for s in of.forces:
        _marker(s, of.option, scenario, colour).add_to(forces)
    forces.add_to(m)
    return (f"Forces ({of.result.summary.troops:,} troops)", forces, colour, "point")


def _marker(site: SiteMetrics, option: Option, scenario: Scenario, colour: str) -> folium.Marker:
    icon = _site_icon(site, colour)
    marker = SiteMarker([site.lat, site.lon], icon=icon, keyboard=True)
    SitePopup(
        force_popup(site, option, scenario), site_tooltip(site, option), _tooltip_offset(icon)
    ).add_to(marker)
    return marker


# A marker's script, its icon's and their SetIcon were wrapped by branca in ``Element(text)``, which compiles each
# as a new Jinja template: three compilations per site, most of a 2,000-site render. These are folium's own
# classes (same templates, names and ids, so the same bytes) whose rendered scripts go into the page verbatim.
_CAMEL: dict[str, str] = {}  # branca's name of each element class name, computed once


def _camel(name: str) -> str:
    if name not in _CAMEL:
        from branca.utilities import _camelify

        _CAMEL[name] = _camelify(name)
    return _CAMEL[name]


class _SiteElement(VerbatimMacroElement):
    """Rendered verbatim, and named as branca names elements (``get_name``) with the class part cached: each
    site's templates ask for names some fifteen times."""

    def get_name(self) -> str:
        return _camel(self._name) + "_" + self._id


class SiteIcon(_SiteElement, folium.DivIcon):
    """``folium.DivIcon``, rendered verbatim."""


class _SetIcon(_SiteElement, folium.Marker.SetIcon):
    """``folium.Marker.SetIcon``, rendered verbatim (still dropped by ``page`` before a second render)."""


class SiteMarker(_SiteElement, folium.Marker):
    """``folium.Marker``, rendered verbatim, with its ``SetIcon`` likewise."""

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # as VerbatimMacroElement.render
        if self.icon:
            self.add_child(_SetIcon(marker=self, icon=self.icon))
        super().render(**kwargs)


class SitePopup(_SiteElement):
    """A force's or hub's popup and hover tooltip, bound with Leaflet's ``bindPopup``/``bindTooltip``. The HTML is
    built from ``safe_text`` parts and travels as JSON strings; unlike ``folium.Popup``/``folium.Tooltip`` nothing
    here is compiled or rendered as a template."""

    _template = LazyTemplate(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindPopup({{ this.html }}, {maxWidth: 380});
        {%- if this.tooltip %}
        {{ this._parent.get_name() }}.bindTooltip({{ this.tooltip }},
            {direction: "top", offset: {{ this.offset }}, className: "mapper-site-tip"});
        {%- endif %}
        {% endmacro %}
        """
    )

    def __init__(self, html: str, tooltip: str = "", offset: tuple[int, int] = (0, 0)) -> None:
        super().__init__()
        self._name = "SitePopup"
        self.html = safe_json(html)
        self.tooltip = safe_json(tooltip) if tooltip else ""
        self.offset = safe_json([int(offset[0]), int(offset[1])])

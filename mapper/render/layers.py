"""The map's layers, one function per layer kind: basemap, situation (front line, occupied area, bands, hostile
territory) and one group per option (forces, coverage rings, lines, areas, zones, hubs).

Vector data goes into the page as compact GeoJSON (``GeoJsonData``: coordinates rounded to what a screen can
show, styles given once per layer instead of once per feature). Every piece of text that reaches the page is
escaped with ``mapper.render.safety`` here, at the boundary, before folium sees it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import folium
import numpy as np
import shapely
from branca.element import MacroElement
from folium.template import Template
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from mapper.analysis import OptionAnalysis, ScenarioAnalysis, SiteMetrics
from mapper.render.safety import safe_color, safe_json, safe_text
from mapper.scenario import Option, Scenario

# Display precision: 4 decimals is ~10 m, far below a screen pixel at the zooms this map is for.
DECIMALS = 4
BASEMAP_TOLERANCE = 0.01  # degrees, ~1 km: outline simplification for the basemap at theatre scale
OVERLAY_TOLERANCE = 0.002

FRONT_COLOUR = "#d7191c"
OCCUPIED_COLOUR = "#d7191c"
HOSTILE_COLOUR = "#6b6b6b"
BAND_COLOURS = ("#fdae61", "#fee08b", "#e6f598", "#abdda4", "#ddf1da", "#eef7ee")


class GeoJsonData(MacroElement):
    """``L.geoJSON(data)`` with one style for the whole layer, added to a parent folium layer.

    ``tooltip``/``popup`` name a feature property whose (already escaped) HTML is bound to each feature.
    """

    _template = Template(
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
        features: list[dict[str, Any]],
        style: dict[str, Any],
        *,
        tooltip: str | None = None,
        popup: str | None = None,
    ) -> None:
        super().__init__()
        self._name = "GeoJsonData"
        self.count = len(features)
        self.data = safe_json({"type": "FeatureCollection", "features": features})
        self.style = safe_json(style)
        self.tooltip = safe_json(tooltip) if tooltip else ""
        self.popup = safe_json(popup) if popup else ""
        self.interactive = "true" if (tooltip or popup) else "false"


def _round(geom: BaseGeometry, tolerance: float = 0.0) -> dict[str, Any]:
    if tolerance:
        geom = shapely.simplify(geom, tolerance, preserve_topology=True)
    geom = shapely.set_precision(geom, 10**-DECIMALS)
    return mapping(geom)


def feature(geom: BaseGeometry, tolerance: float = 0.0, **props: Any) -> dict[str, Any] | None:
    if geom is None or geom.is_empty:
        return None
    g = _round(geom, tolerance)
    return {"type": "Feature", "geometry": g, "properties": props}


def _features(items: Iterable[dict[str, Any] | None]) -> list[dict[str, Any]]:
    return [f for f in items if f is not None]


def group(name: str, show: bool = True) -> folium.FeatureGroup:
    return folium.FeatureGroup(name=safe_text(name), show=show, control=False)


# -------------------------------------------------------------------------------------------------------------
# Basemap


@lru_cache(maxsize=1)
def _basemap_features() -> dict[str, list[dict[str, Any]]]:
    """Simplified, rounded basemap features, computed once per process (they do not depend on the scenario)."""
    from mapper import geodata

    countries = geodata.countries()
    out: dict[str, list[dict[str, Any]]] = {"nato": [], "other": [], "ukraine": []}
    for row in countries.itertuples():
        key = "ukraine" if row.iso3 == "UKR" else ("nato" if row.nato else "other")
        label = safe_text(row.name) + (" (NATO)" if row.nato else "")
        out[key].append(feature(row.geometry, BASEMAP_TOLERANCE, name=label))
    regions = geodata.regions()
    out["regions"] = _features(
        feature(r.geometry.boundary, BASEMAP_TOLERANCE, name=safe_text(r.name))
        for r in regions.itertuples()
    )
    rivers = geodata.rivers()
    out["rivers"] = _features(
        feature(
            r.geometry, OVERLAY_TOLERANCE, name=safe_text(r.name) if isinstance(r.name, str) else ""
        )
        for r in rivers.itertuples()
    )
    lakes = geodata.lakes()
    out["lakes"] = _features(
        feature(
            r.geometry, OVERLAY_TOLERANCE, name=safe_text(r.name) if isinstance(r.name, str) else ""
        )
        for r in lakes.itertuples()
    )
    return {k: [f for f in v if f is not None] for k, v in out.items()}


def basemap_layers(m: folium.Map) -> list[tuple[str, folium.FeatureGroup, str | None, str]]:
    """Countries (NATO members tinted blue), regions, rivers and lakes, and place labels."""
    data = _basemap_features()
    countries = group("Countries")
    GeoJsonData(
        data["other"],
        {"color": "#9a9a9a", "weight": 0.8, "fillColor": "#f1efe9", "fillOpacity": 1},
        tooltip="name",
    ).add_to(countries)
    GeoJsonData(
        data["nato"],
        {"color": "#6d8fb8", "weight": 0.8, "fillColor": "#e3ecf7", "fillOpacity": 1},
        tooltip="name",
    ).add_to(countries)
    GeoJsonData(
        data["ukraine"],
        {"color": "#333333", "weight": 1.5, "fillColor": "#fbfaf5", "fillOpacity": 1},
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
    places = place_labels()
    for g in (countries, regions, water, places):
        g.add_to(m)
    return [
        ("NATO members", countries, "#e3ecf7", "fill"),
        ("Regions (oblasts)", regions, "#a8a8a8", "dashed"),
        ("Rivers and lakes", water, "#6fa8dc", "line"),
        ("Places", places, "#444444", "point"),
    ]


class PlaceLabels(MacroElement):
    """Populated places as small dots with permanent labels that thin out by population as the map zooms out."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var layer = {{ this._parent.get_name() }};
            var map = {{ this._parent._parent.get_name() }};
            var places = {{ this.data }};
            var tiers = {{ this.tiers }};
            places.forEach(function (p) {
                var m = L.circleMarker([p[1], p[2]], {radius: p[3] > 2 ? 3 : 2, weight: 1,
                    color: "#444", fillColor: "#fff", fillOpacity: 1, interactive: false});
                m.bindTooltip(p[0], {permanent: true, direction: "right", offset: [4, 0],
                    className: "mapper-place mapper-place-t" + p[3]});
                m.addTo(layer);
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


# population thresholds of the label tiers, and the zoom from which each tier shows
PLACE_TIERS = ((1_000_000, 5), (300_000, 6), (100_000, 7), (40_000, 8), (15_000, 9))


def place_labels() -> folium.FeatureGroup:
    from mapper import geodata

    places = geodata.places()
    ua = places["country"] == "UA"
    keep = places[
        (ua & (places["population"] >= PLACE_TIERS[-1][0])) | (places["population"] >= 100_000)
    ]
    keep = keep.sort_values(["population", "name"], ascending=[False, True])
    rows = []
    for p in keep.itertuples():
        tier = next(
            i
            for i, (pop, _) in enumerate(PLACE_TIERS)
            if p.population >= pop or i == len(PLACE_TIERS) - 1
        )
        rows.append(
            [safe_text(p.name), round(float(p.lat), DECIMALS), round(float(p.lon), DECIMALS), tier]
        )
    g = group("Places")
    PlaceLabels(rows, [z for _, z in PLACE_TIERS]).add_to(g)
    return g


# -------------------------------------------------------------------------------------------------------------
# Situation


@lru_cache(maxsize=4)
def _bands(
    front_line: BaseGeometry, edges: tuple[float, ...], clip: BaseGeometry
) -> list[tuple[float, float, Any]]:
    from mapper import geodesy

    return geodesy.distance_bands(front_line, list(edges), clip=clip)


@lru_cache(maxsize=4)
def _friendly_land(hostile: BaseGeometry) -> BaseGeometry:
    """Land of the theatre that is not hostile: where distance bands mean something to a planner."""
    from mapper import geodata

    land = shapely.union_all(geodata.countries().geometry.values)
    return shapely.make_valid(shapely.difference(land, hostile))


def situation_layers(
    m: folium.Map, scenario: Scenario
) -> list[tuple[str, folium.FeatureGroup, str | None, str]]:
    from mapper.frontline import hostile_territory

    front = scenario.front
    hostile_geom = hostile_territory(front)
    items = []

    hostile = group("Russia and Belarus")
    GeoJsonData(
        _features([feature(_hostile_countries(), BASEMAP_TOLERANCE, name="Russia and Belarus")]),
        {"color": HOSTILE_COLOUR, "weight": 0.5, "fillColor": HOSTILE_COLOUR, "fillOpacity": 0.25},
        tooltip="name",
    ).add_to(hostile)

    occupied = group("Occupied area")
    if front.occupied is not None and not front.occupied.is_empty:
        GeoJsonData(
            _features(
                [
                    feature(
                        front.occupied,
                        OVERLAY_TOLERANCE,
                        name=safe_text(f"Occupied area ({front.date})"),
                    )
                ]
            ),
            {
                "color": OCCUPIED_COLOUR,
                "weight": 0,
                "fillColor": OCCUPIED_COLOUR,
                "fillOpacity": 0.22,
            },
            tooltip="name",
        ).add_to(occupied)

    bands = group("Distance bands from the front line")
    edges = tuple(b.outer_km for b in scenario.bands)
    band_feats = []
    for i, (inner, outer, geom) in enumerate(
        _bands(front.line, edges, _friendly_land(hostile_geom))
    ):
        label = scenario.bands[i].label
        text = f"{inner:g}–{outer:g} km from the front line" + (f": {label}" if label else "")
        band_feats.append(
            feature(
                geom, OVERLAY_TOLERANCE, name=safe_text(text), c=BAND_COLOURS[i % len(BAND_COLOURS)]
            )
        )
    band_feats = _features(band_feats)
    for f in band_feats:
        colour = f["properties"].pop("c")
        GeoJsonData(
            [f],
            {"color": colour, "weight": 0.5, "fillColor": colour, "fillOpacity": 0.35},
            tooltip="name",
        ).add_to(bands)

    line = group("Front line")
    label = safe_text(f"Front line as of {front.date} — {front.source} ({front.accuracy})")
    GeoJsonData(
        _features([feature(front.line, 0.0, name=label)]),
        {"color": FRONT_COLOUR, "weight": 3.5, "opacity": 0.95},
        tooltip="name",
    ).add_to(line)

    for g in (hostile, occupied, bands, line):
        g.add_to(m)
    items += [
        (f"Front line ({front.date})", line, FRONT_COLOUR, "line"),
        ("Occupied area", occupied, OCCUPIED_COLOUR, "fill"),
        (
            "Distance bands: " + ", ".join(f"{e:g}" for e in edges) + " km",
            bands,
            BAND_COLOURS[0],
            "fill",
        ),
        ("Russia and Belarus", hostile, HOSTILE_COLOUR, "fill"),
    ]
    return items


@lru_cache(maxsize=1)
def _hostile_countries() -> BaseGeometry:
    from mapper import geodata

    c = geodata.countries()
    return shapely.union_all(c[c["iso3"].isin(["RUS", "BLR"])].geometry.values)


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
        ("Distance to front line", f"{site.distance_to_front_km:,.1f} km"),
        ("Band", safe_text(site.band)),
        ("To hostile territory", f"{site.distance_to_hostile_territory_km:,.1f} km"),
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
        rows.append(
            ("Coverage ring", f"{site.range_km:g} km, population {site.population_covered or 0:,}")
        )
    verdict = _yes_no(site.meets_constraints)
    if site.violations:
        verdict += ": " + safe_text("; ".join(site.violations))
    rows.append(("Meets constraints", verdict))
    body = "".join(f"<tr><th scope='row'>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<div class='mapper-popup'><h3>{safe_text(site.name)}</h3><table>{body}</table></div>"


def _site_icon(site_model: Any, site: SiteMetrics, colour: str) -> folium.DivIcon:
    """The APP-6 symbol with the site's name (and troops) underneath, underlined in the option's colour."""
    from mapper.render import symbols

    if site.kind == "force":
        sidc = site_model.sidc or symbols.sidc_for(site_model.kind, site_model.echelon)
        lines = [site.name, f"{site.troops:,} troops"]
    else:
        sidc = symbols.sidc_for("logistics", None)
        lines = [site.name + " (hub)"]
    (w, h), (ax, ay) = symbols.symbol_anchor(sidc, SYMBOL_SIZE)
    html = (
        f"<div class='mapper-site' style='border-bottom-color:{safe_color(colour)}'>"
        f"{symbols.unit_icon_html(sidc, lines, SYMBOL_SIZE)}</div>"
    )
    return folium.DivIcon(
        html=html, icon_size=(w, h), icon_anchor=(ax, ay), class_name="mapper-unit-icon"
    )


SYMBOL_SIZE = 26


def option_layers(
    m: folium.Map, option: Option, result: OptionAnalysis, scenario: Scenario
) -> list[tuple[str, folium.FeatureGroup, str | None, str]]:
    """One group of layers per option, in the option's colour."""
    from mapper import geodesy

    colour = safe_color(option.colour)
    items = []

    if option.areas or option.zones:
        shapes = group(f"{option.name}: areas and zones")
        if option.areas:
            GeoJsonData(
                _features(
                    feature(a.geometry, OVERLAY_TOLERANCE, name=safe_text(f"{a.name} ({a.how})"))
                    for a in option.areas
                ),
                {
                    "color": colour,
                    "weight": 1.5,
                    "fillColor": colour,
                    "fillOpacity": 0.12,
                    "dashArray": "6 4",
                },
                tooltip="name",
            ).add_to(shapes)
        if option.zones:
            GeoJsonData(
                _features(
                    feature(
                        z.geometry,
                        OVERLAY_TOLERANCE,
                        name=safe_text(f"{z.name}: {z.km:g} km either side of {z.buffer_of}"),
                    )
                    for z in option.zones
                ),
                {
                    "color": colour,
                    "weight": 1,
                    "fillColor": colour,
                    "fillOpacity": 0.25,
                    "dashArray": "2 4",
                },
                tooltip="name",
            ).add_to(shapes)
        shapes.add_to(m)
        items.append(("Areas and zones", shapes, colour, "dashed"))

    if option.lines:
        lines = group(f"{option.name}: lines")
        for ln in option.lines:
            km = result.lines_km.get(ln.name, 0.0)
            style = {
                "color": colour,
                "weight": 5 if ln.kind == "defence_line" else 3,
                "opacity": 0.85,
            }
            if ln.kind in ("supply_route", "corridor"):
                style["dashArray"] = "8 6"
            GeoJsonData(
                _features(
                    [
                        feature(
                            ln.geometry,
                            OVERLAY_TOLERANCE,
                            name=safe_text(f"{ln.name}: {ln.how}, {km:,.0f} km"),
                        )
                    ]
                ),
                style,
                tooltip="name",
            ).add_to(lines)
        lines.add_to(m)
        items.append(("Lines and routes", lines, colour, "line"))

    ranged = [(f, s) for f, s in zip(option.forces, result.forces, strict=True) if f.range_km]
    if ranged:
        rings = group(f"{option.name}: coverage rings")
        GeoJsonData(
            _features(
                feature(
                    geodesy.geodesic_circle(
                        lat=f.location.lat, lon=f.location.lon, radius_km=f.range_km
                    ),
                    0.0,
                    name=safe_text(
                        f"{f.name}: {f.range_km:g} km ring, population {s.population_covered or 0:,}"
                    ),
                )
                for f, s in ranged
            ),
            {"color": colour, "weight": 1.5, "fillColor": colour, "fillOpacity": 0.06},
            tooltip="name",
        ).add_to(rings)
        rings.add_to(m)
        items.append(("Coverage rings", rings, colour, "dashed"))

    if option.hubs:
        hubs = group(f"{option.name}: hubs and links")
        links = []
        for f, s in zip(option.forces, result.forces, strict=True):
            if s.nearest_hub is None:
                continue
            hub = next(h for h in option.hubs if h.name == s.nearest_hub)
            path = geodesy.geodesic_path(
                [(f.location.lon, f.location.lat), (hub.location.lon, hub.location.lat)]
            )
            links.append(
                feature(
                    path,
                    0.0,
                    name=safe_text(
                        f"{f.name} → {hub.name}: {s.distance_to_nearest_hub_km:,.0f} km"
                    ),
                )
            )
        GeoJsonData(
            _features(links),
            {"color": colour, "weight": 1, "dashArray": "2 5", "opacity": 0.8},
            tooltip="name",
        ).add_to(hubs)
        for h, s in zip(option.hubs, result.hubs, strict=True):
            folium.Marker(
                [h.location.lat, h.location.lon],
                icon=_site_icon(h, s, colour),
                popup=folium.Popup(force_popup(s, option, scenario), max_width=360),
            ).add_to(hubs)
        hubs.add_to(m)
        items.append(("Hubs and links", hubs, colour, "point"))

    if option.forces:
        forces = group(f"{option.name}: forces")
        for f, s in zip(option.forces, result.forces, strict=True):
            folium.Marker(
                [f.location.lat, f.location.lon],
                icon=_site_icon(f, s, colour),
                popup=folium.Popup(force_popup(s, option, scenario), max_width=360),
            ).add_to(forces)
        forces.add_to(m)
        items.append((f"Forces ({result.summary.troops:,} troops)", forces, colour, "point"))
    return items


def all_points(analysis: ScenarioAnalysis) -> np.ndarray:
    pts = [(s.lat, s.lon) for o in analysis.options for s in (*o.forces, *o.hubs)]
    return np.array(pts, dtype=float).reshape(-1, 2)

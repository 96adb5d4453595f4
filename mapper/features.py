"""Derived geometry every output draws, computed once: distance bands, coverage rings, hub links, lines, areas, zones.

Pure (no I/O, no drawing library): ``derive(scenario, analysis)`` turns a resolved scenario and its analysis into
``Features``, whose objects carry their geometry (EPSG:4326, lon/lat), the model object and the analysis result
they belong to, and what their look *means* (a defence line is ``heavy``, a supply route ``dashed``), never a
colour: the HTML map, the static map, the exports, the gallery and the comparison each turn meaning into style
(colours in ``mapper.style``) and none of them builds a ring, a link or a band itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

import shapely

from mapper.scenario import THEATRE

if TYPE_CHECKING:  # pragma: no cover
    from shapely.geometry.base import BaseGeometry

    from mapper.analysis import OptionAnalysis, ScenarioAnalysis, SiteMetrics
    from mapper.scenario import Area, Force, Hub, Line, Option, Scenario, Zone

__all__ = [
    "AreaFeature",
    "BandArea",
    "Features",
    "HubLink",
    "LineFeature",
    "OptionFeatures",
    "Ring",
    "ZoneFeature",
    "band_areas",
    "band_basis",
    "derive",
    "distance_bands",
    "hostile_ground",
    "threat_words",
]

#: Where bands are drawn: the theatre, land and sea.
THEATRE_BOX = shapely.box(
    THEATRE["lon_min"], THEATRE["lat_min"], THEATRE["lon_max"], THEATRE["lat_max"]
)
#: Line kinds drawn heavier / dashed, in every output.
HEAVY_LINES = frozenset({"defence_line"})
DASHED_LINES = frozenset({"supply_route", "corridor"})


@dataclass(frozen=True)
class BandArea:
    """One distance band from the scenario's threat (``band_basis``): ``[inner_km, outer_km)``, clipped to the
    theatre minus hostile territory (a band inside Russia tells a planner nothing). ``index`` 0 is nearest."""

    index: int
    inner_km: float
    outer_km: float
    label: str
    geometry: BaseGeometry

    @property
    def name(self) -> str:
        return f"{self.inner_km:g}–{self.outer_km:g} km"

    @property
    def title(self) -> str:
        """``"30–80 km: Support zone"``: the legend text (the label only when the scenario gives one)."""
        return self.name + (f": {self.label}" if self.label else "")


@dataclass(frozen=True)
class Ring:
    """A force's coverage ring: the geodesic circle of its ``range_km``."""

    force: Force
    site: SiteMetrics
    geometry: BaseGeometry

    @property
    def radius_km(self) -> float:
        return float(self.force.range_km or 0.0)


@dataclass(frozen=True)
class HubLink:
    """The geodesic link from a force to its nearest hub of the same option."""

    force: Force
    hub: Hub
    site: SiteMetrics
    geometry: BaseGeometry

    @property
    def km(self) -> float:
        return float(self.site.distance_to_nearest_hub_km or 0.0)


@dataclass(frozen=True)
class LineFeature:
    """A line or route of an option with its geodesic length and how it is drawn (``heavy``, ``dashed``)."""

    line: Line
    length_km: float

    @property
    def geometry(self) -> BaseGeometry:
        return self.line.geometry

    @property
    def heavy(self) -> bool:
        return self.line.kind in HEAVY_LINES

    @property
    def dashed(self) -> bool:
        return self.line.kind in DASHED_LINES


@dataclass(frozen=True)
class AreaFeature:
    area: Area
    area_km2: float

    @property
    def geometry(self) -> BaseGeometry:
        return self.area.geometry


@dataclass(frozen=True)
class ZoneFeature:
    zone: Zone
    area_km2: float

    @property
    def geometry(self) -> BaseGeometry:
        return self.zone.geometry


@dataclass(frozen=True)
class OptionFeatures:
    """Everything one option adds to a map, in drawing order (areas and zones under lines under rings ...)."""

    option: Option
    result: OptionAnalysis
    areas: tuple[AreaFeature, ...]
    zones: tuple[ZoneFeature, ...]
    lines: tuple[LineFeature, ...]
    rings: tuple[Ring, ...]
    links: tuple[HubLink, ...]

    @property
    def forces(self) -> tuple[SiteMetrics, ...]:
        return self.result.forces

    @property
    def hubs(self) -> tuple[SiteMetrics, ...]:
        return self.result.hubs

    def geometries(self) -> list[BaseGeometry]:
        """Every geometry the option draws (sites as points), e.g. to frame a view around it."""
        from shapely.geometry import Point

        sites = [Point(s.lon, s.lat) for s in (*self.forces, *self.hubs)]
        shapes: list[BaseGeometry] = [
            *(a.geometry for a in self.areas),
            *(z.geometry for z in self.zones),
            *(ln.geometry for ln in self.lines),
            *(r.geometry for r in self.rings),
        ]
        return [*sites, *shapes]


@dataclass(frozen=True)
class Features:
    """The derived geometry of one analysed scenario: the situation's bands and each analysed option's shapes."""

    scenario: Scenario
    analysis: ScenarioAnalysis

    @cached_property
    def bands(self) -> tuple[BandArea, ...]:
        return distance_bands(self.scenario)

    @cached_property
    def options(self) -> tuple[OptionFeatures, ...]:
        return tuple(option_features(res) for res in self.analysis.options)

    def option(self, option_id: str) -> OptionFeatures:
        for of in self.options:
            if of.option.id == option_id:
                return of
        raise KeyError(option_id)


def derive(scenario: Scenario, analysis: ScenarioAnalysis) -> Features:
    """The ``Features`` of an analysed scenario; each part is computed on first use, once."""
    return Features(scenario, analysis)


@lru_cache(maxsize=8)
def band_areas(
    front_line: BaseGeometry, edges: tuple[float, ...], hostile: BaseGeometry
) -> list[tuple[float, float, Any]]:
    """Geodesic distance bands ``[(inner_km, outer_km, area)]`` from ``front_line`` (any linework: the line, or
    the boundary of the threat within reach) over the theatre, land and sea, minus ``hostile`` territory. Cached:
    bands depend only on the linework and the edges, and several scenarios (a gallery, a comparison) usually
    share one front line and threat."""
    from mapper import geodesy

    clip = shapely.difference(THEATRE_BOX, shapely.simplify(hostile, 0.005))
    return geodesy.distance_bands(front_line, list(edges), clip=clip)


def band_entry(scenario: Scenario) -> str:
    """The name of the prepared bands (``mapper.prepared``) of ``scenario``: the sha256 of everything its bands
    depend on besides the bundled geodata (the product's key): its line's and occupied area's WKB, its threat and
    band edges."""
    from mapper.prepared import digest

    front = scenario.front
    occupied = b"" if front.occupied is None else shapely.to_wkb(front.occupied)
    edges = tuple(b.outer_km for b in scenario.bands)
    parts = (
        digest(shapely.to_wkb(front.line)),
        digest(occupied),
        repr(tuple(scenario.threat)),
        repr(edges),
    )
    return digest(" ".join(parts))


def band_arguments(scenario: Scenario) -> tuple[BaseGeometry, tuple[float, ...], BaseGeometry]:
    """What ``band_areas`` is called with for ``scenario``: ``(linework, edges, hostile)``."""
    from mapper.frontline import hostile_territory

    edges = tuple(b.outer_km for b in scenario.bands)
    if tuple(scenario.threat) == ("front_line",):
        return scenario.front.line, edges, hostile_territory(scenario.front)
    linework, hostile = threat_linework(scenario.front, tuple(scenario.threat), max(edges))
    if linework.is_empty:  # e.g. `threat: [occupied]` with a front line that has no occupied area
        linework = scenario.front.line
    return linework, edges, hostile


def encode_bands(areas: list[tuple[float, float, Any]]) -> list[list[Any]]:
    """``band_areas``' result as product rows (``mapper.prepared``): ``[inner, outer, WKB base64]``."""
    from mapper.prepared import geometry_text

    return [[inner, outer, geometry_text(geom)] for inner, outer, geom in areas]


def _decode_bands(raw: Any) -> list[tuple[float, float, Any]]:
    from mapper.prepared import geometry_from_text

    out = []
    for row in raw:
        inner, outer, text = row
        if not (type(inner) in (int, float) and type(outer) in (int, float)):
            raise ValueError("band edges must be numbers")
        kinds = ("Polygon", "MultiPolygon", "GeometryCollection")
        out.append((inner, outer, geometry_from_text(text, kinds)))
    return out


#: margin (degrees) around the reach of the widest band when clipping the threat's outline
_REACH_MARGIN_DEG = 1.0


@lru_cache(maxsize=8)
def threat_linework(
    front: Any, threat: tuple[str, ...], reach_km: float
) -> tuple[BaseGeometry, BaseGeometry]:
    """What the bands of a threat are measured from, and what they leave out: ``(linework, hostile)``.

    Outside a polygon, the distance to it is the distance to its boundary, and for a point of the theatre that
    nearest boundary point lies within ``reach_km`` of the theatre: so only the outline of the threat's areas
    inside the theatre enlarged by ``reach_km`` (plus a margin) is buffered, never Russia's whole outline. The
    areas are united first (the occupied area's border with Russia is inside the union) and simplified by
    0.005° (~0.5 km). ``hostile`` is the bundled hostile territory (occupied area, Russia, Belarus) united
    with the threat's areas: bands are drawn outside it."""
    from shapely.geometry import MultiLineString

    from mapper.frontline import hostile_territory, threat_geometries

    parts = threat_geometries(front, threat)
    lat_pad = reach_km / 111.0 + _REACH_MARGIN_DEG
    lon_pad = (
        reach_km / (111.0 * 0.5) + _REACH_MARGIN_DEG
    )  # cos(60°) = 0.5: the theatre ends at lat 58
    t = THEATRE
    reach = shapely.box(
        t["lon_min"] - lon_pad,
        t["lat_min"] - lat_pad,
        t["lon_max"] + lon_pad,
        t["lat_max"] + lat_pad,
    )
    areas = [shapely.intersection(g, reach) for k, g in parts.items() if k != "front_line"]
    lines: list[BaseGeometry] = [parts["front_line"]] if "front_line" in parts else []
    union = None
    if areas:
        union = _without_small_holes(shapely.make_valid(shapely.union_all(areas)))
        union = shapely.simplify(union, 0.005)
        lines.append(shapely.intersection(shapely.boundary(union), reach.buffer(-0.01)))
    hostile = hostile_territory(front)
    if union is not None:
        hostile = shapely.make_valid(shapely.union(hostile, union))
    # the parts side by side, not united: the front line and the occupied area's outline cross each other
    # hundreds of times, and noding them would cut both into hundreds of tiny pieces to buffer one by one
    pieces = [p for g in lines for p in shapely.get_parts(shapely.line_merge(g)) if not p.is_empty]
    return MultiLineString(pieces), hostile


#: holes in the united threat areas smaller than this (deg², ~400 km²) are filled: they are gaps where the
#: occupied area's outline does not meet Russia's border or the river, not ground a band means anything in,
#: and their outlines (200 tiny rings) would cost more to buffer than the rest of the outline
_SMALL_HOLE_DEG2 = 0.05


def _without_small_holes(geom: BaseGeometry) -> BaseGeometry:
    from shapely.geometry import MultiPolygon, Polygon

    polys = [
        Polygon(p.exterior, [h for h in p.interiors if Polygon(h).area >= _SMALL_HOLE_DEG2])
        for p in shapely.get_parts(geom)
        if isinstance(p, Polygon)
    ]
    return MultiPolygon(polys) if len(polys) != 1 else polys[0]


def threat_words(scenario: Scenario) -> str:
    """The scenario's threat in words, e.g. ``"the front line, occupied area, Russia and Belarus"``."""
    from mapper.scenario import THREAT_LABELS

    names = [THREAT_LABELS[t] for t in scenario.threat]
    if len(names) == 1:
        return "the " + names[0] if names[0][0].islower() else names[0]
    head = ", ".join(names[:-1])
    return ("the " if names[0][0].islower() else "") + f"{head} and {names[-1]}"


def hostile_ground(scenario: Scenario) -> BaseGeometry | None:
    """The country/area parts of the scenario's threat (Russia, Belarus, Transnistria as it names them) as one
    geometry, which the maps shade; ``None`` when the threat names none (e.g. ``threat: [front_line]``)."""
    from mapper.textlayout import hostile_ground as ground_keys

    return _hostile_ground(scenario.front, ground_keys(scenario))


@lru_cache(maxsize=8)
def _hostile_ground(front: Any, ground: tuple[str, ...]) -> BaseGeometry | None:
    from mapper.frontline import threat_geometries

    parts = list(threat_geometries(front, ground).values())
    return shapely.union_all(parts) if parts else None


def band_basis(scenario: Scenario) -> str:
    """What the distance bands measure, for legends and captions: ``"Distance from hostile territory (the front
    line, occupied area, Russia and Belarus)"``; with ``threat: [front_line]``, ``"Distance from the front line"``."""
    if tuple(scenario.threat) == ("front_line",):
        return "Distance from the front line"
    return f"Distance from hostile territory ({threat_words(scenario)})"


def distance_bands(scenario: Scenario) -> tuple[BandArea, ...]:
    """The scenario's distance bands from its threat (``scenario.threat``: by default the front line, the
    occupied area, Russia and Belarus; ``band_basis`` says which in words), as every output draws and exports
    them. With ``threat: [front_line]`` they are the bands from the front line alone."""
    from mapper import prepared

    # prepared at build time for the examples' threats and bands with the bundled line (~0.5 s of buffers)
    areas = prepared.lookup("bands", band_entry(scenario), _decode_bands)
    if areas is None:
        areas = band_areas(*band_arguments(scenario))
    return tuple(
        BandArea(i, inner, outer, scenario.bands[i].label, geom)
        for i, (inner, outer, geom) in enumerate(areas)
    )


def option_features(result: OptionAnalysis) -> OptionFeatures:
    """The shapes of one analysed option (``result.option`` is its model)."""
    from mapper import geodesy

    option = result.option
    rings = tuple(
        Ring(s.force, s, geodesy.geodesic_circle(lat=s.lat, lon=s.lon, radius_km=s.force.range_km))
        for s in result.forces
        if s.force.range_km
    )
    links = tuple(
        HubLink(
            s.force,
            s.hub,
            s,
            geodesy.geodesic_path([(s.lon, s.lat), (s.hub.location.lon, s.hub.location.lat)]),
        )
        for s in result.forces
        if s.hub is not None
    )
    return OptionFeatures(
        option=option,
        result=result,
        areas=tuple(AreaFeature(a, result.areas_km2.get(a.name, 0.0)) for a in option.areas),
        zones=tuple(ZoneFeature(z, result.zones_km2.get(z.name, 0.0)) for z in option.zones),
        lines=tuple(LineFeature(ln, result.lines_km.get(ln.name, 0.0)) for ln in option.lines),
        rings=rings,
        links=links,
    )

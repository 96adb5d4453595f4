"""The scenario format (version 1): its declarative spec, the typed model the loader builds, and its JSON Schema.

A scenario describes one planning situation (date, front line, distance bands, constraints) and one or more
deployment options, each made of forces, hubs, lines, areas and zones. ``FORMAT`` is the single description of the
YAML format: the loader checks files against it and ``json_schema()`` publishes it for editors. The dataclasses
below hold *resolved* values: every location is a latitude/longitude pair and every shape a shapely geometry in
EPSG:4326 (lon, lat order, as shapely and GeoJSON want it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mapper.fields import (
    Bool,
    ByShape,
    Choice,
    Colour,
    Context,
    Date,
    Field,
    ListOf,
    Num,
    Record,
    Str,
)
from mapper.nations import MULTINATIONAL, NATION_ALIASES, NATIONS
from mapper.overlayformat import annotations_field, layers_field
from mapper.schemadoc import document_schema, schema_text
from mapper.timeformat import END, FRONT_LINE, FRONT_LINES, PHASES, START, WINDOW_FIELDS
from mapper.timeline import ALWAYS, Window

if TYPE_CHECKING:  # pragma: no cover
    from shapely.geometry.base import BaseGeometry

    from mapper.frontline import FrontLine
    from mapper.overlays import Annotation, Overlay
    from mapper.timeline import Timeline

FORMAT_VERSION = 1

# The theatre: where a point is plausible. Points outside are flagged (swapped lat/lon is an error).
THEATRE = {"lon_min": 12.0, "lon_max": 45.0, "lat_min": 40.0, "lat_max": 58.0}

# Limits (docs/reliability.md): far above any real scenario, low enough to keep every command fast.
MAX_OPTIONS = 50
MAX_FORCES_PER_OPTION = 2_000
MAX_ITEMS = 1_000  # hubs, lines, areas, zones per option; points per polygon or route
MAX_TEXT = 20_000
# Per scenario, all options together (checked before any place is resolved or shape built). Measured: 1,000 zones
# took 23 s to render into 25 MB. Forces: 20,000 (a 2.9 MB file) are read with libyaml in ~2 s; `analyze` of 10,000
# is the issue #20 target (<= 2 s end to end); a render of 10,000 took 27 s into a 22 MB page.
MAX_SITES = 20_000  # forces and hubs
MAX_SHAPES = 200  # lines, areas and zones

# Unit kinds (APP-6 main icons) and echelons a force may name; mapper.render.symbols turns them into SIDCs.
UNIT_KINDS = (
    "infantry", "mechanised_infantry", "motorised_infantry", "armour", "reconnaissance",
    "artillery", "air_defence", "aviation", "rotary_wing", "engineer", "signals", "logistics",
    "medical", "headquarters", "special_forces", "military_police", "naval", "monitoring",
    "training", "isr", "fighter", "unit",
)  # fmt: skip
KIND_ALIASES = {
    "mechanized infantry": "mechanised_infantry", "mechanized": "mechanised_infantry",
    "mechanised": "mechanised_infantry", "armor": "armour", "armoured": "armour",
    "armored": "armour", "tank": "armour", "recce": "reconnaissance", "air defense": "air_defence",
    "sam": "air_defence", "helicopter": "rotary_wing", "supply": "logistics",
    "maintenance": "logistics", "hq": "headquarters", "sof": "special_forces",
    "observers": "monitoring", "observer": "monitoring", "navy": "naval", "maritime": "naval",
    "intelligence": "isr", "air force": "fighter", "airborne": "infantry",
    "paratroopers": "infantry", "marines": "infantry", "light infantry": "infantry",
    "fighter jets": "fighter", "generic": "unit",
}  # fmt: skip
ECHELONS = (
    "team", "squad", "section", "platoon", "company", "battalion", "regiment", "brigade",
    "division", "corps", "army",
)  # fmt: skip
ECHELON_ALIASES = {"battlegroup": "battalion", "battle group": "battalion", "group": "regiment"}
ROLES = (
    "deterrence", "reassurance", "logistics", "air_defence", "air_policing", "training",
    "monitoring", "isr", "maritime_security", "demining", "command", "medical", "reserve",
    "peacekeeping", "protection",
)  # fmt: skip
ROLE_ALIASES = {
    "peace keeping": "peacekeeping", "force protection": "protection", "air defense": "air_defence",
    "intelligence": "isr", "surveillance": "isr", "ceasefire monitoring": "monitoring",
    "shipping security": "maritime_security", "naval": "maritime_security", "support": "logistics",
}  # fmt: skip
LINE_KINDS = ("defence_line", "supply_route", "patrol", "boundary", "corridor", "other")
ZONE_KINDS = ("demilitarised", "buffer", "monitoring", "exclusion", "no_fly", "other")

# What a scenario can be exposed to (``threat:``): the parts of hostile territory distances and bands are taken from.
THREATS = ("front_line", "occupied", "russia", "belarus", "transnistria")
THREAT_LABELS = {
    "front_line": "front line",
    "occupied": "occupied area",
    "russia": "Russia",
    "belarus": "Belarus",
    "transnistria": "Transnistria",
}
THREAT_ALIASES = {
    "front": "front_line", "line of contact": "front_line", "contact line": "front_line",
    "occupied area": "occupied", "occupied territory": "occupied", "occupied areas": "occupied",
    "russian federation": "russia", "rus": "russia", "ru": "russia",
    "blr": "belarus", "by": "belarus", "pmr": "transnistria", "transdniestria": "transnistria",
}  # fmt: skip
#: the documented default: every ground a strike can come from (Transnistria, a Russian-garrisoned area, on request)
DEFAULT_THREAT = ("front_line", "occupied", "russia", "belarus")
#: countries whose population and places coverage counts, by default (ISO 3166-1 alpha-2)
DEFAULT_COVERAGE_COUNTRIES = ("UA",)


_location_place = Record(
    title="Place",
    fields={
        "place": Field(Str(expected="a place name"), required=True),
        "oblast": Field(
            Str(expected="an oblast or region name"), description="disambiguates the place"
        ),
        "region": Field(
            Str(expected="a region name"), description="the same as oblast, for other countries"
        ),
        "country": Field(Str(expected="a country name or ISO code")),
    },
    description="A gazetteer place, qualified by oblast/region or country when its name is ambiguous.",
    all_or_nothing=True,
)
_coords = Record(
    title="Coordinates",
    fields={
        "lat": Field(Num(expected="a latitude in degrees", minimum=-90, maximum=90), True),
        "lon": Field(Num(expected="a longitude in degrees", minimum=-180, maximum=180), True),
        "name": Field(Str(expected="a label")),
    },
    description="Explicit WGS84 coordinates in decimal degrees: {lat: 48.4647, lon: 35.0462}.",
    all_or_nothing=True,
)
LOCATION = ByShape(
    scalar=Str(expected="a place name"),
    mappings={"lat": _coords, "lon": _coords, "place": _location_place},
    sequence_message=(
        "a bare coordinate pair {got} is ambiguous (which is latitude?); "
        "write {{lat: ..., lon: ...}}, e.g. {{lat: 48.4647, lon: 35.0462}}"
    ),
    expected="a place name, {place: ..., oblast: ...} or {lat: ..., lon: ...}",
    description="A place name from the gazetteer, a qualified place, or explicit {lat, lon} coordinates.",
)

# A coverage ring must never reach a pole (where no map can draw it): from the theatre's northern edge (lat 58)
# the North Pole is 3,570 km away, so rings are at most 3,000 km everywhere in it (and, for a point outside the
# theatre, less than its distance to the nearest pole: checked by the loader).
MAX_RANGE_KM = 3_000
_range_km = Num(
    expected="a distance in km", minimum=0, exclusive_minimum=True, maximum=MAX_RANGE_KM
)
_zone_km = Num(expected="a distance in km", minimum=0, exclusive_minimum=True, maximum=5000)
_nation = Choice(
    values=tuple(NATIONS) + tuple(MULTINATIONAL),
    aliases=NATION_ALIASES,
    expected="an ISO 3166 two-letter country code (e.g. FR, GB, PL), a country name, or MN for multinational",
)

FORCE = Record(
    title="Force",
    fields={
        "name": Field(Str(expected="a name", max_len=200), required=True),
        "nation": Field(
            _nation, required=True, description="ISO 3166-1 alpha-2 code; MN: multinational"
        ),
        "troops": Field(
            Num(expected="a whole number of troops", minimum=1, maximum=1_000_000, integer=True),
            required=True,
            description="personnel strength",
        ),
        "at": Field(LOCATION, required=True, description="where the force is stationed"),
        "kind": Field(
            Choice(values=UNIT_KINDS, aliases=KIND_ALIASES),
            default="unit",
            description="unit kind (APP-6 main icon)",
        ),
        "echelon": Field(Choice(values=ECHELONS, aliases=ECHELON_ALIASES), description="unit size"),
        "sidc": Field(
            Str(
                expected="a 20-digit APP-6(D) / MIL-STD-2525D SIDC (e.g. 10031000161211000000)",
                pattern=r"\d{20}",
            ),
            description="explicit symbol code; overrides kind and echelon",
        ),
        "role": Field(Choice(values=ROLES, aliases=ROLE_ALIASES)),
        "range_km": Field(_range_km, description="coverage ring radius (e.g. air defence reach)"),
        "description": Field(Str(max_len=MAX_TEXT)),
        **WINDOW_FIELDS,
    },
)
HUB = Record(
    title="Hub",
    fields={
        "name": Field(Str(expected="a name", max_len=200), required=True),
        "at": Field(LOCATION, required=True),
        "nation": Field(_nation),
        "role": Field(Choice(values=ROLES, aliases=ROLE_ALIASES), default="logistics"),
        "description": Field(Str(max_len=MAX_TEXT)),
        **WINDOW_FIELDS,
    },
    description="A logistics or command hub, possibly in a neighbouring country.",
)
_along = Record(
    title="Along a river",
    fields={
        "river": Field(Str(expected="a river name (e.g. Dnipro)"), required=True),
        "from": Field(LOCATION, required=True),
        "to": Field(LOCATION, required=True),
    },
)
LINE = Record(
    title="Line",
    fields={
        "name": Field(Str(expected="a name", max_len=200), required=True),
        "along": Field(_along, description="a stretch of a named river between two places"),
        "through": Field(
            ListOf(LOCATION, min_items=2, max_items=MAX_ITEMS),
            description="places joined by geodesics (e.g. a supply route)",
        ),
        "kind": Field(Choice(values=LINE_KINDS), default="other"),
        "description": Field(Str(max_len=MAX_TEXT)),
        **WINDOW_FIELDS,
    },
    one_of=(("along", "through"),),
)
AREA = Record(
    title="Area",
    fields={
        "name": Field(Str(expected="a name", max_len=200), required=True),
        "regions": Field(
            ListOf(Str(expected="a region (oblast) name"), min_items=1, single_ok=True)
        ),
        "country": Field(Str(expected="a country name or ISO code")),
        "polygon": Field(ListOf(LOCATION, min_items=3, max_items=MAX_ITEMS)),
        "description": Field(Str(max_len=MAX_TEXT)),
        **WINDOW_FIELDS,
    },
    one_of=(("regions", "country", "polygon"),),
)
ZONE = Record(
    title="Zone",
    fields={
        "name": Field(Str(expected="a name", max_len=200), required=True),
        "buffer_of": Field(
            Str(expected="'front_line' or the name of a line of this option"),
            required=True,
        ),
        "width_km": Field(
            Num(expected="a width in km", minimum=0, exclusive_minimum=True, maximum=10_000),
            description="total width across the line in km (the zone extends half of it each side)",
        ),
        "km": Field(
            _zone_km,
            description="the older form: the distance either side of the line (half the width); "
            "prefer width_km",
        ),
        "kind": Field(Choice(values=ZONE_KINDS), default="buffer"),
        "description": Field(Str(max_len=MAX_TEXT)),
        **WINDOW_FIELDS,
    },
    one_of=(("width_km", "km"),),
    description="A geodesic buffer of a line, e.g. a demilitarised zone 30 km wide (width_km: 30) centred on "
    "the front line.",
)
OPTION = Record(
    title="Option",
    fields={
        "id": Field(
            Str(
                expected="an id of lower-case letters, digits, '-' or '_'",
                pattern=r"[a-z0-9][a-z0-9_-]{0,63}",
            ),
            required=True,
        ),
        "name": Field(Str(expected="a name", max_len=200), required=True),
        "colour": Field(Colour(), required=True),
        "description": Field(Str(max_len=MAX_TEXT)),
        "forces": Field(ListOf(FORCE, max_items=MAX_FORCES_PER_OPTION), default=[]),
        "hubs": Field(ListOf(HUB, max_items=MAX_ITEMS), default=[]),
        "lines": Field(ListOf(LINE, max_items=MAX_ITEMS), default=[]),
        "areas": Field(ListOf(AREA, max_items=MAX_ITEMS), default=[]),
        "zones": Field(ListOf(ZONE, max_items=MAX_ITEMS), default=[]),
    },
)
BAND = ByShape(
    scalar=Num(expected="a distance in km", minimum=0, exclusive_minimum=True, maximum=2000),
    mappings={
        "km": Record(
            title="Band",
            fields={
                "km": Field(
                    Num(
                        expected="a distance in km", minimum=0, exclusive_minimum=True, maximum=2000
                    ),
                    required=True,
                ),
                "label": Field(Str(max_len=200), description="what threatens this band"),
            },
        )
    },
    expected="a distance in km or {km: ..., label: ...}",
)
_role = Choice(values=ROLES, aliases=ROLE_ALIASES)
_roles = ListOf(_role, min_items=1, max_items=len(ROLES), single_ok=True)
_limit_km = Num(expected="a distance in km", minimum=0, maximum=5000)
_scoped_limit = Record(
    title="Constraint for some roles",
    fields={
        "km": Field(_limit_km, required=True),
        "roles": Field(_roles, description="the constraint binds only forces with these roles"),
        "except_roles": Field(_roles, description="forces with these roles are not bound"),
    },
)
# A distance constraint: a number binds every force; {km, roles} or {km, except_roles} binds only some.
LIMIT = ByShape(
    scalar=_limit_km,
    mappings={"km": _scoped_limit, "roles": _scoped_limit, "except_roles": _scoped_limit},
    expected="a distance in km, {km: ..., roles: [...]} or {km: ..., except_roles: [...]}",
)
DISTANCE_CONSTRAINTS = (
    "min_distance_from_front_km",
    "min_distance_from_hostile_km",
    "max_distance_to_nato_border_km",
)
CONSTRAINTS = Record(
    title="Constraints",
    fields={
        "min_distance_from_front_km": Field(
            LIMIT, description="every force (bound by it) at least this far from the front line"
        ),
        "min_distance_from_hostile_km": Field(
            LIMIT,
            description="every force (bound by it) at least this far from the scenario's threat "
            "(front line, occupied area, Russia, Belarus ...)",
        ),
        "max_distance_to_nato_border_km": Field(
            LIMIT,
            description="every force (bound by it) within this distance of a NATO member's border",
        ),
        "allow_in_occupied": Field(
            Bool(), default=False, description="forces inside the occupied area"
        ),
        "exempt_roles": Field(
            _roles,
            description="forces with these roles (e.g. monitoring) are bound by no constraint; "
            "each output says so",
        ),
    },
)
COVERAGE = Record(
    title="Coverage",
    fields={
        "countries": Field(
            ListOf(
                Str(expected="a country name or ISO code"),
                min_items=1,
                max_items=60,
                single_ok=True,
            ),
            description="population and places are counted only inside these countries (default Ukraine)",
        ),
    },
)
_text_or_list = ListOf(Str(max_len=MAX_TEXT), single_ok=True, max_items=MAX_ITEMS)
SCENARIO = Record(
    title="Deployment scenario",
    fields={
        "format": Field(Choice(values=("1",), expected="1 (the format version)"), required=True),
        "id": Field(
            Str(
                expected="an id of lower-case letters, digits, '-' or '_'",
                pattern=r"[a-z0-9][a-z0-9_-]{0,63}",
            ),
            required=True,
        ),
        "title": Field(Str(expected="a title", max_len=300), required=True),
        "date": Field(Date(), required=True, description="the situation date"),
        "start": START,
        "end": END,
        "summary": Field(Str(max_len=MAX_TEXT)),
        "sources": Field(_text_or_list, default=[]),
        "assumptions": Field(_text_or_list, default=[]),
        "front_line": FRONT_LINE,
        "front_line_layer": Field(
            Str(expected="a layer name"), description="layer of a multi-layer file"
        ),
        "occupied": Field(
            Str(expected="'bundled', 'none' or a path to an occupied-area file"),
            description="occupied-area polygons; default: bundled with the bundled line, else derived",
        ),
        "front_lines": FRONT_LINES,
        "phases": PHASES,
        "bands_km": Field(ListOf(BAND, min_items=1, max_items=20), description="distance bands"),
        "threat": Field(
            ListOf(
                Choice(values=THREATS, aliases=THREAT_ALIASES),
                min_items=1,
                max_items=10,
                single_ok=True,
            ),
            description="what hostile distances and the bands are measured from; default front_line, "
            "occupied, russia, belarus (transnistria on request)",
        ),
        "coverage": Field(COVERAGE, default=None),
        "constraints": Field(CONSTRAINTS, default=None),
        "options": Field(ListOf(OPTION, min_items=1, max_items=MAX_OPTIONS), required=True),
        "layers": layers_field(LOCATION),
        "annotations": annotations_field(LOCATION),
    },
)

DEFAULT_BANDS: tuple[tuple[float, str], ...] = (
    (30.0, "tube artillery, FPV and loitering drones"),
    (80.0, "MLRS and glide bombs"),
    (150.0, "long-range MLRS, Lancet/Geran drones, KAB with wings"),
    (300.0, "tactical ballistic missiles (Iskander-M class), cruise missiles"),
)


def _kind(node: Node) -> str:
    """What a document's top level is, in words (never its content)."""
    if isinstance(node, SequenceNode):
        return "a list"
    kinds = {"int": "a number", "float": "a number", "bool": "true or false", "null": "nothing"}
    return kinds.get(node.tag.rsplit(":", 1)[-1], "a date" if "timestamp" in node.tag else "a text")


def check_document(root: Node, ctx: Context) -> Any:
    """The checked top-level values of a scenario document, or ``INVALID`` (reported) if it is no scenario at all.

    Only a mapping with at least one of the scenario's keys is checked key by key. Anything else (a linked
    secret, another program's settings) is described, never quoted: no message shows its content.
    """
    if not isinstance(root, MappingNode):
        return ctx.error(
            root,
            "",
            f"is not a scenario file: its top level is {_kind(root)}, "
            "not a mapping with format, id, options ...",
        )
    keys = {k.value for k, _ in root.value if isinstance(k, ScalarNode)}
    if not keys & set(SCENARIO.fields):
        return ctx.error(
            root,
            "",
            "is not a scenario file: its top level is a mapping with none of the scenario's keys "
            "(format, id, title, date, options ...)",
        )
    return SCENARIO.check(root, "", ctx)


def over_limits(raw: dict[str, Any], ctx: Context) -> bool:
    """Whether the scenario has more forces and hubs, or lines, areas and zones, than one scenario may have."""
    options = raw.get("options")
    if not isinstance(options, list):
        return False
    count = {"sites": 0, "shapes": 0}
    for opt in options:
        if not isinstance(opt, dict):
            continue
        for kind in ("forces", "hubs", "lines", "areas", "zones"):
            if isinstance(opt.get(kind), list):
                count["sites" if kind in ("forces", "hubs") else "shapes"] += len(opt[kind])
    over = False
    for what, words, limit in (
        ("sites", "forces and hubs", MAX_SITES),
        ("shapes", "lines, areas and zones", MAX_SHAPES),
    ):
        if count[what] > limit:
            ctx.error_at(
                "options",
                f"{count[what]:,} {words} in all options together, over the limit of {limit:,} per "
                "scenario; split it into several scenario files",
            )
            over = True
    return over


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the scenario format, generated from ``SCENARIO``."""
    return document_schema(
        SCENARIO,
        "scenario",
        names={"deterrence_choice": "role", "deterrence_list": "roles", "shared": "location"},
    )


def schema_json(indent: int = 2) -> str:
    """The JSON Schema as the text committed in ``schema/scenario.schema.json``."""
    return schema_text(json_schema(), indent)


# ---------------------------------------------------------------------------------------------------------------
# The resolved model


@dataclass(frozen=True)
class Location:
    lat: float
    lon: float
    label: str  # what the user wrote, e.g. "Odesa" or "48.4647 N, 35.0462 E"
    place: Any = None  # mapper.geodata.Place when resolved from the gazetteer


@dataclass(frozen=True)
class Band:
    inner_km: float
    outer_km: float
    label: str

    @property
    def name(self) -> str:
        return f"{self.inner_km:g}–{self.outer_km:g} km"


@dataclass(frozen=True)
class RoleScope:
    """Which forces a constraint binds: only ``roles`` when given, and never ``except_roles``."""

    roles: frozenset[str] | None = None
    except_roles: frozenset[str] = frozenset()

    def applies_to(self, role: str | None) -> bool:
        if role is not None and role in self.except_roles:
            return False
        return self.roles is None or role in self.roles


@dataclass(frozen=True)
class Constraints:
    min_distance_from_front_km: float | None = None
    min_distance_from_hostile_km: float | None = None
    max_distance_to_nato_border_km: float | None = None
    allow_in_occupied: bool = False
    #: per constraint key (e.g. ``"min_distance_from_front_km"``): the forces it binds; absent = every force
    scopes: dict[str, RoleScope] = field(default_factory=dict, compare=False)

    def applies(self, key: str, role: str | None) -> bool:
        scope = self.scopes.get(key)
        return scope is None or scope.applies_to(role)


@dataclass(frozen=True)
class Force:
    name: str
    nation: str
    troops: int
    location: Location
    kind: str = "unit"
    echelon: str | None = None
    sidc: str | None = None
    role: str | None = None
    range_km: float | None = None
    description: str | None = None
    keypath: str = ""
    window: Window = ALWAYS  # when it is present (mapper.timeline)


@dataclass(frozen=True)
class Hub:
    name: str
    location: Location
    nation: str | None = None
    role: str = "logistics"
    description: str | None = None
    keypath: str = ""
    window: Window = ALWAYS  # when it is present (mapper.timeline)


@dataclass(frozen=True)
class Line:
    name: str
    geometry: BaseGeometry  # LineString, lon/lat
    kind: str = "other"
    how: str = ""  # e.g. "Dnipro from Kyiv to Zaporizhzhia"
    description: str | None = None
    keypath: str = ""
    window: Window = ALWAYS  # when it is present (mapper.timeline)


@dataclass(frozen=True)
class Area:
    name: str
    geometry: BaseGeometry  # (Multi)Polygon, lon/lat
    how: str = ""
    description: str | None = None
    keypath: str = ""
    window: Window = ALWAYS  # when it is present (mapper.timeline)


@dataclass(frozen=True)
class Zone:
    name: str
    buffer_of: str
    km: float  # half-width: the buffer distance either side of the line
    geometry: BaseGeometry
    kind: str = "buffer"
    description: str | None = None
    keypath: str = ""
    window: Window = ALWAYS  # when it is present (mapper.timeline)

    @property
    def width_km(self) -> float:
        """The zone's total width across the line (twice the buffer distance)."""
        return 2.0 * self.km


@dataclass(frozen=True)
class Option:
    id: str
    name: str
    colour: str
    description: str | None = None
    forces: tuple[Force, ...] = ()
    hubs: tuple[Hub, ...] = ()
    lines: tuple[Line, ...] = ()
    areas: tuple[Area, ...] = ()
    zones: tuple[Zone, ...] = ()

    @property
    def troops(self) -> int:
        return sum(f.troops for f in self.forces)


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    date: dt.date
    front: FrontLine
    bands: tuple[Band, ...]
    options: tuple[Option, ...]
    constraints: Constraints = field(default_factory=Constraints)
    #: what the scenario is exposed to (``THREATS`` keys): hostile distances and the bands are measured from these
    threat: tuple[str, ...] = DEFAULT_THREAT
    #: ISO-2 codes of the countries whose population coverage counts
    coverage_countries: tuple[str, ...] = DEFAULT_COVERAGE_COUNTRIES
    summary: str | None = None
    sources: tuple[str, ...] = ()
    assumptions: tuple[str, ...] = ()
    path: str = ""
    warnings: tuple[Any, ...] = ()  # mapper.errors.Problem
    marks: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False, repr=False)
    source: str = field(default="", compare=False, repr=False)  # the YAML text it was loaded from
    #: dated front lines, phases and windows (``mapper.timeline.of`` gives a trivial one when ``None``)
    timeline: Timeline | None = field(default=None, compare=False, repr=False)
    #: the user's own layers and annotations (``mapper.overlays``): drawn on every map, at every step
    overlays: tuple[Overlay, ...] = field(default=(), repr=False)
    annotations: tuple[Annotation, ...] = field(default=(), repr=False)

    def at(self, day: dt.date | str) -> Scenario:
        """This scenario on ``day`` (a date, ``YYYY-MM-DD`` or ``D+N``): see ``mapper.timeline.scenario_at``."""
        from mapper.timeline import scenario_at

        return scenario_at(self, day)

    def option(self, option_id: str) -> Option:
        for opt in self.options:
            if opt.id == option_id:
                return opt
        raise KeyError(option_id)

    def _repr_html_(self) -> str:
        """A short summary for Jupyter: title, dates, front line and each option's contents (text escaped)."""
        from html import escape

        rows = "".join(
            f"<tr><td>{escape(o.id)}</td><td>{escape(o.name)}</td><td>{len(o.forces)}</td>"
            f"<td>{o.troops:,}</td><td>{len(o.hubs)}</td>"
            f"<td>{len(o.lines) + len(o.areas) + len(o.zones)}</td></tr>"
            for o in self.options
        )
        return (
            f"<div class='mapper-scenario'><strong>{escape(self.title)}</strong> ({escape(self.id)}, "
            f"situation {self.date.isoformat()})<br><small>Front line {escape(self.front.date)}: "
            f"{escape(self.front.source)}</small><table><thead><tr><th>option</th><th>name</th>"
            "<th>forces</th><th>troops</th><th>hubs</th><th>shapes</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
        )

"""The brief of ``mapper suggest``: which units to place, where they may go, what they should cover, under which
constraints (docs/suggest.md).

A brief is a YAML file of the scenario format's family: read through ``yamlsafe``, checked against the
declarative ``BRIEF`` spec (``mapper.fields``) so that every problem is reported at once as
``file:line:column: key.path: message`` (unknown keys with suggestions), published as JSON Schema
(``json_schema()``, committed as ``schema/brief.schema.json``). Locations, the front line and the threat are
resolved exactly as a scenario's are (``mapper.loader``'s resolver, ``mapper.exposure``), so a brief and the
option written from it mean the same places. ``mapper.placement.build_instance`` turns a ``Brief`` into the
solvers' ``Instance``. Pure: no output.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yaml.nodes import MappingNode, Node, ScalarNode

from mapper.errors import ScenarioError
from mapper.fields import (
    INVALID,
    Bool,
    Choice,
    Colour,
    Context,
    Date,
    Field,
    ListOf,
    Num,
    Record,
    Str,
    join,
)
from mapper.keysites import TYPES as KEY_SITE_TYPES
from mapper.placement import UnitType
from mapper.scenario import (
    DEFAULT_COVERAGE_COUNTRIES,
    ECHELON_ALIASES,
    ECHELONS,
    KIND_ALIASES,
    LOCATION,
    MAX_TEXT,
    MULTINATIONAL,
    NATION_ALIASES,
    NATIONS,
    ROLE_ALIASES,
    ROLES,
    THREAT_ALIASES,
    THREATS,
    UNIT_KINDS,
)
from mapper.schemadoc import document_schema, schema_text
from mapper.yamlsafe import Document, load_document, load_text

if TYPE_CHECKING:  # pragma: no cover
    from mapper.frontline import FrontLine

__all__ = [
    "BRIEF",
    "Brief",
    "BriefConstraints",
    "CandidateSpec",
    "DemandSpec",
    "HubLimit",
    "Site",
    "json_schema",
    "load_brief",
    "load_brief_text",
    "schema_json",
]

BRIEF_FORMAT_VERSION = 1
# Limits checked while reading (docs/suggest.md#limits); the candidate and demand counts, which depend on the
# geodata, are checked by mapper.placement before any distance is computed.
MAX_UNIT_TYPES = 20
MAX_UNITS = 100  # all units of all types together
MAX_LISTED = 2_000  # entries of candidates.list and of demand.sites
MAX_RADIUS_KM = 1_000
MAX_WEIGHT = 1e9
_ID = r"[a-z0-9][a-z0-9_-]{0,63}"


# ------------------------------------------------------------------------------------------------- the format
_countries = ListOf(
    Str(expected="a country name or ISO code"), min_items=1, max_items=60, single_ok=True
)
_population = Num(expected="a number of people", minimum=0, maximum=100_000_000, integer=True)
_km = Num(expected="a distance in km", minimum=0, maximum=5_000)
_nation = Choice(
    values=tuple(NATIONS) + tuple(MULTINATIONAL),
    aliases=NATION_ALIASES,
    expected="an ISO 3166 two-letter country code (e.g. FR, GB, PL), a country name, or MN for multinational",
)
UNIT = Record(
    title="Unit to place",
    fields={
        "name": Field(
            Str(expected="a name", max_len=150),
            required=True,
            description="the forces' name stem: 'Air defence unit' gives 'Air defence unit 1 (Kyiv)' ...",
        ),
        "id": Field(
            Str(expected="an id of lower-case letters, digits, '-' or '_'", pattern=_ID),
            description="unique in the brief; default: the name in lower case with '_' for spaces",
        ),
        "kind": Field(Choice(values=UNIT_KINDS, aliases=KIND_ALIASES), default="unit"),
        "echelon": Field(Choice(values=ECHELONS, aliases=ECHELON_ALIASES)),
        "nation": Field(_nation, required=True),
        "role": Field(Choice(values=ROLES, aliases=ROLE_ALIASES)),
        "count": Field(
            Num(expected="a number of units", minimum=1, maximum=MAX_UNITS, integer=True),
            default=1,
        ),
        "troops": Field(
            Num(expected="a whole number of troops", minimum=1, maximum=1_000_000, integer=True),
            required=True,
            description="per unit",
        ),
        "radius_km": Field(
            Num(
                expected="a distance in km",
                minimum=0,
                exclusive_minimum=True,
                maximum=MAX_RADIUS_KM,
            ),
            required=True,
            description="what one unit covers around its site (geodesic); written as the force's range_km",
        ),
    },
)
_places = Record(
    title="Candidate places",
    fields={
        "min_population": Field(_population, required=True),
        "countries": Field(_countries, description="default Ukraine"),
    },
    description="gazetteer places of at least min_population people inside the countries",
)
_listed = Record(
    title="Listed candidate",
    fields={
        "name": Field(Str(expected="a name", max_len=150), description="default: the place's name"),
        "at": Field(LOCATION, required=True),
    },
)
_grid = Record(
    title="Candidate grid",
    fields={
        "km": Field(Num(expected="a grid spacing in km", minimum=1, maximum=500), required=True),
        "countries": Field(_countries, description="default Ukraine"),
    },
    description="points every km (geodesic) inside the countries' polygons",
)
_key_site_ids = ListOf(
    Str(expected="a key-site id (`mapper sites` lists them)", pattern=r"[a-z0-9][a-z0-9_]{0,63}"),
    min_items=1, max_items=MAX_LISTED, single_ok=True,
)  # fmt: skip
#: which bundled key sites (mapper.keysites, geodata/key_sites.csv): every one unless narrowed
_KEY_SITE_SELECTION = {
    "types": Field(
        ListOf(Choice(values=KEY_SITE_TYPES), min_items=1, max_items=10, single_ok=True),
        description="default: every type",
    ),
    "countries": Field(
        _countries, description="default: every country (names, ISO-2 or ISO-3 codes)"
    ),
    "ids": Field(_key_site_ids, description="only these sites"),
    "exclude": Field(_key_site_ids, description="not these sites"),
}
_candidate_key_sites = Record(
    title="Candidate key sites",
    fields=dict(_KEY_SITE_SELECTION),
    description="the bundled key sites (`mapper sites`) of these types and countries as candidate sites",
)
CANDIDATES = Record(
    title="Candidates",
    fields={
        "places": Field(_places),
        "list": Field(ListOf(_listed, min_items=1, max_items=MAX_LISTED)),
        "grid": Field(_grid),
        "key_sites": Field(_candidate_key_sites),
    },
    description="where units may go: at least one of places, list, grid, key_sites (together: all of them)",
)
_demand_population = Record(
    title="Population demand",
    fields={
        "countries": Field(_countries, description="default Ukraine"),
        "min_population": Field(_population, default=0),
        "include_occupied": Field(
            Bool(),
            default=False,
            description="also the places inside the occupied area (default false)",
        ),
    },
    description="the people of the gazetteer's places inside the countries (a city's districts counted once)",
)
_site = Record(
    title="Demand site",
    fields={
        "name": Field(Str(expected="a name", max_len=150), required=True),
        "at": Field(LOCATION, required=True),
        "weight": Field(
            Num(expected="a weight", minimum=0, exclusive_minimum=True, maximum=MAX_WEIGHT),
            required=True,
            description="what covering the site is worth, in the same unit as people",
        ),
    },
)
_demand_key_sites = Record(
    title="Demand key sites",
    fields={
        **_KEY_SITE_SELECTION,
        "weight": Field(
            Num(expected="a weight", minimum=0, exclusive_minimum=True, maximum=MAX_WEIGHT),
            required=True,
            description="what covering each site is worth, in the same unit as people",
        ),
        "include_occupied": Field(
            Bool(),
            default=False,
            description="also the sites inside the occupied area (default false)",
        ),
    },
    description="the bundled key sites (`mapper sites`) of these types and countries, each with the weight",
)
DEMAND = Record(
    title="Demand",
    fields={
        "population": Field(_demand_population),
        "sites": Field(ListOf(_site, min_items=1, max_items=MAX_LISTED)),
        "key_sites": Field(_demand_key_sites),
    },
    description="what the units should cover: at least one of population, sites, key_sites",
)
_hub_limit = Record(
    title="Hub distance",
    fields={"hub": Field(LOCATION, required=True), "km": Field(_km, required=True)},
)
CONSTRAINTS = Record(
    title="Brief constraints",
    fields={
        "min_distance_from_front_km": Field(
            _km, description="every site at least this far from the front line"
        ),
        "min_distance_from_hostile_km": Field(
            _km, description="every site at least this far from the brief's threat"
        ),
        "max_distance_to_nato_border_km": Field(
            _km, description="every site within this distance of a NATO member's territory"
        ),
        "max_distance_to_hub_km": Field(
            _hub_limit, description="every site within km of the hub (a place or {lat, lon})"
        ),
        "allow_in_occupied": Field(
            Bool(), default=False, description="sites inside the occupied area"
        ),
        "max_per_site": Field(
            Num(expected="a number of units", minimum=1, maximum=MAX_UNITS, integer=True),
            default=1,
            description="at most this many units (of any type) at one site",
        ),
        "troop_budget": Field(
            Num(expected="a whole number of troops", minimum=1, maximum=100_000_000, integer=True),
            description="the placed units' troops together at most this",
        ),
    },
)
OPTION_OUT = Record(
    title="Option to write",
    fields={
        "id": Field(
            Str(expected="an id of lower-case letters, digits, '-' or '_'", pattern=_ID),
            required=True,
        ),
        "name": Field(Str(expected="a name", max_len=200), required=True),
        "colour": Field(Colour(), required=True),
        "description": Field(Str(max_len=MAX_TEXT)),
    },
)
BRIEF = Record(
    title="Placement brief",
    fields={
        "format": Field(Choice(values=("1",), expected="1 (the format version)"), required=True),
        "brief": Field(
            Str(expected="an id of lower-case letters, digits, '-' or '_'", pattern=_ID),
            required=True,
            description="the brief's id (also the written scenario's id)",
        ),
        "title": Field(Str(expected="a title", max_len=300), required=True),
        "date": Field(Date(), required=True, description="the situation date"),
        "summary": Field(Str(max_len=MAX_TEXT)),
        "front_line": Field(
            Str(expected="'bundled' or a path to a front-line file"),
            default="bundled",
            description="'bundled' or a path relative to this file (GeoJSON, GeoPackage, KML, KMZ)",
        ),
        "front_line_layer": Field(Str(expected="a layer name")),
        "occupied": Field(Str(expected="'bundled', 'none' or a path to an occupied-area file")),
        "threat": Field(
            ListOf(
                Choice(values=THREATS, aliases=THREAT_ALIASES),
                min_items=1,
                max_items=10,
                single_ok=True,
            ),
            description="what hostile distances are measured from; default front_line, occupied, russia, belarus",
        ),
        "option": Field(OPTION_OUT, required=True, description="the option mapper suggest writes"),
        "units": Field(ListOf(UNIT, min_items=1, max_items=MAX_UNIT_TYPES), required=True),
        "candidates": Field(CANDIDATES, required=True),
        "demand": Field(DEMAND, required=True),
        "constraints": Field(CONSTRAINTS),
    },
)


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the brief format, generated from ``BRIEF``."""
    return document_schema(BRIEF, "brief", names={"shared": "location"})


def schema_json(indent: int = 2) -> str:
    """The JSON Schema as the text committed in ``schema/brief.schema.json``."""
    return schema_text(json_schema(), indent)


# ------------------------------------------------------------------------------------------------- the model
@dataclass(frozen=True)
class Site:
    """A resolved point of the brief: a listed candidate, a demand site (``weight``) or the hub."""

    name: str
    lat: float
    lon: float
    weight: float = 1.0
    keypath: str = ""


@dataclass(frozen=True)
class CandidateSpec:
    """Where units may go. ``places_min_population`` None: no gazetteer places; ``grid_km`` None: no grid."""

    places_min_population: int | None = None
    places_countries: tuple[str, ...] = DEFAULT_COVERAGE_COUNTRIES  # ISO-2
    listed: tuple[Site, ...] = ()
    grid_km: float | None = None
    grid_countries: tuple[str, ...] = DEFAULT_COVERAGE_COUNTRIES  # ISO-2
    key_sites: tuple[Site, ...] = ()  # bundled key sites (candidates.key_sites), source "key_site"


@dataclass(frozen=True)
class DemandSpec:
    """What to cover. ``population_countries`` empty: no population demand."""

    population_countries: tuple[str, ...] = ()  # ISO-2
    population_min: int = 0
    sites: tuple[Site, ...] = ()  # demand.sites, then demand.key_sites (not in the occupied area)
    population_include_occupied: bool = False


@dataclass(frozen=True)
class HubLimit:
    hub: Site
    km: float


@dataclass(frozen=True)
class BriefConstraints:
    min_distance_from_front_km: float | None = None
    min_distance_from_hostile_km: float | None = None
    max_distance_to_nato_border_km: float | None = None
    max_distance_to_hub: HubLimit | None = None
    allow_in_occupied: bool = False
    max_per_site: int = 1
    troop_budget: int | None = None


@dataclass(frozen=True)
class Brief:
    """A resolved brief: every location a lat/lon, countries ISO-2 codes, the front line read."""

    id: str
    title: str
    date: dt.date
    file: str  # as shown in messages (the path given, or the name of a text)
    front: FrontLine
    threat: tuple[str, ...]
    option_id: str
    option_name: str
    option_colour: str  # '#rrggbb'
    units: tuple[UnitType, ...]
    candidates: CandidateSpec
    demand: DemandSpec
    constraints: BriefConstraints = field(default_factory=BriefConstraints)
    option_description: str | None = None
    summary: str | None = None
    #: the front-line keys as written (for the written scenario): 'bundled' or a path relative to the brief
    front_line: str = "bundled"
    front_line_layer: str | None = None
    occupied: str | None = None
    path: str = ""  # the brief's path ('' for a text): files it names are relative to its folder
    warnings: tuple[Any, ...] = ()  # mapper.errors.Problem
    marks: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def coverage_countries(self) -> tuple[str, ...]:
        """The countries demand is counted in (ISO-2): the population's, else the default."""
        return self.demand.population_countries or DEFAULT_COVERAGE_COUNTRIES

    def located(self, keypath: str, message: str) -> ScenarioError:
        """An error about this brief located at ``keypath`` (file:line:col when it was read from a file)."""
        from mapper.errors import Problem

        line, col = self.marks.get(keypath, (None, None))
        return ScenarioError(Problem(message, self.file, line, col, keypath), file=self.file)


# ------------------------------------------------------------------------------------------------- loading
def load_brief(
    path: str | os.PathLike[str], *, front_line: str | os.PathLike[str] | None = None
) -> Brief:
    """Load and resolve one brief file. Raises ``ScenarioError`` listing every problem found.

    ``front_line`` (a file, as from ``--front-line``) replaces the brief's own front line."""
    path = Path(path)
    doc = load_document(path, display=str(path))
    return _load(doc, path, front_line, str(path))


def load_brief_text(
    text: str,
    *,
    name: str = "<string>",
    base_dir: str | os.PathLike[str] = ".",
    front_line: str | os.PathLike[str] | None = None,
) -> Brief:
    """Load and resolve a brief given as text (errors name the file ``name``); files it names are read from
    ``base_dir`` under the same rule as for a file in that folder."""
    doc = load_text(text, file=name)
    return _load(doc, Path(base_dir) / name, front_line, "")


def _in_order(problems: list[Any]) -> list[Any]:
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def check_brief_document(root: Node, ctx: Context) -> Any:
    """The checked top-level values of a brief, or ``INVALID`` (reported) if it is no brief at all (its content
    is then never quoted)."""
    if not isinstance(root, MappingNode):
        return ctx.error(
            root, "", "is not a brief: its top level is not a mapping with format, brief, units ..."
        )
    keys = {k.value for k, _ in root.value if isinstance(k, ScalarNode)}
    if "brief" not in keys and "options" in keys:
        return ctx.error(
            root,
            "",
            "is a scenario, not a brief (a brief has 'brief:', 'units:', 'candidates:' ...); "
            "see docs/suggest.md",
        )
    if not keys & set(BRIEF.fields):
        return ctx.error(
            root,
            "",
            "is not a brief: its top level is a mapping with none of the brief's keys "
            "(format, brief, title, units, candidates, demand ...)",
        )
    return BRIEF.check(root, "", ctx)


def _load(doc: Document, path: Path, front_line: Any, shown_path: str) -> Brief:
    from mapper.loader import _Resolver

    ctx = Context(file=doc.file, problems=list(doc.warnings))
    raw = check_brief_document(doc.root, ctx)
    if raw is INVALID:
        raise ScenarioError(_in_order(ctx.problems), file=doc.file)
    _check_structure(raw, ctx)
    if (
        ctx.has_errors
    ):  # structure first: nothing is resolved (or read) for a brief that is wrong anyway
        raise ScenarioError(_in_order(ctx.problems), file=doc.file)
    resolver = _Resolver(ctx, base_dir=path.parent.resolve(), shown_dir=path.parent)
    brief = _Build(ctx, resolver).brief(raw, front_line)
    if ctx.has_errors or brief is None:
        raise ScenarioError(_in_order(ctx.problems), file=doc.file)
    warnings = tuple(_in_order([p for p in ctx.problems if p.severity == "warning"]))
    return dataclasses.replace(
        brief, file=doc.file, path=shown_path, warnings=warnings, marks=dict(ctx.marks)
    )


def _unit_key(raw: dict[str, Any]) -> str:
    return (
        raw.get("id") or re.sub(r"[^a-z0-9]+", "_", str(raw["name"]).lower()).strip("_") or "unit"
    )


def _check_structure(raw: dict[str, Any], ctx: Context) -> None:
    """What the spec cannot say: at least one source of candidates and of demand, unique unit ids and names,
    the units' total within the limit."""
    cands, demand = raw.get("candidates"), raw.get("demand")
    if isinstance(cands, dict) and all(
        cands.get(k) is None for k in ("places", "list", "grid", "key_sites")
    ):
        ctx.error_at(
            "candidates",
            "give at least one of places, list, grid or key_sites (where units may go)",
        )
    if isinstance(demand, dict) and all(
        demand.get(k) is None for k in ("population", "sites", "key_sites")
    ):
        ctx.error_at(
            "demand",
            "give at least one of population, sites or key_sites (what the units should cover)",
        )
    units = raw.get("units")
    if not isinstance(units, list):
        return
    keys: dict[str, int] = {}
    total = 0
    for i, unit in enumerate(units):
        if not isinstance(unit, dict) or not isinstance(unit.get("name"), str):
            continue
        key = _unit_key(unit)
        if key in keys:
            ctx.error_at(
                join(join("units", i), "id" if unit.get("id") else "name"),
                f"two units share the id {key!r} (also units[{keys[key]}]); give each an id",
            )
        keys.setdefault(key, i)
        count = unit.get("count")
        total += count if isinstance(count, int) else 1
    if total > MAX_UNITS:
        ctx.error_at("units", f"{total:,} units in all, over the limit of {MAX_UNITS:,} per brief")


@dataclass
class _Build:
    """Checked raw values → the resolved ``Brief``, problems recorded where they are written."""

    ctx: Context
    resolver: (
        Any  # mapper.loader._Resolver: the scenario's own resolution of places and the front line
    )

    def countries(self, names: Any, path: str) -> tuple[str, ...]:
        from mapper import geodata
        from mapper.errors import PlaceError

        if not names:
            return DEFAULT_COVERAGE_COUNTRIES
        out: list[str] = []
        for i, name in enumerate(names):
            try:
                out.append(geodata.country(name).iso2)
            except PlaceError as exc:
                self.ctx.error_at(join(path, i), str(exc))
        return tuple(dict.fromkeys(out))

    def site(self, raw: dict[str, Any], path: str, weight: float = 1.0) -> Site | None:
        loc = self.resolver.location(raw.get("at"), join(path, "at"))
        if loc is None:
            return None
        return Site(raw.get("name") or loc.label, loc.lat, loc.lon, weight, path)

    def sites(self, items: Any, path: str, weighted: bool) -> tuple[Site, ...]:
        found = [
            self.site(item, join(path, i), float(item["weight"]) if weighted else 1.0)
            for i, item in enumerate(items or [])
        ]
        return tuple(s for s in found if s is not None)

    def candidates(self, raw: dict[str, Any]) -> CandidateSpec:
        places, grid = raw.get("places"), raw.get("grid")
        return CandidateSpec(
            places_min_population=places["min_population"] if places else None,
            places_countries=self.countries(
                places and places.get("countries"), "candidates.places.countries"
            ),
            listed=self.sites(raw.get("list"), "candidates.list", weighted=False),
            grid_km=float(grid["km"]) if grid else None,
            grid_countries=self.countries(
                grid and grid.get("countries"), "candidates.grid.countries"
            ),
            key_sites=self.key_sites(raw.get("key_sites"), "candidates.key_sites"),
        )

    def key_sites(
        self, raw: dict[str, Any] | None, path: str, occupied: Any = None
    ) -> tuple[Site, ...]:
        """The bundled key sites ``raw`` selects (``candidates.key_sites``, ``demand.key_sites`` with its
        ``weight``), those inside ``occupied`` left out unless ``include_occupied``; an unknown id, an unknown
        country or an empty selection is an error located at its key."""
        from mapper import keysites

        if raw is None:
            return ()
        for key in ("ids", "exclude"):
            for i, ident in enumerate(raw.get(key) or ()):
                if (message := keysites.unknown_id(ident)) is not None:
                    self.ctx.error_at(join(join(path, key), i), message)
        names = raw.get("countries")
        countries = self.countries(names, join(path, "countries")) if names else ()
        if self.ctx.has_errors:
            return ()
        found = keysites.key_sites(
            raw.get("types"), countries, raw.get("ids"), raw.get("exclude") or ()
        )
        found, left_out = keysites.outside(found, None if raw.get("include_occupied") else occupied)
        if not found:
            why = f" outside the occupied area ({left_out} inside it left out)" if left_out else ""
            self.ctx.error_at(path, f"no bundled key site matches{why}; `mapper sites` lists them")
        weight = float(raw.get("weight") or 1.0)
        return tuple(Site(s.name, s.lat, s.lon, weight, path) for s in found)

    def demand(self, raw: dict[str, Any], occupied: Any = None) -> DemandSpec:
        pop = raw.get("population")
        return DemandSpec(
            population_countries=self.countries(pop.get("countries"), "demand.population.countries")
            if pop is not None
            else (),
            population_min=int(pop.get("min_population") or 0) if pop is not None else 0,
            sites=self.sites(raw.get("sites"), "demand.sites", weighted=True)
            + self.key_sites(raw.get("key_sites"), "demand.key_sites", occupied),
            population_include_occupied=bool(pop is not None and pop.get("include_occupied")),
        )

    def constraints(self, raw: dict[str, Any] | None) -> BriefConstraints:
        raw = raw or {}
        hub = raw.get("max_distance_to_hub_km")
        limit = None
        if hub:
            path = "constraints.max_distance_to_hub_km.hub"
            loc = self.resolver.location(hub["hub"], path)
            if loc is not None:
                limit = HubLimit(Site(loc.label, loc.lat, loc.lon, 1.0, path), float(hub["km"]))
        km = {k: (None if raw.get(k) is None else float(raw[k])) for k in (
            "min_distance_from_front_km", "min_distance_from_hostile_km", "max_distance_to_nato_border_km"
        )}  # fmt: skip
        return BriefConstraints(
            **km,
            max_distance_to_hub=limit,
            allow_in_occupied=bool(raw.get("allow_in_occupied")),
            max_per_site=int(raw.get("max_per_site") or 1),
            troop_budget=raw.get("troop_budget"),
        )

    def brief(self, raw: dict[str, Any], override: Any) -> Brief | None:
        from mapper import exposure

        front = self.resolver.front(raw, override, None)
        self.resolver._front = front  # the small-place warning gives the distance from this line
        units = tuple(
            UnitType(
                key=_unit_key(u), name=u["name"], kind=u.get("kind") or "unit", echelon=u.get("echelon"),
                nation=u["nation"], count=int(u.get("count") or 1), troops=int(u["troops"]),
                radius_km=float(u["radius_km"]), role=u.get("role"),
            )
            for u in raw["units"]
        )  # fmt: skip
        occupied = front.occupied if front is not None else None
        cands, demand = self.candidates(raw["candidates"]), self.demand(raw["demand"], occupied)
        constraints = self.constraints(raw.get("constraints"))
        if self.ctx.has_errors or front is None:
            return None
        opt = raw["option"]
        return Brief(
            id=raw["brief"], title=raw["title"], date=raw["date"], file=self.ctx.file, front=front,
            threat=exposure.threat(raw.get("threat")), option_id=opt["id"], option_name=opt["name"],
            option_colour=opt["colour"], option_description=opt.get("description"), units=units,
            candidates=cands, demand=demand, constraints=constraints, summary=raw.get("summary"),
            front_line=raw.get("front_line") or "bundled", front_line_layer=raw.get("front_line_layer"),
            occupied=raw.get("occupied"),
        )  # fmt: skip

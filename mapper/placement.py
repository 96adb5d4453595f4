"""The placement problem of ``mapper suggest``: which candidate sites each unit may take and what each would cover.

A brief (``mapper.brief``) becomes an ``Instance``: the units to place (``UnitType``: kind, count, troops,
coverage radius), the candidate sites that pass every constraint (``Candidate``), the demand to cover
(``Demand``: people at populated places inside the chosen countries, key sites with weights) and, per unit type,
which demand points each candidate covers (geodesic distance on WGS84 within the unit's radius, built vectorised
and in chunks). The solvers (``mapper.optimize``) see only an ``Instance``; the writer (``mapper.suggestion``)
turns their ``Solution`` back into a scenario option. Pure: no output, no solver.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from mapper.errors import MapperError

if TYPE_CHECKING:  # pragma: no cover
    from mapper.brief import Brief

__all__ = [
    "MAX_CANDIDATES",
    "MAX_DEMAND",
    "Candidate",
    "Demand",
    "InfeasibleBriefError",
    "Instance",
    "UnitType",
    "build_instance",
    "cover_indices",
    "grid_points",
]

# Limits (docs/suggest.md#limits), refused before any distance is measured. 20,000 candidates x 5,000 demand
# points is the memory target (coverage built in chunks of CHUNK_PAIRS pairs, ~150 MB each at most).
MAX_CANDIDATES = 20_000
MAX_DEMAND = 10_000
CHUNK_PAIRS = 2_000_000
EARTH_MEAN_RADIUS_KM = 6371.0088
#: The great circle on the mean sphere is within 0.45 % below and 0.57 % above the WGS84 geodesic everywhere:
#: WGS84's radii of curvature lie between 6,335.4 km (the meridian at the equator) and 6,399.6 km (at the poles),
#: and 2 million random pairs up to 1,000 km at all latitudes measured -0.45 %..+0.56 %. So a pair whose
#: great-circle distance is under 0.99 r is surely within r, over 1.01 r surely not; only the pairs between get
#: the exact Geod.inv.
SPHERE_SURE = (0.99, 1.01)
#: the order constraints are applied in, and the keys of ``Instance.removed``
CONSTRAINT_ORDER = (
    "duplicate",
    "allow_in_occupied",
    "min_distance_from_front_km",
    "min_distance_from_hostile_km",
    "max_distance_to_nato_border_km",
    "max_distance_to_hub_km",
)


@dataclass(frozen=True)
class UnitType:
    """One kind of unit to place, ``count`` times."""

    key: str  # unique within the brief (e.g. "air_defence")
    name: str  # the forces' name stem: "Air defence unit" -> "Air defence unit 1 (Kyiv)"
    kind: str  # a scenario force kind (mapper.app6.KINDS)
    echelon: str | None
    nation: str
    count: int
    troops: int  # per unit
    radius_km: float  # what a unit covers around its site (geodesic)
    role: str | None = None  # a scenario role (mapper.scenario.ROLES) for the written forces


@dataclass(frozen=True)
class Candidate:
    """A site a unit may take: it passed every constraint of the brief."""

    name: str  # place name, key-site name, or for a grid point "12 km NW of Khmelnytskyi" (grid_names)
    lat: float
    lon: float
    country: str  # ISO alpha-2
    source: str  # "place" | "key_site" | "list" | "grid"
    front_km: float  # geodesic distance to the front line
    hostile_km: float  # geodesic distance to the brief's hostile territory (its threat)
    oblast: str = ""  # a gazetteer place's oblast (to write it qualified: {place, oblast})


@dataclass(frozen=True)
class Demand:
    """Something to cover: people at a populated place, or a key site with a weight."""

    name: str
    lat: float
    lon: float
    weight: float  # people, or the site's weight
    kind: str  # "population" | "site"
    country: str


@dataclass
class Instance:
    """What the solvers see. ``covers[t][j]``: the sorted indices (into ``demand``) of the demand points that a
    unit of ``units[t]`` at ``candidates[j]`` covers."""

    units: tuple[UnitType, ...]
    candidates: tuple[Candidate, ...]
    demand: tuple[Demand, ...]
    covers: list[list[np.ndarray]]
    max_per_site: int = 1  # at most this many units (of any type) at one site
    troop_budget: int | None = None  # total troops of the placed units at most this
    #: how many candidates each constraint removed, in the order applied (for "which constraint empties it")
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def weights(self) -> np.ndarray:
        return np.asarray([d.weight for d in self.demand], dtype=float)


class InfeasibleBriefError(MapperError):
    """No placement meets the brief: ``constraint`` is the key that emptied the candidate set (or left fewer
    sites than the units need), ``removed`` how many each constraint removed, in the order applied."""

    def __init__(
        self, message: str, *, constraint: str, removed: dict[str, int] | None = None
    ) -> None:
        super().__init__(message)
        self.constraint = constraint
        self.removed = dict(removed or {})


# ------------------------------------------------------------------------------------------------ the build
def build_instance(brief: Brief) -> Instance:
    """The placement problem of ``brief``: candidates that pass every constraint (applied in
    ``CONSTRAINT_ORDER``, counts in ``removed``), the demand, and which demand each unit type covers from each
    candidate. Refuses a brief over the limits before measuring anything (``ScenarioError`` located at the key)
    and an infeasible one (``InfeasibleBriefError`` naming the constraint)."""
    check_limits(brief)
    pool = _candidate_pool(brief)
    if len(pool.lat) > MAX_CANDIDATES:
        raise brief.located(
            "candidates",
            f"the candidates give {len(pool.lat):,} sites, over the limit of {MAX_CANDIDATES:,}; raise "
            "candidates.places.min_population or candidates.grid.km",
        )
    candidates, removed = _constrained(brief, pool)
    _check_feasible(brief, candidates, removed)
    demand = _demand(brief)
    if not demand:
        raise InfeasibleBriefError(
            f"{brief.file}: demand: nothing to cover (no place of the demand's countries has "
            f"{brief.demand.population_min:,} people or more, and no site is listed)",
            constraint="demand",
            removed=removed,
        )
    clat = np.asarray([c.lat for c in candidates], dtype=float)
    clon = np.asarray([c.lon for c in candidates], dtype=float)
    dlat = np.asarray([d.lat for d in demand], dtype=float)
    dlon = np.asarray([d.lon for d in demand], dtype=float)
    covers = coverage(clat, clon, dlat, dlon, [u.radius_km for u in brief.units])
    return Instance(
        units=brief.units,
        candidates=tuple(candidates),
        demand=tuple(demand),
        covers=covers,
        max_per_site=brief.constraints.max_per_site,
        troop_budget=brief.constraints.troop_budget,
        removed=removed,
    )


def cover_indices(instance: Instance, t: int, lat: float, lon: float) -> np.ndarray:
    """The sorted indices (into ``instance.demand``) that one unit of ``instance.units[t]`` at (lat, lon)
    covers: the same rule as ``covers`` (geodesic distance at most the unit's radius), for any point."""
    from mapper import geodesy

    dlat = np.fromiter((d.lat for d in instance.demand), dtype=float, count=len(instance.demand))
    dlon = np.fromiter((d.lon for d in instance.demand), dtype=float, count=len(instance.demand))
    d = geodesy.point_distance_km(lat1=lat, lon1=lon, lat2=dlat, lon2=dlon)
    return np.flatnonzero(d <= instance.units[t].radius_km).astype(np.int32)


# ------------------------------------------------------------------------------------------------ limits
def check_limits(brief: Brief) -> None:
    """Refuse a brief whose candidates or demand would be over the limits, from counts that cost nothing: the
    places over the thresholds and the grid's size from the countries' geodesic area."""
    from mapper import geodata, geodesy

    spec = brief.candidates
    count = len(spec.listed) + len(spec.key_sites)
    if spec.places_min_population is not None:
        count += int(_place_mask(spec.places_countries, spec.places_min_population).sum())
    if spec.grid_km is not None:
        area = sum(
            geodesy.geodesic_area_km2(geodata.country(cc).geometry) for cc in spec.grid_countries
        )
        grid = area / spec.grid_km**2
        if grid > MAX_CANDIDATES:
            least = math.ceil(math.sqrt(area / MAX_CANDIDATES))
            raise brief.located(
                "candidates.grid.km",
                f"a {spec.grid_km:g} km grid over {area:,.0f} km² gives about {grid:,.0f} candidates, over the "
                f"limit of {MAX_CANDIDATES:,}; use km: {least} or more",
            )
        count += int(grid)
    if count > MAX_CANDIDATES:
        raise brief.located(
            "candidates",
            f"the candidates give about {count:,} sites, over the limit of {MAX_CANDIDATES:,}; raise "
            "candidates.places.min_population or candidates.grid.km",
        )
    dem = brief.demand
    n = len(dem.sites)
    if dem.population_countries:
        n += int(_place_mask(dem.population_countries, dem.population_min).sum())
    if n > MAX_DEMAND:
        raise brief.located(
            "demand",
            f"the demand has {n:,} points, over the limit of {MAX_DEMAND:,}; raise "
            "demand.population.min_population",
        )


def _place_mask(countries: tuple[str, ...], min_population: int) -> np.ndarray:
    from mapper import geodata

    cols = geodata.table("places").columns
    cc = np.asarray(cols["country"], dtype=object).astype(str)
    pop = np.asarray(cols["population"], dtype=np.int64)
    return np.isin(cc, list(countries)) & (pop >= min_population)


# ------------------------------------------------------------------------------------------------ candidates
@dataclass
class _Pool:
    """Candidate sites before the constraints, as columns."""

    lat: np.ndarray
    lon: np.ndarray
    name: list[str]
    country: list[str]
    source: list[str]
    oblast: list[str]


def _city_rows(countries: tuple[str, ...], min_population: int) -> list[int]:
    """Rows of the places table in ``countries`` with ``min_population`` people or more that are places of their
    own, not a city's districts (GeoNames sections: ``placelabels.cities``), by population."""
    from mapper import geodata

    return list(_city_rows_of(geodata.table("places"), tuple(countries), min_population))


@lru_cache(maxsize=8)
def _city_rows_of(table: Any, countries: tuple[str, ...], min_population: int) -> tuple[int, ...]:
    # keyed by the places table itself (a new one after geodata.clear_caches): the district rule costs ~2 s
    # over every place and placelabels keeps one threshold only, while a brief asks for two
    from mapper.placelabels import cities

    cols = table.columns
    wanted = set(countries)
    rows = [i for i in cities(min_population) if cols["country"][i] in wanted]
    return tuple(sorted(rows, key=lambda i: (-cols["population"][i], cols["name"][i])))


def _candidate_pool(brief: Brief) -> _Pool:
    """Gazetteer places, then listed sites, then key sites, then grid points (a point given twice is dropped
    later)."""
    from mapper import geodata

    spec = brief.candidates
    cols = geodata.table("places").columns
    rows = [] if spec.places_min_population is None else _city_rows(
        spec.places_countries, spec.places_min_population
    )  # fmt: skip
    sites = spec.listed + spec.key_sites
    lat = [cols["lat"][i] for i in rows] + [s.lat for s in sites]
    lon = [cols["lon"][i] for i in rows] + [s.lon for s in sites]
    name = [cols["name"][i] for i in rows] + [s.name for s in sites]
    country = [cols["country"][i] for i in rows] + list(
        _countries_at(np.asarray([s.lat for s in sites]), np.asarray([s.lon for s in sites]))
    )
    source = (
        ["place"] * len(rows) + ["list"] * len(spec.listed) + ["key_site"] * len(spec.key_sites)
    )
    oblast = [cols["oblast"][i] for i in rows] + [""] * len(sites)
    if spec.grid_km is not None:
        # one grid over all the countries, so that neighbours across a border are km apart too
        glat, glon, gcc = _grid(spec.grid_km, spec.grid_countries)
        lat += glat.tolist()
        lon += glon.tolist()
        name += grid_names(glat, glon)
        country += gcc
        source += ["grid"] * len(glat)
        oblast += [""] * len(glat)
    return _Pool(
        np.asarray(lat, dtype=float), np.asarray(lon, dtype=float), name, country, source, oblast
    )


def _grid(km: float, countries: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The grid over the union of ``countries``, with the ISO-2 code of the country of each point."""
    import shapely

    from mapper import geodata

    shapes = [geodata.country(cc).geometry for cc in countries]
    lat, lon = grid_points(km, shapely.union_all(shapes) if len(shapes) > 1 else shapes[0])
    out = np.full(len(lat), "", dtype=object)
    for cc, shape in zip(countries, shapes, strict=True):
        out[(out == "") & shapely.contains_xy(shape, lon, lat)] = cc
    keep = out != ""  # on a shared border line the union may hold a point neither country does
    return lat[keep], lon[keep], [str(x) for x in out[keep]]


#: a grid point is named after the nearest town of at least this many people within ``NAME_REACH_KM``
NAME_MIN_POPULATION = 10_000
NAME_REACH_KM = 40.0
_COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


def _grid_name(lat: float, lon: float) -> str:
    return (
        f"grid {abs(lat):.3f} {'N' if lat >= 0 else 'S'} {abs(lon):.3f} {'E' if lon >= 0 else 'W'}"
    )


def grid_names(lat: np.ndarray, lon: np.ndarray) -> list[str]:
    """Names a briefing can use for grid points: "12 km NW of Khmelnytskyi" (geodesic distance and the compass
    point of the bearing from the nearest town of ``NAME_MIN_POPULATION`` people within ``NAME_REACH_KM``; "at
    <town>" within 1 km), else the coordinates ("grid 48.500 N 31.000 E")."""
    from mapper import geodata
    from mapper.geodesy import GEOD

    cols = geodata.table("places").columns
    pop = np.asarray(cols["population"], dtype=float)
    towns = np.flatnonzero(pop >= NAME_MIN_POPULATION)
    tlat = np.asarray(cols["lat"], dtype=float)[towns]
    tlon = np.asarray(cols["lon"], dtype=float)[towns]
    out = []
    for a, b in zip(np.asarray(lat, dtype=float), np.asarray(lon, dtype=float), strict=True):
        near = np.flatnonzero(
            (np.abs(tlat - a) < 0.5) & (np.abs(tlon - b) < 0.8)
        )  # > 40 km outside
        if not len(near):
            out.append(_grid_name(a, b))
            continue
        az, _, m = GEOD.inv(tlon[near], tlat[near], np.full(len(near), b), np.full(len(near), a))
        k = int(np.argmin(m))  # first of equals: the order of the places table
        km = float(m[k]) / 1000.0
        town = str(cols["name"][towns[near[k]]])
        if km > NAME_REACH_KM:
            out.append(_grid_name(a, b))
        elif km < 1.0:
            out.append(f"at {town}")
        else:
            out.append(
                f"{km:.0f} km {_COMPASS[int(((float(az[k]) % 360) + 22.5) // 45) % 8]} of {town}"
            )
    return out


def _countries_at(lat: np.ndarray, lon: np.ndarray) -> list[str]:
    """The ISO-2 code of the country each point is in ('' outside every country of the layer)."""
    import shapely

    from mapper import geodata

    out = np.full(len(lat), "", dtype=object)
    if len(lat):
        t = geodata.table("countries")
        for iso2, geom in zip(t.columns["iso2"], t.geometry, strict=True):
            inside = shapely.contains_xy(geom, lon, lat) & (out == "")
            out[inside] = iso2
    return [str(x) for x in out]


def grid_points(km: float, geometry: Any) -> tuple[np.ndarray, np.ndarray]:
    """Points ``km`` apart inside ``geometry`` (lon/lat polygons), geodesically spaced: rows every ``km`` north
    along the meridian through the middle of the geometry's bounds (``Geod.fwd``: a meridian is a geodesic), and
    on each row points every ``km`` along the parallel (the arc of a parallel of latitude φ is ν(φ)·cos φ per
    radian of longitude, ν the prime-vertical radius; between neighbours it differs from the geodesic by
    centimetres). Returns (lat, lon), row by row from the south, west to east."""
    import shapely

    from mapper.geodesy import GEOD

    west, south, east, north = geometry.bounds
    lon0 = (west + east) / 2.0
    _, _, span = GEOD.inv(lon0, south, lon0, north)
    n_rows = int(span // (km * 1000.0)) + 1
    steps = np.arange(n_rows) * km * 1000.0
    _, row_lat, _ = GEOD.fwd(np.full(n_rows, lon0), np.full(n_rows, south), np.zeros(n_rows), steps)
    row_lat = np.asarray(row_lat, dtype=float)
    a, e2 = GEOD.a, GEOD.es
    phi = np.radians(row_lat)
    nu = a / np.sqrt(1.0 - e2 * np.sin(phi) ** 2)
    step_deg = np.degrees(km * 1000.0 / (nu * np.cos(phi)))
    lats, lons = [], []
    for lat, step in zip(row_lat, step_deg, strict=True):
        k = np.arange(-math.ceil((lon0 - west) / step), math.ceil((east - lon0) / step) + 1)
        lons.append(lon0 + k * step)
        lats.append(np.full(len(k), lat))
    lat_all, lon_all = np.concatenate(lats), np.concatenate(lons)
    keep = shapely.contains_xy(geometry, lon_all, lat_all)
    return lat_all[keep], lon_all[keep]


# ------------------------------------------------------------------------------------------------ constraints
def _hostile_km(brief: Brief, lat: np.ndarray, lon: np.ndarray, front_km: np.ndarray) -> np.ndarray:
    """Distance to the nearest part of the brief's threat, as the analysis measures it (0 inside an area)."""
    from mapper import geodesy
    from mapper.frontline import threat_geometries

    rows = [
        front_km
        if key == "front_line"
        else geodesy.distance_to_polygon_km(g, lat=lat, lon=lon).distance_km
        for key, g in threat_geometries(brief.front, tuple(brief.threat)).items()
    ]
    return np.vstack(rows).min(axis=0) if rows else front_km


def _unique(pool: _Pool) -> np.ndarray:
    """Bool per pool entry: the first of the entries at one point (to ~1 m), in pool order."""
    keys = np.round(np.column_stack([pool.lat, pool.lon]), 5)
    _, first = np.unique(keys, axis=0, return_index=True)
    keep = np.zeros(len(pool.lat), dtype=bool)
    keep[first] = True
    return keep


def _rules(
    brief: Brief, lat: np.ndarray, lon: np.ndarray, front_km: np.ndarray, hostile_km: np.ndarray
) -> Iterator[tuple[str, np.ndarray]]:
    """(key, bool per site: it meets the rule) for each constraint the brief sets, in ``CONSTRAINT_ORDER``."""
    import shapely

    from mapper import geodata, geodesy

    c = brief.constraints
    occupied = brief.front.occupied
    if not c.allow_in_occupied:
        inside = (
            shapely.contains_xy(occupied, lon, lat)
            if occupied is not None and not occupied.is_empty
            else np.zeros(len(lat), dtype=bool)
        )
        yield "allow_in_occupied", ~inside
    if c.min_distance_from_front_km is not None:
        yield "min_distance_from_front_km", front_km >= c.min_distance_from_front_km
    if c.min_distance_from_hostile_km is not None:
        yield "min_distance_from_hostile_km", hostile_km >= c.min_distance_from_hostile_km
    if c.max_distance_to_nato_border_km is not None:
        nato = geodesy.distance_to_polygon_km(
            geodata.nato_territory(), lat=lat, lon=lon
        ).distance_km
        yield "max_distance_to_nato_border_km", nato <= c.max_distance_to_nato_border_km
    if c.max_distance_to_hub is not None:
        hub = c.max_distance_to_hub.hub
        d = geodesy.point_distance_km(lat1=lat, lon1=lon, lat2=hub.lat, lon2=hub.lon)
        yield "max_distance_to_hub_km", d <= c.max_distance_to_hub.km


def _constrained(brief: Brief, pool: _Pool) -> tuple[list[Candidate], dict[str, int]]:
    """The pool's sites that pass every constraint, and how many each constraint removed (in order: a site is
    counted against the first constraint it fails)."""
    from mapper import geodesy

    alive = _unique(pool)
    removed = {"duplicate": int((~alive).sum())}
    lat, lon = pool.lat, pool.lon
    front_km = np.asarray(
        geodesy.distance_to_line_km(brief.front.line, lat=lat, lon=lon).distance_km
    )
    hostile_km = _hostile_km(brief, lat, lon, front_km)
    for key, ok in _rules(brief, lat, lon, front_km, hostile_km):
        removed[key] = int((alive & ~ok).sum())
        alive &= ok
    candidates = [
        Candidate(
            name=pool.name[i], lat=float(lat[i]), lon=float(lon[i]), country=pool.country[i],
            source=pool.source[i], front_km=float(front_km[i]), hostile_km=float(hostile_km[i]),
            oblast=pool.oblast[i],
        )
        for i in np.flatnonzero(alive)
    ]  # fmt: skip
    return candidates, removed


def _rule_words(brief: Brief, key: str) -> str:
    c = brief.constraints
    if key == "allow_in_occupied":
        return "allow_in_occupied: false (no site inside the occupied area)"
    if key == "max_distance_to_hub_km" and c.max_distance_to_hub is not None:
        hub = c.max_distance_to_hub
        return f"max_distance_to_hub_km ({hub.km:g} km of {hub.hub.name})"
    if key == "troop_budget":
        return f"troop_budget ({c.troop_budget:,})"
    value = getattr(c, key, None)
    return f"{key} ({value:g} km)" if isinstance(value, float) else key


def _infeasible(
    brief: Brief, key: str, message: str, removed: dict[str, int]
) -> InfeasibleBriefError:
    """The error for an infeasible brief, located at the constraint that made it so when the brief has it."""
    from mapper.errors import Problem

    path = key if key in ("candidates", "demand") else f"constraints.{key}"
    line, col = brief.marks.get(path, (None, None))
    if key == "max_distance_to_hub_km":
        line, col = brief.marks.get(f"{path}.hub", (line, col))
    counts = ", ".join(f"{k} {n:,}" for k, n in removed.items())
    text = Problem(
        f"{message} (removed: {counts})" if removed else message, brief.file, line, col, path
    )
    return InfeasibleBriefError(text.format(), constraint=key, removed=removed)


def _check_feasible(brief: Brief, candidates: list[Candidate], removed: dict[str, int]) -> None:
    """Raise when no placement can meet the brief: naming the first constraint after which no site was left, or
    fewer sites than the units need (``max_per_site`` each), or the troop budget."""
    c = brief.constraints
    need = sum(u.count for u in brief.units)
    troops = sum(u.count * u.troops for u in brief.units)
    if c.troop_budget is not None and troops > c.troop_budget:
        raise _infeasible(
            brief, "troop_budget",
            f"the units need {troops:,} troops together, over {_rule_words(brief, 'troop_budget')}", {},
        )  # fmt: skip
    alive = len(candidates) + sum(removed.values())
    if alive * c.max_per_site < need:
        raise _infeasible(
            brief, "candidates", f"the candidates give only {alive:,} sites; the {need} units need "
            f"{math.ceil(need / c.max_per_site)} at max_per_site {c.max_per_site}", {},
        )  # fmt: skip
    for key, n in removed.items():
        before, alive = alive, alive - n
        if alive == 0:
            raise _infeasible(
                brief, key, f"no candidate site is left: {_rule_words(brief, key)} removed the last "
                f"{before:,}", removed,
            )  # fmt: skip
        if alive * c.max_per_site < need:
            raise _infeasible(
                brief, key, f"only {alive:,} candidate sites are left after {_rule_words(brief, key)}; the "
                f"{need} units need {math.ceil(need / c.max_per_site)} at max_per_site {c.max_per_site}",
                removed,
            )  # fmt: skip


# ------------------------------------------------------------------------------------------------ demand
def _demand(brief: Brief) -> list[Demand]:
    """People at the gazetteer's places in the demand's countries (a city's districts dropped, so people count
    once; places in the occupied area left out unless asked for), then the listed sites with their weights and
    the key sites the brief selected (``brief.demand.sites``: those in the occupied area already left out)."""
    import shapely

    from mapper import geodata

    spec = brief.demand
    cols = geodata.table("places").columns
    out: list[Demand] = []
    if spec.population_countries:
        rows = _city_rows(spec.population_countries, spec.population_min)
        occupied = brief.front.occupied
        if (
            rows
            and not spec.population_include_occupied
            and occupied is not None
            and not occupied.is_empty
        ):
            lat = np.asarray([cols["lat"][i] for i in rows])
            lon = np.asarray([cols["lon"][i] for i in rows])
            inside = shapely.contains_xy(occupied, lon, lat)
            rows = [i for i, x in zip(rows, inside, strict=True) if not x]
        out += [
            Demand(cols["name"][i], cols["lat"][i], cols["lon"][i], float(cols["population"][i]),
                   "population", cols["country"][i])
            for i in rows
            if cols["population"][i] > 0
        ]  # fmt: skip
    lat = np.asarray([s.lat for s in spec.sites])
    lon = np.asarray([s.lon for s in spec.sites])
    for s, cc in zip(spec.sites, _countries_at(lat, lon), strict=True):
        out.append(Demand(s.name, s.lat, s.lon, s.weight, "site", cc))
    return out


# ------------------------------------------------------------------------------------------------ coverage
def _sphere_km(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Great-circle distance (haversine, mean Earth radius): only to sort pairs, never reported."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    h = (
        np.sin((p2 - p1) / 2.0) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2.0) ** 2
    )
    return 2.0 * EARTH_MEAN_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


def coverage(
    clat: np.ndarray, clon: np.ndarray, dlat: np.ndarray, dlon: np.ndarray, radii: Sequence[float]
) -> list[list[np.ndarray]]:
    """Per radius (in the order given) and per candidate, the sorted indices of the demand points within that
    geodesic distance. Vectorised in chunks of about ``CHUNK_PAIRS`` (candidate, demand) pairs: a generous
    latitude/longitude box around each candidate (a degree of latitude is at least 110.57 km) picks the pairs,
    their great-circle distance settles those clearly inside or outside (``SPHERE_SURE``) and the exact
    geodesic distance (``geodesy.point_distance_km``, ``Geod.inv`` on arrays) the rest, so the result is the
    geodesic rule exactly (as ``cover_indices``), ~20 times faster than ``Geod.inv`` on every pair in the box.
    Equal radii share one list."""
    from mapper import geodesy

    distinct = sorted(set(float(r) for r in radii))
    per_radius: dict[float, list[np.ndarray]] = {r: [] for r in distinct}
    if not distinct:
        return []
    box_lat = max(distinct) / 110.0 + 0.1
    rows = max(1, CHUNK_PAIRS // max(len(dlat), 1))
    for start in range(0, len(clat), rows):
        la, lo = clat[start : start + rows], clon[start : start + rows]
        box_lon = box_lat / np.maximum(
            np.cos(np.radians(np.minimum(np.abs(la) + box_lat, 90.0))), 0.05
        )
        near = (np.abs(dlat[None, :] - la[:, None]) <= box_lat) & (
            np.abs(dlon[None, :] - lo[:, None]) <= box_lon[:, None]
        )
        ci, di = np.nonzero(near)  # row-major: by candidate, demand indices ascending within each
        del near
        sphere = _sphere_km(la[ci], lo[ci], dlat[di], dlon[di])
        for r in distinct:
            # the great circle decides where it cannot be wrong; Geod.inv decides the pairs near the edge
            inside = sphere <= r * SPHERE_SURE[0]
            edge = np.flatnonzero(~inside & (sphere <= r * SPHERE_SURE[1]))
            d = geodesy.point_distance_km(
                lat1=la[ci[edge]], lon1=lo[ci[edge]], lat2=dlat[di[edge]], lon2=dlon[di[edge]]
            )
            inside[edge[d <= r]] = True
            sub_c, sub_d = ci[inside], di[inside].astype(np.int32)
            per_radius[r].extend(np.split(sub_d, np.searchsorted(sub_c, np.arange(1, len(la)))))
    return [per_radius[float(r)] for r in radii]

"""Geodesic analysis of a scenario: how far every force is from the front line, and what each option adds up to.

Pure computation on a resolved ``Scenario`` (no file I/O, no drawing): the reference layers (hostile territory,
NATO territory, populated places) come from the cached geodata accessors. Every distance is geodesic on WGS84
(``mapper.geodesy``); the results are plain dataclasses with ``to_dict()`` giving the stable JSON contract of
``mapper analyze --format json`` (``schema/analysis.schema.json``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np

from mapper.coverage import Coverage, population_coverage
from mapper.errors import Problem, UsageError
from mapper.exposure import Measured, check_force, scopes_dict
from mapper.scenario import THREAT_LABELS, Band, Force, Hub, Option, Scenario

KM_DECIMALS = 1  # distances in outputs are rounded to 0.1 km


@dataclass(frozen=True)
class SiteMetrics:
    """Distances and checks for one force or hub."""

    name: str
    kind: str  # "force" or "hub"
    lat: float
    lon: float
    location: str
    nation: str | None
    troops: int
    role: str | None
    distance_to_front_km: float
    nearest_front_lat: float
    nearest_front_lon: float
    distance_to_hostile_territory_km: float
    distance_to_nato_border_km: float
    band: str
    band_index: int  # index into the scenario's bands; len(bands) when beyond the last
    in_occupied: bool
    nearest_hub: str | None = None
    distance_to_nearest_hub_km: float | None = None
    range_km: float | None = None
    population_covered: int | None = None
    violations: tuple[str, ...] = ()
    keypath: str = ""
    #: which part of the scenario's threat (``scenario.THREAT_LABELS`` value, e.g. "Russia") is nearest
    nearest_hostile: str = ""
    #: the front line's stated accuracy (km), carried by every distance to it or to the occupied area
    accuracy_km: float | None = None
    #: population covered by this force's ring, per ISO-2 country (only the scenario's coverage countries)
    population_covered_by_country: dict[str, int] | None = field(default=None, compare=False)
    #: constraints that do not bind this force, in words (e.g. "exempt from min_distance_from_front_km
    #: (80 km): role monitoring"); stated in every output that says whether a force meets constraints
    exemptions: tuple[str, ...] = ()
    #: the scenario's own object (``Force`` or ``Hub``) and, for a force, its nearest hub: outputs follow these
    #: links instead of pairing lists by position
    model: Force | Hub | None = field(default=None, compare=False, repr=False)
    hub: Hub | None = field(default=None, compare=False, repr=False)

    @property
    def meets_constraints(self) -> bool:
        return not self.violations

    @property
    def hostile_accuracy_km(self) -> float | None:
        """The accuracy the distance to hostile territory carries: the front line's when the nearest hostile
        ground is the line or the occupied area behind it, none for a border (Russia, Belarus, Transnistria)."""
        return self.accuracy_km if self.nearest_hostile in ("front line", "occupied area") else None

    def flat_dict(self) -> dict[str, Any]:
        """``to_dict()`` with the nearest front point as two columns (``nearest_front_lat``/``_lon``): one row of
        a table (the Python API's GeoDataFrame, the GIS exports)."""
        d = self.to_dict()
        nearest = d.pop("nearest_front_point")
        d["nearest_front_lat"], d["nearest_front_lon"] = nearest["lat"], nearest["lon"]
        return d

    @property
    def force(self) -> Force:
        """The ``Force`` these metrics are of (``TypeError`` for a hub's)."""
        if not isinstance(self.model, Force):
            raise TypeError(f"{self.name!r} is a {self.kind}, not a force")
        return self.model

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "location": self.location,
            "lat": round(self.lat, 6),
            "lon": round(self.lon, 6),
            "nation": self.nation,
            "troops": self.troops,
            "role": self.role,
            "distance_to_front_km": _km(self.distance_to_front_km),
            "nearest_front_point": {
                "lat": round(self.nearest_front_lat, 5),
                "lon": round(self.nearest_front_lon, 5),
            },
            "distance_to_hostile_territory_km": _km(self.distance_to_hostile_territory_km),
            "nearest_hostile": self.nearest_hostile,
            "distance_accuracy_km": self.accuracy_km,
            "distance_to_nato_border_km": _km(self.distance_to_nato_border_km),
            "band": self.band,
            "in_occupied_area": self.in_occupied,
            "nearest_hub": self.nearest_hub,
            "distance_to_nearest_hub_km": _km(self.distance_to_nearest_hub_km),
            "range_km": self.range_km,
            "population_covered": self.population_covered,
            "population_covered_by_country": None
            if self.population_covered_by_country is None
            else dict(self.population_covered_by_country),
            "meets_constraints": self.meets_constraints,
            "violations": list(self.violations),
            "exemptions": list(self.exemptions),
        }


@dataclass(frozen=True)
class OptionSummary:
    troops: int
    troops_by_nation: dict[str, int]
    forces: int
    hubs: int
    min_distance_to_front_km: float | None
    troop_weighted_mean_distance_to_front_km: float | None
    troops_by_band: dict[str, int]
    share_of_troops_beyond_constraint: float | None
    max_distance_to_nato_border_km: float | None
    mean_distance_to_nato_border_km: float | None
    min_distance_to_hostile_territory_km: float | None
    population_covered: int
    lines_length_km: float
    areas_km2: float
    zones_km2: float
    meets_constraints: bool
    violations: int
    #: population covered by the union of the rings, per ISO-2 country (only the scenario's coverage countries)
    population_covered_by_country: dict[str, int] = field(default_factory=dict)
    #: forces some constraint does not bind (their exemptions are on each force's metrics)
    exempt_forces: int = 0
    #: which part of the threat is nearest the option's nearest force ("" without forces)
    nearest_hostile: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "troops": self.troops,
            "troops_by_nation": dict(self.troops_by_nation),
            "forces": self.forces,
            "hubs": self.hubs,
            "min_distance_to_front_km": _km(self.min_distance_to_front_km),
            "troop_weighted_mean_distance_to_front_km": _km(
                self.troop_weighted_mean_distance_to_front_km
            ),
            "troops_by_band": dict(self.troops_by_band),
            "share_of_troops_beyond_constraint": None
            if self.share_of_troops_beyond_constraint is None
            else round(self.share_of_troops_beyond_constraint, 4),
            "max_distance_to_nato_border_km": _km(self.max_distance_to_nato_border_km),
            "mean_distance_to_nato_border_km": _km(self.mean_distance_to_nato_border_km),
            "min_distance_to_hostile_territory_km": _km(self.min_distance_to_hostile_territory_km),
            "nearest_hostile": self.nearest_hostile,
            "population_covered": self.population_covered,
            "population_covered_by_country": dict(self.population_covered_by_country),
            "lines_length_km": _km(self.lines_length_km),
            "areas_km2": round(self.areas_km2),
            "zones_km2": round(self.zones_km2),
            "meets_constraints": self.meets_constraints,
            "violations": self.violations,
            "exempt_forces": self.exempt_forces,
        }


@dataclass(frozen=True)
class OptionAnalysis:
    id: str
    name: str
    colour: str
    forces: tuple[SiteMetrics, ...]
    hubs: tuple[SiteMetrics, ...]
    summary: OptionSummary
    option: Option = field(compare=False, repr=False)  # the scenario's own option
    lines_km: dict[str, float] = field(default_factory=dict)
    areas_km2: dict[str, float] = field(default_factory=dict)
    zones_km2: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "colour": self.colour,
            "forces": [f.to_dict() for f in self.forces],
            "hubs": [h.to_dict() for h in self.hubs],
            "lines": [{"name": k, "length_km": _km(v)} for k, v in self.lines_km.items()],
            "areas": [{"name": k, "area_km2": round(v)} for k, v in self.areas_km2.items()],
            "zones": [{"name": k, "area_km2": round(v)} for k, v in self.zones_km2.items()],
            "summary": self.summary.to_dict(),
        }


@dataclass(frozen=True)
class ScenarioAnalysis:
    scenario: Scenario
    options: tuple[OptionAnalysis, ...]

    def option(self, option_id: str) -> OptionAnalysis:
        for opt in self.options:
            if opt.id == option_id:
                return opt
        raise KeyError(option_id)

    def to_dict(self) -> dict[str, Any]:
        s = self.scenario
        return {
            "format": "mapper-analysis/1",
            "scenario": {"id": s.id, "title": s.title, "file": s.path, "date": s.date.isoformat()},
            "front_line": {
                "source": s.front.source,
                "date": s.front.date,
                "accuracy": s.front.accuracy,
                "name": s.front.name,
            },
            "bands": [
                {"name": b.name, "inner_km": b.inner_km, "outer_km": b.outer_km, "label": b.label}
                for b in s.bands
            ],
            "threat": list(s.threat),
            "coverage_countries": list(s.coverage_countries),
            "constraints": {
                "min_distance_from_front_km": s.constraints.min_distance_from_front_km,
                "min_distance_from_hostile_km": s.constraints.min_distance_from_hostile_km,
                "max_distance_to_nato_border_km": s.constraints.max_distance_to_nato_border_km,
                "allow_in_occupied": s.constraints.allow_in_occupied,
                "scopes": scopes_dict(s.constraints),
            },
            "options": [o.to_dict() for o in self.options],
        }


def _km(value: float | None) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), KM_DECIMALS)


def band_of(distance_km: float, bands: tuple[Band, ...]) -> tuple[int, str]:
    """Index and name of the band a distance falls in: [inner, outer) in km; beyond the last is its own band."""
    for i, band in enumerate(bands):
        if distance_km < band.outer_km:
            return i, band.name
    last = bands[-1].outer_km if bands else 0.0
    return len(bands), f"beyond {last:g} km"


def band_names(bands: tuple[Band, ...]) -> list[str]:
    return [b.name for b in bands] + [band_of(math.inf, bands)[1]]


# -------------------------------------------------------------------------------------------------------------


#: the front line and the occupied area are one ground where they meet: a site nearer the occupied area by less than
#: this is said to be nearest "the front line" (its boundary is the line, up to the line's own vertices)
TIE_KM = 0.5


@dataclass(frozen=True)
class _Reference:
    """The reference geometries every site is measured against, for one front line and threat."""

    front_line: Any
    occupied: Any
    threat: dict[str, Any]  # scenario.threat key -> geometry (mapper.frontline.threat_geometries)
    nato: Any


def _reference(scenario: Scenario) -> _Reference:
    from mapper.frontline import threat_geometries

    front = scenario.front
    return _Reference(
        front_line=front.line,
        occupied=front.occupied,
        threat=threat_geometries(front, tuple(scenario.threat)),
        nato=_nato_territory(),
    )


@lru_cache(maxsize=1)
def _nato_territory() -> Any:
    """NATO members' land in the theatre, as one geometry (distances to it are to the nearest member border)."""
    from mapper import geodata

    return (
        geodata.nato_territory()
    )  # the union of the members, prepared at build time when it can be


def _sites_arrays(sites: list[Force | Hub]) -> tuple[np.ndarray, np.ndarray]:
    lat = np.array([s.location.lat for s in sites], dtype=float)
    lon = np.array([s.location.lon for s in sites], dtype=float)
    return lat, lon


@dataclass(frozen=True)
class _Measures:
    front: Any  # geodesy.DistanceResult to the front line
    hostile: np.ndarray  # km to the nearest part of the threat
    nearest: list[str]  # THREAT_LABELS of that part
    nato: np.ndarray
    occupied: np.ndarray  # inside the occupied area
    #: per force, the index of its nearest hub (first of equals) and the km to it; empty without hubs
    hub_index: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    hub_km: np.ndarray = field(default_factory=lambda: np.zeros(0))
    accuracy_km: float | None = None  # the front line's (parsed from its text once, not per site)


def _hostile(
    ref: _Reference, front: Any, lat: np.ndarray, lon: np.ndarray
) -> tuple[np.ndarray, list[str]]:
    """Distance to the nearest part of the threat and its label, per site (0 inside an area of it)."""
    from mapper import geodesy

    keys, rows = [], []
    for key, geom in ref.threat.items():
        keys.append(key)
        if key == "front_line":
            rows.append(front.distance_km)
        elif key == "occupied":
            rows.append(geodesy.distance_to_polygon_km(geom, lat=lat, lon=lon).distance_km)
        else:
            rows.append(_fixed_km(geom, lat, lon))
    if not rows:  # a threat of only the occupied area, for a line without one
        return np.asarray(front.distance_km, dtype=float), [THREAT_LABELS["front_line"]] * len(lat)
    d = np.vstack(rows)
    best = np.argmin(d, axis=0)
    if "front_line" in keys and "occupied" in keys:
        f, o = keys.index("front_line"), keys.index("occupied")
        best = np.where((best == o) & (d[f] - d[o] <= TIE_KM), f, best)
    nearest = [THREAT_LABELS[keys[int(b)]] for b in best]
    return d.min(axis=0), nearest


#: km from a site to a geometry that no date changes (Russia, Belarus, Transnistria, NATO territory), per geometry
#: (by identity: they come from cached accessors, and the memo holds them so an id is never reused) and site: an
#: analysis over time measures the same sites against them on every step, and pays once
_FIXED: dict[int, tuple[Any, dict[tuple[float, float], float]]] = {}
_FIXED_MAX = 200_000  # sites remembered per geometry, then the memo starts again


def _fixed_km(geom: Any, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    from mapper import geodesy

    _, memo = _FIXED.setdefault(id(geom), (geom, {}))
    keys = list(zip(lat.tolist(), lon.tolist(), strict=True))
    missing = [i for i, k in enumerate(keys) if k not in memo]
    if missing:
        if len(memo) + len(missing) > _FIXED_MAX:
            memo.clear()
        idx = np.asarray(missing, dtype=int)
        km = geodesy.distance_to_polygon_km(geom, lat=lat[idx], lon=lon[idx]).distance_km
        memo.update(
            zip((keys[i] for i in missing), np.asarray(km, dtype=float).tolist(), strict=True)
        )
    return np.fromiter((memo[k] for k in keys), dtype=float, count=len(keys))


def _measure(sites: list[Force | Hub], ref: _Reference) -> _Measures:
    import shapely

    from mapper import geodesy

    lat, lon = _sites_arrays(sites)
    front = geodesy.distance_to_line_km(ref.front_line, lat=lat, lon=lon)
    hostile, nearest = _hostile(ref, front, lat, lon)
    nato = _fixed_km(ref.nato, lat, lon)
    if ref.occupied is not None and not ref.occupied.is_empty:
        occupied = shapely.contains_xy(ref.occupied, lon, lat)
    else:
        occupied = np.zeros(len(sites), dtype=bool)
    return _Measures(front, hostile, nearest, nato, occupied)


def _nearest_hubs(forces: Sequence[Force], hubs: Sequence[Hub]) -> tuple[np.ndarray, np.ndarray]:
    """Each force's nearest hub (index, first of equals) and the km to it, from one call for every (force, hub)
    pair: each pair's distance is computed alone, so the floats are those of one call per force."""
    from mapper import geodesy

    if not forces or not hubs:
        return np.zeros(0, dtype=int), np.zeros(0)
    flat, flon = _sites_arrays(list(forces))
    hlat, hlon = _sites_arrays(list(hubs))
    d = geodesy.point_distance_km(
        lat1=flat[:, None], lon1=flon[:, None], lat2=hlat[None, :], lon2=hlon[None, :]
    )
    j = np.argmin(d, axis=1)
    return j, d[np.arange(len(forces)), j]


def analyze_option(
    option: Option, scenario: Scenario, ref: _Reference | None = None
) -> OptionAnalysis:
    """Metrics of one option (see ``analyze``)."""
    from mapper import geodesy

    ref = ref or _reference(scenario)
    sites: list[Force | Hub] = [*option.forces, *option.hubs]
    nf = len(option.forces)
    cover = population_coverage(option.forces, tuple(scenario.coverage_countries))
    metrics: list[SiteMetrics] = []
    if sites:
        m = _measure(sites, ref)
        hub_index, hub_km = _nearest_hubs(option.forces, option.hubs)
        m = replace(m, hub_index=hub_index, hub_km=hub_km, accuracy_km=scenario.front.accuracy_km)
        cols = _Columns.of(m)
        metrics = [
            _site(scenario, option, site, i, i < nf, cols, cover) for i, site in enumerate(sites)
        ]
    forces = tuple(metrics[:nf])
    hubs = tuple(metrics[nf:])
    lines_km = {ln.name: geodesy.geodesic_length_km(ln.geometry) for ln in option.lines}
    areas_km2 = {a.name: geodesy.geodesic_area_km2(a.geometry) for a in option.areas}
    zones_km2 = {z.name: geodesy.geodesic_area_km2(z.geometry) for z in option.zones}
    return OptionAnalysis(
        id=option.id,
        name=option.name,
        colour=option.colour,
        forces=forces,
        hubs=hubs,
        summary=_summary(forces, hubs, scenario, cover, lines_km, areas_km2, zones_km2),
        lines_km=lines_km,
        areas_km2=areas_km2,
        zones_km2=zones_km2,
        option=option,
    )


class _Columns(NamedTuple):
    """``_Measures`` as lists of Python numbers (``tolist``: the same floats as ``float(array[i])``, without a
    numpy scalar per value: 10,000 sites read eight each)."""

    front_km: list[float]
    front_lat: list[float]
    front_lon: list[float]
    hostile: list[float]
    nearest: list[str]
    nato: list[float]
    occupied: list[bool]
    hub_index: list[int]
    hub_km: list[float]
    accuracy_km: float | None

    @classmethod
    def of(cls, m: _Measures) -> _Columns:
        return cls(
            np.asarray(m.front.distance_km, dtype=float).tolist(),
            np.asarray(m.front.nearest_lat, dtype=float).tolist(),
            np.asarray(m.front.nearest_lon, dtype=float).tolist(),
            np.asarray(m.hostile, dtype=float).tolist(),
            list(m.nearest),
            np.asarray(m.nato, dtype=float).tolist(),
            np.asarray(m.occupied, dtype=bool).tolist(),
            np.asarray(m.hub_index).astype(int).tolist(),
            np.asarray(m.hub_km, dtype=float).tolist(),
            m.accuracy_km,
        )


def _site(
    scenario: Scenario,
    option: Option,
    site: Force | Hub,
    i: int,
    is_force: bool,
    m: _Columns,
    cover: Coverage,
) -> SiteMetrics:
    """The metrics of the ``i``-th site of an option (forces first, then hubs)."""
    d_front, d_hostile = m.front_km[i], m.hostile[i]
    accuracy = m.accuracy_km
    # the bands are distances from hostile territory, as the map draws them
    band_index, band = band_of(d_hostile, scenario.bands)
    nearest_hub = hub_km = hub = None
    if option.hubs and is_force:
        hub = option.hubs[m.hub_index[i]]
        nearest_hub, hub_km = hub.name, m.hub_km[i]
    inside = m.occupied[i]
    violations: tuple[str, ...] = ("inside the occupied area",) if inside else ()
    exemptions: tuple[str, ...] = ()
    if is_force:
        hostile_acc = accuracy if m.nearest[i] in ("front line", "occupied area") else None
        measured = Measured(
            d_front, accuracy, d_hostile, m.nearest[i], hostile_acc, m.nato[i], inside
        )
        violations, exemptions = check_force(scenario.constraints, site.role, measured)
    return SiteMetrics(
        name=site.name,
        kind="force" if is_force else "hub",
        lat=site.location.lat,
        lon=site.location.lon,
        location=site.location.label,
        nation=site.nation,
        troops=site.troops if isinstance(site, Force) else 0,
        role=site.role,
        distance_to_front_km=d_front,
        nearest_front_lat=m.front_lat[i],
        nearest_front_lon=m.front_lon[i],
        distance_to_hostile_territory_km=d_hostile,
        distance_to_nato_border_km=m.nato[i],
        band=band,
        band_index=band_index,
        in_occupied=inside,
        nearest_hub=nearest_hub,
        distance_to_nearest_hub_km=hub_km,
        range_km=site.range_km if isinstance(site, Force) else None,
        population_covered=cover.per_force[i] if is_force else None,
        violations=violations,
        keypath=site.keypath,
        nearest_hostile=m.nearest[i],
        accuracy_km=accuracy,
        population_covered_by_country=cover.per_force_by_country[i] if is_force else None,
        exemptions=exemptions,
        model=site,
        hub=hub,
    )


def _summary(
    forces: tuple[SiteMetrics, ...],
    hubs: tuple[SiteMetrics, ...],
    scenario: Scenario,
    cover: Coverage,
    lines_km: dict[str, float],
    areas_km2: dict[str, float],
    zones_km2: dict[str, float],
) -> OptionSummary:
    troops = sum(f.troops for f in forces)
    by_nation: Counter[str] = Counter()
    for f in forces:
        by_nation[f.nation or "?"] += f.troops
    by_band = dict.fromkeys(band_names(scenario.bands), 0)
    for f in forces:
        by_band[f.band] += f.troops
    d = np.array([f.distance_to_front_km for f in forces])
    w = np.array([f.troops for f in forces], dtype=float)
    nato = np.array([f.distance_to_nato_border_km for f in forces])
    hostile = np.array([s.distance_to_hostile_territory_km for s in forces])
    limit = scenario.constraints.min_distance_from_front_km
    share = None
    if limit is not None and troops:
        share = float(w[d >= limit].sum() / troops)
    violations = sum(len(s.violations) for s in (*forces, *hubs))
    return OptionSummary(
        troops=troops,
        troops_by_nation=dict(sorted(by_nation.items(), key=lambda kv: (-kv[1], kv[0]))),
        forces=len(forces),
        hubs=len(hubs),
        min_distance_to_front_km=float(d.min()) if len(d) else None,
        troop_weighted_mean_distance_to_front_km=float((d * w).sum() / w.sum())
        if w.sum()
        else None,
        troops_by_band=by_band,
        share_of_troops_beyond_constraint=share,
        max_distance_to_nato_border_km=float(nato.max()) if len(nato) else None,
        mean_distance_to_nato_border_km=float(nato.mean()) if len(nato) else None,
        min_distance_to_hostile_territory_km=float(hostile.min()) if len(hostile) else None,
        population_covered=cover.total,
        population_covered_by_country=dict(cover.total_by_country),
        exempt_forces=sum(1 for f in forces if f.exemptions),
        nearest_hostile=min(
            forces, key=lambda f: f.distance_to_hostile_territory_km
        ).nearest_hostile
        if forces
        else "",
        lines_length_km=float(sum(lines_km.values())),
        areas_km2=float(sum(areas_km2.values())),
        zones_km2=float(sum(zones_km2.values())),
        meets_constraints=violations == 0,
        violations=violations,
    )


def analyze(scenario: Scenario, *, options: Sequence[str] | None = None) -> ScenarioAnalysis:
    """Measure every force and hub of every option (or of the ``options`` ids given) and sum up each option.

    An id that is not an option of the scenario is a ``UsageError`` (it comes from ``--option``).
    """
    if options:
        known = [o.id for o in scenario.options]
        unknown = [o for o in options if o not in known]
        if unknown:
            raise UsageError(
                f"{scenario.path}: no option {', '.join(map(repr, unknown))}; options: {', '.join(known)}"
            )
    ref = _reference(scenario)
    chosen = [o for o in scenario.options if not options or o.id in options]
    return ScenarioAnalysis(
        scenario=scenario, options=tuple(analyze_option(o, scenario, ref) for o in chosen)
    )


def scenario_warnings(
    scenario: Scenario, analysis: ScenarioAnalysis | None = None
) -> list[Problem]:
    """Located warnings for ``mapper validate``: forces breaking constraints, sites inside the occupied area."""
    analysis = analysis or analyze(scenario)
    out = []
    for opt in analysis.options:
        for site in (*opt.forces, *opt.hubs):
            if not site.violations:
                continue
            line, col = scenario.marks.get(site.keypath, (None, None))
            what = "force" if site.kind == "force" else "hub"
            out.append(
                Problem(
                    f"{what} {site.name!r} is " + "; ".join(site.violations),
                    file=scenario.path,
                    line=line,
                    column=col,
                    keypath=site.keypath,
                    severity="warning",
                )
            )
    return out


def colour_warnings(scenario: Scenario, options: Sequence[str] | None = None) -> list[Problem]:
    """Located warnings for option colours that read as hostile (``style.hostile_looking``), each with a friendly
    colour no other option uses: ``mapper validate`` reports them, ``pipeline.prepare`` logs them (only for the
    ``options`` drawn, all by default)."""
    from mapper.style import friendly_suggestion, hostile_looking

    taken = {o.colour for o in scenario.options}
    out = []
    for i, opt in enumerate(scenario.options):
        why = hostile_looking(opt.colour)
        if why is None or (options and opt.id not in options):
            continue
        keypath = f"options[{i}].colour"
        line, col = scenario.marks.get(keypath, (None, None))
        out.append(
            Problem(
                f"option {opt.name!r}: colour {opt.colour} is {why}, so its forces, lines and areas would read "
                f"as hostile; use a friendly colour, e.g. {friendly_suggestion(taken)}",
                file=scenario.path,
                line=line,
                column=col,
                keypath=keypath,
                severity="warning",
            )
        )
    return out

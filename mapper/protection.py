"""What each option protects: the bundled key sites inside its coverage rings, and the people under its air defence.

Pure computation on a resolved scenario and its analysis (no output, no file other than the bundled key sites):

* **Key sites** are every bundled site (``mapper.keysites.all_sites``: all 42 lie in the theatre), whatever the
  scenario's coverage countries: a ring from Romania that covers Constanța's port protects it, and a plant in
  Russia or Belarus is still worth placing against the bands. Each is measured *as a hub at its point* through
  ``analysis.analyze_option`` (the same reference geometries and functions as every force), so its distance to the
  front line and to hostile territory, its band and whether it is in the occupied area are exactly those of a force
  standing there.
* **Per option**, a ring is a force with ``range_km``; an *air-defence* ring is one whose force has role or kind
  ``air_defence``. A key site is inside a ring when its geodesic distance (``geodesy.point_distance_km``, WGS84)
  from the force is at most ``range_km`` (the rule ``coverage.population_coverage`` uses for places). People are
  the GeoNames places of ``coverage.population_coverage``: only in the scenario's coverage countries, each place
  once however many rings hold it; "in rings" is the option's own ``population_covered``.

``protection(scenario, analysis)`` → ``Protection`` (``key_sites``, ``options``); ``with_protection(doc, p)`` adds
it to the analysis JSON (top-level ``key_sites``, per option ``protection``: ``schema/analysis.schema.json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from mapper.keysites import KeySite, all_sites

if TYPE_CHECKING:  # pragma: no cover
    from mapper.analysis import OptionAnalysis, ScenarioAnalysis, SiteMetrics
    from mapper.scenario import Force, Scenario

__all__ = [
    "AIR_DEFENCE",
    "KEY_SITE_COLUMNS",
    "Cover",
    "KeySiteMetrics",
    "OptionProtection",
    "Protection",
    "SiteCover",
    "is_air_defence",
    "key_site_metrics",
    "option_protection",
    "protection",
    "with_protection",
]

AIR_DEFENCE = "air_defence"
#: one key site as a table row (``mapper analyze --key-sites -f csv``, ``mapper.Analysis.sites``)
KEY_SITE_COLUMNS = (
    "id",
    "name",
    "type",
    "country",
    "lat",
    "lon",
    "distance_to_front_km",
    "distance_accuracy_km",
    "distance_to_hostile_territory_km",
    "nearest_hostile",
    "band",
    "in_occupied_area",
    "covered_by",
)


def is_air_defence(force: Force) -> bool:
    """Whether a force's ring is an air-defence ring: role or kind ``air_defence``."""
    return force.role == AIR_DEFENCE or force.kind == AIR_DEFENCE


@dataclass(frozen=True)
class Cover:
    """One ring holding a key site: the option, the force, and whether it is an air-defence ring."""

    option: str
    force: str
    air_defence: bool

    def to_dict(self) -> dict[str, Any]:
        return {"option": self.option, "force": self.force, "air_defence": self.air_defence}


@dataclass(frozen=True)
class SiteCover:
    """A key site inside at least one ring of an option: the forces of its air-defence rings and of the others."""

    site: KeySite
    air_defence: tuple[str, ...] = ()
    other: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.site.id,
            "name": self.site.name,
            "air_defence": list(self.air_defence),
            "other_rings": list(self.other),
        }


@dataclass(frozen=True)
class OptionProtection:
    """What one option's rings hold: key sites (in file order, only those covered) and people."""

    option: str
    sites: tuple[SiteCover, ...]
    population_under_air_defence: int
    population_under_air_defence_by_country: dict[str, int]
    population_in_rings: int
    population_in_rings_by_country: dict[str, int]

    @property
    def under_air_defence(self) -> tuple[SiteCover, ...]:
        return tuple(c for c in self.sites if c.air_defence)

    @property
    def other_rings_only(self) -> tuple[SiteCover, ...]:
        return tuple(c for c in self.sites if not c.air_defence)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key_sites_under_air_defence": len(self.under_air_defence),
            "key_sites_in_rings": len(self.sites),
            "key_sites": [c.to_dict() for c in self.sites],
            "population_under_air_defence": self.population_under_air_defence,
            "population_under_air_defence_by_country": dict(
                self.population_under_air_defence_by_country
            ),
            "population_in_rings": self.population_in_rings,
            "population_in_rings_by_country": dict(self.population_in_rings_by_country),
        }


@dataclass(frozen=True)
class KeySiteMetrics:
    """A key site measured as a force at its point would be, and every ring of the analysed options holding it."""

    site: KeySite
    metrics: SiteMetrics = field(repr=False)
    covered_by: tuple[Cover, ...] = ()

    @property
    def band(self) -> str:
        return self.metrics.band

    def to_dict(self) -> dict[str, Any]:
        m = self.metrics.to_dict()  # rounded as the forces' are
        s = self.site
        return {
            "id": s.id,
            "name": s.name,
            "type": s.type,
            "country": s.country,
            "lat": round(s.lat, 6),
            "lon": round(s.lon, 6),
            "distance_to_front_km": m["distance_to_front_km"],
            "distance_accuracy_km": m["distance_accuracy_km"],
            "distance_to_hostile_territory_km": m["distance_to_hostile_territory_km"],
            "nearest_hostile": m["nearest_hostile"],
            "band": m["band"],
            "in_occupied_area": m["in_occupied_area"],
            "covered_by": [c.to_dict() for c in self.covered_by],
        }

    def row(self) -> dict[str, Any]:
        """``to_dict()`` as one table row (``KEY_SITE_COLUMNS``): ``covered_by`` as ``"option:force;..."``."""
        d = self.to_dict()
        d["covered_by"] = ";".join(f"{c.option}:{c.force}" for c in self.covered_by)
        return d


@dataclass(frozen=True)
class Protection:
    """The key sites of a scenario (with what covers them) and what each analysed option protects."""

    key_sites: tuple[KeySiteMetrics, ...]
    options: tuple[OptionProtection, ...]

    def option(self, option_id: str) -> OptionProtection:
        for p in self.options:
            if p.option == option_id:
                return p
        raise KeyError(option_id)

    def by_band(self, names: list[str]) -> list[tuple[str, list[KeySiteMetrics]]]:
        """``(band, sites)`` in the order of ``names`` (the scenario's bands, nearest first), only bands with
        sites."""
        out = [(b, [k for k in self.key_sites if k.band == b]) for b in names]
        return [(b, sites) for b, sites in out if sites]


#: a great circle on the mean-radius sphere is within 0.6 % of the WGS84 geodesic: a pair farther than this
#: bound on the sphere is outside the ring for certain, so only the rest get the exact geodesic
_SPHERE_KM, _SPHERE_SLACK = 6371.0088, 1.01


def _ring_matrix(rings: list[Force], sites: tuple[KeySite, ...]) -> np.ndarray:
    """``inside[r, s]``: site ``s`` within ring ``r`` (geodesic distance ≤ ``range_km``, ``Geod.inv``); a
    spherical distance with a generous margin is only a prefilter, as the degree box is for places."""
    from mapper import geodesy

    inside = np.zeros((len(rings), len(sites)), dtype=bool)
    if not rings or not sites:
        return inside
    glat = np.array([f.location.lat for f in rings], dtype=float)
    glon = np.array([f.location.lon for f in rings], dtype=float)
    klat = np.array([s.lat for s in sites], dtype=float)
    klon = np.array([s.lon for s in sites], dtype=float)
    radius = np.array([float(f.range_km or 0.0) for f in rings])
    rlat, rlon = np.radians(glat)[:, None], np.radians(glon)[:, None]
    slat, slon = np.radians(klat)[None, :], np.radians(klon)[None, :]
    h = (
        np.sin((slat - rlat) / 2) ** 2
        + np.cos(rlat) * np.cos(slat) * np.sin((slon - rlon) / 2) ** 2
    )
    sphere = 2 * _SPHERE_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    r, c = np.nonzero(sphere <= radius[:, None] * _SPHERE_SLACK + 1.0)
    if len(r):
        d = geodesy.point_distance_km(lat1=glat[r], lon1=glon[r], lat2=klat[c], lon2=klon[c])
        inside[r, c] = d <= radius[r]
    return inside


def option_protection(
    result: OptionAnalysis, scenario: Scenario, sites: tuple[KeySite, ...] | None = None
) -> OptionProtection:
    """What one analysed option protects (``sites``: default every bundled key site)."""
    from mapper.coverage import population_coverage

    sites = all_sites() if sites is None else sites
    rings = [f for f in result.option.forces if f.range_km]
    ad = [is_air_defence(f) for f in rings]
    inside = _ring_matrix(rings, sites)
    covers = []
    for j in np.flatnonzero(inside.any(axis=0)):
        held = np.flatnonzero(inside[:, j])
        covers.append(
            SiteCover(
                sites[int(j)],
                tuple(rings[i].name for i in held if ad[i]),
                tuple(rings[i].name for i in held if not ad[i]),
            )
        )
    sm = result.summary
    if rings and all(ad):  # every ring is air defence: their union is the option's own coverage
        air_total, air_by_country = sm.population_covered, dict(sm.population_covered_by_country)
    else:
        air = population_coverage(
            tuple(f for f, a in zip(rings, ad, strict=True) if a),
            tuple(scenario.coverage_countries),
        )
        air_total, air_by_country = air.total, dict(air.total_by_country)
    return OptionProtection(
        option=result.id,
        sites=tuple(covers),
        population_under_air_defence=air_total,
        population_under_air_defence_by_country=air_by_country,
        population_in_rings=sm.population_covered,
        population_in_rings_by_country=dict(sm.population_covered_by_country),
    )


def key_site_metrics(
    scenario: Scenario, sites: tuple[KeySite, ...] | None = None
) -> tuple[SiteMetrics, ...]:
    """Each key site measured as a hub at its point by ``analysis.analyze_option`` (one batch): the same
    distances, band and occupied-area test a force there gets."""
    from mapper.analysis import analyze_option
    from mapper.scenario import Hub, Location, Option

    sites = all_sites() if sites is None else sites
    hubs = tuple(
        Hub(name=s.name, location=Location(s.lat, s.lon, s.name), keypath=s.id) for s in sites
    )
    probe = Option(id="key_sites", name="key sites", colour="#000000", hubs=hubs)
    return analyze_option(probe, scenario).hubs


def protection(scenario: Scenario, analysis: ScenarioAnalysis) -> Protection:
    """The key sites of ``scenario`` and what each option of ``analysis`` protects."""
    sites = all_sites()
    options = tuple(option_protection(o, scenario, sites) for o in analysis.options)
    covered: dict[str, list[Cover]] = {s.id: [] for s in sites}
    for p in options:
        for c in p.sites:
            covered[c.site.id] += [Cover(p.option, name, True) for name in c.air_defence]
            covered[c.site.id] += [Cover(p.option, name, False) for name in c.other]
    metrics = key_site_metrics(scenario, sites)
    return Protection(
        key_sites=tuple(
            KeySiteMetrics(s, m, tuple(covered[s.id])) for s, m in zip(sites, metrics, strict=True)
        ),
        options=options,
    )


def with_protection(doc: dict[str, Any], p: Protection) -> dict[str, Any]:
    """``ScenarioAnalysis.to_dict()`` with the key sites (top-level ``key_sites``) and each option's
    ``protection``: the JSON of ``mapper analyze``."""
    options = [{**o, "protection": p.option(o["id"]).to_dict()} for o in doc["options"]]
    return {**doc, "options": options, "key_sites": [k.to_dict() for k in p.key_sites]}

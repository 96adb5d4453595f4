"""What if the line moves: a hypothetical front line N km beyond a real one (issue #14, item 5).

``advance_front(front, km)`` grows the occupied area behind ``front`` geodesically by ``km``
(``mapper.geodesy.geodesic_buffer``: the area's rings cut into pieces of at most 200 km, each buffered in its own
azimuthal-equidistant projection centred on the piece, never in degrees), clips the growth to Ukraine (an advance
takes Ukrainian ground, not Moldovan or Polish), unites it with the old occupied area and derives the new line of
contact from the grown area's boundary inside Ukraine exactly as a polygon file's line is derived
(``frontline.line_from_occupied``: the parts along Ukraine's borders and coast are left out). The result is an
ordinary ``FrontLine`` (so every output draws and measures it as any line) marked ``advance_km`` with the real
line as ``base``.

``advanced_scenario(scenario, km)`` is a scenario with every front line advanced (its own and each dated line of
its timeline), zones drawn from the front line re-drawn from the new line: what ``prepare(advance_km=)`` analyses.
``advance_report(base, advanced)`` (or ``advance_of(base, km)``, which prepares the advanced one too) lists, per
option, the forces and hubs that change band or newly break a constraint (``mapper analyze --advance``).

An advance grows the area by the same distance everywhere: a thought experiment for "which forces would the next
offensive bring within range", not a forecast of where a line would run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from mapper.errors import FrontLineError, UsageError

if TYPE_CHECKING:  # pragma: no cover
    from mapper.analysis import SiteMetrics
    from mapper.frontline import FrontLine
    from mapper.pipeline import Prepared
    from mapper.scenario import Constraints, Option, Scenario

__all__ = [
    "MAX_ADVANCE_KM",
    "AdvanceReport",
    "OptionChanges",
    "SiteChange",
    "advance_front",
    "advance_of",
    "advance_report",
    "advanced_scenario",
    "check_advance_km",
]

#: the largest advance taken: beyond it the area would cover most of Ukraine, and the buffer's projection error
#: (``geodesy.shapes``) grows past its documented bound
MAX_ADVANCE_KM = 500.0


def check_advance_km(km: object, what: str = "advance") -> float:
    """``km`` as a float, or a ``UsageError`` saying what was expected (0 < km <= 500)."""
    if isinstance(km, bool) or not isinstance(km, int | float) or not math.isfinite(km):
        raise UsageError(
            f"{what}: expected a number of km (0 < km <= {MAX_ADVANCE_KM:g}), got {km!r}"
        )
    if not 0 < km <= MAX_ADVANCE_KM:
        raise UsageError(
            f"{what}: {km:g} km is out of range; expected more than 0 and at most {MAX_ADVANCE_KM:g} km"
        )
    return float(km)


def advance_front(front: FrontLine, km: float) -> FrontLine:
    """The hypothetical line ``km`` beyond ``front`` (see the module's docstring); cached per (line, km).

    Advancing a hypothetical line advances its real ``base`` by the sum, so that ``base`` is always an observed
    line. Raises ``UsageError`` for ``km`` outside (0, 500] (a sum included) and ``FrontLineError`` for a line
    without an occupied area (a line file alone does not say which side is occupied)."""
    km = check_advance_km(km)
    if front.base is not None:
        return advance_front(front.base, check_advance_km(front.advance_km + km, "total advance"))
    return _advance(front, km)


@lru_cache(maxsize=32)
def _advance(front: FrontLine, km: float) -> FrontLine:
    import shapely

    from mapper import geodata, geodesy
    from mapper.frontline import _as_multipolygon, line_from_occupied

    if front.occupied is None or front.occupied.is_empty:
        raise FrontLineError(
            f"{front.path or front.name}: this front line has no occupied area, so it cannot be advanced "
            "(the line alone does not say which side is occupied); give the occupied area too "
            "(a polygon file as the front line, or occupied: FILE in the scenario)"
        )
    grown = geodesy.geodesic_buffer(front.occupied, km)
    area = _as_multipolygon(
        shapely.union(shapely.intersection(grown, geodata.ukraine()), front.occupied)
    )
    what = f"the occupied area of {front.name} ({front.date}) grown by {km:g} km"
    line = line_from_occupied(area, what)
    return replace(
        front,
        line=line,
        occupied=area,
        name=f"Hypothetical line: {km:g} km advance from the line of {front.date}",
        source=(
            f"hypothetical: the occupied area of {front.name} ({front.date}) grown geodesically by {km:g} km "
            f"into Ukraine; that line: {front.source}"
        ),
        accuracy=f"{front.accuracy}; hypothetical: a uniform {km:g} km advance, not an observed line",
        derived_from_polygon=True,
        advance_km=km,
        base=front,
    )


def advanced_scenario(scenario: Scenario, km: float) -> Scenario:
    """``scenario`` with its front line and every dated line of its timeline advanced by ``km``, and its zones
    drawn from the front line re-drawn from the advanced line."""
    from mapper.timeline import _redrawn

    front = advance_front(scenario.front, km)
    timeline = scenario.timeline
    if timeline is not None:
        timeline = replace(timeline, fronts=tuple(advance_front(f, km) for f in timeline.fronts))

    def option(o: Option) -> Option:
        zones = tuple(_redrawn(z, front) if z.buffer_of == "front_line" else z for z in o.zones)
        return replace(o, zones=zones)

    return replace(
        scenario,
        front=front,
        timeline=timeline,
        options=tuple(option(o) for o in scenario.options),
    )


# -------------------------------------------------------------------------------------------------------------
# The report: which forces an advance moves into another band or into breaking a constraint


@dataclass(frozen=True)
class SiteChange:
    """One force or hub whose band or constraints the advance changes (distances rounded as outputs print)."""

    name: str
    kind: str
    keypath: str
    band_before: str
    band_after: str
    hostile_km_before: float | None
    hostile_km_after: float | None
    front_km_before: float | None
    front_km_after: float | None
    #: constraint keys (``min_distance_from_front_km`` ...) broken after the advance and not before
    newly_broken: tuple[str, ...]
    violations_after: tuple[str, ...]

    @property
    def band_changed(self) -> bool:
        return self.band_before != self.band_after

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "keypath": self.keypath,
            "band_before": self.band_before,
            "band_after": self.band_after,
            "band_changed": self.band_changed,
            "distance_to_hostile_territory_km_before": self.hostile_km_before,
            "distance_to_hostile_territory_km_after": self.hostile_km_after,
            "distance_to_front_km_before": self.front_km_before,
            "distance_to_front_km_after": self.front_km_after,
            "newly_broken": list(self.newly_broken),
            "violations_after": list(self.violations_after),
        }


@dataclass(frozen=True)
class OptionChanges:
    id: str
    name: str
    sites: int
    changes: tuple[SiteChange, ...]

    @property
    def band_changes(self) -> int:
        return sum(1 for c in self.changes if c.band_changed)

    @property
    def new_breaks(self) -> int:
        return sum(1 for c in self.changes if c.newly_broken)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "sites": self.sites,
            "forces_changing_band": self.band_changes,
            "forces_breaking_constraints": self.new_breaks,
            "changes": [c.to_dict() for c in self.changes],
        }


@dataclass(frozen=True)
class AdvanceReport:
    """Per option, the forces and hubs an advance of ``km`` moves into another band or into breaking a
    constraint they met before (``advance_report``)."""

    km: float
    base: FrontLine
    front: FrontLine
    options: tuple[OptionChanges, ...]

    def option(self, option_id: str) -> OptionChanges:
        for o in self.options:
            if o.id == option_id:
                return o
        raise KeyError(option_id)

    def to_dict(self) -> dict[str, Any]:
        def line(f: FrontLine) -> dict[str, Any]:
            return {"name": f.name, "date": f.date, "source": f.source, "accuracy": f.accuracy}

        return {
            "advance_km": self.km,
            "front_line": line(self.front),
            "base_front_line": line(self.base),
            "options": [o.to_dict() for o in self.options],
        }

    def to_csv(self) -> str:
        import csv
        import io

        from mapper.textsafe import csv_cell

        cols = ["option", "name", "kind", "keypath", "band_before", "band_after", *_CSV_KM]
        cols += ["newly_broken", "violations_after"]
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(cols)
        for o in self.options:
            for c in o.changes:
                d = c.to_dict()
                row = [o.id, c.name, c.kind, c.keypath, c.band_before, c.band_after]
                row += [d[k] for k in _CSV_KM]
                row += ["; ".join(c.newly_broken), "; ".join(c.violations_after)]
                writer.writerow([csv_cell(v) for v in row])
        return buf.getvalue()

    def to_table(self, width: int = 80) -> str:
        import textwrap

        from mapper.textlayout import aligned
        from mapper.textsafe import terminal

        def wrap(text: str) -> list[str]:
            return textwrap.wrap(terminal(text), width, subsequent_indent="  ")

        out = wrap(
            f"What if the line moves: {self.front.label}, the occupied area of the line of {self.base.date} "
            f"grown geodesically by {self.km:g} km into Ukraine. Forces and hubs that change band or newly "
            "break a constraint (distance to hostile territory, km, before -> after):"
        )
        for o in self.options:
            head = f"Option {o.id}: {o.band_changes} of {o.sites} change band, {o.new_breaks} newly break a constraint"
            out += ["", *wrap(head)]
            rest = [
                (
                    f"{_num(c.hostile_km_before)} -> {_num(c.hostile_km_after)}",
                    f"{terminal(c.band_before)} -> {terminal(c.band_after)}"
                    if c.band_changed
                    else "same",
                    ", ".join(_SHORT.get(k, k) for k in c.newly_broken) or "-",
                )
                for c in o.changes
            ]
            if not rest:
                continue
            heads = ("Site", "Hostile km", "Band", "Newly broken")
            used = sum(max(len(h), *(len(r[i]) for r in rest)) + 2 for i, h in enumerate(heads[1:]))
            name_w = max(10, min(24, width - used))  # the names get what room the figures leave
            rows = [
                (_short(terminal(c.name), name_w), *r) for c, r in zip(o.changes, rest, strict=True)
            ]
            out.append(aligned(heads, rows, "lrll"))
        return "\n".join(out) + "\n"


#: the constraints in the table's narrow column (their keys in JSON and CSV)
_SHORT = {
    "min_distance_from_front_km": "min from front",
    "min_distance_from_hostile_km": "min from hostile",
    "max_distance_to_nato_border_km": "max to NATO",
    "allow_in_occupied": "in occupied area",
}
_CSV_KM = (
    "distance_to_hostile_territory_km_before",
    "distance_to_hostile_territory_km_after",
    "distance_to_front_km_before",
    "distance_to_front_km_after",
)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _broken(site: SiteMetrics, constraints: Constraints) -> set[str]:
    """The constraint keys ``site`` breaks (a hub: only being inside the occupied area, as the analysis says)."""
    from mapper.exposure import OCCUPIED_KEY, Measured, _rules

    if site.kind != "force":
        return {OCCUPIED_KEY} if site.in_occupied else set()
    m = Measured(
        site.distance_to_front_km,
        site.accuracy_km,
        site.distance_to_hostile_territory_km,
        site.nearest_hostile,
        site.hostile_accuracy_km,
        site.distance_to_nato_border_km,
        site.in_occupied,
    )
    # the analysis's own rules (exposure.check_force), by key rather than by their wording
    return {
        key
        for key, _, broken, _ in _rules(constraints, m)
        if broken and constraints.applies(key, site.role)
    }


def advance_report(base: Prepared, advanced: Prepared) -> AdvanceReport:
    """Compare ``base`` with ``advanced`` (the same scenario prepared with ``advance_km``): per option, every
    force and hub whose band differs or that breaks a constraint it met before."""
    if not advanced.scenario.front.hypothetical:
        raise UsageError("advance_report: the second scenario's front line is not an advanced one")
    out = []
    for before in base.analysis.options:
        after = advanced.analysis.option(before.id)
        found = {_site_key(s): s for s in (*after.forces, *after.hubs)}
        sites = (*before.forces, *before.hubs)
        pairs = [(b, found[_site_key(b)]) for b in sites if _site_key(b) in found]
        changes = [
            c
            for b, a in pairs
            if (c := _change(b, a, base.scenario.constraints, advanced.scenario.constraints))
        ]
        out.append(OptionChanges(before.id, before.name, len(sites), tuple(changes)))
    front = advanced.scenario.front
    return AdvanceReport(front.advance_km, front.base or base.scenario.front, front, tuple(out))


def _site_key(site: SiteMetrics) -> tuple[str, object]:
    # the key path names a site across preparations; a hand-built scenario without them: the same object
    return site.kind, site.keypath or id(site.model)


def _change(
    b: SiteMetrics, a: SiteMetrics, before: Constraints, after: Constraints
) -> SiteChange | None:
    new = tuple(sorted(_broken(a, after) - _broken(b, before)))
    if a.band == b.band and not new:
        return None
    bd, ad = b.to_dict(), a.to_dict()
    return SiteChange(
        name=b.name,
        kind=b.kind,
        keypath=b.keypath,
        band_before=b.band,
        band_after=a.band,
        hostile_km_before=bd["distance_to_hostile_territory_km"],
        hostile_km_after=ad["distance_to_hostile_territory_km"],
        front_km_before=bd["distance_to_front_km"],
        front_km_after=ad["distance_to_front_km"],
        newly_broken=new,
        violations_after=a.violations,
    )


def advance_of(base: Prepared, km: float) -> tuple[Prepared, AdvanceReport]:
    """``base`` prepared again with every front line advanced by ``km``, and the report of what that changes."""
    from mapper.analysis import analyze
    from mapper.pipeline import Prepared as _Prepared

    scenario = advanced_scenario(base.scenario, km)
    advanced = _Prepared(scenario, analyze(scenario, options=[o.id for o in base.options]))
    return advanced, advance_report(base, advanced)

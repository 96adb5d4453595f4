"""What a scenario is exposed to, and which constraint binds which force.

The loader's half turns checked ``threat:``, ``coverage:`` and ``constraints:`` values into the model
(``Scenario.threat``, ``Scenario.coverage_countries``, ``Constraints`` with its role ``scopes``) and words the
warning for a place name that resolved to a small place. The analysis's half (``check_force``) checks one force
against the constraints that bind it and states, for each one that does not, why and what was measured: an
exemption is never silent.

Role scopes, the documented rule (docs/scenario-format.md): a constraint written with ``roles:`` binds only
forces whose role is listed (a force without a role is not bound by it); ``except_roles:`` and the shorthand
``exempt_roles:`` (every constraint) free the forces with those roles; every other constraint binds every force,
with or without a role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mapper.fields import INVALID, Context, join
from mapper.scenario import (
    DEFAULT_COVERAGE_COUNTRIES,
    DEFAULT_THREAT,
    DISTANCE_CONSTRAINTS,
    Constraints,
    RoleScope,
)

#: a name resolving to a place smaller than this (and written without oblast or country) is warned about
SMALL_PLACE_POPULATION = 10_000
#: the occupied-area rule's key in ``Constraints.scopes``
OCCUPIED_KEY = "allow_in_occupied"


# ---------------------------------------------------------------------------------------------------- loading
def threat(value: Any) -> tuple[str, ...]:
    """The scenario's threat from the checked ``threat:`` list: in the order written, each key once."""
    if not value or value is INVALID:
        return DEFAULT_THREAT
    return tuple(dict.fromkeys(v for v in value if v is not INVALID))


def coverage_countries(value: Any, ctx: Context) -> tuple[str, ...]:
    """ISO-2 codes of the checked ``coverage: {countries: [...]}`` (names, ISO-2 or ISO-3 codes), unknown
    countries reported where they are written; the default is Ukraine."""
    from mapper import geodata
    from mapper.errors import PlaceError

    names = (value or {}).get("countries") if isinstance(value, dict) else None
    if not names or names is INVALID:
        return DEFAULT_COVERAGE_COUNTRIES
    out: list[str] = []
    for i, name in enumerate(names):
        if name is INVALID:
            continue
        try:
            out.append(geodata.country(name).iso2)
        except PlaceError as exc:
            ctx.error_at(join("coverage.countries", i), str(exc))
    return tuple(dict.fromkeys(out)) or DEFAULT_COVERAGE_COUNTRIES


def constraints(value: Any) -> Constraints:
    """``Constraints`` from the checked ``constraints:`` mapping: each distance constraint a number or
    ``{km, roles | except_roles}``; ``exempt_roles`` frees those roles from every constraint (also the
    occupied-area rule)."""
    value = value if isinstance(value, dict) else {}
    exempt = frozenset(value.get("exempt_roles") or ())
    limits: dict[str, float | None] = {}
    scopes: dict[str, RoleScope] = {}
    for key in DISTANCE_CONSTRAINTS:
        raw = value.get(key)
        roles: frozenset[str] | None = None
        except_roles: frozenset[str] = frozenset()
        if isinstance(raw, dict):
            roles = frozenset(raw["roles"]) if raw.get("roles") else None
            except_roles = frozenset(raw.get("except_roles") or ())
            raw = raw.get("km")
        limits[key] = None if raw is None else float(raw)
        except_roles |= exempt
        if raw is not None and (roles is not None or except_roles):
            scopes[key] = RoleScope(roles=roles, except_roles=except_roles)
    if exempt:
        scopes[OCCUPIED_KEY] = RoleScope(except_roles=exempt)
    return Constraints(
        min_distance_from_front_km=limits["min_distance_from_front_km"],
        min_distance_from_hostile_km=limits["min_distance_from_hostile_km"],
        max_distance_to_nato_border_km=limits["max_distance_to_nato_border_km"],
        allow_in_occupied=bool(value.get("allow_in_occupied")),
        scopes=scopes,
    )


def small_place_warning(
    written: str, place: Any, front_km: float | None, accuracy: float | None
) -> str:
    """The warning for an unqualified name that resolved to a small place (a namesake of a place the gazetteer
    lacks would move a force hundreds of km without it), e.g. ``'Hlyboke' resolved to a small place: Hlyboke
    (Kharkiv oblast, UA, pop. 1,234), 3.1 km ± 10 from the front line; if you meant ...``."""
    from mapper.textlayout import format_km

    ukrainian = place.country == "UA"
    region = place.oblast and (f"{place.oblast} oblast" if ukrainian else place.oblast)
    pop = f"pop. {place.population:,}" if place.population else "population unknown"
    where = ", ".join(x for x in (region, place.country, pop) if x)
    near = "" if front_km is None else f", {format_km(front_km, accuracy)} from the front line"
    qualify = (
        f"oblast: {place.oblast}" if ukrainian and place.oblast else f"country: {place.country}"
    )
    return (
        f"{written!r} resolved to a small place: {place.name} ({where}){near}; if you meant another "
        f"place of that name, qualify it: {{place: {written}, {qualify}}}"
    )


# --------------------------------------------------------------------------------------------------- checking
@dataclass(frozen=True)
class Measured:
    """What a force's constraints are checked against (analysis fills it for each force)."""

    front_km: float
    front_accuracy_km: float | None
    hostile_km: float
    hostile_label: str  # scenario.THREAT_LABELS value of the nearest threat part
    hostile_accuracy_km: float | None
    nato_km: float
    in_occupied: bool


def _the(label: str) -> str:
    """ "the front line", "the occupied area", but "Russia"."""
    return f"the {label}" if label[:1].islower() else label


def _rules(c: Constraints, m: Measured) -> list[tuple[str, str, bool, Callable[[], str]]]:
    """Each constraint the scenario sets: (key, the rule in words, whether ``m`` breaks it, the measurement)."""
    from mapper.textlayout import format_km

    rules: list[tuple[str, str, bool, Callable[[], str]]] = []
    front, hostile, nato = (
        c.min_distance_from_front_km,
        c.min_distance_from_hostile_km,
        c.max_distance_to_nato_border_km,
    )
    if front is not None:
        rules.append((
            "min_distance_from_front_km", f"min_distance_from_front_km ({front:g} km)",
            m.front_km < front,
            lambda: f"{format_km(m.front_km, m.front_accuracy_km)} from the front line",
        ))  # fmt: skip
    if hostile is not None:
        rules.append((
            "min_distance_from_hostile_km", f"min_distance_from_hostile_km ({hostile:g} km)",
            m.hostile_km < hostile,
            lambda: f"{format_km(m.hostile_km, m.hostile_accuracy_km)} from {_the(m.hostile_label)}",
        ))  # fmt: skip
    if nato is not None:
        rules.append((
            "max_distance_to_nato_border_km", f"max_distance_to_nato_border_km ({nato:g} km)",
            m.nato_km > nato, lambda: f"{format_km(m.nato_km)} from the nearest NATO border",
        ))  # fmt: skip
    if not c.allow_in_occupied:
        rules.append((
            OCCUPIED_KEY, "allow_in_occupied: false", m.in_occupied,
            lambda: "inside the occupied area" if m.in_occupied else "outside the occupied area",
        ))  # fmt: skip
    return rules


def _violation(key: str, c: Constraints, m: Measured) -> str:
    if key == "min_distance_from_front_km":
        return (
            f"{m.front_km:.1f} km from the front line, closer than the "
            f"{c.min_distance_from_front_km:g} km minimum"
        )
    if key == "min_distance_from_hostile_km":
        return (
            f"{m.hostile_km:.1f} km from {_the(m.hostile_label)}, closer than the "
            f"{c.min_distance_from_hostile_km:g} km minimum from hostile territory"
        )
    if key == "max_distance_to_nato_border_km":
        return (
            f"{m.nato_km:.1f} km from the nearest NATO border, beyond the "
            f"{c.max_distance_to_nato_border_km:g} km maximum"
        )
    return "inside the occupied area"


def _why_free(scope: RoleScope | None, role: str | None) -> str:
    who = f"role {role}" if role else "no role given"
    if scope is not None and scope.roles is not None and role not in scope.roles:
        return f"{who}; it binds only roles {', '.join(sorted(scope.roles))}"
    return who


def check_force(
    c: Constraints, role: str | None, m: Measured
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(violations, exemptions) of one force: only constraints that bind its role are checked; each one that
    does not bind it is stated with what was measured, e.g. ``"not bound by min_distance_from_front_km (80 km):
    role monitoring; 3.2 km ± 10 from the front line"``."""
    violations: list[str] = []
    exemptions: list[str] = []
    for key, words, broken, measured in _rules(c, m):
        if c.applies(key, role):
            if broken:
                violations.append(_violation(key, c, m))
        else:
            exemptions.append(
                f"not bound by {words}: {_why_free(c.scopes.get(key), role)}; {measured()}"
            )
    return tuple(violations), tuple(exemptions)


def scopes_dict(c: Constraints) -> dict[str, dict[str, Any]]:
    """The role scopes as JSON: ``{key: {"roles": [...] | null, "except_roles": [...]}}``."""
    return {
        key: {
            "roles": None if s.roles is None else sorted(s.roles),
            "except_roles": sorted(s.except_roles),
        }
        for key, s in sorted(c.scopes.items())
    }

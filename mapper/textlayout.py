"""Plain text shared by every output: the aligned text table (``mapper analyze``'s table, ``mapper compare``'s
table) and the wording of the analysis's numbers, so the HTML map, the PNG, the reports, the comparison and the
gallery say the same thing the same way.

The wording helpers return plain, unescaped text: each output passes it through its own boundary (``render/safety``
for HTML, ``textsafe`` for the terminal, CSV, PNG and KML). A distance to the front line carries the line's stated
accuracy ("90.8 km ± 10"); a distance to hostile territory names the nearest part ("28.1 km (Russia)"); a force a
constraint does not bind says so, with the constraint and the reason, wherever "meets constraints" is stated.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from mapper.analysis import OptionAnalysis, OptionSummary, SiteMetrics
    from mapper.scenario import Scenario, Zone

#: the threat parts that are ground (countries, a garrisoned area) rather than the line and what is behind it
HOSTILE_GROUND = ("russia", "belarus", "transnistria")
#: nearest-hostile names whose distance carries the front line's accuracy (the line and the area behind it)
_LINE_PARTS = ("front line", "occupied area")


def format_km(value: float | None, accuracy_km: float | None = None, *, decimals: int = 1) -> str:
    """A distance as users read it: ``"90.8 km ± 10"`` when the distance carries the front line's stated accuracy,
    ``"90.8 km"`` otherwise, ``"–"`` for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f} km"
    return text + (f" ± {accuracy_km:g}" if accuracy_km else "")


def aligned(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> str:
    """Text cells as an aligned block under a dashed rule; ``align`` has one letter per column, ``l`` or ``r``."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        cells = (
            v.rjust(w) if a == "r" else v.ljust(w)
            for v, w, a in zip(values, widths, align, strict=True)
        )
        return "  ".join(cells).rstrip()

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), sep, *(line(r) for r in rows)])


def words(items: Sequence[str]) -> str:
    """``["a"]`` → ``"a"``, ``["a", "b", "c"]`` → ``"a, b and c"``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# ---------------------------------------------------------------------------------------------- distances
def front_km(site: SiteMetrics) -> str:
    """The distance to the front line with the line's stated accuracy: ``"90.8 km ± 10"``."""
    return format_km(site.distance_to_front_km, site.accuracy_km)


def hostile_km(site: SiteMetrics) -> str:
    """The distance to the nearest hostile territory and which part it is: ``"28.1 km (Russia)"``, with the
    line's accuracy when that part is the front line or the occupied area (``"12.0 km ± 10 (front line)"``)."""
    text = format_km(site.distance_to_hostile_territory_km, site.hostile_accuracy_km)
    return f"{text} ({site.nearest_hostile})" if site.nearest_hostile else text


def summary_hostile_km(summary: OptionSummary, accuracy_km: float | None) -> str:
    """An option's minimum distance to hostile territory with its part (``"28.1 km (Russia)"``); ``accuracy_km``
    (the front line's) is shown only when that part is the line or the occupied area."""
    acc = accuracy_km if summary.nearest_hostile in _LINE_PARTS else None
    text = format_km(summary.min_distance_to_hostile_territory_km, acc)
    return f"{text} ({summary.nearest_hostile})" if summary.nearest_hostile else text


def accuracy_note(accuracy_km: float | None) -> str:
    """``" (± 10)"`` for a column header whose every value carries the same accuracy, else ``""``."""
    return f" (± {accuracy_km:g})" if accuracy_km else ""


# ---------------------------------------------------------------------------------------------- constraints
def verdict(site: SiteMetrics) -> str:
    """Whether a site meets the constraints, in words, with what it breaks and what does not bind it:
    ``"yes — exempt from min_distance_from_front_km (80 km): role monitoring"``, ``"NO: …"``."""
    text = "yes" if site.meets_constraints else "NO: " + "; ".join(site.violations)
    if site.exemptions:
        text += " — " + "; ".join(site.exemptions)
    return text


def exempt_sites(option: OptionAnalysis) -> list[SiteMetrics]:
    """The option's forces some constraint does not bind."""
    return [s for s in option.forces if s.exemptions]


def exempt_words(option: OptionAnalysis) -> str:
    """``"1 force exempt: Ceasefire monitors (role monitoring)"``, or ``""`` when no constraint exempts any."""
    sites = exempt_sites(option)
    if not sites:
        return ""
    who = "; ".join(
        s.name + (f" (role {s.role.replace('_', ' ')})" if s.role else "") for s in sites
    )
    return f"{len(sites)} force{'s' if len(sites) != 1 else ''} exempt: {who}"


def option_verdict(option: OptionAnalysis) -> str:
    """``"yes"``, ``"NO (2 violation(s))"``, followed by the exempt forces in brackets when there are any."""
    sm = option.summary
    text = "yes" if sm.meets_constraints else f"NO ({sm.violations} violation(s))"
    exempt = exempt_words(option)
    return f"{text} ({exempt})" if exempt else text


# ---------------------------------------------------------------------------------------------- coverage
def country_name(iso2: str) -> str:
    """A country's name from its ISO-2 code (``"UA"`` → ``"Ukraine"``); the code when unknown."""
    from mapper.scenario import NATIONS

    name = NATIONS.get(iso2.upper())
    if name:
        return name
    try:
        from mapper import geodata

        return geodata.country(iso2).name
    except Exception:  # an unknown code is shown as given, never an error in an output
        return iso2


def countries_words(codes: Iterable[str]) -> str:
    """``("UA", "MD")`` → ``"Ukraine and Moldova"``."""
    return words([country_name(c) for c in codes])


def coverage_words(
    scenario: Scenario, total: int | None, by_country: Mapping[str, int] | None
) -> str:
    """``"Population within coverage rings (Ukraine): 10,994,833"``; with more than one country counted, the
    breakdown follows: ``"(Ukraine and Moldova): 11,100,000 (Ukraine 10,994,833; Moldova 105,167)"``."""
    text = f"Population within coverage rings ({countries_words(scenario.coverage_countries)}): "
    text += f"{total or 0:,}"
    if len(scenario.coverage_countries) > 1 and by_country:
        text += " (" + breakdown(by_country) + ")"
    return text


def breakdown(by_country: Mapping[str, int]) -> str:
    """``"Ukraine 10,994,833; Moldova 105,167"``."""
    return "; ".join(f"{country_name(c)} {n:,}" for c, n in by_country.items())


# ---------------------------------------------------------------------------------------------- geography
def hostile_ground(scenario: Scenario) -> tuple[str, ...]:
    """The country/area parts of the scenario's threat, in its order (``("russia", "belarus")``)."""
    return tuple(t for t in scenario.threat if t in HOSTILE_GROUND)


def hostile_ground_name(scenario: Scenario) -> str:
    """The hostile ground drawn, by name: ``"Russia and Belarus"``, ``"Russia, Belarus and Transnistria"``."""
    from mapper.scenario import THREAT_LABELS

    return words([THREAT_LABELS[t] for t in hostile_ground(scenario)])


def zone_words(zone: Zone) -> str:
    """``"Demilitarised zone, 15 km wide (7.5 km either side of the Dnipro)"``."""
    return (
        f"{zone.name}, {zone.width_km:g} km wide ({zone.km:g} km either side of {zone.buffer_of})"
    )


def constraint_lines(scenario: Scenario) -> list[str]:
    """The scenario's distance constraints in words, each with the forces it binds when not every force:
    ``"forces at least 40 km from the front line (except role monitoring)"``."""
    c = scenario.constraints
    out = []
    if c.min_distance_from_front_km is not None:
        out.append(
            f"forces at least {c.min_distance_from_front_km:g} km from the front line"
            + _scope_words(scenario, "min_distance_from_front_km")
        )
    if c.min_distance_from_hostile_km is not None:
        out.append(
            f"forces at least {c.min_distance_from_hostile_km:g} km from hostile territory"
            + _scope_words(scenario, "min_distance_from_hostile_km")
        )
    if c.max_distance_to_nato_border_km is not None:
        out.append(
            f"forces at most {c.max_distance_to_nato_border_km:g} km from a NATO border"
            + _scope_words(scenario, "max_distance_to_nato_border_km")
        )
    return out


def _scope_words(scenario: Scenario, key: str) -> str:
    scope = scenario.constraints.scopes.get(key)
    if scope is None:
        return ""
    parts = []
    if scope.roles is not None:
        parts.append("only role " + words(sorted(r.replace("_", " ") for r in scope.roles)))
    if scope.except_roles:
        parts.append(
            "except role " + words(sorted(r.replace("_", " ") for r in scope.except_roles))
        )
    return f" ({'; '.join(parts)})" if parts else ""

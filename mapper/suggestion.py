"""From a solved placement problem to a ready scenario option: ``mapper suggest`` and ``mapper.suggest()``.

``suggest(brief)`` loads a brief (``mapper.brief``), builds its ``placement.Instance``, solves it exactly
(``optimize.solve_milp``; ``--alternatives N`` solves again excluding each placement found) or greedily, and always
runs the greedy heuristic as a baseline. The ``Suggestion`` it returns writes the result as a complete scenario
file (``option_yaml``): format 1, the brief's id, title, date, front line, threat, coverage countries and
constraints, one option with one force per placed unit at its site (``range_km`` = the unit's radius, so every map
draws its coverage ring), the alternatives as further options, and a comment block on top with the objective, what
is covered, the solver, its status and gap, the greedy baseline and the alternatives. That file loads, renders,
analyses and compares like any hand-written scenario.

Brief text (unit and site names, titles) is untrusted: every string is written as a YAML double-quoted scalar
with every character that is not printable escaped (``_q``), names are reduced to one line of printable text
(``_plain``) first, since the scenario format refuses control characters, and comment lines carry only
``_plain`` text, so no line break (``\\n``, ``\\r``, NEL, U+2028) can end a comment and start YAML.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from mapper.errors import UsageError
from mapper.optimize import Solution, covered_by, explain
from mapper.pipeline import OutputPolicy
from mapper.placement import Instance

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from mapper.brief import Brief
    from mapper.scenario import Option

__all__ = [
    "MAX_ALTERNATIVES",
    "METHODS",
    "ExplainRow",
    "Suggestion",
    "explain_rows",
    "matching_forces",
    "option_yaml",
    "score_option",
    "suggest",
    "suggest_file",
]

METHODS = ("milp", "greedy")
#: ``--alternatives`` at most this many: each one is a further exact solve of the whole problem
MAX_ALTERNATIVES = 10
_NAME_MAX = 200  # the scenario format's limit on a force or option name
_TITLE_MAX = 300
_TEXT_MAX = 20_000  # summary, description


# ---------------------------------------------------------------------------------------------------------------
# Text from the brief, made safe for YAML


def _plain(text: object, limit: int = 160) -> str:
    """One line of printable text: every character that is not printable (line breaks of any kind, control,
    format and bidi characters) becomes a space, runs of spaces one; cut to ``limit`` with an ellipsis."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in str(text))
    out = " ".join(cleaned.split())
    return out if len(out) <= limit else out[: limit - 1].rstrip() + "…"


def _q(text: object) -> str:
    """``text`` as a YAML double-quoted scalar: quotes and backslashes escaped, and every character that is not
    printable as ``\\uXXXX``/``\\UXXXXXXXX``, so nothing in it can end the scalar or the line."""
    out = ['"']
    for ch in str(text):
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def _num(value: float) -> str:
    """A weight as people read it: whole numbers with thousands separators, else one decimal."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _pct(part: float, whole: float) -> str:
    return f"{100.0 * part / whole:.2f} %" if whole else "n/a"


def _gap(solution: Solution) -> str:
    return "n/a (heuristic)" if solution.gap is None else f"{100.0 * solution.gap:.4f} %"


# ---------------------------------------------------------------------------------------------------------------
# What the written scenario takes from the brief


@dataclass(frozen=True)
class _Head:
    """The scenario-level values of a brief, as the written file states them."""

    id: str
    title: str
    date: str
    summary: str | None
    front_line: (
        str  # "bundled" or a path (absolute, or as the brief wrote it relative to its folder)
    )
    front_line_layer: str | None
    occupied: str | None
    folder: Path | None  # the brief's folder, for relative file names
    threat: tuple[str, ...]
    countries: tuple[str, ...]
    constraints: tuple[tuple[str, str], ...]  # scenario constraint key, YAML value
    hub: (
        tuple[str, float, float] | None
    )  # the brief's hub (name, lat, lon), written as the option's hub
    option_id: str
    option_name: str
    option_description: str | None
    colour: str


def _head(brief: Brief) -> _Head:
    c = brief.constraints
    limits: list[tuple[str, str]] = [
        (key, f"{float(value):g}")
        for key, value in (
            ("min_distance_from_front_km", c.min_distance_from_front_km),
            ("min_distance_from_hostile_km", c.min_distance_from_hostile_km),
            ("max_distance_to_nato_border_km", c.max_distance_to_nato_border_km),
        )
        if value is not None
    ]
    if c.allow_in_occupied:
        limits.append(("allow_in_occupied", "true"))
    hub = c.max_distance_to_hub.hub if c.max_distance_to_hub is not None else None
    return _Head(
        id=brief.id,
        title=_plain(brief.title, _TITLE_MAX),
        date=brief.date.isoformat(),
        summary=_plain(brief.summary, _TEXT_MAX) if brief.summary else None,
        front_line=brief.front_line or "bundled",
        front_line_layer=brief.front_line_layer,
        occupied=brief.occupied,
        folder=Path(brief.path).parent if brief.path else None,
        threat=tuple(brief.threat),
        countries=tuple(brief.coverage_countries),
        constraints=tuple(limits),
        hub=None if hub is None else (_plain(hub.name, _NAME_MAX), hub.lat, hub.lon),
        option_id=brief.option_id,
        option_name=_plain(brief.option_name, _NAME_MAX),
        option_description=_plain(brief.option_description, _TEXT_MAX // 2)
        if brief.option_description
        else None,
        colour=brief.option_colour,
    )


def _file_value(value: str, head: _Head, relative_to: Path | None) -> str:
    """A file the brief names (front line, occupied area) as the written file must name it. A scenario names
    only files inside its own folder, so the file must be inside the folder the suggestion is written to
    (``UsageError`` otherwise); with no folder given, as the brief wrote it (right next to the brief).
    "bundled" and "none" stay as they are."""
    if value in ("bundled", "none") or relative_to is None:
        return value
    path = Path(value)
    if not path.is_absolute() and head.folder is not None:
        path = head.folder / path
    try:
        return path.resolve().relative_to(relative_to.resolve()).as_posix()
    except ValueError:
        raise UsageError(
            f"the brief names the file {_plain(value, 100)!r}, which is not inside {relative_to}, the folder "
            "the suggestion is written to, and a scenario may only name files inside its own folder: write "
            "the suggestion next to that file, or copy the file there"
        ) from None


# ---------------------------------------------------------------------------------------------------------------
# Placed units


@dataclass(frozen=True)
class ExplainRow:
    """Why one unit is where it is (``optimize.explain``): the weight within its reach and the weight only it
    covers given the other placed units (what the solution loses without it)."""

    force: str  # the written force's name
    unit: str  # the unit type's key
    site: str
    country: str
    lat: float
    lon: float
    front_km: float
    hostile_km: float
    reach: float  # weight of the demand within its radius
    marginal: float  # weight that it alone covers
    points: int  # demand points that it alone covers


def _force_names(instance: Instance, placements: Sequence[tuple[int, int]]) -> list[str]:
    """``"<unit name> <k> (<site name>)"``, k counting each unit type from 1; unique within the option."""
    seen: dict[int, int] = {}
    names: list[str] = []
    for t, j in placements:
        seen[t] = seen.get(t, 0) + 1
        stem = _plain(instance.units[t].name, 80)
        name = _plain(f"{stem} {seen[t]} ({_plain(instance.candidates[j].name, 100)})", _NAME_MAX)
        while name in names:  # two unit types of the same name: keep every force name unique
            name = _plain(f"{name} [{instance.units[t].key}]", _NAME_MAX)
        names.append(name)
    return names


def explain_rows(instance: Instance, solution: Solution) -> list[ExplainRow]:
    """One row per placed unit, in placement order (``--explain``)."""
    names = _force_names(instance, solution.placements)
    rows = []
    for name, part in zip(names, explain(instance, solution), strict=True):
        c = instance.candidates[part.candidate]
        rows.append(
            ExplainRow(
                force=name,
                unit=instance.units[part.unit].key,
                site=c.name,
                country=c.country,
                lat=c.lat,
                lon=c.lon,
                front_km=c.front_km,
                hostile_km=c.hostile_km,
                reach=part.reach,
                marginal=part.marginal,
                points=part.points,
            )
        )
    return rows


# ---------------------------------------------------------------------------------------------------------------
# The scenario file


def _force_lines(instance: Instance, solution: Solution) -> list[str]:
    lines = []
    for name, (t, j) in zip(
        _force_names(instance, solution.placements), solution.placements, strict=True
    ):
        u, c = instance.units[t], instance.candidates[j]
        fields = [
            f"name: {_q(name)}",
            f"nation: {_q(u.nation)}",
            f"troops: {int(u.troops)}",
            f"kind: {_q(u.kind)}",
            *([f"echelon: {_q(u.echelon)}"] if u.echelon else []),
            *([f"role: {_q(u.role)}"] if u.role else []),
            f"range_km: {float(u.radius_km):g}",
            f"at: {{lat: {c.lat:.5f}, lon: {c.lon:.5f}}}",
        ]
        lines.append("      - {" + ", ".join(fields) + "}")
    return lines


def _option_lines(
    head: _Head, option: tuple[str, str, str], instance: Instance, solution: Solution
) -> list[str]:
    option_id, name, colour = option
    total = float(instance.weights.sum())
    said = (
        f"Suggested by mapper suggest ({solution.method}, {solution.status}): covers "
        f"{_num(solution.objective)} of {_num(total)} ({_pct(solution.objective, total)})."
    )
    lines = [
        f"  - id: {_q(option_id)}",
        f"    name: {_q(name)}",
        f"    colour: {_q(colour)}",
        f"    description: {_q(f'{head.option_description} {said}' if head.option_description else said)}",
        "    forces:",
        *_force_lines(instance, solution),
    ]
    if (
        head.hub is not None
    ):  # the hub the brief bounds the distance to: analysis measures each force to it
        hub_name, lat, lon = head.hub
        lines += [
            "    hubs:",
            f"      - {{name: {_q(hub_name)}, at: {{lat: {lat:.5f}, lon: {lon:.5f}}}}}",
        ]
    return lines


def _alternative_colours(taken: str, n: int) -> list[str]:
    from mapper.style import FRIENDLY_COLOURS

    free = [value for value, _ in FRIENDLY_COLOURS if value.lower() != taken.lower()]
    return [free[k % len(free)] for k in range(n)]


def _covered_lines(instance: Instance, covered: np.ndarray) -> list[str]:
    """What is covered, by country, and the key sites covered and missed."""
    w = instance.weights
    kinds = np.asarray([d.kind for d in instance.demand], dtype=object)
    ccs = np.asarray([d.country for d in instance.demand], dtype=object)
    out = []
    people = kinds == "population"
    if people.any():
        out.append(
            f"people covered: {_num(w[people & covered].sum())} of {_num(w[people].sum())} "
            f"({_pct(w[people & covered].sum(), w[people].sum())})"
        )
        for cc in sorted(set(ccs[people])):
            mine = people & (ccs == cc)
            out.append(
                f"  {_plain(cc, 8)}: {_num(w[mine & covered].sum())} of {_num(w[mine].sum())} people"
            )
    sites = np.flatnonzero(kinds == "site")
    if len(sites):
        out.append(
            f"key sites covered: {int(covered[sites].sum())} of {len(sites)}, weight "
            f"{_num(w[sites][covered[sites]].sum())} of {_num(w[sites].sum())}"
        )
        for i in sites:
            d = instance.demand[i]
            mark = "covered" if covered[i] else "NOT covered"
            out.append(
                f"  {mark}: {_plain(d.name, 100)} ({_plain(d.country, 8)}, weight {_num(d.weight)})"
            )
    return out


def _comment_lines(
    instance: Instance,
    solution: Solution,
    alternatives: Sequence[Solution],
    greedy: Solution | None,
) -> list[str]:
    total = float(instance.weights.sum())
    lines = [
        "Suggested by `mapper suggest` (maximal covering: the units placed to cover the most demand).",
        f"objective: {_num(solution.objective)} covered weight of {_num(total)} "
        f"({_pct(solution.objective, total)})",
        *_covered_lines(instance, covered_by(instance, solution.placements)),
        # no solve times here: the same brief gives the same file (they are printed on stdout)
        f"solver: {solution.method}, status {solution.status}, gap {_gap(solution)}",
        f"problem: {len(instance.units)} unit type(s), {sum(u.count for u in instance.units)} unit(s), "
        f"{len(instance.candidates):,} candidate site(s), {len(instance.demand):,} demand point(s)",
    ]
    if instance.removed:
        lines.append(
            "candidates removed by constraint: "
            + ", ".join(f"{_plain(k, 60)} {v:,}" for k, v in instance.removed.items())
        )
    if greedy is not None and greedy is not solution:
        ratio = greedy.objective / solution.objective if solution.objective else float("nan")
        lines.append(f"greedy baseline: {_num(greedy.objective)} ({ratio:.4f} of this objective)")
    for k, alt in enumerate(alternatives, 1):
        lines.append(
            f"alternative {k}: {_num(alt.objective)} ({_pct(alt.objective, total)}), status {alt.status}, "
            f"gap {_gap(alt)}"
        )
    # user text only through _plain (one line, printable); the indent of a sub-item is ours and kept
    return ["# " + " " * (len(line) - len(line.lstrip(" "))) + _plain(line, 400) for line in lines]


def option_yaml(
    brief: Brief,
    instance: Instance,
    solution: Solution,
    *,
    alternatives: Sequence[Solution] = (),
    greedy: Solution | None = None,
    relative_to: str | os.PathLike[str] | None = None,
) -> str:
    """The complete scenario file for ``solution`` (and each alternative as a further option). ``relative_to``:
    the folder the file will be written in, so that a front-line file the brief names is named from there
    (default: as the brief names it, right for a file written next to the brief)."""
    head = _head(brief)
    folder = Path(relative_to) if relative_to is not None else None
    lines = [
        *_comment_lines(instance, solution, alternatives, greedy),
        "format: 1",
        f"id: {_q(head.id)}",
        f"title: {_q(head.title)}",
        f"date: {head.date}",
        *([f"summary: {_q(head.summary)}"] if head.summary else []),
        f"front_line: {_q(_file_value(head.front_line, head, folder))}",
        *([f"front_line_layer: {_q(head.front_line_layer)}"] if head.front_line_layer else []),
        *([f"occupied: {_q(_file_value(head.occupied, head, folder))}"] if head.occupied else []),
    ]
    if head.threat:
        lines.append("threat: [" + ", ".join(_q(t) for t in head.threat) + "]")
    if head.countries:
        lines.append("coverage: {countries: [" + ", ".join(_q(c) for c in head.countries) + "]}")
    if head.constraints:
        lines.append("constraints:")
        lines.extend(f"  {key}: {value}" for key, value in head.constraints)
    lines.append("options:")
    lines.extend(
        _option_lines(head, (head.option_id, head.option_name, head.colour), instance, solution)
    )
    colours = _alternative_colours(head.colour, len(alternatives))
    for k, alt in enumerate(alternatives, 1):
        alt_id = f"{head.option_id[:50]}_alt{k}"
        alt_name = _plain(f"{head.option_name[:170]} (alternative {k})", _NAME_MAX)
        lines.extend(_option_lines(head, (alt_id, alt_name, colours[k - 1]), instance, alt))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# Hand-drawn options, scored on the same demand


def score_option(brief: Brief, instance: Instance, option: Option) -> float:
    """The weight of the brief's demand covered by ``option``'s forces of the kinds the brief places, each
    given the radius of the brief's unit of that kind (what the suggestion is measured by), wherever the force
    is and whatever its own ``range_km``: "the suggestion covers at least as much as this option"."""
    from mapper.placement import cover_indices

    kinds = {
        u.kind: t for t, u in reversed(list(enumerate(instance.units)))
    }  # first unit type of a kind
    covered = np.zeros(len(instance.demand), dtype=bool)
    for force in option.forces:
        t = kinds.get(force.kind)
        if t is not None:
            covered[cover_indices(instance, t, force.location.lat, force.location.lon)] = True
    return float(instance.weights[covered].sum())


def matching_forces(instance: Instance, option: Option) -> int:
    """How many of ``option``'s forces are of a kind the brief places (what ``score_option`` counts)."""
    kinds = {u.kind for u in instance.units}
    return sum(1 for f in option.forces if f.kind in kinds)


# ---------------------------------------------------------------------------------------------------------------
# The result


class Suggestion:
    """A solved brief: ``placements`` and ``coverage`` as DataFrames, ``objective``, ``gap``, ``status``;
    ``to_yaml()`` the scenario file, ``save(path)`` writes it (atomically, never over an existing file unless
    ``overwrite=True``)."""

    def __init__(
        self,
        brief: Brief,
        instance: Instance,
        solution: Solution,
        *,
        alternatives: Sequence[Solution] = (),
        greedy: Solution | None = None,
    ) -> None:
        self.brief = brief
        self.instance = instance
        self.solution = solution
        self.alternatives = tuple(alternatives)
        self.greedy = greedy
        self.path: Path | None = None  # where ``save`` wrote it

    @property
    def objective(self) -> float:
        return self.solution.objective

    @property
    def gap(self) -> float | None:
        return self.solution.gap

    @property
    def status(self) -> str:
        return self.solution.status

    @property
    def method(self) -> str:
        return self.solution.method

    def explain(self) -> list[ExplainRow]:
        return explain_rows(self.instance, self.solution)

    @cached_property
    def placements(self) -> pd.DataFrame:
        """One row per placed unit: force, unit, site, country, lat, lon, front_km, hostile_km, reach and
        marginal (covered weight), points (demand points only it covers)."""
        import pandas as pd

        columns = [f.name for f in ExplainRow.__dataclass_fields__.values()]
        return pd.DataFrame([vars(r) for r in self.explain()], columns=columns)

    @cached_property
    def coverage(self) -> pd.DataFrame:
        """One row per demand point: name, kind, country, lat, lon, weight, covered."""
        import pandas as pd

        covered = covered_by(self.instance, self.solution.placements)
        rows = [
            {
                "name": d.name,
                "kind": d.kind,
                "country": d.country,
                "lat": d.lat,
                "lon": d.lon,
                "weight": d.weight,
                "covered": bool(c),
            }
            for d, c in zip(self.instance.demand, covered, strict=True)
        ]
        cols = ["name", "kind", "country", "lat", "lon", "weight", "covered"]
        return pd.DataFrame(rows, columns=cols)

    def to_yaml(self, *, relative_to: str | os.PathLike[str] | None = None) -> str:
        return option_yaml(
            self.brief,
            self.instance,
            self.solution,
            alternatives=self.alternatives,
            greedy=self.greedy,
            relative_to=relative_to,
        )

    def save(self, path: str | os.PathLike[str] | None = None, *, overwrite: bool = False) -> Path:
        """Write the scenario file (default ``out/<brief id>.yaml``) atomically; an existing file needs
        ``overwrite=True``. Returns the path."""
        target = SUGGESTION_OUTPUT.claim(path, str(self.brief.id), overwrite=overwrite)
        self.path = target.write(self.to_yaml(relative_to=target.path.parent))
        return self.path

    def summary_lines(self, *, explain: bool = False) -> list[str]:
        """What ``mapper suggest`` prints: the objective, the solver, the baseline, alternatives, and with
        ``explain`` one line per unit (its site and what it adds)."""
        block = _comment_lines(self.instance, self.solution, self.alternatives, self.greedy)
        lines = [line[2:] for line in block[1:]]  # the block without its "# " and its first line
        times = f"solve time: {self.solution.seconds:.2f} s"
        if self.greedy is not None and self.greedy is not self.solution:
            times += f" (greedy {self.greedy.seconds:.2f} s)"
        lines.append(times)
        if explain:
            lines.append(
                "why each site (reach: what it covers by itself; marginal: what only it covers):"
            )
            for r in self.explain():
                lines.append(
                    f"  {r.force}: {r.country}, front {r.front_km:,.1f} km, hostile {r.hostile_km:,.1f} km, "
                    f"reach {_num(r.reach)}, marginal {_num(r.marginal)}"
                )
        return lines

    def __repr__(self) -> str:
        return (
            f"<Suggestion for {self.brief.id!r}: {len(self.solution.placements)} unit(s), objective "
            f"{_num(self.objective)}, {self.status}>"
        )


#: where a suggestion goes by default (``out/<brief id>.yaml``); an existing file is replaced only with overwrite
SUGGESTION_OUTPUT = OutputPolicy(suffix=".yaml")


def _check(method: str, time_limit: float | None, alternatives: int) -> None:
    if method not in METHODS:
        raise UsageError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if time_limit is not None and not (float(time_limit) > 0):
        raise UsageError(f"time limit must be a number of seconds over 0, got {time_limit!r}")
    if not (0 <= int(alternatives) <= MAX_ALTERNATIVES):
        raise UsageError(f"alternatives must be 0 to {MAX_ALTERNATIVES}, got {alternatives!r}")
    if alternatives and method != "milp":
        raise UsageError("alternatives need the exact solver (--method milp)")


def suggest(
    brief: Any,
    *,
    method: str = "milp",
    time_limit: float | None = None,
    alternatives: int = 0,
) -> Suggestion:
    """Solve ``brief`` (a path to a brief file, or a loaded ``Brief``): ``method`` "milp" (exact; each solve
    bounded by ``time_limit`` seconds, the gap reached reported) or "greedy"; ``alternatives`` further distinct
    placements, each the best that differs from all before it. The greedy baseline is always computed."""
    from mapper.optimize import solve_alternatives, solve_greedy, solve_milp
    from mapper.placement import build_instance

    _check(method, time_limit, alternatives)
    if isinstance(brief, str | os.PathLike):
        from mapper.brief import load_brief

        brief = load_brief(brief)
    instance = build_instance(brief)
    greedy = solve_greedy(instance)
    if method == "greedy":
        return Suggestion(brief, instance, greedy, greedy=greedy)
    if not alternatives:
        return Suggestion(
            brief, instance, solve_milp(instance, time_limit=time_limit), greedy=greedy
        )
    # the best and then the next best with a different set of sites each (fewer when fewer exist)
    best, *others = solve_alternatives(instance, 1 + int(alternatives), time_limit=time_limit)
    return Suggestion(brief, instance, best, alternatives=others, greedy=greedy)


def suggest_file(
    brief: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    method: str = "milp",
    time_limit: float | None = None,
    alternatives: int = 0,
    overwrite: bool = False,
) -> Suggestion:
    """``mapper suggest``: the options, the output target (default ``out/<brief id>.yaml``) and the files the
    written scenario must name checked before any solving; then ``suggest`` and ``save``."""
    from mapper.brief import load_brief

    _check(method, time_limit, alternatives)
    loaded = load_brief(brief)
    target = SUGGESTION_OUTPUT.claim(output, loaded.id, overwrite=overwrite)
    head = _head(loaded)
    for value in (head.front_line, head.occupied or "none"):
        _file_value(
            value, head, target.path.parent
        )  # a file the output could not name: refused now
    result = suggest(loaded, method=method, time_limit=time_limit, alternatives=alternatives)
    result.save(target.path, overwrite=overwrite)
    return result

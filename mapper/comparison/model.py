"""The comparison's model: which options are compared, their records, the DataFrame, and ranking.

``load_comparison(sources)`` runs the one pipeline (``mapper.pipeline.prepare``) on every scenario (files, folders
of them, YAML text, ``Scenario`` or ``Prepared`` objects) and keys each analysed option (``Entry``): the option id,
or ``scenario/option`` when the same id occurs in more than one scenario. Every number is the rounded value
``mapper analyze --format json`` gives (``OptionSummary.to_dict()``), so the two always agree. ``compare(...)`` is
the public ``mapper.compare()``: one ``pandas.DataFrame`` row per option.

Ranking (``rank_by="min_distance_to_front_km,-max_distance_to_nato_border_km"``) ranks the options on each criterion
separately (1 = best; higher is better unless the criterion starts with ``-``); there is no weighting and no
composite score. Scenarios measured from different front lines (or of different dates) give warnings.

No drawing and no text formatting here: the reports (``text``, ``page``) are views of this model.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from mapper.errors import MapperError, UsageError
from mapper.pipeline import Prepared, prepare

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from mapper.analysis import OptionAnalysis, ScenarioAnalysis
    from mapper.features import OptionFeatures
    from mapper.frontline import FrontLine
    from mapper.scenario import Option, Scenario

__all__ = [
    "RANKABLE",
    "Comparison",
    "Criterion",
    "Entry",
    "Failure",
    "compare",
    "load_comparison",
    "parse_pair",
    "parse_rank_by",
    "rank",
]

log = logging.getLogger("mapper")

#: What ``load_comparison`` and ``compare`` take: paths (files or folders), YAML text, scenarios, prepared ones.
Sources = Union[str, "os.PathLike[str]", "Scenario", Prepared, Iterable[Any]]

# Criteria for --rank-by: numeric per-option metrics, with a short name for rank rows.
RANKABLE: dict[str, str] = {
    "troops": "troops",
    "forces": "forces",
    "hubs": "hubs",
    "min_distance_to_front_km": "min to front",
    "troop_weighted_mean_distance_to_front_km": "mean to front",
    "share_of_troops_beyond_constraint": "beyond constraint",
    "max_distance_to_nato_border_km": "max to NATO",
    "mean_distance_to_nato_border_km": "mean to NATO",
    "min_distance_to_hostile_territory_km": "min to hostile",
    "population_covered": "population",
    "key_sites_under_air_defence": "sites under AD",
    "key_sites_in_rings": "sites in rings",
    "population_under_air_defence": "people under AD",
    "lines_length_km": "lines",
    "areas_km2": "areas",
    "zones_km2": "zones",
    "violations": "violations",
}
_INT_FIELDS = (
    "troops",
    "forces",
    "hubs",
    "population_covered",
    "areas_km2",
    "zones_km2",
    "violations",
    "exempt_forces",
    "forces_changing_band",
    "forces_breaking_constraints",
    "key_sites_under_air_defence",
    "key_sites_in_rings",
    "population_under_air_defence",
)


# -------------------------------------------------------------------------------------------------------------
# Loading


@dataclass(frozen=True)
class Entry:
    """One option in the comparison: its key, the prepared scenario it belongs to and its analysis."""

    key: str
    prepared: Prepared
    result: OptionAnalysis
    #: with ``advance_km``: what the advance changes in this option (``mapper.advance.OptionChanges``)
    advance: Any = None

    @property
    def scenario(self) -> Scenario:
        return self.prepared.scenario

    @property
    def option(self) -> Option:
        return self.result.option

    @property
    def features(self) -> OptionFeatures:
        """The option's derived geometry (rings, links ...), shared with every other output."""
        return self.prepared.features.option(self.result.id)


@dataclass(frozen=True)
class Failure:
    """A scenario file that could not be compared (``keep_going``)."""

    file: str
    message: str

    @property
    def text(self) -> str:
        """The message, naming the file once."""
        return (
            self.message if self.message.startswith(self.file) else f"{self.file}: {self.message}"
        )


@dataclass
class Comparison:
    """Everything the reports need: the options (``entries``), their prepared scenarios, warnings and failures."""

    entries: list[Entry]
    prepared: list[Prepared]
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def scenarios(self) -> list[tuple[Scenario, ScenarioAnalysis]]:
        """``(scenario, analysis)`` of every compared scenario, in order."""
        return [(p.scenario, p.analysis) for p in self.prepared]

    @property
    def keys(self) -> list[str]:
        return [e.key for e in self.entries]

    def entry(self, key: str) -> Entry:
        for e in self.entries:
            if e.key == key:
                return e
        raise KeyError(key)

    def records(self) -> list[dict[str, Any]]:
        """One nested dict per option (the JSON ``options``); values exactly as ``mapper analyze`` JSON."""
        return [_record(e) for e in self.entries]

    @property
    def frame(self) -> pd.DataFrame:
        return frame(self)

    def fronts(self) -> list[tuple[FrontLine, list[Prepared]]]:
        """The distinct front lines, each with the scenarios measured from it (in order)."""
        out: dict[str, tuple[Any, list[Prepared]]] = {}
        for p in self.prepared:
            out.setdefault(_front_key(p.scenario.front), (p.scenario.front, []))[1].append(p)
        return list(out.values())


def _front_key(front: Any) -> str:
    h = hashlib.sha256()
    for part in (front.date, front.source, front.name, front.accuracy):
        h.update(str(part).encode("utf-8") + b"\0")
    h.update(front.line.wkb)
    return h.hexdigest()


def _is_path(source: Any) -> bool:
    from mapper.pipeline import is_yaml_text

    return isinstance(source, os.PathLike) or (isinstance(source, str) and not is_yaml_text(source))


def _name(source: Any) -> str:
    """How a failure names a source that is not a file."""
    if isinstance(source, Prepared):
        source = source.scenario
    return str(getattr(source, "path", None) or "<string>")


def _sources(
    items: Iterable[Any], keep_going: bool, failures: list[Failure]
) -> Iterator[tuple[str, Any]]:
    """``(name, source)`` in order, each once: folders expand to their scenario files (one that has none is a
    failure, or raises); a file given twice, or the same object twice, counts once."""
    from mapper.loader import scenario_files

    seen: set[Any] = set()
    for item in items:
        if not _is_path(item):
            if id(item) not in seen:
                seen.add(id(item))
                yield _name(item), item
            continue
        try:
            found = list(scenario_files([item]))
        except MapperError as exc:
            if not keep_going:
                raise
            failures.append(Failure(str(item), str(exc)))
            continue
        for f in found:
            real = Path(f).resolve()
            if real not in seen:
                seen.add(real)
                yield str(f), Path(f)


def load_comparison(
    sources: Sources,
    *,
    front_line: str | os.PathLike[str] | None = None,
    keep_going: bool = False,
    advance_km: float | None = None,
) -> Comparison:
    """Prepare every scenario of ``sources``: files or folders (a file given twice counts once), YAML text,
    ``Scenario`` or ``Prepared`` objects, or a list mixing them.

    A bad file raises its ``MapperError`` (which names it); with ``keep_going`` it is recorded in ``failures`` and
    the others are still compared. ``front_line`` replaces every scenario's front line; ``advance_km`` then
    advances each (``mapper.advance``): the options are measured against the hypothetical lines, and each
    entry's ``advance`` says which forces that moves into another band or into breaking a constraint.
    """
    from mapper.scenario import Scenario

    single = isinstance(sources, str | os.PathLike | Scenario | Prepared)
    items = [sources] if single else list(sources)  # type: ignore[arg-type]
    if not items:
        raise UsageError("give at least one scenario file or folder to compare")
    failures: list[Failure] = []
    prepared: list[Prepared] = []
    advances: dict[int, Any] = {}
    for name, source in _sources(items, keep_going, failures):
        try:
            p = prepare(source, front_line=front_line)
            if advance_km is not None:
                from mapper.advance import advance_of

                p, report = advance_of(p, advance_km)
                advances[id(p)] = report
            prepared.append(p)
        except MapperError as exc:
            if not keep_going:
                raise
            failures.append(Failure(name, str(exc)))
    if not prepared:
        detail = "".join(f"\n{f.message}" for f in failures)
        raise MapperError(f"no scenario could be compared{detail}")
    entries = _entries(prepared, advances)
    if not entries:
        raise MapperError("the scenarios have no options to compare")
    c = Comparison(entries=entries, prepared=prepared, failures=failures)
    c.warnings = _warnings_for(c)
    return c


def _entries(prepared: list[Prepared], advances: dict[int, Any] | None = None) -> list[Entry]:
    ids = Counter(o.id for p in prepared for o in p.options)
    used: Counter[str] = Counter()
    out = []
    for p in prepared:
        for res in p.options:
            key = res.id if ids[res.id] == 1 else f"{p.id}/{res.id}"
            used[key] += 1
            if used[key] > 1:  # the same scenario id twice (e.g. a copy with another front line)
                key = f"{key}#{used[key]}"
            report = (advances or {}).get(id(p))
            out.append(
                Entry(key=key, prepared=p, result=res, advance=report and report.option(res.id))
            )
    return out


def _warnings_for(c: Comparison) -> list[str]:
    out = []
    fronts = c.fronts()
    if len(fronts) > 1:
        desc = "; ".join(
            f"{', '.join(p.id for p in users)}: {front.date} ({front.name or front.source})"
            for front, users in fronts
        )
        out.append(
            f"the scenarios use {len(fronts)} different front lines, so their distances are measured from "
            f"different lines: {desc}"
        )
    dates = {s.date for s, _ in c.scenarios}
    if len(dates) > 1:
        desc = "; ".join(f"{s.id}: {s.date.isoformat()}" for s, _ in c.scenarios)
        out.append(f"the scenarios describe different situation dates: {desc}")
    return out


# -------------------------------------------------------------------------------------------------------------
# Records and the DataFrame


def _record(e: Entry) -> dict[str, Any]:
    from mapper.features import band_basis
    from mapper.protection import option_protection

    s, sm = e.scenario, e.result.summary.to_dict()
    # what the option protects, as `mapper analyze` JSON's "protection" says (mapper.protection)
    pr = option_protection(e.result, s).to_dict()
    return {
        "key": e.key,
        "scenario": s.id,
        "scenario_title": s.title,
        "option": e.option.id,
        "name": e.option.name,
        "colour": e.option.colour,
        "front_line_date": s.front.date,
        "troops": sm["troops"],
        "troops_by_nation": sm["troops_by_nation"],
        "forces": sm["forces"],
        "hubs": sm["hubs"],
        "min_distance_to_front_km": sm["min_distance_to_front_km"],
        "troop_weighted_mean_distance_to_front_km": sm["troop_weighted_mean_distance_to_front_km"],
        "troops_by_band": sm["troops_by_band"],
        "constraint_min_distance_from_front_km": s.constraints.min_distance_from_front_km,
        "share_of_troops_beyond_constraint": sm["share_of_troops_beyond_constraint"],
        "max_distance_to_nato_border_km": sm["max_distance_to_nato_border_km"],
        "mean_distance_to_nato_border_km": sm["mean_distance_to_nato_border_km"],
        "min_distance_to_hostile_territory_km": sm["min_distance_to_hostile_territory_km"],
        "nearest_hostile": sm["nearest_hostile"],
        "constraint_min_distance_from_hostile_km": s.constraints.min_distance_from_hostile_km,
        "distance_accuracy_km": s.front.accuracy_km,
        "band_basis": band_basis(s),
        "population_covered": sm["population_covered"],
        "coverage_countries": list(s.coverage_countries),
        "population_covered_by_country": sm["population_covered_by_country"],
        "key_sites_under_air_defence": pr["key_sites_under_air_defence"],
        "key_sites_in_rings": pr["key_sites_in_rings"],
        "population_under_air_defence": pr["population_under_air_defence"],
        "lines_length_km": sm["lines_length_km"],
        "areas_km2": sm["areas_km2"],
        "zones_km2": sm["zones_km2"],
        "meets_constraints": sm["meets_constraints"],
        "violations": sm["violations"],
        "exempt_forces": sm["exempt_forces"],
        # who a constraint does not bind, in words ("Ceasefire monitors (role monitoring)"), for the reports
        "exempt_force_names": [
            f.name + (f" (role {f.role.replace('_', ' ')})" if f.role else "")
            for f in e.result.forces
            if f.exemptions
        ],
        "assumptions": list(s.assumptions),
        # only in a comparison with --advance, so that every other comparison stays as it was
        **(
            {
                "advance_km": s.front.advance_km,
                "forces_changing_band": e.advance.band_changes,
                "forces_breaking_constraints": e.advance.new_breaks,
            }
            if e.advance is not None
            else {}
        ),
    }


def nations(c: Comparison) -> list[str]:
    """Nations over all options, most troops first."""
    total: Counter[str] = Counter()
    for e in c.entries:
        total.update(e.result.summary.troops_by_nation)
    return sorted(total, key=lambda n: (-total[n], n))


def bands(c: Comparison) -> list[str]:
    """Band names over all scenarios, nearest first (scenarios may define different bands)."""
    from mapper.analysis import band_names

    edges: dict[str, tuple[float, float]] = {}
    for s, _ in c.scenarios:
        names = band_names(s.bands)
        for i, name in enumerate(names):
            if i < len(s.bands):
                edges.setdefault(name, (s.bands[i].inner_km, s.bands[i].outer_km))
            else:
                edges.setdefault(name, (s.bands[-1].outer_km if s.bands else 0.0, math.inf))
    return sorted(edges, key=lambda n: (edges[n], n))


def _flat(record: dict[str, Any], all_nations: list[str], all_bands: list[str]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for k, v in record.items():
        if k == "troops_by_nation":
            flat.update({f"troops_by_nation.{n}": v.get(n, 0) for n in all_nations})
        elif k == "troops_by_band":
            flat.update({f"troops_by_band.{b}": v.get(b) for b in all_bands})
        elif k in ("assumptions", "exempt_force_names", "coverage_countries"):
            flat[k] = "; ".join(v)
        elif k == "population_covered_by_country":
            # one column per counted country (ISO-2), like troops_by_nation
            flat.update({f"population_covered_by_country.{n}": n_ for n, n_ in v.items()})
        else:
            flat[k] = v
    return flat


def frame(c: Comparison) -> pd.DataFrame:
    """The comparison as a DataFrame: one row per option, nested values flattened (``troops_by_band.<band>``)."""
    import pandas as pd

    all_nations, all_bands = nations(c), bands(c)
    df = pd.DataFrame([_flat(r, all_nations, all_bands) for r in c.records()]).set_index("key")
    for col in df.columns:
        if col in _INT_FIELDS or col.startswith(
            ("troops_by_nation.", "troops_by_band.", "population_covered_by_country.")
        ):
            df[col] = df[col].astype("Int64")
    for col in (
        *RANKABLE,
        "constraint_min_distance_from_front_km",
        "constraint_min_distance_from_hostile_km",
        "distance_accuracy_km",
    ):
        if col in df.columns and col not in _INT_FIELDS:
            df[col] = df[col].astype("float64")
    df["meets_constraints"] = df["meets_constraints"].astype(bool)
    df.attrs.update(metadata(c))
    return df


def metadata(c: Comparison) -> dict[str, Any]:
    """The scenarios (front line, bands, constraints ...), warnings and failures: ``df.attrs`` and JSON."""
    return {
        "scenarios": [_scenario_meta(p, c) for p in c.prepared],
        "warnings": list(c.warnings),
        "failures": [{"file": f.file, "error": f.message} for f in c.failures],
    }


def _scenario_meta(p: Prepared, c: Comparison) -> dict[str, Any]:
    s = p.scenario
    f = s.front
    return {
        "id": s.id,
        "title": s.title,
        "file": s.path,
        "date": s.date.isoformat(),
        "front_line": {"date": f.date, "source": f.source, "accuracy": f.accuracy, "name": f.name},
        "bands": [
            {"name": b.name, "inner_km": b.inner_km, "outer_km": b.outer_km} for b in s.bands
        ],
        "constraints": {
            "min_distance_from_front_km": s.constraints.min_distance_from_front_km,
            "min_distance_from_hostile_km": s.constraints.min_distance_from_hostile_km,
            "max_distance_to_nato_border_km": s.constraints.max_distance_to_nato_border_km,
            "allow_in_occupied": s.constraints.allow_in_occupied,
        },
        "threat": list(s.threat),
        "coverage_countries": list(s.coverage_countries),
        "assumptions": list(s.assumptions),
        "options": [e.key for e in c.entries if e.prepared is p],
    }


def compare(
    sources: Sources,
    *,
    front_line: str | os.PathLike[str] | None = None,
    keep_going: bool = False,
) -> pd.DataFrame:
    """One row per option of every scenario in ``sources`` (files, folders, YAML text, ``Scenario`` or
    ``Prepared`` objects, mixed), indexed by option id (``scenario/option`` where an id occurs in several
    scenarios).

    Columns: ``scenario``, ``scenario_title``, ``option``, ``name``, ``colour``, ``front_line_date``, ``troops``,
    ``troops_by_nation.<CC>``, ``forces``, ``hubs``, ``min_distance_to_front_km``,
    ``troop_weighted_mean_distance_to_front_km``, ``troops_by_band.<band>``,
    ``constraint_min_distance_from_front_km``, ``share_of_troops_beyond_constraint`` (0..1),
    ``max_distance_to_nato_border_km``, ``mean_distance_to_nato_border_km``,
    ``min_distance_to_hostile_territory_km``, ``population_covered``, ``key_sites_under_air_defence``,
    ``key_sites_in_rings``, ``population_under_air_defence`` (``mapper.protection``), ``lines_length_km``,
    ``areas_km2``, ``zones_km2``, ``meets_constraints``, ``violations``, ``assumptions``. Numbers are those of
    ``mapper analyze --format json``. ``df.attrs`` holds each scenario's front line (date, source), the warnings
    and (with ``keep_going``) the files that failed. Warnings are also logged (logger ``"mapper"``).
    """
    c = load_comparison(sources, front_line=front_line, keep_going=keep_going)
    for w in c.warnings:
        log.warning(w)
    return c.frame


# -------------------------------------------------------------------------------------------------------------
# Ranking


@dataclass(frozen=True)
class Criterion:
    field: str
    higher_is_better: bool

    @property
    def better(self) -> str:
        return "higher" if self.higher_is_better else "lower"

    @property
    def label(self) -> str:
        return f"{RANKABLE[self.field]} ({self.better} best)"


def parse_rank_by(text: str | Sequence[str] | None) -> list[Criterion]:
    """``"min_distance_to_front_km,-max_distance_to_nato_border_km"`` → criteria. A leading ``-`` means lower
    is better; otherwise higher is better. Unknown names raise ``UsageError`` listing the valid ones."""
    if not text:
        return []
    parts = text.split(",") if isinstance(text, str) else list(text)
    out = []
    for part in parts:
        name = part.strip()
        if not name:
            continue
        lower = name.startswith("-")
        name = name.lstrip("-+").strip()
        if name not in RANKABLE:
            raise UsageError(
                f"--rank-by: unknown criterion {name!r}; valid criteria (prefix '-' when lower is better): "
                + ", ".join(RANKABLE)
            )
        out.append(Criterion(name, not lower))
    return out


def criteria(rank_by: str | Sequence[Criterion | str] | None) -> list[Criterion]:
    """``rank_by`` as criteria: text (see ``parse_rank_by``), or a list of criteria or names."""
    if rank_by is None or isinstance(rank_by, str):
        return parse_rank_by(rank_by)
    return [cr if isinstance(cr, Criterion) else parse_rank_by(cr)[0] for cr in rank_by]


def rank(frame: pd.DataFrame, criteria: Sequence[Criterion] | str) -> pd.DataFrame:
    """Rank per criterion (1 = best, ties share the best rank, missing values unranked): one ``Int64`` column
    ``rank.<criterion>`` per criterion. No weighting, no composite score."""
    import pandas as pd

    if isinstance(criteria, str):
        criteria = parse_rank_by(criteria)
    out = pd.DataFrame(index=frame.index)
    for cr in criteria:
        col = frame[cr.field].astype("float64")
        out[f"rank.{cr.field}"] = col.rank(
            method="min", ascending=not cr.higher_is_better, na_option="keep"
        ).astype("Int64")
    return out


def ranking(c: Comparison, criteria: Sequence[Criterion]) -> list[dict[str, Any]]:
    """Per criterion: ``{"criterion", "better", "ranks": {key: rank or None}, "best": [keys]}`` (the JSON)."""
    import pandas as pd

    if not criteria:
        return []
    ranks = rank(c.frame, criteria)
    out = []
    for cr in criteria:
        col = ranks[f"rank.{cr.field}"]
        r = {k: (None if pd.isna(col[k]) else int(col[k])) for k in c.keys}
        out.append(
            {
                "criterion": cr.field,
                "better": cr.better,
                "ranks": r,
                "best": [k for k in c.keys if r[k] == 1],
            }
        )
    return out


def best(ranked: list[dict[str, Any]]) -> dict[str, set[str]]:
    """criterion field -> keys of the best options."""
    return {rk["criterion"]: set(rk["best"]) for rk in ranked}


# -------------------------------------------------------------------------------------------------------------
# The side-by-side pair


def parse_pair(c: Comparison, pair: str | Sequence[str] | None) -> tuple[str, str] | None:
    """The two option keys of the side-by-side view: ``"A,B"`` (keys, or ``scenario/option``); default the
    first two options (None when there is only one). Unknown keys raise ``UsageError`` listing the valid ones."""
    if pair is None or pair == "":
        return (c.keys[0], c.keys[1]) if len(c.keys) >= 2 else None
    parts = [p.strip() for p in (pair.split(",") if isinstance(pair, str) else pair)]
    if len(parts) != 2 or not all(parts):
        raise UsageError(f"--pair: expected two option ids as A,B, got {','.join(parts)!r}")
    aliases = {e.key: e.key for e in c.entries}
    for e in c.entries:
        aliases.setdefault(f"{e.scenario.id}/{e.option.id}", e.key)
    unknown = [p for p in parts if p not in aliases]
    if unknown:
        raise UsageError(
            f"--pair: no option {', '.join(map(repr, unknown))}; options: {', '.join(c.keys)}"
        )
    a, b = aliases[parts[0]], aliases[parts[1]]
    if a == b:
        raise UsageError(f"--pair: choose two different options, got {a!r} twice")
    return a, b

"""``mapper compare``: the options of several scenarios side by side, as a table, charts and maps.

``compare(paths)`` loads every scenario (files, or folders of them), analyses it with ``mapper.analysis`` and returns
one ``pandas.DataFrame`` row per option. Every number is the rounded value ``mapper analyze --format json`` gives
(``OptionSummary.to_dict()``), so the two always agree. The index is the option id, or ``scenario/option`` when the
same option id occurs in more than one scenario.

The reports (``compare_report(..., fmt)``) are views of the same records:

* ``table``: for a terminal, at most 80 columns: metrics as rows, options as columns, in several blocks if needed;
* ``md``: Markdown (scenario text escaped: pipes, HTML, emphasis);
* ``csv``: one row per option, nested values flattened as ``troops_by_nation.FR`` / ``troops_by_band.0–30 km``;
* ``json``: ``{"format": "mapper-comparison/1", "scenarios": [...], "options": [...], "ranking": [...], ...}``;
* ``html``: one offline, self-contained page: the table, two matplotlib charts as inline SVG, a combined map with
  every option as a layer group, and two options on synchronised maps side by side (``pair``).

Ranking (``rank_by="min_distance_to_front_km,-max_distance_to_nato_border_km"``) ranks the options on each criterion
separately (1 = best; higher is better unless the criterion starts with ``-``) and marks the best; there is no
weighting and no composite score. Scenarios measured from different front lines (or of different dates) are
reported as warnings and named in every report's header.

In the HTML page the heavy, identical vector data (basemap, place labels, the situation of a shared front line) is
written once, as ``var mapperShared = [...]``, and every map's layers refer to it (``_share_data``), so three maps
cost little more than one.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import sys
import textwrap
import unicodedata
import warnings as _warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapper.errors import MapperError, OutputError, UsageError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from mapper.analysis import OptionAnalysis, ScenarioAnalysis
    from mapper.scenario import Option, Scenario

__all__ = [
    "FORMATS",
    "RANKABLE",
    "Comparison",
    "compare",
    "compare_report",
    "default_output",
    "load_comparison",
    "parse_pair",
    "parse_rank_by",
    "rank",
    "to_csv",
    "to_html",
    "to_json",
    "to_markdown",
    "to_table",
    "write_comparison",
]

FORMATS = ("table", "md", "csv", "json", "html")
COMPARISON_FORMAT = "mapper-comparison/1"
_SUFFIX_FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".csv": "csv",
    ".json": "json",
    ".txt": "table",
}

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
)


# -------------------------------------------------------------------------------------------------------------
# Loading


@dataclass(frozen=True)
class Entry:
    """One option in the comparison."""

    key: str
    scenario: Scenario
    option: Option
    result: OptionAnalysis


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
    """Everything the reports need: the options (``entries``), their scenarios, warnings and failures."""

    entries: list[Entry]
    scenarios: list[tuple[Scenario, ScenarioAnalysis]]
    failures: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

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
        return _frame(self)

    def fronts(self) -> list[tuple[Any, list[Scenario]]]:
        """The distinct front lines, each with the scenarios measured from it (in order)."""
        out: dict[str, tuple[Any, list[Scenario]]] = {}
        for s, _ in self.scenarios:
            out.setdefault(_front_key(s.front), (s.front, []))[1].append(s)
        return list(out.values())


def _front_key(front: Any) -> str:
    h = hashlib.sha256()
    for part in (front.date, front.source, front.name, front.accuracy):
        h.update(str(part).encode("utf-8") + b"\0")
    h.update(front.line.wkb)
    return h.hexdigest()


def _files(paths: Iterable[Any], keep_going: bool, failures: list[Failure]) -> Iterable[Path]:
    """The scenario files of ``paths`` in order, each once; a folder without any is a failure (or raises)."""
    from mapper.loader import scenario_files

    seen: set[Path] = set()
    for p in paths:
        try:
            found = list(scenario_files([p]))
        except MapperError as exc:
            if not keep_going:
                raise
            failures.append(Failure(str(p), str(exc)))
            continue
        for f in found:
            real = Path(f).resolve()
            if real not in seen:
                seen.add(real)
                yield Path(f)


def load_comparison(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    front_line: str | os.PathLike[str] | None = None,
    keep_going: bool = False,
) -> Comparison:
    """Load and analyse every scenario in ``paths`` (files or folders; a file given twice counts once).

    A bad file raises its ``MapperError`` (which names it); with ``keep_going`` it is recorded in ``failures`` and
    the others are still compared. ``front_line`` replaces every scenario's front line.
    """
    from mapper.analysis import analyze
    from mapper.loader import load_scenario

    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    paths = list(paths)
    if not paths:
        raise UsageError("give at least one scenario file or folder to compare")
    failures: list[Failure] = []
    scenarios: list[tuple[Scenario, ScenarioAnalysis]] = []
    for file in _files(paths, keep_going, failures):
        try:
            scenario = load_scenario(file, front_line=front_line)
            analysis = analyze(scenario)
        except MapperError as exc:
            if not keep_going:
                raise
            failures.append(Failure(str(file), str(exc)))
            continue
        scenarios.append((scenario, analysis))
    if not scenarios:
        detail = "".join(f"\n{f.message}" for f in failures)
        raise MapperError(f"no scenario could be compared{detail}")
    entries = _entries(scenarios)
    if not entries:
        raise MapperError("the scenarios have no options to compare")
    c = Comparison(entries=entries, scenarios=scenarios, failures=failures)
    c.warnings = _warnings_for(c)
    return c


def _entries(scenarios: list[tuple[Scenario, ScenarioAnalysis]]) -> list[Entry]:
    ids = Counter(o.id for _, a in scenarios for o in a.options)
    used: Counter[str] = Counter()
    out = []
    for s, a in scenarios:
        for opt, res in zip(s.options, a.options, strict=True):
            key = opt.id if ids[opt.id] == 1 else f"{s.id}/{opt.id}"
            used[key] += 1
            if used[key] > 1:  # the same scenario id twice (e.g. a copy with another front line)
                key = f"{key}#{used[key]}"
            out.append(Entry(key=key, scenario=s, option=opt, result=res))
    return out


def _warnings_for(c: Comparison) -> list[str]:
    out = []
    fronts = c.fronts()
    if len(fronts) > 1:
        desc = "; ".join(
            f"{', '.join(s.id for s in users)}: {front.date} ({front.name or front.source})"
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
    s, sm = e.scenario, e.result.summary.to_dict()
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
        "population_covered": sm["population_covered"],
        "lines_length_km": sm["lines_length_km"],
        "areas_km2": sm["areas_km2"],
        "zones_km2": sm["zones_km2"],
        "meets_constraints": sm["meets_constraints"],
        "violations": sm["violations"],
        "assumptions": list(s.assumptions),
    }


def _nations(c: Comparison) -> list[str]:
    total: Counter[str] = Counter()
    for e in c.entries:
        total.update(e.result.summary.troops_by_nation)
    return sorted(total, key=lambda n: (-total[n], n))


def _bands(c: Comparison) -> list[str]:
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


def _frame(c: Comparison) -> pd.DataFrame:
    import pandas as pd

    nations, bands = _nations(c), _bands(c)
    rows = []
    for r in c.records():
        flat: dict[str, Any] = {}
        for k, v in r.items():
            if k == "troops_by_nation":
                flat.update({f"troops_by_nation.{n}": v.get(n, 0) for n in nations})
            elif k == "troops_by_band":
                flat.update({f"troops_by_band.{b}": v.get(b) for b in bands})
            elif k == "assumptions":
                flat[k] = "; ".join(v)
            else:
                flat[k] = v
        rows.append(flat)
    df = pd.DataFrame(rows).set_index("key")
    for col in df.columns:
        if col in _INT_FIELDS or col.startswith(("troops_by_nation.", "troops_by_band.")):
            df[col] = df[col].astype("Int64")
    for col in (*RANKABLE, "constraint_min_distance_from_front_km"):
        if col in df.columns and col not in _INT_FIELDS:
            df[col] = df[col].astype("float64")
    df["meets_constraints"] = df["meets_constraints"].astype(bool)
    df.attrs.update(_metadata(c))
    return df


def _metadata(c: Comparison) -> dict[str, Any]:
    return {
        "scenarios": [_scenario_meta(s, c) for s, _ in c.scenarios],
        "warnings": list(c.warnings),
        "failures": [{"file": f.file, "error": f.message} for f in c.failures],
    }


def _scenario_meta(s: Scenario, c: Comparison) -> dict[str, Any]:
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
            "max_distance_to_nato_border_km": s.constraints.max_distance_to_nato_border_km,
            "allow_in_occupied": s.constraints.allow_in_occupied,
        },
        "assumptions": list(s.assumptions),
        "options": [e.key for e in c.entries if e.scenario is s],
    }


def compare(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    front_line: str | os.PathLike[str] | None = None,
    keep_going: bool = False,
) -> pd.DataFrame:
    """One row per option of every scenario in ``paths`` (files or folders), indexed by option id
    (``scenario/option`` where an id occurs in several scenarios).

    Columns: ``scenario``, ``scenario_title``, ``option``, ``name``, ``colour``, ``front_line_date``, ``troops``,
    ``troops_by_nation.<CC>``, ``forces``, ``hubs``, ``min_distance_to_front_km``,
    ``troop_weighted_mean_distance_to_front_km``, ``troops_by_band.<band>``,
    ``constraint_min_distance_from_front_km``, ``share_of_troops_beyond_constraint`` (0..1),
    ``max_distance_to_nato_border_km``, ``mean_distance_to_nato_border_km``,
    ``min_distance_to_hostile_territory_km``, ``population_covered``, ``lines_length_km``, ``areas_km2``,
    ``zones_km2``, ``meets_constraints``, ``violations``, ``assumptions``. Numbers are those of
    ``mapper analyze --format json``. ``df.attrs`` holds each scenario's front line (date, source), the warnings
    and (with ``keep_going``) the files that failed. Warnings are also issued with ``warnings.warn``.
    """
    c = load_comparison(paths, front_line=front_line, keep_going=keep_going)
    for w in c.warnings:
        _warnings.warn(w, UserWarning, stacklevel=2)
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


def _ranking(c: Comparison, criteria: Sequence[Criterion]) -> list[dict[str, Any]]:
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


# -------------------------------------------------------------------------------------------------------------
# The rows every report shows (metrics as rows, options as columns)


@dataclass(frozen=True)
class _Row:
    label: str
    kind: str  # section | int | nation | km | km2 | share | ok | band | rank
    values: tuple[Any, ...] = ()
    field: str | None = None  # the metric's column (for highlighting the best)
    indent: bool = False


def _rows(
    c: Comparison, criteria: Sequence[Criterion], ranking: list[dict[str, Any]]
) -> list[_Row]:
    recs = c.records()

    def col(name: str) -> tuple[Any, ...]:
        return tuple(r[name] for r in recs)

    rows: list[_Row] = []
    if ranking:  # first: what the reader asked for
        rows.append(_Row("Rank per criterion (1 = best)", "section"))
        for cr, rk in zip(criteria, ranking, strict=True):
            rows.append(
                _Row(cr.label, "rank", tuple(rk["ranks"][k] for k in c.keys), cr.field, True)
            )
        rows.append(_Row("All metrics", "section"))
    rows += [
        _Row(
            "Meets constraints",
            "ok",
            tuple(zip(col("meets_constraints"), col("violations"), strict=True)),
            "violations",
        ),
        _Row("Troops", "int", col("troops"), "troops"),
        _Row("Forces", "int", col("forces"), "forces"),
        _Row("Logistics hubs", "int", col("hubs"), "hubs"),
        _Row("Distance to the front line, km", "section"),
        _Row(
            "nearest force", "km", col("min_distance_to_front_km"), "min_distance_to_front_km", True
        ),
        _Row(
            "troop-weighted mean",
            "km",
            col("troop_weighted_mean_distance_to_front_km"),
            "troop_weighted_mean_distance_to_front_km",
            True,
        ),
        _Row("Troops by distance band", "section"),
        *(
            _Row(b, "band", tuple(r["troops_by_band"].get(b) for r in recs), indent=True)
            for b in _bands(c)
        ),
        _Row("Constraint: min km from front", "km", col("constraint_min_distance_from_front_km")),
        _Row(
            "troops beyond it",
            "share",
            col("share_of_troops_beyond_constraint"),
            "share_of_troops_beyond_constraint",
            True,
        ),
        _Row("Distance to NATO border, km", "section"),
        _Row(
            "farthest force",
            "km",
            col("max_distance_to_nato_border_km"),
            "max_distance_to_nato_border_km",
            True,
        ),
        _Row(
            "mean over forces",
            "km",
            col("mean_distance_to_nato_border_km"),
            "mean_distance_to_nato_border_km",
            True,
        ),
        _Row(
            "Nearest to hostile land, km",
            "km",
            col("min_distance_to_hostile_territory_km"),
            "min_distance_to_hostile_territory_km",
        ),
        _Row(
            "Population in coverage rings", "int", col("population_covered"), "population_covered"
        ),
        _Row("Length of lines, km", "km", col("lines_length_km"), "lines_length_km"),
        _Row("Area of areas, km²", "km2", col("areas_km2"), "areas_km2"),
        _Row("Area of zones, km²", "km2", col("zones_km2"), "zones_km2"),
        _Row("Troops by nation", "section"),
        *(
            _Row(n, "nation", tuple(r["troops_by_nation"].get(n, 0) for r in recs), indent=True)
            for n in _nations(c)
        ),
    ]
    return rows


def _fmt(kind: str, v: Any) -> str:
    if kind == "ok":
        ok, n = v
        return "yes" if ok else f"NO ({n})"
    if v is None:
        return "n/a" if kind == "band" else "-"
    if kind == "nation":
        return f"{v:,}" if v else "-"
    if kind in ("int", "km2", "band", "rank"):
        return f"{v:,}"
    if kind == "km":
        return f"{v:,.1f}"
    if kind == "share":
        return f"{100 * v:.1f}%"
    return str(v)


def _best(c: Comparison, ranking: list[dict[str, Any]]) -> dict[str, set[str]]:
    """criterion field -> keys of the best options."""
    return {rk["criterion"]: set(rk["best"]) for rk in ranking}


def _front_lines(c: Comparison) -> list[str]:
    fronts = c.fronts()
    out = []
    for front, users in fronts:
        who = "" if len(fronts) == 1 else f" (used by {', '.join(s.id for s in users)})"
        out.append(f"Front line {front.date}: {front.source}. Accuracy: {front.accuracy}.{who}")
    return out


def _title(c: Comparison) -> str:
    n, m = len(c.entries), len(c.scenarios)
    return f"Comparison of {n} deployment option{'s' * (n != 1)} from {m} scenario{'s' * (m != 1)}"


# -------------------------------------------------------------------------------------------------------------
# Terminal table


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _plain(text: Any) -> str:
    """Text for a terminal: control characters (escape sequences, line breaks) become spaces."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFC", str(text)))


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def to_table(
    c: Comparison, rank_by: str | Sequence[Criterion] | None = None, width: int = 80
) -> str:
    """The comparison for a terminal, at most ``width`` columns: metrics as rows, options as columns, in as many
    blocks as needed; ``*`` marks the best option per ranking criterion."""
    from mapper.report import format_table

    criteria = _criteria(rank_by)
    ranking = _ranking(c, criteria)
    best = _best(c, ranking)

    def wrap(text: str, indent: str = "  ") -> list[str]:
        return textwrap.wrap(_plain(text), width, subsequent_indent=indent) or [""]

    out = wrap(_title(c))
    for line in _front_lines(c):
        out += wrap(line)
    out.append("Distances are geodesic (WGS84).")
    for w in c.warnings:
        out += wrap(f"WARNING: {w}")
    kw = max(len(k) for k in c.keys)
    out += ["", "Options:"]
    for e in c.entries:
        out += textwrap.wrap(
            _plain(f"{e.key.ljust(kw)}  {e.option.name} — {e.scenario.title} ({e.scenario.id})"),
            width,
            initial_indent="  ",
            subsequent_indent="  " + " " * (kw + 2),
        )

    rows = _rows(c, criteria, ranking)
    label_w = min(max(len(r.label) + 2 * r.indent for r in rows), 34)
    cells: list[list[str]] = []  # per option: the cells of every row
    for i, key in enumerate(c.keys):
        col = []
        for r in rows:
            if r.kind == "section":
                col.append("")
                continue
            text = _fmt(r.kind, r.values[i])
            if r.field in best and key in best[r.field]:
                text += "*"
            col.append(text)
        cells.append(col)
    heads = [_column_head(k) for k in c.keys]
    widths = [
        max(len(h[0]), len(h[1]), *(len(x) for x in col))
        for h, col in zip(heads, cells, strict=True)
    ]
    blocks: list[list[int]] = [[]]
    used = label_w
    for i, w in enumerate(widths):
        if blocks[-1] and used + 2 + w > width:
            blocks.append([])
            used = label_w
        blocks[-1].append(i)
        used += 2 + w
    labels = [_short(("  " if r.indent else "") + _plain(r.label), label_w) for r in rows]
    for block in blocks:
        out.append("")
        tops = [heads[i][0].rjust(widths[i]) for i in block]
        if any(t.strip() for t in tops):
            out.append(("  ".join([" " * label_w, *tops])).rstrip())
        headers = ["Metric".ljust(label_w), *(heads[i][1].rjust(widths[i]) for i in block)]
        body = [[lab.ljust(label_w), *(cells[i][j] for i in block)] for j, lab in enumerate(labels)]
        out.append(format_table(headers, body, "l" + "r" * len(block)))
    if ranking:
        out += [
            "",
            *wrap(
                "Ranks: each criterion on its own, 1 = best, ties share a rank; * marks the best "
                "option. No weighting, no overall score."
            ),
        ]
    out += _assumption_lines(c, wrap)
    if c.failures:
        out += ["", "Not compared (errors):"]
        for f in c.failures:
            out += wrap("  " + f.text.replace("\n", " | "), "    ")
    return "\n".join(line.rstrip() for line in out) + "\n"


def _column_head(key: str) -> tuple[str, str]:
    """A column heading in two lines: ``scenario/`` above ``option`` for a disambiguated key."""
    key = _plain(key)
    if "/" in key:
        top, _, bottom = key.partition("/")
        return top + "/", bottom
    return "", key


def _assumption_lines(c: Comparison, wrap: Callable[..., list[str]]) -> list[str]:
    out: list[str] = []
    for s, _ in c.scenarios:
        if s.assumptions:
            out += ["", *wrap(f"Assumptions of {s.title} ({s.id}):")]
            for a in s.assumptions:
                out += wrap(f"  - {a}", "    ")
    return out


def _criteria(rank_by: str | Sequence[Criterion] | None) -> list[Criterion]:
    if rank_by is None or isinstance(rank_by, str):
        return parse_rank_by(rank_by)
    return [cr if isinstance(cr, Criterion) else parse_rank_by(cr)[0] for cr in rank_by]


# -------------------------------------------------------------------------------------------------------------
# Markdown


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~!])")


def md_escape(text: Any) -> str:
    """Scenario text for Markdown (also inside a table cell): HTML escaped, Markdown punctuation and pipes
    backslash-escaped, line breaks as spaces."""
    import html

    s = html.escape(_plain(text), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", s)


def to_markdown(c: Comparison, rank_by: str | Sequence[Criterion] | None = None) -> str:
    """The comparison as Markdown: options, one metrics table (options as columns), ranking, assumptions."""
    criteria = _criteria(rank_by)
    ranking = _ranking(c, criteria)
    best = _best(c, ranking)
    out = [f"# {_title(c)}", ""]
    out += [f"- {md_escape(line)}" for line in _front_lines(c)]
    out += ["- Distances are geodesic (WGS84).", ""]
    for w in c.warnings:
        out += [f"> **Warning:** {md_escape(w)}", ""]
    out += ["## Options", "", "| Key | Option | Scenario | Situation date |", "|---|---|---|---|"]
    for e in c.entries:
        s = e.scenario
        out.append(
            f"| {md_escape(e.key)} | {md_escape(e.option.name)} | {md_escape(s.title)} ({md_escape(s.id)}) "
            f"| {s.date.isoformat()} |"
        )
    out += ["", "## Metrics", ""]
    out.append("| Metric | " + " | ".join(md_escape(k) for k in c.keys) + " |")
    out.append("|---|" + "---:|" * len(c.keys))
    for r in _rows(c, criteria, ranking):
        if r.kind == "section":
            out.append(f"| **{md_escape(r.label)}** |" + " |" * len(c.keys))
            continue
        cells = []
        for key, v in zip(c.keys, r.values, strict=True):
            text = md_escape(_fmt(r.kind, v))
            if r.field in best and key in best[r.field]:
                text = f"**{text}**"
            cells.append(text)
        label = ("&emsp;" if r.indent else "") + md_escape(r.label)
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    if ranking:
        out += [
            "",
            "Ranks: each criterion on its own, 1 = best, ties share a rank; the best option is in bold. "
            "No weighting, no overall score.",
        ]
    for s, _ in c.scenarios:
        if s.assumptions:
            out += ["", f"## Assumptions: {md_escape(s.title)} ({md_escape(s.id)})", ""]
            out += [f"- {md_escape(a)}" for a in s.assumptions]
    if c.failures:
        out += ["", "## Not compared (errors)", ""]
        out += [f"- {md_escape(f.text)}" for f in c.failures]
    return "\n".join(out) + "\n"


# -------------------------------------------------------------------------------------------------------------
# CSV and JSON


def to_csv(c: Comparison, rank_by: str | Sequence[Criterion] | None = None) -> str:
    """One row per option (the ``compare`` DataFrame, plus ``rank.<criterion>`` columns when ranking)."""
    import pandas as pd

    df = c.frame
    criteria = _criteria(rank_by)
    if criteria:
        df = pd.concat([df, rank(df, criteria)], axis=1)
    buf = io.StringIO()
    df.to_csv(buf, lineterminator="\n")
    return buf.getvalue()


def to_json(
    c: Comparison, rank_by: str | Sequence[Criterion] | None = None, indent: int = 2
) -> str:
    """``{"format", "scenarios" (with front line date/source), "options" (records), "ranking", "warnings",
    "failures"}``."""
    doc = {
        "format": COMPARISON_FORMAT,
        **{k: v for k, v in _metadata(c).items() if k == "scenarios"},
        "options": c.records(),
        "ranking": _ranking(c, _criteria(rank_by)),
        "warnings": list(c.warnings),
        "failures": [{"file": f.file, "error": f.message} for f in c.failures],
    }
    return json.dumps(doc, indent=indent, ensure_ascii=False) + "\n"


# -------------------------------------------------------------------------------------------------------------
# Charts (matplotlib → inline SVG)

# nearest band first: red (in reach of the most weapons) to blue
CHART_BAND_COLOURS = ("#d7191c", "#fdae61", "#fee08b", "#abdda4", "#2b83ba", "#5e3c99", "#888888")
_SVG_TEXT = re.compile(r"(<text\b[^>]*>)(.*?)(</text>)", re.DOTALL)
_SVG_NEUTRAL = str.maketrans(
    {"{": "&#123;", "}": "&#125;", "`": "&#96;", "$": "&#36;", "\\": "&#92;"}
)


def _mpl_text(text: Any, width: int = 38) -> str:
    """Scenario text for a matplotlib label: no mathtext (``$``), no control characters, shortened."""
    return _short(_plain(text), width).replace("$", r"\$")


def _svg(fig: Any, salt: str, label: str) -> str:
    """A deterministic inline ``<svg>``: fixed id salt, no date, no XML prolog or comments; text that came from
    scenarios (already XML-escaped by matplotlib) is also neutralised for Jinja and JS template literals."""
    import matplotlib

    from mapper.render.safety import safe_attr

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = _SVG_TEXT.sub(
        lambda m: (
            m.group(1)
            + re.sub(
                r"(?<=>)([^<]+)|^([^<]+)", lambda t: t.group(0).translate(_SVG_NEUTRAL), m.group(2)
            )
            + m.group(3)
        ),
        svg,
    )
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{safe_attr(label)}" ', 1)
    return re.sub(r"\n\s*\n", "\n", svg).strip()


def _labels(c: Comparison) -> list[str]:
    return [f"{_mpl_text(e.option.name, 30)}\n({_mpl_text(e.key, 30)})" for e in c.entries]


def _new_figure(n: int) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.2, 0.62 * n + 1.9), dpi=72)
    fig.set_layout_engine("constrained")
    return fig


def chart_troops_by_band(c: Comparison) -> str:
    """Stacked horizontal bars: each option's troops, split by distance band from the front line."""
    bands = _bands(c)
    recs = c.records()
    fig = _new_figure(len(recs))
    ax = fig.add_subplot()
    y = list(range(len(recs)))[::-1]
    left = [0] * len(recs)
    for i, b in enumerate(bands):
        vals = [r["troops_by_band"].get(b) or 0 for r in recs]
        ax.barh(
            y,
            vals,
            left=left,
            height=0.6,
            color=CHART_BAND_COLOURS[min(i, len(CHART_BAND_COLOURS) - 1)],
            edgecolor="white",
            linewidth=0.8,
            label=_mpl_text(b, 30),
        )
        left = [a + v for a, v in zip(left, vals, strict=True)]
    for yy, total in zip(y, left, strict=True):
        ax.text(total, yy, f" {total:,}", va="center", fontsize=11)
    ax.set_yticks(y, _labels(c), fontsize=11)
    ax.set_xlabel("Troops", fontsize=11)
    ax.set_title("Troops by distance from the front line", loc="left", fontsize=13)
    ax.xaxis.set_major_formatter(_thousands())
    ax.set_xlim(0, max([*left, 1]) * 1.15)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12 - 0.4 / max(len(recs), 1)),
        ncol=min(len(bands), 3),
        fontsize=10,
        frameon=False,
        title="Distance band (km from the front line)",
        title_fontsize=10,
    )
    return _svg(
        fig,
        "mapper-compare-bands",
        "Bar chart: troops of each option by distance band from the front line",
    )


def chart_distances(c: Comparison) -> str:
    """Grouped horizontal bars: nearest force and troop-weighted mean distance to the front line, with each
    scenario's minimum-distance constraint as a black tick."""
    recs = c.records()
    fig = _new_figure(len(recs))
    ax = fig.add_subplot()
    n = len(recs)
    y = [float(v) for v in range(n)][::-1]
    h = 0.36
    nearest = [r["min_distance_to_front_km"] or 0.0 for r in recs]
    mean = [r["troop_weighted_mean_distance_to_front_km"] or 0.0 for r in recs]
    ax.barh([v + h / 2 for v in y], nearest, height=h, color="#b2182b", label="Nearest force")
    ax.barh([v - h / 2 for v in y], mean, height=h, color="#2166ac", label="Troop-weighted mean")
    for yy, a, b in zip(y, nearest, mean, strict=True):
        ax.text(a, yy + h / 2, f" {a:,.1f}", va="center", fontsize=10)
        ax.text(b, yy - h / 2, f" {b:,.1f}", va="center", fontsize=10)
    marked = False
    for yy, r in zip(y, recs, strict=True):
        limit = r["constraint_min_distance_from_front_km"]
        if limit is not None:
            ax.plot(
                [limit, limit],
                [yy - 0.45, yy + 0.45],
                color="black",
                linewidth=2,
                label=None if marked else "Constraint: minimum distance",
            )
            marked = True
    ax.set_yticks(y, _labels(c), fontsize=11)
    ax.set_xlabel("Distance to the front line, km (geodesic)", fontsize=11)
    ax.set_title("Distance from the front line", loc="left", fontsize=13)
    ax.set_xlim(0, max([*nearest, *mean, 1.0]) * 1.18)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12 - 0.4 / max(n, 1)),
        ncol=2,
        fontsize=10,
        frameon=False,
    )
    return _svg(
        fig,
        "mapper-compare-distances",
        "Bar chart: nearest and troop-weighted mean distance of each option to the front line",
    )


def _thousands() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: f"{v:,.0f}")


# -------------------------------------------------------------------------------------------------------------
# Maps


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


def _new_map() -> Any:
    from mapper.render import new_map

    return new_map()


def _fit(m: Any, entries: Sequence[Entry], fronts: Sequence[Any]) -> None:
    """Fit the map to every site and front line of ``entries``, without animation."""
    lats = [s.lat for e in entries for s in (*e.result.forces, *e.result.hubs)]
    lons = [s.lon for e in entries for s in (*e.result.forces, *e.result.hubs)]
    for f in fronts:
        x0, y0, x1, y1 = f.line.bounds
        lats += [y0, y1]
        lons += [x0, x1]
    from folium.map import FitBounds

    fit = FitBounds([[min(lats) - 0.5, min(lons) - 0.5], [max(lats) + 0.5, max(lons) + 0.5]])
    fit.options["animate"] = False  # no zoom animation at load: the synchronised maps start still
    m.add_child(fit)


def _front_text(fronts: Sequence[Any]) -> str:
    return " ".join(f"Front line {f.date}: {f.source}. Accuracy: {f.accuracy}." for f in fronts)


def _combined_map(c: Comparison) -> Any:
    """Every option of every scenario as its own group of toggleable layers over one basemap and situation."""
    from mapper.render import CREDITS, controls, layers
    from mapper.render.safety import safe_text

    m = _new_map()
    groups: list[tuple[str, list[Any]]] = [("Basemap", layers.basemap_layers(m))]
    fronts = c.fronts()
    for i, (front, users) in enumerate(fronts):
        items = layers.situation_layers(m, users[0])
        if i:  # other front lines start hidden: one situation at a time is readable
            for item in items:
                item[1].show = False
        name = (
            "Situation"
            if len(fronts) == 1
            else f"Situation: front line {front.date} ({', '.join(s.id for s in users)})"
        )
        groups.append((name, items))
    stacks: dict[tuple[float, float], int] = {}
    for e in c.entries:
        items = layers.option_layers(m, e.option, e.result, e.scenario, stacks)
        for item in items:  # declutter: with every option drawn, links and rings start hidden
            if item[0] in ("Hubs and links", "Coverage rings"):
                item[1].show = False
        groups.append((f"Option {e.key}: {e.option.name}", items))
    _fit(m, c.entries, [f for f, _ in fronts])
    controls.GroupedLayerControl(groups, title="Layers and legend").add_to(m)
    controls.ScaleControl().add_to(m)
    controls.MeasureControl().add_to(m)
    controls.FullscreenControl().add_to(m)
    controls.FooterControl(
        safe_text(_front_text([f for f, _ in fronts])), safe_text(CREDITS)
    ).add_to(m)
    return m


def _pair_map(c: Comparison, e: Entry, both: Sequence[Entry]) -> Any:
    from mapper.render import controls, layers
    from mapper.render.safety import safe_text

    m = _new_map()
    layers.basemap_layers(m)
    layers.situation_layers(m, e.scenario)
    layers.option_layers(m, e.option, e.result, e.scenario, {})
    _fit(m, both, [x.scenario.front for x in both])
    controls.PanelControl(
        f"<strong>{safe_text(e.key)}</strong>: {safe_text(e.option.name)}<br>"
        f"<span>{safe_text(e.scenario.title)}</span>",
        position="topright",
        class_name="cmp-pair-label",
        label="Option shown on this map",
    ).add_to(m)
    controls.ScaleControl().add_to(m)
    controls.FooterControl(safe_text(f"Front line {e.scenario.front.date}")).add_to(m)
    return m


def _share_data(maps: Sequence[Any]) -> str:
    """Write each vector dataset used by more than one map once: ``var mapperShared = [...]``.

    ``GeoJsonData`` and ``PlaceLabels`` print their ``data`` (JSON already made safe for a ``<script>`` by
    ``layers``/``safety``) straight into ``L.geoJSON(...)``/``(...).forEach``; a dataset that occurs more than
    once is replaced in each element by a reference ``mapperShared[i]`` to the one copy. Leaflet does not modify
    the GeoJSON it is given, so the maps can share it. Returns the ``<script>`` that defines the array.
    """
    from mapper.render.layers import GeoJsonData, PlaceLabels
    from mapper.render.page import walk

    elements = [x for m in maps for x in walk(m) if isinstance(x, GeoJsonData | PlaceLabels)]
    counts = Counter(x.data for x in elements)
    index: dict[str, int] = {}
    for x in elements:
        if counts[x.data] > 1:
            i = index.setdefault(x.data, len(index))
            x.data = f"mapperShared[{i}]"
    if not index:
        return ""
    body = ",\n".join(index)  # dict order = index order
    assert "</script" not in body.lower()
    return f"<script>\nvar mapperShared = [\n{body}\n];\n</script>"


_SYNC_JS = """
(function () {
  "use strict";
  var combined = %(combined)s, a = %(left)s, b = %(right)s, busy = false;
  /* Move one map to the other's view; the guard stops the second map's own move event from echoing back. */
  function follow(src, dst) {
    return function () {
      if (busy) { return; }
      busy = true;
      try { dst.setView(src.getCenter(), src.getZoom(), {animate: false}); } finally { busy = false; }
    };
  }
  if (a && b) {
    a.on("move", follow(a, b));
    b.on("move", follow(b, a));
  }
  window.mapperCompare = {combined: combined, left: a, right: b};
})();
"""

_CSS = """
.cmp { max-width: 84rem; margin: 0 auto; padding: 12px 20px 40px; }
.cmp h1 { font-size: 24px; margin: 8px 0 4px; }
.cmp h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 3px; }
.cmp .lead { color: #444; margin: 2px 0; }
.cmp .fronts { margin: 6px 0; padding-left: 20px; font-size: 14px; }
.cmp .warn { background: #fff4e5; border-left: 4px solid #e08600; padding: 6px 10px; margin: 8px 0; }
.cmp .fail { background: #fdecea; border-left: 4px solid #c62828; padding: 6px 10px; margin: 8px 0; }
.cmp .fail pre { white-space: pre-wrap; margin: 4px 0; font-size: 12px; }
.cmp-table-wrap { overflow-x: auto; }
.cmp-table { border-collapse: collapse; font-size: 14px; min-width: 40rem; }
.cmp-table th, .cmp-table td { border-bottom: 1px solid #e1e4e8; padding: 3px 10px; text-align: right;
  font-variant-numeric: tabular-nums; vertical-align: bottom; }
.cmp-table th[scope=row], .cmp-table thead th:first-child { text-align: left; font-weight: normal; }
.cmp-table thead th { border-bottom: 2px solid #888; font-weight: 600; }
.cmp-table thead .opt-name { display: block; font-weight: normal; font-size: 12px; color: #444; max-width: 12rem;
  margin-left: auto; }
.cmp-table thead .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 4px; background: var(--sw); }
.cmp-table tr.section th { text-align: left; font-weight: 600; background: #f6f8fa; padding-top: 7px; }
.cmp-table th.indent { padding-left: 24px; }
.cmp-table td.best { background: #e6f4ea; }
.cmp-table td.bad { color: #b00020; font-weight: 600; }
.cmp-note { font-size: 13px; color: #444; }
.cmp-charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(30rem, 1fr)); gap: 16px; }
.cmp-charts figure { margin: 0; }
.cmp-charts svg { max-width: 100%; height: auto; }
.cmp-charts figcaption { font-size: 13px; color: #444; }
.cmp-map { position: relative; height: 78vh; min-height: 360px; border: 1px solid #c8ccd0; }
.cmp-pair { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
.cmp-pair .cmp-map { height: 62vh; }
@media (max-width: 900px) { .cmp-pair { grid-template-columns: 1fr; } }
.cmp-pair-label { font-size: 13px; max-width: 16rem; }
.cmp ul.assumptions { font-size: 14px; }
.cmp footer { margin-top: 28px; font-size: 12px; color: #555; }
"""


def _html_table(c: Comparison, criteria: Sequence[Criterion], ranking: list[dict[str, Any]]) -> str:
    from mapper.render.safety import safe_attr, safe_color, safe_text

    best = _best(c, ranking)
    n = len(c.keys)
    head = ["<th scope='col'>Metric</th>"]
    for e in c.entries:
        head.append(
            f"<th scope='col'><span class='swatch' style='--sw:{safe_attr(safe_color(e.option.colour))}'></span>"
            f"{safe_text(e.key)}<span class='opt-name'>{safe_text(e.option.name)}</span></th>"
        )
    body = []
    for r in _rows(c, criteria, ranking):
        if r.kind == "section":
            body.append(
                f"<tr class='section'><th scope='colgroup' colspan='{n + 1}'>{safe_text(r.label)}</th></tr>"
            )
            continue
        cells = []
        for key, v in zip(c.keys, r.values, strict=True):
            text = safe_text(_fmt(r.kind, v))
            cls = []
            if r.field in best and key in best[r.field]:
                text = f"<strong>{text}</strong>"
                cls.append("best")
            if r.kind == "ok" and not v[0]:
                cls.append("bad")
            attr = f" class='{' '.join(cls)}'" if cls else ""
            cells.append(f"<td{attr}>{text}</td>")
        indent = " class='indent'" if r.indent else ""
        th = f"<th scope='row'{indent}>{safe_text(r.label)}</th>"
        body.append(f"<tr>{th}{''.join(cells)}</tr>")
    note = ""
    if ranking:
        note = (
            "<p class='cmp-note'>Ranks: each criterion on its own, 1 = best, ties share a rank; the best option "
            "is in bold on a green background. No weighting, no overall score.</p>"
        )
    return (
        f"{note}<div class='cmp-table-wrap'><table class='cmp-table'>"
        "<caption class='cmp-note' style='text-align:left'>Per option; distances geodesic (WGS84), in km; "
        "'-' none or not applicable, 'n/a' band not defined in that scenario.</caption>"
        f"<thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def to_html(
    c: Comparison,
    rank_by: str | Sequence[Criterion] | None = None,
    pair: str | Sequence[str] | None = None,
) -> str:
    """The offline, self-contained HTML report: header (front lines, warnings, failures), the metrics table,
    two charts (inline SVG), a combined map of every option and two options on synchronised maps."""
    from branca.element import Figure

    from mapper.render import CREDITS
    from mapper.render.assets import head_assets
    from mapper.render.page import GENERATOR_META, render_figure
    from mapper.render.safety import safe_attr, safe_text

    criteria = _criteria(rank_by)
    ranking = _ranking(c, criteria)
    chosen = parse_pair(c, pair)

    fig = Figure()
    combined = _combined_map(c)
    fig.add_child(combined)
    maps = [combined]
    pair_entries: list[Entry] = []
    if chosen:
        pair_entries = [c.entry(k) for k in chosen]
        for e in pair_entries:
            m = _pair_map(c, e, pair_entries)
            fig.add_child(m)
            maps.append(m)
    shared = _share_data(maps)
    header, body, script = render_figure(fig, maps)
    names = [m.get_name() for m in maps]
    for name in names:
        if f'id="{name}"' not in body:  # we lay out the maps' divs ourselves
            raise RuntimeError(f"map {name} not in the rendered figure")

    def map_div(name: str, label: str) -> str:
        return (
            f'<div class="cmp-map" role="region" aria-label="{safe_attr(label)}">'
            f'<div class="folium-map" id="{name}"></div></div>'
        )

    title = _title(c)
    top = [f"<header><h1>{safe_text(title)}</h1>"]
    dates = sorted({s.date.isoformat() for s, _ in c.scenarios})
    top.append(
        "<p class='lead'>Scenarios: "
        + " · ".join(
            f"{safe_text(s.title)} (<code>{safe_text(s.id)}</code>)" for s, _ in c.scenarios
        )
        + f". Situation date{'s' * (len(dates) > 1)}: {safe_text(', '.join(dates))}.</p>"
    )
    top.append(
        "<ul class='fronts'>"
        + "".join(f"<li>{safe_text(line)}</li>" for line in _front_lines(c))
        + "<li>Distances are geodesic (WGS84).</li></ul>"
    )
    for w in c.warnings:
        top.append(f"<p class='warn' role='note'><strong>Warning:</strong> {safe_text(w)}</p>")
    if c.failures:
        items = "".join(f"<li><pre>{safe_text(f.text)}</pre></li>" for f in c.failures)
        top.append(
            f"<div class='fail'><strong>Not compared (errors):</strong><ul>{items}</ul></div>"
        )
    top.append("</header>")

    sections = [
        "<section aria-labelledby='cmp-table-h'><h2 id='cmp-table-h'>Options side by side</h2>",
        _html_table(c, criteria, ranking),
        "</section>",
        "<section aria-labelledby='cmp-charts-h'><h2 id='cmp-charts-h'>Charts</h2><div class='cmp-charts'>",
        f"<figure>{chart_distances(c)}<figcaption>Nearest force and troop-weighted mean distance to the "
        "front line; the black tick is the scenario's minimum-distance constraint.</figcaption></figure>",
        f"<figure>{chart_troops_by_band(c)}<figcaption>Troops by distance band from the front line "
        "(red: nearest).</figcaption></figure>",
        "</div></section>",
        "<section aria-labelledby='cmp-map-h'><h2 id='cmp-map-h'>All options on one map</h2>",
        "<p class='cmp-note'>Each option is a group of layers; switch them on and off in the legend.</p>",
        map_div(names[0], "Map: all options"),
        "</section>",
    ]
    if chosen:
        a, b = pair_entries
        sections += [
            "<section aria-labelledby='cmp-pair-h'><h2 id='cmp-pair-h'>"
            f"{safe_text(a.option.name)} ({safe_text(a.key)}) and {safe_text(b.option.name)} "
            f"({safe_text(b.key)}) side by side</h2>",
            "<p class='cmp-note'>The two maps move together: pan or zoom either one.</p>",
            "<div class='cmp-pair'>",
            map_div(names[1], f"Map: option {a.key}"),
            map_div(names[2], f"Map: option {b.key}"),
            "</div></section>",
        ]
    assumptions = []
    for s, _ in c.scenarios:
        if s.assumptions or s.sources:
            assumptions.append(f"<h3>{safe_text(s.title)} ({safe_text(s.id)})</h3>")
            if s.assumptions:
                assumptions.append(
                    "<p>Assumptions:</p><ul class='assumptions'>"
                    + "".join(f"<li>{safe_text(x)}</li>" for x in s.assumptions)
                    + "</ul>"
                )
            if s.sources:
                assumptions.append(
                    "<p>Sources:</p><ul class='assumptions'>"
                    + "".join(f"<li>{safe_text(x)}</li>" for x in s.sources)
                    + "</ul>"
                )
    if assumptions:
        sections += [
            "<section aria-labelledby='cmp-ass-h'><h2 id='cmp-ass-h'>Assumptions and sources</h2>",
            *assumptions,
            "</section>",
        ]
    sections.append(f"<footer>{safe_text(CREDITS)}</footer>")
    sync = _SYNC_JS % {
        "combined": names[0],
        "left": names[1] if chosen else "null",
        "right": names[2] if chosen else "null",
    }
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        GENERATOR_META,
        f"<title>{safe_text(title)}</title>",
        head_assets(),
        header.strip(),
        f"<style>{_CSS}</style>",
        shared,
        "</head>",
        "<body>",
        '<main class="cmp">',
        *top,
        *sections,
        "</main>",
        f"<script>\n{script.strip()}\n</script>",
        f"<script>{sync}</script>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(p for p in parts if p)


# -------------------------------------------------------------------------------------------------------------
# Entry points


def compare_report(
    paths: Any,
    fmt: str = "table",
    *,
    rank_by: str | Sequence[Criterion] | None = None,
    pair: str | Sequence[str] | None = None,
    front_line: str | os.PathLike[str] | None = None,
    keep_going: bool = False,
) -> str:
    """The comparison of ``paths`` (or of a ``Comparison`` already loaded) as ``table``, ``md``, ``csv``,
    ``json`` or ``html`` text."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    criteria = _criteria(rank_by)  # usage errors before the (slow) loading
    c = (
        paths
        if isinstance(paths, Comparison)
        else load_comparison(paths, front_line=front_line, keep_going=keep_going)
    )
    if pair is not None and fmt != "html":
        raise UsageError("--pair applies to --format html (the side-by-side maps)")
    if fmt == "html":
        return to_html(c, criteria, pair)
    return {"table": to_table, "md": to_markdown, "csv": to_csv, "json": to_json}[fmt](c, criteria)


def default_output() -> Path:
    return Path("out") / "compare.html"


def format_for(output: str | os.PathLike[str] | None, fmt: str | None) -> str:
    """The format: as given, else from the output file's suffix, else ``table``."""
    if fmt:
        return fmt
    if output is not None:
        return _SUFFIX_FORMATS.get(Path(output).suffix.lower(), "table")
    return "table"


def write_comparison(
    paths: Any,
    output: str | os.PathLike[str] | None = None,
    fmt: str | None = None,
    *,
    rank_by: str | Sequence[Criterion] | None = None,
    pair: str | Sequence[str] | None = None,
    front_line: str | os.PathLike[str] | None = None,
    keep_going: bool = False,
    overwrite: bool = False,
    report: Callable[[str, str], None] | None = None,
) -> Path | str:
    """The ``mapper compare`` command's library function.

    Writes the report to ``output`` atomically and returns its path; without ``output`` returns the text, except
    for ``html``, which goes to ``out/compare.html``. An existing file needs ``overwrite`` unless it is an HTML
    page mapper wrote. ``report(severity, message)`` receives the warnings (``"warning"``) and the files that
    failed with ``keep_going`` (``"error"``); by default warnings go to ``warnings.warn`` and failures to stderr.
    """
    from mapper.atomic import atomic_write
    from mapper.render.page import generated_by_mapper

    fmt = format_for(output, fmt)
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    criteria = _criteria(rank_by)
    if pair is not None and fmt != "html":
        raise UsageError("--pair applies to --format html (the side-by-side maps)")
    out = Path(output) if output is not None else (default_output() if fmt == "html" else None)
    if out is not None:
        overwrite = overwrite or (fmt == "html" and generated_by_mapper(out))
        if out.exists() and not overwrite:
            raise OutputError(f"{out}: exists; pass --overwrite to replace it")
    c = load_comparison(paths, front_line=front_line, keep_going=keep_going)
    if fmt == "html":
        parse_pair(c, pair)  # a usage error before the drawing
    if report is None:

        def report(severity: str, message: str) -> None:
            if severity == "warning":
                _warnings.warn(message, UserWarning, stacklevel=3)
            else:
                print(f"error: {message}", file=sys.stderr)

    for w in c.warnings:
        report("warning", w)
    for f in c.failures:
        report("error", f"not compared: {f.text}")
    text = compare_report(c, fmt, rank_by=criteria, pair=pair)
    if out is None:
        return text
    return atomic_write(out, text, overwrite=overwrite)

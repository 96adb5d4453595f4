"""Text renderings of an analysis: an aligned table for people, CSV for spreadsheets, JSON for other tools.

The JSON is ``ScenarioAnalysis.to_dict()`` (the contract in ``schema/analysis.schema.json``); CSV has one row per
force or hub with its option's id; the table fits 80 columns and names the front line's date and source.

Each format has its text boundary (``mapper.textsafe``): the table shows control characters as visible escapes
(it is for a terminal), CSV cells follow the CSV-injection rule (``csv_cell``), and JSON escapes C1 and bidi
controls (``json_text``: the same values, safe to print).
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Sequence
from typing import Any

from mapper.analysis import ScenarioAnalysis
from mapper.textlayout import aligned
from mapper.textsafe import csv_cell, json_text, terminal

CSV_COLUMNS = (
    "scenario",
    "option",
    "kind",
    "name",
    "nation",
    "troops",
    "location",
    "lat",
    "lon",
    "distance_to_front_km",
    "band",
    "distance_to_hostile_territory_km",
    "distance_to_nato_border_km",
    "in_occupied_area",
    "nearest_hub",
    "distance_to_nearest_hub_km",
    "range_km",
    "population_covered",
    "meets_constraints",
    "violations",
)


def to_json(analysis: ScenarioAnalysis, indent: int = 2) -> str:
    return json_text(json.dumps(analysis.to_dict(), indent=indent, ensure_ascii=False)) + "\n"


def to_csv(analysis: ScenarioAnalysis) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for opt in analysis.options:
        for site in (*opt.forces, *opt.hubs):
            row = site.to_dict()
            record = {
                "scenario": analysis.scenario.id,
                "option": opt.id,
                **{k: row.get(k) for k in CSV_COLUMNS if k in row},
                "in_occupied_area": row["in_occupied_area"],
                "violations": "; ".join(row["violations"]),
            }
            writer.writerow({k: csv_cell(v) for k, v in record.items()})
    return buf.getvalue()


def format_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], align: str | None = None
) -> str:
    """A plain aligned table; ``align`` has one letter per column, 'l' or 'r' (numbers default right)."""
    cells = [[_cell(v) for v in row] for row in rows]
    if align is None:
        align = "".join(
            "r"
            if rows and all(isinstance(r[i], int | float) or r[i] is None for r in rows)
            else "l"
            for i in range(len(headers))
        )
    return aligned(headers, cells, align)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return terminal(value)


def _short(text: str, width: int) -> str:
    text = terminal(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(terminal(text), width, subsequent_indent="  ")


def to_table(analysis: ScenarioAnalysis, width: int = 80) -> str:
    """The analysis for a terminal (80 columns); control characters in any text are shown as escapes."""
    s = analysis.scenario
    out = _wrap(f"{s.title} ({s.id}, situation {s.date.isoformat()})", width)
    out += _wrap(f"Front line: {s.front.date} — {s.front.source}", width)
    if s.front.accuracy:
        out += _wrap(f"Accuracy: {s.front.accuracy}", width)
    c = s.constraints
    if c.min_distance_from_front_km is not None:
        out.append(
            f"Constraint: forces at least {c.min_distance_from_front_km:g} km from the front line"
        )
    out.append("Distances are geodesic (WGS84), in km.")
    for opt in analysis.options:
        out += ["", *_wrap(f"Option {opt.id}: {opt.name}", width)]
        sites = [*opt.forces, *opt.hubs]
        if sites:
            rows = [
                (
                    _short(x.name, 22) + (" (hub)" if x.kind == "hub" else ""),
                    x.nation or "-",
                    x.troops if x.kind == "force" else None,
                    round(x.distance_to_front_km, 1),
                    round(x.distance_to_hostile_territory_km, 1),
                    round(x.distance_to_nato_border_km, 1),
                    x.meets_constraints,
                )
                for x in sites
            ]
            out.append(
                format_table(
                    ("Site", "Nat", "Troops", "Front", "Hostile", "NATO", "OK"), rows, "llrrrrl"
                )
            )
        sm = opt.summary
        out += _wrap(
            f"Troops {sm.troops:,} in {sm.forces} force(s); nearest to front "
            f"{_cell(sm.min_distance_to_front_km)} km; troop-weighted mean "
            f"{_cell(sm.troop_weighted_mean_distance_to_front_km)} km",
            width,
        )
        bands = ", ".join(f"{k}: {v:,}" for k, v in sm.troops_by_band.items() if v)
        if bands:
            out += _wrap(f"Troops by band: {bands}", width)
        if sm.population_covered:
            out.append(f"Population within coverage rings: {sm.population_covered:,}")
        out.append(
            "Meets constraints: yes"
            if sm.meets_constraints
            else f"Meets constraints: NO ({sm.violations} violation(s))"
        )
    return "\n".join(out) + "\n"


def render_analysis(analysis: ScenarioAnalysis, fmt: str) -> str:
    """The analysis as ``table``, ``json`` or ``csv`` text."""
    if fmt == "json":
        return to_json(analysis)
    if fmt == "csv":
        return to_csv(analysis)
    return to_table(analysis)


def analyze_file(
    path: Any, *, fmt: str = "table", front_line: Any = None, options: list[str] | None = None
) -> str:
    """Prepare a scenario (file, YAML text or ``Scenario``) and return the report text (``mapper analyze``)."""
    from mapper.pipeline import prepare

    return render_analysis(prepare(path, front_line=front_line, options=options).analysis, fmt)

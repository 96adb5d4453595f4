"""The rows every comparison report shows (metrics as rows, options as columns), and their plain-text cells.

The terminal table, Markdown and the HTML page lay out the same ``Row`` list (``rows``), format each cell with
``fmt`` and each escapes it for its own medium; the header lines (``title``, ``front_lines``) are shared too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mapper.comparison.model import Comparison, Criterion, bands, nations

__all__ = [
    "Row",
    "basis_lines",
    "exempt_lines",
    "fmt",
    "front_lines",
    "plain",
    "rows",
    "short",
    "title",
]


@dataclass(frozen=True)
class Row:
    label: str
    kind: str  # section | int | nation | km | km± | hostile | text | km2 | share | ok | band | rank
    values: tuple[Any, ...] = ()
    field: str | None = None  # the metric's column (for highlighting the best)
    indent: bool = False


# After "Meets constraints": (label, kind, column, indent). A "section" row is a heading; "band" and "nation"
# stand for one row per band / nation. Only ranking criteria are ever highlighted, so a column that is not one
# (the constraint itself) can be named as the row's field without effect.
_LAYOUT: tuple[tuple[str, str, str | None, bool], ...] = (
    ("Troops", "int", "troops", False),
    ("Forces", "int", "forces", False),
    ("Logistics hubs", "int", "hubs", False),
    ("Distance to the front line, km", "section", None, False),
    ("nearest force", "km±", "min_distance_to_front_km", True),
    ("troop-weighted mean", "km±", "troop_weighted_mean_distance_to_front_km", True),
    ("Nearest to hostile territory, km", "hostile", "min_distance_to_hostile_territory_km", False),
    ("Troops by distance band", "section", None, False),
    ("", "band", None, True),
    ("Constraint: min km from front", "km", "constraint_min_distance_from_front_km", False),
    ("troops beyond it", "share", "share_of_troops_beyond_constraint", True),
    ("Distance to NATO border, km", "section", None, False),
    ("farthest force", "km", "max_distance_to_nato_border_km", True),
    ("mean over forces", "km", "mean_distance_to_nato_border_km", True),
    ("Constraint: min km from hostile", "km", "constraint_min_distance_from_hostile_km", False),
    ("Population in rings", "population", "population_covered", False),
    ("Key sites under air defence", "int", "key_sites_under_air_defence", False),
    ("Key sites inside any ring", "int", "key_sites_in_rings", False),
    ("People under air defence", "int", "population_under_air_defence", False),
    ("Length of lines, km", "km", "lines_length_km", False),
    ("Area of areas, km²", "km2", "areas_km2", False),
    ("Area of zones, km²", "km2", "zones_km2", False),
    ("Troops by nation", "section", None, False),
    ("", "nation", None, True),
)


def rows(c: Comparison, criteria: Sequence[Criterion], ranking: list[dict[str, Any]]) -> list[Row]:
    """The report's rows: the ranks first (what the reader asked for), then every metric."""
    recs = c.records()

    def col(name: str) -> tuple[Any, ...]:
        return tuple(r[name] for r in recs)

    out: list[Row] = []
    if ranking:
        out.append(Row("Rank per criterion (1 = best)", "section"))
        for cr, rk in zip(criteria, ranking, strict=True):
            out.append(Row(cr.label, "rank", tuple(rk["ranks"][k] for k in c.keys), cr.field, True))
        out.append(Row("All metrics", "section"))
    ok = tuple(zip(col("meets_constraints"), col("violations"), strict=True))
    out.append(Row("Meets constraints", "ok", ok, "violations"))
    out.append(Row("forces exempt from constraints", "int", col("exempt_forces"), indent=True))
    if recs and "forces_changing_band" in recs[0]:  # compare --advance (mapper.advance)
        km = recs[0]["advance_km"]
        out.append(Row(f"If the line advances {km:g} km", "section"))
        out.append(Row("forces changing band", "int", col("forces_changing_band"), indent=True))
        out += [
            Row(
                "newly breaking a constraint",
                "int",
                col("forces_breaking_constraints"),
                indent=True,
            )
        ]
    for label, kind, name, indent in _LAYOUT:
        if kind == "section":
            out.append(Row(label, kind))
        elif kind in ("km±", "hostile"):
            assert name is not None
            out += _distance_rows(label, kind, name, indent, col)
        elif kind == "population":
            out += _population_rows(c, recs, label, name)
        elif kind == "band":
            out += [
                Row(b, kind, tuple(r["troops_by_band"].get(b) for r in recs), indent=True)
                for b in bands(c)
            ]
        elif kind == "nation":
            out += [
                Row(n, kind, tuple(r["troops_by_nation"].get(n, 0) for r in recs), indent=True)
                for n in nations(c)
            ]
        else:
            assert name is not None
            out.append(Row(label, kind, col(name), name, indent))
    return out


def _distance_rows(
    label: str, kind: str, name: str, indent: bool, col: Callable[[str], tuple[Any, ...]]
) -> list[Row]:
    """A distance with its front line's stated accuracy (``km±``); for hostile territory also which part is
    nearest, on a row of its own so that cells stay narrow enough for the 80-column table."""
    acc = col("distance_accuracy_km")
    if kind == "km±":
        return [Row(label, kind, tuple(zip(col(name), acc, strict=True)), name, indent)]
    parts = col("nearest_hostile")
    values: tuple[Any, ...] = tuple(zip(col(name), parts, acc, strict=True))
    return [
        Row(label, kind, values, name, indent),
        Row("nearest part", "text", parts, indent=True),
    ]


def _population_rows(
    c: Comparison, recs: list[dict[str, Any]], label: str, name: str | None
) -> list[Row]:
    """Population covered, naming the countries counted; one row per country when more than one is."""
    from mapper.textlayout import countries_words, country_name

    counted: list[str] = []
    for r in recs:
        counted += [k for k in r["coverage_countries"] if k not in counted]
    # one country: named in the label; several: counted in it, and named on their own rows below
    head = countries_words(counted) if len(counted) == 1 else f"{len(counted)} countries"
    out = [
        Row(
            f"{label} ({head})",
            "int",
            tuple(r["population_covered"] for r in recs),
            name,
        )
    ]
    if len(counted) > 1:
        out += [
            Row(
                country_name(k),
                "int",
                tuple(r["population_covered_by_country"].get(k) for r in recs),
                indent=True,
            )
            for k in counted
        ]
    return out


def fmt(kind: str, v: Any) -> str:
    """One cell as text (``-`` none or not applicable, ``n/a`` a band the scenario does not define)."""
    if kind == "ok":
        ok, n = v
        return "yes" if ok else f"NO ({n})"
    if kind == "km±":
        d, acc = v
        return "-" if d is None else f"{d:,.1f}" + (f" ± {acc:g}" if acc else "")
    if kind == "hostile":
        d, part, acc = v
        if d is None:
            return "-"
        acc = acc if part in ("front line", "occupied area") else None
        return f"{d:,.1f}" + (f" ± {acc:g}" if acc else "")
    if kind == "text":
        return str(v) if v else "-"
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


def front_lines(c: Comparison) -> list[str]:
    """One line per distinct front line: date, source, accuracy (and which scenarios use it, if several)."""
    fronts = c.fronts()
    out = []
    for front, users in fronts:
        who = "" if len(fronts) == 1 else f" (used by {', '.join(p.id for p in users)})"
        out.append(f"Front line {front.date}: {front.source}. Accuracy: {front.accuracy}.{who}")
    return out


def basis_lines(c: Comparison) -> list[str]:
    """What the distance bands measure (``features.band_basis``): one line, or one per scenario when they differ."""
    from mapper.features import band_basis

    bases = {s.id: band_basis(s) for s, _ in c.scenarios}
    if len(set(bases.values())) == 1:
        return [f"Distance bands: {next(iter(bases.values()))}."]
    return [f"Distance bands of {k}: {v}." for k, v in bases.items()]


def exempt_lines(c: Comparison) -> list[str]:
    """Per option with forces a constraint does not bind: who, and their role (counted as compliant)."""
    return [
        f"Exempt from a constraint in {r['key']}: {'; '.join(r['exempt_force_names'])}"
        for r in c.records()
        if r["exempt_force_names"]
    ]


def title(c: Comparison) -> str:
    n, m = len(c.entries), len(c.prepared)
    return f"Comparison of {n} deployment option{'s' * (n != 1)} from {m} scenario{'s' * (m != 1)}"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def plain(text: Any) -> str:
    """Text for a terminal: control characters (escape sequences, line breaks) become spaces."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFC", str(text)))


def short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"

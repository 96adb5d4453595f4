"""The comparison as text: a terminal table (80 columns), Markdown, CSV and JSON; an output beside the page.

* ``table``: for a terminal, at most 80 columns: metrics as rows, options as columns, in several blocks if needed;
* ``md``: Markdown (scenario text escaped: pipes, HTML, emphasis);
* ``csv``: one row per option, nested values flattened as ``troops_by_nation.FR`` / ``troops_by_band.0–30 km``;
* ``json``: ``{"format": "mapper-comparison/1", "scenarios": [...], "options": [...], "ranking": [...], ...}``.

Every report shows the same rows (``mapper.comparison.rows``) and names each scenario's front line in its header.
Text boundaries (``mapper.textsafe``): the table shows control characters as visible escapes, CSV cells follow the
CSV-injection rule, JSON escapes C1 and bidi controls.
"""

from __future__ import annotations

import io
import json
import re
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

from mapper.comparison.model import Comparison, Criterion, best, criteria, metadata, rank, ranking
from mapper.comparison.rows import (
    Row,
    basis_lines,
    exempt_lines,
    fmt,
    front_lines,
    plain,
    rows,
    short,
    title,
)
from mapper.textlayout import aligned
from mapper.textsafe import csv_cell, json_text, terminal

__all__ = ["COMPARISON_FORMAT", "md_escape", "to_csv", "to_json", "to_markdown", "to_table"]

COMPARISON_FORMAT = "mapper-comparison/1"

RankBy = str | Sequence[Criterion] | None

# -------------------------------------------------------------------------------------------------------------
# Terminal table


def to_table(c: Comparison, rank_by: RankBy = None, width: int = 80) -> str:
    """The comparison for a terminal, at most ``width`` columns: metrics as rows, options as columns, in as many
    blocks as needed; ``*`` marks the best option per ranking criterion."""
    crit = criteria(rank_by)
    ranked = ranking(c, crit)

    def wrap(text: str, indent: str = "  ") -> list[str]:
        return textwrap.wrap(plain(text), width, subsequent_indent=indent) or [""]

    out = _table_header(c, wrap, width)
    table_rows = rows(c, crit, ranked)
    label_w = min(max(len(r.label) + 2 * r.indent for r in table_rows), 34)
    cells = _cells(c, table_rows, best(ranked))
    heads = [_column_head(k) for k in c.keys]
    widths = [
        max(len(h[0]), len(h[1]), *(len(x) for x in col))
        for h, col in zip(heads, cells, strict=True)
    ]
    labels = [_short_label(r, label_w) for r in table_rows]
    for block in _blocks(widths, label_w, width):
        out.append("")
        tops = [heads[i][0].rjust(widths[i]) for i in block]
        if any(t.strip() for t in tops):
            out.append(("  ".join([" " * label_w, *tops])).rstrip())
        headers = ["Metric".ljust(label_w), *(heads[i][1].rjust(widths[i]) for i in block)]
        body = [[lab.ljust(label_w), *(cells[i][j] for i in block)] for j, lab in enumerate(labels)]
        out.append(aligned(headers, body, "l" + "r" * len(block)))
    if ranked:
        out += [
            "",
            *wrap(
                "Ranks: each criterion on its own, 1 = best, ties share a rank; * marks the best "
                "option. No weighting, no overall score."
            ),
        ]
    exempt = exempt_lines(c)
    if exempt:
        out.append("")
        for line in exempt:
            out += wrap(line)
    out += _assumption_lines(c, wrap)
    if c.failures:
        out += ["", "Not compared (errors):"]
        for f in c.failures:
            out += wrap("  " + f.text.replace("\n", " | "), "    ")
    return "\n".join(terminal(line.rstrip()) for line in out) + "\n"


def _table_header(c: Comparison, wrap: Callable[..., list[str]], width: int) -> list[str]:
    """Title, front lines, warnings and the list of options (key, name, scenario)."""
    out = wrap(title(c))
    for line in front_lines(c):
        out += wrap(line)
    out.append("Distances are geodesic (WGS84).")
    for line in basis_lines(c):
        out += wrap(line)
    for w in c.warnings:
        out += wrap(f"WARNING: {w}")
    kw = max(len(k) for k in c.keys)
    out += ["", "Options:"]
    for e in c.entries:
        out += textwrap.wrap(
            plain(f"{e.key.ljust(kw)}  {e.option.name} — {e.scenario.title} ({e.scenario.id})"),
            width,
            initial_indent="  ",
            subsequent_indent="  " + " " * (kw + 2),
        )
    return out


def _cells(c: Comparison, table_rows: list[Row], best_keys: dict[str, set[str]]) -> list[list[str]]:
    """Per option: the cell of every row (a section's is empty; ``*`` marks the best)."""
    cells: list[list[str]] = []
    for i, key in enumerate(c.keys):
        col = []
        for r in table_rows:
            if r.kind == "section":
                col.append("")
                continue
            text = fmt(r.kind, r.values[i])
            if r.field in best_keys and key in best_keys[r.field]:
                text += "*"
            col.append(text)
        cells.append(col)
    return cells


def _blocks(widths: list[int], label_w: int, width: int) -> list[list[int]]:
    """The option columns split into blocks that fit ``width`` beside the labels."""
    blocks: list[list[int]] = [[]]
    used = label_w
    for i, w in enumerate(widths):
        if blocks[-1] and used + 2 + w > width:
            blocks.append([])
            used = label_w
        blocks[-1].append(i)
        used += 2 + w
    return blocks


def _short_label(r: Row, label_w: int) -> str:
    return short(("  " if r.indent else "") + plain(r.label), label_w)


def _column_head(key: str) -> tuple[str, str]:
    """A column heading in two lines: ``scenario/`` above ``option`` for a disambiguated key."""
    key = plain(key)
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


# -------------------------------------------------------------------------------------------------------------
# Markdown


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~!])")


def md_escape(text: Any) -> str:
    """Scenario text for Markdown (also inside a table cell): HTML escaped, Markdown punctuation and pipes
    backslash-escaped, line breaks as spaces."""
    import html

    s = html.escape(plain(text), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", s)


def to_markdown(c: Comparison, rank_by: RankBy = None) -> str:
    """The comparison as Markdown: options, one metrics table (options as columns), ranking, assumptions."""
    crit = criteria(rank_by)
    ranked = ranking(c, crit)
    out = [f"# {title(c)}", ""]
    out += [f"- {md_escape(line)}" for line in front_lines(c)]
    out += ["- Distances are geodesic (WGS84)."]
    out += [f"- {md_escape(line)}" for line in basis_lines(c)] + [""]
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
    out += _md_metrics(c, rows(c, crit, ranked), best(ranked))
    exempt = exempt_lines(c)
    if exempt:
        out += ["", *(f"- {md_escape(line)}" for line in exempt)]
    if ranked:
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


def _md_metrics(c: Comparison, table_rows: list[Row], best_keys: dict[str, set[str]]) -> list[str]:
    """The metrics table: options as columns, the best per criterion in bold."""
    out = ["| Metric | " + " | ".join(md_escape(k) for k in c.keys) + " |"]
    out.append("|---|" + "---:|" * len(c.keys))
    for r in table_rows:
        if r.kind == "section":
            out.append(f"| **{md_escape(r.label)}** |" + " |" * len(c.keys))
            continue
        cells = []
        for key, v in zip(c.keys, r.values, strict=True):
            text = md_escape(fmt(r.kind, v))
            if r.field in best_keys and key in best_keys[r.field]:
                text = f"**{text}**"
            cells.append(text)
        label = ("&emsp;" if r.indent else "") + md_escape(r.label)
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    return out


# -------------------------------------------------------------------------------------------------------------
# CSV and JSON


def to_csv(c: Comparison, rank_by: RankBy = None) -> str:
    """One row per option (the ``compare`` DataFrame, plus ``rank.<criterion>`` columns when ranking)."""
    import pandas as pd

    df = c.frame
    crit = criteria(rank_by)
    if crit:
        df = pd.concat([df, rank(df, crit)], axis=1)
    df = df.copy()
    for col in df.columns:
        if not pd.api.types.is_numeric_dtype(
            df[col]
        ):  # text and mixed columns; numbers left as they are
            df[col] = df[col].map(csv_cell)
    df.index = df.index.map(csv_cell)
    buf = io.StringIO()
    df.to_csv(buf, lineterminator="\n")
    return buf.getvalue()


def to_json(c: Comparison, rank_by: RankBy = None, indent: int = 2) -> str:
    """``{"format", "scenarios" (with front line date/source), "options" (records), "ranking", "warnings",
    "failures"}``."""
    doc = {
        "format": COMPARISON_FORMAT,
        **{k: v for k, v in metadata(c).items() if k == "scenarios"},
        "options": c.records(),
        "ranking": ranking(c, criteria(rank_by)),
        "warnings": list(c.warnings),
        "failures": [{"file": f.file, "error": f.message} for f in c.failures],
    }
    return json_text(json.dumps(doc, indent=indent, ensure_ascii=False)) + "\n"

"""``mapper compare``: the options of several scenarios side by side, as a table, charts and maps.

The package, by role:

* ``model``: loading (``load_comparison``: every scenario through ``mapper.pipeline.prepare``), the options'
  records, the DataFrame (``compare``, the public ``mapper.compare()``), ranking (``parse_rank_by``, ``rank``);
* ``rows``: the rows every report shows (metrics as rows, options as columns);
* ``text``: the text reports: ``table`` (80 columns), ``md``, ``csv``, ``json``;
* ``page``: the offline HTML report, a composition of ``mapper.render.compare_maps`` (the combined and the
  synchronised maps) and ``mapper.staticmap.charts`` (the SVG charts);
* ``reports``: every report by format name (``compare_report``) and the command's ``write_comparison``.

This module re-exports the public names, so ``from mapper.comparison import ...`` is all a caller needs.
"""

from __future__ import annotations

from mapper.comparison.model import (
    RANKABLE,
    Comparison,
    Criterion,
    Entry,
    Failure,
    compare,
    load_comparison,
    parse_pair,
    parse_rank_by,
    rank,
)
from mapper.comparison.page import to_html
from mapper.comparison.reports import (
    FORMATS,
    ComparisonResult,
    compare_report,
    default_output,
    format_for,
    write_comparison,
)
from mapper.comparison.text import (
    COMPARISON_FORMAT,
    md_escape,
    to_csv,
    to_json,
    to_markdown,
    to_table,
)

__all__ = [
    "COMPARISON_FORMAT",
    "FORMATS",
    "RANKABLE",
    "Comparison",
    "ComparisonResult",
    "Criterion",
    "Entry",
    "Failure",
    "compare",
    "compare_report",
    "default_output",
    "format_for",
    "load_comparison",
    "md_escape",
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

"""Every comparison report by format name, and ``write_comparison``: the ``mapper compare`` command's library
function (check the output first, prepare the scenarios, render, write atomically).

A composition: it picks the text reports (``text``) or the HTML page (``page``, which draws with
``mapper.render``). The output follows the one policy (``mapper.pipeline``): an HTML page mapper wrote is replaced,
any other existing file needs ``overwrite``. Warnings and the files not compared are logged (logger ``"mapper"``);
the command prints them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mapper.comparison.model import Comparison, Criterion, criteria, load_comparison, parse_pair
from mapper.errors import UsageError

__all__ = [
    "FORMATS",
    "ComparisonResult",
    "compare_report",
    "default_output",
    "format_for",
    "write_comparison",
]

log = logging.getLogger("mapper")

FORMATS = ("table", "md", "csv", "json", "html")
_SUFFIX_FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".csv": "csv",
    ".json": "json",
    ".txt": "table",
}


def _check(fmt: str, pair: str | Sequence[str] | None) -> None:
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    if pair is not None and fmt != "html":
        raise UsageError("--pair applies to --format html (the side-by-side maps)")


def compare_report(
    sources: Any,
    fmt: str = "table",
    *,
    rank_by: str | Sequence[Criterion] | None = None,
    pair: str | Sequence[str] | None = None,
    front_line: str | os.PathLike[str] | None = None,
    keep_going: bool = False,
) -> str:
    """The comparison of ``sources`` (see ``load_comparison``, or a ``Comparison`` already loaded) as ``table``,
    ``md``, ``csv``, ``json`` or ``html`` text."""
    from mapper.comparison import page, text

    _check(fmt, pair)
    crit = criteria(rank_by)  # usage errors before the (slow) loading
    c = (
        sources
        if isinstance(sources, Comparison)
        else load_comparison(sources, front_line=front_line, keep_going=keep_going)
    )
    if fmt == "html":
        return page.to_html(c, crit, pair)
    writers = {
        "table": text.to_table,
        "md": text.to_markdown,
        "csv": text.to_csv,
        "json": text.to_json,
    }
    return writers[fmt](c, crit)


def default_output() -> Path:
    """Where the HTML report goes without ``output``: ``out/compare.html``."""
    from mapper.comparison.page import PAGE_OUTPUT

    return PAGE_OUTPUT.default("compare")


def format_for(output: str | os.PathLike[str] | None, fmt: str | None) -> str:
    """The format: as given, else from the output file's suffix, else ``table``."""
    if fmt:
        return fmt
    if output is not None:
        return _SUFFIX_FORMATS.get(Path(output).suffix.lower(), "table")
    return "table"


@dataclass(frozen=True)
class ComparisonResult:
    """What ``write_comparison`` did: the file it wrote (``path``) or the report (``text``, when there was no
    output file), and how many scenario files could not be compared (``keep_going``)."""

    path: Path | None
    text: str | None
    failures: int


def write_comparison(
    sources: Any,
    output: str | os.PathLike[str] | None = None,
    fmt: str | None = None,
    *,
    rank_by: str | Sequence[Criterion] | None = None,
    pair: str | Sequence[str] | None = None,
    front_line: str | os.PathLike[str] | None = None,
    keep_going: bool = False,
    overwrite: bool = False,
    advance_km: float | None = None,
) -> ComparisonResult:
    """The ``mapper compare`` command's library function.

    Writes the report to ``output`` atomically (``result.path``); without ``output`` returns the text
    (``result.text``), except for ``html``, which goes to ``out/compare.html``. An existing file needs
    ``overwrite`` unless it is an HTML page mapper wrote. The warnings are logged with ``log.warning`` and each
    file that failed (with ``keep_going``) with ``log.error`` (logger ``"mapper"``).
    """
    from mapper.comparison.page import PAGE_OUTPUT
    from mapper.pipeline import check_target

    fmt = format_for(output, fmt)
    _check(fmt, pair)
    crit = criteria(rank_by)
    target = None
    if fmt == "html":  # checked before the (slow) work, so a refused run fails fast
        target = PAGE_OUTPUT.claim(output, "compare", overwrite=overwrite)
    elif output is not None:
        target = check_target(output, overwrite=overwrite)
    c = load_comparison(
        sources, front_line=front_line, keep_going=keep_going, advance_km=advance_km
    )
    if fmt == "html":
        parse_pair(c, pair)  # a usage error before the drawing
    for w in c.warnings:
        log.warning(w)
    for f in c.failures:
        log.error("not compared: %s", f.text)
    report = compare_report(c, fmt, rank_by=crit, pair=pair)
    if target is None:
        return ComparisonResult(None, report, len(c.failures))
    return ComparisonResult(target.write(report), None, len(c.failures))

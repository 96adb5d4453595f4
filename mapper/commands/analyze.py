"""``mapper analyze``: the analysis of a scenario, on one day (``--at``), on every step (``--over-time``) or
against a hypothetical line (``--advance KM``), or its key-site table (``--key-sites``); a thin click layer over
``mapper.report.analyze_text``."""

from __future__ import annotations

from pathlib import Path

import click

from mapper.cli import advance_opt, at_opt, front_line_opt, option_opt, output_opt, overwrite_opt


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@front_line_opt
@option_opt
@at_opt
@click.option(
    "--over-time",
    "over_time",
    is_flag=True,
    help="Every force on every step of the scenario's timeline (its dated front lines and phases): present or "
    "not, distances, band, constraints; a column per step in the table, one row per force and step in CSV.",
)
@advance_opt
@click.option(
    "--key-sites",
    "key_sites",
    is_flag=True,
    help="The key-site table instead: every bundled key site (mapper sites) with its distances to the front "
    "line and hostile territory, band, whether it is in the occupied area and which options' rings hold it.",
)
@output_opt
@overwrite_opt
def analyze(
    scenario: Path,
    fmt: str,
    front_line: Path | None,
    options: tuple[str, ...],
    at: str | None,
    over_time: bool,
    advance_km: float | None,
    key_sites: bool,
    output: Path | None,
    overwrite: bool,
) -> None:
    """Distances from the front line and hostile territory, and option metrics, for SCENARIO (table, JSON or
    CSV).

    With --advance KM the analysis is against the hypothetical line, and the table and JSON (key "advance")
    add which forces change band or newly break a constraint; CSV is the analysis alone. The table and JSON
    say per option which key sites its air-defence and other rings hold and how many people are under its air
    defence; --key-sites gives the key sites one row each.
    """
    from mapper.cli import _emit
    from mapper.report import analyze_text

    text = analyze_text(
        scenario,
        fmt=fmt,
        front_line=front_line,
        options=list(options),
        at=at,
        advance_km=advance_km,
        over_time=over_time,
        key_sites=key_sites,
    )
    _emit(text, output, overwrite)


def command() -> click.Command:
    """The command, for ``mapper.cli`` to register (typed: the two modules import each other)."""
    return analyze

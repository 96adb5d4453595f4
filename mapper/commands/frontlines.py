"""``mapper frontlines``: the bundled dated front lines (date, occupied area, accuracy, name, files); a thin click
layer over ``mapper.frontlist.frontlines_text``."""

from __future__ import annotations

import click


@click.command()
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
def frontlines(fmt: str) -> None:
    """List the front lines bundled in geodata/: each one's date, occupied area (km², geodesic), stated accuracy,
    name and files. A scenario picks one by date (front_line: 2024-12-31) or several (front_lines: all)."""
    from mapper.cli import _echo
    from mapper.frontlist import frontlines_text

    _echo(frontlines_text(fmt), nl=False)


def command() -> click.Command:
    """The command, for ``mapper.cli`` to register."""
    return frontlines

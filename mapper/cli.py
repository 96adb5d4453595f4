"""The ``mapper`` command: a thin click layer over the library.

Each command parses its options and calls one library function. Heavy imports happen inside the commands, so that
``mapper --help`` stays fast. ``MapperError`` becomes a clean message on stderr with exit code 1 (2 for usage);
nothing a user can cause shows a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from mapper import __version__
from mapper.errors import MapperError

# Shared options, defined once (rasterio's rio/options.py pattern).
output_opt = click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Output file."
)
overwrite_opt = click.option(
    "--overwrite", is_flag=True, help="Replace an existing output file (otherwise refused)."
)
front_line_opt = click.option(
    "--front-line",
    "front_line",
    type=click.Path(path_type=Path),
    help="Use this front-line file (GeoJSON, GeoPackage, KML, KMZ) instead of the scenario's.",
)
strict_opt = click.option("--strict", is_flag=True, help="Treat warnings as errors.")


def _echo_err(message: str) -> None:
    click.echo(message, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mapper")
@click.option("-v", "--verbose", count=True, help="More output.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """Turn YAML deployment scenarios into geodesic analyses, offline maps and comparisons.

    Start with:  mapper render scenarios/dnipro_line.yaml
    """
    ctx.ensure_object(dict)
    ctx.obj["verbosity"] = -1 if quiet else verbose


@cli.command()
@click.argument("name")
@click.option("--limit", default=10, show_default=True, help="At most this many candidates.")
def places(name: str, limit: int) -> None:
    """Look a place NAME up in the gazetteer and print the candidates."""
    from mapper.geodata import gazetteer

    for place in gazetteer().candidates(name, limit=limit):
        click.echo(place.describe())


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@strict_opt
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...], strict: bool) -> None:
    """Check scenario files (or folders of them); print one line per problem.

    Exits 0 when every file is valid (warnings allowed unless --strict), 1 otherwise.
    """
    from mapper.loader import validate as validate_files

    reports = validate_files(paths, strict=strict)
    quiet = ctx.obj["verbosity"] < 0
    bad = 0
    for report in reports:
        for problem in report.problems:
            click.echo(problem.format(), err=problem.severity == "error")
        if report.errors:
            bad += 1
        elif not quiet:
            n = len(report.warnings)
            click.echo(f"{report.file}: ok" + (f" ({n} warning{'s' if n != 1 else ''})" if n else ""))
    if not quiet or bad:
        click.echo(f"{len(reports)} file(s) checked, {bad} with errors.", err=bool(bad))
    if bad:
        sys.exit(1)


option_opt = click.option(
    "--option", "options", multiple=True, help="Only this option id (repeatable)."
)


@cli.command()
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
@output_opt
@overwrite_opt
def analyze(
    scenario: Path,
    fmt: str,
    front_line: Path | None,
    options: tuple[str, ...],
    output: Path | None,
    overwrite: bool,
) -> None:
    """Distances from the front line and option metrics for SCENARIO (table, JSON or CSV)."""
    from mapper.report import analyze_file

    text = analyze_file(scenario, fmt=fmt, front_line=front_line, options=list(options))
    _emit(text, output, overwrite)


@cli.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@output_opt
@option_opt
@click.option(
    "--tiles",
    help="Add online base tiles (needs network when viewed): OpenStreetMap, CartoDB.Positron, Esri.WorldImagery.",
)
@front_line_opt
@overwrite_opt
@click.pass_context
def render(
    ctx: click.Context,
    scenario: Path,
    output: Path | None,
    options: tuple[str, ...],
    tiles: str | None,
    front_line: Path | None,
    overwrite: bool,
) -> None:
    """Draw SCENARIO as a self-contained HTML map (default out/<scenario id>.html)."""
    from mapper.render import render_map

    out = render_map(
        scenario, output, options=list(options), tiles=tiles, front_line=front_line, overwrite=overwrite
    )
    if ctx.obj["verbosity"] >= 0:
        click.echo(f"wrote {out}")


def _emit(text: str, output: Path | None, overwrite: bool) -> None:
    """Write to stdout, or atomically to a file."""
    if output is None:
        click.echo(text, nl=False)
        return
    from mapper.atomic import atomic_write

    atomic_write(output, text, overwrite=overwrite)
    click.echo(f"wrote {output}", err=True)


@cli.command()
@click.option("--indent", default=2, show_default=True, help="JSON indentation.")
def schema(indent: int) -> None:
    """Print the JSON Schema of the scenario format (for editors such as VS Code YAML)."""
    from mapper.scenario import schema_json

    click.echo(schema_json(indent=indent), nl=False)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``mapper`` console script."""
    try:
        cli.main(args=argv, prog_name="mapper", standalone_mode=False)
    except click.exceptions.Abort:
        _echo_err("Aborted.")
        sys.exit(1)
    except click.ClickException as exc:  # usage errors: exit 2
        exc.show()
        sys.exit(exc.exit_code)
    except MapperError as exc:
        _echo_err(f"Error: {exc}" if "\n" not in str(exc) else str(exc))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _echo_err("Interrupted.")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)

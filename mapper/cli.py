"""The ``mapper`` command: a thin click layer over the library.

Each command parses its options and calls one library function. Heavy imports happen inside the commands, so that
``mapper --help`` stays fast. ``MapperError`` becomes a clean message on stderr with exit code 1 (2 for usage);
nothing a user can cause shows a traceback.

Every line printed goes through ``_echo`` (or ``_echo_err``): text passes ``textsafe.terminal`` (control characters,
escape sequences and bidi controls from file names, front-line files or scenario text are shown as visible
escapes, never sent to the terminal), and standard output that cannot be written (a full disk: ``> /dev/full``)
is an ``OutputError`` ("cannot write to standard output: ..."), exit 1; a closed pipe (``| head``) ends quietly
with exit 0.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from mapper import __version__
from mapper.errors import MapperError, OutputError
from mapper.textsafe import terminal

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
at_opt = click.option(
    "--at",
    "at",
    metavar="DATE",
    help="The scenario on this day: YYYY-MM-DD, YYYY-MM or D+N (days after its start): the front line in "
    "force then and only what is present then.",
)


def _finite_advance(
    ctx: click.Context, param: click.Parameter, value: float | None
) -> float | None:
    # FloatRange lets "nan" through (every comparison with NaN is false)
    if value is not None and value != value:
        raise click.BadParameter("expected a number of km, 0 < KM <= 500, got nan", ctx, param)
    return value


advance_opt = click.option(
    "--advance",
    "advance_km",
    callback=_finite_advance,
    # 500: mapper.advance.MAX_ADVANCE_KM, written out so that --help imports no geometry
    type=click.FloatRange(0, 500, min_open=True),
    metavar="KM",
    default=None,
    help="What if the line moves: measure against a hypothetical line KM (0 < KM <= 500) beyond the real one "
    "(the occupied area grown geodesically by KM, clipped to Ukraine).",
)


class _StdoutClosed(Exception):
    """The reader of stdout went away (``| head``): not an ``OSError``, so that click does not turn it into exit
    1 on its way out; ``main`` ends quietly with exit 0."""


def _echo(message: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print one message (made safe for a terminal); stdout that cannot be written is an ``OutputError``."""
    if err:
        _echo_err(message, nl=nl)
        return
    try:
        click.echo(terminal(message), nl=nl)
    except BrokenPipeError as exc:
        raise _StdoutClosed from exc
    except (OSError, ValueError) as exc:  # ENOSPC, EIO ...; ValueError: stdout closed
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise OutputError(f"cannot write to standard output: {reason}") from exc


def _echo_err(message: str, *, nl: bool = True) -> None:
    """Print on stderr (made safe for a terminal); if stderr itself cannot be written there is no one to tell."""
    with contextlib.suppress(OSError, ValueError):
        click.echo(terminal(message), err=True, nl=nl)


class _StderrHandler(logging.Handler):
    """The library's log records on stderr as ``warning: MESSAGE`` (the stream looked up at each record, so a
    test runner's captured stderr gets them too)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            _echo_err(f"{record.levelname.lower()}: {record.getMessage()}")
        except Exception:  # a logging handler must never raise into the library
            self.handleError(record)


def configure_logging(verbosity: int) -> None:
    """``-q`` errors only, default warnings, ``-v`` progress and info, ``-vv`` debug."""
    level = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)
    logger = logging.getLogger("mapper")
    for handler in [h for h in logger.handlers if isinstance(h, _StderrHandler)]:
        logger.removeHandler(handler)
    logger.addHandler(_StderrHandler())
    logger.setLevel(level)


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
    configure_logging(ctx.obj["verbosity"])


@cli.command()
@click.argument("name")
@click.option("--limit", default=10, show_default=True, help="At most this many candidates.")
def places(name: str, limit: int) -> None:
    """Look a place NAME ("Lyman", "Lyman, Kharkiv") up in the gazetteer and print the places of that name.

    Only exact matches are listed (own names first, then alternate spellings), most populous first; with several,
    a note on stderr says which one the name alone means in a scenario, or that it must be qualified. Exits 1 with
    "no exact match" when there is none (close spellings are shown as suggestions), 2 for an empty NAME.
    """
    if not name.strip():
        raise click.UsageError("NAME is empty; give a place name, e.g. `mapper places Lyman`")
    from mapper.errors import PlaceError
    from mapper.geodata import gazetteer

    found = gazetteer().matches(name, limit=limit)
    for place in found:
        _echo(place.describe())
    if len(found) > 1:  # the stdout list stays the matches only
        try:
            note = f"alone, {name.strip()!r} means {gazetteer().resolve(name).describe()}"
        except PlaceError:
            note = f"alone, {name.strip()!r} is ambiguous: qualify it with an oblast or a country"
        _echo(note, err=True)


@cli.command()
@click.option("--type", "types", multiple=True, help="Only sites of this type (repeatable).")
@click.option(
    "--country", "countries", multiple=True, help="Only sites in this country (repeatable)."
)
@click.option(
    "-f", "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
    show_default=True,
)  # fmt: skip
def sites(types: tuple[str, ...], countries: tuple[str, ...], fmt: str) -> None:
    """List the bundled key sites (geodata/key_sites.csv) with their coordinates: nuclear power plants,
    seaports, airbases, airports, Dnipro dams and crossings.

    Types: nuclear_power_plant, seaport, airbase, airport, dam, crossing. Countries: names, ISO-2 or ISO-3
    codes. Sources and accuracy per type: geodata/SOURCES.md.
    """
    from mapper.keysites import sites_text

    _echo(sites_text(types, countries, fmt=fmt), nl=False)


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
            _echo(problem.format(), err=problem.severity == "error")
        if report.errors:
            bad += 1
        elif not quiet:
            n = len(report.warnings)
            _echo(f"{report.file}: ok" + (f" ({n} warning{'s' if n != 1 else ''})" if n else ""))
    if not quiet or bad:
        _echo(f"{len(reports)} file(s) checked, {bad} with errors.", err=bool(bad))
    if bad:
        sys.exit(1)


option_opt = click.option(
    "--option", "options", multiple=True, help="Only this option id (repeatable)."
)


class PixelSize(click.ParamType):
    """``WIDTHxHEIGHT`` in pixels, e.g. ``1600x1000`` (64 to 10000 each)."""

    name = "WIDTHxHEIGHT"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None):
        if isinstance(value, tuple):
            return value
        text = str(value).strip().lower().replace("×", "x")
        parts = text.split("x")
        if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
            self.fail(
                f"expected WIDTHxHEIGHT in pixels such as 1600x1000, got {value!r}", param, ctx
            )
        w, h = (int(p) for p in parts)
        if not (64 <= w <= 10_000 and 64 <= h <= 10_000):
            self.fail(f"width and height must be 64 to 10000 pixels, got {w}x{h}", param, ctx)
        return (w, h)


# analyze (with --at, --over-time, --advance) lives in mapper/commands/analyze.py: this module is near its size
# limit; it imports the shared options above, so it is registered here, after them
from mapper.commands import analyze as _analyze  # noqa: E402

cli.add_command(_analyze.command())
from mapper.commands import frontlines as _frontlines  # noqa: E402

cli.add_command(_frontlines.command())
from mapper.commands import serve as _serve  # noqa: E402

cli.add_command(_serve.command())


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
@click.option(
    "--image",
    "--png",
    "image",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw a static map (offline, matplotlib) to this file: .png, .pdf or .svg by its suffix "
    "(PDF and SVG are vector, text kept as text). --png is the same option.",
)
@click.option(
    "--size",
    type=PixelSize(),
    default=None,
    help="Static map size in pixels, WIDTHxHEIGHT (default 1600x1000; needs --image).",
)
@click.option(
    "--dpi",
    type=click.IntRange(20, 1200),
    default=None,
    help="Static map resolution: text and symbols scale with it (default 150; needs --image).",
)
@at_opt
@advance_opt
@click.pass_context
def render(
    ctx: click.Context,
    scenario: Path,
    output: Path | None,
    options: tuple[str, ...],
    tiles: str | None,
    front_line: Path | None,
    overwrite: bool,
    image: Path | None,
    size: tuple[int, int] | None,
    dpi: int | None,
    at: str | None,
    advance_km: float | None,
) -> None:
    """Draw SCENARIO as a self-contained HTML map (default out/<scenario id>.html).

    With --image OUT.png (or OUT.pdf, OUT.svg), also draw the same map as a static image for slides, reports
    and print; --png is another name for --image.
    """
    from mapper.api import render_files

    if image is None and (size is not None or dpi is not None):
        raise click.UsageError(
            "--size and --dpi apply to the static map: give --image OUT.png (or --png) too"
        )
    written = render_files(
        scenario,
        output,
        image=image,
        size=size or (1600, 1000),
        dpi=dpi or 150,
        options=list(options),
        tiles=tiles,
        front_line=front_line,
        overwrite=overwrite,
        at=at,
        advance_km=advance_km,
    )
    if ctx.obj["verbosity"] >= 0:
        for path in written:
            _echo(f"wrote {path}")


@cli.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["geojson", "gpkg", "kml"], case_sensitive=False),
    default=None,
    help="Output format [default: from the -o file name, else geojson].",
)
@output_opt
@overwrite_opt
@front_line_opt
@option_opt
@click.pass_context
def export(
    ctx: click.Context,
    scenario: Path,
    fmt: str | None,
    output: Path | None,
    overwrite: bool,
    front_line: Path | None,
    options: tuple[str, ...],
) -> None:
    """Export SCENARIO's geometries and analysis as GeoJSON, GeoPackage or KML (for QGIS, ArcGIS, Google Earth).

    Default output: out/<scenario id>.geojson (.gpkg, .kml). Layers: forces, hubs, lines, areas, zones,
    coverage_rings, distance_bands, front_line, occupied_area; every distance the analysis gives is an attribute.
    """
    from mapper.export import export_scenario

    if fmt is None and (
        output is None or output.suffix.lower() not in (".geojson", ".json", ".gpkg", ".kml")
    ):
        fmt = "geojson"
    out = export_scenario(
        scenario,
        output,
        fmt=fmt.lower() if fmt else None,
        front_line=front_line,
        options=list(options),
        overwrite=overwrite,
    )
    if ctx.obj["verbosity"] >= 0:
        _echo(f"wrote {out}")


@cli.command()
@click.argument(
    "scenario_dir", required=False, default="scenarios", type=click.Path(path_type=Path)
)
@click.option(
    "-o",
    "--output",
    "out_dir",
    default="out/gallery",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Gallery folder (replaced atomically).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes [default: number of CPUs].",
)
@click.option("-q", "--quiet", "quiet_here", is_flag=True, help="No progress; only errors.")
@click.option("--overwrite", is_flag=True, help="Replace an existing folder that is not a gallery.")
@click.pass_context
def gallery(
    ctx: click.Context,
    scenario_dir: Path,
    out_dir: Path,
    jobs: int | None,
    quiet_here: bool,
    overwrite: bool,
) -> None:
    """Build a static gallery of every scenario in SCENARIO_DIR (default scenarios/).

    Writes index.html (a card per scenario), maps/<id>.html, thumbs/<id>.png and gallery.json; only scenarios
    that changed are rendered again. Invalid scenarios get a card with their errors, and the exit code is 1.
    """
    from mapper.gallery import build_gallery

    quiet = quiet_here or ctx.obj["verbosity"] < 0
    progress = None if quiet or not _is_terminal(sys.stderr) else TerminalProgress()
    result = build_gallery(scenario_dir, out_dir, jobs=jobs, progress=progress, overwrite=overwrite)
    for entry in result.failed:
        for message in entry.errors:
            _echo_err(message)
    if result.failed:
        _echo_err(result.summary_line())
        sys.exit(1)
    if not quiet:
        _echo(result.summary_line())


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "md", "csv", "json", "html"]),
    default=None,
    help="Output format [default: from the -o file name, else table; html goes to out/compare.html].",
)
@output_opt
@overwrite_opt
@click.option(
    "--rank-by",
    "rank_by",
    metavar="CRITERIA",
    help="Comma-separated metrics to rank the options on, each separately: higher is better, a leading "
    "'-' means lower is better (e.g. min_distance_to_front_km,-troops; see docs/compare.md).",
)
@click.option(
    "--pair",
    metavar="A,B",
    help="The two options shown on synchronised side-by-side maps (html) [default: the first two].",
)
@click.option(
    "--keep-going", is_flag=True, help="Compare the valid scenarios and list the failed ones."
)
@front_line_opt
@advance_opt
@click.pass_context
def compare(
    ctx: click.Context,
    paths: tuple[Path, ...],
    fmt: str | None,
    output: Path | None,
    overwrite: bool,
    rank_by: str | None,
    pair: str | None,
    keep_going: bool,
    front_line: Path | None,
    advance_km: float | None,
) -> None:
    """Compare the options of several scenarios (files or folders): a table, Markdown, CSV, JSON or an HTML
    report with charts and maps. Numbers are those of `mapper analyze`.
    """
    from mapper.comparison import write_comparison

    # warnings and the files not compared are logged by the library (shown as "warning: ..." / "error: ...")
    result = write_comparison(
        list(paths),
        output,
        fmt,
        rank_by=rank_by,
        pair=pair,
        front_line=front_line,
        keep_going=keep_going,
        overwrite=overwrite,
        advance_km=advance_km,
    )
    if result.path is not None:
        if ctx.obj["verbosity"] >= 0:
            _echo_err(f"wrote {result.path}")
    else:
        _echo(result.text or "", nl=False)
    if result.failures:
        _echo_err(f"{result.failures} scenario file(s) could not be compared")
        sys.exit(1)


@cli.command()
@click.argument("brief", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The scenario file to write [default: out/<brief id>.yaml].",
)
@click.option(
    "--method",
    type=click.Choice(["milp", "greedy"]),
    default="milp",
    show_default=True,
    help="milp: exact (HiGHS); greedy: the heuristic alone.",
)
@click.option(
    "--explain", is_flag=True, help="List each unit's site and what it adds (marginal coverage)."
)
@click.option(
    "--alternatives",
    type=click.IntRange(0, 10),
    default=0,
    metavar="N",
    help="Also the N (0 to 10) next-best placements with different sites, written as further options.",
)
@click.option(
    "--time-limit",
    "time_limit",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="SECONDS",
    help="Stop each solve after this long and report the best placement found and its gap.",
)
@overwrite_opt
@click.pass_context
def suggest(
    ctx: click.Context,
    brief: Path,
    output: Path | None,
    method: str,
    explain: bool,
    alternatives: int,
    time_limit: float | None,
    overwrite: bool,
) -> None:
    """Place the units of BRIEF where they cover the most (exactly, by default), and write the result as a
    scenario option that render, analyze and compare take like any other (docs/suggest.md)."""
    from mapper.suggestion import suggest_file

    if alternatives and method != "milp":
        raise click.UsageError("--alternatives needs --method milp")
    result = suggest_file(
        brief,
        output,
        method=method,
        time_limit=time_limit,
        alternatives=alternatives,
        overwrite=overwrite,
    )
    if ctx.obj["verbosity"] >= 0:
        for line in result.summary_lines(explain=explain):
            _echo(line)
        _echo_err(f"wrote {result.path}")


def _emit(text: str, output: Path | None, overwrite: bool) -> None:
    """Write to stdout, or atomically to a file (under the one output policy)."""
    if output is None:
        _echo(text, nl=False)
        return
    from mapper.pipeline import check_target

    check_target(output, overwrite=overwrite).write(text)
    _echo_err(f"wrote {output}")


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class TerminalProgress:
    """The gallery's one-line progress bar on stderr: ``[######----] 3/5 dnipro_line.yaml``."""

    def __init__(self, stream: Any = None, width: int = 24) -> None:
        self.stream = stream or sys.stderr
        self.width = width

    def __call__(self, done: int, total: int, entry: Any) -> None:
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "-" * (self.width - filled)
        mark = "" if entry.built else " (failed)"
        line = f"\r[{bar}] {done}/{total} {terminal(entry.source)}{mark}"  # a file name: made safe
        with contextlib.suppress(OSError, ValueError):  # stderr gone: the build goes on
            self.stream.write(
                line[:120].ljust(120)
            )  # \r then a full width: no tail of a longer line stays
            if done == total:
                self.stream.write("\n")
            self.stream.flush()


@cli.command()
@click.option("--indent", default=2, show_default=True, help="JSON indentation.")
@click.option(
    "--brief", "of_brief", is_flag=True, help="The schema of a placement brief (mapper suggest)."
)
def schema(indent: int, of_brief: bool) -> None:
    """Print the JSON Schema of the scenario format, or with --brief of a brief (for editors such as VS Code
    YAML)."""
    if of_brief:
        from mapper.brief import schema_json as brief_schema_json

        _echo(brief_schema_json(indent=indent), nl=False)
        return
    from mapper.scenario import schema_json

    _echo(schema_json(indent=indent), nl=False)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``mapper`` console script."""
    try:
        _main(argv)
    finally:  # a caller in the same process (a notebook, a script) keeps its own logging as it was
        logger = logging.getLogger("mapper")
        for handler in [h for h in logger.handlers if isinstance(h, _StderrHandler)]:
            logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)


def _main(argv: list[str] | None) -> None:
    try:
        cli.main(args=argv, prog_name="mapper", standalone_mode=False)
        _flush_stdout()
    except (click.ClickException, click.exceptions.Abort, MapperError, KeyboardInterrupt) as exc:
        code = _report(exc)
        if isinstance(exc, OutputError) and str(exc).startswith("cannot write to standard output"):
            _silence_stdout()
        sys.exit(code)
    except (BrokenPipeError, _StdoutClosed):
        _silence_stdout()
        sys.exit(0)


def _flush_stdout() -> None:
    """Flush stdout inside ``main`` (not at interpreter exit, where a failure prints a traceback-like notice)."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise OutputError(f"cannot write to standard output: {reason}") from exc


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's own flush at exit has nothing to fail on (its docs' recipe
    for a closed pipe); in-process (tests) stdout may have no descriptor, then nothing is needed."""
    with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _report(exc: BaseException) -> int:
    """Print what went wrong as a user should read it; return the exit code."""
    if isinstance(exc, click.exceptions.Abort) and isinstance(exc.__context__, KeyboardInterrupt):
        # click turns an interrupt into Abort: report the interrupt (and its signal)
        exc = exc.__context__
    if isinstance(exc, click.exceptions.Abort):
        _echo_err("Aborted.")
        return 1
    if isinstance(exc, click.ClickException):  # usage errors: exit 2
        shown = io.StringIO()
        exc.show(file=shown)  # quotes what the user typed: printed through the terminal boundary
        _echo_err(shown.getvalue(), nl=False)
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):  # gallery.Interrupted carries the signal (SIGTERM ...)
        _echo_err(f"Interrupted ({exc})." if str(exc) else "Interrupted.")
        return 128 + getattr(exc, "signum", 2)
    assert isinstance(exc, MapperError)
    # located problems keep the `file:line:col:` form at the start of the line (editors parse it)
    located = any(p.line is not None for p in getattr(exc, "problems", ()))
    _echo_err(str(exc) if located or "\n" in str(exc) else f"Error: {exc}")
    return exc.exit_code

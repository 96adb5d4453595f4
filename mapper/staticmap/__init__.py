"""Static maps of a prepared scenario (PNG, PDF, SVG), drawn offline with matplotlib: for briefings, print,
reports and the gallery.

``draw_static_map(prepared)`` returns PNG bytes of the same picture the HTML map shows: the basemap (countries
with NATO members tinted, Ukraine's oblasts, rivers and lakes, Russia and Belarus shaded), the dated front line,
the occupied area, the distance bands from the scenario's threat (the legend says which: ``features.band_basis``),
and every option's areas, zones, lines, coverage rings,
hubs and forces in the option's colour, with the colours of ``mapper.style``. Everything derived (bands, rings,
hub links) comes from ``Prepared.features``; nothing is loaded, analysed or computed again here. Forces are APP-6
style friendly-unit frames (``units``). A legend panel with each option's key numbers, a title, a scale bar, a
north arrow and a credits line (front-line date and source; Natural Earth, GeoNames CC-BY 4.0, GSHHG LGPL)
complete it. ``write_image(prepared, output)`` writes it in the format of the output's suffix (``IMAGE_FORMATS``:
``.png``, ``.pdf``, ``.svg``; anything else is a ``UsageError`` listing them) under that format's output policy
(``IMAGE_OUTPUTS``); PDF and SVG are vector pages whose text stays text (TrueType fonts embedded, ``<text>``
elements). ``render_image(source, output)`` prepares a scenario file first; ``write_png``/``render_png`` are
their older names. Units are APP-6 friendly frames filled as on the HTML map, the option's colour under their
labels; labels never overlap (``labels``: forces over hubs over places, bigger over smaller).

The package: ``projection`` (LAEA centred on the map, the extent), ``drawing`` (the map frame, geometry →
matplotlib, text), ``basemap`` (basemap, situation and options: fills and lines), ``units`` (unit frames),
``labels`` (symbol and label placement, place names), ``legend`` (title, credits, legend panel), ``furniture``
(scale bar, north arrow). ``charts`` (the comparison's charts) stands beside them and is not imported here.

Projection: **Lambert azimuthal equal-area** (``+proj=laea``, WGS84) centred on the map's extent (rounded to
0.5°): areas (bands, occupied area, zones) are shown in true proportion and shapes are not stretched as they are
in raw longitude/latitude. The scale bar is computed geodesically at the map centre (where LAEA's scale is 1 in
every direction); the north arrow points to true north where it stands.

Drawing uses ``matplotlib.figure.Figure`` with the Agg canvas directly (no pyplot, so no global state is shared
between calls) and writes the PNG without a timestamp, so the same inputs give the same bytes.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapper import pipeline
from mapper.staticmap.basemap import SEA, draw_basemap, draw_options, draw_situation
from mapper.staticmap.drawing import Frame, Style
from mapper.staticmap.furniture import draw_north_arrow, draw_scale_bar
from mapper.staticmap.labels import Boxes, draw_places, place_sites, reserve_places, sites_of
from mapper.staticmap.legend import CREDITS, draw_credits, draw_legend, draw_title
from mapper.staticmap.projection import map_extent, projection

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "CREDITS",
    "IMAGE_FORMATS",
    "IMAGE_OUTPUTS",
    "PNG_OUTPUT",
    "check_image_target",
    "check_png_target",
    "draw_figure",
    "draw_static_map",
    "encode_figure",
    "image_format",
    "map_extent",
    "projection",
    "render_image",
    "render_png",
    "write_image",
    "write_png",
    "written_by_mapper",
]

log = logging.getLogger("mapper")

#: PNG text chunks: no timestamp (determinism), and a tag by which re-rendering recognises its own files.
PNG_METADATA = (("Software", "mapper"),)


def written_by_mapper(path: str | os.PathLike[str]) -> bool:
    """Whether the file at ``path`` is a PNG this module wrote (so re-rendering may replace it)."""
    from mapper.atomic import head_contains

    return head_contains(path, b"\x89PNG", limit=8) and head_contains(
        path, b"tEXtSoftware\x00mapper", limit=512
    )


#: PDF and SVG metadata: no date (determinism) and mapper as the creator, by which a re-render knows its file.
_VECTOR_METADATA: dict[str, dict[str, Any]] = {
    "pdf": {"Creator": "mapper", "Producer": "mapper", "CreationDate": None},
    "svg": {"Creator": "mapper", "Date": None},
}


def _tail_contains(path: str | os.PathLike[str], marker: bytes, limit: int = 8192) -> bool:
    """Whether the last ``limit`` bytes of the regular file at ``path`` contain ``marker`` (a PDF's document
    information is written at its end). Never opens a FIFO or device."""
    if not os.path.isfile(path):
        return False
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - limit))
            return marker in fh.read(limit)
    except OSError:
        return False


def _pdf_by_mapper(path: str | os.PathLike[str]) -> bool:
    from mapper.atomic import head_contains

    return head_contains(path, b"%PDF-", limit=8) and _tail_contains(path, b"/Creator (mapper)")


def _svg_by_mapper(path: str | os.PathLike[str]) -> bool:
    from mapper.atomic import head_contains

    return head_contains(path, b"<svg", limit=512) and head_contains(
        path, b"<dc:title>mapper</dc:title>", limit=2048
    )


#: Where PNG maps go (``out/<scenario id>.png``) and which existing files they replace: their own.
PNG_OUTPUT = pipeline.OutputPolicy(".png", "a PNG", written_by_mapper)
#: The static image formats, chosen by the output's suffix, each with its output policy.
IMAGE_OUTPUTS: dict[str, pipeline.OutputPolicy] = {
    "png": PNG_OUTPUT,
    "pdf": pipeline.OutputPolicy(".pdf", "a PDF", _pdf_by_mapper),
    "svg": pipeline.OutputPolicy(".svg", "an SVG", _svg_by_mapper),
}
IMAGE_FORMATS = tuple(IMAGE_OUTPUTS)


def image_format(path: str | os.PathLike[str] | None) -> str:
    """The static format of an output path by its suffix (``png``, ``pdf``, ``svg``, any case); ``None`` is the
    default PNG. Any other suffix is a ``UsageError`` naming what was given and the formats there are."""
    if path is None:
        return "png"
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in IMAGE_OUTPUTS:
        return suffix
    from mapper.errors import UsageError

    given = f"suffix .{suffix}" if suffix else "no suffix"
    raise UsageError(
        f"{path}: {given}; a static map is written as "
        + ", ".join(f".{f}" for f in IMAGE_FORMATS)
        + " (by the output's suffix)"
    )


@dataclass(frozen=True)
class _Layout:
    """The figure's parts in pixels: margins, the title band (``top``), the credits band, the legend panel."""

    margin: int
    top: int
    bottom: int
    panel: int
    map_w: int
    map_h: int


def _layout(
    width: int, height: int, dpi: int, *, title: bool, legend: bool, thumbnail: bool
) -> _Layout:
    pt = dpi / 72.0
    margin = 0 if thumbnail else round(8 * pt)
    top = round(34 * pt) if title else margin
    bottom = round(20 * pt) if not thumbnail else 0
    panel = round(min(max(0.25 * width, 150 * pt), 0.4 * width)) if legend else 0
    map_w = width - 2 * margin - panel - (margin if legend else 0)
    map_h = height - top - bottom - (0 if thumbnail else margin)
    if map_w < 32 or map_h < 32:
        raise ValueError(f"size {width}x{height} at {dpi} dpi leaves no room for the map")
    return _Layout(margin, top, bottom, panel, map_w, map_h)


def _map_axes(
    fig: Figure,
    prepared: pipeline.Prepared,
    lay: _Layout,
    size: tuple[int, int],
    pt: float,
    thumbnail: bool,
) -> tuple[Any, Frame]:
    """The map's axes, framed on everything the scenario draws, and that ``Frame``."""
    width, height = size
    ax = fig.add_axes(
        (lay.margin / width, lay.bottom / height, lay.map_w / width, lay.map_h / height)
    )
    lat0, lon0, (xmin, xmax, ymin, ymax) = map_extent(prepared, lay.map_w / lay.map_h)
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_facecolor(SEA)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.6 if not thumbnail else 0.0)
        spine.set_color("#555555")
    return ax, Frame(lat0, lon0, xmin, xmax, ymin, ymax, (xmax - xmin) / lay.map_w, pt)


def _checked_size(size: tuple[int, int], dpi: int) -> tuple[int, int]:
    width, height = (int(v) for v in size)
    if width < 64 or height < 64 or width > 10_000 or height > 10_000:
        raise ValueError(f"size must be between 64x64 and 10000x10000 pixels, got {width}x{height}")
    if not 20 <= dpi <= 1200:
        raise ValueError(f"dpi must be between 20 and 1200, got {dpi}")
    return width, height


def draw_static_map(
    prepared: pipeline.Prepared,
    *,
    size: tuple[int, int] = (1600, 1000),
    dpi: int = 150,
    title: bool = True,
    legend: bool = True,
    thumbnail: bool = False,
    fmt: str = "png",
) -> bytes:
    """The prepared scenario's map (``mapper.pipeline.prepare``) as PNG bytes of exactly ``size`` (width,
    height) pixels at ``dpi``; ``fmt="pdf"`` or ``"svg"`` draws the same figure as a vector page of that size
    (``size / dpi`` inches) whose text stays text.

    Offline (matplotlib, Agg) in a Lambert azimuthal equal-area projection centred on the theatre. ``title`` draws
    the scenario title and dates above the map; ``legend`` a panel on the right with the legend and each option's
    key numbers. ``thumbnail=True`` draws a simplified, text-free map for the gallery (no labels, title, legend,
    scale bar or credits), e.g. ``size=(480, 320), dpi=96``. Text sizes are in points: a higher ``dpi`` makes
    text and symbols larger relative to the image. Deterministic: the same inputs give the same bytes.
    """
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"fmt must be one of {', '.join(IMAGE_FORMATS)}, got {fmt!r}")
    fig = draw_figure(prepared, size=size, dpi=dpi, title=title, legend=legend, thumbnail=thumbnail)
    return encode_figure(fig, fmt)


def draw_figure(
    prepared: pipeline.Prepared,
    *,
    size: tuple[int, int] = (1600, 1000),
    dpi: int = 150,
    title: bool = True,
    legend: bool = True,
    thumbnail: bool = False,
) -> Figure:
    """The matplotlib ``Figure`` (on an Agg canvas) that ``draw_static_map`` encodes, for callers that measure
    or add to it."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if not isinstance(prepared, pipeline.Prepared):
        raise TypeError(
            "draw_static_map takes a mapper.pipeline.Prepared (see pipeline.prepare), "
            f"not {type(prepared).__name__}"
        )
    width, height = _checked_size(size, dpi)
    prepared = on_its_date(prepared)
    if thumbnail:
        title = legend = False
    log.debug("drawing %s: %dx%d px at %d dpi", prepared.id, width, height, dpi)
    pt = dpi / 72.0  # pixels per point
    fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    fig.set_layout_engine(None)
    lay = _layout(width, height, dpi, title=title, legend=legend, thumbnail=thumbnail)
    ax, frame = _map_axes(fig, prepared, lay, (width, height), pt, thumbnail)
    style = Style(
        frame_w=7.0 if thumbnail else 13.0,
        front_lw=1.6 if thumbnail else 2.2,
        label_size=6.2,
        marks=not thumbnail,
        labels=not thumbnail,
    )
    draw_basemap(ax, frame, thumbnail)
    draw_situation(ax, prepared, frame, style)
    draw_options(ax, prepared, frame, style)
    notes = _draw_own_layers(ax, prepared, frame, style)
    sites = sites_of(prepared, frame)
    boxes = (
        Boxes()
    )  # shared, in priority order: furniture, forces, hubs, then city, country and sea names
    if not thumbnail:
        boxes.add(draw_scale_bar(ax, frame))
        boxes.add(draw_north_arrow(ax, frame))
    if notes:  # the user put annotations where they are: other labels keep clear of them
        from mapper.staticmap.labels import _axes_box

        for t in notes:
            boxes.add(_axes_box(ax, t, canvas.get_renderer()))
    front = prepared.scenario.front.line

    def reserve(taken: Boxes) -> Boxes:
        return reserve_places(ax, frame, canvas, front, taken)

    place_sites(ax, sites, frame, style, boxes, canvas, None if thumbnail else reserve)
    if not thumbnail:
        draw_places(ax, frame, boxes, canvas, sites, front_line=front)
    if title:
        draw_title(fig, prepared, width, height, lay.margin, pt)
    if legend:
        lx = lay.margin + lay.map_w + lay.margin
        lax = fig.add_axes((lx / width, lay.bottom / height, lay.panel / width, lay.map_h / height))
        draw_legend(lax, prepared, lay.panel, lay.map_h, pt)
    if not thumbnail:
        draw_credits(fig, prepared, (frame.lat0, frame.lon0), width, lay.margin, lay.bottom, pt)
    return fig


def _draw_own_layers(ax: Any, prepared: pipeline.Prepared, frame: Any, style: Style) -> list[Any]:
    """The scenario's overlays and annotations (``staticmap.overlays``); the annotations' text artists."""
    scenario = prepared.scenario
    if not scenario.overlays and not scenario.annotations:
        return []
    from mapper.staticmap.overlays import draw_annotations, draw_overlays

    draw_overlays(ax, scenario.overlays, frame, style)
    return draw_annotations(ax, scenario.annotations, frame, style)


def on_its_date(prepared: pipeline.Prepared) -> pipeline.Prepared:
    """A picture shows one day: a timed scenario as it stands on its ``date`` (only the elements present then;
    ``prepare(source, at=DATE)`` gives that already, and is returned as it is)."""
    from mapper.timeline import of

    scenario = prepared.scenario
    if not of(scenario).timed:
        return prepared
    day = scenario.date
    for option in scenario.options:
        elements: tuple[Any, ...] = (
            *option.forces,
            *option.hubs,
            *option.lines,
            *option.areas,
            *option.zones,
        )
        if not all(x.window.contains(day) for x in elements):
            from mapper.analysis import analyze

            at = scenario.at(day)
            ids = [o.option.id for o in prepared.analysis.options]
            return pipeline.Prepared(at, analyze(at, options=ids))
    return prepared


def encode_figure(fig: Figure, fmt: str = "png") -> bytes:
    """The figure as ``fmt`` bytes, with no timestamp; PDF and SVG keep text as text (TrueType fonts embedded
    in the PDF, ``<text>`` elements in the SVG), and carry mapper as their creator (how a re-render knows them)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buf = io.BytesIO()
    if fmt == "png":
        canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
        canvas.print_png(buf, metadata=dict(PNG_METADATA))
        return buf.getvalue()
    with matplotlib.rc_context(
        {"svg.fonttype": "none", "pdf.fonttype": 42, "svg.hashsalt": "mapper"}
    ):
        fig.savefig(buf, format=fmt, metadata=_VECTOR_METADATA[fmt])
    return buf.getvalue()


# -------------------------------------------------------------------------------------------------------------
# Writing


def check_image_target(path: str | os.PathLike[str] | None, overwrite: bool) -> bool:
    """Refuse an unknown suffix (``UsageError``) and an existing file that is not an image of that format
    written by mapper unless ``overwrite`` (``OutputError``); return the effective ``overwrite`` for the write.
    The CLI calls it to refuse before any work."""
    policy = IMAGE_OUTPUTS[image_format(path)]
    return policy.claim(path, "", overwrite=overwrite).overwrite


#: The PNG name of ``check_image_target`` (kept for callers that only wrote PNGs).
check_png_target = check_image_target


def write_image(
    prepared: pipeline.Prepared,
    output: str | os.PathLike[str] | None = None,
    *,
    overwrite: bool = False,
    size: tuple[int, int] = (1600, 1000),
    dpi: int = 150,
) -> Path:
    """Draw an already prepared scenario as a static map in the format of ``output``'s suffix (``.png``,
    ``.pdf``, ``.svg``; default ``out/<scenario id>.png``), written atomically. As for the HTML map, an image
    this tool wrote is replaced; any other existing file needs ``overwrite`` (checked before drawing); any other
    suffix is a ``UsageError``. Returns the path."""
    fmt = image_format(output)
    target = IMAGE_OUTPUTS[fmt].claim(output, prepared.id, overwrite=overwrite)
    return target.write(draw_static_map(prepared, size=size, dpi=dpi, fmt=fmt))


#: ``write_image`` by its older name: the format still follows the suffix (a ``.pdf`` path gets a PDF).
write_png = write_image


def render_image(
    source: pipeline.Source,
    output: str | os.PathLike[str] | None = None,
    *,
    options: Sequence[str] | None = None,
    front_line: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
    size: tuple[int, int] = (1600, 1000),
    dpi: int = 150,
) -> Path:
    """Prepare (load and analyse) ``source`` once, then ``write_image`` it. A given ``output`` (its suffix and
    the file) is checked before the work, so a refused run fails fast. Returns the path."""
    check_image_target(output, overwrite)
    prepared = pipeline.prepare(source, front_line=front_line, options=options)
    return write_image(prepared, output, overwrite=overwrite, size=size, dpi=dpi)


#: ``render_image`` by its older name.
render_png = render_image

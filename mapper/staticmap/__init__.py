"""Static PNG maps of a scenario, drawn offline with matplotlib: for briefings, reports and the gallery.

``draw_static_map(scenario, analysis)`` returns PNG bytes of the same picture the HTML map shows: the basemap
(countries with NATO members tinted, Ukraine's oblasts, rivers and lakes, Russia and Belarus shaded), the dated
front line, the occupied area, the distance bands from the front line, and every option's areas, zones, lines,
coverage rings, hubs and forces in the option's colour, with the same colours as the HTML map
(``mapper.render.layers``). Forces are APP-6 style friendly-unit frames (a rectangle with a mark per unit kind
and the echelon above it), drawn directly with matplotlib (``milsymbol`` only produces SVG and rasterising SVG
would need a native library). A legend panel with each option's key numbers, a title, a scale bar, a north arrow
and a credits line (front-line date and source; Natural Earth, GeoNames CC-BY 4.0, GSHHG LGPL) complete it.

Projection: **Lambert azimuthal equal-area** (``+proj=laea``, WGS84) centred on the map's extent (rounded to
0.5°): areas (bands, occupied area, zones) are shown in true proportion and shapes are not stretched as they are
in raw longitude/latitude. The scale bar is computed geodesically at the map centre (where LAEA's scale is 1 in
every direction); the north arrow points to true north where it stands.

Drawing uses ``matplotlib.figure.Figure`` with the Agg canvas directly (no pyplot, so no global state is shared
between calls) and writes the PNG without a timestamp or software tag, so the same inputs give the same bytes.
"""

from __future__ import annotations

import io
import math
import os
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from mapper.analysis import ScenarioAnalysis
    from mapper.scenario import Option, Scenario

__all__ = [
    "CREDITS",
    "check_png_target",
    "default_png_output",
    "draw_static_map",
    "map_extent",
    "projection",
    "render_png",
    "written_by_mapper",
]

CREDITS = (
    "Basemap: Natural Earth (public domain) · Places: GeoNames (CC-BY 4.0) · "
    "Rivers and lakes: GSHHG / WDB-II (LGPL-3.0+)"
)
#: PNG text chunks: no timestamp (determinism), and a tag by which re-rendering recognises its own files.
PNG_METADATA = (("Software", "mapper"),)
SEA = "#dce8f2"
UKRAINE_BOUNDS = (22.1, 44.35, 40.25, 52.4)  # lon/lat, always in view: the map is about Ukraine
FONT = "DejaVu Sans"


# -------------------------------------------------------------------------------------------------------------
# Projection and extent


def projection(lat0: float, lon0: float) -> str:
    """The PROJ string of the map projection: LAEA on WGS84 centred at (lat0, lon0)."""
    return f"+proj=laea +lat_0={lat0:g} +lon_0={lon0:g} +datum=WGS84 +units=m +no_defs"


@lru_cache(maxsize=16)
def _transformers(lat0: float, lon0: float) -> tuple[Any, Any]:
    from pyproj import Transformer

    fwd = Transformer.from_crs("EPSG:4326", projection(lat0, lon0), always_xy=True)
    inv = Transformer.from_crs(projection(lat0, lon0), "EPSG:4326", always_xy=True)
    return fwd, inv


def _project(geom: Any, lat0: float, lon0: float) -> Any:
    """Project a geometry (or an array of them) from lon/lat to the map projection."""
    fwd, _ = _transformers(lat0, lon0)

    def tr(xy: np.ndarray) -> np.ndarray:
        x, y = fwd.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, tr)


def _scenario_geometries(scenario: Scenario, analysis: ScenarioAnalysis) -> list[BaseGeometry]:
    from shapely.geometry import Point

    from mapper import geodesy

    geoms: list[BaseGeometry] = [scenario.front.line]
    for option in _options(scenario, analysis):
        for site in (*option.forces, *option.hubs):
            geoms.append(Point(site.location.lon, site.location.lat))
        for f in option.forces:
            if f.range_km:
                geoms.append(
                    geodesy.geodesic_circle(
                        lat=f.location.lat, lon=f.location.lon, radius_km=f.range_km, n=32
                    )
                )
        geoms += [ln.geometry for ln in option.lines] + [a.geometry for a in option.areas]
    return geoms


def map_extent(
    scenario: Scenario, analysis: ScenarioAnalysis, aspect: float
) -> tuple[float, float, tuple[float, float, float, float]]:
    """``(lat0, lon0, (xmin, xmax, ymin, ymax))``: the projection centre and the extent in projected metres of a
    map with this width/height ``aspect`` showing all of Ukraine and everything the scenario places."""
    geoms = [shapely.box(*UKRAINE_BOUNDS), *_scenario_geometries(scenario, analysis)]
    lon_min, lat_min, lon_max, lat_max = shapely.total_bounds(geoms)
    lat0 = round((lat_min + lat_max) / 2 * 2) / 2
    lon0 = round((lon_min + lon_max) / 2 * 2) / 2
    projected = _project(np.array(geoms, dtype=object), lat0, lon0)
    xmin, ymin, xmax, ymax = shapely.total_bounds(projected)
    w, h = xmax - xmin, ymax - ymin
    pad = 0.04 * max(w, h)
    xmin, xmax, ymin, ymax = xmin - pad, xmax + pad, ymin - pad, ymax + pad
    w, h = xmax - xmin, ymax - ymin
    if w / h < aspect:  # widen
        grow = (h * aspect - w) / 2
        xmin, xmax = xmin - grow, xmax + grow
    else:  # heighten
        grow = (w / aspect - h) / 2
        ymin, ymax = ymin - grow, ymax + grow
    return lat0, lon0, (xmin, xmax, ymin, ymax)


# -------------------------------------------------------------------------------------------------------------
# Basemap (projected once per projection centre)


@dataclass(frozen=True)
class _Basemap:
    nato: np.ndarray
    other: np.ndarray
    ukraine: np.ndarray
    hostile: np.ndarray
    country_names: tuple[tuple[str, BaseGeometry], ...]
    regions: np.ndarray  # Ukraine's oblast boundaries
    rivers: np.ndarray
    lakes: np.ndarray
    places: tuple[tuple[str, float, float, int, bool], ...]  # name, x, y, population, in Ukraine


@lru_cache(maxsize=4)
def _basemap(lat0: float, lon0: float) -> _Basemap:
    from mapper import geodata

    c = geodata.countries()
    geoms = _project(np.asarray(c.geometry.values, dtype=object), lat0, lon0)
    iso = c["iso3"].to_numpy()
    nato = c["nato"].to_numpy(dtype=bool)
    hostile = np.isin(iso, ["RUS", "BLR"])
    ukraine = iso == "UKR"
    r = geodata.regions()
    ua = (r["country"] == "UKR").to_numpy()
    regions = _project(
        shapely.boundary(np.asarray(r.geometry.values[ua], dtype=object)), lat0, lon0
    )
    rivers = _project(np.asarray(geodata.rivers().geometry.values, dtype=object), lat0, lon0)
    lakes = _project(np.asarray(geodata.lakes().geometry.values, dtype=object), lat0, lon0)
    p = geodata.places()
    keep = p[
        ((p["country"] == "UA") & (p["population"] >= 150_000)) | (p["population"] >= 1_000_000)
    ]
    keep = keep.sort_values(["population", "name"], ascending=[False, True])
    fwd, _ = _transformers(lat0, lon0)
    px, py = fwd.transform(keep["lon"].to_numpy(float), keep["lat"].to_numpy(float))
    places = tuple(
        (str(n), float(x), float(y), int(pop), cc == "UA")
        for n, x, y, pop, cc in zip(
            keep["name"], px, py, keep["population"], keep["country"], strict=True
        )
    )
    names = tuple((str(n), g) for n, g in zip(c["name"], geoms, strict=True))
    return _Basemap(
        nato=geoms[nato & ~ukraine],
        other=geoms[~nato & ~ukraine],
        ukraine=geoms[ukraine],
        hostile=geoms[hostile],
        country_names=names,
        regions=regions,
        rivers=rivers,
        lakes=lakes,
        places=places,
    )


# -------------------------------------------------------------------------------------------------------------
# Geometry → matplotlib


def _prepare(geoms: Any, box: tuple[float, float, float, float], tol: float) -> list[BaseGeometry]:
    """Clip to the (padded) view, simplify to about a pixel, drop empties."""
    arr = np.atleast_1d(np.asarray(geoms, dtype=object))
    arr = arr[~(shapely.is_missing(arr) | shapely.is_empty(arr))]
    if not len(arr):
        return []
    arr = shapely.clip_by_rect(arr, *box)
    if tol:
        arr = shapely.simplify(arr, tol, preserve_topology=True)
    return [g for g in arr if g is not None and not g.is_empty]


def _polygon_path(geoms: Iterable[BaseGeometry]) -> Any:
    """One compound matplotlib Path of every polygon (holes wound the other way, so they stay holes)."""
    from matplotlib.path import Path

    verts, codes = [], []
    for g in geoms:
        g = shapely.orient_polygons(g, exterior_cw=False)
        for poly in shapely.get_parts(g):
            if poly.geom_type != "Polygon":
                continue
            for ring in (poly.exterior, *poly.interiors):
                xy = np.asarray(ring.coords)[:, :2]
                if len(xy) < 4:
                    continue
                c = np.full(len(xy), Path.LINETO, dtype=np.uint8)
                c[0], c[-1] = Path.MOVETO, Path.CLOSEPOLY
                verts.append(xy)
                codes.append(c)
    if not verts:
        return None
    return Path(np.concatenate(verts), np.concatenate(codes))


def _line_arrays(geoms: Iterable[BaseGeometry]) -> list[np.ndarray]:
    out = []
    for g in geoms:
        if g.geom_type in ("Polygon", "MultiPolygon"):
            g = g.boundary
        for part in shapely.get_parts(g):
            if part.geom_type in ("LineString", "LinearRing"):
                xy = np.asarray(part.coords)[:, :2]
                if len(xy) >= 2:
                    out.append(xy)
            elif part.geom_type in ("MultiLineString", "GeometryCollection"):
                out += _line_arrays([part])
    return out


def _fill(ax: Axes, geoms: Sequence[BaseGeometry], z: float, **style: Any) -> None:
    from matplotlib.patches import PathPatch

    path = _polygon_path(geoms)
    if path is not None:
        ax.add_artist(PathPatch(path, zorder=z, **style))  # add_patch would recompute data limits


def _lines(ax: Axes, geoms: Sequence[BaseGeometry], z: float, **style: Any) -> None:
    from matplotlib.collections import LineCollection

    segs = _line_arrays(geoms)
    if segs:
        style.setdefault("capstyle", "round")
        style.setdefault("joinstyle", "round")
        ax.add_collection(LineCollection(segs, zorder=z, **style))


# -------------------------------------------------------------------------------------------------------------
# APP-6 style unit frames


def _kind_marks(kind: str | None) -> tuple[list[np.ndarray], list[np.ndarray], str | None]:
    """Lines, filled shapes and a text mark of a unit kind, in frame units (frame: x ±0.75, y ±0.5)."""
    x, y = 0.75, 0.5
    lines: list[np.ndarray] = []
    fills: list[np.ndarray] = []
    text = None
    t = np.linspace(0, 2 * np.pi, 37)
    oval = np.column_stack([0.42 * np.cos(t), 0.22 * np.sin(t)])
    cross = [np.array([[-x, -y], [x, y]]), np.array([[-x, y], [x, -y]])]
    k = kind or "unit"
    if k == "infantry":
        lines += cross
    elif k == "mechanised_infantry":
        lines += [*cross, oval]
    elif k == "motorised_infantry":
        lines += [*cross, np.array([[0, -y], [0, y]])]
    elif k == "armour":
        lines.append(oval)
    elif k == "reconnaissance":
        lines.append(np.array([[-x, -y], [x, y]]))
    elif k == "artillery":
        fills.append(np.column_stack([0.13 * np.cos(t), 0.13 * np.sin(t)]))
    elif k == "air_defence":
        a = np.linspace(0, np.pi, 19)
        lines.append(np.column_stack([0.5 * np.cos(a), -y + 0.42 * np.sin(a)]))
    elif k in ("aviation", "fighter"):
        lines.append(
            np.array([[-0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [0.5, 0.25], [-0.5, -0.25]])
        )
    elif k == "rotary_wing":
        lines.append(
            np.array([[-0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [0.5, 0.25], [-0.5, -0.25]])
        )
        fills.append(np.column_stack([0.07 * np.cos(t), 0.07 * np.sin(t)]))
    elif k == "engineer":
        lines.append(np.array([[-0.4, -0.2], [-0.4, 0.2], [0.4, 0.2], [0.4, -0.2]]))
        lines.append(np.array([[0, 0.2], [0, -0.2]]))
    elif k == "signals":
        lines.append(np.array([[-x, y], [-0.1, -0.2], [0.1, 0.2], [x, -y]]))
    elif k == "logistics":
        lines.append(np.array([[-x, -0.22], [x, -0.22]]))
    elif k == "medical":
        lines += [np.array([[0, -0.32], [0, 0.32]]), np.array([[-0.32, 0], [0.32, 0]])]
    elif k == "headquarters":
        text = "HQ"
    elif k == "monitoring":
        lines.append(np.array([[-0.22, -0.2], [0.22, -0.2], [0, 0.22], [-0.22, -0.2]]))
    elif k == "naval":
        lines.append(np.array([[0, 0.3], [0, -0.3]]))
        a = np.linspace(np.pi, 2 * np.pi, 13)
        lines.append(np.column_stack([0.28 * np.cos(a), -0.05 + 0.25 * np.sin(a)]))
        lines.append(np.array([[-0.15, 0.18], [0.15, 0.18]]))
    else:
        text = {
            "special_forces": "SF",
            "military_police": "MP",
            "training": "TRG",
            "isr": "ISR",
        }.get(k)
    return lines, fills, text


_ECHELON_MARKS = {
    "team": "Ø",
    "squad": "•",
    "section": "••",
    "platoon": "•••",
    "company": "I",
    "battalion": "II",
    "regiment": "III",
    "brigade": "X",
    "division": "XX",
    "corps": "XXX",
    "army": "XXXX",
}


@dataclass
class _Site:
    name: str
    label: str
    x: float  # true position (map metres)
    y: float
    dx: float = 0.0  # displacement of the symbol (map metres) when sites share a spot
    dy: float = 0.0
    kind: str | None = None
    echelon: str | None = None
    colour: str = "#000000"
    hub: bool = False
    troops: int = 0


class _Boxes:
    """Axis-aligned boxes already taken on the map (in pixels), for a greedy label placement."""

    def __init__(self) -> None:
        self.boxes: list[tuple[float, float, float, float]] = []

    def free(self, b: tuple[float, float, float, float]) -> bool:
        x0, y0, x1, y1 = b
        return not any(x0 < c[2] and c[0] < x1 and y0 < c[3] and c[1] < y1 for c in self.boxes)

    def overlap(self, b: tuple[float, float, float, float]) -> float:
        """Total area (px²) of ``b`` covered by the boxes taken."""
        x0, y0, x1, y1 = b
        return sum(
            max(0.0, min(x1, c[2]) - max(x0, c[0])) * max(0.0, min(y1, c[3]) - max(y0, c[1]))
            for c in self.boxes
        )

    def add(self, b: tuple[float, float, float, float]) -> None:
        self.boxes.append(b)


# -------------------------------------------------------------------------------------------------------------
# The drawing


@dataclass(frozen=True)
class _Style:
    """Sizes in points (scaled by dpi), set once for full maps and thumbnails."""

    frame_w: float
    front_lw: float
    label_size: float
    marks: bool
    labels: bool


def _options(scenario: Scenario, analysis: ScenarioAnalysis) -> list[Option]:
    chosen = {o.id for o in analysis.options}
    return [o for o in scenario.options if o.id in chosen]


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _text(target: Any, x: float, y: float, s: str, **kw: Any) -> Any:
    """``target.text`` in the map's font with matplotlib's mathtext off: names may contain ``$`` (``${x}``), which
    mathtext would parse (and fail on) instead of drawing literally."""
    return target.text(x, y, s, parse_math=False, family=FONT, **kw)


def draw_static_map(
    scenario: Scenario,
    analysis: ScenarioAnalysis,
    *,
    size: tuple[int, int] = (1600, 1000),
    dpi: int = 150,
    title: bool = True,
    legend: bool = True,
    thumbnail: bool = False,
) -> bytes:
    """The scenario's map as PNG bytes of exactly ``size`` (width, height) pixels at ``dpi``.

    Offline (matplotlib, Agg) in a Lambert azimuthal equal-area projection centred on the theatre. ``title`` draws
    the scenario title and dates above the map; ``legend`` a panel on the right with the legend and each option's
    key numbers. ``thumbnail=True`` draws a simplified, text-free map for the gallery (no labels, title, legend,
    scale bar or credits), e.g. ``size=(480, 320), dpi=96``. Text sizes are in points: a higher ``dpi`` makes
    text and symbols larger relative to the image. Deterministic: the same inputs give the same bytes.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width, height = (int(v) for v in size)
    if width < 64 or height < 64 or width > 10_000 or height > 10_000:
        raise ValueError(f"size must be between 64x64 and 10000x10000 pixels, got {width}x{height}")
    if not 20 <= dpi <= 1200:
        raise ValueError(f"dpi must be between 20 and 1200, got {dpi}")
    if thumbnail:
        title = legend = False
    pt = dpi / 72.0  # pixels per point

    fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    fig.set_layout_engine(None)

    # layout in pixels: title band, credits band, legend panel, map
    margin = 0 if thumbnail else round(8 * pt)
    top = round(34 * pt) if title else margin
    bottom = round(20 * pt) if not thumbnail else 0
    panel = round(min(max(0.25 * width, 150 * pt), 0.4 * width)) if legend else 0
    map_w = width - 2 * margin - panel - (margin if legend else 0)
    map_h = height - top - bottom - (0 if thumbnail else margin)
    if map_w < 32 or map_h < 32:
        raise ValueError(f"size {width}x{height} at {dpi} dpi leaves no room for the map")
    ax = fig.add_axes((margin / width, bottom / height, map_w / width, map_h / height))
    lat0, lon0, (xmin, xmax, ymin, ymax) = map_extent(scenario, analysis, map_w / map_h)
    m_per_px = (xmax - xmin) / map_w
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_facecolor(SEA)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.6 if not thumbnail else 0.0)
        spine.set_color("#555555")

    style = _Style(
        frame_w=7.0 if thumbnail else 13.0,
        front_lw=1.6 if thumbnail else 2.2,
        label_size=6.2,
        marks=not thumbnail,
        labels=not thumbnail,
    )
    view = (xmin, xmax, ymin, ymax)
    boxes = _Boxes()
    _draw_basemap(ax, lat0, lon0, view, m_per_px, thumbnail)
    _draw_situation(ax, scenario, lat0, lon0, view, m_per_px, style, pt)
    sites = _draw_options(ax, scenario, analysis, lat0, lon0, view, m_per_px, style, pt)
    if not thumbnail:
        _place_sites(ax, sites, view, m_per_px, style, pt, boxes, canvas)
        _draw_places(ax, lat0, lon0, view, m_per_px, pt, boxes, canvas, sites)
        _draw_scale_bar(ax, lat0, lon0, view, m_per_px, pt)
        _draw_north_arrow(ax, lat0, lon0, view, m_per_px, pt)
    else:
        _place_sites(ax, sites, view, m_per_px, style, pt, boxes, canvas)

    if title:
        _draw_title(fig, scenario, analysis, width, height, margin, top, pt)
    if legend:
        lx = margin + map_w + margin
        lax = fig.add_axes((lx / width, bottom / height, panel / width, map_h / height))
        _draw_legend(lax, scenario, analysis, panel, map_h, pt)
    if not thumbnail:
        _draw_credits(fig, scenario, lat0, lon0, width, margin, bottom, pt)

    buf = io.BytesIO()
    canvas.print_png(buf, metadata=dict(PNG_METADATA))
    return buf.getvalue()


def _pad_box(
    view: tuple[float, float, float, float], m: float
) -> tuple[float, float, float, float]:
    xmin, xmax, ymin, ymax = view
    return (xmin - m, ymin - m, xmax + m, ymax + m)


def _draw_basemap(
    ax: Axes, lat0: float, lon0: float, view: tuple, m_per_px: float, thumbnail: bool
) -> None:
    b = _basemap(lat0, lon0)
    box = _pad_box(view, 20 * m_per_px)
    tol = m_per_px * (0.6 if not thumbnail else 1.0)
    _fill(ax, _prepare(b.other, box, tol), 1.0, facecolor="#f1efe9", edgecolor="#9a9a9a", lw=0.5)
    _fill(ax, _prepare(b.nato, box, tol), 1.0, facecolor="#e3ecf7", edgecolor="#6d8fb8", lw=0.5)
    _fill(ax, _prepare(b.ukraine, box, tol), 1.1, facecolor="#fbfaf5", edgecolor="none")
    from mapper.style import HOSTILE_COLOUR

    _fill(ax, _prepare(b.hostile, box, tol), 1.2, facecolor=HOSTILE_COLOUR, alpha=0.25, lw=0)
    _fill(ax, _prepare(b.lakes, box, tol), 1.3, facecolor="#bcd7ef", edgecolor="#6fa8dc", lw=0.3)
    if not thumbnail:
        _lines(
            ax,
            _prepare(b.regions, box, tol),
            3.0,
            colors="#a8a8a8",
            linewidths=0.45,
            linestyles=(0, (3, 2.5)),
        )
    _lines(
        ax,
        _prepare(b.rivers, box, tol),
        3.0,
        colors="#6fa8dc",
        linewidths=0.7 if not thumbnail else 0.4,
    )
    _lines(
        ax,
        _prepare(b.ukraine, box, tol),
        3.1,
        colors="#333333",
        linewidths=1.1 if not thumbnail else 0.6,
    )


def _draw_situation(
    ax: Axes,
    scenario: Scenario,
    lat0: float,
    lon0: float,
    view: tuple,
    m_per_px: float,
    style: _Style,
    pt: float,
) -> None:
    from mapper.export import band_geometries
    from mapper.style import FRONT_COLOUR, OCCUPIED_COLOUR

    box = _pad_box(view, 20 * m_per_px)
    tol = m_per_px * 0.5
    for _, _, _, colour, geom in band_geometries(scenario):
        g = _prepare(_project(geom, lat0, lon0), box, tol)
        _fill(ax, g, 2.0, facecolor=colour, alpha=0.35, edgecolor="none")
        _lines(ax, g, 2.05, colors=colour, linewidths=0.5, alpha=0.9)
    front = scenario.front
    if front.occupied is not None and not front.occupied.is_empty:
        g = _prepare(_project(front.occupied, lat0, lon0), box, tol)
        _fill(ax, g, 2.5, facecolor=OCCUPIED_COLOUR, alpha=0.22, edgecolor="none")
    line = _prepare(_project(front.line, lat0, lon0), box, tol)
    _lines(ax, line, 6.0, colors="white", linewidths=style.front_lw + 1.6, alpha=0.8)
    _lines(ax, line, 6.1, colors=FRONT_COLOUR, linewidths=style.front_lw)


def _draw_options(
    ax: Axes,
    scenario: Scenario,
    analysis: ScenarioAnalysis,
    lat0: float,
    lon0: float,
    view: tuple,
    m_per_px: float,
    style: _Style,
    pt: float,
) -> list[_Site]:
    from mapper import geodesy

    box = _pad_box(view, 20 * m_per_px)
    tol = m_per_px * 0.5
    fwd, _ = _transformers(lat0, lon0)
    sites: list[_Site] = []
    for option in _options(scenario, analysis):
        result = analysis.option(option.id)
        c = option.colour
        for area in option.areas:
            g = _prepare(_project(area.geometry, lat0, lon0), box, tol)
            _fill(ax, g, 4.0, facecolor=c, alpha=0.12, edgecolor="none")
            _lines(ax, g, 4.05, colors=c, linewidths=1.1, linestyles=(0, (5, 3)))
        for zone in option.zones:
            g = _prepare(_project(zone.geometry, lat0, lon0), box, tol)
            _fill(ax, g, 4.0, facecolor=c, alpha=0.22, edgecolor="none")
            _lines(ax, g, 4.05, colors=c, linewidths=0.8, linestyles=(0, (1.5, 2.5)))
        for f in option.forces:
            if not f.range_km:
                continue
            ring = geodesy.geodesic_circle(
                lat=f.location.lat, lon=f.location.lon, radius_km=f.range_km
            )
            g = _prepare(_project(ring, lat0, lon0), box, 0)
            _fill(ax, g, 4.5, facecolor=c, alpha=0.06, edgecolor="none")
            _lines(ax, g, 4.55, colors=c, linewidths=1.0, linestyles=(0, (4, 2)), alpha=0.9)
        for ln in option.lines:
            g = _prepare(_project(ln.geometry, lat0, lon0), box, tol)
            dashed = ln.kind in ("supply_route", "corridor")
            lw = (3.2 if ln.kind == "defence_line" else 1.8) * (0.6 if style.frame_w < 10 else 1)
            _lines(ax, g, 5.0, colors="white", linewidths=lw + 1.2, alpha=0.7)
            _lines(
                ax,
                g,
                5.05,
                colors=c,
                linewidths=lw,
                alpha=0.9,
                linestyles=(0, (5, 3)) if dashed else "solid",
            )
        if (
            option.hubs and style.marks
        ):  # links from each force to its nearest hub, as on the HTML map
            links = []
            for f, s in zip(option.forces, result.forces, strict=True):
                hub = next((h for h in option.hubs if h.name == s.nearest_hub), None)
                if hub is None:
                    continue
                path = geodesy.geodesic_path(
                    [(f.location.lon, f.location.lat), (hub.location.lon, hub.location.lat)]
                )
                links.append(_project(path, lat0, lon0))
            _lines(
                ax,
                _prepare(links, box, tol),
                4.8,
                colors=c,
                linewidths=0.6,
                linestyles=(0, (1, 3)),
                alpha=0.8,
            )
        for h in option.hubs:
            x, y = fwd.transform(h.location.lon, h.location.lat)
            sites.append(
                _Site(
                    h.name,
                    _short(h.name, 28) + ("" if "hub" in h.name.lower() else " (hub)"),
                    x,
                    y,
                    kind="logistics",
                    colour=c,
                    hub=True,
                )
            )
        for f, s in zip(option.forces, result.forces, strict=True):
            x, y = fwd.transform(f.location.lon, f.location.lat)
            sites.append(
                _Site(
                    f.name,
                    _short(f.name, 28) + f"\n{s.troops:,}",
                    x,
                    y,
                    kind=f.kind,
                    echelon=f.echelon,
                    colour=c,
                    troops=s.troops,
                )
            )
    return sites


def _place_sites(
    ax: Axes,
    sites: list[_Site],
    view: tuple,
    m_per_px: float,
    style: _Style,
    pt: float,
    boxes: _Boxes,
    canvas: Any,
) -> None:
    """Draw every site's symbol (displacing symbols that share a spot, with a leader line), then label them."""
    from matplotlib import patheffects
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Polygon as MplPolygon

    xmin, xmax, ymin, _ymax = view
    fw = style.frame_w * pt * m_per_px  # frame width in metres
    fh = fw / 1.5
    s = fw / 1.5  # frame units (x ±0.75) → metres

    def px_box(x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
        return (
            (x - xmin) / m_per_px - w / 2,
            (y - ymin) / m_per_px - h / 2,
            (x - xmin) / m_per_px + w / 2,
            (y - ymin) / m_per_px + h / 2,
        )

    gap = 2 * pt * m_per_px
    # bigger units first: they keep their true spot
    order = sorted(range(len(sites)), key=lambda i: (sites[i].hub, -sites[i].troops, sites[i].name))
    frame_boxes = _Boxes()
    offsets = [
        (0, 0),
        (0, 1),
        (0, -1),
        (1, 0),
        (-1, 0),
        (1, 1),
        (-1, 1),
        (1, -1),
        (-1, -1),
        (0, 2),
        (0, -2),
        (2, 0),
        (-2, 0),
    ]
    ech_h = (7 * pt * m_per_px) if style.marks else 0
    for i in order:
        site = sites[i]
        for ox, oy in offsets:
            dx, dy = ox * (fw + gap), oy * (fh + ech_h + gap)
            b = px_box(
                site.x + dx, site.y + dy + ech_h / 2, fw / m_per_px + 2, (fh + ech_h) / m_per_px + 2
            )
            if frame_boxes.free(b):
                break
        site.dx, site.dy = dx, dy
        frame_boxes.add(b)
        boxes.add(b)

    leaders = []
    for site in sites:
        if site.dx or site.dy:
            leaders.append([(site.x, site.y), (site.x + site.dx, site.y + site.dy)])
            ax.plot(
                [site.x],
                [site.y],
                marker="o",
                ms=2.5,
                color="#222222",
                zorder=8.0,
                linestyle="none",
            )
    if leaders:
        ax.add_collection(LineCollection(leaders, colors="#222222", linewidths=0.6, zorder=8.0))

    for site in sorted(sites, key=lambda s_: (-s_.y - s_.dy, s_.name)):  # draw from north to south
        cx, cy = site.x + site.dx, site.y + site.dy
        rect = np.array([[-0.75, -0.5], [0.75, -0.5], [0.75, 0.5], [-0.75, 0.5]]) * s + (cx, cy)
        face, ink = (site.colour, "white") if not site.hub else ("white", site.colour)
        ax.add_patch(
            MplPolygon(
                rect,
                closed=True,
                facecolor=face,
                edgecolor="#111111",
                lw=0.7 if style.marks else 0.4,
                zorder=8.2,
            )
        )
        if not style.marks:
            continue
        lines, fills, text = _kind_marks(site.kind)
        if lines:
            ax.add_collection(
                LineCollection(
                    [ln * s + (cx, cy) for ln in lines],
                    colors=ink,
                    linewidths=0.9,
                    zorder=8.3,
                    capstyle="butt",
                )
            )
        for f in fills:
            ax.add_patch(MplPolygon(f * s + (cx, cy), closed=True, facecolor=ink, lw=0, zorder=8.3))
        if text:
            _text(
                ax,
                cx,
                cy,
                text,
                fontsize=style.frame_w * 0.36,
                color=ink,
                ha="center",
                va="center",
                fontweight="bold",
                zorder=8.4,
            )
        if site.echelon in _ECHELON_MARKS:
            _text(
                ax,
                cx,
                cy + fh / 2 + 0.5 * pt * m_per_px,
                _ECHELON_MARKS[site.echelon],
                fontsize=5.2,
                ha="center",
                va="bottom",
                color="#111111",
                fontweight="bold",
                zorder=8.4,
            )

    if not style.labels:
        return
    renderer = canvas.get_renderer()
    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
    for i in order:
        site = sites[i]
        cx, cy = site.x + site.dx, site.y + site.dy
        text = _text(
            ax,
            0,
            0,
            site.label,
            fontsize=style.label_size,
            color="#111111",
            zorder=9,
            linespacing=1.05,
            path_effects=halo,
        )
        ext = text.get_window_extent(renderer)
        w, h = ext.width, ext.height
        pad = 2.5 * pt
        half_w = fw / 2 / m_per_px
        half_h = fh / 2 / m_per_px
        candidates = [
            ("left", "center", half_w + pad, 0),
            ("right", "center", -half_w - pad, 0),
            ("center", "top", 0, -half_h - pad),
            ("left", "bottom", half_w + pad, half_h),
            ("left", "top", half_w + pad, -half_h),
            ("right", "bottom", -half_w - pad, half_h),
            ("right", "top", -half_w - pad, -half_h),
        ]
        for k in (1, 2, 3):  # crowded: slide sideways labels up and down, then further out
            for sign in (1, -1):
                dy = sign * (half_h + k * h * 0.75)
                candidates += [
                    ("left", "center", half_w + pad, dy),
                    ("right", "center", -half_w - pad, dy),
                ]
        candidates += [("center", "bottom", 0, half_h + 8 * pt)]
        px = (cx - xmin) / m_per_px
        py = (cy - ymin) / m_per_px
        chosen, best = None, math.inf
        for ha, va, ox, oy in candidates:
            x0 = px + ox - (0 if ha == "left" else w if ha == "right" else w / 2)
            y0 = py + oy - (0 if va == "bottom" else h if va == "top" else h / 2)
            b = (x0, y0, x0 + w, y0 + h)
            inside = b[0] >= 2 and b[1] >= 2 and b[2] <= (xmax - xmin) / m_per_px - 2
            if not inside:
                continue
            overlap = boxes.overlap(b)
            if overlap < best:  # free (0) wins at once; when crowded, the least overlapping spot
                chosen, best = (ha, va, ox, oy, b), overlap
                if overlap == 0:
                    break
        if chosen is None:  # nowhere inside the map: keep it to the right, readable
            ha, va, ox, oy = candidates[0]
            x0, y0 = px + ox, py - h / 2
            chosen = (ha, va, ox, oy, (x0, y0, x0 + w, y0 + h))
        ha, va, ox, oy, b = chosen
        boxes.add(b)
        text.set_position((cx + ox * m_per_px, cy + oy * m_per_px))
        text.set_horizontalalignment(ha)
        text.set_verticalalignment(va)


def _draw_places(
    ax: Axes,
    lat0: float,
    lon0: float,
    view: tuple,
    m_per_px: float,
    pt: float,
    boxes: _Boxes,
    canvas: Any,
    sites: list[_Site],
) -> None:
    """Orientation: major cities (dot and name) and country and sea names, where they do not collide."""
    from matplotlib import patheffects

    xmin, xmax, ymin, ymax = view
    renderer = canvas.get_renderer()
    halo = [patheffects.withStroke(linewidth=1.8, foreground="white")]
    near = 9 * pt  # px: a site this close names the place already
    site_px = np.array([((s.x - xmin) / m_per_px, (s.y - ymin) / m_per_px) for s in sites]).reshape(
        -1, 2
    )
    dots_x, dots_y = [], []
    for name, x, y, pop, _in_ua in _basemap(lat0, lon0).places:
        if not (xmin < x < xmax and ymin < y < ymax):
            continue
        px, py = (x - xmin) / m_per_px, (y - ymin) / m_per_px
        if len(site_px) and np.min(np.hypot(site_px[:, 0] - px, site_px[:, 1] - py)) < near:
            continue
        big = pop >= 1_000_000
        text = _text(
            ax,
            x + 3 * pt * m_per_px,
            y,
            name,
            fontsize=5.8 if big else 5.2,
            color="#444444",
            ha="left",
            va="center",
            zorder=7.1,
            path_effects=halo,
            fontstyle="normal",
        )
        ext = text.get_window_extent(renderer)
        dot = (px - 2 * pt, py - 2 * pt, px + 2 * pt, py + 2 * pt)
        b = (ext.x0 - ax.bbox.x0, ext.y0 - ax.bbox.y0, ext.x1 - ax.bbox.x0, ext.y1 - ax.bbox.y0)
        if not (boxes.free(b) and boxes.free(dot)) or b[2] > (xmax - xmin) / m_per_px:
            text.remove()
            continue
        boxes.add(b)
        boxes.add(dot)
        dots_x.append(x)
        dots_y.append(y)
    if dots_x:
        ax.scatter(
            dots_x, dots_y, s=7, facecolor="white", edgecolor="#444444", linewidths=0.6, zorder=7.0
        )

    # country and sea names, faint, where there is room
    b = _basemap(lat0, lon0)
    view_box = shapely.box(xmin, ymin, xmax, ymax)
    view_area = view_box.area
    labels = []
    for name, geom in b.country_names:
        part = shapely.make_valid(shapely.clip_by_rect(geom, xmin, ymin, xmax, ymax))
        if part.is_empty or part.area < 0.025 * view_area:
            continue
        labels.append((part.area, name.upper(), shapely.point_on_surface(part)))
    for _area, name, p in sorted(labels, key=lambda t: -t[0]):
        text = _text(
            ax,
            p.x,
            p.y,
            name,
            fontsize=7.5,
            color="#8a8a8a",
            ha="center",
            va="center",
            zorder=3.5,
            fontweight="bold",
            alpha=0.75,
        )
        ext = text.get_window_extent(renderer)
        bb = (ext.x0 - ax.bbox.x0, ext.y0 - ax.bbox.y0, ext.x1 - ax.bbox.x0, ext.y1 - ax.bbox.y0)
        if not boxes.free(bb):
            text.remove()
            continue
        boxes.add(bb)
    fwd, _ = _transformers(lat0, lon0)
    for name, lon, lat in (("Black Sea", 33.6, 43.4), ("Sea of Azov", 36.7, 46.25)):
        x, y = fwd.transform(lon, lat)
        if not (xmin < x < xmax and ymin < y < ymax):
            continue
        text = _text(
            ax,
            x,
            y,
            name,
            fontsize=7 if name == "Black Sea" else 5.5,
            color="#5d87b0",
            ha="center",
            va="center",
            fontstyle="italic",
            zorder=3.5,
        )
        ext = text.get_window_extent(renderer)
        bb = (ext.x0 - ax.bbox.x0, ext.y0 - ax.bbox.y0, ext.x1 - ax.bbox.x0, ext.y1 - ax.bbox.y0)
        if not boxes.free(bb):
            text.remove()
            continue
        boxes.add(bb)


def _nice(km: float) -> float:
    """The largest 1-2-2.5-5 × 10^n not above ``km``."""
    exp = 10 ** math.floor(math.log10(km))
    for m in (5, 2.5, 2, 1):
        if m * exp <= km:
            return m * exp
    return exp


def _scale_factor(lat0: float, lon0: float) -> float:
    """Metres on the map per geodesic metre at the map centre (1 for LAEA at its centre; measured, not assumed)."""
    from pyproj import Geod

    _, inv = _transformers(lat0, lon0)
    d = 50_000.0
    lon1, lat1 = inv.transform(-d / 2, 0.0)
    lon2, lat2 = inv.transform(d / 2, 0.0)
    _, _, dist = Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)
    return d / dist


def _draw_scale_bar(
    ax: Axes, lat0: float, lon0: float, view: tuple, m_per_px: float, pt: float
) -> None:
    from matplotlib.patches import Rectangle

    xmin, xmax, ymin, _ymax = view
    k = _scale_factor(lat0, lon0)
    target_km = 0.22 * (xmax - xmin) / k / 1000
    km = _nice(target_km)
    length = km * 1000 * k
    x0 = xmin + 14 * pt * m_per_px
    y0 = ymin + 14 * pt * m_per_px
    h = 3.2 * pt * m_per_px
    ax.add_patch(
        Rectangle(
            (x0 - 6 * pt * m_per_px, y0 - 6 * pt * m_per_px),
            length + 12 * pt * m_per_px + 18 * pt * m_per_px,
            25 * pt * m_per_px,
            facecolor="white",
            alpha=0.82,
            edgecolor="#999999",
            lw=0.4,
            zorder=10,
        )
    )
    n = 4
    for i in range(n):
        ax.add_patch(
            Rectangle(
                (x0 + i * length / n, y0),
                length / n,
                h,
                facecolor="#222222" if i % 2 == 0 else "white",
                edgecolor="#222222",
                lw=0.5,
                zorder=10.1,
            )
        )
    for value, x in ((0, x0), (km / 2, x0 + length / 2), (km, x0 + length)):
        label = f"{value:g}" + (" km" if value == km else "")
        _text(
            ax,
            x,
            y0 + h + 1.5 * pt * m_per_px,
            label,
            fontsize=5.5,
            ha="center",
            va="bottom",
            color="#222222",
            zorder=10.2,
        )
    _text(
        ax,
        x0,
        y0 - 1.5 * pt * m_per_px,
        f"true at {lat0:g}°N (geodesic)",
        fontsize=4.6,
        ha="left",
        va="top",
        color="#555555",
        zorder=10.2,
    )


def _draw_north_arrow(
    ax: Axes, lat0: float, lon0: float, view: tuple, m_per_px: float, pt: float
) -> None:
    _xmin, xmax, _ymin, ymax = view
    fwd, inv = _transformers(lat0, lon0)
    x = xmax - 16 * pt * m_per_px
    y = ymax - 30 * pt * m_per_px
    lon, lat = inv.transform(x, y)
    x2, y2 = fwd.transform(lon, lat + 0.2)
    ang = math.atan2(x2 - x, y2 - y)  # from grid north, clockwise
    length = 16 * pt * m_per_px
    dx, dy = math.sin(ang) * length, math.cos(ang) * length
    ax.annotate(
        "",
        xy=(x + dx / 2, y + dy / 2),
        xytext=(x - dx / 2, y - dy / 2),
        arrowprops={
            "arrowstyle": "-|>,head_width=0.35,head_length=0.8",
            "color": "#222222",
            "lw": 1.2,
        },
        zorder=10,
    )
    _text(
        ax,
        x + dx / 2 + math.sin(ang) * 2 * pt * m_per_px,
        y + dy / 2 + 2 * pt * m_per_px,
        "N",
        fontsize=8,
        ha="center",
        va="bottom",
        fontweight="bold",
        color="#222222",
        zorder=10,
    )


def _draw_title(
    fig: Figure,
    scenario: Scenario,
    analysis: ScenarioAnalysis,
    width: int,
    height: int,
    margin: int,
    top: int,
    pt: float,
) -> None:
    chars = max(20, int(width / (13 * pt * 0.62)))
    _text(
        fig,
        margin / width,
        1 - (7 * pt) / height,
        _short(scenario.title, chars),
        fontsize=13,
        fontweight="bold",
        ha="left",
        va="top",
        color="#111111",
    )
    front = scenario.front
    troops = sum(o.summary.troops for o in analysis.options)
    n = len(analysis.options)
    sub = (
        f"Situation {scenario.date.isoformat()} · front line {front.date}"
        + (f" ({front.accuracy})" if front.accuracy else "")
        + f" · {n} option{'s' if n != 1 else ''}, {troops:,} troops"
    )
    chars = max(20, int(width / (7.5 * pt * 0.58)))
    _text(
        fig,
        margin / width,
        1 - (24 * pt) / height,
        _short(sub, chars),
        fontsize=7.5,
        ha="left",
        va="top",
        color="#444444",
    )


def _draw_credits(
    fig: Figure,
    scenario: Scenario,
    lat0: float,
    lon0: float,
    width: int,
    margin: int,
    bottom: int,
    pt: float,
) -> None:
    front = scenario.front
    chars = max(30, int((width - 2 * margin) / (5 * pt * 0.56)))
    first = _short(f"Front line {front.date}: {front.source}. Accuracy: {front.accuracy}.", chars)
    second = _short(
        f"{CREDITS} · Projection: Lambert azimuthal equal-area centred {lat0:g}°N {lon0:g}°E · "
        "distances geodesic (WGS84) · mapper",
        chars,
    )
    _text(
        fig,
        margin / width,
        (bottom - 5 * pt) / (fig.bbox.height),
        first + "\n" + second,
        fontsize=5,
        ha="left",
        va="top",
        color="#555555",
        linespacing=1.3,
    )


def _draw_legend(
    lax: Axes,
    scenario: Scenario,
    analysis: ScenarioAnalysis,
    w: int,
    h: int,
    pt: float,
) -> None:
    """The legend panel: situation layers, then each option with its symbols and key numbers (pixels, y down)."""
    from matplotlib.patches import Polygon as MplPolygon
    from matplotlib.patches import Rectangle

    from mapper.export import band_geometries
    from mapper.style import FRONT_COLOUR, HOSTILE_COLOUR, OCCUPIED_COLOUR

    lax.set_xlim(0, w)
    lax.set_ylim(h, 0)
    lax.set_axis_off()
    lax.add_patch(
        Rectangle(
            (0.5, 0.5),
            w - 1,
            h - 1,
            facecolor="#fafafa",
            edgecolor="#bbbbbb",
            lw=0.6,
            clip_on=False,
        )
    )
    pad = 7 * pt
    sw = 14 * pt  # swatch width
    y = pad
    line_h = 9.5 * pt
    chars = max(12, int((w - 2 * pad - sw - 4 * pt) / (6.2 * pt * 0.56)))

    def text(x: float, y_: float, s: str, **kw: Any) -> None:
        kw.setdefault("fontsize", 6.2)
        kw.setdefault("color", "#222222")
        kw.setdefault("ha", "left")
        _text(lax, x, y_, s, va="center", **kw)

    def heading(s: str) -> None:
        nonlocal y
        text(pad, y + 4 * pt, s, fontsize=7.2, fontweight="bold")
        y += 12 * pt

    def row(label: str, draw: Any, sub: str | None = None) -> None:
        nonlocal y
        cy = y + line_h / 2
        draw(pad, cy)
        lines = textwrap.wrap(label, chars)[:2] or [""]
        for i, ln in enumerate(lines):
            text(pad + sw + 4 * pt, cy + i * 7.5 * pt, ln)
        y += line_h + (len(lines) - 1) * 7.5 * pt
        if sub:
            for ln in textwrap.wrap(sub, int(chars * 1.15))[:2]:
                text(pad + sw + 4 * pt, y + 1 * pt, ln, fontsize=5.2, color="#666666")
                y += 6.5 * pt
            y += 1.5 * pt

    def fill(colour: str, alpha: float, edge: str | None = None) -> Any:
        return lambda x, cy: lax.add_patch(
            Rectangle(
                (x, cy - 3.5 * pt),
                sw,
                7 * pt,
                facecolor=colour,
                alpha=alpha,
                edgecolor=edge or "none",
                lw=0.6,
            )
        )

    def stroke(colour: str, lw: float, ls: Any = "solid") -> Any:
        return lambda x, cy: lax.plot(
            [x, x + sw], [cy, cy], color=colour, lw=lw, linestyle=ls, solid_capstyle="butt"
        )

    def unit(colour: str, hub: bool = False) -> Any:
        def draw(x: float, cy: float) -> None:
            fw, fh = 10 * pt, 10 * pt / 1.5
            cx = x + sw / 2
            rect = [
                [cx - fw / 2, cy - fh / 2],
                [cx + fw / 2, cy - fh / 2],
                [cx + fw / 2, cy + fh / 2],
                [cx - fw / 2, cy + fh / 2],
            ]
            lax.add_patch(
                MplPolygon(
                    rect,
                    closed=True,
                    facecolor="white" if hub else colour,
                    edgecolor="#111111",
                    lw=0.6,
                )
            )
            if hub:
                yb = cy + fh / 2 - 0.28 * fh
                lax.plot([cx - fw / 2, cx + fw / 2], [yb, yb], color=colour, lw=0.9)

        return draw

    front = scenario.front
    heading("Legend")
    row(f"Front line, {front.date}", stroke(FRONT_COLOUR, 2.0))
    if front.occupied is not None and not front.occupied.is_empty:
        row("Occupied area", fill(OCCUPIED_COLOUR, 0.3))
    row("Russia and Belarus", fill(HOSTILE_COLOUR, 0.3))
    row("NATO member", fill("#e3ecf7", 1.0, "#6d8fb8"))
    y += 2 * pt
    text(
        pad, y + 3 * pt, "Distance from the front line (geodesic)", fontsize=6.2, fontweight="bold"
    )
    y += 9 * pt
    for inner, outer, label, colour, _ in band_geometries(scenario):
        row(f"{inner:g}–{outer:g} km", fill(colour, 0.6), sub=label or None)
    y += 4 * pt
    n_opts = len(analysis.options)
    for k, (option, result) in enumerate(
        zip(_options(scenario, analysis), analysis.options, strict=True)
    ):
        need = 70 * pt
        if y + need > h - pad:
            text(
                pad, y + 4 * pt, f"… and {n_opts - k} more option(s)", fontsize=6.2, color="#666666"
            )
            break
        lax.plot([pad, w - pad], [y, y], color="#cccccc", lw=0.6)
        y += 4 * pt
        for i, ln in enumerate(textwrap.wrap(option.name, int(chars * 1.1))[:2]):
            text(
                pad,
                y + 4 * pt + i * 8.5 * pt,
                ln,
                fontsize=7.0,
                fontweight="bold",
                color=option.colour,
            )
        y += 12 * pt + (8.5 * pt if len(option.name) > chars * 1.1 else 0)
        sm = result.summary
        row(
            f"{sm.forces} force{'s' if sm.forces != 1 else ''}, {sm.troops:,} troops",
            unit(option.colour),
        )
        if option.hubs:
            row(f"{sm.hubs} hub{'s' if sm.hubs != 1 else ''}", unit(option.colour, hub=True))
        if option.lines:
            row("Lines and routes", stroke(option.colour, 2.0))
        if any(f.range_km for f in option.forces):
            row("Coverage rings", stroke(option.colour, 1.0, (0, (4, 2))))
        if option.areas or option.zones:
            row("Areas and zones", fill(option.colour, 0.25, option.colour))
        facts = []
        if sm.min_distance_to_front_km is not None:
            facts.append(f"nearest force {sm.min_distance_to_front_km:,.0f} km from the front line")
        if sm.troop_weighted_mean_distance_to_front_km is not None:
            facts.append(
                f"troop-weighted mean {sm.troop_weighted_mean_distance_to_front_km:,.0f} km"
            )
        verdict = (
            "meets the constraints"
            if sm.meets_constraints
            else f"{sm.violations} constraint issue(s)"
        )
        facts.append(verdict)
        for ln in textwrap.wrap("; ".join(facts), int(chars * 1.25))[:4]:
            text(
                pad,
                y + 3 * pt,
                ln,
                fontsize=5.6,
                color="#333333" if sm.meets_constraints else "#a50f15",
            )
            y += 7 * pt
        y += 5 * pt

    # every force, nearest the front line first, while there is room
    sites = sorted(
        ((site, opt.colour) for opt in analysis.options for site in opt.forces),
        key=lambda t: (t[0].distance_to_front_km, t[0].name),
    )
    if not sites or y + 30 * pt > h - pad:
        return
    lax.plot([pad, w - pad], [y, y], color="#cccccc", lw=0.6)
    y += 8 * pt
    text(pad, y, "Forces, nearest the front line first", fontsize=6.2, fontweight="bold")
    y += 8 * pt
    col_km, col_troops = w - pad, w - pad - 30 * pt
    text(pad + 8 * pt, y, "force", fontsize=5.0, color="#777777")
    text(col_troops, y, "troops", fontsize=5.0, color="#777777", ha="right")
    text(col_km, y, "km to front", fontsize=5.0, color="#777777", ha="right")
    y += 7.5 * pt
    name_chars = max(8, int((col_troops - 30 * pt - pad - 8 * pt) / (5.6 * pt * 0.56)))
    row_h = 7.2 * pt
    for i, (site, colour) in enumerate(sites):
        last = i == len(sites) - 1
        if y + row_h + (0 if last else row_h) > h - pad:
            text(pad + 8 * pt, y, f"… and {len(sites) - i} more", fontsize=5.6, color="#666666")
            break
        lax.add_patch(
            Rectangle(
                (pad, y - 2.5 * pt), 5 * pt, 5 * pt, facecolor=colour, edgecolor="#111111", lw=0.4
            )
        )
        bad = bool(site.violations)
        text(pad + 8 * pt, y, _short(site.name, name_chars), fontsize=5.6)
        text(col_troops, y, f"{site.troops:,}", fontsize=5.6, ha="right")
        text(
            col_km,
            y,
            f"{site.distance_to_front_km:,.0f}" + (" !" if bad else ""),
            fontsize=5.6,
            ha="right",
            color="#a50f15" if bad else "#222222",
            fontweight="bold" if bad else "normal",
        )
        y += row_h


def written_by_mapper(path: str | os.PathLike[str]) -> bool:
    """Whether the file at ``path`` is a PNG this module wrote (so re-rendering may replace it)."""
    from mapper.atomic import head_contains

    return head_contains(path, b"\x89PNG", limit=8) and head_contains(
        path, b"tEXtSoftware\x00mapper", limit=512
    )


def default_png_output(scenario: Scenario) -> Path:
    return Path("out") / f"{scenario.id}.png"


def render_png(
    path: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    options: Sequence[str] | None = None,
    front_line: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
    size: tuple[int, int] = (1600, 1000),
    dpi: int = 150,
) -> Path:
    """Load, analyse and draw one scenario file as a PNG (default ``out/<scenario id>.png``), written
    atomically. As for the HTML map, a PNG this tool wrote is replaced; any other existing file needs
    ``overwrite`` (checked before the work). Returns the path."""
    from mapper.analysis import analyze
    from mapper.atomic import atomic_write
    from mapper.loader import load_scenario

    if output is not None:
        check_png_target(output, overwrite)
    scenario = load_scenario(path, front_line=front_line)
    out = Path(output) if output is not None else default_png_output(scenario)
    overwrite = check_png_target(out, overwrite)
    analysis = analyze(scenario, options=options)
    png = draw_static_map(scenario, analysis, size=size, dpi=dpi)
    return atomic_write(out, png, overwrite=overwrite)


def check_png_target(path: str | os.PathLike[str], overwrite: bool) -> bool:
    """Refuse an existing file that is not a PNG written by mapper unless ``overwrite``; return the effective
    ``overwrite`` for ``atomic_write``."""
    from mapper.errors import OutputError

    target = Path(path)
    overwrite = overwrite or written_by_mapper(target)
    if target.exists() and not overwrite:
        raise OutputError(
            f"{target}: exists and is not a PNG written by mapper; pass --overwrite to replace it"
        )
    return overwrite

"""Drawing primitives of the static map: the map frame (extent and scale), geometry → matplotlib, text.

Everything here works in projected map metres (``mapper.staticmap.projection``) and adds artists directly (no
pyplot). Text goes through ``text``, which turns matplotlib's mathtext off so that scenario names with ``$`` are
drawn literally, and passes ``textsafe.png`` (no bidi or control characters: a right-to-left override cannot
reverse a title).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from mapper.textsafe import png

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from shapely.geometry.base import BaseGeometry

__all__ = ["FONT", "Frame", "Style", "fill", "lines", "prepare", "short", "text"]

FONT = "DejaVu Sans"


@dataclass(frozen=True)
class Frame:
    """Where the map axes look: the projection centre, the extent in map metres, metres per pixel and pixels per
    point (``dpi / 72``)."""

    lat0: float
    lon0: float
    xmin: float
    xmax: float
    ymin: float
    ymax: float
    m_per_px: float
    pt: float

    @property
    def view(self) -> tuple[float, float, float, float]:
        return (self.xmin, self.xmax, self.ymin, self.ymax)

    @property
    def width_px(self) -> float:
        return (self.xmax - self.xmin) / self.m_per_px

    def padded(self, px: float) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)`` of the view grown by ``px`` pixels: shapes are clipped a little outside
        it so no clipped edge shows."""
        m = px * self.m_per_px
        return (self.xmin - m, self.ymin - m, self.xmax + m, self.ymax + m)

    def to_px(self, x: float, y: float) -> tuple[float, float]:
        """Map metres → pixels from the axes' lower left corner."""
        return (x - self.xmin) / self.m_per_px, (y - self.ymin) / self.m_per_px

    def contains(self, x: float, y: float) -> bool:
        return self.xmin < x < self.xmax and self.ymin < y < self.ymax


@dataclass(frozen=True)
class Style:
    """Sizes in points (scaled by dpi), set once for full maps and thumbnails."""

    frame_w: float
    front_lw: float
    label_size: float
    marks: bool
    labels: bool


def short(s: str, n: int) -> str:
    """``s`` on one line, cut to ``n`` characters with an ellipsis."""
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


def text(target: Any, x: float, y: float, s: str, **kw: Any) -> Any:
    """``target.text`` in the map's font with matplotlib's mathtext off: names may contain ``$`` (``${x}``), which
    mathtext would parse (and fail on) instead of drawing literally; bidi and control characters are removed
    (``textsafe.png``)."""
    return target.text(x, y, png(s), parse_math=False, family=FONT, **kw)


def prepare(geoms: Any, box: tuple[float, float, float, float], tol: float) -> list[BaseGeometry]:
    """Clip to the (padded) view, simplify to about a pixel, drop empties."""
    arr = np.atleast_1d(np.asarray(geoms, dtype=object))
    arr = arr[~(shapely.is_missing(arr) | shapely.is_empty(arr))]
    if not len(arr):
        return []
    arr = shapely.clip_by_rect(arr, *box)
    if tol:
        arr = shapely.simplify(arr, tol, preserve_topology=True)
    return [g for g in arr if g is not None and not g.is_empty]


def polygon_path(geoms: Iterable[BaseGeometry]) -> Any:
    """One compound matplotlib Path of every polygon (holes wound the other way, so they stay holes)."""
    from matplotlib.path import Path

    verts, codes = [], []
    for g in geoms:
        for poly in shapely.get_parts(shapely.orient_polygons(g, exterior_cw=False)):
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


def line_arrays(geoms: Iterable[BaseGeometry]) -> list[np.ndarray]:
    """The vertices of every line (and polygon boundary) in ``geoms``, one array per part."""
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
                out += line_arrays([part])
    return out


def fill(ax: Axes, geoms: Sequence[BaseGeometry], z: float, **style: Any) -> None:
    """Fill the polygons of ``geoms`` as one patch at z-order ``z``."""
    from matplotlib.patches import PathPatch

    path = polygon_path(geoms)
    if path is not None:
        ax.add_artist(PathPatch(path, zorder=z, **style))  # add_patch would recompute data limits


def lines(ax: Axes, geoms: Sequence[BaseGeometry], z: float, **style: Any) -> None:
    """Stroke the lines (and polygon outlines) of ``geoms`` as one collection at z-order ``z``."""
    from matplotlib.collections import LineCollection

    segs = line_arrays(geoms)
    if segs:
        style.setdefault("capstyle", "round")
        style.setdefault("joinstyle", "round")
        ax.add_collection(LineCollection(segs, zorder=z, **style))

"""Users' overlay layers and annotations on the static map (``mapper.overlays``), in the map's projection.

Polygons are filled and outlined, lines stroked (their dash pattern from the HTML map's pixels), points drawn as
the layer's marker shape or, for an APP-6 ``sidc``, as the frame of its affiliation (friend rectangle, hostile
diamond, neutral square, unknown circle) in the standard's fill colours: the static map's unit frames
(``units``) are friendly only, and milsymbol's SVG is not rasterised here. Annotations are arrows (a haloed line
and its head polygon) and text in a white halo, drawn above the sites. Sizes given in pixels for the HTML map are
taken as CSS pixels (0.75 pt). All text passes ``drawing.text`` (``textsafe.png``, mathtext off).

The order on the map: overlay polygons and lines above the options' shapes (z 5.2-5.4), overlay points under the
unit frames (z 7), annotations above everything but the furniture (z 9.2-9.6).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from mapper.overlays import Annotation, LegendEntry, Overlay, affiliation, legend_entries
from mapper.staticmap.drawing import Frame, Style, fill, lines, prepare, text
from mapper.staticmap.projection import project
from mapper.style import FRIEND_FILL

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["AFFILIATION_FILLS", "draw_annotations", "draw_overlay_keys", "draw_overlays"]

#: APP-6 affiliation fills (the standard's light colours, as milsymbol draws them)
AFFILIATION_FILLS = {
    "friend": FRIEND_FILL,
    "hostile": "#ff8080",
    "neutral": "#aaffaa",
    "unknown": "#ffff80",
}
_FRAME_MARKERS: dict[str, Any] = {
    "friend": [(-1.5, -1.0), (1.5, -1.0), (1.5, 1.0), (-1.5, 1.0)],
    "hostile": "D",
    "neutral": "s",
    "unknown": "o",
}
_MARKERS = {"circle": "o", "square": "s", "triangle": "^", "diamond": "D", "cross": "x"}
PX = 0.75  # points per CSS pixel
CLIP_PAD_PX = 20


def _dashes(dash: Sequence[float], lw: float) -> Any:
    """A pixel dash pattern as matplotlib's (matplotlib scales dashes by the line width)."""
    if not dash:
        return "solid"
    return (0, tuple(max(v * PX / max(lw, 0.1), 0.1) for v in dash))


def draw_overlays(ax: Axes, overlays: Sequence[Overlay], frame: Frame, style: Style) -> None:
    """Every overlay layer in order (later layers above earlier ones)."""
    box = frame.padded(CLIP_PAD_PX)
    tol = frame.m_per_px * 0.5
    scale = 0.6 if not style.marks else 1.0  # thumbnails: thinner, smaller
    for n, overlay in enumerate(overlays):
        z = n * 0.001
        geoms = np.array([f.geometry for f in overlay.features], dtype=object)
        if not len(geoms):
            continue
        parts = shapely.get_parts(project(geoms, frame.lat0, frame.lon0))  # collections opened
        kinds = shapely.get_type_id(parts)  # 0, 4 points; 1, 2, 5 lines; 3, 6 polygons
        _draw_shapes(ax, overlay, parts[(kinds == 3) | (kinds == 6)], box, tol, z, scale)
        _draw_lines(
            ax, overlay, parts[(kinds == 1) | (kinds == 2) | (kinds == 5)], box, tol, z, scale
        )
        _draw_points(ax, overlay, parts[(kinds == 0) | (kinds == 4)], box, z, scale)


def _draw_shapes(
    ax: Axes, o: Overlay, geoms: np.ndarray, box: Any, tol: float, z: float, scale: float
) -> None:
    g = prepare(list(geoms), box, tol) if len(geoms) else []
    if not g:
        return
    s = o.style
    fill(ax, g, 5.2 + z, facecolor=s.colour, alpha=s.fill_for("polygons"), edgecolor="none")
    if s.weight > 0:
        lw = s.weight * PX * scale
        lines(
            ax,
            g,
            5.25 + z,
            colors=s.colour,
            linewidths=lw,
            alpha=s.opacity,
            linestyles=_dashes(s.dash, lw),
        )


def _draw_lines(
    ax: Axes, o: Overlay, geoms: np.ndarray, box: Any, tol: float, z: float, scale: float
) -> None:
    g = prepare(list(geoms), box, tol) if len(geoms) else []
    if not g or o.style.weight <= 0:
        return
    s = o.style
    lw = s.weight * PX * scale
    lines(
        ax,
        g,
        5.3 + z,
        colors=s.colour,
        linewidths=lw,
        alpha=s.opacity,
        linestyles=_dashes(s.dash, lw),
    )


def _draw_points(ax: Axes, o: Overlay, geoms: np.ndarray, box: Any, z: float, scale: float) -> None:
    if not len(geoms):
        return
    xy = shapely.get_coordinates(shapely.get_parts(geoms))
    x0, y0, x1, y1 = box
    inside = (xy[:, 0] > x0) & (xy[:, 0] < x1) & (xy[:, 1] > y0) & (xy[:, 1] < y1)
    xy = xy[inside]
    if not len(xy):
        return
    s = o.style
    size = s.size * PX * scale  # marker size in points
    if s.sidc is not None:
        kind = affiliation(s.sidc)
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=(size * 1.2) ** 2,
            marker=_FRAME_MARKERS[kind],
            facecolors=AFFILIATION_FILLS[kind],
            edgecolors="#000000",
            linewidths=0.7 * scale,
            zorder=7.0 + z,
        )
        return
    marker = _MARKERS[s.marker]
    if marker == "x":
        ax.scatter(
            xy[:, 0],
            xy[:, 1],
            s=size**2,
            marker="x",
            c=s.colour,
            alpha=s.opacity,
            linewidths=max(1.0, size / 5),
            zorder=7.0 + z,
        )
        return
    ax.scatter(
        xy[:, 0],
        xy[:, 1],
        s=size**2,
        marker=marker,
        facecolors=s.colour,
        edgecolors=s.colour,
        alpha=s.opacity,
        linewidths=0.8 * scale,
        zorder=7.0 + z,
    )


def draw_annotations(
    ax: Axes, annotations: Sequence[Annotation], frame: Frame, style: Style
) -> list[Any]:
    """Arrows (line with a white halo, head polygon) and text labels (arrows' text at their middle); returns the
    text artists, so that label placement can keep clear of them. Thumbnails draw the arrows only."""
    from matplotlib import patheffects

    box = frame.padded(CLIP_PAD_PX)
    out: list[Any] = []
    for a in annotations:
        if a.kind == "arrow":
            line = prepare(project(a.geometry, frame.lat0, frame.lon0), box, 0)
            lw = 2.2 if style.marks else 1.3
            lines(ax, line, 9.2, colors="white", linewidths=lw + 1.6, alpha=0.8)
            lines(ax, line, 9.3, colors=a.colour, linewidths=lw)
            if a.head is not None:
                head = prepare(project(a.head, frame.lat0, frame.lon0), box, 0)
                fill(ax, head, 9.35, facecolor=a.colour, edgecolor="white", lw=0.6)
        if not a.text or not style.labels:
            continue
        lon, lat = a.anchor
        x, y = project(shapely.Point(lon, lat), frame.lat0, frame.lon0).coords[0]
        if not frame.contains(x, y):
            continue
        t = text(
            ax,
            x,
            y,
            a.text,
            fontsize=a.size * PX * 0.8,
            color=a.colour,
            ha="center",
            va="center",
            fontweight="bold",
            zorder=9.6,
        )
        t.set_path_effects([patheffects.withStroke(linewidth=2.5, foreground="white")])
        out.append(t)
    return out


def draw_overlay_keys(panel: Any, overlays: Sequence[Overlay]) -> None:
    """The overlays' rows in the static legend (``staticmap.legend._Panel``): one per layer, with its swatch."""
    for entry in legend_entries(overlays):
        panel.row(entry.label, _swatch(panel, entry))


def _swatch(panel: Any, e: LegendEntry) -> Any:
    if e.shape == "fill":
        return panel.fill(e.colour, 0.5, e.colour)
    if e.shape in ("line", "dashed"):
        return panel.stroke(e.colour, 1.8, (0, (3, 2)) if e.shape == "dashed" else "solid")

    def point(x: float, cy: float) -> None:
        cx = x + panel.sw / 2
        if e.sidc is not None:
            kind = affiliation(e.sidc)
            panel.lax.scatter(
                [cx],
                [cy],
                s=(6 * panel.pt) ** 2 / panel.pt,
                marker=_FRAME_MARKERS[kind],
                facecolors=AFFILIATION_FILLS[kind],
                edgecolors="#000000",
                linewidths=0.6,
            )
            return
        marker = _MARKERS.get(e.marker, "o")
        panel.lax.scatter([cx], [cy], s=(5 * panel.pt) ** 2 / panel.pt, marker=marker, c=e.colour)

    return point

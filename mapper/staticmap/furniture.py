"""Map furniture of the static map: a geodesic scale bar and a north arrow pointing to true north.

The scale bar is measured geodesically at the map centre (``projection.scale_factor``: where LAEA's scale is 1
in every direction); the north arrow is turned to true north where it stands, which in LAEA differs from grid
north away from the central meridian.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mapper.staticmap.drawing import Frame, text
from mapper.staticmap.projection import scale_factor, transformers

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["draw_north_arrow", "draw_scale_bar", "nice"]


def nice(km: float) -> float:
    """The largest 1-2-2.5-5 × 10^n not above ``km``."""
    exp = 10 ** math.floor(math.log10(km))
    for m in (5, 2.5, 2, 1):
        if m * exp <= km:
            return m * exp
    return exp


def draw_scale_bar(ax: Axes, frame: Frame) -> tuple[float, float, float, float]:
    """A four-part bar about a fifth of the map wide, in the lower left corner, on a white card; returns the
    card's pixel box (from the axes' lower left corner), which labels keep clear of."""
    from matplotlib.patches import Rectangle

    xmin, xmax, ymin, _ymax = frame.view
    pt, m_per_px = frame.pt, frame.m_per_px
    k = scale_factor(frame.lat0, frame.lon0)
    km = nice(0.22 * (xmax - xmin) / k / 1000)
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
        text(
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
    text(
        ax,
        x0,
        y0 - 1.5 * pt * m_per_px,
        f"true at {frame.lat0:g}°N (geodesic)",
        fontsize=4.6,
        ha="left",
        va="top",
        color="#555555",
        zorder=10.2,
    )
    return (8 * pt, 8 * pt, 8 * pt + length / m_per_px + 30 * pt, 33 * pt)


def draw_north_arrow(ax: Axes, frame: Frame) -> tuple[float, float, float, float]:
    """An arrow in the upper right corner along the meridian through it; returns the pixel box of the arrow and
    its "N" (from the axes' lower left corner), which labels keep clear of."""
    _xmin, xmax, _ymin, ymax = frame.view
    pt, m_per_px = frame.pt, frame.m_per_px
    fwd, inv = transformers(frame.lat0, frame.lon0)
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
    text(
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
    cx, cy = frame.to_px(x, y)
    return (cx - 10 * pt, cy - 10 * pt, cx + 10 * pt, cy + 22 * pt)

"""APP-6 style friendly-unit frames for the static map, drawn directly with matplotlib.

A force or hub is an APP-6 friendly frame, filled as the HTML map's milsymbol symbols are (``style.FRIEND_FILL``,
light blue, black frame and marks), with a mark per unit kind (``mapper.app6.KINDS``) and its echelon above it;
the option's colour is the accent under its label (``labels``), as on the HTML map, never the fill, so an option
in a red never reads as hostile. ``milsymbol`` (the HTML map's
symbols) only produces SVG, and rasterising SVG would need a native library, so the marks are redrawn here as
lines and filled shapes in frame units (the frame spans x ±0.75, y ±0.5).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mapper.staticmap.drawing import Style, text
from mapper.style import FRAME_INK, FRIEND_FILL

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

__all__ = ["ECHELON_MARKS", "draw_unit", "kind_marks"]

_X, _Y = 0.75, 0.5  # half the frame's width and height
_T = np.linspace(0, 2 * np.pi, 37)


def _circle(rx: float, ry: float | None = None) -> np.ndarray:
    return np.column_stack([rx * np.cos(_T), (rx if ry is None else ry) * np.sin(_T)])


def _arc(a0: float, a1: float, n: int, rx: float, ry: float, cy: float) -> np.ndarray:
    a = np.linspace(a0, a1, n)
    return np.column_stack([rx * np.cos(a), cy + ry * np.sin(a)])


_OVAL = _circle(0.42, 0.22)
_CROSS = (np.array([[-_X, -_Y], [_X, _Y]]), np.array([[-_X, _Y], [_X, -_Y]]))
_WINGS = np.array([[-0.5, -0.25], [-0.5, 0.25], [0.5, -0.25], [0.5, 0.25], [-0.5, -0.25]])

#: unit kind → (lines, filled shapes) in frame units
_MARKS: dict[str, tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]] = {
    "infantry": (_CROSS, ()),
    "mechanised_infantry": ((*_CROSS, _OVAL), ()),
    "motorised_infantry": ((*_CROSS, np.array([[0, -_Y], [0, _Y]])), ()),
    "armour": ((_OVAL,), ()),
    "reconnaissance": ((np.array([[-_X, -_Y], [_X, _Y]]),), ()),
    "artillery": ((), (_circle(0.13),)),
    "air_defence": ((_arc(0, np.pi, 19, 0.5, 0.42, -_Y),), ()),
    "aviation": ((_WINGS,), ()),
    "fighter": ((_WINGS,), ()),
    "rotary_wing": ((_WINGS,), (_circle(0.07),)),
    "engineer": (
        (
            np.array([[-0.4, -0.2], [-0.4, 0.2], [0.4, 0.2], [0.4, -0.2]]),
            np.array([[0, 0.2], [0, -0.2]]),
        ),
        (),
    ),
    "signals": ((np.array([[-_X, _Y], [-0.1, -0.2], [0.1, 0.2], [_X, -_Y]]),), ()),
    "logistics": ((np.array([[-_X, -0.22], [_X, -0.22]]),), ()),
    "medical": ((np.array([[0, -0.32], [0, 0.32]]), np.array([[-0.32, 0], [0.32, 0]])), ()),
    "monitoring": ((np.array([[-0.22, -0.2], [0.22, -0.2], [0, 0.22], [-0.22, -0.2]]),), ()),
    "naval": (
        (
            np.array([[0, 0.3], [0, -0.3]]),
            _arc(np.pi, 2 * np.pi, 13, 0.28, 0.25, -0.05),
            np.array([[-0.15, 0.18], [0.15, 0.18]]),
        ),
        (),
    ),
}
#: unit kinds marked with letters instead of a shape
_TEXT_MARKS = {
    "headquarters": "HQ",
    "special_forces": "SF",
    "military_police": "MP",
    "training": "TRG",
    "isr": "ISR",
}

ECHELON_MARKS = {
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

_FRAME = np.array([[-0.75, -0.5], [0.75, -0.5], [0.75, 0.5], [-0.75, 0.5]])


def kind_marks(kind: str | None) -> tuple[list[np.ndarray], list[np.ndarray], str | None]:
    """Lines, filled shapes and a text mark of a unit kind, in frame units (frame: x ±0.75, y ±0.5)."""
    k = kind or "unit"
    strokes, fills = _MARKS.get(k, ((), ()))
    return list(strokes), list(fills), _TEXT_MARKS.get(k)


def draw_unit(
    ax: Axes,
    centre: tuple[float, float],
    *,
    kind: str | None,
    echelon: str | None,
    style: Style,
    scale: float,
    echelon_gap: float,
    accent: str | None = None,
) -> None:
    """One frame centred at ``centre`` (map metres), ``scale`` map metres per frame unit; its kind mark and, above
    it by ``echelon_gap`` metres, its echelon (marks only when ``style.marks``: thumbnails show bare frames);
    ``accent``, a colour drawn as a bar under the frame (the option's colour where no label carries it)."""
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Polygon as MplPolygon

    cx, cy = centre
    face, ink = FRIEND_FILL, FRAME_INK
    ax.add_patch(
        MplPolygon(
            _FRAME * scale + (cx, cy),
            closed=True,
            facecolor=face,
            edgecolor=FRAME_INK,
            lw=0.7 if style.marks else 0.4,
            zorder=8.2,
        )
    )
    if accent is not None:
        bar = np.array([[-_X, -_Y - 0.22], [_X, -_Y - 0.22]]) * scale + (cx, cy)
        ax.plot(bar[:, 0], bar[:, 1], color=accent, lw=1.6, solid_capstyle="butt", zorder=8.2)
    if not style.marks:
        return
    strokes, fills, mark = kind_marks(kind)
    if strokes:
        ax.add_collection(
            LineCollection(
                [ln * scale + (cx, cy) for ln in strokes],
                colors=ink,
                linewidths=0.9,
                zorder=8.3,
                capstyle="butt",
            )
        )
    for f in fills:
        ax.add_patch(MplPolygon(f * scale + (cx, cy), closed=True, facecolor=ink, lw=0, zorder=8.3))
    if mark:
        text(
            ax,
            cx,
            cy,
            mark,
            fontsize=style.frame_w * 0.36,
            color=ink,
            ha="center",
            va="center",
            fontweight="bold",
            zorder=8.4,
        )
    if echelon in ECHELON_MARKS:
        text(
            ax,
            cx,
            cy + scale * 0.5 + echelon_gap,
            ECHELON_MARKS[echelon],
            fontsize=5.2,
            ha="center",
            va="bottom",
            color="#111111",
            fontweight="bold",
            zorder=8.4,
        )

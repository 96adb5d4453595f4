"""Measuring the static map's matplotlib figure in tests: overlapping texts, and the symbols ``place_sites`` drew."""

from __future__ import annotations

import itertools
from typing import Any


def text_overlaps(fig: Any) -> list[tuple[str, str, float, float]]:
    """Every pair of drawn, non-empty texts of the figure (all axes and the figure's own) whose extents
    overlap by more than half a pixel each way: (text, text, width, height)."""
    renderer = fig.canvas.get_renderer()
    texts = [t for ax in fig.axes for t in ax.texts] + list(fig.texts)
    drawn = [
        (t.get_text(), t.get_window_extent(renderer))
        for t in texts
        if t.get_visible() and t.get_text().strip()
    ]
    out = []
    for (a, ba), (b, bb) in itertools.combinations(drawn, 2):
        w = min(ba.x1, bb.x1) - max(ba.x0, bb.x0)
        h = min(ba.y1, bb.y1) - max(ba.y0, bb.y0)
        if w > 0.5 and h > 0.5:
            out.append((a, b, round(w, 1), round(h, 1)))
    return out


def record_drawn_sites(monkeypatch: Any) -> list[Any]:
    """The list that every symbol ``staticmap.place_sites`` draws from now on is appended to (a spy)."""
    import mapper.staticmap as staticmap

    drawn: list[Any] = []
    real = staticmap.place_sites

    def spy(*args: Any, **kw: Any) -> Any:
        symbols = real(*args, **kw)
        drawn.extend(symbols)
        return symbols

    monkeypatch.setattr(staticmap, "place_sites", spy)
    return drawn

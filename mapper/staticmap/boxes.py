"""Boxes already taken on the static map, in pixels, indexed by a grid: the collision test of every label.

``Boxes`` files each box under the grid cells (``_CELL`` px) it covers, so a test looks only at the boxes nearby
and placing n labels costs O(n), not O(n²); results are exactly those of a scan over every box.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = ["Box", "Boxes"]

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels

_CELL = 48.0  # px: the cells of the ``Boxes`` index
_MAX_CELLS = 4096  # a box covering more cells than this is kept in a list every test looks at


def _cell(v: float) -> int:
    return math.floor(max(-1e7, min(1e7, v)) / _CELL) if math.isfinite(v) else 0


class Boxes:
    """Axis-aligned boxes already taken on the map (in pixels), for a greedy label placement.

    Each box is filed under the grid cells it covers, so ``free`` and ``overlap`` look only at the boxes that
    share a cell with the box tested (in the order they were added: the results are exactly those of a scan
    over every box)."""

    def __init__(self) -> None:
        self.boxes: list[Box] = []
        self._cells: dict[tuple[int, int], list[int]] = {}
        self._big: list[int] = []

    @staticmethod
    def _span(b: Box) -> tuple[range, range]:
        return range(_cell(b[0]), _cell(b[2]) + 1), range(_cell(b[1]), _cell(b[3]) + 1)

    def _near(self, b: Box) -> list[Box]:
        xs, ys = self._span(b)
        if len(xs) * len(ys) > _MAX_CELLS:
            return self.boxes
        found = set(self._big)
        for i in xs:
            for j in ys:
                found.update(self._cells.get((i, j), ()))
        return [self.boxes[k] for k in sorted(found)]

    def free(self, b: Box) -> bool:
        # the hot test of every placement: the cells' boxes are scanned in place, stopping at the first hit (no
        # union, no sort: in any order the answer is the same)
        x0, y0, x1, y1 = b
        xs, ys = self._span(b)
        boxes = self.boxes
        groups: Iterable[Iterable[int]]
        if len(xs) * len(ys) > _MAX_CELLS:
            groups = (range(len(boxes)),)
        else:
            get = self._cells.get
            groups = (self._big, *(get((i, j), ()) for i in xs for j in ys))
        for group in groups:
            for k in group:
                c = boxes[k]
                if x0 < c[2] and c[0] < x1 and y0 < c[3] and c[1] < y1:
                    return False
        return True

    def overlap(self, b: Box) -> float:
        """Total area (px²) of ``b`` covered by the boxes taken."""
        x0, y0, x1, y1 = b
        return sum(
            max(0.0, min(x1, c[2]) - max(x0, c[0])) * max(0.0, min(y1, c[3]) - max(y0, c[1]))
            for c in self._near(b)
        )

    def add(self, b: Box) -> None:
        k = len(self.boxes)
        self.boxes.append(b)
        xs, ys = self._span(b)
        if len(xs) * len(ys) > _MAX_CELLS:
            self._big.append(k)
            return
        for i in xs:
            for j in ys:
                self._cells.setdefault((i, j), []).append(k)

"""Plain-text layout shared by the text outputs (``mapper analyze``'s table, ``mapper compare``'s table)."""

from __future__ import annotations

from collections.abc import Sequence


def aligned(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> str:
    """Text cells as an aligned block under a dashed rule; ``align`` has one letter per column, ``l`` or ``r``."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        cells = (
            v.rjust(w) if a == "r" else v.ljust(w)
            for v, w, a in zip(values, widths, align, strict=True)
        )
        return "  ".join(cells).rstrip()

    sep = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), sep, *(line(r) for r in rows)])

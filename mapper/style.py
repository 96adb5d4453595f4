"""Shared visual vocabulary below every output: the situation's colours, band colours and CSS colour names.

The HTML map, the static map, the exports and the comparison draw the same things in the same colours, so the
colours are defined once here rather than in one output that the others import. Colour *names* (``navy``) are
the CSS Color list from ``webcolors``; the scenario validator uses them without loading any drawing library.
"""

from __future__ import annotations

from functools import lru_cache

FRONT_COLOUR = "#d7191c"
OCCUPIED_COLOUR = "#d7191c"
HOSTILE_COLOUR = "#6b6b6b"
#: Distance bands from the front line, nearest first; more bands than colours reuse them in turn.
BAND_COLOURS = ("#fdae61", "#fee08b", "#e6f598", "#abdda4", "#ddf1da", "#eef7ee")


def band_colour(index: int) -> str:
    """The colour of the ``index``-th distance band (0 = nearest the front line)."""
    return BAND_COLOURS[index % len(BAND_COLOURS)]


@lru_cache(maxsize=1)
def css_colours() -> dict[str, str]:
    """CSS colour names (lower case, no spaces) → ``#rrggbb``: CSS3's 147 names plus CSS Color 4's one addition."""
    import webcolors

    names = {
        name: webcolors.name_to_hex(name, spec=webcolors.CSS3)
        for name in webcolors.names(webcolors.CSS3)
    }
    names["rebeccapurple"] = "#663399"  # CSS Color Module Level 4; webcolors' CSS3 list predates it
    return names


def colour_hex(text: str) -> str | None:
    """``#rrggbb`` for a CSS colour name such as ``"navy"`` or ``"Dark Red"``; ``None`` if it is not one."""
    return css_colours().get(text.lower().replace(" ", ""))

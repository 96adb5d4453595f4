"""Shared visual vocabulary below every output: the situation's colours, band colours and CSS colour names.

The HTML map, the static map, the exports and the comparison draw the same things in the same colours, so the
colours are defined once here rather than in one output that the others import. Colour *names* (``navy``) are
the CSS Color list from ``webcolors``; the scenario validator uses them without loading any drawing library.
"""

from __future__ import annotations

import colorsys
from functools import lru_cache

FRONT_COLOUR = "#d7191c"
OCCUPIED_COLOUR = "#d7191c"
HOSTILE_COLOUR = "#6b6b6b"
#: a hypothetical line (``mapper.advance``): dashed, in a colour no real line or option uses
HYPOTHETICAL_COLOUR = "#7b1fa2"
#: APP-6 friendly frame fill, as milsymbol draws it on the HTML map (``rgb(128,224,255)``): every output fills
#: unit frames with it, so a force reads as friendly whatever its option's colour.
FRIEND_FILL = "#80e0ff"
#: The APP-6 frame and icon ink (milsymbol's black).
FRAME_INK = "#000000"
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


#: Friendly option colours a warning suggests, first one no other option uses (value, name).
FRIENDLY_COLOURS = (
    ("#1f4e9c", "blue"),
    ("#01665e", "teal"),
    ("#762a83", "purple"),
    ("#1b7837", "green"),
    ("#2166ac", "light blue"),
)
#: How close (hue, degrees either side of pure red) an option colour may come to the hostile red family.
HOSTILE_HUE = 20.0


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of ``#rrggbb``."""
    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
    y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883
    f = [t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116 for t in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def colour_distance(a: str, b: str) -> float:
    """CIE76 ΔE between two ``#rrggbb`` colours (about 2.3 is just noticeable; under 25 reads as one family)."""
    return sum((p - q) ** 2 for p, q in zip(_lab(a), _lab(b), strict=True)) ** 0.5


def hostile_looking(colour: str) -> str | None:
    """Why an option colour (``#rrggbb``) would read as hostile, or ``None``: a saturated red (hue within
    ``HOSTILE_HUE`` degrees of red) is APP-6's hostile colour and the colour of the front line and occupied area;
    a colour within ΔE 25 of the front line's red is confused with it whatever its hue."""
    rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    hue, sat, val = colorsys.rgb_to_hsv(*rgb)
    deg = hue * 360
    if min(deg, 360 - deg) <= HOSTILE_HUE and sat >= 0.35 and val >= 0.25:
        return f"a red (hue {deg:.0f}°), the colour of hostile forces, the front line and the occupied area"
    delta = colour_distance(colour, FRONT_COLOUR)
    if delta < 25:
        return f"close to the front line's red {FRONT_COLOUR} (ΔE {delta:.0f})"
    return None


def friendly_suggestion(taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A friendly colour to suggest, as ``"#1f4e9c (blue)"``, the first one not in ``taken``."""
    for value, name in FRIENDLY_COLOURS:
        if value not in taken:
            return f"{value} ({name})"
    value, name = FRIENDLY_COLOURS[0]
    return f"{value} ({name})"

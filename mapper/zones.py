"""Zones of an option: geodesic buffers of the front line or of a line of the option, of a stated total width.

``width_km`` is the documented form (the zone's total width across the line, half of it each side); the older
``km`` (the distance either side, so half the width) keeps working with a warning that says what it draws,
because "a 15-km DMZ" written as ``km: 15`` is 30 km wide. ``Zone.km`` stays the half-width.
"""

from __future__ import annotations

from typing import Any

from mapper.fields import Context, join
from mapper.scenario import Line, Zone


def build_zone(
    ctx: Context, front: Any, raw: dict[str, Any], path: str, lines: dict[str, Line]
) -> Zone | None:
    """The zone of a checked ``zones:`` item (its values valid), or ``None`` with the problem recorded in
    ``ctx``: ``buffer_of`` the front line (clipped to Ukraine's land) or a line of the same option."""
    from shapely.errors import GEOSException

    from mapper import geodata, geodesy

    target = raw["buffer_of"]
    if target.lower().replace(" ", "_") == "front_line":
        if front is None:
            return None
        base, target = front.line, "front_line"
    elif target in lines:
        base = lines[target].geometry
    else:
        names = ", ".join(repr(n) for n in ["front_line", *lines]) or "'front_line'"
        ctx.error_at(
            join(path, "buffer_of"),
            f"no line named {target!r} in this option; expected one of: {names}",
        )
        return None
    half, key = half_width(ctx, raw, path)
    try:
        geom = geodesy.geodesic_buffer(base, half)
    except GEOSException:  # a buffer thousands of km wide wraps over the pole
        ctx.error_at(
            join(path, key),
            f"a zone of {2 * half:g} km across {target!r} cannot be built "
            "(it would wrap around the globe); use a smaller width",
        )
        return None
    if target == "front_line":
        # a ceasefire zone lies on land, in Ukraine: clip away the sea and Russia
        geom = geom.intersection(geodata.ukraine())
    return Zone(
        name=raw["name"],
        buffer_of=target,
        km=half,
        geometry=geom,
        kind=raw.get("kind") or "buffer",
        description=raw.get("description"),
        keypath=path,
    )


def half_width(ctx: Context, raw: dict[str, Any], path: str) -> tuple[float, str]:
    """The buffer distance either side of the line, and the key it was given as: ``width_km`` is the total
    width; the older ``km`` is the half-width, kept working with a warning that says what it draws."""
    if raw.get("width_km") is not None:
        return float(raw["width_km"]) / 2.0, "width_km"
    km = float(raw["km"])
    ctx.warn_at(
        join(path, "km"),
        f"km: {km:g} is the distance either side of the line: this zone is {2 * km:g} km wide; write "
        f"width_km: {2 * km:g} to keep it, or width_km: {km:g} for a zone {km:g} km wide",
    )
    return km, "km"

"""The static map's text around the map: the title and subtitle, the credits line and the legend panel.

The legend panel lists the situation's layers (front line, occupied area, hostile territory, NATO, the distance
bands of ``Prepared.features``), then each analysed option with its symbols and key numbers, then every force
nearest the front line first, while there is room. It is laid out in pixels with y pointing down.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from mapper.features import band_basis
from mapper.staticmap.basemap import NATO_EDGE, NATO_FILL
from mapper.staticmap.drawing import short, text
from mapper.style import (
    FRAME_INK,
    FRIEND_FILL,
    FRONT_COLOUR,
    HOSTILE_COLOUR,
    OCCUPIED_COLOUR,
    band_colour,
)
from mapper.textlayout import (
    coverage_words,
    exempt_words,
    format_km,
    hostile_ground_name,
    summary_hostile_km,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from mapper.features import OptionFeatures
    from mapper.overlays import Overlay
    from mapper.pipeline import Prepared
    from mapper.scenario import Scenario

__all__ = ["CREDITS", "draw_credits", "draw_legend", "draw_title"]

CREDITS = (
    "Basemap: Natural Earth (public domain) · Places: GeoNames (CC-BY 4.0) · "
    "Rivers and lakes: GSHHG / WDB-II (LGPL-3.0+)"
)

Swatch = Callable[[float, float], Any]  # draws a legend symbol at (x, centre y)


def draw_title(
    fig: Figure, prepared: Prepared, width: int, height: int, margin: int, pt: float
) -> None:
    """The scenario's title, and below it the dates, the number of options and their troops."""
    scenario, analysis = prepared.scenario, prepared.analysis
    chars = max(20, int(width / (13 * pt * 0.62)))
    text(
        fig,
        margin / width,
        1 - (7 * pt) / height,
        short(scenario.title, chars),
        fontsize=13,
        fontweight="bold",
        ha="left",
        va="top",
        color="#111111",
    )
    front = scenario.front
    troops = sum(o.summary.troops for o in analysis.options)
    n = len(analysis.options)
    sub = (
        f"Situation {scenario.date.isoformat()} · front line {front.date}"
        + (f" ({front.accuracy_note})" if front.accuracy_note else "")
        + f" · {n} option{'s' if n != 1 else ''}, {troops:,} troops"
        + time_words(prepared)
    )
    chars = max(20, int(width / (7.5 * pt * 0.58)))
    text(
        fig,
        margin / width,
        1 - (24 * pt) / height,
        short(sub, chars),
        fontsize=7.5,
        ha="left",
        va="top",
        color="#444444",
    )


def time_words(prepared: Prepared) -> str:
    """What the subtitle adds for a hypothetical line (``+20 km hypothetical``) and a timed scenario (which of
    its dates this is, and that there are others: ``mapper render --image --at DATE``); ``""`` otherwise."""
    from mapper.timeline import of

    scenario = prepared.scenario
    out = ""
    if scenario.front.hypothetical:
        out += f" · hypothetical line +{scenario.front.advance_km:g} km (dashed)"
    timeline = of(scenario)
    days = timeline.days() if timeline.timed else []
    if days:
        k = sum(1 for d in days if d <= scenario.date) or 1
        out += (
            f" · date {k} of {len(days)} ({days[0].isoformat()} to {days[-1].isoformat()}; "
            "others with --at)"
        )
    return out


def draw_credits(
    fig: Figure,
    prepared: Prepared,
    centre: tuple[float, float],
    width: int,
    margin: int,
    bottom: int,
    pt: float,
) -> None:
    """Two lines under the map: the front line's date, source and accuracy; data credits and the projection."""
    front = prepared.scenario.front
    lat0, lon0 = centre
    chars = max(30, int((width - 2 * margin) / (5 * pt * 0.56)))
    first = short(f"Front line {front.date}: {front.source}. Accuracy: {front.accuracy}.", chars)
    second = short(
        f"{CREDITS} · Projection: Lambert azimuthal equal-area centred {lat0:g}°N {lon0:g}°E · "
        "distances geodesic (WGS84) · mapper",
        chars,
    )
    text(
        fig,
        margin / width,
        (bottom - 5 * pt) / (fig.bbox.height),
        first + "\n" + second,
        fontsize=5,
        ha="left",
        va="top",
        color="#555555",
        linespacing=1.3,
    )


class _Panel:
    """The legend panel being written, top to bottom: ``y`` is the next free row (pixels, y down)."""

    def __init__(self, lax: Axes, w: int, h: int, pt: float) -> None:
        self.lax, self.w, self.h, self.pt = lax, w, h, pt
        self.pad = 7 * pt
        self.sw = 14 * pt  # swatch width
        self.y = self.pad
        self.line_h = 9.5 * pt
        self.chars = max(12, int((w - 2 * self.pad - self.sw - 4 * pt) / (6.2 * pt * 0.56)))

    def text(self, x: float, y: float, s: str, **kw: Any) -> None:
        kw.setdefault("fontsize", 6.2)
        kw.setdefault("color", "#222222")
        kw.setdefault("ha", "left")
        text(self.lax, x, y, s, va="center", **kw)

    def heading(self, s: str) -> None:
        self.text(self.pad, self.y + 4 * self.pt, s, fontsize=7.2, fontweight="bold")
        self.y += 12 * self.pt

    def rule(self) -> None:
        self.lax.plot([self.pad, self.w - self.pad], [self.y, self.y], color="#cccccc", lw=0.6)

    def room(self, need: float) -> bool:
        return self.y + need <= self.h - self.pad

    def row(self, label: str, draw: Swatch, sub: str | None = None) -> None:
        """A swatch and its label (up to two lines), and an optional smaller grey line or two under it."""
        pt, x = self.pt, self.pad + self.sw + 4 * self.pt
        cy = self.y + self.line_h / 2
        draw(self.pad, cy)
        lines = textwrap.wrap(label, self.chars)[:2] or [""]
        for i, ln in enumerate(lines):
            self.text(x, cy + i * 7.5 * pt, ln)
        self.y += self.line_h + (len(lines) - 1) * 7.5 * pt
        if sub:
            for ln in textwrap.wrap(sub, int(self.chars * 1.15))[:2]:
                self.text(x, self.y + 2 * pt, ln, fontsize=5.2, color="#666666")
                self.y += 6.5 * pt
            self.y += 2.5 * pt

    def fill(self, colour: str, alpha: float, edge: str | None = None) -> Swatch:
        from matplotlib.patches import Rectangle

        pt = self.pt
        return lambda x, cy: self.lax.add_patch(
            Rectangle(
                (x, cy - 3.5 * pt),
                self.sw,
                7 * pt,
                facecolor=colour,
                alpha=alpha,
                edgecolor=edge or "none",
                lw=0.6,
            )
        )

    def stroke(self, colour: str, lw: float, ls: Any = "solid") -> Swatch:
        return lambda x, cy: self.lax.plot(
            [x, x + self.sw], [cy, cy], color=colour, lw=lw, linestyle=ls, solid_capstyle="butt"
        )

    def unit(self, colour: str, hub: bool = False) -> Swatch:
        from matplotlib.patches import Polygon as MplPolygon

        def draw(x: float, cy: float) -> None:
            fw, fh = 10 * self.pt, 10 * self.pt / 1.5
            cx = x + self.sw / 2
            rect = [
                [cx - fw / 2, cy - fh / 2],
                [cx + fw / 2, cy - fh / 2],
                [cx + fw / 2, cy + fh / 2],
                [cx - fw / 2, cy + fh / 2],
            ]
            self.lax.add_patch(
                MplPolygon(
                    rect,
                    closed=True,
                    facecolor=FRIEND_FILL,
                    edgecolor=FRAME_INK,
                    lw=0.6,
                )
            )
            if hub:  # the supply bar of the logistics hubs
                yb = cy + fh / 2 - 0.28 * fh
                self.lax.plot([cx - fw / 2, cx + fw / 2], [yb, yb], color=FRAME_INK, lw=0.9)
            # the option's colour under the frame, as under the labels on the map
            yu = cy - fh / 2 - 1.2 * self.pt
            self.lax.plot([cx - fw / 2, cx + fw / 2], [yu, yu], color=colour, lw=1.8)

        return draw


def draw_legend(lax: Axes, prepared: Prepared, w: int, h: int, pt: float) -> None:
    """The legend panel: situation layers, then each option with its symbols and key numbers (pixels, y down)."""
    from matplotlib.patches import Rectangle

    lax.set_xlim(0, w)
    lax.set_ylim(h, 0)
    lax.set_axis_off()
    lax.add_patch(
        Rectangle(
            (0.5, 0.5),
            w - 1,
            h - 1,
            facecolor="#fafafa",
            edgecolor="#bbbbbb",
            lw=0.6,
            clip_on=False,
        )
    )
    panel = _Panel(lax, w, h, pt)
    _situation_keys(panel, prepared)
    if prepared.scenario.overlays:
        _overlay_keys(panel, prepared.scenario.overlays)
    options = prepared.features.options
    for k, of in enumerate(options):
        if not panel.room(70 * pt):
            panel.text(
                panel.pad,
                panel.y + 4 * pt,
                f"… and {len(options) - k} more option(s)",
                fontsize=6.2,
                color="#666666",
            )
            panel.y += 10 * pt  # below it, so the force table does not start on this line
            break
        _option_keys(panel, of, prepared.scenario)
    _force_table(panel, prepared)


#: overlay rows the legend shows before "… and N more layers" (the options need the room)
MAX_OVERLAY_KEYS = 8


def _overlay_keys(panel: _Panel, overlays: Sequence[Overlay]) -> None:
    """The user's layers (``staticmap.overlays``), under a heading, at most ``MAX_OVERLAY_KEYS`` rows."""
    from mapper.staticmap.overlays import draw_overlay_keys

    panel.rule()
    panel.y += 4 * panel.pt
    panel.heading("Your layers")
    shown = overlays[:MAX_OVERLAY_KEYS] if len(overlays) > MAX_OVERLAY_KEYS else overlays
    draw_overlay_keys(panel, shown)
    if len(shown) < len(overlays):
        panel.text(
            panel.pad,
            panel.y + 4 * panel.pt,
            f"… and {len(overlays) - len(shown)} more layer(s)",
            fontsize=6.2,
            color="#666666",
        )
        panel.y += 10 * panel.pt
    panel.y += 2 * panel.pt


def _situation_keys(panel: _Panel, prepared: Prepared) -> None:
    pt = panel.pt
    front = prepared.scenario.front
    panel.heading("Legend")
    if front.hypothetical and front.base is not None:
        from mapper.staticmap.basemap import HYPOTHETICAL_COLOUR, HYPOTHETICAL_DASHES

        panel.row(f"Front line, {front.base.date}", panel.stroke(FRONT_COLOUR, 2.0))
        panel.row(
            f"Hypothetical line, +{front.advance_km:g} km",
            panel.stroke(HYPOTHETICAL_COLOUR, 2.0, HYPOTHETICAL_DASHES),
            sub="not a reported line",
        )
    else:
        panel.row(f"Front line, {front.date}", panel.stroke(FRONT_COLOUR, 2.0))
    if front.occupied is not None and not front.occupied.is_empty:
        panel.row("Occupied area", panel.fill(OCCUPIED_COLOUR, 0.3))
    ground = hostile_ground_name(prepared.scenario)
    if ground:
        panel.row(ground, panel.fill(HOSTILE_COLOUR, 0.3))
    panel.row("NATO member", panel.fill(NATO_FILL, 1.0, NATO_EDGE))
    panel.y += 2 * pt
    # what the bands measure (``features.band_basis``): the threat, not always only the line
    for ln in textwrap.wrap(band_basis(prepared.scenario) + " (geodesic)", int(panel.chars * 1.2))[
        :3
    ]:
        panel.text(panel.pad, panel.y + 3 * pt, ln, fontsize=6.2, fontweight="bold")
        panel.y += 8 * pt
    panel.y += 1 * pt
    for band in prepared.features.bands:
        panel.row(band.name, panel.fill(band_colour(band.index), 0.6), sub=band.label or None)
    panel.y += 4 * pt


def _option_facts(of: OptionFeatures, scenario: Scenario) -> list[str]:
    """An option's key numbers for the legend: distances with the line's accuracy, the nearest hostile part,
    coverage in the counted countries, and the constraint verdict with the forces exempt from it."""
    sm, acc = of.result.summary, scenario.front.accuracy_km
    facts = []
    if sm.min_distance_to_front_km is not None:
        near = format_km(sm.min_distance_to_front_km, acc, decimals=0)
        facts.append(f"nearest force {near} from the front line")
    if sm.forces:
        facts.append(f"nearest hostile territory {summary_hostile_km(sm, acc)}")
    # the verdict before the rest: the line budget of the panel may cut the last facts
    verdict = (
        "meets the constraints" if sm.meets_constraints else f"{sm.violations} constraint issue(s)"
    )
    exempt = exempt_words(of.result)
    facts.append(verdict + (f" ({exempt})" if exempt else ""))
    if sm.troop_weighted_mean_distance_to_front_km is not None:
        mean = format_km(sm.troop_weighted_mean_distance_to_front_km, acc, decimals=0)
        facts.append(f"troop-weighted mean {mean}")
    if sm.population_covered:
        cover = coverage_words(scenario, sm.population_covered, sm.population_covered_by_country)
        facts.append(cover[0].lower() + cover[1:])
    return facts


def _option_keys(panel: _Panel, of: OptionFeatures, scenario: Scenario) -> None:
    """One option: its name in its colour, a key per kind of thing it draws, and its key numbers."""
    pt, option, sm = panel.pt, of.option, of.result.summary
    panel.rule()
    panel.y += 4 * pt
    for i, ln in enumerate(textwrap.wrap(option.name, int(panel.chars * 1.1))[:2]):
        panel.text(
            panel.pad,
            panel.y + 4 * pt + i * 8.5 * pt,
            ln,
            fontsize=7.0,
            fontweight="bold",
            color=option.colour,
        )
    panel.y += 12 * pt + (8.5 * pt if len(option.name) > panel.chars * 1.1 else 0)
    panel.row(
        f"{sm.forces} force{'s' if sm.forces != 1 else ''}, {sm.troops:,} troops",
        panel.unit(option.colour),
    )
    if option.hubs:
        panel.row(
            f"{sm.hubs} hub{'s' if sm.hubs != 1 else ''}", panel.unit(option.colour, hub=True)
        )
    if of.lines:
        panel.row("Lines and routes", panel.stroke(option.colour, 2.0))
    if of.rings:
        panel.row("Coverage rings", panel.stroke(option.colour, 1.0, (0, (4, 2))))
    if of.areas or of.zones:
        # a zone by its total width (never the half-width its buffer is drawn with)
        widths = "; ".join(f"{z.zone.name}, {z.zone.width_km:g} km wide" for z in of.zones)
        panel.row(
            "Areas and zones", panel.fill(option.colour, 0.25, option.colour), sub=widths or None
        )
    facts = _option_facts(of, scenario)
    for ln in textwrap.wrap("; ".join(facts), int(panel.chars * 1.25))[:6]:
        panel.text(
            panel.pad,
            panel.y + 3 * pt,
            ln,
            fontsize=5.6,
            color="#333333" if sm.meets_constraints else "#a50f15",
        )
        panel.y += 7 * pt
    panel.y += 5 * pt


def _force_table(panel: _Panel, prepared: Prepared) -> None:
    """Every force, nearest the front line first, while there is room: name, troops, km to the front line."""
    from matplotlib.patches import Rectangle

    pt, pad, w = panel.pt, panel.pad, panel.w
    sites = sorted(
        ((site, res.colour) for res in prepared.options for site in res.forces),
        key=lambda t: (t[0].distance_to_front_km, t[0].name),
    )
    if not sites or not panel.room(30 * pt):
        return
    panel.rule()
    panel.y += 8 * pt
    acc = prepared.scenario.front.accuracy_km
    # one accuracy for every row: said once, in the heading
    head = "Forces, nearest the front line first" + (f" (km ± {acc:g})" if acc else "")
    panel.text(pad, panel.y, head, fontsize=6.2, fontweight="bold")
    panel.y += 8 * pt
    col_km, col_troops = w - pad, w - pad - 30 * pt
    panel.text(pad + 8 * pt, panel.y, "force", fontsize=5.0, color="#777777")
    panel.text(col_troops, panel.y, "troops", fontsize=5.0, color="#777777", ha="right")
    panel.text(col_km, panel.y, "km to front", fontsize=5.0, color="#777777", ha="right")
    panel.y += 7.5 * pt
    name_chars = max(8, int((col_troops - 30 * pt - pad - 8 * pt) / (5.6 * pt * 0.56)))
    row_h = 7.2 * pt
    for i, (site, colour) in enumerate(sites):
        last = i == len(sites) - 1
        if panel.y + row_h + (0 if last else row_h) > panel.h - pad:
            panel.text(
                pad + 8 * pt, panel.y, f"… and {len(sites) - i} more", fontsize=5.6, color="#666666"
            )
            break
        y = panel.y
        panel.lax.add_patch(
            Rectangle(
                (pad, y - 2.5 * pt), 5 * pt, 5 * pt, facecolor=colour, edgecolor="#111111", lw=0.4
            )
        )
        bad = bool(site.violations)
        panel.text(pad + 8 * pt, y, short(site.name, name_chars), fontsize=5.6)
        panel.text(col_troops, y, f"{site.troops:,}", fontsize=5.6, ha="right")
        panel.text(
            col_km,
            y,
            f"{site.distance_to_front_km:,.0f}" + (" !" if bad else ""),
            fontsize=5.6,
            ha="right",
            color="#a50f15" if bad else "#222222",
            fontweight="bold" if bad else "normal",
        )
        panel.y += row_h

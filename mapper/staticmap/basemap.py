"""The static map's fills and lines: the basemap, the situation (bands, occupied area, front line), each option.

The basemap (countries with NATO members tinted, Ukraine's oblasts, rivers and lakes) is projected once per
projection centre; the hostile ground the scenario names (Russia, Belarus, Transnistria) is shaded with the
situation, projected once per front line, threat and centre. The situation and the options are drawn from ``Prepared.features``
(``mapper.features``): bands, rings, hub links, lines, areas and zones are computed there once, for every output;
this module only projects and styles them, in the colours of ``mapper.style`` and each option's own colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import shapely

from mapper.staticmap.drawing import Frame, Style, fill, lines, prepare
from mapper.staticmap.projection import project
from mapper.style import (
    FRONT_COLOUR,
    HOSTILE_COLOUR,
    HYPOTHETICAL_COLOUR,
    OCCUPIED_COLOUR,
    band_colour,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from shapely.geometry.base import BaseGeometry

    from mapper.features import OptionFeatures
    from mapper.frontline import FrontLine
    from mapper.pipeline import Prepared

__all__ = ["SEA", "Basemap", "basemap", "draw_basemap", "draw_options", "draw_situation"]

SEA = "#dce8f2"
NATO_FILL = "#e3ecf7"
NATO_EDGE = "#6d8fb8"
#: A shape is clipped this many pixels outside the view, so that no clipped edge shows.
CLIP_PAD_PX = 20


@dataclass(frozen=True)
class Basemap:
    nato: np.ndarray
    other: np.ndarray
    ukraine: np.ndarray
    country_names: tuple[tuple[str, BaseGeometry], ...]
    regions: np.ndarray  # Ukraine's oblast boundaries
    rivers: np.ndarray
    lakes: np.ndarray


@lru_cache(maxsize=4)
def basemap(lat0: float, lon0: float) -> Basemap:
    """The curated layers of ``geodata/`` projected for a map centred at (lat0, lon0); cached."""
    from mapper import geodata

    c = geodata.countries()
    geoms = project(np.asarray(c.geometry.values, dtype=object), lat0, lon0)
    iso = c["iso3"].to_numpy()
    nato = c["nato"].to_numpy(dtype=bool)
    ukraine = iso == "UKR"
    r = geodata.regions()
    ua = (r["country"] == "UKR").to_numpy()
    regions = project(shapely.boundary(np.asarray(r.geometry.values[ua], dtype=object)), lat0, lon0)
    rivers = project(np.asarray(geodata.rivers().geometry.values, dtype=object), lat0, lon0)
    lakes = project(np.asarray(geodata.lakes().geometry.values, dtype=object), lat0, lon0)
    names = tuple((str(n), g) for n, g in zip(c["name"], geoms, strict=True))
    return Basemap(
        nato=geoms[nato & ~ukraine],
        other=geoms[~nato & ~ukraine],
        ukraine=geoms[ukraine],
        country_names=names,
        regions=regions,
        rivers=rivers,
        lakes=lakes,
    )


def draw_basemap(ax: Axes, frame: Frame, thumbnail: bool) -> None:
    """Countries, lakes, oblast boundaries (not on thumbnails), rivers, Ukraine's border (the hostile ground the
    scenario names is part of the situation: ``draw_situation``)."""
    b = basemap(frame.lat0, frame.lon0)
    box = frame.padded(CLIP_PAD_PX)
    tol = frame.m_per_px * (0.6 if not thumbnail else 1.0)
    fill(ax, prepare(b.other, box, tol), 1.0, facecolor="#f1efe9", edgecolor="#9a9a9a", lw=0.5)
    fill(ax, prepare(b.nato, box, tol), 1.0, facecolor=NATO_FILL, edgecolor=NATO_EDGE, lw=0.5)
    fill(ax, prepare(b.ukraine, box, tol), 1.1, facecolor="#fbfaf5", edgecolor="none")
    fill(ax, prepare(b.lakes, box, tol), 1.3, facecolor="#bcd7ef", edgecolor="#6fa8dc", lw=0.3)
    if not thumbnail:
        lines(
            ax,
            prepare(b.regions, box, tol),
            3.0,
            colors="#a8a8a8",
            linewidths=0.45,
            linestyles=(0, (3, 2.5)),
        )
    lines(
        ax,
        prepare(b.rivers, box, tol),
        3.0,
        colors="#6fa8dc",
        linewidths=0.7 if not thumbnail else 0.4,
    )
    lines(
        ax,
        prepare(b.ukraine, box, tol),
        3.1,
        colors="#333333",
        linewidths=1.1 if not thumbnail else 0.6,
    )


@lru_cache(maxsize=8)
def _projected(geom: BaseGeometry, lat0: float, lon0: float) -> BaseGeometry:
    """``geom`` in the map's projection, cached: the hostile ground is the same for every map of a run."""
    return project(geom, lat0, lon0)


def draw_situation(ax: Axes, prepared: Prepared, frame: Frame, style: Style) -> None:
    """The hostile ground the scenario names (as the HTML map and the legend do), the distance bands, the
    occupied area and the front line (white halo under the red line)."""
    from mapper.features import hostile_ground

    lat0, lon0 = frame.lat0, frame.lon0
    box = frame.padded(CLIP_PAD_PX)
    tol = frame.m_per_px * 0.5
    ground = hostile_ground(prepared.scenario)
    if ground is not None:
        g = prepare(_projected(ground, lat0, lon0), box, frame.m_per_px * 0.6)
        fill(ax, g, 1.2, facecolor=HOSTILE_COLOUR, alpha=0.25, lw=0)
    for band in prepared.features.bands:
        colour = band_colour(band.index)
        g = prepare(project(band.geometry, lat0, lon0), box, tol)
        fill(ax, g, 2.0, facecolor=colour, alpha=0.35, edgecolor="none")
        lines(ax, g, 2.05, colors=colour, linewidths=0.5, alpha=0.9)
    front = prepared.scenario.front
    if front.hypothetical and front.base is not None:
        _draw_hypothetical(ax, front, frame, style)
        return
    if front.occupied is not None and not front.occupied.is_empty:
        g = prepare(project(front.occupied, lat0, lon0), box, tol)
        fill(ax, g, 2.5, facecolor=OCCUPIED_COLOUR, alpha=0.22, edgecolor="none")
    line = prepare(project(front.line, lat0, lon0), box, tol)
    lines(ax, line, 6.0, colors="white", linewidths=style.front_lw + 1.6, alpha=0.8)
    lines(ax, line, 6.1, colors=FRONT_COLOUR, linewidths=style.front_lw)


#: the hypothetical line (``FrontLine.hypothetical``): the HTML map's colour (``render.timed``), dashed
HYPOTHETICAL_DASHES = (0, (4, 2.5))


def _draw_hypothetical(ax: Axes, front: FrontLine, frame: Frame, style: Style) -> None:
    """A hypothetical advance: the real line it grew from and its occupied area as usual, the ground it would
    take lighter and hatched, and the hypothetical line dashed in its own colour over the real one."""
    lat0, lon0 = frame.lat0, frame.lon0
    box, tol = frame.padded(CLIP_PAD_PX), frame.m_per_px * 0.5
    base = front.base
    assert base is not None
    if base.occupied is not None and not base.occupied.is_empty:
        g = prepare(project(base.occupied, lat0, lon0), box, tol)
        fill(ax, g, 2.5, facecolor=OCCUPIED_COLOUR, alpha=0.22, edgecolor="none")
    if front.occupied is not None and not front.occupied.is_empty:
        grown = (
            front.occupied if base.occupied is None else front.occupied.difference(base.occupied)
        )
        g = prepare(project(grown, lat0, lon0), box, tol)
        fill(ax, g, 2.45, facecolor=OCCUPIED_COLOUR, alpha=0.1, edgecolor="none")
        fill(
            ax,
            g,
            2.46,
            facecolor="none",
            edgecolor=HYPOTHETICAL_COLOUR,
            alpha=0.45,
            hatch="////",
            lw=0,
        )
    line = prepare(project(base.line, lat0, lon0), box, tol)
    lines(ax, line, 6.0, colors="white", linewidths=style.front_lw + 1.6, alpha=0.8)
    lines(ax, line, 6.1, colors=FRONT_COLOUR, linewidths=style.front_lw)
    hypo = prepare(project(front.line, lat0, lon0), box, tol)
    lines(ax, hypo, 6.2, colors="white", linewidths=style.front_lw + 1.2, alpha=0.7)
    lines(
        ax,
        hypo,
        6.3,
        colors=HYPOTHETICAL_COLOUR,
        linewidths=style.front_lw,
        linestyles=HYPOTHETICAL_DASHES,
    )


def draw_options(ax: Axes, prepared: Prepared, frame: Frame, style: Style) -> None:
    """Every analysed option's areas, zones, coverage rings, lines and hub links, in the option's colour (the
    symbols and labels of its sites are ``mapper.staticmap.labels``)."""
    for of in prepared.features.options:
        _draw_areas(ax, of, frame)
        _draw_rings(ax, of, frame)
        _draw_lines(ax, of, frame, style)
        if style.marks:  # links from each force to its nearest hub, as on the HTML map
            _draw_links(ax, of, frame)


def _draw_areas(ax: Axes, of: OptionFeatures, frame: Frame) -> None:
    c = of.option.colour
    box, tol = frame.padded(CLIP_PAD_PX), frame.m_per_px * 0.5
    for area in of.areas:
        g = prepare(project(area.geometry, frame.lat0, frame.lon0), box, tol)
        fill(ax, g, 4.0, facecolor=c, alpha=0.12, edgecolor="none")
        lines(ax, g, 4.05, colors=c, linewidths=1.1, linestyles=(0, (5, 3)))
    for zone in of.zones:
        g = prepare(project(zone.geometry, frame.lat0, frame.lon0), box, tol)
        fill(ax, g, 4.0, facecolor=c, alpha=0.22, edgecolor="none")
        lines(ax, g, 4.05, colors=c, linewidths=0.8, linestyles=(0, (1.5, 2.5)))


def _draw_rings(ax: Axes, of: OptionFeatures, frame: Frame) -> None:
    c = of.option.colour
    box = frame.padded(CLIP_PAD_PX)
    for ring in of.rings:
        g = prepare(
            project(ring.geometry, frame.lat0, frame.lon0), box, 0
        )  # not simplified: stays round
        fill(ax, g, 4.5, facecolor=c, alpha=0.06, edgecolor="none")
        lines(ax, g, 4.55, colors=c, linewidths=1.0, linestyles=(0, (4, 2)), alpha=0.9)


def _draw_lines(ax: Axes, of: OptionFeatures, frame: Frame, style: Style) -> None:
    c = of.option.colour
    box, tol = frame.padded(CLIP_PAD_PX), frame.m_per_px * 0.5
    for ln in of.lines:
        g = prepare(project(ln.geometry, frame.lat0, frame.lon0), box, tol)
        lw = (3.2 if ln.heavy else 1.8) * (0.6 if style.frame_w < 10 else 1)
        lines(ax, g, 5.0, colors="white", linewidths=lw + 1.2, alpha=0.7)
        lines(
            ax,
            g,
            5.05,
            colors=c,
            linewidths=lw,
            alpha=0.9,
            linestyles=(0, (5, 3)) if ln.dashed else "solid",
        )


def _draw_links(ax: Axes, of: OptionFeatures, frame: Frame) -> None:
    links = [project(link.geometry, frame.lat0, frame.lon0) for link in of.links]
    lines(
        ax,
        prepare(links, frame.padded(CLIP_PAD_PX), frame.m_per_px * 0.5),
        4.8,
        colors=of.option.colour,
        linewidths=0.6,
        linestyles=(0, (1, 3)),
        alpha=0.8,
    )

"""Where the static map's symbols and words go: site symbols and labels, city, country and sea names.

Placement is greedy over axis-aligned boxes in pixels (``Boxes``, indexed by a grid of cells so that each test
looks only at the boxes nearby: the cost grows linearly with the number of sites, not with its square): bigger
units keep their true spot and units that share a spot are displaced with a leader line to it; more than
``STACK_AT`` units of one option at one spot, or a unit that finds no free spot near its own, are stacked into one
symbol whose label counts them (``×N forces``), so a crowd of 2,000 is one symbol, not 2,000 piled leader lines;
then each symbol's label, forces before hubs and more troops first, takes the first free spot around it (when
there is none, it loses its troops line, then goes); then the places of ``mapper.placelabels`` (the HTML map's
rule): priority dots always, and every name only where it collides with nothing placed before (priority places
first, then by population); then country and sea names where free. So no two labels overlap: forces over hubs
over places, bigger over smaller, the scale bar and north arrow over all. A unit at a labelled place never keeps its true spot: it is displaced with a
leader and the place's dot is drawn above the leader, so the dot stays visible. Sites come from
``Prepared.options`` (each ``SiteMetrics.model`` is its ``Force`` or ``Hub``), never by pairing lists by position.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import shapely

from mapper import placelabels
from mapper.staticmap.basemap import basemap
from mapper.staticmap.boxes import Box, Boxes
from mapper.staticmap.drawing import Frame, Style, short, text
from mapper.staticmap.projection import transformers
from mapper.staticmap.units import draw_unit

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from mapper.pipeline import Prepared
    from mapper.scenario import Force, Hub

log = logging.getLogger("mapper")

__all__ = [
    "STACK_AT",
    "Boxes",
    "Site",
    "draw_places",
    "place_sites",
    "reserve_places",
    "sites_of",
    "stack_sites",
]


#: where a symbol may move, in frame widths and heights, when its spot is taken (nearest first)
_OFFSETS = (
    (0, 0),
    (0, 1),
    (0, -1),
    (1, 0),
    (-1, 0),
    (1, 1),
    (-1, 1),
    (1, -1),
    (-1, -1),
    (0, 2),
    (0, -2),
    (2, 0),
    (-2, 0),
)
#: more units than this of one option (forces or hubs) at one spot are drawn as one stacked symbol
STACK_AT = 9
_STACK_CELL = 4.0  # px: "one spot" (true positions in the same 4-pixel cell)
#: seas named on the map (name, lon, lat)
_SEAS = (("Black Sea", 33.6, 43.4), ("Sea of Azov", 36.7, 46.25))


@dataclass
class Site:
    name: str
    label: str
    x: float  # true position (map metres)
    y: float
    dx: float = 0.0  # displacement of the symbol (map metres) when sites share a spot
    dy: float = 0.0
    kind: str | None = None
    echelon: str | None = None
    colour: str = "#000000"
    hub: bool = False
    troops: int = 0
    #: how many sites this symbol stands for (a stack when > 1), and the true spots of the others
    count: int = 1
    spots: list[tuple[float, float]] = field(default_factory=list)
    #: at a labelled place (``placelabels.dot_near``): the symbol goes beside the place's dot, never on it
    beside: bool = False

    def absorb(self, other: Site) -> None:
        """Stack ``other`` into this symbol: counts and troops add up, a kind or echelon they differ on goes."""
        self.count += other.count
        self.troops += other.troops
        self.kind = self.kind if self.kind == other.kind else None
        self.echelon = self.echelon if self.echelon == other.echelon else None
        self.spots += [(other.x, other.y), *other.spots]
        noun = "hubs" if self.hub else "forces"
        self.label = f"×{self.count:,} {noun}" + (f"\n{self.troops:,}" if self.troops else "")


def sites_of(prepared: Prepared, frame: Frame) -> list[Site]:
    """Every analysed option's hubs, then forces, projected, with their labels (name; troops for a force)."""
    fwd, _ = transformers(frame.lat0, frame.lon0)
    sites: list[Site] = []
    for res in prepared.options:
        c = res.option.colour
        for metrics in res.hubs:
            h = cast("Hub", metrics.model)  # analysis results hold their model objects
            x, y = fwd.transform(h.location.lon, h.location.lat)
            label = short(h.name, 28) + ("" if "hub" in h.name.lower() else " (hub)")
            beside = placelabels.dot_near(h.location.lat, h.location.lon)
            sites.append(
                Site(h.name, label, x, y, kind="logistics", colour=c, hub=True, beside=beside)
            )
        for metrics in res.forces:
            f = cast("Force", metrics.model)
            x, y = fwd.transform(f.location.lon, f.location.lat)
            sites.append(
                Site(
                    f.name,
                    short(f.name, 28) + f"\n{metrics.troops:,}",
                    x,
                    y,
                    kind=f.kind,
                    echelon=f.echelon,
                    colour=c,
                    troops=metrics.troops,
                    beside=placelabels.dot_near(f.location.lat, f.location.lon),
                )
            )
    return sites


# -------------------------------------------------------------------------------------------------------------
# Site symbols and labels


def place_sites(
    ax: Axes,
    sites: list[Site],
    frame: Frame,
    style: Style,
    boxes: Boxes,
    canvas: Any,
    reserve: Callable[[Boxes], Boxes] | None = None,
) -> list[Site]:
    """Draw every site's symbol (displacing symbols that share a spot, with a leader line; stacking crowds), then
    label them, avoiding the boxes ``reserve(boxes taken by then)`` returns (``reserve_places``) where another
    free spot exists. Returns the symbols drawn: their ``count`` adds up to ``len(sites)``."""
    symbols = _displace(stack_sites(sites, frame), frame, style, boxes)
    drawn = {id(s_) for s_ in symbols}
    _draw_leaders(ax, [s_ for s_ in sites if id(s_) in drawn], frame)  # in the sites' order
    fw = style.frame_w * frame.pt * frame.m_per_px  # frame width in metres
    for site in sorted(
        symbols, key=lambda s_: (-s_.y - s_.dy, s_.name)
    ):  # draw from north to south
        layers = (
            [(2, None, None), (1, None, None)] if site.count > 1 else []
        )  # a stack: two frames behind, down-right
        for k, kind, echelon in [*layers, (0, site.kind, site.echelon)]:
            shift = 2.0 * k * frame.pt * frame.m_per_px
            draw_unit(
                ax,
                (site.x + site.dx + shift, site.y + site.dy - shift),
                kind=kind,
                echelon=echelon,
                style=style,
                accent=None if style.labels else site.colour,
                scale=fw / 1.5,  # frame units (x ±0.75) → metres
                echelon_gap=0.5 * frame.pt * frame.m_per_px,
            )
    if style.labels:
        reserved = reserve(boxes) if reserve is not None else Boxes()
        _label_sites(ax, symbols, frame, style, (boxes, reserved), canvas)
    return symbols


def stack_sites(sites: list[Site], frame: Frame) -> list[Site]:
    """The sites with every crowd of more than ``STACK_AT`` of one option's forces (or hubs) at one spot (the
    same few pixels) stacked into one: its biggest unit, counting them all. Order kept."""
    groups: dict[tuple[Any, ...], list[Site]] = {}
    for site in sites:
        px, py = frame.to_px(site.x, site.y)
        key = (math.floor(px / _STACK_CELL), math.floor(py / _STACK_CELL), site.colour, site.hub)
        groups.setdefault(key, []).append(site)
    dropped: set[int] = set()
    for group in groups.values():
        if len(group) > STACK_AT:
            head, *rest = sorted(group, key=lambda s_: (-s_.troops, s_.name))
            for other in rest:
                head.absorb(other)
                dropped.add(id(other))
    return [s_ for s_ in sites if id(s_) not in dropped] if dropped else sites


def _px_box(frame: Frame, x: float, y: float, w: float, h: float) -> Box:
    px, py = frame.to_px(x, y)
    return (px - w / 2, py - h / 2, px + w / 2, py + h / 2)


class _Nearby:
    """Placed symbols by option and kind, filed in square cells of ``reach`` metres: which one is nearest."""

    def __init__(self, reach: float) -> None:
        self.reach = reach
        self.cells: dict[tuple[Any, ...], list[Site]] = {}

    def _key(self, site: Site, x: float, y: float, di: int = 0, dj: int = 0) -> tuple[Any, ...]:
        return (
            math.floor(x / self.reach) + di,
            math.floor(y / self.reach) + dj,
            site.colour,
            site.hub,
        )

    def add(self, site: Site) -> None:
        self.cells.setdefault(self._key(site, site.x + site.dx, site.y + site.dy), []).append(site)

    def nearest(self, site: Site) -> Site | None:
        best, best_d = None, self.reach
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                for other in self.cells.get(self._key(site, site.x, site.y, di, dj), ()):
                    d = math.hypot(other.x + other.dx - site.x, other.y + other.dy - site.y)
                    if d <= best_d:
                        best, best_d = other, d
        return best


def _displace(sites: list[Site], frame: Frame, style: Style, boxes: Boxes) -> list[Site]:
    """Give each symbol the nearest free spot (setting ``dx``, ``dy``), bigger units first so they keep their true
    spot; a symbol with no free spot near its own joins the nearest symbol of its option (a stack), else takes
    the least covered spot. Return the symbols placed, in that order."""
    pt, m_per_px = frame.pt, frame.m_per_px
    fw = style.frame_w * pt * m_per_px  # frame width in metres
    fh = fw / 1.5
    gap = 2 * pt * m_per_px
    ech_h = (7 * pt * m_per_px) if style.marks else 0
    size = (fw / m_per_px + 2, (fh + ech_h) / m_per_px + 2)
    order = sorted(sites, key=lambda s_: (s_.hub, -s_.troops, s_.name))
    frame_boxes = Boxes()
    nearby = _Nearby(3 * (fw + gap))
    placed: list[Site] = []
    for site in order:
        # a site at a labelled place never takes its true spot: the place's dot stays visible under the leader
        offsets = _OFFSETS[1:] if site.beside else _OFFSETS
        spots = [(ox * (fw + gap), oy * (fh + ech_h + gap)) for ox, oy in offsets]
        boxes_at = [_px_box(frame, site.x + dx, site.y + dy + ech_h / 2, *size) for dx, dy in spots]
        k = next((k for k, b in enumerate(boxes_at) if frame_boxes.free(b)), None)
        if k is None:
            host = nearby.nearest(site)
            if host is not None:
                host.absorb(site)
                continue
            covered = [frame_boxes.overlap(b) for b in boxes_at]
            k = covered.index(min(covered))
        site.dx, site.dy = spots[k]
        frame_boxes.add(boxes_at[k])
        boxes.add(boxes_at[k])
        nearby.add(site)
        placed.append(site)
    return placed


def _draw_leaders(ax: Axes, sites: list[Site], frame: Frame) -> None:
    """A dot at each displaced site's true spot and a line from it to the symbol; a dot at the true spot of each
    unit stacked into a symbol elsewhere."""
    from matplotlib.collections import LineCollection

    leaders = []
    for site in sites:
        if site.dx or site.dy:
            leaders.append([(site.x, site.y), (site.x + site.dx, site.y + site.dy)])
            ax.plot(
                [site.x],
                [site.y],
                marker="o",
                ms=2.5,
                color="#222222",
                zorder=8.0,
                linestyle="none",
            )
    if leaders:
        ax.add_collection(LineCollection(leaders, colors="#222222", linewidths=0.6, zorder=8.0))
    own = {tuple(round(v) for v in frame.to_px(s_.x, s_.y)) for s_ in sites}
    extra: dict[tuple[int, ...], tuple[float, float]] = {}
    for site in sites:
        for x, y in site.spots:
            extra.setdefault(tuple(round(v) for v in frame.to_px(x, y)), (x, y))
    dots = [xy for key, xy in sorted(extra.items()) if key not in own]
    if dots:
        ax.plot(
            *zip(*dots, strict=True),
            marker="o",
            ms=2.0,
            color="#222222",
            zorder=8.0,
            linestyle="none",
        )


def _label_candidates(
    half_w: float, half_h: float, pad: float, h: float, pt: float
) -> list[tuple[str, str, float, float]]:
    """Spots for a label around its symbol, best first: ``(ha, va, x offset, y offset)`` in pixels."""
    candidates: list[tuple[str, str, float, float]] = [
        ("left", "center", half_w + pad, 0),
        ("right", "center", -half_w - pad, 0),
        ("center", "top", 0, -half_h - pad),
        ("left", "bottom", half_w + pad, half_h),
        ("left", "top", half_w + pad, -half_h),
        ("right", "bottom", -half_w - pad, half_h),
        ("right", "top", -half_w - pad, -half_h),
    ]
    for k in (1, 2, 3):  # crowded: slide sideways labels up and down, then further out
        for sign in (1, -1):
            dy = sign * (half_h + k * h * 0.75)
            candidates += [
                ("left", "center", half_w + pad, dy),
                ("right", "center", -half_w - pad, dy),
            ]
    candidates += [("center", "bottom", 0, half_h + 8 * pt)]
    return candidates


#: how many of ``_label_candidates``' spots touch the symbol (the rest slide away from it)
_NEAR_SPOTS = 7


def _label_box(
    ha: str, va: str, x: float, y: float, w: float, h: float
) -> tuple[float, float, float, float]:
    x0 = x - (0 if ha == "left" else w if ha == "right" else w / 2)
    y0 = y - (0 if va == "bottom" else h if va == "top" else h / 2)
    return (x0, y0, x0 + w, y0 + h)


def _choose_spot(
    candidates: list[tuple[str, str, float, float]],
    at: tuple[float, float],
    size: tuple[float, float],
    frame: Frame,
    taken: tuple[Boxes, Boxes],
) -> tuple[str, str, float, float, Box] | None:
    """A spot inside the map that collides with nothing placed, else ``None``: the first of the spots next to
    the symbol (``_NEAR_SPOTS``) that leaves every reserved name free, else the first further out that does,
    else the first. ``taken``: (placed, the priority places' names, ``reserve_places``)."""
    (px, py), (w, h) = at, size
    height = (frame.ymax - frame.ymin) / frame.m_per_px
    boxes, reserved = taken
    free = []
    for k, (ha, va, ox, oy) in enumerate(candidates):
        b = _label_box(ha, va, px + ox, py + oy, w, h)
        inside = b[0] >= 2 and b[1] >= 2 and b[2] <= frame.width_px - 2 and b[3] <= height - 2
        if inside and boxes.free(b):
            if k < _NEAR_SPOTS and reserved.free(b):
                return ha, va, ox, oy, b
            free.append((ha, va, ox, oy, b))
    clear = [spot for spot in free if reserved.free(spot[4])]
    return clear[0] if clear else free[0] if free else None


def _label_sites(
    ax: Axes,
    ordered: list[Site],
    frame: Frame,
    style: Style,
    taken: tuple[Boxes, Boxes],
    canvas: Any,
) -> None:
    """Label the symbols in priority order (forces before hubs, more troops first: ``_displace``'s order), each
    at the first free spot around its symbol; a label with no free spot loses its troops line, then (a symbol
    stays unlabelled, its name in the legend's table) goes, so no label covers another or a symbol."""
    from matplotlib import patheffects

    pt, m_per_px = frame.pt, frame.m_per_px
    fw = style.frame_w * pt * m_per_px
    fh = fw / 1.5
    renderer = canvas.get_renderer()
    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
    for site in ordered:
        cx, cy = site.x + site.dx, site.y + site.dy
        label = text(
            ax,
            0,
            0,
            site.label,
            fontsize=style.label_size,
            color="#111111",
            zorder=9,
            linespacing=1.05,
            path_effects=halo,
        )
        spot = None
        for lines in (site.label, site.label.split("\n")[0]):
            label.set_text(lines)
            ext = label.get_window_extent(renderer)
            w, h = ext.width, ext.height
            candidates = _label_candidates(fw / 2 / m_per_px, fh / 2 / m_per_px, 2.5 * pt, h, pt)
            spot = _choose_spot(candidates, frame.to_px(cx, cy), (w, h), frame, taken)
            if spot is not None or "\n" not in site.label:
                break
        if spot is None:
            log.debug("no room for the label of %s", site.name)
            label.remove()
            continue
        ha, va, ox, oy, b = spot
        taken[0].add(b)
        label.set_position((cx + ox * m_per_px, cy + oy * m_per_px))
        label.set_horizontalalignment(ha)
        label.set_verticalalignment(va)
        _underline(ax, frame, b, site.colour)
        _label_leader(ax, frame, (cx, cy), (fw / 2 / m_per_px, fh / 2 / m_per_px), b)


def _label_leader(
    ax: Axes, frame: Frame, at: tuple[float, float], half: tuple[float, float], b: Box
) -> None:
    """A thin line from a symbol to its label when a crowd pushed the label off the symbol's side (a label
    slid up or down beside its neighbours would otherwise read as theirs). ``at``: the symbol's centre (map
    metres); ``half``: its half width and height (px); ``b``: the label's box (px, y up)."""
    px, py = frame.to_px(*at)
    lx, ly = min(max(px, b[0]), b[2]), min(max(py, b[1]), b[3])
    sx, sy = min(max(lx, px - half[0]), px + half[0]), min(max(ly, py - half[1]), py + half[1])
    if math.hypot(lx - sx, ly - sy) <= 4 * frame.pt:
        return
    m = frame.m_per_px
    ax.plot(
        [at[0] + (sx - px) * m, at[0] + (lx - px) * m],
        [at[1] + (sy - py) * m, at[1] + (ly - py) * m],
        color="#444444",
        linewidth=0.5,
        zorder=8.5,
        solid_capstyle="butt",
    )


def _underline(ax: Axes, frame: Frame, b: Box, colour: str) -> None:
    """The option's colour under a site's label (pixel box ``b``), as the HTML map underlines it."""
    y = frame.ymin + (b[1] - 0.4 * frame.pt) * frame.m_per_px
    xs = [frame.xmin + b[0] * frame.m_per_px, frame.xmin + b[2] * frame.m_per_px]
    ax.plot(xs, [y, y], color=colour, lw=1.3, solid_capstyle="butt", zorder=8.9)


# -------------------------------------------------------------------------------------------------------------
# Place names


def draw_places(
    ax: Axes,
    frame: Frame,
    boxes: Boxes,
    canvas: Any,
    sites: list[Site],
    front_line: Any | None = None,
) -> None:
    """Orientation: city dots and names (``mapper.placelabels``' rule for ``front_line``, the scenario's line of
    contact; the bundled line when ``None``), then country and sea names where they do not collide."""
    renderer = canvas.get_renderer()
    _draw_cities(ax, frame, boxes, renderer, front_line)
    _draw_country_names(ax, frame, boxes, renderer)
    _draw_sea_names(ax, frame, boxes, renderer)


def _axes_box(ax: Axes, artist: Any, renderer: Any) -> Box:
    """The pixel box of a drawn text, from the axes' lower left corner."""
    ext = artist.get_window_extent(renderer)
    return (ext.x0 - ax.bbox.x0, ext.y0 - ax.bbox.y0, ext.x1 - ax.bbox.x0, ext.y1 - ax.bbox.y0)


def _keep_if_free(ax: Axes, artist: Any, renderer: Any, boxes: Boxes) -> None:
    """Keep a text where it is inside the map and collides with nothing placed (taking its box), remove it
    otherwise."""
    bb = _axes_box(ax, artist, renderer)
    w, h = ax.bbox.width, ax.bbox.height
    inside = bb[0] >= 0 and bb[1] >= 0 and bb[2] <= w and bb[3] <= h
    if not (inside and boxes.free(bb)):
        artist.remove()
        return
    boxes.add(bb)


#: a name's spot around its dot (ha, va, dx, dy; dx, dy in units of 3 pt), best first, as ``placelabels.SIDES``
_CITY_SPOTS = (
    ("left", "center", 1.5, 0.0),
    ("right", "center", -1.5, 0.0),
    ("center", "bottom", 0.0, 1.2),
    ("center", "top", 0.0, -1.2),
    ("left", "bottom", 1.0, 0.8),
    ("left", "top", 1.0, -0.8),
    ("right", "bottom", -1.0, 0.8),
    ("right", "top", -1.0, -0.8),
)


def map_places(frame: Frame, front_line: Any | None = None) -> list[placelabels.PlaceLabel]:
    """The places this map labels, priority first: ``placelabels``' labels that show at the zoom equivalent to
    the map's scale (one CSS pixel is 0.75 pt), and at least every one of the HTML map's default view."""
    if front_line is None:
        from mapper.frontline import bundled_front_line

        front_line = bundled_front_line().line
    zoom = placelabels.static_zoom(frame.m_per_px * frame.pt / (96 / 72), frame.lat0)
    limit = max(placelabels.DEFAULT_ZOOM, round(zoom))
    return [p for p in placelabels.place_labels(front_line) if p.zoom <= limit]


def reserve_places(
    ax: Axes, frame: Frame, canvas: Any, front_line: Any | None, taken: Boxes
) -> Boxes:
    """The boxes the names of the priority places (oblast centres, capitals, front-zone towns) would take at
    their first spot clear of ``taken`` (the symbols): site labels avoid them where they have another free spot
    (``_choose_spot``), so a key city keeps its name beside a unit; forces still win where they have no other
    spot."""
    fwd, _ = transformers(frame.lat0, frame.lon0)
    renderer = canvas.get_renderer()
    reserved = Boxes()
    for p in map_places(frame, front_line):
        x, y = fwd.transform(p.lon, p.lat)
        if not p.priority or not frame.contains(x, y):
            continue
        probe = text(
            ax,
            x,
            y,
            p.name,
            fontsize=(6.2, 5.8, 5.2, 4.9)[p.size],
            fontweight="bold" if p.size < 2 else "normal",
        )
        b = _free_spot(ax, probe, (x, y), frame, taken, renderer)
        if b is not None:
            reserved.add(b)
        probe.remove()
    return reserved


def _draw_cities(
    ax: Axes, frame: Frame, boxes: Boxes, renderer: Any, front_line: Any | None
) -> None:
    """Priority places first, then the others, each name at the first spot around its dot that collides with
    nothing placed before (furniture, symbols and their labels, which rank above places, and the names of bigger
    places); a priority place without room keeps its dot, the others go."""
    from matplotlib import patheffects

    pt = frame.pt
    halo = [patheffects.withStroke(linewidth=1.8, foreground="white")]
    fwd, _ = transformers(frame.lat0, frame.lon0)
    r = 2 * pt  # dot radius, px
    dots_x, dots_y = [], []
    for p in map_places(frame, front_line):
        x, y = fwd.transform(p.lon, p.lat)
        if not frame.contains(x, y):
            continue
        px, py = frame.to_px(x, y)
        dot = (px - r, py - r, px + r, py + r)
        if not p.priority and not boxes.free(dot):
            continue
        label = text(
            ax,
            x,
            y,
            p.name,
            fontsize=(6.2, 5.8, 5.2, 4.9)[p.size],
            color="#222222" if p.priority else "#444444",
            zorder=8.6,
            path_effects=halo,
            fontweight="bold" if p.size < 2 else "normal",
        )
        if _place_name(ax, label, (x, y), frame, boxes, renderer) or p.priority:
            boxes.add(dot)  # a priority place without room for its name keeps its dot
            dots_x.append(x)
            dots_y.append(y)
    if dots_x:
        # above the leaders (8.0) that point at a site's true position, so a city's dot is never hidden
        ax.scatter(
            dots_x, dots_y, s=7, facecolor="white", edgecolor="#444444", linewidths=0.6, zorder=8.5
        )


def _free_spot(
    ax: Axes, label: Any, at: tuple[float, float], frame: Frame, boxes: Boxes, renderer: Any
) -> Box | None:
    """Put ``label`` at its first spot around ``at`` (map metres) in the map clear of ``boxes``: its box, or None."""
    r = 2 * frame.pt * frame.m_per_px
    for ha, va, dx, dy in _CITY_SPOTS:
        label.set_position((at[0] + dx * r * 1.5, at[1] + dy * r * 1.5))
        label.set_horizontalalignment(ha)
        label.set_verticalalignment(va)
        b = _axes_box(ax, label, renderer)
        if b[0] < 0 or b[2] > frame.width_px or b[1] < 0:
            continue
        if boxes.free(b):
            return b
    return None


def _place_name(
    ax: Axes,
    label: Any,
    at: tuple[float, float],
    frame: Frame,
    boxes: Boxes,
    renderer: Any,
) -> bool:
    """Put ``label`` at the first spot around ``at`` (map metres) inside the map that collides with nothing
    placed (furniture, symbols, their labels, names placed before); remove it if there is none. Returns whether
    it was kept (its box then taken)."""
    b = _free_spot(ax, label, at, frame, boxes, renderer)
    if b is None:
        label.remove()
        return False
    boxes.add(b)
    return True


def _draw_country_names(ax: Axes, frame: Frame, boxes: Boxes, renderer: Any) -> None:
    """Faint names of the countries with room in the view (at least 2.5 % of it), largest first."""
    xmin, xmax, ymin, ymax = frame.view
    view_area = shapely.box(xmin, ymin, xmax, ymax).area
    labels = []
    for name, geom in basemap(frame.lat0, frame.lon0).country_names:
        part = shapely.make_valid(shapely.clip_by_rect(geom, xmin, ymin, xmax, ymax))
        if part.is_empty or part.area < 0.025 * view_area:
            continue
        labels.append((part.area, name.upper(), shapely.point_on_surface(part)))
    for _area, name, p in sorted(labels, key=lambda t: -t[0]):
        label = text(
            ax,
            p.x,
            p.y,
            name,
            fontsize=7.5,
            color="#8a8a8a",
            ha="center",
            va="center",
            zorder=3.5,
            fontweight="bold",
            alpha=0.75,
        )
        _keep_if_free(ax, label, renderer, boxes)


def _draw_sea_names(ax: Axes, frame: Frame, boxes: Boxes, renderer: Any) -> None:
    fwd, _ = transformers(frame.lat0, frame.lon0)
    for name, lon, lat in _SEAS:
        x, y = fwd.transform(lon, lat)
        if not frame.contains(x, y):
            continue
        label = text(
            ax,
            x,
            y,
            name,
            fontsize=7 if name == "Black Sea" else 5.5,
            color="#5d87b0",
            ha="center",
            va="center",
            fontstyle="italic",
            zorder=3.5,
        )
        _keep_if_free(ax, label, renderer, boxes)

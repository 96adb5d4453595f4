"""Which populated places the maps label, from which zoom and on which side of the dot: one rule for the HTML map
(``render/layers.place_labels``) and the PNG map (``staticmap/labels``). Pure: no folium, no matplotlib.

Priority places always show at the maps' default view (zoom ``DEFAULT_ZOOM``, where every bundled example opens
at 1400×900, measured in ``tests/test_screenshots.py``), and no lower label is allowed to sit on them:

* ``centre``: Ukraine's oblast centres (with Donetsk, Luhansk, Simferopol and Sevastopol in the occupied area) and
  the capitals of the neighbouring countries (with Tiraspol, Transnistria's administrative centre), ``CENTRES``;
* ``front``: towns of ``FRONT_MIN_POP`` people or more in Ukraine within ``FRONT_KM`` of the front line, and towns
  of ``DEPTH_MIN_POP`` or more within ``DEPTH_KM`` (the big towns behind the line: Melitopol, Berdiansk,
  Mariupol), measured geodesically with ``mapper.geodesy.distance_to_line_km`` against the scenario's own line,
  so a user's line gives its own set (cached per line).

Everything else is labelled by population in tiers that show from higher zooms (``POPULATION_TIERS``); a lower
label whose box would touch a priority label's box at a zoom waits for the first zoom at which it does not.

A city's districts are separate GeoNames rows, some with a bigger (pre-war) population than the city's own
wartime-edited row ("Pravyi Bereh", 352,088, inside Mariupol, 230,000): ranking by population alone labels the
district instead of the city. ``cities`` therefore drops every row whose alternate names call it a district
(GeoNames' "X District", "X Raion" ...), then keeps rows in order of *being a city* (GeoNames' original records,
ids below ``LATER_IDS``, first; districts are later additions) and, within that, population; a row within
``city_radius_km`` of a city already kept in the same oblast is that city's district and is dropped. A label is
always the row's own ``name`` (Chișinău and Tiraspol, never their ``oblast`` column, which said "Criuleni" and
"Bender"); ``CENTRES`` match names up to diacritics (``plain``).

Label sides (``SIDES``) for priority places are chosen at ``DEFAULT_ZOOM`` in Web Mercator pixels (the screen
Leaflet draws on: this is placement on screen, not a measurement; name widths estimated at 0.6 em a character,
measured 0.95 of that on average in Chromium) so that priority labels overlap each other as little as they can;
in the Donbas some 30 front-zone towns share ~100 px at zoom 6 and overlap anyway. On the HTML map the page then
resolves every collision at every zoom (``render/layers.Declutter``, ``templates/declutter.js``): labels in
priority order (forces, hubs, then places in this module's order) take the first free side or hide until a zoom
gives them room.

A force or hub at a labelled place (``dot_near``) is drawn beside the place's dot, at the corner of its point
(``beside_corner``) that covers the fewest dots and names of the default view, with a leader to its true
position, in both outputs.
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import shapely

__all__ = [
    "CENTRES",
    "CORNERS",
    "DEFAULT_ZOOM",
    "NEAR_DOT_KM",
    "SIDES",
    "TIER_ZOOMS",
    "PlaceLabel",
    "beside_corner",
    "cities",
    "city_radius_km",
    "dot_near",
    "encode_labels",
    "label_box",
    "place_labels",
    "plain",
    "static_zoom",
]

#: The zoom at which the bundled examples open (1400×900 viewport; fitBounds snaps to whole zooms).
DEFAULT_ZOOM = 6
#: The zooms from which labels may show; a label's ``zoom`` is one of these.
TIER_ZOOMS = (5, 6, 7, 8, 9, 10)
#: (population, zoom): a place that is not a priority shows from the zoom of the first threshold it reaches.
POPULATION_TIERS = ((1_000_000, 5), (300_000, 6), (100_000, 7), (40_000, 8), (15_000, 9))
#: outside Ukraine only towns this big are labelled (besides capitals): the theatre is Ukraine
FOREIGN_MIN_POP = 100_000
FRONT_KM, FRONT_MIN_POP = 50.0, 20_000
DEPTH_KM, DEPTH_MIN_POP = 150.0, 100_000
#: GeoNames ids from here on are later additions: in Ukraine, almost all city sections (feature code PPLX)
LATER_IDS = 6_000_000
#: how much further from a city a later record still counts as its district (Tekstylnyk, 11.6 km from Donetsk)
LATER_REACH = 1.6

#: (name, ISO-2 country) of the places labelled at every zoom from 5: oblast centres and capitals
CENTRES: tuple[tuple[str, str], ...] = (
    *(
        (n, "UA")
        for n in [
            "Kyiv",
            "Kharkiv",
            "Dnipro",
            "Zaporizhzhia",
            "Kherson",
            "Mykolaiv",
            "Odesa",
            "Sumy",
            "Chernihiv",
            "Poltava",
            "Kropyvnytskyi",
            "Cherkasy",
            "Vinnytsia",
            "Zhytomyr",
            "Khmelnytskyi",
            "Rivne",
            "Lutsk",
            "Ternopil",
            "Lviv",
            "Ivano-Frankivsk",
            "Uzhhorod",
            "Chernivtsi",
            "Donetsk",
            "Luhansk",
            "Simferopol",
            "Sevastopol",
        ]
    ),
    ("Chisinau", "MD"),
    ("Tiraspol", "MD"),
    ("Warsaw", "PL"),
    ("Bratislava", "SK"),
    ("Budapest", "HU"),
    ("Bucharest", "RO"),
    ("Minsk", "BY"),
    ("Moscow", "RU"),
)

#: where a label's name sits relative to its dot (CSS classes ``mapper-place-<side>`` in the HTML), best first
SIDES = ("r", "l", "t", "b", "tr", "br", "tl", "bl")

_DISTRICT = re.compile(
    r"\b(district|raion|rayon|rajon|microdistrict|ker[uü]e?let)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class PlaceLabel:
    """One labelled place: shown from ``zoom``; ``priority`` is ``"centre"``, ``"front"`` or ``""``."""

    name: str
    lat: float
    lon: float
    population: int
    country: str
    priority: str
    zoom: int
    side: str = "r"

    @property
    def size(self) -> int:
        """Type size class: 0 capitals and cities of a million, 1 other centres and cities of 300,000, 2 towns,
        3 small front towns (the HTML's ``mapper-place-s<N>``, the PNG's font sizes)."""
        if self.population >= 1_000_000 or (self.priority == "centre" and self.country != "UA"):
            return 0
        if self.priority == "centre" or self.population >= 300_000:
            return 1
        return 2 if self.population >= 100_000 else 3


def city_radius_km(population: float) -> float:
    """How far from a city's point its districts may lie: 2.5 km plus 9 km per square root of a million people
    (Kyiv, 2.95 M: 18 km; Kharkiv 1.4 M: 13 km; Mariupol 0.23 M: 6.8 km; Kramatorsk 0.15 M: 6 km, so Sloviansk,
    13 km away, stays a town of its own). Area grows with population, so the radius with its square root."""
    return 2.5 + 9.0 * math.sqrt(max(population, 0.0) / 1e6)


def _columns() -> dict[str, Any]:
    from mapper import geodata

    return geodata.table("places").columns


def _is_later(geonameid: Any) -> bool:
    try:
        return int(geonameid) >= LATER_IDS
    except (TypeError, ValueError):  # hand-added rows have no id: treat them as original records
        return False


@lru_cache(maxsize=1)
def cities(min_population: int = 15_000) -> tuple[int, ...]:
    """Indexes (into the places table) of the rows of ``min_population`` or more that are places of their own,
    not districts of a city (see the module docstring), in the order they were kept. Prepared at build time for
    the bundled places (``mapper.prepared``): ~0.25 s of small geodesic calls otherwise."""
    from mapper import geodesy, prepared

    c = _columns()
    found = prepared.lookup("places", f"cities:{min_population}", _row_indexes(len(c["name"])))
    if found is not None:
        return found
    pop = np.asarray(c["population"], dtype=float)
    rows = [
        int(i)
        for i in np.flatnonzero(pop >= min_population)
        if not _DISTRICT.search(str(c["alt_names"][i]))
    ]
    rows.sort(key=lambda i: (_is_later(c["geonameid"][i]), -pop[i], c["name"][i]))
    groups: dict[tuple[str, str], list[int]] = {}
    for i in rows:
        groups.setdefault((c["country"][i], c["oblast"][i]), []).append(i)
    keep: set[int] = set()
    for members in groups.values():
        lat = np.asarray([c["lat"][i] for i in members], dtype=float)
        lon = np.asarray([c["lon"][i] for i in members], dtype=float)
        d = geodesy.point_distance_km(lat1=lat[:, None], lon1=lon[:, None], lat2=lat, lon2=lon)
        # a later GeoNames record is a city section unless it is clearly outside the city
        reach = np.asarray([LATER_REACH if _is_later(c["geonameid"][i]) else 1.0 for i in members])
        radius = np.asarray([city_radius_km(pop[i]) for i in members])
        kept: list[int] = []
        # members are in rank order: a city comes before its districts
        for k, i in enumerate(members):
            if not kept or not np.any(d[k, kept] < reach[k] * radius[kept]):
                kept.append(k)
                keep.add(i)
    return tuple(i for i in rows if i in keep)


def plain(name: str) -> str:
    """``name`` without diacritics, case-folded: "Chișinău" and "Chisinau" are one key."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _centre_rows(c: dict[str, Any], candidates: Sequence[int]) -> dict[int, str]:
    """The row of each of ``CENTRES``: the most populous row with that name (up to diacritics) in that country."""
    wanted = frozenset((plain(n), cc) for n, cc in CENTRES)
    best: dict[tuple[str, str], int] = {}
    for i in candidates:
        key = (plain(c["name"][i]), c["country"][i])
        if key in wanted and (key not in best or c["population"][i] > c["population"][best[key]]):
            best[key] = i
    return {i: "centre" for i in best.values()}


def _population_zoom(pop: int) -> int | None:
    return next((z for p, z in POPULATION_TIERS if pop >= p), None)


@lru_cache(maxsize=8)
def _labels_for(line_wkb: bytes | None) -> tuple[PlaceLabel, ...]:
    from mapper import geodesy, prepared

    # prepared (mapper.prepared) for no line and the bundled one, named by the line's WKB: exact for any caller
    entry = "labels:" + ("none" if line_wkb is None else prepared.digest(line_wkb))
    found = prepared.lookup("places", entry, _decode_labels)
    if found is not None:
        return found
    c = _columns()
    rows = list(cities())
    priority = _centre_rows(c, rows)
    if line_wkb is not None:
        ua = [i for i in rows if c["country"][i] == "UA" and i not in priority]
        d = geodesy.distance_to_line_km(
            shapely.from_wkb(line_wkb),
            lat=np.asarray([c["lat"][i] for i in ua], dtype=float),
            lon=np.asarray([c["lon"][i] for i in ua], dtype=float),
        ).distance_km
        for i, km in zip(ua, d, strict=True):
            pop = c["population"][i]
            if (km <= FRONT_KM and pop >= FRONT_MIN_POP) or (
                km <= DEPTH_KM and pop >= DEPTH_MIN_POP
            ):
                priority[i] = "front"
    out: list[PlaceLabel] = []
    for i in rows:
        pop, country = int(c["population"][i]), str(c["country"][i])
        kind = priority.get(i, "")
        pz = _population_zoom(pop)
        if kind:
            zoom = TIER_ZOOMS[0] if kind == "centre" else min(DEFAULT_ZOOM, pz or DEFAULT_ZOOM)
        elif pz is None or (country != "UA" and pop < FOREIGN_MIN_POP):
            continue
        else:
            zoom = pz
        out.append(
            PlaceLabel(
                str(c["name"][i]), float(c["lat"][i]), float(c["lon"][i]), pop, country, kind, zoom
            )
        )
    return _arrange(out)


def _row_indexes(rows: int) -> Any:
    def decode(raw: Any) -> tuple[int, ...]:
        if not isinstance(raw, list) or not all(type(i) is int and 0 <= i < rows for i in raw):
            raise ValueError("not row indexes of the places table")
        return tuple(raw)

    return decode


def encode_labels(labels: Sequence[PlaceLabel]) -> list[list[Any]]:
    """Labels as product rows (``mapper.prepared``): the fields in order."""
    return [[getattr(p, f.name) for f in dataclasses.fields(PlaceLabel)] for p in labels]


_LABEL_TYPES = (str, float, float, int, str, str, int, str)


def _decode_labels(raw: Any) -> tuple[PlaceLabel, ...]:
    out = []
    for row in raw:
        if not (
            isinstance(row, list)
            and len(row) == len(_LABEL_TYPES)
            and all(type(v) is t for v, t in zip(row, _LABEL_TYPES, strict=True))
            and row[5] in ("centre", "front", "")
            and row[6] in TIER_ZOOMS
            and row[7] in SIDES
        ):
            raise ValueError("not a place label row")
        out.append(PlaceLabel(*row))
    return tuple(out)


def place_labels(front_line: Any | None = None) -> tuple[PlaceLabel, ...]:
    """Every place the maps label, priority places first. ``front_line``: the scenario's line of contact (a
    shapely (Multi)LineString in lon/lat); ``None`` labels no town for being near a line (centres and population
    tiers only). Cached per line."""
    return _labels_for(None if front_line is None else shapely.to_wkb(front_line))


def static_zoom(metres_per_pixel: float, lat: float) -> float:
    """The Web Mercator zoom whose scale at ``lat`` is ``metres_per_pixel`` (so the PNG map can use the same tiers
    as the HTML one): 156,543 m per pixel at the equator at zoom 0, halving with each zoom."""
    return math.log2(156_543.034 * math.cos(math.radians(lat)) / metres_per_pixel)


# -------------------------------------------------------------------------------------------------------------
# Placement on screen (Web Mercator pixels at one zoom)

Box = tuple[float, float, float, float]
_FONT_PX = (13.0, 12.0, 11.0, 10.0)  # by size class: must match the HTML's CSS (templates/page.css)
_DOT_PX = 3.5  # half the drawn dot


def _pixel(lat: float, lon: float, zoom: int) -> tuple[float, float]:
    scale = 256.0 * 2.0**zoom
    s = math.sin(math.radians(max(-85.0, min(85.0, lat))))
    return scale * (lon + 180.0) / 360.0, scale * (
        0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)
    )


def label_box(p: PlaceLabel, zoom: int, side: str | None = None) -> Box:
    """The pixel box of ``p``'s name at ``zoom`` on ``side`` (an estimate: 0.6 em a character)."""
    x, y = _pixel(p.lat, p.lon, zoom)
    font = _FONT_PX[p.size]
    w, h = 0.6 * font * len(p.name) + 2, font + 2
    gap = _DOT_PX + 1.5
    side = side or p.side
    x0 = x + gap if "r" in side else x - gap - w if "l" in side else x - w / 2
    y0 = y - h - gap if "t" in side else y + gap if "b" in side else y - h / 2
    if side in ("tr", "br", "tl", "bl"):  # diagonal: the name's near corner at the dot
        x0 += -gap / 2 if "r" in side else gap / 2
        y0 += gap / 2 if "t" in side else -gap / 2
    return (x0, y0, x0 + w, y0 + h)


def _dot_box(p: PlaceLabel, zoom: int) -> Box:
    x, y = _pixel(p.lat, p.lon, zoom)
    return (x - _DOT_PX, y - _DOT_PX, x + _DOT_PX, y + _DOT_PX)


def _overlaps(box: Box, others: np.ndarray) -> np.ndarray:
    """The area (px²) each of ``others`` (an (n, 4) array of boxes) shares with ``box``."""
    if not len(others):
        return np.zeros(0)
    w = np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0])
    h = np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1])
    return np.clip(w, 0, None) * np.clip(h, 0, None)


def _arrange(labels: list[PlaceLabel]) -> tuple[PlaceLabel, ...]:
    """Priority labels get the side where they overlap other priority labels and dots least at ``DEFAULT_ZOOM``
    (greedy, then ``_REPAIRS`` passes that move each label given where all the others are); lower labels wait
    for the first zoom at which they clear every priority label and dot."""
    import dataclasses

    first = sorted(
        (p for p in labels if p.priority),
        key=lambda p: (p.priority != "centre", -p.population, p.name),
    )
    z = DEFAULT_ZOOM
    dots = np.asarray([_dot_box(p, z) for p in first], dtype=float).reshape(-1, 4)
    boxes = np.full((len(first), 4), np.nan)  # NaN boxes (not placed yet) overlap nothing
    for _ in range(1 + _REPAIRS):
        for k, p in enumerate(first):
            others = np.vstack([np.delete(boxes, k, axis=0), np.delete(dots, k, axis=0)])
            cost = [float(np.nansum(_overlaps(label_box(p, z, s), others))) for s in SIDES]
            first[k] = dataclasses.replace(
                p, side=SIDES[cost.index(min(cost))]
            )  # ties: earlier side
            boxes[k] = label_box(first[k], z)
    rest = [p for p in labels if not p.priority]
    return (*first, *(_wait_for_room(p, first) for p in rest))


_REPAIRS = 2


def _wait_for_room(p: PlaceLabel, priority: Sequence[PlaceLabel]) -> PlaceLabel:
    """``p`` shown from the first zoom (from its own) at which its box touches no priority label or dot."""
    import dataclasses

    near = [
        q for q in priority if abs(q.lat - p.lat) < 4 and abs(q.lon - p.lon) < 8
    ]  # cheap prefilter
    zoom = p.zoom
    while near and zoom < TIER_ZOOMS[-1]:
        taken = np.asarray(
            [b for q in near for b in (label_box(q, zoom), _dot_box(q, zoom))], dtype=float
        )
        if not (
            _overlaps(label_box(p, zoom), taken).any() or _overlaps(_dot_box(p, zoom), taken).any()
        ):
            break
        zoom += 1
    return p if zoom == p.zoom else dataclasses.replace(p, zoom=zoom)


# -------------------------------------------------------------------------------------------------------------
# Sites beside city dots

#: a force or hub this close to a labelled place is drawn beside the place's dot (HTML and PNG), with a leader
#: to its true position, so the dot stays visible; farther away it is drawn centred on its position
NEAR_DOT_KM = 5.0


@lru_cache(maxsize=1)
def _dots() -> np.ndarray:
    return np.asarray([(p.lat, p.lon) for p in place_labels(None)], dtype=float).reshape(-1, 2)


def dot_near(lat: float, lon: float, km: float = NEAR_DOT_KM) -> bool:
    """Whether a labelled place's dot (at any zoom) lies within ``km`` (geodesic) of (lat, lon)."""
    from mapper import geodesy

    dots = _dots()
    close = dots[
        (np.abs(dots[:, 0] - lat) < 0.5) & (np.abs(dots[:, 1] - lon) < 0.8)
    ]  # cheap prefilter
    if not len(close):
        return False
    d = geodesy.point_distance_km(lat1=lat, lon1=lon, lat2=close[:, 0], lon2=close[:, 1])
    return bool(np.nanmin(d) <= km)


#: where a site drawn beside a place sits relative to its point, best first (its label beside it, outwards)
CORNERS = ("tr", "br", "tl", "bl")


@lru_cache(maxsize=1)
def _default_view() -> tuple[np.ndarray, np.ndarray]:
    """Dots and name boxes of the labels shown at ``DEFAULT_ZOOM`` with the bundled line, in pixels."""
    from mapper.frontline import bundled_front_line

    shown = [p for p in place_labels(bundled_front_line().line) if p.zoom <= DEFAULT_ZOOM]
    dots = np.asarray([_dot_box(p, DEFAULT_ZOOM) for p in shown], dtype=float).reshape(-1, 4)
    names = np.asarray([label_box(p, DEFAULT_ZOOM) for p in shown], dtype=float).reshape(-1, 4)
    return dots, names


def beside_corner(
    lat: float, lon: float, symbol: tuple[float, float], label: tuple[float, float], gap: float
) -> str:
    """The corner (``CORNERS``) of its point where a site drawn beside a place goes: the first whose symbol
    (``symbol`` w, h px, ``gap`` px from the point) and label (``label`` w, h px, beside the symbol, outwards)
    cover the fewest dots of places shown at the default view, then the least of their names."""
    x, y = _pixel(lat, lon, DEFAULT_ZOOM)
    dots, names = _default_view()
    (w, h), (lw, lh) = symbol, label
    best, best_cost = CORNERS[0], (math.inf, math.inf)
    for corner in CORNERS:
        sx = x + gap if "r" in corner else x - gap - w
        sy = y - gap - h if "t" in corner else y + gap
        lx = sx + w + 3 if "r" in corner else sx - 3 - lw
        boxes = [(sx, sy, sx + w, sy + h), (lx, sy + h / 2 - lh / 2, lx + lw, sy + h / 2 + lh / 2)]
        cost = (  # the site's own place's dot is never covered: the symbol keeps ``gap`` from the point
            sum(int(np.count_nonzero(_overlaps(b, dots))) for b in boxes),
            sum(float(_overlaps(b, names).sum()) for b in boxes),
        )
        if cost < best_cost:
            best, best_cost = corner, cost
    return best

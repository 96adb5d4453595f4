"""The shared machinery of the compiled lines of contact: route kinds, geometry, the occupied-area split, the
build-time checks and the GeoJSON writer.

A dated line (one module per date in this package) is a :class:`Front`: its route north to south (``Waypoint``,
``DniproReach``, ``BorderReach``), border pockets (``Pocket``), whole admin-1 units held (``RegionBoundary``,
Crimea and Sevastopol), per-segment accuracy and the settlements expected inside/outside its occupied area.
:func:`build` compiles it, checks it (a wrong call fails the build) and writes the two files.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon, mapping
from shapely.ops import split, substring, unary_union

from .gazetteer import countries, dnipro, region, resolve

GEOD = Geod(ellps="WGS84")
PRECISION = 5  # decimals of a degree (~1 m)


# --------------------------------------------------------------------------------------------------- waypoints
@dataclass(frozen=True)
class Waypoint:
    """Where the line passes, relative to a named settlement.

    ``km``/``azimuth``: the vertex is ``km`` kilometres from the settlement on the geodesic azimuth (degrees
    clockwise from north). ``mid``: the vertex is the geodesic midpoint between the settlement and ``mid`` (name,
    oblast), two places held by opposite sides. ``snap="border"``: the vertex is the point of the Russia-Ukraine
    border nearest to the settlement (after any offset).
    """

    place: str  # GeoNames name; "A|B" accepts either spelling
    oblast: str
    note: str
    km: float = 0.0
    azimuth: float = 0.0
    mid: tuple[str, str] | None = None
    snap: str | None = None


@dataclass(frozen=True)
class DniproReach:
    """Follow the Dnipro from the river point nearest ``join`` (default ``start``) down to its mouth.

    The mouth is the end of the river line nearer to ``mouth_side`` (the river's downstream end in the delta);
    ``start`` itself is the first vertex, then the line crosses to the river and follows it to the mouth.
    """

    start: Waypoint
    mouth_side: Waypoint
    note: str
    join: Waypoint | None = (
        None  # the line crosses to the river point nearest this one (default: ``start``)
    )


@dataclass(frozen=True)
class BorderReach:
    """Follow the Russia-Ukraine border, ``inset_km`` inside Ukraine, between the border points nearest to
    ``start`` and ``end`` (a strip of border villages held by Russia or contested grey zone)."""

    start: Waypoint
    end: Waypoint
    inset_km: float
    note: str


# North to south. Oblasts as in GeoNames admin-1 (current official English names).
@dataclass(frozen=True)
class Pocket:
    """A separate stretch of the line of contact that starts and ends on the Russian border (an incursion): the
    occupied area it implies is the piece of Ukraine between it and the border that holds ``held``."""

    name: str
    held: Waypoint  # a settlement inside the pocket
    route: list[Waypoint]

    max_km2: float = (
        2000.0  # the piece cut off must be smaller (a guard against cutting off the wrong side)
    )


@dataclass(frozen=True)
class RegionBoundary:
    """Admin-1 units of ``geodata/regions.geojson`` held whole (Crimea and Sevastopol before February 2022).

    Their polygons join the occupied area as they are, and the published line is the boundary they share with
    ``other`` (the administrative boundary with Kherson oblast across the Perekop isthmus, the Chonhar
    peninsula and the Arabat spit; the Syvash is water in Natural Earth, so the boundary comes in pieces).
    """

    held: tuple[str, ...]
    other: str
    note: str


Step = Waypoint | DniproReach | BorderReach


@dataclass(frozen=True)
class Front:
    """One dated, compiled line of contact and the facts it is checked against.

    ``route``: the main line north to south, from the Russian border to the sea, ending at its westernmost point
    (split with the eastern loop of :func:`occupied_area`; ``split_end`` extends it into the open sea for the split
    only). A date without a main line (2022-02-23) leaves it empty and uses pockets and regions.
    ``checks``: (settlement, oblast, expected inside the occupied area), asserted on every build.
    """

    date: str
    line_file: str
    occupied_file: str
    name: str
    source: str
    accuracy: str
    segments: list[tuple[str, str, str, float]]
    occupied_name: str
    occupied_source: str
    checks: list[tuple[str, str, bool]]
    route: list[Step] = field(default_factory=list)
    split_end: Waypoint | None = None
    pockets: list[Pocket] = field(default_factory=list)
    regions: RegionBoundary | None = None


# --------------------------------------------------------------------------------------------------- geometry
def geodesic_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2] / 1000.0


def russia_border() -> shapely.Geometry:
    """The part of Ukraine's outline that touches Russia (tolerant of simplified, non-shared vertices)."""
    c = countries()
    return c["UKR"].boundary.intersection(c["RUS"].buffer(0.02))


def waypoint_xy(wp: Waypoint) -> tuple[float, float]:
    lon, lat = resolve(wp.place, wp.oblast)
    if wp.mid is not None:
        lon2, lat2 = resolve(*wp.mid)
        az, _, dist = GEOD.inv(lon, lat, lon2, lat2)
        lon, lat, _ = GEOD.fwd(lon, lat, az, dist / 2)
    if wp.km:
        lon, lat, _ = GEOD.fwd(lon, lat, wp.azimuth, wp.km * 1000.0)
    if wp.snap == "border":
        border = russia_border()
        p = border.interpolate(border.project(Point(lon, lat)))
        lon, lat = p.x, p.y
    return lon, lat


def dnipro_reach(reach: DniproReach) -> list[tuple[float, float]]:
    """``reach.start``, then the Dnipro from the point nearest to it down to the mouth (line_locate_point +
    substring on the river line, oriented downstream)."""
    river = dnipro()
    p0, p1 = Point(waypoint_xy(reach.join or reach.start)), Point(waypoint_xy(reach.mouth_side))
    if river.geom_type == "MultiLineString":  # the connected run that passes both ends of the reach
        river = min(river.geoms, key=lambda g: g.distance(p0) + g.distance(p1))
    ends = (Point(river.coords[0]), Point(river.coords[-1]))
    mouth = 0.0 if ends[0].distance(p1) < ends[1].distance(p1) else river.length
    a = shapely.line_locate_point(river, p0)
    part = substring(river, min(a, mouth), max(a, mouth))
    coords = list(part.coords)
    if a > mouth:
        coords.reverse()
    return [waypoint_xy(reach.start), *coords]


def border_reach(reach: BorderReach) -> list[tuple[float, float]]:
    """The Russia-Ukraine border between the points nearest ``start`` and ``end``, moved ``inset_km`` inland.

    The offset is taken in an azimuthal equidistant projection centred on the reach (metres, undistorted at this
    size), on whichever side lies inside Ukraine.
    """
    border = shapely.line_merge(russia_border())
    p0, p1 = Point(waypoint_xy(reach.start)), Point(waypoint_xy(reach.end))
    if border.geom_type == "MultiLineString":
        border = min(border.geoms, key=lambda g: g.distance(p0) + g.distance(p1))
    a, b = border.project(p0), border.project(p1)
    part = substring(border, min(a, b), max(a, b))
    centre = part.interpolate(0.5, normalized=True)
    aeqd = f"+proj=aeqd +lat_0={centre.y:.4f} +lon_0={centre.x:.4f} +datum=WGS84 +units=m"
    fwd = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    inv = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)
    planar = shapely.transform(part, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
    ukr = countries()["UKR"]
    for sign in (1.0, -1.0):
        moved = planar.offset_curve(sign * reach.inset_km * 1000.0, join_style="round")
        moved = shapely.transform(
            moved, lambda xy: np.column_stack(inv.transform(xy[:, 0], xy[:, 1]))
        )
        if moved.geom_type == "LineString" and ukr.contains(
            moved.interpolate(0.5, normalized=True)
        ):
            break
    else:
        raise SystemExit("build_front_line: could not move the border reach inside Ukraine")
    coords = list(moved.simplify(0.002).coords)
    if Point(coords[0]).distance(p0) > Point(coords[-1]).distance(p0):
        coords.reverse()
    return coords


def _dedupe(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for x, y in coords:
        xy = (round(x, PRECISION), round(y, PRECISION))
        if not out or xy != out[-1]:
            out.append(xy)
    return out


def build_line(route: Sequence[Step]) -> LineString:
    coords: list[tuple[float, float]] = []
    for step in route:
        if isinstance(step, DniproReach):
            coords.extend(dnipro_reach(step))
        elif isinstance(step, BorderReach):
            coords.extend(border_reach(step))
        else:
            coords.append(waypoint_xy(step))
    line = LineString(_dedupe(coords))
    if not line.is_valid or not line.is_simple:
        raise SystemExit("build_front_line: the compiled line is not simple (it crosses itself)")
    return line


def build_pocket(pocket: Pocket) -> LineString:
    line = LineString(_dedupe([waypoint_xy(wp) for wp in pocket.route]))
    if not line.is_valid or not line.is_simple:
        raise SystemExit(f"build_front_line: the {pocket.name} pocket is not a simple line")
    return line


def pocket_area(pocket: Pocket, line: LineString) -> shapely.Geometry:
    """The piece of Ukraine cut off by the pocket's line (both ends pushed 3 km into Russia) that holds
    ``pocket.held``."""
    ukr = countries()["UKR"]
    coords = list(line.coords)
    cut = LineString(
        [_beyond(coords[1], coords[0], 3.0), *coords, _beyond(coords[-2], coords[-1], 3.0)]
    )
    held = Point(waypoint_xy(pocket.held))
    pieces = [g for g in split(ukr, cut).geoms if g.contains(held)]
    if len(pieces) != 1 or area_km2(pieces[0]) > pocket.max_km2:
        raise SystemExit(
            f"build_front_line: the {pocket.name} pocket does not cut off a small area"
        )
    return pieces[0]


def _beyond(a: tuple[float, float], b: tuple[float, float], km: float) -> tuple[float, float]:
    """The point ``km`` beyond ``b`` on the geodesic from ``a`` through ``b``."""
    az = (
        GEOD.inv(a[0], a[1], b[0], b[1])[1] + 180.0
    )  # back azimuth at b, reversed = forward azimuth at b
    lon, lat, _ = GEOD.fwd(b[0], b[1], az, km * 1000.0)
    return lon, lat


def occupied_area(
    line: LineString | None,
    split_end: Waypoint | None,
    pieces_held: Sequence[shapely.Geometry] = (),
) -> MultiPolygon:
    """Split Ukraine with the main line (ends pushed slightly out of the polygon) and keep the eastern/southern
    side; add the areas of the border pockets (and any regions held whole). Without a main line, the area is the
    union of ``pieces_held``."""
    ukr = countries()["UKR"]
    if line is None:
        return _as_multipolygon(unary_union(pieces_held))
    coords = list(line.coords)
    # First vertex: push 3 km further into Russia (on from the last Ukrainian waypoint through the border point).
    start = _beyond(coords[1], coords[0], 3.0)
    if ukr.contains(Point(start)):
        raise SystemExit("build_front_line: the extended first vertex is still inside Ukraine")
    cut = LineString([start, *coords, waypoint_xy(split_end)])
    pieces = [g for g in split(ukr, cut).geoms if g.area > 0]
    # The side of the line: close it with a loop far to the east (north through Russia, round the Caucasus,
    # back west through the Black Sea) - a piece belongs to the occupied side iff it lies inside that loop.
    x0, y0 = cut.coords[0]
    x1, _ = cut.coords[-1]
    if x1 > min(x for x, _ in cut.coords) + 1e-9:
        raise SystemExit(
            "build_front_line: the line must end at its westernmost point (in the sea)"
        )
    loop = Polygon([*cut.coords, (x1, 43.0), (48.0, 43.0), (48.0, 54.0), (x0, 54.0), (x0, y0)])
    if not loop.is_valid:
        raise SystemExit(
            f"build_front_line: the closing loop is invalid: {shapely.is_valid_reason(loop)}"
        )
    # split artefacts: slivers where the line grazes the coast in the Dnipro delta (< 0.1 km2) are dropped
    east = [p for p in pieces if loop.contains(p.representative_point()) and area_km2(p) >= 0.1]
    return _as_multipolygon(unary_union([*east, *pieces_held]))


def _as_multipolygon(occ: shapely.Geometry) -> MultiPolygon:
    occ = shapely.set_precision(occ, 10**-PRECISION)
    if occ.geom_type == "Polygon":
        occ = MultiPolygon([occ])
    if occ.geom_type != "MultiPolygon" or not occ.is_valid:
        raise SystemExit(
            f"build_front_line: derived occupied area is {occ.geom_type}, valid={occ.is_valid}"
        )
    return occ


def segments_text(segments: Sequence[tuple[str, str, str, float]]) -> str:
    """A front's ``segments`` as one line of text for the ``segments`` property (also tabled in SOURCES.md)."""
    return "; ".join(f"{a} to {b}: {basis}, +/- {km:g} km" for a, b, basis, km in segments)


def line_length_km(line: LineString | MultiLineString) -> float:
    return GEOD.geometry_length(line) / 1000.0


def area_km2(geom: shapely.Geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def check(
    front: Front, line: LineString | None, pockets: Sequence[LineString], occ: MultiPolygon
) -> list[str]:
    """Assertions that make a wrong build fail loudly. Returns human-readable lines for the build log."""
    log: list[str] = []
    problems: list[str] = []
    for names, oblast, expected in front.checks:
        xy = resolve(names, oblast)
        inside = occ.contains(Point(xy))
        log.append(
            f"  {'occupied' if inside else 'not occupied':13s} {names.split('|')[0]} ({oblast})"
        )
        if inside != expected:
            problems.append(
                f"{names.split('|')[0]} should {'' if expected else 'not '}be in the occupied area"
            )
    c = countries()
    # every stretch (main line, pockets) starts on the Russian border; the main line ends in the sea
    for part in [g for g in (line, *pockets) if g is not None]:
        first = part.coords[0]
        near = shapely.ops.nearest_points(c["RUS"].boundary, Point(first))[0]
        d_first = geodesic_km(first, (near.x, near.y))
        log.append(f"  first vertex {first}: {d_first:.3f} km from the Russian border")
        if d_first > 1.0:
            problems.append(f"first vertex is {d_first:.1f} km from the Russia border (max 1 km)")
    if line is not None:
        last = line.coords[-1]
        if any(g.contains(Point(last)) for g in c.values()):
            problems.append(f"last vertex {last} is on land, not in the sea/estuary")
    ukr = c["UKR"]
    if not occ.difference(ukr.buffer(1e-6)).is_empty and occ.difference(ukr).area > 1e-8:
        problems.append("occupied area is not within Ukraine")
    if problems:
        raise SystemExit(
            f"build_front_line {front.date}: checks failed:\n  " + "\n  ".join(problems)
        )
    return log


def region_lines(rb: RegionBoundary) -> tuple[list[LineString], shapely.Geometry]:
    """The boundary the held units share with ``rb.other`` (its pieces, west to east) and the held units' area."""
    held = unary_union([region(n) for n in rb.held])
    shared = shapely.line_merge(held.boundary.intersection(region(rb.other).boundary.buffer(1e-6)))
    parts = [g for g in getattr(shared, "geoms", [shared]) if g.geom_type == "LineString"]
    parts = [LineString(_dedupe(list(g.coords))) for g in parts if g.length > 1e-4]
    if not parts:
        raise SystemExit(f"build_front_line: {rb.held} share no boundary with {rb.other}")
    return sorted(parts, key=lambda g: g.bounds[0]), held


# --------------------------------------------------------------------------------------------------- output
def _round(coords):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), PRECISION) for c in coords]
    return [_round(c) for c in coords]


def _feature_collection(name: str, props: dict[str, str], geom: shapely.Geometry) -> str:
    g = mapping(geom)
    feature = {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": g["type"], "coordinates": _round(g["coordinates"])},
    }
    fc = {"type": "FeatureCollection", "name": name, "features": [feature]}
    return json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n"


def build(front: Front, out: Path) -> tuple[Path, Path]:
    """Compile ``front``, check it and write its two files into ``out``; return their paths."""
    line = build_line(front.route) if front.route else None
    pocket_lines = [build_pocket(p) for p in front.pockets]
    held = [pocket_area(p, g) for p, g in zip(front.pockets, pocket_lines, strict=True)]
    boundary: list[LineString] = []
    if front.regions is not None:
        boundary, area = region_lines(front.regions)
        held.append(area)
    occ = occupied_area(line, front.split_end, held)
    log = check(front, line, pocket_lines, occ)
    parts = [*boundary, *pocket_lines, *([line] if line is not None else [])]
    published = parts[0] if len(parts) == 1 else MultiLineString(parts)
    line_path, occ_path = out / front.line_file, out / front.occupied_file
    line_props = {
        "name": front.name,
        "date": front.date,
        "source": front.source,
        "accuracy": front.accuracy,
        "segments": segments_text(front.segments),
    }
    occ_props = {
        "name": front.occupied_name,
        "date": front.date,
        "source": front.occupied_source,
        "accuracy": front.accuracy,
    }
    line_path.write_text(_feature_collection("front_line", line_props, published), encoding="utf-8")
    occ_path.write_text(_feature_collection("occupied", occ_props, occ), encoding="utf-8")
    print(
        f"front line {front.date}: {shapely.get_num_coordinates(published)} vertices in "
        f"{shapely.get_num_geometries(published)} part(s), {line_length_km(published):.0f} km geodesic; "
        f"occupied {area_km2(occ):,.0f} km2 in {len(occ.geoms)} part(s) -> {line_path.name}, {occ_path.name}"
    )
    print("\n".join(log))
    return line_path, occ_path

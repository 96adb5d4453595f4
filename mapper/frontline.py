"""The front line: the model, the bundled (approximate, dated) line, and loaders for a user's own file.

The bundled line (``geodata/front_line_2025-03.geojson`` and ``geodata/occupied_2025-03.geojson``, compiled by
``scripts/build_front_line.py``) is an approximation for late March 2025. Anyone with a better or newer line
replaces it with their own file, which :func:`load_front_line` reads:

* formats: GeoJSON (``.geojson``/``.json``), GeoPackage (``.gpkg``), KML (``.kml``) and KMZ (``.kmz``);
* a LineString/MultiLineString layer is the line of contact; a Polygon/MultiPolygon layer is taken as the
  *occupied area*, and the line of contact is derived from its boundary inside Ukraine (international borders and
  the coast, within ~2 km of Ukraine's outline, are left out);
* any declared CRS is reprojected to EPSG:4326 (lon/lat);
* metadata (date, source, accuracy, name) comes from the feature properties when present; the date only when
  a property holds a real calendar date, else from the file name (a ``YYYY-MM`` or ``YYYY-MM-DD`` date in it),
  else ``default_date``, else ``"undated"`` - a date is never invented, and empty values (GDAL's ``NaT``,
  ``None``, ``nan``) are never shown;
* every file is read within the limits of :mod:`mapper.datafile` (size, a KMZ's inflated size and ratio, layers,
  features, vertices).

Every problem a user can cause (missing, unreadable or empty file; no line; outside the theatre; latitude and
longitude swapped; several candidate layers) raises :class:`mapper.errors.FrontLineError` with a message naming
the file and what was expected - never a raw GDAL traceback.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from mapper import datafile
from mapper.errors import FrontLineError, GeodataError
from mapper.paths import geodata_dir

log = logging.getLogger(__name__)

__all__ = [
    "BUNDLED_LINE_FILE",
    "BUNDLED_OCCUPIED_FILE",
    "SUPPORTED_SUFFIXES",
    "THEATRE_BOUNDS",
    "UNDATED",
    "FrontLine",
    "bundled_front_line",
    "bundled_front_lines",
    "hostile_territory",
    "line_from_occupied",
    "load_front_line",
    "threat_geometries",
]

BUNDLED_LINE_FILE = "front_line_2025-03.geojson"
BUNDLED_OCCUPIED_FILE = "occupied_2025-03.geojson"
#: (min lon, min lat, max lon, max lat) a front-line file must fall inside.
THEATRE_BOUNDS = (12.0, 40.0, 45.0, 58.0)
SUPPORTED_SUFFIXES = (".geojson", ".json", ".gpkg", ".kml", ".kmz")
#: Boundary parts of an occupied-area polygon within this distance of Ukraine's outline are border or coast.
BORDER_TOLERANCE_KM = 2.0
UNDATED = "undated"
#: a user's file whose lines and polygons hold more vertices than this (a detailed line of contact has a few
#: thousand) is simplified once, on reading, within :data:`SIMPLIFY_TOLERANCE_M`
SIMPLIFY_ABOVE_VERTICES = 20_000
#: Douglas-Peucker tolerance (metres, in an equal-area projection of the theatre): every vertex of the file lies
#: within this of the simplified shape, so distances to the line move by at most about this much, far inside any
#: line of contact's accuracy and the 0.1 km the outputs print
SIMPLIFY_TOLERANCE_M = 20.0
UNKNOWN_DATE = UNDATED  # the former name
#: values that mean "no value" (as GDAL, pandas and spreadsheets write them), never shown as metadata
_EMPTY = frozenset({"none", "nan", "nat", "null", "<na>", "n/a"})

_EXPECTED = (
    "expected a GeoJSON, GeoPackage, KML or KMZ file with the line of contact (LineString/MultiLineString) "
    "or the occupied area (Polygon/MultiPolygon) in Ukraine"
)
_DATE_RE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)[-_.]?(0[1-9]|1[0-2])(?:[-_.]?(0[1-9]|[12]\d|3[01]))?(?!\d)"
)
_LINE_TYPES = ("LineString", "MultiLineString")
#: how a user chooses a layer (the scenario key; the command line has no layer option)
_CHOOSE_LAYER = (
    "front_line_layer: NAME beside front_line: in the scenario (a file given with --front-line must "
    "have a single line layer)"
)


@dataclass(frozen=True)
class FrontLine:
    """A dated line of contact (lon/lat, EPSG:4326) and, when known, the occupied area behind it."""

    line: LineString | MultiLineString
    occupied: MultiPolygon | None
    date: str
    source: str
    accuracy: str
    name: str
    path: str
    occupied_path: str = ""
    #: True when the line was derived from the boundary of an occupied-area polygon.
    derived_from_polygon: bool = False
    #: a hypothetical line (``mapper.advance``): the occupied area of ``base`` grown by this many km
    advance_km: float = 0.0
    #: the real line a hypothetical one was advanced from
    base: FrontLine | None = None

    @property
    def hypothetical(self) -> bool:
        return self.advance_km > 0

    @property
    def label(self) -> str:
        """Short legend text, e.g. ``Front line 2025-03-27 (approximate, +/- 10 km)``: the first clause of the
        stated accuracy (the full text is in ``attribution``); a hypothetical line (``mapper.advance``) reads
        ``Hypothetical line (+20 km from 2025-03-27)``."""
        if self.hypothetical:
            return f"Hypothetical line (+{self.advance_km:g} km from {self.date})"
        note = self.accuracy_note if self.accuracy != "unknown accuracy" else ""
        if not note and self.source:
            note = self.source if len(self.source) <= 60 else self.source[:57].rstrip() + "..."
        when = f"Front line {self.date}" if self.date != UNDATED else f"Front line ({UNDATED})"
        return when + (f" ({note})" if note else "")

    @property
    def accuracy_note(self) -> str:
        """The first clause of the stated accuracy (``"approximate, +/- 10 km"``), for titles and legends."""
        return (self.accuracy or "").split(";")[0].strip()

    @property
    def accuracy_km(self) -> float | None:
        """The stated accuracy in km when ``accuracy`` gives one (``"approximate, +/- 10 km"`` → 10.0)."""
        m = re.search(r"(?:\+/-|±|\+-)\s*(\d+(?:\.\d+)?)\s*km", self.accuracy or "")
        return float(m.group(1)) if m else None

    @property
    def attribution(self) -> str:
        """Full provenance for a map's credits: name, date, source and accuracy."""
        return f"{self.name}, {self.date}. {self.source}. Accuracy: {self.accuracy}."

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return tuple(float(v) for v in self.line.bounds)  # type: ignore[return-value]


# ----------------------------------------------------------------------------------------------- public API
def bundled_front_line(at: _dt.date | None = None) -> FrontLine:
    """The line of contact shipped in ``geodata/`` with its occupied area: the latest (late March 2025), or with
    ``at`` the latest one dated on or before that day (``FrontLineError`` if there is none). Cached."""
    if at is None:
        return _bundled(str(geodata_dir()))
    fitting = [f for f in bundled_front_lines() if f.date <= at.isoformat()]
    if not fitting:
        dates = ", ".join(f.date for f in bundled_front_lines())
        raise FrontLineError(
            f"no bundled front line is dated on or before {at.isoformat()}; the bundled lines are dated {dates}"
        )
    return fitting[-1]


def bundled_front_lines() -> tuple[FrontLine, ...]:
    """Every dated line of contact shipped in ``geodata/`` (``front_line_<date>.geojson`` with
    ``occupied_<date>.geojson``), oldest first; the last is ``bundled_front_line()``."""
    return _bundled_all(str(geodata_dir()))


@lru_cache(maxsize=4)
def _bundled_all(directory: str) -> tuple[FrontLine, ...]:
    names = sorted(p.name for p in Path(directory).glob("front_line_*.geojson"))
    fronts = [
        _bundled(directory) if name == BUNDLED_LINE_FILE else _bundled(directory, name)
        for name in names
    ]
    return tuple(sorted(fronts, key=lambda f: f.date))


@lru_cache(maxsize=16)
def _bundled(directory: str, line_file: str = BUNDLED_LINE_FILE) -> FrontLine:
    """Our own curated GeoJSON files are read directly (json + shapely): starting GDAL costs ~0.3 s, more than
    the rest of a small analysis. Anything unexpected in them falls back to the general reader."""
    d = Path(directory)
    line_path = d / line_file
    occ_path = d / ("occupied_" + line_file.removeprefix("front_line_"))
    try:
        line_fc = json.loads(line_path.read_text(encoding="utf-8"))
        occ_text = occ_path.read_text(encoding="utf-8")
        (feature,) = line_fc["features"]
        line = shapely.geometry.shape(feature["geometry"])
        occupied = shapely.from_geojson(occ_text)
        occupied = shapely.union_all(list(getattr(occupied, "geoms", [occupied])))
        props = feature["properties"]
        if not isinstance(line, LineString | MultiLineString) or line.is_empty:
            raise ValueError("not a line")
        return FrontLine(
            line=line,
            occupied=_as_multipolygon([occupied]),
            path=str(line_path),
            occupied_path=str(occ_path),
            date=str(props["date"]),
            source=str(props["source"]),
            accuracy=str(props["accuracy"]),
            name=str(props.get("name") or line_path.stem),
        )
    except (OSError, ValueError, KeyError, TypeError, shapely.errors.GEOSException):
        return load_front_line(line_path, occupied_path=occ_path)


def load_front_line(
    path: str | Path,
    *,
    layer: str | None = None,
    occupied_path: str | Path | None = None,
    default_date: str | None = None,
) -> FrontLine:
    """Read a front line from a GeoJSON, GeoPackage, KML or KMZ file.

    ``layer`` picks a layer in a multi-layer file (GeoPackage, KML folders). ``occupied_path`` names a second file
    with the occupied area (polygons). ``default_date`` is used when neither the properties nor the file name carry
    a date. Raises :class:`FrontLineError` for anything wrong with the file.
    """
    p = Path(path)
    frames = _read_layers(p, layer)
    lines, polys, layer_name, props = _pick(p, frames, layer)
    thinned = _thin(
        p, [*lines, *polys]
    )  # once, early: everything downstream works on the thinned parts
    lines, polys = thinned[: len(lines)], thinned[len(lines) :]
    derived = False
    if lines:
        line = _merge_lines(lines)
        _check_theatre(p, line)
        occupied = _as_multipolygon(polys) if polys else None
    else:
        occupied = _as_multipolygon(polys)
        _check_theatre(p, occupied)
        line = _line_from_occupied(p, occupied)
        derived = True
    occ_path = ""
    if occupied_path is not None:
        occupied = _load_occupied(Path(occupied_path))
        occ_path = str(occupied_path)
    elif occupied is not None:
        occ_path = str(p)
    if occupied is not None:
        _check_theatre(Path(occ_path), occupied)
    meta = _metadata(p, props, layer_name, default_date)
    return FrontLine(
        line=line,
        occupied=occupied,
        path=str(p),
        occupied_path=occ_path,
        derived_from_polygon=derived,
        date=meta["date"],
        source=meta["source"],
        accuracy=meta["accuracy"],
        name=meta["name"],
    )


def hostile_territory(front: FrontLine) -> Polygon | MultiPolygon:
    """The occupied area united with Russia and Belarus (from ``geodata/countries.geojson``). Cached per line."""
    return _hostile(front, str(geodata_dir()))


@lru_cache(maxsize=8)
def _hostile(front: FrontLine, directory: str) -> Polygon | MultiPolygon:
    countries = _countries(directory)
    parts = [countries[iso3] for iso3 in ("RUS", "BLR") if iso3 in countries]
    if front.occupied is not None:
        parts.append(front.occupied)
    return shapely.make_valid(shapely.union_all(parts))


def threat_geometries(front: FrontLine, threat: tuple[str, ...]) -> dict[str, BaseGeometry]:
    """Each part of a scenario's threat (``mapper.scenario.THREATS`` keys, in the order given) as a geometry:
    ``front_line`` the line, ``occupied`` the occupied area (left out when the line has none), ``russia`` and
    ``belarus`` the countries, ``transnistria`` the left bank of the Dniester held with Russian troops (the region
    ``Transnistria`` of ``geodata/regions.geojson``). Cached per line and threat."""
    return dict(_threat_geometries(front, tuple(threat), str(geodata_dir())))


@lru_cache(maxsize=8)
def _threat_geometries(
    front: FrontLine, threat: tuple[str, ...], directory: str
) -> tuple[tuple[str, BaseGeometry], ...]:
    countries = _countries(directory)
    out: list[tuple[str, BaseGeometry]] = []
    for key in threat:
        if key == "front_line":
            out.append((key, front.line))
        elif key == "occupied":
            if front.occupied is not None and not front.occupied.is_empty:
                out.append((key, front.occupied))
        elif key in ("russia", "belarus"):
            iso3 = "RUS" if key == "russia" else "BLR"
            if iso3 in countries:
                out.append((key, countries[iso3]))
        elif key == "transnistria":
            from mapper import geodata

            out.append((key, shapely.make_valid(geodata.region("Transnistria", "MDA").geometry)))
        else:
            raise ValueError(f"unknown threat {key!r}")
    return tuple(out)


# ----------------------------------------------------------------------------------------------- reading
def _gdal_source(p: Path) -> str | bytes:
    """What to hand GDAL: the file's path, or for a KMZ the bytes of the KML inside it, inflated within the
    limits of :mod:`mapper.datafile` (GDAL never sees the archive)."""
    suffix = p.suffix.lower()
    if suffix == ".gpkg":
        datafile.check_gpkg(p, error=FrontLineError)
        return str(p)
    source: str | bytes = str(p)
    if suffix == ".kmz":
        source = datafile.read_kmz(p, error=FrontLineError)[1]
    kml = suffix in (".kml", ".kmz")
    datafile.check_text_coordinates(
        p if isinstance(source, str) else source, p, kml=kml, error=FrontLineError
    )
    return source


def _read_layers(p: Path, layer: str | None) -> dict[str, Any]:
    """All layers (or the requested one) of a file as GeoDataFrames in EPSG:4326, read within the limits of
    :mod:`mapper.datafile` (a regular file, its size, a KMZ's inflated size and ratio, layers, features and
    vertices), so a hostile file is refused before GDAL spends time or memory on it."""
    if not p.exists() and not p.is_symlink():
        raise FrontLineError(f"{p}: front-line file not found; {_EXPECTED}")
    datafile.check_data_file(p, error=FrontLineError, expected=_EXPECTED)
    if p.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise FrontLineError(
            f"{p}: unsupported file type {p.suffix or '(no extension)'!r}; expected one of "
            f"{', '.join(SUPPORTED_SUFFIXES)} (GeoJSON, GeoPackage, KML, KMZ)"
        )
    source = _gdal_source(p)
    try:
        frames = datafile.read_layers(source, p, layer, error=FrontLineError)
    except FrontLineError:
        raise
    except Exception as exc:  # pyogrio/GDAL errors of every kind: wrap, never leak a traceback
        raise FrontLineError(
            f"{p}: cannot read the file ({_reason(exc)}); the file may be corrupt or not really "
            f"{p.suffix.lstrip('.').upper()}; {_EXPECTED}"
        ) from exc
    for name, frame in frames.items():
        frames[name] = _to_wgs84(p, name, frame)
    return frames


def _reason(exc: BaseException | None) -> str:
    text = str(exc or "unknown error").strip().splitlines()[0] if exc else "unknown error"
    return text[:200]


def _to_wgs84(p: Path, layer: str, frame: Any) -> Any:
    if frame.crs is None:
        return frame  # GeoJSON without a crs member and KML are lon/lat by definition
    try:
        if CRS.from_user_input(frame.crs).equals(CRS.from_epsg(4326), ignore_axis_order=True):
            return frame
        return frame.to_crs(4326)
    except Exception as exc:
        raise FrontLineError(
            f"{p}: layer {layer!r}: cannot reproject from {frame.crs} to EPSG:4326 ({exc})"
        ) from exc


def _parts(geom: BaseGeometry | None) -> list[BaseGeometry]:
    """Flatten multi-geometries and collections into non-empty, 2-D single parts."""
    if geom is None or geom.is_empty:
        return []
    geom = shapely.force_2d(geom)
    if hasattr(geom, "geoms"):
        return [q for g in geom.geoms for q in _parts(g)]
    return [geom]


def _pick(p: Path, frames: dict[str, Any], layer: str | None):
    """Choose the line layer (or the polygon layer) and return (lines, polygons, layer name, properties)."""
    summary: dict[str, dict[str, Any]] = {}
    for name, frame in frames.items():
        parts = [q for g in frame.geometry for q in _parts(g)]
        kinds = sorted({q.geom_type for q in parts})
        lines = [q for q in parts if q.geom_type == "LineString" and q.length > 0]
        polys = [q for q in parts if q.geom_type == "Polygon" and q.area > 0]
        summary[name] = {
            "frame": frame,
            "lines": lines,
            "polys": polys,
            "kinds": kinds,
            "n": len(frame),
        }
    line_layers = [n for n, s in summary.items() if s["lines"]]
    poly_layers = [n for n, s in summary.items() if s["polys"]]
    if len(line_layers) > 1:
        raise FrontLineError(
            f"{p}: {len(line_layers)} layers contain lines ({', '.join(repr(n) for n in line_layers)}); name "
            f"one with {_CHOOSE_LAYER}"
        )
    if line_layers:
        chosen = line_layers[0]
        polys = summary[poly_layers[0]]["polys"] if len(poly_layers) == 1 else []
        return summary[chosen]["lines"], polys, chosen, _properties(summary[chosen]["frame"])
    if len(poly_layers) > 1:
        raise FrontLineError(
            f"{p}: no line layer, and {len(poly_layers)} polygon layers "
            f"({', '.join(repr(n) for n in poly_layers)}); name the "
            f"occupied-area layer with {_CHOOSE_LAYER}"
        )
    if poly_layers:
        chosen = poly_layers[0]
        return [], summary[chosen]["polys"], chosen, _properties(summary[chosen]["frame"])
    n_features = sum(s["n"] for s in summary.values())
    kinds = sorted({k for s in summary.values() for k in s["kinds"]})
    where = f"layer {layer!r}" if layer else "the file"
    if n_features == 0 or not kinds:
        held = (
            "no features"
            if n_features == 0
            else f"{n_features} feature(s), all with empty or null geometry"
        )
        raise FrontLineError(f"{p}: {where} is empty ({held}); {_EXPECTED}")
    raise FrontLineError(
        f"{p}: no line geometry: {where} holds only {', '.join(kinds)}; {_EXPECTED}"
    )


def _properties(frame: Any) -> dict[str, Any]:
    """Case-folded properties of the first feature that has any (the metadata of a one-feature file)."""
    cols = [c for c in frame.columns if c != frame.geometry.name]
    merged: dict[str, Any] = {}
    for _, row in frame[cols].iterrows():
        for c in cols:
            value = row[c]
            key = str(c).lower()
            if key in merged or _missing(value):
                continue
            merged[key] = value
    return merged


def _missing(value: Any) -> bool:
    """None, NaN, pandas' NA/NaT, blank text and the words for them ("None", "nan", "NaT" ...)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    if isinstance(value, str):
        return not value.strip() or value.strip().lower() in _EMPTY
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):  # arrays and other non-scalars are values
        return False


def _merge_lines(lines: list[LineString]) -> LineString | MultiLineString:
    merged = shapely.line_merge(shapely.union_all(lines)) if len(lines) > 1 else lines[0]
    if (
        merged.geom_type not in _LINE_TYPES
    ):  # pragma: no cover - line_merge of lines is always linear
        merged = MultiLineString(lines)
    return merged


def _as_multipolygon(polys: list[Polygon] | BaseGeometry) -> MultiPolygon:
    # each part made valid before the union: GEOS's union raises on a self-intersecting user polygon
    geom = (
        shapely.make_valid(shapely.union_all([shapely.make_valid(q) for q in polys]))
        if isinstance(polys, list)
        else shapely.make_valid(polys)
    )
    parts = [g for g in _parts(geom) if g.geom_type == "Polygon"]
    return MultiPolygon(parts)


def _load_occupied(p: Path) -> MultiPolygon:
    frames = _read_layers(p, None)
    polys = [
        q
        for f in frames.values()
        for g in f.geometry
        for q in _parts(g)
        if q.geom_type == "Polygon"
    ]
    if not polys:
        raise FrontLineError(
            f"{p}: no polygon geometry; expected the occupied area as Polygon/MultiPolygon features"
        )
    return _as_multipolygon(_thin(p, polys))


# ----------------------------------------------------------------------------------------------- checks
def _fits(bounds: tuple[float, float, float, float]) -> bool:
    x0, y0, x1, y1 = bounds
    tx0, ty0, tx1, ty1 = THEATRE_BOUNDS
    return tx0 <= x0 and x1 <= tx1 and ty0 <= y0 and y1 <= ty1


def _check_theatre(p: Path, geom: BaseGeometry) -> None:
    if geom.is_empty:
        raise FrontLineError(f"{p}: the geometry is empty; {_EXPECTED}")
    x0, y0, x1, y1 = (float(v) for v in geom.bounds)
    b = (x0, y0, x1, y1)
    if _fits(b):
        return
    found = f"lon {b[0]:.2f}..{b[2]:.2f}, lat {b[1]:.2f}..{b[3]:.2f}"
    tx0, ty0, tx1, ty1 = THEATRE_BOUNDS
    expected = f"lon {tx0:g}..{tx1:g}, lat {ty0:g}..{ty1:g}"
    if _fits((b[1], b[0], b[3], b[2])):
        raise FrontLineError(
            f"{p}: latitude and longitude appear to be swapped: the coordinates span {found}, which would fit "
            f"the theatre ({expected}) if swapped; expected coordinates in (longitude, latitude) order, as "
            "GeoJSON and KML require"
        )
    raise FrontLineError(
        f"{p}: the geometry lies outside the theatre: found {found}, expected within {expected} "
        "(check the coordinate reference system and the coordinate order)"
    )


# ----------------------------------------------------------------------------------------------- metadata
def _text(value: Any) -> str:
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()[:10]
    if hasattr(value, "isoformat"):  # pandas Timestamp
        return str(value.isoformat())[:10]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", str(value))).strip()


def _date_in(text: str) -> str | None:
    """The first real calendar date in ``text`` (``YYYY-MM-DD`` or ``YYYY-MM``; 2025-02-31 is not one)."""
    for m in _DATE_RE.finditer(text):
        year, month, day = m.groups()
        try:
            _dt.date(int(year), int(month), int(day or 1))
        except ValueError:
            continue
        return f"{year}-{month}-{day}" if day else f"{year}-{month}"
    return None


def _metadata(
    p: Path, props: dict[str, Any], layer: str, default_date: str | None
) -> dict[str, str]:
    def prop(*keys: str) -> str:
        for k in keys:
            if k in props:
                text = _text(props[k])
                if text:
                    return text
        return ""

    keys = ("date", "as_of", "asof", "valid_on", "timestamp", "begin")
    dates = [_date_in(_text(props[k])) for k in keys if k in props]
    date = next((d for d in dates if d), None) or _date_in(p.stem) or default_date or UNDATED
    name = prop("name", "title") or (
        layer if layer and layer.lower() not in {p.stem.lower(), "kml"} else ""
    )
    return {
        "date": date,
        "source": prop("source", "description", "credit", "attribution")
        or f"user-supplied file {p.name}",
        "accuracy": prop("accuracy", "precision") or "unknown accuracy",
        "name": name or p.stem,
    }


# ----------------------------------------------------------------------------------------------- geodata
@lru_cache(maxsize=4)
def _countries(directory: str) -> dict[str, BaseGeometry]:
    from mapper import geodata

    t = geodata.table(
        "countries"
    )  # raises GeodataError naming the file when it is missing or corrupt
    return {
        str(iso3): shapely.make_valid(g)
        for iso3, g in zip(t.columns["iso3"], t.geometry, strict=True)
    }


_LAEA = "+proj=laea +lat_0=48.5 +lon_0=31.5 +datum=WGS84 +units=m +no_defs"


def _transform(geom: BaseGeometry, tr: Transformer) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


@lru_cache(maxsize=4)
def _ukraine_edge_zone(directory: str, km: float) -> BaseGeometry:
    """Ukraine's outline (borders and coast) buffered by ``km`` (buffered in an equal-area projection)."""
    countries = _countries(directory)
    if "UKR" not in countries:
        raise GeodataError(f"{Path(directory) / 'countries.geojson'}: no feature with iso3 'UKR'")
    fwd = Transformer.from_crs("EPSG:4326", _LAEA, always_xy=True)
    inv = Transformer.from_crs(_LAEA, "EPSG:4326", always_xy=True)
    outline = _transform(countries["UKR"].boundary, fwd)
    return _transform(outline.buffer(km * 1000.0, quad_segs=4), inv)


def _thin(p: Path, parts: list[BaseGeometry]) -> list[BaseGeometry]:
    """``parts`` simplified within :data:`SIMPLIFY_TOLERANCE_M` when together they hold more than
    :data:`SIMPLIFY_ABOVE_VERTICES` vertices (else unchanged). A 100,000-vertex line would otherwise be buffered,
    densified and drawn vertex by vertex, for detail far below its accuracy; in metres of an equal-area
    projection centred on the theatre (scale within 1 % of true over it), topology kept (a ring never crosses
    itself)."""
    n = int(shapely.get_num_coordinates(parts).sum()) if parts else 0
    if n <= SIMPLIFY_ABOVE_VERTICES:
        return parts
    fwd = Transformer.from_crs("EPSG:4326", _LAEA, always_xy=True)
    inv = Transformer.from_crs(_LAEA, "EPSG:4326", always_xy=True)
    out = []
    for q in parts:
        thin = shapely.simplify(_transform(q, fwd), SIMPLIFY_TOLERANCE_M, preserve_topology=True)
        out.append(_transform(thin, inv) if not thin.is_empty else q)
    kept = int(shapely.get_num_coordinates(out).sum())
    log.info(
        "%s: %s vertices simplified to %s (tolerance %g m)",
        p,
        f"{n:,}",
        f"{kept:,}",
        SIMPLIFY_TOLERANCE_M,
    )
    return out


def line_from_occupied(
    occupied: MultiPolygon, origin: str | Path = "the occupied area"
) -> LineString | MultiLineString:
    """The line of contact of an occupied area (its boundary inside Ukraine, as a polygon file's line is derived);
    ``origin`` names the area in the ``FrontLineError`` raised when none of its boundary lies inside Ukraine."""
    return _line_from_occupied(Path(origin), occupied)


def _line_from_occupied(p: Path, occupied: MultiPolygon) -> LineString | MultiLineString:
    """The line of contact: the occupied area's boundary minus the parts along Ukraine's border and coast."""
    zone = _ukraine_edge_zone(str(geodata_dir()), BORDER_TOLERANCE_KM)
    inner = occupied.boundary.difference(zone)
    lines = [q for q in _parts(inner) if q.geom_type == "LineString" and q.length > 0]
    if not lines:
        raise FrontLineError(
            f"{p}: the occupied-area polygon has no boundary inside Ukraine (all of it lies along the "
            f"international border or the coast, within {BORDER_TOLERANCE_KM:g} km); expected a polygon whose "
            "edge inside Ukraine is the line of contact"
        )
    return _merge_lines(lines)

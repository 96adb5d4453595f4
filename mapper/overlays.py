"""Users' own layers and annotations (issue #16): the model, the readers of overlay files, and the resolution of
the checked ``layers:`` and ``annotations:`` keys (``mapper.overlayformat``) into that model.

* **Model.** ``Overlay(name, kind, features, style, popup, legend, source, keypath)`` with
  ``OverlayFeature(geometry, attributes, index, name)`` (geometry lon/lat EPSG:4326, attributes text), and
  ``Annotation(kind, text, geometry, colour, size, keypath)`` (a label's point or an arrow's line, with the arrow
  head as a polygon ``head``). ``legend_entries`` gives every output the same legend (name, colour, shape).
* **Files.** ``read_overlay_file(path, source)``: a CSV read with :mod:`csv` from the columns named in the scenario
  (``lat:``/``lon:``, explicit), or a GeoJSON, GeoPackage, KML or KMZ read with pyogrio through
  :mod:`mapper.datafile` (every limit: file size, a KMZ's inflated size and ratio, layers, features, vertices)
  and reprojected to EPSG:4326 with pyproj. A GeoJSON without a ``crs`` member and KML are lon/lat by definition;
  a ``crs`` member pyproj does not know (GDAL would quietly read it as lon/lat), a GeoPackage without a CRS, or a
  CRS that cannot be reprojected is refused. Coordinates out of range, and latitude and longitude swapped (a
  point outside the theatre that would lie inside it swapped), are errors naming the file and the row (CSV) or
  feature; attribute values are kept as text, cut to ``MAX_ATTRIBUTE_CHARS``, control and bidi characters
  removed. Every problem is an :class:`mapper.errors.OverlayError`.
* **Limits.** ``MAX_OVERLAY_FEATURES`` features per scenario (all layers, inline and from files), files of at most
  ``MAX_OVERLAY_FILE_BYTES``, at most ``datafile.MAX_VERTICES`` vertices per file.
* **Resolution** of the checked scenario keys into this model is ``mapper.overlayresolve``.

All text here is untrusted: it is stored as written and escaped by each output at its own boundary.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry

from mapper import datafile
from mapper.errors import OverlayError
from mapper.fields import INVALID, suggest
from mapper.overlayformat import MAX_ATTRIBUTE_CHARS, MAX_ATTRIBUTES, dash_numbers
from mapper.yamlsafe import UNSAFE_CHARACTERS

__all__ = [
    "CSV_SUFFIXES",
    "GDAL_SUFFIXES",
    "MAX_CSV_COLUMNS",
    "MAX_OVERLAY_FEATURES",
    "MAX_OVERLAY_FILE_BYTES",
    "Annotation",
    "FileSource",
    "LegendEntry",
    "Overlay",
    "OverlayFeature",
    "OverlayStyle",
    "affiliation",
    "arrow_head",
    "kind_of",
    "legend_entries",
    "read_overlay_file",
]

#: features of all overlay layers of one scenario together (inline and from files)
MAX_OVERLAY_FEATURES = 20_000
#: an overlay file on disk (the data-file limit)
MAX_OVERLAY_FILE_BYTES = datafile.MAX_FILE_BYTES
#: columns of a CSV overlay
MAX_CSV_COLUMNS = 200
#: bad rows reported for one file before the rest are counted only
MAX_REPORTED_ROWS = 20
CSV_SUFFIXES = (".csv", ".txt")
GDAL_SUFFIXES = (".geojson", ".json", ".gpkg", ".kml", ".kmz")
#: (min lon, min lat, max lon, max lat): where a point is plausible (``mapper.scenario.THEATRE``)
THEATRE_BOUNDS = (12.0, 40.0, 45.0, 58.0)

DEFAULT_COLOUR = "#1f4e79"
ANNOTATION_COLOUR = "#222222"
ANNOTATION_SIZE = 13.0
#: an arrow head's length: this share of the arrow's geodesic length, within the bounds (km)
HEAD_SHARE, HEAD_MIN_KM, HEAD_MAX_KM, HEAD_ANGLE = 0.12, 3.0, 40.0, 28.0
#: SIDC position 4 (the standard identity) → affiliation
_AFFILIATION = {
    "0": "unknown",
    "1": "unknown",
    "2": "friend",
    "3": "friend",
    "4": "neutral",
    "5": "hostile",
    "6": "hostile",
}
#: fields GDAL's KML driver adds to every placemark (drawing settings, not the user's attributes)
_KML_FIELDS = frozenset(
    {"tessellate", "extrude", "visibility", "altitudeMode", "drawOrder", "icon", "snippet"}
)
_EMPTY = frozenset({"", "none", "nan", "nat", "null", "<na>"})


# ----------------------------------------------------------------------------------------------- the model
@dataclass(frozen=True)
class OverlayStyle:
    """How a layer is drawn: sizes in pixels, opacities 0..1, ``dash`` in pixels (empty: solid), ``sidc`` an
    APP-6 code for points (overrides ``marker``)."""

    colour: str = DEFAULT_COLOUR
    opacity: float = 0.9
    fill_opacity: float | None = None
    weight: float = 2.0
    dash: tuple[float, ...] = ()
    marker: str = "circle"
    size: float = 10.0
    sidc: str | None = None

    def fill_for(self, kind: str) -> float:
        """The fill opacity of a polygon (default 0.25) or a marker (default 0.8)."""
        if self.fill_opacity is not None:
            return self.fill_opacity
        return 0.25 if kind == "polygons" else 0.8

    @classmethod
    def from_checked(cls, raw: dict[str, Any] | None) -> OverlayStyle:
        raw = raw or {}
        given = {k: v for k, v in raw.items() if v is not None and v is not INVALID}
        if "dash" in given:
            given["dash"] = dash_numbers(given["dash"])
        for key in ("opacity", "fill_opacity", "weight", "size"):
            if key in given:
                given[key] = float(given[key])
        return cls(**given)


@dataclass(frozen=True)
class OverlayFeature:
    """One feature: a geometry (lon/lat), its attributes as text, its index in the source (the data row of a
    CSV, from 1; the feature of a file or the item of an inline list, from 0) and its name ('' if none)."""

    geometry: BaseGeometry
    attributes: dict[str, str] = field(default_factory=dict, hash=False)
    index: int = 0
    name: str = ""


@dataclass(frozen=True)
class Overlay:
    """A user's layer: ``kind`` is ``points``, ``lines``, ``polygons`` or ``mixed``; ``popup`` the attribute
    names its popups show; ``source`` the file as the user named it, or ``inline``."""

    name: str
    kind: str
    features: tuple[OverlayFeature, ...]
    style: OverlayStyle
    popup: tuple[str, ...] = ()
    legend: str = ""
    source: str = "inline"
    keypath: str = ""
    description: str = ""

    @property
    def legend_text(self) -> str:
        return self.legend or self.name

    def popup_rows(self, feature: OverlayFeature) -> list[tuple[str, str]]:
        """The (attribute, value) rows of a feature's popup: the chosen attributes it has, in order; with no
        choice, none (the popup shows the name only)."""
        return [(k, feature.attributes[k]) for k in self.popup if k in feature.attributes]


@dataclass(frozen=True)
class Annotation:
    """A text label (``kind="label"``, ``geometry`` its Point) or an arrow (``kind="arrow"``, ``geometry`` its
    line to the tip, ``head`` the arrow head as a small polygon at the end), lon/lat."""

    kind: str
    text: str
    geometry: BaseGeometry
    colour: str = ANNOTATION_COLOUR
    size: float = ANNOTATION_SIZE
    keypath: str = ""
    head: Polygon | None = None

    @property
    def anchor(self) -> tuple[float, float]:
        """Where the text goes, (lon, lat): the label's point, or the arrow's middle."""
        if isinstance(self.geometry, Point):
            return (self.geometry.x, self.geometry.y)
        p = self.geometry.interpolate(0.5, normalized=True)
        return (p.x, p.y)


@dataclass(frozen=True)
class LegendEntry:
    """What a legend shows for an overlay: its text, colour, the swatch (``point``, ``line``, ``dashed``,
    ``fill``), the marker shape and the SIDC of an APP-6 layer."""

    label: str
    colour: str
    shape: str
    marker: str = "circle"
    sidc: str | None = None


def affiliation(sidc: str) -> str:
    """``friend``, ``hostile``, ``neutral`` or ``unknown`` from a 20-digit SIDC's standard identity."""
    return _AFFILIATION.get(sidc[3:4], "unknown")


def legend_entries(overlays: Sequence[Overlay]) -> list[LegendEntry]:
    """One legend entry per overlay, in order."""
    out = []
    for o in overlays:
        if o.kind == "points":
            shape = "point"
        elif o.kind == "polygons":
            shape = "fill"
        else:
            shape = "dashed" if o.style.dash else "line"
        out.append(LegendEntry(o.legend_text, o.style.colour, shape, o.style.marker, o.style.sidc))
    return out


def kind_of(features: Sequence[OverlayFeature]) -> str:
    """``points``, ``lines`` or ``polygons`` when every feature is one, else ``mixed``."""
    kinds = {_geometry_kind(f.geometry) for f in features}
    return kinds.pop() if len(kinds) == 1 else ("mixed" if kinds else "points")


def _geometry_kind(geom: BaseGeometry) -> str:
    t = geom.geom_type
    if t in ("Point", "MultiPoint"):
        return "points"
    if t in ("LineString", "MultiLineString", "LinearRing"):
        return "lines"
    if t in ("Polygon", "MultiPolygon"):
        return "polygons"
    return "mixed"


# ----------------------------------------------------------------------------------------------- text
def clean_text(value: Any, limit: int = MAX_ATTRIBUTE_CHARS) -> str:
    """An attribute value as text: control and bidi characters removed (tabs and newlines become spaces), cut
    to ``limit`` characters with an ellipsis."""
    s = UNSAFE_CHARACTERS.sub("", str(value).replace("\t", " ").replace("\r\n", "\n")).strip()
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return str(value).strip().lower() in _EMPTY


# ----------------------------------------------------------------------------------------------- reading files
@dataclass(frozen=True)
class FileSource:
    """What a layer says about its file: the CSV's coordinate columns, or the layer of a multi-layer file."""

    lat: str | None = None
    lon: str | None = None
    layer: str | None = None


def read_overlay_file(
    path: str | Path,
    source: FileSource = FileSource(),
    *,
    max_features: int = MAX_OVERLAY_FEATURES,
    shown: str | Path | None = None,
) -> tuple[OverlayFeature, ...]:
    """The features of an overlay file (CSV with ``source.lat``/``source.lon``, GeoJSON, GeoPackage, KML, KMZ),
    in EPSG:4326, at most ``max_features``. ``shown`` names the file in messages (default ``path``). Raises
    :class:`OverlayError` naming the file (and the row or feature) for anything wrong with it."""
    p = Path(path)
    name = str(shown if shown is not None else p)
    suffix = p.suffix.lower()
    if suffix not in CSV_SUFFIXES + GDAL_SUFFIXES:
        raise OverlayError(
            f"{name}: unsupported file type {p.suffix or '(no extension)'!r}; an overlay is a CSV, GeoJSON, "
            "GeoPackage, KML or KMZ file (.csv, .geojson, .json, .gpkg, .kml, .kmz)"
        )
    datafile.check_data_file(
        p,
        max_bytes=MAX_OVERLAY_FILE_BYTES,
        error=OverlayError,
        expected="expected a CSV, GeoJSON, GeoPackage, KML or KMZ file",
    )
    if suffix in CSV_SUFFIXES:
        if not source.lat or not source.lon:
            raise OverlayError(
                f"{name}: a CSV overlay needs the names of its latitude and longitude columns"
            )
        return _read_csv(p, name, source.lat, source.lon, max_features)
    return _read_gdal(p, name, source.layer, max_features)


def _csv_text(p: Path, name: str) -> str:
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise OverlayError(f"{name}: cannot read the file ({exc.strerror or exc})") from None
    if b"\x00" in data:
        raise OverlayError(f"{name}: the file holds NUL bytes: not a CSV text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise OverlayError(
            f"{name}: not UTF-8 text (byte {exc.start + 1:,}); save the CSV as UTF-8"
        ) from None


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def _read_csv(
    p: Path, name: str, lat: str, lon: str, max_features: int
) -> tuple[OverlayFeature, ...]:
    text = _csv_text(p, name)
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    try:
        header = next(reader, None)
        if header is None:
            raise OverlayError(
                f"{name}: the file is empty; expected a header row with the columns {lat!r}, {lon!r}"
            )
        columns = _columns(name, header)
        ilat, ilon = _column(name, columns, lat, "lat"), _column(name, columns, lon, "lon")
        rows = _CsvRows(name, lat, lon)
        features: list[OverlayFeature] = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            rows.count += 1
            if rows.count > max_features:
                raise OverlayError(
                    f"{name}: more than {max_features:,} rows, over the limit of {MAX_OVERLAY_FEATURES:,} "
                    "overlay features per scenario"
                )
            feature = rows.feature(row, columns, ilat, ilon, reader.line_num)
            if feature is not None:
                features.append(feature)
    except csv.Error as exc:
        raise OverlayError(f"{name}: line {reader.line_num}: cannot read the CSV ({exc})") from None
    rows.raise_problems()
    return tuple(features)


def _columns(name: str, header: list[str]) -> list[str]:
    if len(header) > MAX_CSV_COLUMNS:
        raise OverlayError(
            f"{name}: {len(header):,} columns, over the limit of {MAX_CSV_COLUMNS:,}"
        )
    return [clean_text(h, 200) or f"column_{i + 1}" for i, h in enumerate(header)]


def _column(name: str, columns: list[str], wanted: str, key: str) -> int:
    if wanted in columns:
        return columns.index(wanted)
    listed = ", ".join(repr(c) for c in columns[:30]) + (", ..." if len(columns) > 30 else "")
    raise OverlayError(
        f"{name}: no column {wanted!r} (named by {key}:){suggest(wanted, columns)}; the file's columns are "
        f"{listed}"
    )


@dataclass
class _CsvRows:
    """The rows of one CSV: turns each into a feature, collecting the problems of bad rows."""

    name: str
    lat_col: str
    lon_col: str
    count: int = 0
    problems: list[str] = field(default_factory=list)
    swapped: int = 0
    bad: int = 0
    first_swapped: str | None = None

    def feature(
        self, row: list[str], columns: list[str], ilat: int, ilon: int, line: int
    ) -> OverlayFeature | None:
        where = f"{self.name}: row {self.count} (line {line})"
        lat = self._number(row, ilat, self.lat_col, where)
        lon = self._number(row, ilon, self.lon_col, where)
        if lat is None or lon is None:
            return None
        why = _coordinate_problem(lat, lon)
        if why is not None:
            swapped = "lies outside the theatre" in why
            if swapped and self.first_swapped is None:
                self.first_swapped = (
                    f"row {self.count} (line {line}): latitude {lat:g}, longitude {lon:g} lies outside the "
                    f"theatre, latitude {lon:g}, longitude {lat:g} inside it"
                )
            self._problem(f"{where}: {why}", swapped=swapped)
            return None
        attributes = {
            columns[i]: clean_text(v)
            for i, v in enumerate(row[: len(columns)])
            if i not in (ilat, ilon) and not _missing(v)
        }
        name = _name_of(attributes)
        return OverlayFeature(Point(lon, lat), attributes, self.count, name)

    def _number(self, row: list[str], i: int, column: str, where: str) -> float | None:
        text = row[i].strip() if i < len(row) else ""
        if not text:
            self._problem(f"{where}: column {column!r} is empty; expected a number in degrees")
            return None
        if re.fullmatch(r"[+-]?\d+,\d+", text):
            text = text.replace(",", ".")  # a decimal comma (a semicolon-separated CSV)
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            shown = text if len(text) <= 40 else text[:37] + "..."
            self._problem(
                f"{where}: column {column!r} holds {shown!r}; expected a number in degrees"
            )
            return None
        return value

    def _problem(self, message: str, swapped: bool = False) -> None:
        self.bad += 1
        self.swapped += swapped
        if len(self.problems) < MAX_REPORTED_ROWS:
            self.problems.append(message)

    def raise_problems(self) -> None:
        if not self.problems:
            return
        lines = list(self.problems)
        if self.swapped and self.swapped == self.bad and self.bad > 1:
            lines = [
                f"{self.name}: latitude and longitude appear swapped in {self.bad:,} rows ({self.first_swapped}); "
                f"check that lat: {self.lat_col!r} and lon: {self.lon_col!r} name the right columns"
            ]
        elif self.bad > len(lines):
            lines.append(f"{self.name}: {self.bad - len(lines):,} more bad rows")
        raise OverlayError("\n".join(lines))


def _coordinate_problem(lat: float, lon: float) -> str | None:
    """Why (lat, lon) cannot be a point of an overlay: out of range, or swapped (outside the theatre, inside
    it swapped); ``None`` when it can."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        hint = " (swapped?)" if -90 <= lon <= 90 and -180 <= lat <= 180 else ""
        return (
            f"latitude {lat:g}, longitude {lon:g} is out of range{hint}; expected a latitude -90..90 and a "
            "longitude -180..180 in degrees"
        )
    x0, y0, x1, y1 = THEATRE_BOUNDS
    if not (x0 <= lon <= x1 and y0 <= lat <= y1) and (x0 <= lat <= x1 and y0 <= lon <= y1):
        return (
            f"latitude {lat:g}, longitude {lon:g} lies outside the theatre but would lie inside it with "
            f"latitude and longitude swapped: did you mean latitude {lon:g}, longitude {lat:g}?"
        )
    return None


def _name_of(attributes: dict[str, str]) -> str:
    for key in ("name", "Name", "NAME", "title", "label"):
        if attributes.get(key):
            return attributes[key]
    return ""


# -- GeoJSON, GeoPackage, KML, KMZ
def _gdal_source(p: Path, name: str) -> str | bytes:
    """What GDAL gets: the path, or a KMZ's KML bytes inflated within the limits; text formats' coordinates
    counted first (``datafile``); a GeoPackage's views refused; a GeoJSON's ``crs`` member checked."""
    suffix = p.suffix.lower()
    if suffix == ".gpkg":
        datafile.check_gpkg(p, error=OverlayError)
        return str(p)
    source: str | bytes = str(p)
    if suffix == ".kmz":
        source = datafile.read_kmz(p, error=OverlayError)[1]
    datafile.check_text_coordinates(
        p if isinstance(source, str) else source,
        name,
        kml=suffix in (".kml", ".kmz"),
        error=OverlayError,
    )
    if suffix in (".geojson", ".json"):
        _check_crs_member(p, name)
    return source


def _check_crs_member(p: Path, name: str) -> None:
    """A GeoJSON's ``crs`` member must name a CRS pyproj knows: GDAL reads an unknown one as lon/lat."""
    data = p.read_bytes()
    if b'"crs"' not in data:
        return
    try:
        doc = json.loads(data)
    except ValueError:
        return  # GDAL words the syntax error
    crs = doc.get("crs") if isinstance(doc, dict) else None
    if crs is None:
        return
    text = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if not isinstance(text, str):
        raise OverlayError(
            f"{name}: the crs member is not a named CRS ({clean_text(json.dumps(crs), 80)}); expected "
            '{"type": "name", "properties": {"name": "EPSG:3857"}}, or none for longitude/latitude'
        )
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        CRS.from_user_input(text)
    except CRSError:
        raise OverlayError(
            f"{name}: unknown coordinate reference system {clean_text(text, 80)!r} in the crs member; "
            "give a known one (e.g. EPSG:3857) or reproject the file to longitude/latitude (EPSG:4326)"
        ) from None


def _read_gdal(
    p: Path, name: str, layer: str | None, max_features: int
) -> tuple[OverlayFeature, ...]:
    source = _gdal_source(p, name)
    try:
        if layer is None:
            _single_layer(source, name)
        frames = datafile.read_layers(
            source, name, layer, max_features=max_features, error=OverlayError
        )
    except OverlayError:
        raise
    except Exception as exc:  # pyogrio/GDAL errors of every kind: worded, never a traceback
        reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise OverlayError(
            f"{name}: cannot read the file ({reason}); is it really {p.suffix.lstrip('.').upper()}?"
        ) from exc
    features: list[OverlayFeature] = []
    problems: list[str] = []
    for layer_name, frame in frames.items():
        frame = _to_wgs84(p, name, layer_name, frame)
        drop = _KML_FIELDS if p.suffix.lower() in (".kml", ".kmz") else frozenset()
        features += _frame_features(frame, name, problems, len(features), drop)
    if problems:
        extra = (
            f"\n{name}: {len(problems) - MAX_REPORTED_ROWS:,} more bad features"
            if len(problems) > MAX_REPORTED_ROWS
            else ""
        )
        raise OverlayError("\n".join(problems[:MAX_REPORTED_ROWS]) + extra)
    return tuple(features)


def _single_layer(source: str | bytes, name: str) -> None:
    import pyogrio

    names = [str(n) for n, _ in pyogrio.list_layers(source)]
    if len(names) > 1:
        listed = ", ".join(repr(n) for n in names[:20]) + (", ..." if len(names) > 20 else "")
        raise OverlayError(
            f"{name}: the file has {len(names)} layers ({listed}); choose one with layer: NAME"
        )


def _to_wgs84(p: Path, name: str, layer: str, frame: Any) -> Any:
    from pyproj import CRS

    if frame.crs is None:
        if p.suffix.lower() == ".gpkg":
            raise OverlayError(
                f"{name}: layer {layer!r} has no coordinate reference system; set one (e.g. EPSG:4326) "
                "before using the file"
            )
        return frame  # GeoJSON without a crs member and KML are lon/lat by definition
    try:
        if CRS.from_user_input(frame.crs).equals(CRS.from_epsg(4326), ignore_axis_order=True):
            return frame
        out = frame.to_crs(4326)
    except Exception as exc:
        raise OverlayError(
            f"{name}: layer {layer!r}: cannot reproject from {clean_text(frame.crs, 80)} to EPSG:4326 "
            f"({clean_text(exc, 120)})"
        ) from exc
    return out


def _plain(value: Any) -> Any:
    """A whole float as an integer (a GDAL integer column with gaps is read as floats: 2835.0 → 2835)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _frame_features(
    frame: Any, name: str, problems: list[str], start: int, drop: frozenset[str] = frozenset()
) -> Iterator[OverlayFeature]:
    columns = [c for c in frame.columns if c != frame.geometry.name][:MAX_ATTRIBUTES]
    records = frame[columns].to_dict("records") if columns else [{} for _ in range(len(frame))]
    for i, (geom, record) in enumerate(zip(frame.geometry.values, records, strict=True)):
        index = start + i
        if geom is None or geom.is_empty:
            continue  # a placemark or feature without a geometry: nothing to draw
        geom = shapely.force_2d(geom)
        why = _bounds_problem(geom)
        if why is not None:
            problems.append(f"{name}: feature {index}: {why}")
            continue
        attributes = {
            clean_text(k, 200): clean_text(_plain(v))
            for k, v in record.items()
            if not _missing(v) and k not in drop
        }
        yield OverlayFeature(geom, attributes, index, _name_of(attributes))


def _bounds_problem(geom: BaseGeometry) -> str | None:
    x0, y0, x1, y1 = geom.bounds
    if not all(math.isfinite(v) for v in (x0, y0, x1, y1)):
        return "coordinates are not finite numbers"
    for lon, lat in ((x0, y0), (x1, y1)):
        why = _coordinate_problem(lat, lon)
        if why is not None:
            if "out of range" in why:
                why += " (a projected file needs a crs member naming its CRS)"
            return why
    return None


# ----------------------------------------------------------------------------------------------- arrows
def arrow_head(line: LineString) -> Polygon:
    """The head of an arrow along ``line``: a triangle at its last point, pointing along its last segment
    (geodesic azimuth), as long as ``HEAD_SHARE`` of the arrow's geodesic length within ``HEAD_MIN_KM`` and
    ``HEAD_MAX_KM``."""
    from mapper.geodesy import GEOD, geodesic_length_km

    coords = list(line.coords)
    (x0, y0), (x1, y1) = coords[-2], coords[-1]
    back, _, _ = GEOD.inv(x1, y1, x0, y0)
    km = min(max(HEAD_SHARE * geodesic_length_km(line), HEAD_MIN_KM), HEAD_MAX_KM)
    lons, lats, _ = GEOD.fwd(
        [x1, x1], [y1, y1], [back - HEAD_ANGLE, back + HEAD_ANGLE], [km * 1000] * 2
    )
    return Polygon([(x1, y1), (lons[0], lats[0]), (lons[1], lats[1])])

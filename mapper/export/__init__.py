"""``mapper export``: every resolved geometry of a scenario, with its analysis, as GeoJSON, GeoPackage or KML.

What is exported (all in EPSG:4326, lon/lat, coordinates rounded to 7 decimals, ~1 cm):

========================  ============  ======================================================================
layer                     geometry      one feature per
========================  ============  ======================================================================
``forces``                Point         force, with every analysis attribute (``SiteMetrics.to_dict()``
                                        flattened) and the unit's nation, troops, kind, echelon, SIDC, role
``hubs``                  Point         hub, with its distances
``lines``                 (Multi)Line   line or route of an option, with its geodesic length
``areas``                 (Multi)Poly   area of an option, with its geodesic area
``zones``                 (Multi)Poly   zone (geodesic buffer) of an option, with its geodesic area
``coverage_rings``        Polygon       force with ``range_km``: the geodesic circle of that radius
``distance_bands``        (Multi)Poly   distance band from the scenario's threat (``basis``), clipped as on the HTML map
``front_line``            (Multi)Line   the line of contact, with its date, source and accuracy
``occupied_area``         MultiPolygon  the occupied area (when known), with the front line's date and source
``overlay_<name>``        as read       feature of one of the scenario's ``layers:`` (one layer each, after the
                                        fixed ones), with ``overlay``, ``name``, ``source``, ``keypath`` and
                                        its attributes as text (``export.overlays``)
``annotations``           Point, Line   label or arrow of ``annotations:``, with its text, colour and size
========================  ============  ======================================================================

The fixed layers (``LAYERS``) are always written (empty ones too); the overlay and annotation layers only when the
scenario has them, so the export of a scenario without them is as it always was.

Formats (one module each): ``geojson`` (RFC 7946, written by mapper so the bytes are deterministic), ``gpkg``
(GeoPackage, one table per layer, written with pyogrio/GDAL) and ``kml`` (KML 2.2 for Google Earth, written with
``xml.etree``); ``features`` collects the features all three write (``FIELDS``, ``export_features``).

Every function takes a ``mapper.pipeline.Prepared`` (the one pipeline: load, resolve, analyse once) and writes
what ``prepared.features`` derived (rings, bands, lines, areas, zones), so the export shows exactly what the maps
draw. Every output is written atomically (complete or not at all); an existing file needs ``overwrite=True``
(``pipeline.check_target`` without a recogniser: an export carries no marker that says mapper wrote it).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from mapper.errors import UsageError
from mapper.export.features import DECIMALS as DECIMALS
from mapper.export.features import FIELDS, LAYERS, ExportFeature, export_features
from mapper.export.geojson import to_geojson

# ``write_gpkg`` calls the ``_gpkg_writer`` of this package at call time: tests replace it here to make it fail
from mapper.export.gpkg import _gpkg_writer as _gpkg_writer
from mapper.export.gpkg import write_gpkg
from mapper.export.kml import KML_NS as KML_NS
from mapper.export.kml import kml_colour, to_kml
from mapper.pipeline import Prepared, check_target, prepare

__all__ = [
    "FIELDS",
    "FORMATS",
    "LAYERS",
    "ExportFeature",
    "export_features",
    "export_prepared",
    "export_scenario",
    "kml_colour",
    "to_geojson",
    "to_kml",
    "write_gpkg",
]

#: format → file suffix
FORMATS = {"geojson": ".geojson", "gpkg": ".gpkg", "kml": ".kml"}
_SUFFIXES = {".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".kml": "kml"}


def _resolve_format(fmt: str | None, output: Path | None) -> str:
    suffix = output.suffix.lower() if output is not None else ""
    if fmt is None:
        if suffix in _SUFFIXES:
            return _SUFFIXES[suffix]
        raise UsageError(
            f"cannot tell the export format from {str(output) if output else 'no output file'!r}; "
            f"give --format ({', '.join(FORMATS)})"
        )
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    if suffix == ".kmz":
        raise UsageError(
            f"{output}: KMZ is not written; use a .kml file name (Google Earth opens it)"
        )
    implied = _SUFFIXES.get(suffix)
    if implied is not None and implied != fmt:
        raise UsageError(
            f"{output}: the file name says {suffix} but the format is {fmt}; "
            f"use a {FORMATS[fmt]} file name or --format {implied}"
        )
    return fmt


_WRITERS: dict[str, Callable[[Prepared], bytes]] = {
    "geojson": to_geojson,
    "kml": to_kml,
}


def export_prepared(
    prepared: Prepared,
    output: str | os.PathLike[str] | None = None,
    *,
    fmt: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write a prepared scenario as ``fmt`` (geojson, gpkg, kml; ``None``: from the suffix of ``output``) to
    ``output`` (default ``out/<scenario id>.<ext>``); atomic; returns the path.

    An existing file is replaced only with ``overwrite`` (an export carries no marker of its own: a ``.geojson``
    or ``.kml`` may be anyone's)."""
    out = Path(output) if output is not None else None
    fmt = _resolve_format(fmt, out)
    if out is None:
        out = Path("out") / f"{prepared.scenario.id}{FORMATS[fmt]}"
    if fmt == "gpkg":
        return write_gpkg(prepared, out, overwrite=overwrite)
    target = check_target(out, overwrite=overwrite)  # before the work, not after
    return target.write(_WRITERS[fmt](prepared))


def export_scenario(
    path: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    fmt: str | None,
    front_line: str | os.PathLike[str] | None = None,
    options: Sequence[str] | None = None,
    overwrite: bool = False,
) -> Path:
    """Load, analyse and export one scenario file (see the module docstring); return the written path.

    ``fmt`` is ``geojson``, ``gpkg`` or ``kml`` (``None``: from the suffix of ``output``). ``options`` limits
    the export to these option ids; ``front_line`` replaces the scenario's front line (as ``--front-line``).
    """
    out = Path(output) if output is not None else None
    _resolve_format(fmt, out)  # a usage error before any work
    if out is not None:
        check_target(out, overwrite=overwrite)
    prepared = prepare(path, front_line=front_line, options=options)
    return export_prepared(prepared, out, fmt=fmt, overwrite=overwrite)

"""Collecting what ``mapper export`` writes: every resolved geometry of a prepared scenario as ``ExportFeature``s.

``FIELDS`` is the attribute table of every layer (the contract all three formats share) and ``LAYERS`` their
order; ``export_features(prepared)`` yields the features in a stable order (situation first, then option by
option), each geometry 2-D, rounded to ``DECIMALS`` (~1 cm) and wound counter-clockwise (RFC 7946), each
attribute dict in ``FIELDS`` order with NaN as ``None``. Everything comes from ``prepared.features`` (rings,
bands, lines, areas, zones), so the export shows exactly what the maps draw; nothing here writes a file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

if TYPE_CHECKING:  # pragma: no cover
    from mapper.analysis import SiteMetrics
    from mapper.features import OptionFeatures
    from mapper.pipeline import Prepared
    from mapper.scenario import Force, Hub, Option

__all__ = ["DECIMALS", "FIELDS", "LAYERS", "ExportFeature", "export_features"]

DECIMALS = 7  # ~1 cm; RFC 7946 recommends no more than needed

_OPTION = (("option_id", "str"), ("option_name", "str"), ("option_colour", "str"))
_SITE = (
    ("location", "str"),
    ("lat", "float"),
    ("lon", "float"),
    ("distance_to_front_km", "float"),
    ("distance_accuracy_km", "float"),
    ("nearest_front_lat", "float"),
    ("nearest_front_lon", "float"),
    ("distance_to_hostile_territory_km", "float"),
    ("nearest_hostile", "str"),
    ("distance_to_nato_border_km", "float"),
    ("band", "str"),
    ("in_occupied_area", "bool"),
)
#: The attribute table of every layer: (field, type) with type one of str, int, float, bool. ``None`` is null.
FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "forces": (
        ("layer", "str"),
        ("name", "str"),
        *_OPTION,
        ("nation", "str"),
        ("troops", "int"),
        ("kind", "str"),
        ("echelon", "str"),
        ("sidc", "str"),
        ("role", "str"),
        ("range_km", "float"),
        *_SITE,
        ("nearest_hub", "str"),
        ("distance_to_nearest_hub_km", "float"),
        ("population_covered", "int"),
        ("population_covered_by_country", "str"),
        ("meets_constraints", "bool"),
        ("violations", "str"),
        ("exemptions", "str"),
        ("description", "str"),
        ("keypath", "str"),
    ),
    "hubs": (
        ("layer", "str"),
        ("name", "str"),
        *_OPTION,
        ("nation", "str"),
        ("role", "str"),
        ("sidc", "str"),
        *_SITE,
        ("meets_constraints", "bool"),
        ("violations", "str"),
        ("description", "str"),
        ("keypath", "str"),
    ),
    "lines": (
        ("layer", "str"),
        ("name", "str"),
        *_OPTION,
        ("kind", "str"),
        ("how", "str"),
        ("length_km", "float"),
        ("description", "str"),
        ("keypath", "str"),
    ),
    "areas": (
        ("layer", "str"),
        ("name", "str"),
        *_OPTION,
        ("how", "str"),
        ("area_km2", "float"),
        ("description", "str"),
        ("keypath", "str"),
    ),
    "zones": (
        ("layer", "str"),
        ("name", "str"),
        *_OPTION,
        ("kind", "str"),
        ("buffer_of", "str"),
        ("km", "float"),
        ("width_km", "float"),
        ("area_km2", "float"),
        ("description", "str"),
        ("keypath", "str"),
    ),
    "coverage_rings": (
        ("layer", "str"),
        ("name", "str"),
        *_OPTION,
        ("force", "str"),
        ("range_km", "float"),
        ("population_covered", "int"),
        ("population_covered_by_country", "str"),
        ("centre_lat", "float"),
        ("centre_lon", "float"),
    ),
    "distance_bands": (
        ("layer", "str"),
        ("name", "str"),
        ("inner_km", "float"),
        ("outer_km", "float"),
        ("label", "str"),
        ("colour", "str"),
        ("basis", "str"),
        ("front_line_date", "str"),
    ),
    "front_line": (
        ("layer", "str"),
        ("name", "str"),
        ("date", "str"),
        ("source", "str"),
        ("accuracy", "str"),
        ("accuracy_km", "float"),
        ("file", "str"),
        ("derived_from_polygon", "bool"),
    ),
    "occupied_area": (
        ("layer", "str"),
        ("name", "str"),
        ("date", "str"),
        ("source", "str"),
        ("accuracy", "str"),
    ),
}
LAYERS = tuple(FIELDS)


@dataclass(frozen=True)
class ExportFeature:
    """One exported feature: its layer, the option it belongs to (``None`` for the situation), its geometry
    (lon/lat, rounded, polygons counter-clockwise) and its attributes (keys and order of ``FIELDS[layer]``)."""

    layer: str
    option_id: str | None
    geometry: BaseGeometry
    properties: dict[str, Any]


def _clean(geom: BaseGeometry) -> BaseGeometry:
    """2-D, rounded to ``DECIMALS``, exterior rings counter-clockwise (RFC 7946 §3.1.6)."""
    geom = shapely.force_2d(geom)
    geom = shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))
    if geom.geom_type in ("Polygon", "MultiPolygon", "GeometryCollection"):
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    return geom


def _record(layer: str, values: dict[str, Any]) -> dict[str, Any]:
    """The attributes of a feature in ``FIELDS`` order, with NaN as ``None`` and types checked."""
    out: dict[str, Any] = {}
    for key, kind in FIELDS[layer]:
        value = layer if key == "layer" else values.get(key)
        if value is not None:
            if kind == "float":
                value = float(value)
                if not np.isfinite(value):
                    value = None
            elif kind == "int":
                value = int(value)
            elif kind == "bool":
                value = bool(value)
            else:
                value = str(value)
        out[key] = value
    return out


def _option_values(option: Option) -> dict[str, Any]:
    return {"option_id": option.id, "option_name": option.name, "option_colour": option.colour}


def _site_values(site: SiteMetrics) -> dict[str, Any]:
    """``SiteMetrics.to_dict()`` flattened: the nearest front point as two columns, violations joined."""
    d = site.flat_dict()
    d["violations"] = "; ".join(d["violations"])
    d["exemptions"] = "; ".join(d["exemptions"])
    d["population_covered_by_country"] = by_country(d["population_covered_by_country"])
    del d["kind"]  # "force"/"hub": the layer says it; ``kind`` is the unit kind
    d["keypath"] = site.keypath
    return d


def by_country(counts: dict[str, int] | None) -> str | None:
    """Population per country as one attribute (GIS formats have no maps): ``"UA:10994833; MD:105167"``."""
    return None if counts is None else "; ".join(f"{k}:{v}" for k, v in counts.items())


def _sidc(kind: str | None, echelon: str | None, explicit: str | None = None) -> str | None:
    if explicit:
        return explicit
    from mapper import app6

    try:
        return app6.sidc_for(kind, echelon)
    except ValueError:  # a kind milsymbol cannot draw: no code rather than a wrong one
        return None


def _feature(
    layer: str, option_id: str | None, geom: BaseGeometry | None, values: dict[str, Any]
) -> Iterator[ExportFeature]:
    """The feature of ``layer`` (none for a missing or empty geometry: a layer never holds an empty shape)."""
    if geom is not None and not geom.is_empty:
        yield ExportFeature(layer, option_id, _clean(geom), _record(layer, values))


def export_features(prepared: Prepared) -> list[ExportFeature]:
    """Every feature of every layer, in a stable order: situation first, then option by option."""
    out = list(_situation_features(prepared))
    for of in prepared.features.options:
        out.extend(_option_features(of))
    return out


def _situation_features(prepared: Prepared) -> Iterator[ExportFeature]:
    """The front line, the occupied area and the distance bands (as every output draws them)."""
    from mapper.features import band_basis
    from mapper.style import band_colour

    front = prepared.scenario.front
    yield from _feature(
        "front_line",
        None,
        front.line,
        {
            "name": front.name,
            "date": front.date,
            "source": front.source,
            "accuracy": front.accuracy,
            "accuracy_km": front.accuracy_km,
            "file": Path(front.path).name if front.path else None,
            "derived_from_polygon": front.derived_from_polygon,
        },
    )
    yield from _feature(
        "occupied_area",
        None,
        front.occupied,
        {
            "name": f"Occupied area ({front.date})",
            "date": front.date,
            "source": front.source,
            "accuracy": front.accuracy,
        },
    )
    basis = band_basis(prepared.scenario)
    for band in prepared.features.bands:
        values = {
            "basis": basis,
            "name": band.name,
            "inner_km": band.inner_km,
            "outer_km": band.outer_km,
            "label": band.label,
            "colour": band_colour(band.index),
            "front_line_date": front.date,
        }
        yield from _feature("distance_bands", None, band.geometry, values)


def _option_features(of: OptionFeatures) -> Iterator[ExportFeature]:
    """One option's layers in order: forces, hubs, lines, areas, zones, coverage rings."""
    option = of.option
    ov = _option_values(option)
    for site in of.forces:
        force = cast("Force", site.model)
        values = {
            **_site_values(site),
            **ov,
            "kind": force.kind,
            "echelon": force.echelon,
            "sidc": _sidc(force.kind, force.echelon, force.sidc),
            "description": force.description,
        }
        yield from _feature(
            "forces", option.id, Point(force.location.lon, force.location.lat), values
        )
    for site in of.hubs:
        hub = cast("Hub", site.model)
        values = {
            **_site_values(site),
            **ov,
            "sidc": _sidc("logistics", None),
            "description": hub.description,
        }
        yield from _feature("hubs", option.id, Point(hub.location.lon, hub.location.lat), values)
    for lf in of.lines:
        line = lf.line
        values = {
            **ov,
            "name": line.name,
            "kind": line.kind,
            "how": line.how,
            "length_km": round(lf.length_km, 1),
            "description": line.description,
            "keypath": line.keypath,
        }
        yield from _feature("lines", option.id, lf.geometry, values)
    for af in of.areas:
        area = af.area
        values = {
            **ov,
            "name": area.name,
            "how": area.how,
            "area_km2": round(af.area_km2),
            "description": area.description,
            "keypath": area.keypath,
        }
        yield from _feature("areas", option.id, af.geometry, values)
    for zf in of.zones:
        zone = zf.zone
        values = {
            **ov,
            "name": zone.name,
            "kind": zone.kind,
            "buffer_of": zone.buffer_of,
            "km": zone.km,
            "width_km": zone.width_km,
            "area_km2": round(zf.area_km2),
            "description": zone.description,
            "keypath": zone.keypath,
        }
        yield from _feature("zones", option.id, zf.geometry, values)
    for ring in of.rings:
        force = ring.force
        values = {
            **ov,
            "name": f"{force.name}: {force.range_km:g} km ring",
            "force": force.name,
            "range_km": force.range_km,
            "population_covered": ring.site.population_covered,
            "population_covered_by_country": by_country(ring.site.population_covered_by_country),
            "centre_lat": force.location.lat,
            "centre_lon": force.location.lon,
        }
        yield from _feature("coverage_rings", option.id, ring.geometry, values)

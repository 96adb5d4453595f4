"""GeoPackage export: one table per layer (all nine, empty ones included, so a QGIS project can rely on them),
then one per overlay of the scenario and its ``annotations`` (``export.overlays``).

Written with pyogrio/GDAL into a temporary folder beside the target and moved into place only when every layer is
written, so a failure never leaves a half-written GeoPackage (or clobbers an existing one). Each layer is written
by ``_gpkg_writer``, looked up on the package ``mapper.export`` at call time so that tests can make it fail. A
failure of GDAL (pyogrio's errors are ``RuntimeError``s, not ``OSError``s: a full disk is a ``DataSourceError``)
is an ``OutputError`` naming the target, like any ``OSError``.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from mapper.atomic import temp_prefix
from mapper.errors import OutputError
from mapper.export.features import FIELDS, LAYERS, ExportFeature, export_features
from mapper.export.overlays import ExportLayer, scenario_layers
from mapper.pipeline import check_target

if TYPE_CHECKING:  # pragma: no cover
    from mapper.pipeline import Prepared

__all__ = ["write_gpkg"]

log = logging.getLogger("mapper")

#: GeoPackage geometry type of each layer (single parts are promoted to multi where both occur).
_GPKG_TYPES = {
    "forces": "Point",
    "hubs": "Point",
    "lines": "MultiLineString",
    "areas": "MultiPolygon",
    "zones": "MultiPolygon",
    "coverage_rings": "Polygon",
    "distance_bands": "MultiPolygon",
    "front_line": "MultiLineString",
    "occupied_area": "MultiPolygon",
}


def _frame(layer: str, features: Sequence[ExportFeature]) -> Any:
    return _typed_frame(FIELDS[layer], [f for f in features if f.layer == layer])


def _layer_frame(layer: ExportLayer) -> Any:
    """An overlay's or the annotations' frame (``export.overlays``), carrying its geometry type."""
    frame = _typed_frame(layer.fields, layer.features)
    frame.attrs["mapper_geometry_type"] = layer.geometry_type
    return frame


def _typed_frame(fields: Sequence[tuple[str, str]], rows: Sequence[ExportFeature]) -> Any:
    import geopandas as gpd
    import pandas as pd

    columns: dict[str, Any] = {}
    for key, kind in fields:
        values = [f.properties[key] for f in rows]
        if kind == "int":
            columns[key] = pd.array(values, dtype="Int64")
        elif kind == "float":
            columns[key] = pd.array([np.nan if v is None else v for v in values], dtype="float64")
        elif kind == "bool":
            if any(v is None for v in values):
                columns[key] = pd.array(values, dtype="boolean")
            else:
                columns[key] = pd.array(values, dtype="bool")
        else:
            columns[key] = pd.Series(values, dtype=object)
    geoms = [f.geometry for f in rows]
    return gpd.GeoDataFrame(
        columns, geometry=gpd.GeoSeries(geoms, crs="EPSG:4326"), crs="EPSG:4326"
    )


def _gpkg_writer(path: Path, layer: str, frame: Any, description: str) -> None:
    """Write one layer into a GeoPackage (separate so tests can make it fail)."""
    import pyogrio

    # an overlay's type travels with its frame (``_layer_frame``): its features decide it
    gtype = _GPKG_TYPES.get(layer) or frame.attrs.get("mapper_geometry_type", "Unknown")
    pyogrio.write_dataframe(
        frame,
        path,
        layer=layer,
        driver="GPKG",
        geometry_type=gtype,
        promote_to_multi=gtype.startswith("Multi"),
        layer_options={"DESCRIPTION": description},
    )


def _gdal_errors() -> tuple[type[BaseException], ...]:
    """What writing a GeoPackage may raise besides ``OSError``: pyogrio's (GDAL's) errors."""
    from pyogrio import errors

    return (
        errors.DataSourceError,
        errors.DataLayerError,
        errors.FeatureError,
        errors.FieldError,
        errors.GeometryError,
    )


def write_gpkg(
    prepared: Prepared,
    output: str | os.PathLike[str],
    *,
    overwrite: bool = False,
) -> Path:
    """Write every layer (``LAYERS``, empty ones too) into one GeoPackage, atomically.

    GDAL writes into a temporary folder beside ``output``; the finished file is moved into place only when
    every layer is written, so a failure never leaves a half-written GeoPackage (or clobbers an existing one)."""
    from mapper import export as _pkg  # the writer as the package has it now (tests replace it)

    target = check_target(output, overwrite=overwrite).path
    scenario = prepared.scenario
    features = export_features(prepared)
    parent = target.parent if str(target.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmpdir = Path(tempfile.mkdtemp(prefix=temp_prefix(target), suffix=".tmp", dir=parent))
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from exc
    failures: tuple[type[BaseException], ...] = (OSError, *_gdal_errors())
    try:
        # a short name: SQLite adds "-journal" to it, which a target name near the limit could not take
        tmp = tmpdir / "out.gpkg"
        for layer in LAYERS:
            description = (
                f"{scenario.title} ({scenario.date.isoformat()}): {layer.replace('_', ' ')}"
            )
            _pkg._gpkg_writer(tmp, layer, _frame(layer, features), description)
        for own in scenario_layers(scenario):  # the user's layers, after the fixed ones
            description = f"{scenario.title} ({scenario.date.isoformat()}): {own.title}"
            _pkg._gpkg_writer(tmp, own.name, _layer_frame(own), description)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        check_target(target, overwrite=overwrite)  # appeared meanwhile?
        os.replace(tmp, target)
    except failures as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise OutputError(f"{target}: cannot write: {reason}") from exc
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    log.info("wrote %s", target)
    return target

"""Exposure in the GIS exports: plain numbers plus the line's accuracy, the nearest hostile part, the exemptions,
population per counted country, zones' total width and the bands' basis, in GeoJSON, GeoPackage and KML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.exposure import EXPOSURE

from mapper.export import export_features, to_geojson, to_kml, write_gpkg
from mapper.features import band_basis
from mapper.pipeline import prepare


@pytest.fixture(scope="module")
def expo():
    return prepare(EXPOSURE)


def _by_name(features, layer: str) -> dict[str, dict]:
    return {f.properties["name"]: f.properties for f in features if f.layer == layer}


def test_features_carry_the_new_properties(expo) -> None:
    feats = export_features(expo)
    forces = _by_name(feats, "forces")
    kyiv = forces["Kyiv HQ"]
    assert kyiv["distance_accuracy_km"] == 10.0 and kyiv["nearest_hostile"] == "Belarus"
    assert isinstance(kyiv["distance_to_front_km"], float)  # a plain number, the accuracy beside it
    mon = forces["Monitors"]
    assert mon["meets_constraints"] is True and "min_distance_from_front_km" in mon["exemptions"]
    odesa = forces["Odesa air defence"]
    counts = dict(p.split(":") for p in odesa["population_covered_by_country"].split("; "))
    assert set(counts) == {"UA", "MD"}
    assert sum(map(int, counts.values())) == odesa["population_covered"]
    ring = next(f.properties for f in feats if f.layer == "coverage_rings")
    assert ring["population_covered_by_country"] == odesa["population_covered_by_country"]
    zone = next(f.properties for f in feats if f.layer == "zones")
    assert zone["width_km"] == 15.0 and zone["km"] == 7.5
    bands = [f.properties for f in feats if f.layer == "distance_bands"]
    assert bands and {b["basis"] for b in bands} == {band_basis(expo.scenario)}
    assert "Transnistria" in bands[0]["basis"]
    front = next(f.properties for f in feats if f.layer == "front_line")
    assert front["accuracy_km"] == 10.0


def test_geojson_gpkg_and_kml_keep_them(expo, tmp_path: Path) -> None:
    import pyogrio

    doc = json.loads(to_geojson(expo))
    props = [f["properties"] for f in doc["features"] if f["properties"]["layer"] == "forces"]
    assert {p["nearest_hostile"] for p in props} >= {"Belarus", "front line"}
    out = write_gpkg(expo, tmp_path / "e.gpkg")
    forces = pyogrio.read_dataframe(out, layer="forces")
    assert list(forces["distance_accuracy_km"].unique()) == [10.0]
    assert "Belarus" in set(forces["nearest_hostile"])
    zones = pyogrio.read_dataframe(out, layer="zones")
    assert list(zones["width_km"]) == [15.0]
    kml = to_kml(expo).decode()
    assert "nearest_hostile" in kml and "Belarus" in kml and "width_km" in kml

"""``mapper frontlines``: every bundled dated line with its date, name, accuracy, occupied area and files, as a
table or JSON. The area is checked against an independent computation: the occupied polygons read straight from
the GeoJSON and measured in an equal-area projection (Lambert azimuthal equal-area centred on Ukraine), which
agrees with the ellipsoidal area to well under 0.5 % at this size."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from pyproj import Transformer

REPO = Path(__file__).resolve().parent.parent
GEODATA = REPO / "geodata"
LAEA = "+proj=laea +lat_0=48.5 +lon_0=31.5 +datum=WGS84 +units=m +no_defs"


def _expected() -> list[dict[str, Any]]:
    """Each bundled line as the files state it (date, name), with its occupied area measured independently."""
    tr = Transformer.from_crs("EPSG:4326", LAEA, always_xy=True)

    def to_laea(xy: Any) -> Any:
        return np.column_stack(tr.transform(xy[:, 0], xy[:, 1]))

    out = []
    for line in sorted(GEODATA.glob("front_line_*.geojson")):
        [feature] = json.loads(line.read_text(encoding="utf-8"))["features"]
        occ = GEODATA / ("occupied_" + line.name.removeprefix("front_line_"))
        shapes = [
            shapely.geometry.shape(f["geometry"])
            for f in json.loads(occ.read_text(encoding="utf-8"))["features"]
        ]
        area = shapely.transform(shapely.union_all(shapes), to_laea).area / 1e6
        props = feature["properties"]
        out.append(
            {
                "date": str(props["date"]),
                "name": str(props["name"]),
                "accuracy": str(props["accuracy"]),
                "km2": area,
                "files": (line.name, occ.name),
            }
        )
    return sorted(out, key=lambda x: x["date"])


def test_json_lists_every_bundled_line(run_cli: Any) -> None:
    result = run_cli("frontlines", "-f", "json")
    assert result.exit_code == 0, result
    got = json.loads(result.stdout)
    want = _expected()
    assert [g["date"] for g in got] == [w["date"] for w in want]  # oldest first
    for g, w in zip(got, want, strict=True):
        assert g["name"] == w["name"]
        assert w["accuracy"].startswith(g["accuracy"]) and g["accuracy"]
        assert (g["line_file"], g["occupied_file"]) == w["files"]
        assert g["occupied_km2"] == pytest.approx(w["km2"], rel=0.005)


def test_table_has_a_row_per_line(run_cli: Any) -> None:
    result = run_cli("frontlines")
    assert result.exit_code == 0, result
    lines = result.stdout.splitlines()
    want = _expected()
    assert lines[0].split()[:3] == ["date", "occupied", "km²"]
    assert len(lines) == len(want) + 2 and lines[-1].startswith(f"{len(want)} bundled front line")
    for row, w in zip(lines[1:-1], want, strict=True):
        assert row.startswith(w["date"]) and w["files"][0] in row
        assert (
            f"{w['km2']:,.0f}"[:3] in row
        )  # the leading digits of the area (rounding may move the last)


def test_an_unknown_format_is_a_usage_error(run_cli: Any) -> None:
    result = run_cli("frontlines", "-f", "csv")
    assert result.exit_code == 2 and "csv" in result.stderr
    from mapper.errors import UsageError
    from mapper.frontlist import frontlines_text

    with pytest.raises(UsageError, match="unknown format"):
        frontlines_text("xml")

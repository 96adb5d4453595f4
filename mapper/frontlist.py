"""What front lines are bundled: ``mapper frontlines`` lists each dated line with its name, stated accuracy,
occupied area (geodesic, on the WGS84 ellipsoid) and files, as a table or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from mapper.errors import UsageError

__all__ = ["FORMATS", "BundledLine", "describe_bundled", "frontlines_text"]

FORMATS = ("table", "json")


@dataclass(frozen=True)
class BundledLine:
    """One bundled dated line of contact, as ``mapper frontlines`` shows it."""

    date: str
    name: str
    accuracy: str  # the first clause of the stated accuracy, e.g. "approximate, +/- 10 km"
    occupied_km2: float  # geodesic area of the occupied area (0 when the line has none)
    line_file: str  # file names inside geodata/
    occupied_file: str


def describe_bundled() -> tuple[BundledLine, ...]:
    """Every bundled line (``mapper.frontline.bundled_front_lines``), oldest first, described."""
    from mapper.frontline import bundled_front_lines

    return tuple(
        BundledLine(
            date=f.date,
            name=f.name,
            accuracy=f.accuracy_note,
            occupied_km2=_area_km2(f.occupied),
            line_file=Path(f.path).name,
            occupied_file=Path(f.occupied_path).name if f.occupied_path else "",
        )
        for f in bundled_front_lines()
    )


def _area_km2(geom: object) -> float:
    if geom is None:
        return 0.0
    from pyproj import Geod

    area, _ = Geod(ellps="WGS84").geometry_area_perimeter(geom)
    return abs(area) / 1e6


def frontlines_text(fmt: str = "table") -> str:
    """The bundled lines as ``mapper frontlines`` prints them: an aligned table or JSON (a list of objects)."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    lines = describe_bundled()
    if fmt == "json":
        rows = [{**asdict(x), "occupied_km2": round(x.occupied_km2, 1)} for x in lines]
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    table = [("date", "occupied km²", "accuracy", "name", "files")] + [
        (
            x.date,
            f"{x.occupied_km2:,.0f}",
            x.accuracy,
            x.name,
            ", ".join(f for f in (x.line_file, x.occupied_file) if f),
        )
        for x in lines
    ]
    widths = [max(len(r[i]) for r in table) for i in range(4)]
    out = []
    for r in table:
        cells = [r[i].rjust(widths[i]) if i == 1 else r[i].ljust(widths[i]) for i in range(4)]
        out.append("  ".join([*cells, r[4]]))
    out.append(f"{len(lines)} bundled front line{'s' if len(lines) != 1 else ''} (geodata/)")
    return "\n".join(out) + "\n"

"""Compile the bundled, dated lines of contact in Ukraine and the occupied area each implies.

No package registry ships a front line, so this script compiles them, reproducibly, from:

* named settlements resolved through the GeoNames gazetteer (``geodata/places.csv``), each listed as a
  ``Waypoint`` with the settlement, its oblast, a note saying who held what, and an explicit, documented rule for
  where the line passes relative to it (through it; a given distance and azimuth from it, computed geodesically
  with ``pyproj.Geod.fwd``; or the midpoint between two settlements held by opposite sides) - no bare, unexplained
  coordinates;
* the Dnipro itself (``geodata/rivers.geojson``, ``name == "Dnipro"``) where the river (or, before June 2023, the
  Kakhovka reservoir it runs through) is the line of contact;
* the Russia-Ukraine border (``geodata/countries.geojson``), onto which the first vertex is snapped;
* the Natural Earth admin-1 polygons of Crimea and Sevastopol (``geodata/regions.geojson``) for 2022-02-23.

The occupied area is derived by *splitting* the Ukraine polygon (Natural Earth, Crimea included) with the line and
keeping the side of Donetsk and Simferopol, plus the pieces border pockets cut off. One module per date in
``scripts/frontlines/`` holds only its route data (``ROUTE``, ``POCKETS``, ``SEGMENTS``, ``CHECKS``, names and
sources); ``scripts/frontlines/build.py`` holds the shared machinery. Every build checks the settlements of its
date's ``CHECKS`` against its occupied area and fails on a wrong one.

Dates: 2022-02-23 (Crimea and the 2015-2022 line in Donbas), 2022-11-12 (after the liberation of Kherson),
2023-12-31, 2024-12-31 and 2025-03-27 (``front_line_2025-03.geojson``, the runtime's default). All are
approximate (+/- 2 to 15 km by segment) and for illustration only; the sources and accuracy of each are tabled in
``geodata/SOURCES.md`` ("Front-line history"). A user who needs a better or newer line supplies their own file
(see ``mapper/frontline.py``, which reads GeoJSON, GeoPackage, KML and KMZ).

Run ``python scripts/build_front_line.py [OUT_DIR]``; ``scripts/build_geodata.py`` calls ``main()`` last.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from frontlines import FRONTS
from frontlines.build import build
from frontlines.gazetteer import GEODATA


def build_all(out_dir: Path | None = None) -> list[Path]:
    """Build every dated line into ``out_dir`` (default ``geodata/``); return all written paths, oldest first."""
    out = Path(out_dir) if out_dir is not None else GEODATA
    out.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for front in FRONTS:
        paths.extend(build(front, out))
    return paths


def main(out_dir: Path | None = None) -> tuple[Path, Path]:
    """Build every dated line; return the (line, occupied) paths of the newest (the runtime's default line).

    The return value stays the pair it always was (callers unpack it); :func:`build_all` returns every path.
    """
    paths = build_all(out_dir)
    return paths[-2], paths[-1]


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)

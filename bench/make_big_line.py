"""A big but valid user front line for the benchmarks and tests: the bundled line and occupied area, densified.

``make_big_line(folder, vertices=...)`` writes ``folder/big_line.geojson``: one FeatureCollection with the bundled
line of contact (geodata/front_line_2025-03.geojson) interpolated to about ``vertices * line_share`` vertices and
the bundled occupied area (geodata/occupied_2025-03.geojson) to the rest, each new vertex moved sideways by a
seeded wiggle of up to ``wiggle_m`` metres (a traced line is never perfectly straight between settlements, so
simplification has real detail to judge). ``big_scenario(folder, line)`` writes a copy of
scenarios/dnipro_line.yaml naming that file with ``front_line:``. ``vertices_for_mb(mb)`` says how many vertices a
file of about that size holds (~22 bytes each). Usage: ``python bench/make_big_line.py OUT_FOLDER [MB]``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BYTES_PER_VERTEX = (
    21.8  # "[37.123456,47.123456]," at 6 decimals (0.1 m), measured on the written files
)


def vertices_for_mb(mb: float) -> int:
    """About how many vertices make a file of ``mb`` megabytes (10^6 bytes)."""
    return int(mb * 1e6 / BYTES_PER_VERTEX)


def _densify(coords: np.ndarray, n: int, wiggle_deg: float, rng: np.random.Generator) -> np.ndarray:
    """``coords`` (k, 2) interpolated to about ``n`` vertices evenly along its length, the original vertices kept
    and the new ones moved sideways (perpendicular to their segment) by a smooth seeded wiggle."""
    seg = np.diff(coords, axis=0)
    length = np.hypot(seg[:, 0], seg[:, 1])
    per = np.maximum(1, np.round(length / length.sum() * n).astype(int))
    out = [coords[:1]]
    for (x0, y0), (dx, dy), k, ell in zip(coords[:-1], seg, per, length, strict=True):
        t = np.arange(1, k + 1) / k
        # a wiggle that vanishes at both ends keeps the original vertices (and a closed ring closed); at most a
        # tenth of the segment's length, so that a narrow part of a ring never crosses itself
        side = (
            min(wiggle_deg, 0.1 * ell)
            * np.sin(np.pi * t)
            * np.sin(t * rng.uniform(3, 12) + rng.uniform(0, 6))
        )
        nx, ny = (-dy / ell, dx / ell) if ell else (0.0, 0.0)
        out.append(np.column_stack([x0 + t * dx + side * nx, y0 + t * dy + side * ny]))
    return np.concatenate(out)


def _ring(coords: np.ndarray) -> list[list[float]]:
    return np.round(coords, 6).tolist()


def make_big_line(
    folder: Path,
    vertices: int = 2_000_000,
    *,
    line_share: float = 0.5,
    wiggle_m: float = 300.0,
    seed: int = 1,
) -> Path:
    """Write ``folder/big_line.geojson`` (about ``vertices`` vertices in all) and return its path."""
    import shapely

    rng = np.random.default_rng(seed)
    wiggle = wiggle_m / 111_000.0
    line_fc = json.loads(
        (ROOT / "geodata" / "front_line_2025-03.geojson").read_text(encoding="utf-8")
    )
    (feature,) = line_fc["features"]
    line = shapely.geometry.shape(feature["geometry"])
    occupied = shapely.from_geojson(
        (ROOT / "geodata" / "occupied_2025-03.geojson").read_text(encoding="utf-8")
    )
    # the bundled area is several overlapping features: united first, so the MultiPolygon written is valid
    occupied = shapely.union_all(shapely.get_parts(occupied))
    polys = [g for g in shapely.get_parts(occupied) if g.geom_type == "Polygon"]
    n_line = int(vertices * line_share)
    parts = list(getattr(line, "geoms", [line]))
    total_len = sum(p.length for p in parts)
    line_coords = [
        _ring(_densify(np.asarray(p.coords), int(n_line * p.length / total_len), wiggle, rng))
        for p in parts
    ]
    rings = [r for p in polys for r in (p.exterior, *p.interiors)]
    ring_len = sum(r.length for r in rings)
    n_poly = vertices - n_line
    poly_coords = []
    for p in polys:
        for w in (
            wiggle,
            0.0,
        ):  # a wiggled ring that touches itself (a narrow spit) is written straight instead
            rings_out = [
                _ring(_densify(np.asarray(r.coords), int(n_poly * r.length / ring_len), w, rng))
                for r in (p.exterior, *p.interiors)
            ]
            if shapely.Polygon(rings_out[0], rings_out[1:]).is_valid:
                break
        poly_coords.append(rings_out)
    props = dict(feature["properties"])
    props.pop("segments", None)
    props.update(
        name="Big generated front line", date="2025-03-27", accuracy="approximate, +/- 10 km"
    )
    geometry = (
        {"type": "LineString", "coordinates": line_coords[0]}
        if len(line_coords) == 1
        else {"type": "MultiLineString", "coordinates": line_coords}
    )
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": props, "geometry": geometry},
            {
                "type": "Feature",
                "properties": {"name": "occupied area"},
                "geometry": {"type": "MultiPolygon", "coordinates": poly_coords},
            },
        ],
    }
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "big_line.geojson"
    out.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    return out


def big_scenario(folder: Path, line: Path) -> Path:
    """A copy of the Dnipro example in ``folder`` whose ``front_line:`` names ``line`` (relative to the folder)."""
    text = (ROOT / "scenarios" / "dnipro_line.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "front_line: bundled", f"front_line: {line.relative_to(folder).as_posix()}", 1
    )
    out = folder / "big_line_scenario.yaml"
    out.write_text(text, encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    folder = Path(args[0])
    mb = float(args[1]) if len(args) > 1 else 50.0
    line = make_big_line(folder, vertices_for_mb(mb))
    print(f"{line}: {line.stat().st_size / 1e6:.1f} MB; scenario {big_scenario(folder, line)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

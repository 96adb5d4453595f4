"""The bundled front-line history: one compiled line of contact and occupied area per date (issue #14).

Each date is checked against what was *reported* at the time, never against numbers this project computed: the
occupied area against the published figures (source and tolerance stated per date), named settlements (resolved
here from geodata/places.csv, independently of the build script) against their reported side, and the areas
against one another (how much changed hands between dates). The compiled files must be what the build script
produces, byte for byte.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import sys
from functools import cache
from pathlib import Path

import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Point, shape

from mapper.paths import geodata_dir

REPO = Path(__file__).resolve().parent.parent
GEOD = Geod(ellps="WGS84")
LON, LAT = (12.0, 45.0), (40.0, 58.0)  # the theatre

#: file suffix -> the date property the files must carry
DATES = {
    "2022-02-23": "2022-02-23",
    "2022-11-12": "2022-11-12",
    "2023-12-31": "2023-12-31",
    "2024-12-31": "2024-12-31",
    "2025-03": "2025-03-27",
}

#: suffix -> (reported occupied km2 incl. Crimea, relative tolerance, source of the figure)
REPORTED = {
    # Crimea + Sevastopol 26,945 km2 (Ukrainian State Statistics Service) and the occupied parts of Donetsk and
    # Luhansk oblasts ~16,800 km2 (Ukrainian government / OSCE SMM figures): ~7 % of Ukraine. The Minsk line is
    # drawn from sparse waypoints, hence the wide tolerance.
    "2022-02-23": (43_700, 0.12, "Crimea 26,945 + ORDLO ~16,800 km2"),
    # "Russia holds about 18 % of Ukraine" after the Kherson withdrawal (ISW maps, Ukrainian officials): ~108-110k
    "2022-11-12": (109_000, 0.07, "ISW / Ukrainian officials, ~18 %"),
    # Little net change in 2023 (ISW, DeepState): ~17.5 %, ~108,000 km2
    "2023-12-31": (108_000, 0.07, "ISW / DeepState, ~17.5 %"),
    # ISW / DeepState: ~112,000-113,000 km2 (~18.6 %) at the end of 2024
    "2024-12-31": (112_500, 0.06, "ISW / DeepState, ~18.6 %"),
    # ~113,000 km2 commonly reported for early 2025
    "2025-03": (113_000, 0.06, "ISW / DeepState, early 2025"),
}

# Reported side of named settlements per date: True = Russian-held (inside the occupied area), False = held by
# Ukraine; a date left out means the place was contested / on the line then. Keys: (name, oblast as in places.csv).
_ALL = tuple(DATES)
SIDES: dict[tuple[str, str], dict[str, bool]] = {
    ("Simferopol", "Crimea"): dict.fromkeys(_ALL, True),
    ("Sevastopol", "Sevastopol"): dict.fromkeys(_ALL, True),
    ("Donetsk", "Donetsk"): dict.fromkeys(_ALL, True),
    ("Luhansk", "Luhansk"): dict.fromkeys(_ALL, True),
    ("Horlivka", "Donetsk"): dict.fromkeys(_ALL, True),
    ("Debaltseve", "Donetsk"): dict.fromkeys(_ALL, True),
    # Kherson city was occupied from March to 11 November 2022: on none of these dates
    ("Kherson", "Kherson"): dict.fromkeys(_ALL, False),
    ("Kharkiv", "Kharkiv"): dict.fromkeys(_ALL, False),
    ("Zaporizhzhia", "Zaporizhzhia"): dict.fromkeys(_ALL, False),
    ("Kramatorsk", "Donetsk"): dict.fromkeys(_ALL, False),
    # occupied in 2022 (Izium March-September 2022, Kupiansk February-September 2022): free on every date here
    ("Izium", "Kharkiv"): dict.fromkeys(_ALL, False),
    ("Kupiansk", "Kharkiv"): dict.fromkeys(_ALL, False),
    ("Lyman", "Donetsk"): dict.fromkeys(_ALL, False),  # occupied May-October 2022
    ("Orikhiv", "Zaporizhzhia"): dict.fromkeys(_ALL, False),
    ("Nikopol", "Dnipropetrovsk"): dict.fromkeys(_ALL, False),
    # taken in 2022 and held since
    ("Mariupol", "Donetsk"): {"2022-02-23": False, **dict.fromkeys(_ALL[1:], True)},
    ("Melitopol", "Zaporizhzhia"): {"2022-02-23": False, **dict.fromkeys(_ALL[1:], True)},
    ("Nova Kakhovka", "Kherson"): {"2022-02-23": False, **dict.fromkeys(_ALL[1:], True)},
    ("Enerhodar", "Zaporizhzhia"): {"2022-02-23": False, **dict.fromkeys(_ALL[1:], True)},
    ("Svitlodarsk", "Donetsk"): {"2022-02-23": False, **dict.fromkeys(_ALL[1:], True)},
    ("Popasna", "Luhansk"): {"2022-02-23": False, **dict.fromkeys(_ALL[1:], True)},
    ("Sievierodonetsk", "Luhansk"): {"2022-02-23": False, **dict.fromkeys(_ALL[1:], True)},
    ("Volnovakha", "Donetsk"): {"2022-02-23": False, **dict.fromkeys(_ALL[1:], True)},
    # taken in 2023
    ("Soledar", "Donetsk"): {
        "2022-02-23": False,
        "2022-11-12": False,
        **dict.fromkeys(_ALL[2:], True),
    },
    ("Bakhmut", "Donetsk"): {
        "2022-02-23": False,
        "2022-11-12": False,
        **dict.fromkeys(_ALL[2:], True),
    },
    ("Marinka", "Donetsk"): {
        "2022-02-23": False,
        **dict.fromkeys(_ALL[2:], True),
    },  # contested Nov 2022
    # taken in 2024
    ("Avdiivka", "Donetsk"): {**dict.fromkeys(_ALL[:3], False), **dict.fromkeys(_ALL[3:], True)},
    ("Vuhledar", "Donetsk"): {**dict.fromkeys(_ALL[:3], False), **dict.fromkeys(_ALL[3:], True)},
    ("Selydove", "Donetsk"): {**dict.fromkeys(_ALL[:3], False), **dict.fromkeys(_ALL[3:], True)},
    ("Ocheretyne", "Donetsk"): {**dict.fromkeys(_ALL[:3], False), **dict.fromkeys(_ALL[3:], True)},
    ("Hlyboke", "Kharkiv"): {**dict.fromkeys(_ALL[:3], False), **dict.fromkeys(_ALL[3:], True)},
    # taken in January 2025
    ("Velyka Novosilka", "Donetsk"): {**dict.fromkeys(_ALL[:4], False), "2025-03": True},
    # retaken by Ukraine in the 2023 counter-offensive (on the line, grey zone, in 2024-2025)
    ("Robotyne", "Zaporizhzhia"): {"2022-02-23": False, "2022-11-12": True, "2023-12-31": False},
    ("Klishchiivka", "Donetsk"): {"2022-02-23": False, "2022-11-12": False, "2023-12-31": False},
    # still Ukrainian at the end of 2024
    ("Pokrovsk", "Donetsk"): dict.fromkeys(_ALL, False),
    ("Siversk", "Donetsk"): dict.fromkeys(_ALL, False),
    ("Huliaipole", "Zaporizhzhia"): dict.fromkeys(_ALL, False),
    # the Sumy-oblast incursion of March 2025 only
    ("Novenke", "Sumy"): {**dict.fromkeys(_ALL[:4], False), "2025-03": True},
}


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["features"][0]


@cache
def _files(suffix: str) -> tuple[dict, dict]:
    gd = geodata_dir()
    return _read(gd / f"front_line_{suffix}.geojson"), _read(gd / f"occupied_{suffix}.geojson")


@cache
def _occupied(suffix: str) -> shapely.Geometry:
    return shape(_files(suffix)[1]["geometry"])


def _km2(geom: shapely.Geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


@cache
def _gazetteer() -> dict[tuple[str, str], Point]:
    """(name, oblast) -> the most populous Ukrainian place of that name (or alternate name) in the oblast."""
    best: dict[tuple[str, str], tuple[int, Point]] = {}
    with (geodata_dir() / "places.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["country"] != "UA":
                continue
            pop = int(float(row["population"] or 0))
            for name in {row["name"], *filter(None, row["alt_names"].split("|"))}:
                key = (name, row["oblast"])
                if key not in best or pop > best[key][0]:
                    best[key] = (pop, Point(float(row["lon"]), float(row["lat"])))
    return {k: v[1] for k, v in best.items()}


def _place(name: str, oblast: str) -> Point:
    pt = _gazetteer().get((name, oblast))
    assert pt is not None, f"{name} ({oblast}) not in places.csv"
    return pt


def test_every_bundled_line_has_its_occupied_area_and_is_listed_here() -> None:
    gd = geodata_dir()
    lines = {
        p.name.removeprefix("front_line_").removesuffix(".geojson")
        for p in gd.glob("front_line_*.geojson")
    }
    occs = {
        p.name.removeprefix("occupied_").removesuffix(".geojson")
        for p in gd.glob("occupied_*.geojson")
    }
    assert lines == occs == set(DATES)


@pytest.mark.parametrize("suffix", DATES)
def test_files_parse_in_theatre_with_their_date(suffix: str) -> None:
    line, occ = _files(suffix)
    for feat in (line, occ):
        assert feat["properties"]["date"] == DATES[suffix]
        assert DATES[suffix].startswith(suffix)
        assert re.match(r"approximate, \+/- \d+ km;", feat["properties"]["accuracy"])
        assert feat["properties"]["name"] and feat["properties"]["source"]
    geom = shape(line["geometry"])
    assert (
        geom.geom_type in {"LineString", "MultiLineString"} and geom.is_valid and not geom.is_empty
    )
    x0, y0, x1, y1 = geom.bounds
    assert LON[0] <= x0 < x1 <= LON[1] and LAT[0] <= y0 < y1 <= LAT[1]
    area = _occupied(suffix)
    assert area.geom_type == "MultiPolygon" and area.is_valid
    # the short accuracy is the worst segment's figure
    worst = max(float(km) for km in re.findall(r"\+/- ([\d.]+) km", line["properties"]["segments"]))
    short = float(re.match(r"approximate, \+/- (\d+) km", line["properties"]["accuracy"]).group(1))
    assert short == worst and 2 <= worst <= 15


@pytest.mark.parametrize("suffix", DATES)
def test_occupied_area_matches_the_reported_figure(suffix: str) -> None:
    reported, tolerance, _source = REPORTED[suffix]
    assert _km2(_occupied(suffix)) == pytest.approx(reported, rel=tolerance)


@pytest.mark.parametrize("suffix", DATES)
def test_occupied_area_within_ukraine(suffix: str) -> None:
    feats = json.loads((geodata_dir() / "countries.geojson").read_text(encoding="utf-8"))[
        "features"
    ]
    ukr = next(shape(f["geometry"]) for f in feats if f["properties"]["iso3"] == "UKR")
    assert _km2(_occupied(suffix).difference(ukr)) < 1.0


def test_crimea_before_the_invasion_is_the_natural_earth_region() -> None:
    """2022-02-23: Crimea + Sevastopol as reported (26,945 km2, +/- 5 % for Natural Earth's outline), and the
    line's first part runs along their boundary with Kherson oblast."""
    occ = _occupied("2022-02-23")
    crimea = next(g for g in occ.geoms if g.contains(_place("Simferopol", "Crimea")))
    assert _km2(crimea) == pytest.approx(26_945, rel=0.05)
    feats = json.loads((geodata_dir() / "regions.geojson").read_text(encoding="utf-8"))["features"]
    kherson = next(
        shape(f["geometry"])
        for f in feats
        if f["properties"]["name"] == "Kherson" and f["properties"]["country"] == "UKR"
    )
    line = shape(_files("2022-02-23")[0]["geometry"])
    assert line.geom_type == "MultiLineString" and len(line.geoms) == 2
    parts = sorted(line.geoms, key=lambda g: g.centroid.y)
    assert (
        max(kherson.boundary.distance(Point(c)) for c in parts[0].coords) < 0.01
    )  # on Kherson's edge
    assert (
        parts[1].intersects(occ.buffer(0.05)) and parts[1].bounds[2] > 39.5
    )  # Donbas, to the Russian border


@pytest.mark.parametrize("suffix", DATES)
def test_named_settlements_on_their_reported_side(suffix: str) -> None:
    occ = _occupied(suffix)
    wrong, checked = [], 0
    for (name, oblast), sides in SIDES.items():
        if suffix not in sides:
            continue
        checked += 1
        if occ.contains(_place(name, oblast)) != sides[suffix]:
            wrong.append(f"{name} ({oblast}) should {'' if sides[suffix] else 'not '}be occupied")
    assert checked >= 8 and not wrong, wrong


def test_areas_change_plausibly_between_dates() -> None:
    """Reported changes: the 2022 invasion more than doubled the occupied area (~43.7k -> ~109k km2); 2023 saw
    little net change (ISW: Russian net gain ~500 km2); Russia gained ~3,600-4,200 km2 in 2024 (ISW / DeepState)
    - here 2,000-6,000 km2 for the sparse waypoints; and a few hundred km2 in early 2025."""
    a = {s: _km2(_occupied(s)) for s in DATES}
    assert a["2022-11-12"] > 2 * a["2022-02-23"]
    assert abs(a["2023-12-31"] - a["2022-11-12"]) < 0.03 * a["2022-11-12"]
    assert a["2023-12-31"] < a["2024-12-31"] < a["2025-03"]
    assert 2_000 < a["2024-12-31"] - a["2023-12-31"] < 6_000
    assert a["2025-03"] - a["2024-12-31"] < 0.03 * a["2024-12-31"]


def test_build_reproduces_every_committed_file(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "build_front_line", REPO / "scripts" / "build_front_line.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_front_line", module)
    spec.loader.exec_module(module)
    built = module.build_all(tmp_path)
    assert {p.name for p in built} == {
        f"{kind}_{suffix}.geojson" for kind in ("front_line", "occupied") for suffix in DATES
    }
    for path in built:
        assert path.read_bytes() == (geodata_dir() / path.name).read_bytes(), path.name


@pytest.mark.parametrize("suffix", DATES)
def test_sources_md_tables_every_segment(suffix: str) -> None:
    text = (REPO / "geodata" / "SOURCES.md").read_text(encoding="utf-8")
    history = text[text.index("## Front-line history") :]
    for seg in _files(suffix)[0]["properties"]["segments"].split("; "):
        m = re.fullmatch(r"(.+) to (.+): (.+), \+/- (\d+(?:\.\d+)?) km", seg)
        assert m, seg
        if (
            suffix != "2025-03"
        ):  # the 2025 segments are tabled in their own section (tests/test_frontline.py)
            assert (
                f"| {m.group(1)} | {m.group(2)} | {m.group(3)} | ± {m.group(4)} km |" in history
            ), seg
    assert f"`front_line_{suffix}.geojson`" in history

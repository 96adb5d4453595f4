"""Access to the curated layers in ``geodata/`` and the gazetteer.

The layers (built by ``scripts/build_geodata.py``, provenance in ``geodata/SOURCES.md``) are read once per process
and cached: ``countries()``, ``regions()``, ``rivers()``, ``lakes()`` give GeoDataFrames in EPSG:4326 (lon/lat),
``places()`` a pandas DataFrame. Lookups by name return small frozen records:

* ``country("Poland" | "POL" | "PL")`` -> :class:`Country`; ``ukraine()``, ``nato_members()``,
  ``hostile_countries()``;
* ``region("Dnipropetrovs'k oblast", country=None)`` -> :class:`Region`;
* ``river("Dnieper")`` -> :class:`River` (the Dnipro is one LineString);
* ``gazetteer().resolve("Lyman", oblast="Donetsk")`` -> :class:`Place`.

Name matching ignores case, diacritics, apostrophes (' ’ ʼ `) and hyphens, and accepts current official and older
or GeoNames spellings (Kupiansk/Kupyansk, Kyiv/Kiev, Zaporizhzhia/Zaporizhzhya). Names are matched in three tiers:
a place's own name, then its alternate names, then a looser key in which y, i and j are one letter; the first tier
with a match decides the candidates.

Ambiguity rules (``Gazetteer.resolve``; ``geodata/SOURCES.md`` has the reasoning): of several matches one wins
(1) if it has ``DOMINANCE`` (10) times the population of every other and ``DOMINANT_MIN_POP`` (10,000) people, and
no other lies in a front-line oblast (``FRONT_OBLASTS``) while it does not ("Kyiv", "Mykolaiv", "Huliaipole"); or
(2) if it is the only one named in front-line reporting (``places.csv`` column ``front``), has fewer than
``SMALL_POP`` (10,000) people and every other fewer than ``NAMESAKE_TOWN_POP`` (5,000) ("Hlyboke" is the Kharkiv
village by the border, not the one in Odesa oblast). Otherwise the name must be qualified with an oblast or a
country: "Lyman", "Vasylivka", "Borova" (namesakes of similar size), "Kamianske" (a city of 227,000 in
Dnipropetrovsk oblast and a front-line village in Zaporizhzhia oblast). No country is preferred. Resolution never
guesses a spelling: a name that matches nothing is an error with close spellings offered as suggestions.

Readers (``mapper.layerfiles``): the countries, regions and places come from their prepared products
(``mapper.prepared``: the same columns, geometries as WKB) when current; otherwise GeoJSON is parsed with ``json``
plus one ``shapely.from_geojson`` call per file (measured faster than pyogrio for these small files, and free of
GDAL start-up) and ``places.csv`` with the ``csv`` module.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapper.errors import GeodataError, PlaceError
from mapper.paths import geodata_dir

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry.base import BaseGeometry

LAYER_FILES = {
    "countries": "countries.geojson",
    "regions": "regions.geojson",
    "rivers": "rivers.geojson",
    "lakes": "lakes.geojson",
    "places": "places.csv",
}
REQUIRED_COLUMNS = {
    "countries": ("iso3", "iso2", "name", "alt_names", "nato"),
    "regions": ("name", "alt_names", "country"),
    "rivers": ("name", "alt_names"),
    "lakes": ("name", "alt_names"),
    "places": ("geonameid", "name", "alt_names", "country", "oblast", "population", "lat", "lon"),
}
HOSTILE = ("RUS", "BLR")
DOMINANCE = 10.0
DOMINANT_MIN_POP = 10_000
#: below this a place is "small": the front-zone preference applies, and the loader warns
SMALL_POP = 10_000
#: a namesake this large is a town in its own right: no front-zone preference over it
NAMESAKE_TOWN_POP = 5_000
FRONT_OBLASTS = frozenset({"Donetsk", "Luhansk", "Zaporizhzhia", "Kherson", "Kharkiv"})
_SUFFIXES = re.compile(
    r"\s+(oblast|oblast city|region|province|county|voivodeship|raion|district)$"
)

# Name keys ------------------------------------------------------------------------------------------------------

_APOSTROPHES = "'’ʼ`‘ʹ′\"“”″"
_SEPARATORS = "-‐‑–—_.,/"
_LATIN_EXTRA = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "Đ": "D", "ı": "i"}
)


class _KeyTable(dict):
    """``str.translate`` table for matching keys, filled one character at a time as characters are met:
    apostrophes vanish, separators become spaces, letters lose their diacritics (NFKD, combining marks dropped).
    Building the gazetteer normalises ~34,000 names, so this is ~5x faster than regex and NFKD per name."""

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        if ch in _APOSTROPHES:
            out: str | None = None
        elif ch in _SEPARATORS or ch.isspace():
            out = " "
        elif code < 128:
            out = ch
        else:
            decomposed = unicodedata.normalize("NFKD", ch.translate(_LATIN_EXTRA))
            out = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
        self[code] = out
        return out


_KEYS = _KeyTable()


def norm(text: str) -> str:
    """Matching key: lower case, no diacritics or apostrophes, hyphens/dots/runs of spaces as one space."""
    return " ".join(str(text).lower().translate(_KEYS).split())


_I_RUN = re.compile("i+")
_YJ = str.maketrans("yj", "ii")


def _fold_key(key: str) -> str:
    return _I_RUN.sub("i", key.translate(_YJ))


def fold(text: str) -> str:
    """Looser key for romanisation variants: y, j and i are one letter (Kupyansk = Kupiansk = Kupjansk)."""
    return _fold_key(norm(text))


def _strip_suffix(key: str) -> str:
    return _SUFFIXES.sub("", key)


# Layers ---------------------------------------------------------------------------------------------------------


def layer_path(layer: str) -> Path:
    """Path of a layer's file in the geodata folder (``MAPPER_GEODATA`` or the repository's ``geodata/``)."""
    return geodata_dir() / LAYER_FILES[layer]


def _missing(path: Path, why: str) -> GeodataError:
    return GeodataError(
        f"{path}: {why}; run `make geodata` to rebuild the curated geodata "
        "(or set MAPPER_GEODATA to a folder that has it)"
    )


@dataclass(frozen=True, eq=False)
class Table:
    """A layer as plain columns and a geometry array: how the library reads geodata itself.

    Importing pandas and geopandas costs about 0.3 s, a sixth of a whole ``mapper render``, so the lookups, the
    analysis and the map read layers through ``table()``; the GeoDataFrame/DataFrame functions wrap the same data.
    """

    layer: str
    columns: dict[str, list[Any]]
    geometry: Any = None  # numpy array of shapely geometries, or None for places

    def __len__(self) -> int:
        return len(next(iter(self.columns.values())))

    def rows(self) -> list[Any]:
        """One named tuple per feature, with the columns (and ``geometry``) as attributes."""
        from collections import namedtuple

        fields = [*self.columns, *(["geometry"] if self.geometry is not None else [])]
        row = namedtuple(f"{self.layer.title()}Row", fields)  # type: ignore[misc]
        cols = [
            *self.columns.values(),
            *([list(self.geometry)] if self.geometry is not None else []),
        ]
        return [row(*values) for values in zip(*cols, strict=True)]


@lru_cache(maxsize=8)
def table(layer: str) -> Table:
    """The layer ``countries``, ``regions``, ``rivers``, ``lakes`` or ``places`` as a :class:`Table` (cached; read
    by ``mapper.layerfiles``: from its prepared product when current, else from the file)."""
    from mapper import layerfiles

    return layerfiles.read(layer)


def _frame(layer: str) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import pandas as pd

    t = table(layer)
    props = pd.DataFrame(t.columns)
    return gpd.GeoDataFrame(props, geometry=list(t.geometry), crs="EPSG:4326")


@lru_cache(maxsize=1)
def countries() -> gpd.GeoDataFrame:
    """Admin-0 polygons in the theatre (Natural Earth, German point of view: Crimea is in Ukraine)."""
    gdf = _frame("countries")
    gdf["nato"] = gdf["nato"].astype(bool)
    return gdf


@lru_cache(maxsize=1)
def regions() -> gpd.GeoDataFrame:
    """First-level regions (oblasts) of Ukraine and its neighbours; ``country`` is ISO-3."""
    return _frame("regions")


@lru_cache(maxsize=1)
def rivers() -> gpd.GeoDataFrame:
    """River lines; the rivers the tool needs are named (``name``), the rest have ``name`` None."""
    return _frame("rivers")


@lru_cache(maxsize=1)
def lakes() -> gpd.GeoDataFrame:
    """Lakes and reservoirs (Kakhovka drawn as before June 2023)."""
    return _frame("lakes")


@lru_cache(maxsize=1)
def places() -> pd.DataFrame:
    """The gazetteer table: one row per place (see ``geodata/SOURCES.md`` for the columns)."""
    import pandas as pd

    df = pd.DataFrame(table("places").columns)
    df["population"] = df["population"].astype("int64")
    df["geonameid"] = df["geonameid"].astype("Int64")
    return df


def clear_caches() -> None:
    """Forget every cached layer, and the prepared products read (after changing ``MAPPER_GEODATA``, in tests)."""
    from mapper import prepared

    for fn in (table, countries, regions, rivers, lakes, places, gazetteer, _country_index, _region_index,
               _river_index, prepared._entries, prepared._inputs_key):  # fmt: skip
        fn.cache_clear()


# Records and lookups --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Country:
    iso3: str
    iso2: str
    name: str
    nato: bool
    geometry: BaseGeometry = field(repr=False, compare=False)


@dataclass(frozen=True)
class Region:
    name: str
    country: str  # ISO-3
    geometry: BaseGeometry = field(repr=False, compare=False)


@dataclass(frozen=True)
class River:
    name: str
    geometry: BaseGeometry = field(repr=False, compare=False)
    alt_names: tuple[str, ...] = ()


def _alts(value: Any) -> list[str]:
    return [a for a in str(value or "").split("|") if a]


def _suggest(word: str, names: Iterable[str], n: int = 5) -> list[str]:
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(norm(name), name)
    return [by_key[k] for k in difflib.get_close_matches(norm(word), list(by_key), n=n, cutoff=0.6)]


@lru_cache(maxsize=1)
def _country_index() -> tuple[dict[str, Country], dict[str, str]]:
    records: dict[str, Country] = {}
    keys: dict[str, str] = {}
    for r in table("countries").rows():
        records[r.iso3] = Country(r.iso3, r.iso2, r.name, bool(r.nato), r.geometry)
        for key in (r.iso3, r.iso2, r.name, *_alts(r.alt_names)):
            keys.setdefault(norm(key), r.iso3)
    return records, keys


def country(name_or_iso: str) -> Country:
    """A country by ISO-3, ISO-2 or name (case-insensitive): ``country("PL")``, ``country("poland")``."""
    records, keys = _country_index()
    iso3 = keys.get(norm(name_or_iso))
    if iso3 is None:
        close = _suggest(name_or_iso, [c.name for c in records.values()])
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise PlaceError(f"unknown country {name_or_iso!r}{hint}", candidates=close)
    return records[iso3]


_country_record = country  # for functions whose ``country`` parameter shadows it


def ukraine() -> BaseGeometry:
    """Ukraine's polygon (with Crimea and Sevastopol); equal to the union of its 27 regions."""
    return country("UKR").geometry


def nato_members() -> list[Country]:
    """NATO members present in the countries layer (membership as of 2025-03-27), sorted by ISO-3."""
    return sorted((c for c in _country_index()[0].values() if c.nato), key=lambda c: c.iso3)


@lru_cache(maxsize=1)
def nato_territory() -> Any:
    """NATO members' land in the theatre as one geometry (``shapely.union_all`` of ``nato_members``; prepared at
    build time, ``mapper.prepared``, else united here, ~0.15 s)."""
    import shapely

    from mapper import prepared

    found = prepared.lookup("geometry", "nato", prepared.geometry_from_text)
    return shapely.union_all([c.geometry for c in nato_members()]) if found is None else found


def hostile_countries() -> list[Country]:
    """Russia and Belarus."""
    return [country(iso) for iso in HOSTILE]


@lru_cache(maxsize=1)
def _region_index() -> tuple[list[Region], list[dict[str, list[int]]]]:
    recs: list[Region] = []
    primary: dict[str, list[int]] = {}
    alt: dict[str, list[int]] = {}
    loose: dict[str, list[int]] = {}
    for i, r in enumerate(table("regions").rows()):
        recs.append(Region(r.name, r.country, r.geometry))
        primary.setdefault(norm(r.name), []).append(i)
        for a in _alts(r.alt_names):
            alt.setdefault(_strip_suffix(norm(a)), []).append(i)
        for a in (r.name, *_alts(r.alt_names)):
            loose.setdefault(fold(_strip_suffix(norm(a))), []).append(i)
    return recs, [primary, alt, loose]


def _region_matches(name: str, country_iso3: str | None = None) -> list[Region]:
    recs, tiers = _region_index()
    key = norm(name)
    for tier, k in zip(tiers, (key, _strip_suffix(key), fold(_strip_suffix(key))), strict=True):
        for kk in dict.fromkeys((k, _strip_suffix(k)) if tier is tiers[0] else (k,)):
            hits = [recs[i] for i in dict.fromkeys(tier.get(kk, []))]
            if country_iso3:
                hits = [h for h in hits if h.country == country_iso3]
            if hits:
                return hits
    return []


def region(name: str, country: str | None = None) -> Region:
    """A first-level region by official or alternate name; " oblast"/" region" suffixes are ignored.

    ``country`` (ISO-3, ISO-2 or name) narrows the search; without it a name found in several countries is an
    error listing them.
    """
    iso3 = _country_record(country).iso3 if country else None
    hits = _region_matches(name, iso3)
    if len(hits) == 1:
        return hits[0]
    if hits:
        listed = ", ".join(f"{h.name} ({h.country})" for h in hits)
        raise PlaceError(
            f"region {name!r} is ambiguous: {listed}; give the country", candidates=hits
        )
    pool: dict[str, str] = {}  # normalised name or alternate -> official name
    for r in table("regions").rows():
        if iso3 is None or r.country == iso3:
            for k in (r.name, *_alts(r.alt_names)):
                pool.setdefault(_strip_suffix(norm(k)), r.name)
    keys = difflib.get_close_matches(_strip_suffix(norm(name)), list(pool), n=10, cutoff=0.6)
    close = list(dict.fromkeys(pool[k] for k in keys))[:5]
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    where = f" in {iso3}" if iso3 else ""
    raise PlaceError(f"unknown region {name!r}{where}{hint}", candidates=close)


@lru_cache(maxsize=1)
def _river_index() -> tuple[dict[str, River], dict[str, str]]:
    recs: dict[str, River] = {}
    keys: dict[str, str] = {}
    for r in (r for r in table("rivers").rows() if r.name):
        recs[r.name] = River(r.name, r.geometry, tuple(_alts(r.alt_names)))
        for k in (r.name, *_alts(r.alt_names)):
            keys.setdefault(norm(k), r.name)
            keys.setdefault(fold(k), r.name)
    return recs, keys


def river(name: str) -> River:
    """A named river (``"Dnipro"``, ``"Dnieper"``, ``"Southern Bug"``, ``"the Oskil river"``)."""
    recs, keys = _river_index()
    key = re.sub(r"^the\s+|\s+river$|^river\s+", "", norm(name))
    hit = keys.get(key) or keys.get(fold(key))
    if hit is None:
        raise PlaceError(
            f"unknown river {name!r}; known rivers: {', '.join(sorted(recs))}",
            candidates=sorted(recs),
        )
    return recs[hit]


# Gazetteer ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    name: str
    lat: float
    lon: float
    country: str  # ISO-2
    oblast: str  # the region name used in regions.geojson ("" when unknown)
    population: int
    geonameid: int | None
    front: bool = False  # named in front-line reporting (places.csv column ``front``)

    def describe(self) -> str:
        """One line: ``Lyman (Donetsk, UA) pop. 20,066 48.99012N 37.80843E``."""
        where = f"{self.oblast}, {self.country}" if self.oblast else self.country
        ns = "N" if self.lat >= 0 else "S"
        ew = "E" if self.lon >= 0 else "W"
        return (
            f"{self.name} ({where}) pop. {self.population:,} "
            f"{abs(self.lat):.5f}{ns} {abs(self.lon):.5f}{ew}"
        )


class Gazetteer:
    """Place-name resolution over ``places.csv`` with indexes of normalised names built once."""

    def __init__(self, rows: Iterable[Any]) -> None:
        self.places: list[Place] = []
        self._primary: dict[str, list[int]] = {}
        self._alt_names: list[str] = []
        for i, r in enumerate(rows):
            gid = None if str(r.geonameid) in ("", "<NA>", "None") else int(r.geonameid)
            lat, lon, pop, front = (
                float(r.lat),
                float(r.lon),
                int(r.population),
                getattr(r, "front", 0),
            )
            self.places.append(Place(r.name, lat, lon, r.country, r.oblast, pop, gid, bool(front)))
            self._primary.setdefault(norm(r.name), []).append(i)
            self._alt_names.append(r.alt_names or "")
        for k, v in self._primary.items():
            self._primary[k] = list(dict.fromkeys(v))

    @classmethod
    def of_table(cls, table: Table) -> Gazetteer:
        """The gazetteer of a places :class:`Table` (typed as ``table("places")`` reads it): the same as
        ``Gazetteer(table.rows())``, without a row object and five conversions per place (~3x faster)."""
        c = table.columns
        fields = (c["name"], c["lat"], c["lon"], c["country"], c["oblast"], c["population"])
        gaz = cls(())
        gaz.places = list(map(Place, *fields, c["geonameid"], c["front"]))
        gaz._alt_names = [a or "" for a in c["alt_names"]]
        for i, name in enumerate(c["name"]):
            gaz._primary.setdefault(norm(name), []).append(i)
        return gaz

    @functools.cached_property
    def _secondary(self) -> tuple[dict[str, list[int]], dict[str, list[int]], dict[str, str]]:
        """The alternate-name and loose (y/i/j) indexes and the suggestion names: four times the work of the
        primary index, and needed only when a name is not found under its own spelling, so built on demand."""
        alt: dict[str, list[int]] = {}
        loose: dict[str, list[int]] = {}
        names: dict[str, str] = {}  # normalised key -> a display name, for suggestions
        for i, (place, alts) in enumerate(zip(self.places, self._alt_names, strict=True)):
            key = norm(place.name)
            loose.setdefault(_fold_key(key), []).append(i)
            names.setdefault(key, place.name)
            for a in alts.split("|") if alts else ():
                k = norm(a)
                if k != key:
                    alt.setdefault(k, []).append(i)
                    names.setdefault(k, a)
                loose.setdefault(_fold_key(k), []).append(i)
        for index in (alt, loose):
            for k, v in index.items():
                index[k] = list(dict.fromkeys(v))
        return alt, loose, names

    @property
    def _alt(self) -> dict[str, list[int]]:
        return self._secondary[0]

    @property
    def _loose(self) -> dict[str, list[int]]:
        return self._secondary[1]

    @property
    def _names(self) -> dict[str, str]:
        return self._secondary[2]

    # -- qualifiers -------------------------------------------------------------------------------------------

    @staticmethod
    def _oblast(text: str) -> str | None:
        hits = _region_matches(text)
        return hits[0].name if hits else None

    @staticmethod
    def _country(text: str) -> str | None:
        try:
            return country(text).iso2
        except PlaceError:
            return None

    def _split(
        self, name: str, oblast: str | None, country_: str | None
    ) -> tuple[str, str | None, str | None]:
        """Accept "Name, Oblast" / "Name, Country" / "Name, Oblast, Country" strings."""
        parts = [p.strip() for p in str(name).split(",")]
        name = parts[0]
        for q in parts[1:]:
            if not q:
                continue
            if oblast is None and (ob := self._oblast(q)) is not None:
                oblast = ob
            elif country_ is None and self._country(q) is not None:
                country_ = q
            else:
                raise PlaceError(
                    f"{q!r} in {', '.join(parts)!r} is neither a known oblast nor a country"
                )
        return name, oblast, country_

    def _filter(self, ids: list[int], oblast: str | None, cc: str | None) -> list[int]:
        out = ids
        if cc:
            out = [i for i in out if self.places[i].country == cc]
        if oblast:
            ob = self._oblast(oblast)
            want = norm(ob or oblast)
            out = [i for i in out if norm(self.places[i].oblast) == want]
        return out

    def _tiers(self, name: str) -> Iterator[list[int]]:
        """The matches by own name, by alternate name, by loose key: lazily, since the secondary indexes are
        built only if the name's own spelling finds nothing."""
        key = norm(name)
        yield self._primary.get(key, [])
        yield self._alt.get(key, [])
        yield self._loose.get(fold(key), [])

    def _matches(self, name: str, oblast: str | None, cc: str | None) -> list[int]:
        """The first tier with a match decides the candidates."""
        return next(
            (hits for ids in self._tiers(name) if (hits := self._filter(ids, oblast, cc))), []
        )

    def suggestions(self, name: str, n: int = 5) -> list[str]:
        """Up to ``n`` known names closest to ``name`` (difflib on normalised names)."""
        keys = difflib.get_close_matches(norm(name), list(self._names), n=n, cutoff=0.6)
        return [self._names[k] for k in keys]

    # -- public -----------------------------------------------------------------------------------------------

    def resolve(self, name: str, oblast: str | None = None, country: str | None = None) -> Place:
        """The one place meant by ``name`` (optionally qualified); PlaceError if unknown or ambiguous."""
        name, oblast, country = self._split(name, oblast, country)
        cc = None
        if country:
            cc = self._country(country)
            if cc is None:
                raise PlaceError(f"unknown country {country!r} for place {name!r}")
        if oblast and self._oblast(oblast) is None:
            raise PlaceError(f"unknown oblast {oblast!r} for place {name!r}")
        ids = self._matches(name, oblast, cc)
        if not ids:
            elsewhere = self._matches(name, None, None) if (oblast or cc) else []
            if elsewhere:
                found = "; ".join(self.places[i].describe() for i in elsewhere[:5])
                raise PlaceError(
                    f"no place {name!r} in {oblast or country}; found elsewhere: {found}",
                    candidates=[self.places[i] for i in elsewhere],
                )
            close = self.suggestions(name)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise PlaceError(f"unknown place {name!r}{hint}", candidates=close)
        if len(ids) == 1:
            return self.places[ids[0]]
        cands = sorted((self.places[i] for i in ids), key=_by_population)
        if (chosen := _chosen(cands)) is not None:
            return chosen
        listed = "\n".join(f"  {p.describe()}" for p in cands[:10])
        more = f"\n  ... and {len(cands) - 10} more" if len(cands) > 10 else ""
        example = next((p for p in cands if p.oblast), cands[0])
        qual = f"oblast: {example.oblast}" if example.oblast else f"country: {example.country}"
        raise PlaceError(
            f"place {name!r} is ambiguous: {len(cands)} places match:\n{listed}{more}\n"
            f"Qualify it, e.g. `at: {{place: {example.name}, {qual}}}` or '{example.name}, "
            f"{example.oblast or example.country}'.",
            candidates=cands,
        )

    def _exact(self, query: str) -> tuple[str, list[Place]]:
        """``query``'s bare name, and the places whose own name, then alternate name, then loose key it is: tier by
        tier, each most populous first (Sloviansk before a place that merely has it as an alternate)."""
        name, oblast, country = self._split(query, None, None)
        cc = self._country(country) if country else None
        found: list[Place] = []
        for ids in self._tiers(name):
            tier = [self.places[i] for i in self._filter(ids, oblast, cc)]
            found += sorted((p for p in tier if p not in found), key=_by_population)
        return name, found

    def matches(self, query: str, limit: int = 10) -> list[Place]:
        """The places named ``query`` ("Name", "Name, Oblast", "Name, Country"), exact matches only, own names
        first; PlaceError "no exact match" if none (close spellings as suggestions, never as matches) or empty."""
        if not str(query).strip():
            raise PlaceError("empty place name")
        name, found = self._exact(query)
        if found:
            return found[:limit]
        close = self.suggestions(name)
        hint = f"; suggestions (close spellings, not matches): {', '.join(close)}" if close else ""
        raise PlaceError(f"no exact match for {str(query).strip()!r}{hint}", candidates=close)

    def candidates(self, query: str, limit: int = 10) -> list[Place]:
        """Places that ``query`` could mean, most populous first: its exact matches (all tiers), or else the
        places of close spellings. For a list a user reads, :meth:`matches`."""
        name, found = self._exact(query)
        if not found:
            qual = query.partition(",")[2]
            found = [p for c in self.suggestions(name) for p in self._exact(f"{c},{qual}")[1]]
        return sorted(set(found), key=_by_population)[:limit]


def _by_population(p: Place) -> tuple[int, str, str]:
    return (-p.population, p.name, p.oblast)


def _chosen(cands: list[Place]) -> Place | None:
    """The place that wins among ``cands`` (most populous first) by the ambiguity rules, or None."""
    top, rest = cands[0], cands[1:]
    if (  # rule 1: dominance
        top.population >= DOMINANT_MIN_POP
        and all(top.population >= DOMINANCE * p.population for p in rest)
        and (top.oblast in FRONT_OBLASTS or not any(p.oblast in FRONT_OBLASTS for p in rest))
    ):
        return top
    front = [
        p for p in cands if p.front
    ]  # rule 2: the one small front-zone place among small namesakes
    small = all(p.population < NAMESAKE_TOWN_POP for p in cands if p not in front)
    return front[0] if len(front) == 1 and front[0].population < SMALL_POP and small else None


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer over ``geodata/places.csv`` (built once per process)."""
    return Gazetteer.of_table(table("places"))

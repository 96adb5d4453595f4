"""Tests of the curated geodata layers and of mapper.geodata (lookups, gazetteer).

Distances are geodesic (pyproj.Geod on WGS84). The slow test rebuilds geodata/ from the pinned sources into a
temporary folder and compares bytes with the committed files.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Point
from support.cli import run_command

from mapper import geodata
from mapper.errors import GeodataError, PlaceError

GEOD = Geod(ellps="WGS84")
REPO = Path(__file__).resolve().parent.parent


def geodesic_km_to_line(line, lon: float, lat: float) -> float:
    """Shortest geodesic distance from a point to a line, densified to ~100 m (exact enough for 5 km checks)."""
    coords = shapely.get_coordinates(shapely.segmentize(line, 0.001))
    n = len(coords)
    _, _, d = GEOD.inv(np.full(n, lon), np.full(n, lat), coords[:, 0], coords[:, 1])
    return float(d.min()) / 1000.0


# ---------------------------------------------------------------------------------------------------------------
# Layers
# ---------------------------------------------------------------------------------------------------------------


def test_layers_load_in_wgs84():
    for layer in (geodata.countries(), geodata.regions(), geodata.rivers(), geodata.lakes()):
        assert layer.crs.to_epsg() == 4326
        assert len(layer) > 0
        assert layer.geometry.is_valid.all()
    assert len(geodata.places()) > 5000


@pytest.mark.parametrize(
    ("name", "lon", "lat"), [("Simferopol", 34.10, 44.95), ("Sevastopol", 33.52, 44.60)]
)
def test_crimea_is_in_ukraine(name, lon, lat):
    assert geodata.ukraine().contains(Point(lon, lat)), name
    assert not geodata.country("RUS").geometry.contains(Point(lon, lat))


def test_ukraine_regions_union_equals_ukraine():
    regions = geodata.regions()
    ukr = regions[regions.country == "UKR"]
    assert len(ukr) == 27
    assert {"Crimea", "Sevastopol", "Kyiv", "Kyiv City", "Zakarpattia", "Odesa"} <= set(ukr.name)
    union = shapely.union_all(ukr.geometry.values)
    ukraine = geodata.ukraine()
    # stated tolerance (SOURCES.md): relative area of the symmetric difference < 1e-6
    assert union.symmetric_difference(ukraine).area / ukraine.area < 1e-6


def test_regions_of_the_neighbours():
    got = set(geodata.regions().country)
    assert {"UKR", "RUS", "BLR", "POL", "SVK", "HUN", "ROU", "MDA"} <= got


@pytest.mark.parametrize(
    ("city", "lon", "lat"),
    [
        ("Kyiv", 30.5238, 50.4547),
        ("Cherkasy", 32.0574, 49.4445),
        ("Kremenchuk", 33.4162, 49.0659),
        ("Dnipro", 35.0407, 48.4666),
        ("Zaporizhzhia", 35.1171, 47.8517),
        ("Kherson", 32.6146, 46.6370),
    ],
)
def test_dnipro_is_one_line_past_the_cities(city, lon, lat):
    dnipro = geodata.river("Dnipro").geometry
    assert dnipro.geom_type == "LineString"
    assert geodesic_km_to_line(dnipro, lon, lat) <= 5.0, city


def test_dnipro_runs_from_belarus_border_to_the_estuary():
    dnipro = geodata.river("Dnipro").geometry
    (lon0, lat0), (lon1, lat1) = dnipro.coords[0], dnipro.coords[-1]
    belarus = geodata.country("BLR").geometry
    assert belarus.distance(Point(lon0, lat0)) < 0.05  # starts on the Belarus border stretch
    assert lat1 < 46.6 and lon1 < 32.5  # ends below Kherson, at the Dnipro-Bug estuary


@pytest.mark.parametrize(
    "name",
    ["Dnipro", "Dniester", "Southern Bug", "Desna", "Pripyat", "Siverskyi Donets", "Oskil", "Danube", "Vistula",
     "Prut"],
)  # fmt: skip
def test_named_rivers_exist(name):
    r = geodata.river(name)
    assert r.name == name
    assert r.geometry.length > 1.0  # degrees: every one is longer than ~100 km


@pytest.mark.parametrize(
    ("alias", "name"),
    [("Dnieper", "Dnipro"), ("dnepr", "Dnipro"), ("Dniepr", "Dnipro"), ("Dnister", "Dniester"),
     ("Pivdennyi Buh", "Southern Bug"), ("Donets", "Siverskyi Donets"), ("the Oskil river", "Oskil")],
)  # fmt: skip
def test_river_alt_names(alias, name):
    assert geodata.river(alias).name == name


def test_unknown_river_lists_valid_names():
    with pytest.raises(PlaceError, match=r"known rivers: .*Dnipro"):
        geodata.river("Volga")


@pytest.mark.parametrize(
    ("city", "river", "lon", "lat"),
    [("Kupiansk", "Oskil", 37.6158, 49.7100), ("Lysychansk", "Siverskyi Donets", 38.43, 48.91),
     ("Mykolaiv", "Southern Bug", 31.993, 46.976), ("Chernihiv", "Desna", 31.30, 51.50)],
)  # fmt: skip
def test_tributaries_pass_their_towns(city, river, lon, lat):
    assert geodesic_km_to_line(geodata.river(river).geometry, lon, lat) <= 5.0, city


def test_dnipro_reservoirs_are_named():
    names = set(geodata.lakes().name.dropna())
    reservoirs = {"Kyiv Reservoir", "Kremenchuk Reservoir", "Kamianske Reservoir", "Dnipro Reservoir"}  # fmt: skip
    assert reservoirs <= names
    # drained after the dam's destruction on 6 June 2023: not drawn as water (tests/test_basemap.py)
    assert not {n for n in names if "Kakhovka" in n}


@pytest.mark.parametrize(
    ("query", "nato"),
    [("Poland", True), ("Romania", True), ("Finland", True), ("Sweden", True), ("Ukraine", False),
     ("Moldova", False), ("Belarus", False)],
)  # fmt: skip
def test_nato_flags(query, nato):
    assert geodata.country(query).nato is nato


@pytest.mark.parametrize("query", ["Poland", "POL", "PL", "pl", "poland", "Republic of Poland"])
def test_country_lookup_forms(query):
    assert geodata.country(query).iso3 == "POL"


def test_kosovo_iso_codes_fall_back():
    k = geodata.country("Kosovo")
    assert (k.iso3, k.iso2) == ("KOS", "XK")


def test_unknown_country_suggests():
    with pytest.raises(PlaceError, match="Poland"):
        geodata.country("Polland")


def test_hostile_and_nato_lists():
    assert [c.iso3 for c in geodata.hostile_countries()] == ["RUS", "BLR"]
    members = {c.iso3 for c in geodata.nato_members()}
    assert {"POL", "ROU", "FIN", "SWE", "SVK", "HUN"} <= members
    assert not members & {"UKR", "MDA", "RUS", "BLR", "GEO"}


@pytest.mark.parametrize(
    ("query", "name"),
    [("Dnipropetrovs'k", "Dnipropetrovsk"), ("dnipropetrovsk oblast", "Dnipropetrovsk"),
     ("Zakarpattia", "Zakarpattia"), ("Transcarpathia", "Zakarpattia"), ("Kiev", "Kyiv"),
     ("Kyiv Oblast", "Kyiv"), ("Kyiv City", "Kyiv City"), ("Odessa", "Odesa"), ("Zaporizhzhya", "Zaporizhzhia"),
     ("Zaporizhzhia region", "Zaporizhzhia"), ("Kropyvnytskyi", "Kirovohrad"), ("Volhynia", "Volyn"),
     ("KHMELNYTSKYI", "Khmelnytskyi"), ("Vinnytsya", "Vinnytsia")],
)  # fmt: skip
def test_region_spellings(query, name):
    r = geodata.region(query)
    assert (r.name, r.country) == (name, "UKR")


def test_region_in_other_country():
    assert geodata.region("Belgorod", country="RU").country == "RUS"


def test_unknown_region_suggests():
    with pytest.raises(PlaceError, match="Kharkiv"):
        geodata.region("Kharkov oblastt")


def test_missing_layer_says_make_geodata(tmp_path, monkeypatch):
    monkeypatch.setenv("MAPPER_GEODATA", str(tmp_path))
    geodata.clear_caches()
    try:
        with pytest.raises(GeodataError, match=r"countries\.geojson.*make geodata"):
            geodata.countries()
        (tmp_path / "places.csv").write_text("not,a\ngazetteer\n", encoding="utf-8")
        with pytest.raises(GeodataError, match=r"places\.csv.*make geodata"):
            geodata.places()
        (tmp_path / "rivers.geojson").write_text("{broken", encoding="utf-8")
        with pytest.raises(GeodataError, match="corrupt"):
            geodata.rivers()
    finally:
        monkeypatch.delenv("MAPPER_GEODATA")
        geodata.clear_caches()


# ---------------------------------------------------------------------------------------------------------------
# Gazetteer
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gaz():
    return geodata.gazetteer()


@pytest.mark.parametrize(
    ("query", "name"),
    [("Kyiv", "Kyiv"), ("Kiev", "Kyiv"), ("KYIV", "Kyiv"), ("Odesa", "Odesa"), ("Odessa", "Odesa"),
     ("Kupiansk", "Kupiansk"), ("Kupyansk", "Kupiansk"), ("Kup'yans'k", "Kupiansk"), ("Kup’yans’k", "Kupiansk"),
     ("Zaporizhzhia", "Zaporizhzhia"), ("Zaporizhzhya", "Zaporizhzhia"), ("Huliaipole", "Huliaipole"),
     ("Hulyaypole", "Huliaipole"), ("Rzeszow", "Rzeszów"), ("Rzeszów", "Rzeszów"), ("rzeszow", "Rzeszów"),
     ("Chasiv Yar", "Chasiv Yar"), ("chasiv-yar", "Chasiv Yar"), ("Velyka Novosilka", "Velyka Novosilka"),
     ("Bakhmut", "Bakhmut"), ("Artemivsk", "Bakhmut"), ("Kryvyi Rih", "Kryvyi Rih"), ("Kryvyy Rih", "Kryvyi Rih"),
     ("Robotyne", "Robotyne"), ("Mykolaiv", "Mykolaiv"), ("Iasi", "Iași"), ("Constanta", "Constanța"),
     ("Rzeszow-Jasionka", "Rzeszów-Jasionka Airport"), ("MK Air Base", "Mihail Kogălniceanu"),
     ("Yavoriv", "Yavoriv"), ("Lublin", "Lublin"), ("Suceava", "Suceava")],
)  # fmt: skip
def test_spelling_variants_resolve(gaz, query, name):
    assert gaz.resolve(query).name == name


@pytest.mark.parametrize(
    "name",
    ["Orikhiv", "Lyptsi", "Vovchansk", "Dvorichna", "Bilohorivka", "Siversk", "Toretsk", "Kurakhove",
     "Stepnohirsk", "Enerhodar", "Nova Kakhovka", "Oleshky", "Hola Prystan", "Nikopol", "Beryslav", "Kherson"],
)  # fmt: skip
def test_front_line_places_are_present(gaz, name):
    place = gaz.resolve(name)
    assert place.country == "UA"
    assert 44 < place.lat < 53 and 22 < place.lon < 41


def test_kyiv_capital_wins_over_namesakes(gaz):
    kyiv = gaz.resolve("Kyiv")
    assert kyiv.population > 2_000_000 and kyiv.oblast == "Kyiv City"


@pytest.mark.parametrize(
    ("name", "oblasts"),
    [("Lyman", {"Donetsk", "Kharkiv"}), ("Vasylivka", {"Zaporizhzhia", "Odesa"}), ("Borova", {"Kharkiv", "Kyiv"}),
     ("Kamianske", {"Dnipropetrovsk", "Zaporizhzhia"})],
)  # fmt: skip
def test_ambiguous_names_list_candidates(gaz, name, oblasts):
    with pytest.raises(PlaceError) as err:
        gaz.resolve(name)
    msg = str(err.value)
    assert "ambiguous" in msg and "oblast:" in msg
    for oblast in oblasts:
        assert f"({oblast}, UA)" in msg
    assert len(err.value.candidates) >= 2


@pytest.mark.parametrize(
    ("query", "oblast", "lat"),
    [("Lyman", "Donetsk", 48.99), ("Lyman, Donetsk", None, 48.99), ("Lyman, Donetsk Oblast", None, 48.99),
     ("Vasylivka", "Zaporizhzhia", 47.44), ("Vasylivka", "Zaporizhzhya", 47.44), ("Borova", "Kharkiv", 49.38),
     ("Kamianske", "Zaporizhzhia", 47.54), ("Kamianske", "Dnipropetrovs'k", None)],
)  # fmt: skip
def test_qualified_forms_resolve(gaz, query, oblast, lat):
    if lat is None:  # two Kamianske in Dnipropetrovsk oblast: the city dominates the village
        assert gaz.resolve(query, oblast=oblast).population > 200_000
    else:
        assert gaz.resolve(query, oblast=oblast).lat == pytest.approx(lat, abs=0.01)


def test_country_qualifier(gaz):
    assert gaz.resolve("Lublin", country="PL").country == "PL"
    assert gaz.resolve("Suceava, Romania").country == "RO"
    with pytest.raises(PlaceError, match="found elsewhere"):
        gaz.resolve("Lublin", country="UA")


def test_unknown_place_suggests(gaz):
    with pytest.raises(PlaceError, match=r"did you mean.*Kupiansk") as err:
        gaz.resolve("Kupianks")
    assert 0 < len(err.value.candidates) <= 5


def test_describe_format(gaz):
    assert (
        gaz.resolve("Lyman", oblast="Donetsk").describe()
        == "Lyman (Donetsk, UA) pop. 20,066 48.99012N 37.80843E"
    )


def test_candidates_sorted_by_population(gaz):
    found = gaz.candidates("Lyman", limit=10)
    assert [p.oblast for p in found][:1] == ["Donetsk"]
    assert [p.population for p in found] == sorted((p.population for p in found), reverse=True)
    assert len(gaz.candidates("Kamianske", limit=2)) == 2
    assert gaz.candidates("Kupianks")  # falls back to close spellings


def test_places_columns():
    df = geodata.places()
    assert list(df.columns[:8]) == ["geonameid", "name", "alt_names", "country", "oblast", "population", "lat",
                                    "lon"]  # fmt: skip
    ua = df[df.country == "UA"]
    assert (ua.oblast != "").all()
    assert set(ua.oblast) == set(geodata.regions().query("country == 'UKR'").name)


# ---------------------------------------------------------------------------------------------------------------
# Reproducible build
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_build_is_reproducible(tmp_path):
    """Rebuilding from the pinned sources gives the committed bytes (needs .cache/sources or network)."""
    result = run_command(
        [sys.executable, REPO / "scripts" / "build_geodata.py", "--out", tmp_path], timeout=900
    )
    assert result.exit_code == 0, result.stderr
    for name in (
        "countries.geojson",
        "regions.geojson",
        "rivers.geojson",
        "lakes.geojson",
        "places.csv",
    ):
        built = hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
        committed = hashlib.sha256((REPO / "geodata" / name).read_bytes()).hexdigest()
        assert built == committed, name

"""Front-zone settlements (tests/support/front_zone.py, where the sources are named): each resolves through the
gazetteer to within 5 km of its true position, and lies on its side of the bundled late-March-2025 line.

The list gives, for 71 settlements within ~50 km of the line of contact named in ISW assessments, DeepStateMap
and Ukrainian General Staff reports of March 2025, the oblast, the WGS84 position (latitude, longitude) and the
side on 27 March 2025. Distances are geodesic on WGS84 (``pyproj.Geod`` directly, never ``mapper.geodesy``).

The side checks pass only when the bundled line is right about each place: "russia" inside the occupied area,
"ukraine" outside it, "contested" within 5 km of the line.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pytest
import shapely
import shapely.ops
from pyproj import Geod
from shapely.geometry import Point
from support.front_zone import FRONT_ZONE, SIDES, Settlement

from mapper import geodata
from mapper.errors import PlaceError
from mapper.frontline import FrontLine, bundled_front_line

GEOD = Geod(ellps="WGS84")
TOLERANCE_KM = 5.0

# Names that an unqualified query may not settle, by the gazetteer's ambiguity rules: another place of the same
# name is a town of 5,000+ people, or the front-zone place is itself 10,000+ and not ten times its namesakes.
# For these an unqualified name must be an "ambiguous" error that lists the right place, never another place.
AMBIGUOUS_UNQUALIFIED = {
    "Piatykhatky": "Pyatykhatky, Dnipropetrovsk oblast, 18,000 people",
    "Lyman": "Lyman, Kharkiv oblast (4,000), against Lyman, Donetsk oblast (20,000): not ten times",
    "Borova": "Borova, Kyiv oblast, 7,200 people",
    "Petropavlivka": "Petropavlivka, Dnipropetrovsk oblast, 6,900 people",
    "Kostiantynivka": "Kostiantynivka, Zaporizhzhia oblast, 11,500 people",
    "Vasylivka": "Vasylivka (Zaporizhzhia, 12,600) has namesakes of 500-1,400: not ten times",
    "Kamianske": "Kamianske, Dnipropetrovsk oblast, a city of 227,000",
    "Antonivka": "a second Antonivka in Kherson oblast (2,000) against the Kherson suburb (12,800)",
}
# Qualified with its oblast, Antonivka is still one of two in Kherson oblast.
AMBIGUOUS_QUALIFIED = {"Antonivka"}
# The names of issue #13 that used to land silently on a namesake far away, or were missing.
ISSUE_NAMES = ("Hlyboke", "Krynky", "Basivka", "Zhuravka", "Novodanylivka", "Kopani", "Pokrovka", "Heroiske",
               "Novoiehorivka", "Kostiantynopil", "Klishchiivka", "Synkivka", "Kotlyne", "Novenke", "Ulakly",
               "Lobkove", "Zvirove")  # fmt: skip
BY_NAME = {s.name: s for s in FRONT_ZONE}


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2]) / 1000.0


def km_off(place: geodata.Place, s: Settlement) -> float:
    return km(place.lat, place.lon, s.lat, s.lon)


def geodesic_km_to_line(line: shapely.Geometry, lon: float, lat: float) -> float:
    """Shortest geodesic distance from a point to a line, densified to ~100 m (exact enough for 5 km checks)."""
    coords = shapely.get_coordinates(shapely.segmentize(line, 0.001))
    n = len(coords)
    _, _, d = GEOD.inv(np.full(n, lon), np.full(n, lat), coords[:, 0], coords[:, 1])
    return float(d.min()) / 1000.0


@pytest.fixture(scope="module")
def gaz() -> geodata.Gazetteer:
    return geodata.gazetteer()


def ids(s: Settlement) -> str:
    return f"{s.name}-{s.oblast}"


# ---------------------------------------------------------------------------------------------------------------
# The list itself
# ---------------------------------------------------------------------------------------------------------------


def test_list_is_well_formed() -> None:
    assert len(FRONT_ZONE) >= 45
    assert len({(s.name, s.oblast) for s in FRONT_ZONE}) == len(FRONT_ZONE)
    assert {s.side for s in FRONT_ZONE} == set(SIDES)
    oblasts = {r.name for r in geodata.table("regions").rows() if r.country == "UKR"}
    for s in FRONT_ZONE:
        assert s.oblast in oblasts, s
        assert 44.0 < s.lat < 52.5 and 30.0 < s.lon < 40.5, (
            s
        )  # lat/lon not swapped, inside the theatre
        assert s.note, s


def test_each_entry_lies_in_its_oblast() -> None:
    """Within 3 km of its oblast's (simplified) outline: a wrong oblast or swapped digits would be far off."""
    regions = {r.name: r.geometry for r in geodata.table("regions").rows() if r.country == "UKR"}
    for s in FRONT_ZONE:
        region = regions[s.oblast]
        near = shapely.ops.nearest_points(region, Point(s.lon, s.lat))[0]
        assert km(s.lat, s.lon, near.y, near.x) < 3.0, s


def test_positions_agree_with_the_issue_figures() -> None:
    """Issue #13 measured how far the wrong namesakes were: Hlyboke ~714 km from Hlyboke (Odesa oblast, GeoNames
    45.73036N 29.60853E), Krynky ~305 km from Velyki Krynky (49.45675N 33.48552E), Basivka ~808 km from Basivka
    (Lviv oblast, 49.78333N 23.91667E)."""
    h, k, b = BY_NAME["Hlyboke"], BY_NAME["Krynky"], BY_NAME["Basivka"]
    assert km(h.lat, h.lon, 45.73036, 29.60853) == pytest.approx(714, abs=5)
    assert km(k.lat, k.lon, 49.45675, 33.48552) == pytest.approx(305, abs=5)
    assert km(b.lat, b.lon, 49.78333, 23.91667) == pytest.approx(808, abs=5)


# ---------------------------------------------------------------------------------------------------------------
# Resolution through the gazetteer
# ---------------------------------------------------------------------------------------------------------------


def assert_ambiguous_with(gaz: geodata.Gazetteer, s: Settlement, **qual: str) -> None:
    with pytest.raises(PlaceError, match="ambiguous") as err:
        gaz.resolve(s.name, **qual)
    assert min(km_off(p, s) for p in err.value.candidates) <= TOLERANCE_KM


@pytest.mark.parametrize("s", FRONT_ZONE, ids=ids)
def test_resolves_with_its_oblast(gaz: geodata.Gazetteer, s: Settlement) -> None:
    if s.name in AMBIGUOUS_QUALIFIED:
        assert_ambiguous_with(gaz, s, oblast=s.oblast)
        return
    place = gaz.resolve(s.name, oblast=s.oblast)
    assert km_off(place, s) <= TOLERANCE_KM, place.describe()
    assert place.oblast == s.oblast and place.country == "UA"


@pytest.mark.parametrize("s", FRONT_ZONE, ids=ids)
def test_resolves_unqualified_or_is_ambiguous(gaz: geodata.Gazetteer, s: Settlement) -> None:
    """Never silently to another place: the right one, or an ambiguity error that lists it."""
    if s.name in AMBIGUOUS_UNQUALIFIED:
        assert_ambiguous_with(gaz, s)
        return
    place = gaz.resolve(s.name)
    assert km_off(place, s) <= TOLERANCE_KM, place.describe()


def test_the_issue_names_resolve_unqualified(gaz: geodata.Gazetteer) -> None:
    for name in ISSUE_NAMES:
        place = gaz.resolve(name)
        assert km_off(place, BY_NAME[name]) <= TOLERANCE_KM, (name, place.describe())
    # Piatykhatky: the Zaporizhzhia village cannot outrank a town of 18,000, and the town must not be taken for it
    with pytest.raises(PlaceError, match=r"ambiguous[\s\S]*Zaporizhzhia"):
        gaz.resolve("Piatykhatky")


def test_every_front_zone_entry_is_flagged_front(gaz: geodata.Gazetteer) -> None:
    """places.csv marks each listed place as named in front-line reporting (the build's FRONT_REPORTED)."""
    for s in FRONT_ZONE:
        near = [
            p for p in gaz.places if p.front and p.name == s.name and km_off(p, s) <= TOLERANCE_KM
        ]
        assert len(near) == 1, s
    flagged = [p for p in gaz.places if p.front]
    assert all(p.country == "UA" for p in flagged) and len(flagged) == len(FRONT_ZONE)


# ---------------------------------------------------------------------------------------------------------------
# The side of the line (needs the corrected bundled line)
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def front() -> FrontLine:
    return bundled_front_line()


@pytest.mark.parametrize("s", FRONT_ZONE, ids=ids)
def test_side_of_the_line(front: FrontLine, s: Settlement) -> None:
    here = Point(s.lon, s.lat)
    inside = bool(front.occupied.contains(here))
    if s.side == "russia":
        assert inside, (
            f"{s.name} ({s.oblast}) is Russian-held but outside the bundled occupied area"
        )
    elif s.side == "ukraine":
        assert not inside, (
            f"{s.name} ({s.oblast}) is Ukrainian-held but inside the bundled occupied area"
        )
    else:
        d = geodesic_km_to_line(front.line, s.lon, s.lat)
        assert d <= TOLERANCE_KM, (
            f"{s.name} ({s.oblast}) is contested but {d:.1f} km from the bundled line"
        )


# ---------------------------------------------------------------------------------------------------------------
# The rules, on a small gazetteer whose figures are set here
# ---------------------------------------------------------------------------------------------------------------

Row = namedtuple("Row", "geonameid name alt_names country oblast population lat lon source front")


def small_gazetteer(*rows: tuple[str, str, int, bool]) -> geodata.Gazetteer:
    """A gazetteer of (name, oblast, population, front) rows, each at its own position."""
    return geodata.Gazetteer(
        Row(i + 1, n, "", "UA", o, pop, 45.0 + i, 30.0, "test", front)
        for i, (n, o, pop, front) in enumerate(rows)
    )


def test_front_place_wins_among_small_namesakes() -> None:
    g = small_gazetteer(("Hlyboke", "Odesa", 1232, False), ("Hlyboke", "Kharkiv", 0, True),
                        ("Hlyboke", "Zakarpattia", 577, False))  # fmt: skip
    assert g.resolve("Hlyboke").oblast == "Kharkiv"


def test_front_place_does_not_win_over_a_town() -> None:
    g = small_gazetteer(("Borova", "Kyiv", 7241, False), ("Borova", "Kharkiv", 5174, True))
    with pytest.raises(PlaceError, match="ambiguous"):
        g.resolve("Borova")


def test_front_preference_is_for_small_places_only() -> None:
    g = small_gazetteer(("Lyman", "Donetsk", 20066, True), ("Lyman", "Kharkiv", 4008, False))
    with pytest.raises(PlaceError, match="ambiguous"):
        g.resolve("Lyman")


def test_two_front_places_of_one_name_are_ambiguous() -> None:
    g = small_gazetteer(("Zhuravka", "Sumy", 0, True), ("Zhuravka", "Donetsk", 0, True))
    with pytest.raises(PlaceError, match="ambiguous"):
        g.resolve("Zhuravka")


def test_dominance_still_decides_first() -> None:
    g = small_gazetteer(
        ("Nikopol", "Dnipropetrovsk", 105160, False), ("Nikopol", "Odesa", 588, True)
    )
    assert g.resolve("Nikopol").oblast == "Dnipropetrovsk"


# ---------------------------------------------------------------------------------------------------------------
# No silent resolution to another name
# ---------------------------------------------------------------------------------------------------------------


def test_krynky_is_not_velyki_krynky(gaz: geodata.Gazetteer) -> None:
    place = gaz.resolve("Krynky")
    assert place.oblast == "Kherson" and km(place.lat, place.lon, 49.45675, 33.48552) > 300


def test_a_missing_name_is_an_error_not_a_longer_namesake() -> None:
    """Without the Kherson Krynky, "Krynky" must not become Velyki Krynky (whose GeoNames alternates had
    "Krynki"): an error with suggestions."""
    rows = [r for r in geodata.table("places").rows() if r.name != "Krynky"]
    g = geodata.Gazetteer(rows)
    with pytest.raises(PlaceError, match="unknown place 'Krynky'"):
        g.resolve("Krynky")
    assert g.matches("Velyki Krynky")[0].oblast == "Poltava"
    with pytest.raises(PlaceError, match="no exact match"):
        g.matches("Krynky")


def test_sloviansk_is_not_an_alternate_of_nikopol(gaz: geodata.Gazetteer) -> None:
    found = gaz.matches("Sloviansk")
    assert found[0].name == "Sloviansk" and found[0].oblast == "Donetsk"
    assert all(p.name != "Nikopol" for p in found)


def test_moldovan_capitals() -> None:
    """Chișinău (47.0105N 28.8638E) and Tiraspol (46.8403N 29.6433E), with the oblast of their own region."""
    g = geodata.gazetteer()
    chisinau = g.resolve("Chisinau")
    assert chisinau.name == "Chișinău" and chisinau.country == "MD"
    assert km(chisinau.lat, chisinau.lon, 47.0105, 28.8638) < 3
    assert geodata.norm(chisinau.oblast) == geodata.norm("Chișinău")
    tiraspol = g.resolve("Tiraspol")
    assert tiraspol.country == "MD" and km(tiraspol.lat, tiraspol.lon, 46.8403, 29.6433) < 3
    assert tiraspol.oblast not in ("Bender", "Criuleni")

"""Which places the maps label (``mapper.placelabels``), and how the HTML and PNG maps use that one rule.

Front-zone towns are checked against an independent geodesic reference: the line is sampled every ~1 km along
its geodesic segments with ``pyproj.Geod.npts`` and the nearest sample found with ``Geod.inv``.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import LineString

from mapper import geodata, placelabels
from mapper.frontline import bundled_front_line

GEOD = Geod(ellps="WGS84")
FRONT_TOWNS = ("Kherson", "Kramatorsk", "Sloviansk", "Melitopol", "Berdiansk", "Mariupol")
#: GeoNames rows that are parts of a city (Mariupol, Kyiv, Kharkiv, Kramatorsk, Donetsk), never labels
DISTRICTS = ("Pravyi Bereh", "Desna", "Obolon", "Saltivka", "Sotsmisto", "Tekstylnyk", "Darnytsia")


@pytest.fixture(scope="module")
def bundled() -> dict[str, placelabels.PlaceLabel]:
    labels = placelabels.place_labels(bundled_front_line().line)
    out: dict[str, placelabels.PlaceLabel] = {}  # namesakes: the most populous
    for p in labels:
        if p.name not in out or p.population > out[p.name].population:
            out[p.name] = p
    return out


def _reference_km(line: LineString, lat: float, lon: float) -> float:
    """Geodesic distance from (lat, lon) to ``line``, from ~1 km samples along its geodesic segments."""
    xy = np.asarray(line.coords)
    pts = [tuple(xy[0])]
    for (lo1, la1), (lo2, la2) in itertools.pairwise(xy):
        n = int(GEOD.inv(lo1, la1, lo2, la2)[2] / 1000) + 1
        pts += [*GEOD.npts(lo1, la1, lo2, la2, n), (lo2, la2)]
    lons, lats = np.asarray(pts).T
    _, _, d = GEOD.inv(np.full(len(lons), lon), np.full(len(lats), lat), lons, lats)
    return float(np.min(d)) / 1000


def test_key_front_towns_are_priority_labels_at_the_default_view(bundled) -> None:
    for name in FRONT_TOWNS:
        p = bundled[name]
        assert p.priority, name
        assert p.zoom <= placelabels.DEFAULT_ZOOM, name


def test_every_oblast_centre_and_capital_is_labelled_from_the_theatre_view(bundled) -> None:
    plain = {placelabels.plain(k): v for k, v in bundled.items()}
    for name, country in placelabels.CENTRES:
        p = plain[placelabels.plain(name)]
        assert (p.country, p.priority, p.zoom) == (country, "centre", placelabels.TIER_ZOOMS[0]), (
            name
        )


@pytest.mark.parametrize("line", [None, "bundled"])
def test_a_city_is_labelled_by_its_own_name_never_by_a_district(line) -> None:
    front = bundled_front_line().line if line else None
    labels = placelabels.place_labels(front)
    names = {p.name for p in labels}
    assert not names & set(DISTRICTS)
    assert {"Mariupol", "Kyiv", "Kharkiv", "Kramatorsk", "Donetsk", "Tiraspol"} <= names
    assert {"Chisinau", "Chișinău"} & names  # the gazetteer's spelling, with or without diacritics
    assert "Criuleni" not in names
    # no label is a row the gazetteer itself calls a district (GeoNames' "X District" / "X Raion" alternates)
    c = geodata.table("places").columns
    district_rows = {
        (c["name"][i], round(c["lat"][i], 4))
        for i in range(len(c["name"]))
        if any(w in c["alt_names"][i].lower() for w in (" district", " raion", " rayon"))
    }
    assert not {(p.name, round(p.lat, 4)) for p in labels} & district_rows


def test_chisinau_and_tiraspol_labels_sit_at_their_own_points(bundled) -> None:
    # GeoNames: Chisinau 47.00556 N 28.8575 E; Tiraspol 46.84274 N 29.62909 E
    for name, lat, lon in (("Chisinau", 47.00556, 28.8575), ("Tiraspol", 46.84274, 29.62909)):
        p = bundled.get(name) or bundled["Chișinău"]
        assert GEOD.inv(lon, lat, p.lon, p.lat)[2] < 2_000, name


def test_nearby_towns_are_not_districts_of_each_other(bundled) -> None:
    # 13 km apart in one oblast, both towns of their own; so are Tiraspol and Bender (12 km, Transnistria)
    for a, b in (("Kramatorsk", "Sloviansk"), ("Tiraspol", "Bender"), ("Kramatorsk", "Druzhkivka")):
        assert a in bundled and b in bundled
        km = GEOD.inv(bundled[a].lon, bundled[a].lat, bundled[b].lon, bundled[b].lat)[2] / 1000
        assert 10 < km < 16


def test_front_towns_follow_the_line_given() -> None:
    """A user's line far from the bundled one (in Lviv oblast) gives its own front-zone towns."""
    line = LineString([(23.0, 49.0), (23.8, 49.6), (24.4, 50.3)])  # (lon, lat)
    labels = placelabels.place_labels(line)
    front = {p.name: p for p in labels if p.priority == "front"}
    assert "Kramatorsk" not in front and "Kherson" not in {
        p.name for p in labels if p.priority == "front"
    }
    assert {"Drohobych", "Stryi"} <= set(front)
    for p in front.values():  # each within the rule's reach, by the independent reference
        km = _reference_km(line, p.lat, p.lon)
        assert (km <= 50.5 and p.population >= 20_000) or (
            km <= 150.5 and p.population >= 100_000
        ), p
    # and a labelled Ukrainian town of 20,000+ clearly inside 50 km is a front town
    for p in labels:
        if p.country == "UA" and not p.priority and p.population >= 20_000:
            assert _reference_km(line, p.lat, p.lon) > 49.5, p
    # the bundled line's towns are not front towns on this line
    assert placelabels.place_labels(bundled_front_line().line) != labels


def test_lower_labels_never_touch_priority_labels_at_the_zoom_they_show(bundled) -> None:
    labels = placelabels.place_labels(bundled_front_line().line)
    first = [p for p in labels if p.priority]
    for p in labels:
        if p.priority or p.zoom >= placelabels.TIER_ZOOMS[-1]:
            continue
        box = placelabels.label_box(p, p.zoom)
        for q in first:
            if abs(q.lat - p.lat) > 4 or abs(q.lon - p.lon) > 8:
                continue
            qb = placelabels.label_box(q, p.zoom)
            assert not (box[0] < qb[2] and qb[0] < box[2] and box[1] < qb[3] and qb[1] < box[3]), (
                p,
                q,
            )


def test_priority_labels_pick_sides_that_avoid_each_other_where_there_is_room(bundled) -> None:
    """Away from the Donbas cluster (where 30 towns share ~100 px at zoom 6) priority labels do not overlap
    visibly (a pixel's graze, under a tenth of the smaller label, is tolerated)."""
    z = placelabels.DEFAULT_ZOOM
    west = [
        p for p in placelabels.place_labels(bundled_front_line().line) if p.priority and p.lon < 34
    ]

    def area(b):
        return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])

    for i, p in enumerate(west):
        a = placelabels.label_box(p, z)
        for q in west[i + 1 :]:
            b = placelabels.label_box(q, z)
            common = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
            assert area(common) < 0.1 * min(area(a), area(b)), (p.name, q.name)


def test_city_radius_grows_with_the_square_root_of_population() -> None:
    assert placelabels.city_radius_km(0) == pytest.approx(2.5)
    assert placelabels.city_radius_km(4_000_000) == pytest.approx(2.5 + 18.0)


def test_static_zoom_matches_web_mercator_scale() -> None:
    # Web Mercator: 2 * pi * 6378137 m / 256 px at zoom 0 on the equator, scaled by cos(lat)
    equator = 2 * np.pi * 6_378_137 / 256
    assert placelabels.static_zoom(equator, 0.0) == pytest.approx(0.0, abs=1e-6)
    assert placelabels.static_zoom(equator * 0.5 / 2**6, 60.0) == pytest.approx(6.0, abs=1e-6)


def test_dot_near_finds_cities_and_not_open_sea() -> None:
    assert placelabels.dot_near(50.4501, 30.5234)  # Kyiv
    assert placelabels.dot_near(46.4825, 30.7233)  # Odesa
    assert not placelabels.dot_near(44.0, 33.0)  # the Black Sea


def test_html_place_labels_carry_the_rule() -> None:
    from mapper.render import layers

    g = layers.place_labels()
    element = next(iter(g._children.values()))
    import json

    rows = {r[0]: r for r in json.loads(element.data)}
    tiers = json.loads(element.tiers)
    for name in FRONT_TOWNS:
        assert tiers[rows[name][3]] <= placelabels.DEFAULT_ZOOM, name
        assert rows[name][6] == 1  # priority: drawn above lower labels
    assert "Pravyi Bereh" not in rows


def test_a_site_at_a_city_is_drawn_beside_its_dot_in_the_html() -> None:
    from mapper import pipeline
    from mapper.render import layers

    prepared = pipeline.prepare("scenarios/key_cities.yaml")
    kyiv = next(
        s for o in prepared.analysis.options for s in o.forces if s.name == "Kyiv protection force"
    )
    icon = layers._site_icon(kyiv, "#cc0000")
    ax, ay = icon.options["icon_anchor"]
    w, h = icon.options["icon_size"]
    # the true point is outside the symbol's box, off one of its corners: the symbol leaves the city's dot free
    assert (ax < 0 or ax > w) and (ay < 0 or ay > h)
    assert "mapper-site-anchor" in icon.options["html"] and "mapper-leader" in icon.options["html"]


def test_png_sites_at_cities_leave_the_dot_free_and_key_towns_are_named(monkeypatch) -> None:
    from mapper import pipeline
    from mapper.staticmap import labels

    seen: list[labels.Site] = []
    named: dict[str, bool] = {}
    draw_leaders, place_name = labels._draw_leaders, labels._place_name

    def spy_leaders(ax, sites, frame):
        seen.extend(sites)
        return draw_leaders(ax, sites, frame)

    def spy_name(ax, label, *args):
        kept = place_name(ax, label, *args)
        named[label.get_text()] = kept
        return kept

    monkeypatch.setattr(labels, "_draw_leaders", spy_leaders)
    monkeypatch.setattr(labels, "_place_name", spy_name)
    from mapper.staticmap import draw_static_map

    draw_static_map(pipeline.prepare("scenarios/key_cities.yaml"), size=(1600, 1000))
    at_cities = [s for s in seen if s.beside]
    assert {"Kyiv protection force", "Odesa port group"} <= {s.name for s in at_cities}
    for s in at_cities:
        assert s.dx or s.dy, s.name  # displaced, with a leader to its true spot
    for name in ("Kyiv", "Odesa", "Mykolaiv", *FRONT_TOWNS):
        assert named.get(name), f"{name} not named on the PNG"
    assert "Pravyi Bereh" not in named


def test_html_front_towns_follow_the_line_given() -> None:
    import json

    from mapper.render import layers

    line = LineString([(23.0, 49.0), (23.8, 49.6), (24.4, 50.3)])  # (lon, lat), in Lviv oblast
    element = next(iter(layers.place_labels(line)._children.values()))
    rows = {r[0]: r for r in json.loads(element.data)}
    assert rows["Drohobych"][6] == 1 and rows["Kramatorsk"][6] == 0


def test_png_shades_the_hostile_ground_the_scenario_names() -> None:
    """Not a label, but the same file owner: the PNG's grey hostile ground follows ``threat`` like the HTML map."""
    from shapely.geometry import Point

    from mapper.features import _hostile_ground as ground
    from mapper.staticmap.basemap import _projected
    from mapper.staticmap.projection import transformers

    front = bundled_front_line()
    fwd, _ = transformers(48.5, 31.0)
    minsk, moscow = Point(fwd.transform(27.5667, 53.9)), Point(fwd.transform(37.6156, 55.7522))
    default = _projected(ground(front, ("russia", "belarus")), 48.5, 31.0)
    assert default.contains(minsk) and default.contains(moscow)
    no_belarus = _projected(ground(front, ("russia",)), 48.5, 31.0)
    assert not no_belarus.contains(minsk) and no_belarus.contains(moscow)
    assert ground(front, ()) is None


def _label_rows(html: str) -> dict[str, list[object]]:
    """The HTML map's place-label rows ``[name, lat, lon, tier, side, size, priority]`` by name."""
    import json
    import re

    rows: dict[str, list[object]] = {}
    for m in re.finditer(
        r'\[("[^"\\]*"),\s*(-?[\d.]+),\s*(-?[\d.]+),\s*(\d+),\s*("[a-z]+"),', html
    ):
        tail = html[m.end() : m.end() + 40]
        prio = re.match(r"\s*\d+,\s*(\d)\]", tail)
        if prio:
            rows[json.loads(m.group(1))] = [int(m.group(4)), int(prio.group(1))]
    return rows


def test_the_html_map_labels_towns_near_the_scenarios_own_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A user's own front line (here one drawn near Drohobych in Lviv oblast) makes the towns near it priority
    labels of the rendered page; the bundled line does not."""
    import mapper

    (tmp_path / "line.geojson").write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"date": "2025-03-27"},'
        ' "geometry": {"type": "LineString", "coordinates": [[23.3, 49.2], [23.8, 49.5]]}}]}',
        encoding="utf-8",
    )
    body = (
        "format: 1\nid: t\ntitle: T\ndate: 2025-03-27\nfront_line: {line}\n"
        "options:\n  - id: a\n    name: A\n    colour: navy\n    forces:\n"
        "      - {{name: F, nation: FR, troops: 10, at: Kyiv}}\n"
    )
    own = tmp_path / "own.yaml"
    own.write_text(body.format(line="line.geojson"), encoding="utf-8")
    bundled = tmp_path / "bundled.yaml"
    bundled.write_text(body.format(line="bundled"), encoding="utf-8")
    near = (
        GEOD.inv(23.51121, 49.35196, 23.55, 49.35)[2] / 1000
    )  # Drohobych to the line's middle, roughly
    assert near < 50
    own_rows = _label_rows(mapper.render(own).html)
    bundled_rows = _label_rows(mapper.render(bundled).html)
    assert len(own_rows) > 100 and "Drohobych" in bundled_rows
    assert own_rows["Drohobych"][1] == 1
    assert bundled_rows["Drohobych"][1] == 0

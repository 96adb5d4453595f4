"""The bundled key sites (``geodata/key_sites.csv``, ``mapper.keysites``), ``mapper sites``, and the brief's
``key_sites`` candidates and demand.

Positions are checked against references independent of the library: ``csv`` and ``json`` on the geodata files
and ``pyproj.Geod`` (``support.reference``): each site inside its country's polygon (coastal and river sites
within a stated geodesic distance of it), near the gazetteer town it is known by, dams and crossings on the
Dnipro line, the Zaporizhzhia plant in the occupied area and the other Ukrainian plants outside it."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import shapely
from support.cli import RunCli
from support.reference import (
    GEODATA,
    country_boundary,
    csv_place,
    densify,
    geod_km,
    min_distance_km,
)

from mapper import keysites, prepared
from mapper.brief import load_brief_text
from mapper.errors import GeodataError, PlaceError, ScenarioError, UsageError
from mapper.placement import build_instance

CSV = GEODATA / "key_sites.csv"
#: sites on a coast or a border river may lie just outside the generalised country polygon (coastline and
#: borders simplified at 0.005 degrees, ~500 m, and a port basin is water): at most this far (geodesic)
COAST_TOLERANCE_KM = 3.0
COASTAL_TYPES = ("seaport", "dam", "crossing")
#: dams and crossings within this of the Dnipro line of rivers.geojson (itself +/- 2 km through the reservoirs)
DNIPRO_TOLERANCE_KM = 3.0
#: (site id, gazetteer town, its country, at most km): the town each site is known by, from places.csv
NEAR_TOWNS = [
    ("zaporizhzhia_npp", "Enerhodar", "UA", 8),
    ("khmelnytskyi_npp", "Netishyn", "UA", 5),
    ("south_ukraine_npp", "Pivdennoukrainsk", "UA", 5),  # Yuzhnoukrainsk
    ("rivne_npp", "Varash", "UA", 5),
    ("chornobyl_npp", "Chornobyl", "UA", 20),
    ("kursk_npp", "Kurchatov", "RU", 8),
    ("belarusian_npp", "Astraviec", "BY", 25),
    ("cernavoda_npp", "Cernavodă", "RO", 5),
    ("paks_npp", "Paks", "HU", 8),
    ("mochovce_npp", "Levice", "SK", 15),
    ("bohunice_npp", "Trnava", "SK", 18),
    ("starokostiantyniv_airbase", "Starokostiantyniv", "UA", 8),
    ("vasylkiv_airbase", "Vasylkiv", "UA", 10),
    ("myrhorod_airbase", "Myrhorod", "UA", 8),
    ("ozerne_airbase", "Ozerne", "UA", 5),
    ("boryspil_airport", "Boryspil", "UA", 10),
    ("rzeszow_jasionka_airport", "Rzeszów-Jasionka Airport", "PL", 1),
    ("lublin_airport", "Świdnik", "PL", 5),
    ("suceava_airport", "Salcea", "RO", 5),
    ("mk_airbase", "Mihail Kogălniceanu", "RO", 5),
    ("lask_airbase", "Łask", "PL", 8),
    ("odesa_port", "Odesa", "UA", 5),
    ("chornomorsk_port", "Chornomorsk", "UA", 5),
    ("pivdennyi_port", "Pivdenne", "UA", 8),
    ("mykolaiv_port", "Mykolaiv", "UA", 8),
    ("izmail_port", "Izmail", "UA", 5),
    ("reni_port", "Reni", "UA", 5),
    ("constanta_port", "Constanța", "RO", 5),
    ("kyiv_hpp", "Vyshhorod", "UA", 5),
    ("kaniv_hpp", "Kaniv", "UA", 5),
    ("kremenchuk_hpp", "Svitlovodsk", "UA", 5),
    ("dnipro_hpp", "Zaporizhzhia", "UA", 12),
    ("kakhovka_dam", "Nova Kakhovka", "UA", 5),
    ("kyiv_bridges", "Kyiv", "UA", 8),
    ("kremenchuk_bridge", "Kremenchuk", "UA", 5),
    ("dnipro_city_bridges", "Dnipro", "UA", 5),
    ("zaporizhzhia_khortytsia", "Zaporizhzhia", "UA", 10),
]


def raw_rows() -> list[dict[str, str]]:
    with CSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def countries_by_iso2() -> dict[str, tuple[str, object]]:
    data = json.loads((GEODATA / "countries.geojson").read_text(encoding="utf-8"))
    return {
        f["properties"]["iso2"]: (f["properties"]["iso3"], shapely.geometry.shape(f["geometry"]))
        for f in data["features"]
    }


# ------------------------------------------------------------------------------------------------ the file
def test_the_file_is_well_formed() -> None:
    rows = raw_rows()
    assert list(rows[0]) == list(keysites.COLUMNS)
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "ids are unique"
    assert {r["type"] for r in rows} <= set(keysites.TYPES)
    assert set(keysites.TYPES) <= {r["type"] for r in rows}, "every type has a site"
    known = countries_by_iso2()
    for r in rows:
        assert r["country"] in known, r["id"]
        for key in ("lat", "lon"):  # 4 decimals, as documented
            whole, _, frac = r[key].partition(".")
            assert len(frac) == 4 and whole.lstrip("-").isdigit(), (r["id"], key, r[key])
        assert r["name"].strip() and r["source"].strip(), r["id"]
    # the library reads the same rows
    sites = keysites.key_sites()
    assert [s.id for s in sites] == ids
    assert [(s.lat, s.lon) for s in sites] == [(float(r["lat"]), float(r["lon"])) for r in rows]


def test_the_requested_sites_are_there() -> None:
    by_type: dict[str, set[str]] = {}
    for r in raw_rows():
        by_type.setdefault(r["type"], set()).add(r["id"])
    ukraine_npps = {
        "zaporizhzhia_npp",
        "rivne_npp",
        "khmelnytskyi_npp",
        "south_ukraine_npp",
        "chornobyl_npp",
    }
    assert ukraine_npps <= by_type["nuclear_power_plant"]
    assert {"odesa_port", "chornomorsk_port", "pivdennyi_port", "mykolaiv_port", "izmail_port", "reni_port",
            "constanta_port"} <= by_type["seaport"]  # fmt: skip
    assert {"kakhovka_dam", "dnipro_hpp", "kyiv_hpp", "kaniv_hpp"} <= by_type["dam"]
    [kakhovka] = [r for r in raw_rows() if r["id"] == "kakhovka_dam"]
    assert "destroyed" in kakhovka["note"].lower()


def test_every_site_lies_in_its_country() -> None:
    known = countries_by_iso2()
    outside = []
    for r in raw_rows():
        lat, lon = float(r["lat"]), float(r["lon"])
        iso3, polygon = known[r["country"]]
        if polygon.contains(shapely.Point(lon, lat)):  # type: ignore[attr-defined]
            continue
        assert r["type"] in COASTAL_TYPES, f"{r['id']} is outside {r['country']}"
        d = min_distance_km(lat, lon, country_boundary(iso3))
        assert d <= COAST_TOLERANCE_KM, (r["id"], d)
        outside.append(r["id"])
    assert len(outside) <= 5  # the exception stays an exception


@pytest.mark.parametrize(("site", "town", "country", "km"), NEAR_TOWNS)
def test_sites_are_near_the_town_they_are_known_by(
    site: str, town: str, country: str, km: float
) -> None:
    [row] = [r for r in raw_rows() if r["id"] == site]
    lat, lon = csv_place(town, country=country)
    d = float(geod_km(float(row["lat"]), float(row["lon"]), lat, lon)[0])
    assert d <= km, f"{site} is {d:.1f} km from {town}"


def test_dams_and_crossings_are_on_the_dnipro() -> None:
    data = json.loads((GEODATA / "rivers.geojson").read_text(encoding="utf-8"))
    [dnipro] = [shapely.geometry.shape(f["geometry"]) for f in data["features"]
                if f["properties"]["name"] == "Dnipro"]  # fmt: skip
    dense = densify(shapely.get_coordinates(dnipro), 200.0)
    for r in raw_rows():
        if r["type"] in ("dam", "crossing"):
            d = min_distance_km(float(r["lat"]), float(r["lon"]), dense)
            assert d <= DNIPRO_TOLERANCE_KM, (r["id"], d)


def test_only_zaporizhzhia_plant_is_in_the_occupied_area() -> None:
    data = json.loads((GEODATA / "occupied_2025-03.geojson").read_text(encoding="utf-8"))
    area = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in data["features"]])
    inside = {r["id"] for r in raw_rows() if r["type"] == "nuclear_power_plant" and r["country"] == "UA"
              and area.contains(shapely.Point(float(r["lon"]), float(r["lat"])))}  # fmt: skip
    assert inside == {"zaporizhzhia_npp"}


# ------------------------------------------------------------------------------------------------ selection
def test_selection_by_type_country_and_id() -> None:
    rows = raw_rows()
    poland = keysites.key_sites(countries=["Poland"])
    assert {s.id for s in poland} == {r["id"] for r in rows if r["country"] == "PL"}
    assert keysites.key_sites(countries=["POL"]) == poland == keysites.key_sites(countries=["pl"])
    npp = keysites.key_sites(
        types=["nuclear_power_plant"], countries=["UA"], exclude=["chornobyl_npp"]
    )
    assert [s.id for s in npp] == [r["id"] for r in rows if r["type"] == "nuclear_power_plant"
                                   and r["country"] == "UA" and r["id"] != "chornobyl_npp"]  # fmt: skip
    assert [s.id for s in keysites.key_sites(ids=["kakhovka_dam"])] == ["kakhovka_dam"]
    with pytest.raises(UsageError, match="did you mean airbase"):
        keysites.key_sites(types=["airbse"])
    with pytest.raises(UsageError, match="unknown key-site id 'nowhere'"):
        keysites.key_sites(ids=["nowhere"])
    with pytest.raises(PlaceError, match="unknown country"):
        keysites.key_sites(countries=["Narnia"])


BAD_ROWS = [
    ("a_site,A,airbase,UA,50.1,30.1,s,\na_site,B,airbase,UA,50.2,30.2,s,\n", "row 3 ('a_site'): id 'a_site' also on row 2"),
    ("a_site,A,castle,UA,50.1,30.1,s,\n", "row 2 ('a_site'): type 'castle' is not one of"),
    ("a_site,A,airbase,UA,95.0,30.1,s,\n", "row 2 ('a_site'): lat '95.0' is not within -90..90"),
    ("a_site,A,airbase,UA,north,30.1,s,\n", "row 2 ('a_site'): lat 'north' is not a number"),
    ("a_site,A,airbase,Ukraine,50.1,30.1,s,\n", "country 'Ukraine' is not an ISO 3166 alpha-2 code"),
    ("a_site,A,airbase,UA,50.1,30.1,,\n", "row 2 ('a_site'): source is empty"),
    ("a_site,A,airbase,UA,50.1,30.1,s,n,extra\n", "more than the 8 columns"),
    ("A Site,A,airbase,UA,50.1,30.1,s,\n", "id 'A Site' is not lower-case"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "message"), BAD_ROWS)
def test_bad_rows_are_geodata_errors_naming_the_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, message: str
) -> None:
    (tmp_path / "key_sites.csv").write_text(
        ",".join(keysites.COLUMNS) + "\n" + body, encoding="utf-8"
    )
    monkeypatch.setenv("MAPPER_GEODATA", str(tmp_path))
    with pytest.raises(GeodataError) as err:
        keysites.key_sites()
    assert message in str(err.value) and "key_sites.csv" in str(err.value)


def test_a_missing_column_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "key_sites.csv").write_text(
        "id,name,type,country,latitude,lon,source,note\n", encoding="utf-8"
    )
    monkeypatch.setenv("MAPPER_GEODATA", str(tmp_path))
    with pytest.raises(GeodataError, match="missing columns lat"):
        keysites.key_sites()


def test_key_sites_are_not_an_input_of_the_prepared_products(tmp_path: Path) -> None:
    for path in prepared.product_inputs():
        shutil.copy(path, tmp_path / path.name)
    shutil.copy(CSV, tmp_path / CSV.name)
    assert CSV.name not in [p.name for p in prepared.product_inputs()]
    before = prepared.inputs_key(tmp_path)
    assert (
        before == prepared.inputs_key()
    )  # the same inputs, the same key as the committed products'
    with (tmp_path / CSV.name).open("a", encoding="utf-8") as fh:
        fh.write("extra_site,Extra,airport,UA,50.0000,30.0000,test,\n")
    prepared._inputs_key.cache_clear()
    assert prepared.inputs_key(tmp_path) == before
    with (tmp_path / "places.csv").open(
        "a", encoding="utf-8"
    ) as fh:  # a real input still changes it
        fh.write(",Extra,,UA,Kyiv,1,50.0,30.0,test,\n")
    prepared._inputs_key.cache_clear()
    assert prepared.inputs_key(tmp_path) != before


# ------------------------------------------------------------------------------------------------ mapper sites
def test_cli_lists_sites_in_each_format(run_cli: RunCli) -> None:
    rows = [r for r in raw_rows() if r["type"] == "airbase"]
    result = run_cli("sites", "--type", "airbase")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "type", "cc", "lat", "lon", "name"]
    assert [line.split()[0] for line in lines[1:-1]] == [r["id"] for r in rows]
    assert lines[-1] == f"{len(rows)} key sites"
    as_json = json.loads(run_cli("sites", "--type", "airbase", "-f", "json").stdout)
    assert [(d["id"], d["lat"], d["lon"]) for d in as_json] == [
        (r["id"], float(r["lat"]), float(r["lon"])) for r in rows
    ]
    as_csv = list(
        csv.DictReader(run_cli("sites", "--country", "RO", "-f", "csv").stdout.splitlines())
    )
    assert as_csv == [r for r in raw_rows() if r["country"] == "RO"]
    bad = run_cli("sites", "--type", "castle")
    assert bad.exit_code == 2 and "unknown key-site type 'castle'" in bad.stderr


# ------------------------------------------------------------------------------------------------ the brief
HEAD = """\
format: 1
brief: t
title: T
date: 2025-03-27
option: {id: s, name: Suggested, colour: navy}
units:
  - {name: AD, nation: FR, count: 1, troops: 100, radius_km: 50}
"""


def test_brief_takes_key_sites_as_candidates_and_demand(tmp_path: Path) -> None:
    text = HEAD + (
        "candidates:\n  key_sites: {types: [airbase, airport], countries: [UA]}\n"
        "demand:\n  key_sites: {types: nuclear_power_plant, countries: [Ukraine], weight: 1000}\n"
    )
    brief = load_brief_text(text, name="b.yaml", base_dir=tmp_path)
    inst = build_instance(brief)
    rows = raw_rows()
    cand = {r["name"] for r in rows if r["type"] in ("airbase", "airport") and r["country"] == "UA"}
    assert {c.name for c in inst.candidates} == cand
    assert {c.source for c in inst.candidates} == {"key_site"}
    # demand: the plants outside the occupied area (Zaporizhzhia is inside it), each with the weight
    plants = [r["name"] for r in rows if r["type"] == "nuclear_power_plant" and r["country"] == "UA"
              and r["id"] != "zaporizhzhia_npp"]  # fmt: skip
    assert [(d.name, d.kind, d.weight) for d in inst.demand] == [
        (n, "site", 1000.0) for n in plants
    ]
    everything = load_brief_text(
        text.replace("weight: 1000}", "weight: 1000, include_occupied: true}"),
        name="b.yaml",
        base_dir=tmp_path,
    )
    assert len(everything.demand.sites) == len(plants) + 1


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        ("{types: [castle], weight: 1}", "demand.key_sites.types[0]:"),
        ("{ids: [rivne_np], weight: 1}", "demand.key_sites.ids[0]: unknown key site 'rivne_np'; did you mean rivne_npp"),
        ("{exclude: [nowhere], weight: 1}", "demand.key_sites.exclude[0]: unknown key site 'nowhere'"),
        ("{countries: [Narnia], weight: 1}", "demand.key_sites.countries[0]: unknown country 'Narnia'"),
        ("{types: [nuclear_power_plant]}", "demand.key_sites.weight: missing required key 'weight'"),
        ("{ids: [zaporizhzhia_npp], weight: 1}", "demand.key_sites: no bundled key site matches outside the occupied area (1 inside it left out)"),
        ("{types: [seaport], countries: [PL], weight: 1}", "demand.key_sites: no bundled key site matches;"),
    ],
)  # fmt: skip
def test_brief_key_site_errors_are_located(tmp_path: Path, selection: str, message: str) -> None:
    text = HEAD + "candidates:\n  list: [{at: Kyiv}]\n" + f"demand:\n  key_sites: {selection}\n"
    with pytest.raises(ScenarioError) as err:
        load_brief_text(text, name="b.yaml", base_dir=tmp_path)
    shown = [p.format() for p in err.value.problems if p.severity == "error"]
    assert any(message in line for line in shown), shown
    assert all(line.startswith("b.yaml:11:") for line in shown), shown

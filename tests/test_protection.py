"""What each option protects (mapper.protection, issue #16 item 4): key sites inside its rings and people under its
air defence, in `mapper analyze` (table, JSON, CSV, --key-sites), `mapper compare` and the Python API.

Every figure is checked against an independent computation: the key sites read from geodata/key_sites.csv and the
places from geodata/places.csv with the csv module, distances with the tests' own pyproj.Geod (support.reference),
and a key site's distances against `mapper analyze` of a force placed at its coordinates.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jsonschema
import numpy as np
import pytest
from support.cli import run_cli
from support.reference import EXAMPLES, GEOD, GEODATA, REPO

import mapper
from mapper.keysites import all_sites
from mapper.protection import KEY_SITE_COLUMNS, option_protection
from mapper.scenario import Force, Location, Option

SCHEMA = json.loads((REPO / "schema" / "analysis.schema.json").read_text(encoding="utf-8"))
BLACK_SEA = REPO / "scenarios" / "black_sea.yaml"
KEY_CITIES = REPO / "scenarios" / "key_cities.yaml"
HOSTILE = '=HYPERLINK("http://x.test") <script>alert(1)</script> {{ 7*7 }} | *b* ${x}'


def _csv_sites() -> list[dict[str, str]]:
    with (GEODATA / "key_sites.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _csv_places(countries: tuple[str, ...]) -> list[tuple[float, float, int, str]]:
    with (GEODATA / "places.csv").open(encoding="utf-8", newline="") as f:
        return [
            (float(r["lat"]), float(r["lon"]), int(r["population"]), r["country"])
            for r in csv.DictReader(f)
            if r["country"] in countries
        ]


def _json(*args: Any) -> dict[str, Any]:
    result = run_cli("analyze", *args, "-f", "json")
    assert result.exit_code == 0, result
    return json.loads(result.stdout)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2]) / 1000.0


def _write(tmp_path: Path, body: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------------------------------------------
# Sites inside rings: an independent point-in-ring check for every example


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_sites_in_rings_equal_an_independent_geodesic_check(path: Path) -> None:
    data = _json(path)
    scenario = mapper.load(path)
    sites = _csv_sites()
    assert [k["id"] for k in data["key_sites"]] == [s["id"] for s in sites]
    by_site: dict[str, list[dict[str, Any]]] = {s["id"]: [] for s in sites}
    for opt_json in data["options"]:
        option = next(o for o in scenario.options if o.id == opt_json["id"])
        want_ad: dict[str, list[str]] = {}
        want_other: dict[str, list[str]] = {}
        for f in option.forces:
            if not f.range_km:
                continue
            ad = "air_defence" in (f.role, f.kind)
            for s in sites:
                if (
                    _km(f.location.lat, f.location.lon, float(s["lat"]), float(s["lon"]))
                    <= f.range_km
                ):
                    (want_ad if ad else want_other).setdefault(s["id"], []).append(f.name)
                    by_site[s["id"]].append(
                        {"option": option.id, "force": f.name, "air_defence": ad}
                    )
        prot = opt_json["protection"]
        got = {k["id"]: k for k in prot["key_sites"]}
        assert set(got) == set(want_ad) | set(want_other), option.id
        for ident, k in got.items():
            assert k["air_defence"] == want_ad.get(ident, [])
            assert k["other_rings"] == want_other.get(ident, [])
        assert prot["key_sites_under_air_defence"] == len(want_ad)
        assert prot["key_sites_in_rings"] == len(set(want_ad) | set(want_other))
    for k in data["key_sites"]:
        assert sorted(map(json.dumps, k["covered_by"])) == sorted(map(json.dumps, by_site[k["id"]]))


def test_the_black_sea_air_defence_covers_the_odesa_ports() -> None:
    prot = _json(BLACK_SEA)["options"][0]["protection"]
    ad = {k["id"] for k in prot["key_sites"] if k["air_defence"]}
    # Odesa air defence (100 km ring at Odesa): Odesa, Chornomorsk and Pivdennyi, not Mykolaiv (~110 km) or Izmail
    assert {"odesa_port", "chornomorsk_port", "pivdennyi_port"} <= ad
    assert not {"mykolaiv_port", "izmail_port", "constanta_port"} & ad
    assert (
        _km(46.482, 30.7233, 46.9333, 31.9667) > 100
    )  # why Mykolaiv is outside (Odesa's gazetteer point)


# ----------------------------------------------------------------------------------------------------------------
# A key site is measured exactly as a force at its point


def test_key_site_distances_equal_a_force_at_the_site(tmp_path: Path) -> None:
    sites = _csv_sites()
    forces = "".join(
        f"      - {{name: f{i}, nation: FR, troops: 10, at: {{lat: {s['lat']}, lon: {s['lon']}}}}}\n"
        for i, s in enumerate(sites)
    )
    path = _write(
        tmp_path,
        "format: 1\nid: probe\ntitle: Probe\ndate: 2025-03-27\noptions:\n"
        "  - id: a\n    name: A\n    colour: navy\n    forces:\n" + forces,
    )
    data = _json(path)
    measured = data["options"][0]["forces"]
    assert len(measured) == len(data["key_sites"]) == len(sites)
    for site, force in zip(data["key_sites"], measured, strict=True):
        for key in (
            "distance_to_front_km",
            "distance_to_hostile_territory_km",
            "nearest_hostile",
            "band",
            "in_occupied_area",
            "distance_accuracy_km",
        ):
            assert site[key] == force[key], (site["id"], key)
    zap = next(k for k in data["key_sites"] if k["id"] == "zaporizhzhia_npp")
    assert zap["in_occupied_area"] and zap["distance_to_hostile_territory_km"] == 0.0


# ----------------------------------------------------------------------------------------------------------------
# People under air defence: an independent count over geodata/places.csv

RINGS = """\
format: 1
id: rings
title: Rings
date: 2025-03-27
coverage: {countries: [Ukraine, Moldova]}
options:
  - id: a
    name: A
    colour: navy
    forces:
      - {name: Odesa SAM, nation: FR, troops: 500, kind: air_defence, range_km: 100, at: Odesa}
      - {name: Fighters, nation: GB, troops: 800, kind: fighter, role: air_policing, range_km: 120, at: Mykolaiv}
      - {name: Guard, nation: PL, troops: 300, at: Vinnytsia}
  - id: none
    name: No rings
    colour: darkgreen
    forces:
      - {name: Brigade, nation: FR, troops: 5000, at: Cherkasy}
"""


def _people(rings: list[tuple[float, float, float]], countries: tuple[str, ...]) -> dict[str, int]:
    out = dict.fromkeys(countries, 0)
    for lat, lon, pop, cc in _csv_places(countries):
        if any(_km(rlat, rlon, lat, lon) <= r for rlat, rlon, r in rings):
            out[cc] += pop
    return out


def test_people_under_air_defence_equal_an_independent_count(tmp_path: Path) -> None:
    path = _write(tmp_path, RINGS)
    data = _json(path)
    scenario = mapper.load(path)
    forces = {f.name: f for f in scenario.options[0].forces}
    sam, fighters = forces["Odesa SAM"], forces["Fighters"]
    ring = [(sam.location.lat, sam.location.lon, 100.0)]
    both = [*ring, (fighters.location.lat, fighters.location.lon, 120.0)]
    prot = data["options"][0]["protection"]
    air, union = _people(ring, ("UA", "MD")), _people(both, ("UA", "MD"))
    assert prot["population_under_air_defence_by_country"] == air
    assert prot["population_under_air_defence"] == sum(air.values()) > 1_000_000
    assert prot["population_in_rings_by_country"] == union
    assert prot["population_in_rings"] == sum(union.values()) > sum(air.values())
    assert prot["population_in_rings"] == data["options"][0]["summary"]["population_covered"]
    assert air["MD"] > 0  # the Odesa ring reaches into Moldova, which the scenario counts
    # the fighter ring is not air defence: its sites are "other rings" (Mykolaiv port)
    other = {k["id"]: k for k in prot["key_sites"]}
    assert other["mykolaiv_port"] == {
        "id": "mykolaiv_port",
        "name": "Port of Mykolaiv",
        "air_defence": [],
        "other_rings": ["Fighters"],
    }


def test_an_option_without_rings_protects_nothing(tmp_path: Path) -> None:
    data = _json(_write(tmp_path, RINGS))
    prot = data["options"][1]["protection"]
    assert prot == {
        "key_sites_under_air_defence": 0,
        "key_sites_in_rings": 0,
        "key_sites": [],
        "population_under_air_defence": 0,
        "population_under_air_defence_by_country": {"UA": 0, "MD": 0},
        "population_in_rings": 0,
        "population_in_rings_by_country": {"UA": 0, "MD": 0},
    }
    assert all(c["option"] != "none" for k in data["key_sites"] for c in k["covered_by"])
    table = run_cli("analyze", tmp_path / "s.yaml").stdout
    assert "Protects: no key sites; 0 people under air defence" in table


# ----------------------------------------------------------------------------------------------------------------
# The JSON contract


def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def test_schema_validates_and_requires_the_new_json(tmp_path: Path) -> None:
    data = _json(_write(tmp_path, RINGS))
    assert not list(_validator().iter_errors(data))
    assert (
        "key_sites" in SCHEMA["required"] and "protection" in SCHEMA["$defs"]["option"]["required"]
    )
    for broken in (
        {k: v for k, v in data.items() if k != "key_sites"},
        {**data, "key_sites": [{**data["key_sites"][0], "band": 3}]},
        {**data, "options": [{**data["options"][0], "protection": {"key_sites_in_rings": -1}}]},
    ):
        assert not _validator().is_valid(broken)


# ----------------------------------------------------------------------------------------------------------------
# mapper analyze --key-sites, in the three formats


def test_key_sites_json_csv_and_table() -> None:
    full = _json(KEY_CITIES)
    doc = _json(KEY_CITIES, "--key-sites")
    assert doc["format"] == "mapper-key-sites/1"
    assert doc["key_sites"] == full["key_sites"]
    site_schema = {**SCHEMA["$defs"]["key_site"], "$defs": SCHEMA["$defs"]}
    for k in doc["key_sites"]:
        jsonschema.Draft202012Validator(site_schema).validate(k)
    result = run_cli("analyze", KEY_CITIES, "--key-sites", "-f", "csv")
    assert result.exit_code == 0, result
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.stdout.splitlines()[0].split(",") == list(KEY_SITE_COLUMNS)
    assert len(rows) == len(doc["key_sites"]) == len(all_sites())
    for row, k in zip(rows, doc["key_sites"], strict=True):
        assert (
            row["id"] == k["id"] and float(row["distance_to_front_km"]) == k["distance_to_front_km"]
        )
        assert row["band"] == k["band"] and row["in_occupied_area"] == str(k["in_occupied_area"])
        assert row["covered_by"] == ";".join(f"{c['option']}:{c['force']}" for c in k["covered_by"])
    assert any(r["covered_by"] == "cities:Odesa air defence" for r in rows)
    table = run_cli("analyze", KEY_CITIES, "--key-sites")
    assert table.exit_code == 0, table
    lines = table.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "Port of Odesa: cities: Odesa air defence (air defence)" in table.stdout
    covered = sum(1 for k in doc["key_sites"] if k["covered_by"])
    assert f"Inside coverage rings: {covered} of {len(all_sites())}" in table.stdout


def test_key_sites_excludes_over_time() -> None:
    result = run_cli("analyze", KEY_CITIES, "--key-sites", "--over-time")
    assert result.exit_code == 2 and "--key-sites and --over-time" in result.stderr


def test_the_analysis_table_lists_key_sites_by_band_and_what_each_option_protects() -> None:
    data = _json(BLACK_SEA)
    text = run_cli("analyze", BLACK_SEA).stdout
    assert max(len(line) for line in text.splitlines()) <= 80
    flat = " ".join(text.split())
    prot = data["options"][0]["protection"]
    assert (
        f"Protects: {prot['key_sites_in_rings']} key sites, {prot['key_sites_under_air_defence']} under air "
        f"defence (Port of Odesa, Port of Chornomorsk, Port of Pivdennyi, Odesa International Airport); "
        f"{prot['population_under_air_defence']:,} people under air defence" in flat
    )
    section = flat.split("Key sites by band", 1)[1]
    for band in {k["band"] for k in data["key_sites"]}:
        names = [k["name"] for k in data["key_sites"] if k["band"] == band]
        assert f"{band} ({len(names)}): " in section
    assert "Zaporizhzhia nuclear power plant (occupied)" in section


# ----------------------------------------------------------------------------------------------------------------
# Hostile text in force names stays text


def test_hostile_force_names_stay_text(tmp_path: Path) -> None:
    name = json.dumps(HOSTILE)  # a YAML double-quoted scalar
    path = _write(
        tmp_path,
        RINGS.replace("name: Odesa SAM", f"name: {name}"),
    )
    data = _json(path)
    held = {k["id"]: k for k in data["options"][0]["protection"]["key_sites"]}
    assert held["odesa_port"]["air_defence"] == [HOSTILE]
    table = run_cli("analyze", path).stdout + run_cli("analyze", path, "--key-sites").stdout
    assert "<script>alert(1)</script> {{ 7*7 }}" in table and "=HYPERLINK" in table
    rows = list(
        csv.DictReader(io.StringIO(run_cli("analyze", path, "--key-sites", "-f", "csv").stdout))
    )
    cells = [r["covered_by"] for r in rows if r["covered_by"]]
    assert cells and all(not c.startswith(("=", "+", "-", "@")) for c in cells)
    assert any(f"a:{HOSTILE}" in c for c in cells)


# ----------------------------------------------------------------------------------------------------------------
# The comparison: rows, JSON and ranking


def test_comparison_rows_and_ranking(tmp_path: Path) -> None:
    from mapper.comparison import load_comparison
    from mapper.comparison.text import to_json, to_table

    paths = [BLACK_SEA, KEY_CITIES, _write(tmp_path, RINGS)]
    want = {}
    for p in paths:
        for o in _json(p)["options"]:
            want[o["id"]] = o["protection"]
    c = load_comparison(paths)
    rank_by = "key_sites_under_air_defence,population_under_air_defence,key_sites_in_rings"
    doc = json.loads(to_json(c, rank_by))
    for rec in doc["options"]:
        for key in (
            "key_sites_under_air_defence",
            "key_sites_in_rings",
            "population_under_air_defence",
        ):
            assert rec[key] == want[rec["option"]][key], (rec["key"], key)
    ranks = {r["criterion"]: r for r in doc["ranking"]}
    best = max(want, key=lambda k: want[k]["key_sites_under_air_defence"])
    assert ranks["key_sites_under_air_defence"]["best"] == [best] == ["cities"]
    assert ranks["population_under_air_defence"]["ranks"]["none"] == len(want)
    table = to_table(c, rank_by)
    for label in (
        "Key sites under air defence",
        "Key sites inside any ring",
        "People under air defence",
    ):
        assert label in table
    df = mapper.compare(paths)
    assert df.loc["none", "key_sites_in_rings"] == 0
    assert (
        df.loc["cities", "population_under_air_defence"]
        == want["cities"]["population_under_air_defence"]
    )


# ----------------------------------------------------------------------------------------------------------------
# The Python API


def test_api_sites_and_protection(tmp_path: Path) -> None:
    analysis = mapper.analyze(_write(tmp_path, RINGS))
    cli = _json(tmp_path / "s.yaml")
    assert analysis.to_dict() == cli
    sites = analysis.sites
    assert sites.crs.to_epsg() == 4326 and set(sites.geom_type) == {"Point"}
    assert list(sites.columns) == [*KEY_SITE_COLUMNS, "geometry"]
    assert list(sites["id"]) == [k["id"] for k in cli["key_sites"]]
    assert list(sites["distance_to_front_km"]) == [
        k["distance_to_front_km"] for k in cli["key_sites"]
    ]
    assert sites.geometry.x.tolist() == pytest.approx([k["lon"] for k in cli["key_sites"]])
    prot = analysis.protection
    assert list(prot.index) == ["a", "none"]
    for o in cli["options"]:
        p = o["protection"]
        row = prot.loc[o["id"]]
        assert row["key_sites_under_air_defence"] == p["key_sites_under_air_defence"]
        assert row["population_under_air_defence"] == p["population_under_air_defence"]
        assert (
            row["population_under_air_defence.MD"]
            == p["population_under_air_defence_by_country"]["MD"]
        )
    assert {"sites", "protection"} <= set(dir(analysis))


# ----------------------------------------------------------------------------------------------------------------
# Speed: 2,000 rings × every key site


def test_two_thousand_rings_are_fast() -> None:
    rng = np.random.default_rng(16)
    forces = tuple(
        Force(
            name=f"r{i}",
            nation="FR",
            troops=1,
            location=Location(float(lat), float(lon), "x"),
            range_km=float(r),
        )
        for i, (lat, lon, r) in enumerate(
            zip(
                rng.uniform(44, 52, 2000),
                rng.uniform(22, 40, 2000),
                rng.uniform(20, 300, 2000),
                strict=True,
            )
        )
    )
    option = Option(id="many", name="Many", colour="#000080", forces=forces)
    result = SimpleNamespace(
        id="many",
        option=option,
        summary=SimpleNamespace(population_covered=0, population_covered_by_country={}),
    )
    scenario = SimpleNamespace(coverage_countries=("UA",))
    timings = []
    for _ in range(3):  # the best of three: the machine is shared
        start = time.perf_counter()
        prot = option_protection(result, scenario)  # type: ignore[arg-type]
        timings.append(time.perf_counter() - start)
    elapsed = min(timings)  # measured ~0.012 s
    assert elapsed < 0.2, elapsed
    # and right: the first site's rings, by the tests' own geodesic
    s = all_sites()[0]
    want = [
        f.name for f in forces if _km(f.location.lat, f.location.lon, s.lat, s.lon) <= f.range_km
    ]
    got = next((c for c in prot.sites if c.site.id == s.id), None)
    assert (list(got.other) if got else []) == want

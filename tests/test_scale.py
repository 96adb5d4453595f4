"""Costs that grow gently with the number of forces (issue #20), checked for what they must not change.

The vectorised analysis (every site of an option measured in one call, nearest hubs and coverage rings from one
call over all pairs) gives exactly the floats of measuring each site alone; the HTML map's site markers rendered
verbatim give the bytes folium's own classes give; the static map's grid-indexed collision test answers as a
scan over every box; and a 2,000-site scenario (bench/bench_scale.py's generator) is drawn with every site
accounted for and no two labels overlapping. Timings live in the bench, not here.
"""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import random
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from support.reference import EXAMPLES
from support.staticfig import record_drawn_sites, text_overlaps

from mapper import analysis, geodesy
from mapper.coverage import place_arrays
from mapper.loader import load_scenario, load_scenario_text
from mapper.pipeline import prepare
from mapper.scenario import Force

ROOT = Path(__file__).resolve().parents[1]


def _bench_scale():
    spec = importlib.util.spec_from_file_location("bench_scale", ROOT / "bench" / "bench_scale.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_scale", module)
    spec.loader.exec_module(module)
    return module


bench_scale = _bench_scale()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded random scenario of 150 sites (forces at explicit points, hubs, rings, scoped constraints)."""
    return bench_scale.write_scenario(tmp_path_factory.mktemp("scale") / "s150.yaml", 150, seed=7)


def test_the_generator_is_seeded_and_valid(generated: Path) -> None:
    assert bench_scale.scenario_text(150, seed=7) == generated.read_text(encoding="utf-8")
    assert bench_scale.scenario_text(150, seed=8) != bench_scale.scenario_text(150, seed=7)
    scenario = load_scenario(generated)
    sites = [s for o in scenario.options for s in (*o.forces, *o.hubs)]
    assert len(sites) == 150
    assert sum(len(o.hubs) for o in scenario.options) == 3
    assert any(f.range_km for o in scenario.options for f in o.forces)


def _alone(option, site):
    """The option reduced to one site (with every hub for a force, so its nearest hub is the same)."""
    if isinstance(site, Force):
        return dataclasses.replace(option, forces=(site,), lines=(), areas=(), zones=())
    return dataclasses.replace(option, forces=(), hubs=(site,), lines=(), areas=(), zones=())


def _assert_same_as_one_by_one(scenario) -> int:
    ref = analysis._reference(scenario)
    result = analysis.analyze(scenario)
    checked = 0
    for opt, res in zip(scenario.options, result.options, strict=True):
        for site, metrics in zip((*opt.forces, *opt.hubs), (*res.forces, *res.hubs), strict=True):
            one = analysis.analyze_option(_alone(opt, site), scenario, ref)
            (alone,) = one.forces or one.hubs
            assert alone == metrics, site.name  # every compared field, floats exactly
            assert alone.population_covered_by_country == metrics.population_covered_by_country
            assert alone.hub is metrics.hub
            checked += 1
    return checked


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_vectorised_analysis_equals_each_site_alone_on_the_examples(path: Path) -> None:
    assert _assert_same_as_one_by_one(load_scenario(path)) > 0


def test_vectorised_analysis_equals_each_site_alone_on_a_random_scenario(generated: Path) -> None:
    assert _assert_same_as_one_by_one(load_scenario(generated)) == 150


def test_nearest_hub_and_rings_match_a_direct_computation(generated: Path) -> None:
    """Independent of the analysis's own helpers: one geodesic call per force for its hubs and its ring."""
    scenario = load_scenario(generated)
    lat, lon, pop, _cc = place_arrays(tuple(scenario.coverage_countries))
    result = analysis.analyze(scenario)
    for opt, res in zip(scenario.options, result.options, strict=True):
        for force, metrics in zip(opt.forces, res.forces, strict=True):
            if opt.hubs:
                d = [
                    float(
                        geodesy.point_distance_km(
                            lat1=force.location.lat,
                            lon1=force.location.lon,
                            lat2=h.location.lat,
                            lon2=h.location.lon,
                        )[0]
                    )
                    for h in opt.hubs
                ]
                j = d.index(min(d))
                assert (metrics.hub, metrics.distance_to_nearest_hub_km) == (opt.hubs[j], d[j])
            if force.range_km:
                d_all = geodesy.point_distance_km(
                    lat1=force.location.lat, lon1=force.location.lon, lat2=lat, lon2=lon
                )
                assert metrics.population_covered == int(pop[d_all <= force.range_km].sum())


def test_analysis_of_one_option_with_hubs_only_and_no_rings() -> None:
    text = bench_scale.scenario_text(60, seed=3)
    scenario = load_scenario_text(re.sub(r", range_km: \d+", "", text))
    result = analysis.analyze(scenario)
    assert all(f.population_covered is None for o in result.options for f in o.forces)
    assert all(o.summary.population_covered == 0 for o in result.options)
    hubs_only = dataclasses.replace(scenario.options[0], forces=())
    alone = analysis.analyze_option(hubs_only, scenario)
    assert alone.forces == () and len(alone.hubs) == len(hubs_only.hubs) == 1


def test_grid_collision_test_answers_as_a_scan_over_every_box() -> None:
    from mapper.staticmap.boxes import Boxes

    rng = random.Random(5)
    boxes = Boxes()
    every: list[tuple[float, float, float, float]] = []

    def box(big: bool = False) -> tuple[float, float, float, float]:
        x, y = rng.uniform(-100, 1700), rng.uniform(-100, 1100)
        w, h = (rng.uniform(3000, 9000), 40) if big else (rng.uniform(1, 120), rng.uniform(1, 40))
        return (x, y, x + w, y + h)

    for k in range(600):
        b = box(big=k % 150 == 0)
        expect = not any(b[0] < c[2] and c[0] < b[2] and b[1] < c[3] and c[1] < b[3] for c in every)
        assert boxes.free(b) == expect
        if k % 2:
            boxes.add(b)
            every.append(b)
    assert boxes.free((-1e9, -1e9, 1e9, 1e9)) is False  # covers every cell: the scan over all boxes


def test_site_markers_render_the_bytes_of_folium_classes(monkeypatch) -> None:
    import folium

    from mapper.api import Map
    from mapper.render import layers

    prepared = prepare(EXAMPLES[0])
    ours = Map(prepared).html
    monkeypatch.setattr(layers, "SiteMarker", folium.Marker)
    monkeypatch.setattr(layers, "SiteIcon", folium.DivIcon)
    assert Map(prepared).html == ours
    # one icon per force and hub, and one per bundled key site (the hidden "Key sites" layer)
    with (ROOT / "geodata" / "key_sites.csv").open(encoding="utf-8", newline="") as f:
        key_sites = sum(1 for _ in csv.DictReader(f))
    assert len(re.findall(r"\.setIcon\(div_icon_\w+\)", ours)) == key_sites + sum(
        len(o.forces) + len(o.hubs) for o in prepared.options
    )


def test_static_map_of_two_thousand_sites(tmp_path: Path, monkeypatch) -> None:
    import mapper.staticmap as staticmap

    drawn = record_drawn_sites(monkeypatch)
    prepared = prepare(bench_scale.write_scenario(tmp_path / "s2000.yaml", 2000))
    sites = [s for o in prepared.options for s in (*o.forces, *o.hubs)]
    assert len(sites) == 2000
    fig = staticmap.draw_figure(prepared)
    fig.canvas.draw()
    assert (
        sum(s.count for s in drawn) == 2000
    )  # every site drawn, alone or in a stack that counts it
    assert sum(s.troops for s in drawn) == sum(s.troops for s in sites)
    assert len(drawn) > 50  # spread over western Ukraine: many symbols, not one heap
    assert text_overlaps(fig) == []
    labelled = {t.get_text().split("\n")[0] for t in fig.axes[0].texts}
    assert sum(1 for s in drawn if s.label.split("\n")[0] in labelled) > 20
    assert np.isfinite([s.x + s.dx for s in drawn]).all()

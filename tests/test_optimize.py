"""The placement solvers (``mapper.optimize``) against brute force over every placement of small seeded random
instances, the greedy baseline against the MILP, distinct alternatives, a time-limited solve and the infeasible
cases. Instances are built directly from ``mapper.placement``'s dataclasses (no brief, no geodesy)."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import numpy as np
import pytest

from mapper.errors import MapperError
from mapper.optimize import (
    MILP_REL_GAP,
    explain,
    objective_of,
    solve_alternatives,
    solve_greedy,
    solve_milp,
)
from mapper.placement import Candidate, Demand, Instance, UnitType


def _units(counts: list[int], troops: int = 100) -> tuple[UnitType, ...]:
    return tuple(
        UnitType(f"u{t}", f"Unit {t}", "air_defence", None, "UA", n, troops, 50.0)
        for t, n in enumerate(counts)
    )


def _instance(
    covers: list[list[list[int]]],
    weights: list[float],
    counts: list[int],
    *,
    max_per_site: int = 1,
    troop_budget: int | None = None,
) -> Instance:
    n_cand = len(covers[0])
    return Instance(
        units=_units(counts),
        candidates=tuple(
            Candidate(f"c{j}", 48.0, 31.0, "UA", "list", 100.0, 100.0) for j in range(n_cand)
        ),
        demand=tuple(
            Demand(f"d{i}", 48.0, 31.0, float(w), "population", "UA") for i, w in enumerate(weights)
        ),
        covers=[[np.asarray(sorted(c), dtype=np.int64) for c in per_site] for per_site in covers],
        max_per_site=max_per_site,
        troop_budget=troop_budget,
    )


def _random_instance(seed: int, max_per_site: int) -> Instance:
    """3 units of 1-2 types, 25 candidates, 60 demand points with integer weights (people), random coverage."""
    rng = np.random.default_rng(seed)
    counts = [3] if rng.random() < 0.5 else [2, 1]
    n_cand, n_dem = 25, 60
    covers = [
        [
            rng.choice(n_dem, size=int(rng.integers(0, 13)), replace=False).tolist()
            for _ in range(n_cand)
        ]
        for _ in counts
    ]
    weights = rng.integers(1, 5_000, size=n_dem).tolist()
    return _instance(covers, weights, counts, max_per_site=max_per_site)


def _by_site_set(instance: Instance) -> dict[frozenset[int], float]:
    """Brute force: every placement (each unit at any candidate within max_per_site), the best objective per
    set of sites used."""
    slots = [t for t, u in enumerate(instance.units) for _ in range(u.count)]
    best: dict[frozenset[int], float] = {}
    for sites in itertools.product(range(len(instance.candidates)), repeat=len(slots)):
        if np.bincount(sites).max() > instance.max_per_site:
            continue
        value = objective_of(instance, tuple(zip(slots, sites, strict=True)))
        key = frozenset(sites)
        best[key] = max(best.get(key, -1.0), value)
    return best


def _placement_is_valid(instance: Instance, placements: tuple[tuple[int, int], ...]) -> bool:
    counts = [sum(1 for t, _ in placements if t == k) for k in range(len(instance.units))]
    per_site = np.bincount([j for _, j in placements], minlength=len(instance.candidates))
    return counts == [u.count for u in instance.units] and per_site.max() <= instance.max_per_site


@pytest.mark.parametrize("max_per_site", [1, 2])
def test_milp_equals_brute_force_and_greedy_never_beats_it(max_per_site: int) -> None:
    greedy_worse = 0
    for seed in range(12):
        instance = _random_instance(seed, max_per_site)
        exact = max(_by_site_set(instance).values())
        milp = solve_milp(instance)
        greedy = solve_greedy(instance)
        assert milp.status == "optimal" and milp.gap is not None and milp.gap <= MILP_REL_GAP
        assert milp.objective == exact, seed  # integer weights: exact equality
        assert milp.objective == objective_of(instance, milp.placements)
        assert _placement_is_valid(instance, milp.placements)
        assert _placement_is_valid(instance, greedy.placements)
        assert greedy.objective <= milp.objective
        assert greedy.status == "heuristic" and greedy.gap is None
        greedy_worse += greedy.objective < milp.objective
    assert greedy_worse > 0  # the random instances are hard enough to separate the two


def test_alternatives_are_the_best_distinct_site_sets_in_order() -> None:
    for seed, max_per_site in ((3, 1), (4, 2), (5, 1)):
        instance = _random_instance(seed, max_per_site)
        ranked = sorted(_by_site_set(instance).values(), reverse=True)
        alternatives = solve_alternatives(instance, 4)
        sets = [frozenset(j for _, j in s.placements) for s in alternatives]
        objectives = [s.objective for s in alternatives]
        assert len(set(sets)) == len(sets) == 4
        assert objectives == sorted(objectives, reverse=True)
        assert objectives == ranked[:4]  # the k-th alternative is the k-th best site set


def test_alternatives_stop_when_no_other_site_set_exists() -> None:
    # 2 units on 3 candidates, one per site: exactly 3 site sets
    instance = _instance([[[0], [1], [2]]], [5, 3, 1], [2])
    alternatives = solve_alternatives(instance, 10)
    assert [s.objective for s in alternatives] == [8.0, 6.0, 4.0]
    with pytest.raises(MapperError, match="different from the 3 excluded"):
        solve_milp(instance, exclude=tuple(s.placements for s in alternatives))


def test_greedy_falls_into_the_classic_trap() -> None:
    # site 0 covers the middle six points, which overlap both halves; sites 1 and 2 cover four points each
    covers = [[[1, 2, 3, 4, 5, 6], [0, 1, 2, 3], [4, 5, 6, 7]]]
    instance = _instance(covers, [1] * 8, [2])
    greedy, milp = solve_greedy(instance), solve_milp(instance)
    assert (0, 0) in greedy.placements  # it takes the big middle set first
    assert greedy.objective == 7.0
    assert milp.objective == 8.0 and {j for _, j in milp.placements} == {1, 2}


def test_greedy_is_optimal_when_coverage_sets_are_disjoint() -> None:
    # disjoint sets: the marginal gain of a site never changes, so the k largest are the optimum
    rng = np.random.default_rng(7)
    order = rng.permutation(80)
    cuts = np.sort(rng.choice(np.arange(1, 80), size=19, replace=False))
    covers = [[part.tolist() for part in np.split(order, cuts)]]
    instance = _instance(covers, rng.integers(1, 1_000, size=80).tolist(), [4])
    greedy, milp = solve_greedy(instance), solve_milp(instance)
    assert greedy.objective == milp.objective
    best4 = sorted((float(instance.weights[c].sum()) for c in instance.covers[0]), reverse=True)[:4]
    assert milp.objective == sum(best4)


def test_greedy_ties_take_the_lowest_indices() -> None:
    instance = _instance([[[0], [1], [2]], [[0], [1], [2]]], [1, 1, 1], [1, 1])
    assert solve_greedy(instance).placements == ((0, 0), (1, 1))


def test_explain_gives_each_units_own_coverage() -> None:
    covers = [[[0, 1, 2], [2, 3], [4]]]
    instance = _instance(covers, [10, 20, 30, 40, 50], [3])
    solution = solve_milp(instance)
    by_site = {c.candidate: c for c in explain(instance, solution)}
    assert by_site[0].reach == 60.0 and by_site[0].marginal == 30.0 and by_site[0].points == 2
    assert by_site[1].reach == 70.0 and by_site[1].marginal == 40.0 and by_site[1].points == 1
    assert by_site[2].marginal == 50.0
    # what each unit alone adds is what the objective loses without it
    for c in by_site.values():
        rest = tuple(p for p in solution.placements if p[1] != c.candidate)
        assert solution.objective - objective_of(instance, rest) == c.marginal


def test_two_units_at_one_site_each_add_nothing_alone() -> None:
    instance = _instance([[[0, 1], [1]]], [5, 5], [2], max_per_site=2)
    stacked = dataclasses.replace(solve_milp(instance), placements=((0, 0), (0, 0)))
    assert [(c.reach, c.marginal) for c in explain(instance, stacked)] == [(10.0, 0.0), (10.0, 0.0)]


def _hard_instance(seed: int) -> Instance:
    """Big enough that HiGHS cannot prove optimality in a few milliseconds: 8 units, 300 candidates, 600
    points, heavily overlapping random coverage."""
    rng = np.random.default_rng(seed)
    covers = [
        [rng.choice(600, size=40, replace=False).tolist() for _ in range(300)] for _ in range(2)
    ]
    return _instance(covers, rng.integers(1, 10_000, size=600).tolist(), [5, 3])


def test_a_time_limit_returns_a_feasible_solution_and_its_gap() -> None:
    instance = _hard_instance(11)
    limited = solve_milp(instance, time_limit=0.05)
    greedy = solve_greedy(instance)
    assert limited.status == "time limit"  # proving this optimum takes minutes
    assert _placement_is_valid(instance, limited.placements)
    assert limited.objective == objective_of(instance, limited.placements)
    assert limited.objective >= greedy.objective  # started from the greedy solution
    assert limited.gap is not None and MILP_REL_GAP < limited.gap < 1.0
    # the gap is against a valid upper bound: a longer solve finds nothing above objective / (1 - gap)
    longer = solve_milp(instance, time_limit=1.0)
    assert longer.objective >= limited.objective
    assert longer.objective <= limited.objective / (1.0 - limited.gap)


def test_the_solve_is_deterministic() -> None:
    instance = _random_instance(21, 1)
    assert solve_milp(instance).placements == solve_milp(instance).placements


def test_an_infeasible_troop_budget_says_so() -> None:
    instance = _instance([[[0], [1], [2]]], [1, 1, 1], [2], troop_budget=150)
    for solve in (solve_milp, solve_greedy):
        with pytest.raises(
            MapperError, match=r"troop budget of 150 is below the 200 troops.*by 50"
        ):
            solve(instance)
    within = _instance([[[0], [1], [2]]], [1, 1, 1], [2], troop_budget=200)
    assert solve_milp(within).objective == 2.0


def test_too_few_sites_for_the_units_says_so() -> None:
    instance = _instance([[[0], [1]]], [1, 1], [3], max_per_site=1)
    with pytest.raises(MapperError, match="3 units to place but only 2 candidate sites"):
        solve_milp(instance)
    stacked = _instance([[[0], [1]]], [1, 1], [3], max_per_site=2)
    assert solve_milp(stacked).objective == 2.0


def test_uncovered_and_weightless_demand_changes_nothing() -> None:
    # point 3 is covered by no site, point 2 weighs nothing: the model leaves both out, the objective agrees
    instance = _instance([[[0, 2], [1], [2]]], [4, 3, 0, 100], [2])
    solution = solve_milp(instance)
    assert solution.objective == 7.0 and not solution.covered[3]


def test_the_benchmark_generator_covers_by_geodesic_distance_and_solves() -> None:
    # bench/bench_suggest.py measures issue #18's scale targets: its chunked, box-filtered coverage must agree
    # with measuring every pair, or the figures would be about a different problem
    import importlib.util

    import pyproj

    path = Path(__file__).resolve().parents[1] / "bench" / "bench_suggest.py"
    spec = importlib.util.spec_from_file_location("bench_suggest", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    instance = bench.make_instance(150, 400, seed=3)
    geod = pyproj.Geod(ellps="WGS84")
    d_lat = np.asarray([d.lat for d in instance.demand])
    d_lon = np.asarray([d.lon for d in instance.demand])
    for t, unit in enumerate(instance.units):
        for j in range(0, 150, 7):
            c = instance.candidates[j]
            _, _, dist = geod.inv(np.full(400, c.lon), np.full(400, c.lat), d_lon, d_lat)
            expected = np.flatnonzero(np.asarray(dist) <= unit.radius_km * 1000.0)
            assert np.array_equal(instance.covers[t][j], expected)
    milp, greedy = solve_milp(instance), solve_greedy(instance)
    assert milp.status == "optimal" and greedy.objective <= milp.objective


def test_a_point_listed_twice_in_a_cover_counts_once() -> None:
    instance = _instance([[[0, 0, 1], [2]]], [5, 7, 1], [1])
    assert instance.covers[0][0].tolist() == [0, 0, 1]
    assert solve_milp(instance).objective == 12.0 == solve_greedy(instance).objective


_LONG_SOLVE = """
import numpy as np
from mapper.optimize import solve_milp
from mapper.placement import Candidate, Demand, Instance, UnitType
rng = np.random.default_rng(11)
units = tuple(UnitType(f"u{t}", "U", "air_defence", None, "UA", n, 1, 50.0) for t, n in enumerate((5, 3)))
cands = tuple(Candidate(f"c{j}", 48.0, 31.0, "UA", "list", 1.0, 1.0) for j in range(300))
dem = tuple(Demand(f"d{i}", 48.0, 31.0, float(w), "population", "UA")
            for i, w in enumerate(rng.integers(1, 10_000, size=600)))
covers = [[np.sort(rng.choice(600, size=40, replace=False)) for _ in range(300)] for _ in range(2)]
print("solving", flush=True)
solve_milp(Instance(units, cands, dem, covers))
"""


@pytest.mark.sweep
def test_ctrl_c_stops_a_long_solve() -> None:
    # proving this optimum takes minutes (see the time-limit test): Ctrl-C must stop it at once, not then
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen(
        [sys.executable, "-c", _LONG_SOLVE],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "solving\n"
        time.sleep(1.0)
        t0 = time.perf_counter()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert time.perf_counter() - t0 < 10
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0 and "KeyboardInterrupt" in err

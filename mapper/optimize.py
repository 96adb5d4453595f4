"""Solving the placement problem (``mapper.placement.Instance``) exactly, as a maximal-covering MILP, or greedily.

The model (``solve_milp``): integer ``x[t, j]`` in ``0..min(max_per_site, count_t)`` units of type ``t`` at
candidate ``j``, with ``sum_j x[t, j] = count_t`` per type and ``sum_t x[t, j] <= max_per_site`` per site;
``y[k]`` in ``[0, 1]`` for each demand *group* ``k`` with ``y[k] <= sum of x[t, j] over the (t, j) that cover
k``; maximise ``sum_k weight_k * y[k]``. Two reductions keep it small without changing the optimum:

- only demand points that some candidate covers get a row (the others are covered by no placement), and demand
  points covered by exactly the same set of ``(t, j)`` are merged into one group with the sum of their weights
  (they are covered or not together). A point of weight 0 changes no objective and gets no row.
- ``y`` is continuous: at any integer ``x`` the best ``y[k]`` is ``min(1, sum of covering x)``, which is 0 or 1,
  so the relaxation is exact and the solver branches on ``x`` only.

Counts are fixed (a brief says "six air-defence units" and gets six), so the troops of the placed units are
``sum_t count_t * troops_t`` whatever the sites: the troop budget is a feasibility check made before solving
(``MapperError`` saying by how much it is exceeded), not a row of the model. Making counts "up to" would turn the
budget into a knapsack over types and silently place fewer units than asked for, which is not what a brief means.

``exclude`` cuts off earlier solutions by the *set of sites* they use (no-good cuts), so ``solve_alternatives``
gives the best solutions whose site sets differ: for each site ``j`` of an excluded solution a binary ``z[j]``
that may be 1 only if ``j`` is unused (``max_per_site * z[j] + sum_t x[t, j] <= max_per_site``), and per excluded
set ``S`` of sites the cut ``sum_{j in S} z[j] - sum_{j in S, t} x[t, j] >= 1 - N`` (``N`` the units to place):
since every unit stands somewhere, it holds exactly when a site of ``S`` is left empty or a unit stands outside
``S``. The constraint matrix is built row-wise and sparse (CSR arrays handed straight to HiGHS: no scipy).

Why HiGHS (``highspy``): it is actively maintained, MIT-licensed, ships wheels on PyPI for every platform we
support (no system library, no licence file to accept), solves MILPs exactly by branch and cut, and reports the
proven bound, the relative gap and a time-limit stop with its best solution, which ``--time-limit`` needs.
OR-Tools would also do, but it is a much larger dependency (protobuf, ~30 MB wheels), its MILP path delegates to
a backend anyway (SCIP, or HiGHS itself), and its CP-SAT solver wants integer weights.

Determinism: HiGHS runs with one thread and a fixed random seed, so the same instance gives the same solution;
with a time limit, where it stops depends on the machine's speed, so a time-limited result may differ between
runs (its status says "time limit"). The MILP is started from the greedy solution, so a time-limited solve always
has a solution at least as good as the greedy one (when the greedy one respects the excluded sets).

``solve_greedy``: repeatedly the ``(t, j)`` with the largest marginal covered weight (ties: lowest ``t``, then
lowest ``j``), respecting each type's count and ``max_per_site``; the baseline and the fallback. ``explain``:
what each placed unit adds given all the others (``--explain``).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from mapper.errors import MapperError
from mapper.placement import Instance

__all__ = [
    "MILP_REL_GAP",
    "Contribution",
    "Solution",
    "check_feasible",
    "covered_by",
    "explain",
    "objective_of",
    "solve_alternatives",
    "solve_greedy",
    "solve_milp",
]

#: relative gap at which HiGHS stops and the solution is reported "optimal" (weights are people: with totals
#: below 1e9 this is less than one person, so the optimum is exact)
MILP_REL_GAP = 1e-9

#: from this many nonzeros in the constraint matrix, HiGHS's LPs are solved by interior point (``_highs``)
IPX_FROM_NONZEROS = 50_000

Placements = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Solution:
    """Where each unit goes and what that covers."""

    method: str  # "milp" | "greedy"
    #: (unit type index, candidate index) per placed unit, sorted; a site may appear up to max_per_site times
    placements: tuple[tuple[int, int], ...]
    objective: float  # sum of the weights of the covered demand
    covered: np.ndarray  # bool per demand point
    status: str  # "optimal" | "time limit" | "heuristic"
    gap: (
        float | None
    )  # (bound - objective) / bound reached (<= MILP_REL_GAP when optimal; None for greedy)
    seconds: float  # solve time


@dataclass(frozen=True)
class Contribution:
    """Why one placed unit is where it is (``explain``)."""

    unit: int  # unit type index
    candidate: int  # candidate index
    reach: float  # weight of the demand within its radius
    marginal: float  # weight that it alone covers: what the solution loses without it
    points: int  # demand points that it alone covers


def covered_by(instance: Instance, placements: tuple[tuple[int, int], ...]) -> np.ndarray:
    """Bool per demand point: covered by at least one of ``placements``."""
    out = np.zeros(len(instance.demand), dtype=bool)
    for t, j in placements:
        out[instance.covers[t][j]] = True
    return out


def objective_of(instance: Instance, placements: tuple[tuple[int, int], ...]) -> float:
    """The weight covered by ``placements`` (what both solvers maximise)."""
    return float(instance.weights[covered_by(instance, placements)].sum())


def explain(instance: Instance, solution: Solution) -> list[Contribution]:
    """Each placed unit's contribution, in the order of ``solution.placements``: the weight within its reach and
    the weight only it covers given the other placed units (two units of one type at one site each add 0)."""
    weights = instance.weights
    times = np.zeros(len(instance.demand), dtype=np.int64)  # how many placed units cover each point
    for t, j in solution.placements:
        times[instance.covers[t][j]] += 1
    out = []
    for t, j in solution.placements:
        idx = instance.covers[t][j]
        alone = idx[times[idx] == 1]
        out.append(
            Contribution(
                unit=t,
                candidate=j,
                reach=float(weights[idx].sum()),
                marginal=float(weights[alone].sum()),
                points=len(alone),
            )
        )
    return out


# ----------------------------------------------------------------------------------------------------------------
# checks shared by both solvers


def check_feasible(instance: Instance) -> None:
    """Raise ``MapperError`` if no placement exists: the troop budget below the units' troops, or fewer places
    (candidates x max_per_site) than units. Counts are fixed, so both are known before any solving."""
    units = instance.units
    troops = sum(u.count * u.troops for u in units)
    if instance.troop_budget is not None and troops > instance.troop_budget:
        parts = ", ".join(f"{u.count} x {u.troops:,} ({u.name})" for u in units)
        raise MapperError(
            f"infeasible: the troop budget of {instance.troop_budget:,} is below the {troops:,} troops of the "
            f"units to place ({parts}), by {troops - instance.troop_budget:,}; raise the budget or place fewer "
            "units"
        )
    n_units = sum(u.count for u in units)
    places = len(instance.candidates) * instance.max_per_site
    if n_units > places:
        raise MapperError(
            f"infeasible: {n_units} units to place but only {len(instance.candidates)} candidate sites with at "
            f"most {instance.max_per_site} per site ({places} places); relax the constraints on sites or raise "
            "max_per_site"
        )


def _column_covers(instance: Instance) -> tuple[np.ndarray, np.ndarray]:
    """The coverage incidence as COO arrays ``(column, demand)``, column ``t * n_candidates + j``."""
    n_cand = len(instance.candidates)
    cols, pts = [], []
    for t, per_site in enumerate(instance.covers):
        lengths = np.fromiter((len(c) for c in per_site), dtype=np.int64, count=n_cand)
        cols.append(np.repeat(np.arange(n_cand, dtype=np.int64) + t * n_cand, lengths))
        pts.append(
            np.concatenate([np.asarray(c, dtype=np.int64) for c in per_site])
            if n_cand
            else np.zeros(0, dtype=np.int64)
        )
    if not cols:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    col, pt = np.concatenate(cols), np.concatenate(pts)
    # each cover list is sorted, so a point listed twice is a neighbour of itself: counted once (HiGHS refuses
    # a row naming a column twice, and the greedy gain would count it twice)
    repeat = np.zeros(len(col), dtype=bool)
    repeat[1:] = (col[1:] == col[:-1]) & (pt[1:] == pt[:-1])
    return col[~repeat], pt[~repeat]


# ----------------------------------------------------------------------------------------------------------------
# greedy


def solve_greedy(instance: Instance) -> Solution:
    """The greedy baseline: each step places the ``(t, j)`` with the largest marginal covered weight (ties: lowest
    ``t``, then lowest ``j``) among types with units left and sites with room. Status "heuristic", gap None."""
    check_feasible(instance)
    t0 = time.perf_counter()
    n_cand, n_types = len(instance.candidates), len(instance.units)
    cols, pts = _column_covers(instance)
    weights = instance.weights
    uncovered = weights.copy()  # weight still to gain per demand point (0 once covered)
    left = np.asarray([u.count for u in instance.units], dtype=np.int64)
    room = np.full(n_cand, instance.max_per_site, dtype=np.int64)
    placements: list[tuple[int, int]] = []
    for _ in range(int(left.sum())):
        gain = np.bincount(cols, weights=uncovered[pts], minlength=n_types * n_cand)
        allowed = (left[:, None] > 0) & (room[None, :] > 0)
        gain = np.where(allowed.ravel(), gain, -np.inf)
        best = int(np.argmax(gain))  # argmax takes the first maximum: the lowest (t, j)
        t, j = divmod(best, n_cand)
        placements.append((t, j))
        left[t] -= 1
        room[j] -= 1
        uncovered[instance.covers[t][j]] = 0.0
    placed = tuple(sorted(placements))
    covered = covered_by(instance, placed)
    return Solution(
        method="greedy",
        placements=placed,
        objective=float(weights[covered].sum()),
        covered=covered,
        status="heuristic",
        gap=None,
        seconds=time.perf_counter() - t0,
    )


# ----------------------------------------------------------------------------------------------------------------
# MILP


@dataclass
class _Model:
    """The MILP in HiGHS's row-wise form, with what is needed to read a solution back."""

    n_x: int  # columns 0..n_x-1 are x[t, j] at t * n_candidates + j
    n_y: int  # then one y per demand group
    z_sites: np.ndarray  # then one z per site of an excluded solution (sorted candidate indices)
    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    integer: np.ndarray  # int32 per column: 1 integer, 0 continuous
    row_lower: np.ndarray
    row_upper: np.ndarray
    start: np.ndarray  # CSR of the constraint matrix
    index: np.ndarray
    value: np.ndarray
    groups: np.ndarray  # demand group of each model demand point
    group_points: np.ndarray  # the demand points (indices) in the model
    #: a bound known without solving: the coverable weight, or the sum of the units' largest reaches if smaller
    simple_bound: float


class _Rows:
    """Constraint rows collected as COO triplets, turned into CSR once."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.n = 0

    def add(
        self, rows: ArrayLike, cols: ArrayLike, vals: ArrayLike, lower: ArrayLike, upper: ArrayLike
    ) -> None:
        """Rows ``self.n + rows`` (local numbering 0..len(lower)-1)."""
        lower = np.atleast_1d(np.asarray(lower, dtype=float))
        self.rows.append(np.asarray(rows, dtype=np.int64) + self.n)
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(np.broadcast_to(np.asarray(vals, dtype=float), np.shape(cols)))
        self.lower.append(lower)
        self.upper.append(np.broadcast_to(np.asarray(upper, dtype=float), lower.shape))
        self.n += len(lower)

    def csr(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        rows = np.concatenate(self.rows) if self.rows else np.zeros(0, dtype=np.int64)
        cols = np.concatenate(self.cols) if self.cols else np.zeros(0, dtype=np.int64)
        vals = np.concatenate(self.vals) if self.vals else np.zeros(0)
        order = np.lexsort((cols, rows))
        start = np.zeros(self.n + 1, dtype=np.int32)
        np.cumsum(np.bincount(rows, minlength=self.n), out=start[1:])
        lower = np.concatenate(self.lower) if self.lower else np.zeros(0)
        upper = np.concatenate(self.upper) if self.upper else np.zeros(0)
        return start, cols[order].astype(np.int32), vals[order], lower, upper


def _demand_groups(
    instance: Instance, cols: np.ndarray, pts: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Merge demand points covered by the same set of columns. Returns the model's demand points, their group,
    the groups' weights, and the incidence as (group, column) pairs without duplicates."""
    weights = instance.weights
    keep = weights[pts] > 0
    cols, pts = cols[keep], pts[keep]
    order = np.lexsort((cols, pts))
    cols, pts = cols[order], pts[order]
    points, first = np.unique(pts, return_index=True)
    bounds = [*first.tolist(), len(pts)]
    key_of: dict[bytes, int] = {}
    group = np.empty(len(points), dtype=np.int64)
    for n in range(len(points)):
        key = cols[bounds[n] : bounds[n + 1]].tobytes()
        group[n] = key_of.setdefault(key, len(key_of))
    group_weight = np.bincount(group, weights=weights[points], minlength=len(key_of))
    # one incidence row per group: that of its first point
    _, first_of_group = np.unique(group, return_index=True)
    seg_cols, seg_groups = [], []
    for g, n in enumerate(first_of_group.tolist()):
        seg = cols[bounds[n] : bounds[n + 1]]
        seg_cols.append(seg)
        seg_groups.append(np.full(len(seg), g, dtype=np.int64))
    inc_cols = np.concatenate(seg_cols) if seg_cols else np.zeros(0, dtype=np.int64)
    inc_groups = np.concatenate(seg_groups) if seg_groups else np.zeros(0, dtype=np.int64)
    return points, group, group_weight, inc_groups, inc_cols


def _simple_bound(
    instance: Instance, inc_groups: np.ndarray, inc_cols: np.ndarray, group_weight: np.ndarray
) -> float:
    """All the coverable weight, or, if smaller, the sum over types of the ``count`` largest reaches of a unit of
    that type (a placement covers at most what its units reach one by one)."""
    n_cand = len(instance.candidates)
    reach = np.bincount(
        inc_cols, weights=group_weight[inc_groups], minlength=len(instance.units) * n_cand
    )
    top = sum(
        float(np.sort(reach[t * n_cand : (t + 1) * n_cand])[::-1][: u.count].sum())
        for t, u in enumerate(instance.units)
    )
    return min(float(group_weight.sum()), top)


def _build_model(instance: Instance, exclude: tuple[Placements, ...]) -> _Model:
    n_cand, n_types = len(instance.candidates), len(instance.units)
    n_x = n_types * n_cand
    m = instance.max_per_site
    n_units = sum(u.count for u in instance.units)
    points, group, group_weight, inc_groups, inc_cols = _demand_groups(
        instance, *_column_covers(instance)
    )
    n_y = len(group_weight)
    excluded_sets = [sorted({j for _, j in s}) for s in exclude]
    z_sites = np.asarray(sorted({j for s in excluded_sets for j in s}), dtype=np.int64)
    z_col = {int(j): n_x + n_y + k for k, j in enumerate(z_sites)}
    rows = _Rows()
    x_idx = np.arange(n_x, dtype=np.int64)
    # each type places exactly its count
    rows.add(
        x_idx // max(n_cand, 1),
        x_idx,
        1.0,
        [u.count for u in instance.units],
        [u.count for u in instance.units],
    )
    if n_types > 1:  # with one type the column bound min(m, count) already is the site's room
        rows.add(x_idx % n_cand, x_idx, 1.0, np.full(n_cand, -np.inf), float(m))
    # y[k] - sum of the x covering k <= 0
    g_idx = np.arange(n_y, dtype=np.int64)
    rows.add(
        np.concatenate([g_idx, inc_groups]),
        np.concatenate([n_x + g_idx, inc_cols]),
        np.concatenate([np.ones(n_y), -np.ones(len(inc_cols))]),
        np.full(n_y, -np.inf),
        0.0,
    )
    _add_no_good_cuts(rows, excluded_sets, z_sites, z_col, n_cand, n_types, m, n_units)
    start, index, value, row_lower, row_upper = rows.csr()
    n_z = len(z_sites)
    x_upper = np.repeat([float(min(m, u.count)) for u in instance.units], n_cand)
    return _Model(
        n_x=n_x,
        n_y=n_y,
        z_sites=z_sites,
        cost=np.concatenate([np.zeros(n_x), group_weight, np.zeros(n_z)]),
        lower=np.zeros(n_x + n_y + n_z),
        upper=np.concatenate([x_upper, np.ones(n_y + n_z)]),
        integer=np.concatenate([np.ones(n_x), np.zeros(n_y), np.ones(n_z)]).astype(np.int32),
        row_lower=row_lower,
        row_upper=row_upper,
        start=start,
        index=index,
        value=value,
        groups=group,
        group_points=points,
        simple_bound=_simple_bound(instance, inc_groups, inc_cols, group_weight),
    )


def _add_no_good_cuts(
    rows: _Rows,
    excluded_sets: list[list[int]],
    z_sites: np.ndarray,
    z_col: dict[int, int],
    n_cand: int,
    n_types: int,
    m: int,
    n_units: int,
) -> None:
    """The rows that cut off each excluded set of sites (module docstring)."""
    if not len(z_sites):
        return
    # m * z[j] + sum_t x[t, j] <= m: z[j] may be 1 only if site j is empty
    local = np.arange(len(z_sites), dtype=np.int64)
    x_cols = (np.arange(n_types, dtype=np.int64)[None, :] * n_cand + z_sites[:, None]).ravel()
    rows.add(
        np.concatenate([local, np.repeat(local, n_types)]),
        np.concatenate([[z_col[int(j)] for j in z_sites], x_cols]),
        np.concatenate([np.full(len(z_sites), float(m)), np.ones(len(x_cols))]),
        np.full(len(z_sites), -np.inf),
        float(m),
    )
    for sites in excluded_sets:
        s = np.asarray(sites, dtype=np.int64)
        xs = (np.arange(n_types, dtype=np.int64)[None, :] * n_cand + s[:, None]).ravel()
        rows.add(
            np.zeros(len(s) + len(xs), dtype=np.int64),
            np.concatenate([[z_col[int(j)] for j in s], xs]),
            np.concatenate([np.ones(len(s)), -np.ones(len(xs))]),
            [1.0 - n_units],
            np.inf,
        )


def _start_values(instance: Instance, model: _Model, placements: Placements) -> np.ndarray:
    """A full column vector for ``placements`` (the greedy solution handed to HiGHS as its first incumbent)."""
    n_cand = len(instance.candidates)
    values = np.zeros(len(model.cost))
    for t, j in placements:
        values[t * n_cand + j] += 1.0
    covered = covered_by(instance, placements)
    group_covered = np.zeros(model.n_y, dtype=bool)
    group_covered[model.groups[covered[model.group_points]]] = True
    values[model.n_x : model.n_x + model.n_y] = group_covered
    used = {j for _, j in placements}
    values[model.n_x + model.n_y :] = [0.0 if int(j) in used else 1.0 for j in model.z_sites]
    return values


_BANNER_SHOWN = [False]


def _new_highs() -> Any:
    """A ``highspy.Highs``. HiGHS's C++ code prints its banner to the process's stdout (fd 1, past Python's
    ``sys.stdout``) when the first one is made, before any option can turn output off; the library never
    prints, and ``mapper suggest -o -`` may write YAML to stdout, so fd 1 points at /dev/null meanwhile."""
    import highspy  # imported here: `mapper --help` and everything but `suggest` stay free of it

    if _BANNER_SHOWN[0]:
        return highspy.Highs()
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    _BANNER_SHOWN[0] = True
    return h


def _highs(model: _Model, time_limit: float | None) -> Any:
    import highspy

    h = _new_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("mip_rel_gap", MILP_REL_GAP)
    h.setOptionValue("mip_abs_gap", 0.0)
    if len(model.index) > IPX_FROM_NONZEROS:
        # big covering LPs are degenerate: interior point (IPX) solves them 3-4x faster than the default dual
        # simplex (bench/bench_suggest.py, 1k and 5k candidates: 12 s -> 3.3 s, 45 s -> 15 s); on small ones
        # its start-up costs more than it saves
        h.setOptionValue("mip_lp_solver", "ipx")
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    n_col, n_row = len(model.cost), len(model.row_lower)
    status = h.passModel(
        n_col,
        n_row,
        len(model.index),
        2,  # row-wise matrix
        -1,  # maximise
        0.0,
        model.cost,
        model.lower,
        model.upper,
        model.row_lower,
        model.row_upper,
        model.start[:n_row] if n_row else np.zeros(0, dtype=np.int32),
        model.index,
        model.value,
        model.integer,
    )
    # a refused model is a bug in the model builder, not the user's doing: no MapperError
    if status != highspy.HighsStatus.kOk:
        raise RuntimeError(f"HiGHS refused the model: {status}")
    return h


def _run_interruptibly(h: Any) -> None:
    """``h.run()`` in highspy's solver thread, so that Ctrl-C (``KeyboardInterrupt``, which Python delivers only
    between bytecodes of the main thread) stops the solve at HiGHS's next check instead of when it ends; the
    interrupt is then raised as usual. (highspy's own ``solve`` does this too, but prints while doing it.)"""
    h.HandleUserInterrupt = True
    h.startSolve()
    try:
        while not h.wait(0.1)[0]:
            pass
    except KeyboardInterrupt:
        h.cancelSolve()
        while not h.wait(0.1)[0]:
            pass
        raise


def _run(
    instance: Instance, time_limit: float | None, exclude: tuple[Placements, ...]
) -> Solution | None:
    """Solve; ``None`` if no placement avoids the excluded site sets."""
    import highspy

    check_feasible(instance)
    t0 = time.perf_counter()
    model = _build_model(instance, exclude)
    h = _highs(model, time_limit)
    greedy = solve_greedy(instance)
    start = _start_values(instance, model, greedy.placements)
    h.setSolution(len(start), np.arange(len(start), dtype=np.int32), start)
    _run_interruptibly(h)
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        return None
    info = h.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    if status == highspy.HighsModelStatus.kOptimal:
        word = "optimal"
    elif status == highspy.HighsModelStatus.kTimeLimit and has_solution:
        word = "time limit"
    elif status == highspy.HighsModelStatus.kTimeLimit:
        raise MapperError(
            f"the solver found no placement within the time limit of {time_limit:g} s; allow more time"
        )
    else:
        raise RuntimeError(f"HiGHS stopped with {h.modelStatusToString(status)}")
    x = np.rint(np.asarray(h.getSolution().col_value)[: model.n_x]).astype(np.int64)
    placed = tuple(
        sorted(
            (int(c) // max(len(instance.candidates), 1), int(c) % len(instance.candidates))
            for c in np.flatnonzero(x)
            for _ in range(int(x[c]))
        )
    )
    covered = covered_by(instance, placed)
    return Solution(
        method="milp",
        placements=placed,
        objective=float(instance.weights[covered].sum()),
        covered=covered,
        status=word,
        gap=_gap(float(instance.weights[covered].sum()), float(info.mip_dual_bound), model),
        seconds=time.perf_counter() - t0,
    )


def _gap(objective: float, dual_bound: float, model: _Model) -> float:
    """``(bound - objective) / bound``: the share of the proven bound that the solution does not reach (so it
    covers at least ``1 - gap`` of the optimum). The bound is HiGHS's, or the model's simple bound if that is
    smaller (HiGHS may stop before its root LP gives one)."""
    bound = model.simple_bound
    if np.isfinite(dual_bound):
        bound = min(bound, dual_bound)
    return max(0.0, (bound - objective) / bound) if bound > 0 else 0.0


def solve_milp(
    instance: Instance,
    *,
    time_limit: float | None = None,
    exclude: tuple[tuple[tuple[int, int], ...], ...] = (),
) -> Solution:
    """The best placement, exactly (HiGHS branch and cut; "optimal" within ``MILP_REL_GAP``). With ``time_limit``
    (seconds) the solve may stop early: status "time limit", the best placement found and its relative gap to
    the proven bound. ``exclude``: earlier solutions whose *sets of sites* the result must differ from.
    ``MapperError`` if no placement exists (budget, too few sites, nothing left outside ``exclude``)."""
    solution = _run(instance, time_limit, exclude)
    if solution is None:
        raise MapperError(
            f"no placement uses a set of sites different from the {len(exclude)} excluded solution(s)"
        )
    return solution


def solve_alternatives(
    instance: Instance, n: int, *, time_limit: float | None = None
) -> list[Solution]:
    """The ``n`` best solutions with distinct sets of sites, best first (fewer if fewer exist). Each is solved
    with the earlier ones excluded; ``time_limit`` applies to each solve (a solve stopped by it may find less
    than a later one, so the order is "best first" only when every status is "optimal")."""
    found: list[Solution] = []
    while len(found) < n:
        solution = _run(instance, time_limit, tuple(s.placements for s in found))
        if solution is None:
            break
        found.append(solution)
    return found

"""The ``suggest`` section of ``make bench`` (bench/run.py): the placement solvers of issue #18 on synthetic
instances over Ukraine (bench/bench_suggest.py), each size in a fresh process (build = coverage by geodesic
radius; solve = the exact MILP with HiGHS; the greedy heuristic as the baseline in the same process), and peak
memory of the biggest instance from ``os.wait4``. About 5 minutes on 2 cores (``--quick``: one small instance)."""

from __future__ import annotations

import json
import statistics
import tempfile
from pathlib import Path

from measure import PY, ROOT, fmt_s, ok, run_process

SCRIPT = ROOT / "bench" / "bench_suggest.py"
TARGET_S = 30.0  # 5,000 candidates x 3,000 demand x 10 units, to optimality
TARGET_MB = 2_048.0  # peak RSS at 20,000 x 5,000
MEMORY_LIMIT_S = 60.0  # time limit of the solve of the memory instance


def _one(n_cand: int, n_dem: int, time_limit: float | None = None) -> tuple[dict, float]:
    """One instance (seed 0) built and solved in a fresh process: its JSON figures and the peak RSS (MB)."""
    with tempfile.TemporaryDirectory(prefix="mapper_bench_suggest_") as tmp:
        out = Path(tmp) / "one.json"
        limit = [] if time_limit is None else ["--time-limit", str(time_limit)]
        proc = run_process(
            [PY, str(SCRIPT), "--one", str(n_cand), str(n_dem), *limit, "--json", str(out)]
        )
        return json.loads(out.read_text(encoding="utf-8")), proc.rss_mb


def _row(r: dict, rss: float) -> str:
    gap = "" if r["milp_status"] == "optimal" else f" (gap {r['milp_gap']:.2%})"
    return (
        f"| {r['candidates']:,} x {r['demand']:,} | {r['pairs']:,} | {fmt_s(r['build_s'])} | "
        f"{fmt_s(r['milp_s'])} | {r['milp_status']}{gap} | {fmt_s(r['greedy_s'])} | "
        f"{r['greedy_objective'] / r['milp_objective']:.4f} | {rss:,.0f} MB |"
    )


def bench_suggest(quick: bool) -> list[str]:
    # the memory instance is bounded to a minute of solving: its peak is the model and the root LP, reached
    # early, and solving it to the end would add minutes to `make bench` for no other figure
    sizes: tuple[tuple[int, int, float | None], ...] = (
        ((500, 1_000, None),)
        if quick
        else (
            (1_000, 3_000, None),
            (5_000, 3_000, None),
            (20_000, 3_000, None),
            (20_000, 5_000, MEMORY_LIMIT_S),
        )
    )
    lines = [
        "## Suggest: placement solvers\n",
        "Synthetic instances (bench/bench_suggest.py, seed 0): candidates and demand points uniform over Ukraine, "
        "log-normal weights (median ~5,000 people), 10 units of 2 types (6 x 100 km, 4 x 60 km radius, one per "
        "site), coverage by geodesic radius built in chunks. Each size is one fresh process (times inside it, "
        f"after imports; 20,000 x 5,000 with a time limit of {MEMORY_LIMIT_S:.0f} s, as it is there for peak "
        "memory); the MILP time includes building the model and the greedy warm start. Baseline: the greedy "
        "heuristic on the same instance (its time, and its objective as a share of the MILP's).\n",
        "| Candidates x demand | Covering pairs | Build | MILP | Status | Greedy | Greedy / MILP | Peak RSS |",
        "|---|---:|---:|---:|---|---:|---:|---:|",
    ]
    results: dict[tuple[int, int], tuple[dict, float]] = {}
    for n_cand, n_dem, limit in sizes:
        results[(n_cand, n_dem)] = _one(n_cand, n_dem, limit)
        lines.append(_row(*results[(n_cand, n_dem)]))
    lines.append("")
    if quick:
        return [*lines, "Targets not checked in `--quick` (smaller instance).", ""]
    first = results[(5_000, 3_000)][0]
    times = [first["milp_s"], *(_one(5_000, 3_000)[0]["milp_s"] for _ in range(2))]
    median = statistics.median(times)
    rss = results[(20_000, 5_000)][1]
    return [
        *lines,
        "| Target | Measured | Met |",
        "|---|---:|---|",
        f"| 5,000 x 3,000 x 10 units to optimality < 30 s (median of 3 processes) | {fmt_s(median)} | "
        f"{ok(first['milp_status'] == 'optimal' and median < TARGET_S)} |",
        f"| Peak memory at 20,000 x 5,000 < 2 GB | {rss:,.0f} MB | {ok(rss < TARGET_MB)} |",
        "",
    ]

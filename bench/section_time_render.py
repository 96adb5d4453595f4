"""``make bench`` section ``timemap``: issue #14's targets for the map of a timed scenario, each beside a baseline
measured in the same run.

* Cold ``mapper render`` of ``scenarios/phased_deployment.yaml`` (every bundled dated line, three phases: eight
  slider steps) in fresh processes, and its size; targets: < 2.5 s and < 2 MB. Baseline: the same command on
  ``scenarios/dnipro_line.yaml`` (one line, no time), alternating with it so that both see the same load.
* One step of the slider in headless Chromium (network blocked): ``performance.now()`` around
  ``mapper.time.go(i)`` and the layout it causes, for every step, several rounds, median; and the same up to the
  next frame after the labels' layout that follows it (``declutter.js`` runs a turn later); target: < 100 ms.
  Baseline: in the untimed map, hiding and showing the bands and the option's forces with their legend checkboxes
  (the same kind of work: layers off and on), measured the same way.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from measure import MAPPER, ROOT, fmt_mb, fmt_s, ok, run_process

PHASED = ROOT / "scenarios" / "phased_deployment.yaml"
PLAIN = ROOT / "scenarios" / "dnipro_line.yaml"
RENDER_S = 2.5
SIZE_B = 2_000_000
STEP_MS = 100.0

#: every step, ``rounds`` times: [synchronous step + layout, up to the frame after the labels' layout] in ms
STEP_JS = """
async (rounds) => {
  const t = window.mapper.time, n = t.steps.length, sync = [], full = [];
  const frame = () => new Promise((r) => setTimeout(() => requestAnimationFrame(() => r()), 0));
  for (let k = 0; k < rounds; k++) for (let i = 0; i < n; i++) {
    const to = i === t.index ? (i + 1) % n : i;
    const t0 = performance.now();
    t.go(to);
    document.body.getBoundingClientRect();
    sync.push(performance.now() - t0);
    await frame();
    full.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 20));
  }
  return [sync, full];
}
"""

#: the baseline: each legend checkbox of the bands and of the first option's forces off, then on, as one "step"
TOGGLE_JS = """
async (rounds) => {
  const boxes = [...document.querySelectorAll('.mapper-layer-item')]
    .filter((r) => /km|Forces/.test(r.textContent)).map((r) => r.querySelector('input'));
  const sync = [], full = [];
  const frame = () => new Promise((r) => setTimeout(() => requestAnimationFrame(() => r()), 0));
  for (let k = 0; k < rounds * 4; k++) {
    const t0 = performance.now();
    boxes.forEach((b) => b.click());
    document.body.getBoundingClientRect();
    sync.push(performance.now() - t0);
    await frame();
    full.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 20));
  }
  return [sync, full];
}
"""


def _render(path: Path, out: Path) -> tuple[float, float, int]:
    proc = run_process([*MAPPER, "render", str(path), "-o", str(out), "--overwrite"])
    return proc.wall, proc.cpu, out.stat().st_size


def _steps(pages: dict[str, Path], rounds: int) -> dict[str, tuple[float, float]] | str:
    """Median [sync, full] ms of a step in the timed page and of a toggle in the untimed one, or why not run."""
    try:
        from playwright.sync_api import sync_playwright
        from support.browser import CHROMIUM_ARGS, chromium_path
    except ImportError as exc:
        return f"skipped: {exc}"
    exe = chromium_path()
    if exe is None:
        return "skipped: no Chromium (set MAPPER_CHROMIUM)"
    out: dict[str, tuple[float, float]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            for name, path in pages.items():
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                page = context.new_page()
                page.route("**/*", _offline)
                page.goto(path.resolve().as_uri())
                page.wait_for_function("document.querySelector('.mapper-layers')")
                page.wait_for_timeout(500)  # the first layout and the fitted view
                if name == "timed":
                    page.wait_for_function("window.mapper.time && window.mapper.time.index >= 0")
                    sync, full = page.evaluate(STEP_JS, rounds)
                else:
                    sync, full = page.evaluate(TOGGLE_JS, rounds)
                out[name] = (statistics.median(sync), statistics.median(full))
                context.close()
        finally:
            browser.close()
    return out


def _offline(route) -> None:  # type: ignore[no-untyped-def]
    if route.request.url.startswith(("file:", "data:", "about:", "blob:")):
        route.continue_()
    else:
        route.abort("blockedbyclient")


def bench_time_render(tmp: Path, repeats: int) -> list[str]:
    timed_out, plain_out = tmp / "time_phased.html", tmp / "time_plain.html"
    _render(PHASED, timed_out)  # the symbol cache as after a first use (untimed)
    timed, plain, timed_cpu, plain_cpu = [], [], [], []
    size = plain_size = 0
    for _ in range(max(repeats, 3)):
        wall, cpu, size = _render(PHASED, timed_out)
        timed.append(wall)
        timed_cpu.append(cpu)
        wall, cpu, plain_size = _render(PLAIN, plain_out)
        plain.append(wall)
        plain_cpu.append(cpu)
    t, p = statistics.median(timed), statistics.median(plain)
    tc, pc = statistics.median(timed_cpu), statistics.median(plain_cpu)
    lines = [
        "## The map of a timed scenario (issue #14)\n",
        f"Cold `mapper render` in fresh processes, median of {len(timed)}, alternating with the baseline: "
        f"`{PHASED.relative_to(ROOT)}` (every bundled dated line, phases: a time slider) vs "
        f"`{PLAIN.relative_to(ROOT)}` (one line, no time). Targets: < {RENDER_S} s and < {SIZE_B / 1e6:g} MB.\n",
        "CPU time (user + system) is the figure other jobs on the machine skew least.\n",
        "| Map | Render (CPU) | HTML | Baseline render (CPU) | Baseline HTML | Ratio | Target |",
        "|---|---:|---:|---:|---:|---:|---|",
        f"| {PHASED.stem} | {fmt_s(t)} ({fmt_s(tc)}) | {fmt_mb(size)} | {fmt_s(p)} ({fmt_s(pc)}) | "
        f"{fmt_mb(plain_size)} | {t / p:.2f}x the time ({tc / pc:.2f}x CPU), {size / plain_size:.2f}x the "
        f"size | < {RENDER_S} s {ok(t < RENDER_S)} (CPU {ok(tc < RENDER_S)}); < 2 MB {ok(size < SIZE_B)} |",
        "",
    ]
    steps = _steps({"timed": timed_out, "plain": plain_out}, rounds=3)
    lines.append("### One step of the slider, headless Chromium\n")
    if isinstance(steps, str):
        return [*lines, f"{steps.capitalize()}.\n"]
    (ts, tf), (bs, bf) = steps["timed"], steps["plain"]
    lines += [
        "`performance.now()` in the page around `mapper.time.go(i)` and the layout it causes (every step, 3 "
        "rounds, median), and up to the next frame after the labels' layout that follows a turn later "
        "(`declutter.js`). Baseline: in the untimed map, every band's and the forces' legend checkbox off or on "
        "as one action, measured the same way. Target: < 100 ms.\n",
        "| Action | Step and layout | Until the frame after the labels | Target |",
        "|---|---:|---:|---|",
        f"| slider step, {PHASED.stem} | {ts:.1f} ms | {tf:.1f} ms | < {STEP_MS:g} ms {ok(tf < STEP_MS)} |",
        f"| (baseline) legend toggle, {PLAIN.stem} | {bs:.1f} ms | {bf:.1f} ms | |",
        f"| ratio | {ts / bs:.2f}x | {tf / bf:.2f}x | |" if bs and bf else "| ratio | - | - | |",
        "",
    ]
    return lines

"""The ``serve`` section of ``make bench`` (bench/run.py): ``mapper serve`` (issue #17) as a user runs it.

The server is a fresh ``mapper serve`` process on a free 127.0.0.1 port over a copy of one example; headless
Chromium opens its map page. Measured, after one warm-up of each (the process is warm: imports and first renders
done):

* save → map drawn: the file is written; the time until the open page has put the new version in place and
  drawn it (``window.mapperServe.drawnAt``, after two animation frames), median of repeats, and the part until
  the server's event reached the page (``eventAt``); baseline: a plain reload of the same page (what the user
  did before, without the re-render);
* drag written back: the page's own write request for a move (``mapperServe.move``: fetch → splice → loader
  check → atomic write → answer), timed in the page, median of repeats; baseline: a read request of the page's
  sites (``/api/sites``) on the same connection;
* idle CPU: the server's CPU time (``/proc`` through psutil) over 5 s with the page open and its event stream
  connected, as a share of one core.
"""

from __future__ import annotations

import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from measure import MAPPER, ROOT, fmt_s, ok

EXAMPLE = ROOT / "scenarios" / "dnipro_line.yaml"
SAVE_TARGET_S = 0.5
DRAG_TARGET_S = 0.2
IDLE_TARGET = 0.01  # of one core
IDLE_SECONDS = 5.0
READY = "(v) => window.mapperServe && window.mapperServe.ready && window.mapperServe.version > v"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(folder: Path) -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    proc = subprocess.Popen(
        [*MAPPER, "serve", str(folder), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()  # "Serving ... at http://127.0.0.1:PORT/ (Ctrl+C to stop)"
    found = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not found:
        proc.kill()
        raise SystemExit(f"mapper serve did not start: {line!r}")
    return proc, found.group(0)


def _save_times(page: object, path: Path, repeats: int) -> tuple[list[float], list[float]]:
    """Save → drawn, and save → the server's announcement reaching the page (watching, loading, rendering)."""
    times, server = [], []
    text = path.read_text(encoding="utf-8")
    for i in range(repeats + 1):  # the first is the warm-up
        version = page.evaluate("window.mapperServe.version")  # type: ignore[attr-defined]
        t0 = time.time()
        path.write_text(text.replace("Option A: the Dnipro line", f"Option A ({i})", 1), "utf-8")
        page.wait_for_function(READY, arg=version, timeout=30_000)  # type: ignore[attr-defined]
        drawn, told = page.evaluate(  # type: ignore[attr-defined]
            "[window.mapperServe.drawnAt, window.mapperServe.eventAt]"
        )
        if i:
            times.append(drawn / 1000 - t0)
            server.append(told / 1000 - t0)
    return times, server


def _reload_times(page: object, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        version = page.evaluate("window.mapperServe.version")  # type: ignore[attr-defined]
        t0 = time.time()
        page.evaluate("location.reload()")  # type: ignore[attr-defined]
        page.wait_for_function(  # type: ignore[attr-defined]
            "(v) => window.mapperServe && window.mapperServe.ready && window.mapperServe.version >= v",
            arg=version,
            timeout=30_000,
        )
        times.append(page.evaluate("window.mapperServe.drawnAt") / 1000 - t0)  # type: ignore[attr-defined]
    return times


MOVE_JS = """
async ([lat, file]) => {
  const t0 = performance.now();
  const r = await window.mapperServe.move('options[0].forces[4]', lat, 35.0462);
  const t1 = performance.now();
  await fetch('/api/sites/' + file);
  return [r.status, (t1 - t0) / 1000, (performance.now() - t1) / 1000];
}
"""


def _drag_times(page: object, repeats: int) -> tuple[list[float], list[float]]:
    writes, reads = [], []
    for i in range(repeats + 1):
        status, write_s, read_s = page.evaluate(  # type: ignore[attr-defined]
            MOVE_JS, [48.4 + i / 1000, EXAMPLE.name]
        )
        if status != 200:
            raise SystemExit(f"the page's move was refused ({status})")
        if i:
            writes.append(write_s)
            reads.append(read_s)
        time.sleep(0.6)  # the re-render and the page's reload happen in between
        page.wait_for_function(  # type: ignore[attr-defined]
            "() => window.mapperServe && window.mapperServe.ready", timeout=30_000
        )
    return writes, reads


def _idle_cpu(pid: int) -> float:
    import psutil

    proc = psutil.Process(pid)
    before = proc.cpu_times()
    time.sleep(IDLE_SECONDS)
    after = proc.cpu_times()
    return (after.user - before.user + after.system - before.system) / IDLE_SECONDS


def bench_serve(quick: bool) -> list[str]:
    head = ["## Serve: live preview and editing\n"]
    try:
        from playwright.sync_api import sync_playwright
        from support.browser import CHROMIUM_ARGS, chromium_path
    except ImportError as exc:
        return [*head, f"Skipped: {exc}.\n"]
    exe = chromium_path()
    if exe is None:
        return [*head, "Skipped: no Chromium (set MAPPER_CHROMIUM).\n"]
    repeats = 3 if quick else 7
    with tempfile.TemporaryDirectory(prefix="mapper_bench_serve_") as tmp:
        folder = Path(tmp)
        shutil.copy(EXAMPLE, folder / EXAMPLE.name)
        proc, url = _start(folder)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
                try:
                    page = browser.new_page(viewport={"width": 1280, "height": 800})
                    page.goto(url + "map/" + EXAMPLE.name)
                    page.wait_for_function("() => window.mapperServe && window.mapperServe.ready")
                    saves, told = _save_times(page, folder / EXAMPLE.name, repeats)
                    save, server = statistics.median(saves), statistics.median(told)
                    reload = statistics.median(_reload_times(page, repeats))
                    writes, reads = _drag_times(page, repeats)
                    idle = _idle_cpu(proc.pid)
                finally:
                    browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    write, read = statistics.median(writes), statistics.median(reads)
    return [
        *head,
        f"A fresh `mapper serve` process over a copy of {EXAMPLE.name}, its map page in headless Chromium "
        f"(1280x800); medians of {repeats} after a warm-up; idle CPU over {IDLE_SECONDS:.0f} s with the page "
        "open (bench/section_serve.py).\n",
        "| Measurement | Median | Baseline | Ratio to baseline | Target |",
        "|---|---:|---:|---:|---|",
        f"| Save → map redrawn in the page | {fmt_s(save)} | plain reload of the page: {fmt_s(reload)} | "
        f"{save / reload:.1f}x | < {SAVE_TARGET_S:g} s: {ok(save < SAVE_TARGET_S)} |",
        f"| ... of which until the server's event reaches the page (watch, load, render) | {fmt_s(server)} | "
        "- | - | - |",
        f"| Drag written back (the page's move request) | {fmt_s(write)} | a read of /api/sites: "
        f"{fmt_s(read)} | {write / read:.1f}x | < {DRAG_TARGET_S:g} s: {ok(write < DRAG_TARGET_S)} |",
        f"| Idle CPU of the server, page open | {idle:.2%} of a core | - | - | < 1 %: "
        f"{ok(idle < IDLE_TARGET)} |",
        "",
    ]

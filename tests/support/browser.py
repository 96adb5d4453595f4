"""Open generated HTML in headless Chromium with the network cut off, and record what went wrong.

Every request other than ``file:`` and ``data:`` (and ``about:``/``blob:``) is aborted and recorded as *blocked*;
console errors, uncaught page errors and failed requests are recorded too. Uses the system Chromium
(``/usr/bin/chromium`` or ``$MAPPER_CHROMIUM``) through Playwright; never downloads a browser. Without Chromium or
Playwright the tests are skipped with the reason, except on CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ALLOWED_SCHEMES = ("file:", "data:", "about:", "blob:")
ARTIFACTS = (
    Path(__file__).resolve().parents[1] / "artifacts"
)  # tests/artifacts (make clean removes it)


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("MAPPER_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def skip_or_fail(reason: str) -> None:
    """Skip the test, or fail it on CI where the browser is required."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests are required on CI: {reason}")
    pytest.skip(reason)


def launch(playwright: Any):
    exe = chromium_path()
    if exe is None:
        skip_or_fail("no Chromium at /usr/bin/chromium (set MAPPER_CHROMIUM to another path)")
    return playwright.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)


@dataclass
class PageLog:
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"console: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"blocked: {u}" for u in self.blocked]
            + [f"failed: {u}" for u in self.failed]
        )


class OfflinePage:
    """A Playwright page with the network blocked; ``open(path)`` loads a local HTML file."""

    def __init__(self, browser: Any, viewport: tuple[int, int] = (1280, 800)) -> None:
        self.context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, service_workers="block"
        )
        self.page = self.context.new_page()
        self.log = PageLog()
        self.page.route("**/*", self._route)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.log.page_errors.append(str(exc)))
        self.page.on("requestfailed", self._failed)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(ALLOWED_SCHEMES):
            route.continue_()
        else:
            self.log.blocked.append(url)
            route.abort("blockedbyclient")

    def _console(self, msg: Any) -> None:
        if msg.type == "error":
            self.log.console_errors.append(msg.text)

    def _failed(self, request: Any) -> None:
        if request.url not in self.log.blocked:
            self.log.failed.append(f"{request.url} ({request.failure})")

    def open(
        self,
        path: str | Path,
        wait_for: str = "window.L && document.querySelector('.leaflet-pane')",
    ) -> Any:
        self.page.goto(Path(path).resolve().as_uri())
        self.page.wait_for_load_state("load")
        if wait_for:
            self.page.wait_for_function(wait_for, timeout=10_000)
        return self.page

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        out = ARTIFACTS / name
        self.page.screenshot(path=str(out))
        return out

    def close(self) -> None:
        self.context.close()


#: the map under test: the page's only map, or the comparison's combined map
MAP_JS = (
    "(window.mapperCompare ? window.mapperCompare.combined"
    " : Object.values(window).find((v) => v instanceof L.Map))"
)

# every visible marker icon (forces, hubs, grouped units) of the map's view against every control on the page:
# title panel, legend, footer with the credits, zoom, measure, full screen, scale, coordinates, attribution; the
# controls against the map itself (docked beside it, never over it); with edges, the icons against the map's
# edges (the initial view frames them all)
PANEL_HITS_JS = f"""
(edges) => {{
  const map = {MAP_JS}, c = map.getContainer(), box = c.getBoundingClientRect();
  const shown = (e) => {{
    for (let x = e; x && x !== c; x = x.parentElement) {{
      const st = getComputedStyle(x);
      if (st.display === 'none' || st.visibility === 'hidden') return false;
    }}
    return true;
  }};
  const meets = (r, q) => r.left < q.right && r.right > q.left && r.top < q.bottom && r.bottom > q.top;
  const rects = (root, sel) => [...root.querySelectorAll(sel)].filter(shown)
    .map((e) => [e, e.getBoundingClientRect()]).filter(([, r]) => r.width > 0 && r.height > 0);
  const panels = rects(document, '.leaflet-control');
  const icons = rects(c, '.leaflet-marker-pane .leaflet-marker-icon').filter(([, r]) => meets(r, box));
  const name = (e) => (e.textContent || e.className.toString()).trim().slice(0, 40);
  const what = (p) => p.className.toString().split(' ').slice(0, 4).join(' ');
  const hits = [];
  for (const [p, q] of panels) if (meets(q, box)) hits.push(what(p) + ' over the map');
  // what of an icon is drawn: the map clips its markers at its edges
  const clip = (r) => ({{left: Math.max(r.left, box.left), right: Math.min(r.right, box.right),
                        top: Math.max(r.top, box.top), bottom: Math.min(r.bottom, box.bottom)}});
  for (const [m, r] of icons) {{
    for (const [p, q] of panels) if (meets(clip(r), q)) hits.push(name(m) + ' under ' + what(p));
    if (edges && (r.left < box.left || r.right > box.right || r.top < box.top || r.bottom > box.bottom)) {{
      hits.push(name(m) + ' off the map');
    }}
  }}
  return {{hits, icons: icons.length, panels: panels.length, zoom: map.getZoom()}};
}}
"""

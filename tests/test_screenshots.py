"""Every example at its default view in a real headless Chromium (1400×900, network cut off): the priority place
labels (``mapper.placelabels``: oblast centres, capitals, front-zone towns) in view are displayed, Kherson and
Kramatorsk among them, and the dots of Kyiv, Odesa and Mykolaiv are not covered by a force symbol. A screenshot of
each map and the static PNG of each example are saved to ``tests/artifacts/`` for a person to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.browser import ARTIFACTS, OfflinePage

from mapper import pipeline, placelabels
from mapper.render import write_html
from mapper.staticmap import draw_static_map

pytestmark = [
    pytest.mark.browser,
    pytest.mark.sweep,
]  # every example, size and zoom: make test-sweeps

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "scenarios").glob("*.yaml"))
VIEWPORT = (1400, 900)
MUST_SHOW = ("Kherson", "Kramatorsk")
DOTS = ("Kyiv", "Odesa", "Mykolaiv")

#: every place label's state: shown (its element and name not display:none), its name's box, its dot's centre
LABELS_JS = """
() => {
  const map = Object.values(window).find((v) => v instanceof L.Map);
  const out = {zoom: map.getZoom(), labels: {}};
  for (const el of document.querySelectorAll(".mapper-place")) {
    const name = el.querySelector(".mapper-place-name"), dot = el.querySelector(".mapper-place-dot");
    const r = name.getBoundingClientRect(), d = dot.getBoundingClientRect();
    const shown = getComputedStyle(el).display !== "none" && getComputedStyle(name).display !== "none";
    out.labels[name.textContent] = {shown, key: el.classList.contains("mapper-place-key"),
      box: [r.left, r.top, r.right, r.bottom], dot: [(d.left + d.right) / 2, (d.top + d.bottom) / 2]};
  }
  return out;
}
"""

#: what is on top at a dot's centre: the dot (or its label), or what covers it (dots take pointer events here,
#: only for this hit test: on the map they let clicks through)
ON_TOP_JS = """
([x, y]) => {
  const style = document.createElement("style");
  style.textContent = ".mapper-place, .mapper-place-dot { pointer-events: auto !important; }";
  document.head.appendChild(style);
  const el = document.elementFromPoint(x, y);
  style.remove();
  if (!el) return "nothing";
  if (el.closest(".mapper-place")) return "place";
  if (el.closest(".leaflet-marker-icon")) return "marker: " + el.closest(".leaflet-marker-icon").textContent;
  return el.tagName + "." + el.className;
}
"""


def _in_view(box: list[float], size: tuple[int, int]) -> bool:
    return box[2] > 0 and box[3] > 0 and box[0] < size[0] and box[1] < size[1]


def _map_height(page: Any) -> float:
    return page.evaluate("document.querySelector('.folium-map').getBoundingClientRect().bottom")


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_default_view_labels_and_dots(chromium, tmp_path: Path, path: Path) -> None:
    prepared = pipeline.prepare(path)
    html = write_html(prepared, tmp_path / f"{path.stem}.html")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"static_{path.stem}.png").write_bytes(draw_static_map(prepared))
    page_ = OfflinePage(chromium, VIEWPORT)
    try:
        page = page_.open(html)
        page.wait_for_function(
            "document.querySelectorAll('.mapper-place').length > 0", timeout=10_000
        )
        page.wait_for_timeout(300)  # fitBounds settles
        page_.screenshot(f"screen_{path.stem}.png")
        state = page.evaluate(LABELS_JS)
        assert state["zoom"] == placelabels.DEFAULT_ZOOM, (
            "the default view changed: see placelabels"
        )
        labels = state["labels"]
        view = (VIEWPORT[0], _map_height(page))
        priority = {
            p.name
            for p in placelabels.place_labels(prepared.scenario.front.line)
            if p.priority and p.zoom <= state["zoom"]
        }
        in_view = [n for n in priority if n in labels and _in_view(labels[n]["box"], view)]
        assert len(in_view) > 30
        hidden = [n for n in in_view if not labels[n]["shown"]]
        assert not hidden, f"priority labels hidden at the default view: {hidden}"
        for name in MUST_SHOW:
            assert labels[name]["shown"] and _in_view(labels[name]["box"], view), name
        for name in DOTS:
            on_top = page.evaluate(ON_TOP_JS, labels[name]["dot"])
            assert on_top == "place", f"{name}'s dot is covered by {on_top}"
        assert not page_.log.problems()
    finally:
        page_.close()

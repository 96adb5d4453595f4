"""The ``mapper compare`` HTML report in a real headless Chromium with the network cut off.

The page must log no error, draw the combined map and both side-by-side maps (Leaflet panes, option layers and
unit symbols), keep the two side-by-side maps in step when either one moves, show both charts as inline SVG, and
show hostile scenario text literally without running any of it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mapper.comparison import load_comparison, write_comparison

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"
RANK_BY = "min_distance_to_front_km,-max_distance_to_nato_border_km"

READY = (
    "window.mapperCompare && window.mapperCompare.left && document.querySelector('.leaflet-pane')"
)
CENTER = "(side) => { const m = window.mapperCompare[side]; const c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("compare") / "compare.html"
    assert (
        write_comparison([SCENARIOS], out, "html", rank_by=RANK_BY, pair="dnipro,west").path == out
    )
    return out


def test_report_draws_every_map_and_chart(browser_page, report: Path) -> None:
    c = load_comparison([SCENARIOS])
    page = browser_page.open(report, wait_for=READY)
    maps = page.locator(".cmp-map .folium-map")
    assert maps.count() == 3
    for i in range(3):
        m = maps.nth(i)
        assert m.locator(".leaflet-map-pane").count() == 1
        assert m.locator(".leaflet-overlay-pane path").count() > 50  # basemap, situation, options
    # the combined map: every option is a group in the legend and its forces are drawn
    legend = page.locator(".mapper-layers").inner_text().lower()
    for e in c.entries:
        assert f"option {e.key}: {e.option.name}".lower() in legend
    forces = sum(len(e.option.forces) for e in c.entries)
    assert maps.nth(0).locator(".mapper-unit-icon").count() == forces  # hubs start hidden there
    for i, key in ((1, "dnipro"), (2, "west")):
        opt = c.entry(key).option
        assert maps.nth(i).locator(".mapper-unit-icon").count() == len(opt.forces) + len(opt.hubs)
        assert opt.name in maps.nth(i).locator(".cmp-pair-label").inner_text()
    # both charts, inline
    assert page.locator(".cmp-charts svg[role=img]").count() == 2
    assert page.locator(".cmp-charts svg text").count() > 20
    # the table: one column per option, the best per criterion in bold
    assert page.locator(".cmp-table thead th").count() == len(c.entries) + 1
    # two criteria: the best value and its rank 1, for each
    assert page.locator(".cmp-table td.best strong").count() == 4
    browser_page.screenshot("compare_report.png")
    assert browser_page.log.problems() == []


def test_side_by_side_maps_move_together(browser_page, report: Path) -> None:
    page = browser_page.open(report, wait_for=READY)
    assert page.evaluate(CENTER, "left") == pytest.approx(page.evaluate(CENTER, "right"))
    # panning the left map (a short pan: Leaflet moves the panes, no full redraw) moves the right one.
    # The moves are statements (`void`): an expression would return the Leaflet map, and Playwright would
    # serialise its whole object graph back to Python (it took ~30 s of this test).
    page.evaluate("void window.mapperCompare.left.panBy([150, 80], {animate: false})")
    left, right = page.evaluate(CENTER, "left"), page.evaluate(CENTER, "right")
    assert left == pytest.approx(right) and left[2] == 5
    # zooming the left map zooms the right one
    page.evaluate("void window.mapperCompare.left.setZoom(6, {animate: false})")
    lat, lon, zoom = page.evaluate(CENTER, "right")
    assert (lat, lon, zoom) == (
        pytest.approx(left[0], abs=1e-3),
        pytest.approx(left[1], abs=1e-3),
        6,
    )
    # a drag with the mouse on the right map pans the left one too
    before = page.evaluate(CENTER, "left")
    right = page.locator(".cmp-map .folium-map").nth(2)
    right.scroll_into_view_if_needed()
    box = right.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 120, y - 60, steps=3)
    page.mouse.up()
    # a drag ends with Leaflet's inertia animation: wait until both maps have come to rest together
    page.wait_for_function(
        """() => { const c = window.mapperCompare, a = c.left.getCenter(), b = c.right.getCenter();
                   return !c.left._panAnim?._inProgress && !c.right._panAnim?._inProgress
                       && Math.abs(a.lat - b.lat) < 1e-6 && Math.abs(a.lng - b.lng) < 1e-6; }""",
        timeout=10_000,
    )
    after_left, after_right = page.evaluate(CENTER, "left"), page.evaluate(CENTER, "right")
    assert after_left != pytest.approx(before)
    assert after_left == pytest.approx(after_right)
    # the combined map is not tied to them
    assert page.evaluate(CENTER, "combined") != pytest.approx(after_left)
    assert browser_page.log.problems() == []


HOSTILE = "<img src=x onerror=alert(1)> {{ 7*7 }} ${x} `y` | *b*"


def test_hostile_text_shows_literally(browser_page, tmp_path: Path) -> None:
    (tmp_path / "hostile.yaml").write_text(
        f"""format: 1
id: hostile
title: 'T {HOSTILE}'
date: 2025-03-27
options:
  - id: evil
    name: '{HOSTILE}'
    colour: navy
    forces:
      - {{name: '{HOSTILE}', nation: FR, troops: 5000, at: Cherkasy}}
""",
        encoding="utf-8",
    )
    shutil.copy(SCENARIOS / "key_cities.yaml", tmp_path / "key_cities.yaml")
    out = write_comparison([tmp_path], tmp_path / "out.html", "html").path
    dialogs: list[str] = []
    browser_page.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page = browser_page.open(out, wait_for=READY)
    assert HOSTILE in page.locator(".cmp-table thead").inner_text()
    assert HOSTILE in page.locator(".cmp-pair-label").first.inner_text()
    assert HOSTILE[:20] in page.locator(".cmp-charts").inner_text()
    assert page.locator("img[src=x]").count() == 0
    assert dialogs == []
    assert browser_page.log.problems() == []

"""The map's panels in a real headless Chromium (issue #15, items 3 and 4): they sit beside the map (title and
legend in a rail, tools above, sources below: ``controls.Dock``), so they never hide a force; they collapse and
remember it, the page works at 1024 x 768 and at phone width, the table under the map sorts and its headings
never break inside a word, every drawn layer has a legend entry, a click on a band draws no focus rectangle and
the measuring tool ends on a double click and on Esc.

Screenshots go to tests/artifacts/panels_*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.browser import PANEL_HITS_JS, OfflinePage

from mapper import placelabels
from mapper.loader import load_scenario
from mapper.render import HUB_LINKS_KEY, render_map

pytestmark = [
    pytest.mark.browser,
    pytest.mark.sweep,
]  # every example, size and zoom: make test-sweeps

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "scenarios").glob("*.yaml"))
FITTED = "[data-mapper-view=fitted]"

#: the visible force and hub labels that run past the map's edges
LABELS_CUT_JS = """
() => {
  const c = document.querySelector('.folium-map'), box = c.getBoundingClientRect();
  return [...c.querySelectorAll('.mapper-unit-label')]
    .filter((e) => e.offsetParent !== null && !e.closest('.mapper-dc-hidden'))
    .map((e) => [e.textContent, e.getBoundingClientRect()])
    .filter(([, r]) => r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1 ||
                                       r.top < box.top - 1 || r.bottom > box.bottom + 1))
    .map(([t]) => t);
}
"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every example's map page, rendered once for this module."""
    out = tmp_path_factory.mktemp("panels")
    return {p.stem: render_map(p, out / f"{p.stem}.html") for p in EXAMPLES}


@pytest.fixture
def open_page(chromium: Any) -> Iterator[Any]:
    """``open_page(path, (w, h))``: a fresh offline page of that size, loaded and with its initial view fitted."""
    opened: list[OfflinePage] = []

    def open_(path: Path, size: tuple[int, int] = (1400, 900)) -> OfflinePage:
        page = OfflinePage(chromium, viewport=size)
        opened.append(page)
        page.open(path)
        page.page.wait_for_selector(FITTED, state="attached", timeout=10_000)
        return page

    yield open_
    for page in opened:
        assert page.log.problems() == []
        page.close()


@pytest.mark.parametrize("size", [(1400, 900), (1920, 1080), (1024, 768), (390, 844)])
def test_no_force_or_hub_under_a_panel(open_page, pages: dict[str, Path], size) -> None:
    w, h = size
    for stem, path in pages.items():
        page = open_page(path, size)
        found = page.page.evaluate(PANEL_HITS_JS, True)
        assert found["hits"] == [], (stem, size)
        assert found["icons"] >= 1 and found["panels"] >= 5, (stem, found)
        view = page.page.evaluate("window.mapper.view")
        assert view["fitted"] and 4 <= view["zoom"] <= 8, (stem, view)
        # and no force or hub label is cut at the map's edge (a phone is too narrow for some)
        if w >= 1024:
            assert page.page.evaluate(LABELS_CUT_JS) == [], (stem, size)
        page.screenshot(f"panels_{stem}_{w}x{h}.png")
        page.close()


def test_issue_case_lviv_and_air_defence_clear_of_the_title_panel(
    open_page, pages: dict[str, Path]
) -> None:
    # the issue: in the western scenario the title panel hid the Lviv units and the air defence; the view stays
    # at the zoom the place labels are made for (placelabels.DEFAULT_ZOOM) and still frames the front line
    page = open_page(pages["western_regions"], (1400, 900)).page
    assert page.evaluate("window.mapper.view.zoom") == placelabels.DEFAULT_ZOOM
    boxes = page.evaluate(
        """() => {
          const r = (e) => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
          const icons = [...document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')]
            .filter((e) => /Lviv|air defence/.test(e.textContent)).map(r);
          return {icons, title: r(document.querySelector('.mapper-title-panel'))};
        }"""
    )
    assert len(boxes["icons"]) >= 2
    t = boxes["title"]
    for b in boxes["icons"]:
        assert b[0] >= t[2] or b[1] >= t[3] or b[2] <= t[0] or b[3] <= t[1], b
    assert page.evaluate(PANEL_HITS_JS, True)["hits"] == []


def _state(page: Any) -> dict[str, str | None]:
    return {
        "title": page.get_attribute(".mapper-title-panel .mapper-panel-toggle", "aria-expanded"),
        "legend": page.get_attribute(".mapper-layers-head", "aria-expanded"),
        "situation": page.get_attribute(".mapper-group-head:text-is('Situation')", "aria-expanded"),
    }


def test_panels_collapse_and_remember_it(open_page, pages: dict[str, Path]) -> None:
    op = open_page(pages["western_regions"], (1400, 900))
    page = op.page
    assert _state(page) == {"title": "true", "legend": "true", "situation": "true"}
    # the basemap group starts closed: it explains itself
    assert page.get_attribute(".mapper-group-head:text-is('Basemap')", "aria-expanded") == "false"
    page.click(".mapper-title-panel .mapper-panel-toggle")
    page.click(".mapper-group-head:text-is('Situation')")
    assert page.locator(".mapper-title").is_hidden()
    assert (
        page.locator(".mapper-title-panel .mapper-panel-toggle").inner_text()
        == "+ Title and summary"
    )
    assert page.get_by_role("checkbox", name="Occupied area").is_hidden()
    page.click(".mapper-layers-head")
    assert page.locator(".mapper-layers-body").is_hidden()
    assert _state(page) == {"title": "false", "legend": "false", "situation": "false"}
    page.reload()
    page.wait_for_selector(FITTED, state="attached")
    assert _state(page) == {"title": "false", "legend": "false", "situation": "false"}
    assert page.locator(".mapper-title").is_hidden()
    op.screenshot("panels_collapsed_1400x900.png")
    # opened again, and remembered open
    page.click(".mapper-title-panel .mapper-panel-toggle")
    page.click(".mapper-layers-head")
    page.reload()
    page.wait_for_selector(FITTED, state="attached")
    assert _state(page)["title"] == "true" and _state(page)["legend"] == "true"
    assert page.locator(".mapper-title").is_visible()


def test_panels_work_where_storage_is_refused(open_page, chromium, pages: dict[str, Path]) -> None:
    # a file:// page may be refused localStorage (a browser setting, a sandbox): nothing may throw
    op = OfflinePage(chromium, viewport=(1400, 900))
    op.page.add_init_script(
        "Object.defineProperty(window, 'localStorage', {get() { throw new DOMException('denied'); }});"
    )
    try:
        op.open(pages["western_regions"])
        op.page.wait_for_selector(FITTED, state="attached")
        op.page.click(".mapper-title-panel .mapper-panel-toggle")
        assert op.page.locator(".mapper-title").is_hidden()
        op.page.click(".mapper-layers-head")
        assert op.page.locator(".mapper-layers-body").is_hidden()
        assert op.log.problems() == []
    finally:
        op.close()


def test_phone_width_starts_with_panels_collapsed(open_page, pages: dict[str, Path]) -> None:
    op = open_page(pages["key_cities"], (390, 844))
    page = op.page
    assert _state(page)["title"] == "false" and _state(page)["legend"] == "false"
    assert page.get_attribute(".mapper-footer .mapper-panel-toggle", "aria-expanded") == "false"
    # the panels sit under the map, not over it: none covers any of it, and the map keeps most of the screen
    covered = page.evaluate(
        """() => {
          const map = document.querySelector('.folium-map').getBoundingClientRect();
          const over = (r) => Math.max(0, Math.min(r.right, map.right) - Math.max(r.left, map.left)) *
                              Math.max(0, Math.min(r.bottom, map.bottom) - Math.max(r.top, map.top));
          const area = [...document.querySelectorAll('.leaflet-control')]
            .map((e) => e.getBoundingClientRect()).reduce((s, r) => s + over(r), 0);
          return {covered: area / (map.width * map.height), height: map.height / window.innerHeight};
        }"""
    )
    assert covered["covered"] == 0 and covered["height"] > 0.6, covered
    # the page does not scroll sideways: the table scrolls in its own box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    op.screenshot("panels_phone_390x844.png")
    # opened, the title panel stays inside the screen
    page.click(".mapper-title-panel .mapper-panel-toggle")
    box = page.locator(".mapper-title-panel").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    op.screenshot("panels_phone_title_open_390x844.png")


def test_1024x768_screenshot_and_legend_clear_of_the_footer(
    open_page, pages: dict[str, Path]
) -> None:
    op = open_page(pages["dnipro_line"], (1024, 768))
    legend = op.page.locator(".mapper-layers").bounding_box()
    footer = op.page.locator(".mapper-footer").bounding_box()
    themap = op.page.locator(".folium-map").bounding_box()
    # the legend in the rail beside the map, the footer in the bar under it: clear of each other and of the map
    assert (
        legend["x"] >= footer["x"] + footer["width"]
        and legend["x"] >= themap["x"] + themap["width"]
    )
    assert footer["y"] >= themap["y"] + themap["height"] - 1
    assert legend["width"] <= 0.25 * 1024
    op.screenshot("panels_dnipro_line_1024x768_view.png")


def test_legend_is_narrow(open_page, pages: dict[str, Path]) -> None:
    page = open_page(pages["dnipro_line"], (1400, 900)).page
    assert page.locator(".mapper-layers").bounding_box()["width"] <= 0.22 * 1400 + 1


TROOPS_JS = """
() => {
  const heads = [...document.querySelectorAll('.mapper-distances thead th')].map((t) => t.innerText);
  const col = heads.indexOf('Troops');
  return [...document.querySelectorAll('.mapper-distances tbody tr')]
    .map((r) => Number(r.cells[col].innerText.replace(/,/g, '')));
}
"""


def test_table_sorts_by_troops(open_page, pages: dict[str, Path]) -> None:
    page = open_page(pages["dnipro_line"], (1400, 900)).page
    before = page.evaluate(TROOPS_JS)
    troops = page.locator(".mapper-distances thead th", has_text="Troops")
    assert troops.get_attribute("aria-sort") is None
    troops.get_by_role("button").click()
    assert troops.get_attribute("aria-sort") == "ascending"
    assert page.evaluate(TROOPS_JS) == sorted(before)
    troops.get_by_role("button").click()
    assert troops.get_attribute("aria-sort") == "descending"
    assert page.evaluate(TROOPS_JS) == sorted(before, reverse=True)
    # numeric, not text: 60 before 1,500 ascending (text order would put "1,500" first)
    assert sorted(before)[0] < 1000 < sorted(before)[-1]
    # from the keyboard: the header is a button; another column's sort clears this one's aria-sort
    site = page.locator(".mapper-distances thead th", has_text="Site").get_by_role("button")
    site.focus()
    page.keyboard.press("Enter")
    assert troops.get_attribute("aria-sort") is None
    assert (
        page.locator(".mapper-distances thead th", has_text="Site").get_attribute("aria-sort")
        == "ascending"
    )
    names = page.locator(".mapper-distances tbody th").all_inner_texts()
    assert names == sorted(names, key=str.lower)


# each word of each heading (column headings, and the site names heading each row) on one line
# (Range.getClientRects per word): headings may wrap only between words
WORD_BREAK_JS = """
() => {
  const broken = [];
  for (const th of document.querySelectorAll('.mapper-distances th')) {
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const re = /[^\\s\\-\\u2010\\u2013]+/g;  // words; a line may break after a hyphen or a dash
      let m;
      while ((m = re.exec(node.data))) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}
"""


@pytest.mark.parametrize("size", [(1400, 900), (1024, 768), (390, 844)])
def test_table_headings_never_break_inside_a_word(open_page, pages: dict[str, Path], size) -> None:
    op = open_page(pages["dnipro_line"], size)
    op.page.locator(".mapper-distances").scroll_into_view_if_needed()
    assert op.page.evaluate(WORD_BREAK_JS) == []
    # and some headings do wrap (between words) where the table is narrow, so the check is not vacuous
    style = op.page.evaluate(
        "getComputedStyle(document.querySelector('.mapper-distances thead th')).overflowWrap"
    )
    assert style == "normal"
    if size[0] == 1024:
        op.page.locator(".mapper-distances table").screenshot(
            path=str(REPO / "tests" / "artifacts" / "panels_table_1024x768.png")
        )


# every vector feature on the map belongs to a layer that has a legend entry (mapper.layers)
UNLISTED_JS = """
() => {
  const map = Object.values(window).find((v) => v instanceof L.Map);
  const listed = new Set();
  const add = (l) => { listed.add(l); if (l.eachLayer) l.eachLayer(add); };
  Object.values(window.mapper.layers).filter((l) => map.hasLayer(l)).forEach(add);
  const missing = [];
  map.eachLayer((l) => { if (l instanceof L.Path && !listed.has(l)) missing.push(l.options.className || 'path'); });
  return missing;
}
"""


def test_every_drawn_layer_has_a_legend_entry(open_page, pages: dict[str, Path]) -> None:
    for stem, path in pages.items():
        page = open_page(path, (1400, 900)).page
        assert page.evaluate(UNLISTED_JS) == [], stem
        scenario = load_scenario(REPO / "scenarios" / f"{stem}.yaml")
        for opt in scenario.options:
            group = page.locator(
                ".mapper-layer-group", has=page.locator(f"legend:has-text('Option {opt.id}:')")
            )
            keys = group.locator(".mapper-layer-key").all_text_contents()
            assert (HUB_LINKS_KEY in keys) == bool(opt.hubs), (stem, opt.id, keys)
            if opt.hubs:  # drawn dotted, in the option's colour
                style = group.locator(".mapper-layer-key .mapper-swatch").first.evaluate(
                    "e => getComputedStyle(e).borderTopStyle"
                )
                assert style == "dotted"


def _point_on(page: Any, key: str) -> list[int]:
    """A point of the viewport where the topmost element is the first shape of the legend layer ``key``."""
    return page.evaluate(
        """(key) => {
          const shapes = [];
          window.mapper.layers[key].eachLayer(function add(l) { l.eachLayer ? l.eachLayer(add) : shapes.push(l); });
          const el = shapes[0].getElement();
          for (let y = 60; y < innerHeight * 0.8; y += 15)
            for (let x = 60; x < innerWidth - 60; x += 15)
              if (document.elementFromPoint(x, y) === el) return [x, y];
          return null;
        }""",
        key,
    )


def test_clicking_a_band_draws_no_focus_rectangle(open_page, pages: dict[str, Path]) -> None:
    op = open_page(pages["western_regions"], (1400, 900))
    page = op.page
    key = next(k for k in page.evaluate("Object.keys(window.mapper.layers)") if "150–300 km" in k)
    xy = _point_on(page, key)
    assert xy is not None
    page.mouse.click(*xy)
    focused = page.evaluate(
        "(() => { const a = document.activeElement; return [a.tagName.toLowerCase(), "
        "getComputedStyle(a).outlineStyle]; })()"
    )
    # Chromium focuses the clicked path; it used to draw its "auto" outline, a black rectangle
    assert focused == ["path", "none"]
    op.screenshot("panels_band_clicked.png")
    # keyboard focus stays visible on what the keyboard reaches (a marker, a control)
    page.keyboard.press("Shift")
    outline = page.evaluate(
        """() => { const m = document.querySelector('.leaflet-marker-pane .leaflet-marker-icon[tabindex]');
                   m.focus(); return getComputedStyle(m).outlineStyle; }"""
    )
    assert outline == "solid"


def _measure_out(page: Any) -> str:
    return page.text_content(".mapper-measure-out") or ""


def test_measuring_ends_on_double_click_and_escape(open_page, pages: dict[str, Path]) -> None:
    op = open_page(pages["key_cities"], (1400, 900))
    page = op.page
    box = page.locator(".folium-map").bounding_box()
    x0, y0 = box["x"] + 520, box["y"] + 560
    zoom = page.evaluate("window.mapper.view.zoom")
    button = page.locator(".mapper-measure-btn")

    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    page.mouse.click(x0, y0)
    page.mouse.click(x0 + 150, y0 + 20)
    page.mouse.dblclick(x0 + 300, y0 - 40)
    out = _measure_out(page)
    assert button.get_attribute("aria-pressed") == "false"
    assert ", 2 points." in out and "Measuring ended" in out, out
    # the double click neither added a point nor zoomed the map; the path stays shown
    km = float(out.split("Path: ")[1].split(" km")[0])
    length = page.evaluate(
        """([a, b]) => { const map = Object.values(window).find((v) => v instanceof L.Map);
             const box = map.getContainer().getBoundingClientRect();
             const p = (q) => map.containerPointToLatLng([q[0] - box.left, q[1] - box.top]);
             return window.mapper.pathLength([p(a), p(b)]) / 1000; }""",
        [[x0, y0], [x0 + 150, y0 + 20]],
    )
    assert km == pytest.approx(length, abs=0.01)
    map_zoom = "Object.values(window).find((v) => v instanceof L.Map).getZoom()"
    assert page.evaluate(map_zoom) == zoom
    op.screenshot("panels_measure_ended.png")
    # once ended, clicks on the map add nothing; double-click zoom is back
    page.mouse.click(x0 + 40, y0 + 40)
    assert _measure_out(page) == out
    assert page.evaluate(
        "Object.values(window).find((v) => v instanceof L.Map).doubleClickZoom.enabled()"
    )

    # Esc ends a measurement too, keeping its path; Esc again clears it
    button.click()
    assert "Click on the map" in _measure_out(page)
    page.mouse.click(x0, y0)
    page.mouse.click(x0 + 100, y0 + 60)
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-pressed") == "false"
    assert ", 2 points." in _measure_out(page) and "Measuring ended" in _measure_out(page)
    page.keyboard.press("Escape")
    assert page.locator(".mapper-measure-out").is_hidden()

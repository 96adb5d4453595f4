"""The rendering infrastructure in a real headless Chromium with the network cut off.

A tiny map goes through the whole pipeline (safety → symbols → controls → page/assets) with hostile strings in a
popup, a tooltip, a DivIcon label, the title panel and <title>; then we check Leaflet runs offline, nothing was
fetched or logged as an error, the controls work, and the hostile strings show literally and run nothing.
"""

from __future__ import annotations

from pathlib import Path

import folium
import pytest
from support.browser import OfflinePage
from support.hostile_text import ISSUE_STRINGS

from mapper import app6
from mapper.render import controls, page, symbols
from mapper.render.safety import safe_text

pytestmark = pytest.mark.browser

HOSTILE = [*ISSUE_STRINGS, "🙂 Київ", "שלום عربى"]
POPUP_TEXT = " | ".join(HOSTILE)
LABEL = "{{ 7*7 }} <b>`${window.__pwned=3}`</b> \\u0041"


def build_map() -> tuple[folium.Map, folium.FeatureGroup, folium.FeatureGroup]:
    m = folium.Map(location=[48.6, 33.5], zoom_start=6, tiles=None)
    units = folium.FeatureGroup(name="units").add_to(m)
    lines = folium.FeatureGroup(name="lines").add_to(m)
    sidc = app6.sidc_for("mechanised_infantry", "battalion")
    folium.Marker(
        [48.4647, 35.0462],
        icon=symbols.unit_div_icon(sidc, [LABEL, "800 troops"]),
        popup=folium.Popup(f'<div class="probe-popup">{safe_text(POPUP_TEXT)}</div>'),
        tooltip=folium.Tooltip(f'<span class="probe-tooltip">{safe_text(POPUP_TEXT)}</span>'),
    ).add_to(units)
    folium.Marker([46.48, 30.73], tooltip="default Leaflet marker").add_to(
        units
    )  # inlined marker images
    folium.PolyLine(
        [[50.45, 30.52], [48.46, 35.05], [46.48, 30.73]], color="#d62728", weight=3
    ).add_to(lines)
    folium.Polygon([[49, 31], [49.5, 32], [48.7, 32.5]], color="#2ca02c", fill=True).add_to(lines)
    for ctl in [
        controls.TitlePanel(
            safe_text("Title " + LABEL),
            safe_text("as of 2025-01-31"),
            safe_text("Summary line 1\n" + POPUP_TEXT),
            [safe_text(h) for h in HOSTILE[:4]],
        ),
        controls.FullscreenControl(),
        controls.MeasureControl(),
        controls.GroupedLayerControl(
            [
                ("Situation", [("Front line " + LABEL, lines, "#d62728", "line")]),
                ("Option A", [("Units", units, "#1f77b4", "point")]),
            ]
        ),
        controls.CoordinatesControl(),
        controls.ScaleControl(),
        controls.FooterControl(
            safe_text("Front line: 2025-01-31, ISW, ±2 km"), safe_text("Data: Natural Earth")
        ),
    ]:
        ctl.add_to(m)
    return m, units, lines


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    m, _, _ = build_map()
    html = page.finalize_html(
        m,
        title="Page " + POPUP_TEXT,
        body_after=f'<h2>Distances</h2><table><tr><td class="probe-cell">{safe_text(LABEL)}</td></tr></table>',
    )
    path = tmp_path_factory.mktemp("browser") / "map.html"
    path.write_text(html, encoding="utf-8")
    return path


def test_offline_page_runs_and_is_inert(browser_page: OfflinePage, map_file: Path) -> None:
    pg = browser_page.open(map_file)
    assert pg.evaluate("typeof window.L") == "object"
    assert pg.evaluate("document.querySelectorAll('.leaflet-pane').length") >= 5
    assert pg.evaluate("document.documentElement.lang") == "en"
    assert pg.title() == "Page " + POPUP_TEXT

    # hostile strings show literally, everywhere
    assert pg.inner_text(".mapper-unit-label").startswith(LABEL)
    assert pg.text_content(".mapper-title") == "Title " + LABEL
    assert POPUP_TEXT in pg.text_content(".mapper-summary")
    assert pg.text_content(".probe-cell") == LABEL
    labels = pg.eval_on_selector_all(".mapper-layer-label", "els => els.map(e => e.textContent)")
    assert labels == ["Front line " + LABEL, "Units"]
    pg.hover(".mapper-unit svg", force=True)
    pg.wait_for_selector(".probe-tooltip")
    assert pg.text_content(".probe-tooltip") == POPUP_TEXT
    pg.click(".mapper-unit svg", force=True)
    pg.wait_for_selector(".probe-popup")
    assert pg.text_content(".probe-popup") == POPUP_TEXT
    assert "49" not in pg.inner_text("body")
    assert pg.evaluate("typeof window.__pwned") == "undefined"
    icon = pg.locator("img.leaflet-marker-icon")
    assert icon.get_attribute("src").startswith("data:image/png;base64,")
    assert pg.evaluate("document.querySelector('img.leaflet-marker-icon').naturalWidth") == 25
    assert pg.evaluate("document.querySelectorAll('script').length") == pg.evaluate(
        "document.head.querySelectorAll('script').length + 1"
    ), "only our own scripts: head assets + the one folium body script"

    pg.wait_for_timeout(400)  # let the popup finish fading in
    browser_page.screenshot("infra_map.png")
    assert browser_page.log.problems() == []


def test_controls_work(browser_page: OfflinePage, map_file: Path) -> None:
    pg = browser_page.open(map_file)
    for sel in [
        ".mapper-title-panel",
        ".mapper-fullscreen",
        ".mapper-measure-btn",
        ".mapper-layers",
        ".mapper-coords",
        ".leaflet-control-scale-line",
        ".mapper-footer",
    ]:
        assert pg.locator(sel).count() == 1, sel
    # scale bar: metric only
    assert pg.locator(".leaflet-control-scale-line").count() == 1

    # the layer control toggles a layer: count the vector paths before and after
    paths = "document.querySelectorAll('.leaflet-overlay-pane path').length"
    before = pg.evaluate(paths)
    assert before == 2
    box = pg.get_by_label("Front line", exact=False).first
    assert box.is_checked()
    box.focus()
    pg.keyboard.press("Space")  # keyboard accessible
    assert not box.is_checked()
    assert pg.evaluate(paths) == 0
    pg.keyboard.press("Space")
    assert pg.evaluate(paths) == 2

    # coordinates under the cursor
    mapbox = pg.locator(".folium-map").bounding_box()
    pg.mouse.move(mapbox["x"] + mapbox["width"] / 2, mapbox["y"] + mapbox["height"] / 2)
    text = pg.text_content(".mapper-coords-value")
    assert text.endswith(" E") and " N, " in text

    # measuring: two clicks on the map give a geodesic length matching the JS function
    pg.click(".mapper-measure-btn")
    assert pg.get_attribute(".mapper-measure-btn", "aria-pressed") == "true"
    pg.mouse.click(mapbox["x"] + 300, mapbox["y"] + 620)
    pg.mouse.click(mapbox["x"] + 700, mapbox["y"] + 660)
    out = pg.text_content(".mapper-measure-out")
    assert out.startswith("Path: ") and " km (geodesic, WGS84), 2 points" in out
    pg.keyboard.press("Escape")
    assert pg.get_attribute(".mapper-measure-btn", "aria-pressed") == "false"

    # the title panel collapses
    pg.click(".mapper-panel-toggle >> nth=0")
    assert pg.locator(".mapper-title").is_hidden()
    assert browser_page.log.problems() == []


PAIRS = [
    ((50.4501, 30.5234), (48.4647, 35.0462)),  # Kyiv - Dnipro
    ((46.4825, 30.7233), (49.8397, 24.0297)),  # Odesa - Lviv
    ((48.0, 37.8), (48.0001, 37.8001)),  # ~13 m
    ((0.0, 0.0), (0.0, 1.0)),  # along the equator
    ((10.0, 20.0), (-30.0, 150.0)),  # long line
    ((60.0, -10.0), (61.0, 40.0)),
    ((51.5, 22.0), (44.4, 40.2)),  # theatre corners
]


def test_js_vincenty_matches_pyproj(browser_page: OfflinePage, map_file: Path) -> None:
    import pyproj

    pg = browser_page.open(map_file)
    geod = pyproj.Geod(ellps="WGS84")
    for (lat1, lon1), (lat2, lon2) in PAIRS:
        js = pg.evaluate(f"mapper.geodesicInverse({lat1}, {lon1}, {lat2}, {lon2})")
        _, _, ref = geod.inv(lon1, lat1, lon2, lat2)
        assert abs(js - ref) < 1.0, ((lat1, lon1), (lat2, lon2), js, ref)
    assert pg.evaluate("mapper.geodesicInverse(48, 37, 48, 37)") == 0
    path = [[50.45, 30.52], [48.46, 35.05], [46.48, 30.73]]
    js_len = pg.evaluate(f"mapper.pathLength({path})")
    lats, lons = [p[0] for p in path], [p[1] for p in path]
    assert abs(js_len - geod.line_length(lons, lats)) < 1.0
    assert pg.evaluate("mapper.formatLatLon(48.4647, 35.0462)") == "48.46470 N, 35.04620 E"
    assert pg.evaluate("mapper.formatLatLon(-1.5, -70.25)") == "1.50000 S, 70.25000 W"

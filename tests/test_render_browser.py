"""``mapper render`` output in a real headless Chromium with the network cut off.

Each example map must initialise Leaflet, draw every layer group with the expected number of features, show the
legend and the distances table, and log no error. A scenario whose every text field holds hostile strings must show
them literally and execute none of them (folium re-renders popup text as a Jinja template; see
mapper/render/safety.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from support.hostile_text import ISSUE_STRINGS
from support.tiers import representatives

from mapper.features import band_basis
from mapper.loader import load_scenario
from mapper.render import render_map

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "scenarios").glob("*.yaml"))

LEAVES_JS = """
(key) => {
  const leaves = (l) => l.getLayers ? l.getLayers().reduce((n, c) => n + leaves(c), 0) : 1;
  const layer = window.mapper.layers[key];
  return layer ? leaves(layer) : -1;
}
"""


def _expected_counts(scenario) -> dict[str, int]:
    """Layer-control key -> number of drawn features, from the scenario itself."""
    out = {f"Situation / Front line ({scenario.front.date})": 1}
    # the bands are their own legend group, headed by what they measure (the scenario's threat)
    for b in scenario.bands:
        label = f"{b.inner_km:g}–{b.outer_km:g} km" + (f": {b.label}" if b.label else "")
        out[f"{band_basis(scenario)} / {label}"] = 1
    for opt in scenario.options:
        g = f"Option {opt.id}: {opt.name}"
        out[f"{g} / Forces ({opt.troops:,} troops)"] = len(opt.forces)
        if opt.lines:
            out[f"{g} / Lines and routes"] = len(opt.lines)
        ranged = sum(1 for f in opt.forces if f.range_km)
        if ranged:
            out[f"{g} / Coverage rings"] = ranged
        if opt.hubs:
            # the hubs, and one link from each force to its nearest hub
            out[f"{g} / Hubs and links"] = len(opt.hubs) + len(opt.forces)
    return out


# make test: a plain and a timed example; make test-sweeps: every one
@pytest.mark.parametrize(
    "path",
    representatives(
        EXAMPLES,
        [REPO / "scenarios" / "dnipro_line.yaml", REPO / "scenarios" / "phased_deployment.yaml"],
        ids=lambda p: p.stem,
    ),
)
def test_example_map_draws_every_layer(browser_page, tmp_path: Path, path: Path) -> None:
    out = render_map(path, tmp_path / f"{path.stem}.html")
    scenario = load_scenario(path)
    if scenario.timeline is not None and scenario.timeline.timed:
        scenario = scenario.at(
            scenario.date
        )  # a timed map opens on its situation date: what is present then
    page = browser_page.open(out)
    page.wait_for_function("window.mapper && window.mapper.layers", timeout=10_000)
    for key, n in _expected_counts(scenario).items():
        assert page.evaluate(LEAVES_JS, key) == n, key
    # unit symbols are on the map: one per force and hub
    sites = sum(len(o.forces) + len(o.hubs) for o in scenario.options)
    assert page.locator(".mapper-unit-icon svg:not(.mapper-leader)").count() == sites
    # the legend (layer control), the title panel, the footer with the front line's date, the table
    assert page.locator(".mapper-layers").count() == 1
    assert scenario.title in page.locator(".mapper-title-panel").inner_text()
    assert scenario.front.date in page.locator(".mapper-footer").inner_text()
    rows = page.locator(".mapper-distances tbody tr:not([hidden])").count()
    assert rows == sites
    # toggling the forces layer off and on removes and restores their symbols
    opt = scenario.options[0]
    box = page.get_by_role("checkbox", name=f"Forces ({opt.troops:,} troops)")
    box.uncheck()
    assert page.locator(".mapper-unit-icon svg:not(.mapper-leader)").count() == sites - len(
        opt.forces
    )
    box.check()
    assert page.locator(".mapper-unit-icon svg:not(.mapper-leader)").count() == sites
    browser_page.screenshot(f"map_{path.stem}.png")
    assert browser_page.log.problems() == []


HOSTILE = ISSUE_STRINGS


def _hostile_scenario(tmp_path: Path, text: str) -> Path:
    doc = {
        "format": 1,
        "id": "hostile",
        "title": f"T {text}",
        "date": "2025-03-27",
        "summary": f"S {text}",
        "sources": [f"Src {text}"],
        "assumptions": [f"A {text}"],
        "bands_km": [{"km": 50, "label": f"B {text}"}, 150],
        "options": [
            {
                "id": "x",
                "name": f"O {text}",
                "colour": "#1f4e9c",
                "description": f"D {text}",
                "forces": [
                    {
                        "name": f"F {text}",
                        "nation": "FR",
                        "troops": 1000,
                        "range_km": 50,
                        "description": f"FD {text}",
                        "at": {"lat": 50.45, "lon": 30.52, "name": f"P {text}"},
                    }
                ],
                "hubs": [{"name": f"H {text}", "at": "Rzeszow"}],
                "lines": [{"name": f"L {text}", "through": ["Lviv", "Kyiv"]}],
                "areas": [{"name": f"Ar {text}", "regions": ["Volyn"]}],
                "zones": [{"name": f"Z {text}", "buffer_of": f"L {text}", "km": 10}],
            }
        ],
    }
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


# make test: Jinja, a script element, an event handler and an early end of script; make test-sweeps: all
@pytest.mark.parametrize(
    "text",
    representatives(
        HOSTILE,
        [
            "{{ 7*7 }}",
            "<script>alert(1)</script>",
            '<img src=x onerror="window.__pwned=1">',
            "</script>",
        ],
    ),
)
def test_hostile_text_is_shown_literally_and_never_runs(
    browser_page, tmp_path: Path, text: str
) -> None:
    out = render_map(_hostile_scenario(tmp_path, text), tmp_path / "hostile.html")
    page = browser_page.open(out)
    page.wait_for_function("window.mapper && window.mapper.layers", timeout=10_000)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.title().startswith(f"T {text}")
    assert f"T {text}" in page.locator(".mapper-title-panel").inner_text()
    assert f"S {text}" in page.locator(".mapper-title-panel").inner_text()
    table = page.locator(".mapper-distances").inner_text()
    for prefix in ("F", "H", "O", "Src"):
        assert f"{prefix} {text}" in table, prefix
    legend = page.locator(
        ".mapper-layers"
    ).text_content()  # not inner_text: headings are upper-cased by CSS
    assert f"O {text}" in legend
    # the marker label and the popup, opened from the keyboard on the force's symbol
    labels = page.locator(".mapper-unit-label").all_inner_texts()
    assert any(f"F {text}" in t for t in labels)
    force = page.locator(".mapper-unit-icon", has_text=f"F {text}")
    force.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content").inner_text()
    assert f"F {text}" in popup and f"O {text}" in popup
    # tooltips of GeoJSON features (line, area, zone): hover the line's path
    tips = page.evaluate(
        """() => { const out = [];
             Object.values(window.mapper.layers).forEach(function walk(l) {
               if (l.getTooltip && l.getTooltip()) { const c = l.getTooltip().getContent();
                 const d = document.createElement('div'); d.innerHTML = c; out.push(d.textContent); }
               if (l.getLayers) { l.getLayers().forEach(walk); } });
             return out; }"""
    )
    for prefix in ("L", "Ar", "Z"):
        assert any(t.startswith(f"{prefix} {text}") for t in tips), (prefix, tips)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert browser_page.log.problems() == []

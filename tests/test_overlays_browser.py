"""Overlays and annotations in a real headless Chromium, through the whole pipeline (issue #16, "Done when"): the
map page of a scenario with a layer of every source type draws each layer's features (counted from the files
themselves) with its entry in the docked legend's "Your layers" group; hostile attribute text stays inert (no
dialog, shown literally, no template evaluated); on a timed map the layers are there at every step of the slider;
the comparison page's maps draw each scenario's layers. The module-level drawing is tested in
``tests/test_overlays_draw.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.overlay_scenario import ANNOTATIONS, LEGENDS, expected_counts, overlay_folder

from mapper.pipeline import prepare

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "scenarios" / "energy_and_ports.yaml"
HOSTILE = ["<img src=x onerror=alert(1)>", "{{ 7*7 }}", "</script>"]

#: the leaves (markers, paths) of a layer in the legend's registry, "Group / label"
LEAVES_JS = """
(key) => {
  const leaves = (l) => l.getLayers ? l.getLayers().reduce((n, c) => n + leaves(c), 0) : 1;
  const layer = window.mapper.layers[key];
  return layer ? leaves(layer) : -1;
}
"""
#: the labels of one legend group, by its heading
GROUP_JS = """
(name) => {
  const fs = [...document.querySelectorAll('.mapper-layer-group')]
    .find((f) => f.querySelector('.mapper-group-head').textContent === name);
  return fs ? [...fs.querySelectorAll('.mapper-layer-item .mapper-layer-label')].map((e) => e.textContent) : null;
}
"""
COUNT_JS = "(cls) => document.querySelectorAll('.' + cls).length"
#: every popup's and tooltip's text, as the user would read it
POPUPS_JS = """() => { const out = [];
  function walk(l) {
    if (l.getPopup && l.getPopup()) { const d = document.createElement('div');
      d.innerHTML = l.getPopup().getContent(); out.push(['popup', d.textContent]); }
    if (l.getTooltip && l.getTooltip()) { const d = document.createElement('div');
      d.innerHTML = l.getTooltip().getContent(); out.push(['tip', d.textContent]); }
    if (l.eachLayer) { l.eachLayer(walk); } }
  const map = Object.values(window).find((v) => v instanceof L.Map);
  map.eachLayer(walk); return out; }"""


def _render(run_cli, path: Path, out: Path) -> Path:
    result = run_cli("render", path, "-o", out)
    assert result.exit_code == 0, result
    return out


def _annotation_leaves() -> int:
    # a label is one marker; an arrow its line, its head and the marker of its text
    return ANNOTATIONS["labels"] + 3 * ANNOTATIONS["arrows"]


def test_each_layer_draws_its_features_with_its_legend_entry(
    browser_page, run_cli, tmp_path: Path
) -> None:
    page = browser_page.open(_render(run_cli, overlay_folder(tmp_path / "s"), tmp_path / "m.html"))
    page.wait_for_function("window.mapper && window.mapper.layers", timeout=10_000)
    counts = expected_counts()
    for n, (name, legend) in enumerate(LEGENDS.items()):
        assert page.evaluate(LEAVES_JS, f"Your layers / {legend}") == counts[name], name
        assert page.evaluate(COUNT_JS, f"mapper-overlay-{n}") == counts[name], name
    assert page.evaluate(LEAVES_JS, "Your layers / Annotations") == _annotation_leaves()
    # the legend (docked beside the map) lists them in order, the annotations last
    assert page.evaluate(GROUP_JS, "Your layers") == [*LEGENDS.values(), "Annotations"]
    texts = page.locator(".mapper-annotation-text").all_inner_texts()
    assert sorted(texts) == sorted(["plain text", "Kyiv area", "Supply route"])
    assert page.evaluate("document.querySelectorAll('.mapper-overlay-symbol svg').length") == 2
    # a layer's checkbox takes its features off the map and puts them back
    box = page.get_by_role("checkbox", name="Strikes (CSV)")
    box.uncheck()
    assert page.evaluate(COUNT_JS, "mapper-overlay-0") == 0
    box.check()
    assert page.evaluate(COUNT_JS, "mapper-overlay-0") == counts["Strikes"]
    assert browser_page.log.problems() == []


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_attribute_text_stays_inert(
    browser_page, run_cli, tmp_path: Path, text: str
) -> None:
    dialogs: list[str] = []
    browser_page.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    out = _render(run_cli, overlay_folder(tmp_path / "s", text), tmp_path / "m.html")
    if text != "</script>":  # the page has its own closing tags
        assert text not in out.read_text("utf-8")
    page = browser_page.open(out)
    page.wait_for_function("window.mapper && window.mapper.layers", timeout=10_000)
    shown = page.evaluate(POPUPS_JS)
    # a set: the map visits nested layers more than once
    popups = {t for kind, t in shown if kind == "popup" and text in t}
    tips = {t for kind, t in shown if kind == "tip" and text in t}
    # the hostile point (its name, its layer, then the two chosen attributes: name and value as written) and the
    # drawn line (name, layer, note)
    assert popups == {f"{text}Hostilenote{text}{text}{text}", f"{text}Drawnnote{text}"}
    assert tips == {text}
    assert text in page.locator(".mapper-annotation-text").all_inner_texts()
    assert page.locator(".mapper-annotation img, .mapper-annotation script").count() == 0
    # open the hostile point's popup: the DOM shows the text, nothing in it became markup
    page.evaluate(
        """(text) => { const map = Object.values(window).find((v) => v instanceof L.Map);
             let done = false; map.eachLayer(function walk(l) {
               if (!done && l.getTooltip && l.getTooltip() && l.getLatLng && l.getPopup()
                   && l.getTooltip().getContent().length) {
                 const d = document.createElement('div'); d.innerHTML = l.getTooltip().getContent();
                 if (d.textContent === text) { l.openPopup(); done = true; } }
               if (l.eachLayer) { l.eachLayer(walk); } }); }""",
        text,
    )
    popup = page.locator(".leaflet-popup-content")
    assert text in popup.inner_text()
    assert popup.locator("img, script").count() == 0
    assert "49" not in popup.inner_text()
    page.wait_for_timeout(200)  # an onerror handler would have run by now
    assert dialogs == [] and page.evaluate("typeof window.__pwned") == "undefined"
    assert browser_page.log.problems() == []


def _timed(folder: Path) -> Path:
    """The overlay scenario with phases: its force arrives at D+30, so the slider has several steps."""
    path = folder / "overlays.yaml"
    text = path.read_text("utf-8")
    text = text.replace(
        "options:\n",
        "phases:\n  - {name: Arrival, from: D+0, until: D+30}\n  - {name: Deployed, from: D+30}\noptions:\n",
        1,
    ).replace("nation: FR}", "nation: FR, phase: Deployed}", 1)
    out = folder / "timed.yaml"
    out.write_text(text, "utf-8")
    return out


def test_a_timed_map_draws_the_layers_at_every_step(browser_page, run_cli, tmp_path: Path) -> None:
    path = _timed(overlay_folder(tmp_path / "s").parent)
    steps = prepare(path).steps
    assert len(steps) > 1
    page = browser_page.open(_render(run_cli, path, tmp_path / "t.html"))
    page.wait_for_function("window.mapper && window.mapper.time && window.mapper.time.index >= 0")
    counts = list(expected_counts().values())
    for i in range(len(steps)):
        page.evaluate(f"window.mapper.time.go({i})")
        drawn = [page.evaluate(COUNT_JS, f"mapper-overlay-{n}") for n in range(len(counts))]
        assert drawn == counts, i
        assert page.evaluate(COUNT_JS, "mapper-annotation-arrow") == ANNOTATIONS["arrows"], i
    assert browser_page.log.problems() == []


def test_the_comparison_maps_draw_each_scenarios_layers(
    browser_page, run_cli, tmp_path: Path
) -> None:
    folder = overlay_folder(tmp_path / "s")
    out = tmp_path / "compare.html"
    result = run_cli("compare", folder, EXAMPLE, "-f", "html", "-o", out)
    assert result.exit_code == 0, result
    page = browser_page.open(
        out, wait_for="window.mapperCompare && window.mapper && window.mapper.layers"
    )
    example = prepare(EXAMPLE).scenario
    ours = prepare(folder).scenario
    for s in (ours, example):
        group = f"Your layers: {s.id}"
        labels = page.evaluate(GROUP_JS, group)
        assert labels == [*(o.legend_text for o in s.overlays), "Annotations"], s.id
        for o in s.overlays:
            assert page.evaluate(LEAVES_JS, f"{group} / {o.legend_text}") == len(o.features), o.name
    assert browser_page.log.problems() == []

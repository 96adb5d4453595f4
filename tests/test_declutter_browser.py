"""Labels without collisions, co-located units grouped, and hover tooltips (issue #15), in a real headless Chromium.

For every example and the comparison's combined map, at 1400×900 and 1920×1080, at the initial zoom and two zooms
in: the boxes of every visible label (force and hub labels, stack labels, place names) overlap no other (1 px
tolerance) and no unit symbol, and no symbol in view is under a control (panels, legend, tools: they sit beside
the map). In key_cities the two units in Kyiv and the two in Odesa are one stack each, which
spreads on click so that each unit's own popup opens from its symbol. Hover tooltips of units and stacks say name,
troops and distance, and show hostile text literally. Screenshots go to ``tests/artifacts/``: ``declutter_<example>_
<width>x<height>_z<zoom>.png`` after, ``declutter_before_<example>.png`` with the declutter switched off.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.browser import ARTIFACTS, MAP_JS, PANEL_HITS_JS, OfflinePage
from support.hostile_text import ISSUE_STRINGS

from mapper import pipeline
from mapper.comparison import write_comparison
from mapper.render import write_html

pytestmark = [
    pytest.mark.browser,
    pytest.mark.sweep,
]  # every example, size and zoom: make test-sweeps

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "scenarios").glob("*.yaml"))
MAPS = [p.stem for p in EXAMPLES] + ["combined"]
SIZES = [(1400, 900), (1920, 1080)]

#: the map under test: the page's only map, or the comparison's combined map
READY_JS = f"(() => {{ const m = window.L && {MAP_JS}; return m && m.getContainer().getAttribute('data-declutter-runs'); }})()"
RUNS_JS = f"+{MAP_JS}.getContainer().getAttribute('data-declutter-runs')"

#: every visible label and unit symbol in the map's view: [text, left, top, right, bottom]
BOXES_JS = f"""
() => {{
  const map = {MAP_JS}, c = map.getContainer(), view = c.getBoundingClientRect();
  const visible = (el) => {{
    for (let e = el; e && e !== c; e = e.parentElement) {{
      const s = getComputedStyle(e);
      if (s.display === "none" || s.visibility === "hidden" || +s.opacity === 0) return false;
    }}
    return true;
  }};
  const box = (el) => {{ const r = el.getBoundingClientRect(); return [el.textContent, r.left, r.top, r.right, r.bottom]; }};
  const inView = (b) => b[3] > b[1] && b[4] > b[2] && b[3] > view.left && b[1] < view.right &&
                        b[4] > view.top && b[2] < view.bottom;
  const pick = (sel) => Array.from(c.querySelectorAll(sel)).filter(visible).map(box).filter(inView);
  return {{zoom: map.getZoom(),
          labels: pick(".mapper-unit-label, .mapper-place-name"),
          symbols: pick(".mapper-unit-icon .mapper-unit > svg, .mapper-stack-icon .mapper-unit > svg"),
          hidden: c.querySelectorAll(".mapper-dc-hidden").length}};
}}
"""


def _overlap(a: list[Any], b: list[Any], tol: float = 1.0) -> bool:
    return min(a[3], b[3]) - max(a[1], b[1]) > tol and min(a[4], b[4]) - max(a[2], b[2]) > tol


def _collisions(state: dict[str, Any]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    labels, symbols = state["labels"], state["symbols"]
    pairs = [(a[0], b[0]) for i, a in enumerate(labels) for b in labels[i + 1 :] if _overlap(a, b)]
    # a unit's own label touches its own symbol's box only at the gap; any real overlap is a collision
    on_symbols = [(a[0], "symbol") for a in labels for s in symbols if _overlap(a, s)]
    return pairs, on_symbols


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each example rendered once, and the comparison report (whose first map is the combined map)."""
    out = tmp_path_factory.mktemp("declutter")
    paths = {p.stem: write_html(pipeline.prepare(p), out / f"{p.stem}.html") for p in EXAMPLES}
    paths["combined"] = write_comparison([REPO / "scenarios"], out / "compare.html", "html").path
    return paths


def _open(chromium: Any, path: Path, size: tuple[int, int], *, before: bool = False) -> OfflinePage:
    page_ = OfflinePage(chromium, size)
    if before:  # the page as it was without the declutter: mapperDeclutter() does nothing
        page_.page.add_init_script(
            "Object.defineProperty(window, 'mapperDeclutter', {get() { return () => null; }, set(v) {}});"
        )
    page_.open(path, wait_for="" if before else READY_JS)
    if before:
        page_.page.wait_for_timeout(400)
    return page_


def _shot(page: Any, name: str) -> None:
    """A screenshot of the map under test (the combined map is below the comparison page's tables)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    map_id = page.evaluate(f"{MAP_JS}.getContainer().id")
    page.locator(f"#{map_id}").screenshot(path=str(ARTIFACTS / name))


def _zoom(page: Any, zoom: int) -> None:
    runs = page.evaluate(RUNS_JS)
    page.evaluate(f"(z) => {{ {MAP_JS}.setZoom(z, {{animate: false}}); }}", zoom)
    page.wait_for_function(f"{RUNS_JS} > {runs}", timeout=10_000)
    page.wait_for_timeout(50)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("name", MAPS)
def test_no_label_overlaps_another_or_a_symbol_at_three_zooms(
    chromium: Any, pages: dict[str, Path], name: str, size: tuple[int, int]
) -> None:
    page_ = _open(chromium, pages[name], size)
    try:
        page = page_.page
        z0 = page.evaluate(f"{MAP_JS}.getZoom()")
        measured = []
        for z in (z0, z0 + 1, z0 + 2):
            if z != z0:
                _zoom(page, z)
            state = page.evaluate(BOXES_JS)
            assert state["zoom"] == z
            _shot(page, f"declutter_{name}_{size[0]}x{size[1]}_z{z}.png")
            pairs, on_symbols = _collisions(state)
            assert not pairs, f"zoom {z}: overlapping labels {pairs[:10]}"
            assert not on_symbols, f"zoom {z}: labels over symbols {on_symbols[:10]}"
            # the panels sit beside the map (controls.Dock): no symbol is under one at any zoom, nor at the
            # first view off the map's edges
            covered = page.evaluate(PANEL_HITS_JS, z == z0)
            assert covered["hits"] == [], f"zoom {z}: {covered['hits'][:10]}"
            if z == z0:
                assert state["symbols"], "no unit symbol in view"
            measured.append({"zoom": z, "labels": len(state["labels"]), "hidden": state["hidden"]})
        # labels come back as the map zooms in: fewer are hidden two zooms in than at the start
        assert measured[2]["hidden"] <= measured[0]["hidden"]
        assert not page_.log.problems()
    finally:
        page_.close()


@pytest.mark.parametrize("name", MAPS)
def test_before_screenshot_and_overlaps_without_the_declutter(
    chromium: Any, pages: dict[str, Path], name: str
) -> None:
    """The same page with the declutter off, for the before/after comparison (and to show the test bites)."""
    page_ = _open(chromium, pages[name], SIZES[0], before=True)
    try:
        _shot(page_.page, f"declutter_before_{name}.png")
        pairs, on_symbols = _collisions(page_.page.evaluate(BOXES_JS))
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"declutter_before_{name}.json").write_text(
            json.dumps(
                {"overlapping_label_pairs": len(pairs), "labels_on_symbols": len(on_symbols)}
            )
        )
        assert pairs  # without it, labels collide on every map
    finally:
        page_.close()


STACK_MEMBERS_JS = f"""
() => Array.from({MAP_JS}.getContainer().querySelectorAll(".mapper-unit-icon.mapper-grouped"))
  .map((el) => el.querySelector(".mapper-unit-label").firstChild.textContent)
"""


def test_key_cities_co_located_units_stack_and_spread(
    chromium: Any, pages: dict[str, Path]
) -> None:
    pairs = [
        ("Kyiv protection force", "Kyiv air defence"),
        ("Odesa port group", "Odesa air defence"),
    ]
    page_ = _open(chromium, pages["key_cities"], SIZES[0])
    try:
        page = page_.page
        grouped = set(page.evaluate(STACK_MEMBERS_JS))
        assert {n for p in pairs for n in p} <= grouped
        for lead, other in pairs:
            stack = page.locator(".mapper-stack-icon", has_text=lead)
            assert stack.count() == 1
            assert "×2" in stack.inner_text() and "+1 more" in stack.inner_text()
            stack.hover()  # the stack's tooltip names every member
            tips = page.locator(".leaflet-tooltip", has_text=lead)
            tips.last.wait_for()
            tip = tips.last.inner_text()
            assert lead in tip and other in tip
            stack.click()
            spread = page.locator(".mapper-unit-icon.mapper-spread")
            # the spread is drawn on the click's next layout pass: wait for it (up to 5 s), then count
            spread.nth(1).wait_for(state="attached", timeout=5_000)
            assert spread.count() == 2
            page.mouse.move(5, 450)  # off the stack: no tooltip in the picture
            _shot(page, f"declutter_key_cities_spread_{lead.split()[0].lower()}.png")
            for unit in (lead, other):  # every member's own symbol opens its own popup
                page.locator(".mapper-unit-icon.mapper-spread", has_text=unit).locator(
                    "svg"
                ).last.click()
                # the popup opened for this unit (the previous one may still be fading out)
                page.locator(".leaflet-popup-content h3", has_text=unit).wait_for()
                # let the popup's pan end (the declutter runs again on moveend), then close it
                page.wait_for_timeout(400)
                page.evaluate(f"() => {{ {MAP_JS}.closePopup(); }}")
                page.wait_for_timeout(300)
            # each has a leg to its true position, and its label is shown
            assert (
                page.evaluate(
                    f"{MAP_JS}.getContainer().querySelectorAll('.leaflet-overlay-pane path').length"
                )
                > 0
            )
            state = page.evaluate(BOXES_JS)
            shown = " ".join(lab[0] for lab in state["labels"])
            assert lead in shown and other in shown
            assert not _collisions(state)[0]
            page.keyboard.press("Escape")  # folds back (and closes the popup)
            assert page.locator(".mapper-unit-icon.mapper-spread").count() == 0
            assert stack.is_visible()
        assert not page_.log.problems()
    finally:
        page_.close()


def test_unit_tooltip_says_name_troops_and_distance(chromium: Any, pages: dict[str, Path]) -> None:
    page_ = _open(chromium, pages["key_cities"], SIZES[0])
    try:
        page = page_.page
        page.locator(".mapper-unit-icon", has_text="Dnipro forward base").locator(
            "svg"
        ).last.hover()
        tip = page.locator(".leaflet-tooltip").last.inner_text()
        assert "Dnipro forward base" in tip and "3,000 troops" in tip
        assert "km ±" in tip and "from the front line" in tip
        page.locator(".mapper-unit-icon", has_text="Constanta port").locator("svg").last.hover()
        assert "Constanta port (hub)" in page.locator(".leaflet-tooltip").last.inner_text()
    finally:
        page_.close()


@pytest.mark.parametrize("text", ISSUE_STRINGS[:5])
def test_hostile_names_in_tooltips_and_stacks_show_literally(
    chromium: Any, tmp_path: Path, text: str
) -> None:
    doc = {
        "format": 1,
        "id": "hostile",
        "title": "T",
        "date": "2025-03-27",
        "options": [
            {
                "id": "x",
                "name": f"O {text}",
                "colour": "#1f4e9c",
                "forces": [
                    {"name": f"F {text}", "nation": "FR", "troops": 1000, "at": "Vinnytsia"},
                    {"name": f"G {text}", "nation": "FR", "troops": 500, "at": "Vinnytsia"},
                    {"name": f"K {text}", "nation": "FR", "troops": 800, "at": "Uman"},
                ],
            }
        ],
    }
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    html = write_html(pipeline.prepare(path), tmp_path / "hostile.html")
    page_ = _open(chromium, html, SIZES[0])
    try:
        page = page_.page
        page.locator(".mapper-unit-icon", has_text=f"K {text}").locator("svg").last.hover()
        tip = page.locator(".leaflet-tooltip").last.inner_text()
        assert f"K {text}" in tip and f"O {text}" in tip
        stack = page.locator(".mapper-stack-icon")
        assert f"F {text}" in stack.inner_text()
        stack.hover()
        tip = page.locator(".leaflet-tooltip").last.inner_text()
        assert f"F {text}" in tip and f"G {text}" in tip
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert not page_.log.problems()
    finally:
        page_.close()


def test_stacks_follow_the_layers_shown(chromium: Any, pages: dict[str, Path]) -> None:
    """Hiding the forces in the legend removes their stacks (and their labels' claims); showing them brings both
    back."""
    page_ = _open(chromium, pages["key_cities"], SIZES[0])
    try:
        page = page_.page
        stacks = page.locator(".mapper-stack-icon")
        assert stacks.count() == 2
        box = page.get_by_role("checkbox", name="Forces (17,150 troops)")
        box.uncheck()
        page.wait_for_function("!document.querySelector('.mapper-stack-icon')", timeout=5_000)
        assert not _collisions(page.evaluate(BOXES_JS))[0]
        box.check()
        page.wait_for_function(
            "document.querySelectorAll('.mapper-stack-icon').length === 2", timeout=5_000
        )
        assert not any(_collisions(page.evaluate(BOXES_JS)))
        assert not page_.log.problems()
    finally:
        page_.close()

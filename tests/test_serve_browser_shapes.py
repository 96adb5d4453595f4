"""``mapper serve`` in headless Chromium: a scenario in a sub-folder redraws its open map when saved, and the form
of a shape (a line along a river, a zone) opened by clicking its outline in edit mode: the loader's message shown
in the form for an unknown river (the file untouched), a change written on its line only, a zone deleted after a
confirmation, and Ctrl+Z restoring the file byte for byte. Screenshots of the form: tests/artifacts/.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.cli import REPO
from support.serve import (
    ANY_READY,
    ARTIFACTS,
    ServedPage,
    changed_lines,
    edit_mode,
    served_page,
    version,
    wait_file,
)

from mapper.serve import Running, start

pytestmark = pytest.mark.browser

NAME = "dnipro_line.yaml"
SUB = "options/west.yaml"
ALONG = "options[0].lines[0]"
ZONE = "options[0].zones[0]"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Running]:
    folder = tmp_path / "sc"
    (folder / "options").mkdir(parents=True)
    shutil.copy(REPO / "scenarios" / NAME, folder / NAME)
    shutil.copy(REPO / "scenarios" / "western_regions.yaml", folder / SUB)
    running = start(folder, port=0)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def page(chromium: Any, served: Running) -> Iterator[ServedPage]:
    yield from served_page(chromium, served)


def test_a_sub_folder_scenarios_map_is_redrawn_when_saved(
    page: ServedPage, served: Running
) -> None:
    p = page.goto("/")
    p.click(f"a[href='/map/{SUB}']")
    p.wait_for_function(ANY_READY, timeout=20_000)
    assert (
        p.evaluate("JSON.parse(document.getElementById('mapper-serve-config').textContent).file")
        == SUB
    )
    path = served.folder / SUB
    v = version(page)
    text = path.read_text()
    title = text.split("title:", 1)[1].splitlines()[0].strip().strip("'\"")
    path.write_text(text.replace(title, "Saved in a sub-folder", 1))
    p.wait_for_function(
        "(v) => window.mapperServe && window.mapperServe.version > v && window.mapperServe.ready",
        arg=v,
        timeout=20_000,
    )
    assert "Saved in a sub-folder" in p.evaluate("document.body.innerText")


def _click_shape(p: Any, keypath: str) -> None:
    """A real click on the shape's outline: the first point along its path (in page pixels) where nothing
    else (a handle, a marker) is on top of it."""
    x, y = p.evaluate(
        """(k) => {
            const e = document.querySelector(`path[data-shape='${k}']`), m = e.getScreenCTM();
            for (let f = 0.05; f < 1; f += 0.05) {
                const pt = e.getPointAtLength(e.getTotalLength() * f);
                const x = Math.round(pt.x * m.a + pt.y * m.c + m.e), y = Math.round(pt.x * m.b + pt.y * m.d + m.f);
                if (document.elementFromPoint(x, y) === e) return [x, y];
            }
            return null;
        }""",
        keypath,
    )
    p.mouse.click(x, y)
    p.wait_for_selector(f".mapper-serve-shape-form[data-shape='{keypath}']")


def test_a_line_along_a_river_and_a_zone_are_edited_from_their_form(
    page: ServedPage, served: Running
) -> None:
    p = page.goto(f"/map/{NAME}")
    path = served.folder / NAME
    original = path.read_text()
    edit_mode(p)
    p.wait_for_selector(f"path[data-shape='{ALONG}']", state="attached")
    _click_shape(p, ALONG)
    form = p.locator(".mapper-serve-shape-form")
    assert form.locator("input[name='river']").input_value() == "Dnipro"
    assert form.locator("input[name='to']").input_value() == "Zaporizhzhia"
    # an unknown river: the loader's message in the form, the file as it was
    form.locator("input[name='river']").fill("Nowhere river")
    form.locator("button[type='submit']").click()
    problems = form.locator(".mapper-serve-form-problems")
    problems.wait_for(state="visible")
    assert f"{ALONG}.along.river:" in problems.inner_text()
    form.screenshot(path=str(ARTIFACTS / "serve_shape_form.png"))
    assert path.read_text() == original
    form.locator("input[name='river']").fill("Dnipro")
    form.locator("input[name='to']").fill("Kherson")
    v = version(page)
    form.locator("button[type='submit']").click()
    after = wait_file(p, path, lambda t: t != original)
    assert changed_lines(original, after) == [
        "-        along: {river: Dnipro, from: Kyiv, to: Zaporizhzhia}",
        "+        along: {river: Dnipro, from: Kyiv, to: Kherson}",
    ]
    p.wait_for_function(
        "(v) => window.mapperServe.version > v && window.mapperServe.ready && window.mapperServe.editing",
        arg=v,
        timeout=20_000,
    )
    p.wait_for_selector(f"path[data-shape='{ZONE}']", state="attached")
    _click_shape(p, ZONE)
    zone = p.locator(".mapper-serve-shape-form")
    assert zone.locator("select[name='buffer_of']").input_value() == "front_line"
    assert zone.locator("input[name='width_km']").input_value() == "30"
    zone.screenshot(path=str(ARTIFACTS / "serve_shape_form_zone.png"))
    p.once("dialog", lambda d: d.accept())
    zone.locator(".mapper-serve-delete").click()
    deleted = wait_file(p, path, lambda t: "Demilitarised zone" not in t)
    assert all(line.startswith("-") for line in changed_lines(after, deleted))
    p.wait_for_function("!window.mapperServe.writing")
    p.keyboard.press("Control+z")
    wait_file(p, path, lambda t: t == after)
    p.wait_for_function("!window.mapperServe.writing")
    p.keyboard.press("Control+z")
    wait_file(p, path, lambda t: t == original)

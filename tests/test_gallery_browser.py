"""The gallery index in a real headless Chromium with the network cut off: every link and image resolves to a file
of the gallery, the images decode, the sort and filter controls work, and without JS the page still lists every
card in its default order."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from mapper.gallery import build_gallery

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
# troops / nearest km: dnipro_line 18,800 / 90.8; key_cities 17,150 / 46.5; western_regions 11,200 / 571.5
SMALL = ["dnipro_line.yaml", "key_cities.yaml", "western_regions.yaml"]
BAD = """\
format: 1
id: bad
title: Broken
date: 2025-03-27
options: []
"""


@pytest.fixture(scope="module")
def small_gallery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("gallery_browser")
    src = root / "scen"
    src.mkdir()
    for name in SMALL:
        shutil.copy(REPO / "scenarios" / name, src / name)
    (src / "zz_bad.yaml").write_text(BAD, encoding="utf-8")
    out = root / "gallery"
    result = build_gallery(src, out, jobs=2)
    assert len(result.built) == 3 and len(result.failed) == 1
    return out


def _order(page) -> list[str]:
    return page.eval_on_selector_all(
        "#cards > li:not([hidden])", "els => els.map(e => e.id.replace('scenario-', ''))"
    )


def _local_file(url: str) -> Path | None:
    parsed = urlparse(url)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


def test_index_links_images_and_controls(browser_page, small_gallery: Path) -> None:
    page = browser_page.open(
        small_gallery / "index.html", wait_for="document.readyState === 'complete'"
    )
    assert page.title() == "Deployment scenarios"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").count() == 1 and page.locator("#cards h2").count() == 4

    # every link and image points at a file of the gallery (or, in the footer credits, at a web page)
    for href, in_footer in page.eval_on_selector_all(
        "a[href]", "els => els.map(a => [a.href, !!a.closest('footer')])"
    ):
        path = _local_file(href)
        if path is None:
            assert in_footer and href.startswith("https://"), href
            continue
        assert path.is_file(), href
        assert path.resolve().is_relative_to(small_gallery.resolve()), href
    images = page.locator("#cards img")
    assert images.count() == 3
    for i in range(images.count()):
        img = images.nth(i)
        img.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete", arg=img.element_handle())
        assert img.evaluate("img => img.naturalWidth") == 480
        assert img.evaluate("img => img.naturalHeight") == 320
        assert img.get_attribute("alt").startswith("Map of ")
        assert _local_file(img.evaluate("img => img.src")).is_file()

    # default order: by title, the failed one last
    assert _order(page) == ["dnipro_line", "key_cities", "western_regions", "file-zz_bad-yaml"]
    assert page.locator("#count").inner_text() == "4 of 4 scenarios shown"
    sort = page.get_by_label("Sort by")
    sort.select_option("troops")
    assert _order(page) == ["dnipro_line", "key_cities", "western_regions", "file-zz_bad-yaml"]
    # by the nearest force's distance to the front line, as the manifest gives it (failed ones last)
    figures = {
        r["id"]: r["figures"]["min_distance_to_front_km"]
        for r in json.loads((small_gallery / "gallery.json").read_text(encoding="utf-8"))[
            "scenarios"
        ]
        if r["status"] == "built"
    }
    nearest = sorted(figures, key=figures.__getitem__)
    sort.select_option("distance-asc")
    assert _order(page) == [*nearest, "file-zz_bad-yaml"]
    sort.select_option("distance-desc")
    assert _order(page) == [*nearest[::-1], "file-zz_bad-yaml"]

    page.get_by_role("searchbox", name="Filter").fill("Western_Regions")
    assert _order(page) == ["western_regions"]
    assert page.locator("#count").inner_text() == "1 of 4 scenarios shown"
    page.get_by_role("searchbox", name="Filter").fill("")
    page.get_by_label("Status").select_option("failed")
    assert _order(page) == ["file-zz_bad-yaml"]
    assert "Could not be built" in page.locator("#scenario-file-zz_bad-yaml").inner_text()
    page.get_by_label("Status").select_option("all")
    sort.select_option("title")
    assert len(_order(page)) == 4
    browser_page.screenshot("gallery_index.png")
    assert browser_page.log.problems() == []


def test_map_page_links_back_to_the_index(browser_page, small_gallery: Path) -> None:
    page = browser_page.open(
        small_gallery / "index.html", wait_for="document.readyState === 'complete'"
    )
    page.get_by_role("link", name="Option A: the Dnipro line", exact=True).click()
    page.wait_for_function("window.L && document.querySelector('.leaflet-pane')", timeout=10_000)
    assert page.url.endswith("/maps/dnipro_line.html")
    page.get_by_role("link", name="← All scenarios").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/gallery/index.html")
    assert browser_page.log.problems() == []


def test_index_without_javascript(chromium, small_gallery: Path) -> None:
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(("file:", "data:"))
                else route.abort()
            ),
        )
        page.goto((small_gallery / "index.html").resolve().as_uri())
        assert not page.locator("#controls").is_visible()  # the controls need JS: hidden
        assert _order(page) == ["dnipro_line", "key_cities", "western_regions", "file-zz_bad-yaml"]
        assert page.locator("#cards > li").evaluate_all("els => els.every(e => e.offsetHeight > 0)")
    finally:
        context.close()

"""Overlays and annotations drawn (issue #16): on the HTML map (``mapper.render.overlays``, checked in headless
Chromium: what each layer draws, and hostile text shown literally and never run) and on the static map
(``mapper.staticmap.overlays``: pixels change where the overlay is, and only there)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon

from mapper import overlays as ov
from mapper.overlays import FileSource, Overlay, OverlayFeature, OverlayStyle, read_overlay_file
from mapper.render import new_map
from mapper.render.overlays import add_annotations, add_overlays, popup_html
from mapper.render.page import finalize_html

DATA = Path(__file__).parent / "data" / "overlays"
HOSTILE = ["<img src=x onerror=alert(1)>", "{{ 7*7 }}", "</script>"]
KYIV, KHARKIV, ODESA = (30.5234, 50.4501), (36.2304, 49.9935), (30.7233, 46.4825)


def _layers() -> list[Overlay]:
    """One layer of every source type and drawing: CSV points as crosses, GeoJSON points (circles), a line and a
    polygon, KML and KMZ lines and points as triangles, an APP-6 hostile symbol, inline shapes."""
    strikes = read_overlay_file(DATA / "strikes.csv", FileSource("latitude", "longitude"))
    return [
        Overlay(
            "Strikes",
            "points",
            strikes,
            OverlayStyle(colour="#8b0000", marker="cross"),
            popup=("date", "target"),
        ),
        Overlay(
            "Sites",
            "mixed",
            read_overlay_file(DATA / "sites.geojson"),
            OverlayStyle(colour="#006400", dash=(6, 4)),
            popup=("type",),
        ),
        Overlay(
            "KML", "mixed", read_overlay_file(DATA / "routes.kml"), OverlayStyle(marker="triangle")
        ),
        Overlay(
            "KMZ", "mixed", read_overlay_file(DATA / "routes.kmz"), OverlayStyle(marker="square")
        ),
        Overlay(
            "Mercator",
            "points",
            read_overlay_file(DATA / "mercator.geojson"),
            OverlayStyle(marker="diamond"),
        ),
        Overlay(
            "Hostile AD",
            "points",
            (OverlayFeature(Point(37.5, 47.1), {}, 0, "S-300"),),
            OverlayStyle(sidc="10061000001301000000"),
        ),
    ]


def _annotations(text: str = "Ceasefire line") -> list[ov.Annotation]:
    arrow = LineString([KYIV, KHARKIV])
    return [
        ov.Annotation("label", text, Point(35.2, 47.6), "#0000ff", 14, "annotations[0]"),
        ov.Annotation(
            "arrow", "axis", arrow, "#ff0000", 13, "annotations[1]", ov.arrow_head(arrow)
        ),
    ]


def _page(
    tmp_path: Path, overlays: list[Overlay], annotations: list[ov.Annotation]
) -> tuple[Path, Any]:
    m = new_map()
    legend = add_overlays(m, overlays)
    ann = add_annotations(m, annotations)
    out = tmp_path / "overlays.html"
    out.write_text(finalize_html(m, title="overlays"), "utf-8")
    return out, (legend, ann)


COUNT_JS = "(cls) => document.querySelectorAll('.' + cls).length"


@pytest.mark.browser
def test_each_layer_draws_its_features(browser_page, tmp_path: Path) -> None:
    overlays = _layers()
    out, (legend, ann) = _page(tmp_path, overlays, _annotations())
    assert [(label, colour, shape) for label, _, colour, shape in legend] == [
        ("Strikes", "#8b0000", "point"),
        ("Sites", "#006400", "dashed"),
        ("KML", "#1f4e79", "line"),
        ("KMZ", "#1f4e79", "line"),
        ("Mercator", "#1f4e79", "point"),
        ("Hostile AD", "#1f4e79", "point"),
    ]
    assert ann is not None and ann[0] == "Annotations"
    page = browser_page.open(out)
    counts = [page.evaluate(COUNT_JS, f"mapper-overlay-{n}") for n in range(len(overlays))]
    assert counts == [len(o.features) for o in overlays] == [4, 4, 3, 3, 2, 1]
    # what each feature became: CSV crosses are icons; GeoJSON points circles (SVG paths) with a line and a
    # polygon; the APP-6 layer milsymbol's SVG
    assert (
        page.evaluate(
            "document.querySelectorAll('.mapper-overlay-marker.mapper-overlay-0 svg path').length"
        )
        == 4
    )
    assert page.evaluate("document.querySelectorAll('path.mapper-overlay-1').length") == 4
    assert (
        page.evaluate(
            "document.querySelector('path.mapper-overlay-1').getAttribute('stroke-dasharray')"
        )
        == "6 4"
    )
    assert page.evaluate("document.querySelectorAll('.mapper-overlay-symbol svg').length") == 1
    assert page.evaluate(COUNT_JS, "mapper-annotation-arrow") == 1
    assert page.evaluate(COUNT_JS, "mapper-annotation-head") == 1
    assert page.locator(".mapper-annotation-text").all_inner_texts() == ["Ceasefire line", "axis"]
    assert browser_page.log.problems() == []


def _hostile_layers(text: str) -> list[Overlay]:
    attrs = {text: text, "note": text}
    feats = (
        OverlayFeature(Point(*KYIV), attrs, 0, text),
        OverlayFeature(LineString([KYIV, ODESA]), attrs, 1, text),
        OverlayFeature(Polygon([(29, 49), (30, 49), (30, 50)]), attrs, 2, text),
    )
    return [
        Overlay(
            text, "mixed", feats, OverlayStyle(marker="square"), popup=(text, "note"), legend=text
        ),
        Overlay(text + "2", "points", feats[:1], OverlayStyle(), popup=("note",)),
    ]


POPUPS_JS = """() => { const out = [];
  function walk(l) {
    if (l.getPopup && l.getPopup()) { const d = document.createElement('div');
      d.innerHTML = l.getPopup().getContent(); out.push(['popup', d.textContent]); }
    if (l.getTooltip && l.getTooltip()) { const d = document.createElement('div');
      d.innerHTML = l.getTooltip().getContent(); out.push(['tip', d.textContent]); }
    if (l.eachLayer) { l.eachLayer(walk); } }
  const map = Object.values(window).find((v) => v instanceof L.Map);
  map.eachLayer(walk); return out; }"""


@pytest.mark.browser
@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_shown_literally_and_never_runs(
    browser_page, tmp_path: Path, text: str
) -> None:
    dialogs: list[str] = []
    browser_page.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    out, _ = _page(tmp_path, _hostile_layers(text), _annotations(text))
    if text != "</script>":  # the page has its own closing tags
        assert text not in out.read_text("utf-8")
    page = browser_page.open(out)
    texts = page.evaluate(POPUPS_JS)
    popups = sorted({t for kind, t in texts if kind == "popup"})
    tips = {t for kind, t in texts if kind == "tip"}
    # heading (the feature's name), the layer's name, then the chosen attributes: name and value as written
    assert popups == sorted({f"{text}{text}{text}{text}note{text}", f"{text}{text}2note{text}"})
    assert tips == {text}
    # a popup really opened: the DOM shows the text, and nothing in it became markup
    page.evaluate(
        """() => { const map = Object.values(window).find((v) => v instanceof L.Map);
                   let done = false; map.eachLayer(function walk(l) {
                     if (!done && l.getPopup && l.getPopup() && l.getLatLng) { l.openPopup(); done = true; }
                     if (l.eachLayer) { l.eachLayer(walk); } }); }"""
    )
    popup = page.locator(".leaflet-popup-content")
    assert text in popup.inner_text()
    assert popup.locator("img, script").count() == 0
    assert page.locator(".mapper-annotation-text").first.inner_text() == text
    assert page.locator(".mapper-annotation img, .mapper-annotation script").count() == 0
    assert "49" not in popup.inner_text() and "49" not in "".join(tips)
    page.wait_for_timeout(200)  # an onerror handler would have run by now
    assert dialogs == []
    assert browser_page.log.problems() == []


def test_popup_html_is_escaped_and_jinja_inert() -> None:
    layer = _hostile_layers("{{ 7*7 }}<b>")[0]
    html = popup_html(layer, layer.features[0])
    assert "{" not in html and "<b>" not in html
    assert "&#123;&#123; 7*7 &#125;&#125;&lt;b&gt;" in html
    plain = Overlay("L", "points", (OverlayFeature(Point(30, 50)),), OverlayStyle())
    assert popup_html(plain, plain.features[0]) == ""  # no name, no attributes chosen: no popup


def test_no_annotations_no_group() -> None:
    assert add_annotations(new_map(), []) is None


# ------------------------------------------------------------------------------------------ static map
W, H, DPI = 480, 360, 100


def _static(
    overlays: list[Overlay], annotations: list[ov.Annotation], labels: bool = True
) -> tuple[np.ndarray, Any]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from mapper.staticmap.drawing import Frame, Style
    from mapper.staticmap.overlays import draw_annotations, draw_overlays
    from mapper.staticmap.projection import project

    lat0, lon0 = 48.5, 31.5
    xmin, ymin, xmax, ymax = project(shapely.box(22.0, 44.0, 41.0, 53.0), lat0, lon0).bounds
    ymax = ymin + (xmax - xmin) * H / W  # square pixels
    fig = Figure(figsize=(W / DPI, H / DPI), dpi=DPI, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_axis_off()
    frame = Frame(lat0, lon0, xmin, xmax, ymin, ymax, (xmax - xmin) / W, DPI / 72)
    style = Style(frame_w=13, front_lw=2.2, label_size=6.2, marks=True, labels=labels)
    draw_overlays(ax, overlays, frame, style)
    draw_annotations(ax, annotations, frame, style)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[:, :, :3].copy(), frame


def _pixel(frame: Any, lon: float, lat: float) -> tuple[int, int]:
    from mapper.staticmap.projection import project

    x, y = project(Point(lon, lat), frame.lat0, frame.lon0).coords[0]
    px, py = frame.to_px(x, y)
    return int(H - py), int(px)  # row, column


def _changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.argwhere(np.abs(a.astype(int) - b.astype(int)).sum(axis=2) > 30)


def test_static_point_changes_pixels_only_where_it_is() -> None:
    blank, frame = _static([], [])
    point = Overlay(
        "P",
        "points",
        (OverlayFeature(Point(*KYIV)),),
        OverlayStyle(colour="#ff0000", marker="square", size=12, opacity=1.0),
    )
    drawn, _ = _static([point], [])
    changed = _changed(blank, drawn)
    row, col = _pixel(frame, *KYIV)
    assert len(changed)
    assert changed[:, 0].min() >= row - 8 and changed[:, 0].max() <= row + 8
    assert changed[:, 1].min() >= col - 8 and changed[:, 1].max() <= col + 8
    assert tuple(drawn[row, col]) == (255, 0, 0)


def test_static_app6_points_take_their_affiliation_fill() -> None:
    hostile = Overlay(
        "H", "points", (OverlayFeature(Point(*KHARKIV)),), OverlayStyle(sidc="10061000001301000000")
    )
    neutral = Overlay(
        "N", "points", (OverlayFeature(Point(*ODESA)),), OverlayStyle(sidc="10041000001301000000")
    )
    drawn, frame = _static([hostile, neutral], [])
    assert tuple(drawn[_pixel(frame, *KHARKIV)]) == (255, 128, 128)
    assert tuple(drawn[_pixel(frame, *ODESA)]) == (170, 255, 170)


def test_static_lines_polygons_and_annotations() -> None:
    blank, frame = _static([], [])
    poly = Overlay(
        "A",
        "polygons",
        (OverlayFeature(Polygon([(24, 45), (26, 45), (26, 46), (24, 46)])),),
        OverlayStyle(colour="#0000ff", fill_opacity=1.0),
    )
    drawn, _ = _static([poly], [])
    inside = _pixel(frame, 25, 45.5)
    assert tuple(drawn[inside]) == (0, 0, 255)
    changed = _changed(blank, drawn)
    corners = np.array(
        [_pixel(frame, lon, lat) for lon, lat in ((24, 45), (26, 45), (26, 46), (24, 46))]
    )
    assert (changed.min(axis=0) >= corners.min(axis=0) - 3).all()  # rows and columns
    assert (changed.max(axis=0) <= corners.max(axis=0) + 3).all()
    # the arrow and its text: drawn between Kyiv and Kharkiv, the text at the middle
    with_arrow, _ = _static([], _annotations()[1:])
    changed = _changed(blank, with_arrow)
    k_row, k_col = _pixel(frame, *KYIV)
    h_row, h_col = _pixel(frame, *KHARKIV)
    assert changed[:, 1].min() >= k_col - 20 and changed[:, 1].max() <= h_col + 20
    mid = with_arrow[
        (k_row + h_row) // 2 - 12 : (k_row + h_row) // 2 + 12,
        (k_col + h_col) // 2 - 30 : (k_col + h_col) // 2 + 30,
    ]
    assert (np.abs(mid.astype(int) - [255, 0, 0]).sum(axis=2) < 60).any()  # red text or line
    # no labels (thumbnails): the text goes, the arrow stays
    bare, _ = _static([], _annotations()[1:], labels=False)
    assert len(_changed(blank, bare)) and len(_changed(bare, with_arrow))


def test_static_text_is_drawn_literally() -> None:
    drawn, _ = _static([], [ov.Annotation("label", "${x} $\\alpha$", Point(35.2, 47.6))])
    assert drawn.min() < 128  # drawn, and mathtext did not fail on the dollars


def test_static_legend_rows() -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from mapper.staticmap.legend import _Panel
    from mapper.staticmap.overlays import draw_overlay_keys

    fig = Figure(figsize=(2, 4), dpi=100)
    FigureCanvasAgg(fig)
    lax = fig.add_axes((0, 0, 1, 1))
    panel = _Panel(lax, 200, 400, 100 / 72)
    y0 = panel.y
    draw_overlay_keys(panel, _layers())
    assert [t.get_text() for t in lax.texts] == [
        "Strikes",
        "Sites",
        "KML",
        "KMZ",
        "Mercator",
        "Hostile AD",
    ]
    assert panel.y > y0

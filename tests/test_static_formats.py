"""Static maps as PNG, PDF and SVG (chosen by the output's suffix), one look with the HTML map, no label collisions.

Every bundled example is drawn once: its labels are measured on the final figure (matplotlib text extents) and
no two may overlap; the same figure is saved as ``tests/artifacts/image_<example>.png|pdf|svg`` for a person to
look at; the PDF is read with a PDF parser and the SVG with an XML parser, and both carry each option's name as
text (not as paths).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from support.reference import EXAMPLES, write_scenario
from support.staticfig import text_overlaps

from mapper import app6
from mapper.api import render
from mapper.errors import OutputError, UsageError
from mapper.pipeline import prepare
from mapper.staticmap import (
    check_image_target,
    draw_figure,
    draw_static_map,
    encode_figure,
    image_format,
    write_image,
)
from mapper.style import FRIEND_FILL

ARTIFACTS = Path(__file__).parent / "artifacts"
REPO = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"

SCENARIO = """\
format: 1
id: formats
title: Formats test
date: 2025-03-27
options:
  - id: a
    name: Option Alpha
    colour: "#1b7837"
    forces:
      - {name: Alpha brigade, nation: FR, troops: 5000, kind: infantry, echelon: brigade, at: Cherkasy}
  - id: b
    name: Option Bravo
    colour: "#762a83"
    forces:
      - {name: Bravo brigade, nation: DE, troops: 3000, kind: armour, echelon: brigade, at: Vinnytsia}
"""
NAMES = ("Option Alpha", "Option Bravo")
SMALL = {"size": (640, 400), "dpi": 72}


def _pdf_text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")  # in the dev extras
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def _svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize(
    "path",
    # one example in make test, every one in make test-sweeps
    [p if p.stem == "dnipro_line" else pytest.param(p, marks=pytest.mark.sweep) for p in EXAMPLES],
    ids=[p.stem for p in EXAMPLES],
)
def test_examples_no_label_overlaps_and_every_format(path: Path) -> None:
    prepared = prepare(path)
    fig = draw_figure(prepared)
    fig.canvas.draw()
    assert text_overlaps(fig) == []
    names = [o.option.name for o in prepared.options]
    # every force keeps a label (forces rank first; city names give way to them)
    labels = {t.get_text().split("\n")[0] for t in fig.axes[0].texts}
    labels = {lbl for lbl in labels if len(lbl) >= 4}
    timeline = prepared.scenario.timeline
    # a timed scenario's static map shows its situation date: the forces present then
    shown = (
        prepared
        if timeline is None or not timeline.timed
        else prepare(path, at=prepared.scenario.date)
    )
    for o in shown.options:
        for site in o.forces:
            assert any(site.name.startswith(lbl.rstrip("…")) for lbl in labels), site.name
    ARTIFACTS.mkdir(exist_ok=True)
    png, pdf, svg = (encode_figure(fig, fmt) for fmt in ("png", "pdf", "svg"))
    for ext, data in (("png", png), ("pdf", pdf), ("svg", svg)):
        (ARTIFACTS / f"image_{path.stem}.{ext}").write_bytes(data)
    assert Image.open(io.BytesIO(png)).size == (1600, 1000)
    assert pdf.startswith(b"%PDF-")
    text = _pdf_text(pdf)
    svg_texts = _svg_texts(svg)
    for name in names:
        assert name in text, name
        assert name in svg_texts, name


def test_units_use_the_html_maps_friendly_fill(tmp_path: Path) -> None:
    """The HTML map's symbols (milsymbol) are filled with APP-6's friendly light blue; so are the PNG's frames,
    whatever the option's colour (a red option's units must not look hostile)."""
    svg = app6.symbol_svg(app6.sidc_for("infantry", "brigade"))
    fill = re.search(r'fill="rgb\((\d+),(\d+),(\d+)\)"', svg)
    assert fill is not None
    html_fill = "#{:02x}{:02x}{:02x}".format(*(int(v) for v in fill.groups()))
    assert html_fill == FRIEND_FILL
    red = SCENARIO.replace('"#1b7837"', '"#c00000"').replace('"#762a83"', '"#c00000"')
    prepared = prepare(write_scenario(tmp_path, red))
    rgb = np.asarray(Image.open(io.BytesIO(draw_static_map(prepared, legend=False))).convert("RGB"))
    target = np.array([int(FRIEND_FILL[i : i + 2], 16) for i in (1, 3, 5)])
    friendly = (np.abs(rgb.astype(int) - target).max(axis=2) <= 3).sum()
    assert friendly > 2 * 40  # two frames of about 8x5 px at least, filled with the friendly colour
    # no frame is filled with the option's red: the red is only in thin underlines
    reddish = (np.abs(rgb.astype(int) - np.array([0xC0, 0, 0])).max(axis=2) <= 10).sum()
    assert reddish < friendly


def test_image_format_by_suffix_and_refusals(tmp_path: Path) -> None:
    assert [image_format(p) for p in ("a.png", "b.PDF", "c.svg", None)] == [
        "png",
        "pdf",
        "svg",
        "png",
    ]
    for bad in ("map.jpg", "map.gif", "map", "map.png.bak"):
        with pytest.raises(UsageError) as err:
            check_image_target(tmp_path / bad, overwrite=False)
        message = str(err.value)
        assert bad in message and ".png, .pdf, .svg" in message
    assert not list(tmp_path.iterdir())


def test_pdf_and_svg_are_deterministic_and_replace_only_their_own(tmp_path: Path) -> None:
    prepared = prepare(write_scenario(tmp_path, SCENARIO))
    for fmt in ("pdf", "svg"):
        out = tmp_path / f"map.{fmt}"
        out.write_bytes(b"someone's file")
        with pytest.raises(OutputError, match="--overwrite"):
            write_image(prepared, out, **SMALL)
        assert out.read_bytes() == b"someone's file"
        write_image(prepared, out, overwrite=True, **SMALL)
        first = out.read_bytes()
        write_image(prepared, out, **SMALL)  # its own file: replaced without overwrite
        assert out.read_bytes() == first
        assert check_image_target(out, overwrite=False) is True
    assert b"/CreationDate" not in (tmp_path / "map.pdf").read_bytes()
    assert _svg_texts((tmp_path / "map.svg").read_bytes())  # text kept as <text>, not glyph paths
    assert "Option Alpha" in _pdf_text((tmp_path / "map.pdf").read_bytes())


def test_cli_image_option_and_png_alias(run_cli, tmp_path: Path) -> None:
    path = write_scenario(tmp_path, SCENARIO)
    html = tmp_path / "m.html"
    r = run_cli(
        "render",
        path,
        "-o",
        html,
        "--image",
        tmp_path / "m.pdf",
        "--size",
        "640x400",
        "--dpi",
        "72",
    )
    assert r.exit_code == 0, r
    assert "Option Bravo" in _pdf_text((tmp_path / "m.pdf").read_bytes())
    r = run_cli(
        "render", path, "-o", html, "--png", tmp_path / "m.svg", "--size", "640x400", "--dpi", "72"
    )
    assert r.exit_code == 0, r  # --png is the same option: the suffix decides, SVG here
    assert set(NAMES) <= set(_svg_texts((tmp_path / "m.svg").read_bytes()))
    r = run_cli("render", path, "-o", tmp_path / "m2.png.html", "--png", tmp_path / "m.png")
    assert r.exit_code == 0, r
    assert (tmp_path / "m.png").read_bytes().startswith(b"\x89PNG")


def test_cli_unknown_suffix_refused_before_any_work(run_cli, tmp_path: Path) -> None:
    path = write_scenario(tmp_path, SCENARIO)
    for name in ("out.jpg", "out"):
        for opt in ("--image", "--png"):
            r = run_cli("render", path, "-o", tmp_path / "new.html", opt, tmp_path / name)
            assert r.exit_code == 2, r
            assert ".png, .pdf, .svg" in r.stderr and name in r.stderr, r
            assert "Traceback" not in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]  # neither the map nor the image


def test_python_api_to_image(tmp_path: Path) -> None:
    m = render(write_scenario(tmp_path, SCENARIO))
    svg = m.to_image(tmp_path / "m.svg", **SMALL)
    assert set(NAMES) <= set(_svg_texts(svg.read_bytes()))
    pdf = m.to_png(tmp_path / "m.pdf", **SMALL)  # the older name follows the suffix too
    assert pdf.read_bytes().startswith(b"%PDF-")
    with pytest.raises(UsageError, match=r"\.png, \.pdf, \.svg"):
        m.to_image(tmp_path / "m.jpg")
    assert not (tmp_path / "m.jpg").exists()


def test_hostile_text_stays_text_in_the_svg_and_pdf(tmp_path: Path) -> None:
    """Scenario text in the vector outputs: escaped in the SVG (it parses, no element comes from a name) and
    plain text in the PDF; mathtext and template syntax are not interpreted (``textsafe.png``)."""
    hostile = SCENARIO.replace(
        "name: Option Alpha", "name: '<script>alert(1)</script> $x$ {{7*7}} &amp;'"
    )
    prepared = prepare(write_scenario(tmp_path, hostile))
    svg = draw_static_map(prepared, fmt="svg", **SMALL)
    root = ET.fromstring(svg)
    assert not [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] in ("script", "foreignObject")]
    texts = _svg_texts(svg)
    assert any("<script>alert(1)</script>" in t and "{{7*7}}" in t for t in texts), texts
    assert "<script>alert(1)</script>" in _pdf_text(draw_static_map(prepared, fmt="pdf", **SMALL))


def test_a_label_pushed_off_its_symbol_has_a_leader_to_it() -> None:
    # dnipro_line: around Dnipro and Zaporizhzhia the air defence group's label finds room only away from its
    # symbol; a thin leader joins them, starting at the symbol's frame and ending at the label's box
    fig = draw_figure(prepare(REPO / "scenarios" / "dnipro_line.yaml"))
    fig.canvas.draw()
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    leaders = [ln for ln in ax.lines if ln.get_color() == "#444444" and ln.get_linewidth() == 0.5]
    assert leaders, "no leader drawn"
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    for ln in leaders:
        (x0, y0), (x1, y1) = ax.transData.transform(np.column_stack(ln.get_data()))
        assert np.hypot(x1 - x0, y1 - y0) > 4  # long enough to be needed
        # the far end touches a label (1 px for rounding)
        assert any(b.x0 - 1 <= x1 <= b.x1 + 1 and b.y0 - 1 <= y1 <= b.y1 + 1 for b in boxes), (
            x1,
            y1,
        )

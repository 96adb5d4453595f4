"""Static PNG maps: right size, not blank, option colours present, deterministic, close to a committed reference.

The reference image ``tests/data/reference/static_map.png`` is the full map of ``SCENARIO`` below (1600x1000 at
150 dpi) reduced to 160x100 pixels. After an intended change to the drawing, look at a full-size PNG, then
regenerate the reference with::

    MAPPER_UPDATE_REFERENCE=1 .venv/bin/pytest tests/test_staticmap.py -k reference
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from support.cli import run_cli

from mapper.errors import OutputError
from mapper.pipeline import prepare
from mapper.staticmap import (
    PNG_OUTPUT,
    check_png_target,
    draw_static_map,
    render_png,
    write_png,
    written_by_mapper,
)
from mapper.staticmap.furniture import nice as _nice
from mapper.staticmap.projection import scale_factor as _scale_factor

REFERENCE = Path(__file__).parent / "data" / "reference" / "static_map.png"
REFERENCE_SIZE = (160, 100)
COMPARE_SIZE = (64, 40)
MAX_MEAN_DIFF = 6.0  # mean absolute difference (0-255) per channel at 64x40

SCENARIO = """\
format: 1
id: static
title: "Static map test: two options"
date: 2025-03-27
constraints:
  min_distance_from_front_km: 100
options:
  - id: north
    name: "North <b>option</b> {{7*7}} $x$"
    colour: "#1f4e9c"
    forces:
      - {name: 'Brigade $\\alpha$ {{7*7}} <script>', nation: FR, troops: 5000, kind: mechanised_infantry,
         echelon: brigade, at: Kyiv}
      - {name: Air defence, nation: DE, troops: 800, kind: air_defence, echelon: battalion, range_km: 100,
         at: Kyiv}
      - {name: Dnipro group, nation: GB, troops: 4000, kind: armour, echelon: brigade, at: Dnipro}
    hubs:
      - {name: Rzeszow hub, nation: PL, at: Rzeszow}
    lines:
      - {name: Route, kind: supply_route, through: [Lviv, Kyiv]}
  - id: west
    name: West
    colour: "#d95f02"
    forces:
      - {name: Lviv brigade, nation: PL, troops: 3000, kind: infantry, echelon: brigade, at: Lviv}
      - {name: Lutsk battalion, nation: NL, troops: 900, kind: logistics, echelon: battalion, at: Lutsk}
    areas:
      - {name: Western area, regions: [Volyn]}
"""


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("static") / "static.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return prepare(path), path


@pytest.fixture(scope="module")
def full_png(model) -> bytes:
    prepared, _ = model
    return draw_static_map(prepared)


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def _has_colour(rgb: np.ndarray, hex_colour: str, min_pixels: int) -> bool:
    target = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    close = np.abs(rgb.astype(int) - target).max(axis=2) <= 2
    return int(close.sum()) >= min_pixels


def _reduce(png: bytes, size: tuple[int, int]) -> np.ndarray:
    img = Image.open(io.BytesIO(png)).convert("RGB")
    return np.asarray(img.resize(size, Image.Resampling.BOX), dtype=float)


def test_full_map_size_content_and_colours(full_png: bytes) -> None:
    assert full_png.startswith(b"\x89PNG")
    rgb = _pixels(full_png)
    assert rgb.shape == (1000, 1600, 3)
    assert rgb.std() > 30  # not blank
    assert _has_colour(rgb, "#1f4e9c", 200)  # option colours: unit frames, lines, legend
    assert _has_colour(rgb, "#d95f02", 200)
    assert _has_colour(rgb, "#d7191c", 200)  # the front line (FRONT_COLOUR of the HTML map)


def test_same_inputs_same_bytes(model, full_png: bytes, tmp_path: Path) -> None:
    prepared, _ = model
    assert draw_static_map(prepared) == full_png
    assert b"tIME" not in full_png  # no timestamp chunk
    (tmp_path / "a.png").write_bytes(full_png)
    assert written_by_mapper(tmp_path / "a.png")


def test_thumbnail(model) -> None:
    prepared, _ = model
    png = draw_static_map(prepared, size=(480, 320), dpi=96, thumbnail=True)
    rgb = _pixels(png)
    assert rgb.shape == (320, 480, 3)
    assert rgb.std() > 20
    assert _has_colour(rgb, "#1f4e9c", 15) and _has_colour(rgb, "#d95f02", 15)
    assert png == draw_static_map(prepared, size=(480, 320), dpi=96, thumbnail=True)


def test_options_without_title_or_legend(model) -> None:
    prepared, _ = model
    png = draw_static_map(prepared, size=(800, 500), dpi=100, title=False, legend=False)
    assert _pixels(png).shape == (500, 800, 3)


def test_no_pyplot_state_is_left_behind(model) -> None:
    import matplotlib

    prepared, _ = model
    draw_static_map(prepared, size=(300, 200), dpi=72, thumbnail=True)
    from matplotlib import _pylab_helpers

    assert _pylab_helpers.Gcf.get_num_fig_managers() == 0
    assert matplotlib.get_backend()  # untouched, whatever it was


def test_bad_sizes_are_refused(model) -> None:
    prepared, _ = model
    with pytest.raises(ValueError, match="size"):
        draw_static_map(prepared, size=(10, 10))
    with pytest.raises(ValueError, match="dpi"):
        draw_static_map(prepared, dpi=5)
    with pytest.raises(TypeError, match="Prepared"):
        draw_static_map(prepared.scenario)


def test_scale_bar_is_geodesic() -> None:
    assert abs(_scale_factor(48.5, 31.0) - 1.0) < 1e-4  # LAEA is true to scale at its centre
    assert [_nice(v) for v in (7, 130, 260, 480, 999)] == [5, 100, 250, 250, 500]


def test_close_to_the_committed_reference(full_png: bytes) -> None:
    small = (
        Image.open(io.BytesIO(full_png)).convert("RGB").resize(REFERENCE_SIZE, Image.Resampling.BOX)
    )
    if os.environ.get("MAPPER_UPDATE_REFERENCE") == "1":
        REFERENCE.parent.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        small.save(buf, format="PNG", optimize=True)
        REFERENCE.write_bytes(buf.getvalue())
        pytest.skip(f"reference image rewritten: {REFERENCE}")
    assert REFERENCE.is_file(), "no reference image: run with MAPPER_UPDATE_REFERENCE=1"
    ref = np.asarray(
        Image.open(REFERENCE).convert("RGB").resize(COMPARE_SIZE, Image.Resampling.BOX), float
    )
    got = np.asarray(small.resize(COMPARE_SIZE, Image.Resampling.BOX), dtype=float)
    diff = float(np.abs(ref - got).mean())
    assert diff < MAX_MEAN_DIFF, f"map differs from the reference: mean abs difference {diff:.2f}"
    # and the comparison is sharp enough to notice a map with nothing drawn on it
    blank = np.full_like(ref, 255.0)
    assert float(np.abs(ref - blank).mean()) > 3 * MAX_MEAN_DIFF


def test_render_png_replaces_its_own_file_only(model, tmp_path: Path) -> None:
    _, path = model
    out = tmp_path / "map.png"
    out.write_bytes(b"my holiday photo")
    with pytest.raises(OutputError, match="--overwrite"):
        render_png(path, out, size=(320, 200), dpi=72)
    assert out.read_bytes() == b"my holiday photo"
    render_png(path, out, size=(320, 200), dpi=72, overwrite=True)
    assert written_by_mapper(out)
    render_png(path, out, size=(400, 250), dpi=72)  # its own PNG: replaced without --overwrite
    assert _pixels(out.read_bytes()).shape == (250, 400, 3)


def test_cli_render_png(model, tmp_path: Path) -> None:
    _, path = model
    html, png = tmp_path / "m.html", tmp_path / "m.png"
    args = ["render", path, "-o", html, "--png", png, "--size", "640x400"]
    result = run_cli(*args, "--dpi", "80")
    assert result.exit_code == 0, result
    assert html.is_file() and _pixels(png.read_bytes()).shape == (400, 640, 3)
    for bad in ("640", "640x", "axb", "0x400", "640x400x2", "99999x400"):
        result = run_cli("render", path, "--png", png, "--size", bad)
        assert result.exit_code == 2, (bad, result.output)
        assert "--size" in result.output
    result = run_cli("render", path, "-o", html, "--size", "640x400")
    assert result.exit_code == 2 and "--png" in result.output


def test_write_png_draws_a_prepared_scenario(model, tmp_path: Path, monkeypatch) -> None:
    prepared, _ = model
    out = write_png(prepared, tmp_path / "w.png", size=(320, 200), dpi=72)
    assert out == tmp_path / "w.png" and written_by_mapper(out)
    assert _pixels(out.read_bytes()).shape == (200, 320, 3)
    monkeypatch.chdir(tmp_path)  # the default path: out/<scenario id>.png
    assert write_png(prepared, size=(320, 200), dpi=72) == Path("out") / "static.png"
    assert PNG_OUTPUT.default("static") == Path("out") / "static.png"


def test_check_png_target_refuses_before_any_work(tmp_path: Path) -> None:
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"my holiday photo")
    with pytest.raises(OutputError) as err:
        check_png_target(photo, False)
    assert str(err.value) == (
        f"{photo}: exists and is not a PNG written by mapper; pass --overwrite to replace it"
    )
    assert check_png_target(photo, True) is True
    assert check_png_target(tmp_path / "new.png", False) is False

"""An option colour in the hostile / front-line red family is warned about, located, with a friendly suggestion:
by ``mapper validate`` (``--strict`` makes it an error) and in ``mapper render``'s log."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.reference import SCENARIOS, write_scenario

from mapper.style import (
    BAND_COLOURS,
    FRONT_COLOUR,
    OCCUPIED_COLOUR,
    colour_distance,
    css_colours,
    friendly_suggestion,
    hostile_looking,
)

SCENARIO = """\
format: 1
id: reds
title: Reds
date: 2025-03-27
options:
  - id: a
    name: Option A
    colour: {first}
    forces:
      - {{name: Brigade, nation: FR, troops: 5000, at: Cherkasy}}
  - id: b
    name: Option B
    colour: {second}
    forces:
      - {{name: Battalion, nation: DE, troops: 800, at: Vinnytsia}}
"""


@pytest.mark.parametrize(
    "colour",
    [
        FRONT_COLOUR,
        OCCUPIED_COLOUR,
        "#b2182b",
        "#8b0000",
        "#ff0000",
        "#dc143c",
        "#c0392b",
        "#e34a33",
    ],
)
def test_reds_read_as_hostile(colour: str) -> None:
    assert hostile_looking(colour)


@pytest.mark.parametrize(
    "colour",
    [
        "#1f4e9c",
        "#2166ac",
        "#01665e",
        "#762a83",
        "#1b7837",
        "#000080",
        "#e08214",
        "#ffc0cb",
        "#808080",
    ],
)
def test_friendly_colours_do_not(colour: str) -> None:
    assert hostile_looking(colour) is None


def test_named_reds_and_the_suggestions() -> None:
    names = css_colours()
    for name in ("red", "darkred", "crimson", "firebrick", "maroon", "tomato"):
        assert hostile_looking(names[name]), name
    for name in ("navy", "blue", "teal", "green", "purple", "darkorange", "black"):
        assert hostile_looking(names[name]) is None, name
    assert friendly_suggestion() == "#1f4e9c (blue)"
    assert friendly_suggestion({"#1f4e9c"}) == "#01665e (teal)"
    # the suggestions themselves are far from the front line's red and from the bands
    for value in ("#1f4e9c", "#01665e"):
        assert hostile_looking(value) is None
        assert colour_distance(value, FRONT_COLOUR) > 50
        assert all(colour_distance(value, band) > 25 for band in BAND_COLOURS)


def test_validate_warns_located_with_a_suggestion(run_cli, tmp_path: Path) -> None:
    path = write_scenario(tmp_path, SCENARIO.format(first='"#1f4e9c"', second="darkred"))
    r = run_cli("validate", path)
    assert r.exit_code == 0, r
    # line 13, column 13: the value of options[1].colour
    assert (
        f"{path}:13:13: warning: options[1].colour: option 'Option B': colour #8b0000" in r.stdout
    ), r
    assert "hostile" in r.stdout and "#01665e (teal)" in r.stdout  # blue is taken by option A
    assert "options[0].colour" not in r.output
    strict = run_cli("validate", "--strict", path)
    assert strict.exit_code == 1, strict
    assert "options[1].colour" in strict.output


def test_render_logs_the_same_warning(run_cli, tmp_path: Path) -> None:
    path = write_scenario(tmp_path, SCENARIO.format(first='"#b2182b"', second="navy"))
    r = run_cli("render", path, "-o", tmp_path / "m.html")
    assert r.exit_code == 0, r
    assert r.stderr.count("warning:") == 1, r
    line = next(ln for ln in r.stderr.splitlines() if ln.startswith("warning:"))
    assert (
        f"{path}:8:13: options[0].colour" in line and "#b2182b" in line and "#1f4e9c (blue)" in line
    )
    # only the options drawn are warned about
    r = run_cli("render", path, "-o", tmp_path / "m.html", "--option", "b")
    assert r.exit_code == 0, r
    assert "warning:" not in r.stderr, r
    # -q: errors only
    r = run_cli("-q", "render", path, "-o", tmp_path / "m.html")
    assert r.exit_code == 0 and "warning" not in r.stderr, r


def test_bundled_examples_are_clean(run_cli) -> None:
    r = run_cli("validate", "--strict", SCENARIOS)
    assert r.exit_code == 0, r
    assert "colour" not in r.output

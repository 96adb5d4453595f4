"""Shared fixtures: a click runner, a scenario factory, and headless Chromium (tests/conftest_browser.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest_browser import browser_page, chromium  # noqa: F401  (headless Chromium fixtures)

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


MINIMAL = """\
format: 1
id: {id}
title: {title}
date: 2025-03-27
options:
  - id: a
    name: Option A
    colour: navy
    forces:
      - {{name: Brigade, nation: FR, troops: 5000, at: Cherkasy}}
"""


@pytest.fixture
def make_scenario(tmp_path: Path):
    """Write a scenario file and return its path: a minimal valid one, or the given YAML text."""

    def make(
        text: str | None = None, *, name: str = "s.yaml", id: str = "t", title: str = "T"
    ) -> Path:
        path = tmp_path / name
        body = MINIMAL.format(id=id, title=title) if text is None else textwrap.dedent(text)
        path.write_text(body, encoding="utf-8")
        return path

    return make

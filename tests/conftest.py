"""Shared fixtures: the ``mapper`` command (``run_cli``), a scenario file factory, headless Chromium, and a
per-worker symbol cache. The helpers themselves live in tests/support/ (see its ``__init__``); test modules import
from there, never from one another.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.browser import OfflinePage, launch, skip_or_fail
from support.cli import CliResult, RunCli
from support.cli import run_cli as _run_cli
from support.reference import write_scenario


@pytest.fixture(scope="session", autouse=True)
def _own_symbol_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each test process (each xdist worker) keeps its own symbol cache, never the user's ~/.cache/mapper.

    Set in ``os.environ`` so that the ``mapper`` subprocesses the tests start use it too.
    """
    saved = {k: os.environ.get(k) for k in ("MAPPER_CACHE_DIR", "MAPPER_NO_CACHE")}
    os.environ["MAPPER_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ.pop("MAPPER_NO_CACHE", None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def run_cli(tmp_path: Path) -> RunCli:
    """``run_cli("render", path, ...)``: ``mapper`` through ``mapper.cli.main``, in ``tmp_path`` unless ``cwd=``.

    The same as ``support.cli.run_cli``, whose default working folder is the current one.
    """

    def run(*args: Any, cwd: Any = None, **kw: Any) -> CliResult:
        return _run_cli(*args, cwd=tmp_path if cwd is None else cwd, **kw)

    return run


@pytest.fixture
def make_scenario(tmp_path: Path):
    """``make_scenario(text=None, *, name="s.yaml", id="t", title="T")``: write a scenario file, return its path.

    Without ``text``, the minimal valid scenario (one option, one brigade at Cherkasy).
    """

    def make(text: str | None = None, *, name: str = "s.yaml", **kw: str) -> Path:
        return write_scenario(tmp_path, text, name, **kw)

    return make


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """The session's headless Chromium (skipped, or failed on CI, when unavailable); one per xdist worker."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as pw:
        browser = launch(pw)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium: Any) -> Iterator[OfflinePage]:
    """A fresh page with all network requests except file:/data: blocked; see ``tests/support/browser.py``."""
    page = OfflinePage(chromium)
    try:
        yield page
    finally:
        page.close()

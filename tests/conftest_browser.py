"""Browser fixtures (imported by tests/conftest.py): one headless Chromium per session, one offline page per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser import OfflinePage, launch, skip_or_fail


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """The session's headless Chromium (skipped, or failed on CI, when unavailable)."""
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
    """A fresh page with all network requests except file:/data: blocked; see ``tests/browser.py``."""
    page = OfflinePage(chromium)
    try:
        yield page
    finally:
        page.close()

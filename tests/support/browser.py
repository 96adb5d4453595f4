"""Open generated HTML in headless Chromium with the network cut off, and record what went wrong.

Every request other than ``file:`` and ``data:`` (and ``about:``/``blob:``) is aborted and recorded as *blocked*;
console errors, uncaught page errors and failed requests are recorded too. Uses the system Chromium
(``/usr/bin/chromium`` or ``$MAPPER_CHROMIUM``) through Playwright; never downloads a browser. Without Chromium or
Playwright the tests are skipped with the reason, except on CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ALLOWED_SCHEMES = ("file:", "data:", "about:", "blob:")
ARTIFACTS = (
    Path(__file__).resolve().parents[1] / "artifacts"
)  # tests/artifacts (make clean removes it)


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("MAPPER_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def skip_or_fail(reason: str) -> None:
    """Skip the test, or fail it on CI where the browser is required."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests are required on CI: {reason}")
    pytest.skip(reason)


def launch(playwright: Any):
    exe = chromium_path()
    if exe is None:
        skip_or_fail("no Chromium at /usr/bin/chromium (set MAPPER_CHROMIUM to another path)")
    return playwright.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)


@dataclass
class PageLog:
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"console: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"blocked: {u}" for u in self.blocked]
            + [f"failed: {u}" for u in self.failed]
        )


class OfflinePage:
    """A Playwright page with the network blocked; ``open(path)`` loads a local HTML file."""

    def __init__(self, browser: Any, viewport: tuple[int, int] = (1280, 800)) -> None:
        self.context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, service_workers="block"
        )
        self.page = self.context.new_page()
        self.log = PageLog()
        self.page.route("**/*", self._route)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.log.page_errors.append(str(exc)))
        self.page.on("requestfailed", self._failed)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(ALLOWED_SCHEMES):
            route.continue_()
        else:
            self.log.blocked.append(url)
            route.abort("blockedbyclient")

    def _console(self, msg: Any) -> None:
        if msg.type == "error":
            self.log.console_errors.append(msg.text)

    def _failed(self, request: Any) -> None:
        if request.url not in self.log.blocked:
            self.log.failed.append(f"{request.url} ({request.failure})")

    def open(
        self,
        path: str | Path,
        wait_for: str = "window.L && document.querySelector('.leaflet-pane')",
    ) -> Any:
        self.page.goto(Path(path).resolve().as_uri())
        self.page.wait_for_load_state("load")
        if wait_for:
            self.page.wait_for_function(wait_for, timeout=10_000)
        return self.page

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        out = ARTIFACTS / name
        self.page.screenshot(path=str(out))
        return out

    def close(self) -> None:
        self.context.close()

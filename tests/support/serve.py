"""``mapper serve`` under test: raw HTTP (``Client``) and a page in headless Chromium (``ServedPage``), shared
by the serve test modules (tests/test_serve*.py), which import from here, never from one another.

``snapshot`` records a folder for byte-for-byte comparison; ``changed_lines`` is a file's diff as ``-``/``+``
lines; ``wait_for`` and ``wait_file`` poll (the latter inside Playwright's own waits, so the page's requests go
through).
"""

from __future__ import annotations

import difflib
import http.client
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from mapper.serve import Running
from support.browser import OfflinePage

ANY_READY = "() => window.mapperServe && window.mapperServe.ready"
ARTIFACTS = (
    Path(__file__).resolve().parents[1] / "artifacts"
)  # screenshots to look at (not committed)


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under the folder and next to it: a file's bytes, a link's target, a folder's name."""
    out: dict[str, bytes | str] = {}
    for p in sorted(folder.parent.rglob("*")):
        key = str(p.relative_to(folder.parent))
        out[key] = (
            f"-> {os.readlink(p)}" if p.is_symlink() else "dir" if p.is_dir() else p.read_bytes()
        )
    return out


class Client:
    """Raw HTTP to the server, so that every header (Host, Origin, the token) is what the test says."""

    def __init__(self, running: Running) -> None:
        self.running = running
        self.port = running.server.port  # type: ignore[attr-defined]
        self.host = f"127.0.0.1:{self.port}"
        self.hash: str | None = (
            None  # what the last write answered: the file as it is now (as a page keeps it)
        )

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = {"Host": self.host}
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        if data is not None:
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for k, v in h.items():
            conn.putheader(k, v)
        if data is not None and "Content-Length" not in h:
            conn.putheader("Content-Length", str(len(data)))
        conn.endheaders()
        if data is not None:
            conn.send(data)
        resp = conn.getresponse()
        out = resp.read()
        conn.close()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, out

    def get_json(self, path: str) -> dict[str, Any]:
        status, headers, body = self.request("GET", path)
        assert status == 200, body
        assert headers["content-type"] == "application/json; charset=utf-8"
        return json.loads(body)

    def write(self, what: str, name: str, body: dict[str, Any], **headers: str) -> tuple[int, Any]:
        h = {"X-Mapper-Token": self.running.token, **headers}
        status, _, out = self.request("POST", f"/api/{what}/{name}", body, h)
        answer = json.loads(out)
        if status == 200:
            self.hash = answer["hash"]
        return status, answer

    def edit(self, name: str, **body: Any) -> tuple[int, Any]:
        base = body.pop("base", None) or self.hash or self.get_json(f"/api/state/{name}")["hash"]
        return self.write("edit", name, {**body, "base": base})


def wait_for(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("timed out")


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def comments(text: str) -> list[str]:
    return [line[line.index("#") :] for line in text.splitlines() if "#" in line]


class ServedPage(OfflinePage):
    """An offline page that may also talk to the server under test (and nothing else)."""

    def __init__(self, browser: Any, origin: str) -> None:
        self.origin = origin
        self.hold: str | None = None  # POST requests to a URL with this in it wait in ``held``
        self.held: list[Any] = []
        super().__init__(browser)

    def _route(self, route: Any) -> None:
        request = route.request
        if self.hold and self.hold in request.url and request.method == "POST":
            self.held.append(route)  # the test lets it go on (route.continue_()) when it chooses
        elif request.url.startswith(self.origin):
            route.continue_()
        else:
            super()._route(route)

    def goto(self, path: str) -> Any:
        self.page.goto(self.origin + path)
        self.page.wait_for_function(ANY_READY, timeout=20_000)
        return self.page


def served_page(chromium: Any, running: Running) -> Iterator[ServedPage]:
    p = ServedPage(chromium, running.url.rstrip("/"))
    try:
        yield p
    finally:
        # a reload ends the page's event stream (aborted by the browser, as it should be)
        problems = [m for m in p.log.problems() if not ("/events?" in m and "ERR_ABORTED" in m)]
        problems = [m for m in problems if "409" not in m and "422" not in m]
        p.close()
        assert problems == []


def version(p: ServedPage) -> int:
    return int(p.page.evaluate("window.mapperServe.version"))


def wait_file(p: Any, path: Path, check: Any, timeout: float = 10.0) -> str:
    """Wait for the file to pass ``check``, in Playwright's own waits: its route handler (which lets the page's
    requests through) runs only while the test is inside a Playwright call."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        text = path.read_text()
        if check(text):
            return text
        p.wait_for_timeout(20)
    raise AssertionError(f"{path} did not change as expected")


def edit_mode(p: Any) -> None:
    p.click(".mapper-serve-toggle")
    p.wait_for_function("window.mapperServe.editing === true")

"""The HTTP side of ``mapper serve``: routes, the checks every request passes, and the event stream.

Built on the standard library's ``http.server`` (a thread per connection: one user, a few pages, each holding
one event stream). Every request first passes the ``Host`` check (``security.host_allowed``: no DNS rebinding,
so no other site can read a page and the token in it); a write also needs a same-origin ``Origin`` when there
is one, no ``Sec-Fetch-Site: cross-site``, this run's token in ``X-Mapper-Token``, a JSON body with a
``Content-Length`` of at most ``MAX_BODY_BYTES`` (checked before reading). No CORS header is ever sent; an
``OPTIONS`` pre-flight gets 405. Answers are JSON (``application/json``) or our HTML pages, with ``nosniff``,
``no-store`` and ``frame-ancestors 'none'`` (no other site frames the editor).

Routes: ``/`` the index; ``/map/NAME``, ``/compare/NAME``, ``/analysis/NAME``; ``/compare`` (every scenario);
``/events`` (server-sent events); ``/api/state/NAME``, ``/api/sites/NAME``; ``POST /api/edit/NAME``,
``POST /api/undo/NAME``; ``/static/live.js``, ``/static/shapes.js`` and ``/static/live.css``. ``NAME`` is a scenario's path relative to
the served folder (``options/west.yaml``, its ``/`` as is or as ``%2F``), decoded once (``security.decode_name``).
"""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from mapper.serve import pages
from mapper.serve.api import Api
from mapper.serve.security import (
    MAX_BODY_BYTES,
    TOKEN_HEADER,
    Refused,
    check_token,
    decode_name,
    host_allowed,
    origin_allowed,
)
from mapper.serve.watch import Events

__all__ = ["Handler", "Server"]

log = logging.getLogger("mapper")

#: a comment line on an idle event stream this often (seconds), so a dead connection is noticed and closed
KEEPALIVE_S = 15.0
_STATIC = {
    "live.js": "text/javascript; charset=utf-8",
    "shapes.js": "text/javascript; charset=utf-8",
    "live.css": "text/css; charset=utf-8",
}
_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Cache-Control", "no-store"),
    ("Referrer-Policy", "no-referrer"),
    ("Content-Security-Policy", "frame-ancestors 'none'"),
)


class Server(ThreadingHTTPServer):
    """The HTTP server with what its handlers share: the served folder's API, the events, the token."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], api: Api, events: Events, token: str) -> None:
        super().__init__(address, Handler)
        self.api, self.events, self.token = api, events, token
        self.host = address[0]
        self.port = self.server_address[1]
        self.stopping = threading.Event()


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"
    server_version = "mapper-serve"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("serve: %s", format % args)

    # -- answers -----------------------------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in _HEADERS:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, obj: dict[str, Any]) -> None:
        self._send(
            status, json.dumps(obj, sort_keys=True).encode(), "application/json; charset=utf-8"
        )

    def _html(self, text: str) -> None:
        self._send(200, text.encode("utf-8", "surrogatepass"), "text/html; charset=utf-8")

    def _refused(self, exc: Refused) -> None:
        body: dict[str, Any] = {"ok": False, "error": exc.message}
        if exc.errors:
            body["errors"] = list(exc.errors)
        if exc.status == 409:
            body["reload"] = True
        if exc.status == 413 or self.command == "POST":
            self.close_connection = True  # the unread body must not be taken for the next request
        self._json(exc.status, body)

    # -- methods -----------------------------------------------------------------------------------------------
    def do_GET(self) -> None:
        try:
            self._check_host()
            self._get(urlsplit(self.path).path)
        except Refused as exc:
            self._refused(exc)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_HEAD = do_GET

    def do_POST(self) -> None:
        try:
            self._check_host()
            self._check_write()
            body = self._body()
            self._post(urlsplit(self.path).path, body)
        except Refused as exc:
            self._refused(exc)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _method_not_allowed(self) -> None:
        self.close_connection = True
        self._json(405, {"ok": False, "error": "method not allowed"})

    do_OPTIONS = do_PUT = do_DELETE = do_PATCH = _method_not_allowed

    # -- checks ------------------------------------------------------------------------------------------------
    def _check_host(self) -> None:
        if not host_allowed(self.headers.get("Host"), self.server.host, self.server.port):
            raise Refused(421, "this server answers only to its own address (Host header refused)")

    def _check_write(self) -> None:
        s = self.server
        if not origin_allowed(self.headers.get("Origin"), s.host, s.port):
            raise Refused(403, "cross-origin write refused (Origin header)")
        if self.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            raise Refused(403, "cross-site write refused (Sec-Fetch-Site header)")
        check_token(self.headers.get(TOKEN_HEADER), s.token)

    def _body(self) -> dict[str, Any]:
        if self.headers.get("Transfer-Encoding"):
            raise Refused(411, "send the body with a Content-Length")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise Refused(411, "a write needs a Content-Length") from None
        if length < 0 or length > MAX_BODY_BYTES:
            raise Refused(413, f"request body over {MAX_BODY_BYTES:,} bytes")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != "application/json":
            raise Refused(415, "a write is JSON (Content-Type: application/json)")
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise Refused(400, "the body is not JSON") from None
        if not isinstance(body, dict):
            raise Refused(400, "the body must be a JSON object")
        return body

    # -- routes ------------------------------------------------------------------------------------------------
    def _get(self, path: str) -> None:
        s, folder = self.server, self.server.api.folder
        if path == "/":
            return self._html(pages.index_page(folder, s.token, s.events.last))
        if path == "/events":
            if self.command == "HEAD":
                return self._send(200, b"", "text/event-stream; charset=utf-8")
            return self._stream()
        if (
            path == "/favicon.ico"
        ):  # browsers ask for it: no icon, and no error in the page's console
            return self._send(204, b"", "image/x-icon")
        if path.startswith("/static/"):
            return self._static(path[len("/static/") :])
        if path == "/compare":
            html = folder.comparison_of_all()
            if html is None:
                raise Refused(404, "no scenario of the folder loads: nothing to compare")
            return self._html(
                pages.inject(html, pages.config(None, s.token, "compare-all", s.events.last))
            )
        kind, _, name = path.lstrip("/").partition("/")
        if kind == "api":
            what, _, name = name.partition("/")
            name = decode_name(name)
            if what == "state":
                return self._json(200, s.api.state(name))
            if what == "sites":
                return self._json(200, s.api.sites(name))
            raise Refused(404, "no such endpoint")
        if kind in ("map", "compare", "analysis"):
            return self._scenario_page(kind, decode_name(name))
        raise Refused(404, "no such page")

    def _scenario_page(self, kind: str, name: str) -> None:
        s, folder = self.server, self.server.api.folder
        e = folder.entries.get(name)
        if e is None:
            raise Refused(404, "not a scenario file of the served folder")
        last = s.events.last
        if e.prepared is None:
            return self._html(pages.missing_map_page(e, s.token, last, kind))
        if kind == "map":
            return self._html(pages.map_page(e, s.token, last))
        if kind == "compare":
            html = folder.comparison(name) or ""
            return self._html(pages.inject(html, pages.config(e, s.token, "compare", last)))
        return self._html(pages.analysis_page(e, folder.analysis(name) or "", s.token, last))

    def _static(self, name: str) -> None:
        if name not in _STATIC:
            raise Refused(404, "no such file")
        data = resources.files("mapper.serve").joinpath("static", name).read_bytes()
        self._send(200, data, _STATIC[name])

    def _post(self, path: str, body: dict[str, Any]) -> None:
        api = self.server.api
        kind, _, name = path.lstrip("/").partition("/")
        what, _, name = name.partition("/")
        if kind != "api" or what not in ("edit", "undo"):
            raise Refused(404, "no such endpoint")
        name = decode_name(name)
        if kind == "api" and what == "edit":
            return self._json(200, api.edit(name, body))
        if kind == "api" and what == "undo":
            return self._json(200, api.undo(name, body))
        raise Refused(404, "no such endpoint")

    def _stream(self) -> None:
        """Server-sent events from the number the page was made at (or ``Last-Event-ID``) on."""
        s = self.server
        try:
            after = int(
                self.headers.get("Last-Event-ID")
                or urlsplit(self.path).query.partition("after=")[2]
            )
        except ValueError:
            after = s.events.last
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        for k, v in _HEADERS:
            self.send_header(k, v)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        self.wfile.write(b"retry: 1000\n\n")
        self.wfile.flush()
        while not s.stopping.is_set():
            items = s.events.wait(after, KEEPALIVE_S)
            if not items:
                self.wfile.write(b": idle\n\n")
            for n, message in items:
                self.wfile.write(f"id: {n}\ndata: {message}\n\n".encode())
                after = n
            self.wfile.flush()

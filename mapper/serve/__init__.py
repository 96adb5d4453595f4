"""``mapper serve``: a local server that shows a folder's scenarios live and edits them from the map.

The package, by role (docs/serve.md):

* ``folder``: the served folder's scenarios, each one's last good map and current problems, what it depends on;
* ``tree``: the scenario files of the folder and its sub-folders (a bounded walk, never through a link), the rule
  for a name a request gives, and opening a file with no link at any level;
* ``watch``: the folder watched (watchfiles) and the events the pages follow;
* ``edit``: edits spliced into the YAML text (only the edited values change), new values emitted by ruamel.yaml,
  the undo history;
* ``shapes``, ``shapeedit``: lines along a river, areas by regions or country and zones, as the page's forms see
  them and as their edits are spliced into the text;
* ``api``: the page's requests (state, sites, edit, undo): read → check the hash → splice → load → write;
* ``security``: the token, the ``Host``/``Origin`` checks, the file-name rule, the body bound;
* ``pages``: the index, the injected configuration, the error and analysis views; ``static/``: the page script;
* ``app``: the HTTP routes and the event stream (standard library ``http.server``).

``start`` runs a server in background threads and returns it (tests, the benchmark); ``serve`` is the command's
library function (start, announce, wait for Ctrl+C, stop).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mapper.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from mapper.serve.app import Server
    from mapper.serve.watch import Watcher

__all__ = ["Running", "serve", "start"]

log = logging.getLogger("mapper")


@dataclass
class Running:
    """A started server: its address, token and parts; ``stop()`` ends every thread it started."""

    url: str
    token: str
    folder: Path
    server: Server
    watcher: Watcher
    thread: threading.Thread

    def stop(self) -> None:
        self.server.stopping.set()
        self.server.events.close()
        self.server.shutdown()
        self.server.server_close()
        self.watcher.stop()
        self.thread.join(timeout=5)


def _target(path: Path) -> tuple[Path, str | None]:
    from mapper.loader import SCENARIO_SUFFIXES

    if path.is_dir():
        return path, None
    if path.is_file() and path.suffix.lower() in SCENARIO_SUFFIXES:
        return path.parent, path.name
    raise UsageError(f"{path}: expected a folder of scenarios or a scenario file (.yaml, .yml)")


def start(
    target: str | os.PathLike[str] = ".", *, host: str = "127.0.0.1", port: int = 0
) -> Running:
    """Load every scenario of ``target`` (a folder, or one scenario file), start watching it and serving on
    ``host:port`` (0: a free port) in background threads, and return the running server."""
    from mapper.serve.api import Api
    from mapper.serve.app import Server
    from mapper.serve.folder import ServedFolder
    from mapper.serve.security import new_token
    from mapper.serve.watch import Events, Watcher

    folder_path, only = _target(Path(target))
    events = Events()
    folder = ServedFolder(folder_path, events, only=only)
    api = Api(folder)
    try:  # before the first renders: a port in use fails at once
        server = Server((host, port), api, events, new_token())
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port (0: any free one)"
        ) from None
    try:
        folder.scan()
    except BaseException:
        server.server_close()
        raise

    def changed(paths: set[Path]) -> None:
        folder.scan()
        for name in folder.dependants(paths):
            if (folder.real / name) in paths:
                folder.refresh(name)
            else:
                folder.rerender(name)

    watcher = Watcher(folder_path, changed)
    watcher.start()
    watcher.ready.wait(5)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="mapper-serve",
        daemon=True,
    )
    thread.start()
    shown = f"[{host}]" if ":" in host else host
    return Running(
        f"http://{shown}:{server.port}/", server.token, folder_path, server, watcher, thread
    )


def serve(
    target: str | os.PathLike[str] = ".",
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    announce: Callable[[str], None] = print,
) -> None:
    """``mapper serve``: serve ``target`` until interrupted (Ctrl+C)."""
    from mapper.serve.security import is_loopback

    if not is_loopback(host):
        log.warning(
            "serving on %s: other machines on the network can see these scenarios and, with the page's "
            "token, edit them; the default 127.0.0.1 keeps them on this machine",
            host,
        )
    running = start(target, host=host, port=port)
    announce(f"Serving {running.folder} at {running.url} (Ctrl+C to stop)")
    if open_browser:
        import webbrowser

        webbrowser.open(running.url)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        running.stop()

"""Watching the served folder, and telling the open pages.

``Events`` is the server's one channel to its pages: numbered messages (a scenario changed, with its new version,
hash and problems; the list of files changed), kept for a short while so that a page that reconnects after a
hiccup gets what it missed (``Last-Event-ID``), and waited for on a condition, so an idle server does no work.

``Watcher`` runs ``watchfiles`` (the OS's change notifications: inotify, FSEvents, ReadDirectoryChangesW, through a
small Rust library; no polling) on the served folder in a thread. A burst of changes (an editor's save is often a
write to a temporary file and a rename) is taken together (``STEP_MS``: a save is seen 15-30 ms after it); then
the scenarios concerned (the file itself, or a file it names) are rendered again (``ServedFolder.refresh``, a no-op when the content is unchanged,
as for our own writes, which are rendered at once).
"""

from __future__ import annotations

import json
import logging
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["STEP_MS", "Events", "Watcher"]

log = logging.getLogger("mapper")

#: how long a burst of changes is gathered before rendering (watchfiles' ``step``): the Rust side sleeps this long
#: between looks at what the OS reported, and yields once a look finds nothing new, so a save is seen 1 to 2
#: steps after it (15-30 ms; 30-60 ms with the 30 ms used before). Idle, each step is a wake-up: 0.2 % of a core
#: at 30 ms, 0.4 % at 15, 0.45 % at 10 (this machine, loaded; measured alone), against the 1 % target of the whole server
STEP_MS = 15
KEEP_EVENTS = 200


class Events:
    """Numbered messages for the pages (server-sent events), waited for without polling."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._items: deque[tuple[int, str]] = deque(maxlen=KEEP_EVENTS)
        self._next = 1
        self.closed = False

    @property
    def last(self) -> int:
        with self._cond:
            return self._next - 1

    def publish(self, message: dict[str, Any]) -> int:
        with self._cond:
            n = self._next
            self._next += 1
            self._items.append((n, json.dumps(message, sort_keys=True)))
            self._cond.notify_all()
            return n

    def wait(self, after: int, timeout: float) -> list[tuple[int, str]]:
        """The messages after number ``after``, waiting up to ``timeout`` seconds for one; ``[]`` if none came
        (or the server is stopping)."""
        with self._cond:
            self._cond.wait_for(lambda: self.closed or self._next - 1 > after, timeout=timeout)
            return [(n, m) for n, m in self._items if n > after]

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()


class Watcher:
    """A thread that calls ``on_change(paths)`` with the resolved paths changed under ``folder``."""

    def __init__(self, folder: Path, on_change: Callable[[set[Path]], None]) -> None:
        self.folder = folder.resolve()
        self.on_change = on_change
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mapper-serve-watch", daemon=True)
        self.ready = threading.Event()
        self.batches = (
            0  # how many batches of changes were processed (tests wait for one to be done)
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        from watchfiles import watch

        self.ready.set()
        try:
            for changes in watch(
                self.folder,
                stop_event=self._stop,
                step=STEP_MS,
                debounce=400,
                rust_timeout=0,  # wait for the next change only (woken by stop_event)
                yield_on_timeout=False,
                raise_interrupt=False,
            ):
                paths = {Path(p).resolve() for _, p in changes}
                try:
                    self.on_change(paths)
                except Exception:  # a failed render must not end the watching
                    log.exception("mapper serve: could not process a change")
                self.batches += 1
        except Exception:
            log.exception("mapper serve: watching %s stopped", self.folder)

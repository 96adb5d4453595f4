"""The gallery's worker processes under interruptions: one signal-safe shutdown.

* While it builds, the parent turns SIGTERM, SIGHUP and SIGINT (those still at their default handlers: a host
  program's own handlers, or ``nohup``'s ignored SIGHUP, are left alone) into ``Interrupted``, so that the normal
  clean-up runs: the pool's pending work is cancelled, its workers are terminated (``stop_pool``) and the temporary
  folder is removed (``mapper.atomic.atomic_dir``). Once the new gallery is complete (``Guard.hold``) a signal waits
  until it has been swapped in: the swap is never cut in half. ``mapper`` then exits with 128 + the signal number.
* Workers die with the parent, even when it is killed with SIGKILL: ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` on Linux,
  and everywhere a daemon thread that ends the worker when its parent has gone. They ignore SIGINT (a terminal
  sends Ctrl-C to the whole process group; the parent decides) and take SIGTERM/SIGHUP's default actions.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

__all__ = ["Guard", "Interrupted", "interruptible", "stop_pool", "worker_init"]

_SIGNALS = ("SIGTERM", "SIGHUP", "SIGINT")
_PR_SET_PDEATHSIG = 1


class Interrupted(KeyboardInterrupt):
    """The build was stopped by a signal (``signum``); a ``KeyboardInterrupt``, so no ``except Exception`` keeps
    it from ending the program. The CLI exits with ``128 + signum``."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


class Guard:
    """What ``interruptible`` yields: ``hold()`` from the point where the work must not be cut short."""

    def __init__(self) -> None:
        self.held = False
        self.pending: int | None = None

    def hold(self) -> None:
        self.held = True

    def _handler(self, signum: int, frame: Any) -> None:
        if self.held:
            self.pending = self.pending or signum
            return
        self.held = True  # a second signal must not cut the clean-up short
        raise Interrupted(signum)


@contextlib.contextmanager
def interruptible() -> Iterator[Guard]:
    """Turn SIGTERM, SIGHUP and SIGINT into ``Interrupted`` inside the block (main thread only; handlers a program
    installed itself are kept). A signal that arrives after ``Guard.hold()`` is raised when the block ends."""
    guard = Guard()
    saved: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for name in _SIGNALS:
            sig = getattr(signal, name, None)
            if sig is None:
                continue
            default = signal.default_int_handler if name == "SIGINT" else signal.SIG_DFL
            if signal.getsignal(sig) is default:
                saved[sig] = signal.signal(sig, guard._handler)
    try:
        yield guard
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    if guard.pending is not None:
        raise Interrupted(guard.pending)


def worker_init(main_pid: int) -> None:
    """The pool's initializer: die with the parent, leave interrupts to it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):  # a forked worker inherits the parent's handlers
        sig = getattr(signal, name, None)
        if sig is not None:
            signal.signal(sig, signal.SIG_DFL)
    _set_pdeathsig()
    parent = os.getppid()
    threading.Thread(target=_watch, args=(parent,), name="watch-parent", daemon=True).start()
    if not _alive(main_pid):  # the parent died before the worker could ask to die with it
        os._exit(1)


def _set_pdeathsig() -> None:
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)  # the parent is gone (re-parented to init or a subreaper)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_pool(pool: Any) -> None:
    """Cancel a ``ProcessPoolExecutor``'s pending work and end its workers now (a render takes seconds)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        with contextlib.suppress(Exception):
            proc.terminate()
    deadline = time.monotonic() + 3
    for proc in processes:
        with contextlib.suppress(Exception):
            proc.join(max(0.1, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join(1)

"""The rules of a local server that writes files: who may call it, which files it may touch, how much it reads.

A page of ours carries a per-run random token (``new_token``) in its configuration and sends it in the
``X-Mapper-Token`` header of every write: a cookie would be sent by any site the browser visits, a header is not,
and a custom header also makes a cross-site request a CORS pre-flight that this server never grants. The ``Host``
header must name the address the server is bound to (``host_allowed``): a DNS-rebinding page reaches us under its
own name and is refused before it can read a page (and the token in it). ``Origin``, when a browser sends one, must
be the server's own (``origin_allowed``). Files are named by their plain name in the served folder
(``scenario_path``): no separators, no ``..``, no absolute path, no link, a regular file that exists and is one of
the folder's scenarios. Request bodies are bounded (``MAX_BODY_BYTES``) before they are read.
"""

from __future__ import annotations

import hmac
import os
import secrets
import stat
from pathlib import Path

__all__ = [
    "LOOPBACK",
    "MAX_BODY_BYTES",
    "TOKEN_HEADER",
    "Refused",
    "check_token",
    "host_allowed",
    "is_loopback",
    "new_token",
    "origin_allowed",
    "scenario_path",
]

#: the largest request body read (an edit is a few hundred bytes; a new force with its fields under 1 KiB)
MAX_BODY_BYTES = 64 * 1024
TOKEN_HEADER = "X-Mapper-Token"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Refused(Exception):
    """A request refused: the HTTP status, a message for the page (shown as text, never as HTML) and, for an
    edit the loader rejected, its messages as the CLI prints them."""

    def __init__(self, status: int, message: str, errors: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors


def new_token() -> str:
    """A fresh random token for this run (256 bits)."""
    return secrets.token_urlsafe(32)


def check_token(given: str | None, token: str) -> None:
    """Refuse (403) a write without this run's token; compared in constant time."""
    if not given:
        raise Refused(
            403, f"missing {TOKEN_HEADER} header: writes come only from the pages of this server"
        )
    if not hmac.compare_digest(given.encode("utf-8", "replace"), token.encode()):
        raise Refused(403, f"wrong {TOKEN_HEADER}: reload the page (the server may have restarted)")


def is_loopback(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")


def _names(host: str, port: int) -> set[str]:
    """Every ``Host`` value that names this server: the bound address, and for loopback its usual names."""
    hosts = {host}
    if is_loopback(host):
        hosts |= {"127.0.0.1", "localhost", "[::1]"}
    if ":" in host and not host.startswith("["):  # an IPv6 address is bracketed in a Host header
        hosts.add(f"[{host}]")
    return {f"{h}:{port}" for h in hosts}


def host_allowed(header: str | None, host: str, port: int) -> bool:
    """Whether the ``Host`` header names the address this server is bound to (with its port)."""
    return header is not None and header.strip().lower() in _names(host, port)


def origin_allowed(header: str | None, host: str, port: int) -> bool:
    """Whether the ``Origin`` header, if there is one, is this server's own origin."""
    if header is None:
        return True  # not a browser's cross-origin request: the token and Host checks still apply
    origin = header.strip().lower()
    return origin in {f"http://{name}" for name in _names(host, port)}


def scenario_path(folder: Path, name: str, allowed: set[str]) -> Path:
    """The scenario file ``name`` of the served ``folder`` (resolved), refused (403/404) unless ``name`` is a
    plain file name that the folder lists as a scenario and the file is a regular file, not a link."""
    if (
        not name
        or "\x00" in name
        or "/" in name
        or "\\" in name
        or name in (".", "..")
        or os.path.isabs(name)
    ):
        raise Refused(
            403, "only the scenario files of the served folder, by their plain name, can be used"
        )
    if name not in allowed:
        raise Refused(404, "not a scenario file of the served folder")
    path = folder / name
    try:
        st = os.lstat(path)
    except OSError:
        raise Refused(404, "no such scenario file") from None
    if stat.S_ISLNK(st.st_mode):
        raise Refused(403, "this scenario file is a link: mapper serve never writes through a link")
    if not stat.S_ISREG(st.st_mode):
        raise Refused(403, "not a regular file")
    real = path.resolve()
    if real.parent != folder.resolve():
        raise Refused(403, "outside the served folder")
    return real

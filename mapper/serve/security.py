"""The rules of a local server that writes files: who may call it, which files it may touch, how much it reads.

A page of ours carries a per-run random token (``new_token``) in its configuration and sends it in the
``X-Mapper-Token`` header of every write: a cookie would be sent by any site the browser visits, a header is not,
and a custom header also makes a cross-site request a CORS pre-flight that this server never grants. The ``Host``
header must name the address the server is bound to (``host_allowed``): a DNS-rebinding page reaches us under its
own name and is refused before it can read a page (and the token in it). ``Origin``, when a browser sends one, must
be the server's own (``origin_allowed``). Files are named by their path relative to the served
folder (``scenario_path``): plain parts (no ``..``, no absolute path), no link at any level, a regular file that
exists and is one of the folder's scenarios (as the bounded walk of ``tree`` lists them); a name in a URL is
percent-decoded once, strictly (``decode_name``), before that rule. Request bodies are bounded
(``MAX_BODY_BYTES``) before they are read.
"""

from __future__ import annotations

import hmac
import os
import secrets
import stat
from pathlib import Path

from mapper.serve.tree import BadName, split_name

__all__ = [
    "LOOPBACK",
    "MAX_BODY_BYTES",
    "TOKEN_HEADER",
    "Refused",
    "check_token",
    "decode_name",
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


NOT_A_SCENARIO_PATH = (
    "only the scenario files of the served folder, by their path in it (as the index lists them), "
    "can be used"
)


def decode_name(raw: str) -> str:
    """A scenario's name as a URL path gives it (``options%2Fwest.yaml`` or ``options/west.yaml``), decoded once
    (``%2e%2e`` is ``..``, refused like it; ``%252e`` stays ``%2e``, a name no file has), refused (400) if the
    bytes are not UTF-8 and (403) unless it is a plain relative path (``tree.split_name``)."""
    from urllib.parse import unquote

    try:
        name = unquote(raw, errors="strict")
    except UnicodeDecodeError:
        raise Refused(400, "the file name in the address is not UTF-8") from None
    try:
        split_name(name)
    except BadName:
        raise Refused(403, NOT_A_SCENARIO_PATH) from None
    return name


def scenario_path(folder: Path, name: str, allowed: set[str]) -> Path:
    """The scenario file ``name`` (relative to the served ``folder``: ``west.yaml``, ``options/west.yaml``),
    resolved; refused (403/404) unless ``name`` is a plain relative path (``tree.split_name``: no ``..``, no
    absolute path, no ``\\``) that the folder lists as a scenario, and neither the file nor any folder on its way
    is a link, and the file is a regular file."""
    try:
        parts = split_name(name)
    except BadName:
        raise Refused(403, NOT_A_SCENARIO_PATH) from None
    if name not in allowed:
        raise Refused(404, "not a scenario file of the served folder")
    path = folder
    for part in parts:
        path = path / part
        try:
            st = os.lstat(path)
        except OSError:
            raise Refused(404, "no such scenario file") from None
        if stat.S_ISLNK(st.st_mode):
            raise Refused(
                403,
                "this scenario file (or a folder on its way) is a link: mapper serve never follows one",
            )
    if not stat.S_ISREG(st.st_mode):
        raise Refused(403, "not a regular file")
    real = path.resolve()
    if real != folder.resolve().joinpath(*parts):
        raise Refused(403, "outside the served folder")
    return real

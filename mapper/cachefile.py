"""The one reader for files mapper wrote itself and reads back: the symbol cache and the gallery's manifest.

Such files sit where someone else may have written (a shared cache folder, a gallery folder from elsewhere), so
they are read as untrusted input and any problem means "no file": the caller rebuilds what it would have found.

``read_json`` never opens anything but a regular file (a FIFO would block, a device could be endless or have side
effects, a symbolic link could point anywhere), reads at most ``max_bytes`` (checked with ``lstat`` before
opening, then while reading), accepts strict UTF-8 JSON only (no ``NaN``/``Infinity``) and refuses nesting deeper
than ``max_depth`` *before* ``json`` recurses, so a file of 100,000 ``[`` costs a few regular-expression passes,
not a ``RecursionError``. Checking the values is the caller's job (``mapper.app6``, ``mapper.gallery.entries``).
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

__all__ = ["json_depth_at_most", "read_bytes", "read_json"]

# a JSON string (escapes included), or an unterminated one running to the end: always matches from a quote, so a
# file of unbalanced quotes is still a single linear pass
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|\\?\Z)', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_INNERMOST = re.compile(r"\[\]|\{\}")


def read_bytes(path: str | os.PathLike[str], *, max_bytes: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (not a link) of at most ``max_bytes``, else ``None``."""
    try:
        before = os.lstat(path)
        if not stat.S_ISREG(before.st_mode) or before.st_size > max_bytes:
            return None
        flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except (OSError, ValueError):  # ValueError: a NUL byte in the path
        return None
    try:
        now = os.fstat(fd)
        # swapped between lstat and open (a race): not the file we looked at
        if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (
            before.st_dev,
            before.st_ino,
        ):
            return None
        chunks, left = [], max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        return None if len(data) > max_bytes else data
    except OSError:
        return None
    finally:
        os.close(fd)


def json_depth_at_most(text: str, max_depth: int) -> bool:
    """Whether the arrays and objects of the JSON ``text`` nest at most ``max_depth`` deep (and balance).

    Brackets inside strings do not count. Each pass removes every innermost ``[]``/``{}`` pair, so the brackets
    are gone after ``max_depth`` passes exactly when the nesting is no deeper: linear in the text for each pass,
    and no recursion whatever the input.
    """
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    for _ in range(max_depth):
        if not brackets:
            return True
        brackets, removed = _INNERMOST.subn("", brackets)
        if not removed:
            return False
    return not brackets


def _no_constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")


def read_json(path: str | os.PathLike[str], *, max_bytes: int, max_depth: int) -> Any | None:
    """The JSON value in ``path``, or ``None`` if it is missing, not a regular file, over ``max_bytes``, not
    strict UTF-8 JSON, or nested deeper than ``max_depth``. Never raises for anything in the file."""
    data = read_bytes(Path(path), max_bytes=max_bytes)
    if data is None:
        return None
    try:
        text = data.decode("utf-8")
        if not json_depth_at_most(text, max_depth):
            return None
        return json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return None

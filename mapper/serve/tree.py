"""The scenario files under the served folder: found by a bounded walk that never follows a link, named by their
path relative to the folder (``options/west.yaml``, always with ``/``), and opened without following a link at
any level.

``walk`` looks into the served folder and its sub-folders, breadth first, up to ``MAX_DEPTH`` levels below it,
into at most ``MAX_FOLDERS`` folders, and lists at most ``MAX_FILES`` scenario files (``*.yaml``, ``*.yml``); a
hidden name (``.git``, ``.venv``, ``.draft.yaml``) is skipped. A linked folder is never entered: it is listed
apart, as not followed (a linked scenario file is listed like any other and shown as unreadable: it is never
opened). A limit reached is said, in plain words, in ``Listing.notes`` (shown on the index and logged).

``split_name`` is the rule for a name a request gives: a relative path of plain parts (no ``..``, no ``.``, no
empty part, no ``\\``, no NUL, not absolute), not deeper than the walk goes. ``open_file`` opens such a name one
folder at a time (``O_NOFOLLOW`` at every level, relative to the folder opened before), so a folder swapped for a
link after the walk is refused too.
"""

from __future__ import annotations

import os
import stat
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "MAX_DEPTH",
    "MAX_FILES",
    "MAX_FOLDERS",
    "BadName",
    "Listing",
    "open_file",
    "sort_key",
    "split_name",
    "walk",
]

#: how many levels of sub-folders below the served folder are looked into (``a/b/c/d/x.yaml`` is the deepest)
MAX_DEPTH = 4
#: the most scenario files served from one folder (the rest are left out, with a note on the index)
MAX_FILES = 500
#: the most folders looked into (a big tree, such as a home folder, is cut short, with a note on the index)
MAX_FOLDERS = 1000
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


class BadName(ValueError):
    """A name that is not a plain relative path inside the served folder."""


@dataclass
class Listing:
    """What ``walk`` found: the scenario files (relative names), the linked folders not followed, the limits hit."""

    names: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def sort_key(name: str) -> tuple[int, str, str]:
    # the folder's own files first, then each sub-folder's, each group by name
    folder, _, base = name.rpartition("/")
    return (1 if folder else 0, folder, base)


def walk(
    root: Path,
    suffixes: tuple[str, ...] | frozenset[str],
    *,
    max_depth: int = MAX_DEPTH,
    max_files: int = MAX_FILES,
    max_folders: int = MAX_FOLDERS,
) -> Listing:
    """The scenario files under ``root`` (sorted: its own first), within the limits, never through a link."""
    out = Listing()
    todo: deque[tuple[str, int]] = deque([("", 0)])
    seen = 0
    deeper: list[str] = []
    while todo:
        rel, depth = todo.popleft()
        if seen >= max_folders:
            out.notes.append(
                f"only {max_folders:,} folders were looked into (the limit): serve a smaller folder"
            )
            break
        seen += 1
        for name, sub in _look(root, rel, suffixes, out):
            if depth < max_depth:
                todo.append((sub, depth + 1))
            else:
                deeper.append(name)
    if deeper:
        out.notes.append(
            f"folders more than {max_depth} levels deep are not looked into ({len(deeper)}, e.g. "
            f"{deeper[0]}/): move their scenarios up, or serve a folder closer to them"
        )
    out.names.sort(key=sort_key)
    if len(out.names) > max_files:
        out.notes.append(
            f"only the first {max_files:,} of {len(out.names):,} scenario files are served (the limit): "
            "serve a sub-folder"
        )
        del out.names[max_files:]
    return out


def _look(
    root: Path, rel: str, suffixes: tuple[str, ...] | frozenset[str], out: Listing
) -> list[tuple[str, str]]:
    """Look into the folder ``rel``: its scenario files and linked folders go to ``out``; its sub-folders (not
    links) are returned, to look into next."""
    try:
        with os.scandir(root / rel if rel else root) as it:
            items = sorted(it, key=lambda d: d.name)
    except OSError:
        return []
    folders = []
    for d in items:
        if d.name.startswith("."):
            continue
        name = f"{rel}/{d.name}" if rel else d.name
        scenario = Path(d.name).suffix.lower() in suffixes
        if d.is_symlink():
            if scenario:
                out.names.append(name)  # listed, shown as not readable (never opened)
            elif os.path.isdir(d.path):
                out.links.append(name)
        elif d.is_dir(follow_symlinks=False):
            folders.append((name, name))
        elif scenario and d.is_file(follow_symlinks=False):
            out.names.append(name)
    return folders


def split_name(name: str, max_depth: int = MAX_DEPTH) -> list[str]:
    """The parts of a scenario's relative name (``options/west.yaml`` → ``["options", "west.yaml"]``), or
    ``BadName`` for anything but plain parts inside the folder, at most ``max_depth`` folders deep."""
    if not name or len(name) > 1000 or "\x00" in name or "\\" in name or name.startswith("/"):
        raise BadName(name)
    parts = name.split("/")
    if any(p in ("", ".", "..") for p in parts) or len(parts) > max_depth + 1:
        raise BadName(name)
    if os.path.isabs(name) or any(os.path.splitdrive(p)[0] for p in parts):
        raise BadName(name)
    return parts


def open_file(root: Path, name: str) -> int:
    """A read-only descriptor of the file ``name`` under ``root``: each folder of it opened with
    ``O_NOFOLLOW`` relative to the one before (no link at any level), the file too; ``OSError`` otherwise."""
    parts = split_name(name)
    if os.open not in os.supports_dir_fd:  # (Windows) each part checked, then the path opened
        here = root
        for part in parts:
            here = here / part
            if stat.S_ISLNK(os.lstat(here).st_mode):
                raise OSError(f"{name}: a link (never followed)")
        return os.open(here, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    fd = os.open(root, os.O_RDONLY | _DIRECTORY)
    try:
        for part in parts[:-1]:
            nxt = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = nxt
        return os.open(parts[-1], os.O_RDONLY | _NOFOLLOW, dir_fd=fd)
    finally:
        os.close(fd)

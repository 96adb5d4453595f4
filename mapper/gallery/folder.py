"""The gallery's output folder: what a dead run left beside it, and what a user added inside it.

* ``sweep_stale``: the temporary siblings that ``mapper.atomic`` makes carry their owner's pid
  (``.mapper-<hash of the name>-<pid>-<random>.tmp`` / ``.old``). Every build first removes those whose owner is
  gone (a run killed with SIGKILL, a power cut); a folder whose owner still runs is never touched. A ``.old``
  folder (the previous gallery, moved aside during the swap) is put back if the gallery itself is missing.
* ``user_files`` / ``keep``: a rebuild keeps every file, folder and link in a gallery folder that the gallery does
  not produce (``about.html``, ``.htaccess``, ``maps/custom.html`` ...): they are hard-linked (or copied) into the
  new folder, links kept as links. A file where the new gallery must write one of its own is refused unless
  ``overwrite``.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import stat
from pathlib import Path

from mapper.errors import OutputError

__all__ = ["keep", "sweep_stale", "user_files"]

log = logging.getLogger("mapper")
_STALE = re.compile(r"(\d+)-[^/]*\.(tmp|old)")
#: temporary folders this process is building right now (never stale, even though their pid is ours)
LIVE: set[Path] = set()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return (
            False  # ours, but not one being built now (LIVE): left by an earlier run with our pid
        )
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: another user's live process
        return True
    return True


def sweep_stale(target: Path) -> list[Path]:
    """Remove the temporary siblings of ``target`` left by runs that are no longer alive; return them."""
    from mapper.atomic import temp_prefix

    parent = target.parent if str(target.parent) else Path(".")
    base = temp_prefix(target).removesuffix(f"{os.getpid()}-")
    removed = []
    try:
        siblings = [p for p in parent.iterdir() if p.name.startswith(base)]
    except OSError:
        return []
    for path in sorted(siblings):
        m = _STALE.fullmatch(path.name[len(base) :])
        if m is None or path.absolute() in LIVE or _alive(int(m.group(1))):
            continue
        try:
            if path.is_symlink() or not path.is_dir():
                continue
            if m.group(2) == "old" and not os.path.lexists(target):
                os.replace(
                    path, target
                )  # the swap was cut in half: the previous gallery comes back
                log.warning("%s: restored the previous gallery left by an interrupted run", target)
                continue
            shutil.rmtree(path)
            removed.append(path)
        except OSError as exc:
            log.debug("could not remove %s: %s", path, exc)
    if removed:
        log.info(
            "removed %d temporary folder(s) of interrupted runs beside %s", len(removed), target
        )
    return removed


def user_files(out_dir: Path, ours: set[str]) -> dict[str, str]:
    """Every entry under ``out_dir`` that is not one of ``ours`` (relative POSIX paths): path -> kind ("file",
    "dir", "link", "other"). Links are not followed."""
    found: dict[str, str] = {}
    stack = [Path()]
    while stack:
        rel = stack.pop()
        try:
            names = sorted(os.listdir(out_dir / rel))
        except OSError:
            continue
        for name in names:
            sub = rel / name
            key = sub.as_posix()
            try:
                mode = os.lstat(out_dir / sub).st_mode
            except OSError:  # gone meanwhile
                continue
            if stat.S_ISDIR(mode):
                if key not in ours:
                    found[key] = "dir"
                stack.append(sub)
            elif key not in ours:
                found[key] = (
                    "link" if stat.S_ISLNK(mode) else "file" if stat.S_ISREG(mode) else "other"
                )
    return found


def keep(out_dir: Path, tmp: Path, extra: dict[str, str], *, overwrite: bool) -> None:
    """Put the user's files (``user_files``) into the new gallery ``tmp``; say which on the log."""
    clash = [rel for rel, kind in extra.items() if kind != "dir" and os.path.lexists(tmp / rel)]
    if clash and not overwrite:
        raise OutputError(
            f"{out_dir}: the gallery needs {_names(clash)}, which it did not write; move "
            f"{'it' if len(clash) == 1 else 'them'} away, or pass --overwrite to replace "
            f"{'it' if len(clash) == 1 else 'them'}"
        )
    kept, skipped = [], []
    for rel, kind in sorted(extra.items()):
        src, dst = out_dir / rel, tmp / rel
        if rel in clash:
            continue
        if kind == "dir":
            dst.mkdir(parents=True, exist_ok=True)
            continue
        if kind == "other":  # a FIFO, device or socket: never opened, not copied
            skipped.append(rel)
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        if kind == "link":
            os.symlink(os.readlink(src), dst)
        else:
            try:
                os.link(src, dst, follow_symlinks=False)
            except OSError:
                shutil.copy2(src, dst, follow_symlinks=False)
        kept.append(rel)
    if kept:
        n = len(kept)
        log.warning(
            "%s: kept %d file%s the gallery does not produce: %s",
            out_dir, n, "s" if n != 1 else "", _names(kept),
        )  # fmt: skip
    if clash:
        log.warning("%s: replaced %s (--overwrite)", out_dir, _names(clash))
    if skipped:
        log.warning("%s: not kept (not a file, folder or link): %s", out_dir, _names(skipped))


def _names(paths: list[str], limit: int = 10) -> str:
    shown = ", ".join(paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")

"""Atomic outputs: a file or folder either appears complete or not at all, and nothing is clobbered by accident.

``atomic_write`` writes to a temporary file in the target's directory, fsyncs it and ``os.replace``s it into place
(atomic on POSIX and Windows when both are on one file system, which a sibling guarantees). ``atomic_dir`` builds a
folder (the gallery) in a temporary sibling and swaps it in at the end. Without ``overwrite`` an existing target is
an ``OutputError`` telling the user to pass ``--overwrite``; a device, FIFO or socket is never replaced. On any
error the temporary file or folder is removed and an existing target is left untouched.

Temporary siblings have short names (``.mapper-<hash of the target's name>-<random>.tmp``), so a target whose own
name is near the file system's limit (255 bytes) can still be written; every ``OSError`` (a name too long, a
parent that is a file, no permission, a full disk) becomes an ``OutputError`` naming the target.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from mapper.errors import OutputError

__all__ = ["atomic_dir", "atomic_write", "not_regular_error", "probe", "temp_prefix"]


def _exists_error(path: Path) -> OutputError:
    kind = "folder" if path.is_dir() else "file"
    return OutputError(f"{path}: {kind} exists; pass --overwrite to replace it")


def not_regular_error(path: Path) -> OutputError:
    """A device, FIFO or socket (or a link to one, such as /dev/stdout or /dev/full): never replaced by a
    regular file, whatever the options, so the message suggests no option."""
    return OutputError(
        f"{path}: is not a regular file (a device, FIFO or socket); mapper never replaces one: "
        "choose a file path to write to"
    )


def probe(path: Path) -> os.stat_result | None:
    """``os.stat`` of an output path (links followed), ``None`` if nothing is there; any other ``OSError`` (a name
    too long, a parent that is a file, no permission) is an ``OutputError`` naming the path."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc


def temp_prefix(target: Path) -> str:
    # short whatever the target's name (NAME_MAX is 255 bytes): a fixed prefix and a hash of the name
    # and the owner's pid, so a later run can tell a dead run's leftover from a live build (mapper.gallery.folder)
    digest = hashlib.blake2s(os.fsencode(target.name), digest_size=5).hexdigest()
    return f".mapper-{digest}-{os.getpid()}-"


def _mkdirs(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create folder: {exc.strerror or exc}") from exc


def _fsync_dir(path: Path) -> None:
    # make the rename itself durable; not possible (nor needed) on every platform
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def head_contains(path: str | os.PathLike[str], marker: bytes, *, limit: int = 4096) -> bool:
    """Whether the first ``limit`` bytes of the regular file at ``path`` contain ``marker``: how an output this
    tool wrote is recognised (so it may be replaced without --overwrite). Never opens a FIFO or device."""
    if not os.path.isfile(path):  # opening a FIFO would block for ever
        return False
    try:
        with open(path, "rb") as fh:
            return marker in fh.read(limit)
    except OSError:
        return False


def atomic_write(path: str | os.PathLike[str], data: str | bytes, *, overwrite: bool) -> Path:
    """Write ``data`` (``str`` is encoded as UTF-8) to ``path`` atomically; return the path.

    Parent folders are created. Raises ``OutputError`` if ``path`` exists and ``overwrite`` is false, if it is a
    folder, or if it cannot be written.
    """
    target = Path(path)
    st = probe(target)
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{target}: is a folder, expected a file path")
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise not_regular_error(target)
    if st is not None and not overwrite:
        raise _exists_error(target)
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    parent = target.parent if str(target.parent) else Path(".")
    _mkdirs(parent)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(target), suffix=".tmp", dir=parent)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600; give the file the permissions a normal write would (umask applied)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        if not overwrite and target.exists():  # appeared meanwhile
            raise _exists_error(target)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from exc
        raise
    _fsync_dir(parent)
    return target


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike[str], *, overwrite: bool) -> Iterator[Path]:
    """Build a folder in a temporary sibling and swap it into ``path`` when the block ends without error.

    Yields the temporary folder to write into. An existing ``path`` needs ``overwrite`` (checked before the block
    runs, so no work is wasted); it is replaced only after the block succeeded, and removed after the swap. If the
    block raises, the temporary folder is removed and ``path`` is untouched.
    """
    target = Path(path)
    st = probe(target)
    if st is not None and not stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{target}: exists and is not a folder")
    if st is not None and not overwrite:
        raise _exists_error(target)
    parent = target.parent if str(target.parent) else Path(".")
    _mkdirs(parent)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=temp_prefix(target), suffix=".tmp", dir=parent))
    except OSError as exc:
        raise OutputError(f"{target}: cannot write folder: {exc.strerror or exc}") from exc
    old: Path | None = None
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)
        if target.exists():
            if not overwrite:
                raise _exists_error(target)
            # two renames: a folder cannot be replaced atomically by another non-empty one
            old = Path(tempfile.mkdtemp(prefix=temp_prefix(target), suffix=".old", dir=parent))
            os.rmdir(old)
            os.replace(target, old)
        try:
            os.replace(tmp, target)
        except BaseException:
            if old is not None:
                os.replace(old, target)  # put the previous folder back
                old = None
            raise
        _fsync_dir(parent)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise OutputError(f"{target}: cannot write folder: {exc.strerror or exc}") from exc
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

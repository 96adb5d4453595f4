"""One bounded reader for every user data file (front lines, occupied areas, and overlays to come).

GDAL reads whatever it is given, as far as it goes: a 211 MB GeoJSON for ten minutes, a KMZ whose ``doc.kml``
inflates 1 MB → 1 GB into gigabytes of memory. Everything a user names therefore passes here first, and is refused
with a message naming the file and the limit before GDAL opens it:

* :func:`check_data_file`: a regular file (never a FIFO, device, socket or folder, which would block or never
  end), at most :data:`MAX_FILE_BYTES` on disk (``stat``, nothing read);
* :func:`read_kmz`: a KMZ is inspected with :mod:`zipfile` before anything is inflated: at most
  :data:`MAX_KMZ_MEMBERS` members, a total uncompressed size of at most :data:`MAX_UNCOMPRESSED_BYTES` as the
  central directory declares it, no member inflating more than :data:`MAX_COMPRESSION_RATIO` times; then the
  ``.kml`` document is inflated in chunks and the reading stops as soon as it passes the limit (so a directory
  that lies about sizes gains nothing). GDAL gets those bytes, never the archive;
* :func:`read_layers`: at most :data:`MAX_LAYERS` layers and :data:`MAX_FEATURES` features are read (GDAL is asked
  for one more than the limit, never for everything), and at most :data:`MAX_VERTICES` vertices are kept.

The limits are far above any real line of contact (a detailed one has a few thousand vertices, one layer and a
few features, in well under 1 MB). Every refusal raises the caller's error class (a
:class:`mapper.errors.GeodataError`), so the CLI shows one clean line and exits 1.
"""

from __future__ import annotations

import os
import stat
import warnings
import zipfile
from pathlib import Path
from typing import Any

from mapper.errors import GeodataError

__all__ = [
    "MAX_COMPRESSION_RATIO",
    "MAX_FEATURES",
    "MAX_FILE_BYTES",
    "MAX_KMZ_MEMBERS",
    "MAX_LAYERS",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_VERTICES",
    "check_data_file",
    "check_gpkg",
    "check_text_coordinates",
    "read_kmz",
    "read_layers",
]

#: a data file on disk (GeoJSON, GeoPackage, KML, KMZ)
MAX_FILE_BYTES = 20 * 1024 * 1024
#: everything a KMZ holds, inflated
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
#: how many times one member may inflate (members under :data:`_RATIO_FLOOR` bytes are not checked)
MAX_COMPRESSION_RATIO = 100
#: members of a KMZ archive (a document and a few icons in practice)
MAX_KMZ_MEMBERS = 1000
#: layers of one file, features of all layers together, vertices of all geometries together
MAX_LAYERS = 100
MAX_FEATURES = 10_000
MAX_VERTICES = 100_000

#: before GDAL parses a text format, its coordinate markers are counted: at most this many per vertex allowed
_MARKS_PER_VERTEX = 3
_RATIO_FLOOR = 64 * 1024  # a member this small is harmless whatever its ratio
_CHUNK = 1024 * 1024


def _mib(n: int) -> str:
    # one decimal at most: "47.5 MiB", "20 MiB" (":g" printed the size of a user's file as "47.4844 MiB")
    return f"{round(n / 1024 / 1024, 1):g} MiB" if n >= 1024 * 1024 else f"{n:,} bytes"


def check_data_file(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_FILE_BYTES,
    error: type[GeodataError] = GeodataError,
    expected: str = "",
) -> int:
    """Refuse anything but a regular file of at most ``max_bytes`` (checked with ``stat``, before it is opened);
    return its size. ``expected`` ends the messages (what the file should have been)."""
    p = Path(path)
    tail = f"; {expected}" if expected else ""
    try:
        st = p.stat()
    except FileNotFoundError:
        raise error(f"{p}: file not found{tail}") from None
    except OSError as exc:
        raise error(f"{p}: cannot read the file ({exc.strerror or exc}){tail}") from None
    if stat.S_ISDIR(st.st_mode):
        raise error(f"{p}: is a directory, not a file{tail}")
    if not stat.S_ISREG(
        st.st_mode
    ):  # a FIFO or device: GDAL would block reading it, or never finish
        raise error(f"{p}: is not a regular file (a FIFO, device or socket?){tail}")
    if st.st_size > max_bytes:
        raise error(
            f"{p}: the file is {_mib(st.st_size)}, over the limit of {_mib(max_bytes)} for a data file "
            "(a detailed front line takes well under 1 MiB); simplify it or cut it to the theatre"
        )
    return st.st_size


def read_kmz(
    path: str | os.PathLike[str],
    *,
    max_total: int = MAX_UNCOMPRESSED_BYTES,
    max_ratio: float = MAX_COMPRESSION_RATIO,
    max_members: int = MAX_KMZ_MEMBERS,
    error: type[GeodataError] = GeodataError,
) -> tuple[str, bytes]:
    """The KML document of a KMZ (``doc.kml``, else the shallowest ``.kml``) and its bytes, inflated within the
    limits: ``(member name, bytes)``. Call :func:`check_data_file` first."""
    p = Path(path)
    try:
        with zipfile.ZipFile(p) as zf:
            infos = zf.infolist()
            _check_members(p, infos, max_total, max_ratio, max_members, error)
            kmls = [i for i in infos if i.filename.lower().endswith(".kml") and not i.is_dir()]
            if not kmls:
                raise error(f"{p}: the KMZ archive contains no .kml document")
            kmls.sort(
                key=lambda i: (i.filename.lower() != "doc.kml", i.filename.count("/"), i.filename)
            )
            return kmls[0].filename, _inflate(p, zf, kmls[0], max_total, error)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        RuntimeError,
        OSError,
    ) as exc:
        reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise error(
            f"{p}: cannot read the KMZ file ({reason}); a KMZ is a zip with a .kml"
        ) from exc
    except (ValueError, EOFError) as exc:  # zlib errors and truncated members
        raise error(
            f"{p}: cannot read the KMZ file (damaged archive: {exc}); a KMZ is a zip with a .kml"
        ) from exc


def _check_members(
    p: Path,
    infos: list[zipfile.ZipInfo],
    max_total: int,
    max_ratio: float,
    max_members: int,
    error: type[GeodataError],
) -> None:
    """The central directory's word: member count, declared total size, each member's compression ratio."""
    if len(infos) > max_members:
        raise error(
            f"{p}: the KMZ archive has {len(infos):,} members, over the limit of {max_members:,}"
        )
    total = sum(i.file_size for i in infos)
    if total > max_total:
        raise error(
            f"{p}: the KMZ archive inflates to {_mib(total)}, over the limit of {_mib(max_total)} uncompressed"
        )
    for i in infos:
        if i.file_size > _RATIO_FLOOR and i.file_size > max_ratio * max(i.compress_size, 1):
            ratio = i.file_size / max(i.compress_size, 1)
            raise error(
                f"{p}: member {i.filename[:100]!r} of the KMZ archive inflates {ratio:,.0f} times "
                f"({_mib(i.compress_size)} to {_mib(i.file_size)}), over the limit of {max_ratio:g} "
                "(a zip bomb?)"
            )


def _inflate(
    p: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, max_total: int, error: type[GeodataError]
) -> bytes:
    """The member's bytes, read in chunks; stop as soon as they pass ``max_total``, whatever the directory said."""
    chunks: list[bytes] = []
    size = 0
    with zf.open(info) as fh:
        while chunk := fh.read(_CHUNK):
            size += len(chunk)
            if size > max_total:
                raise error(
                    f"{p}: member {info.filename[:100]!r} of the KMZ archive inflates past the limit of "
                    f"{_mib(max_total)} uncompressed"
                )
            chunks.append(chunk)
    return b"".join(chunks)


def read_layers(
    source: str | bytes,
    shown: str | os.PathLike[str],
    layer: str | None,
    *,
    max_layers: int = MAX_LAYERS,
    max_features: int = MAX_FEATURES,
    max_vertices: int = MAX_VERTICES,
    error: type[GeodataError] = GeodataError,
) -> dict[str, Any]:
    """GeoDataFrames of every layer (or only ``layer``) of ``source`` (a path, or the bytes of a document), read
    with pyogrio within the limits. ``shown`` names the file in messages. GDAL's own errors propagate (the caller
    words them); a missing ``layer`` or a limit raises ``error``."""
    import pyogrio  # heavy import, only when reading files
    import shapely

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        names = [str(n) for n, _ in pyogrio.list_layers(source)]
        if layer is not None:
            if layer not in names:
                listed = ", ".join(names[:20]) + (", ..." if len(names) > 20 else "")
                raise error(
                    f"{shown}: no layer named {layer!r}; the file has layers: {listed or 'none'}"
                )
            names = [layer]
        if len(names) > max_layers:
            raise error(
                f"{shown}: the file has {len(names):,} layers, over the limit of {max_layers:,}"
            )
        frames: dict[str, Any] = {}
        left = max_features
        for name in names:
            frame = _read_frame(pyogrio, source, name, left + 1)
            left -= len(frame)
            if left < 0:
                raise error(
                    f"{shown}: the file has more than {max_features:,} features, over the limit "
                    "(a front line needs a few)"
                )
            frames[name] = frame
    vertices = sum(
        int(shapely.get_num_coordinates(f.geometry.values).sum()) for f in frames.values()
    )
    if vertices > max_vertices:
        raise error(
            f"{shown}: the geometry has {vertices:,} vertices, over the limit of {max_vertices:,} "
            "(a line of contact needs a few thousand); simplify it first"
        )
    return frames


def check_gpkg(path: str | os.PathLike[str], *, error: type[GeodataError] = GeodataError) -> None:
    """Refuse a GeoPackage with SQL views before GDAL opens it: a view is a query GDAL would run, and a
    recursive one never ends (a front line needs tables only). Opened read-only with Python's ``sqlite3``."""
    import sqlite3
    from urllib.parse import quote

    p = Path(path)
    uri = f"file:{quote(str(p.resolve()))}?mode=ro&immutable=1"
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            views = [
                str(r[0])
                for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'view' LIMIT 6")
            ]
        finally:
            con.close()
    except sqlite3.Error:
        return  # not a database: GDAL says so, in the caller's words
    if views:
        listed = ", ".join(repr(v[:60]) for v in views[:5]) + (", ..." if len(views) > 5 else "")
        raise error(
            f"{p}: the GeoPackage defines SQL views ({listed}); a data file may hold tables only (a view is a "
            "query that would run on reading)"
        )


def _read_frame(pyogrio: Any, source: str | bytes, layer: str, limit: int) -> Any:
    """One layer, at most ``limit`` features, dates as text. A date field holding an impossible date (2025-02-31)
    makes pyogrio fail on the whole layer: then the layer is read again without its date fields."""
    try:
        return pyogrio.read_dataframe(
            source, layer=layer, max_features=limit, datetime_as_string=True
        )
    except (ValueError, OverflowError):
        info = pyogrio.read_info(source, layer=layer)
        keep = [
            str(f)
            for f, t in zip(info["fields"], info["dtypes"], strict=True)
            if not str(t).startswith("datetime")
        ]
        return pyogrio.read_dataframe(source, layer=layer, max_features=limit, columns=keep)


def check_text_coordinates(
    source: str | os.PathLike[str] | bytes,
    shown: str | os.PathLike[str],
    *,
    kml: bool,
    max_vertices: int = MAX_VERTICES,
    error: type[GeodataError] = GeodataError,
) -> None:
    """Before GDAL parses a GeoJSON or KML text (its GeoJSON reader takes ~35 times the file's size in memory):
    count the ``[`` (GeoJSON) or ``,`` (KML) that every vertex needs at least one of, and refuse a file with more
    than ``_MARKS_PER_VERTEX`` per vertex allowed. A cheap bound (one pass over bytes already limited in size);
    the exact vertex count is checked after reading."""
    mark = b"," if kml else b"["
    limit = _MARKS_PER_VERTEX * max_vertices
    if isinstance(source, bytes):
        n = source.count(mark)
    else:
        n = 0
        with open(source, "rb") as fh:
            while (chunk := fh.read(_CHUNK)) and n <= limit:
                n += chunk.count(mark)
    if n > limit:
        raise error(
            f"{shown}: the file holds over {limit:,} {mark.decode()!r} characters, far more coordinates than "
            f"the limit of {max_vertices:,} vertices (a line of contact needs a few thousand); simplify it first"
        )

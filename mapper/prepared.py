"""Scenario-independent products of the bundled geodata, computed once at build time and read back at run time.

Some work is the same for every scenario of the bundled data: the basemap's simplified GeoJSON, which places are
labelled (and on which side) with the bundled line, the distance bands of the examples' threats, NATO's
territory, the few entries of milsymbol's 30 MB symbol table that the maps draw, the ``Geod`` work of preparing
the bundled polygons for distances (``polygons``), the countries, regions and places layers as read
(``layer_*``), the simplified GeoJSON text of the examples' large situation geometries (``feature_texts``).
``scripts/build_prepared.py`` (``make prepared``) computes them into ``geodata/prepared/<product>.json``; at run
time an entry is used only when

* the file's ``version`` is ``PREPARED_VERSION`` (bumped whenever an algorithm behind a product changes) and its
  ``key`` is the sha256 of that version and of every file in ``geodata/`` the products
  derive from (``inputs_key``; not ``key_sites.csv``), so edited geodata or
  a ``MAPPER_GEODATA`` folder of its own never sees products made from other data;
* the entry exists: entries are named by what they were computed from (``digest`` of the input geometry's WKB,
  the band edges, milsymbol's table file ...), so an entry answers exactly the question it was computed for,
  whoever asks;
* the value passes the owner's ``decode``, which checks types and shapes (the files are in the repository, but
  a product is data, never code: JSON only, geometries as WKB in base64, never pickle).

Otherwise the owner computes the same value live (slower, identical) and a debug message says why.
``MAPPER_NO_PREPARED=1`` turns every product off (the tests compare outputs both ways). The owners (``geodata``,
``layerfiles``, ``placelabels``, ``features``, ``app6``, ``render.basemap``, ``render.featuretext``,
``geodesy.polygonproduct``) call
``lookup``; this module imports none of them.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from mapper.paths import geodata_dir

__all__ = [
    "FORMAT",
    "PREPARED_VERSION",
    "digest",
    "enabled",
    "geometry_from_text",
    "geometry_text",
    "inputs_key",
    "lookup",
    "product_file",
    "product_inputs",
    "write_product",
]

log = logging.getLogger(__name__)

#: bump whenever the algorithm behind any product changes (tests/test_prepared.py also recomputes every product)
PREPARED_VERSION = 1
FORMAT = "mapper-prepared"
_MAX_BYTES = 16 * 1024 * 1024  # the committed products total well under this
_INPUT_SUFFIXES = (".geojson", ".csv")
#: geodata files no product derives from: the key sites (mapper.keysites) feed no basemap, label, band or NATO
#: product, so editing them must not make every product stale (and every map compute live)
_NOT_INPUTS = frozenset({"key_sites.csv"})

T = TypeVar("T")


def enabled() -> bool:
    """Whether prepared products may be used (``MAPPER_NO_PREPARED=1`` turns them off)."""
    return not os.environ.get("MAPPER_NO_PREPARED")


def digest(data: bytes | str) -> str:
    """The sha256 hex digest naming an entry by what it was computed from (e.g. a geometry's WKB)."""
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def product_file(name: str, directory: Path | None = None) -> Path:
    return (directory or geodata_dir()) / "prepared" / f"{name}.json"


def product_inputs(directory: Path | None = None) -> list[Path]:
    """The files products derive from: every GeoJSON and CSV file directly in ``directory`` (``geodata/``) but
    those in ``_NOT_INPUTS``."""
    d = directory or geodata_dir()
    return sorted(
        p
        for p in d.iterdir()
        if p.suffix in _INPUT_SUFFIXES and p.name not in _NOT_INPUTS and p.is_file()
    )


@functools.lru_cache(maxsize=4)
def _inputs_key(directory: str) -> str:
    h = hashlib.sha256(f"{FORMAT} {PREPARED_VERSION}\n".encode())
    for path in product_inputs(Path(directory)):
        h.update(f"{path.name} {digest(path.read_bytes())}\n".encode())
    return h.hexdigest()


def inputs_key(directory: Path | None = None) -> str:
    """The key products made from the geodata in ``directory`` (default ``geodata/``) carry."""
    return _inputs_key(str(directory or geodata_dir()))


@functools.lru_cache(maxsize=16)
def _entries(path: str, key: str) -> Mapping[str, Any] | None:
    p = Path(path)
    try:
        if not p.is_file() or p.stat().st_size > _MAX_BYTES:
            log.debug("prepared product %s: missing or too big", p.name)
            return None
        data = p.read_bytes()
        lazy = _by_lines(data)
        doc = lazy[0] if lazy is not None else json.loads(data)
    except (OSError, ValueError) as exc:
        log.debug("prepared product %s: unreadable (%s)", p.name, exc)
        return None
    if not (
        isinstance(doc, dict)
        and doc.get("format") == FORMAT
        and doc.get("version") == PREPARED_VERSION
        and isinstance(doc.get("entries"), dict)
    ):
        log.debug("prepared product %s: not a product of this version", p.name)
        return None
    if doc.get("key") != key:
        log.debug("prepared product %s: stale (made from other geodata)", p.name)
        return None
    return doc["entries"] if lazy is None else _LineEntries(data, lazy[1])


# ``write_product`` writes a head line, one ``"name": value`` line per entry, and ``}}``: a lookup needs one
# entry, so a file in exactly that layout is split into lines and only the entry asked for is decoded (bands.json
# and polygons.json are megabytes of which a map reads one entry: ~15 ms of decoding saved). A file in any other
# layout (edited by hand, written by another tool) is decoded whole, as JSON.
_ENTRY_LINE = re.compile(rb'"([^"\\\x00-\x1f]*)": ')
_HEAD_END = b', "entries": {'


def _by_lines(data: bytes) -> tuple[dict[str, Any], dict[str, tuple[int, int]]] | None:
    """``(head, {name: (start, end) of its value})`` for a file in ``write_product``'s layout, else ``None``."""
    if not data.endswith(b"\n}}\n"):
        return None
    first = data.find(b"\n")
    head_line = data[:first]
    if not head_line.endswith(_HEAD_END):
        return None
    try:
        head = json.loads(head_line + b"}}")
    except ValueError:
        return None
    if not (isinstance(head, dict) and head.get("entries") == {}):
        return None
    spans: dict[str, tuple[int, int]] = {}
    at, last = first + 1, len(data) - 3  # ``last``: where the ``}}`` line starts
    while at < last:
        end = data.find(b"\n", at)
        m = _ENTRY_LINE.match(data, at, end)
        final = end == last - 1  # the last entry has no comma after it, every other one has
        if m is None or (data[end - 1 : end] == b",") == final:
            return None
        name = m.group(1).decode("ascii")
        if name in spans:
            return None
        spans[name] = (m.end(), end if final else end - 1)
        at = end + 1
    return head, spans


class _LineEntries(Mapping[str, Any]):
    """A product's entries, each decoded from its own line when asked for (``_by_lines``)."""

    def __init__(self, data: bytes, spans: dict[str, tuple[int, int]]) -> None:
        self._data = data
        self._spans = spans

    def __contains__(self, name: object) -> bool:
        return name in self._spans

    def __getitem__(self, name: str) -> Any:
        start, end = self._spans[name]
        return json.loads(self._data[start:end])

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)


def lookup(product: str, entry: str, decode: Callable[[Any], T]) -> T | None:
    """Entry ``entry`` of ``product`` decoded by ``decode``, or ``None`` (compute it live) when products are
    off, the product is missing or stale, it has no such entry, or ``decode`` rejects the value (any exception:
    a malformed value is refused, never half used)."""
    if not enabled():
        return None
    directory = geodata_dir()
    try:
        key = inputs_key(directory)
    except OSError as exc:
        log.debug("prepared products: cannot hash geodata (%s)", exc)
        return None
    entries = _entries(str(product_file(product, directory)), key)
    if entries is None or entry not in entries:
        if entries is not None:
            log.debug("prepared product %s: no entry %s", product, entry[:24])
        return None
    try:
        return decode(entries[entry])
    except Exception as exc:  # a refused value only costs the live computation
        log.debug("prepared product %s: entry %s refused (%s)", product, entry[:24], exc)
        return None


def geometry_text(geom: Any) -> str:
    """A geometry as product text: its WKB (exact: every coordinate's bits) in base64."""
    import base64

    import shapely

    return base64.b64encode(shapely.to_wkb(geom)).decode("ascii")


def geometry_from_text(text: Any, kinds: tuple[str, ...] = ("Polygon", "MultiPolygon")) -> Any:
    """The geometry ``geometry_text`` wrote, refused (``ValueError``) unless it is one of ``kinds``."""
    import base64

    import shapely

    if not isinstance(text, str) or not text:
        raise ValueError("not WKB in base64")
    geom = shapely.from_wkb(base64.b64decode(text, validate=True))
    if geom.geom_type not in kinds:
        raise ValueError(f"a {geom.geom_type}, expected {' or '.join(kinds)}")
    return geom


def write_product(name: str, entries: dict[str, Any], directory: Path | None = None) -> Path:
    """Write ``geodata/prepared/<name>.json`` (sorted keys, one entry a line, no timestamps: same inputs, same
    bytes). Build time only (``scripts/build_prepared.py``)."""
    from mapper.atomic import atomic_write

    path = product_file(name, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    head = {"format": FORMAT, "key": inputs_key(directory), "version": PREPARED_VERSION}
    lines = [json.dumps(head, sort_keys=True)[:-1] + ', "entries": {']
    items = sorted(entries.items())
    for i, (k, v) in enumerate(items):
        sep = "," if i < len(items) - 1 else ""
        lines.append(
            f"{json.dumps(k)}: {json.dumps(v, sort_keys=True, separators=(',', ':'))}{sep}"
        )
    lines.append("}}\n")
    atomic_write(path, "\n".join(lines).encode(), overwrite=True)
    _entries.cache_clear()
    return path

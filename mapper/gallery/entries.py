"""The gallery's records: entries and results, cache keys, and the manifest (``gallery.json``).

What ``mapper.gallery`` writes about each scenario and reads back on the next build to decide what is unchanged.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from mapper import __version__

MANIFEST = "gallery.json"
MANIFEST_FORMAT = "mapper-gallery/1"
INDEX = "index.html"
MAPS = "maps"
THUMBS = "thumbs"
#: files another command may add to a gallery folder; a rebuild keeps them (and the index links them)
COMPARE = "compare.html"
PRESERVED = (COMPARE,)
THUMB_SIZE = (480, 320)
THUMB_DPI = 96
BACK_LINK = "../index.html"
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
#: a file a scenario names (its front line) bigger than this is not hashed: the scenario is rendered again
MAX_INPUT_BYTES = 256 << 20
#: a scenario names a front-line and an occupied-area file (a few with dated lines) and a file per overlay layer
#: (at most ``overlayformat.MAX_LAYERS``, 50); a manifest listing more is not trusted
MAX_INPUTS = 64
#: the digest recorded for a file a failed scenario names that did not exist (the failure may be that): the entry
#: stays valid while the file is still missing
ABSENT = "absent"
#: the top-level keys of a scenario that name data files (read from the scenario's folder)
NAMED_FILES = ("front_line", "occupied")
# besides the drawing libraries, what changes the comparison page's tables and charts
_COMPARISON_LIBS = ("pandas",)
# the libraries whose versions change what a map page or thumbnail looks like
_DRAWING_LIBS = (
    "folium",
    "branca",
    "jinja2",
    "matplotlib",
    "xstatic-leaflet",
    "pyproj",
    "shapely",
    "numpy",
    "milsymbol",
)
# mapper modules that do not affect a scenario's map page or thumbnail (other commands' code); a name ending in
# "/" stands for a whole package
_NOT_DRAWING = (
    "cli.py",
    "__main__.py",
    "api.py",
    "export/",
    "report.py",
    "comparison/",
    "render/compare_maps.py",
    "staticmap/charts.py",
)

Progress = Callable[[int, int, "GalleryEntry"], None]


# -------------------------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class GalleryEntry:
    """One scenario file of the gallery: built (with its files and figures) or failed (with its messages)."""

    source: str  # file name inside the scenario folder
    status: str  # "built" or "failed"
    id: str | None = None
    title: str | None = None
    date: str | None = None
    summary: str | None = None
    map: str | None = None  # path inside the gallery, e.g. maps/dnipro_line.html
    thumb: str | None = None
    figures: dict[str, Any] = field(default_factory=dict)
    front_line: dict[str, str] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    content_hash: str = ""
    cache_key: str = ""
    # other files it read (its own front line) -> sha256
    inputs: dict[str, str] = field(default_factory=dict)
    # rendered in this build (False: reused from the previous gallery, or failed)
    rendered: bool = False

    @property
    def built(self) -> bool:
        return self.status == "built"

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "status": self.status,
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "summary": self.summary,
            "files": {"map": self.map, "thumb": self.thumb},
            "figures": dict(self.figures),
            "front_line": dict(self.front_line),
            "errors": list(self.errors),
            "warnings": list(self.warnings),
            "content_hash": self.content_hash,
            "cache_key": self.cache_key,
            "inputs": dict(self.inputs),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> GalleryEntry:
        """An entry of a previous ``gallery.json``; ``TypeError`` if its fields are not of the types we write (a
        hand-edited manifest: the scenario is then rendered again instead of reused)."""
        for key in ("id", "title", "date", "summary"):
            if not isinstance(d.get(key), str | None):
                raise TypeError(f"manifest field {key!r} is not text")
        figures = d.get("figures") or {}
        if not isinstance(figures, dict) or not all(
            isinstance(figures.get(k), int | float | None) and not isinstance(figures.get(k), bool)
            for k in (
                "options",
                "forces",
                "troops",
                "min_distance_to_front_km",
                "violations",
                "distance_accuracy_km",
                "min_distance_to_hostile_km",
            )
        ):
            raise TypeError("manifest figures are not numbers")
        for key in ("constraints", "exempt"):
            if not isinstance(figures.get(key, []), list) or not all(
                isinstance(x, str) for x in figures.get(key, [])
            ):
                raise TypeError(f"manifest {key} are not texts")
        if not isinstance(figures.get("nearest_hostile", ""), str):
            raise TypeError("manifest nearest_hostile is not text")
        front = d.get("front_line") or {}
        if not isinstance(front, dict) or not all(isinstance(v, str) for v in front.values()):
            raise TypeError("manifest front line is not texts")
        for key in ("errors", "warnings"):
            if not _texts(d.get(key) or []):
                raise TypeError(f"manifest {key} are not texts")
        inputs = d.get("inputs") or {}
        if not isinstance(inputs, dict) or not _texts([*inputs, *inputs.values()]):
            raise TypeError("manifest inputs are not texts")
        files = d.get("files") or {}
        return cls(
            source=str(d["source"]),
            status=str(d["status"]),
            id=d.get("id"),
            title=d.get("title"),
            date=d.get("date"),
            summary=d.get("summary"),
            map=files.get("map"),
            thumb=files.get("thumb"),
            figures=dict(d.get("figures") or {}),
            front_line=dict(d.get("front_line") or {}),
            errors=tuple(d.get("errors") or ()),
            warnings=tuple(d.get("warnings") or ()),
            content_hash=str(d.get("content_hash") or ""),
            cache_key=str(d.get("cache_key") or ""),
            inputs=dict(inputs),
        )


def _texts(values: Any) -> bool:
    return isinstance(values, list) and all(isinstance(x, str) for x in values)


@dataclass
class GalleryResult:
    """What ``build_gallery`` did. ``entries`` are in file-name order."""

    out_dir: Path
    entries: list[GalleryEntry]
    written: bool = True  # False when nothing changed and the existing gallery was left untouched

    @property
    def built(self) -> list[GalleryEntry]:
        return [e for e in self.entries if e.built]

    @property
    def failed(self) -> list[GalleryEntry]:
        return [e for e in self.entries if not e.built]

    @property
    def rendered(self) -> list[GalleryEntry]:
        return [e for e in self.entries if e.rendered]

    @property
    def reused(self) -> list[GalleryEntry]:
        return [e for e in self.entries if e.built and not e.rendered]

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary_line(self) -> str:
        """E.g. ``5 scenarios: 4 built (1 rendered, 3 unchanged), 1 failed (bad.yaml) → out/gallery``."""
        n = len(self.entries)
        text = f"{n} scenario{'s' if n != 1 else ''}: {len(self.built)} built"
        text += f" ({len(self.rendered)} rendered, {len(self.reused)} unchanged)"
        if self.failed:
            text += f", {len(self.failed)} failed ({', '.join(e.source for e in self.failed)})"
        return text + f" → {self.out_dir}"


# -------------------------------------------------------------------------------------------------------------
# Cache keys


def _hash_regular(path: Path, limit: int) -> str | None:
    """SHA-256 of the regular file at ``path`` if it holds at most ``limit`` bytes, else None. Anything else (a
    FIFO, a device, a folder, a missing or bigger file) is never opened, or read: checked with ``stat`` first,
    opened without blocking and checked again on the descriptor (it may have been swapped meanwhile)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError:
        return None
    h = hashlib.sha256()
    try:
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
                return None
            left = limit + 1
            while left > 0 and (chunk := fh.read(min(1 << 20, left))):
                h.update(chunk)
                left -= len(chunk)
    except OSError:
        return None
    return h.hexdigest() if left > 0 else None  # grown past the limit while being read


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _files_under(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and not name.endswith((".pyc", ".pyo")):
                yield Path(dirpath) / name


def _not_drawing(rel: str) -> bool:
    return any(
        rel == name or (name.endswith("/") and rel.startswith(name)) for name in _NOT_DRAWING
    )


@functools.cache
def _package_digests() -> tuple[tuple[str, str], ...]:
    """``(path inside the package, sha256)`` of every source and data file of the mapper package, once."""
    from mapper.paths import PACKAGE_DIR

    out = []
    for path in _files_under(PACKAGE_DIR):
        rel = path.relative_to(PACKAGE_DIR).as_posix()
        if "egg-info" not in rel:
            out.append((rel, _sha256_file(path)))
    return tuple(out)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


@functools.cache
def _installed() -> dict[str, str]:
    """Normalised distribution name -> version, from the ``<name>-<version>.dist-info`` folders on ``sys.path``,
    first one wins (the folders ``importlib.metadata`` finds, without its import: a fifth of a second, most of
    an unchanged rebuild)."""
    out: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except (OSError, TypeError):
            continue
        for folder in names:
            if folder.endswith(".dist-info"):
                name, _, version = folder.removesuffix(".dist-info").partition("-")
                out.setdefault(_normal(name), version)
    return out


def _versions(libs: tuple[str, ...]) -> str:
    lines = []
    for lib in libs:
        version = _installed().get(_normal(lib))
        if not version:  # installed some other way (an egg, a zip): ask importlib.metadata
            from importlib import metadata

            try:
                version = metadata.version(lib)
            except metadata.PackageNotFoundError:
                version = "-"
        lines.append(f"{lib} {version}\n")
    return "".join(lines)


@functools.cache
def build_key() -> str:
    """The part of every scenario's cache key that does not depend on the scenario: the mapper version, the
    drawing libraries' versions, the source of the mapper package (minus other commands' modules), the thumbnail
    size and every geodata file's bytes. Computed once per process."""
    from mapper.paths import geodata_dir

    h = hashlib.sha256()
    h.update(f"mapper {__version__}; thumbs {THUMB_SIZE} @ {THUMB_DPI} dpi\n".encode())
    h.update(_versions(_DRAWING_LIBS).encode())
    for rel, digest in _package_digests():
        if not _not_drawing(rel):
            h.update(f"mapper/{rel} {digest}\n".encode())
    geo = geodata_dir()
    if geo.is_dir():
        for path in _files_under(geo):
            h.update(f"geodata/{path.relative_to(geo).as_posix()} {_sha256_file(path)}\n".encode())
    return h.hexdigest()


@functools.cache
def _comparison_base() -> str:
    """What the comparison page depends on besides its scenarios: the build key and the modules it leaves out
    (the comparison's own code, its maps and charts), and the libraries of its tables."""
    h = hashlib.sha256(f"comparison\n{build_key()}\n".encode())
    h.update(_versions(_COMPARISON_LIBS).encode())
    for rel, digest in _package_digests():
        if _not_drawing(rel):
            h.update(f"mapper/{rel} {digest}\n".encode())
    return h.hexdigest()


def comparison_key(sources: list[tuple[str, str, dict[str, str]]]) -> str:
    """The comparison page's key: its code and data (``_comparison_base``) and, in order, each scenario file it
    compares as ``(path as shown, content hash, {input: digest})``: the files it reads and how it names them.
    ``""`` (never equal to a recorded key) when one of them could not be hashed."""
    if any(not value for _, digest, inputs in sources for value in (digest, *inputs.values())):
        return ""
    doc = json.dumps([_comparison_base(), sources], sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(doc.encode()).hexdigest()


def _cache_key(content_hash: str) -> str:
    return hashlib.sha256(f"{build_key()}\n{content_hash}".encode()).hexdigest()


def _failure_key(content_hash: str, shown: str) -> str:
    """The key of a scenario that failed: like a success's, and the path its messages show (``file:line:col``),
    so that a gallery built from a folder named differently reports the name given now."""
    return hashlib.sha256(f"{build_key()}\n{content_hash}\nfailed at {shown}".encode()).hexdigest()


# Paths and the previous gallery


def _is_gallery(folder: Path) -> bool:
    return _read_manifest(folder) is not None


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    """The previous build's manifest, or ``None`` (no gallery: everything is rebuilt) if it is missing, not a
    regular file, over 64 MiB, nested over 16 deep, not JSON, or not ours (``mapper.cachefile.read_json``)."""
    from mapper.cachefile import read_json

    data = read_json(folder / MANIFEST, max_bytes=64 * 1024 * 1024, max_depth=16)
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return None
    return data


def _previous_entries(manifest: dict[str, Any] | None) -> dict[str, GalleryEntry]:
    out: dict[str, GalleryEntry] = {}
    for d in (manifest or {}).get("scenarios") or []:
        try:
            entry = GalleryEntry.from_dict(d)
        except (KeyError, TypeError, ValueError):
            continue
        out[entry.source] = entry
    return out


def _entry_from_result(
    source: str, content_hash: str, key: str, result: dict[str, Any]
) -> GalleryEntry:
    if result["status"] != "built":
        # keyed like a success (``key`` is the failure key): unchanged, it is reported again without a reload
        return GalleryEntry(
            source=source,
            status="failed",
            errors=tuple(result["errors"]),
            warnings=tuple(result.get("warnings") or ()),
            content_hash=content_hash,
            cache_key=key if content_hash else "",
            inputs=dict(result.get("inputs") or {}),
        )
    sid = result["id"]
    return GalleryEntry(
        source=source,
        status="built",
        id=sid,
        title=result["title"],
        date=result["date"],
        summary=result["summary"],
        map=f"{MAPS}/{sid}.html",
        thumb=f"{THUMBS}/{sid}.png",
        figures=result["figures"],
        front_line=result["front_line"],
        warnings=tuple(result["warnings"]),
        content_hash=content_hash,
        cache_key=key,
        inputs=result["inputs"],
        rendered=True,
    )


def _reusable(prev: GalleryEntry | None, key: str, scenario_dir: Path, out_dir: Path) -> bool:
    """Whether a previous entry (read from a manifest anyone may have written) can be kept as it is: same key, its
    files real files of the previous gallery, and each of its few inputs a bounded regular file inside the scenario
    folder with the same hash. Nothing else is ever opened."""
    if prev is None or not prev.built or prev.cache_key != key or not prev.id:
        return False
    if not (_ID.fullmatch(prev.id) and prev.map and prev.thumb):
        return False
    if prev.map != f"{MAPS}/{prev.id}.html" or prev.thumb != f"{THUMBS}/{prev.id}.png":
        return False
    if not (_own_file(out_dir, prev.map) and _own_file(out_dir, prev.thumb)):
        return False
    if len(prev.inputs) > MAX_INPUTS:
        return False
    return all(_input_unchanged(name, digest, scenario_dir) for name, digest in prev.inputs.items())


def _reusable_failure(prev: GalleryEntry | None, key: str, scenario_dir: Path) -> bool:
    """Whether a previous failure can be reported again as it is: same failure key (the file's bytes, the build,
    the path shown), messages to report, and every file it named in the same state (same digest, or still
    missing). As for a success, only bounded regular files inside the scenario folder are ever opened."""
    if prev is None or prev.built or prev.status != "failed" or not prev.cache_key:
        return False
    if prev.cache_key != key or not prev.errors or len(prev.inputs) > MAX_INPUTS:
        return False
    return all(_input_unchanged(name, digest, scenario_dir) for name, digest in prev.inputs.items())


def _own_file(folder: Path, rel: str) -> bool:
    """``rel`` is a regular file in ``folder``, reached through no link (a link could publish any file)."""
    path = folder
    for part in PurePosixPath(rel).parts:
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            return False
        if stat.S_ISLNK(mode):
            return False
    return stat.S_ISREG(mode)


def _input_unchanged(name: Any, digest: Any, scenario_dir: Path) -> bool:
    """An input recorded in the manifest still has ``digest``: only a relative path inside the scenario folder
    (no absolute path, no ``..``, no link leading out) to a regular file of at most ``MAX_INPUT_BYTES``."""
    if not isinstance(name, str) or not isinstance(digest, str) or not digest or "\\" in name:
        return False
    rel = PurePosixPath(name)
    if not rel.parts or rel.is_absolute() or ".." in rel.parts:
        return False
    try:
        root = scenario_dir.resolve(strict=True)
        if digest == ABSENT:
            return _missing(root / rel)
        real = (root / rel).resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a loop of links
        return False
    if not real.is_relative_to(root):
        return False
    return _hash_regular(real, MAX_INPUT_BYTES) == digest


def _missing(path: Path) -> bool:
    """Nothing at ``path``: no file, and no link either (a dangling link may be completed at any time)."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return True
    except (OSError, ValueError):
        return False
    return False


def input_digest(name: str, scenario_dir: Path) -> str | None:
    """The digest to record for a file named ``name`` (as a scenario writes it) by a scenario that failed: its
    sha256, ``ABSENT`` if nothing is there, ``""`` (never matches: checked again) if it is not a bounded regular
    file inside the folder; None for a name the loader refuses without reading anything (absolute, ``..``)."""
    rel = PurePosixPath(name)
    if "\\" in name or "\x00" in name or not rel.parts or rel.is_absolute() or ".." in rel.parts:
        return None
    try:
        root = scenario_dir.resolve(strict=True)
        if _missing(root / rel):
            return ABSENT
        real = (root / rel).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return ""
    if not real.is_relative_to(root):
        return ""
    return _hash_regular(real, MAX_INPUT_BYTES) or ""


def layer_files(value: Any) -> list[str]:
    """The ``file:`` of every entry of a scenario document's ``layers:`` node (YAML, not checked: a failed
    scenario's), as written; anything not shaped like that is skipped."""
    if getattr(value, "id", None) != "sequence":
        return []
    out = []
    for item in value.value[:MAX_INPUTS]:
        if getattr(item, "id", None) != "mapping":
            continue
        for k, v in item.value:
            if getattr(k, "value", None) == "file" and getattr(v, "id", None) == "scalar":
                out.append(v.value)
    return out


def overlay_files(scenario: Any) -> list[str]:
    """The files a loaded scenario's overlays were read from (``Overlay.source``; ``inline`` ones have none)."""
    return [o.source for o in getattr(scenario, "overlays", ()) if o.source != "inline"]


def produced(entries: list[GalleryEntry]) -> set[str]:
    """The paths a gallery with these (previous) entries wrote itself: its pages, and the map and thumbnail of
    each entry whose paths have the form the gallery gives them; anything else in the folder is a user's."""
    out = {INDEX, MANIFEST, MAPS, THUMBS, *PRESERVED}
    for e in entries:
        if e.id and isinstance(e.id, str) and _ID.fullmatch(e.id):
            out.update((f"{MAPS}/{e.id}.html", f"{THUMBS}/{e.id}.png"))
    return out


def _dedupe(entries: list[GalleryEntry]) -> list[GalleryEntry]:
    """Two files with one scenario id: the first (by file name) keeps it, the others fail with a message."""
    seen: dict[str, str] = {}
    out = []
    for e in entries:
        if e.built and e.id in seen:
            e = GalleryEntry(
                source=e.source,
                status="failed",
                errors=(f"{e.source}: scenario id {e.id!r} is already used by {seen[e.id]}",),
                content_hash=e.content_hash,
            )
        elif e.built:
            seen[e.id] = e.source  # type: ignore[index]
        out.append(e)
    return out


# -------------------------------------------------------------------------------------------------------------
# The index and the manifest


def _manifest(entries: list[GalleryEntry], comparison: Comparison | None) -> dict[str, Any]:
    out = {
        "format": MANIFEST_FORMAT,
        "generator": {"name": "mapper", "version": __version__},
        "build_key": build_key(),
        "front_lines": _front_lines(entries),
        "scenarios": [e.to_dict() for e in entries],
    }
    if comparison is not None:
        out["comparison"] = {"key": comparison.key, "written": comparison.written}
    return out


def _manifest_bytes(entries: list[GalleryEntry], comparison: Comparison | None = None) -> bytes:
    text = json.dumps(_manifest(entries, comparison), sort_keys=True, indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


@dataclass(frozen=True)
class Comparison:
    """The gallery's comparison page as the manifest records it: its key (``comparison_key``) and whether the
    page was written (False: none of the scenarios could be compared)."""

    key: str
    written: bool


def previous_comparison(manifest: dict[str, Any] | None) -> Comparison | None:
    """The comparison recorded in a previous manifest (untrusted: anything not of our form is None)."""
    d = (manifest or {}).get("comparison")
    if not isinstance(d, dict) or not isinstance(d.get("key"), str) or not d["key"]:
        return None
    if not isinstance(d.get("written"), bool):
        return None
    return Comparison(d["key"], d["written"])


def _front_lines(entries: list[GalleryEntry]) -> list[dict[str, str]]:
    seen = {
        (e.front_line.get("date", ""), e.front_line.get("source", "")): e.front_line
        for e in entries
        if e.built and e.front_line
    }
    return [dict(seen[k]) for k in sorted(seen)]

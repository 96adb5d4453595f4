"""The gallery's records: entries and results, cache keys, and the manifest (``gallery.json``).

What ``mapper.gallery`` writes about each scenario and reads back on the next build to decide what is unchanged.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
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
            inputs=dict(d.get("inputs") or {}),
        )


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
def build_key() -> str:
    """The part of every scenario's cache key that does not depend on the scenario: the mapper version, the
    drawing libraries' versions, the source of the mapper package (minus other commands' modules), the thumbnail
    size and every geodata file's bytes. Computed once per process."""
    from importlib import metadata

    from mapper.paths import PACKAGE_DIR, geodata_dir

    h = hashlib.sha256()
    h.update(f"mapper {__version__}; thumbs {THUMB_SIZE} @ {THUMB_DPI} dpi\n".encode())
    for lib in _DRAWING_LIBS:
        try:
            version = metadata.version(lib)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{lib} {version}\n".encode())
    for path in _files_under(PACKAGE_DIR):
        rel = path.relative_to(PACKAGE_DIR).as_posix()
        if _not_drawing(rel) or "egg-info" in rel:
            continue
        h.update(f"mapper/{rel} {_sha256_file(path)}\n".encode())
    geo = geodata_dir()
    if geo.is_dir():
        for path in _files_under(geo):
            h.update(f"geodata/{path.relative_to(geo).as_posix()} {_sha256_file(path)}\n".encode())
    return h.hexdigest()


def _cache_key(content_hash: str) -> str:
    return hashlib.sha256(f"{build_key()}\n{content_hash}".encode()).hexdigest()


# Paths and the previous gallery


def _is_gallery(folder: Path) -> bool:
    return _read_manifest(folder) is not None


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
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
        return GalleryEntry(
            source=source,
            status="failed",
            errors=tuple(result["errors"]),
            warnings=tuple(result.get("warnings") or ()),
            content_hash=content_hash,
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
    if prev is None or not prev.built or prev.cache_key != key or not prev.id:
        return False
    if not (_ID.fullmatch(prev.id) and prev.map and prev.thumb):
        return False
    if prev.map != f"{MAPS}/{prev.id}.html" or prev.thumb != f"{THUMBS}/{prev.id}.png":
        return False
    if not ((out_dir / prev.map).is_file() and (out_dir / prev.thumb).is_file()):
        return False
    for name, digest in prev.inputs.items():
        path = Path(name) if Path(name).is_absolute() else scenario_dir / name
        try:
            if _sha256_file(path) != digest:
                return False
        except OSError:
            return False
    return True


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


def _manifest(entries: list[GalleryEntry]) -> dict[str, Any]:
    return {
        "format": MANIFEST_FORMAT,
        "generator": {"name": "mapper", "version": __version__},
        "build_key": build_key(),
        "front_lines": _front_lines(entries),
        "scenarios": [e.to_dict() for e in entries],
    }


def _manifest_bytes(entries: list[GalleryEntry]) -> bytes:
    text = json.dumps(_manifest(entries), sort_keys=True, indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def _front_lines(entries: list[GalleryEntry]) -> list[dict[str, str]]:
    seen = {
        (e.front_line.get("date", ""), e.front_line.get("source", "")): e.front_line
        for e in entries
        if e.built and e.front_line
    }
    return [dict(seen[k]) for k in sorted(seen)]

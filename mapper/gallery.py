"""``mapper gallery``: a folder of scenarios → a static site (index, one map page and one thumbnail per scenario).

``build_gallery(scenario_dir, out_dir)`` writes a plain folder that works from ``file://`` and any static server::

    out/gallery/
      index.html            a card per scenario (title, date, summary, thumbnail, key figures), sortable and
                            filterable with a few lines of inline JS, fully usable without it
      maps/<id>.html        the scenario's offline map (``render_html``) with a link back to the index
      thumbs/<id>.png       480x320 thumbnail (``staticmap.draw_static_map(thumbnail=True)``)
      gallery.json          the manifest: every scenario's files, key figures, content hash and cache key, the
                            errors of the invalid ones, the generator version and the front lines' dates
      compare.html          kept from the previous build if the compare command put one there (linked from
                            the index only when it exists)

The build is

* **incremental**: each scenario's cache key hashes its file's bytes together with a build key (the mapper
  version, the versions of the libraries that draw, the source of the mapper package and every geodata file); the
  files a scenario names (its own front line) are recorded with their hashes. A scenario whose key and inputs are
  unchanged is not rendered again: its files are hard-linked (or copied, keeping their mtime) from the previous
  gallery. Invalid scenarios are always checked again (a missing front-line file may have appeared). When nothing
  changed at all, nothing is written;
* **parallel**: scenarios are rendered in worker processes (``ProcessPoolExecutor``, ``jobs`` defaults to the
  number of CPUs); workers return the page and the PNG to the parent, which alone writes files;
* **robust**: a scenario that raises ``MapperError`` becomes a card with its messages, the others are built, and
  ``GalleryResult.failed`` says so (the CLI exits 1). Anything else is a bug and aborts the build;
* **atomic**: everything is built in a temporary sibling folder that replaces ``out_dir`` only at the end
  (``mapper.atomic.atomic_dir``); an interrupted build leaves the previous gallery as it was. A folder that is not
  a gallery (no ``gallery.json`` of ours) is replaced only with ``overwrite=True``, and never one that holds the
  scenarios, the current directory or the mapper's own data.

All scenario text reaches ``index.html`` through Jinja2 with autoescaping on (the template never uses ``|safe`` on
scenario text); the map pages escape it with ``mapper.render.safety``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mapper import __version__
from mapper.errors import MapperError, OutputError, ScenarioError, UsageError
from mapper.yamlsafe import MAX_FILE_BYTES

__all__ = ["GalleryEntry", "GalleryResult", "build_gallery", "build_key", "default_jobs"]

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
# mapper modules that do not affect a scenario's map page or thumbnail (other commands' code)
_NOT_DRAWING = {"cli.py", "__main__.py", "export.py", "report.py", "comparison.py"}

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
        if rel in _NOT_DRAWING or "egg-info" in rel:
            continue
        h.update(f"mapper/{rel} {_sha256_file(path)}\n".encode())
    geo = geodata_dir()
    if geo.is_dir():
        for path in _files_under(geo):
            h.update(f"geodata/{path.relative_to(geo).as_posix()} {_sha256_file(path)}\n".encode())
    return h.hexdigest()


def _cache_key(content_hash: str) -> str:
    return hashlib.sha256(f"{build_key()}\n{content_hash}".encode()).hexdigest()


# -------------------------------------------------------------------------------------------------------------
# The work of one scenario (runs in a worker process)


def _figures(scenario: Any, analysis: Any) -> dict[str, Any]:
    sums = [o.summary for o in analysis.options]
    dists = [s.min_distance_to_front_km for s in sums if s.min_distance_to_front_km is not None]
    c = scenario.constraints
    rules = []
    if c.min_distance_from_front_km is not None:
        rules.append(f"at least {c.min_distance_from_front_km:g} km from the front line")
    if c.max_distance_to_nato_border_km is not None:
        rules.append(f"at most {c.max_distance_to_nato_border_km:g} km from a NATO border")
    if not c.allow_in_occupied:
        rules.append("outside the occupied area")
    return {
        "options": len(analysis.options),
        "forces": sum(s.forces for s in sums),
        "troops": sum(s.troops for s in sums),
        "min_distance_to_front_km": round(min(dists), 1) if dists else None,
        "meets_constraints": all(s.meets_constraints for s in sums),
        "violations": sum(s.violations for s in sums),
        "constraints": rules,
    }


def _inputs(scenario: Any, scenario_dir: Path) -> dict[str, str]:
    """Files the scenario read besides itself and the bundled geodata (its own front line), with their hashes."""
    from mapper.paths import geodata_dir

    geo = geodata_dir().resolve()
    out: dict[str, str] = {}
    for name in (scenario.front.path, scenario.front.occupied_path):
        if not name:
            continue
        path = Path(name).resolve()
        if path.is_relative_to(geo) or not path.is_file():
            continue
        try:
            key = path.relative_to(scenario_dir.resolve()).as_posix()
        except ValueError:
            key = str(path)
        out[key] = _sha256_file(path)
    return out


def _render_one(path: str, scenario_dir: str) -> dict[str, Any]:
    """Load, analyse and draw one scenario. Returns the manifest fields plus ``html`` and ``png`` (or the errors).

    Runs in a worker process: every ``MapperError`` becomes error messages; nothing is printed.
    """
    from mapper.analysis import analyze, scenario_warnings
    from mapper.loader import load_scenario
    from mapper.render import render_html
    from mapper.staticmap import draw_static_map

    try:
        scenario = load_scenario(path)
        # the format checks the id already; a file name must never depend on that alone
        if not _ID.fullmatch(scenario.id):
            raise ScenarioError(
                f"scenario id {scenario.id!r} cannot be used as a file name", file=path
            )
        analysis = analyze(scenario)
        html = render_html(scenario, analysis, back_link=BACK_LINK)
        png = draw_static_map(scenario, analysis, size=THUMB_SIZE, dpi=THUMB_DPI, thumbnail=True)
        warnings = [*scenario.warnings, *scenario_warnings(scenario, analysis)]
    except ScenarioError as exc:
        return {
            "status": "failed",
            "errors": [p.format() for p in exc.problems if p.severity == "error"] or [str(exc)],
            "warnings": [p.format() for p in exc.problems if p.severity != "error"],
        }
    except MapperError as exc:
        return {"status": "failed", "errors": [str(exc)], "warnings": []}
    front = scenario.front
    return {
        "status": "built",
        "id": scenario.id,
        "title": scenario.title,
        "date": scenario.date.isoformat(),
        "summary": (scenario.summary or "").strip() or None,
        "figures": _figures(scenario, analysis),
        "front_line": {"date": front.date, "source": front.source, "accuracy": front.accuracy},
        "warnings": [p.format() for p in warnings],
        "inputs": _inputs(scenario, Path(scenario_dir)),
        "html": html.encode("utf-8"),
        "png": png,
    }


# -------------------------------------------------------------------------------------------------------------
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


def _check_out_dir(scenario_dir: Path, out_dir: Path, overwrite: bool) -> None:
    """Refuse outputs that would destroy something: a file, a link, a folder holding the scenarios (or the current
    folder, or mapper's own data), or a non-gallery folder without ``overwrite``."""
    from mapper.paths import PACKAGE_DIR, geodata_dir

    if out_dir.is_symlink():
        raise OutputError(f"{out_dir}: is a symbolic link; give the real folder")
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir}: exists and is not a folder")
    target = out_dir.resolve()
    for what, path in (
        ("the scenarios", scenario_dir),
        ("the current folder", Path.cwd()),
        ("the geodata", geodata_dir()),
        ("the mapper package", PACKAGE_DIR),
    ):
        p = path.resolve()
        if p == target or p.is_relative_to(target):
            raise OutputError(
                f"{out_dir}: refusing to build a gallery there: the folder would replace {what} ({path})"
            )
    if out_dir.is_dir() and any(out_dir.iterdir()) and not _is_gallery(out_dir) and not overwrite:
        raise OutputError(
            f"{out_dir}: exists and is not a gallery (no {MANIFEST} written by mapper); "
            "pass --overwrite to replace it"
        )


def _place(src: Path, dst: Path) -> None:
    """Put an unchanged file from the previous gallery into the new one: a hard link, else a copy (keeping its
    mtime). The previous gallery is never modified."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


# -------------------------------------------------------------------------------------------------------------
# Progress


class TerminalProgress:
    """A one-line progress bar on stderr: ``[######----] 3/5 dnipro_line.yaml``."""

    def __init__(self, stream: Any = None, width: int = 24) -> None:
        self.stream = stream or sys.stderr
        self.width = width

    def __call__(self, done: int, total: int, entry: GalleryEntry) -> None:
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "-" * (self.width - filled)
        mark = "" if entry.built else " (failed)"
        line = f"\r[{bar}] {done}/{total} {entry.source}{mark}"
        self.stream.write(line[:120].ljust(60))
        if done == total:
            self.stream.write("\n")
        self.stream.flush()


def _default_progress(quiet: bool) -> Progress | None:
    if quiet:
        return None
    try:
        tty = sys.stderr.isatty()
    except (AttributeError, ValueError):
        tty = False
    return TerminalProgress() if tty else None


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


# -------------------------------------------------------------------------------------------------------------
# Rendering many scenarios


def _run(
    work: list[tuple[str, Path]], scenario_dir: Path, jobs: int, compare: list[str] | None = None
) -> Iterator[tuple[str, Any]]:
    """Yield ``(source, result)`` as each scenario finishes: in this process for one job, else in a pool.

    With ``compare`` (scenario files), the comparison page is one more job, yielded as ``(COMPARE, html)``; in a
    pool it starts first, so it runs beside the renders instead of after them.
    """
    if jobs <= 1 or len(work) <= 1:
        for source, path in work:
            yield source, _render_one(str(path), str(scenario_dir))
        if compare is not None:
            yield COMPARE, _comparison_html(compare)
        return
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    with ProcessPoolExecutor(max_workers=min(jobs, len(work) + (compare is not None))) as pool:
        pending = {}
        if compare is not None:
            pending[pool.submit(_comparison_html, compare)] = COMPARE
        for source, path in work:
            pending[pool.submit(_render_one, str(path), str(scenario_dir))] = source
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in sorted(done, key=lambda f: pending[f]):
                    source = pending.pop(fut)
                    yield source, fut.result()
        finally:
            for fut in pending:
                fut.cancel()


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


def _sort_key(e: GalleryEntry) -> tuple[Any, ...]:
    # the default order (also without JS): built scenarios by title, then the ones that failed, by file name
    return (not e.built, (e.title or "").casefold(), e.source)


def _status(e: GalleryEntry) -> str:
    if not e.built:
        return "failed"
    return "ok" if e.figures.get("meets_constraints") else "violates"


def _card(e: GalleryEntry, order: int) -> dict[str, Any]:
    f = e.figures
    dist = f.get("min_distance_to_front_km")
    troops = f.get("troops")
    n_opt = f.get("options")
    status = _status(e)
    rules = f.get("constraints") or []
    if status == "ok":
        status_text = "Meets constraints"
    elif status == "violates":
        v = f.get("violations") or 0
        status_text = f"Breaks constraints ({v} site{'s' if v != 1 else ''})"
    else:
        status_text = "Could not be built"
    alt = ""
    if e.built:
        alt = f"Map of {e.title}: {n_opt} option{'s' if n_opt != 1 else ''}, {troops:,} troops"
        if dist is not None:
            alt += f", nearest {dist:,.1f} km from the front line"
    search = " ".join(x for x in (e.title, e.summary, e.id, e.source) if x).casefold()
    return {
        "entry": e,
        "order": order,
        "anchor": re.sub(r"[^a-z0-9_-]", "-", (e.id or f"file-{e.source}").lower()),
        "heading": e.title if e.built else e.source,
        "status": status,
        "status_text": status_text,
        "rules": "; ".join(rules),
        "options": n_opt,
        "troops": troops,
        "troops_text": f"{troops:,}" if troops is not None else "–",
        "distance": dist,
        "distance_text": f"{dist:,.1f} km" if dist is not None else "–",
        "alt": alt,
        "search": search,
    }


@functools.cache
def _environment() -> Any:
    import jinja2

    from mapper.render.assets import template_text

    return jinja2.Environment(
        loader=jinja2.FunctionLoader(template_text),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_index(entries: list[GalleryEntry], *, compare: bool = False) -> str:
    """The gallery's ``index.html`` for these entries (deterministic). Scenario text is autoescaped by Jinja."""
    from markupsafe import Markup

    from mapper.render.assets import template_text

    ordered = sorted(entries, key=_sort_key)
    cards = [_card(e, i) for i, e in enumerate(ordered)]
    css = template_text("gallery.css")
    if "</style" in css.lower():  # trusted package data, but never let it close the element
        raise ValueError("gallery.css must not contain '</style'")
    template = _environment().get_template("gallery_index.html")
    return template.render(
        page_title="Deployment scenarios",
        cards=cards,
        n_built=sum(1 for e in entries if e.built),
        n_failed=sum(1 for e in entries if not e.built),
        compare=compare,
        front_lines=_front_lines(entries),
        version=__version__,
        css=Markup(css),  # our own stylesheet (package data), not scenario text
    )


# -------------------------------------------------------------------------------------------------------------
# The build


def build_gallery(
    scenario_dir: str | os.PathLike[str] = "scenarios",
    out_dir: str | os.PathLike[str] = "out/gallery",
    *,
    jobs: int | None = None,
    quiet: bool = False,
    progress: Progress | None = None,
    overwrite: bool = False,
) -> GalleryResult:
    """Build (or update) the static gallery of every scenario in ``scenario_dir`` in ``out_dir``.

    ``jobs`` worker processes render the scenarios that changed (default: the number of CPUs; 1 renders in this
    process). ``progress(done, total, entry)`` is called after each scenario that had to be rendered or checked;
    without it, a progress bar goes to stderr when stderr is a terminal and ``quiet`` is false. ``overwrite``
    allows replacing an existing folder that is not a gallery. Invalid scenarios do not raise: they are listed in
    ``GalleryResult.failed`` (and on the index with their messages). Raises ``MapperError`` for a missing or empty
    scenario folder and for an output folder it must not replace.
    """
    from mapper.atomic import atomic_dir
    from mapper.loader import scenario_files

    scenario_dir = Path(scenario_dir)
    out_dir = Path(out_dir)
    if not scenario_dir.is_dir():
        raise UsageError(f"{scenario_dir}: not a folder of scenario files")
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    _check_out_dir(scenario_dir, out_dir, overwrite)
    report = progress if progress is not None else _default_progress(quiet)
    previous = _previous_entries(_read_manifest(out_dir))

    # plan: reuse what is unchanged, render (or check again) the rest
    files = list(scenario_files([scenario_dir]))
    entries: dict[str, GalleryEntry] = {}
    work: list[tuple[str, Path]] = []
    hashes: dict[str, tuple[str, str]] = {}
    for path in files:
        source = path.name
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            # a FIFO, device or oversized file: never read it here (it could block or be endless); the
            # loader refuses it with a clear message that ends up on the scenario's card
            hashes[source] = ("", "")
            work.append((source, path))
            continue
        try:
            content_hash = _sha256_file(path)
        except OSError as exc:
            entries[source] = GalleryEntry(
                source=source, status="failed", errors=(f"{path}: {exc.strerror or exc}",)
            )
            continue
        key = _cache_key(content_hash)
        hashes[source] = (content_hash, key)
        prev = previous.get(source)
        if _reusable(prev, key, scenario_dir, out_dir):
            entries[source] = prev  # type: ignore[assignment]
        else:
            work.append((source, path))

    compare = [name for name in PRESERVED if (out_dir / name).is_file()]
    if not work:
        final = _dedupe([entries[p.name] for p in files])
        if _unchanged(out_dir, final, compare):
            return GalleryResult(out_dir, final, written=False)

    with atomic_dir(out_dir, overwrite=True) as tmp:
        staging = tmp / ".staging"
        staging.mkdir()
        (tmp / MAPS).mkdir()
        (tmp / THUMBS).mkdir()
        where: dict[str, Path] = {}  # source -> folder holding maps/<id>.html and thumbs/<id>.png
        for source, entry in entries.items():
            if entry.built:
                where[source] = out_dir
        total = len(work)
        n_jobs = jobs or default_jobs()
        # the comparison of every option in the gallery: rebuilt whenever the gallery changes at all (a scenario
        # added, changed or removed); an unchanged rebuild returned above and keeps it as it is
        candidates = [str(p) for p in files if p.is_file()]
        compare_html: str | None = None
        done = 0
        for source, result in _run(work, scenario_dir, n_jobs, candidates or None):
            if source == COMPARE:
                compare_html = result
                continue
            done += 1
            content_hash, key = hashes[source]
            entry = _entry_from_result(source, content_hash, key, result)
            if entry.built:
                folder = staging / f"{done}"
                (folder / MAPS).mkdir(parents=True)
                (folder / THUMBS).mkdir()
                (folder / entry.map).write_bytes(result["html"])  # type: ignore[operator]
                (folder / entry.thumb).write_bytes(result["png"])  # type: ignore[operator]
                where[source] = folder
            entries[source] = entry
            if report is not None:
                report(done, total, entry)

        final = _dedupe([entries[p.name] for p in files])
        for entry in final:
            if not entry.built:
                continue
            src = where[entry.source]
            for rel in (entry.map, entry.thumb):
                dst = tmp / rel  # type: ignore[operator]
                if src == out_dir:
                    _place(src / rel, dst)  # type: ignore[operator]
                else:
                    os.replace(src / rel, dst)  # type: ignore[operator]
        shutil.rmtree(staging)
        compare = []
        if compare_html is not None and any(e.built for e in final):
            (tmp / COMPARE).write_text(compare_html, encoding="utf-8")
            compare = [COMPARE]
        (tmp / INDEX).write_text(render_index(final, compare=bool(compare)), encoding="utf-8")
        (tmp / MANIFEST).write_bytes(_manifest_bytes(final))
    return GalleryResult(out_dir, final)


def _comparison_html(paths: list[str]) -> str | None:
    """The comparison page of the scenarios that load (the others are listed on it); None if none does.

    Runs in a worker process beside the renders."""
    import warnings

    from mapper.comparison import compare_report, load_comparison

    try:
        with warnings.catch_warnings():  # the page itself shows them (e.g. different front lines)
            warnings.simplefilter("ignore")
            comparison = load_comparison(paths, keep_going=True)
        return compare_report(comparison, "html")
    except MapperError:
        return None


def _unchanged(out_dir: Path, entries: list[GalleryEntry], compare: list[str]) -> bool:
    """Whether ``out_dir`` already holds exactly this gallery (same manifest, index and set of files)."""
    expected = {MANIFEST, INDEX, *compare}
    for e in entries:
        if e.built:
            expected.update((e.map, e.thumb))  # type: ignore[arg-type]
    try:
        present = {p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file()}
        if present != expected:
            return False
        if (out_dir / MANIFEST).read_bytes() != _manifest_bytes(entries):
            return False
        index = render_index(entries, compare=bool(compare)).encode("utf-8")
        return (out_dir / INDEX).read_bytes() == index
    except OSError:
        return False

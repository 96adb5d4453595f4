"""``mapper gallery``: a folder of scenarios → a static site (index, one map page and one thumbnail per scenario).

``build_gallery(scenario_dir, out_dir)`` writes a plain folder that works from ``file://`` and any static server::

    out/gallery/
      index.html            a card per scenario (title, date, summary, thumbnail, key figures), sortable and
                            filterable with a few lines of inline JS, fully usable without it
      maps/<id>.html        the scenario's offline map (``render_html``) with a link back to the index
      thumbs/<id>.png       480x320 thumbnail (``staticmap.draw_static_map(thumbnail=True)``)
      gallery.json          the manifest: every scenario's files, key figures, content hash, cache key and
                            inputs, the errors of the invalid ones, the comparison's key, the generator version
                            and the front lines' dates
      compare.html          the comparison of every option (``mapper compare -f html``), linked from the index
                            when it could be made

The build is

* **incremental**: each scenario's cache key hashes its file's bytes together with a build key (the mapper
  version, the versions of the libraries that draw, the source of the mapper package and every geodata file); the
  files a scenario names (its own front line) are recorded with their hashes. A scenario whose key and inputs are
  unchanged is not rendered again: its files are hard-linked (or copied, keeping their mtime) from the previous
  gallery. A scenario that failed is keyed the same way (plus the path its messages show), with the files it
  names recorded as they were (a missing one as missing): unchanged, its messages come from the manifest without
  a reload; a file it names that appears or changes makes it checked again. The comparison page has a key of its
  own (its code, and every file it compares with their inputs) and is kept while that key holds. When nothing
  changed at all, nothing is written, and nothing heavy is imported (no folium, numpy or YAML: the index is
  rendered from the manifest's entries to be compared with the one on disk);
* **parallel**: scenarios are rendered in worker processes (``ProcessPoolExecutor``, ``jobs`` defaults to the
  number of CPUs); workers return the page and the PNG to the parent, which alone writes files;
* **robust**: a scenario that raises ``MapperError`` becomes a card with its messages, the others are built, and
  ``GalleryResult.failed`` says so (the CLI exits 1). Anything else is a bug and aborts the build;
* **atomic**: everything is built in a temporary sibling folder that replaces ``out_dir`` only at the end
  (``mapper.atomic.atomic_dir``); an interrupted build leaves the previous gallery as it was. A folder that is not
  a gallery (no ``gallery.json`` of ours) is replaced only with ``overwrite=True``, and never one that holds the
  scenarios, the current directory or the mapper's own data. Files a user added to a gallery are kept
  (``mapper.gallery.folder``);
* **interruptible**: SIGTERM, SIGHUP and SIGINT cancel the pool, end its workers and remove the temporary folder;
  workers die with the parent even on SIGKILL, and the next build removes what a killed run left
  (``mapper.gallery.workers``, ``folder.sweep_stale``);
* **safe on untrusted folders**: a scenario file that is a link leading out of the folder is never read, and the
  previous manifest is data: its inputs are only ever bounded regular files inside the scenario folder.

All scenario text reaches ``index.html`` through Jinja2 with autoescaping on (the template never uses ``|safe`` on
scenario text); the map pages escape it with ``mapper.render.safety``.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapper.errors import MapperError, OutputError, ScenarioError, UsageError
from mapper.gallery.entries import (
    _ID,
    BACK_LINK,
    COMPARE,
    INDEX,
    MANIFEST,
    MAPS,
    MAX_INPUT_BYTES,
    NAMED_FILES,
    THUMB_DPI,
    THUMB_SIZE,
    THUMBS,
    Comparison,
    GalleryEntry,
    GalleryResult,
    Progress,
    _cache_key,
    _dedupe,
    _entry_from_result,
    _failure_key,
    _hash_regular,
    _manifest_bytes,
    _own_file,
    _previous_entries,
    _read_manifest,
    _reusable,
    _reusable_failure,
    build_key,
    comparison_key,
    input_digest,
    layer_files,
    overlay_files,
    previous_comparison,
    produced,
)
from mapper.gallery.folder import LIVE, keep, sweep_stale, user_files
from mapper.gallery.index import render_index
from mapper.gallery.workers import Interrupted, interruptible, stop_pool, worker_init

if TYPE_CHECKING:
    from mapper.pipeline import Prepared

#: the biggest scenario file hashed for the cache: at least the loader's limit (``yamlsafe.MAX_FILE_BYTES``, a test
#: checks), so that every file the loader accepts can be reused, and a bigger one's refusal is cached too; a
#: number of its own so that an unchanged rebuild does not import PyYAML
MAX_HASHED_BYTES = 32 * 1024 * 1024

__all__ = [
    "GalleryEntry",
    "GalleryResult",
    "Interrupted",
    "build_gallery",
    "build_key",
    "default_jobs",
    "render_index",
]

log = logging.getLogger("mapper")

# -------------------------------------------------------------------------------------------------------------
# The work of one scenario (runs in a worker process)


def _figures(prepared: Prepared) -> dict[str, Any]:
    """The card's numbers: the nearest force to the front line (with the line's accuracy) and to hostile
    territory (with which part), the constraint verdict with the forces exempt from it, coverage by country."""
    from mapper.textlayout import constraint_lines

    scenario, analysis = prepared.scenario, prepared.analysis
    sums = [o.summary for o in analysis.options]
    dists = [s.min_distance_to_front_km for s in sums if s.min_distance_to_front_km is not None]
    hostile = min(
        (s for s in sums if s.min_distance_to_hostile_territory_km is not None),
        key=lambda s: s.min_distance_to_hostile_territory_km or 0.0,
        default=None,
    )
    rules = constraint_lines(scenario)
    if not scenario.constraints.allow_in_occupied:
        rules.append("outside the occupied area")
    exempt = [
        f.name + (f" (role {f.role.replace('_', ' ')})" if f.role else "")
        for o in analysis.options
        for f in o.forces
        if f.exemptions
    ]
    return {
        "options": len(analysis.options),
        "forces": sum(s.forces for s in sums),
        "troops": sum(s.troops for s in sums),
        "min_distance_to_front_km": round(min(dists), 1) if dists else None,
        "distance_accuracy_km": scenario.front.accuracy_km,
        "min_distance_to_hostile_km": None
        if hostile is None or hostile.min_distance_to_hostile_territory_km is None
        else round(hostile.min_distance_to_hostile_territory_km, 1),
        "nearest_hostile": hostile.nearest_hostile if hostile else "",
        "meets_constraints": all(s.meets_constraints for s in sums),
        "violations": sum(s.violations for s in sums),
        "exempt": exempt,
        "constraints": rules,
    }


def _inputs(scenario: Any, scenario_dir: Path) -> dict[str, str]:
    """Files the scenario read besides itself and the bundled geodata (its own front line), with their hashes."""
    from mapper.paths import geodata_dir

    geo = geodata_dir().resolve()
    out: dict[str, str] = {}
    for name in (scenario.front.path, scenario.front.occupied_path, *overlay_files(scenario)):
        if not name:
            continue
        path = Path(name).resolve()
        if path.is_relative_to(geo) or not path.is_file():
            continue
        try:
            key = path.relative_to(scenario_dir.resolve()).as_posix()
        except ValueError:
            key = str(path)
        out[key] = _hash_regular(path, MAX_INPUT_BYTES) or ""  # "" never matches: rendered again
    return out


def _render_one(path: str, scenario_dir: str) -> dict[str, Any]:
    """Load, analyse and draw one scenario. Returns the manifest fields plus ``html`` and ``png`` (or the errors).

    Runs in a worker process: every ``MapperError`` becomes error messages; nothing is printed.
    """
    from mapper.analysis import scenario_warnings
    from mapper.pipeline import prepare
    from mapper.render import render_html
    from mapper.staticmap import draw_static_map

    try:
        prepared = prepare(Path(path))
        scenario = prepared.scenario
        # the format checks the id already; a file name must never depend on that alone
        if not _ID.fullmatch(scenario.id):
            raise ScenarioError(
                f"scenario id {scenario.id!r} cannot be used as a file name", file=path
            )
        html = render_html(prepared, back_link=BACK_LINK)
        png = draw_static_map(prepared, size=THUMB_SIZE, dpi=THUMB_DPI, thumbnail=True)
        warnings = [*scenario.warnings, *scenario_warnings(scenario, prepared.analysis)]
    except ScenarioError as exc:
        return {
            "status": "failed",
            "errors": [p.format() for p in exc.problems if p.severity == "error"] or [str(exc)],
            "warnings": [p.format() for p in exc.problems if p.severity != "error"],
            "inputs": _named_inputs(Path(path), Path(scenario_dir)),
        }
    except MapperError as exc:
        return {
            "status": "failed",
            "errors": [str(exc)],
            "warnings": [],
            "inputs": _named_inputs(Path(path), Path(scenario_dir)),
        }
    front = scenario.front
    return {
        "status": "built",
        "id": scenario.id,
        "title": scenario.title,
        "date": scenario.date.isoformat(),
        "summary": (scenario.summary or "").strip() or None,
        "figures": _figures(prepared),
        "front_line": {"date": front.date, "source": front.source, "accuracy": front.accuracy},
        "warnings": [p.format() for p in warnings],
        "inputs": _inputs(scenario, Path(scenario_dir)),
        "html": html.encode("utf-8"),
        "png": png,
    }


def _named_inputs(path: Path, scenario_dir: Path) -> dict[str, str]:
    """The files a scenario that failed names (``NAMED_FILES``: front line, occupied area), with the digests that
    key its failure (``entries.input_digest``; a missing file is recorded as missing). A superset of what the load
    read: a name the loader refused, or never reached, only makes the failure checked again sooner."""
    from mapper.yamlsafe import load_document

    try:
        root = load_document(path).root
    except (MapperError, OSError, ValueError):
        return {}  # not readable, or not YAML: the loader stopped before reading anything else
    if getattr(root, "id", None) != "mapping":
        return {}
    out: dict[str, str] = {}
    names = []
    for key, value in root.value:
        if getattr(key, "value", None) == "layers":
            names += layer_files(value)
        elif getattr(key, "value", None) in NAMED_FILES and getattr(value, "id", None) == "scalar":
            names.append(value.value)
    for name in names:
        if not isinstance(name, str) or name in ("bundled", "none", ""):
            continue
        digest = input_digest(name, scenario_dir)
        if digest is not None:
            out[Path(name).as_posix()] = digest
    return out


# -------------------------------------------------------------------------------------------------------------
def _check_out_dir(scenario_dir: Path, out_dir: Path, overwrite: bool) -> dict[str, Any] | None:
    """Refuse outputs that would destroy something: a file, a link, a folder holding the scenarios (or the current
    folder, or mapper's own data), or a non-gallery folder without ``overwrite``. Returns the manifest if it read
    one (read once: for 200 scenarios it is a fair part of an unchanged rebuild)."""
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
    if not (out_dir.is_dir() and any(out_dir.iterdir())):
        return None
    manifest = _read_manifest(out_dir)
    if manifest is None and not overwrite:
        raise OutputError(
            f"{out_dir}: exists and is not a gallery (no {MANIFEST} written by mapper); "
            "pass --overwrite to replace it"
        )
    return manifest


def _place(src: Path, dst: Path) -> None:
    """Put an unchanged file from the previous gallery into the new one: a hard link, else a copy (keeping its
    mtime). The previous gallery is never modified."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


# -------------------------------------------------------------------------------------------------------------
# Progress


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


# -------------------------------------------------------------------------------------------------------------
# Rendering many scenarios


def _run(
    work: list[tuple[str, Path]], scenario_dir: Path, jobs: int, compare: list[str] | None = None
) -> Generator[tuple[str, Any], None, None]:
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

    pool = ProcessPoolExecutor(
        max_workers=min(jobs, len(work) + (compare is not None)),
        initializer=worker_init,  # workers die with this process, even on SIGKILL
        initargs=(os.getpid(),),
    )
    try:
        pending: dict[Any, str] = {}
        if compare is not None:
            pending[pool.submit(_comparison_html, compare)] = COMPARE
        for source, path in work:
            pending[pool.submit(_render_one, str(path), str(scenario_dir))] = source
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in sorted(done, key=lambda f: pending[f]):
                source = pending.pop(fut)
                yield source, fut.result()
    except BaseException:  # an error, an interrupt, or the consumer gave up (GeneratorExit)
        stop_pool(pool)
        raise
    pool.shutdown()


# -------------------------------------------------------------------------------------------------------------
# The build


def build_gallery(
    scenario_dir: str | os.PathLike[str] = "scenarios",
    out_dir: str | os.PathLike[str] = "out/gallery",
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
    overwrite: bool = False,
) -> GalleryResult:
    """Build (or update) the static gallery of every scenario in ``scenario_dir`` in ``out_dir``.

    ``jobs`` worker processes render the scenarios that changed (default: the number of CPUs; 1 renders in this
    process). ``progress(done, total, entry)`` is called after each scenario that had to be rendered or checked
    (the CLI draws a progress bar with it). ``overwrite`` allows replacing an existing folder that is not a
    gallery. Invalid scenarios do not raise: they are listed in ``GalleryResult.failed`` (and on the index with
    their messages). Raises ``MapperError`` for a missing or empty scenario folder and for an output folder it
    must not replace.
    """
    from mapper.atomic import atomic_dir

    scenario_dir = Path(scenario_dir)
    out_dir = Path(out_dir)
    if not scenario_dir.is_dir():
        raise UsageError(f"{scenario_dir}: not a folder of scenario files")
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    manifest = _check_out_dir(scenario_dir, out_dir, overwrite)
    sweep_stale(out_dir)  # what runs killed with SIGKILL left beside it (may put a gallery back)
    plan = _plan(scenario_dir, manifest or _read_manifest(out_dir), out_dir)
    # the files a user added to a gallery folder are kept (a folder that is not a gallery is replaced whole)
    extra = user_files(out_dir, plan.ours) if plan.ours is not None else {}
    if not plan.work:
        final = _dedupe([plan.entries[p.name] for p in plan.files])
        if _unchanged(out_dir, final, _kept_comparison(plan, plan.entries, out_dir), set(extra)):
            return GalleryResult(out_dir, final, written=False)
    # a signal cancels the pool, ends the workers and removes the temporary folder (mapper.gallery.workers)
    with interruptible() as guard, atomic_dir(out_dir, overwrite=True) as tmp:
        LIVE.add(tmp.absolute())
        try:
            final = _build(tmp, plan, scenario_dir, out_dir, jobs or default_jobs(), progress)
            keep(out_dir, tmp, extra, overwrite=overwrite)
        finally:
            LIVE.discard(tmp.absolute())
        guard.hold()  # the new gallery is complete: a signal now waits until it has been swapped in
    log.debug("gallery %s: %d scenario(s), %d rendered", out_dir, len(final), len(plan.work))
    return GalleryResult(out_dir, final)


@dataclass
class _Plan:
    """What a build does: the scenario files, the entries known already (reused or refused), the files to render
    (``work``), each file's content hash with its cache keys (success, failure), the files that may be read
    (``readable``: regular files inside the folder, for the comparison page), the paths the previous gallery
    produced (``ours``; None when the output folder is not a gallery) and its comparison page (``comparison``) and
    entries (``previous``)."""

    files: list[Path]
    entries: dict[str, GalleryEntry] = field(default_factory=dict)
    work: list[tuple[str, Path]] = field(default_factory=list)
    hashes: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    readable: list[Path] = field(default_factory=list)
    ours: set[str] | None = None
    comparison: Comparison | None = None
    previous: dict[str, GalleryEntry] = field(default_factory=dict)


def _scenario_files(scenario_dir: Path) -> list[Path]:
    """``loader.scenario_files`` of one folder (the same rule, checked equal in a test), without importing the
    loader: an unchanged rebuild loads no scenario."""
    found = sorted(
        q
        for q in scenario_dir.iterdir()
        if q.suffix.lower() in (".yaml", ".yml") and not q.name.startswith(".")
    )
    if not found:
        from mapper.loader import scenario_files

        return list(scenario_files([scenario_dir]))  # raises the loader's "no scenario files" error
    return found


def _plan(scenario_dir: Path, manifest: dict[str, Any] | None, out_dir: Path) -> _Plan:
    """Reuse what is unchanged (built or failed), render (or check again) the rest; never read a link leading out
    of the folder. ``manifest``: the previous gallery's, if any."""
    plan = _Plan(_scenario_files(scenario_dir))
    plan.previous = previous = _previous_entries(manifest)
    if manifest is not None:
        plan.ours = produced(list(previous.values()))
        plan.comparison = previous_comparison(manifest)
    root = scenario_dir.resolve()
    for path in plan.files:
        source = path.name
        refused = _link_out(path, root)
        if refused is not None:
            plan.entries[source] = GalleryEntry(source=source, status="failed", errors=(refused,))
            continue
        try:
            regular = stat.S_ISREG((st := os.stat(path)).st_mode) and st.st_size <= MAX_HASHED_BYTES
        except OSError:
            regular = False
        content_hash = _hash_regular(path, MAX_HASHED_BYTES) if regular else None
        if content_hash is None:
            # a FIFO, device, missing or oversized file: never read here (it could block or be endless); the
            # loader refuses it with a clear message that ends up on the scenario's card
            plan.hashes[source] = ("", "", "")
            plan.work.append((source, path))
            continue
        plan.readable.append(path)
        key, failure = _cache_key(content_hash), _failure_key(content_hash, str(path))
        plan.hashes[source] = (content_hash, key, failure)
        prev = previous.get(source)
        if _reusable(prev, key, scenario_dir, out_dir) or _reusable_failure(
            prev, failure, scenario_dir
        ):
            plan.entries[source] = prev  # type: ignore[assignment]  # not None: reusable
        else:
            plan.work.append((source, path))
    return plan


def _link_out(path: Path, root: Path) -> str | None:
    """The card's message for a scenario file that is a link leading out of the scenario folder (to a secret,
    say): such a file is not read at all, not even hashed. None for anything else."""
    if not path.is_symlink():
        return None
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a loop of links
        return f"{path}: is a link that cannot be followed; not read"
    if real.is_relative_to(root):
        return None
    return f"{path}: is a link to a file outside the scenario folder; not read"


def _build(
    tmp: Path,
    plan: _Plan,
    scenario_dir: Path,
    out_dir: Path,
    jobs: int,
    progress: Progress | None,
) -> list[GalleryEntry]:
    """Render the planned work into ``tmp`` (the new gallery folder), move the reused files in, write the
    comparison, the index and the manifest; return the final entries."""
    staging = tmp / ".staging"
    staging.mkdir()
    (tmp / MAPS).mkdir()
    (tmp / THUMBS).mkdir()
    # source -> folder holding maps/<id>.html and thumbs/<id>.png
    where = {source: out_dir for source, entry in plan.entries.items() if entry.built}
    # the comparison of every option in the gallery depends on the files it reads: when its key (predicted with
    # the previous inputs of what is rendered again) is unchanged, the previous page is kept, else it is one
    # more job, started first so that it runs beside the renders
    candidates = [str(p) for p in plan.readable]
    kept = _kept_comparison(plan, {**plan.previous, **plan.entries}, out_dir)
    compare_html: str | None = None
    done = 0
    results = _run(plan.work, scenario_dir, jobs, candidates if candidates and not kept else None)
    try:
        for source, result in results:
            if source == COMPARE:
                compare_html = result
                continue
            done += 1
            content_hash, key, failure = plan.hashes[source]
            built = result["status"] == "built"
            entry = _entry_from_result(source, content_hash, key if built else failure, result)
            if entry.built:
                where[source] = _stage(staging / f"{done}", entry, result)
            plan.entries[source] = entry
            if progress is not None:
                progress(done, len(plan.work), entry)
    finally:
        results.close()  # on an error here: the pool is stopped now, not when garbage is collected
    final = _dedupe([plan.entries[p.name] for p in plan.files])
    for entry in final:
        if entry.built:
            _move_in(where[entry.source], tmp, entry, reused=where[entry.source] == out_dir)
    shutil.rmtree(staging)
    comparison = None
    if any(e.built for e in final) and candidates:
        comparison = _write_comparison(tmp, plan, out_dir, kept, compare_html)
    has_compare = comparison is not None and comparison.written
    (tmp / INDEX).write_text(render_index(final, compare=has_compare), encoding="utf-8")
    (tmp / MANIFEST).write_bytes(_manifest_bytes(final, comparison))
    return final


def _comparison_sources(
    plan: _Plan, entries: dict[str, GalleryEntry]
) -> list[tuple[str, str, dict[str, str]]]:
    """What the comparison page reads: each readable scenario file (as shown), its hash, and its inputs."""
    return [
        (str(p), plan.hashes[p.name][0], dict(entries[p.name].inputs) if p.name in entries else {})
        for p in plan.readable
    ]


def _kept_comparison(
    plan: _Plan, entries: dict[str, GalleryEntry], out_dir: Path
) -> Comparison | None:
    """The previous gallery's comparison if it is still the comparison of these scenarios with these inputs (and
    its page, if it wrote one, is still our own file), else None."""
    prev = plan.comparison
    if prev is None or not plan.readable:
        return None
    key = comparison_key(_comparison_sources(plan, entries))
    if not key or key != prev.key:
        return None
    if prev.written and not _own_file(out_dir, COMPARE):
        return None
    return prev


def _write_comparison(
    tmp: Path, plan: _Plan, out_dir: Path, kept: Comparison | None, html: str | None
) -> Comparison:
    """Put the comparison page into the new gallery: the one just made, or the previous one when its key still
    holds with the inputs the renders found (else it is made now: a file a scenario names changed)."""
    key = comparison_key(_comparison_sources(plan, plan.entries))
    if kept is not None and kept.key == key:
        if kept.written:
            _place(out_dir / COMPARE, tmp / COMPARE)
        return kept
    if kept is not None:
        html = _comparison_html([str(p) for p in plan.readable])
    if html is not None:
        (tmp / COMPARE).write_text(html, encoding="utf-8")
    return Comparison(key, html is not None)


def _stage(folder: Path, entry: GalleryEntry, result: dict[str, Any]) -> Path:
    """Write a freshly rendered scenario's page and thumbnail into a staging folder of its own."""
    (folder / MAPS).mkdir(parents=True)
    (folder / THUMBS).mkdir()
    (folder / str(entry.map)).write_bytes(result["html"])
    (folder / str(entry.thumb)).write_bytes(result["png"])
    return folder


def _move_in(src: Path, tmp: Path, entry: GalleryEntry, *, reused: bool) -> None:
    for rel in (str(entry.map), str(entry.thumb)):
        if reused:
            _place(src / rel, tmp / rel)  # linked or copied from the previous gallery
        else:
            os.replace(src / rel, tmp / rel)


def _comparison_html(paths: list[str]) -> str | None:
    """The comparison page of the scenarios that load (the others are listed on it); None if none does.

    Runs in a worker process beside the renders."""
    from mapper.comparison import compare_report, load_comparison

    try:
        # the page itself shows the comparison's warnings (e.g. different front lines)
        comparison = load_comparison(paths, keep_going=True)
        return compare_report(comparison, "html")
    except MapperError:
        return None


def _unchanged(
    out_dir: Path, entries: list[GalleryEntry], comparison: Comparison | None, extra: set[str]
) -> bool:
    """Whether ``out_dir`` already holds exactly this gallery (same manifest, index, comparison and set of files,
    besides the ``extra`` files a user added). ``comparison``: the previous one if it still holds."""
    if not any(e.built for e in entries):
        comparison = None  # a gallery without a built scenario has no comparison
    elif comparison is None:
        return False
    has_compare = comparison is not None and comparison.written
    expected = {MANIFEST, INDEX, *([COMPARE] if has_compare else [])}
    for e in entries:
        if e.built:
            expected.update((e.map, e.thumb))  # type: ignore[arg-type]
    try:
        present = {p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*") if p.is_file()}
        present -= extra
        if present != expected:
            return False
        if (out_dir / MANIFEST).read_bytes() != _manifest_bytes(entries, comparison):
            return False
        index = render_index(entries, compare=has_compare).encode("utf-8")
        return (out_dir / INDEX).read_bytes() == index
    except OSError:
        return False

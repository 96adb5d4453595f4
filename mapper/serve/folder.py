"""The served folder: its scenario files, each one's last good map and current problems, and what they depend on.

``ServedFolder.refresh(name)`` reads a scenario's text (bounded), and when its content hash changed, loads it with
the loader (``load_scenario_text``, the same checks as every command), prepares it and renders its map page
(``mapper.render.render_html``). A file with problems keeps its last good ``Prepared`` and page, and records its
messages exactly as the CLI prints them (``file:line:col: key.path: message``). Every change is published on
``events`` (``watch.Events``), which the pages follow. The comparison and the analysis table of a scenario are
rendered when first asked for and kept until its text changes.

The scenarios are the folder's and its sub-folders' (``tree.walk``: bounded, never through a link), each named by
its path relative to the folder (``options/west.yaml``). A scenario depends on its own file and on every file of
its own folder that its text names (a front line, an occupied area, an overlay: the loader only reads files
inside the scenario's folder), found by looking at every string value of the document: a change to any of them
renders the scenario again.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapper.errors import MapperError
from mapper.loader import SCENARIO_SUFFIXES
from mapper.serve.edit import digest
from mapper.serve.tree import BadName, Listing, open_file, walk
from mapper.yamlsafe import MAX_FILE_BYTES

if TYPE_CHECKING:  # pragma: no cover
    from mapper.pipeline import Prepared
    from mapper.serve.watch import Events

__all__ = ["Entry", "ServedFolder", "error_lines", "read_file"]

log = logging.getLogger("mapper")


@dataclass
class Entry:
    """One scenario file as the server knows it."""

    name: str  # the plain file name in the folder
    shown: str  # the path as messages show it (the folder as the user named it)
    text_hash: str = ""
    version: int = 0
    title: str = ""
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    prepared: Prepared | None = None  # the last good one
    html: str | None = None  # its map page, as render_html made it
    good_hash: str = ""  # the hash of the text that page was made from
    good_text: str = ""
    deps: frozenset[Path] = frozenset()
    cache: dict[str, str] = field(default_factory=dict)  # comparison, analysis: for good_hash

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def current(self) -> bool:
        """Whether the last good map is the file as it is now (edits need that)."""
        return self.ok and self.good_hash == self.text_hash


def error_lines(exc: MapperError) -> tuple[str, ...]:
    """The error as ``mapper``'s CLI prints it (``cli._report``), one item per line."""
    located = any(p.line is not None for p in getattr(exc, "problems", ()))
    text = str(exc) if located or "\n" in str(exc) else f"Error: {exc}"
    return tuple(text.splitlines())


def read_file(root: Path, name: str) -> bytes:
    """The bytes of the scenario file ``name`` (relative to ``root``): a regular file, reached without a link at
    any level (``tree.open_file``), at most the loader's limit."""
    try:
        fd = open_file(root, name)
    except BadName:
        raise OSError("not a plain name inside the served folder") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError("not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        raise OSError(f"over the {MAX_FILE_BYTES:,}-byte limit")
    return data


class ServedFolder:
    """The scenarios of ``folder`` (or the one file ``only``) and their rendered state."""

    def __init__(self, folder: Path, events: Events, *, only: str | None = None) -> None:
        self.folder = folder  # as the user named it: messages show paths under it
        self.real = folder.resolve()
        self.only = only
        self.events = events
        self.entries: dict[str, Entry] = {}
        self.listing = (
            Listing()
        )  # the last walk: its linked folders (not followed) and the limits it hit
        self._lock = threading.RLock()
        self._all: tuple[tuple[str, ...], str] = (
            (),
            "",
        )  # the folder's comparison, for these texts

    # -- the files ---------------------------------------------------------------------------------------------
    def listed(self) -> list[str]:
        """The scenario files of the folder and its sub-folders now (relative names, ``tree.walk``: bounded,
        never through a link), or the one file served."""
        if self.only is not None:
            return [self.only]
        listing = walk(self.real, SCENARIO_SUFFIXES)
        if listing.notes != self.listing.notes:
            for note in listing.notes:
                log.warning("mapper serve: %s: %s", self.folder, note)
        self.listing = listing
        return listing.names

    def names(self) -> set[str]:
        return set(self.entries)

    def scan(self) -> bool:
        """Pick up added and removed scenario files; render the new ones. Whether the list changed."""
        with self._lock:
            now = self.listed()
            gone = [n for n in self.entries if n not in now]
            for n in gone:
                del self.entries[n]
            new = [n for n in now if n not in self.entries]
            for n in new:
                self.entries[n] = Entry(name=n, shown=str(self.folder / n))
                self.refresh(n, publish=False)
            if gone or new:
                self.events.publish({"type": "index"})
            return bool(gone or new)

    def dependants(self, paths: set[Path]) -> list[str]:
        """The scenarios that a change to ``paths`` (resolved) concerns."""
        out = []
        for name, e in self.entries.items():
            if (self.real / name) in paths or e.deps & paths:
                out.append(name)
        return out

    # -- rendering ---------------------------------------------------------------------------------------------
    def refresh(self, name: str, *, publish: bool = True) -> bool:
        """Read ``name`` again and, if its text changed, load and render it; whether anything changed."""
        with self._lock:
            e = self.entries.get(name)
            if e is None:
                return False
            try:
                data = read_file(self.real, name)
            except OSError as exc:
                return self._record(
                    e, digest(b"unreadable"), (f"{e.shown}: cannot read: {exc}",), publish
                )
            h = digest(data)
            if h == e.text_hash:
                return False
            return self._load(e, data, h, publish)

    def rerender(self, name: str) -> bool:
        """Render ``name`` again even if its text is unchanged (a file it names changed)."""
        with self._lock:
            e = self.entries.get(name)
            if e is None:
                return False
            e.text_hash = ""
            return self.refresh(name)

    def _load(self, e: Entry, data: bytes, h: str, publish: bool) -> bool:
        from mapper.loader import load_scenario_text
        from mapper.pipeline import prepare
        from mapper.render import render_html
        from mapper.yamlsafe import decode_text

        text = ""
        try:
            text = decode_text(data, e.shown)
            scenario = load_scenario_text(text, name=e.shown, base_dir=".")
            prepared = prepare(scenario)
            html = render_html(prepared)
        except MapperError as exc:
            return self._deps_after(e, text, self._record(e, h, error_lines(exc), publish))
        e.prepared, e.html, e.good_hash, e.good_text = prepared, html, h, text
        e.title = prepared.scenario.title
        e.warnings = tuple(p.format() for p in prepared.scenario.warnings)
        e.cache = {}
        return self._deps_after(e, text, self._record(e, h, (), publish))

    def _deps_after(self, e: Entry, text: str, changed: bool) -> bool:
        # after the pages were told (they fetch the new map meanwhile): what the text names matters only for
        # the next change (a second read of the YAML, ~5 ms, off the save-to-redraw path)
        if text:  # (a text that could not be decoded keeps what the last one named)
            e.deps = self._deps(text, e.shown, (self.real / e.name).parent)
        return changed

    def _record(self, e: Entry, h: str, errors: tuple[str, ...], publish: bool) -> bool:
        e.text_hash, e.errors = h, errors
        e.version += 1
        if errors:
            log.warning(
                "%s: %d problem line(s); the last good map stays shown", e.shown, len(errors)
            )
        if publish:
            self.events.publish(
                {
                    "type": "change",
                    "file": e.name,
                    "version": e.version,
                    "hash": e.text_hash,
                    "ok": e.ok,
                    "errors": list(errors),
                }
            )
        return True

    def _deps(self, text: str, shown: str, base: Path) -> frozenset[Path]:
        """Files of the scenario's folder ``base`` the text names (any string value that is a relative path to a
        file there: the loader reads named files from the scenario's own folder only)."""
        from yaml.nodes import ScalarNode

        from mapper.serve.edit import descendants
        from mapper.yamlsafe import load_text

        try:
            root = load_text(text, file=shown).root
        except MapperError:
            return frozenset()
        out = set()
        for node in descendants(root) if root is not None else ():
            value = node.value if isinstance(node, ScalarNode) else None
            if not value or len(value) > 255 or "\x00" in value or ".." in value:
                continue
            p = Path(value)
            if p.is_absolute() or not p.suffix:
                continue
            full = (base / p).resolve()
            if full.is_relative_to(base) and full.is_relative_to(self.real) and full.is_file():
                out.add(full)
        return frozenset(out)

    # -- products ----------------------------------------------------------------------------------------------
    def comparison(self, name: str) -> str | None:
        """The scenario's comparison page (its options side by side), or ``None`` with no good map yet."""
        return self._cached(name, "compare", _comparison_html)

    def analysis(self, name: str) -> str | None:
        """The scenario's analysis table (``mapper analyze``'s text), or ``None`` with no good map yet."""
        from mapper.report import to_table

        return self._cached(name, "analysis", lambda p: to_table(p.analysis))

    def _cached(self, name: str, key: str, make: Any) -> str | None:
        with self._lock:
            e = self.entries.get(name)
            if e is None or e.prepared is None:
                return None
            if key not in e.cache:
                e.cache[key] = make(e.prepared)
            return e.cache[key]

    def comparison_of_all(self) -> str | None:
        """Every scenario with a good map, compared (``mapper compare FOLDER -f html``)."""
        with self._lock:
            good = [e for e in self.entries.values() if e.prepared is not None]
            if not good:
                return None
            key = tuple(e.good_hash for e in good)
            if self._all[0] != key:
                self._all = (key, _comparison_html([e.prepared for e in good]))
            return self._all[1]


def _comparison_html(prepared: Any) -> str:
    from mapper.comparison import compare_report

    return compare_report(prepared, "html")

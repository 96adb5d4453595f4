"""Resolve a scenario's time keys into the model: D-day and end, phases, element windows, the dated front lines.

Called by ``mapper.loader``'s resolver with the values ``mapper.timeformat``'s specs checked. Every problem is
recorded, located by key path, in the loader's ``Context`` (so a file reports all of them at once): inverted or
overlapping windows, a ``phase:`` naming no phase, ``phase:`` with ``from:``/``until:``, days outside the
scenario's range, front lines dated before every bundled one or twice on one day, too many steps. A scenario
without time keys resolves to exactly what it did before: its one front line, no phases, no windows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapper.errors import FrontLineError, MapperError
from mapper.fields import INVALID, Context, join, suggest
from mapper.timeline import (
    ALWAYS,
    MAX_STEPS,
    Phase,
    Timeline,
    Window,
    d_label,
    front_day,
    parse_day,
)

if TYPE_CHECKING:  # pragma: no cover
    from mapper.frontline import FrontLine
    from mapper.scenario import Option

__all__ = ["Time", "read_time", "resolve_fronts", "single_front", "timeline", "with_windows"]

_KINDS = ("forces", "hubs", "lines", "areas", "zones")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Time:
    """D-day, the end of the range, the phases by name, and every element's window by key path."""

    start: dt.date
    end: dt.date | None = None
    phases: dict[str, Phase] = field(default_factory=dict)
    windows: dict[str, Window] = field(default_factory=dict)
    #: phases whose dates were wrong (reported): elements naming them are not reported again
    broken: set[str] = field(default_factory=set)

    def text(self, day: dt.date) -> str:
        """``2026-03-01 (D+45)``, how a day is shown in messages."""
        return f"{day.isoformat()} ({d_label(day, self.start)})"

    def day(self, ctx: Context, value: Any, path: str) -> dt.date | None:
        """A checked ``Day`` value as a date (``None`` when absent or already reported)."""
        if value is None or value is INVALID:
            return None
        try:
            return parse_day(value, self.start)
        except ValueError as exc:  # e.g. D-3000 before year 1
            ctx.error_at(path, str(exc))
            return None

    def in_range(self, ctx: Context, path: str, day: dt.date | None, *, closing: bool) -> bool:
        """Whether ``day`` lies in the scenario's range, [start, end) for a first day and (start, end] for an
        exclusive last day (else reported at ``path``)."""
        if day is None:
            return True
        start_words = f"the scenario's start {self.text(self.start)}"
        if day < self.start or (closing and day == self.start):
            ctx.error_at(
                path,
                f"{self.text(day)} is {'on' if day == self.start else 'before'} {start_words}; expected a day "
                f"{'after' if closing else 'on or after'} it (or set start: earlier)",
            )
            return False
        if self.end is not None and (day > self.end or (not closing and day == self.end)):
            ctx.error_at(
                path,
                f"{self.text(day)} is {'on' if day == self.end else 'after'} the scenario's end "
                f"{self.text(self.end)}; expected a day {'on or before' if closing else 'before'} it "
                "(or set end: later)",
            )
            return False
        return True

    def window(self, ctx: Context, raw: dict[str, Any], path: str) -> Window:
        """The window of a force, hub, line, area or zone: its phase's, its own ``from``/``until``, or always."""
        name, first, last = raw.get("phase"), raw.get("from"), raw.get("until")
        if name is not None and name is not INVALID:
            if first is not None or last is not None:
                ctx.error_at(
                    join(path, "from" if first is not None else "until"),
                    f"give either phase: or from:/until:, not both (phase {name!r} sets them)",
                )
                return ALWAYS
            return self._phase_window(ctx, name, join(path, "phase"))
        start = self.day(ctx, first, join(path, "from"))
        end = self.day(ctx, last, join(path, "until"))
        if start is None and end is None:
            return ALWAYS
        if not self._ordered(ctx, start, end, path):
            return ALWAYS
        ok = self.in_range(ctx, join(path, "from"), start, closing=False)
        ok = self.in_range(ctx, join(path, "until"), end, closing=True) and ok
        return Window(start, end) if ok else ALWAYS

    def _phase_window(self, ctx: Context, name: str, path: str) -> Window:
        phase = self.phases.get(name)
        if phase is not None:
            return dataclasses.replace(phase.window, phase=name)
        if name in self.broken:  # its own problem is reported: no consequences
            return ALWAYS
        if not self.phases:
            ctx.error_at(
                path,
                f"no phase named {name!r}: this scenario defines no phases (add them under phases:)",
            )
            return ALWAYS
        names = ", ".join(repr(n) for n in self.phases)
        ctx.error_at(
            path, f"no phase named {name!r}{suggest(name, self.phases)}; the phases are: {names}"
        )
        return ALWAYS

    def _ordered(self, ctx: Context, start: dt.date | None, end: dt.date | None, path: str) -> bool:
        if start is None or end is None or start < end:
            return True
        ctx.error_at(
            join(path, "until"),
            f"until {self.text(end)} is {'the same day as' if start == end else 'before'} from "
            f"{self.text(start)}: the window is empty; expected until after from (until is exclusive)",
        )
        return False


def read_time(ctx: Context, raw: dict[str, Any]) -> Time | None:
    """D-day, end and phases from the checked top level (``None`` when ``date``/``start`` is unusable: reported)."""
    start = raw.get("start")
    if start is None:
        start = raw.get("date")
    if start is INVALID or start is None:
        return None
    time = Time(start=parse_day(start, None))
    end = time.day(ctx, raw.get("end"), "end")
    if end is not None and end <= time.start:
        ctx.error_at(
            "end",
            f"{time.text(end)} is not after the scenario's start {time.text(time.start)}; expected a later "
            "day (end is exclusive)",
        )
    elif end is not None:
        time.end = end
    phases = raw.get("phases")
    if isinstance(phases, list):
        _read_phases(ctx, time, phases)
    return time


def _read_phases(ctx: Context, time: Time, items: list[Any]) -> None:
    found: list[Phase] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        path = join("phases", i)
        name = item["name"]
        if name in time.phases:
            ctx.error_at(join(path, "name"), f"duplicate phase name {name!r}")
            continue
        start = time.day(ctx, item.get("from"), join(path, "from"))
        end = time.day(ctx, item.get("until"), join(path, "until"))
        if start is None or not time._ordered(ctx, start, end, path):
            time.broken.add(name)
            continue
        time.in_range(ctx, join(path, "from"), start, closing=False)
        time.in_range(ctx, join(path, "until"), end, closing=True)
        desc = item.get("description")
        phase = Phase(name, Window(start, end), desc if isinstance(desc, str) else None, path)
        time.phases[name] = phase
        found.append(phase)
    _check_overlaps(ctx, time, found)


def _check_overlaps(ctx: Context, time: Time, phases: list[Phase]) -> None:
    ordered = sorted(phases, key=lambda p: p.window.start or dt.date.min)
    for before, after in itertools.pairwise(ordered):
        end, start = before.window.end, after.window.start
        if start is None or (end is not None and end <= start):
            continue
        until = f"until {time.text(end)}" if end is not None else "open-ended (no until:)"
        ctx.error_at(
            join(after.keypath, "from"),
            f"phase {after.name!r} (from {time.text(start)}) overlaps phase {before.name!r} ({until}); "
            "phases may not overlap: expected it to start on or after the other's until (which is exclusive)",
        )


def with_windows(option: Option, time: Time) -> Option:
    """``option`` with each element's window as ``Time.windows`` resolved it."""

    def windowed(items: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            dataclasses.replace(x, window=time.windows[x.keypath])
            if x.keypath in time.windows
            else x
            for x in items
        )

    o = option
    return dataclasses.replace(
        o,
        forces=windowed(o.forces),
        hubs=windowed(o.hubs),
        lines=windowed(o.lines),
        areas=windowed(o.areas),
        zones=windowed(o.zones),
    )


def read_windows(ctx: Context, time: Time, raw: dict[str, Any]) -> None:
    """Every element's window into ``time.windows`` (by key path), each problem reported."""
    for path, item in _elements(raw):
        window = time.window(ctx, item, path)
        if not window.always:
            time.windows[path] = window


def _elements(raw: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    options = raw.get("options")
    for i, opt in enumerate(options if isinstance(options, list) else []):
        if not isinstance(opt, dict):
            continue
        for kind in _KINDS:
            items = opt.get(kind)
            for j, item in enumerate(items if isinstance(items, list) else []):
                if isinstance(item, dict):
                    yield f"options[{i}].{kind}[{j}]", item


def timeline(ctx: Context, time: Time, fronts: tuple[FrontLine, ...]) -> Timeline | None:
    """The scenario's ``Timeline``; ``None`` (reported) when it has more steps than ``MAX_STEPS``."""
    edges = {d for w in time.windows.values() for d in (w.start, w.end) if d is not None}
    result = Timeline(
        start=time.start,
        fronts=fronts,
        end=time.end,
        phases=tuple(time.phases.values()),
        edges=tuple(sorted(edges)),
        timed=len(fronts) > 1 or bool(time.phases) or bool(time.windows),
    )
    steps = len(result.days()) if result.timed else 1
    if steps > MAX_STEPS:
        ctx.error_at(
            "phases" if time.phases else "",
            f"{steps} steps in time (days on which a front line, phase or window changes), over the limit of "
            f"{MAX_STEPS}; use fewer front lines or share phases between elements",
        )
        return None
    return result


# ------------------------------------------------------------------------------------------------ front lines
def resolve_fronts(
    resolver: Any, raw: dict[str, Any], override: Any, layer: str | None
) -> tuple[tuple[FrontLine, ...], FrontLine | None]:
    """Every front line of the scenario (oldest first) and the one in force on its ``date``; ``((), None)`` when
    they could not be resolved (reported). ``resolver`` is the loader's (``_data_path`` and ``ctx``)."""
    ctx: Context = resolver.ctx
    given = raw.get("front_lines")
    if given is None or override is not None:
        front = single_front(resolver, raw, override, layer)
        return ((front,), front) if front is not None else ((), None)
    if given is INVALID:
        return (), None
    if "front_line" in ctx.marks:
        ctx.error_at(
            "front_lines",
            "give front_line (one line) or front_lines (several), not both; put the line of front_line "
            "into the list",
        )
        return (), None
    for key in ("occupied", "front_line_layer"):
        if raw.get(key) is not None:
            ctx.error_at(
                key,
                f"{key} goes with front_line; with front_lines give each file's own: "
                "{file: ..., occupied: ..., layer: ...}",
            )
    found: list[tuple[str, FrontLine]] = []
    failed = False
    for i, item in enumerate(given):
        lines = _entry(resolver, raw, item, join("front_lines", i), several=True)
        failed = failed or lines is None
        found.extend((join("front_lines", i), front) for front in lines or ())
    fronts = _dated(ctx, found)
    if fronts is None or failed:
        return (), None
    return fronts, _on_date(ctx, raw, fronts)


def _dated(ctx: Context, found: list[tuple[str, FrontLine]]) -> tuple[FrontLine, ...] | None:
    """The lines sorted by date; undated and twice-dated lines reported."""
    seen: dict[dt.date, str] = {}
    ok = True
    for path, front in found:
        day = front_day(front)
        if day is None:
            ctx.error_at(
                path,
                f"front line {Path(front.path).name!r} has no date (neither in its properties nor its file "
                "name); give it one: {file: ..., date: YYYY-MM-DD}",
            )
            ok = False
        elif day in seen:
            ctx.error_at(
                path,
                f"a second front line dated {day.isoformat()} (also {seen[day]}); expected each front line "
                "of front_lines on a different date",
            )
            ok = False
        else:
            seen[day] = path
    if not ok:
        return None
    return tuple(sorted((f for _, f in found), key=lambda f: front_day(f) or dt.date.min))


def _on_date(ctx: Context, raw: dict[str, Any], fronts: tuple[FrontLine, ...]) -> FrontLine | None:
    """The line in force on the scenario's ``date`` (the one its single-moment outputs show)."""
    date = raw.get("date")
    if not isinstance(date, dt.date):
        return None
    try:
        return Timeline(start=date, fronts=fronts).front_at(date)
    except MapperError:
        first = front_day(fronts[0])
        ctx.error_at(
            "date",
            f"{date.isoformat()} is before every front line of front_lines (the earliest is "
            f"{first.isoformat() if first else 'undated'}); expected a date on or after it",
        )
        return None


def _bundled_day(text: str) -> dt.date | None:
    """The day a date (``2024-12-31``) or month (``2024-12``: its last day) of a bundled line names."""
    if _DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    m = _MONTH.fullmatch(text)
    if m and 1 <= int(m.group(2)) <= 12:
        year, month = int(m.group(1)), int(m.group(2))
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return None


def _bundled_at(ctx: Context, value: Any, path: str) -> FrontLine | None:
    from mapper import frontline

    day = value if isinstance(value, dt.date) else _bundled_day(str(value))
    if day is None:
        ctx.error_at(path, f"{value!r} is not a date (YYYY-MM-DD) or month (YYYY-MM)")
        return None
    try:
        return frontline.bundled_front_line(at=day)
    except FrontLineError as exc:
        ctx.error_at(path, str(exc))
        return None


def _entry(
    resolver: Any, raw: dict[str, Any], value: Any, path: str, *, several: bool
) -> list[FrontLine] | None:
    """The line(s) one ``front_lines`` item or a ``front_line`` value names (``None``: reported)."""
    from mapper import frontline

    ctx: Context = resolver.ctx
    if value is INVALID or value is None:
        return None
    if isinstance(value, str):
        word = value.strip().lower()
        if word == "all" and several:
            return list(frontline.bundled_front_lines())
        if word == "bundled":
            return [frontline.bundled_front_line()]
        if _bundled_day(value.strip()) is None:
            ctx.error_at(
                path,
                f"expected 'all', 'bundled', a date (YYYY-MM-DD) or month (YYYY-MM) of a bundled line, or "
                f"{{file: ..., date: ...}}, got {value!r}",
            )
            return None
        front = _bundled_at(ctx, value.strip(), path)
        return [front] if front is not None else None
    front = _from_mapping(resolver, raw, value, path)
    return [front] if front is not None else None


def _from_mapping(
    resolver: Any, raw: dict[str, Any], value: dict[str, Any], path: str
) -> FrontLine | None:
    ctx: Context = resolver.ctx
    if not all(v is not INVALID for v in value.values()):
        return None
    date = value.get("date")
    if value.get("file"):
        front = _file(resolver, raw, value, path)
        if front is not None and date is not None:
            text = date.isoformat() if isinstance(date, dt.date) else str(date)
            front = dataclasses.replace(front, date=text)
    elif value.get("occupied") or value.get("layer"):
        key = "occupied" if value.get("occupied") else "layer"
        ctx.error_at(
            join(path, key), f"{key} belongs with file: (a bundled line has its own occupied area)"
        )
        return None
    elif date is not None:
        front = _bundled_at(ctx, date, join(path, "date"))
    else:
        from mapper import frontline

        front = frontline.bundled_front_line()
    km = value.get("advance_km")
    if front is None or not km:
        return front
    return _advanced(ctx, front, float(km), join(path, "advance_km"))


def _file(resolver: Any, raw: dict[str, Any], value: dict[str, Any], path: str) -> FrontLine | None:
    from mapper import frontline

    ctx: Context = resolver.ctx
    file = resolver._data_path(value["file"], join(path, "file"))
    occupied = value.get("occupied")
    occ_file = resolver._data_path(occupied, join(path, "occupied")) if occupied else None
    if file is None or (occupied and occ_file is None):
        return None
    try:
        return frontline.load_front_line(file, layer=value.get("layer"), occupied_path=occ_file)
    except FrontLineError as exc:
        ctx.error_at(join(path, "file"), str(exc))
    except OSError as exc:
        ctx.error_at(
            join(path, "file"),
            f"cannot use front-line file {value['file'][:80]!r}: {exc.strerror or exc}",
        )
    return None


def _advanced(ctx: Context, front: FrontLine, km: float, path: str) -> FrontLine | None:
    from mapper.advance import advance_front  # lazily: a hypothetical line costs a geodesic buffer

    try:
        return advance_front(front, km)
    except MapperError as exc:
        ctx.error_at(path, str(exc))
        return None


def single_front(
    resolver: Any, raw: dict[str, Any], override: Any, layer: str | None
) -> FrontLine | None:
    """The one front line of ``front_line`` (or of ``override``, a file from ``--front-line``), as before time
    existed, plus a bundled line by date and the mapping form."""
    from mapper import frontline

    ctx: Context = resolver.ctx
    spec = raw.get("front_line") or "bundled"
    if override is None and isinstance(spec, dict):
        return _from_mapping(resolver, raw, _with_top_level(raw, spec), "front_line")
    if override is None and isinstance(spec, str) and _bundled_day(spec) is not None:
        front = _bundled_at(ctx, spec, "front_line")
        if front is not None and raw.get("occupied") not in (None, "bundled"):
            ctx.error_at("occupied", "a custom occupied area needs a custom front_line too")
        return front
    try:
        if override is not None:
            return frontline.load_front_line(Path(override), layer=layer)
        occupied = raw.get("occupied")
        if spec == "bundled":
            front = frontline.bundled_front_line()
            if occupied not in (None, "bundled"):
                ctx.error_at("occupied", "a custom occupied area needs a custom front_line too")
            return front
        file = resolver._data_path(spec, "front_line")
        occ_file = None
        if occupied not in (None, "bundled", "none"):
            occ_file = resolver._data_path(occupied, "occupied")
        if file is None:
            return None
        front = frontline.load_front_line(
            file, layer=layer or raw.get("front_line_layer"), occupied_path=occ_file
        )
        if occupied == "none":
            front = dataclasses.replace(front, occupied=None)
        return front
    except FrontLineError as exc:
        ctx.error_at("front_line" if override is None else "", str(exc))
        return None
    except OSError as exc:  # e.g. a file name too long for the file system
        name = override if override is not None else raw.get("front_line")
        ctx.error_at(
            "front_line" if override is None else "",
            f"cannot use front-line file {str(name)[:80]!r}: {exc.strerror or exc}",
        )
        return None


def _with_top_level(raw: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """A ``front_line`` mapping with the top-level ``occupied``/``front_line_layer`` as its defaults."""
    out = dict(spec)
    if spec.get("file"):
        occupied = raw.get("occupied")
        if not out.get("occupied") and occupied not in (None, "bundled", "none"):
            out["occupied"] = occupied
        if not out.get("layer") and raw.get("front_line_layer"):
            out["layer"] = raw["front_line_layer"]
    return out

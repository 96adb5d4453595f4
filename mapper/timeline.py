"""Time in a scenario: dated front lines, phases, date windows, and the scenario as it stands on one day.

A scenario without any time keys has a trivial ``Timeline``: its one front line, no phases, every element present
always. With time keys (``start:``, ``end:``, ``phases:``, ``front_lines:``, ``from:``/``until:``/``phase:`` on an
element) it has several dated front lines and elements that are present only inside a ``Window``.

Windows are half-open: present from ``start`` (inclusive) until ``end`` (exclusive), so a phase that runs
``until: D+30`` and the next one ``from: D+30`` do not overlap. ``D+N`` is N days after the scenario's ``start``
(D-day; by default its ``date``).

``Timeline.steps()`` is what the HTML slider, ``analyze --over-time`` and the comparison's chart step through:
every day on which something changes (a front line's date, a phase's start, an element's window edge) on or after
the earliest front line. ``Scenario.at(day)`` is the scenario on that day: the front line in force then, only the
elements present then (zones drawn from the front line re-drawn from that line). Every output of a single day is
an ordinary scenario, so the analysis, bands and outputs need no notion of time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar

from mapper.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from shapely.geometry.base import BaseGeometry

    from mapper.frontline import FrontLine
    from mapper.scenario import Area, Force, Hub, Line, Option, Scenario, Zone

    _E = TypeVar("_E", Force, Hub, Line, Area, Zone)

__all__ = [
    "ALWAYS",
    "MAX_STEPS",
    "Phase",
    "Step",
    "Timeline",
    "Window",
    "d_label",
    "front_day",
    "of",
    "parse_day",
    "scenario_at",
]

#: at most this many slider steps (distinct change days) per scenario: far above a real phased plan
MAX_STEPS = 60
_D_RE = re.compile(r"\s*[Dd]\s*([+-])\s*(\d{1,5})\s*")
_MONTH_RE = re.compile(r"\s*(\d{4})-(\d{2})\s*")


@dataclass(frozen=True)
class Window:
    """When an element is present: from ``start`` (inclusive) until ``end`` (exclusive); ``None`` is open.
    ``phase`` is the name of the phase it was given by, if any (for labels)."""

    start: dt.date | None = None
    end: dt.date | None = None
    phase: str | None = None

    @property
    def always(self) -> bool:
        return self.start is None and self.end is None

    def contains(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)

    def describe(self, start: dt.date | None = None) -> str:
        """``"from 2026-01-01 (D+0) until 2026-03-02 (D+60)"``; ``""`` when always present."""
        if self.always:
            return ""
        parts = []
        if self.start is not None:
            parts.append("from " + _day_text(self.start, start))
        if self.end is not None:
            parts.append("until " + _day_text(self.end, start))
        text = " ".join(parts)
        return f"{self.phase}: {text}" if self.phase else text


ALWAYS = Window()


def _day_text(day: dt.date, start: dt.date | None) -> str:
    return day.isoformat() + (f" ({d_label(day, start)})" if start is not None else "")


def d_label(day: dt.date, start: dt.date | None) -> str:
    """``"D+30"`` (``"D-5"``, ``"D+0"``) relative to D-day ``start``; ``""`` without one."""
    if start is None:
        return ""
    n = (day - start).days
    return f"D{'+' if n >= 0 else '-'}{abs(n)}"


def parse_day(value: object, start: dt.date | None) -> dt.date:
    """A day written as a date (``2026-03-01``, a YAML date), a month (``2026-03``: its first day) or ``D+N``
    relative to ``start``. Raises ``ValueError`` with what was expected."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(
            "expected a date (YYYY-MM-DD), a month (YYYY-MM) or D+N (days after start)"
        )
    m = _D_RE.fullmatch(value)
    if m:
        if start is None:
            raise ValueError(f"{value!r} is relative to the scenario's start, which is not known")
        n = int(m.group(2))
        return start + dt.timedelta(days=n if m.group(1) == "+" else -n)
    m = _MONTH_RE.fullmatch(value)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), 1)
        except ValueError:
            pass
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(
            f"{value!r} is not a date: expected YYYY-MM-DD, YYYY-MM or D+N (days after start)"
        ) from None


def front_day(front: FrontLine) -> dt.date | None:
    """The day a front line describes (``2025-03-27``; a line dated by month only: its first day), or ``None``
    for an undated line."""
    try:
        return parse_day(front.date, None)
    except ValueError:
        return None


@dataclass(frozen=True)
class Phase:
    """A named period of a deployment plan (``phases:``); elements name it with ``phase:``."""

    name: str
    window: Window
    description: str | None = None
    keypath: str = ""


@dataclass(frozen=True)
class Step:
    """One position of the time slider: a day, what it shows in words, and the front line in force then."""

    index: int
    day: dt.date
    label: str  # e.g. "2026-02-15 (D+45) · Phase 2: training missions"
    front: FrontLine
    phases: tuple[str, ...] = ()  # the phases running that day

    @property
    def key(self) -> str:
        """The step's id in URLs and exports (``2026-02-15``)."""
        return self.day.isoformat()


@dataclass(frozen=True)
class Timeline:
    """The time of a scenario: D-day, an optional end, phases, and its dated front lines (oldest first).

    ``fronts`` always holds at least the scenario's own front line. ``timed`` is False for a scenario without
    time keys: then outputs draw exactly what they drew before time existed."""

    start: dt.date
    fronts: tuple[FrontLine, ...]
    end: dt.date | None = None
    phases: tuple[Phase, ...] = ()
    #: the edges of every element's window (from the loader), so that steps include them
    edges: tuple[dt.date, ...] = ()
    timed: bool = False

    def phase(self, name: str) -> Phase:
        for p in self.phases:
            if p.name == name:
                return p
        raise KeyError(name)

    def front_at(self, day: dt.date) -> FrontLine:
        """The front line in force on ``day``: the latest one dated on or before it (an undated line is in force
        always). Raises ``UsageError`` for a day before every dated line."""
        best = None
        for front in self.fronts:
            when = front_day(front)
            if when is None or when <= day:
                best = front
        if best is None:
            first = min((d for d in map(front_day, self.fronts) if d is not None), default=None)
            raise UsageError(
                f"{day.isoformat()} is before the earliest front line of this scenario "
                f"({first.isoformat() if first else 'none'}); choose a later date"
            )
        return best

    def days(self) -> list[dt.date]:
        """Every day something changes (a front line's date, a phase's start or end, an element's window edge,
        D-day once there are phases or windows), on or after the earliest front line and before ``end``, sorted."""
        dated = [d for d in (front_day(f) for f in self.fronts) if d is not None]
        days = set(dated)
        for p in self.phases:
            days.update(d for d in (p.window.start, p.window.end) if d is not None)
        days.update(self.edges)
        if self.phases or self.edges:
            days.add(self.start)
        first = min(dated, default=None)
        # the range is half-open too: on ``end`` itself the scenario is over
        return sorted(
            d for d in days if (first is None or d >= first) and (self.end is None or d < self.end)
        )

    def steps(self) -> tuple[Step, ...]:
        """The slider's steps (see ``days``), each labelled with its date, D+N (once phases or windows exist)
        and the phases running; a scenario that is not ``timed`` has a single step."""
        if not self.timed:
            front = self.fronts[-1]
            day = front_day(front) or self.start
            return (Step(0, day, day.isoformat(), front),)
        relative = bool(self.phases or self.edges)
        out = []
        for i, day in enumerate(self.days()):
            running = tuple(p.name for p in self.phases if p.window.contains(day))
            label = day.isoformat()
            if relative:
                label += f" ({d_label(day, self.start)})"
            if running:
                label += " · " + ", ".join(running)
            out.append(Step(i, day, label, self.front_at(day), running))
        return tuple(out)


def of(scenario: Scenario) -> Timeline:
    """The scenario's timeline; for a scenario built without one (by hand, or before time existed) the trivial
    timeline of its one front line."""
    if scenario.timeline is not None:
        return scenario.timeline
    return Timeline(start=scenario.date, fronts=(scenario.front,))


def scenario_at(scenario: Scenario, day: dt.date | str) -> Scenario:
    """``scenario`` on ``day`` (a date, or text as ``parse_day`` reads it): the front line in force then (see
    ``Timeline.front_at``), each option with only the elements whose window contains ``day``, zones drawn from
    the front line re-drawn from that day's line, and ``date`` set to ``day``. Raises ``UsageError`` for a day
    that cannot be read or lies before every front line."""
    from dataclasses import replace

    timeline = of(scenario)
    if not isinstance(day, dt.date):
        try:
            day = parse_day(day, timeline.start)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    front = timeline.front_at(day)
    options = tuple(_option_at(o, day, front, scenario.front) for o in scenario.options)
    return replace(scenario, date=day, front=front, options=options)


def _option_at(option: Option, day: dt.date, front: FrontLine, was: FrontLine) -> Option:
    from dataclasses import replace

    def present(items: tuple[_E, ...]) -> tuple[_E, ...]:
        return tuple(x for x in items if x.window.contains(day))

    zones = present(option.zones)
    if front is not was:
        zones = tuple(_redrawn(z, front) if z.buffer_of == "front_line" else z for z in zones)
    return replace(
        option,
        forces=present(option.forces),
        hubs=present(option.hubs),
        lines=present(option.lines),
        areas=present(option.areas),
        zones=zones,
    )


def _redrawn(zone: Zone, front: FrontLine) -> Zone:
    from dataclasses import replace

    return replace(zone, geometry=_front_zone(front, zone.km))


@lru_cache(maxsize=32)
def _front_zone(front: FrontLine, half_km: float) -> BaseGeometry:
    """The zone of ``half_km`` either side of ``front``'s line, on Ukraine's land (as ``mapper.zones`` draws it)."""
    from mapper import geodata, geodesy

    return geodesy.geodesic_buffer(front.line, half_km).intersection(geodata.ukraine())

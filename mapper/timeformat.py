"""The scenario format's time keys (issue #14): the specs that ``mapper.scenario``'s records take in.

Top level: ``start`` (D-day), ``end``, ``front_lines`` (several dated lines) and ``phases``; ``front_line`` also
takes a bundled line by date or a mapping ``{date | file, advance_km, occupied, layer}``; every force, hub, line,
area and zone takes ``phase:`` or ``from:``/``until:`` (``WINDOW_FIELDS``). These specs only check what a value
looks like (a date, a month, ``D+N`` with a sane N, an advance in a sane range); ``mapper.timeload`` resolves them
into the model (windows, phases, the timeline, the front lines) and checks how they fit together.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from yaml.nodes import Node, ScalarNode

from mapper.fields import (
    _NULL_TAG,
    ByShape,
    Context,
    Field,
    ListOf,
    Num,
    Record,
    Spec,
    Str,
    _scalar,
    describe,
)

__all__ = [
    "END",
    "FRONT_LINE",
    "FRONT_LINES",
    "MAX_ADVANCE_KM",
    "MAX_FRONT_LINES",
    "MAX_RELATIVE_DAYS",
    "PHASES",
    "START",
    "WINDOW_FIELDS",
    "Day",
]

#: ``D+N`` beyond this many days (ten years) is a typo, not a plan
MAX_RELATIVE_DAYS = 3650
#: a hypothetical advance beyond this is absurd: it would cross most of Ukraine (about 1,300 km wide)
MAX_ADVANCE_KM = 500
MAX_FRONT_LINES = 20

_RELATIVE = re.compile(r"[Dd]\s*([+-])\s*(\d{1,12})")
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DAY_WORDS = "a date (YYYY-MM-DD), a month (YYYY-MM, its first day) or D+N (N days after the start)"


@dataclass
class Day(Spec):
    """A day: a date (``2026-03-01`` or a YAML date), a month (``2026-03``) or, when ``relative``, ``D+N``/``D-N``.

    Checked values: a ``datetime.date``, ``"YYYY-MM"`` for a month, ``"D+N"`` for a relative day (what a month
    means and where D-day lies is for the resolver: ``mapper.timeline.parse_day``)."""

    expected: str = _DAY_WORDS
    relative: bool = True
    description: str = ""

    def check(self, node: Node, path: str, ctx: Context) -> Any:
        ctx.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if not isinstance(node, ScalarNode) or node.tag == _NULL_TAG:
            return self.bad(node, path, ctx)
        value = _scalar(node)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = node.value.strip()
        m = _RELATIVE.fullmatch(text)
        if m and self.relative:
            n = int(m.group(2))
            if n > MAX_RELATIVE_DAYS:
                return ctx.error(
                    node,
                    path,
                    f"expected {self.expected}, got {describe(node)}: {n:,} days is absurd "
                    f"(more than {MAX_RELATIVE_DAYS:,}, ten years)",
                )
            return f"D{m.group(1)}{n}"
        if _MONTH.fullmatch(text):
            return text
        if _DATE.fullmatch(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
        return self.bad(node, path, ctx)

    def json_schema(self) -> dict[str, Any]:
        pattern = r"\d{4}-\d{2}(-\d{2})?"
        if self.relative:
            pattern += r"|[Dd] ?[+-] ?\d{1,4}"
        return self._schema({"type": "string", "pattern": f"^(?:{pattern})$"})


@dataclass
class _Advance(Num):
    """``advance_km``: greater than 0, and an advance over ``MAX_ADVANCE_KM`` is called absurd."""

    def _out_of_range(self, value: float) -> str | None:
        if self.maximum is not None and value > self.maximum:
            return (
                f"an absurd advance (over {self.maximum:g} km would cross most of Ukraine); "
                "a hypothetical advance is a few to a few hundred km"
            )
        if value < 0:
            return "a negative advance (an advance is a distance into free territory)"
        if value == 0:
            return "not greater than 0 (0 km is the real line: leave advance_km out)"
        return None


_window_day = Day(expected=_DAY_WORDS)
#: the keys every force, hub, line, area and zone takes: when it is present
WINDOW_FIELDS = {
    "phase": Field(
        Str(expected="the name of a phase (see phases:)", max_len=200),
        description="present during this phase (its from/until); instead of from/until",
    ),
    "from": Field(_window_day, description="present from this day (inclusive)"),
    "until": Field(_window_day, description="present until this day (exclusive)"),
}

_front_date = Day(expected="a date (YYYY-MM-DD) or a month (YYYY-MM)", relative=False)
_FRONT = Record(
    title="Front line by date or file",
    fields={
        "date": Field(
            _front_date,
            description="without file: the bundled line in force then (a month: at its end); with file: "
            "the date the file describes",
        ),
        "file": Field(
            Str(expected="a path to a front-line file"),
            description="a GeoJSON, GeoPackage, KML or KMZ file relative to this scenario",
        ),
        "occupied": Field(
            Str(expected="a path to an occupied-area file"),
            description="occupied-area polygons for file",
        ),
        "layer": Field(Str(expected="a layer name"), description="layer of a multi-layer file"),
        "advance_km": Field(
            _Advance(
                expected="an advance into free territory in km",
                minimum=0,
                exclusive_minimum=True,
                maximum=MAX_ADVANCE_KM,
            ),
            description="a hypothetical line: the occupied area grown geodesically by this many km",
        ),
    },
)
_FRONT_MAPPINGS: dict[str, Spec] = {"date": _FRONT, "file": _FRONT, "advance_km": _FRONT}

FRONT_LINE = Field(
    ByShape(
        scalar=Str(
            expected="'bundled', a date or month of a bundled line, or a path to a front-line file"
        ),
        mappings=_FRONT_MAPPINGS,
        expected="'bundled', a date or month of a bundled line, a path, or {date | file, advance_km}",
    ),
    default="bundled",
    description="'bundled' (the latest), a date or month of a bundled line (the line in force then), a path "
    "relative to this file (GeoJSON, GeoPackage, KML, KMZ), or {date: ... | file: ..., advance_km: N}",
)
FRONT_LINES = Field(
    ListOf(
        ByShape(
            scalar=Str(expected="'all', 'bundled', or a date or month of a bundled line"),
            mappings=_FRONT_MAPPINGS,
            expected="'all', 'bundled', a date or month of a bundled line, or {file: ..., date: ...}",
        ),
        min_items=1,
        max_items=MAX_FRONT_LINES,
        single_ok=True,
    ),
    description="several dated front lines, each in force from its date until the next: 'all' (every bundled "
    "line), or a list of dates or months of bundled lines, 'bundled' and {file: ..., date: ...}",
)
START = Field(
    Day(expected="a date (YYYY-MM-DD) or a month (YYYY-MM)", relative=False),
    description="D-day (D+0), what D+N counts from; default: date",
)
END = Field(Day(), description="the end of the scenario's range (exclusive); D+N counts from start")
_PHASE = Record(
    title="Phase",
    fields={
        "name": Field(Str(expected="a name", max_len=200), required=True),
        "from": Field(_window_day, required=True, description="the phase's first day"),
        "until": Field(
            _window_day, description="the day after its last (exclusive); open if absent"
        ),
        "description": Field(Str(max_len=20_000)),
    },
    description="A named period of the plan; forces, hubs, lines, areas and zones name it with phase:.",
)
PHASES = Field(
    ListOf(_PHASE, min_items=1, max_items=60),
    description="named, non-overlapping periods of the plan, in order",
)

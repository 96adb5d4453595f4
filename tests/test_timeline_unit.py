"""mapper.timeline on its own: reading days (dates, months, D+N), half-open windows, which front line is in
force on a day, the change days and slider steps of a timeline, and a scenario on one day."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from shapely.geometry import LineString

from mapper.errors import UsageError
from mapper.frontline import FrontLine
from mapper.timeline import (
    ALWAYS,
    MAX_STEPS,
    Phase,
    Timeline,
    Window,
    d_label,
    front_day,
    of,
    parse_day,
)

D = dt.date(2026, 1, 15)


def _front(date: str) -> FrontLine:
    return FrontLine(
        line=LineString([(35.0, 47.0), (37.0, 48.5)]),
        occupied=None,
        date=date,
        source="test",
        accuracy="unknown accuracy",
        name=f"line {date}",
        path=f"front_{date}.geojson",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("D+0", D),
        ("D+30", dt.date(2026, 2, 14)),  # 16 days left in January + 14
        ("d + 365", dt.date(2027, 1, 15)),  # 2026 is no leap year
        ("D-15", dt.date(2025, 12, 31)),
        ("D+46", dt.date(2026, 3, 2)),  # across February (28 days)
        ("2026-03", dt.date(2026, 3, 1)),
        ("2026-03-05", dt.date(2026, 3, 5)),
        (dt.date(2024, 2, 29), dt.date(2024, 2, 29)),
        (dt.datetime(2026, 4, 1, 13, 30), dt.date(2026, 4, 1)),
    ],
)
def test_parse_day_reads_dates_months_and_relative_days(text: object, expected: dt.date) -> None:
    assert parse_day(text, D) == expected


def test_d_plus_n_counts_leap_days() -> None:
    start = dt.date(2028, 2, 1)  # 2028 is a leap year: 29 days in February
    assert parse_day("D+29", start) == dt.date(2028, 3, 1)
    assert (parse_day("D+366", start) - start).days == 366


@pytest.mark.parametrize("bad", ["2026-13", "2026-02-30", "tomorrow", "D+", "D+1.5", "", 42, None])
def test_parse_day_refuses_what_is_no_day(bad: object) -> None:
    with pytest.raises(ValueError, match=r"expected|not a date"):
        parse_day(bad, D)


def test_relative_day_needs_a_start() -> None:
    with pytest.raises(ValueError, match="relative to the scenario's start"):
        parse_day("D+3", None)


def test_d_label() -> None:
    assert d_label(D, D) == "D+0"
    assert d_label(dt.date(2026, 1, 10), D) == "D-5"
    assert d_label(dt.date(2026, 2, 14), D) == "D+30"
    assert d_label(D, None) == ""


def test_windows_are_half_open() -> None:
    w = Window(dt.date(2026, 1, 1), dt.date(2026, 2, 1))
    assert w.contains(dt.date(2026, 1, 1)) and w.contains(dt.date(2026, 1, 31))
    assert not w.contains(dt.date(2026, 2, 1)) and not w.contains(dt.date(2025, 12, 31))
    assert Window(start=dt.date(2026, 1, 1)).contains(dt.date(2100, 1, 1))
    assert Window(end=dt.date(2026, 1, 1)).contains(dt.date(1900, 1, 1))
    assert ALWAYS.always and ALWAYS.contains(D) and ALWAYS.describe() == ""
    named = Window(D, dt.date(2026, 3, 16), phase="Phase 1")
    assert named.describe(D) == "Phase 1: from 2026-01-15 (D+0) until 2026-03-16 (D+60)"


def test_front_day() -> None:
    assert front_day(_front("2024-12-31")) == dt.date(2024, 12, 31)
    assert front_day(_front("2025-03")) == dt.date(2025, 3, 1)
    assert front_day(_front("undated")) is None


def test_front_at_takes_the_latest_line_on_or_before_the_day() -> None:
    a, b, c = _front("2022-11-12"), _front("2024-12-31"), _front("2025-03-27")
    t = Timeline(start=D, fronts=(a, b, c), timed=True)
    assert t.front_at(dt.date(2022, 11, 12)) is a  # on its own day
    assert t.front_at(dt.date(2024, 12, 30)) is a
    assert t.front_at(dt.date(2024, 12, 31)) is b
    assert t.front_at(D) is c
    with pytest.raises(UsageError, match=r"before the earliest front line .*2022-11-12"):
        t.front_at(dt.date(2022, 11, 11))


def test_an_undated_line_is_in_force_always() -> None:
    u = _front("undated")
    assert Timeline(start=D, fronts=(u,)).front_at(dt.date(1990, 1, 1)) is u


def test_days_and_steps() -> None:
    a, b = _front("2024-12-31"), _front("2025-03-27")
    p1 = Phase("P1", Window(D, dt.date(2026, 3, 16)))
    p2 = Phase("P2", Window(dt.date(2026, 3, 16), dt.date(2026, 6, 14)))
    edge = dt.date(2026, 2, 1)
    t = Timeline(
        start=D,
        fronts=(a, b),
        end=dt.date(2027, 1, 15),
        phases=(p1, p2),
        edges=(edge,),
        timed=True,
    )
    days = t.days()
    assert days == [
        dt.date(2024, 12, 31),
        dt.date(2025, 3, 27),
        D,
        edge,
        dt.date(2026, 3, 16),
        dt.date(2026, 6, 14),  # P2's end: a step where no phase runs
    ]
    steps = t.steps()
    assert [s.day for s in steps] == days and [s.index for s in steps] == list(range(len(days)))
    assert steps[2].label == "2026-01-15 (D+0) · P1" and steps[2].phases == ("P1",)
    assert steps[4].phases == ("P2",) and steps[5].phases == ()
    assert steps[0].front is a and all(s.front is b for s in steps[1:])
    assert steps[2].key == "2026-01-15"


def test_days_stop_before_end_and_start_at_the_first_line() -> None:
    t = Timeline(
        start=dt.date(2020, 1, 1),
        fronts=(_front("2024-12-31"),),
        end=dt.date(2026, 1, 1),
        edges=(dt.date(2021, 5, 1), dt.date(2025, 6, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)),
        timed=True,
    )
    # D-day and 2021-05-01 lie before every front line; 2026-01-01 is the (exclusive) end
    assert t.days() == [dt.date(2024, 12, 31), dt.date(2025, 6, 1)]


def test_an_untimed_timeline_has_one_step_on_its_line() -> None:
    f = _front("2025-03-27")
    [step] = Timeline(start=D, fronts=(f,)).steps()
    assert step.day == dt.date(2025, 3, 27) and step.front is f and step.label == "2025-03-27"


def test_max_steps_is_far_above_a_phased_plan() -> None:
    assert 20 <= MAX_STEPS <= 200


def test_of_gives_a_trivial_timeline_for_a_hand_built_scenario() -> None:
    from mapper.loader import load_scenario_text

    s = load_scenario_text(
        "format: 1\nid: t\ntitle: T\ndate: 2025-03-27\noptions:\n  - id: a\n    name: A\n"
        "    colour: navy\n    forces:\n      - {name: F, nation: FR, troops: 5, at: Kyiv}\n"
    )
    hand_built = dataclasses.replace(s, timeline=None)
    t = of(hand_built)
    assert t.fronts == (s.front,) and not t.timed and t.start == s.date

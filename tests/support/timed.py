"""A timed scenario built in Python for the time-output tests (``tests/test_time_*.py``): the Dnipro example with
two dated front lines (the bundled one and an older one, the bundled line and occupied area moved 0.4° east) and
three phases windowing its hubs, forces, lines and zones; and a hypothetical variant of a scenario. Used until
the loader reads the time keys (``scenarios/phased_deployment.yaml``); built with ``dataclasses.replace`` only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import shapely.affinity

from mapper.frontline import FrontLine
from mapper.scenario import Scenario
from mapper.timeline import Phase, Timeline, Window

REPO = Path(__file__).resolve().parents[2]
DNIPRO = REPO / "scenarios" / "dnipro_line.yaml"
D_DAY = dt.date(2024, 12, 1)


def older_line(front: FrontLine, day: str = "2024-06-30", east: float = 0.4) -> FrontLine:
    """``front`` moved ``east`` degrees east and dated ``day``: a distinct, earlier line for the tests."""
    move = lambda g: None if g is None else shapely.affinity.translate(g, xoff=east)  # noqa: E731
    return replace(
        front,
        line=move(front.line),
        occupied=move(front.occupied),
        date=day,
        name=f"test line {day}",
    )


def d(n: int) -> dt.date:
    return D_DAY + dt.timedelta(days=n)


PHASES = (
    Phase("Phase 1: hubs", Window(d(0), d(30), "Phase 1: hubs")),
    Phase("Phase 2: HQ and brigades", Window(d(30), d(90), "Phase 2: HQ and brigades")),
    Phase("Phase 3: the Dnipro line", Window(d(90), None, "Phase 3: the Dnipro line")),
)


def timed_scenario(title: str | None = None) -> Scenario:
    """The Dnipro example over time: the older line until 2025-03-27; hubs from D+0, the first two forces from
    D+30 (Phase 2), the others, the lines and the zones from D+90 (Phase 3); the option's first hub leaves at
    D+120 (its own window). Situation date D+45 (Phase 2)."""
    from mapper.loader import load_scenario

    base = load_scenario(DNIPRO)
    old = older_line(base.front)
    p1, p2, p3 = (p.window for p in PHASES)
    option = base.options[0]
    forces = tuple(replace(f, window=p2 if i < 2 else p3) for i, f in enumerate(option.forces))
    hubs = tuple(
        replace(h, window=Window(d(0), d(120)) if i == 0 else Window(d(0), None, p1.phase))
        for i, h in enumerate(option.hubs)
    )
    option = replace(
        option,
        forces=forces,
        hubs=hubs,
        lines=tuple(replace(x, window=p3) for x in option.lines),
        zones=tuple(replace(z, window=p3) for z in option.zones),
    )
    edges = sorted({w for x in (*forces, *hubs) for w in (x.window.start, x.window.end) if w})
    timeline = Timeline(
        start=D_DAY,
        fronts=(old, base.front),
        phases=PHASES,
        edges=tuple(edges),
        timed=True,
    )
    scenario = replace(
        base,
        date=d(45),
        options=(option, *base.options[1:]),
        timeline=timeline,
        title=title or base.title,
    )
    # the scenario as loaded: its own front line is the one in force on its date
    return replace(scenario, front=timeline.front_at(scenario.date))


def hypothetical_front(front: FrontLine, km: float = 20.0) -> FrontLine:
    """A stand-in for ``mapper.advance.advance_front`` (for the drawing tests only): ``front``'s occupied area
    grown by about ``km`` (in degrees, on Ukraine's land) and a line moved west by as much, marked hypothetical."""
    from mapper import geodata

    deg = km / 111.0
    occupied = None
    if front.occupied is not None:
        occupied = front.occupied.buffer(deg).intersection(geodata.ukraine()).union(front.occupied)
    line = shapely.affinity.translate(front.line, xoff=-deg * 1.5)
    return replace(front, line=line, occupied=occupied, advance_km=km, base=front)


def hypothetical_scenario(path: Path = DNIPRO, km: float = 20.0) -> Scenario:
    from mapper.loader import load_scenario

    scenario = load_scenario(path)
    return replace(scenario, front=hypothetical_front(scenario.front, km))

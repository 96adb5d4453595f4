"""The scenario format's time keys (issue #14): start, end, phases, front_lines, front_line by date or as a
mapping, phase/from/until on every element. Each loads to the model (windows, phases, the timeline, the front
line in force on the scenario's date); the phased example steps through its plan; bad input is refused by the
CLI with located messages and nothing written (the messages themselves: tests/data/invalid/time_*)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from mapper.errors import ScenarioError
from mapper.frontline import bundled_front_line, bundled_front_lines
from mapper.loader import load_scenario, load_scenario_text
from mapper.timeline import ALWAYS, Window

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "scenarios" / "phased_deployment.yaml"
HEAD = "format: 1\nid: t\ntitle: T\ndate: 2026-01-15\n"
OPTION = "options:\n  - id: a\n    name: A\n    colour: navy\n"
FORCE = "    forces:\n      - {name: F, nation: FR, troops: 500, at: Kyiv}\n"


def load(text: str) -> Any:
    return load_scenario_text(text)


def _bundled_dates() -> list[str]:
    """The bundled lines' dates, read from the files themselves (not through mapper)."""
    out = []
    for p in sorted((REPO / "geodata").glob("front_line_*.geojson")):
        [feature] = json.loads(p.read_text(encoding="utf-8"))["features"]
        out.append(str(feature["properties"]["date"]))
    return sorted(out)


# ------------------------------------------------------------------------------------------- keys to model
def test_a_scenario_without_time_keys_is_untimed_with_its_one_line() -> None:
    for path in sorted((REPO / "scenarios").glob("*.yaml")):
        if path == EXAMPLE:
            continue
        s = load_scenario(path)
        t = s.timeline
        assert t is not None and not t.timed, path.name
        assert t.fronts == (s.front,) and t.phases == () and t.edges == ()
        assert t.start == s.date and t.end is None
        assert s.front == bundled_front_line()
        for o in s.options:
            for kind in ("forces", "hubs", "lines", "areas", "zones"):
                assert all(x.window is ALWAYS for x in getattr(o, kind)), (path.name, kind)
        # on its own date the scenario is itself
        assert s.at(s.date).options == s.options


def test_start_end_and_phases_load() -> None:
    s = load(
        HEAD + "start: 2026-02\nend: D+100\nphases:\n"
        "  - {name: One, from: D+0, until: D+10, description: first}\n"
        "  - {name: Two, from: 2026-02-11}\n" + OPTION + FORCE
    )
    t = s.timeline
    assert t.start == dt.date(2026, 2, 1)  # a month: its first day
    assert t.end == dt.date(2026, 2, 1) + dt.timedelta(days=100)
    one, two = t.phases
    assert (one.name, one.window, one.description, one.keypath) == (
        "One",
        Window(dt.date(2026, 2, 1), dt.date(2026, 2, 11)),
        "first",
        "phases[0]",
    )
    assert two.window == Window(dt.date(2026, 2, 11), None) and two.description is None
    assert t.timed and t.phase("Two") is two


def test_every_element_takes_phase_or_from_until() -> None:
    s = load(
        HEAD + "phases:\n  - {name: P, from: D+10, until: D+20}\n" + OPTION
        + "    forces:\n      - {name: F, nation: FR, troops: 5, at: Kyiv, phase: P}\n"
        "      - {name: G, nation: FR, troops: 5, at: Kyiv}\n"
        "    hubs:\n      - {name: H, at: Rzeszow, from: D+5}\n"
        "    lines:\n      - {name: L, through: [Lviv, Kyiv], until: 2026-03-01}\n"
        "    areas:\n      - {name: A, regions: [Lviv], from: 2026-02, until: 2026-03}\n"
        "    zones:\n      - {name: Z, buffer_of: L, width_km: 10, from: D+1, until: D+2}\n"
    )  # fmt: skip
    [o] = s.options
    d = dt.date(2026, 1, 15)
    assert o.forces[0].window == Window(d + dt.timedelta(10), d + dt.timedelta(20), phase="P")
    assert o.forces[1].window is ALWAYS
    assert o.hubs[0].window == Window(d + dt.timedelta(5), None)
    assert o.lines[0].window == Window(None, dt.date(2026, 3, 1))
    assert o.areas[0].window == Window(dt.date(2026, 2, 1), dt.date(2026, 3, 1))
    assert o.zones[0].window == Window(d + dt.timedelta(1), d + dt.timedelta(2))
    # the windows' edges are steps of the timeline (the phase's own are its start and end)
    assert set(s.timeline.edges) == {d + dt.timedelta(n) for n in (10, 20, 5, 1, 2)} | {
        dt.date(2026, 3, 1),
        dt.date(2026, 2, 1),
    }


def test_front_line_by_date_and_month_picks_the_bundled_line_in_force_then() -> None:
    dates = _bundled_dates()
    for day in dates:
        s = load(HEAD + f"front_line: {day}\n" + OPTION + FORCE)
        assert s.front.date == day and not s.timeline.timed
    first = dt.date.fromisoformat(dates[0])
    if len(dates) > 1:
        # the day before the second line still has the first in force
        second = dt.date.fromisoformat(dates[1])
        s = load(HEAD + f"front_line: {second - dt.timedelta(days=1)}\n" + OPTION + FORCE)
        assert s.front.date == dates[0]
    # a month names the line in force at its end: the line of that month if there is one
    month = dates[-1][:7]
    assert load(HEAD + f"front_line: {month}\n" + OPTION + FORCE).front.date == dates[-1]
    assert load(HEAD + "front_line: {date: " + dates[0] + "}\n" + OPTION + FORCE).front.date == (
        first.isoformat()
    )


def test_front_lines_all_and_the_line_on_the_scenario_date() -> None:
    dates = _bundled_dates()
    s = load(HEAD + "front_lines: all\n" + OPTION + FORCE)
    assert [f.date for f in s.timeline.fronts] == dates
    assert s.front.date == dates[-1]  # 2026-01-15 is after every bundled line
    assert s.timeline.timed == (len(dates) > 1)
    if len(dates) > 1:
        # the scenario's own front line is the one in force on its date
        mid = dt.date.fromisoformat(dates[1])
        s = load(
            HEAD.replace("2026-01-15", mid.isoformat()) + "front_lines: all\n" + OPTION + FORCE
        )
        assert s.front.date == dates[1]
        assert [st.front.date for st in s.timeline.steps()] == dates


def test_front_lines_with_a_dated_file(tmp_path: Path) -> None:
    line = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"source": "test", "accuracy": "approximate, +/- 20 km"},
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[35.0, 47.2], [37.5, 48.6], [38.0, 49.5]],
                },
            }
        ],
    }
    (tmp_path / "mine.geojson").write_text(json.dumps(line), encoding="utf-8")
    text = (
        HEAD
        + "front_lines:\n  - bundled\n  - {file: mine.geojson, date: 2026-02-01}\n"
        + OPTION
        + FORCE
    )
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    s = load_scenario(tmp_path / "s.yaml")
    latest = bundled_front_line()
    assert [f.date for f in s.timeline.fronts] == [latest.date, "2026-02-01"]
    assert s.front == latest  # on 2026-01-15 the file's line is not yet in force
    mine = s.at("2026-02-01").front
    assert mine.path.endswith("mine.geojson") and mine.accuracy == "approximate, +/- 20 km"
    # the folder rule holds inside the mapping too
    bad = text.replace("mine.geojson", "../mine.geojson")
    (tmp_path / "bad.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"front_lines\[1\]\.file: .*only name files inside"):
        load_scenario(tmp_path / "bad.yaml")


def test_advance_km_gives_a_hypothetical_line_from_the_named_one() -> None:
    pytest.importorskip("mapper.advance")
    dates = _bundled_dates()
    s = load(HEAD + "front_line: {date: " + dates[0] + ", advance_km: 20}\n" + OPTION + FORCE)
    assert s.front.hypothetical and s.front.advance_km == 20
    assert s.front.base is not None and s.front.base.date == dates[0]
    assert not s.timeline.timed and s.timeline.fronts == (s.front,)


def test_a_front_line_zone_is_drawn_from_the_line_of_the_date() -> None:
    dates = _bundled_dates()
    if len(dates) < 2:
        pytest.skip("needs two bundled lines")
    zone = "    zones:\n      - {name: Z, buffer_of: front_line, width_km: 20}\n"
    s = load(HEAD + "front_lines: all\n" + OPTION + FORCE + zone)
    early = load(HEAD + f"front_line: {dates[0]}\n" + OPTION + FORCE + zone)
    first = s.at(dates[0]).options[0].zones[0]
    assert first.geometry.equals(early.options[0].zones[0].geometry)
    assert not first.geometry.equals(s.options[0].zones[0].geometry)


# ---------------------------------------------------------------------------------------- the example
def _raw_days(
    raw: dict[str, Any], d_day: dt.date
) -> dict[str, tuple[dt.date | None, dt.date | None]]:
    """Each element's window read from the YAML with plain arithmetic (D+N = N days after D-day)."""

    def day(v: Any) -> dt.date | None:
        if v is None:
            return None
        if isinstance(v, dt.date):
            return v
        assert v.startswith("D+")
        return d_day + dt.timedelta(days=int(v[2:]))

    phases = {p["name"]: (day(p["from"]), day(p.get("until"))) for p in raw["phases"]}
    out = {}
    for o in raw["options"]:
        for kind in ("forces", "hubs", "lines", "areas", "zones"):
            for x in o.get(kind, []):
                key = f"{o['id']}/{x['name']}"
                out[key] = (
                    phases[x["phase"]]
                    if "phase" in x
                    else (day(x.get("from")), day(x.get("until")))
                )
    return out


def test_the_phased_example_steps_through_its_plan() -> None:
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    d_day = raw["start"]
    windows = _raw_days(raw, d_day)
    s = load_scenario(EXAMPLE)
    t = s.timeline
    assert t.timed and t.start == d_day and t.end == d_day + dt.timedelta(days=365)
    assert [p.name for p in t.phases] == [p["name"] for p in raw["phases"]]
    assert [f.date for f in t.fronts] == _bundled_dates()
    dates = [dt.date.fromisoformat(x) for x in _bundled_dates()]
    steps = t.steps()
    # every change day: each bundled line, D-day, and every phase and window edge before the end
    expected = set(dates) | {d_day} | {d for w in windows.values() for d in w if d is not None}
    expected |= {d for p in t.phases for d in (p.window.start, p.window.end) if d is not None}
    assert [st.day for st in steps] == sorted(d for d in expected if d < t.end)
    for st in steps:
        at = s.at(st.day)
        # the line in force: the latest bundled line on or before the day
        assert at.front.date == max(d for d in dates if d <= st.day).isoformat()
        assert at.date == st.day
        for o in at.options:
            present = {
                f"{o.id}/{x.name}"
                for k in ("forces", "hubs", "lines", "areas")
                for x in getattr(o, k)
            }
            want = {
                key
                for key, (a, b) in windows.items()
                if key.startswith(o.id + "/")
                and (a is None or a <= st.day)
                and (b is None or st.day < b)
            }
            assert present == want, st.label
    # the plan in words: nothing before D-day, the Dnipro brigades only in phase 3, the hubs from D+0 on
    phase3 = raw["phases"][2]["name"]
    before = s.at(d_day - dt.timedelta(days=1))
    assert all(not o.forces and not o.hubs for o in before.options)
    late = s.at("D+200")
    names = {f.name for f in late.option("phased").forces}
    assert {"French brigade Cherkasy", "British brigade Kremenchuk"} <= names
    assert "Suceava forward logistics" not in names  # phase 1 only
    assert any(st.phases == (phase3,) for st in steps)
    assert s.front.date == _bundled_dates()[-1]


# ------------------------------------------------------------------------------------ bad input, CLI
@pytest.mark.parametrize(
    ("case", "where"),
    [
        ("time_inverted_window", "10:73: options[0].forces[0].until"),
        ("time_overlapping_phases", "7:29: phases[1].from"),
        ("time_unknown_phase", "13:61: options[0].forces[0].phase"),
        ("time_front_lines_before_bundled", "5:15: front_lines[0]"),
        ("time_bad_advance", "8:36: front_lines[2].advance_km"),
    ],
)
def test_cli_validate_and_render_refuse_bad_time_input(
    run_cli: Any, tmp_path: Path, case: str, where: str
) -> None:
    src = REPO / "tests" / "data" / "invalid" / f"{case}.yaml"
    scenario = tmp_path / f"{case}.yaml"
    scenario.write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli("validate", scenario.name)
    assert result.exit_code == 1, result
    assert f"{case}.yaml:{where}: " in result.stderr
    out = tmp_path / "out"
    result = run_cli("render", scenario.name, "-o", str(out / "map.html"))
    assert result.exit_code == 1, result
    assert f"{case}.yaml:{where}: " in result.stderr and "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())


def test_all_problems_are_reported_at_once() -> None:
    text = (
        HEAD + "end: D+100\nphases:\n  - {name: P, from: D+0, until: D+50}\n  - {name: Q, from: D+40}\n"
        + OPTION + "    forces:\n      - {name: F, nation: FR, troops: 5, at: Kyiv, phase: Pp}\n"
        "      - {name: G, nation: FR, troops: 5, at: Kyiv, from: D+9, until: D+3}\n"
        "      - {name: H, nation: FR, troops: 5, at: Kyiv, from: D+200}\n"
    )  # fmt: skip
    with pytest.raises(ScenarioError) as info:
        load(text)
    paths = [p.keypath for p in info.value.problems]
    assert paths == [
        "phases[1].from",
        "options[0].forces[0].phase",
        "options[0].forces[1].until",
        "options[0].forces[2].from",
    ]
    assert all(p.line and p.column for p in info.value.problems)


def test_schema_accepts_the_time_keys() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((REPO / "schema" / "scenario.schema.json").read_text(encoding="utf-8"))
    doc = json.loads(json.dumps(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")), default=str))
    jsonschema.validate(doc, schema)
    doc["phases"][0]["from"] = "next week"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema)
    assert bundled_front_lines()  # the schema's words name bundled lines; there is at least one


def test_front_line_override_replaces_every_dated_line(tmp_path: Path) -> None:
    line = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"date": "2025-06-01", "source": "override"},
                "geometry": {"type": "LineString", "coordinates": [[35.0, 47.2], [37.5, 48.6]]},
            }
        ],
    }
    (tmp_path / "mine.geojson").write_text(json.dumps(line), encoding="utf-8")
    text = HEAD + "front_lines: all\nphases:\n  - {name: P, from: D+0}\n" + OPTION + FORCE
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    s = load_scenario(tmp_path / "s.yaml", front_line=tmp_path / "mine.geojson")
    assert [f.source for f in s.timeline.fronts] == ["override"] and s.front.source == "override"
    assert [p.name for p in s.timeline.phases] == ["P"]


def test_top_level_occupied_goes_with_front_line_only() -> None:
    with pytest.raises(ScenarioError, match=r"occupied: occupied goes with front_line"):
        load(HEAD + "front_lines: all\noccupied: none\n" + OPTION + FORCE)

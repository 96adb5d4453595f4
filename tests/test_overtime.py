"""Analysis over time (issue #14 item 4): ``mapper analyze --at`` and ``--over-time`` against the analysis of
each day on its own, in every form (JSON against its schema, CSV, the table, the DataFrame), on the phased
example and on a timeline built by hand."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from support.reference import REPO

from mapper.advance import advance_front
from mapper.frontline import bundled_front_line
from mapper.overtime import over_time
from mapper.pipeline import load, prepare
from mapper.report import analyze_text
from mapper.timeline import Timeline, Window

PHASED = REPO / "scenarios" / "phased_deployment.yaml"
DNIPRO = REPO / "scenarios" / "dnipro_line.yaml"
SCHEMA = json.loads((REPO / "schema" / "over_time.schema.json").read_text(encoding="utf-8"))
needs_phased = pytest.mark.skipif(not PHASED.exists(), reason="the phased example is not there yet")
FIGURES = ("distance_to_front_km", "distance_to_hostile_territory_km", "band", "meets_constraints")


def _by_name(analysis: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(o["id"], f["name"]): f for o in analysis["options"] for f in o["forces"]}


def _check_against_each_day(ot: dict[str, Any], analysis_at: Any) -> int:
    """Every row of the over-time JSON equals the analysis of that step's day alone; returns rows checked."""
    checked = 0
    for i, step in enumerate(ot["steps"]):
        day = analysis_at(step["day"])
        assert day["scenario"]["date"] == step["day"]
        assert day["front_line"]["date"] == step["front_line"]["date"]
        sites = _by_name(day)
        for force in ot["forces"]:
            row = force["steps"][i]
            assert row["day"] == step["day"]
            site = sites.get((force["option"], force["name"]))
            assert row["present"] == (site is not None), (force["name"], step["day"])
            if site is None:
                assert all(row[k] is None for k in FIGURES)
                continue
            assert {k: row[k] for k in FIGURES} == {k: site[k] for k in FIGURES}
            assert row["violations"] == site["violations"]
            checked += 1
    return checked


@needs_phased
def test_over_time_equals_analyze_at_every_step(run_cli: Any) -> None:
    result = run_cli("analyze", PHASED, "--over-time", "-f", "json")
    assert result.exit_code == 0, result
    ot = json.loads(result.stdout)
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(ot)

    def at(day: str) -> dict[str, Any]:
        r = run_cli("analyze", PHASED, "--at", day, "-f", "json")
        assert r.exit_code == 0, r
        return json.loads(r.stdout)

    assert len(ot["steps"]) >= 5
    assert _check_against_each_day(ot, at) > 0
    # someone is absent somewhere and present somewhere else: the phases are seen
    presence = [[r["present"] for r in f["steps"]] for f in ot["forces"]]
    assert any(any(p) and not all(p) for p in presence)


@needs_phased
def test_at_takes_d_plus_n(run_cli: Any) -> None:
    start = load(PHASED).timeline.start  # type: ignore[union-attr]
    day = (start + dt.timedelta(days=60)).isoformat()
    a = run_cli("analyze", PHASED, "--at", "D+60", "-f", "json")
    b = run_cli("analyze", PHASED, "--at", day, "-f", "json")
    assert a.exit_code == 0, a
    assert a.stdout == b.stdout


def _hand_timed() -> Any:
    """The Dnipro example with a fake earlier line (the real one advanced 30 km, dated 2024-12-31 and passed off
    as observed, so the distances differ), and its first force arriving on 2025-06-01, its second leaving then."""
    s = load(DNIPRO)
    real = bundled_front_line()
    fake = replace(
        advance_front(real, 30), date="2024-12-31", advance_km=0.0, base=None, name="fake 2024"
    )
    arrive = dt.date(2025, 6, 1)
    opt = s.options[0]
    forces = (
        replace(opt.forces[0], window=Window(start=arrive)),
        replace(opt.forces[1], window=Window(end=arrive)),
        *opt.forces[2:],
    )
    timeline = Timeline(start=s.date, fronts=(fake, s.front), edges=(arrive,), timed=True)
    return replace(s, options=(replace(opt, forces=forces), *s.options[1:]), timeline=timeline)


def test_hand_built_timeline_against_each_day() -> None:
    scenario = _hand_timed()
    ot = over_time(prepare(scenario)).to_dict()
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(ot)
    days = [s["day"] for s in ot["steps"]]
    assert days == sorted(days) and "2024-12-31" in days and "2025-06-01" in days
    assert ot["steps"][0]["front_line"]["name"] == "fake 2024"

    def at(day: str) -> dict[str, Any]:
        return json.loads(analyze_text(scenario, fmt="json", at=day))

    assert _check_against_each_day(ot, at) > 0
    first, second = ot["forces"][0], ot["forces"][1]
    assert [r["present"] for r in first["steps"]] == [d >= "2025-06-01" for d in days]
    assert [r["present"] for r in second["steps"]] == [d < "2025-06-01" for d in days]
    # the fake line is 30 km nearer: the same force is farther from the real line
    third = ot["forces"][2]["steps"]
    assert third[0]["distance_to_front_km"] < third[-1]["distance_to_front_km"]


def test_forms_of_the_hand_built_timeline() -> None:
    ot = over_time(prepare(_hand_timed()))
    n_steps, n_forces = len(ot.steps), len(ot.forces)
    rows = list(csv.DictReader(io.StringIO(ot.to_csv())))
    assert len(rows) == n_steps * n_forces
    absent = [r for r in rows if r["present"] == "False"]
    assert absent and all(r["distance_to_front_km"] == "" for r in absent)
    frame = ot.frame
    assert len(frame) == n_steps * n_forces and set(frame["day"]) == {s.day for s in ot.steps}
    table = ot.to_table()
    assert max(len(x) for x in table.splitlines()) <= 80
    assert "—" in table
    for step in ot.steps:
        assert step.key in table
    assert ot.forces[0].name[:20] in table
    assert "<table" in ot._repr_html_()


def test_a_scenario_without_time_has_one_step() -> None:
    p = prepare(DNIPRO)
    ot = over_time(p)
    assert len(ot.steps) == 1
    plain = _by_name(p.analysis.to_dict())
    assert len(ot.forces) == len(plain)
    for f in ot.forces:
        assert f.rows[0].distance_to_front_km == plain[(f.option, f.name)]["distance_to_front_km"]


@needs_phased
def test_over_time_with_an_advance(run_cli: Any) -> None:
    result = run_cli("analyze", PHASED, "--over-time", "--advance", "20", "-f", "json")
    assert result.exit_code == 0, result
    ot = json.loads(result.stdout)
    assert {s["front_line"]["advance_km"] for s in ot["steps"]} == {20}
    base = json.loads(run_cli("analyze", PHASED, "--over-time", "-f", "json").stdout)
    for f, g in zip(ot["forces"], base["forces"], strict=True):
        for r, q in zip(f["steps"], g["steps"], strict=True):
            if r["present"]:
                assert (
                    r["distance_to_hostile_territory_km"] <= q["distance_to_hostile_territory_km"]
                )


@needs_phased
def test_cli_csv_and_table(run_cli: Any) -> None:
    table = run_cli("analyze", PHASED, "--over-time")
    assert table.exit_code == 0, table
    assert "—" in table.stdout
    rows = list(
        csv.DictReader(io.StringIO(run_cli("analyze", PHASED, "--over-time", "-f", "csv").stdout))
    )
    assert rows and set(rows[0]) >= {
        "option",
        "name",
        "day",
        "present",
        "distance_to_front_km",
        "band",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "2020-01-01"], "before the earliest front line"),
        (["--at", "yesterday"], "is not a date"),
        (["--at", "2025-02-30"], "is not a date"),
        (["--at", "2025-05-01", "--over-time"], "exclude each other"),
    ],
)
def test_cli_bad_at_is_a_usage_error_and_writes_nothing(
    run_cli: Any, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "out.json"
    result = run_cli("analyze", DNIPRO, *args, "-o", out)
    assert result.exit_code == 2, result
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_render_at_before_every_line_writes_nothing(run_cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    result = run_cli("render", DNIPRO, "--at", "2020-01-01", "-o", out)
    assert result.exit_code == 2, result
    assert "before the earliest front line" in result.stderr
    assert not out.exists()


def test_python_api() -> None:
    import mapper

    assert {"over_time", "OverTime"} <= set(dir(mapper))
    ot = mapper.over_time(DNIPRO)
    assert isinstance(ot, mapper.OverTime) and len(ot.steps) == 1
    a = mapper.analyze(DNIPRO, at="2025-05-01")
    assert a.scenario.date == dt.date(2025, 5, 1)

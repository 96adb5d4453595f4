"""Constraints that bind chosen roles (issue 13): ``roles:`` / ``except_roles:`` per distance constraint,
``exempt_roles:`` for every constraint, the new ``min_distance_from_hostile_km``, and how an exemption is stated.

The rule (docs/scenario-format.md): a ``roles:`` list binds only forces whose role is listed (a force without a
role is not bound by it); ``except_roles:`` / ``exempt_roles:`` free those roles; any other constraint binds every
force. Distances in expected messages come from an independent reference (``pyproj.Geod``), never the library.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from support.cli import run_cli
from support.reference import (
    EXAMPLES,
    HEAD,
    csv_place,
    option,
    ref_distance_km,
)

from mapper.analysis import analyze
from mapper.errors import ScenarioError
from mapper.loader import load_scenario_text
from mapper.textlayout import format_km

DNIPRO_LINE = next(p for p in EXAMPLES if p.stem == "dnipro_line")


def front_km(lat: float, lon: float) -> float:
    """Independent distance to the bundled front line: the nearest vertex of its parts densified to 100 m."""
    return ref_distance_km(lat, lon)


def forces_text(*rows: tuple[str, str, str | None]) -> str:
    """``forces:`` of (name, at, role) rows; a role of None writes no role."""
    out = "forces:\n"
    for name, at, role in rows:
        r = f", role: {role}" if role else ""
        out += f"  - {{name: {name}, nation: FR, troops: 100, at: {at}{r}}}\n"
    return out


def analysed(constraints: str, *rows: tuple[str, str, str | None]) -> Any:
    s = load_scenario_text(HEAD + constraints + option(forces_text(*rows)), name="t.yaml")
    opt = analyze(s).options[0]
    return opt, {f.name: f for f in opt.forces}


def limit_beyond_dnipro() -> int:
    """A minimum distance Dnipro city misses by ~10 km, from the independent distance (the line moves)."""
    return int(front_km(*csv_place("Dnipro"))) + 10


def test_roles_list_binds_only_those_roles() -> None:
    km = limit_beyond_dnipro()
    opt, f = analysed(
        f"constraints:\n  min_distance_from_front_km: {{km: {km}, roles: [deterrence]}}\n",
        ("Det", "Dnipro", "deterrence"),
        ("Log", "Dnipro", "logistics"),
        ("None", "Dnipro", None),
    )
    assert f["Det"].violations and f"closer than the {km} km minimum" in f["Det"].violations[0]
    assert f["Log"].violations == () and f["None"].violations == ()
    [why] = f["Log"].exemptions
    assert why.startswith(f"not bound by min_distance_from_front_km ({km} km): role logistics")
    assert "it binds only roles deterrence" in why
    assert (
        f["None"]
        .exemptions[0]
        .startswith(f"not bound by min_distance_from_front_km ({km} km): no role given")
    )
    assert opt.summary.exempt_forces == 2 and opt.summary.violations == 1


def test_except_roles_frees_those_roles_and_binds_the_rest() -> None:
    km = limit_beyond_dnipro()
    _, f = analysed(
        f"constraints:\n  min_distance_from_front_km: {{km: {km}, except_roles: [logistics]}}\n",
        ("Det", "Dnipro", "deterrence"),
        ("Log", "Dnipro", "logistics"),
        ("None", "Dnipro", None),
    )
    assert f["Det"].violations and f["None"].violations  # a force without a role is bound
    assert f["Log"].violations == () and len(f["Log"].exemptions) == 1
    assert f["Det"].exemptions == () and f["None"].exemptions == ()


def test_exempt_roles_frees_every_constraint_including_the_occupied_area() -> None:
    opt, f = analysed(
        "constraints:\n  min_distance_from_front_km: 80\n  min_distance_from_hostile_km: 80\n"
        "  exempt_roles: [ceasefire monitoring]\n",  # an alias of monitoring
        ("Mon", "{place: Donetsk, oblast: Donetsk}", "monitoring"),
        ("Det", "{place: Donetsk, oblast: Donetsk}", "deterrence"),
    )
    assert f["Mon"].in_occupied and f["Mon"].violations == ()
    rules = [e.split(":")[0] for e in f["Mon"].exemptions]
    assert rules == [
        "not bound by min_distance_from_front_km (80 km)",
        "not bound by min_distance_from_hostile_km (80 km)",
        "not bound by allow_in_occupied",
    ]
    assert f["Mon"].exemptions[2].endswith("inside the occupied area")
    assert "inside the occupied area" in f["Det"].violations
    assert len(f["Det"].violations) == 3
    assert opt.summary.exempt_forces == 1 and not opt.summary.meets_constraints


def test_min_distance_from_hostile_territory() -> None:
    _, f = analysed(
        "constraints: {min_distance_from_hostile_km: 100}\n",
        ("Kyiv", "Kyiv", None),
        ("Vinnytsia", "Vinnytsia", None),
    )
    assert f["Kyiv"].nearest_hostile == "Belarus"
    [v] = f["Kyiv"].violations
    assert "km from Belarus, closer than the 100 km minimum from hostile territory" in v
    assert f["Vinnytsia"].violations == ()


def test_the_monitor_team_of_the_example_leaves_its_option_compliant() -> None:
    result = run_cli("analyze", DNIPRO_LINE, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["constraints"]["scopes"]["min_distance_from_front_km"]["except_roles"] == [
        "monitoring"
    ]
    [opt] = data["options"]
    assert opt["summary"]["meets_constraints"] is True
    assert opt["summary"]["exempt_forces"] == 1
    [team] = [f for f in opt["forces"] if f["role"] == "monitoring"]
    assert team["meets_constraints"] is True and team["violations"] == []
    # it is well inside the 80 km the other forces keep, and the output says so, with the measured distance
    lat, lon = csv_place("Zaporizhzhia")
    ref = front_km(lat, lon)
    assert ref < 80
    assert team["distance_to_front_km"] == pytest.approx(ref, abs=0.2)
    accuracy = team["distance_accuracy_km"]
    text = [e for e in team["exemptions"] if "min_distance_from_front_km" in e]
    assert text == [
        "not bound by min_distance_from_front_km (80 km): role monitoring; "
        f"{format_km(team['distance_to_front_km'], accuracy)} from the front line"
    ]


def test_unknown_role_in_a_scope_is_a_located_error() -> None:
    text = (
        HEAD
        + "constraints:\n  exempt_roles: [monitors]\n"
        + option(forces_text(("A", "Kyiv", None)))
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, name="t.yaml")
    [p] = info.value.problems
    assert (p.line, p.column, p.keypath) == (6, 18, "constraints.exempt_roles[0]")
    assert "did you mean 'monitoring'" in p.message


def test_a_scoped_constraint_needs_its_km() -> None:
    text = (
        HEAD
        + "constraints:\n  min_distance_from_front_km: {roles: [deterrence]}\n"
        + option(forces_text(("A", "Kyiv", None)))
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario_text(text, name="t.yaml")
    [p] = info.value.problems
    assert p.keypath == "constraints.min_distance_from_front_km.km"
    assert "missing required key 'km'" in p.message


def test_every_example_validates_strictly() -> None:
    """No example triggers a warning: the monitor team is exempt (no constraint warning), small places are
    qualified (no namesake warning), zones give width_km (no width warning)."""
    result = run_cli("validate", "--strict", *EXAMPLES)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output

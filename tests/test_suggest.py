"""``mapper suggest`` / ``mapper.suggest()``: from a solved placement to a ready scenario option.

Two halves. The first builds small problems by hand (a few real cities, a ``placement.Instance`` whose coverage is
computed here with ``pyproj.Geod``, the optimum found by enumeration) and checks what ``suggestion.option_yaml``
writes: a valid scenario that loads, analyses and states the right figures, whatever text the brief holds. The
second runs the whole command on the example brief ``scenarios/briefs/air_defence_umbrella.yaml`` and checks its
figures independently: the covered weight recomputed from the brief's demand with ``pyproj.Geod``, every force's
distance to hostile territory by ``mapper analyze``, the hand-drawn example options scored on the same demand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod
from support.hostile_text import ISSUE_STRINGS, MORE_STRINGS

import mapper
from mapper.brief import Brief, BriefConstraints, CandidateSpec, DemandSpec, HubLimit, Site
from mapper.errors import OutputError, UsageError
from mapper.frontline import bundled_front_line
from mapper.loader import load_scenario, load_scenario_text
from mapper.optimize import Solution, covered_by, objective_of
from mapper.placement import Candidate, Demand, Instance, UnitType
from mapper.suggestion import Suggestion, _plain, _q, explain_rows, option_yaml

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "scenarios"
EXAMPLE_BRIEF = EXAMPLES / "briefs" / "air_defence_umbrella.yaml"
GEOD = Geod(ellps="WGS84")

# ------------------------------------------------------------------------------------------- hand-built cases

# (name, lat, lon, country): candidate sites
SITES = [
    ("Kyiv", 50.45010, 30.52340, "UA"),
    ("Lviv", 49.83830, 24.02320, "UA"),
    ("Vinnytsia", 49.23310, 28.46820, "UA"),
    ("Odesa", 46.47750, 30.73260, "UA"),
]
# (name, lat, lon, weight, kind, country): demand
DEMAND = [
    ("Kyiv", 50.4501, 30.5234, 2_950_000, "population", "UA"),
    ("Bila Tserkva", 49.7968, 30.1311, 200_000, "population", "UA"),
    ("Zhytomyr", 50.2547, 28.6587, 260_000, "population", "UA"),
    ("Lviv", 49.8383, 24.0232, 720_000, "population", "UA"),
    ("Vinnytsia", 49.2331, 28.4682, 370_000, "population", "UA"),
    ("Odesa", 46.4775, 30.7326, 1_010_000, "population", "UA"),
    ("Chisinau", 47.0105, 28.8638, 640_000, "population", "MD"),
    ("Khmelnytskyi NPP", 50.3022, 26.6497, 500_000, "site", "UA"),
]


def _covers(radius_km: float, sites, demand) -> list[np.ndarray]:
    """Per site: the demand indices within ``radius_km`` (pyproj.Geod directly)."""
    out = []
    for _, lat, lon, _ in sites:
        d = np.array([GEOD.inv(lon, lat, p[2], p[1])[2] / 1000.0 for p in demand])
        out.append(np.flatnonzero(d <= radius_km))
    return out


def _unit(**kw) -> UnitType:
    base = dict(
        key="air_defence",
        name="Air defence unit",
        kind="air_defence",
        echelon="battalion",
        nation="DE",
        count=2,
        troops=500,
        radius_km=150.0,
        role="air_defence",
    )
    return UnitType(**{**base, **kw})


def _instance(unit: UnitType | None = None, sites=SITES, demand=DEMAND) -> Instance:
    unit = unit or _unit()
    return Instance(
        units=(unit,),
        candidates=tuple(
            Candidate(name, lat, lon, cc, "list", front_km=300.0 + k, hostile_km=120.0 + k)
            for k, (name, lat, lon, cc) in enumerate(sites)
        ),
        demand=tuple(Demand(n, la, lo, w, kind, cc) for n, la, lo, w, kind, cc in demand),
        covers=[_covers(unit.radius_km, sites, demand)],
        removed={"duplicate": 0, "min_distance_from_hostile_km": 3},
    )


def _brief(**kw) -> Brief:
    base = dict(
        id="umbrella_test",
        title="Air defence umbrella (test)",
        date=dt.date(2025, 3, 27),
        file="<test>",
        front=bundled_front_line(),
        threat=("front_line", "occupied", "russia", "belarus"),
        option_id="umbrella",
        option_name="Suggested umbrella",
        option_colour="#1f4e9c",
        units=(_unit(),),
        candidates=CandidateSpec(),
        demand=DemandSpec(population_countries=("UA", "MD")),
        constraints=BriefConstraints(min_distance_from_hostile_km=100.0),
    )
    return Brief(**{**base, **kw})


def _best(instance: Instance, n: int) -> Solution:
    """The optimum by enumeration (one unit type, at most one unit per site)."""
    best = max(
        itertools.combinations(range(len(instance.candidates)), n),
        key=lambda js: objective_of(instance, tuple((0, j) for j in js)),
    )
    placements = tuple((0, j) for j in best)
    return Solution(
        method="milp",
        placements=placements,
        objective=objective_of(instance, placements),
        covered=covered_by(instance, placements),
        status="optimal",
        gap=0.0,
        seconds=0.01,
    )


def _comment(text: str) -> list[str]:
    """The comment block at the top of a written file."""
    return list(itertools.takewhile(lambda line: line.startswith("#"), text.splitlines()))


def _objective_in(text: str) -> float:
    line = next(line for line in _comment(text) if line.startswith("# objective: "))
    return float(re.match(r"# objective: ([\d,.]+) ", line).group(1).replace(",", ""))


def _geod_covered(forces, demand) -> float:
    """Covered weight of ``forces`` (each with its own ``range_km``), recomputed with pyproj.Geod directly."""
    covered = set()
    for f in forces:
        for i, d in enumerate(demand):
            if GEOD.inv(f.location.lon, f.location.lat, d.lon, d.lat)[2] / 1000.0 <= f.range_km:
                covered.add(i)
    return float(sum(demand[i].weight for i in covered))


def test_written_option_loads_with_the_units_at_their_sites() -> None:
    inst = _instance()
    sol = _best(inst, 2)
    text = option_yaml(_brief(), inst, sol)
    scenario = load_scenario_text(text)
    assert scenario.id == "umbrella_test" and scenario.date == dt.date(2025, 3, 27)
    assert scenario.threat == ("front_line", "occupied", "russia", "belarus")
    assert scenario.constraints.min_distance_from_hostile_km == 100.0
    (option,) = scenario.options
    assert (option.id, option.name, option.colour) == ("umbrella", "Suggested umbrella", "#1f4e9c")
    assert len(option.forces) == 2
    for k, (force, (_, j)) in enumerate(zip(option.forces, sol.placements, strict=True), 1):
        c = inst.candidates[j]
        assert force.name == f"Air defence unit {k} ({c.name})"
        assert (force.kind, force.echelon, force.nation, force.troops) == (
            "air_defence",
            "battalion",
            "DE",
            500,
        )
        assert force.role == "air_defence" and force.range_km == 150.0
        assert abs(force.location.lat - c.lat) <= 5e-6 and abs(force.location.lon - c.lon) <= 5e-6


def test_comment_block_states_the_objective_recomputed_independently() -> None:
    inst = _instance()
    sol = _best(inst, 2)
    greedy = dataclasses.replace(sol, method="greedy", status="heuristic", gap=None)
    text = option_yaml(_brief(), inst, sol, greedy=greedy)
    scenario = load_scenario_text(text)
    objective = _objective_in(text)
    assert objective == sol.objective > 0
    assert _geod_covered(scenario.options[0].forces, inst.demand) == objective
    block = "\n".join(_comment(text))
    total = sum(d[3] for d in DEMAND)
    assert f"of {total:,}" in block
    assert "solver: milp, status optimal, gap 0.0000 %" in block
    assert "greedy baseline: " in block and "(1.0000 of this objective" in block
    covered = covered_by(inst, sol.placements)
    for d, c in zip(
        inst.demand, covered, strict=True
    ):  # every key site listed with what happened to it
        if d.kind == "site":
            assert f"{'covered' if c else 'NOT covered'}: {d.name} (" in block
    people_md = sum(d[3] for d, c in zip(DEMAND, covered, strict=True) if c and d[5] == "MD")
    assert f"MD: {people_md:,} of 640,000 people" in block


def test_analysis_of_the_written_option_meets_the_brief(tmp_path: Path) -> None:
    inst = _instance()
    sol = _best(inst, 2)
    path = tmp_path / "s.yaml"
    path.write_text(option_yaml(_brief(), inst, sol), encoding="utf-8")
    analysis = mapper.analyze(path)
    frame = analysis.forces
    assert len(frame) == 2
    # the real distances of the hand-made sites: Kyiv is ~90 km from Belarus, the others further away
    for _, row in frame.iterrows():
        assert row["meets_constraints"] == (row["distance_to_hostile_territory_km"] >= 100.0)


def test_alternatives_are_further_options_with_their_own_colours() -> None:
    inst = _instance()
    best = _best(inst, 2)
    others = []
    for js in [(0, 1), (1, 3)]:
        p = tuple((0, j) for j in js)
        others.append(dataclasses.replace(best, placements=p, objective=objective_of(inst, p)))
    text = option_yaml(_brief(), inst, best, alternatives=others)
    scenario = load_scenario_text(text)
    ids = [o.id for o in scenario.options]
    assert ids == ["umbrella", "umbrella_alt1", "umbrella_alt2"]
    assert len({o.colour for o in scenario.options}) == 3
    assert [o.name for o in scenario.options][1] == "Suggested umbrella (alternative 1)"
    for option, sol in zip(scenario.options, [best, *others], strict=True):
        assert _geod_covered(option.forces, inst.demand) == sol.objective
    block = "\n".join(_comment(text))
    for k, sol in enumerate(others, 1):
        assert f"alternative {k}: {sol.objective:,.0f} (" in block


def test_the_hub_of_a_hub_constraint_is_the_options_hub() -> None:
    hub = Site("Rzeszow hub", 50.0412, 21.9991)
    limits = BriefConstraints(
        min_distance_from_hostile_km=100.0, max_distance_to_hub=HubLimit(hub, 900.0)
    )
    inst = _instance()
    sol = _best(inst, 2)
    scenario = load_scenario_text(option_yaml(_brief(constraints=limits), inst, sol))
    (h,) = scenario.options[0].hubs
    assert h.name == "Rzeszow hub" and (h.location.lat, h.location.lon) == (50.0412, 21.9991)
    res = mapper.analyze(scenario).results.options[0]
    for m in res.forces:  # the analysis measures each force to that hub
        km = GEOD.inv(m.lon, m.lat, hub.lon, hub.lat)[2] / 1000.0
        assert m.nearest_hub == "Rzeszow hub" and m.distance_to_nearest_hub_km == pytest.approx(
            km, abs=0.05
        )


HOSTILE = [
    *ISSUE_STRINGS,
    *MORE_STRINGS,
    "a\nformat: 2\n# b",
    "x # not a comment",
    "\u0085evil: 1",
    "\r\nid: hacked",
    'name"}, {name: "x',
    "- list: item",
    "&anchor *alias !!python/object:os.system",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_brief_text_stays_text(text: str) -> None:
    unit = _unit(name=f"AD {text}", key="ad", nation="FR")
    sites = [(f"{text} site", lat, lon, cc) for _, lat, lon, cc in SITES]
    demand = [(f"{text} {n}", la, lo, w, k, cc) for n, la, lo, w, k, cc in DEMAND]
    inst = _instance(unit, sites, demand)
    brief = _brief(
        title=f"T {text}",
        option_name=f"O {text}",
        option_description=text,
        summary=text,
        units=(unit,),
    )
    sol = _best(inst, 2)
    out = option_yaml(brief, inst, sol, greedy=sol)
    lines = out.splitlines()
    block = _comment(out)
    # the comment block ends where the YAML starts: no user text put a line break into it
    assert lines[len(block)] == "format: 1"
    assert all(line.startswith("#") for line in block)
    assert not any(ch in out for ch in "\r\x85\u2028\u2029")
    data = yaml.safe_load(out)
    keys = {
        "format",
        "id",
        "title",
        "date",
        "front_line",
        "threat",
        "coverage",
        "constraints",
        "options",
    }
    assert set(data) == keys | ({"summary"} if _plain(text) else set())
    scenario = load_scenario_text(out)
    assert scenario.title == _plain(f"T {text}", 300)
    assert scenario.summary == (_plain(text) or None)
    (option,) = scenario.options
    assert option.name == _plain(f"O {text}", 200)
    assert [f.name for f in option.forces] == [
        _plain(f"{_plain(f'AD {text}', 80)} {k} ({_plain(inst.candidates[j].name, 100)})", 200)
        for k, (_, j) in enumerate(sol.placements, 1)
    ]


@given(st.text(max_size=60))
@settings(max_examples=300, deadline=None)
def test_quoted_scalar_reads_back_exactly(text: str) -> None:
    assert yaml.safe_load("v: " + _q(text))["v"] == text
    assert "\n" not in _plain(text) and _plain(text) == _plain(_plain(text))


def test_names_longer_than_the_format_allows_are_cut() -> None:
    unit = _unit(name="U" * 500)
    sites = [("S" * 500, lat, lon, cc) for _, lat, lon, cc in SITES]
    inst = _instance(unit, sites)
    text = option_yaml(
        _brief(title="T" * 1000, option_name="O" * 1000, units=(unit,)), inst, _best(inst, 2)
    )
    scenario = load_scenario_text(text)  # every name within the format's limits
    assert len(scenario.title) == 300 and len(scenario.options[0].name) == 200
    names = [f.name for f in scenario.options[0].forces]
    assert len(set(names)) == 2 and all(len(n) <= 200 for n in names)


def test_suggestion_frames_and_save(tmp_path: Path) -> None:
    inst = _instance()
    sol = _best(inst, 2)
    s = Suggestion(_brief(), inst, sol)
    assert (s.objective, s.gap, s.status) == (sol.objective, 0.0, "optimal")
    p = s.placements
    assert list(p["site"]) == [inst.candidates[j].name for _, j in sol.placements]
    assert list(p.columns[:4]) == ["force", "unit", "site", "country"]
    # marginal: what the solution loses without the unit, recomputed by removing it
    for k, row in enumerate(p.itertuples()):
        rest = tuple(x for i, x in enumerate(sol.placements) if i != k)
        assert row.marginal == pytest.approx(sol.objective - objective_of(inst, rest))
    cov = s.coverage
    assert len(cov) == len(DEMAND)
    assert cov.loc[cov["covered"], "weight"].sum() == sol.objective
    assert [r.force for r in explain_rows(inst, sol)] == list(p["force"])
    target = tmp_path / "out.yaml"
    assert s.save(target) == target
    assert target.read_text(encoding="utf-8") == s.to_yaml(relative_to=tmp_path)
    with pytest.raises(OutputError, match="file exists"):
        s.save(target)
    target.write_text("mine", encoding="utf-8")
    s.save(target, overwrite=True)
    assert load_scenario(target).options[0].id == "umbrella"
    assert "objective" in "\n".join(s.summary_lines(explain=True))


def test_front_line_file_named_from_the_written_file(tmp_path: Path) -> None:
    src = next((REPO / "geodata").glob("front_line_*.geojson"))
    briefs = tmp_path / "briefs"
    (briefs / "lines").mkdir(parents=True)
    (briefs / "lines" / "line.geojson").write_bytes(src.read_bytes())
    brief = _brief(front_line="lines/line.geojson", path=str(briefs / "b.yaml"))
    inst = _instance()
    s = Suggestion(brief, inst, _best(inst, 2))
    assert 'front_line: "lines/line.geojson"' in s.to_yaml()  # as the brief names it
    s.save(briefs / "s.yaml")
    assert load_scenario(briefs / "s.yaml").front.date  # found from the written file
    s.save(briefs / "lines" / "s.yaml")
    assert 'front_line: "line.geojson"' in (briefs / "lines" / "s.yaml").read_text(encoding="utf-8")
    assert load_scenario(briefs / "lines" / "s.yaml").front.date
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with pytest.raises(UsageError, match="not inside"):  # a scenario may not name '../briefs/...'
        s.save(elsewhere / "s.yaml")
    assert not (elsewhere / "s.yaml").exists()


# ------------------------------------------------------------------------------- the example brief, end to end


def _covered_weight(forces, demand) -> float:
    """``_geod_covered``, vectorised over the demand (pyproj.Geod directly, each force's own ``range_km``)."""
    lat = np.array([d.lat for d in demand])
    lon = np.array([d.lon for d in demand])
    w = np.array([d.weight for d in demand])
    hit = np.zeros(len(demand), dtype=bool)
    for f in forces:
        _, _, m = GEOD.inv(
            np.full(len(lat), f.location.lon), np.full(len(lat), f.location.lat), lon, lat
        )
        hit |= np.asarray(m) / 1000.0 <= f.range_km
    return float(w[hit].sum())


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory):
    """The example brief solved once, with two alternatives, and written."""
    s = mapper.suggest(EXAMPLE_BRIEF, alternatives=2)
    path = s.save(tmp_path_factory.mktemp("suggest") / "umbrella.yaml")
    return s, path


def test_example_objective_checked_independently(example) -> None:
    s, path = example
    text = path.read_text(encoding="utf-8")
    scenario = load_scenario(path)
    assert s.status == "optimal" and s.gap is not None and s.gap <= 1e-6
    assert _objective_in(text) == pytest.approx(s.objective, abs=0.5)  # as printed: whole people
    # the written forces (5-decimal positions, their range_km) cover exactly the objective of the brief's demand
    assert _covered_weight(scenario.options[0].forces, s.instance.demand) == s.objective
    # the demand is the brief's: its three plants with their weights, people inside Ukraine of 10,000 or more
    sites = {(d.name, d.weight) for d in s.instance.demand if d.kind == "site"}
    assert {w for _, w in sites} == {500_000} and len(sites) == 3
    people = [d for d in s.instance.demand if d.kind == "population"]
    assert people and all(d.country == "UA" and d.weight >= 10_000 for d in people)
    assert len(scenario.options[0].forces) == 6
    assert all(f.kind == "air_defence" and f.range_km == 100 for f in scenario.options[0].forces)


def test_the_same_brief_gives_the_same_file(example) -> None:
    # no solve times or other run-dependent text in the file: a suggestion diffs cleanly
    _, path = example
    again = mapper.suggest(EXAMPLE_BRIEF, alternatives=2)
    assert again.to_yaml() == path.read_text(encoding="utf-8")


def test_example_forces_meet_the_brief_by_the_analysis(example) -> None:
    _, path = example
    frame = mapper.analyze(path).forces
    assert len(frame) == 18  # three options of six
    assert (frame["distance_to_hostile_territory_km"] >= 100.0).all()
    assert frame["meets_constraints"].all()


def test_example_alternatives_are_distinct_and_no_better(example) -> None:
    s, path = example
    scenario = load_scenario(path)
    assert len(s.alternatives) == 2 and len(scenario.options) == 3
    site_sets = [
        frozenset((round(f.location.lat, 5), round(f.location.lon, 5)) for f in o.forces)
        for o in scenario.options
    ]
    assert len(set(site_sets)) == 3
    objectives = [s.objective, *(a.objective for a in s.alternatives)]
    assert objectives == sorted(objectives, reverse=True)
    for option, objective in zip(scenario.options, objectives, strict=True):
        assert _covered_weight(option.forces, s.instance.demand) == objective


def test_example_renders_and_compares_with_the_examples(example, tmp_path: Path, run_cli) -> None:
    _, path = example
    html = mapper.render_map(path, tmp_path / "umbrella.html")
    page = html.read_text(encoding="utf-8")
    assert "Air defence unit 6" in page and "Suggested air-defence umbrella" in page
    result = run_cli("compare", EXAMPLES, path, "-f", "json")
    assert result.exit_code == 0, result
    data = json.loads(result.stdout)
    ids = {o["option"] for o in data["options"]}
    assert {"umbrella", "umbrella_alt1", "umbrella_alt2", "dnipro", "cities", "west"} <= ids
    examples = len(list(EXAMPLES.glob("*.yaml")))
    assert len(data["scenarios"]) == examples + 1  # the examples and the suggestion


def _hand_drawn(instance: Instance):
    """Every example option with forces of the brief's unit kind, and whether they all meet the brief's 100 km."""
    for p in sorted(EXAMPLES.glob("*.yaml")):
        analysis = mapper.analyze(p)
        for res in analysis.results.options:
            mine = [m for m in res.forces if m.model.kind == "air_defence"]
            if mine:
                ok = all(m.distance_to_hostile_territory_km >= 100.0 for m in mine)
                yield p.stem, res.option, len(mine), ok


def test_example_covers_at_least_as_much_as_every_hand_drawn_option(example) -> None:
    """The hand-drawn examples' air-defence units given the brief's radius, scored on the brief's demand; with
    the same number of units and the brief's constraint the exact optimum must cover at least as much."""
    from mapper.optimize import solve_milp
    from mapper.suggestion import matching_forces, score_option

    s, _ = example
    seen = 0
    for stem, option, n, ok in _hand_drawn(s.instance):
        assert matching_forces(s.instance, option) == n
        score = score_option(s.brief, s.instance, option)
        # independently: the option's air-defence units with the brief's 100 km radius
        ad = [
            dataclasses.replace(f, range_km=100.0) for f in option.forces if f.kind == "air_defence"
        ]
        assert score == _covered_weight(ad, s.instance.demand)
        assert s.objective >= score, (stem, option.id)
        if ok:  # a placement the brief allows: the optimum with as many units is at least as good
            same = dataclasses.replace(
                s.instance, units=(dataclasses.replace(s.instance.units[0], count=n),)
            )
            assert solve_milp(same).objective >= score, (stem, option.id)
        seen += 1
    assert seen >= 4  # black_sea, dnipro_line, key_cities, western_regions


# ----------------------------------------------------------------------------------------------------- the CLI


def test_cli_writes_refuses_to_clobber_and_overwrites(tmp_path: Path, run_cli) -> None:
    out = tmp_path / "s.yaml"
    r = run_cli("suggest", EXAMPLE_BRIEF, "-o", out, "--explain")
    assert r.exit_code == 0, r
    assert r.stdout.startswith("objective: ")
    assert "solver: milp, status optimal" in r.stdout and "greedy baseline: " in r.stdout
    assert r.stdout.count("marginal ") == 6 and f"wrote {out}" in r.stderr
    first = out.read_text(encoding="utf-8")
    assert load_scenario(out).options[0].id == "umbrella"
    r = run_cli("validate", "--strict", out)  # not even a warning
    assert r.exit_code == 0 and r.stderr == "", r
    out.write_text("# my own notes\n", encoding="utf-8")
    r = run_cli("suggest", EXAMPLE_BRIEF, "-o", out)
    assert r.exit_code == 1 and "file exists; pass --overwrite" in r.stderr
    assert out.read_text(encoding="utf-8") == "# my own notes\n"
    r = run_cli("-q", "suggest", EXAMPLE_BRIEF, "-o", out, "--overwrite")
    assert r.exit_code == 0 and r.stdout == ""
    # the same brief, the same file, but for the solve time in the comment
    strip = lambda t: re.sub(r"\d+\.\d\d s\b", "", t)  # noqa: E731
    assert strip(out.read_text(encoding="utf-8")) == strip(first)


def test_cli_greedy(tmp_path: Path, run_cli) -> None:
    out = tmp_path / "g.yaml"
    r = run_cli("suggest", EXAMPLE_BRIEF, "-o", out, "--method", "greedy")
    assert r.exit_code == 0, r
    text = out.read_text(encoding="utf-8")
    assert "# solver: greedy, status heuristic, gap n/a (heuristic)" in text
    assert "greedy baseline" not in text  # it is the baseline
    assert _covered_weight(
        load_scenario(out).options[0].forces,
        mapper.suggest(EXAMPLE_BRIEF, method="greedy").instance.demand,
    ) == _objective_in(text)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--alternatives", "11"], 2, "--alternatives"),
        (["--alternatives", "-1"], 2, "--alternatives"),
        (["--time-limit", "0"], 2, "--time-limit"),
        (["--method", "cplex"], 2, "--method"),
        (["--method", "greedy", "--alternatives", "1"], 2, "needs --method milp"),
    ],
)
def test_cli_usage_errors(tmp_path: Path, run_cli, args, code, message) -> None:
    r = run_cli("suggest", EXAMPLE_BRIEF, "-o", tmp_path / "s.yaml", *args)
    assert r.exit_code == code and message in r.stderr, r
    assert not (tmp_path / "s.yaml").exists()


def test_cli_errors_exit_1(tmp_path: Path, run_cli) -> None:
    r = run_cli("suggest", tmp_path / "missing.yaml", "-o", tmp_path / "s.yaml")
    assert r.exit_code == 1 and "Traceback" not in r.output, r
    (tmp_path / "folder").mkdir()
    r = run_cli("suggest", EXAMPLE_BRIEF, "-o", tmp_path / "folder")
    assert r.exit_code == 2 and "is a directory" in r.stderr, r  # click's own check of -o
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        EXAMPLE_BRIEF.read_text(encoding="utf-8").replace(
            "min_distance_from_hostile_km: 100", "min_distance_from_hostile_km: 2000"
        ),
        encoding="utf-8",
    )
    r = run_cli("suggest", bad, "-o", tmp_path / "s.yaml")
    assert r.exit_code == 1 and "min_distance_from_hostile_km" in r.stderr, r
    assert not (tmp_path / "s.yaml").exists()


def test_cli_time_limit_reports_status_and_gap(tmp_path: Path, run_cli) -> None:
    out = tmp_path / "t.yaml"
    r = run_cli("suggest", EXAMPLE_BRIEF, "-o", out, "--time-limit", "30")
    assert r.exit_code == 0, r
    assert re.search(
        r"^solver: milp, status (optimal|time limit), gap \d+\.\d{4} %", r.stdout, re.M
    )


HOSTILE_BRIEF = r"""format: 1
brief: hostile_text
title: "T\n# injected: 1 {{ 7*7 }} <script>alert(1)</script>"
date: 2025-03-27
option:
  id: evil
  name: "O \" # x\u2028format: 2"
  colour: navy
units:
  - name: "U\nid: hacked # '\" {% raw %}"
    id: ad
    kind: air_defence
    nation: FR
    count: 2
    troops: 100
    radius_km: 120
candidates:
  list:
    - {name: "L1\n  - {name: x}", at: Lviv}
    - {name: "<img src=x onerror=1> #", at: Vinnytsia}
    - {name: "${x}`\\", at: Poltava}
demand:
  sites:
    - {name: "S1\n# hi", at: Lviv, weight: 1000}
    - {name: "S2 }}", at: Vinnytsia, weight: 500}
    - {name: "S3\u2029evil: 1", at: Poltava, weight: 200}
constraints:
  min_distance_from_hostile_km: 50
"""


def test_hostile_brief_file_end_to_end(tmp_path: Path, run_cli) -> None:
    brief = tmp_path / "b.yaml"
    brief.write_text(HOSTILE_BRIEF, encoding="utf-8")
    out = tmp_path / "s.yaml"
    r = run_cli("suggest", brief, "-o", out, "--explain")
    assert r.exit_code == 0, r
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    block = _comment(text)
    assert lines[len(block)] == "format: 1" and all(line.startswith("# ") for line in block)
    assert (
        "# NOT covered: S3 evil: 1" not in text and "covered: S3 evil: 1 (" in text
    )  # one line, plain
    data = yaml.safe_load(text)
    assert (
        data["id"] == "hostile_text"
        and "injected" not in data
        and "hacked" not in str(data.get("id"))
    )
    scenario = load_scenario(out)
    (option,) = scenario.options
    assert option.name == 'O " # x format: 2'
    assert {f.name for f in option.forces} <= {
        "U id: hacked # '\" {% raw %} 1 (L1 - {name: x})",
        "U id: hacked # '\" {% raw %} 2 (L1 - {name: x})",
        "U id: hacked # '\" {% raw %} 1 (<img src=x onerror=1> #)",
        "U id: hacked # '\" {% raw %} 2 (<img src=x onerror=1> #)",
        "U id: hacked # '\" {% raw %} 1 (${x}`\\)",
        "U id: hacked # '\" {% raw %} 2 (${x}`\\)",
    }
    assert len(option.forces) == 2
    html = mapper.render_map(out, tmp_path / "s.html")
    assert "<script>alert(1)</script>" not in html.read_text(encoding="utf-8")


def test_cli_schema_of_a_brief(run_cli) -> None:
    from mapper.brief import schema_json

    r = run_cli("schema", "--brief", "--indent", "1")
    assert r.exit_code == 0 and r.stdout == schema_json(indent=1)
    assert json.loads(r.stdout)["$id"].endswith("brief.schema.json")
    assert run_cli("schema").stdout != r.stdout

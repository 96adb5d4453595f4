"""``mapper compare``: every format agrees with ``mapper analyze --format json``; ranking; duplicate option ids;
the 80-column table; a Markdown snapshot of the five examples; hostile text; different front lines; bad input;
the offline HTML report (size, determinism, shared data); the example script."""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from support.cli import run_cli, run_command

from mapper.comparison import (
    RANKABLE,
    compare,
    compare_report,
    load_comparison,
    parse_pair,
    parse_rank_by,
    rank,
    to_csv,
    to_html,
    to_json,
    to_markdown,
    to_table,
    write_comparison,
)
from mapper.errors import MapperError, ScenarioError, UsageError
from mapper.render.assets import external_urls

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"
EXAMPLES = sorted(SCENARIOS.glob("*.yaml"))


def _example_option_ids() -> list[str]:
    """The examples' option ids in file and option order, read from the raw YAML (not through mapper)."""
    import yaml

    return [
        o["id"] for p in EXAMPLES for o in yaml.safe_load(p.read_text(encoding="utf-8"))["options"]
    ]


SNAPSHOT = REPO / "tests" / "data" / "compare_examples.md"
FRONTLINE_2024 = REPO / "tests" / "data" / "frontlines" / "frontline_2024-11-20.geojson"
RANK_BY = "min_distance_to_front_km,-max_distance_to_nato_border_km"
HOSTILE = "<script>alert(1)</script> {{ 7*7 }} ${x} `y` | *b* _i_ [l](http://x.test) &amp; \\n"

# report row label -> summary field of `mapper analyze --format json`
LABELS = {
    "Troops": "troops",
    "Forces": "forces",
    "Logistics hubs": "hubs",
    "nearest force": "min_distance_to_front_km",
    "troop-weighted mean": "troop_weighted_mean_distance_to_front_km",
    "troops beyond it": "share_of_troops_beyond_constraint",
    "farthest force": "max_distance_to_nato_border_km",
    "mean over forces": "mean_distance_to_nato_border_km",
    "Nearest to hostile territory, km": "min_distance_to_hostile_territory_km",
    "Population in rings (Ukraine)": "population_covered",
    "Length of lines, km": "lines_length_km",
    "Area of areas, km²": "areas_km2",
    "Area of zones, km²": "zones_km2",
}


@pytest.fixture(scope="module")
def comparison():
    return load_comparison([SCENARIOS])


#: the comparison's metrics that `mapper analyze --format json` gives in each option's "protection"
PROTECTION_METRICS = (
    "key_sites_under_air_defence",
    "key_sites_in_rings",
    "population_under_air_defence",
)


@pytest.fixture(scope="module")
def analyzed() -> dict[str, dict]:
    """option id -> the option's summary in `mapper analyze --format json` (run through the CLI), with what it
    protects (its "protection": key sites and people under air defence, mapper.protection)."""
    out = {}
    for path in EXAMPLES:
        result = run_cli("analyze", "--format", "json", path)
        assert result.exit_code == 0, result
        for opt in json.loads(result.stdout)["options"]:
            protection = {k: opt["protection"][k] for k in PROTECTION_METRICS}
            out[opt["id"]] = {**opt["summary"], **protection}
    return out


# -------------------------------------------------------------------------------------------------------------
# Agreement with `mapper analyze`


def _value(text: str, field: str | None = None) -> float | int | None:
    text = text.strip().strip("*").rstrip("*")
    if text in ("-", "n/a"):
        return 0 if field == "nation" else None
    if text.endswith("%"):
        return float(text[:-1].replace(",", "")) / 100
    # a distance cell may carry the line's accuracy and the nearest hostile part: "46.5 ± 10 front line"
    text = re.sub(r" ± [\d.]+", "", text).split(" ")[0]
    text = text.replace(",", "")
    return float(text) if "." in text else int(text)


def _check_rows(rows: dict[str, dict[str, str]], analyzed: dict[str, dict]) -> int:
    """rows: label -> {option key: cell}. Every metric row must equal the analyze JSON; returns cells checked."""
    checked = 0
    for label, cells in rows.items():
        for key, cell in cells.items():
            s = analyzed[key]
            if label in LABELS:
                field = LABELS[label]
                got, want = _value(cell), s[field]
                if field == "share_of_troops_beyond_constraint":
                    assert got == pytest.approx(want, abs=0.0006), (label, key)
                else:
                    assert got == want, (label, key, cell, want)
            elif label in s["troops_by_band"]:
                assert _value(cell) == s["troops_by_band"][label], (label, key)
            elif re.fullmatch(r"[A-Z]{2}|\?", label):
                assert _value(cell, "nation") == s["troops_by_nation"].get(label, 0), (label, key)
            elif label == "Meets constraints":
                assert (cell.strip("*") == "yes") == s["meets_constraints"]
            else:
                continue
            checked += 1
    return checked


def test_dataframe_agrees_with_analyze(analyzed) -> None:
    df = compare([SCENARIOS])
    assert list(df.index) == _example_option_ids()
    for key, row in df.iterrows():
        s = analyzed[key]
        for field in RANKABLE:
            want = s[field]
            got = row[field]
            assert (want is None and got != got) or got == want, (key, field)
        for nation, troops in s["troops_by_nation"].items():
            assert row[f"troops_by_nation.{nation}"] == troops
        for band, troops in s["troops_by_band"].items():
            assert row[f"troops_by_band.{band}"] == troops
        assert bool(row["meets_constraints"]) == s["meets_constraints"]
    assert df.attrs["scenarios"][0]["front_line"]["date"] == "2025-03-27"


def test_json_agrees_with_analyze(comparison, analyzed) -> None:
    doc = json.loads(to_json(comparison, RANK_BY))
    assert doc["format"] == "mapper-comparison/1"
    assert {s["id"] for s in doc["scenarios"]} == {p.stem for p in EXAMPLES}
    for s in doc["scenarios"]:
        assert s["front_line"]["date"] and s["front_line"]["source"]
    for rec in doc["options"]:
        summary = analyzed[rec["key"]]
        for field, want in summary.items():
            assert rec[field] == want, (rec["key"], field)


def test_csv_agrees_with_analyze(comparison, analyzed) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(comparison, RANK_BY))))
    assert [r["key"] for r in rows] == comparison.keys
    for r in rows:
        s = analyzed[r["key"]]
        for field in RANKABLE:
            want = s[field]
            assert (r[field] == "" and want is None) or float(r[field]) == want, (r["key"], field)
        for band, troops in s["troops_by_band"].items():
            assert int(r[f"troops_by_band.{band}"]) == troops
        for nation, troops in s["troops_by_nation"].items():
            assert int(r[f"troops_by_nation.{nation}"]) == troops
        assert r["rank.min_distance_to_front_km"]


def _md_metrics(md: str) -> dict[str, dict[str, str]]:
    lines = md.split("## Metrics", 1)[1].strip().splitlines()
    head = [c.strip() for c in lines[0].strip("|").split("|")]
    keys = head[1:]
    rows = {}
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        label = cells[0].replace("&emsp;", "").strip("*")
        if any(cells[1:]):
            rows[label] = dict(zip(keys, cells[1:], strict=True))
    return rows


def test_markdown_agrees_with_analyze(comparison, analyzed) -> None:
    rows = _md_metrics(to_markdown(comparison, RANK_BY))
    assert _check_rows(rows, analyzed) >= 5 * 20


def _table_metrics(text: str) -> dict[str, dict[str, str]]:
    """Parse the transposed blocks of the terminal table back into label -> {key: cell}."""
    rows: dict[str, dict[str, str]] = {}
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not re.match(r"Metric\s{2,}", line):
            continue
        keys = re.split(r"\s{2,}", line.strip())[1:]
        top = lines[i - 1] if lines[i - 1].strip() else ""
        if top:  # "scenario/" above "option"
            keys = [t + k for t, k in zip(re.split(r"\s{2,}", top.strip()), keys, strict=True)]
        for row in lines[i + 2 :]:
            if not row.strip():
                break
            parts = re.split(r"\s{2,}", row.strip())
            if len(parts) == len(keys) + 1:
                rows.setdefault(parts[0], {}).update(zip(keys, parts[1:], strict=True))
    return rows


def test_table_agrees_with_analyze_and_fits_80_columns(comparison, analyzed) -> None:
    text = to_table(comparison, RANK_BY)
    assert all(len(line) <= 80 for line in text.splitlines()), max(text.splitlines(), key=len)
    rows = _table_metrics(text)
    assert set(rows["Troops"]) == set(comparison.keys)  # every option in some block
    assert _check_rows(rows, analyzed) >= 5 * 20
    assert text.count("\nMetric") >= 2  # more options than one 80-column block holds
    assert "Front line 2025-03-27" in text


def test_table_80_columns_with_long_keys(tmp_path: Path) -> None:
    a = tmp_path / "a"
    a.mkdir()
    shutil.copytree(SCENARIOS / "data", a / "data")  # the overlay files the examples name
    for p in EXAMPLES:
        shutil.copy(p, a / p.name)
        text = p.read_text(encoding="utf-8")
        (a / f"copy_{p.name}").write_text(
            text.replace(f"id: {p.stem}", f"id: {p.stem}_with_a_long_copy_id", 1), encoding="utf-8"
        )
    c = load_comparison([a])
    assert "black_sea_with_a_long_copy_id/corridor" in c.keys
    text = to_table(c, RANK_BY)
    assert all(len(line) <= 80 for line in text.splitlines()), max(text.splitlines(), key=len)
    rows = _table_metrics(text)
    assert set(rows["Troops"]) == set(c.keys)


# -------------------------------------------------------------------------------------------------------------
# Ranking


def _ranks(values: dict[str, float], higher_better: bool) -> dict[str, int]:
    """Competition ranks (1 = best, ties share), computed here from analyze's numbers."""
    return {
        k: 1 + sum(1 for w in values.values() if (w > v if higher_better else w < v))
        for k, v in values.items()
    }


def test_ranking_order_and_winners(comparison, analyzed) -> None:
    doc = json.loads(to_json(comparison, RANK_BY))
    first, second = doc["ranking"]
    assert first["criterion"] == "min_distance_to_front_km" and first["better"] == "higher"
    nearest = {k: s["min_distance_to_front_km"] for k, s in analyzed.items()}
    assert first["ranks"] == _ranks(nearest, higher_better=True)
    assert first["best"] == [max(nearest, key=nearest.__getitem__)] == ["west"]
    nato = {k: s["max_distance_to_nato_border_km"] for k, s in analyzed.items()}
    assert second["better"] == "lower" and second["ranks"] == _ranks(nato, higher_better=False)
    assert second["best"] == ["neighbours"]
    # dnipro and cities tie (561.0 km from a NATO border): they share a rank
    assert second["ranks"]["dnipro"] == second["ranks"]["cities"]
    md = to_markdown(comparison, RANK_BY)
    # every distance to the front line carries the line's stated accuracy (± 10 km for the bundled line)
    cells = " | ".join(
        f"**{nearest[k]:,.1f} ± 10**" if k == "west" else f"{nearest[k]:,.1f} ± 10"
        for k in comparison.keys
    )
    assert f"| &emsp;nearest force | {cells} |" in md
    table = to_table(comparison, RANK_BY)
    assert (
        f"{nearest['west']:,.1f} ± 10*" in table and f"{nearest['dnipro']:,.1f} ± 10*" not in table
    )
    df = rank(compare([SCENARIOS]), RANK_BY)
    assert df["rank.min_distance_to_front_km"].idxmin() == "west"


def test_unknown_rank_criterion_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as err:
        parse_rank_by("min_distance_to_front_km,-bogus")
    assert "'bogus'" in str(err.value) and "max_distance_to_nato_border_km" in str(err.value)
    result = run_cli("compare", EXAMPLES[0], "--rank-by", "nope")
    assert result.exit_code == 2
    assert "valid criteria" in result.stderr


# -------------------------------------------------------------------------------------------------------------
# Duplicate option ids, front lines, bad input


def test_duplicate_option_ids_are_disambiguated(make_scenario, tmp_path: Path) -> None:
    make_scenario(name="one.yaml", id="one")
    make_scenario(name="two.yaml", id="two")
    shutil.copy(SCENARIOS / "key_cities.yaml", tmp_path / "three.yaml")
    df = compare([tmp_path])
    assert list(df.index) == ["one/a", "cities", "two/a"] or list(df.index) == [
        "one/a",
        "two/a",
        "cities",
    ]
    assert set(df.index) == {"one/a", "two/a", "cities"}
    c = load_comparison([tmp_path])
    assert parse_pair(c, "one/a,cities") == ("one/a", "cities")
    assert parse_pair(c, "key_cities/cities,two/a") == ("cities", "two/a")  # long form accepted
    with pytest.raises(UsageError, match="options: one/a, "):
        parse_pair(c, "a,cities")


def _other_front(tmp_path: Path) -> Path:
    """key_cities measured from another (dated 2024-11-20) front line file next to it."""
    shutil.copy(FRONTLINE_2024, tmp_path / FRONTLINE_2024.name)
    text = (SCENARIOS / "key_cities.yaml").read_text(encoding="utf-8")
    text = text.replace("id: key_cities", "id: key_cities_2024", 1)
    text = text.replace("front_line: bundled", f"front_line: {FRONTLINE_2024.name}", 1)
    path = tmp_path / "key_cities_2024.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_different_front_lines_warn_and_show_both(tmp_path: Path, caplog) -> None:
    other = _other_front(tmp_path)
    c = load_comparison([SCENARIOS / "key_cities.yaml", other])
    assert len(c.warnings) == 1 and "different front lines" in c.warnings[0]
    assert c.keys == ["key_cities/cities", "key_cities_2024/cities"]
    md = to_markdown(c)
    assert "Front line 2025-03-27" in md and "Front line 2024-11-20" in md
    assert "**Warning:**" in md
    assert "Front line 2024-11-20" in to_table(c)
    with caplog.at_level(logging.WARNING, logger="mapper"):
        compare([SCENARIOS / "key_cities.yaml", other])
    assert any(
        "different front lines" in r.getMessage() for r in caplog.records
    )  # logged, not printed
    result = run_cli("compare", SCENARIOS / "key_cities.yaml", other, "-f", "json")
    assert "warning: the scenarios use 2 different front lines" in result.stderr
    dates = {s["front_line"]["date"] for s in json.loads(result.stdout)["scenarios"]}
    assert dates == {"2025-03-27", "2024-11-20"}


def test_front_line_override_applies_to_every_scenario() -> None:
    c = load_comparison([SCENARIOS], front_line=FRONTLINE_2024)
    assert {s.front.date for s, _ in c.scenarios} == {"2024-11-20"}
    # one line for all: no warning about front lines (the phased plan's later situation date is still said)
    assert not [w for w in c.warnings if "front line" in w]


def test_bad_inputs_name_the_file(tmp_path: Path, make_scenario) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ScenarioError, match="empty: no scenario files"):
        load_comparison([empty])
    with pytest.raises(MapperError, match=r"missing\.yaml"):
        load_comparison([tmp_path / "missing.yaml"])
    bad = make_scenario(
        "format: 1\nid: bad\ntitle: x\ndate: 2025-03-27\noptions: nope\n", name="bad.yaml"
    )
    with pytest.raises(ScenarioError, match=r"bad\.yaml:5"):
        load_comparison([SCENARIOS / "key_cities.yaml", bad])
    with pytest.raises(UsageError):
        load_comparison([])


def test_keep_going_lists_failures(tmp_path: Path, make_scenario) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    bad = make_scenario(
        "format: 1\nid: bad\ntitle: x\ndate: 2025-03-27\noptions: nope\n", name="bad.yaml"
    )
    paths = [str(SCENARIOS / "key_cities.yaml"), str(bad), str(empty), str(tmp_path / "gone.yaml")]
    c = load_comparison(paths, keep_going=True)
    assert c.keys == ["cities"] and len(c.failures) == 3
    md = to_markdown(c)
    assert "## Not compared (errors)" in md
    for name in ("bad.yaml", "empty", "gone.yaml"):
        assert name in md and name in to_table(c)
    assert [f["file"] for f in json.loads(to_json(c))["failures"]] == paths[1:]
    result = run_cli("compare", *paths, "--keep-going", "-f", "csv")
    assert result.exit_code == 1
    assert (
        result.stdout.startswith("key,") and "cities" in result.stdout
    )  # the report is still written
    assert (
        "bad.yaml" in result.stderr and "3 scenario file(s) could not be compared" in result.stderr
    )
    with pytest.raises(MapperError, match="no scenario could be compared"):
        load_comparison([str(bad)], keep_going=True)


def test_unknown_pair_is_a_usage_error(comparison, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="options: " + ", ".join(_example_option_ids())):
        parse_pair(comparison, "dnipro,nope")
    with pytest.raises(UsageError, match="two different"):
        parse_pair(comparison, "dnipro,dnipro")
    assert parse_pair(comparison, None) == ("corridor", "dnipro")
    result = run_cli("compare", SCENARIOS, "-f", "html", "--pair", "x,y", "-o", tmp_path / "c.html")
    assert result.exit_code == 2
    assert "corridor, dnipro" in result.stderr
    assert not (tmp_path / "c.html").exists()


# -------------------------------------------------------------------------------------------------------------
# Markdown snapshot and hostile text


def test_markdown_snapshot_of_the_examples(comparison) -> None:
    md = to_markdown(comparison, RANK_BY)
    if os.environ.get("MAPPER_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(md, encoding="utf-8")
    expected = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
    assert md == expected, (
        f"{SNAPSHOT.relative_to(REPO)} differs from `mapper compare scenarios/ -f md --rank-by {RANK_BY}`. "
        "If the change is intended, update it with: MAPPER_UPDATE_SNAPSHOTS=1 .venv/bin/pytest "
        "tests/test_compare.py -k snapshot"
    )


HOSTILE_YAML = f"""\
format: 1
id: hostile
title: 'Title {HOSTILE}'
date: 2025-03-27
assumptions: ['Assumption {HOSTILE}']
options:
  - id: evil
    name: '{HOSTILE}'
    colour: navy
    forces:
      - {{name: '{HOSTILE}', nation: FR, troops: 5000, at: Cherkasy}}
"""


@pytest.fixture(scope="module")
def hostile_comparison(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    (d / "hostile.yaml").write_text(HOSTILE_YAML, encoding="utf-8")
    shutil.copy(SCENARIOS / "key_cities.yaml", d / "key_cities.yaml")
    c = load_comparison([d])
    assert c.entry("evil").option.name == HOSTILE
    return c


def test_hostile_text_in_markdown_is_escaped(hostile_comparison) -> None:
    md = to_markdown(hostile_comparison)
    assert "<script>" not in md and "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    row = next(line for line in md.splitlines() if line.startswith("| evil |"))
    cells = re.split(r"(?<!\\)\|", row.strip())[1:-1]
    assert len(cells) == 4  # the pipe in the name did not add a column
    assert r"\*b\*" in row and r"\_i\_" in row and r"\[l\]" in row


def test_hostile_text_in_html_is_escaped(hostile_comparison, tmp_path: Path) -> None:
    html = to_html(hostile_comparison, pair="evil,cities")
    assert "<script>alert" not in html.lower()
    assert "{{ 7*7 }}" not in html and "${x}" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.DOTALL)
    charts = [s for s in svgs if 'role="img"' in s]
    assert len(charts) == 3  # distances, bands and (key_cities has rings) what each option protects
    for svg in charts:
        assert "<script" not in svg and "{{" not in svg and "${" not in svg
        assert "&lt;script&gt;" in svg  # matplotlib escaped the label; it is still readable text
    assert external_urls(html) == []
    # terminal table: no control characters from scenario text
    assert "\x1b" not in to_table(hostile_comparison)


# -------------------------------------------------------------------------------------------------------------
# HTML report


@pytest.fixture(scope="module")
def html_report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "compare.html"
    assert write_comparison([SCENARIOS], out, "html", rank_by=RANK_BY).path == out
    return out


def test_html_report_is_offline_small_and_deterministic(html_report: Path, comparison) -> None:
    from mapper.render import render_html

    html = html_report.read_text(encoding="utf-8")
    assert external_urls(html) == []
    assert html.startswith("<!DOCTYPE html>") and '<meta name="generator" content="mapper">' in html
    # the basemap data is written once and referenced by all three maps
    assert html.count("var mapperShared") == 1
    assert html.count('"name":"Poland (NATO)"') == 1
    assert len(re.findall(r"L\.geoJSON\(mapperShared\[0\]", html)) == 3
    single = len(render_html(comparison.prepared[0]).encode("utf-8"))
    size = html_report.stat().st_size
    assert size < 1.5 * single, (size, single)
    # the same input gives the same bytes
    assert to_html(comparison, RANK_BY) == html


def test_write_comparison_into_a_gallery_folder(html_report: Path, tmp_path: Path) -> None:
    gallery = tmp_path / "gallery"
    out = write_comparison([SCENARIOS], gallery / "compare.html", "html").path
    assert out == gallery / "compare.html" and out.is_file()
    # a page mapper wrote is replaced without --overwrite; another file is not
    assert write_comparison([SCENARIOS / "key_cities.yaml"], out, "md", overwrite=True).path == out
    with pytest.raises(MapperError, match="--overwrite"):
        write_comparison([SCENARIOS / "key_cities.yaml"], out, "md")
    result = write_comparison([SCENARIOS / "key_cities.yaml"], None, "json")
    text = result.text
    assert result.path is None and result.failures == 0
    assert isinstance(text, str) and json.loads(text)["options"][0]["key"] == "cities"


def test_compare_report_formats(comparison) -> None:
    assert compare_report(comparison, "md") == to_markdown(comparison)
    with pytest.raises(UsageError):
        compare_report(comparison, "xml")
    with pytest.raises(UsageError, match="--pair applies"):
        compare_report(comparison, "md", pair="dnipro,west")


# -------------------------------------------------------------------------------------------------------------
# The example script


def test_example_script_prints_options_by_distance(analyzed) -> None:
    result = run_command([sys.executable, REPO / "scripts" / "compare_options.py"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "black_sea: front line of 2025-03-27" in lines
    start = next(i for i, line in enumerate(lines) if line.startswith("option"))
    rows = [line.split() for line in lines[start + 1 :] if line.strip()]
    keys = [r[0] for r in rows]
    assert keys == sorted(analyzed, key=lambda k: -analyzed[k]["min_distance_to_front_km"])
    for r in rows:
        assert float(r[1]) == analyzed[r[0]]["min_distance_to_front_km"]
        assert float(r[2]) == analyzed[r[0]]["troop_weighted_mean_distance_to_front_km"]


# -------------------------------------------------------------------------------------------------------------
# The library API: any source, one pipeline; warnings and failures logged


def test_load_comparison_takes_paths_scenarios_and_prepared_mixed() -> None:
    from mapper.pipeline import load, prepare

    prepared = prepare(SCENARIOS / "dnipro_line.yaml")
    scenario = load(SCENARIOS / "western_regions.yaml")
    text = (SCENARIOS / "neighbouring_country.yaml").read_text(encoding="utf-8")
    c = load_comparison([SCENARIOS / "key_cities.yaml", scenario, prepared, text, prepared])
    assert c.keys == ["cities", "west", "dnipro", "neighbours"]  # the same object twice counts once
    assert c.prepared[2] is prepared  # a Prepared is used as it is, not analysed again
    assert c.entry("dnipro").features is prepared.features.option("dnipro")
    df = compare([scenario, SCENARIOS / "key_cities.yaml"])
    assert list(df.index) == ["west", "cities"]
    assert (
        df.loc["west", "troops"]
        == compare([SCENARIOS / "western_regions.yaml"]).loc["west", "troops"]
    )


def test_write_comparison_logs_warnings_and_failures(tmp_path: Path, make_scenario, caplog) -> None:
    other = _other_front(tmp_path)
    bad = make_scenario("format: 1\nid: bad\noptions: nope\n", name="bad.yaml")
    with caplog.at_level(logging.WARNING, logger="mapper"):
        result = write_comparison(
            [SCENARIOS / "key_cities.yaml", other, bad], None, "csv", keep_going=True
        )
    assert result.path is None and result.text.startswith("key,") and result.failures == 1
    levels = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "mapper"]
    assert [lv for lv, _ in levels] == ["WARNING", "ERROR"]
    assert "different front lines" in levels[0][1]
    assert levels[1][1].startswith("not compared: ") and "bad.yaml" in levels[1][1]


def test_compare_command_quiet_hides_warnings_not_errors(tmp_path: Path) -> None:
    other = _other_front(tmp_path)
    result = run_cli("-q", "compare", SCENARIOS / "key_cities.yaml", other, "-f", "csv")
    assert result.stdout.startswith("key,") and result.stderr == ""
    result = run_cli("compare", SCENARIOS / "key_cities.yaml", "-o", tmp_path / "c.md")
    assert result.stderr == f"wrote {tmp_path / 'c.md'}\n"

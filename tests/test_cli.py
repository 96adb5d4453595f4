"""The ``mapper`` command line: help and version, validate / analyze / places / schema, exit codes (0 ok, 1 bad
input, 2 usage) through the real entry point, no tracebacks for user errors, and a light ``--help``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from support.cli import RunCli, run_command, run_process
from support.reference import EXAMPLES, INVALID, REPO, SCENARIOS

from mapper import __version__

HEAVY = (
    "geopandas",
    "pyproj",
    "folium",
    "shapely",
    "pandas",
    "matplotlib",
    "numpy",
    "pyogrio",
    "yaml",
)


# ----------------------------------------------------------------------------------------------------------------
# In-process, through mapper.cli.main (tests/support/cli.py), in the test's tmp_path


def test_help_lists_commands(run_cli: RunCli) -> None:
    result = run_cli("--help")
    assert result.exit_code == 0
    for command in ("analyze", "validate", "places", "schema", "render"):
        assert command in result.output
    assert run_cli("-h").output == result.output


def test_version(run_cli: RunCli) -> None:
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"mapper, version {__version__}"


def test_validate_examples_folder(run_cli: RunCli) -> None:
    result = run_cli("validate", str(SCENARIOS))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for path in EXAMPLES:
        assert f"{path}: ok" in lines
    assert len([line for line in lines if line.endswith(": ok")]) == len(EXAMPLES)
    assert lines[-1] == f"{len(EXAMPLES)} file(s) checked, 0 with errors."


def test_validate_quiet_prints_nothing_when_ok(run_cli: RunCli) -> None:
    result = run_cli("-q", "validate", str(SCENARIOS))
    assert result.exit_code == 0 and result.output == ""


def test_validate_strict_turns_warnings_into_errors(run_cli: RunCli, tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(
        "format: 1\nid: t\ntitle: T\ndate: 2025-03-27\noptions:\n  - id: a\n    name: A\n    colour: navy\n"
        "    forces: [{name: f, nation: FR, troops: 5, at: {lat: 59.9, lon: 10.7}}]\n",
        encoding="utf-8",
    )
    result = run_cli("validate", str(path))
    assert result.exit_code == 0
    assert f"{path}:9:51: warning: options[0].forces[0].at:" in result.output
    assert f"{path}: ok (1 warning)" in result.output
    result = run_cli("validate", "--strict", str(path))
    assert result.exit_code == 1
    assert f"{path}:9:51: options[0].forces[0].at:" in result.output


def test_places_lyman(run_cli: RunCli) -> None:
    result = run_cli("places", "Lyman")
    assert result.exit_code == 0
    lyman = [line for line in result.output.splitlines() if line.startswith("Lyman (")]
    # three places are named exactly Lyman, in Donetsk, Kharkiv and Odesa oblasts (places.csv)
    assert len(lyman) == 3
    assert lyman[0].startswith("Lyman (Donetsk, UA) pop. 20,066 48.99012N 37.80843E")
    assert {line.split(" (")[1].split(",")[0] for line in lyman} == {"Donetsk", "Kharkiv", "Odesa"}
    result = run_cli("places", "Lyman, Kharkiv")
    assert result.output.splitlines() == ["Lyman (Kharkiv, UA) pop. 4,008 49.59358N 36.46548E"]


def test_schema_prints_json(run_cli: RunCli) -> None:
    result = run_cli("schema")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "options" in data["properties"]


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_analyze_formats(run_cli: RunCli, fmt: str) -> None:
    result = run_cli("analyze", str(SCENARIOS / "dnipro_line.yaml"), "-f", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        assert json.loads(result.output)["scenario"]["id"] == "dnipro_line"
    elif fmt == "csv":
        assert result.output.startswith("scenario,option,kind,name,")
    else:
        assert "Front line: 2025-03-27" in result.output


def test_analyze_output_file_and_overwrite(run_cli: RunCli, tmp_path: Path) -> None:
    out = tmp_path / "a.json"
    args = ["analyze", str(SCENARIOS / "key_cities.yaml"), "-f", "json", "-o", str(out)]
    result = run_cli(*args)
    assert result.exit_code == 0 and json.loads(out.read_text())["scenario"]["id"] == "key_cities"
    result = run_cli(*args)  # exists: refused without --overwrite
    assert result.exit_code != 0
    assert run_cli(*args, "--overwrite").exit_code == 0


def test_analyze_option_filter(run_cli: RunCli) -> None:
    path = str(SCENARIOS / "dnipro_line.yaml")
    result = run_cli("analyze", path, "-f", "json", "--option", "dnipro")
    assert [o["id"] for o in json.loads(result.output)["options"]] == ["dnipro"]


# ----------------------------------------------------------------------------------------------------------------
# The entry point's exit codes and stderr as a user sees them (from the repository folder), then real processes


def test_entry_point_validate_ok(run_cli: RunCli) -> None:
    r = run_cli("validate", "scenarios", cwd=REPO)
    assert r.exit_code == 0, r.stderr
    assert len([line for line in r.stdout.splitlines() if line.endswith(": ok")]) == len(EXAMPLES)
    assert r.stderr == ""


def test_entry_point_validate_invalid_file(run_cli: RunCli) -> None:
    rel = "tests/data/invalid/several_errors.yaml"
    r = run_cli("validate", rel, cwd=REPO)
    assert r.exit_code == 1
    assert "Traceback" not in r.stderr + r.stdout
    problems = [line for line in r.stderr.splitlines() if line.startswith(rel + ":")]
    expected = (INVALID / "several_errors.expected").read_text(encoding="utf-8").splitlines()
    assert len(problems) == len(expected) >= 2
    for line in problems:
        head = line[len(rel) + 1 :].split(":")
        assert head[0].isdigit() and head[1].isdigit(), line  # file:line:col:
    assert "1 file(s) checked, 1 with errors." in r.stderr


@pytest.mark.parametrize(
    "name", ["alias_bomb", "binary", "latin1", "invalid_yaml", "empty", "not_a_mapping"]
)
def test_entry_point_no_traceback_for_bad_files(run_cli: RunCli, name: str) -> None:
    r = run_cli("validate", f"tests/data/invalid/{name}.yaml", cwd=REPO)
    assert r.exit_code == 1
    assert "Traceback" not in r.stderr
    assert r.stderr.startswith(f"tests/data/invalid/{name}.yaml:")


def test_entry_point_analyze_missing_file(run_cli: RunCli, tmp_path: Path) -> None:
    r = run_cli("analyze", str(tmp_path / "nope.yaml"), cwd=REPO)
    assert r.exit_code == 1
    assert r.stderr == f"Error: {tmp_path / 'nope.yaml'}: no such file\n"
    assert r.stdout == ""


def test_entry_point_analyze_invalid_file(run_cli: RunCli) -> None:
    r = run_cli("analyze", "tests/data/invalid/unknown_place.yaml", cwd=REPO)
    assert r.exit_code == 1 and "Traceback" not in r.stderr
    # one located problem: the line starts with file:line:col: like validate's (no "Error: " before it)
    assert r.stderr.startswith(
        "tests/data/invalid/unknown_place.yaml:10:48: options[0].forces[0].at:"
    )


def test_entry_point_control_character(run_cli: RunCli, tmp_path: Path) -> None:
    # regression: a control character in the file escaped as a PyYAML ReaderError traceback
    path = tmp_path / "c.yaml"
    path.write_bytes(b"format: 1\nid: t\x1fx\n")
    r = run_cli("validate", str(path), cwd=REPO)
    assert r.exit_code == 1 and "Traceback" not in r.stderr
    assert f"{path}:2:6: invalid YAML: control character U+001F" in r.stderr


def test_entry_point_bad_front_line_override(run_cli: RunCli) -> None:
    # regression: an over-long --front-line name raised OSError (a traceback)
    r = run_cli(
        "analyze", "scenarios/dnipro_line.yaml", "--front-line", "a" * 300 + ".geojson", cwd=REPO
    )
    assert r.exit_code == 1 and "Traceback" not in r.stderr
    assert "File name too long" in r.stderr


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["analyze", "scenarios/dnipro_line.yaml", "--format", "xml"], "'xml' is not one of"),
        (["analyze"], "Missing argument 'SCENARIO'"),
        (["validate"], "Missing argument"),
        (["--no-such-option"], "No such option"),
        (["frobnicate"], "No such command 'frobnicate'"),
        (["analyze", "scenarios/dnipro_line.yaml", "--option", "zzz"], "no option 'zzz'"),
    ],
)
def test_entry_point_usage_errors_exit_2(run_cli: RunCli, args: list[str], fragment: str) -> None:
    r = run_cli(*args, cwd=REPO)
    assert r.exit_code == 2, (r.stdout, r.stderr)
    assert fragment in r.stderr
    assert "Traceback" not in r.stderr


def test_entry_point_help_and_version() -> None:
    r = run_process("--help")
    assert r.exit_code == 0 and "Usage: mapper" in r.stdout
    r = run_process("--version")
    assert r.exit_code == 0 and r.stdout.strip() == f"mapper, version {__version__}"


def test_console_script_installed() -> None:
    script = Path(sys.executable).parent / "mapper"
    if not script.exists():
        pytest.skip("console script not installed in this environment")
    r = run_command([script, "validate", "tests/data/invalid/unknown_top_key.yaml"])
    assert r.exit_code == 1 and "Traceback" not in r.stderr


def test_help_imports_no_heavy_library() -> None:
    code = (
        "import sys\n"
        "from mapper.cli import main\n"
        "main(['--help'])\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
    )
    r = run_command([sys.executable, "-c", code], timeout=60)
    assert r.exit_code == 0 and "Usage: mapper" in r.stdout, r
    assert r.stderr.strip() == "", f"heavy modules imported by `mapper --help`: {r.stderr.strip()}"

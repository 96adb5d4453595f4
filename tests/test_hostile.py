"""Hostile input through the real command line: every case has an asserted outcome (exit code 0, 1 or 2, a clean
message, never a traceback), and outputs are atomic, never clobbered and never outside the chosen place.

The loader-level cases live in tests/test_loader.py; here the same kinds of input (and worse) go through
``mapper.cli.main`` in-process (``run_cli`` of tests/support/cli.py: the entry point's real exit-code logic,
streams captured) and, for the cases that could hang or that need the real process, through ``python -m mapper``
in a subprocess with a timeout (``run_process``). Corpus: tests/data/hostile/ (small files; big ones are generated
here). What the tool guarantees, and which test here proves it, is written down in docs/reliability.md.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support.cli import run_cli, run_process
from support.reference import DATA, FRONTLINES, SCENARIOS

from mapper import atomic, yamlsafe
from mapper.scenario import MAX_FORCES_PER_OPTION, MAX_SHAPES, MAX_SITES

HOSTILE = DATA / "hostile"
EXAMPLE = SCENARIOS / "dnipro_line.yaml"

INJ = (
    "{{ 7*7 }} {% raw %} <script>alert(1)</script> <img src=x onerror=alert(2)> `${x}` </script> "
    "\\ \" ' ]]> & &amp;"
)


def scenario_text(
    forces: str = "      - {name: Brigade, nation: FR, troops: 5000, at: Cherkasy}\n",
) -> str:
    return (
        "format: 1\nid: t\ntitle: T\ndate: 2025-03-27\noptions:\n"
        "  - id: a\n    name: A\n    colour: navy\n    forces:\n" + forces
    )


# ----------------------------------------------------------------------------------------------------------------
# Hostile YAML: bombs, nesting, encodings


BAD_FILES = {
    "billion_laughs.yaml": "YAML aliases expand to over 1,000,000 values (an alias bomb?)",
    "recursive_alias.yaml": "YAML aliases expand to over 1,000,000 values",
    "deep_nesting.yaml": "nesting deeper than 50 levels",
    "deep_block_nesting.yaml": "nesting deeper than 50 levels",
    "binary.yaml": "binary file (NUL byte): expected a UTF-8 YAML text file",
    "latin1.yaml": "5:26: not valid UTF-8 (byte 0xe9): save the file as UTF-8",
    "utf16_bom.yaml": "1:1: UTF-16 text (byte-order mark): save the file as UTF-8",
    "utf16be_bom.yaml": "1:1: UTF-16 text (byte-order mark): save the file as UTF-8",
    "python_tag.yaml": "summary: expected a text, got a list",
    "id_traversal.yaml": "id: expected an id of lower-case letters, digits, '-' or '_', got '../x'",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
@pytest.mark.parametrize("command", ["validate", "analyze", "render", "export"])
def test_hostile_files_are_refused_cleanly(name: str, command: str, tmp_path: Path) -> None:
    args = [command, HOSTILE / name]
    if command in ("render", "export"):
        args += ["-o", tmp_path / ("x.html" if command == "render" else "x.geojson")]
    result = run_cli(*args, cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert BAD_FILES[name] in result.stderr
    assert f"{HOSTILE / name}:" in result.stderr  # file:line:col: message
    stdout = [line for line in result.stdout.splitlines() if ": warning: YAML tag " not in line]
    assert stdout in ([], ["1 file(s) checked, 1 with errors."])
    assert not (tmp_path / "pwned").exists() and not list(tmp_path.iterdir())


def test_bombs_through_the_real_process() -> None:
    result = run_process(
        "validate", HOSTILE / "billion_laughs.yaml", HOSTILE / "recursive_alias.yaml", timeout=60
    )
    assert result.exit_code == 1
    assert result.stderr.count("an alias bomb?") == 2


def test_fifty_megabyte_file_refused_by_size_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:  # sparse: 50 MB on paper, nothing written
        fh.truncate(50 * 1024 * 1024)
    opened: list[str] = []

    def spy_open(path, *args, **kwargs):  # yamlsafe's open(): must not be reached
        opened.append(str(path))
        return open(path, *args, **kwargs)

    monkeypatch.setattr(yamlsafe, "open", spy_open, raising=False)
    result = run_cli("validate", big)
    assert result.exit_code == 1
    assert "file is 52,428,800 bytes, over the 8,388,608-byte limit for a scenario" in result.stderr
    assert opened == []
    # the real process says the same, for every command
    for command in ("analyze", "render"):
        proc = run_process(command, big, timeout=60)
        assert proc.exit_code == 1 and "over the 8,388,608-byte limit" in proc.stderr


def test_directory_given_as_a_scenario(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    for command in ("analyze", "render", "export"):
        result = run_cli(command, tmp_path / "folder")
        assert result.exit_code == 1
        assert "is a directory, expected a scenario file (.yaml)" in result.stderr
    result = run_cli("validate", tmp_path / "folder")
    assert (
        result.exit_code == 1
        and "no scenario files (*.yaml, *.yml) in this folder" in result.stderr
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_fifo_given_as_a_scenario_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    for command in ("validate", "analyze", "render"):
        result = run_process(command, fifo, timeout=60)  # a hang fails here with TimeoutExpired
        assert result.exit_code == 1
        assert "is not a regular file (a FIFO, device or socket?)" in result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_fifo_as_front_line_file_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "front.geojson"
    os.mkfifo(fifo)
    result = run_process("analyze", EXAMPLE, "--front-line", fifo, timeout=60)
    assert result.exit_code == 1 and "front.geojson: is not a regular file" in result.stderr
    scenario = tmp_path / "s.yaml"
    scenario.write_text(scenario_text().replace("options:", "front_line: front.geojson\noptions:"))
    result = run_process("validate", scenario, timeout=60)
    assert result.exit_code == 1 and "is not a regular file" in result.stderr


# ----------------------------------------------------------------------------------------------------------------
# Files named by a scenario stay in its folder (docs/scenario-format.md); --front-line may point anywhere


def _with_front(folder: Path, value: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "s.yaml"
    path.write_text(scenario_text().replace("options:", f"front_line: {value}\noptions:"))
    return path


@pytest.mark.parametrize("name", ["front_line_dotdot.yaml", "front_line_absolute.yaml"])
def test_front_line_outside_the_folder_refused(name: str) -> None:
    result = run_cli("analyze", HOSTILE / name)
    assert result.exit_code == 1
    assert "a scenario may only name files inside its own folder" in result.stderr
    assert "pass other files on the command line with --front-line" in result.stderr


def test_front_line_symlink_pointing_outside_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    target = tmp_path / "elsewhere" / "front.geojson"
    target.write_bytes((FRONTLINES / "contact.geojson").read_bytes())
    path = _with_front(tmp_path / "scn", "front.geojson")
    (tmp_path / "scn" / "front.geojson").symlink_to(target)
    result = run_cli("analyze", path)
    assert result.exit_code == 1
    assert (
        "front_line: 'front.geojson' resolves (through a link) outside the scenario's folder"
        in result.stderr
    )
    # ... while the same file given on the command line is fine
    ok = run_cli("analyze", path, "--front-line", target, "-f", "json")
    assert ok.exit_code == 0 and json.loads(ok.stdout)["front_line"]["date"] == "2025-01-10"


def test_front_line_symlink_inside_the_folder_allowed(tmp_path: Path) -> None:
    path = _with_front(tmp_path, "link.geojson")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "front.geojson").write_bytes((FRONTLINES / "contact.geojson").read_bytes())
    (tmp_path / "link.geojson").symlink_to(tmp_path / "data" / "front.geojson")
    result = run_cli("analyze", path, "-f", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["front_line"]["date"] == "2025-01-10"


def test_linked_scenario_reads_and_checks_files_next_to_the_link(tmp_path: Path) -> None:
    """Regression: the containment check used the link target's folder while the file was read next to the link,
    so a linked scenario could read a linked front line from anywhere."""
    real = _with_front(tmp_path / "real", "front.geojson")
    (tmp_path / "real" / "front.geojson").write_bytes((FRONTLINES / "contact.geojson").read_bytes())
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "front.geojson").write_bytes(
        (FRONTLINES / "contact.geojson").read_bytes()
    )
    (tmp_path / "link").mkdir()
    link = tmp_path / "link" / "s.yaml"
    link.symlink_to(real)
    # no front.geojson next to the link: not found (it is not taken from the target's folder either)
    result = run_cli("analyze", link)
    assert result.exit_code == 1 and "front-line file not found" in result.stderr
    # a front.geojson next to the link that points outside the link's folder: refused
    (tmp_path / "link" / "front.geojson").symlink_to(tmp_path / "secret" / "front.geojson")
    result = run_cli("analyze", link)
    assert (
        result.exit_code == 1
        and "resolves (through a link) outside the scenario's folder" in result.stderr
    )
    # the real file is fine, and a link to a scenario with the bundled line loads from anywhere
    assert run_cli("analyze", real).exit_code == 0
    (tmp_path / "link2.yaml").symlink_to(EXAMPLE)
    assert run_cli("validate", tmp_path / "link2.yaml").exit_code == 0


# ----------------------------------------------------------------------------------------------------------------
# Numbers


@pytest.mark.parametrize(
    "value", [".nan", ".NaN", ".inf", "-.inf", "1e308", "-1e308", "9" * 40, "9" * 5000]
)
@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("troops", "troops: expected a whole number of troops (1 to 1,000,000)"),
        ("lat", "at.lat: expected a latitude in degrees (-90 to 90)"),
        ("lon", "at.lon: expected a longitude in degrees (-180 to 180)"),
        ("range_km", "range_km: expected a distance in km (greater than 0, at most 3,000)"),
    ],
)
def test_non_finite_and_huge_numbers(tmp_path: Path, value: str, field: str, message: str) -> None:
    values = {"troops": "5000", "lat": "49.44", "lon": "32.06", "range_km": "50", field: value}
    force = (
        f"      - {{name: B, nation: FR, troops: {values['troops']}, range_km: {values['range_km']}, "
        f"at: {{lat: {values['lat']}, lon: {values['lon']}}}}}\n"
    )
    path = tmp_path / "s.yaml"
    path.write_text(scenario_text(force))
    result = run_cli("analyze", path)
    assert result.exit_code == 1
    assert f"options[0].forces[0].{message}, got " in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize("value", [".nan", ".inf", "1e308", "9" * 5000])
def test_non_finite_zone_and_band_km(tmp_path: Path, value: str) -> None:
    text = (
        scenario_text() + f"    zones:\n      - {{name: Z, buffer_of: front_line, km: {value}}}\n"
    )
    text = text.replace("options:", f"bands_km: [{value}]\noptions:")
    path = tmp_path / "s.yaml"
    path.write_text(text)
    result = run_cli("validate", path)
    assert result.exit_code == 1
    assert "bands_km[0]" in result.stderr and "options[0].zones[0].km" in result.stderr


# ----------------------------------------------------------------------------------------------------------------
# Big scenarios: limits (mapper/scenario.py) refuse what would be slow, before any place is resolved


def _forces(n_options: int, per_option: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    out = ["format: 1", "id: many", "title: Many forces", "date: 2025-03-27", "options:"]
    for o in range(n_options):
        out += [f"  - id: o{o}", f"    name: Option {o}", "    colour: navy", "    forces:"]
        for i in range(per_option):
            lat, lon = round(rng.uniform(47.0, 51.5), 4), round(rng.uniform(23.0, 31.0), 4)
            out.append(
                f"      - {{name: F{i}, nation: FR, troops: {rng.randint(100, 5000)}, "
                f"at: {{lat: {lat}, lon: {lon}}}}}"
            )
    return "\n".join(out) + "\n"


@pytest.mark.parametrize(
    "n",
    [MAX_FORCES_PER_OPTION + 1, pytest.param(10_000, marks=pytest.mark.slow)],
    ids=["limit+1", "10k"],
)
def test_too_many_forces_in_one_option_refused_by_the_list_limit(tmp_path: Path, n: int) -> None:
    path = tmp_path / "many.yaml"
    path.write_text(_forces(1, n))
    assert (
        path.stat().st_size < yamlsafe.MAX_FILE_BYTES
    )  # under the size limit: the list limit refuses it
    result = run_cli("analyze", path)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"{path}:10:7: options[0].forces: {n:,} items, over the limit of {MAX_FORCES_PER_OPTION:,} for this list"
    ]


# the per-option limit allows MAX_SITES // MAX_FORCES_PER_OPTION full options: one more goes over the scenario limit
_OPTIONS_OVER = MAX_SITES // MAX_FORCES_PER_OPTION + 1


@pytest.mark.parametrize(
    "per_option",
    [
        -(-(MAX_SITES + 1) // _OPTIONS_OVER),
        pytest.param(MAX_FORCES_PER_OPTION, marks=pytest.mark.slow),
    ],
    ids=["limit+", "full"],
)
def test_too_many_forces_in_all_options_refused_by_the_scenario_limit(
    tmp_path: Path, per_option: int
) -> None:
    path = tmp_path / "many.yaml"
    path.write_text(_forces(_OPTIONS_OVER, per_option))
    result = run_cli("render", path, cwd=tmp_path)  # (validate and analyze load the same way)
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"{path}:6:3: options: {_OPTIONS_OVER * per_option:,} forces and hubs in all options together, over "
        f"the limit of {MAX_SITES:,} per scenario; split it into several scenario files"
    ]
    assert not (tmp_path / "out").exists()


def test_too_many_shapes_refused(tmp_path: Path) -> None:
    zones = "".join(
        f"      - {{name: z{i}, buffer_of: front_line, km: {1 + i}}}\n"
        for i in range(MAX_SHAPES + 1)
    )
    path = tmp_path / "zones.yaml"
    path.write_text(scenario_text() + "    zones:\n" + zones)
    result = run_cli("validate", path)
    assert result.exit_code == 1
    assert (
        f"options: {MAX_SHAPES + 1} lines, areas and zones in all options together" in result.stderr
    )


@pytest.mark.sweep
def test_scenario_at_the_site_limit_is_analysed(tmp_path: Path) -> None:
    path = tmp_path / "limit.yaml"
    path.write_text(_forces(MAX_SITES // MAX_FORCES_PER_OPTION, MAX_FORCES_PER_OPTION))
    result = run_cli("analyze", path, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert sum(len(o["forces"]) for o in data["options"]) == MAX_SITES


@pytest.mark.slow
def test_scenario_at_the_site_limit_renders(tmp_path: Path) -> None:
    path = tmp_path / "limit.yaml"
    path.write_text(_forces(MAX_SITES // MAX_FORCES_PER_OPTION, MAX_FORCES_PER_OPTION))
    out = tmp_path / "limit.html"
    result = run_process("render", path, "-o", out, timeout=300)
    assert result.exit_code == 0, result.stderr
    assert out.stat().st_size > 0


def test_an_invalid_forces_list_is_not_reported_as_missing(tmp_path: Path) -> None:
    """Regression: an over-long or mistyped forces list also said 'an option needs at least one of forces ...'."""
    path = tmp_path / "s.yaml"
    path.write_text(scenario_text("").replace("    forces:\n", "    forces: 5\n"))
    result = run_cli("validate", path)
    assert result.exit_code == 1
    assert "forces: expected a list of" in result.stderr
    assert "needs at least one of" not in result.stderr


# ----------------------------------------------------------------------------------------------------------------
# Injection strings in every text field: literal in JSON/CSV/table/GeoJSON/KML/GPKG, inert in HTML

SHOWN = {  # marker → where analysis JSON has it
    "T": ("scenario", "title"),
    "B": ("bands", 0, "label"),
    "O": ("options", 0, "name"),
    "F": ("options", 0, "forces", 0, "name"),
    "L": ("options", 0, "forces", 0, "location"),
    "F2": ("options", 0, "forces", 1, "name"),
    "H": ("options", 0, "hubs", 0, "name"),
}


def _lit(marker: str) -> str:
    return f"{marker} {INJ}"


def test_injection_json_round_trips() -> None:
    result = run_cli("analyze", HOSTILE / "injection.yaml", "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    for marker, where in SHOWN.items():
        value = data
        for key in where:
            value = value[key]
        assert value == _lit(marker), marker
    assert data["options"][0]["forces"][0]["nearest_hub"] == _lit("H")


def test_injection_csv_round_trips() -> None:
    result = run_cli("analyze", HOSTILE / "injection.yaml", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["name"] for r in rows] == [_lit("F"), _lit("F2"), _lit("H")]
    assert rows[0]["location"] == _lit("L") and rows[0]["nearest_hub"] == _lit("H")


def test_injection_table_shows_the_text_as_written() -> None:
    result = run_cli("analyze", HOSTILE / "injection.yaml")
    assert result.exit_code == 0, result.stderr
    flat = " ".join(result.stdout.split())  # the table wraps long titles
    for marker in ("T", "O"):
        assert " ".join(_lit(marker).split()) in flat
    assert "&lt;" not in result.stdout and "&#" not in result.stdout  # not HTML-escaped: plain text


def test_injection_export_geojson_and_kml_read_back_literally(tmp_path: Path) -> None:
    gj, kml = tmp_path / "x.geojson", tmp_path / "x.kml"
    assert run_cli("export", HOSTILE / "injection.yaml", "-o", gj).exit_code == 0
    assert run_cli("export", HOSTILE / "injection.yaml", "-o", kml).exit_code == 0
    names = {f["properties"]["name"] for f in json.loads(gj.read_text("utf-8"))["features"]}
    for marker in ("F", "F2", "H", "LN", "AR", "Z"):
        assert _lit(marker) in names, marker
    props = next(
        f["properties"]
        for f in json.loads(gj.read_text("utf-8"))["features"]
        if f["properties"]["name"] == _lit("F")
    )
    assert props["option_name"] == _lit("O") and props["description"] == _lit("FD")
    root = ET.fromstring(kml.read_bytes())  # well-formed XML despite ]]> & < in every name
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    kml_names = {e.text for e in root.iterfind(".//k:Placemark/k:name", ns)}
    for marker in ("F", "F2", "H", "LN", "AR", "Z"):
        assert _lit(marker) in kml_names, marker
    assert b"<script>" not in kml.read_bytes()  # the balloon HTML is escaped too


def test_injection_export_gpkg_reads_back_literally(tmp_path: Path) -> None:
    pyogrio = pytest.importorskip("pyogrio")
    out = tmp_path / "x.gpkg"
    assert run_cli("export", HOSTILE / "injection.yaml", "-o", out).exit_code == 0
    forces = pyogrio.read_dataframe(out, layer="forces")
    assert sorted(forces["name"]) == sorted([_lit("F"), _lit("F2")])
    assert set(pyogrio.read_dataframe(out, layer="zones")["name"]) == {_lit("Z")}


def test_injection_render_bytes_are_inert(tmp_path: Path) -> None:
    out = tmp_path / "x.html"
    result = run_cli("render", HOSTILE / "injection.yaml", "-o", out)
    assert result.exit_code == 0, result.stderr
    page = out.read_text("utf-8")
    for raw in ("<script>alert(1)", "<img src=x", "{{ 7*7 }}", "{% raw %}", "`${x}`", INJ):
        assert raw not in page, raw
    assert page.count("<script") == page.count("</script>")  # no injected closing tag
    assert "49" not in re.findall(r"&#123;&#123;\s*(\S+)", page)  # Jinja did not evaluate anything
    for context in re.findall(r"(.{12})alert\(1\)", page):  # every occurrence is escaped text
        assert context.endswith(("&gt;", "\\u0026gt;", "\\u003e")), context
    # ... and every field shown on the map reads exactly as written once the escaping is decoded
    decoded = html.unescape(page.replace("\\u0026", "&").replace('\\"', '"').replace("\\\\", "\\"))
    for marker in ("T", "S", "Src", "A", "B", "O", "F", "F2", "L", "H", "LN", "AR", "Z"):
        assert _lit(marker) in decoded, marker


# ----------------------------------------------------------------------------------------------------------------
# Outputs: atomic, never clobbered without --overwrite, never a device, never outside the chosen place


def _fail_replace(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", boom)


@pytest.mark.parametrize(
    ("command", "name", "extra"),
    [
        ("render", "x.html", []),
        ("export", "x.geojson", ["--overwrite"]),
        ("export", "x.kml", ["--overwrite"]),
        ("analyze", "x.json", ["-f", "json", "--overwrite"]),
    ],
)
def test_failed_write_leaves_the_existing_output_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, name: str, extra: list[str]
) -> None:
    out = tmp_path / name
    assert run_cli(command, EXAMPLE, "-o", out, *extra).exit_code == 0
    before = out.read_bytes()
    _fail_replace(monkeypatch)
    result = run_cli(command, EXAMPLE, "-o", out, *extra)
    assert result.exit_code == 1
    assert f"{out}: cannot write: No space left on device" in result.stderr
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary file left behind


def test_failed_gpkg_write_leaves_the_existing_output_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mapper.export as export

    out = tmp_path / "x.gpkg"
    assert run_cli("export", EXAMPLE, "-o", out).exit_code == 0
    before = out.read_bytes()
    real = export._gpkg_writer
    calls = []

    def half(path, layer, frame, description):  # the disk fills up after the third layer
        calls.append(layer)
        if len(calls) > 3:
            raise OSError(28, "No space left on device")
        real(path, layer, frame, description)

    monkeypatch.setattr(export, "_gpkg_writer", half)
    result = run_cli("export", EXAMPLE, "-o", out, "--overwrite")
    assert result.exit_code == 1 and "No space left on device" in result.stderr
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.gpkg"]


@pytest.mark.parametrize(
    ("command", "name"), [("render", "notes.html"), ("export", "notes.geojson")]
)
def test_existing_foreign_file_needs_overwrite(tmp_path: Path, command: str, name: str) -> None:
    out = tmp_path / name
    out.write_text("precious, not written by mapper")
    result = run_cli(command, EXAMPLE, "-o", out)
    assert result.exit_code == 1
    assert "pass --overwrite to replace it" in result.stderr
    assert out.read_text() == "precious, not written by mapper"
    assert run_cli(command, EXAMPLE, "-o", out, "--overwrite").exit_code == 0
    assert out.read_text("utf-8") != "precious, not written by mapper"


def test_render_replaces_its_own_map_but_export_needs_overwrite(tmp_path: Path) -> None:
    html_out, gj = tmp_path / "m.html", tmp_path / "m.geojson"
    assert run_cli("render", EXAMPLE, "-o", html_out).exit_code == 0
    assert '<meta name="generator" content="mapper">' in html_out.read_text("utf-8")
    assert run_cli("render", EXAMPLE, "-o", html_out).exit_code == 0  # its own map: replaced
    assert run_cli("export", EXAMPLE, "-o", gj).exit_code == 0
    again = run_cli("export", EXAMPLE, "-o", gj)
    assert again.exit_code == 1 and "file exists; pass --overwrite to replace it" in again.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_fifo_as_output_is_refused_without_hanging(tmp_path: Path) -> None:
    """Regression: `render -o FIFO` blocked forever reading the FIFO to see whether mapper wrote it."""
    fifo = tmp_path / "out.html"
    os.mkfifo(fifo)
    result = run_process("render", EXAMPLE, "-o", fifo, timeout=120)
    assert (
        result.exit_code == 1
        and "is not a regular file (a device, FIFO or socket)" in result.stderr
    )
    result = run_process("render", EXAMPLE, "-o", fifo, "--png", tmp_path / "x.png", timeout=120)
    assert result.exit_code == 1
    for command, extra in (
        ("render", []),
        ("export", ["-f", "geojson"]),
        ("analyze", []),
    ):
        result = run_cli(command, EXAMPLE, "-o", fifo, "--overwrite", *extra)
        assert result.exit_code == 1
        assert "is not a regular file (a device, FIFO or socket)" in result.stderr
    assert fifo.exists() and not fifo.is_file()  # still the FIFO: never replaced


@pytest.mark.parametrize(
    "bad_id", ["../x", "..", "a/b", "x.html", "/etc/x", "A", "a\\b", "-x", "a" * 65]
)
def test_scenario_id_cannot_name_a_path(tmp_path: Path, bad_id: str) -> None:
    (tmp_path / "work").mkdir()
    path = tmp_path / "work" / "s.yaml"
    path.write_text(scenario_text().replace("id: t", f"id: {json.dumps(bad_id)}"))
    for command in ("render", "export"):
        result = run_cli(command, path, cwd=tmp_path / "work")
        assert result.exit_code == 1
        assert "id: expected an id of lower-case letters, digits, '-' or '_'" in result.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["s.yaml", "work"]


def test_default_outputs_stay_in_out(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(scenario_text())
    assert run_cli("render", path, cwd=tmp_path).exit_code == 0
    assert run_cli("export", path, cwd=tmp_path).exit_code == 0
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "out",
        "out/t.geojson",
        "out/t.html",
        "s.yaml",
    ]


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    result = run_cli("render", EXAMPLE, "--size", "10x10")
    assert result.exit_code == 2 and "width and height must be 64 to 10000 pixels" in result.stderr
    assert run_cli("export", EXAMPLE, "-o", tmp_path / "x.kml", "-f", "gpkg").exit_code == 2
    assert run_cli("analyze", EXAMPLE, "--option", "nope").exit_code == 2
    assert run_cli("frobnicate").exit_code == 2

"""Hostile output channels (issue 19, "output"): every output error is a clean message and exit 1, standard
output that cannot be written is one too, and text from anywhere (file names, front-line file properties, scenario
text, messages quoting values) reaches each channel only through that channel's sanitiser (``mapper.textsafe``):
terminal, XML (KML), CSV, PNG text, JSON.

Corpus: tests/data/hostile/front_line_control_chars.geojson (escape sequences, a bidi override, NUL and a C1 CSI
in every property), tests/data/hostile/csv_formulas.yaml (spreadsheet formulas as names); file names with escape
sequences are made here (they cannot live in git). What this proves is written down in docs/reliability.md.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from support.cli import ENV, REPO, run_cli, run_process
from support.reference import DATA, SCENARIOS

from mapper import atomic, textsafe
from mapper.errors import OutputError

HOSTILE = DATA / "hostile"
EXAMPLE = SCENARIOS / "dnipro_line.yaml"
FRONT = HOSTILE / "front_line_control_chars.geojson"
FORMULAS = HOSTILE / "csv_formulas.yaml"

#: window title, clear screen, a terminal hyperlink, a right-to-left override, NUL and a C1 CSI
EVIL = "\x1b]0;pwned\x07 \x1b[2J \x1b]8;;http://x\x07link\x1b]8;;\x07 \u202eevil \x00 \x9b31m end"
RAW = ("\x1b", "\x07", "\x00", "\x9b", "\u202e")  # none of these may reach a terminal


def _no_raw(text: str) -> None:
    for ch in RAW:
        assert ch not in text, (ch, text)


def _hostile_prepared(text: str = EVIL):
    """A prepared scenario whose title, option, force and front-line texts all carry ``text`` (built past the
    loader, which refuses control characters in scenario fields: the outputs must hold on their own)."""
    from mapper.pipeline import prepare

    s = prepare(EXAMPLE).scenario
    opt = s.options[0]
    opt = replace(
        opt,
        name=f"O {text}",
        forces=tuple(replace(f, name=f"F {text}") for f in opt.forces),
        hubs=tuple(replace(h, name=f"H {text}") for h in opt.hubs),
    )
    front = replace(s.front, source=f"S {text}", accuracy=f"A {text}")
    return prepare(replace(s, title=f"T {text}", options=(opt,), front=front))


# ----------------------------------------------------------------------------------------------------------------
# The sanitisers


def test_terminal_shows_controls_as_visible_escapes() -> None:
    shown = textsafe.terminal(EVIL + "\r\tok\nnext \u2067x\u2069 \udcff")
    _no_raw(shown)
    assert "\r" not in shown and "\\x0d\tok" in shown
    assert shown.startswith("\\x1b]0;pwned\\x07 \\x1b[2J \\x1b]8;;http://x\\x07link")
    assert "\\u202eevil \\x00 \\x9b31m end" in shown
    assert (
        "\tok\nnext \\u2067x\\u2069 \\xff" in shown
    )  # tab and newline kept; an undecodable byte shown
    assert textsafe.terminal(shown) == shown  # idempotent
    plain = "🙂 Київ שלום عربى <b>{{ x }}</b> \\ ' \" \u2028"
    assert textsafe.terminal(plain) == plain


def test_xml_replaces_what_xml_forbids() -> None:
    text = textsafe.xml(EVIL + "\ufffe\udcff")
    assert (
        "\x1b" not in text and "\x00" not in text and "\ufffe" not in text and "\udcff" not in text
    )
    el = ET.Element("a", b=text)
    el.text = text
    assert ET.fromstring(ET.tostring(el)).text == text  # well-formed, reads back as written
    assert textsafe.xml("tab\there\nCR\r 🙂 é \u202e") == "tab\there\nCR\r 🙂 é \u202e"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x","x")', '\'=HYPERLINK("http://x","x")'),
        ("+1", "'+1"),
        ("-1", "-1"),  # a negative number stays a number
        ("-1.5e3", "-1.5e3"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Brigade = 1", "Brigade = 1"),
        (-1.0, -1.0),
        (-5, -5),
        (None, None),
        (True, True),
    ],
)
def test_csv_cell_follows_the_csv_injection_rule(value: object, cell: object) -> None:
    assert textsafe.csv_cell(value) == cell


def test_png_text_has_no_bidi_or_control_characters() -> None:
    assert (
        textsafe.png("abc \u202edef\u202c \u2066x\u2069\u200f \x1b[2J\x00\tz\nw")
        == "abc def x [2J z\nw"
    )
    assert textsafe.png("Київ 🙂 $x$") == "Київ 🙂 $x$"


def test_json_text_is_the_same_json_and_prints_safely() -> None:
    doc = json.dumps({"a": EVIL + "\x7f\u2066"}, ensure_ascii=False)
    safe = textsafe.json_text(doc)
    assert json.loads(safe) == json.loads(doc)
    assert textsafe.terminal(safe) == safe  # nothing left for the terminal boundary to change


# ----------------------------------------------------------------------------------------------------------------
# Standard output that cannot be written


@pytest.mark.parametrize(
    "args",
    [
        ["analyze", str(EXAMPLE)],
        ["compare", str(EXAMPLE), str(SCENARIOS / "black_sea.yaml")],
        ["validate", str(EXAMPLE)],
        ["schema"],
        ["places", "Kyiv"],
    ],
    ids=["analyze", "compare", "validate", "schema", "places"],
)
def test_stdout_on_a_full_disk_is_a_clean_error(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "mapper", *args],
            cwd=REPO,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            env={**os.environ, **ENV},
        )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == "Error: cannot write to standard output: No space left on device\n"


def test_stdout_closed_by_the_reader_ends_quietly_with_exit_0() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "mapper", "schema"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **ENV},
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| head` that has read enough before mapper writes
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0 and err == b""


# ----------------------------------------------------------------------------------------------------------------
# Output errors: a clean message, exit 1


def test_gpkg_export_on_a_full_disk_is_a_clean_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pyogrio.errors import DataSourceError

    import mapper.export as export

    out = tmp_path / "x.gpkg"
    assert run_cli("export", EXAMPLE, "-o", out).exit_code == 0
    before = out.read_bytes()

    def full(path, layer, frame, description):  # what pyogrio raises when GDAL cannot write
        raise DataSourceError(
            f"sqlite3_exec(CREATE TABLE) failed: database or disk is full ({layer})"
        )

    monkeypatch.setattr(export, "_gpkg_writer", full)
    result = run_cli("export", EXAMPLE, "-o", out, "--overwrite")
    assert result.exit_code == 1
    assert (
        f"Error: {out}: cannot write: sqlite3_exec(CREATE TABLE) failed: database or disk is full"
        in (result.stderr)
    )
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.gpkg"]


@pytest.mark.parametrize(
    ("command", "suffix", "extra"),
    [
        ("render", ".html", []),
        ("export", ".geojson", []),
        ("export", ".kml", []),
        ("export", ".gpkg", []),
        ("analyze", ".json", ["-f", "json"]),
        ("compare", ".md", []),
    ],
)
def test_a_name_near_name_max_is_written(
    tmp_path: Path, command: str, suffix: str, extra: list[str]
) -> None:
    """The temporary sibling has a short name, so a 250-byte target name works."""
    out = tmp_path / ("n" * (250 - len(suffix)) + suffix)
    result = run_cli(command, EXAMPLE, "-o", out, *extra)
    assert result.exit_code == 0, result
    assert out.is_file() and [p.name for p in tmp_path.iterdir()] == [out.name]


@pytest.mark.parametrize("command", ["render", "export", "analyze"])
def test_a_name_over_name_max_is_a_clean_error(tmp_path: Path, command: str) -> None:
    out = tmp_path / ("a" * 300 + ".html")
    extra = ["-f", "geojson"] if command == "export" else []
    result = run_cli(command, EXAMPLE, "-o", out, *extra)
    assert result.exit_code == 1, result
    assert f"Error: {out}: cannot write: File name too long" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_render_png_with_a_long_name(tmp_path: Path) -> None:
    png = tmp_path / ("p" * 246 + ".png")
    result = run_cli(
        "render", EXAMPLE, "-o", tmp_path / "m.html", "--png", png, "--size", "320x200"
    )
    assert result.exit_code == 0, result
    assert png.is_file() and sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["m.html", png.name]
    )
    result = run_cli(
        "render", EXAMPLE, "-o", tmp_path / "m.html", "--png", tmp_path / ("p" * 300 + ".png")
    )
    assert result.exit_code == 1 and "File name too long" in result.stderr


def test_atomic_write_and_dir_handle_long_names(tmp_path: Path) -> None:
    name = "x" * 255
    atomic.atomic_write(tmp_path / name, "data", overwrite=False)
    atomic.atomic_write(tmp_path / name, "new", overwrite=True)
    assert (tmp_path / name).read_text() == "new"
    with pytest.raises(OutputError, match="File name too long"):
        atomic.atomic_write(tmp_path / ("x" * 256), "data", overwrite=True)
    folder = tmp_path / ("g" * 250)
    for version in ("v1", "v2"):  # the second swaps with an old-folder sibling
        with atomic.atomic_dir(folder, overwrite=True) as d:
            (d / "index.html").write_text(version)
    assert (folder / "index.html").read_text() == "v2"
    with (
        pytest.raises(OutputError, match="File name too long"),
        atomic.atomic_dir(tmp_path / ("g" * 300), overwrite=True),
    ):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, folder.name])


def test_gallery_with_a_long_folder_name(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "bad.yaml").write_text(
        "format: 1\nid: x\n"
    )  # invalid: fast, still a gallery
    out = tmp_path / ("g" * 250)
    result = run_cli("gallery", tmp_path / "src", "-o", out, "-j", "1")
    assert result.exit_code == 1, result  # the invalid scenario; the gallery itself is written
    assert (out / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["src", out.name])


@pytest.mark.parametrize(
    "args",
    [
        ["render", str(EXAMPLE)],
        ["render", str(EXAMPLE), "--overwrite"],
        ["export", str(EXAMPLE), "-f", "kml"],
        ["export", str(EXAMPLE), "-f", "gpkg"],
        ["analyze", str(EXAMPLE)],
        ["compare", str(EXAMPLE), "-f", "md"],
    ],
)
def test_a_device_is_never_replaced_and_no_option_is_suggested(args: list[str]) -> None:
    result = run_cli(*args, "-o", "/dev/full")
    assert result.exit_code == 1, result
    assert (
        "/dev/full: is not a regular file (a device, FIFO or socket); mapper never replaces one"
        in (result.stderr)
    )
    assert "--overwrite" not in result.stderr


def test_messages_suggest_only_options_that_exist() -> None:
    """Every ``--option`` named in a message of the package is an option of some mapper command."""
    import click

    from mapper.cli import cli

    known = {"--help", "--version"}
    for command in [cli, *cli.commands.values()]:
        for param in command.params:
            if isinstance(param, click.Option):
                known.update(o for o in param.opts + param.secondary_opts if o.startswith("--"))
    named = {}
    for path in sorted((REPO / "mapper").rglob("*.py")):
        text = path.read_text(
            "utf-8"
        )  # CSS custom properties (``--sw:``, ``var(--sw)``) are not options
        for option in re.findall(r"(?<![\w(-])--[a-z][a-z-]*[a-z](?![\w:-])", text):
            named.setdefault(option, path.relative_to(REPO).as_posix())
    assert {o: where for o, where in named.items() if o not in known} == {}


# ----------------------------------------------------------------------------------------------------------------
# Control characters through every channel


def test_analyze_table_shows_front_line_escapes_visibly() -> None:
    result = run_cli("analyze", EXAMPLE, "--front-line", FRONT)
    assert result.exit_code == 0, result
    _no_raw(result.output)
    assert "\\x1b]0;pwned\\x07" in result.stdout and "\\u202eevil" in result.stdout


def test_analyze_table_csv_json_of_hostile_text() -> None:
    from mapper.report import render_analysis

    analysis = _hostile_prepared().analysis
    table = render_analysis(analysis, "table")
    _no_raw(table)
    assert "\\x1b[2J" in table
    data = render_analysis(analysis, "json")
    assert textsafe.terminal(data) == data  # prints safely, and is still the same JSON
    assert json.loads(data)["scenario"]["title"] == f"T {EVIL}"
    rows = list(csv.DictReader(io.StringIO(render_analysis(analysis, "csv"))))
    assert rows[0]["name"] == f"F {EVIL}"  # data, as written (the terminal boundary is the CLI's)


def test_kml_is_well_formed_whatever_the_text(tmp_path: Path) -> None:
    from mapper.export import to_kml

    root = ET.fromstring(to_kml(_hostile_prepared()))
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    names = [e.text or "" for e in root.iterfind(".//k:Placemark/k:name", ns)]
    assert any(n.startswith("F \ufffd]0;pwned\ufffd") for n in names), names
    out = tmp_path / "x.kml"
    result = run_cli("export", EXAMPLE, "--front-line", FRONT, "-o", out)
    assert result.exit_code == 0, result
    text = ET.parse(out).getroot().find("k:Document", ns)
    assert text is not None  # parsed: well-formed
    assert "Source \ufffd]0;pwned\ufffd" in out.read_text("utf-8")


def test_geojson_of_hostile_text_is_valid_utf8_json() -> None:
    from mapper.export import to_geojson

    data = to_geojson(_hostile_prepared(EVIL + " \udcff"))
    doc = json.loads(data.decode("utf-8"))
    assert doc["mapper"]["scenario"]["title"] == f"T {EVIL} \udcff"


def test_csv_cells_cannot_be_formulas() -> None:
    result = run_cli("analyze", FORMULAS, "-f", "csv")
    assert result.exit_code == 0, result
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["name"] for r in rows] == [
        '\'=HYPERLINK("http://x/?"&A1,"click")',
        "'+1",
        "-1",
        "'@SUM(A1:A9)",
        "'-2+3+cmd|' /C calc'!A0",
    ]
    assert rows[3]["location"] == "'-2+3" and rows[0]["nearest_hub"] == "'-2+3+cmd|' /C calc'!A0"
    assert rows[3]["lat"] == "50.0" and rows[3]["lon"] == "25.0"
    compared = run_cli("compare", FORMULAS, "-f", "csv")
    assert compared.exit_code == 0, compared
    cells = [c for row in csv.reader(io.StringIO(compared.stdout)) for c in row]
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in cells, cells
    assert not [c for c in cells if (c and c[0] in "=+@") or re.match(r"-[^\d.]|-\d.*[^\d.eE]", c)]


def test_comparison_table_json_of_hostile_text() -> None:
    from mapper.comparison.model import load_comparison
    from mapper.comparison.text import to_csv, to_json, to_table

    c = load_comparison([_hostile_prepared()])
    _no_raw(to_table(c))
    data = to_json(c)
    assert textsafe.terminal(data) == data
    assert json.loads(data)["options"][0]["name"] == f"O {EVIL}"
    assert f"O {EVIL}" in to_csv(c)  # data as written (no formula start)


def _hostile_name(tmp_path: Path) -> Path:
    folder = tmp_path / "src"
    folder.mkdir()
    path = folder / "bad \x1b]0;pwned\x07\x1b[2J\u202e.yaml"
    path.write_text("format: 1\nid: x\n")  # invalid
    return path


def test_error_lines_show_file_name_escapes_visibly(tmp_path: Path) -> None:
    path = _hostile_name(tmp_path)
    for args in (["validate", path], ["analyze", path], ["render", path]):
        result = run_cli(*args)
        assert result.exit_code == 1, result
        _no_raw(result.output)
        assert "bad \\x1b]0;pwned\\x07\\x1b[2J\\u202e.yaml" in result.stderr


def test_undecodable_file_name_is_shown_not_a_crash(tmp_path: Path) -> None:
    path = os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.yaml")
    Path(path).write_text("format: 1\nid: x\n")
    proc = run_process("validate", path)
    assert proc.exit_code == 1 and "caf\\xe9.yaml" in proc.stderr


def test_gallery_error_and_progress_lines_show_escapes_visibly(tmp_path: Path) -> None:
    from mapper.cli import TerminalProgress

    path = _hostile_name(tmp_path)
    result = run_cli("gallery", path.parent, "-o", tmp_path / "g", "-j", "1")
    assert result.exit_code == 1, result
    _no_raw(result.output)
    assert "\\x1b]0;pwned" in result.stderr
    stream = io.StringIO()
    TerminalProgress(stream)(1, 1, SimpleNamespace(source=path.name, built=False))
    _no_raw(stream.getvalue())
    assert "bad \\x1b]0;pwned\\x07" in stream.getvalue() and "(failed)" in stream.getvalue()


def test_log_lines_and_usage_errors_show_escapes_visibly(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from mapper.cli import configure_logging

    logger = logging.getLogger("mapper")
    saved = list(logger.handlers), logger.level
    try:
        configure_logging(0)
        logger.warning("front line %s", EVIL)
    finally:
        logger.handlers[:], _ = saved[0], logger.setLevel(saved[1])
    err = capsys.readouterr().err
    _no_raw(err)
    assert err.startswith("warning: front line \\x1b]0;pwned\\x07")
    result = run_cli("analyze", EXAMPLE, f"--bad{EVIL}")
    assert result.exit_code == 2
    _no_raw(result.output)
    assert "\\x1b]0;pwned" in result.stderr


def test_png_text_cannot_be_reversed() -> None:
    from matplotlib.figure import Figure

    from mapper.staticmap.drawing import text

    ax = Figure().add_subplot()
    artist = text(ax, 0, 0, "Option \u202eA\u202c \x1b[2J\x00 B")
    assert artist.get_text() == "Option A [2J B"


def test_gpkg_layer_names_in_errors_show_escapes_visibly(tmp_path: Path) -> None:
    import geopandas as gpd
    import pyogrio
    from shapely.geometry import LineString

    line = gpd.GeoDataFrame(
        {"name": ["x"]}, geometry=[LineString([(37, 49.5), (36, 47.6)])], crs="EPSG:4326"
    )
    for layer in ("a\x1b]0;pwned\x07", "b\x1b[2J\u202e"):
        pyogrio.write_dataframe(line, tmp_path / "two.gpkg", layer=layer, driver="GPKG")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "format: 1\nid: t\ntitle: T\ndate: 2025-03-27\nfront_line: two.gpkg\nfront_line_layer: nope\n"
        "options:\n  - id: a\n    name: A\n    colour: navy\n    forces:\n"
        "      - {name: Brigade, nation: FR, troops: 5000, at: Cherkasy}\n"
    )
    result = run_cli("analyze", scenario)
    assert result.exit_code == 1, result
    _no_raw(result.output)
    assert "a\\x1b]0;pwned\\x07" in result.stderr

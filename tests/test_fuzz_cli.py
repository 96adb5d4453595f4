"""Fuzzing the command line: random and mutated scenario files through ``validate``, ``analyze --format json``,
``export --format geojson`` and (for a subset, it is slower) ``render``, in-process through ``mapper.cli.main``.

The property: only ``SystemExit`` leaves ``main`` (a ``MapperError`` becomes exit 1, a usage error exit 2, success
0; anything else propagates and fails the test), no output shows a traceback, the commands agree with each other
(a file ``validate`` accepts is analysed and exported; one it refuses is refused by all), and a success writes a
readable output while a failure writes nothing.

Inputs: the five examples in scenarios/ damaged as *text* (lines deleted or duplicated, which gives duplicate
keys, values swapped for other types, NaN/inf/huge numbers, random unicode, YAML syntax damage), and the
structural mutations and random documents of tests/support/strategies.py (shared with the loader's property
tests). The default run is bounded and deterministic; ``-m slow`` runs a long randomised one.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from support.cli import run_cli
from support.reference import EXAMPLES
from support.strategies import documents, mutated_examples

EXAMPLE_TEXTS = [p.read_text("utf-8") for p in EXAMPLES]

ODD_VALUES = [
    "[]",
    "{}",
    "~",
    "yes",
    "no",
    "''",
    ".nan",
    ".inf",
    "-.inf",
    "1e308",
    "-1e308",
    "99999999999999999999999",
    "0x1F",
    "1_000",
    "12:30:00",
    "2025-13-45",
    "!!binary aGVsbG8=",
    "!!str 5",
    "&a x",
    "*a",
    "[48.5, 35.0]",
    "{lat: .nan, lon: 30}",
    "{lat: 30, lon: 48}",
    "'<script>alert(1)</script>'",
    "'{{ 7*7 }}'",
    "'../../etc/passwd'",
    "/dev/zero",
]
SYNTAX_DAMAGE = [
    "[",
    "]",
    "{",
    "}",
    ":",
    ": ",
    "- ",
    "&a ",
    "*a",
    "*nope",
    "!!",
    "!!python/object:os.system ",
    "\t",
    "'",
    '"',
    "%YAML 1.1\n",
    "---\n",
    "...\n",
    "|\n",
    ">",
    "#",
    "? ",
    ",",
    "<<: ",
    "\ufeff",
    "\u202e",
]
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1, 2_000, 1_000_000, 1_000_001, 5000.5, -0.0]),
).map(
    lambda v: (
        ".nan"
        if v != v
        else (".inf" if v == float("inf") else ("-.inf" if v == float("-inf") else repr(v)))
    )
)


ACTIONS = ("delete", "duplicate", "value", "number", "unicode", "syntax", "indent")
MILD = (
    "delete",
    "duplicate",
    "value",
    "number",
)  # often still a scenario: reaches resolution and output


@st.composite
def damaged_text(draw: st.DrawFn, actions: tuple[str, ...] = ACTIONS, most: int = 4) -> str:
    """An example scenario with 1 to ``most`` text-level edits."""
    lines = draw(st.sampled_from(EXAMPLE_TEXTS)).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, most))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        action = draw(st.sampled_from(actions))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":  # a repeated key, or a repeated list item
            lines.insert(i, line)
        elif action in ("value", "number") and ": " in line:
            key = line.split(": ", 1)[0]
            new = draw(st.sampled_from(ODD_VALUES)) if action == "value" else draw(numbers)
            lines[i] = f"{key}: {new}\n"
        elif action == "unicode":
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(st.text(min_size=1, max_size=6)) + line[at:]
        elif action == "syntax":
            at = draw(st.integers(0, len(line)))
            lines[i] = line[:at] + draw(st.sampled_from(SYNTAX_DAMAGE)) + line[at:]
        else:
            lines[i] = draw(st.sampled_from(["", " ", "  ", "    "])) + line.lstrip(" ")
    return "".join(lines)


scenario_texts = st.one_of(
    damaged_text(),
    damaged_text(MILD, most=1),
    mutated_examples(),
    documents.map(lambda d: json.dumps(d, default=str)),  # JSON is YAML too
)


def _write(folder: Path, text: str) -> Path:
    path = folder / "fuzz.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    return path


def check_commands(text: str, *, render: bool) -> int:
    """Run the commands on ``text`` as a scenario file and check the property; return the common exit code."""
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        path = _write(folder, text)
        codes = {}
        result = run_cli("validate", path)
        codes["validate"] = result.exit_code
        result = run_cli("analyze", path, "--format", "json")
        codes["analyze"] = result.exit_code
        if result.exit_code == 0:
            assert json.loads(result.stdout)["format"] == "mapper-analysis/1"
        else:
            assert result.stdout == "" and result.stderr.strip()
        out = folder / "x.geojson"
        result = run_cli("export", path, "--format", "geojson", "-o", out)
        codes["export"] = result.exit_code
        assert (result.exit_code == 0) == out.exists()
        if out.exists():
            assert json.loads(out.read_text("utf-8"))["type"] == "FeatureCollection"
        if render:
            page = folder / "x.html"
            result = run_cli("render", path, "-o", page)
            codes["render"] = result.exit_code
            assert (result.exit_code == 0) == page.exists()
        assert set(codes.values()) <= {0, 1}, codes
        assert len(set(codes.values())) == 1, f"commands disagree: {codes}"
        leftovers = {p.name for p in folder.iterdir()} - {"fuzz.yaml", "x.geojson", "x.html"}
        assert not leftovers, leftovers  # no temporary files left behind
        return codes["validate"]


FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(text=scenario_texts)
def test_cli_on_damaged_scenarios(text: str) -> None:
    event(
        f"exit {check_commands(text, render=False)}"
    )  # --hypothesis-show-statistics shows the mix


@settings(FUZZ, max_examples=12)
@given(text=damaged_text(MILD, most=1))
def test_cli_render_on_damaged_scenarios(text: str) -> None:
    event(f"exit {check_commands(text, render=True)}")


def test_harness_sees_unexpected_exceptions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The property can fail: an exception other than MapperError escapes main() and the harness."""
    import mapper.report

    def boom(*args: object, **kwargs: object) -> None:
        raise TypeError("boom")

    monkeypatch.setattr(mapper.report, "analyze_text", boom)
    with pytest.raises(TypeError):
        check_commands(EXAMPLE_TEXTS[0], render=False)


def test_harness_sees_disagreement(monkeypatch: pytest.MonkeyPatch) -> None:
    import mapper.export
    from mapper.errors import OutputError

    def refuse(*args: object, **kwargs: object) -> None:
        raise OutputError("refused")

    monkeypatch.setattr(mapper.export, "export_scenario", refuse)
    with pytest.raises(AssertionError, match="commands disagree"):
        check_commands(EXAMPLE_TEXTS[0], render=False)


@pytest.mark.slow
@settings(FUZZ, max_examples=1500, derandomize=False)
@given(text=scenario_texts, render=st.integers(0, 7))
def test_cli_fuzz_long(text: str, render: int) -> None:
    event(f"exit {check_commands(text, render=render == 0)}")

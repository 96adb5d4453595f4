"""``make bench`` (bench/run.py and its section modules) runs and its sections produce rows, on tiny
configurations: the whole run takes 10+ minutes, so only the cheap sections run here, and the ones that render
are marked ``slow``."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def run() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # puts bench/ on sys.path, so the section modules import
    return module


def _table_rows(text: str) -> list[str]:
    return [
        line for line in text.splitlines() if line.startswith("| ") and not line.startswith("|---")
    ]


def test_quick_start_section_writes_a_report_with_its_target(
    run: ModuleType, tmp_path: Path
) -> None:
    out = tmp_path / "report.md"
    assert run.main(["--quick", "--only", "start", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert (
        "- Machine: " in text
        and "Load average at start: " in text
        and "Load average at the end: " in text
    )
    (row,) = [r for r in _table_rows(text) if r.startswith("| `mapper --help`")]
    assert row.rstrip(" |").endswith(("yes", "**no**"))
    assert "## Cold render" not in text  # --only ran that section alone


def test_a_failing_section_is_reported_and_the_report_still_written(
    run: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(repeats: int) -> list[str]:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(run, "bench_start", broken)
    out = tmp_path / "report.md"
    assert run.main(["--quick", "--only", "start", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "## Cold CLI start" in text and "**Failed**: ZeroDivisionError: division by zero" in text


def test_unknown_section_is_a_usage_error(run: ModuleType, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        run.main(["--only", "start,nonsense", "-o", str(tmp_path / "r.md")])
    assert exc.value.code == 2
    assert not (tmp_path / "r.md").exists()


def test_a_refusal_counts_as_clear_only_when_it_names_the_file_and_a_limit(run: ModuleType) -> None:
    from section_targets import _outcome

    line = Path("/tmp/x/big_line.geojson")
    said = (
        f"Error: s.yaml:22:13: front_line: {line}: the file is 47.5 MiB, over the limit of 20 MiB"
    )
    text, clear = _outcome(1, said, line, "render")
    assert clear and text.startswith("refused (exit 1)") and "/tmp/x" not in text
    assert _outcome(1, "Error: something went wrong", line, "render")[1] is False
    assert _outcome(0, "", line, "analyze") == ("read", False)


@pytest.mark.slow
def test_big_line_section_on_a_small_line(run: ModuleType, tmp_path: Path) -> None:
    from section_targets import bench_big_line

    lines = bench_big_line(tmp_path, 1, sizes_mb=(0.6,))
    rows = _table_rows("\n".join(lines))
    # the header, then render and analyze of: the example, the bundled line as a user file, the 0.6 MB line
    assert len(rows) == 1 + 2 + 2 + 2, rows
    mine = [r for r in rows if r.startswith("| 0.6 MB")]
    # the outcome, not the timing target (a loaded machine can take 15 s): both commands read the line
    assert [r.split(" | ")[4] for r in mine] == ["read and drawn", "read"], rows
    assert all(r.rstrip(" |").endswith(("yes", "**no**")) for r in mine)


@pytest.mark.slow
def test_lean_baseline_builds_a_map(tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCH))
    import baseline_lean

    out = baseline_lean.build(
        BENCH.parent / "scenarios" / "dnipro_line.yaml", tmp_path / "lean.html"
    )
    html = out.read_text(encoding="utf-8")
    assert (
        html.count("L.circleMarker(") > 300
    )  # the cities of 15,000+ (387 in GeoNames' cities15000)
    assert "Front line" in html and "tube artillery" in html  # the line and its UTM bands

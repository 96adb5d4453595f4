"""The error catalogue: every file in tests/data/invalid/ must fail with exactly the messages listed in its
companion ``.expected`` file (one problem per line, ``line:column: key.path: message`` without the file name).

The messages are part of the user interface: changing one is a deliberate act that updates the catalogue.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mapper.errors import ScenarioError
from mapper.loader import load_scenario

REPO = Path(__file__).resolve().parent.parent
INVALID = REPO / "tests" / "data" / "invalid"
CASES = sorted(INVALID.glob("*.yaml"))


def _strip_file(line: str, file: str) -> str:
    assert line.startswith(file + ":"), line
    return line[len(file) + 1 :].lstrip()


def test_catalogue_is_large_enough() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_invalid_file_gives_exact_messages(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    # messages show paths as the user gave them: run from the repository root with a relative path
    monkeypatch.chdir(REPO)
    path = path.relative_to(REPO)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    got = "\n".join(_strip_file(p.format(), str(path)) for p in info.value.problems)
    assert got.splitlines() == expected
    # every problem names the file, and (bar whole-file problems) a line and column
    for p in info.value.problems:
        assert p.file == str(path)


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("format: 1\n" + "# padding\n" * 900_000, encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"over the 8,388,608-byte limit"):
        load_scenario(big)


def test_directory_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="is a directory"):
        load_scenario(tmp_path)
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "nope.yaml")

"""The scenario examples in the README and in docs/scenario-format.md are real: each YAML block loads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mapper.analysis import analyze
from mapper.loader import load_scenario

REPO = Path(__file__).resolve().parent.parent
BLOCKS = [
    (doc, i, text)
    for doc in ("README.md", "docs/scenario-format.md")
    for i, text in enumerate(
        re.findall(r"```yaml\n(.*?)```", (REPO / doc).read_text(encoding="utf-8"), re.S)
    )
]


def test_the_docs_have_examples() -> None:
    assert {doc for doc, _, _ in BLOCKS} == {"README.md", "docs/scenario-format.md"}


@pytest.mark.parametrize(("doc", "index", "text"), BLOCKS, ids=[f"{d}#{i}" for d, i, _ in BLOCKS])
def test_documented_example_loads_and_analyses(
    tmp_path: Path, doc: str, index: int, text: str
) -> None:
    path = tmp_path / "example.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = load_scenario(path)
    result = analyze(scenario)
    assert result.options and all(o.summary.troops > 0 for o in result.options)

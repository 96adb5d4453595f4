"""docs/examples/quickstart.ipynb runs top to bottom in a real Jupyter kernel (nbclient + ipykernel), and its
outputs are what an analyst should see: the scenario summary, the distances, the map inline, the comparison."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "docs" / "examples" / "quickstart.ipynb"


@pytest.fixture(scope="module")
def executed():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), (
        "the committed notebook must have no outputs (they would hold a 1 MB map)"
    )
    nbclient.NotebookClient(
        nb,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    ).execute()
    return [c for c in nb.cells if c.cell_type == "code"]


def _html(cell) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)


def _text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def test_every_cell_runs_without_error(executed) -> None:
    errors = [o for c in executed for o in c.outputs if o.output_type == "error"]
    assert errors == []


def test_the_outputs_show_the_analysis(executed) -> None:
    import mapper

    scenario_html, forces_html, printed, map_html, compare_html = (
        _html(executed[0]),
        _html(executed[1]),
        _text(executed[2]),
        _html(executed[3]),
        _html(executed[4]),
    )
    assert "Dnipro" in scenario_html and "<table" in scenario_html
    forces = mapper.analyze(REPO / "scenarios" / "dnipro_line.yaml").forces
    for name, km in zip(forces["name"], forces["distance_to_front_km"], strict=True):
        assert name in forces_html and f"{km}" in forces_html
    nearest = forces.sort_values("distance_to_front_km").iloc[0]
    assert f"{nearest['name']} at {nearest['distance_to_front_km']} km" in printed
    assert "EPSG:4326" in printed
    # the map: the whole offline page inside a sandboxed iframe, nothing fetched from a CDN
    assert map_html.startswith('<iframe class="mapper-map"') and "srcdoc=" in map_html
    assert "L.map(" in map_html and "mapper-distances" in map_html
    assert not re.search(r"https?://(cdn|unpkg|cdnjs)", map_html)
    # the comparison of three scenarios, one written in the notebook
    for option in ("west", "dnipro", "cities"):
        assert f"<th>{option}</th>" in compare_html

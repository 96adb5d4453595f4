"""Exposure in the comparison: both distances (to the front line with its accuracy, to hostile territory with
which part), a row of forces exempt from constraints and who they are, population per counted country, and the
bands' basis, in the table, Markdown, CSV, the DataFrame, the HTML page and its charts."""

from __future__ import annotations

import csv
import io
import re
import textwrap

import pytest
from support.reference import SCENARIOS

from mapper.comparison import load_comparison
from mapper.comparison.model import frame
from mapper.comparison.text import to_csv, to_markdown, to_table

EXPOSURE = textwrap.dedent(
    """\
    format: 1
    id: expo
    title: Exposure
    date: 2025-03-27
    threat: [front_line, occupied, russia, belarus, transnistria]
    coverage: {countries: [UA, MD]}
    options:
      - id: x
        name: X
        colour: navy
        forces:
          - {name: Kyiv HQ, nation: FR, troops: 1000, at: Kyiv}
          - {name: Odesa air defence, nation: FR, troops: 300, range_km: 200, at: Odesa}
    """
)


@pytest.fixture(scope="module")
def both():
    return load_comparison([SCENARIOS / "dnipro_line.yaml", EXPOSURE])


def _rows(table: str) -> dict[str, list[str]]:
    out = {}
    for line in table.splitlines():
        parts = re.split(r"\s{2,}", line.strip())
        if len(parts) == 3:
            out[parts[0]] = parts[1:]
    return out


def test_table_rows(both) -> None:
    table = to_table(both)
    assert all(len(line) <= 80 for line in table.splitlines())
    rows = _rows(table)
    dn, ex = (e.result.summary for e in both.entries)
    assert rows["forces exempt from constraints"] == ["1", "0"]
    assert rows["nearest force"] == [
        f"{dn.min_distance_to_front_km:,.1f} ± 10",
        f"{ex.min_distance_to_front_km:,.1f} ± 10",
    ]
    assert (
        rows["Nearest to hostile territory, km"][0]
        == f"{dn.min_distance_to_hostile_territory_km:,.1f} ± 10"
    )
    assert rows["nearest part"] == [dn.nearest_hostile, ex.nearest_hostile]
    # two countries counted over the scenarios: named in the label, one row each
    label = next(k for k in rows if k.startswith("Population in rings"))
    assert label == "Population in rings (2 countries)"
    assert (
        rows["Moldova"][0] == "-"
        and rows["Moldova"][1] == f"{ex.population_covered_by_country['MD']:,}"
    )
    flat = table.replace("\n  ", " ")
    assert (
        "Exempt from a constraint in dnipro: Ceasefire monitoring team Zaporizhzhia (role monitoring)"
        in flat
    )
    assert (
        "Distance bands of expo: Distance from hostile territory (the front line, occupied area, Russia, "
        in flat
    )


def test_markdown_csv_and_frame(both) -> None:
    md = to_markdown(both)
    assert "| forces exempt from constraints | 1 | 0 |" in md.replace("&emsp;", "")
    assert "Exempt from a constraint in dnipro" in md
    rows = list(csv.DictReader(io.StringIO(to_csv(both))))
    dn = next(r for r in rows if r["key"] == "dnipro")
    assert dn["exempt_forces"] == "1" and dn["nearest_hostile"] == "front line"
    assert dn["distance_accuracy_km"] == "10.0"
    df = frame(both)
    ex = both.entries[1].result.summary
    assert df.loc["x", "population_covered_by_country.MD"] == ex.population_covered_by_country["MD"]
    assert (
        df.loc["x", "population_covered_by_country.UA"]
        + df.loc["x", "population_covered_by_country.MD"]
        == df.loc["x", "population_covered"]
    )
    assert str(df["exempt_forces"].dtype) == "Int64"


def test_page_states_basis_exemptions_and_accuracy(tmp_path) -> None:
    from mapper.comparison import write_comparison

    expo = tmp_path / "expo.yaml"
    expo.write_text(EXPOSURE, encoding="utf-8")
    write_comparison([SCENARIOS / "dnipro_line.yaml", expo], tmp_path / "c.html", fmt="html")
    page = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert "Distance bands of dnipro_line: Distance from hostile territory" in page
    assert (
        "class='cmp-exempt'" in page
        and "Ceasefire monitoring team Zaporizhzhia (role monitoring)" in page
    )
    assert "Distance to the front line, km (geodesic, ± 10)" in page  # the chart's axis
    assert "forces exempt from constraints" in page

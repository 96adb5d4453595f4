"""``mapper places QUERY``: exact matches only (own names first), "no exact match" with labelled suggestions and
exit 1 when nothing has the name, exit 2 for an empty query. Through the real entry point (tests/support/cli.py)."""

from __future__ import annotations

import re

import pytest
from pyproj import Geod
from support.cli import RunCli

GEOD = Geod(ellps="WGS84")
PLACE_LINE = re.compile(
    r"^(?P<name>.+) \((?P<where>[^)]*)\) pop\. [\d,]+ (?P<lat>[\d.]+)N (?P<lon>[\d.]+)E$"
)


def place_lines(text: str) -> list[re.Match[str]]:
    return [m for line in text.splitlines() if (m := PLACE_LINE.match(line))]


def test_sloviansk_is_listed_first(run_cli: RunCli) -> None:
    result = run_cli("places", "Sloviansk")
    assert result.exit_code == 0, result.output
    lines = place_lines(result.stdout)
    assert lines and lines[0]["name"] == "Sloviansk" and lines[0]["where"] == "Donetsk, UA"
    assert all(
        m["name"] != "Nikopol" for m in lines
    )  # GeoNames had "Slov'iansk" as an alternate of Nikopol
    # the real city: 48.85 N 37.60 E (lat/lon as printed)
    _, _, d = GEOD.inv(37.60, 48.85, float(lines[0]["lon"]), float(lines[0]["lat"]))
    assert d < 3000


def test_no_exact_match_exits_1_with_labelled_suggestions(run_cli: RunCli) -> None:
    result = run_cli("places", "Nowhereville")
    assert result.exit_code == 1
    assert "no exact match for 'Nowhereville'" in result.stderr
    assert place_lines(result.output) == []  # nothing is printed as if it were a match
    assert result.stdout == ""


def test_close_spelling_is_a_suggestion_not_a_match(run_cli: RunCli) -> None:
    result = run_cli("places", "Kupianks")
    assert result.exit_code == 1
    assert re.search(r"suggestions \(close spellings, not matches\): .*Kupiansk", result.stderr)
    assert place_lines(result.output) == []


@pytest.mark.parametrize("query", ["", "   ", "\t"])
def test_empty_query_is_a_usage_error(run_cli: RunCli, query: str) -> None:
    result = run_cli("places", query)
    assert result.exit_code == 2
    assert "empty" in result.stderr and result.stdout == ""


def test_front_zone_village_is_listed(run_cli: RunCli) -> None:
    """Hlyboke: the Kharkiv-oblast village north of Kharkiv (~50.25 N 36.40 E) is among the matches."""
    result = run_cli("places", "Hlyboke")
    assert result.exit_code == 0
    found = {m["where"] for m in place_lines(result.stdout)}
    assert "Kharkiv, UA" in found and "Odesa, UA" in found


def test_qualified_query(run_cli: RunCli) -> None:
    result = run_cli("places", "Krynky, Kherson")
    assert result.exit_code == 0
    lines = place_lines(result.stdout)
    assert [m["where"] for m in lines] == ["Kherson, UA"]
    assert all("Velyki" not in m["name"] for m in lines)


def test_note_says_what_the_name_alone_means(run_cli: RunCli) -> None:
    """With several matches, stderr says which one an unqualified name resolves to (or that it is ambiguous)."""
    hlyboke = run_cli("places", "Hlyboke")
    assert re.search(r"alone, 'Hlyboke' means Hlyboke \(Kharkiv, UA\)", hlyboke.stderr)
    lyman = run_cli("places", "Lyman")
    assert "alone, 'Lyman' is ambiguous" in lyman.stderr
    assert "alone" not in run_cli("places", "Lyman, Kharkiv").output  # one match: nothing to say

"""``mapper serve``: lines drawn ``along:`` a river, areas given as ``regions:``/``country:`` and zones, edited from
their form (``op: shape``) and deleted: the splices (only the edited values change, comments and layout kept), the
list the page gets (``/api/sites``: fields as written, the outline to click), and over HTTP: checked by the
loader (an unknown river or region: 422 with its message, the file untouched), undone byte for byte.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.cli import REPO
from support.serve import Client, changed_lines, comments

from mapper.serve import start
from mapper.serve.edit import Edit, EditError, apply

DNIPRO = (REPO / "scenarios" / "dnipro_line.yaml").read_text()
WEST = (REPO / "scenarios" / "western_regions.yaml").read_text()
ALONG = "options[0].lines[0]"  # along: {river: Dnipro, from: Kyiv, to: Zaporizhzhia}
ZONE = "options[0].zones[0]"  # buffer_of: front_line / width_km: 30  # comment
AREA = (
    "options[0].areas[0]"  # regions: [Lviv, Volyn, Rivne, Zakarpattia, Ivano-Frankivsk, Ternopil]
)


def _shape(text: str, keypath: str, **fields: object) -> str:
    return apply(text, Edit("shape", keypath, fields=tuple(fields.items())), file="x.yaml")


def test_a_lines_river_and_places_change_on_its_line_only() -> None:
    out = _shape(DNIPRO, ALONG, to="Kherson", **{"from": "Cherkasy"})
    assert changed_lines(DNIPRO, out) == [
        "-        along: {river: Dnipro, from: Kyiv, to: Zaporizhzhia}",
        "+        along: {river: Dnipro, from: Cherkasy, to: Kherson}",
    ]
    assert comments(out) == comments(DNIPRO)


def test_a_zones_distance_and_line_change_in_place_keeping_the_comment() -> None:
    out = _shape(DNIPRO, ZONE, width_km="40", buffer_of="Dnipro line")
    changed = changed_lines(DNIPRO, out)
    assert changed[2:] == [
        "+        buffer_of: Dnipro line",
        "+        width_km: 40                     # what the text means: 15 km either side of the line, "
        "30 km across",
    ]
    assert comments(out) == comments(DNIPRO)
    assert "width_km: 12.5 " in _shape(DNIPRO, ZONE, width_km="12.5")


@pytest.mark.parametrize(
    "regions, line",
    [
        (["Lviv", "Volyn"], "regions: [Lviv, Volyn]"),
        (["Lviv", "Kyiv", "Rivne"], "regions: [Lviv, Kyiv, Rivne]"),
        (
            ["Lviv", "Volyn", "Rivne", "Zakarpattia", "Ivano-Frankivsk", "Ternopil", "Chernivtsi"],
            "regions: [Lviv, Volyn, Rivne, Zakarpattia, Ivano-Frankivsk, Ternopil, Chernivtsi]",
        ),
        ("Kyiv, Chernihiv", "regions: [Kyiv, Chernihiv]"),  # the form's text, split at commas
    ],
)
def test_a_one_line_regions_list_keeps_its_layout(regions: object, line: str) -> None:
    out = _shape(WEST, AREA, regions=regions)
    assert changed_lines(WEST, out) == [
        "-        regions: [Lviv, Volyn, Rivne, Zakarpattia, Ivano-Frankivsk, Ternopil]",
        f"+        {line}",
    ]


BLOCK = """\
options:
  - name: A
    areas:
      - name: West
        regions:  # oblasts
          - Lviv   # the main one
          - Volyn
          - Rivne
        description: x
      - {name: Poland, country: Poland}  # by name
"""


def test_a_block_regions_list_changes_item_by_item() -> None:
    out = _shape(BLOCK, "options[0].areas[0]", regions=["Lviv", "Ternopil"])
    assert changed_lines(BLOCK, out) == [
        "-          - Volyn",
        "-          - Rivne",
        "+          - Ternopil",
    ]
    out = _shape(
        BLOCK, "options[0].areas[0]", regions=["Lviv", "Volyn", "Rivne", "Kyiv", "Kharkiv"]
    )
    assert changed_lines(BLOCK, out) == ["+          - Kyiv", "+          - Kharkiv"]
    assert out.index("- Kharkiv") < out.index("description: x")
    out = _shape(BLOCK, "options[0].areas[1]", country="PL")
    assert changed_lines(BLOCK, out) == [
        "-      - {name: Poland, country: Poland}  # by name",
        "+      - {name: Poland, country: PL}  # by name",
    ]


@pytest.mark.parametrize(
    "text, keypath, fields, message",
    [
        (DNIPRO, ALONG, {"river": ""}, "river: a value is needed"),
        (DNIPRO, ALONG, {"country": "PL"}, "'country' is not a field of a line"),
        (DNIPRO, "options[0].lines[1]", {"river": "Dnipro"}, "not drawn along a river"),
        (DNIPRO, ZONE, {"km": "10"}, "km: not written in this item"),
        (DNIPRO, "options[0].forces[0]", {"river": "Dnipro"}, "expected a line, an area or a zone"),
        (WEST, AREA, {"regions": [" ", ""]}, "needs at least one region"),
        (WEST, AREA, {"country": "PL"}, "country: not written in this item"),
        (BLOCK, "options[0].areas[1]", {"regions": ["Lviv"]}, "not given by regions"),
    ],
)
def test_a_shape_edit_that_does_not_fit_the_file_is_refused(
    text: str, keypath: str, fields: dict[str, object], message: str
) -> None:
    with pytest.raises(EditError, match=message.replace("(", r"\(")):
        _shape(text, keypath, **fields)


def test_a_shape_is_deleted_with_its_lines() -> None:
    out = apply(DNIPRO, Edit("delete", ZONE), file="x.yaml")
    assert "Demilitarised zone" not in out and "zones:" in out
    assert all(line.startswith("-") for line in changed_lines(DNIPRO, out))


# -------------------------------------------------------------------------------------------------------------
# Over HTTP


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
    folder = tmp_path / "sc"
    folder.mkdir()
    for name in ("dnipro_line.yaml", "western_regions.yaml"):
        shutil.copy(REPO / "scenarios" / name, folder / name)
    running = start(folder, port=0)
    try:
        yield Client(running)
    finally:
        running.stop()


def test_the_sites_list_the_shapes_with_their_fields_and_outlines(client: Client) -> None:
    shapes = {s["keypath"]: s for s in client.get_json("/api/sites/dnipro_line.yaml")["shapes"]}
    assert set(shapes) == {ALONG, ZONE}  # the route written through: has point handles instead
    assert shapes[ALONG]["fields"] == {"river": "Dnipro", "from": "Kyiv", "to": "Zaporizhzhia"}
    assert shapes[ALONG]["geometry"]["type"] == "LineString"
    assert shapes[ZONE]["fields"] == {"buffer_of": "front_line", "width_km": "30"}
    assert shapes[ZONE]["lines"] == ["Dnipro line", "Main supply route"]
    assert shapes[ZONE]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    west = client.get_json("/api/sites/western_regions.yaml")["shapes"]
    assert west[0]["fields"] == {
        "regions": ["Lviv", "Volyn", "Rivne", "Zakarpattia", "Ivano-Frankivsk", "Ternopil"]
    }


def test_a_bad_river_or_region_is_refused_with_the_loaders_message(client: Client) -> None:
    folder = client.running.folder
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    status, answer = client.edit(
        "dnipro_line.yaml", op="shape", keypath=ALONG, fields={"river": "Nowhere river"}
    )
    assert status == 422, answer
    assert any(f"{ALONG}.along.river:" in line for line in answer["errors"]), answer
    client.hash = None
    status, answer = client.edit(
        "western_regions.yaml", op="shape", keypath=AREA, fields={"regions": ["Lviv", "Atlantis"]}
    )
    assert status == 422, answer
    assert any("Atlantis" in line for line in answer["errors"]), answer
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_zone_is_edited_and_a_line_deleted_then_undone(client: Client) -> None:
    path = client.running.folder / "dnipro_line.yaml"
    status, answer = client.edit(
        "dnipro_line.yaml", op="shape", keypath=ZONE, fields={"width_km": 50}
    )
    assert status == 200, answer
    assert changed_lines(DNIPRO, path.read_text())[1].startswith("+        width_km: 50 ")
    # the Dnipro line is what no zone names: deleted, the file loses its three lines
    status, answer = client.edit("dnipro_line.yaml", op="delete", keypath=ALONG)
    assert status == 200, answer
    assert "Dnipro line" not in path.read_text().split("lines:")[1].split("zones:")[0]
    for _ in range(2):
        status, answer = client.write("undo", "dnipro_line.yaml", {"base": client.hash})
        assert status == 200, answer
    assert path.read_text() == DNIPRO


@pytest.mark.parametrize(
    "fields, message",
    [
        ({}, "nothing to change"),
        ({"name": "x"}, "not a field the page edits"),
        ({"regions": [1, 2]}, "a list of at most 200 names"),
        ({"river": None}, "expected text or a number"),
        ({"river": True}, "expected text or a number"),
    ],
)
def test_a_shape_request_of_the_wrong_shape_is_refused(
    client: Client, fields: dict[str, object], message: str
) -> None:
    status, answer = client.edit("dnipro_line.yaml", op="shape", keypath=ALONG, fields=fields)
    assert status == 400 and message in answer["error"], answer

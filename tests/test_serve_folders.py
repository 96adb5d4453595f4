"""``mapper serve`` over a folder with sub-folders: the index lists their scenarios by path (``options/west.yaml``),
each with its pages, edits and watching; and the rules hold: a linked sub-folder pointing outside is shown as not
followed and is never listed, read or written; ``..`` (plain or ``%2e%2e``) is refused; a deep tree and a big one
are bounded, with a note on the index.

One server for the module over ``sc/`` (``dnipro_line.yaml``, ``options/west.yaml``, a scenario four levels down
and one five levels down, a link ``sc/linked`` to ``outside/`` next to it), checked afterwards to have left every
file as it was, and a server of its own for each test that writes.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.cli import REPO
from support.serve import Client, changed_lines, snapshot, wait_for

from mapper.loader import SCENARIO_SUFFIXES
from mapper.serve import Running, start
from mapper.serve.folder import read_file
from mapper.serve.security import Refused, scenario_path
from mapper.serve.tree import BadName, open_file, split_name, walk

WEST = "options/west.yaml"
DEEP = "options/deep/a/b/deep.yaml"  # four folders down: the deepest listed
TOO_DEEP = "options/deep/a/b/c/too_deep.yaml"


def _tree(root: Path) -> Path:
    folder = root / "sc"
    for rel, example in [
        ("dnipro_line.yaml", "dnipro_line.yaml"),
        (WEST, "western_regions.yaml"),
        (DEEP, "key_cities.yaml"),
        (TOO_DEEP, "key_cities.yaml"),
        ("../outside/secret.yaml", "dnipro_line.yaml"),
    ]:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "scenarios" / example, folder / rel)
    (folder / "linked").symlink_to(root / "outside", target_is_directory=True)
    (folder / ".hidden").mkdir()
    shutil.copy(REPO / "scenarios" / "key_cities.yaml", folder / ".hidden" / "h.yaml")
    return folder


@pytest.fixture(scope="module")
def _tree_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = start(_tree(tmp_path_factory.mktemp("tree")), port=0)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def reader(_tree_server: Running) -> Iterator[Client]:
    before = snapshot(_tree_server.folder)
    yield Client(_tree_server)
    assert snapshot(_tree_server.folder) == before, "a reading test changed the folder"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
    running = start(_tree(tmp_path), port=0)
    try:
        yield Client(running)
    finally:
        running.stop()


def test_the_index_lists_sub_folder_scenarios_by_path(reader: Client) -> None:
    status, _, body = reader.request("GET", "/")
    page = body.decode()
    assert status == 200
    assert sorted(reader.running.server.api.folder.entries) == sorted(
        ["dnipro_line.yaml", WEST, DEEP]
    )
    for name in ("dnipro_line.yaml", WEST, DEEP):
        assert f"<td>{name}</td>" in page
        for kind in ("map", "compare", "analysis"):
            assert f"href='/{kind}/{name}'" in page
    assert page.index("<td>dnipro_line.yaml</td>") < page.index(f"<td>{WEST}</td>")  # its own first
    assert "<td>linked/</td>" in page and "a link to a folder: not followed" in page
    assert "secret.yaml" not in page and "h.yaml" not in page and "too_deep" not in page
    assert (
        "folders more than 4 levels deep are not looked into (1, e.g. options/deep/a/b/c/)" in page
    )


@pytest.mark.parametrize("kind", ["map", "analysis", "compare"])
def test_a_sub_folder_scenario_has_its_pages(reader: Client, kind: str) -> None:
    for path in (f"/{kind}/{WEST}", f"/{kind}/options%2Fwest.yaml"):
        status, _, body = reader.request("GET", path)
        assert status == 200, body[:300]
        assert b'"file": "options/west.yaml"' in body or b'"file":"options/west.yaml"' in body
    assert reader.get_json(f"/api/state/{WEST}")["ok"] is True
    assert reader.get_json("/api/sites/options%2Fwest.yaml")["editable"] is True


@pytest.mark.parametrize(
    "path, status",
    [
        ("/map/linked/secret.yaml", 404),  # through the link: not a scenario of the folder
        ("/map/linked%2Fsecret.yaml", 404),
        ("/api/state/linked/secret.yaml", 404),
        ("/map/options/../dnipro_line.yaml", 403),
        ("/map/options/%2e%2e/dnipro_line.yaml", 403),
        ("/map/options%2F%2E%2E%2Fdnipro_line.yaml", 403),
        ("/map/%2e%2e/outside/secret.yaml", 403),
        ("/api/sites/..%2Foutside%2Fsecret.yaml", 403),
        ("/map/options//west.yaml", 403),
        ("/map/./options/west.yaml", 403),
        ("/map/options%5Cwest.yaml", 403),  # a backslash
        ("/map/%252e%252e/outside/secret.yaml", 404),  # decoded once: '%2e%2e', no such file
        ("/map/options%2Fwest%FF.yaml", 400),  # not UTF-8
        ("/map/.hidden/h.yaml", 404),
        (f"/map/{TOO_DEEP}", 403),  # deeper than the walk: refused by the name rule
    ],
)
def test_paths_outside_the_listed_scenarios_are_refused(
    reader: Client, path: str, status: int
) -> None:
    got, _, body = reader.request("GET", path)
    assert got == status, body[:300]
    assert b"secret" not in body and b"Option A" not in body


@pytest.mark.parametrize(
    "name, status",
    [
        ("linked%2Fsecret.yaml", 404),
        ("linked/secret.yaml", 404),
        ("options%2F%2e%2e%2Fdnipro_line.yaml", 403),
        ("%2e%2e%2Foutside%2Fsecret.yaml", 403),
        ("options/../dnipro_line.yaml", 403),
    ],
)
def test_writes_through_a_link_or_dot_dot_are_refused(
    reader: Client, name: str, status: int
) -> None:
    for what in ("edit", "undo"):
        got, body = reader.write(
            what, name, {"op": "move", "keypath": "options[0].forces[0]", "lat": 50, "lon": 30}
        )
        assert got == status, body


def test_a_link_on_the_way_is_refused_even_when_listed(_tree_server: Running) -> None:
    folder = _tree_server.folder.resolve()
    with pytest.raises(Refused) as refused:
        scenario_path(folder, "linked/secret.yaml", {"linked/secret.yaml"})
    assert refused.value.status == 403 and "link" in refused.value.message
    with pytest.raises(OSError):
        read_file(folder, "linked/secret.yaml")
    with pytest.raises(OSError):
        open_file(folder, "linked/secret.yaml")
    assert read_file(folder, WEST) == (folder / WEST).read_bytes()
    assert scenario_path(folder, WEST, {WEST}) == folder / WEST


@pytest.mark.parametrize(
    "name", ["", "/etc/passwd", "a/../b.yaml", "a//b.yaml", "./a.yaml", "a\\b.yaml", "a\x00.yaml"]
)
def test_the_name_rule(name: str) -> None:
    with pytest.raises(BadName):
        split_name(name)
    assert split_name("options/west.yaml") == ["options", "west.yaml"]
    with pytest.raises(BadName):
        split_name("a/b/c/d/e/f.yaml")  # five folders: deeper than the walk


def test_the_walk_is_bounded(tmp_path: Path) -> None:
    for i in range(12):
        (tmp_path / f"d{i}").mkdir()
        (tmp_path / f"d{i}" / "s.yaml").write_text("x")
    (tmp_path / "top.yml").write_text("x")
    listing = walk(tmp_path, SCENARIO_SUFFIXES, max_files=5)
    assert listing.names == ["top.yml", "d0/s.yaml", "d1/s.yaml", "d10/s.yaml", "d11/s.yaml"]
    assert listing.notes == [
        "only the first 5 of 13 scenario files are served (the limit): serve a sub-folder"
    ]
    listing = walk(tmp_path, SCENARIO_SUFFIXES, max_folders=4)
    assert len(listing.names) == 4 and "only 4 folders were looked into" in listing.notes[0]
    deep = tmp_path / "x" / "y"
    deep.mkdir(parents=True)
    (deep / "z.yaml").write_text("x")
    listing = walk(tmp_path, SCENARIO_SUFFIXES, max_depth=1)
    assert "x/y/z.yaml" not in listing.names and "e.g. x/y/" in listing.notes[0]


def test_a_sub_folder_scenario_is_edited_watched_and_undone(client: Client) -> None:
    folder = client.running.folder
    path = folder / WEST
    before = path.read_text()
    sites = client.get_json(f"/api/sites/{WEST}")["sites"]
    force = next(s for s in sites if s["site"] == "force")
    status, answer = client.edit(
        "options%2Fwest.yaml", op="move", keypath=force["keypath"], lat=49.5, lon=24.5
    )
    assert status == 200, answer
    after = path.read_text()
    assert len(changed_lines(before, after)) == 2 and "{lat: 49.50000, lon: 24.50000}" in after
    assert (folder / "dnipro_line.yaml").read_bytes() == (
        REPO / "scenarios/dnipro_line.yaml"
    ).read_bytes()
    status, answer = client.write("undo", WEST, {"base": client.hash})
    assert status == 200 and path.read_text() == before
    # saved on disk: rendered again, like a file of the folder itself
    path.write_text(before.replace("troops: ", "troops: -", 1))
    state = wait_for(lambda: (s := client.get_json(f"/api/state/{WEST}"))["ok"] is False and s)
    assert any(f"{WEST}:" in line for line in state["errors"])


def test_a_scenario_added_in_a_new_sub_folder_is_listed(client: Client) -> None:
    folder = client.running.folder
    (folder / "later").mkdir()
    shutil.copy(REPO / "scenarios" / "key_cities.yaml", folder / "later" / "k.yaml")
    wait_for(lambda: b"<td>later/k.yaml</td>" in client.request("GET", "/")[2])
    assert client.get_json("/api/state/later/k.yaml")["ok"] is True

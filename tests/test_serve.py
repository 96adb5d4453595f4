"""``mapper serve`` over HTTP (no browser): the index and pages, the live state, edits written back into the YAML
(only the edited lines change), the hash check, undo, and every security rule of docs/serve.md tried and refused.

A real server runs on a free 127.0.0.1 port (``mapper.serve.start``, threads in this process) over a copy of
example scenarios in a temporary folder. A test that writes (or needs a folder of its own) starts its own server
(``served``, ``client``: a copy of dnipro_line.yaml, or of the files its indirect parameter names) and stops it afterwards; the
tests that only read or are refused share one server for the module (``shared``, ``reader``: both examples, plus a
link to a file outside the folder, a text file and a sub-folder), and each of them is checked afterwards to have
left every file of that folder (and the file outside) byte for byte as it was.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support.cli import REPO, run_cli
from support.serve import Client, changed_lines, comments, snapshot, wait_for

from mapper.serve import Running, start

EXAMPLES = ("dnipro_line.yaml", "key_cities.yaml")


def _folder(root: Path, names: tuple[str, ...]) -> Path:
    folder = root / "sc"
    folder.mkdir()
    for name in names:
        shutil.copy(REPO / "scenarios" / name, folder / name)
    return folder


@pytest.fixture
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Running]:
    """A server of the test's own over a fresh copy of dnipro_line.yaml (or of the files named by an indirect
    parameter)."""
    names = getattr(request, "param", EXAMPLES[:1])
    running = start(_folder(tmp_path, names), host="127.0.0.1", port=0)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def _shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    folder = _folder(tmp_path_factory.mktemp("shared"), EXAMPLES)
    outside = (
        folder.parent / "outside.yaml"
    )  # a scenario outside the folder, and a link to it inside
    outside.write_text((folder / "dnipro_line.yaml").read_text())
    (folder / "link.yaml").symlink_to(outside)
    (folder / "notes.txt").write_text("x")
    (folder / "sub").mkdir()
    running = start(folder, host="127.0.0.1", port=0)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def shared(_shared_server: Running) -> Iterator[Running]:
    """The module's one server, for a test that changes nothing: afterwards, every file is as it was."""
    before = snapshot(_shared_server.folder)
    yield _shared_server
    assert snapshot(_shared_server.folder) == before, (
        "a test of the shared server changed its folder"
    )


@pytest.fixture
def client(served: Running) -> Client:
    return Client(served)


@pytest.fixture
def reader(shared: Running) -> Client:
    return Client(shared)


# -------------------------------------------------------------------------------------------------------------
# Pages


def test_index_lists_every_scenario_with_its_pages(reader: Client, shared: Running) -> None:
    status, headers, body = reader.request("GET", "/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    page = body.decode()
    for name in EXAMPLES:
        assert f"<td>{name}</td>" in page
        for kind in ("map", "compare", "analysis"):
            assert f"href='/{kind}/{name}'" in page
    assert "Option A: the Dnipro line" in page  # the title, from the file


@pytest.mark.parametrize("kind", ["map", "analysis"])
def test_each_scenario_has_its_pages(reader: Client, kind: str) -> None:
    for name in EXAMPLES:
        status, headers, body = reader.request("GET", f"/{kind}/{name}")
        assert status == 200 and headers["content-type"].startswith("text/html")
        page = body.decode()
        assert 'id="mapper-serve-config"' in page and '<script src="/static/live.js">' in page
        if kind == "map":  # the normal page of mapper render, with our script added
            assert '<meta name="generator" content="mapper">' in page and "L.map(" in page
        else:  # mapper analyze's table
            assert "Option A: the Dnipro line" in page or "key" in page.lower()


def test_the_comparison_pages(reader: Client) -> None:
    status, _, body = reader.request("GET", "/compare/dnipro_line.yaml")
    assert status == 200 and b"mapper-serve-config" in body and b"<table" in body
    status, _, body = reader.request("GET", "/compare")  # every scenario of the folder
    assert status == 200 and b"Option A: the Dnipro line" in body and b"mapper-serve-config" in body
    assert reader.request("GET", "/compare")[2] == body  # kept until a text changes


def test_static_files_and_unknown_paths(reader: Client) -> None:
    status, headers, body = reader.request("GET", "/static/live.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert b"X-Mapper-Token" in body
    for path in ("/static/../app.py", "/static/app.py", "/nothing", "/map/nothing.yaml"):
        status, headers, _ = reader.request("GET", path)
        assert status == 404 and headers["content-type"] == "application/json; charset=utf-8"


def test_the_sites_say_where_each_force_is_and_how_it_is_placed(reader: Client) -> None:
    from mapper.pipeline import prepare

    sites = reader.get_json("/api/sites/dnipro_line.yaml")
    assert sites["editable"] is True
    by_key = {s["keypath"]: s for s in sites["sites"]}
    scenario = prepare(REPO / "scenarios" / "dnipro_line.yaml").scenario
    forces = [f for o in scenario.options for f in (*o.forces, *o.hubs)]
    assert set(by_key) == {f.keypath for f in forces}
    for f in forces:
        s = by_key[f.keypath]
        assert (s["lat"], s["lon"], s["name"]) == (f.location.lat, f.location.lon, f.name)
    text = (REPO / "scenarios" / "dnipro_line.yaml").read_text()
    assert by_key["options[0].forces[0]"]["placed_by"] == "name"  # at: Kyiv
    assert "at: {lat: 48.4647, lon: 35.0462}" in text
    assert by_key["options[0].forces[4]"]["placed_by"] == "coordinates"


# -------------------------------------------------------------------------------------------------------------
# Edits


def test_a_move_changes_only_the_at_line_and_keeps_every_comment(
    client: Client, served: Running
) -> None:
    path = served.folder / "dnipro_line.yaml"
    before = path.read_text()
    status, body = client.edit(
        "dnipro_line.yaml", op="move", keypath="options[0].forces[4]", lat=48.51234, lon=35.1
    )
    assert status == 200, body
    after = path.read_text()
    assert changed_lines(before, after) == [
        "-        at: {lat: 48.4647, lon: 35.0462}   # Dnipro city centre, written as explicit coordinates",
        "+        at: {lat: 48.51234, lon: 35.10000}   # Dnipro city centre, written as explicit coordinates",
    ]
    assert comments(after) == comments(before)


def test_moving_a_force_placed_by_name_writes_coordinates_on_its_line(
    client: Client, served: Running
) -> None:
    path = served.folder / "dnipro_line.yaml"
    before = path.read_text()
    status, _ = client.edit(
        "dnipro_line.yaml", op="move", keypath="options[0].forces[0]", lat=50.4, lon=30.6
    )
    assert status == 200
    assert changed_lines(before, path.read_text()) == [
        "-        at: Kyiv",
        "+        at: {lat: 50.40000, lon: 30.60000}",
    ]


def test_a_point_of_a_line_is_moved_on_its_own_line(client: Client, served: Running) -> None:
    from mapper.geodata import gazetteer

    sites = client.get_json("/api/sites/dnipro_line.yaml")
    points = {v["keypath"]: v for v in sites["vertices"]}
    route = [
        f"options[0].lines[1].through[{k}]" for k in range(5)
    ]  # Rzeszow, Lviv, Kyiv, Poltava, Dnipro
    assert set(route) <= set(points)
    lviv = gazetteer().resolve("Lviv")
    assert (points[route[1]]["lat"], points[route[1]]["lon"]) == (lviv.lat, lviv.lon)
    assert points[route[1]]["placed_by"] == "name"
    path = served.folder / "dnipro_line.yaml"
    before = path.read_text()
    status, body = client.edit("dnipro_line.yaml", op="move", keypath=route[1], lat=49.9, lon=24.1)
    assert status == 200, body
    assert changed_lines(before, path.read_text()) == [
        "-        through: [Rzeszow, Lviv, Kyiv, Poltava, Dnipro]",
        "+        through: [Rzeszow, {lat: 49.90000, lon: 24.10000}, Kyiv, Poltava, Dnipro]",
    ]


def test_the_map_follows_an_edit(client: Client, served: Running) -> None:
    version = client.get_json("/api/state/dnipro_line.yaml")["version"]
    status, body = client.edit(
        "dnipro_line.yaml", op="move", keypath="options[0].forces[0]", lat=50.1, lon=30.9
    )
    assert status == 200
    state = wait_for(
        lambda: (s := client.get_json("/api/state/dnipro_line.yaml"))["version"] > version and s
    )
    assert state["hash"] == body["hash"] and state["ok"]
    sites = client.get_json("/api/sites/dnipro_line.yaml")
    (kyiv,) = [s for s in sites["sites"] if s["keypath"] == "options[0].forces[0]"]
    assert (kyiv["lat"], kyiv["lon"], kyiv["placed_by"]) == (50.1, 30.9, "coordinates")


def test_fields_are_edited_in_place(client: Client, served: Running) -> None:
    path = served.folder / "dnipro_line.yaml"
    before = path.read_text()
    status, body = client.edit(
        "dnipro_line.yaml",
        op="set",
        keypath="options[0].forces[1]",
        fields={"name": "Brigade: Cherkasy", "troops": "4200", "echelon": "regiment"},
    )
    assert status == 200, body
    assert changed_lines(before, path.read_text()) == [
        "-      - name: French brigade Cherkasy",
        "+      - name: 'Brigade: Cherkasy'",
        "-        troops: 5000",
        "+        troops: 4200",
        "-        echelon: brigade",
        "+        echelon: regiment",
    ]


def test_an_invalid_edit_is_refused_with_the_loaders_message_and_the_file_untouched(
    reader: Client, shared: Running
) -> None:
    path = shared.folder / "dnipro_line.yaml"
    before = path.read_bytes()
    status, body = reader.edit(
        "dnipro_line.yaml", op="set", keypath="options[0].forces[1]", fields={"troops": "-5"}
    )
    assert status == 422
    (line,) = body["errors"]
    # the loader's message, located at the value the edit would have written
    row = before.decode().splitlines().index("        troops: 5000") + 1
    assert re.fullmatch(
        rf".*dnipro_line\.yaml:{row}:17: options\[0\]\.forces\[1\]\.troops: .*-5.*", line
    ), line
    assert path.read_bytes() == before


def test_a_force_is_added_and_deleted(client: Client, served: Running) -> None:
    from mapper.loader import load_scenario

    path = served.folder / "dnipro_line.yaml"
    before = path.read_text()
    fields = {"name": "Polish battalion", "nation": "PL", "troops": 600, "kind": "armour"}
    status, body = client.edit(
        "dnipro_line.yaml", op="add", keypath="options[0]", lat=49.2, lon=32.1, fields=fields
    )
    assert status == 200, body
    added = [line for line in changed_lines(before, path.read_text())]
    assert added == [
        "+      - name: Polish battalion",
        "+        nation: PL",
        "+        troops: 600",
        "+        kind: armour",
        "+        at: {lat: 49.20000, lon: 32.10000}",
    ]
    forces = load_scenario(path).options[0].forces
    new = forces[-1]
    assert (new.name, new.troops, new.location.lat) == ("Polish battalion", 600, 49.2)
    status, body = client.edit(
        "dnipro_line.yaml", op="delete", keypath=f"options[0].forces[{len(forces) - 1}]"
    )
    assert status == 200, body
    assert path.read_text() == before


def test_an_edit_of_a_file_changed_on_disk_is_refused(client: Client, served: Running) -> None:
    path = served.folder / "dnipro_line.yaml"
    loaded = client.get_json("/api/state/dnipro_line.yaml")["hash"]  # what the page holds
    changed = path.read_text().replace("troops: 5000", "troops: 5100", 1)
    path.write_text(changed)
    status, body = client.edit(
        "dnipro_line.yaml", op="move", keypath="options[0].forces[0]", lat=50, lon=30, base=loaded
    )
    assert status == 409 and body["reload"] is True and "changed on disk" in body["error"]
    assert path.read_text() == changed


def test_undo_restores_the_previous_file_byte_for_byte(client: Client, served: Running) -> None:
    path = served.folder / "dnipro_line.yaml"
    original = path.read_bytes()
    for lat in (50.0, 50.2):
        status, body = client.edit(
            "dnipro_line.yaml", op="move", keypath="options[0].forces[0]", lat=lat, lon=30.5
        )
        assert status == 200
    first = None
    for expected_depth in (1, 0):
        status, body = client.write("undo", "dnipro_line.yaml", {"base": body["hash"]})
        assert status == 200 and body["undo"] == expected_depth
        first = first or path.read_bytes()
    assert b"at: {lat: 50.00000, lon: 30.50000}" in first
    assert path.read_bytes() == original
    status, body = client.write("undo", "dnipro_line.yaml", {"base": body["hash"]})
    assert status == 409 and "nothing to undo" in body["error"]


def test_undo_after_a_change_on_disk_is_refused(client: Client, served: Running) -> None:
    path = served.folder / "dnipro_line.yaml"
    status, body = client.edit(
        "dnipro_line.yaml", op="move", keypath="options[0].forces[0]", lat=50.0, lon=30.5
    )
    assert status == 200
    path.write_text(path.read_text() + "# a note added in the editor\n")
    status, body = client.write(
        "undo", "dnipro_line.yaml", {"base": client.get_json("/api/state/dnipro_line.yaml")["hash"]}
    )
    assert status in (409,) and "changed on disk" in body["error"]
    assert path.read_text().endswith("# a note added in the editor\n")


# -------------------------------------------------------------------------------------------------------------
# Watching


@pytest.mark.parametrize("served", [EXAMPLES], indirect=True)
def test_a_file_saved_on_disk_is_rendered_again(client: Client, served: Running) -> None:
    path = served.folder / "key_cities.yaml"
    version = client.get_json("/api/state/key_cities.yaml")["version"]
    text = path.read_text()
    title = re.search(r"^title: (.*)$", text, re.M)
    assert title is not None
    path.write_text(text.replace(title.group(0), 'title: "Renamed while served"'))
    wait_for(lambda: client.get_json("/api/state/key_cities.yaml")["version"] > version)
    assert b"Renamed while served" in client.request("GET", "/map/key_cities.yaml")[2]


@pytest.mark.parametrize("served", [EXAMPLES], indirect=True)
def test_a_broken_file_shows_the_cli_messages_and_keeps_its_last_good_map(
    client: Client, served: Running
) -> None:
    path = served.folder / "key_cities.yaml"
    good_page = client.request("GET", "/map/key_cities.yaml")[2]
    path.write_text(path.read_text().replace("troops:", "troops: -", 1).replace("- -", "-"))
    state = wait_for(lambda: (s := client.get_json("/api/state/key_cities.yaml"))["errors"] and s)
    cli = run_cli("validate", str(path))
    assert cli.exit_code == 1
    cli_errors = [line for line in cli.stderr.splitlines() if re.match(r".*:\d+:\d+: ", line)]
    assert cli_errors and state["errors"] == cli_errors  # exactly as the CLI prints them
    page = client.request("GET", "/map/key_cities.yaml")[2].decode()
    assert "L.map(" in page  # the last good map is still served
    config = json.loads(re.search(r'id="mapper-serve-config">(.*?)</script>', page).group(1))
    assert config["errors"] == cli_errors and config["editable"] is False
    assert len(page) > len(good_page) // 2
    status, _body = client.edit(
        "key_cities.yaml", op="move", keypath="options[0].forces[0]", lat=50, lon=30
    )
    assert status == 422  # the whole file must load for an edit to be written


def test_a_file_the_scenario_names_is_watched_too(tmp_path: Path) -> None:
    folder = tmp_path / "dep"
    folder.mkdir()
    line = sorted((REPO / "geodata").glob("front_line_*.geojson"))[-1]
    occupied = line.with_name(line.name.replace("front_line_", "occupied_"))
    shutil.copy(line, folder / "my_line.geojson")
    shutil.copy(occupied, folder / "my_occupied.geojson")
    text = (REPO / "scenarios" / "key_cities.yaml").read_text()
    text = re.sub(r"^front_line: .*$", "", text, flags=re.M)
    text += "front_line: my_line.geojson\noccupied: my_occupied.geojson\n"
    (folder / "s.yaml").write_text(text)
    (folder / "unrelated.geojson").write_text("{}")
    running = start(folder, port=0)
    try:
        c = Client(running)
        state = c.get_json("/api/state/s.yaml")
        assert state["ok"], state["errors"]
        batches = running.watcher.batches
        (folder / "unrelated.geojson").write_text('{"type": "FeatureCollection", "features": []}')
        wait_for(lambda: running.watcher.batches > batches)  # the change was seen and processed...
        assert (
            c.get_json("/api/state/s.yaml")["version"] == state["version"]
        )  # ...and rendered nothing
        data = json.loads((folder / "my_line.geojson").read_text())
        data["features"][0]["properties"]["source"] = "Changed while served"
        (folder / "my_line.geojson").write_text(json.dumps(data))
        wait_for(lambda: c.get_json("/api/state/s.yaml")["version"] > state["version"])
        assert b"Changed while served" in c.request("GET", "/map/s.yaml")[2]
    finally:
        running.stop()


def test_a_file_that_never_loaded_shows_its_messages_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "bad.yaml").write_text("id: x\ntitle: <script>alert(1)</script>\noptions: 3\n")
    running = start(folder, port=0)
    try:
        c = Client(running)
        status, _, body = c.request("GET", "/map/bad.yaml")
        page = body.decode()
        assert status == 200 and "L.map(" not in page
        assert "<script>alert(1)" not in page
        assert re.search(r"bad\.yaml:\d+:\d+: ", page)
    finally:
        running.stop()


# -------------------------------------------------------------------------------------------------------------
# Security


MOVE = {"op": "move", "keypath": "options[0].forces[0]", "lat": 50.0, "lon": 30.0}


def _unchanged(served: Running, action: Callable[[], None]) -> None:
    path = served.folder / "dnipro_line.yaml"
    before = path.read_bytes()
    action()
    assert path.read_bytes() == before


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_a_write_without_this_runs_token_is_refused(
    reader: Client, shared: Running, token: str | None
) -> None:
    base = reader.get_json("/api/state/dnipro_line.yaml")["hash"]

    def act() -> None:
        headers = {} if token is None else {"X-Mapper-Token": token}
        status, _, body = reader.request(
            "POST", "/api/edit/dnipro_line.yaml", {**MOVE, "base": base}, headers
        )
        assert status == 403 and b"X-Mapper-Token" in body

    _unchanged(shared, act)


@pytest.mark.parametrize(
    "host", ["evil.example:8000", "127.0.0.1", "127.0.0.1:1", "", "localhost.evil"]
)
def test_a_foreign_host_header_is_refused_for_reads_and_writes(
    reader: Client, shared: Running, host: str
) -> None:
    for path in ("/", "/map/dnipro_line.yaml", "/api/sites/dnipro_line.yaml", "/events"):
        status, _, body = reader.request("GET", path, headers={"Host": host})
        assert status == 421 and shared.token.encode() not in body

    def act() -> None:
        status, _, _ = reader.request(
            "POST",
            "/api/edit/dnipro_line.yaml",
            MOVE,
            {"Host": host, "X-Mapper-Token": shared.token},
        )
        assert status == 421

    _unchanged(shared, act)


def test_localhost_is_the_same_server(reader: Client) -> None:
    status, _, _ = reader.request("GET", "/", headers={"Host": f"localhost:{reader.port}"})
    assert status == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:1"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_cross_origin_write_is_refused(
    reader: Client, shared: Running, headers: dict[str, str]
) -> None:
    base = reader.get_json("/api/state/dnipro_line.yaml")["hash"]
    _unchanged(
        shared,
        lambda: (
            (
                status := reader.write(
                    "edit", "dnipro_line.yaml", {**MOVE, "base": base}, **headers
                )[0]
            )
            == 403
            or pytest.fail(f"status {status}")
        ),
    )


def test_a_same_origin_write_is_accepted(client: Client) -> None:
    base = client.get_json("/api/state/dnipro_line.yaml")["hash"]
    status, _ = client.write(
        "edit", "dnipro_line.yaml", {**MOVE, "base": base}, Origin=f"http://{client.host}"
    )
    assert status == 200


@pytest.mark.parametrize(
    "name, status",
    [
        ("..%2Fdnipro_line.yaml", 403),
        ("%2E%2E", 403),
        ("sub%2Fdnipro_line.yaml", 404),  # a path in a sub-folder: not a scenario listed there
        ("sub%2F..%2Fdnipro_line.yaml", 403),
        ("%2Fetc%2Fpasswd", 403),
        ("..", 403),
        ("other.yaml", 404),
        ("link.yaml", 403),
        ("notes.txt", 404),
    ],
)
def test_only_scenario_files_of_the_folder_can_be_written(
    reader: Client, shared: Running, name: str, status: int
) -> None:
    # the shared folder has link.yaml (a link to ../outside.yaml), notes.txt and sub/ (``_shared_server``)
    outside = shared.folder.parent / "outside.yaml"
    assert (shared.folder / "link.yaml").readlink() == outside and (shared.folder / "sub").is_dir()
    assert b"<td>link.yaml</td>" in reader.request("GET", "/")[2]  # listed by the folder
    before = outside.read_bytes()
    got, body = reader.write("edit", name, {**MOVE, "base": "x" * 64})
    assert got == status, body
    got, body = reader.write("undo", name, {"base": "x" * 64})
    assert got == status, body
    assert outside.read_bytes() == before and (shared.folder / "link.yaml").is_symlink()


def test_an_oversized_body_is_refused_before_it_is_read(reader: Client, shared: Running) -> None:
    big = json.dumps({**MOVE, "pad": "x" * (64 * 1024)}).encode()
    _unchanged(
        shared,
        lambda: (
            reader.request(
                "POST",
                "/api/edit/dnipro_line.yaml",
                raw=big,
                headers={"X-Mapper-Token": shared.token},
            )[0]
            == 413
            or pytest.fail("not 413")
        ),
    )
    # a length that is announced but never sent is refused at once too (the server does not wait for it)
    status, _, _ = reader.request(
        "POST",
        "/api/edit/dnipro_line.yaml",
        raw=b"{}",
        headers={"X-Mapper-Token": shared.token, "Content-Length": str(10**9)},
    )
    assert status == 413


@pytest.mark.parametrize(
    "raw, ctype, status",
    [
        (b"op=move", "application/x-www-form-urlencoded", 415),
        (b"op=move", "text/plain", 415),
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
    ],
)
def test_a_write_is_json(
    reader: Client, shared: Running, raw: bytes, ctype: str, status: int
) -> None:
    def act() -> None:
        got, _headers, _ = reader.request(
            "POST",
            "/api/edit/dnipro_line.yaml",
            raw=raw,
            headers={"X-Mapper-Token": shared.token, "Content-Type": ctype},
        )
        assert got == status

    _unchanged(shared, act)


def test_no_cors_and_safe_headers_on_every_answer(reader: Client) -> None:
    status, headers, _ = reader.request(
        "OPTIONS",
        "/api/edit/dnipro_line.yaml",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert status == 405
    for method, path in (
        ("OPTIONS", "/api/edit/dnipro_line.yaml"),
        ("GET", "/"),
        ("GET", "/map/dnipro_line.yaml"),
        ("GET", "/api/sites/dnipro_line.yaml"),
        ("GET", "/nothing"),
    ):
        status, headers, _ = reader.request(method, path, headers={"Origin": "http://evil.example"})
        assert not [k for k in headers if k.startswith("access-control-")]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["content-security-policy"] == "frame-ancestors 'none'"


def test_no_answer_echoes_what_was_asked(reader: Client, shared: Running) -> None:
    probe = "<script>alert(1)</script>"
    for path in (f"/map/{probe}.yaml", f"/api/sites/{probe}", f"/{probe}"):
        status, headers, body = reader.request("GET", path.replace(" ", "%20"))
        assert status == 404 and b"<script>" not in body
        assert headers["content-type"] == "application/json; charset=utf-8"

    def act() -> None:
        status, body = reader.edit(
            "dnipro_line.yaml", op="set", keypath="options[0].forces[0]", fields={probe: 1}
        )
        assert status == 400 and "<script>" in body["error"]  # inside JSON text, never markup

    _unchanged(shared, act)
    assert reader.request("POST", "/api/edit/x", {"op": probe})[1]["content-type"].startswith(
        "application/json"
    )


def test_the_page_token_is_random_per_run(tmp_path: Path, shared: Running) -> None:
    other = start(shared.folder / "dnipro_line.yaml", port=0)  # one file: one render
    try:
        assert other.token != shared.token and len(other.token) >= 40
        page = Client(other).request("GET", "/map/dnipro_line.yaml")[2].decode()
        assert other.token in page and shared.token not in page
    finally:
        other.stop()


# -------------------------------------------------------------------------------------------------------------
# The command


def test_serve_help_and_a_missing_folder(tmp_path: Path) -> None:
    result = run_cli("serve", "--help")
    assert result.exit_code == 0 and "--port" in result.stdout and "--host" in result.stdout
    result = run_cli("serve", str(tmp_path / "nowhere"))
    assert result.exit_code == 2


def test_a_host_other_than_loopback_warns(tmp_path: Path) -> None:
    shutil.copy(REPO / "scenarios" / "key_cities.yaml", tmp_path / "k.yaml")
    # 192.0.2.1 (TEST-NET-1) is not an address of this machine: the warning is printed, then binding fails
    result = run_cli("serve", str(tmp_path), "--host", "192.0.2.1", "--port", "0")
    assert "warning: serving on 192.0.2.1" in result.stderr
    assert result.exit_code == 2 and "cannot listen on 192.0.2.1:0" in result.stderr


def test_the_server_stops_cleanly(tmp_path: Path) -> None:
    import threading

    shutil.copy(REPO / "scenarios" / "key_cities.yaml", tmp_path / "k.yaml")
    before = set(threading.enumerate())
    running = start(tmp_path, port=0)
    Client(running).request("GET", "/")
    running.stop()
    time.sleep(0.2)
    left = [
        t
        for t in set(threading.enumerate()) - before
        if t.is_alive() and t.name.startswith("mapper")
    ]
    assert left == []
    assert os.path.exists(tmp_path / "k.yaml")


# -------------------------------------------------------------------------------------------------------------
# The splice itself (mapper.serve.edit), on texts the examples do not have


def _example() -> str:
    return (REPO / "scenarios" / "dnipro_line.yaml").read_text()


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_the_splice_keeps_non_ascii_text_and_line_endings(newline: str) -> None:
    from mapper.loader import load_scenario_text
    from mapper.serve.edit import Edit, apply

    text = _example().replace("# Option A:", "# Варіант A — “quoted” 🚀:", 1)
    text = text.replace("name: French brigade Cherkasy", "name: Французька бригада 🚀")
    text = text.replace("\n", newline)
    out = apply(text, Edit("move", "options[0].forces[1]", 49.1, 32.1))
    out = apply(out, Edit("set", "options[0].forces[1]", fields=(("name", "Бригада: 🚀"),)))
    assert changed_lines(text, out) == [
        "-      - name: Французька бригада 🚀",
        "+      - name: 'Бригада: 🚀'",
        "-        at: Cherkasy",
        "+        at: {lat: 49.10000, lon: 32.10000}",
    ]
    assert out.count("\r\n") == text.count("\r\n")
    force = load_scenario_text(out, name="x.yaml", base_dir=REPO / "scenarios").options[0].forces[1]
    assert (force.name, force.location.lat, force.location.lon) == ("Бригада: 🚀", 49.1, 32.1)


def test_a_place_written_as_a_block_mapping_becomes_one_line_of_coordinates() -> None:
    from mapper.serve.edit import Edit, apply

    text = _example().replace(
        "at: Kyiv", "at:\n          place: Kyiv   # the capital\n          country: UA"
    )
    out = apply(text, Edit("move", "options[0].forces[0]", 50.1, 30.1))
    assert out == _example().replace("at: Kyiv", "at: {lat: 50.10000, lon: 30.10000}")


@pytest.mark.parametrize(
    "edit, message",
    [
        (("move", "options[0].forces[99]"), "no such item"),
        (("move", "options[0].nothing[0]"), "no such key"),
        (("move", "options[0].forces[0]; rm -rf"), "not a key path"),
        (("delete", "options[0].forces"), "only a list item"),
    ],
)
def test_an_edit_that_names_nothing_is_refused(edit: tuple[str, str], message: str) -> None:
    from mapper.serve.edit import Edit, EditError, apply

    with pytest.raises(EditError, match=message):
        apply(_example(), Edit(edit[0], edit[1], 50.0, 30.0))


def test_a_one_line_list_is_not_spliced_but_refused() -> None:
    from mapper.serve.edit import Edit, EditError, apply

    text = (
        "id: s\ntitle: S\ndate: 2025-03-27\noptions:\n  - id: a\n    name: A\n    colour: '#123456'\n"
        "    forces: [{name: B, nation: FR, troops: 10, at: Kyiv}]\n"
    )
    out = apply(text, Edit("move", "options[0].forces[0]", 50.0, 30.0))  # a value inside it: fine
    assert "at: {lat: 50.00000, lon: 30.00000}}]" in out
    with pytest.raises(EditError, match="one line"):
        apply(text, Edit("delete", "options[0].forces[0]"))
    with pytest.raises(EditError, match="one line"):
        apply(text, Edit("add", "options[0]", 50.0, 30.0, fields=(("name", "C"),)))


# -------------------------------------------------------------------------------------------------------------
# Points of lines and areas inserted and removed (issue #17)


ROUTE = "options[0].lines[1].through"  # dnipro_line.yaml: [Rzeszow, Lviv, Kyiv, Poltava, Dnipro]
ROUTE_LINE = "        through: [Rzeszow, Lviv, Kyiv, Poltava, Dnipro]"
NEW = "{lat: 49.50000, lon: 30.25000}"

#: a scenario whose area is a block list (with comments) and whose line is a flow list over two lines
AREA_TEXT = """\
# an area drawn point by point
format: 1
id: s
title: S
date: 2025-03-27
options:
  - id: a
    name: A   # the only option
    colour: '#123456'
    areas:
      - name: Box
        polygon:
          # corners, clockwise
          - {lat: 50.0, lon: 30.0}   # north-west
          - {lat: 50.0, lon: 31.0}
          - Poltava
          - {lat: 49.0, lon: 30.0}
        description: A box.
    lines:
      - {name: L, kind: supply_route, through: [Rzeszow,   # start
                                                Lviv, Kyiv]}
"""


def _loads(text: str) -> Any:
    from mapper.loader import load_scenario_text

    return load_scenario_text(text, name="x.yaml", base_dir=REPO / "scenarios")


@pytest.mark.parametrize(
    "index, line",
    [
        (0, f"        through: [{NEW}, Rzeszow, Lviv, Kyiv, Poltava, Dnipro]"),
        (2, f"        through: [Rzeszow, Lviv, {NEW}, Kyiv, Poltava, Dnipro]"),
        (5, f"        through: [Rzeszow, Lviv, Kyiv, Poltava, Dnipro, {NEW}]"),
    ],
)
def test_a_point_is_inserted_into_a_flow_list(index: int, line: str) -> None:
    from mapper.serve.edit import Edit, apply

    text = _example()
    out = apply(text, Edit("insert", f"{ROUTE}[{index}]", 49.5, 30.25))
    assert changed_lines(text, out) == [f"-{ROUTE_LINE}", f"+{line}"]
    assert comments(out) == comments(text)
    route = _loads(out).options[0].lines[1]
    assert (
        "49.5000 N, 30.2500 E" in route.how and route.how.count(",") == 6
    )  # six places, one a position


@pytest.mark.parametrize("index, before", [(0, 14), (2, 16), (4, 18)])
def test_a_point_is_inserted_into_a_block_list(index: int, before: int) -> None:
    from mapper.serve.edit import Edit, apply

    out = apply(AREA_TEXT, Edit("insert", f"options[0].areas[0].polygon[{index}]", 49.5, 30.25))
    assert changed_lines(AREA_TEXT, out) == [f"+          - {NEW}"]
    assert out.splitlines()[before - 1] == f"          - {NEW}"  # the new line is line `before`
    assert comments(out) == comments(AREA_TEXT)
    assert _loads(out).options[0].areas[0].how == "polygon of 5 points"


def test_a_point_is_inserted_at_the_end_of_a_list_that_ends_the_file() -> None:
    from mapper.serve.edit import Edit, apply

    text = AREA_TEXT.replace("    lines:\n", "    lines: []\n").split("      - {name: L")[0]
    text = text.replace("    lines: []\n", "").rstrip("\n")  # the polygon's description last...
    text = text.replace("        description: A box.", "").rstrip(
        "\n"
    )  # ...then its last point, no newline
    out = apply(text, Edit("insert", "options[0].areas[0].polygon[4]", 49.5, 30.25))
    assert out == text + f"\n          - {NEW}\n"


def test_points_are_removed_from_flow_and_block_lists() -> None:
    from mapper.serve.edit import Edit, apply

    text = _example()
    for index, rest in ((0, "Lviv, Kyiv, Poltava, Dnipro"), (2, "Rzeszow, Lviv, Poltava, Dnipro")):
        out = apply(text, Edit("delete", f"{ROUTE}[{index}]"))
        assert changed_lines(text, out) == [f"-{ROUTE_LINE}", f"+        through: [{rest}]"]
    out = apply(text, Edit("delete", f"{ROUTE}[4]"))
    assert changed_lines(text, out)[1] == "+        through: [Rzeszow, Lviv, Kyiv, Poltava]"
    # a block list: the point's line goes (with its comment), the comment above the list stays
    out = apply(AREA_TEXT, Edit("delete", "options[0].areas[0].polygon[0]"))
    assert changed_lines(AREA_TEXT, out) == ["-          - {lat: 50.0, lon: 30.0}   # north-west"]
    assert (
        "# corners, clockwise" in out
        and _loads(out).options[0].areas[0].how == "polygon of 3 points"
    )
    # a flow list over two lines: the comment on the first line stays
    line = "options[0].lines[0].through"
    out = apply(AREA_TEXT, Edit("delete", f"{line}[2]"))
    assert changed_lines(AREA_TEXT, out) == [
        "-                                                Lviv, Kyiv]}",
        "+                                                Lviv]}",
    ]
    out = apply(AREA_TEXT, Edit("delete", f"{line}[1]"))
    assert changed_lines(AREA_TEXT, out) == [
        "-                                                Lviv, Kyiv]}",
        "+                                                Kyiv]}",
    ]
    assert comments(out) == comments(AREA_TEXT)


def test_a_line_keeps_two_points_and_an_area_three() -> None:
    from mapper.serve.edit import Edit, EditError, apply

    text = apply(AREA_TEXT, Edit("delete", "options[0].areas[0].polygon[3]"))
    with pytest.raises(EditError, match="an area needs at least 3 points and this one has 3"):
        apply(text, Edit("delete", "options[0].areas[0].polygon[1]"))
    text = apply(text, Edit("delete", "options[0].lines[0].through[0]"))
    with pytest.raises(EditError, match="a line needs at least 2 points and this one has 2"):
        apply(text, Edit("delete", "options[0].lines[0].through[1]"))


@pytest.mark.parametrize(
    "keypath, message",
    [
        ("options[0].forces[1]", "a point is inserted only into"),
        ("options[0].lines[1].through[6]", "no such place"),
        (
            "options[0].lines[0].through[0]",
            "no such key",
        ),  # the Dnipro line is drawn along: a river
    ],
)
def test_an_insert_that_names_no_list_of_points_is_refused(keypath: str, message: str) -> None:
    from mapper.serve.edit import Edit, EditError, apply

    with pytest.raises(EditError, match=message):
        apply(_example(), Edit("insert", keypath, 50.0, 30.0))


def test_a_point_is_inserted_and_removed_over_http_and_undo_restores_the_file(
    client: Client, served: Running
) -> None:
    path = served.folder / "dnipro_line.yaml"
    original = path.read_bytes()
    vertices = client.get_json("/api/sites/dnipro_line.yaml")["vertices"]
    (kyiv,) = [v for v in vertices if v["keypath"] == f"{ROUTE}[2]"]
    assert (kyiv["list"], kyiv["index"], kyiv["count"]) == (ROUTE, 2, 5)
    status, body = client.edit(
        "dnipro_line.yaml", op="insert", keypath=f"{ROUTE}[2]", lat=49.5, lon=30.25
    )
    assert status == 200, body
    inserted = path.read_bytes()
    assert changed_lines(original.decode(), inserted.decode()) == [
        f"-{ROUTE_LINE}",
        f"+        through: [Rzeszow, Lviv, {NEW}, Kyiv, Poltava, Dnipro]",
    ]
    assert comments(inserted.decode()) == comments(original.decode())
    status, body = client.edit("dnipro_line.yaml", op="delete", keypath=f"{ROUTE}[2]")
    assert status == 200, body
    assert path.read_bytes() == original
    for expected in (inserted, original):  # undo, twice: back through both edits, byte for byte
        status, body = client.write("undo", "dnipro_line.yaml", {"base": body["hash"]})
        assert status == 200 and path.read_bytes() == expected
    client.hash = body["hash"]
    for index in (4, 3, 2):  # down to two points...
        status, body = client.edit("dnipro_line.yaml", op="delete", keypath=f"{ROUTE}[{index}]")
        assert status == 200, body
    before = path.read_bytes()
    status, body = client.edit("dnipro_line.yaml", op="delete", keypath=f"{ROUTE}[1]")
    assert status == 422 and "a line needs at least 2 points" in body["error"]  # ...and no fewer
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "body, message",
    [
        ({"keypath": "options[0].forces[1]", "lat": 50, "lon": 30}, "where the point goes"),
        ({"keypath": f"{ROUTE}[1001]", "lat": 50, "lon": 30}, "at most 1000"),
        ({"keypath": f"{ROUTE}[1]", "lat": 91, "lon": 30}, "lat: expected -90 to 90"),
        ({"keypath": f"{ROUTE}[1]", "lat": 50}, "lon: expected a number"),
        ({"keypath": f"{ROUTE}[1]; x", "lat": 50, "lon": 30}, "where the point goes"),
    ],
)
def test_an_insert_request_of_the_wrong_shape_is_refused(
    reader: Client, shared: Running, body: dict[str, Any], message: str
) -> None:
    def act() -> None:
        status, answer = reader.edit("dnipro_line.yaml", op="insert", **body)
        assert status == 400 and message in answer["error"], answer

    _unchanged(shared, act)


# -------------------------------------------------------------------------------------------------------------
# Hubs added from the map (mapper.serve.newitem)

NEW_HUB = [
    "+      - name: Lublin depot",
    "+        nation: PL",
    "+        at: {lat: 51.25000, lon: 22.57000}",
]


def test_a_hub_is_appended_to_the_options_hubs_in_their_layout() -> None:
    from mapper.serve.edit import Edit, apply

    text = _example()
    fields = (("name", "Lublin depot"), ("nation", "PL"))
    out = apply(text, Edit("add", "options[0]", 51.25, 22.57, fields=fields, hub=True))
    assert changed_lines(text, out) == NEW_HUB
    assert comments(out) == comments(text)
    hubs = _loads(out).options[0].hubs
    assert (hubs[-1].name, hubs[-1].nation, hubs[-1].location.lat) == ("Lublin depot", "PL", 51.25)
    assert hubs[-1].keypath == f"options[0].hubs[{len(hubs) - 1}]"


def test_hubs_is_created_for_an_option_that_has_none() -> None:
    from mapper.serve.edit import Edit, apply

    out = apply(
        AREA_TEXT, Edit("add", "options[0]", 50.5, 30.5, fields=(("name", "Depot"),), hub=True)
    )
    assert changed_lines(AREA_TEXT, out) == [
        "+    hubs:",
        "+      - name: Depot",
        "+        at: {lat: 50.50000, lon: 30.50000}",
    ]
    assert out.endswith(
        "Lviv, Kyiv]}\n    hubs:\n      - name: Depot\n        at: {lat: 50.50000, lon: 30.50000}\n"
    )
    (hub,) = _loads(out).options[0].hubs
    assert (hub.name, hub.location.lon) == ("Depot", 30.5)


def test_a_hub_is_added_over_http_checked_by_the_loader_and_undone(
    client: Client, served: Running
) -> None:
    path = served.folder / "dnipro_line.yaml"
    original = path.read_bytes()
    hub = {"op": "add", "site": "hub", "keypath": "options[0]", "lat": 51.25, "lon": 22.57}
    status, body = client.edit(
        "dnipro_line.yaml", **hub, fields={"name": "Lublin depot", "nation": "PL"}
    )
    assert status == 200, body
    assert changed_lines(original.decode(), path.read_text()) == NEW_HUB
    # once rendered, the new hub has a handle (it is the option's second hub)
    wait_for(lambda: client.get_json("/api/state/dnipro_line.yaml")["hash"] == body["hash"])
    sites = client.get_json("/api/sites/dnipro_line.yaml")
    (new,) = [s for s in sites["sites"] if s["name"] == "Lublin depot"]
    assert (new["site"], new["nation"], new["lat"]) == ("hub", "PL", 51.25)
    added = path.read_bytes()
    # refused, the file untouched: a hub has no troops (400), and needs a name (the loader's message, 422)
    status, answer = client.edit("dnipro_line.yaml", **hub, fields={"name": "X", "troops": "5"})
    assert status == 400 and "'troops' is not a field" in answer["error"]
    status, answer = client.edit("dnipro_line.yaml", **hub, fields={"nation": "PL"})
    assert status == 422 and any(
        "options[0].hubs[2].name: missing required key 'name'" in line for line in answer["errors"]
    ), answer
    status, answer = client.edit(
        "dnipro_line.yaml", **{**hub, "site": "zone"}, fields={"name": "X"}
    )
    assert status == 400 and "site: expected force or hub" in answer["error"]
    assert path.read_bytes() == added
    status, body = client.write("undo", "dnipro_line.yaml", {"base": client.hash})
    assert status == 200 and path.read_bytes() == original

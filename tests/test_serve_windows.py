"""``mapper serve``: when a force or hub is present (``phase:``, or ``from:``/``until:``), shown to the page and
edited from its form, written back in the item's place (only its line changes) and checked by the loader.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.cli import REPO
from support.serve import Client, changed_lines

from mapper.serve import start
from mapper.serve.edit import Edit, EditError, apply, value_text

PHASED = "phased_deployment.yaml"
TEXT = (REPO / "scenarios" / PHASED).read_text()
YAVORIV = "options[0].forces[4]"  # {..., role: training, from: D+60, at: Yavoriv}
HQ = "options[0].forces[7]"  # {..., role: command, phase: "Phase 3: Dnipro cities", at: Kyiv}
MK = "options[0].forces[1]"  # {..., range_km: 300, from: D+0, at: {place: ..., region: Constanta}}
PHASE_2 = "Phase 2: training missions in the west"


def _set(keypath: str, text: str = TEXT, **fields: str) -> str:
    return apply(text, Edit("set", keypath, fields=tuple(fields.items())), file=PHASED)


def _window(text: str, keypath: str) -> Any:
    from mapper.loader import load_scenario_text

    scenario = load_scenario_text(text, name=PHASED, base_dir=REPO / "scenarios")
    return next(f for o in scenario.options for f in o.forces if f.keypath == keypath).window


def test_a_phase_takes_the_place_of_from_on_the_items_line() -> None:
    out = _set(YAVORIV, phase=PHASE_2, **{"from": ""})
    assert changed_lines(TEXT, out) == [
        "-      - {name: Yavoriv training centre, nation: GB, troops: 3000, kind: training, echelon: brigade, "
        "role: training, from: D+60, at: Yavoriv}",
        "+      - {name: Yavoriv training centre, nation: GB, troops: 3000, kind: training, echelon: brigade, "
        f"role: training, phase: '{PHASE_2}', at: Yavoriv}}",
    ]
    window = _window(out, YAVORIV)
    assert window.phase == PHASE_2 and str(window.start) == "2026-03-16"


def test_from_and_until_take_the_place_of_a_phase_and_are_written_plain() -> None:
    out = _set(HQ, phase="", **{"from": "D+100", "until": "2026-09-01"})
    (old, new) = changed_lines(TEXT, out)
    assert old.endswith('role: command, phase: "Phase 3: Dnipro cities", at: Kyiv}')
    assert new.endswith("role: command, from: D+100, until: 2026-09-01, at: Kyiv}")
    window = _window(out, HQ)
    assert (str(window.start), str(window.end), window.phase) == ("2026-04-25", "2026-09-01", None)


def test_until_goes_after_from_and_an_empty_value_removes_the_key() -> None:
    out = _set(MK, until="D+200")
    (new,) = changed_lines(TEXT, out)[1:]
    assert "range_km: 300, from: D+0, until: D+200, at: {place:" in new
    out = _set(MK, **{"from": ""})
    (new,) = changed_lines(TEXT, out)[1:]
    assert "range_km: 300, at: {place:" in new
    assert _window(out, MK).always


def test_window_keys_in_a_block_mapping_keep_its_layout_and_comments() -> None:
    text = (REPO / "scenarios" / "dnipro_line.yaml").read_text()
    force = "options[0].forces[1]"
    out = _set(force, text, **{"from": "D+10"})
    assert changed_lines(text, out) == ["+        from: D+10"]
    timed = text.replace(
        "        troops: 5000\n", "        troops: 5000\n        phase: x   # note\n", 1
    )
    out = _set(force, timed, phase="", **{"from": "D+1", "until": "D+5"})
    assert changed_lines(timed, out) == [
        "-        phase: x   # note",
        "+        from: D+1   # note",
        "+        until: D+5",
    ]


@pytest.mark.parametrize(
    "text, key, expected",
    [
        ("a: {x: 1, y: 2, z: 3}\n", "x", "a: {y: 2, z: 3}\n"),
        ("a: {x: 1, y: 2, z: 3}\n", "y", "a: {x: 1, z: 3}\n"),
        ("a: {x: 1, y: 2, z: 3}\n", "z", "a: {x: 1, y: 2}\n"),
        ("a: {x: 1, y: 2,\n    z: 3}\n", "y", "a: {x: 1,\n    z: 3}\n"),
        ("a: {x: 1}\n", "x", "a: {}\n"),
    ],
)
def test_a_key_is_removed_from_a_one_line_mapping_with_its_comma(
    text: str, key: str, expected: str
) -> None:
    from mapper.serve import edit
    from mapper.yamlsafe import load_text

    site: Any = edit.find(load_text(text, file="t").root, "a")
    pair: Any = edit.entry(site, key)
    start, end, new = edit._remove_key(edit.Text(text), site, *pair)
    assert text[:start] + new + text[end:] == expected


def test_a_key_behind_a_comment_in_a_flow_mapping_is_refused() -> None:
    from mapper.serve import edit
    from mapper.yamlsafe import load_text

    text = "a: {x: 1,  # one\n    y: 2}\n"
    site: Any = edit.find(load_text(text, file="t").root, "a")
    pair: Any = edit.entry(site, "y")
    with pytest.raises(EditError, match="plain comma"):
        edit._remove_key(edit.Text(text), site, *pair)


def test_days_are_written_plain_and_other_text_quoted_when_needed() -> None:
    assert value_text("from", " D+60 ") == "D+60"
    assert value_text("until", "2026-09-01") == "2026-09-01"
    assert value_text("until", "2026-09") == "2026-09"
    assert value_text("phase", PHASE_2) == f"'{PHASE_2}'"
    assert value_text("from", "soon: later") == "'soon: later'"  # the loader says why it is no day


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
    folder = tmp_path / "sc"
    folder.mkdir()
    shutil.copy(REPO / "scenarios" / PHASED, folder / PHASED)
    running = start(folder, port=0)
    try:
        yield Client(running)
    finally:
        running.stop()


def test_the_sites_say_when_each_force_is_present_as_written(client: Client) -> None:
    sites = client.get_json(f"/api/sites/{PHASED}")
    assert sites["phases"] == [
        "Phase 1: hubs and air policing",
        PHASE_2,
        "Phase 3: Dnipro cities",
    ]
    by_key = {s["keypath"]: s for s in sites["sites"]}
    assert {k: by_key[YAVORIV][k] for k in ("phase", "from", "until")} == {
        "phase": None,
        "from": "D+60",
        "until": None,
    }
    assert by_key[HQ]["phase"] == "Phase 3: Dnipro cities" and by_key[HQ]["from"] is None
    hub = by_key["options[0].hubs[0]"]
    assert hub["site"] == "hub" and hub["from"] == "D+0"


def test_a_window_edit_over_http_is_checked_by_the_loader(client: Client) -> None:
    path = client.running.folder / PHASED
    status, body = client.edit(PHASED, op="set", keypath=YAVORIV, fields={"phase": PHASE_2})
    assert status == 422, (
        body
    )  # a phase together with from: the loader's message, the file untouched
    assert any(f"{YAVORIV}" in line and "phase" in line for line in body["errors"]), body
    assert path.read_text() == TEXT
    status, body = client.edit(PHASED, op="set", keypath=YAVORIV, fields={"until": "D+40"})
    assert status == 422 and any("until" in line for line in body["errors"]), body  # before from
    status, body = client.edit(
        PHASED, op="set", keypath=YAVORIV, fields={"phase": PHASE_2, "from": ""}
    )
    assert status == 200, body
    assert len(changed_lines(TEXT, path.read_text())) == 2
    status, body = client.edit(
        PHASED,
        op="set",
        keypath="options[0].hubs[1]",
        fields={"from": "", "phase": "Phase 1: hubs and air policing"},
    )
    assert status == 200, body
    assert (
        "- {name: Constanta port, nation: RO, phase: 'Phase 1: hubs and air policing', at: Constanta}"
        in (path.read_text())
    )


def test_a_new_force_may_start_in_a_phase(client: Client) -> None:
    path = client.running.folder / PHASED
    status, body = client.edit(
        PHASED,
        op="add",
        keypath="options[1]",
        lat=49.9,
        lon=24.0,
        fields={"name": "Reserve", "nation": "PL", "troops": "800", "phase": PHASE_2},
    )
    assert status == 200, body
    added = [line[1:] for line in changed_lines(TEXT, path.read_text())]
    assert added[0].strip() == "- name: Reserve" or added[0].strip().startswith("- name: Reserve")
    assert f"phase: '{PHASE_2}'" in "\n".join(added)

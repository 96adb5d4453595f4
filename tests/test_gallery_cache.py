"""The gallery's cache of failures and of the comparison page, and what an unchanged rebuild imports.

A scenario that fails is keyed like one that builds (its bytes, the build, the files it names, the path its
messages show): unchanged, its messages are reported again from the manifest without loading it, and the
comparison page is kept while nothing it reads changed. Small galleries, built in-process (``jobs=1``).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.broken import BROKEN_SCENARIO
from support.cli import run_cli
from support.tiers import representatives

from mapper import gallery as gallery_mod
from mapper.gallery import build_gallery
from mapper.gallery import entries as gallery_entries
from mapper.gallery import index as gallery_index

REPO = Path(__file__).resolve().parent.parent
VALID = "dnipro_line.yaml"
FRONT = REPO / "geodata" / "front_line_2025-03.geojson"

BAD = BROKEN_SCENARIO


def _scen(tmp_path: Path, bad: str = BAD) -> Path:
    src = tmp_path / "scen"
    src.mkdir()
    shutil.copy2(REPO / "scenarios" / VALID, src / VALID)
    (src / "bad.yaml").write_text(bad, encoding="utf-8")
    return src


class _Calls:
    """Records which scenario files ``_render_one`` loads (and which comparisons are made) in this process."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.loaded: list[str] = []
        self.compared = 0
        real_render, real_compare = gallery_mod._render_one, gallery_mod._comparison_html

        def render_one(path: str, scenario_dir: str):
            self.loaded.append(Path(path).name)
            return real_render(path, scenario_dir)

        def comparison_html(paths: list[str]):
            self.compared += 1
            return real_compare(paths)

        monkeypatch.setattr(gallery_mod, "_render_one", render_one)
        monkeypatch.setattr(gallery_mod, "_comparison_html", comparison_html)

    def reset(self) -> None:
        self.loaded, self.compared = [], 0


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# -- a failure is cached like a success ------------------------------------------------------------------------


def test_an_unchanged_broken_scenario_is_reported_again_without_a_reload(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out = _scen(tmp_path), tmp_path / "gallery"
    calls = _Calls(monkeypatch)
    first = build_gallery(src, out, jobs=1)
    assert sorted(calls.loaded) == ["bad.yaml", VALID] and calls.compared == 1
    errors = first.failed[0].errors
    assert errors and errors[0].startswith(f"{src / 'bad.yaml'}:10:47: ")
    before = _snapshot(out)

    calls.reset()
    for p in src.iterdir():  # a touch changes nothing: keys hash content
        p.touch()
    second = build_gallery(src, out, jobs=1)
    assert calls.loaded == [] and calls.compared == 0
    assert not second.written and _snapshot(out) == before
    assert [e.source for e in second.failed] == ["bad.yaml"] and second.failed[0].errors == errors
    assert second.failed[0].warnings == first.failed[0].warnings

    # the command line reports the same located messages and exits 1, still without loading anything
    result = run_cli("gallery", src, "-o", out, "--jobs", "1")
    assert result.exit_code == 1 and calls.loaded == [], result
    assert f"{src / 'bad.yaml'}:10:47: options[0].forces[0].at: unknown place" in result.stderr
    assert "1 failed (bad.yaml)" in result.stderr


def test_an_edited_broken_scenario_is_loaded_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out = _scen(tmp_path), tmp_path / "gallery"
    build_gallery(src, out, jobs=1)
    calls = _Calls(monkeypatch)
    # still broken, differently: the new message, found by a new load
    (src / "bad.yaml").write_text(BAD.replace('"<b>Nowhere</b>"', "Atlantis"), encoding="utf-8")
    result = build_gallery(src, out, jobs=1)
    assert calls.loaded == ["bad.yaml"] and calls.compared == 1
    assert "unknown place 'Atlantis'" in result.failed[0].errors[0]
    # fixed: built, and the valid one is still reused
    calls.reset()
    (src / "bad.yaml").write_text(BAD.replace('"<b>Nowhere</b>"', "Kyiv"), encoding="utf-8")
    result = build_gallery(src, out, jobs=1)
    assert calls.loaded == ["bad.yaml"] and result.ok
    assert [e.source for e in result.reused] == [VALID]


def _naming(front: str, *, broken: bool) -> str:
    text = BAD if broken else BAD.replace('"<b>Nowhere</b>"', "Kyiv")
    return text.replace("options:", f"front_line: {front}\noptions:", 1)


def test_a_missing_front_line_file_that_appears_is_loaded_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out = _scen(tmp_path, _naming("lines/front.geojson", broken=False)), tmp_path / "gallery"
    first = build_gallery(src, out, jobs=1)
    assert first.failed[0].source == "bad.yaml"
    assert first.failed[0].inputs == {"lines/front.geojson": gallery_entries.ABSENT}
    calls = _Calls(monkeypatch)
    assert build_gallery(src, out, jobs=1).failed[0].errors == first.failed[0].errors
    assert calls.loaded == []
    (src / "lines").mkdir()
    shutil.copy(FRONT, src / "lines" / "front.geojson")
    result = build_gallery(src, out, jobs=1)
    assert calls.loaded == ["bad.yaml"] and result.ok, [e.errors for e in result.failed]


def test_a_changed_front_line_file_of_a_broken_scenario_is_loaded_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out = _scen(tmp_path, _naming("front.geojson", broken=True)), tmp_path / "gallery"
    shutil.copy(FRONT, src / "front.geojson")
    first = build_gallery(src, out, jobs=1)
    digest = gallery_entries._hash_regular(src / "front.geojson", 1 << 30)
    assert first.failed[0].inputs == {"front.geojson": digest}
    calls = _Calls(monkeypatch)
    build_gallery(src, out, jobs=1)
    assert calls.loaded == [] and calls.compared == 0
    # the same line written differently: the failure may not be the same any more
    doc = json.loads((src / "front.geojson").read_text(encoding="utf-8"))
    (src / "front.geojson").write_text(json.dumps(doc, indent=1), encoding="utf-8")
    result = build_gallery(src, out, jobs=1)
    assert calls.loaded == ["bad.yaml"] and calls.compared == 1
    assert result.failed[0].errors == first.failed[0].errors  # still broken the same way
    # gone: loaded again, and the message now says the file is missing
    calls.reset()
    (src / "front.geojson").unlink()
    result = build_gallery(src, out, jobs=1)
    assert calls.loaded == ["bad.yaml"]
    assert result.failed[0].inputs == {"front.geojson": gallery_entries.ABSENT}


def test_a_failure_shows_the_folder_as_named_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out = _scen(tmp_path), tmp_path / "gallery"
    build_gallery(src, out, jobs=1)
    alias = tmp_path / "alias"
    alias.symlink_to(src, target_is_directory=True)
    calls = _Calls(monkeypatch)
    result = build_gallery(alias, out, jobs=1)
    assert calls.loaded == ["bad.yaml"]  # the valid one is reused: its key is its content
    assert result.failed[0].errors[0].startswith(f"{alias / 'bad.yaml'}:10:47: ")


TAMPERS = [
    {"errors": [1]},
    {"errors": []},
    {"warnings": [{"x": 1}]},
    {"cache_key": "0" * 64},
    {"inputs": {"../../etc/passwd": gallery_entries.ABSENT}},
    {"inputs": {"/etc/hostname": "0" * 64}},
    {"inputs": {"x": 5}},
]


# make test: a bad message list and an input outside the folder; make test-sweeps: every tampered field
@pytest.mark.parametrize(
    "tamper",
    representatives(
        TAMPERS,
        [{"errors": [1]}, {"inputs": {"../../etc/passwd": gallery_entries.ABSENT}}],
    ),
)
def test_a_hand_edited_failure_is_loaded_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tamper: dict
) -> None:
    src, out = _scen(tmp_path), tmp_path / "gallery"
    build_gallery(src, out, jobs=1)
    path = out / "gallery.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    entry = next(e for e in manifest["scenarios"] if e["source"] == "bad.yaml")
    entry.update(tamper)
    path.write_text(json.dumps(manifest), encoding="utf-8")
    calls = _Calls(monkeypatch)
    result = build_gallery(src, out, jobs=1)
    assert calls.loaded == ["bad.yaml"]
    assert "unknown place" in result.failed[0].errors[0]


def test_input_digests_of_names_a_scenario_may_not_use(tmp_path: Path) -> None:
    (tmp_path / "f.geojson").write_text("{}", encoding="utf-8")
    digest = gallery_entries.input_digest
    assert digest("/etc/hostname", tmp_path) is None  # refused by the loader: nothing is read
    assert digest("../x.geojson", tmp_path) is None
    assert digest("gone.geojson", tmp_path) == gallery_entries.ABSENT
    assert digest("f.geojson", tmp_path) == gallery_entries._hash_regular(
        tmp_path / "f.geojson", 100
    )
    (tmp_path / "out.geojson").symlink_to("/etc/hostname")
    assert digest("out.geojson", tmp_path) == ""  # a link out of the folder: never hashed
    os.mkfifo(tmp_path / "pipe.geojson")
    assert digest("pipe.geojson", tmp_path) == ""  # never opened: it would wait for a writer
    (tmp_path / "dangling.geojson").symlink_to(tmp_path / "nothing")
    assert digest("dangling.geojson", tmp_path) == ""  # not missing: a link may be completed
    assert not gallery_entries._input_unchanged(
        "dangling.geojson", gallery_entries.ABSENT, tmp_path
    )


# -- the comparison page ---------------------------------------------------------------------------------------


def test_the_comparison_is_kept_while_what_it_reads_is_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out = _scen(tmp_path), tmp_path / "gallery"
    build_gallery(src, out, jobs=1)
    page = (out / "compare.html").read_bytes()
    calls = _Calls(monkeypatch)
    # a map deleted: that scenario is drawn again, the comparison (which does not show that file) is kept
    (out / "maps" / "dnipro_line.html").unlink()
    result = build_gallery(src, out, jobs=1)
    assert calls.loaded == [VALID] and calls.compared == 0 and result.written
    assert (out / "compare.html").read_bytes() == page
    assert 'href="compare.html"' in (out / "index.html").read_text(encoding="utf-8")
    # the comparison page deleted: made again (nothing else is)
    calls.reset()
    (out / "compare.html").unlink()
    build_gallery(src, out, jobs=1)
    assert calls.loaded == [] and calls.compared == 1
    assert (out / "compare.html").read_bytes() == page
    # a scenario edited: made again, and it shows the edit
    calls.reset()
    path = src / VALID
    path.write_text(
        path.read_text(encoding="utf-8").replace('title: "', 'title: "Edited ', 1),
        encoding="utf-8",
    )
    build_gallery(src, out, jobs=1)
    assert calls.loaded == [VALID] and calls.compared == 1
    assert "Edited" in (out / "compare.html").read_text(encoding="utf-8")


def test_a_new_comparison_key_makes_the_page_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src, out = _scen(tmp_path), tmp_path / "gallery"
    build_gallery(src, out, jobs=1)
    calls = _Calls(monkeypatch)
    monkeypatch.setattr(gallery_entries, "_comparison_base", lambda: "another comparison code")
    result = build_gallery(src, out, jobs=1)
    assert calls.loaded == [] and calls.compared == 1 and result.written
    manifest = json.loads((out / "gallery.json").read_text(encoding="utf-8"))
    assert manifest["comparison"]["written"] is True
    assert build_gallery(src, out, jobs=1).written is False  # and then it holds


# -- what an unchanged rebuild imports -------------------------------------------------------------------------

_HEAVY = ("folium", "branca", "numpy", "matplotlib", "shapely", "pandas")
_PROBE = """
import sys
from pathlib import Path
if sys.argv[1] == "rebuild":
    from mapper.gallery import build_gallery
    result = build_gallery(sys.argv[2], sys.argv[3], jobs=1)
    assert not result.written and result.rendered == [] and len(result.failed) == 1, result
else:  # the index alone, from the manifest's entries
    from mapper.gallery import render_index
    from mapper.gallery.entries import _previous_entries, _read_manifest
    entries = list(_previous_entries(_read_manifest(Path(sys.argv[3]))).values())
    assert len(entries) == 2 and "<li class=" in render_index(entries, compare=True)
print("heavy:", sorted(m for m in sys.argv[4].split(",") if m in sys.modules))
"""


@pytest.mark.parametrize("mode", ["rebuild", "index"])
def test_an_unchanged_rebuild_and_the_index_never_import_folium(tmp_path: Path, mode: str) -> None:
    # the keys are computed once per process: fresh ones, as the subprocess computes them
    for cached in ("build_key", "_package_digests", "_comparison_base"):
        getattr(gallery_entries, cached).cache_clear()
    src, out = _scen(tmp_path), tmp_path / "gallery"
    build_gallery(src, out, jobs=1)
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, mode, str(src), str(out), ",".join(_HEAVY)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    assert "heavy: []" in proc.stdout, proc.stdout


def test_the_light_copies_agree_with_what_they_stand_for(tmp_path: Path) -> None:
    from mapper.loader import scenario_files
    from mapper.render.assets import template_text
    from mapper.textlayout import format_km
    from mapper.yamlsafe import MAX_FILE_BYTES

    # the distances' wording is the shared one, not a copy (textlayout imports neither numpy nor the analysis)
    assert gallery_index.format_km is format_km
    assert format_km(12.34, 10) == "12.3 km ± 10" and format_km(math.nan) == "–"
    for name in ("gallery.css", "gallery_index.html"):
        assert gallery_index.template_text(name) == template_text(name)
    assert (
        gallery_mod.MAX_HASHED_BYTES >= MAX_FILE_BYTES
    )  # every file the loader accepts can be reused
    for name in ("b.yaml", "a.YML", ".hidden.yaml", "c.txt", "d.yml"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert gallery_mod._scenario_files(tmp_path) == list(scenario_files([tmp_path]))

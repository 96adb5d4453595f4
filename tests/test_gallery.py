"""``mapper gallery``: the static site of every scenario (mapper/gallery.py).

The example gallery is built once per module (in worker processes); the other tests build small galleries of two
or three scenarios copied to a temporary folder, mostly in-process (``jobs=1``) to stay fast.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml
from support.broken import BROKEN_SCENARIO
from support.cli import run_cli, run_process

from mapper import __version__
from mapper import gallery as gallery_mod
from mapper.errors import OutputError
from mapper.gallery import build_gallery
from mapper.gallery import entries as gallery_entries
from mapper.render.assets import external_urls

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "scenarios").glob("*.yaml"))
SMALL = ["dnipro_line.yaml", "key_cities.yaml", "western_regions.yaml"]

BAD = BROKEN_SCENARIO


def _copy(names: list[str], dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy2(REPO / "scenarios" / name, dest / name)
    return dest


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _mtimes(folder: Path) -> dict[str, int]:
    return {
        p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _cards(index: str) -> list[str]:
    return re.findall(r'<li class="card (?:ok|violates|failed)" id="scenario-([^"]+)"', index)


@pytest.fixture(scope="module")
def example_gallery(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("examples") / "gallery"
    result = build_gallery(REPO / "scenarios", out, jobs=2)
    return out, result


# -- the example gallery ---------------------------------------------------------------------------------------


def test_example_gallery_has_every_file(example_gallery) -> None:
    out, result = example_gallery
    assert (
        result.ok and len(result.built) == len(EXAMPLES) and len(result.rendered) == len(EXAMPLES)
    )
    ids = sorted(e.id for e in result.entries)
    assert ids == sorted(p.stem for p in EXAMPLES)  # the examples' ids are their file names
    expected = {"index.html", "gallery.json", "compare.html"}
    expected |= {f"maps/{i}.html" for i in ids} | {f"thumbs/{i}.png" for i in ids}
    assert set(_snapshot(out)) == expected
    assert not list(out.parent.glob(".gallery.*")), "no temporary folder left behind"


def test_example_manifest(example_gallery) -> None:
    out, _ = example_gallery
    text = (out / "gallery.json").read_text(encoding="utf-8")
    manifest = json.loads(text)
    # deterministic: sorted keys, stable layout
    assert text == json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert manifest["format"] == "mapper-gallery/1"
    assert manifest["generator"] == {"name": "mapper", "version": __version__}
    assert [f["date"] for f in manifest["front_lines"]] == ["2025-03-27"]
    assert manifest["front_lines"][0]["source"]
    rows = manifest["scenarios"]
    assert [r["source"] for r in rows] == [p.name for p in EXAMPLES]
    for row, path in zip(rows, EXAMPLES, strict=True):
        assert row["status"] == "built" and row["errors"] == []
        # each row carries the scenario's own situation date, as written in the file
        written = re.search(r"^date: (\S+)", path.read_text(encoding="utf-8"), re.M)
        assert row["id"] == path.stem and row["title"] and row["date"] == written.group(1)
        assert row["files"] == {"map": f"maps/{path.stem}.html", "thumb": f"thumbs/{path.stem}.png"}
        assert row["content_hash"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert re.fullmatch(r"[0-9a-f]{64}", row["cache_key"])
        fig = row["figures"]
        assert fig["options"] >= 1 and fig["troops"] > 0
        assert fig["min_distance_to_front_km"] > 0 and isinstance(fig["meets_constraints"], bool)
    dnipro = next(r for r in rows if r["id"] == "dnipro_line")
    # the troops of the example file itself, summed here from the YAML
    doc = yaml.safe_load((REPO / "scenarios" / "dnipro_line.yaml").read_text(encoding="utf-8"))
    troops = sum(f["troops"] for o in doc["options"] for f in o.get("forces", []))
    assert dnipro["figures"]["troops"] == troops
    # the example's ceasefire monitors are exempt from its constraint, and the manifest says who
    assert dnipro["figures"]["meets_constraints"] is True
    assert dnipro["figures"]["exempt"] == [
        "Ceasefire monitoring team Zaporizhzhia (role monitoring)"
    ]
    assert dnipro["figures"]["distance_accuracy_km"] == 10.0


def test_example_index_has_a_card_per_scenario(example_gallery) -> None:
    out, result = example_gallery
    index = (out / "index.html").read_text(encoding="utf-8")
    assert sorted(_cards(index)) == sorted(e.id for e in result.entries)
    assert index.startswith("<!DOCTYPE html>") and '<html lang="en">' in index
    assert "<title>Deployment scenarios</title>" in index and "<h1>" in index
    assert index.count("<h2 ") == len(EXAMPLES)
    for e in result.entries:
        assert f'href="maps/{e.id}.html"' in index
        assert f'src="thumbs/{e.id}.png" width="480" height="320" alt="Map of ' in index
    # default order without JS: by title
    titles = [e.title for e in sorted(result.entries, key=lambda e: e.title.casefold())]
    assert [m for m in re.findall(r'data-title="([^"]*)"', index)] == [
        t.replace("'", "&#39;") for t in titles
    ]
    # the footer: data credits and the front line's date and source
    footer = index[index.index('<footer class="credits">') :]
    for credit in ("Natural Earth", "GeoNames", "CC-BY 4.0", "GSHHG", "LGPL"):
        assert credit in footer
    assert "Front line 2025-03-27:" in footer
    assert index.count('href="compare.html"') == 1  # the gallery's own comparison of every option


def test_every_page_is_offline(example_gallery) -> None:
    out, result = example_gallery
    assert external_urls((out / "index.html").read_text(encoding="utf-8")) == []
    for e in result.entries:
        page = (out / e.map).read_text(encoding="utf-8")
        assert external_urls(page) == []
        assert '<a href="../index.html">← All scenarios</a>' in page


def test_thumbnails_are_480x320_pngs_with_content(example_gallery) -> None:
    import matplotlib.image as mpimg

    out, result = example_gallery
    for e in result.entries:
        data = (out / e.thumb).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        img = mpimg.imread(out / e.thumb)
        assert img.shape[:2] == (320, 480)
        rgb = np.asarray(img)[..., :3]
        assert rgb.std() > 0.05, "thumbnail looks blank"
        assert len(np.unique((rgb * 255).astype(np.uint8).reshape(-1, 3), axis=0)) > 50


# -- incremental builds ----------------------------------------------------------------------------------------


def test_unchanged_rebuild_renders_and_writes_nothing(tmp_path: Path) -> None:
    src = _copy(SMALL[:2], tmp_path / "scen")
    out = tmp_path / "gallery"
    first = build_gallery(src, out, jobs=1)
    assert len(first.rendered) == 2
    before, times = _snapshot(out), _mtimes(out)
    for p in src.iterdir():  # a touch alone changes nothing: keys hash content
        p.touch()
    second = build_gallery(src, out, jobs=1)
    assert second.rendered == [] and len(second.reused) == 2 and not second.written
    assert _snapshot(out) == before and _mtimes(out) == times
    assert "2 built (0 rendered, 2 unchanged)" in second.summary_line()


def test_changing_one_scenario_renders_only_it_and_deleting_removes_it(tmp_path: Path) -> None:
    src = _copy(SMALL, tmp_path / "scen")
    out = tmp_path / "gallery"
    build_gallery(src, out, jobs=1)
    before, times = _snapshot(out), _mtimes(out)

    path = src / "key_cities.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('title: "', 'title: "Edited ', 1), encoding="utf-8")
    calls: list[int] = []
    result = build_gallery(src, out, jobs=1, progress=lambda done, total, e: calls.append(total))
    assert [e.id for e in result.rendered] == ["key_cities"] and calls == [1]
    after, times_after = _snapshot(out), _mtimes(out)
    for sid in ("dnipro_line", "western_regions"):
        for rel in (f"maps/{sid}.html", f"thumbs/{sid}.png"):
            assert after[rel] == before[rel] and times_after[rel] == times[rel], rel
    assert after["maps/key_cities.html"] != before["maps/key_cities.html"]
    assert "Edited" in after["index.html"].decode()

    (src / "western_regions.yaml").unlink()
    result = build_gallery(src, out, jobs=1)
    assert result.rendered == []
    files = set(_snapshot(out))
    assert "maps/western_regions.html" not in files and "thumbs/western_regions.png" not in files
    manifest = json.loads((out / "gallery.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in manifest["scenarios"]] == ["dnipro_line", "key_cities"]
    assert "western_regions" not in (out / "index.html").read_text(encoding="utf-8")


def test_a_new_build_key_renders_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _copy(SMALL[:1], tmp_path / "scen")
    out = tmp_path / "gallery"
    build_gallery(src, out, jobs=1)
    monkeypatch.setattr(gallery_entries, "build_key", lambda: "another mapper version")
    assert len(build_gallery(src, out, jobs=1).rendered) == 1


def test_an_own_front_line_file_is_part_of_the_key(tmp_path: Path) -> None:
    src = tmp_path / "scen"
    src.mkdir()
    front = REPO / "geodata" / "front_line_2025-03.geojson"
    shutil.copy(front, src / "front.geojson")
    text = (REPO / "scenarios" / "western_regions.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^front_line:.*$", "front_line: front.geojson", text)
    if "front_line: front.geojson" not in text:
        text = text.replace("options:", "front_line: front.geojson\noptions:", 1)
    (src / "own.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "gallery"
    first = build_gallery(src, out, jobs=1)
    assert first.ok, [e.errors for e in first.failed]
    assert list(first.entries[0].inputs) == ["front.geojson"]
    assert build_gallery(src, out, jobs=1).rendered == []
    doc = json.loads((src / "front.geojson").read_text(encoding="utf-8"))
    (src / "front.geojson").write_text(json.dumps(doc, indent=1), encoding="utf-8")
    assert len(build_gallery(src, out, jobs=1).rendered) == 1


# -- invalid scenarios, duplicates, hostile text ---------------------------------------------------------------


def test_an_invalid_scenario_gets_a_card_and_exit_code_1(tmp_path: Path) -> None:
    src = _copy(SMALL[:2], tmp_path / "scen")
    (src / "bad.yaml").write_text(BAD, encoding="utf-8")
    out = tmp_path / "gallery"
    result = run_cli("gallery", src, "-o", out, "--jobs", "1")
    assert result.exit_code == 1, result
    assert "Traceback" not in result.output
    assert "3 scenarios: 2 built (2 rendered, 0 unchanged), 1 failed (bad.yaml)" in result.output
    assert "bad.yaml:10:" in result.output and "Nowhere" in result.output  # the messages too
    index = (out / "index.html").read_text(encoding="utf-8")
    assert sorted(_cards(index)) == ["dnipro_line", "file-bad-yaml", "key_cities"]
    assert _cards(index)[-1] == "file-bad-yaml"  # failed ones last
    card = index[index.index('id="scenario-file-bad-yaml"') :]
    card = card[: card.index("</li>")]
    assert "Could not be built" in card and "bad.yaml:10:" in card
    assert "&lt;b&gt;Nowhere&lt;/b&gt;" in card and "<b>Nowhere" not in index
    manifest = json.loads((out / "gallery.json").read_text(encoding="utf-8"))
    bad = next(r for r in manifest["scenarios"] if r["source"] == "bad.yaml")
    assert (
        bad["status"] == "failed" and bad["errors"] and bad["files"] == {"map": None, "thumb": None}
    )
    assert {p.name for p in (out / "maps").iterdir()} == {"dnipro_line.html", "key_cities.html"}

    # fixed: the next build renders it (failed scenarios are always checked again); the others are reused
    (src / "bad.yaml").write_text(
        BAD.replace('"<b>Nowhere</b>"', "Kyiv"),
        encoding="utf-8",
    )
    result = run_cli("gallery", src, "-o", out, "-q", "--jobs", "1")
    assert result.exit_code == 0, result
    assert result.output == ""


def test_duplicate_ids_keep_the_first_file(tmp_path: Path) -> None:
    src = _copy(SMALL[:1], tmp_path / "scen")
    shutil.copy(src / SMALL[0], src / "z_copy.yaml")
    result = build_gallery(src, tmp_path / "gallery", jobs=1)
    assert [e.source for e in result.built] == [SMALL[0]]
    assert result.failed[0].source == "z_copy.yaml"
    assert "already used by dnipro_line.yaml" in result.failed[0].errors[0]


HOSTILE = "<script>alert(1)</script> {{ 7*7 }} \"'><img src=x onerror=alert(2)> `${x}`"


def test_hostile_text_is_escaped_in_the_index(tmp_path: Path) -> None:
    src = tmp_path / "scen"
    src.mkdir()
    text = (REPO / "scenarios" / "western_regions.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*$", "title: " + json.dumps("T " + HOSTILE), text)
    text = re.sub(
        r"(?ms)^summary: .*?(?=^\S)", "summary: " + json.dumps("S " + HOSTILE) + "\n", text
    )
    (src / "hostile.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "gallery"
    result = build_gallery(src, out, jobs=1)
    assert result.ok, [e.errors for e in result.failed]
    assert result.entries[0].title == "T " + HOSTILE
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in index and "<img src=x" not in index
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    assert "&#34;&#39;&gt;&lt;img src=x onerror=alert(2)&gt;" in index
    assert index.count("<script>") == 1  # only the gallery's own script
    assert external_urls(index) == []
    page = (out / "maps" / "western_regions.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and external_urls(page) == []


# -- atomicity and safety of the output folder -----------------------------------------------------------------


@pytest.mark.parametrize("where", ["while rendering", "while writing the index"])
def test_an_interrupted_build_leaves_the_previous_gallery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    src = _copy(SMALL[:2], tmp_path / "scen")
    out = tmp_path / "gallery"
    build_gallery(src, out, jobs=1)
    before, times = _snapshot(out), _mtimes(out)
    for p in src.iterdir():  # every scenario changed: both must be rendered again
        p.write_text(p.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")

    if where == "while rendering":
        real, calls = gallery_mod._render_one, []

        def render_one(path: str, scenario_dir: str):
            calls.append(path)
            if len(calls) == 2:
                raise RuntimeError("boom")
            return real(path, scenario_dir)

        monkeypatch.setattr(gallery_mod, "_render_one", render_one)
    else:

        def render_index(*args, **kwargs):
            raise RuntimeError("boom")

        monkeypatch.setattr(gallery_mod, "render_index", render_index)
    with pytest.raises(RuntimeError, match="boom"):
        build_gallery(src, out, jobs=1)
    assert _snapshot(out) == before and _mtimes(out) == times
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gallery", "scen"]


def test_refuses_a_folder_that_is_not_a_gallery(tmp_path: Path) -> None:
    src = _copy(SMALL[:1], tmp_path / "scen")
    out = tmp_path / "site"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match=r"not a gallery.*--overwrite"):
        build_gallery(src, out, jobs=1)
    assert (out / "keep.txt").read_text(encoding="utf-8") == "mine"
    result = run_cli("gallery", src, "-o", out)  # the OutputError, as the command line shows it
    assert result.exit_code == 1 and "--overwrite" in result.stderr, result
    build_gallery(src, out, jobs=1, overwrite=True)
    assert not (out / "keep.txt").exists() and (out / "gallery.json").is_file()


@pytest.mark.parametrize("target", ["scen", ".", "file"])
def test_never_replaces_the_scenarios_or_a_file(tmp_path: Path, target: str) -> None:
    src = _copy(SMALL[:1], tmp_path / "scen")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    out = tmp_path / target
    with pytest.raises(OutputError):
        build_gallery(src, out, jobs=1, overwrite=True)
    assert (src / SMALL[0]).is_file() and (tmp_path / "file").read_text(encoding="utf-8") == "x"


def test_the_gallery_compares_its_options_and_keeps_the_page_while_nothing_changes(
    tmp_path: Path,
) -> None:
    src = _copy(SMALL[:2], tmp_path / "scen")
    out = tmp_path / "gallery"
    build_gallery(src, out, jobs=1)
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert 'href="compare.html"' in (out / "index.html").read_text(encoding="utf-8")
    assert "Brigades on the Dnipro cities" in page and "Key cities and bases" in page
    assert external_urls(page) == []
    # unchanged: nothing written, the page kept as it is
    assert not build_gallery(src, out, jobs=1).written
    assert (out / "compare.html").read_text(encoding="utf-8") == page
    # a scenario removed: the comparison follows
    (src / SMALL[1]).unlink()
    build_gallery(src, out, jobs=1)
    page = (out / "compare.html").read_text(encoding="utf-8")
    assert "Brigades on the Dnipro cities" in page and "Key cities and bases" not in page


def test_an_empty_or_missing_scenario_folder_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for folder in ("empty", "missing"):
        result = run_cli("gallery", tmp_path / folder, "-o", tmp_path / "g")
        assert result.exit_code in (1, 2) and result.stderr, result
    assert not (tmp_path / "g").exists()


def test_a_fifo_among_the_scenarios_gets_an_error_card_and_never_blocks(tmp_path: Path) -> None:
    """Hashing for the incremental build must not open a FIFO (it would wait for a writer for ever)."""
    import os

    src = _copy(SMALL[:1], tmp_path / "scen")
    os.mkfifo(src / "pipe.yaml")
    out = tmp_path / "gallery"
    proc = run_process("gallery", src, "-o", out, "--jobs", "1", timeout=120)
    assert proc.exit_code == 1, proc.stderr
    assert "pipe.yaml: is not a regular file" in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr
    assert (out / "maps" / SMALL[0].replace(".yaml", ".html")).is_file()

"""Hostile cache and manifest files: the symbol cache and the gallery's manifest, read through one validated reader.

Issue 19 (hardening, round two). Whoever can write the per-user symbol cache (a shared ``MAPPER_CACHE_DIR``, a
restored CI cache) or a gallery folder must not be able to run script in the pages we build, make a request, hang,
crash or stall a command: an entry is trusted only if it is exactly the kind of SVG milsymbol draws, with sane
numbers; anything else is dropped and drawn again. ``mapper.cachefile.read_json`` never opens a non-regular file,
reads a bounded number of bytes and refuses deep nesting before ``json`` recurses.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.cli import run_process

from mapper import app6

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
DEEP_CACHE = HOSTILE / "symbol_cache_deep_nesting.json"
DEEP_MANIFEST = HOSTILE / "gallery_manifest_deep_nesting.json"

SIDC = app6.sidc_for("infantry", "brigade")
OTHER = app6.sidc_for("artillery", "battalion", "hostile")
SIZE = 26
IMG = "<img src=x onerror=window.__pwned=1>"

# each is put just before the closing </svg> of a genuine entry
POISONS = {
    "processing-instruction": f"<?x >{IMG}?>",
    "abrupt-comment": f"<!-->{IMG}-->",
    "comment": "<!-- x -->",
    "cdata": f"<![CDATA[{IMG}]]>",
    "foreign-object": '<foreignObject><img xmlns="http://www.w3.org/1999/xhtml" src="x" onerror="alert(1)"/>'
    "</foreignObject>",
    "prefixed-script": '<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>',
    "prefixed-element": '<h:path xmlns:h="http://www.w3.org/1999/xhtml" d="M0,0"></h:path>',
    "style-request": '<path d="M0,0" style="fill:image-set(\'http://example.com/x\')"></path>',
    "url-fill": '<path d="M0,0" fill="url(http://example.com/x)"></path>',
    "event-handler": '<path d="M0,0" onmouseover="alert(1)"></path>',
    "link": '<a href="http://example.com"><path d="M0,0"></path></a>',
    "nested-svg": '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    "entity-text": "<text>&lt;img src=x&gt;</text>",
    "unknown-attribute": '<path d="M0,0" xml:base="http://example.com/"></path>',
    "huge": '<path d="' + "M0,0 " * 20_000 + '"></path>',
}


def _clear() -> None:
    app6._disk_cache.cache_clear()
    app6._drawn.cache_clear()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty private symbol cache; yields the cache file's path (not yet written)."""
    monkeypatch.setenv("MAPPER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("MAPPER_NO_CACHE", raising=False)
    _clear()
    path = app6._cache_file()
    assert path is not None
    yield path
    _clear()


def _drawn(sidc: str = SIDC) -> tuple[str, tuple[tuple[int, int], tuple[int, int]]]:
    return app6.symbol_svg(sidc, SIZE), app6.symbol_anchor(sidc, SIZE)


def _write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    _clear()


# -- the symbol cache: poisoned entries --------------------------------------------------------------------------


@pytest.mark.parametrize("form", POISONS)
def test_poisoned_svg_is_dropped_and_drawn_again(cache: Path, form: str) -> None:
    svg, anchor = _drawn()
    data = json.loads(cache.read_text(encoding="utf-8"))
    key = f"{SIDC}@{SIZE}"
    assert data[key][0] == svg
    data[key][0] = svg.replace("</svg>", POISONS[form] + "</svg>")
    _write(cache, data)
    assert app6._cached(key) is None
    assert _drawn() == (svg, anchor)
    assert json.loads(cache.read_text(encoding="utf-8"))[key][0] == svg  # and the cache is repaired


BAD_NUMBERS = {
    "zero-width": lambda w, h, ax, ay: [0, h, 0, 0],
    "huge-width": lambda w, h, ax, ay: [100_000, h, ax, ay],
    "negative-height": lambda w, h, ax, ay: [w, -h, ax, ay],
    "width-not-the-svg-width": lambda w, h, ax, ay: [w + 40, h, ax, ay],
    "float": lambda w, h, ax, ay: [w + 0.5, h, ax, ay],
    "integral-float": lambda w, h, ax, ay: [float(w), h, ax, ay],
    "string": lambda w, h, ax, ay: [str(w), h, ax, ay],
    "bool": lambda w, h, ax, ay: [w, h, True, ay],
    "null": lambda w, h, ax, ay: [w, h, None, ay],
    "anchor-outside-right": lambda w, h, ax, ay: [w, h, w + 1, ay],
    "anchor-negative": lambda w, h, ax, ay: [w, h, ax, -1],
    "big-integer": lambda w, h, ax, ay: [w, h, 10**30, ay],
}


@pytest.mark.parametrize("form", BAD_NUMBERS)
def test_size_or_anchor_out_of_range_or_not_an_integer_is_drawn_again(
    cache: Path, form: str
) -> None:
    svg, anchor = _drawn()
    key = f"{SIDC}@{SIZE}"
    data = json.loads(cache.read_text(encoding="utf-8"))
    data[key] = [svg, *BAD_NUMBERS[form](*data[key][1:])]
    _write(cache, data)
    assert app6._cached(key) is None
    assert _drawn() == (svg, anchor)


@pytest.mark.parametrize("width", ["1e400", "-47.4", "0", "9999"])
def test_svg_size_that_is_not_the_entry_size_is_drawn_again(cache: Path, width: str) -> None:
    import re

    svg, anchor = _drawn()
    key = f"{SIDC}@{SIZE}"
    data = json.loads(cache.read_text(encoding="utf-8"))
    data[key][0] = re.sub(r'width="[^"]*"', f'width="{width}"', svg, count=1)
    _write(cache, data)
    assert app6._cached(key) is None
    assert _drawn() == (svg, anchor)


@pytest.mark.parametrize(
    "entry",
    [None, "svg", 7, {"svg": "x"}, [], ["<svg></svg>"], ["x", 1, 1, 0, 0, 9], [7, 1, 1, 0, 0]],
    ids=["null", "string", "number", "object", "empty", "short", "long", "svg-not-a-string"],
)
def test_an_entry_of_the_wrong_shape_is_dropped_alone(cache: Path, entry: Any) -> None:
    """One bad entry costs one re-drawing: the good entry beside it is still used, without milsymbol."""
    svg, anchor = _drawn()
    _, other_anchor = _drawn(OTHER)
    data = json.loads(cache.read_text(encoding="utf-8"))
    good = data[f"{OTHER}@{SIZE}"]
    good[3] -= 1  # still a valid entry, but not what milsymbol says: proves it came from the file
    data[f"{SIDC}@{SIZE}"] = entry
    data["../not-a-key"] = data["also-not"] = good
    _write(cache, data)
    assert app6._cached(f"{SIDC}@{SIZE}") is None
    assert app6._cached("../not-a-key") is None
    assert app6._cached(f"{OTHER}@{SIZE}") == tuple(good)
    assert _drawn(OTHER)[1] == (other_anchor[0], (other_anchor[1][0] - 1, other_anchor[1][1]))
    assert _drawn() == (svg, anchor)


def test_cache_files_that_are_not_a_mapping_are_ignored(cache: Path) -> None:
    svg, anchor = _drawn()
    for data in ([], "x", 3, None, [[svg, 1, 1, 0, 0]]):
        _write(cache, data)
        assert app6._disk_cache() == {}
        assert _drawn() == (svg, anchor)


def test_every_symbol_the_format_draws_is_trusted_from_the_cache(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check is strict, not wrong: every symbol a scenario can ask for is kept and read back."""
    from mapper.scenario import ECHELONS, UNIT_KINDS

    save = app6._save_disk_cache
    monkeypatch.setattr(app6, "_save_disk_cache", lambda: None)  # one write at the end, not 4,000
    drawn = {}
    for affiliation in app6.AFFILIATIONS:
        for kind in UNIT_KINDS:
            for echelon in (None, *ECHELONS):
                sidc = app6.sidc_for(kind, echelon, affiliation)
                for size in (20, 26, 30, 40):
                    drawn[f"{sidc}@{size}"] = app6._drawn(sidc, size)
    save()
    _clear()
    assert {k: app6._cached(k) for k in drawn} == drawn
    assert set(json.loads(cache.read_text(encoding="utf-8"))) == set(drawn)


# -- the symbol cache: files that are not a cache ----------------------------------------------------------------


def test_deeply_nested_cache_file_is_ignored(cache: Path, make_scenario, run_cli) -> None:
    svg, anchor = _drawn()
    cache.unlink()
    shutil.copy(DEEP_CACHE, cache)
    _clear()
    assert _drawn() == (svg, anchor)
    shutil.copy(DEEP_CACHE, cache)
    _clear()
    result = run_cli("render", make_scenario())
    assert result.exit_code == 0, result
    assert json.loads(cache.read_text(encoding="utf-8"))  # replaced by a real cache


def test_deep_nesting_inside_an_entry_is_ignored(cache: Path) -> None:
    svg, anchor = _drawn()
    cache.write_text(f'{{"{SIDC}@{SIZE}": {"[" * 100_000}}}', encoding="utf-8")
    _clear()
    assert _drawn() == (svg, anchor)


def test_huge_cache_file_is_not_read(cache: Path) -> None:
    svg, anchor = _drawn()
    with cache.open("r+b") as fh:  # sparse: reading it would take minutes
        fh.truncate(20 * 1024**3)
    _clear()
    start = time.perf_counter()
    assert _drawn() == (svg, anchor)
    assert time.perf_counter() - start < 5


@pytest.mark.slow  # two real renders; the reader's refusal is test_read_json_never_opens_what_is_not_a_regular_file
def test_fifo_or_folder_as_the_cache_file(tmp_path: Path, make_scenario) -> None:
    """A FIFO would block a reader forever, a folder cannot be read: neither stops a render (real process)."""
    scenario = make_scenario()
    for kind in ("fifo", "dir"):
        root = tmp_path / kind
        path = root / "mapper" / app6._cache_file().name  # type: ignore[union-attr]
        path.parent.mkdir(parents=True)
        os.mkfifo(path) if kind == "fifo" else path.mkdir()
        out = tmp_path / f"{kind}.html"
        result = run_process(
            "render", scenario, "-o", out, env={"MAPPER_CACHE_DIR": str(root)}, timeout=90
        )
        assert result.exit_code == 0, result
        assert out.is_file()


# -- the validated reader ----------------------------------------------------------------------------------------


def test_read_json_accepts_what_it_should(tmp_path: Path) -> None:
    from mapper.cachefile import read_json

    path = tmp_path / "ok.json"
    path.write_text('{"a": [[1, 2], {"b": "[[[[[[[[[[["}]}', encoding="utf-8")
    # three deep: the brackets inside the string do not count
    assert read_json(path, max_bytes=100, max_depth=3) == {"a": [[1, 2], {"b": "[[[[[[[[[[["}]}
    assert read_json(path, max_bytes=100, max_depth=2) is None
    assert read_json(path, max_bytes=10, max_depth=3) is None
    assert read_json(tmp_path / "missing.json", max_bytes=100, max_depth=3) is None


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 100_000,
        b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b"[NaN]",
        b"[Infinity]",
        b'{"a": 1',
        b"\xff\xfe[]",
        b'"\\',
        b'"' + b'\\"' * 50_000,
        b"1" * 5_000,
        b"",
    ],
    ids=[
        "deep",
        "deep-balanced",
        "nan",
        "infinity",
        "truncated",
        "not-utf8",
        "open-string",
        "escaped-quotes",
        "huge-integer",
        "empty",
    ],
)
def test_read_json_refuses_hostile_content(tmp_path: Path, content: bytes) -> None:
    from mapper.cachefile import read_json

    path = tmp_path / "bad.json"
    path.write_bytes(content)
    start = time.perf_counter()
    assert read_json(path, max_bytes=1_000_000, max_depth=20) is None
    assert time.perf_counter() - start < 2


def test_read_json_never_opens_what_is_not_a_regular_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mapper.cachefile import read_json

    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.json"
    folder.mkdir()
    target = tmp_path / "target.json"
    target.write_text("[]", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    opened: list[str] = []
    real_open = os.open
    monkeypatch.setattr(
        os, "open", lambda p, *a, **k: opened.append(str(p)) or real_open(p, *a, **k)
    )
    for path in (fifo, folder, Path("/dev/zero"), Path("/dev/null"), link):
        assert read_json(path, max_bytes=100, max_depth=3) is None, path
    assert opened == []
    assert read_json(target, max_bytes=100, max_depth=3) == []


# -- the gallery's manifest --------------------------------------------------------------------------------------


def _gallery_folder(tmp_path: Path, manifest: str) -> tuple[Path, Path]:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / "scenarios" / "dnipro_line.yaml", src)
    out = tmp_path / "gallery"
    out.mkdir()
    (out / "index.html").write_text("old", encoding="utf-8")
    dest = out / "gallery.json"
    if manifest == "deep":
        shutil.copy(DEEP_MANIFEST, dest)
    elif manifest == "fifo":
        os.mkfifo(dest)
    return src, out


def test_deeply_nested_manifest_is_no_manifest(tmp_path: Path, run_cli) -> None:
    src, out = _gallery_folder(tmp_path, "deep")
    result = run_cli("gallery", src, "-o", out, "-q", "-j", "1")
    assert result.exit_code == 1, result
    assert "exists and is not a gallery" in result.stderr
    assert "Traceback" not in result.output
    result = run_cli("gallery", src, "-o", out, "-q", "-j", "1", "--overwrite")
    assert result.exit_code == 0, result
    manifest = json.loads((out / "gallery.json").read_text(encoding="utf-8"))
    assert [e["source"] for e in manifest["scenarios"]] == ["dnipro_line.yaml"]


def test_fifo_manifest_does_not_hang(tmp_path: Path) -> None:
    src, out = _gallery_folder(tmp_path, "fifo")
    result = run_process("gallery", src, "-o", out, "-q", "-j", "1", timeout=60)
    assert result.exit_code == 1, result
    assert "exists and is not a gallery" in result.stderr


def test_huge_manifest_is_not_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from mapper.gallery.entries import _is_gallery, _read_manifest

    manifest = tmp_path / "gallery.json"
    manifest.write_bytes(b'{"format": "mapper-gallery/1"}')
    assert _is_gallery(tmp_path)
    with manifest.open("r+b") as fh:  # sparse: 20 GB that would take minutes to read
        fh.truncate(20 * 1024**3)

    def refuse(*args: Any, **kw: Any) -> Any:
        raise AssertionError(f"opened {args[0]}")

    for owner, name in ((os, "open"), (builtins, "open"), (Path, "open"), (Path, "read_bytes")):
        monkeypatch.setattr(owner, name, refuse)
    assert _read_manifest(tmp_path) is None
    assert not _is_gallery(tmp_path)


# -- in the browser ----------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("form", ["processing-instruction", "abrupt-comment"])
def test_poisoned_cache_never_runs_in_a_map(
    browser_page, cache: Path, make_scenario, tmp_path: Path, form: str
) -> None:
    from mapper.render import render_map

    scenario = make_scenario()
    clean = render_map(scenario, tmp_path / "clean.html").read_text(encoding="utf-8")
    genuine = json.loads(cache.read_text(encoding="utf-8"))
    assert genuine
    poisoned = {
        k: [v[0].replace("</svg>", POISONS[form] + "</svg>"), *v[1:]] for k, v in genuine.items()
    }
    _write(cache, poisoned)
    out = render_map(scenario, tmp_path / "poisoned.html")
    page = browser_page.open(out)
    page.wait_for_function("window.mapper && window.mapper.layers", timeout=10_000)
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('.mapper-unit svg').length") >= 1
    assert page.evaluate("document.querySelectorAll('.mapper-unit img').length") == 0
    assert out.read_text(encoding="utf-8") == clean  # the symbols were drawn again

"""``mapper gallery`` on folders from people you do not trust, and under interruptions (issue 19).

Signals are sent to a real ``python -m mapper gallery`` process with ``--jobs 2``; its workers are found through
``/proc/<pid>/task/*/children``. The other cases run in-process (``run_cli``) or, where the old code hung, in a
process with a timeout (``run_process``).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from support.cli import ENV, REPO, run_cli, run_process

from mapper.atomic import temp_prefix
from mapper.gallery import build_gallery
from mapper.gallery import entries as gallery_entries

SCENARIOS = REPO / "scenarios"
SMALL = ["dnipro_line.yaml", "key_cities.yaml", "western_regions.yaml"]
HOSTILE = REPO / "tests" / "data" / "hostile"
SECRET = "ghp_gallerySECRETtoken0123456789abcdefXYZ"

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="uses /proc, FIFOs and POSIX signals"
)


def _copy(names: list[str], dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy2(SCENARIOS / name, dest / name)
    return dest


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out.update(int(x) for x in (task / "children").read_text().split())
    return out


def _alive(pid: int) -> bool:
    """Running (a zombie, waiting for a reaper, is dead)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _wait_until(predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def _leftovers(parent: Path) -> list[str]:
    """Temporary siblings of ``parent/gallery`` (``mapper.atomic.temp_prefix``, without the pid)."""
    base = temp_prefix(parent / "gallery").removesuffix(f"{os.getpid()}-")
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(base))


def _start_gallery(tmp_path: Path) -> tuple[subprocess.Popen[str], Path, set[int]]:
    """A gallery build of ten scenarios in two workers, returned once both workers and the temp folder exist."""
    src = tmp_path / "scen"
    _copy([p.name for p in sorted(SCENARIOS.glob("*.yaml"))], src)
    for p in sorted(SCENARIOS.glob("*.yaml")):  # the copies fail (same ids) but are rendered too
        shutil.copy2(p, src / f"z_{p.name}")
    out = tmp_path / "gallery"
    proc = subprocess.Popen(
        [sys.executable, "-m", "mapper", "gallery", str(src), "-o", str(out), "--jobs", "2", "-q"],
        cwd=REPO,
        env={**os.environ, **ENV},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert _wait_until(lambda: len(_children(proc.pid)) >= 2 and _leftovers(tmp_path), 60)
        time.sleep(0.5)  # the workers are importing or rendering
        workers = _children(proc.pid)
        assert len(workers) >= 2 and all(_alive(w) for w in workers)
    except BaseException:
        proc.kill()
        proc.communicate()
        raise
    return proc, out, workers


@pytest.mark.parametrize(
    "signame",
    [
        "SIGTERM",
        pytest.param("SIGHUP", marks=pytest.mark.sweep),
        pytest.param("SIGINT", marks=pytest.mark.sweep),
    ],
)
def test_a_signal_stops_the_workers_and_removes_the_temp_folder(
    tmp_path: Path, signame: str
) -> None:
    proc, out, workers = _start_gallery(tmp_path)
    signum = getattr(signal, signame)
    proc.send_signal(signum)
    try:
        _, stderr = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert _wait_until(lambda: not any(_alive(w) for w in workers), 5), (
        "workers outlived the parent"
    )
    assert proc.returncode == 128 + signum, stderr
    assert "Traceback" not in stderr and "Interrupted" in stderr, stderr
    assert _leftovers(tmp_path) == [] and not out.exists()


@pytest.mark.sweep
def test_sigkill_workers_die_with_the_parent_and_the_next_run_cleans_up(tmp_path: Path) -> None:
    proc, out, workers = _start_gallery(tmp_path)
    proc.kill()
    proc.communicate()
    assert _wait_until(lambda: not any(_alive(w) for w in workers), 5), (
        "workers outlived the parent"
    )
    left = _leftovers(tmp_path)
    assert left, "SIGKILL cannot clean up: the next run must"
    # a live build's temp folder (this process's pid) is never touched
    live = tmp_path / f"{temp_prefix(out)}live.tmp"
    live.mkdir()
    for p in sorted((tmp_path / "scen").glob("*.yaml"))[
        1:
    ]:  # the next run need not render them all again
        p.unlink()
    result = run_process("gallery", tmp_path / "scen", "-o", out, "--jobs", "1", "-q", timeout=300)
    assert result.exit_code == 0, result
    assert _leftovers(tmp_path) == [live.name]
    assert (out / "gallery.json").is_file()


# -- the output folder cannot be written -----------------------------------------------------------------------


def test_a_read_only_output_parent_is_a_clean_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _copy(SMALL[:1], tmp_path / "scen")
    ro = tmp_path / "ro"
    ro.mkdir()
    real = tempfile.mkdtemp

    def mkdtemp(suffix=None, prefix=None, dir=None):
        if dir is not None and Path(dir) == ro:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real(suffix, prefix, dir)

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    result = run_cli("gallery", src, "-o", ro / "gallery", "--jobs", "1")
    assert result.exit_code == 1, result
    assert f"{ro / 'gallery'}" in result.stderr and "Read-only file system" in result.stderr, result
    assert list(ro.iterdir()) == []


# -- a hostile manifest ----------------------------------------------------------------------------------------


def test_manifest_inputs_never_open_devices_fifos_or_files_outside(tmp_path: Path) -> None:
    """``inputs`` naming /dev/zero, a FIFO, a link to a device or a file outside the folder: rendered again,
    never read (the old code read /dev/zero for ever)."""
    src = _copy(SMALL, tmp_path / "scen")
    out = tmp_path / "gallery"
    build_gallery(src, out, jobs=1)
    outside = tmp_path / "outside.geojson"
    outside.write_text("{}", encoding="utf-8")
    os.mkfifo(src / "pipe.geojson")
    os.symlink("/dev/zero", src / "zero.geojson")
    digest = gallery_entries._sha256_file(outside)
    manifest = json.loads((out / "gallery.json").read_text(encoding="utf-8"))
    hostile = [
        {"/dev/zero": digest},
        {"../outside.geojson": digest, str(outside): digest},
        {"pipe.geojson": digest, "zero.geojson": digest},
    ]
    for entry, inputs in zip(manifest["scenarios"], hostile, strict=True):
        entry["inputs"] = inputs
    (out / "gallery.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = run_process("gallery", src, "-o", out, "--jobs", "1", timeout=120)
    assert result.exit_code == 0, result
    assert "3 built (3 rendered, 0 unchanged)" in result.stdout, result


def test_reusable_bounds_what_it_hashes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src, out = tmp_path / "scen", tmp_path / "gallery"
    (out / "maps").mkdir(parents=True)
    (out / "thumbs").mkdir()
    (out / "maps" / "a.html").write_text("x", encoding="utf-8")
    (out / "thumbs" / "a.png").write_bytes(b"x")
    src.mkdir()
    (src / "front.geojson").write_bytes(b"y" * 100)
    digest = gallery_entries._sha256_file(src / "front.geojson")

    def entry(inputs: dict[str, str]) -> gallery_entries.GalleryEntry:
        return gallery_entries.GalleryEntry(
            source="a.yaml", status="built", id="a", map="maps/a.html", thumb="thumbs/a.png",
            cache_key="k", inputs=inputs,
        )  # fmt: skip

    assert gallery_entries._reusable(entry({"front.geojson": digest}), "k", src, out)
    monkeypatch.setattr(gallery_entries, "MAX_INPUT_BYTES", 50)
    assert not gallery_entries._reusable(entry({"front.geojson": digest}), "k", src, out)
    monkeypatch.undo()
    many = {f"f{i}.geojson": digest for i in range(100)}
    assert not gallery_entries._reusable(entry(many), "k", src, out)
    # a previous map that is a link (to a secret) is never reused: it would be published
    (out / "maps" / "a.html").unlink()
    (out / "maps" / "a.html").symlink_to(src / "front.geojson")
    assert not gallery_entries._reusable(entry({}), "k", src, out)


# -- links to secrets ------------------------------------------------------------------------------------------


def _grep(folder: Path, needle: str) -> list[str]:
    return [
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and needle.encode() in p.read_bytes()
    ]


def test_a_link_to_a_secret_outside_the_folder_is_not_read(tmp_path: Path) -> None:
    src = _copy(SMALL[:2], tmp_path / "scen")
    secret = tmp_path / ".git-credentials"
    secret.write_text(f"https://someone:{SECRET}@github.com\n", encoding="utf-8")
    os.symlink(secret, src / "notes.yaml")
    out = tmp_path / "gallery"
    result = run_cli("gallery", src, "-o", out, "--jobs", "1")
    assert result.exit_code == 1, result
    expected = f"{src / 'notes.yaml'}: is a link to a file outside the scenario folder; not read"
    assert expected in result.stderr, result
    assert SECRET not in result.output
    assert _grep(out, SECRET) == []
    assert _grep(out, gallery_entries._sha256_file(secret)) == []  # not even hashed
    manifest = json.loads((out / "gallery.json").read_text(encoding="utf-8"))
    notes = next(e for e in manifest["scenarios"] if e["source"] == "notes.yaml")
    assert notes["status"] == "failed" and notes["errors"] == [expected]
    assert (out / "compare.html").is_file()


def test_unparsable_files_are_never_quoted_in_the_gallery(tmp_path: Path) -> None:
    src = _copy(SMALL[:1], tmp_path / "scen")
    shutil.copy2(HOSTILE / "gallery_secret_text.yaml", src / "notes.yaml")
    assert SECRET in (src / "notes.yaml").read_text(encoding="utf-8")
    out = tmp_path / "gallery"
    result = run_cli("gallery", src, "-o", out, "--jobs", "1")
    assert result.exit_code == 1 and "notes.yaml" in result.stderr, result
    assert SECRET not in result.output
    assert _grep(out, SECRET) == []


# -- files a user added to the gallery folder ------------------------------------------------------------------


def test_a_rebuild_keeps_files_the_gallery_does_not_produce(tmp_path: Path) -> None:
    src = _copy(SMALL[:2], tmp_path / "scen")
    out = tmp_path / "gallery"
    build_gallery(src, out, jobs=1)
    (out / "about.html").write_text("<p>ours</p>", encoding="utf-8")
    (out / "extra").mkdir()
    (out / "extra" / "notes.txt").write_text("notes", encoding="utf-8")
    (out / "maps" / "custom.html").write_text("custom", encoding="utf-8")
    (out / ".htaccess").write_text("Options -Indexes", encoding="utf-8")
    assert not build_gallery(
        src, out, jobs=1
    ).written  # unchanged: user files do not count as changes
    p = src / SMALL[0]
    p.write_text(p.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    result = run_cli("gallery", src, "-o", out, "--jobs", "1")
    assert result.exit_code == 0, result
    assert "kept 4 files" in result.stderr and "extra/notes.txt" in result.stderr, result
    assert (out / "about.html").read_text(encoding="utf-8") == "<p>ours</p>"
    assert (out / "extra" / "notes.txt").read_text(encoding="utf-8") == "notes"
    assert (out / "maps" / "custom.html").read_text(encoding="utf-8") == "custom"
    assert (out / ".htaccess").is_file()
    # a user file where a new scenario's map goes: refused, unless --overwrite
    (out / "maps" / "western_regions.html").write_text("mine", encoding="utf-8")
    _copy(SMALL[2:], src)
    result = run_cli("gallery", src, "-o", out, "--jobs", "1")
    assert result.exit_code == 1 and "maps/western_regions.html" in result.stderr, result
    assert "--overwrite" in result.stderr
    assert (out / "maps" / "western_regions.html").read_text(encoding="utf-8") == "mine"
    result = run_cli("gallery", src, "-o", out, "--jobs", "1", "--overwrite")
    assert result.exit_code == 0, result
    assert (out / "maps" / "western_regions.html").read_text(encoding="utf-8") != "mine"
    assert (out / "about.html").is_file()


@pytest.mark.parametrize(
    "tamper",
    [{"title": 5}, {"figures": {"troops": "x"}}, {"front_line": {"date": ["x"]}}],
    ids=["title", "figures", "front_line"],
)
def test_a_hand_edited_manifest_entry_is_rendered_again(tmp_path: Path, tamper: dict) -> None:
    """The manifest is data anyone may have edited (its cache keys can be recomputed): an entry whose fields are
    not of the types mapper writes is not trusted (it crashed the index with a traceback before). Its files are then
    files the gallery does not know it wrote: a clean refusal, and with --overwrite the scenario is rendered again."""
    src = _copy(SMALL[:1], tmp_path / "scen")
    out = tmp_path / "gallery"
    build_gallery(src, out, jobs=1)
    manifest = json.loads((out / "gallery.json").read_text(encoding="utf-8"))
    manifest["scenarios"][0].update(tamper)
    (out / "gallery.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = run_cli("gallery", src, "-o", out, "--jobs", "1")
    assert result.exit_code == 1 and "pass --overwrite" in result.stderr, result
    result = run_cli("gallery", src, "-o", out, "--jobs", "1", "--overwrite")
    assert result.exit_code == 0, result
    assert "1 built (1 rendered, 0 unchanged)" in result.stdout, result

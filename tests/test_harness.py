"""The test harness itself (tests/support/cli.py): what ``run_cli`` captures is what a user sees, and it can fail.

``mapper.cli.main`` is replaced by small stand-ins here, so these tests check the harness, not the commands.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import support.cli
from support.cli import RunCli, run_cli, run_command

import mapper.cli


def _fake_main(monkeypatch: pytest.MonkeyPatch, body) -> None:
    monkeypatch.setattr(mapper.cli, "main", body)


def test_streams_and_exit_code_are_kept_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    def main(argv: list[str]) -> None:
        print("out:", *argv)
        print("err", file=sys.stderr)
        sys.exit(3)

    _fake_main(monkeypatch, main)
    result = run_cli("a", Path("b"))
    assert (result.exit_code, result.stdout, result.stderr) == (3, "out: a b\n", "err\n")
    assert result.output == "out: a b\nerr\n"


@pytest.mark.parametrize(("code", "exit_code", "stderr"), [(None, 0, ""), ("bye", 1, "bye\n")])
def test_exit_codes_as_python_gives_them(monkeypatch, code, exit_code, stderr) -> None:
    _fake_main(monkeypatch, lambda argv: sys.exit(code))
    result = run_cli()
    assert (result.exit_code, result.stderr) == (exit_code, stderr)


def test_log_handlers_made_during_the_call_write_to_its_stderr(monkeypatch) -> None:
    logger = logging.getLogger("mapper")
    before = list(logger.handlers)

    def main(argv: list[str]) -> None:  # what a CLI that configures logging per call does
        handler = logging.StreamHandler()  # binds sys.stderr now: the captured stream
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logging.getLogger("mapper.x").warning("careful")

    _fake_main(monkeypatch, main)
    for _ in range(
        2
    ):  # the second call is configured afresh, and never writes to the first call's stream
        result = run_cli()
        assert result.stderr == "WARNING: careful\n" and result.stdout == ""
    assert logger.handlers == before


def test_an_unexpected_exception_propagates(monkeypatch: pytest.MonkeyPatch) -> None:
    def main(argv: list[str]) -> None:
        raise TypeError("boom")

    _fake_main(monkeypatch, main)
    with pytest.raises(TypeError, match="boom"):
        run_cli("x")


def test_a_traceback_in_the_output_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_main(
        monkeypatch, lambda argv: print("Traceback (most recent call last):", file=sys.stderr)
    )
    with pytest.raises(AssertionError, match="Traceback"):
        run_cli()


def test_the_fixture_runs_in_tmp_path(run_cli: RunCli, tmp_path: Path, monkeypatch) -> None:
    _fake_main(monkeypatch, lambda argv: print(os.getcwd()))
    here = Path.cwd()
    assert run_cli().stdout == f"{tmp_path}\n"
    assert run_cli(cwd=support.cli.REPO).stdout == f"{support.cli.REPO}\n"
    assert Path.cwd() == here


def test_a_hanging_process_times_out() -> None:
    with pytest.raises(subprocess.TimeoutExpired):
        run_command([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)


def test_no_test_module_imports_another() -> None:
    """Shared helpers live in tests/support/ (its docstring): a test module importing another runs that module's
    tests' fixtures and state twice and hides what is shared."""
    import ast

    tests = Path(__file__).resolve().parent
    own = {p.stem for p in tests.glob("test_*.py")} | {"conftest"}
    offenders = {}
    for path in sorted(tests.glob("test_*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                names.update(a.name.split(".")[0] for a in node.names)
        if names & own:
            offenders[path.name] = sorted(names & own)
    assert offenders == {}

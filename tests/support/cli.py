"""Run the ``mapper`` command as a user does: exit code, stdout and stderr, each exactly as a terminal shows them.

``run_cli(*args)`` calls the console entry point ``mapper.cli.main(argv)`` in-process, so ``main``'s own error
handling (``MapperError`` → message and exit 1, usage → 2, interrupts, broken pipes) is what the test sees, not
click's. Only ``SystemExit`` may leave ``main``: any other exception propagates and fails the test with its real
traceback. Streams are captured with click's ``CliRunner.isolation`` (stdout, stderr and the interleaved
``output`` separately), stdin is empty, ``COLUMNS`` is fixed; logging handlers that the call installs are created
while ``sys.stderr`` is the captured stream (so ``warning: ...`` lines land in ``stderr``) and removed afterwards,
so no handler outlives the call and later calls configure logging afresh.

``run_process(*args)`` runs ``python -m mapper`` in a fresh interpreter, for what only a real process shows (cold
start, determinism across processes, FIFOs, signals); ``run_command(argv)`` runs any other program the same way.
Both have a timeout, the guard against hangs.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[2]
ENV = {"PYTHONIOENCODING": "utf-8", "COLUMNS": "100"}  # the same in-process and in a subprocess

Arg = str | os.PathLike[str]


@dataclass(frozen=True)
class CliResult:
    """What a user saw: the exit code, stdout, stderr, and ``output`` (both streams, as a terminal shows them)."""

    exit_code: int
    stdout: str
    stderr: str
    output: str

    def __str__(self) -> str:  # shown in assertion messages
        return f"exit {self.exit_code}\n--- stdout\n{self.stdout}--- stderr\n{self.stderr}"


RunCli = Callable[..., CliResult]  # the ``run_cli`` fixture's type


def _code(exc: SystemExit) -> tuple[int, str]:
    """The process exit status ``sys.exit(code)`` gives, and what Python prints for it."""
    if exc.code is None:
        return 0, ""
    if isinstance(exc.code, int):
        return exc.code, ""
    return 1, f"{exc.code}\n"


@contextmanager
def _fresh_logging() -> Iterator[None]:
    """Undo whatever logging set-up a call did (handlers, levels), so it never reaches a later test's streams."""
    loggers = [logging.getLogger(), logging.getLogger("mapper")]
    saved = [(lg, list(lg.handlers), lg.level, lg.propagate) for lg in loggers]
    try:
        yield
    finally:
        for lg, handlers, level, propagate in saved:
            for handler in lg.handlers:
                if handler not in handlers:
                    lg.removeHandler(handler)
                    handler.close()
            lg.setLevel(level)
            lg.propagate = propagate


def run_cli(
    *args: Arg,
    cwd: Arg | None = None,
    input: str | bytes | None = None,
    env: Mapping[str, str | None] | None = None,
) -> CliResult:
    """``mapper ARGS`` in-process through ``mapper.cli.main``, in ``cwd`` if given; never shows a traceback."""
    import mapper.cli  # looked up per call, so a monkeypatched ``main`` is the one that runs

    argv = [os.fspath(a) for a in args]
    old = Path.cwd()
    with (
        _fresh_logging(),
        CliRunner().isolation(input=input, env={**ENV, **(env or {})}) as (out, err, both),
    ):
        extra = ""
        if cwd is not None:
            os.chdir(cwd)
        try:
            mapper.cli.main(argv)
            code = 0
        except SystemExit as exc:
            code, extra = _code(exc)
        finally:
            os.chdir(old)
            sys.stdout.flush()
            sys.stderr.flush()
        stdout = out.getvalue().decode("utf-8", "replace")
        stderr = err.getvalue().decode("utf-8", "replace") + extra
        output = both.getvalue().decode("utf-8", "replace") + extra
    result = CliResult(code, stdout, stderr, output)
    assert "Traceback" not in output, result
    return result


def run_command(
    argv: Sequence[Arg],
    *,
    cwd: Arg = REPO,
    timeout: float = 120,
    input: str | None = None,
    env: Mapping[str, str] | None = None,
) -> CliResult:
    """Any program in a fresh process (``sys.executable`` for Python), with a timeout; text decoded as UTF-8."""
    import subprocess

    proc = subprocess.run(
        [os.fspath(a) for a in argv],
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        env={**os.environ, **ENV, **(env or {})},
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr, proc.stdout + proc.stderr)


def run_process(
    *args: Arg,
    cwd: Arg = REPO,
    timeout: float = 120,
    input: str | None = None,
    env: Mapping[str, str] | None = None,
) -> CliResult:
    """``python -m mapper ARGS`` in a fresh process (the console entry point); never shows a traceback."""
    result = run_command(
        [sys.executable, "-m", "mapper", *args], cwd=cwd, timeout=timeout, input=input, env=env
    )
    assert "Traceback" not in result.output, result
    return result

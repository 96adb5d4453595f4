"""The one exception tree of the mapper.

The library raises only ``MapperError`` subclasses for anything a user can cause (bad scenario files, missing
front-line files, outputs that would be clobbered). The CLI turns them into clean messages and exit code 1; anything
else is a bug and is allowed to show a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file: an error or a warning.

    ``line`` and ``column`` are 1-based (as editors show them); ``keypath`` is the dotted/indexed path to the
    offending value (``options[1].forces[0].troops``), empty for the document itself.
    """

    message: str
    file: str = ""
    line: int | None = None
    column: int | None = None
    keypath: str = ""
    severity: str = "error"  # "error" or "warning"

    def format(self) -> str:
        loc = self.file or "<input>"
        if self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        prefix = "" if self.severity == "error" else "warning: "
        where = f"{self.keypath}: " if self.keypath else ""
        return f"{loc}: {prefix}{where}{self.message}"

    def __str__(self) -> str:
        return self.format()


class MapperError(Exception):
    """Root of every error the mapper raises on purpose. ``str(err)`` is a message fit for a user."""

    exit_code = 1


class UsageError(MapperError):
    """The command was called wrongly (conflicting options, a missing argument the CLI could not catch)."""

    exit_code = 2


class ScenarioError(MapperError):
    """A scenario file is invalid. Carries every problem found in it, not just the first."""

    def __init__(self, problems: list[Problem] | Problem | str, *, file: str | Path = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(problems, file=str(file))]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        self.file = str(file) if file else (self.problems[0].file if self.problems else "")
        super().__init__(self._message())

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def _message(self) -> str:
        return "\n".join(p.format() for p in self.problems)


class GeodataError(MapperError):
    """The bundled geodata (or a user's replacement of it) is missing, unreadable or inconsistent."""


class PlaceError(MapperError):
    """A place name could not be resolved: unknown (with suggestions) or ambiguous (with candidates)."""

    def __init__(self, message: str, *, candidates: list[Any] | None = None) -> None:
        super().__init__(message)
        self.candidates = candidates or []


class FrontLineError(GeodataError):
    """A front-line or occupied-area file is missing, unreadable, empty, not a line, or outside the theatre."""


class OutputError(MapperError):
    """An output could not be written (exists without --overwrite, unwritable, outside the output folder)."""


class OverlayError(GeodataError):
    """A user's overlay file (``layers:`` in a scenario) is missing, unreadable, over a limit, in an unknown CRS, or
    has a bad row or feature: the message names the file and the row or feature."""

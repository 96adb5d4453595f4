"""The one pipeline every command and the Python API run: prepare (load → resolve → analyse), then write outputs.

``prepare(source)`` takes a scenario file, YAML text, a loaded ``Scenario`` or an earlier ``Prepared`` and returns a
``Prepared``: the scenario (with the front line chosen once: the scenario's own, or ``front_line`` given here), its
analysis and, on first use, its derived geometry (``mapper.features``). Every output (HTML map, PNG, export,
report, comparison, gallery) consumes a ``Prepared``; none loads or analyses for itself.

``OutputPolicy`` is the one rule for where outputs go and when a file may be replaced: the default path is
``out/<scenario id><suffix>``; a file this tool wrote (recognised by the output's own marker) is replaced; any other
existing file needs ``overwrite``; folders, devices and FIFOs are never replaced; the write itself is atomic
(``mapper.atomic``). The target is checked before the work, so a refused run fails fast.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Union

from mapper.errors import OutputError, UsageError

if TYPE_CHECKING:  # pragma: no cover
    from mapper.analysis import OptionAnalysis, ScenarioAnalysis
    from mapper.features import Features
    from mapper.scenario import Scenario
    from mapper.timeline import Step

__all__ = [
    "GENERATOR_META",
    "OUT_DIR",
    "OutputPolicy",
    "Prepared",
    "Source",
    "Target",
    "load",
    "prepare",
]

log = logging.getLogger("mapper")

OUT_DIR = Path("out")

#: What ``prepare`` and ``load`` accept: a path, YAML text, a ``Scenario`` or a ``Prepared``.
Source = Union[str, "os.PathLike[str]", "Scenario", "Prepared"]


def is_yaml_text(source: str) -> bool:
    # YAML text has at least one line break (a scenario needs several keys); a flow mapping may be one line
    return "\n" in source or source.lstrip().startswith("{")


def load(
    source: str | os.PathLike[str] | Scenario | Prepared,
    *,
    front_line: str | os.PathLike[str] | None = None,
) -> Scenario:
    """The resolved ``Scenario`` of ``source``: a file path, YAML text (a string with a line break), or a loaded
    scenario (returned as is, or loaded again from its text when ``front_line`` replaces its front line, so that
    zones drawn from the front line follow the new one). Raises ``ScenarioError`` listing every problem."""
    from mapper.loader import load_scenario, load_scenario_text
    from mapper.scenario import Scenario

    if isinstance(source, Prepared):
        source = source.scenario
    if isinstance(source, Scenario):
        if front_line is None:
            return source
        if not source.source:
            raise UsageError(
                f"{source.path or 'this scenario'}: was not loaded by mapper.load, so its front line "
                "cannot be replaced; load it again with front_line="
            )
        folder = Path(source.path).parent if source.path else Path(".")
        return load_scenario_text(
            source.source, name=source.path or "<string>", base_dir=folder, front_line=front_line
        )
    if isinstance(source, str) and is_yaml_text(source):
        return load_scenario_text(source, front_line=front_line)
    if not isinstance(source, str | os.PathLike):
        raise TypeError(
            f"expected a scenario file path, YAML text or a Scenario, not {type(source).__name__}"
        )
    return load_scenario(source, front_line=front_line)


@dataclass(frozen=True)
class Prepared:
    """A loaded, resolved and analysed scenario: what every output draws or writes."""

    scenario: Scenario
    analysis: ScenarioAnalysis

    @cached_property
    def features(self) -> Features:
        """Derived geometry (bands, rings, links ...), computed on first use and shared by every output."""
        from mapper.features import derive

        return derive(self.scenario, self.analysis)

    @cached_property
    def steps(self) -> tuple[tuple[Step, Prepared], ...]:
        """The scenario on each step of its timeline (``mapper.timeline``), prepared: what the time slider, the
        analysis over time and the comparison's chart show. One step, this one, for a scenario without time."""
        from mapper.analysis import analyze
        from mapper.timeline import of

        timeline = of(self.scenario)
        if not timeline.timed:
            return ((timeline.steps()[0], self),)
        ids = [o.option.id for o in self.analysis.options]
        out = []
        for step in timeline.steps():
            scenario = self.scenario.at(step.day)
            out.append((step, Prepared(scenario, analyze(scenario, options=ids))))
        return tuple(out)

    @property
    def options(self) -> tuple[OptionAnalysis, ...]:
        """The analysed options (each knows its ``Option`` as ``.option``), in scenario order."""
        return self.analysis.options

    @property
    def id(self) -> str:
        return self.scenario.id


def prepare(
    source: str | os.PathLike[str] | Scenario | Prepared,
    *,
    front_line: str | os.PathLike[str] | None = None,
    options: Sequence[str] | None = None,
    at: dt.date | str | None = None,
    advance_km: float | None = None,
) -> Prepared:
    """Load (see ``load``) and analyse ``source``; ``options`` keeps only these option ids (an unknown id is a
    ``UsageError``). ``at`` (a date, or text as ``timeline.parse_day`` reads it: ``2024-12-31``, ``D+30``) takes
    the scenario on that day (``Scenario.at``); ``advance_km`` then replaces its front lines with hypothetical
    ones that far beyond (``mapper.advance``; the real line stays ``scenario.front.base``). A ``Prepared`` given
    with no other argument is returned as it is."""
    from mapper.analysis import analyze, colour_warnings

    if (
        isinstance(source, Prepared)
        and front_line is None
        and not options
        and at is None
        and advance_km is None
    ):
        return source
    scenario = load(source, front_line=front_line)
    if at is not None:
        scenario = scenario.at(at)
    if advance_km is not None:
        from mapper.advance import advanced_scenario

        scenario = advanced_scenario(scenario, advance_km)
    for problem in colour_warnings(scenario, options):  # the handler says "warning: " itself
        log.warning("%s", problem.format().replace(": warning: ", ": ", 1))
    log.debug("analysing %s (%d option(s))", scenario.path or scenario.id, len(scenario.options))
    return Prepared(scenario, analyze(scenario, options=options))


# -------------------------------------------------------------------------------------------------------------
# Output policy

#: The mark of an HTML page this tool wrote (in its ``<head>``): such a page may be replaced without --overwrite.
GENERATOR_META = '<meta name="generator" content="mapper">'


def generated_by_mapper(path: str | os.PathLike[str]) -> bool:
    """Whether the file at ``path`` is an HTML page mapper wrote (a map, comparison or gallery page)."""
    from mapper.atomic import head_contains

    return head_contains(path, GENERATOR_META.encode())


@dataclass(frozen=True)
class Target:
    """A checked output path and whether writing it replaces an existing file."""

    path: Path
    overwrite: bool

    def write(self, data: str | bytes) -> Path:
        """Write ``data`` atomically (complete or not at all) and return the path."""
        from mapper.atomic import atomic_write

        written = atomic_write(self.path, data, overwrite=self.overwrite)
        log.debug("wrote %s", written)
        return written


@dataclass(frozen=True)
class OutputPolicy:
    """Where one kind of output goes by default and which existing files it may replace.

    ``recognise(path)`` tells a file this tool wrote (its marker); such a file is replaced without ``overwrite``
    and ``kind`` names it in the refusal (``"a map"`` → "exists and is not a map written by mapper").
    """

    suffix: str
    kind: str | None = None
    recognise: Callable[[Path], bool] | None = None

    def default(self, name: str) -> Path:
        return OUT_DIR / f"{name}{self.suffix}"

    def claim(self, output: str | os.PathLike[str] | None, name: str, *, overwrite: bool) -> Target:
        """The target for ``output`` (default ``out/<name><suffix>``), refused with an ``OutputError`` if it may
        not be replaced."""
        path = Path(output) if output is not None else self.default(name)
        return check_target(path, overwrite=overwrite, recognise=self.recognise, kind=self.kind)


def check_target(
    path: str | os.PathLike[str],
    *,
    overwrite: bool,
    recognise: Callable[[Path], bool] | None = None,
    kind: str | None = None,
) -> Target:
    """Refuse a folder, any non-regular file (a device, FIFO or socket is never replaced, not even with
    ``overwrite``) and an existing file without ``overwrite`` (unless ``recognise`` says we wrote it); a path
    that cannot even be looked at (a name too long, a parent that is a file) is an ``OutputError`` too. Return
    the ``Target`` with the effective ``overwrite``."""
    import stat

    from mapper.atomic import not_regular_error, probe

    target = Path(path)
    st = probe(target)
    if st is None:
        return Target(target, bool(overwrite))
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(f"{target}: is a folder, expected a file path")
    if not stat.S_ISREG(st.st_mode):  # never replaced (nor read)
        raise not_regular_error(target)
    ours = recognise is not None and recognise(target)
    if not (overwrite or ours):
        if kind:
            raise OutputError(
                f"{target}: exists and is not {kind} written by mapper; pass --overwrite to replace it"
            )
        raise OutputError(f"{target}: file exists; pass --overwrite to replace it")
    return Target(target, bool(overwrite or ours))

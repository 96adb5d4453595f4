"""Analysis over time: every force's distances, band and constraint check on every step of a scenario's timeline.

``over_time(prepared)`` reads ``Prepared.steps`` (the scenario prepared on each step: the front line in force
then, only the elements present then) and lines each force up across them: one ``ForceOverTime`` per force of
every option, with one ``StepRow`` per step (``present`` false, and no figures, on a step where the force is not
deployed). A force is the same force on every step by its key path in the scenario (``options[0].forces[2]``),
or by identity for a scenario built by hand without key paths.

``OverTime`` has the three forms of ``mapper analyze --over-time``: ``to_dict()`` (JSON, the contract in
``schema/over_time.schema.json``), ``to_csv()`` (long: one row per force and step) and ``to_table(width)`` (a
force per row, a column per step: the distance to hostile territory, ``—`` when absent), plus ``frame`` (the
long rows as a pandas DataFrame) for the Python API.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from mapper.textsafe import csv_cell, json_text, terminal

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from mapper.analysis import SiteMetrics
    from mapper.pipeline import Prepared
    from mapper.scenario import Scenario
    from mapper.timeline import Step

__all__ = ["CSV_COLUMNS", "ForceOverTime", "OverTime", "StepRow", "over_time"]

FORMAT = "mapper-over-time/1"
ABSENT = "—"
CSV_COLUMNS = (
    "scenario",
    "option",
    "name",
    "keypath",
    "nation",
    "troops",
    "step",
    "day",
    "label",
    "front_line_date",
    "front_line_source",
    "present",
    "distance_to_front_km",
    "distance_to_hostile_territory_km",
    "nearest_hostile",
    "band",
    "meets_constraints",
    "violations",
)


@dataclass(frozen=True)
class StepRow:
    """One force on one step: absent (``present`` false, no figures) or its metrics then."""

    present: bool
    distance_to_front_km: float | None = None
    distance_to_hostile_territory_km: float | None = None
    nearest_hostile: str | None = None
    band: str | None = None
    meets_constraints: bool | None = None
    violations: tuple[str, ...] = ()

    @classmethod
    def of(cls, site: SiteMetrics | None) -> StepRow:
        if site is None:
            return cls(False)
        from mapper.analysis import _km  # the rounding of `mapper analyze` (0.1 km)

        return cls(
            True,
            _km(site.distance_to_front_km),
            _km(site.distance_to_hostile_territory_km),
            site.nearest_hostile,
            site.band,
            site.meets_constraints,
            site.violations,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "present": self.present,
            "distance_to_front_km": self.distance_to_front_km,
            "distance_to_hostile_territory_km": self.distance_to_hostile_territory_km,
            "nearest_hostile": self.nearest_hostile,
            "band": self.band,
            "meets_constraints": self.meets_constraints,
            "violations": list(self.violations),
        }


@dataclass(frozen=True)
class ForceOverTime:
    """One force of one option, on every step (``rows`` in step order)."""

    option: str
    option_name: str
    name: str
    keypath: str
    nation: str | None
    troops: int
    rows: tuple[StepRow, ...]

    def to_dict(self, steps: tuple[Step, ...]) -> dict[str, Any]:
        return {
            "option": self.option,
            "option_name": self.option_name,
            "name": self.name,
            "keypath": self.keypath,
            "nation": self.nation,
            "troops": self.troops,
            "steps": [{"day": s.key, **r.to_dict()} for s, r in zip(steps, self.rows, strict=True)],
        }


def _key(option: str, site: SiteMetrics) -> tuple[str, object]:
    return option, site.keypath or id(site.model)


def over_time(prepared: Prepared) -> OverTime:
    """Every force of ``prepared`` on every step of its timeline (one step for a scenario without time)."""
    steps = prepared.steps
    found: dict[tuple[str, object], tuple[str, SiteMetrics]] = {}
    per_step: list[dict[tuple[str, object], SiteMetrics]] = []
    # the prepared scenario's own forces first (in scenario order), then any only the steps hold
    for analysis in (prepared.analysis, *(p.analysis for _, p in steps)):
        for opt in analysis.options:
            for site in opt.forces:
                found.setdefault(_key(opt.id, site), (opt.name, site))
    for _, p in steps:
        per_step.append({_key(o.id, s): s for o in p.analysis.options for s in o.forces})
    forces = tuple(
        ForceOverTime(
            option=key[0],
            option_name=name,
            name=site.name,
            keypath=site.keypath,
            nation=site.nation,
            troops=site.troops,
            rows=tuple(StepRow.of(at.get(key)) for at in per_step),
        )
        for key, (name, site) in found.items()
    )
    return OverTime(prepared.scenario, tuple(s for s, _ in steps), forces)


@dataclass(frozen=True)
class OverTime:
    """The forces of a scenario on every step of its timeline (see the module's docstring)."""

    scenario: Scenario
    steps: tuple[Step, ...]
    forces: tuple[ForceOverTime, ...]

    def to_dict(self) -> dict[str, Any]:
        s = self.scenario
        return {
            "format": FORMAT,
            "scenario": {"id": s.id, "title": s.title, "file": s.path, "date": s.date.isoformat()},
            "steps": [_step_dict(step) for step in self.steps],
            "forces": [f.to_dict(self.steps) for f in self.forces],
        }

    def to_json(self, indent: int = 2) -> str:
        """``to_dict()`` as JSON: indented, except that each force is one line (1,000 forces x 5 steps hold
        35,000 values; Python's indenting encoder would take most of a second on them, its compact one a tenth)."""
        doc = self.to_dict()
        forces = doc.pop("forces")
        head = json.dumps(doc, indent=indent, ensure_ascii=False)
        pad = " " * indent
        body = ",\n".join(pad * 2 + json.dumps(f, ensure_ascii=False) for f in forces)
        tail = f'"forces": [\n{body}\n{pad}]' if forces else '"forces": []'
        return json_text(head[:-2] + f",\n{pad}{tail}\n}}") + "\n"

    def records(self) -> list[dict[str, Any]]:
        """The long rows (one per force and step) with the columns of ``CSV_COLUMNS``, as plain values."""
        out = []
        for f in self.forces:
            for step, row in zip(self.steps, f.rows, strict=True):
                out.append(
                    {
                        "scenario": self.scenario.id,
                        "option": f.option,
                        "name": f.name,
                        "keypath": f.keypath,
                        "nation": f.nation,
                        "troops": f.troops,
                        "step": step.index,
                        "day": step.key,
                        "label": step.label,
                        "front_line_date": step.front.date,
                        "front_line_source": step.front.source,
                        **row.to_dict(),
                    }
                )
        return out

    def to_csv(self) -> str:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for rec in self.records():
            rec["violations"] = "; ".join(rec["violations"])
            writer.writerow({k: csv_cell(rec[k]) for k in CSV_COLUMNS})
        return buf.getvalue()

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The long rows as a DataFrame (``day`` a date; absent steps have ``present`` False and NaN figures)."""
        import pandas as pd

        frame = pd.DataFrame(self.records(), columns=list(CSV_COLUMNS))
        frame["day"] = pd.to_datetime(frame["day"]).dt.date
        return frame

    def to_table(self, width: int = 80) -> str:
        """A force per row, a column per step (the distance to hostile territory in km, ``*`` when the force
        breaks a constraint then, ``—`` when it is not deployed); steps that do not fit ``width`` continue in
        a further block."""
        import textwrap

        from mapper.textlayout import aligned

        def wrap(text: str, indent: str = "  ") -> list[str]:
            return textwrap.wrap(terminal(text), width, subsequent_indent=indent)

        s = self.scenario
        out = wrap(f"{s.title} ({s.id}): forces over time")
        out += wrap(
            "Distance to the nearest hostile territory (geodesic, km) on each step; * breaks a constraint "
            f"then; {ABSENT} not deployed. Steps:"
        )
        for step in self.steps:
            out += wrap(f"  {step.label}: {step.front.label}", "      ")
        names = [(terminal(f.option), _short(f.name, 24)) for f in self.forces]
        fixed = max([len("Option"), *(len(o) for o, _ in names)]) + max(
            [len("Force"), *(len(n) for _, n in names)]
        )
        per_block = max(1, (width - fixed - 4) // 12)
        for start in range(0, len(self.steps), per_block):
            block = range(start, min(start + per_block, len(self.steps)))
            headers = ("Option", "Force", *(self.steps[i].key for i in block))
            rows = [
                (*names[k], *(_cell(f.rows[i]) for i in block)) for k, f in enumerate(self.forces)
            ]
            out += ["", aligned(headers, rows, "ll" + "r" * len(block))]
        return "\n".join(out) + "\n"

    def _repr_html_(self) -> str:
        import html

        return (
            f"<div class='mapper-over-time'><strong>{html.escape(self.scenario.title)}</strong>: "
            "distance to hostile territory (km) on each step"
            + self.frame.pivot_table(
                index=["option", "name"],
                columns="day",
                values="distance_to_hostile_territory_km",
                sort=False,
                dropna=False,
            ).to_html(escape=True, na_rep=ABSENT, border=0)
            + "</div>"
        )

    def __repr__(self) -> str:
        return f"<OverTime of {self.scenario.id!r}: {len(self.forces)} forces x {len(self.steps)} steps>"


def _step_dict(step: Step) -> dict[str, Any]:
    f = step.front
    return {
        "index": step.index,
        "day": step.key,
        "label": step.label,
        "phases": list(step.phases),
        "front_line": {
            "date": f.date,
            "source": f.source,
            "name": f.name,
            "accuracy": f.accuracy,
            "advance_km": f.advance_km,
        },
    }


def _cell(row: StepRow) -> str:
    if not row.present or row.distance_to_hostile_territory_km is None:
        return ABSENT
    return f"{row.distance_to_hostile_territory_km:,.1f}" + ("" if row.meets_constraints else "*")


def _short(text: str, width: int) -> str:
    text = terminal(text)
    return text if len(text) <= width else text[: width - 1] + "…"

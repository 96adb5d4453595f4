"""Text renderings of an analysis: an aligned table for people, CSV for spreadsheets, JSON for other tools.

The JSON is ``ScenarioAnalysis.to_dict()`` with what each option protects (``mapper.protection``: top-level
``key_sites``, per option ``protection``; the contract in ``schema/analysis.schema.json``); CSV has one row per
force or hub with its option's id; the table fits 80 columns, names the front line's date and source, says per
option what it protects and lists the key sites by band. ``--key-sites`` makes each format the key-site table.

Each format has its text boundary (``mapper.textsafe``): the table shows control characters as visible escapes
(it is for a terminal), CSV cells follow the CSV-injection rule (``csv_cell``), and JSON escapes C1 and bidi
controls (``json_text``: the same values, safe to print).
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Sequence
from typing import Any

from mapper.analysis import OptionAnalysis, ScenarioAnalysis
from mapper.jsontext import dumps_indented
from mapper.protection import (
    KEY_SITE_COLUMNS,
    OptionProtection,
    Protection,
    protection,
    with_protection,
)
from mapper.scenario import Scenario
from mapper.textlayout import (
    accuracy_note,
    aligned,
    constraint_lines,
    coverage_words,
    format_km,
    option_verdict,
    summary_hostile_km,
)
from mapper.textsafe import csv_cell, json_text, terminal

CSV_COLUMNS = (
    "scenario",
    "option",
    "kind",
    "name",
    "nation",
    "troops",
    "location",
    "lat",
    "lon",
    "distance_to_front_km",
    "distance_accuracy_km",
    "band",
    "distance_to_hostile_territory_km",
    "nearest_hostile",
    "distance_to_nato_border_km",
    "in_occupied_area",
    "nearest_hub",
    "distance_to_nearest_hub_km",
    "range_km",
    "population_covered",
    "population_covered_by_country",
    "meets_constraints",
    "violations",
    "exemptions",
)


KEY_SITES_FORMAT = "mapper-key-sites/1"


def analysis_dict(analysis: ScenarioAnalysis) -> dict[str, Any]:
    """The JSON document of ``mapper analyze``: the analysis with its key sites and each option's protection."""
    return with_protection(analysis.to_dict(), protection(analysis.scenario, analysis))


def to_json(analysis: ScenarioAnalysis, indent: int = 2) -> str:
    return json_text(dumps_indented(analysis_dict(analysis), indent)) + "\n"


def to_csv(analysis: ScenarioAnalysis) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for opt in analysis.options:
        for site in (*opt.forces, *opt.hubs):
            row = site.to_dict()
            record = {
                "scenario": analysis.scenario.id,
                "option": opt.id,
                **{k: row.get(k) for k in CSV_COLUMNS if k in row},
                "in_occupied_area": row["in_occupied_area"],
                "violations": "; ".join(row["violations"]),
                "exemptions": "; ".join(row["exemptions"]),
                "population_covered_by_country": _by_country(row["population_covered_by_country"]),
            }
            writer.writerow({k: csv_cell(v) for k, v in record.items()})
    return buf.getvalue()


def _by_country(by_country: dict[str, int] | None) -> str:
    """``"UA:10994833; MD:105167"``: one CSV cell, ISO-2 code and count, in the analysis's order."""
    return "; ".join(f"{k}:{v}" for k, v in (by_country or {}).items())


def format_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], align: str | None = None
) -> str:
    """A plain aligned table; ``align`` has one letter per column, 'l' or 'r' (numbers default right)."""
    cells = [[_cell(v) for v in row] for row in rows]
    if align is None:
        align = "".join(
            "r"
            if rows and all(isinstance(r[i], int | float) or r[i] is None for r in rows)
            else "l"
            for i in range(len(headers))
        )
    return aligned(headers, cells, align)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return terminal(value)


def _short(text: str, width: int) -> str:
    text = terminal(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(terminal(text), width, subsequent_indent="  ")


def to_table(analysis: ScenarioAnalysis, width: int = 80) -> str:
    """The analysis for a terminal (80 columns); control characters in any text are shown as escapes.

    Every distance to the front line carries the line's stated accuracy (once, in the column header and the key
    under the table, as every row has the same); the distance to hostile territory names its nearest part.
    """
    from mapper.features import threat_words

    s = analysis.scenario
    acc = s.front.accuracy_km
    out = _wrap(f"{s.title} ({s.id}, situation {s.date.isoformat()})", width)
    out += _wrap(f"Front line: {s.front.date} — {s.front.source}", width)
    if s.front.accuracy:
        out += _wrap(f"Accuracy: {s.front.accuracy}", width)
    for line in constraint_lines(s):
        out += _wrap(f"Constraint: {line}", width)
    out += _wrap(
        f"Distances are geodesic (WGS84), in km. Front: to the front line{accuracy_note(acc)}. "
        f"Hostile: to the nearest hostile territory ({threat_words(s)}), and which part"
        + (f"; to the line or the occupied area ± {acc:g}" if acc else "")
        + ".",
        width,
    )
    prot = protection(s, analysis)
    for opt in analysis.options:
        out += ["", *_wrap(f"Option {opt.id}: {opt.name}", width)]
        out += _sites_table(opt, acc, width)
        out += _option_lines(opt, s, width, prot.option(opt.id))
    out += ["", *_key_sites_by_band(s, prot, width)]
    return "\n".join(out) + "\n"


def _sites_table(opt: OptionAnalysis, acc: float | None, width: int) -> list[str]:
    """The option's sites; the Troops column says "hub" for a hub (its name keeps the room a "(hub)" suffix
    would take), and the site names get what room the other columns leave within ``width``."""
    sites = [*opt.forces, *opt.hubs]
    if not sites:
        return []
    near = [_cell(round(x.distance_to_hostile_territory_km, 1)) for x in sites]
    nw = max(len(n) for n in near)  # numbers right-aligned, the nearest part after them
    rest = [
        (
            terminal(x.nation or "-"),
            _cell(x.troops) if x.kind == "force" else "hub",
            _cell(round(x.distance_to_front_km, 1)),
            n.rjust(nw) + (f" {_short(x.nearest_hostile, 13)}" if x.nearest_hostile else ""),
            _cell(round(x.distance_to_nato_border_km, 1)),
            ("yes" if x.meets_constraints else "NO") + ("*" if x.exemptions else ""),
        )
        for x, n in zip(sites, near, strict=True)
    ]
    front = "Front" + (f" ±{acc:g}" if acc else "")
    headers = ("Nat", "Troops", front, "Hostile", "NATO", "OK")
    used = sum(max(len(h), *(len(r[i]) for r in rest)) + 2 for i, h in enumerate(headers))
    name_w = max(10, min(24, width - used))
    rows = [(_short(x.name, name_w), *r) for x, r in zip(sites, rest, strict=True)]
    out = [aligned(("Site", *headers), rows, "llrrlrl")]
    for x in sites:
        for note in x.exemptions:
            out += _wrap(f"* {x.name}: {note}", width)
    return out


def _option_lines(
    opt: OptionAnalysis, s: Scenario, width: int, prot: OptionProtection | None = None
) -> list[str]:
    sm, acc = opt.summary, s.front.accuracy_km
    out = _wrap(
        f"Troops {sm.troops:,} in {sm.forces} force(s); nearest to front "
        f"{format_km(sm.min_distance_to_front_km, acc)}; troop-weighted mean "
        f"{format_km(sm.troop_weighted_mean_distance_to_front_km, acc)}",
        width,
    )
    if sm.forces:
        out += _wrap(f"Nearest to hostile territory: {summary_hostile_km(sm, acc)}", width)
    bands = ", ".join(f"{k}: {v:,}" for k, v in sm.troops_by_band.items() if v)
    if bands:
        out += _wrap(f"Troops by band: {bands}", width)
    if sm.population_covered:
        out += _wrap(
            coverage_words(s, sm.population_covered, sm.population_covered_by_country), width
        )
    if prot is not None:
        out += _wrap(_protects_words(prot), width)
    out += _wrap(f"Meets constraints: {option_verdict(opt)}", width)
    return out


def _protects_words(p: OptionProtection) -> str:
    """``"Protects: 4 key sites, 3 under air defence (Port of Odesa, ...) and 1 in other rings (...); 1,785,337
    people under air defence"``."""
    n = len(p.sites)
    people = f"{p.population_under_air_defence:,} people under air defence"
    if not n:
        return f"Protects: no key sites; {people}"
    parts = []
    for what, group in (
        ("under air defence", p.under_air_defence),
        ("in other rings", p.other_rings_only),
    ):
        if group:
            parts.append(f"{len(group)} {what} ({', '.join(c.site.name for c in group)})")
    return f"Protects: {n} key site{'s' * (n != 1)}, {' and '.join(parts)}; {people}"


def _key_sites_by_band(s: Scenario, prot: Protection, width: int) -> list[str]:
    """The key sites in each distance band, nearest first (the bands measure what the map's bands measure)."""
    from mapper.analysis import band_names
    from mapper.features import band_basis

    out = _wrap(f"Key sites by band — {band_basis(s)}:", width)
    for band, sites in prot.by_band(band_names(s.bands)):
        names = ", ".join(
            k.site.name + (" (occupied)" if k.metrics.in_occupied else "") for k in sites
        )
        out += textwrap.wrap(
            terminal(f"{band} ({len(sites)}): {names}"),
            width,
            initial_indent="  ",
            subsequent_indent="    ",
        )
    return out


def key_sites_text(analysis: ScenarioAnalysis, fmt: str, width: int = 80) -> str:
    """``mapper analyze --key-sites``: one row per bundled key site (distances to the front line and hostile
    territory, band, in the occupied area, the rings of the analysed options holding it) as ``table``, ``json``
    (``{"format": "mapper-key-sites/1", "scenario", "front_line", ..., "key_sites"}``) or ``csv``."""
    prot = protection(analysis.scenario, analysis)
    if fmt == "json":
        d = analysis.to_dict()
        doc = {
            "format": KEY_SITES_FORMAT,
            **{k: d[k] for k in ("scenario", "front_line", "bands", "threat")},
            "options": [{"id": o.id, "name": o.name} for o in analysis.options],
            "key_sites": [k.to_dict() for k in prot.key_sites],
        }
        return json_text(dumps_indented(doc)) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=KEY_SITE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for k in prot.key_sites:
            row = k.row()
            writer.writerow({c: csv_cell(row[c]) for c in KEY_SITE_COLUMNS})
        return buf.getvalue()
    return _key_sites_table(analysis.scenario, prot, width)


def _key_sites_table(s: Scenario, prot: Protection, width: int) -> str:
    """The key-site table for a terminal: name, country, distances, band, occupied; then what covers each."""
    from mapper.features import band_basis

    acc = s.front.accuracy_km
    out = _wrap(f"Key sites: {s.title} ({s.id}, situation {s.date.isoformat()})", width)
    out += _wrap(f"Front line: {s.front.date} — {s.front.source}", width)
    out += _wrap(
        f"Distances are geodesic (WGS84), in km, measured as for a force at the site. Band: "
        f"{band_basis(s)}.",
        width,
    )
    ms = [k.metrics for k in prot.key_sites]
    near = [_cell(round(m.distance_to_hostile_territory_km, 1)) for m in ms]
    nw = max((len(n) for n in near), default=0)
    rest = [
        (
            terminal(k.site.country),
            _cell(round(m.distance_to_front_km, 1)),
            n.rjust(nw) + f" {_short(m.nearest_hostile, 13)}",
            terminal(m.band),
            "yes" if m.in_occupied else "-",
        )
        for k, m, n in zip(prot.key_sites, ms, near, strict=True)
    ]
    headers = ("CC", "Front" + (f" ±{acc:g}" if acc else ""), "Hostile", "Band", "Occ")
    used = sum(max(len(h), *(len(r[i]) for r in rest)) + 2 for i, h in enumerate(headers))
    name_w = max(10, min(36, width - used))
    rows = [(_short(k.site.name, name_w), *r) for k, r in zip(prot.key_sites, rest, strict=True)]
    out += ["", aligned(("Key site", *headers), rows, "llrlll")]
    covered = [k for k in prot.key_sites if k.covered_by]
    out += ["", *_wrap(f"Inside coverage rings: {len(covered)} of {len(prot.key_sites)}", width)]
    for k in covered:
        rings = "; ".join(
            f"{c.option}: {c.force}" + (" (air defence)" if c.air_defence else "")
            for c in k.covered_by
        )
        out += _wrap(f"  {k.site.name}: {rings}", width)
    return "\n".join(out) + "\n"


def render_analysis(analysis: ScenarioAnalysis, fmt: str) -> str:
    """The analysis as ``table``, ``json`` or ``csv`` text."""
    if fmt == "json":
        return to_json(analysis)
    if fmt == "csv":
        return to_csv(analysis)
    return to_table(analysis)


def analyze_file(
    path: Any, *, fmt: str = "table", front_line: Any = None, options: list[str] | None = None
) -> str:
    """Prepare a scenario (file, YAML text or ``Scenario``) and return the report text (``mapper analyze``)."""
    from mapper.pipeline import prepare

    return render_analysis(prepare(path, front_line=front_line, options=options).analysis, fmt)


def analysis_text(
    prepared: Any,
    fmt: str,
    *,
    advance: Any = None,
    over_time: bool = False,
    key_sites: bool = False,
) -> str:
    """``mapper analyze``'s text of a ``Prepared``: the analysis (``render_analysis``), with an
    ``AdvanceReport`` (``advance``) as the ``"advance"`` key of the JSON and a section under the table (CSV
    stays the analysis alone); with ``over_time`` the forces on every step (``mapper.overtime``) instead; with
    ``key_sites`` the key-site table (``key_sites_text``)."""
    if key_sites:
        return key_sites_text(prepared.analysis, fmt)
    if over_time:
        from mapper.overtime import over_time as forces_over_time

        ot = forces_over_time(prepared)
        return ot.to_json() if fmt == "json" else ot.to_csv() if fmt == "csv" else ot.to_table()
    if advance is None or fmt == "csv":
        return render_analysis(prepared.analysis, fmt)
    if fmt == "json":
        doc = {**analysis_dict(prepared.analysis), "advance": advance.to_dict()}
        return json_text(dumps_indented(doc)) + "\n"
    return to_table(prepared.analysis) + "\n" + advance.to_table()


def analyze_text(
    source: Any,
    *,
    fmt: str = "table",
    front_line: Any = None,
    options: list[str] | None = None,
    at: Any = None,
    advance_km: float | None = None,
    over_time: bool = False,
    key_sites: bool = False,
) -> str:
    """``mapper analyze`` with its time options: the scenario on day ``at``, or on every step (``over_time``),
    against the real line or, with ``advance_km``, a hypothetical line that far beyond it (with the report of
    which forces that changes, unless ``over_time``); ``key_sites``: the key-site table instead (on that day,
    against that line)."""
    from mapper.yamlsafe import gc_paused

    # the collector's passes over what a big scenario builds (few cycles, all freed at the end) were a quarter
    # of the time of analysing 10,000 forces
    with gc_paused():
        return _analyze_text(source, fmt, front_line, options, at, advance_km, over_time, key_sites)


def _analyze_text(
    source: Any,
    fmt: str,
    front_line: Any,
    options: list[str] | None,
    at: Any,
    advance_km: float | None,
    over_time: bool,
    key_sites: bool,
) -> str:
    from mapper.errors import UsageError
    from mapper.pipeline import load, prepare

    if at is not None and over_time:
        raise UsageError("--at and --over-time exclude each other: one day, or every step")
    if key_sites and over_time:
        raise UsageError(
            "--key-sites and --over-time exclude each other: the key sites are of one day"
        )
    scenario = load(source, front_line=front_line)
    if at is not None:
        try:
            scenario = scenario.at(at)
        except UsageError as exc:  # the same message, saying which option it is about
            raise UsageError(f"{scenario.path or scenario.id}: --at {at}: {exc}") from None
    base = prepare(scenario, options=options)
    if advance_km is None:
        return analysis_text(base, fmt, over_time=over_time, key_sites=key_sites)
    from mapper.advance import advance_of

    advanced, report = advance_of(base, advance_km)
    return analysis_text(
        advanced,
        fmt,
        advance=None if over_time else report,
        over_time=over_time,
        key_sites=key_sites,
    )

"""The comparison as one offline, self-contained HTML page: header, metrics table, charts, maps, assumptions.

A composition of outputs: the maps and the page head come from ``mapper.render`` (``render.compare_maps``,
``render.assets.head_assets``, ``render.page``), the two bar charts (inline SVG) from ``mapper.staticmap.charts``;
this module lays them out with the table and the text (all scenario text through ``render.safety``). Both are
imported when a page is built, so ``import mapper.comparison`` stays light.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mapper.comparison.model import (
    Comparison,
    Criterion,
    Entry,
    best,
    criteria,
    parse_pair,
    ranking,
)
from mapper.comparison.rows import basis_lines, fmt, front_lines, rows, title
from mapper.pipeline import GENERATOR_META, OutputPolicy, generated_by_mapper

if TYPE_CHECKING:  # pragma: no cover
    from mapper.render.compare_maps import RenderedMaps

__all__ = ["PAGE_OUTPUT", "to_html"]


#: ``out/compare.html``; a page mapper wrote is replaced, any other file needs ``overwrite``.
PAGE_OUTPUT = OutputPolicy(".html", "a page", generated_by_mapper)

_CSS = """
.cmp { max-width: 84rem; margin: 0 auto; padding: 12px 20px 40px; }
.cmp h1 { font-size: 24px; margin: 8px 0 4px; }
.cmp h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 3px; }
.cmp .lead { color: #444; margin: 2px 0; }
.cmp .fronts { margin: 6px 0; padding-left: 20px; font-size: 14px; }
.cmp .warn { background: #fff4e5; border-left: 4px solid #e08600; padding: 6px 10px; margin: 8px 0; }
.cmp .fail { background: #fdecea; border-left: 4px solid #c62828; padding: 6px 10px; margin: 8px 0; }
.cmp .fail pre { white-space: pre-wrap; margin: 4px 0; font-size: 12px; }
.cmp-table-wrap { overflow-x: auto; }
.cmp-table { border-collapse: collapse; font-size: 14px; min-width: 40rem; }
.cmp-table th, .cmp-table td { border-bottom: 1px solid #e1e4e8; padding: 3px 10px; text-align: right;
  font-variant-numeric: tabular-nums; vertical-align: bottom; }
.cmp-table th[scope=row], .cmp-table thead th:first-child { text-align: left; font-weight: normal; }
.cmp-table thead th { border-bottom: 2px solid #888; font-weight: 600; }
.cmp-table thead .opt-name { display: block; font-weight: normal; font-size: 12px; color: #444; max-width: 12rem;
  margin-left: auto; }
.cmp-table thead .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 4px; background: var(--sw); }
.cmp-table tr.section th { text-align: left; font-weight: 600; background: #f6f8fa; padding-top: 7px; }
.cmp-table th.indent { padding-left: 24px; }
.cmp-table td.best { background: #e6f4ea; }
.cmp-table td.bad { color: #b00020; font-weight: 600; }
.cmp-note { font-size: 13px; color: #444; }
.cmp-charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(30rem, 1fr)); gap: 16px; }
.cmp-charts figure { margin: 0; }
.cmp-charts svg { max-width: 100%; height: auto; }
.cmp-charts figcaption { font-size: 13px; color: #444; }
.cmp-map { position: relative; height: 78vh; min-height: 360px; border: 1px solid #c8ccd0; }
.cmp-pair { display: grid; grid-template-columns: 1fr 1fr; gap: 8px; }
.cmp-pair .cmp-map { height: 62vh; }
@media (max-width: 900px) { .cmp-pair { grid-template-columns: 1fr; } }
.cmp-pair-label { font-size: 13px; max-width: 16rem; }
.cmp ul.assumptions { font-size: 14px; }
.cmp footer { margin-top: 28px; font-size: 12px; color: #555; }
"""


def to_html(
    c: Comparison,
    rank_by: str | Sequence[Criterion] | None = None,
    pair: str | Sequence[str] | None = None,
) -> str:
    """The offline, self-contained HTML report: header (front lines, warnings, failures), the metrics table,
    two charts (inline SVG), a combined map of every option and two options on synchronised maps."""
    from mapper.render import CREDITS
    from mapper.render.assets import head_assets
    from mapper.render.compare_maps import render_maps
    from mapper.render.safety import safe_text

    crit = criteria(rank_by)
    ranked = ranking(c, crit)
    chosen = parse_pair(c, pair)
    pair_entries = [c.entry(k) for k in chosen] if chosen else []
    maps = render_maps(c, pair_entries)
    page_title = title(c)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        GENERATOR_META,
        f"<title>{safe_text(page_title)}</title>",
        head_assets(),
        maps.header.strip(),
        f"<style>{_CSS}</style>",
        maps.shared,
        "</head>",
        "<body>",
        '<main class="cmp">',
        *_header(c),
        *_table_section(c, crit, ranked),
        *_charts_section(c),
        *_protection_section(c),
        *_over_time_section(c),
        *_maps_sections(maps, pair_entries),
        *_assumptions_section(c),
        f"<footer>{safe_text(CREDITS)}</footer>",
        "</main>",
        f"<script>\n{maps.script.strip()}\n</script>",
        f"<script>{maps.sync}</script>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(p for p in parts if p)


def _header(c: Comparison) -> list[str]:
    """Title, scenarios and situation dates, front lines, warnings and the files not compared."""
    from mapper.render.safety import safe_text

    top = [f"<header><h1>{safe_text(title(c))}</h1>"]
    dates = sorted({s.date.isoformat() for s, _ in c.scenarios})
    top.append(
        "<p class='lead'>Scenarios: "
        + " · ".join(
            f"{safe_text(s.title)} (<code>{safe_text(s.id)}</code>)" for s, _ in c.scenarios
        )
        + f". Situation date{'s' * (len(dates) > 1)}: {safe_text(', '.join(dates))}.</p>"
    )
    top.append(
        "<ul class='fronts'>"
        + "".join(f"<li>{safe_text(line)}</li>" for line in front_lines(c))
        + "<li>Distances are geodesic (WGS84).</li>"
        + "".join(f"<li>{safe_text(line)}</li>" for line in basis_lines(c))
        + "</ul>"
    )
    for w in c.warnings:
        top.append(f"<p class='warn' role='note'><strong>Warning:</strong> {safe_text(w)}</p>")
    if c.failures:
        items = "".join(f"<li><pre>{safe_text(f.text)}</pre></li>" for f in c.failures)
        top.append(
            f"<div class='fail'><strong>Not compared (errors):</strong><ul>{items}</ul></div>"
        )
    top.append("</header>")
    return top


def _table_section(
    c: Comparison, crit: Sequence[Criterion], ranked: list[dict[str, Any]]
) -> list[str]:
    return [
        "<section aria-labelledby='cmp-table-h'><h2 id='cmp-table-h'>Options side by side</h2>",
        _html_table(c, crit, ranked),
        *_exempt_note(c),
        "</section>",
    ]


def _exempt_note(c: Comparison) -> list[str]:
    """Which forces of which option a constraint does not bind (its verdict counts them as compliant)."""
    from mapper.render.safety import safe_text

    items = [
        f"<li><strong>{safe_text(r['key'])}</strong>: {safe_text('; '.join(r['exempt_force_names']))}</li>"
        for r in c.records()
        if r["exempt_force_names"]
    ]
    if not items:
        return []
    return [
        "<p class='cmp-note'>Forces exempt from a constraint (by role; the scenario says which constraints "
        f"bind which roles):</p><ul class='cmp-exempt'>{''.join(items)}</ul>"
    ]


def _html_table(c: Comparison, crit: Sequence[Criterion], ranked: list[dict[str, Any]]) -> str:
    from mapper.render.safety import safe_attr, safe_color, safe_text

    best_keys = best(ranked)
    n = len(c.keys)
    head = ["<th scope='col'>Metric</th>"]
    for e in c.entries:
        head.append(
            f"<th scope='col'><span class='swatch' style='--sw:{safe_attr(safe_color(e.option.colour))}'></span>"
            f"{safe_text(e.key)}<span class='opt-name'>{safe_text(e.option.name)}</span></th>"
        )
    body = []
    for r in rows(c, crit, ranked):
        if r.kind == "section":
            body.append(
                f"<tr class='section'><th scope='colgroup' colspan='{n + 1}'>{safe_text(r.label)}</th></tr>"
            )
            continue
        cells = []
        for key, v in zip(c.keys, r.values, strict=True):
            text = safe_text(fmt(r.kind, v))
            cls = []
            if r.field in best_keys and key in best_keys[r.field]:
                text = f"<strong>{text}</strong>"
                cls.append("best")
            if r.kind == "ok" and not v[0]:
                cls.append("bad")
            attr = f" class='{' '.join(cls)}'" if cls else ""
            cells.append(f"<td{attr}>{text}</td>")
        indent = " class='indent'" if r.indent else ""
        th = f"<th scope='row'{indent}>{safe_text(r.label)}</th>"
        body.append(f"<tr>{th}{''.join(cells)}</tr>")
    note = ""
    if ranked:
        note = (
            "<p class='cmp-note'>Ranks: each criterion on its own, 1 = best, ties share a rank; the best option "
            "is in bold on a green background. No weighting, no overall score.</p>"
        )
    return (
        f"{note}<div class='cmp-table-wrap'><table class='cmp-table'>"
        "<caption class='cmp-note' style='text-align:left'>Per option; distances geodesic (WGS84), in km; "
        "'-' none or not applicable, 'n/a' band not defined in that scenario.</caption>"
        f"<thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _charts_section(c: Comparison) -> list[str]:
    from mapper.comparison.model import bands
    from mapper.render.safety import safe_text
    from mapper.staticmap.charts import chart_distances, chart_troops_by_band

    recs = c.records()
    return [
        "<section aria-labelledby='cmp-charts-h'><h2 id='cmp-charts-h'>Charts</h2><div class='cmp-charts'>",
        f"<figure>{chart_distances(recs)}<figcaption>Nearest force and troop-weighted mean distance to the "
        "front line; the black tick is the scenario's minimum-distance constraint.</figcaption></figure>",
        f"<figure>{chart_troops_by_band(recs, bands(c))}<figcaption>Troops by distance band: "
        f"{safe_text('; '.join(sorted({r['band_basis'] for r in recs})))} (red: nearest).</figcaption></figure>",
        "</div></section>",
    ]


# only on a page with a ring: a page without stays as it was
_PROTECT_CSS = (
    ".cmp-protect-charts figure { margin: 0; } .cmp-protect-charts svg { max-width: 100%; height: auto; } "
    ".cmp-protect-charts figcaption { font-size: 13px; color: #444; } "
    ".cmp-protect-table { border-collapse: collapse; font-size: 13px; } .cmp-protect-table th, "
    ".cmp-protect-table td { border-bottom: 1px solid #d0d7de; padding: 3px 8px; text-align: left; } "
    ".cmp-protect-table .num { text-align: right; font-variant-numeric: tabular-nums; }"
)


def _protection_section(c: Comparison) -> list[str]:
    """ "What each option protects": the chart (inline SVG) and the same figures as a table; nothing when no
    compared option has a force with a ring (every figure would be zero)."""
    from mapper.render.safety import safe_text
    from mapper.staticmap.charts import chart_protection

    if not any(f.range_km for e in c.entries for f in e.option.forces):
        return []
    recs = c.records()
    rows = "".join(
        f"<tr><th scope='row'>{safe_text(r['name'])} ({safe_text(r['key'])})</th>"
        f"<td class='num'>{r['key_sites_under_air_defence']:,}</td>"
        f"<td class='num'>{r['key_sites_in_rings']:,}</td>"
        f"<td class='num'>{r['population_under_air_defence']:,}</td></tr>"
        for r in recs
    )
    return [
        f"<style>{_PROTECT_CSS}</style>",
        "<section aria-labelledby='cmp-protect-h'><h2 id='cmp-protect-h'>What each option protects</h2>",
        f"<div class='cmp-protect-charts'><figure>{chart_protection(recs)}<figcaption>The bundled key sites (nuclear "
        "power plants, ports, airbases, airports, dams, crossings) inside each option's air-defence rings and "
        "inside any of its rings (geodesic distance within the ring's range), and the people under its air "
        "defence (the scenario's coverage countries).</figcaption></figure></div>",
        "<details><summary>The figures as a table</summary><div class='cmp-table-wrap'>"
        "<table class='cmp-protect-table'><thead><tr><th scope='col'>Option</th>"
        "<th scope='col'>Key sites under air defence</th><th scope='col'>Key sites inside any ring</th>"
        f"<th scope='col'>People under air defence</th></tr></thead><tbody>{rows}</tbody></table></div>"
        "</details></section>",
    ]


def over_time(entry: Entry) -> list[tuple[Any, int, float | None, float | None]]:
    """``(step, forces present, nearest, median)`` of the option on each step of its scenario's timeline: the
    distances of its forces to hostile territory (km, geodesic) on that day; ``None`` with no force."""
    import statistics

    out = []
    for step, sp in entry.prepared.steps:
        found = [o for o in sp.analysis.options if o.option.id == entry.option.id]
        km = [
            s.distance_to_hostile_territory_km
            for o in found
            for s in o.forces
            if s.distance_to_hostile_territory_km is not None
        ]
        out.append((step, len(km), min(km) if km else None, statistics.median(km) if km else None))
    return out


# only on a page with a chart over time: an untimed comparison's page stays as it was
_TIME_CSS = (
    ".cmp-time-charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(30rem, 1fr)); "
    "gap: 16px; } .cmp-time-charts figure { margin: 0; } .cmp-time-charts svg { max-width: 100%; "
    "height: auto; } .cmp-time-charts figcaption { font-size: 13px; color: #444; } "
    ".cmp-time-table { border-collapse: collapse; font-size: 13px; } .cmp-time-table th, .cmp-time-table td "
    "{ border-bottom: 1px solid #d0d7de; padding: 3px 8px; text-align: left; } .cmp-time-table .num "
    "{ text-align: right; font-variant-numeric: tabular-nums; }"
)


def _over_time_section(c: Comparison) -> list[str]:
    """A "distance over time" chart per option of a timed scenario, each with its table (the same figures, for
    screen readers and copying); nothing when no compared scenario is timed."""
    from mapper.render.safety import safe_text
    from mapper.staticmap.charts import chart_over_time
    from mapper.timeline import of

    timed = [e for e in c.entries if of(e.scenario).timed]
    if not timed:
        return []
    parts = [
        f"<style>{_TIME_CSS}</style>",
        "<section aria-labelledby='cmp-time-h'><h2 id='cmp-time-h'>Distance over time</h2>",
        "<p class='lead'>Each option of a scenario with dates or phases, on every date its timeline steps "
        "through: the nearest and the median force's geodesic distance to hostile territory (the forces "
        "present on that day, against the front line in force then).</p><div class='cmp-time-charts'>",
    ]
    for e in timed:
        series = over_time(e)
        chart = chart_over_time(
            f"{e.option.name} ({e.key})",
            [step.day for step, *_ in series],
            [near for *_, near, _ in series],
            [mid for *_, mid in series],
        )

        def km(v: float | None) -> str:
            return "–" if v is None else f"{v:,.1f}"

        rows = "".join(
            f"<tr><th scope='row'>{safe_text(step.label)}</th><td class='num'>{n}</td>"
            f"<td class='num'>{km(near)}</td><td class='num'>{km(mid)}</td></tr>"
            for step, n, near, mid in series
        )
        parts.append(
            f"<figure>{chart}<figcaption>{safe_text(e.option.name)} ({safe_text(e.key)}): distance to "
            "hostile territory over time.</figcaption>"
            "<details><summary>The figures as a table</summary><div class='cmp-table-wrap'>"
            "<table class='cmp-time-table'><thead><tr><th scope='col'>Date</th>"
            "<th scope='col'>Forces present</th><th scope='col'>Nearest, km</th>"
            f"<th scope='col'>Median, km</th></tr></thead><tbody>{rows}</tbody></table></div></details>"
            "</figure>"
        )
    parts.append("</div></section>")
    return parts


def _map_div(name: str, label: str) -> str:
    from mapper.render.safety import safe_attr

    return (
        f'<div class="cmp-map" role="region" aria-label="{safe_attr(label)}">'
        f'<div class="folium-map" id="{name}"></div></div>'
    )


def _maps_sections(maps: RenderedMaps, pair: Sequence[Entry]) -> list[str]:
    """The combined map, then (for a pair) the two synchronised maps side by side."""
    from mapper.render.safety import safe_text

    names = maps.names
    out = [
        "<section aria-labelledby='cmp-map-h'><h2 id='cmp-map-h'>All options on one map</h2>",
        "<p class='cmp-note'>Each option is a group of layers; switch them on and off in the legend.</p>",
        _map_div(names[0], "Map: all options"),
        "</section>",
    ]
    if pair:
        a, b = pair
        out += [
            "<section aria-labelledby='cmp-pair-h'><h2 id='cmp-pair-h'>"
            f"{safe_text(a.option.name)} ({safe_text(a.key)}) and {safe_text(b.option.name)} "
            f"({safe_text(b.key)}) side by side</h2>",
            "<p class='cmp-note'>The two maps move together: pan or zoom either one.</p>",
            "<div class='cmp-pair'>",
            _map_div(names[1], f"Map: option {a.key}"),
            _map_div(names[2], f"Map: option {b.key}"),
            "</div></section>",
        ]
    return out


def _assumptions_section(c: Comparison) -> list[str]:
    """Each scenario's assumptions and sources (nothing when no scenario states any)."""
    from mapper.render.safety import safe_text

    def items(heading: str, texts: Sequence[str]) -> str:
        lis = "".join(f"<li>{safe_text(x)}</li>" for x in texts)
        return f"<p>{heading}:</p><ul class='assumptions'>{lis}</ul>"

    out = []
    for s, _ in c.scenarios:
        if s.assumptions or s.sources:
            out.append(f"<h3>{safe_text(s.title)} ({safe_text(s.id)})</h3>")
            if s.assumptions:
                out.append(items("Assumptions", s.assumptions))
            if s.sources:
                out.append(items("Sources", s.sources))
    if not out:
        return []
    return [
        "<section aria-labelledby='cmp-ass-h'><h2 id='cmp-ass-h'>Assumptions and sources</h2>",
        *out,
        "</section>",
    ]

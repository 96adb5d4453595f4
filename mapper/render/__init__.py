"""``mapper render``: one scenario → one layered, offline, self-contained and deterministic HTML map.

``build_map`` assembles the folium map from the layer functions in ``layers`` and the controls in ``controls``;
``render_html`` turns it into the page (``page.finalize_html``: offline assets, deterministic ids, accessible
layout with a plain table of every force and its distances); ``render_map`` is the command's library function
(load → analyse → draw → write atomically).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mapper.analysis import ScenarioAnalysis, analyze
from mapper.errors import OutputError
from mapper.scenario import Scenario

CREDITS = (
    "Basemap: Natural Earth (public domain). Places: GeoNames (CC-BY 4.0). "
    "Rivers and lakes: GSHHG / WDB-II (LGPL-3.0+). Map drawn with Leaflet. "
    "Distances are geodesic (WGS84)."
)


def new_map() -> Any:
    """An empty map of the theatre with no tiles: every map page starts from this."""
    import folium

    return folium.Map(
        location=[48.6, 31.5],
        zoom_start=6,
        tiles=None,
        control_scale=False,
        zoom_control=True,
        attribution_control=True,
    )


def build_map(scenario: Scenario, analysis: ScenarioAnalysis, *, tiles: str | None = None) -> Any:
    """The folium map with every layer and control (not yet rendered)."""
    from mapper.render import controls, layers
    from mapper.render.assets import online_tiles
    from mapper.render.safety import safe_text

    m = new_map()
    groups: list[tuple[str, list[Any]]] = []
    base = []
    if tiles:
        tile_layer = online_tiles(tiles, show=True)
        tile_layer.add_to(m)
        base.append((f"Online tiles: {tiles}", tile_layer, None, "fill"))
    base += layers.basemap_layers(m, opaque=not tiles)
    groups.append(("Basemap", base))
    groups.append(("Situation", layers.situation_layers(m, scenario)))
    stacks: dict[
        tuple[float, float], int
    ] = {}  # markers already drawn at each spot, across options
    for opt, res in zip(
        [o for o in scenario.options if o.id in {r.id for r in analysis.options}],
        analysis.options,
        strict=True,
    ):
        groups.append(
            (f"Option {opt.id}: {opt.name}", layers.option_layers(m, opt, res, scenario, stacks))
        )

    pts = layers.all_points(analysis)
    front_bounds = scenario.front.line.bounds  # (minx, miny, maxx, maxy) = lon/lat
    lat_min = min([front_bounds[1], *pts[:, 0]]) if len(pts) else front_bounds[1]
    lat_max = max([front_bounds[3], *pts[:, 0]]) if len(pts) else front_bounds[3]
    lon_min = min([front_bounds[0], *pts[:, 1]]) if len(pts) else front_bounds[0]
    lon_max = max([front_bounds[2], *pts[:, 1]]) if len(pts) else front_bounds[2]
    # keep the content clear of the legend (top right) on screens wide enough to have room for both
    m.fit_bounds(
        [[lat_min - 0.5, lon_min - 0.5], [lat_max + 0.5, lon_max + 0.5]],
        padding_top_left=(20, 20),
        padding_bottom_right=(280, 20),
    )

    controls.GroupedLayerControl(groups, title="Layers and legend").add_to(m)
    controls.ScaleControl().add_to(m)
    controls.MeasureControl().add_to(m)
    controls.CoordinatesControl().add_to(m)
    controls.FullscreenControl().add_to(m)
    controls.TitlePanel(
        safe_text(scenario.title),
        safe_text(f"Situation {scenario.date.isoformat()} · front line {scenario.front.date}"),
        safe_text(scenario.summary or ""),
        [safe_text(a) for a in scenario.assumptions],
    ).add_to(m)
    front = scenario.front
    controls.FooterControl(
        safe_text(f"Front line {front.date}: {front.source}. Accuracy: {front.accuracy}."),
        safe_text(CREDITS),
    ).add_to(m)
    return m


def distances_table(scenario: Scenario, analysis: ScenarioAnalysis) -> str:
    """A plain HTML table of every force and hub with its distances: the map's accessible twin."""
    from mapper.render.safety import safe_text

    head = (
        "<tr><th scope='col'>Option</th><th scope='col'>Site</th><th scope='col'>Nation</th>"
        "<th scope='col'>Troops</th><th scope='col'>To front line (km)</th><th scope='col'>Band</th>"
        "<th scope='col'>To hostile territory (km)</th><th scope='col'>To NATO border (km)</th>"
        "<th scope='col'>Meets constraints</th></tr>"
    )
    rows = []
    for opt in analysis.options:
        for s in (*opt.forces, *opt.hubs):
            ok = "yes" if s.meets_constraints else "NO: " + "; ".join(s.violations)
            rows.append(
                "<tr>"
                f"<td>{safe_text(opt.name)}</td>"
                f"<th scope='row'>{safe_text(s.name)}{' (hub)' if s.kind == 'hub' else ''}</th>"
                f"<td>{safe_text(s.nation or '–')}</td>"
                f"<td class='num'>{s.troops:,}</td>"
                f"<td class='num'>{s.distance_to_front_km:,.1f}</td>"
                f"<td>{safe_text(s.band)}</td>"
                f"<td class='num'>{s.distance_to_hostile_territory_km:,.1f}</td>"
                f"<td class='num'>{s.distance_to_nato_border_km:,.1f}</td>"
                f"<td>{safe_text(ok)}</td>"
                "</tr>"
            )
    summary = []
    for opt in analysis.options:
        sm = opt.summary
        mean = sm.troop_weighted_mean_distance_to_front_km
        summary.append(
            f"<li><strong>{safe_text(opt.name)}</strong>: {sm.troops:,} troops in {sm.forces} force(s); "
            f"nearest {sm.min_distance_to_front_km or 0:,.1f} km, troop-weighted mean "
            f"{mean or 0:,.1f} km from the front line; "
            f"meets constraints: {'yes' if sm.meets_constraints else 'NO'}</li>"
        )
    front = scenario.front
    sources = "".join(f"<li>{safe_text(s)}</li>" for s in scenario.sources)
    return (
        "<section class='mapper-distances' aria-labelledby='mapper-distances-h'>"
        "<h2 id='mapper-distances-h'>Forces and distances</h2>"
        f"<p>Geodesic distances (WGS84) to the front line of {safe_text(front.date)} "
        f"({safe_text(front.source)}; {safe_text(front.accuracy)}).</p>"
        f"<ul>{''.join(summary)}</ul>"
        f"<table><caption>Every force and hub of {safe_text(scenario.title)}</caption>"
        f"<thead>{head}</thead><tbody>{''.join(rows)}</tbody></table>"
        + (f"<h2>Sources</h2><ul>{sources}</ul>" if sources else "")
        + "</section>"
    )


def render_html(
    scenario: Scenario,
    analysis: ScenarioAnalysis | None = None,
    *,
    options: list[str] | None = None,
    tiles: str | None = None,
    back_link: str | None = None,
) -> str:
    """The complete HTML page of a scenario's map.

    ``back_link`` (a relative URL such as ``../index.html``) adds an "All scenarios" link above the map (the gallery
    uses it to link each map page back to its index).
    """
    from mapper.render.page import finalize_html
    from mapper.render.safety import safe_attr

    analysis = analysis or analyze(scenario, options=options)
    m = build_map(scenario, analysis, tiles=tiles)
    return finalize_html(
        m,
        title=f"{scenario.title} — deployment scenario map",
        body_before=(
            '<nav class="mapper-back" aria-label="Gallery" style="padding:6px 12px;font:14px sans-serif">'
            f'<a href="{safe_attr(back_link)}">← All scenarios</a></nav>'
            if back_link
            else ""
        ),
        body_after=distances_table(scenario, analysis),
    )


def default_output(scenario: Scenario) -> Path:
    return Path("out") / f"{scenario.id}.html"


def render_map(
    path: str | os.PathLike[str],
    output: str | os.PathLike[str] | None = None,
    *,
    options: list[str] | None = None,
    tiles: str | None = None,
    front_line: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
) -> Path:
    """Load, analyse and draw one scenario file; write the page atomically and return its path."""
    from mapper.atomic import atomic_write
    from mapper.loader import load_scenario
    from mapper.render.page import generated_by_mapper

    if tiles:
        from mapper.render.assets import tile_name

        tiles = tile_name(tiles)  # a usage error before any work
    scenario = load_scenario(path, front_line=front_line)
    out = Path(output) if output else default_output(scenario)
    # Re-rendering replaces a map this tool wrote; any other existing file needs --overwrite. Checked before the
    # work, so a refused run fails fast; the write itself is atomic either way.
    overwrite = overwrite or generated_by_mapper(out)
    if out.exists() and not overwrite:
        raise OutputError(
            f"{out}: exists and is not a map written by mapper; pass --overwrite to replace it"
        )
    html = render_html(scenario, options=options, tiles=tiles)
    atomic_write(out, html, overwrite=overwrite)
    return out

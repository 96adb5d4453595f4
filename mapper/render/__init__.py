"""``mapper render``: one scenario → one layered, offline, self-contained and deterministic HTML map.

``build_map`` assembles the folium map from the layer functions in ``layers`` and the controls in ``controls``;
``render_html`` turns it into the page (``page.finalize_html``: offline assets, deterministic ids, accessible
layout with a plain table of every force and its distances); ``write_html`` writes a prepared scenario's page
under the output policy (``HTML_OUTPUT``) and ``render_map`` is the command's library function (prepare → draw →
write atomically). Everything here takes a ``mapper.pipeline.Prepared``: nothing in ``render`` loads or analyses.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from mapper.pipeline import OutputPolicy, Prepared, generated_by_mapper, prepare
from mapper.textlayout import (
    accuracy_note,
    coverage_words,
    format_km,
    hostile_km,
    option_verdict,
    summary_hostile_km,
    verdict,
)

#: ``out/<id>.html``; a page mapper wrote is replaced, any other file needs ``overwrite``.
HTML_OUTPUT = OutputPolicy(".html", "a map", generated_by_mapper)

CREDITS = (
    "Basemap: Natural Earth (public domain). Places: GeoNames (CC-BY 4.0). "
    "Rivers and lakes: GSHHG / WDB-II (LGPL-3.0+). Map drawn with Leaflet. "
    "Distances are geodesic (WGS84)."
)


def _load_folium() -> Any:
    """folium, imported by ``foliumlib`` (without pandas) if it is not imported yet: the drawing functions call
    this before importing the modules of ``render``, which import folium."""
    from mapper.render.foliumlib import folium

    return folium


def new_map() -> Any:
    """An empty map of the theatre with no tiles: every map page starts from this."""
    folium = _load_folium()
    return folium.Map(
        location=[48.6, 31.5],
        zoom_start=6,
        tiles=None,
        control_scale=False,
        zoom_control=True,
        attribution_control=True,
    )


def build_map(prepared: Prepared, *, tiles: str | None = None, at: dt.date | None = None) -> Any:
    """The folium map with every layer and control (not yet rendered); a timed scenario's opens on the step in
    force on ``at`` (default: its ``date``) unless the URL names another."""
    _load_folium()
    from mapper.render import controls, layers, timed
    from mapper.render.assets import online_tiles
    from mapper.render.overlays import OWN_LAYERS, add_annotations, add_overlays
    from mapper.render.safety import safe_text

    scenario = prepared.scenario
    m = new_map()
    groups: list[tuple[str, list[Any]]] = []
    base: list[Any] = []
    if tiles:
        tile_layer = online_tiles(tiles, show=True)
        tile_layer.add_to(m)
        base.append((f"Online tiles: {tiles}", tile_layer, None, "fill"))
    base += layers.basemap_layers(m, opaque=not tiles, front_line=scenario.front.line)
    groups.append(("Basemap", base))
    time_map = None
    if timed.needs_time_map(prepared):  # several steps, or a hypothetical line: its own drawing
        time_map = timed.TimeMap(m, prepared, at)
        groups += time_map.situation_groups()
        groups += [(name, _legend_keys(items)) for name, items in time_map.option_groups()]
    else:
        groups += layers.situation_groups(m, prepared)
    # the user's layers over the situation (on a timed map, over the steps' layers too: they have no window)
    own = add_overlays(m, scenario.overlays) if scenario.overlays else []
    for of in prepared.features.options if time_map is None else ():
        groups.append(
            (
                f"Option {of.option.id}: {of.option.name}",
                _legend_keys(layers.option_layers(m, of, scenario)),
            )
        )
    groups.append(_key_sites_group(m, prepared, time_map))
    notes = add_annotations(m, scenario.annotations) if scenario.annotations else None
    if own or notes:
        groups.append((OWN_LAYERS, own + ([notes] if notes else [])))

    # the basemap explains itself: its group starts closed, leaving room for the situation and the options
    controls.GroupedLayerControl(
        groups, title="Layers and legend", collapsed_groups=("Basemap",)
    ).add_to(m)
    controls.ScaleControl().add_to(m)
    controls.MeasureControl().add_to(m)
    controls.CoordinatesControl().add_to(m)
    controls.FullscreenControl().add_to(m)
    controls.TitlePanel(
        safe_text(scenario.title),
        _situation_html(prepared, time_map),
        safe_text(scenario.summary or ""),
        [safe_text(a) for a in scenario.assumptions],
    ).add_to(m)
    controls.FooterControl(_footer_front_html(prepared, time_map), safe_text(CREDITS)).add_to(m)
    bounds = view_bounds(prepared)
    m.location = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    controls.Dock().add_to(m)  # panels beside the map, before the view is fitted into what is left
    if time_map is not None and len(time_map.steps) > 1:
        time_map.slider().add_to(m)  # its bar goes above the map, so before the view is fitted
    controls.FitView(bounds).add_to(
        m
    )  # after the controls: it fits the view into the space they leave
    return m


def _key_sites_group(m: Any, prepared: Prepared, time_map: Any) -> tuple[str, list[Any]]:
    """The "Key sites" legend group: the layer hidden at first, over the options' layers in the legend's order
    but under the forces on the map (``keysitelayer``); on a timed map each popup follows the step."""
    from mapper.render import keysitelayer

    if time_map is None:
        item = keysitelayer.key_sites_layer(m, prepared)
    else:
        item = keysitelayer.timed_key_sites_layer(m, time_map.steps, time_map.start)
    return (keysitelayer.KEY_SITES, [item])


def _by_step(time_map: Any, texts: list[str], tag: str = "span") -> str:
    """Per-step HTML shown one step at a time: ``texts[i]`` (escaped) for step ``i``, equal ones shared."""
    from mapper.render.timed import steps_attr

    seen: dict[str, list[int]] = {}
    for i, t in enumerate(texts):
        seen.setdefault(t, []).append(i)
    if len(seen) == 1:
        return texts[0]
    return "".join(
        f"<{tag}{steps_attr(idx, time_map.start)}>{t}</{tag}>" for t, idx in seen.items()
    )


def _situation_html(prepared: Prepared, time_map: Any) -> str:
    """The title panel's date line (escaped): on a timed map, the date of the step shown."""
    from mapper.render.safety import safe_text
    from mapper.render.timed import situation_words

    scenario = prepared.scenario
    if time_map is None:
        return safe_text(
            f"Situation {scenario.date.isoformat()} · front line {scenario.front.date}"
        )
    return _by_step(
        time_map,
        [safe_text(situation_words(step, sp.scenario.front)) for step, sp in time_map.steps],
    )


def _footer_front_html(prepared: Prepared, time_map: Any) -> str:
    """The footer's front line, date, source and accuracy (escaped): on a timed map, the step's line."""
    from mapper.render.safety import safe_text

    def words(front: Any) -> str:
        base = front.base or front
        text = f"Front line {base.date}: {base.source}. Accuracy: {base.accuracy}."
        if front.hypothetical:
            text += (
                f" Dashed: a hypothetical advance of {front.advance_km:g} km, not a reported line."
            )
        return safe_text(text)

    if time_map is None:
        return words(prepared.scenario.front)
    return _by_step(time_map, [words(sp.scenario.front) for _, sp in time_map.steps])


#: the hub layer draws each force's link to its nearest hub too: the legend says so
HUB_LINKS_KEY = "Links to nearest hub"


def _legend_keys(items: list[Any]) -> list[Any]:
    """An option's legend items, with a key for what a layer draws besides its own swatch (the dotted links of
    the hub layer, ``layers._hubs_layer``)."""
    out = []
    for item in items:
        if item[0] == "Hubs and links" and len(item) == 4:
            item = (*item, ((HUB_LINKS_KEY, item[2], "dotted"),))
        out.append(item)
    return out


#: the initial view never frames less than this (degrees of latitude, longitude) around its centre
MIN_VIEW_SPAN = (1.5, 2.5)


def view_bounds(prepared: Prepared) -> list[list[float]]:
    """``[[south, west], [north, east]]`` of what the initial view frames: every force and hub, each option's
    lines and zones and the front line (every distance is measured from it, and the place labels' rule is made
    for the view that shows it, ``placelabels.DEFAULT_ZOOM``), with a small margin and at least
    ``MIN_VIEW_SPAN``. Not the coverage rings nor the areas (often whole oblasts or countries: Poland and Romania
    in ``neighbouring_country``, which framed the map at zoom 5, past the basemap's edge). The page fits it so
    that no force or hub lies under a panel (``controls.FitView``); the front line may run under one."""
    from shapely.geometry import Point

    geoms: list[Any] = [prepared.scenario.front.line]
    for of in prepared.features.options:
        geoms += [Point(s.lon, s.lat) for s in (*of.forces, *of.hubs)]
        geoms += [z.geometry for z in of.zones] + [ln.geometry for ln in of.lines]
    boxes = [g.bounds for g in geoms if g is not None and not g.is_empty]
    west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
    east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
    mid_lat, mid_lon = (south + north) / 2, (west + east) / 2
    half_lat = max((north - south) / 2 + 0.1, MIN_VIEW_SPAN[0] / 2)
    half_lon = max((east - west) / 2 + 0.15, MIN_VIEW_SPAN[1] / 2)
    return [[mid_lat - half_lat, mid_lon - half_lon], [mid_lat + half_lat, mid_lon + half_lon]]


def distances_table(prepared: Prepared, *, at: dt.date | None = None) -> str:
    """A plain HTML table of every force and hub with its distances: the map's accessible twin.

    Every row's distance to the front line has the same stated accuracy, so it is said once, in the column
    header; the distance to hostile territory names its nearest part in each cell. Each header is a button that
    sorts the rows (``mapper.sortable`` in ``controls.js``; numeric columns by the cells' ``data-v``). On a timed
    map (``render.timed``) the rows, summaries and the line's date of every step are there, each shown on its
    steps only (``data-mapper-steps``; the slider shows one step's).
    """
    from mapper.render.safety import safe_text

    scenario = prepared.scenario
    acc = scenario.front.accuracy_km
    columns = [
        ("Option", "text"),
        ("Site", "text"),
        ("Nation", "text"),
        ("Troops", "num"),
        (f"To front line, km{safe_text(accuracy_note(acc))}", "num"),
        ("Band", "text"),
        ("To hostile territory (nearest part)", "num"),
        ("To NATO border (km)", "num"),
        ("Meets constraints", "text"),
    ]
    head = "<tr>" + "".join(
        f"<th scope='col' data-sort='{kind}'{NUM_CLASS if kind == 'num' else ''}>"
        f"<button type='button' class='mapper-sort'>{label}</button></th>"
        for label, kind in columns
    )
    intro, summary, rows = _table_parts(prepared, at)
    sources = "".join(f"<li>{safe_text(s)}</li>" for s in scenario.sources)
    return (
        "<section class='mapper-distances' aria-labelledby='mapper-distances-h'>"
        "<h2 id='mapper-distances-h'>Forces and distances</h2>"
        f"{intro}"
        f"<ul>{summary}</ul>"
        "<div class='mapper-table-wrap'><table class='mapper-sortable'>"
        f"<caption>Every force and hub of {safe_text(scenario.title)} "
        "<span class='mapper-sort-hint'>(select a column heading to sort)</span></caption>"
        f"<thead>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
        + (f"<h2>Sources</h2><ul>{sources}</ul>" if sources else "")
        + "</section>"
    )


def _table_parts(prepared: Prepared, at: dt.date | None) -> tuple[str, str, str]:
    """The table's introduction, summary items and rows (escaped HTML); of every step on a timed map."""
    from mapper.timeline import of

    if len(prepared.steps) == 1 or not of(prepared.scenario).timed:
        rows = _table_rows(prepared)
        return (
            _table_intro(prepared),
            "".join(_summary_items(prepared)),
            "".join(r for _, r in rows),
        )
    from mapper.render.timed import start_index, steps_attr

    start = start_index(prepared, at)
    intros: dict[str, list[int]] = {}
    items: dict[str, list[int]] = {}
    by_row: dict[tuple[int, str], list[int]] = {}  # (site's first row order, row) → its steps
    order: dict[int, int] = {}
    for i, (_, sp) in enumerate(prepared.steps):
        intros.setdefault(_table_intro(sp), []).append(i)
        for item in _summary_items(sp):
            items.setdefault(item, []).append(i)
        for key, row in _table_rows(sp):
            by_row.setdefault((order.setdefault(key, len(order)), row), []).append(i)

    def tagged(text: str, idx: list[int], tag: str) -> str:
        return text.replace(f"<{tag}", f"<{tag}{steps_attr(idx, start)}", 1)

    intro = "".join(tagged(t, idx, "p") for t, idx in intros.items())
    summary = "".join(tagged(t, idx, "li") for t, idx in items.items())
    body = "".join(
        tagged(r, idx, "tr") for (_, r), idx in sorted(by_row.items(), key=lambda kv: kv[0][0])
    )
    return intro, summary, body


def _table_intro(prepared: Prepared) -> str:
    from mapper.features import threat_words
    from mapper.render.safety import safe_text

    scenario = prepared.scenario
    front = scenario.front
    return (
        f"<p>Geodesic distances (WGS84) to the front line of {safe_text(front.date)} "
        f"({safe_text(front.source)}; {safe_text(front.accuracy)}), and to the nearest hostile territory "
        f"({safe_text(threat_words(scenario))}).</p>"
    )


def _summary_items(prepared: Prepared) -> list[str]:
    return [_summary_item(opt, prepared.scenario) for opt in prepared.analysis.options]


def _table_rows(prepared: Prepared) -> list[tuple[int, str]]:
    """Every force's and hub's row, with the identity of its model object (the same on every step)."""
    from mapper.render.safety import safe_text

    rows = []
    for opt in prepared.analysis.options:
        for s in (*opt.forces, *opt.hubs):
            rows.append(
                (
                    id(s.model),
                    "<tr>"
                    f"<td>{safe_text(opt.name)}</td>"
                    f"<th scope='row'>{safe_text(s.name)}{' (hub)' if s.kind == 'hub' else ''}</th>"
                    f"<td>{safe_text(s.nation or '–')}</td>"
                    f"<td class='num'{_sort_value(s.troops)}>{s.troops:,}</td>"
                    f"<td class='num'{_sort_value(s.distance_to_front_km)}>{s.distance_to_front_km:,.1f}</td>"
                    f"<td>{safe_text(s.band)}</td>"
                    f"<td class='num'{_sort_value(s.distance_to_hostile_territory_km)}>"
                    f"{safe_text(hostile_km(s))}</td>"
                    f"<td class='num'{_sort_value(s.distance_to_nato_border_km)}>"
                    f"{s.distance_to_nato_border_km:,.1f}</td>"
                    f"<td>{safe_text(verdict(s))}</td>"
                    "</tr>",
                )
            )
    return rows


NUM_CLASS = " class='num'"


def _sort_value(value: float | None) -> str:
    """The ``data-v`` attribute a numeric cell sorts by (none for a missing value: it sorts last)."""
    if value is None:
        return ""
    return f" data-v='{float(value):.3f}'"


def _summary_item(opt: Any, scenario: Any) -> str:
    """One option's key numbers under the map: troops, distances (with accuracy and nearest part), coverage
    and whether it meets the constraints (with the forces they do not bind)."""
    from mapper.render.safety import safe_text

    sm, acc = opt.summary, scenario.front.accuracy_km
    text = (
        f"{sm.troops:,} troops in {sm.forces} force(s); nearest "
        f"{format_km(sm.min_distance_to_front_km, acc)}, troop-weighted mean "
        f"{format_km(sm.troop_weighted_mean_distance_to_front_km, acc)} from the front line"
    )
    if sm.forces:
        text += f"; nearest to hostile territory {summary_hostile_km(sm, acc)}"
    if sm.population_covered:
        text += "; " + coverage_words(
            scenario, sm.population_covered, sm.population_covered_by_country
        )
    text += f"; meets constraints: {option_verdict(opt)}"
    return f"<li><strong>{safe_text(opt.name)}</strong>: {safe_text(text)}</li>"


def render_html(
    prepared: Prepared,
    *,
    tiles: str | None = None,
    back_link: str | None = None,
    at: dt.date | None = None,
) -> str:
    """The complete HTML page of a prepared scenario's map.

    ``back_link`` (a relative URL such as ``../index.html``) adds an "All scenarios" link above the map (the gallery
    uses it to link each map page back to its index). ``at`` is the day a timed scenario's map opens on (the step
    in force then; default its ``date``); give it the scenario as loaded, not ``prepare(..., at=)``'s one day,
    whose other steps would lack what is absent on that day.
    """
    from mapper.render.page import finalize_html
    from mapper.render.safety import safe_attr

    m = build_map(prepared, tiles=tiles, at=at)
    return finalize_html(
        m,
        title=f"{prepared.scenario.title} — deployment scenario map",
        body_before=(
            '<nav class="mapper-back" aria-label="Gallery" style="padding:6px 12px;font:14px sans-serif">'
            f'<a href="{safe_attr(back_link)}">← All scenarios</a></nav>'
            if back_link
            else ""
        ),
        body_after=distances_table(prepared, at=at),
    )


def check_tiles(tiles: str | None) -> str | None:
    """The canonical tile provider name (``osm`` → ``OpenStreetMap``), or a usage error before any work."""
    if not tiles:
        return None
    from mapper.render.assets import tile_name

    return tile_name(tiles)


def write_html(
    prepared: Prepared,
    output: str | os.PathLike[str] | None = None,
    *,
    tiles: str | None = None,
    overwrite: bool = False,
    at: dt.date | None = None,
) -> Path:
    """Write a prepared scenario's map page (default ``out/<id>.html``) atomically; return its path.

    Re-rendering replaces a page this tool wrote; any other existing file needs ``overwrite``. Checked before the
    drawing, so a refused run fails fast.
    """
    target = HTML_OUTPUT.claim(output, prepared.id, overwrite=overwrite)
    return target.write(render_html(prepared, tiles=check_tiles(tiles), at=at))


def render_map(
    source: str | os.PathLike[str] | Any,
    output: str | os.PathLike[str] | None = None,
    *,
    options: list[str] | None = None,
    tiles: str | None = None,
    front_line: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
) -> Path:
    """``mapper render``: prepare ``source`` (a file, YAML text, a ``Scenario`` or a ``Prepared``), draw it and
    write the page atomically; return its path."""
    tiles = check_tiles(tiles)  # a usage error before any work
    prepared = prepare(source, front_line=front_line, options=options)
    return write_html(prepared, output, tiles=tiles, overwrite=overwrite)

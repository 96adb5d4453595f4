"""Time in the outputs without a browser (issue #14): the timed map's layers per step, its table, the hypothetical
line on the HTML and static maps, the static map of one day, the prepared bands of every bundled line, and that
an untimed scenario is drawn as before. The slider itself is exercised in tests/test_time_browser.py."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import folium
import pytest
from support.timed import hypothetical_scenario, timed_scenario

from mapper.frontline import bundled_front_lines
from mapper.pipeline import prepare
from mapper.render import build_map, render_html
from mapper.render.layers import GeoJsonData
from mapper.render.page import walk
from mapper.render.timed import HYPOTHETICAL_COLOUR
from mapper.timeline import of

REPO = Path(__file__).resolve().parent.parent
PHASED = REPO / "scenarios" / "phased_deployment.yaml"
DNIPRO = REPO / "scenarios" / "dnipro_line.yaml"


@pytest.fixture(scope="module")
def phased():
    return prepare(PHASED)


@pytest.fixture(scope="module")
def phased_html(phased):
    return render_html(phased)


def _groups(m) -> dict[str, folium.FeatureGroup]:
    return {g.layer_name: g for g in walk(m) if isinstance(g, folium.FeatureGroup)}


def _subs(g) -> list[folium.FeatureGroup]:
    return [c for c in g._children.values() if isinstance(c, folium.FeatureGroup)]


def test_the_example_is_timed_with_every_bundled_line(phased) -> None:
    timeline = of(phased.scenario)
    assert timeline.timed
    dates = {sp.scenario.front.date for _, sp in phased.steps}
    assert dates == {f.date for f in bundled_front_lines()}
    assert len(phased.steps) > len(dates)  # phases add steps that share a line


def test_each_distinct_line_is_drawn_once(phased) -> None:
    """Steps with the same front line share its line, occupied area and bands: one sub-layer per line."""
    m = build_map(phased)
    groups = _groups(m)
    fronts = {id(sp.scenario.front) for _, sp in phased.steps}
    line_subs = _subs(groups["Front line"])
    assert len(line_subs) == len(fronts)
    labels = []
    for sub in line_subs:
        data = [c for c in sub._children.values() if isinstance(c, GeoJsonData)]
        assert [d.count for d in data] == [1]
        labels.append(re.search(r"Front line as of ([0-9-]+)", data[0].data).group(1))
    assert sorted(labels) == sorted({sp.scenario.front.date for _, sp in phased.steps})
    assert len(_subs(groups["Occupied area"])) == len(fronts)
    for name, g in groups.items():
        if name.startswith("Band "):
            assert len(_subs(g)) == len(fronts), name


def test_markers_are_one_per_site_over_all_steps(phased) -> None:
    m = build_map(phased)
    groups = _groups(m)
    for opt in phased.scenario.options:  # the scenario as loaded holds every element of every phase
        forces = groups[f"{opt.name}: forces"]
        markers = [c for c in forces._children.values() if isinstance(c, folium.Marker)]
        assert len(markers) == len(opt.forces)


class _Rows(HTMLParser):
    """The distances table's rows: (steps attribute, [cell texts])."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str | None, list[str]]] = []
        self._in_body = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append((dict(attrs).get("data-mapper-steps"), []))
        elif tag in ("td", "th") and self._in_body and self.rows:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag in ("td", "th") and self._cell is not None:
            self.rows[-1][1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_the_table_of_each_step_is_the_analysis_of_that_day(phased, phased_html) -> None:
    parser = _Rows()
    side = phased_html[phased_html.index("<aside") :]
    parser.feed(side[: side.index("</table>")])
    assert all(steps is not None for steps, _ in parser.rows)
    for i, (step, _) in enumerate(phased.steps):
        shown = [cells for steps, cells in parser.rows if str(i) in steps.split()]
        # computed independently of Prepared.steps: the scenario prepared on that day
        expected = prepare(PHASED, at=step.day)
        want = [
            (s.name + (" (hub)" if s.kind == "hub" else ""), f"{s.distance_to_front_km:,.1f}")
            for o in expected.analysis.options
            for s in (*o.forces, *o.hubs)
        ]
        assert sorted((c[1], c[4]) for c in shown) == sorted(want), step.key


def test_the_page_opens_on_the_scenarios_date(phased, phased_html) -> None:
    config = re.search(r"mapper\.timeSlider\(\w+, (\{.*?\}),\s*\[", phased_html, re.S).group(1)
    import json

    cfg = json.loads(config)
    keys = [s["key"] for s in cfg["steps"]]
    assert keys == [step.key for step, _ in phased.steps]
    assert keys[cfg["start"]] == max(k for k in keys if k <= phased.scenario.date.isoformat())
    assert "<script src" not in phased_html  # inlined, not linked
    assert "M.timeSlider = function" in phased_html


def test_an_untimed_scenario_is_drawn_as_before() -> None:
    """No slider, no per-step markup; and the page is the page of the same scenario without any timeline."""
    p = prepare(DNIPRO)
    assert not of(p.scenario).timed
    html = render_html(p)
    assert "mapper.timeSlider" not in html and "data-mapper-steps" not in html
    bare = prepare(replace(p.scenario, timeline=None))
    assert render_html(bare) == html


def test_a_map_with_five_lines_and_phases_is_under_2_mb(phased_html) -> None:
    assert len(phased_html.encode("utf-8")) < 2_000_000


HOSTILE = '<img src=x onerror="alert(1)"></script><script>alert(2)</script>'


def test_hostile_text_in_a_timed_scenario_stays_escaped() -> None:
    text = PHASED.read_text(encoding="utf-8")
    text = text.replace("Phase 1: hubs and air policing", "Phase 1 " + HOSTILE.replace('"', "'"))
    text = text.replace("name: Rzeszow logistics hub", f"name: {_yaml(HOSTILE)}")
    html = render_html(prepare(text))
    assert "<img src=x" not in html and "<script>alert" not in html
    assert "alert(1)" in html  # the text itself is there, escaped


def _yaml(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# -------------------------------------------------------------------------------------------------------------
# Hypothetical line


def _hypothetical_layers(html_map) -> tuple[list[GeoJsonData], list[GeoJsonData]]:
    groups = _groups(html_map)
    hypo = [
        c
        for sub in _subs(groups["Hypothetical line"])
        for c in sub._children.values()
        if isinstance(c, GeoJsonData)
    ]
    line = [
        c
        for sub in _subs(groups["Front line"])
        for c in sub._children.values()
        if isinstance(c, GeoJsonData)
    ]
    return hypo, line


@pytest.mark.parametrize("how", ["advance_km", "fixture"])
def test_the_hypothetical_line_is_dashed_beside_the_real_one(how) -> None:
    p = prepare(DNIPRO, advance_km=20) if how == "advance_km" else prepare(hypothetical_scenario())
    front = p.scenario.front
    assert front.hypothetical and front.base is not None
    m = build_map(p)
    hypo, line = _hypothetical_layers(m)
    assert len(hypo) == 1 and len(line) == 1
    assert '"dashArray"' in hypo[0].style and HYPOTHETICAL_COLOUR in hypo[0].style
    assert "dashArray" not in line[0].style
    assert "Front line as of " + front.base.date in line[0].data
    assert "+20 km" in hypo[0].data
    html = render_html(p)
    assert "Hypothetical line (+20 km)" in html  # the legend entry
    # the occupied area: the base's solid and the grown part (lighter, outlined) as two layers
    occupied = [
        c
        for sub in _subs(_groups(m)["Occupied area"])
        for c in sub._children.values()
        if isinstance(c, GeoJsonData)
    ]
    assert len(occupied) == 2 and "Hypothetical advance (+20 km" in occupied[1].data


def test_the_static_map_draws_the_hypothetical_line_dashed_with_a_legend_entry() -> None:
    from matplotlib.colors import to_hex

    from mapper.staticmap import draw_figure
    from mapper.staticmap.basemap import HYPOTHETICAL_COLOUR as STATIC_COLOUR  # from mapper.style

    assert STATIC_COLOUR == HYPOTHETICAL_COLOUR  # the same line in both maps
    fig = draw_figure(prepare(DNIPRO, advance_km=20))
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert any(t.startswith("Hypothetical line, +20 km") for t in texts)
    assert any("hypothetical line +20 km" in t for t in texts)  # the subtitle
    from matplotlib.collections import LineCollection

    dashed = [
        c
        for ax in fig.axes
        for c in ax.collections
        if isinstance(c, LineCollection)
        and len(c.get_colors())
        and to_hex(c.get_colors()[0]) == HYPOTHETICAL_COLOUR
        and c.get_linestyles()[0][1] is not None
    ]
    assert dashed, "no dashed line in the hypothetical colour"


# -------------------------------------------------------------------------------------------------------------
# Static map of one day


def _figure_texts(p) -> list[str]:
    from mapper.staticmap import draw_figure

    fig = draw_figure(p)
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


def test_the_static_map_at_a_date_draws_that_day() -> None:
    day = "2023-12-31"
    p = prepare(PHASED, at=day)
    texts = _figure_texts(p)
    subtitle = next(t for t in texts if t.startswith("Situation "))
    assert subtitle.startswith(f"Situation {day} · front line {day}")
    assert "others with --at" in subtitle
    assert any(t.startswith(f"Front line {day}:") for t in texts)  # the credits
    assert (
        "0 options" not in subtitle and ", 0 troops" in subtitle
    )  # before D-day: nothing deployed


def test_a_timed_static_map_without_at_shows_the_scenarios_date_only() -> None:
    """Without ``--at`` the picture is the scenario on its ``date``: only the forces present then."""
    p = prepare(PHASED)
    day = p.scenario.date
    texts = _figure_texts(p)
    subtitle = next(t for t in texts if t.startswith("Situation "))
    n = len(of(p.scenario).days())
    k = sum(1 for d in of(p.scenario).days() if d <= day)
    assert f"date {k} of {n}" in subtitle
    present = prepare(PHASED, at=day)
    troops = sum(o.summary.troops for o in present.analysis.options)
    everyone = sum(o.summary.troops for o in p.analysis.options)
    assert troops < everyone
    assert f"{troops:,} troops" in subtitle


def test_an_untimed_static_map_has_no_time_words() -> None:
    texts = _figure_texts(prepare(DNIPRO))
    subtitle = next(t for t in texts if t.startswith("Situation "))
    assert "--at" not in subtitle and "hypothetical" not in subtitle


# -------------------------------------------------------------------------------------------------------------
# Prepared bands


def test_bands_of_every_bundled_line_are_prepared() -> None:
    """The bands of each bundled dated line with the examples' threat and bands come from geodata/prepared
    (``make prepared``), not from buffers at render time."""
    from mapper import features, prepared
    from mapper.loader import load_scenario

    if not prepared.enabled():
        pytest.skip("prepared products are off (MAPPER_NO_PREPARED)")
    base = load_scenario(DNIPRO)
    for front in bundled_front_lines():
        entry = features.band_entry(replace(base, front=front))
        assert prepared.lookup("bands", entry, features._decode_bands) is not None, front.date


def test_an_element_that_leaves_is_gone_from_the_later_rows() -> None:
    """A scenario's own dated lines (not bundled) and a hub with an end date: its table rows are on the steps
    of its window only."""
    p = prepare(timed_scenario())
    hub = p.scenario.options[0].hubs[0]
    html = render_html(p)
    parser = _Rows()
    side = html[html.index("<aside") :]
    parser.feed(side[: side.index("</table>")])
    on = {
        int(i)
        for steps, cells in parser.rows
        if cells[1] == f"{hub.name} (hub)"
        for i in steps.split()
    }
    want = {i for i, (step, _) in enumerate(p.steps) if hub.window.contains(step.day)}
    assert on == want and 0 < len(want) < len(p.steps)
    assert html.count("Front line as of test line") == 0  # labelled by date, not by name
    assert html.count(f"Front line as of {p.steps[0][1].scenario.front.date} ") == 1


# -------------------------------------------------------------------------------------------------------------
# Comparison


def test_the_comparison_charts_each_timed_option_over_time() -> None:
    import statistics

    from mapper.comparison import to_html
    from mapper.comparison.model import load_comparison

    c = load_comparison([PHASED, DNIPRO])
    html = to_html(c)
    section = html[html.index("<h2 id='cmp-time-h'>") :]
    section = section[: section.index("</section>")]
    timed = [e for e in c.entries if of(e.scenario).timed]
    assert timed and len(timed) < len(c.entries)  # the untimed scenario's option has no chart
    assert section.count("<svg") == len(timed) == section.count("cmp-time-table")
    for e in timed:
        assert f"{e.option.name} ({e.key})" in section or e.option.name in section
    # the table's figures: the forces of each day, from a separate prepare(at=day)
    first = timed[0]
    table = section[: section.index("</table>")]
    for step, _ in prepare(PHASED).steps:
        day = prepare(PHASED, at=step.day)
        km = [
            s.distance_to_hostile_territory_km
            for o in day.analysis.options
            if o.option.id == first.option.id
            for s in o.forces
        ]
        cells = (
            f"<td class='num'>{len(km)}</td><td class='num'>{min(km):,.1f}</td>"
            f"<td class='num'>{statistics.median(km):,.1f}</td>"
            if km
            else "<td class='num'>0</td><td class='num'>–</td><td class='num'>–</td>"
        )
        assert cells in table, step.key


def test_an_untimed_comparison_has_no_chart_over_time() -> None:
    from mapper.comparison import to_html
    from mapper.comparison.model import load_comparison

    html = to_html(load_comparison([DNIPRO, REPO / "scenarios" / "key_cities.yaml"]))
    assert "Distance over time" not in html and "cmp-time" not in html


def test_a_map_can_open_on_another_day(phased) -> None:
    """``render_html(prepared, at=day)``: the whole timeline, opening on the step in force on ``day``."""
    import datetime as dt
    import json

    day = dt.date(2026, 3, 20)
    html = render_html(phased, at=day)
    cfg = json.loads(re.search(r"mapper\.timeSlider\(\w+, (\{.*?\}),\s*\[", html, re.S).group(1))
    keys = [s["key"] for s in cfg["steps"]]
    assert keys[cfg["start"]] == max(k for k in keys if k <= day.isoformat())
    assert (
        cfg["start"]
        != json.loads(
            re.search(r"mapper\.timeSlider\(\w+, (\{.*?\}),\s*\[", render_html(phased), re.S).group(
                1
            )
        )["start"]
    )

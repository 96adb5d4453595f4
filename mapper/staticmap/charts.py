"""The comparison's charts: matplotlib bar charts as deterministic, inline SVG for the comparison page.

They draw the comparison's records (``Comparison.records()``: plain dicts, the JSON ``options``), so this module
knows nothing of the comparison or the HTML page: ``chart_troops_by_band(records, bands)`` and
``chart_distances(records)`` each return one ``<svg role="img" aria-label=...>`` element. Scenario text reaches
the SVG as matplotlib writes it (XML-escaped) and is also neutralised for Jinja and JS template literals, so the
page can put it in verbatim.
"""

from __future__ import annotations

import html
import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from mapper.textsafe import png

__all__ = [
    "CHART_BAND_COLOURS",
    "chart_distances",
    "chart_over_time",
    "chart_protection",
    "chart_troops_by_band",
]

Record = Mapping[str, Any]

# nearest band first: red (in reach of the most weapons) to blue
CHART_BAND_COLOURS = ("#d7191c", "#fdae61", "#fee08b", "#abdda4", "#2b83ba", "#5e3c99", "#888888")
_SVG_TEXT = re.compile(r"(<text\b[^>]*>)(.*?)(</text>)", re.DOTALL)
_SVG_NEUTRAL = str.maketrans(
    {"{": "&#123;", "}": "&#125;", "`": "&#96;", "$": "&#36;", "\\": "&#92;"}
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _mpl_text(text: Any, width: int = 38) -> str:
    """Scenario text for a matplotlib label: no mathtext (``$``), no control characters, shortened."""
    # the same plain text as the comparison's terminal table (control characters become spaces)
    s = _CONTROL.sub(
        " ", unicodedata.normalize("NFC", png(str(text)))
    )  # png: no bidi overrides either
    s = s if len(s) <= width else s[: width - 1] + "…"
    return s.replace("$", r"\$")


def _neutral_text(m: re.Match[str]) -> str:
    # only the text between tags: the tags' own attributes are matplotlib's, not scenario text
    body = re.sub(
        r"(?<=>)([^<]+)|^([^<]+)", lambda t: t.group(0).translate(_SVG_NEUTRAL), m.group(2)
    )
    return m.group(1) + body + m.group(3)


def _svg(fig: Any, salt: str, label: str) -> str:
    """A deterministic inline ``<svg>``: fixed id salt, no date, no XML prolog or comments; text that came from
    scenarios (already XML-escaped by matplotlib) is also neutralised for Jinja and JS template literals.
    ``label`` is plain text (the chart's aria-label)."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    svg = _SVG_TEXT.sub(_neutral_text, svg)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(label)}" ', 1)
    return re.sub(r"\n\s*\n", "\n", svg).strip()


def _labels(records: Sequence[Record]) -> list[str]:
    return [f"{_mpl_text(r['name'], 30)}\n({_mpl_text(r['key'], 30)})" for r in records]


def _new_figure(n: int) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.2, 0.62 * n + 1.9), dpi=72)
    fig.set_layout_engine("constrained")
    return fig


def chart_troops_by_band(records: Sequence[Record], bands: Sequence[str]) -> str:
    """Stacked horizontal bars: each option's troops, split by distance band (``bands``, nearest first)."""
    fig = _new_figure(len(records))
    ax = fig.add_subplot()
    y = list(range(len(records)))[::-1]
    left = [0] * len(records)
    for i, b in enumerate(bands):
        vals = [r["troops_by_band"].get(b) or 0 for r in records]
        ax.barh(
            y,
            vals,
            left=left,
            height=0.6,
            color=CHART_BAND_COLOURS[min(i, len(CHART_BAND_COLOURS) - 1)],
            edgecolor="white",
            linewidth=0.8,
            label=_mpl_text(b, 30),
        )
        left = [a + v for a, v in zip(left, vals, strict=True)]
    for yy, total in zip(y, left, strict=True):
        ax.text(total, yy, f" {total:,}", va="center", fontsize=11)
    ax.set_yticks(y, _labels(records), fontsize=11)
    ax.set_xlabel("Troops", fontsize=11)
    ax.set_title("Troops by distance from the front line", loc="left", fontsize=13)
    ax.xaxis.set_major_formatter(_thousands())
    ax.set_xlim(0, max([*left, 1]) * 1.15)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12 - 0.4 / max(len(records), 1)),
        ncol=min(len(bands), 3),
        fontsize=10,
        frameon=False,
        title=_mpl_text(_band_title(records), 90),
        title_fontsize=10,
    )
    return _svg(
        fig,
        "mapper-compare-bands",
        "Bar chart: troops of each option by distance band from the front line",
    )


def _band_title(records: Sequence[Record]) -> str:
    """What the bands measure (``features.band_basis`` of each scenario): one basis, or "as each scenario sets"."""
    bases = {r.get("band_basis") or "Distance from the front line" for r in records}
    basis = bases.pop() if len(bases) == 1 else "Distance from each scenario's threat"
    return f"Distance band, km ({basis[0].lower() + basis[1:]})"


def chart_distances(records: Sequence[Record]) -> str:
    """Grouped horizontal bars: nearest force and troop-weighted mean distance to the front line, with each
    scenario's minimum-distance constraint as a black tick."""
    fig = _new_figure(len(records))
    ax = fig.add_subplot()
    n = len(records)
    y = [float(v) for v in range(n)][::-1]
    h = 0.36
    nearest = [r["min_distance_to_front_km"] or 0.0 for r in records]
    mean = [r["troop_weighted_mean_distance_to_front_km"] or 0.0 for r in records]
    ax.barh([v + h / 2 for v in y], nearest, height=h, color="#b2182b", label="Nearest force")
    ax.barh([v - h / 2 for v in y], mean, height=h, color="#2166ac", label="Troop-weighted mean")
    for yy, a, b in zip(y, nearest, mean, strict=True):
        ax.text(a, yy + h / 2, f" {a:,.1f}", va="center", fontsize=10)
        ax.text(b, yy - h / 2, f" {b:,.1f}", va="center", fontsize=10)
    _constraint_ticks(ax, y, records)
    ax.set_yticks(y, _labels(records), fontsize=11)
    accs = {r.get("distance_accuracy_km") for r in records}
    acc = accs.pop() if len(accs) == 1 else None
    # one stated accuracy for every option: said on the axis; several (different lines): said per scenario
    note = (
        f", ± {acc:g}" if acc else (", ± the accuracy of each front line" if len(accs) > 1 else "")
    )
    ax.set_xlabel(f"Distance to the front line, km (geodesic{note})", fontsize=11)
    ax.set_title("Distance from the front line", loc="left", fontsize=13)
    ax.set_xlim(0, max([*nearest, *mean, 1.0]) * 1.18)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12 - 0.4 / max(n, 1)),
        ncol=2,
        fontsize=10,
        frameon=False,
    )
    return _svg(
        fig,
        "mapper-compare-distances",
        "Bar chart: nearest and troop-weighted mean distance of each option to the front line",
    )


def _constraint_ticks(ax: Any, y: Sequence[float], records: Sequence[Record]) -> None:
    """Each scenario's minimum distance from the front as a black tick on its option's bars (one legend entry)."""
    marked = False
    for yy, r in zip(y, records, strict=True):
        limit = r["constraint_min_distance_from_front_km"]
        if limit is not None:
            ax.plot(
                [limit, limit],
                [yy - 0.45, yy + 0.45],
                color="black",
                linewidth=2,
                label=None if marked else "Constraint: minimum distance",
            )
            marked = True


def _thousands() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: f"{v:,.0f}")


def chart_over_time(
    title: str, days: Sequence[Any], nearest: Sequence[float | None], median: Sequence[float | None]
) -> str:
    """One option's distance to hostile territory on each step of its timeline (``Prepared.steps``): the
    nearest force and the median force, as two step lines (a value holds until the next step); a step with no
    force is a gap. ``title`` is scenario text (the option's name); ``days`` are dates."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.2, 3.1), dpi=72)
    fig.set_layout_engine("constrained")
    ax = fig.add_subplot()
    for values, colour, label in (
        (nearest, "#b2182b", "Nearest force"),
        (median, "#2166ac", "Median force"),
    ):
        ys = [float("nan") if v is None else float(v) for v in values]
        ax.step(list(days), ys, where="post", color=colour, lw=2, label=label)
        ax.plot(list(days), ys, "o", color=colour, ms=4)
    ax.set_title(_mpl_text(title, 60), loc="left", fontsize=12)
    ax.set_ylabel("km to hostile territory\n(geodesic)", fontsize=10)
    ax.set_ylim(bottom=0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="x", labelsize=9, rotation=30)
    ax.legend(loc="upper left", fontsize=9, frameon=False)
    return _svg(
        fig,
        "mapper-compare-over-time",
        f"Line chart: distance of {title} to hostile territory on each date of its timeline",
    )


def chart_protection(records: Sequence[Record]) -> str:
    """What each option protects (``mapper.protection``, the records' ``key_sites_under_air_defence``,
    ``key_sites_in_rings``, ``population_under_air_defence``): key sites under air defence and inside any ring
    as grouped bars, and the people under air defence beside them (another unit, its own axis)."""
    from matplotlib.figure import Figure

    n = len(records)
    fig = Figure(figsize=(9.6, 0.62 * n + 1.9), dpi=72)
    fig.set_layout_engine("constrained")
    sites, people = fig.subplots(1, 2, sharey=True, width_ratios=(3, 2))
    y = [float(v) for v in range(n)][::-1]
    h = 0.36
    ad = [int(r["key_sites_under_air_defence"] or 0) for r in records]
    ring = [int(r["key_sites_in_rings"] or 0) for r in records]
    pop = [int(r["population_under_air_defence"] or 0) for r in records]
    sites.barh([v + h / 2 for v in y], ad, height=h, color="#6a1b9a", label="Under air defence")
    sites.barh([v - h / 2 for v in y], ring, height=h, color="#80cbc4", label="Inside any ring")
    for yy, a, b in zip(y, ad, ring, strict=True):
        sites.text(a, yy + h / 2, f" {a}", va="center", fontsize=10)
        sites.text(b, yy - h / 2, f" {b}", va="center", fontsize=10)
    sites.set_yticks(y, _labels(records), fontsize=11)
    sites.set_xlabel("Bundled key sites (of 42)", fontsize=11)
    sites.set_xlim(0, max([*ad, *ring, 1]) * 1.2)
    sites.set_title("What each option protects", loc="left", fontsize=13)
    sites.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12 - 0.4 / max(n, 1)),
        ncol=2,
        fontsize=10,
        frameon=False,
    )
    people.barh(y, pop, height=0.5, color="#6a1b9a")
    for yy, v in zip(y, pop, strict=True):
        people.text(v, yy, f" {v:,}", va="center", fontsize=10)
    people.set_xlabel("People under air defence", fontsize=11)
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    people.xaxis.set_major_locator(MaxNLocator(3))
    people.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v / 1e6:g} M" if v else "0"))
    people.set_xlim(0, max([*pop, 1]) * 1.6)
    people.tick_params(axis="x", labelsize=9)
    for ax in (sites, people):
        ax.spines[["top", "right"]].set_visible(False)
    return _svg(
        fig,
        "mapper-compare-protection",
        "Bar chart: key sites under air defence and inside any ring, and people under air defence, per option",
    )

"""The Python API: what an analyst in Python or Jupyter uses instead of files and commands.

A composition over the pipeline and the outputs (like the gallery): ``load`` → ``Scenario``; ``analyze`` →
``Analysis`` (``.forces`` a GeoDataFrame, one row per force and hub; ``.options`` a DataFrame, one row per option;
``to_dict()`` the JSON contract of ``mapper analyze -f json``); ``render`` → ``Map`` (``save``, ``to_png`` and an
inline offline display in notebooks); ``compare`` → a DataFrame of every option (or of every force with
``per="force"``). Every function accepts a file path, YAML text, a loaded ``Scenario`` or an ``Analysis``, and runs
the pipeline once per scenario: a ``Map`` made from an ``Analysis`` reuses its numbers and geometry.
"""

from __future__ import annotations

import datetime as dt
import html as _html
import logging
import os
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from mapper import pipeline
from mapper.pipeline import Prepared, load, prepare

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    import pandas as pd

    from mapper.analysis import OptionAnalysis, ScenarioAnalysis
    from mapper.brief import Brief
    from mapper.overtime import OverTime
    from mapper.protection import Protection
    from mapper.scenario import Scenario
    from mapper.suggestion import Suggestion

log = logging.getLogger("mapper")

__all__ = [
    "Analysis",
    "Map",
    "analyze",
    "compare",
    "load",
    "over_time",
    "render",
    "render_files",
    "suggest",
]

#: What the API accepts: what the pipeline takes (path, YAML text, Scenario, Prepared), or an ``Analysis``.
Source = Union[pipeline.Source, "Analysis"]


def _site_columns() -> list[str]:
    """Columns of ``Analysis.forces``: the option, then ``SiteMetrics.flat_dict()``'s keys (taken from a blank
    ``SiteMetrics``, so an empty frame always has the columns a full one has)."""
    from dataclasses import MISSING, fields

    from mapper.analysis import SiteMetrics

    required: dict[str, Any] = {
        f.name: 0
        for f in fields(SiteMetrics)
        if f.default is MISSING and f.default_factory is MISSING
    }
    blank = SiteMetrics(**required)
    return ["scenario", "option", "option_name", *blank.flat_dict()]


def _prepared(
    source: Source,
    front_line: Any = None,
    options: Sequence[str] | None = None,
    at: Any = None,
    advance_km: float | None = None,
) -> Prepared:
    if isinstance(source, Analysis):
        source = source.prepared
    return prepare(source, front_line=front_line, options=options, at=at, advance_km=advance_km)


class Analysis:
    """The geodesic analysis of one scenario, with pandas views of it.

    ``forces``: a ``geopandas.GeoDataFrame``, one row per force and hub, point geometry in EPSG:4326, with every
    distance, band and constraint column of ``mapper analyze -f json`` (same rounding). ``options``: a
    ``pandas.DataFrame``, one row per option with every metric of ``mapper compare``. ``sites``: a
    ``GeoDataFrame`` of the bundled key sites (the columns of ``mapper analyze --key-sites``); ``protection``: a
    ``DataFrame``, one row per option, of what its rings protect (``mapper.protection``). ``to_dict()`` is the
    JSON contract (``schema/analysis.schema.json``); ``results`` the typed results (``ScenarioAnalysis``).
    """

    def __init__(self, prepared: Prepared) -> None:
        self.prepared = prepared

    @property
    def scenario(self) -> Scenario:
        return self.prepared.scenario

    @property
    def results(self) -> ScenarioAnalysis:
        return self.prepared.analysis

    def option(self, option_id: str) -> OptionAnalysis:
        """The typed results of one option (``KeyError`` if it was not analysed)."""
        return self.results.option(option_id)

    def to_dict(self) -> dict[str, Any]:
        """Exactly the JSON of ``mapper analyze -f json`` (with ``key_sites`` and each option's ``protection``)."""
        from mapper.protection import with_protection

        return with_protection(self.results.to_dict(), self.protected)

    @cached_property
    def protected(self) -> Protection:
        """The typed key sites and protection (``mapper.protection.Protection``)."""
        from mapper.protection import protection

        return protection(self.scenario, self.results)

    @cached_property
    def sites(self) -> gpd.GeoDataFrame:
        """The bundled key sites, one row each (``mapper analyze --key-sites``'s columns), point geometry in
        EPSG:4326: distances to the front line and hostile territory as for a force there, band, in the
        occupied area, and ``covered_by`` (``"option:force;..."``, every ring of the analysed options holding it)."""
        import geopandas as gpd

        from mapper.protection import KEY_SITE_COLUMNS

        ks = self.protected.key_sites
        return gpd.GeoDataFrame(
            [k.row() for k in ks],
            columns=list(KEY_SITE_COLUMNS),
            geometry=gpd.points_from_xy([k.site.lon for k in ks], [k.site.lat for k in ks]),
            crs="EPSG:4326",
        )

    @cached_property
    def protection(self) -> pd.DataFrame:
        """One row per option (index: its id): key sites under air defence and inside any ring (counts, and their
        ids ``"; "``-joined), people under air defence and inside any ring, with one column per coverage country
        (``population_under_air_defence.UA`` ...)."""
        import pandas as pd

        rows = []
        for res, p in zip(self.results.options, self.protected.options, strict=True):
            d = p.to_dict()
            rows.append(
                {
                    "option": res.id,
                    "name": res.name,
                    "key_sites_under_air_defence": d["key_sites_under_air_defence"],
                    "key_sites_in_rings": d["key_sites_in_rings"],
                    "air_defence_sites": "; ".join(c.site.id for c in p.under_air_defence),
                    "ring_sites": "; ".join(c.site.id for c in p.sites),
                    "population_under_air_defence": d["population_under_air_defence"],
                    "population_in_rings": d["population_in_rings"],
                    **{
                        f"{k}.{cc}": n
                        for k in ("population_under_air_defence", "population_in_rings")
                        for cc, n in d[f"{k}_by_country"].items()
                    },
                }
            )
        columns = ["option", "name", "key_sites_under_air_defence", "key_sites_in_rings"]
        return pd.DataFrame(rows, columns=None if rows else columns).set_index("option")

    @cached_property
    def forces(self) -> gpd.GeoDataFrame:

        rows, lon, lat = [], [], []
        for res in self.results.options:
            for site in (*res.forces, *res.hubs):
                rows.append(
                    {
                        "scenario": self.scenario.id,
                        "option": res.id,
                        "option_name": res.name,
                        **site.flat_dict(),
                    }
                )
                lon.append(site.lon)
                lat.append(site.lat)
        front = self.scenario.front
        meta = {
            "source": front.source,
            "date": front.date,
            "accuracy": front.accuracy,
            "name": front.name,
        }
        return _site_frame(rows, lon, lat, meta)

    @cached_property
    def options(self) -> pd.DataFrame:
        from mapper.comparison import compare as compare_options

        return compare_options([self.prepared])

    def _repr_html_(self) -> str:
        s = self.scenario
        front = s.front
        cols = [
            "option",
            "name",
            "nation",
            "troops",
            "distance_to_front_km",
            "distance_accuracy_km",
            "band",
            "distance_to_hostile_territory_km",
            "nearest_hostile",
            "distance_to_nato_border_km",
            "meets_constraints",
        ]
        table = self.forces[cols].to_html(index=False, escape=True, na_rep="–", border=0)
        return (
            f"<div class='mapper-analysis'><strong>{_html.escape(s.title)}</strong> "
            f"({_html.escape(s.id)}, situation {s.date.isoformat()})<br>"
            f"<small>Geodesic distances (WGS84, km) to the front line of {_html.escape(front.date)} "
            f"({_html.escape(front.source)}; {_html.escape(front.accuracy)})</small>{table}</div>"
        )

    def __repr__(self) -> str:
        opts = ", ".join(o.id for o in self.results.options)
        return f"<Analysis of {self.scenario.id!r}: options {opts}; front line {self.scenario.front.date}>"


def _site_frame(
    rows: list[dict[str, Any]], lon: list[float], lat: list[float], front_line: dict[str, Any]
) -> gpd.GeoDataFrame:
    import geopandas as gpd

    if not rows:  # the same columns as an analysis with sites, without rows
        frame = gpd.GeoDataFrame(
            columns=[*_site_columns(), "geometry"], geometry="geometry", crs="EPSG:4326"
        )
    else:
        frame = gpd.GeoDataFrame(rows, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    frame.attrs["front_line"] = front_line
    return frame


class Map:
    """The offline map of a scenario: ``save()`` writes the HTML page, ``to_png()`` a static image; in Jupyter
    (JupyterLab, VS Code) the map displays inline, self-contained, with no network."""

    def __init__(
        self, prepared: Prepared, *, tiles: str | None = None, at: dt.date | None = None
    ) -> None:
        from mapper.render import check_tiles

        self.prepared = prepared
        self.tiles = check_tiles(tiles)
        #: the day the map opens on (its time slider keeps every other step); the static map draws that day
        self.at = at

    @cached_property
    def moment(self) -> Prepared:
        """What a single picture shows: the scenario on ``at`` (``Scenario.at``), or as prepared."""
        return self.prepared if self.at is None else prepare(self.prepared, at=self.at)

    @cached_property
    def html(self) -> str:
        """The complete page (as ``mapper render`` writes it)."""
        from mapper.render import render_html
        from mapper.timeline import of

        if self.at is not None and not of(self.prepared.scenario).timed:
            return render_html(self.moment, tiles=self.tiles)  # no slider: the page of that day
        return render_html(self.prepared, tiles=self.tiles, at=self.at)

    def save(self, path: str | os.PathLike[str] | None = None, *, overwrite: bool = False) -> Path:
        """Write the page atomically (default ``out/<id>.html``); a page mapper wrote is replaced, any other
        existing file needs ``overwrite=True``. Returns the path."""
        from mapper.render import HTML_OUTPUT

        return HTML_OUTPUT.claim(path, self.prepared.id, overwrite=overwrite).write(self.html)

    def to_image(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        size: tuple[int, int] = (1600, 1000),
        dpi: int = 150,
        overwrite: bool = False,
    ) -> Path:
        """Draw the static map in the format of ``path``'s suffix: ``.png``, ``.pdf`` or ``.svg`` (vector, text
        kept as text); default ``out/<id>.png``; any other suffix is a ``UsageError``. Same rules as ``save``."""
        from mapper.staticmap import write_image

        return write_image(self.moment, path, overwrite=overwrite, size=size, dpi=dpi)

    def to_png(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        size: tuple[int, int] = (1600, 1000),
        dpi: int = 150,
        overwrite: bool = False,
    ) -> Path:
        """``to_image`` by its older name (default ``out/<id>.png``; a ``.pdf`` or ``.svg`` path gets that
        format, never PNG bytes under another name)."""
        return self.to_image(path, size=size, dpi=dpi, overwrite=overwrite)

    def _repr_html_(self) -> str:
        # The page in an iframe's srcdoc (escaped as an attribute): its scripts run in their own sandboxed
        # document, so they neither need the notebook to be trusted nor can reach the notebook's page.
        return (
            '<iframe class="mapper-map" title="'
            + _html.escape(f"{self.prepared.scenario.title} — map", quote=True)
            + '" sandbox="allow-scripts" allowfullscreen '
            'style="width:100%;height:640px;border:1px solid #ccc" srcdoc="'
            + _html.escape(self.html, quote=True)
            + '"></iframe>'
        )

    def __repr__(self) -> str:
        return f"<Map of {self.prepared.scenario.id!r}>"


def analyze(
    source: Source,
    *,
    front_line: str | os.PathLike[str] | None = None,
    options: Sequence[str] | None = None,
    at: dt.date | str | None = None,
    advance_km: float | None = None,
) -> Analysis:
    """Analyse a scenario (path, YAML text or ``Scenario``); ``front_line`` replaces its front line (a file),
    ``options`` keeps only these option ids, ``at`` takes the scenario on that day (a date, ``"2024-12-31"``,
    ``"D+30"``) and ``advance_km`` measures against a hypothetical line that many km beyond the real one
    (``mapper.advance``; the real line is ``analysis.scenario.front.base``)."""
    return Analysis(_prepared(source, front_line, options, at, advance_km))


def over_time(
    source: Source,
    *,
    front_line: str | os.PathLike[str] | None = None,
    options: Sequence[str] | None = None,
    advance_km: float | None = None,
) -> OverTime:
    """Every force of a scenario on every step of its timeline (dated front lines, phases): an ``OverTime`` with
    ``.frame`` (a DataFrame, one row per force and step), ``to_dict()``, ``to_csv()`` and ``to_table()`` (what
    ``mapper analyze --over-time`` prints); with ``advance_km`` every step's line is advanced that far."""
    from mapper.overtime import over_time as forces_over_time

    return forces_over_time(_prepared(source, front_line, options, None, advance_km))


def render(
    source: Source,
    *,
    front_line: str | os.PathLike[str] | None = None,
    options: Sequence[str] | None = None,
    tiles: str | None = None,
    at: dt.date | str | None = None,
    advance_km: float | None = None,
) -> Map:
    """The offline ``Map`` of a scenario (path, YAML text, ``Scenario`` or ``Analysis``); ``at`` and
    ``advance_km`` as in ``analyze`` (the map opens on ``at``; its time slider keeps every other step)."""
    return _map(source, front_line, options, at, advance_km, tiles)


def _map(
    source: Source,
    front_line: Any,
    options: Sequence[str] | None,
    at: dt.date | str | None,
    advance_km: float | None,
    tiles: str | None,
) -> Map:
    from mapper.errors import UsageError
    from mapper.timeline import of, parse_day

    full = _prepared(source, front_line, options, None, advance_km)
    day = None
    if at is not None:
        try:
            day = parse_day(at, of(full.scenario).start)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        of(full.scenario).front_at(
            day
        )  # a day before every front line is refused before any drawing
    return Map(full, tiles=tiles, at=day)


def render_files(
    source: Source,
    output: str | os.PathLike[str] | None = None,
    *,
    image: str | os.PathLike[str] | None = None,
    size: tuple[int, int] = (1600, 1000),
    dpi: int = 150,
    options: Sequence[str] | None = None,
    tiles: str | None = None,
    front_line: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
    at: dt.date | str | None = None,
    advance_km: float | None = None,
) -> list[Path]:
    """``mapper render``: the HTML map and, with ``image``, the static map (PNG, PDF or SVG by its suffix),
    from one preparation of ``source``.

    Both targets (and the image's suffix) are checked before any work; returns the written paths."""
    from mapper.render import HTML_OUTPUT, check_tiles

    tiles = check_tiles(tiles)
    if image is not None:
        # the static-map package only when an image is asked
        from mapper.staticmap import check_image_target

        check_image_target(image, overwrite)
    if output is not None:
        HTML_OUTPUT.claim(output, "", overwrite=overwrite)
    m = _map(source, front_line, options, at, advance_km, tiles)
    written = [m.save(output, overwrite=overwrite)]
    if image is not None:
        written.append(m.to_image(image, size=size, dpi=dpi, overwrite=overwrite))
    return written


def compare(
    sources: Iterable[Source] | Source,
    *,
    front_line: str | os.PathLike[str] | None = None,
    keep_going: bool = False,
    per: str = "option",
) -> pd.DataFrame:
    """Every option of every scenario (paths, folders, YAML texts, ``Scenario``s or ``Analysis`` objects) side by
    side: one row per option (``per="option"``, the metrics of ``mapper compare``) or a ``GeoDataFrame`` with one
    row per force and hub (``per="force"``, the columns of ``Analysis.forces``)."""
    from mapper.comparison import compare as compare_options

    if per not in ("option", "force"):
        raise ValueError(f"per must be 'option' or 'force', got {per!r}")
    if isinstance(sources, str | os.PathLike | Analysis | Prepared) or not isinstance(
        sources, Iterable
    ):
        sources = [sources]
    items = [s.prepared if isinstance(s, Analysis) else s for s in sources]
    if per == "option":
        return compare_options(items, front_line=front_line, keep_going=keep_going)
    import pandas as pd

    from mapper.comparison import load_comparison

    c = load_comparison(items, front_line=front_line, keep_going=keep_going)
    for warning in c.warnings:
        log.warning(warning)
    return pd.concat([Analysis(p).forces for p in c.prepared], ignore_index=True)


def suggest(
    brief: str | os.PathLike[str] | Brief,
    *,
    method: str = "milp",
    time_limit: float | None = None,
    alternatives: int = 0,
) -> Suggestion:
    """Solve a placement brief (a path or a loaded ``Brief``): the ``Suggestion`` has ``.placements`` (one row
    per unit: site, position, distances, marginal covered weight) and ``.coverage`` (one row per demand point,
    with ``covered``) as DataFrames, ``.objective``, ``.gap``, ``.status``, ``.to_yaml()`` and ``.save(path)``.
    ``method``: "milp" (exact, each solve bounded by ``time_limit`` seconds) or "greedy"; ``alternatives``: the
    next-best placements with different sites (``mapper suggest --alternatives``)."""
    from mapper.suggestion import suggest as solve

    return solve(brief, method=method, time_limit=time_limit, alternatives=alternatives)

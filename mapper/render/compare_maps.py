"""The comparison's maps (folium): every option on one map, two options on synchronised maps side by side.

``render_maps(comparison, pair)`` draws the maps into one branca ``Figure`` and renders them the way a map page is
rendered (``page.render_figure``: offline, deterministic ids). The comparison page (``mapper.comparison.page``)
lays out the maps' divs itself and puts in the parts returned here: the header and scripts, the shared data and the
script that keeps the two side-by-side maps in step.

The heavy, identical vector data (basemap, place labels, the situation of a shared front line) is written once, as
``var mapperShared = [...]``, and every map's layers refer to it (``share_data``), so three maps cost little more
than one. Every shape comes from ``mapper.features`` through ``layers``; nothing here computes geometry.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # pragma: no cover
    import folium

    from mapper.analysis import OptionAnalysis
    from mapper.features import OptionFeatures
    from mapper.frontline import FrontLine
    from mapper.pipeline import Prepared
    from mapper.scenario import Option, Scenario

__all__ = ["RenderedMaps", "combined_map", "own_layers", "pair_map", "render_maps", "share_data"]


# What the maps need of a comparison (``mapper.comparison.model``; an output does not import another output)
class Entry(Protocol):
    """One compared option: its key, prepared scenario, analysis and derived geometry."""

    @property
    def key(self) -> str: ...
    @property
    def prepared(self) -> Prepared: ...
    @property
    def result(self) -> OptionAnalysis: ...
    @property
    def scenario(self) -> Scenario: ...
    @property
    def option(self) -> Option: ...
    @property
    def features(self) -> OptionFeatures: ...


class Comparison(Protocol):
    """The compared options (``entries``) and the distinct front lines with the scenarios measured from each."""

    @property
    def entries(self) -> Sequence[Entry]: ...
    def fronts(self) -> Sequence[tuple[FrontLine, Sequence[Prepared]]]: ...


@dataclass(frozen=True)
class RenderedMaps:
    """The rendered maps of a comparison page: ``names`` are the maps' div ids (combined map first, then the
    pair's), ``header``/``script`` go into the page's head and end, ``shared`` defines ``mapperShared`` and
    ``sync`` ties the pair's views together (it also sets ``window.mapperCompare``)."""

    names: list[str]
    header: str
    script: str
    shared: str
    sync: str


def render_maps(c: Comparison, pair: Sequence[Entry] = ()) -> RenderedMaps:
    """Draw and render the combined map of ``c`` and, for a ``pair`` of entries, their two maps."""
    from branca.element import Figure

    from mapper.render.page import render_figure

    fig = Figure()
    maps = [combined_map(c)]
    maps += [pair_map(e, pair) for e in pair]
    for m in maps:
        fig.add_child(m)
    shared = share_data(maps)
    header, body, script = render_figure(fig, maps)
    names = [m.get_name() for m in maps]
    for name in names:
        if f'id="{name}"' not in body:  # the page lays out the maps' divs itself
            raise RuntimeError(f"map {name} not in the rendered figure")
    sync = _SYNC_JS % {
        "combined": names[0],
        "left": names[1] if pair else "null",
        "right": names[2] if pair else "null",
    }
    return RenderedMaps(names, header, script, shared, sync)


def _bounds(entries: Sequence[Entry], fronts: Sequence[FrontLine]) -> list[list[float]]:
    """``[[south, west], [north, east]]`` of every site and front line of ``entries``, with half a degree more."""
    lats = [s.lat for e in entries for s in (*e.result.forces, *e.result.hubs)]
    lons = [s.lon for e in entries for s in (*e.result.forces, *e.result.hubs)]
    for f in fronts:
        x0, y0, x1, y1 = f.line.bounds
        lats += [y0, y1]
        lons += [x0, x1]
    return [[min(lats) - 0.5, min(lons) - 0.5], [max(lats) + 0.5, max(lons) + 0.5]]


def _fit(m: folium.Map, entries: Sequence[Entry], fronts: Sequence[FrontLine]) -> None:
    """Fit the map to every site and front line of ``entries``, without animation."""
    from folium.map import FitBounds

    fit = FitBounds(_bounds(entries, fronts))
    fit.options["animate"] = False  # no zoom animation at load: the synchronised maps start still
    m.add_child(fit)


def _front_text(fronts: Sequence[FrontLine]) -> str:
    return " ".join(f"Front line {f.date}: {f.source}. Accuracy: {f.accuracy}." for f in fronts)


def combined_map(c: Comparison) -> folium.Map:
    """Every option of every scenario as its own group of toggleable layers over one basemap and situation."""
    from mapper.render import CREDITS, controls, layers, new_map
    from mapper.render.safety import safe_text

    m = new_map()
    groups: list[tuple[str, list[Any]]] = [("Basemap", layers.basemap_layers(m))]
    fronts = c.fronts()
    for i, (front, users) in enumerate(fronts):
        # the situation and its bands, headed by what the bands measure (the first user's threat)
        for heading, items in layers.situation_groups(m, users[0]):
            if i:  # other front lines start hidden: one situation at a time is readable
                for item in items:
                    item[1].show = False
            name = (
                heading
                if len(fronts) == 1
                else f"{heading}: front line {front.date} ({', '.join(p.id for p in users)})"
            )
            groups.append((name, items))
    for (
        e
    ) in c.entries:  # co-located sites of every option are grouped on the page (layers.Declutter)
        items = layers.option_layers(m, e.features, e.scenario)
        for item in items:  # declutter: with every option drawn, links and rings start hidden
            if item[0] in ("Hubs and links", "Coverage rings"):
                item[1].show = False
        groups.append((f"Option {e.key}: {e.option.name}", items))
    if len(fronts) == 1:  # one front line: one set of distances per key site (several: no layer)
        groups.append(_key_sites(m, c))
    groups += own_layers(m, [e.scenario for e in c.entries])
    controls.GroupedLayerControl(groups, title="Layers and legend").add_to(m)
    controls.ScaleControl().add_to(m)
    controls.MeasureControl().add_to(m)
    controls.FullscreenControl().add_to(m)
    controls.FooterControl(
        safe_text(_front_text([f for f, _ in fronts])), safe_text(CREDITS)
    ).add_to(m)
    controls.Dock().add_to(m)
    # fitted once the panels are docked, into the map they leave, with every symbol and label inside it
    controls.FitView(_bounds(c.entries, [f for f, _ in fronts])).add_to(m)
    return m


def _key_sites(m: folium.Map, c: Comparison) -> tuple[str, list[Any]]:
    """The "Key sites" layer (hidden at first) of a comparison with one front line: the distances of the first
    scenario (the same line for all), each site covered by the compared options' rings, named by their keys."""
    from mapper.protection import Cover, KeySiteMetrics, Protection, option_protection, protection
    from mapper.render import keysitelayer

    base = protection(c.entries[0].scenario, c.entries[0].prepared.analysis)
    covered: dict[str, list[Cover]] = {k.site.id: [] for k in base.key_sites}
    for e in c.entries:
        for sc in option_protection(e.result, e.scenario).sites:
            covered[sc.site.id] += [Cover(e.key, f, True) for f in sc.air_defence]
            covered[sc.site.id] += [Cover(e.key, f, False) for f in sc.other]
    p = Protection(
        tuple(KeySiteMetrics(k.site, k.metrics, tuple(covered[k.site.id])) for k in base.key_sites),
        (),
    )
    names = {e.key: f"{e.key}: {e.option.name}" for e in c.entries}
    item = keysitelayer.key_sites_layer(m, c.entries[0].prepared, p, names)
    return (keysitelayer.KEY_SITES, [item])


def own_layers(m: folium.Map, scenarios: Sequence[Scenario]) -> list[tuple[str, list[Any]]]:
    """The overlays and annotations of each scenario (once, however many of its options are compared), drawn on
    ``m`` over the options; their legend groups, "Your layers" (with the scenario's id when several have some)."""
    from mapper.render.overlays import OWN_LAYERS, add_annotations, add_overlays

    seen: dict[tuple[str, str], Scenario] = {}
    for s in scenarios:
        if s.overlays or s.annotations:
            seen.setdefault((s.id, s.path), s)
    groups: list[tuple[str, list[Any]]] = []
    drawn = 0
    for s in seen.values():
        items = add_overlays(m, s.overlays, start=drawn)
        drawn += len(s.overlays)
        notes = add_annotations(m, s.annotations)
        name = OWN_LAYERS if len(seen) == 1 else f"{OWN_LAYERS}: {s.id}"
        groups.append((name, items + ([notes] if notes else [])))
    return groups


def pair_map(e: Entry, both: Sequence[Entry]) -> folium.Map:
    """One option of the pair over its scenario's situation, framed like the other (``both``)."""
    from mapper.render import controls, layers, new_map
    from mapper.render.safety import safe_text

    m = new_map()
    layers.basemap_layers(m, front_line=e.scenario.front.line)
    layers.situation_layers(m, e.prepared)
    layers.option_layers(m, e.features, e.scenario)
    own_layers(m, [e.scenario])
    _fit(m, both, [x.scenario.front for x in both])
    controls.PanelControl(
        f"<strong>{safe_text(e.key)}</strong>: {safe_text(e.option.name)}<br>"
        f"<span>{safe_text(e.scenario.title)}</span>",
        position="topright",
        class_name="cmp-pair-label",
        label="Option shown on this map",
    ).add_to(m)
    controls.ScaleControl().add_to(m)
    from mapper.features import band_basis

    controls.FooterControl(
        safe_text(f"Front line {e.scenario.front.date} · bands: {band_basis(e.scenario)}")
    ).add_to(m)
    return m


def share_data(maps: Sequence[folium.Map]) -> str:
    """Write each vector dataset used by more than one map once: ``var mapperShared = [...]``.

    ``GeoJsonData`` and ``PlaceLabels`` print their ``data`` (JSON already made safe for a ``<script>`` by
    ``layers``/``safety``) straight into ``L.geoJSON(...)``/``(...).forEach``; a dataset that occurs more than
    once is replaced in each element by a reference ``mapperShared[i]`` to the one copy. Leaflet does not modify
    the GeoJSON it is given, so the maps can share it. Returns the ``<script>`` that defines the array.
    """
    from mapper.render.layers import GeoJsonData, PlaceLabels
    from mapper.render.page import walk

    elements = [x for m in maps for x in walk(m) if isinstance(x, GeoJsonData | PlaceLabels)]
    counts = Counter(x.data for x in elements)
    index: dict[str, int] = {}
    for x in elements:
        if counts[x.data] > 1:
            i = index.setdefault(x.data, len(index))
            x.data = f"mapperShared[{i}]"
    if not index:
        return ""
    body = ",\n".join(index)  # dict order = index order
    if (
        "</script" in body.lower()
    ):  # layers escape it; a slip here would end the page's script early
        raise RuntimeError("shared map data contains '</script'")
    return f"<script>\nvar mapperShared = [\n{body}\n];\n</script>"


_SYNC_JS = """
(function () {
  "use strict";
  var combined = %(combined)s, a = %(left)s, b = %(right)s, busy = false;
  /* Move one map to the other's view; the guard stops the second map's own move event from echoing back. */
  function follow(src, dst) {
    return function () {
      if (busy) { return; }
      busy = true;
      try { dst.setView(src.getCenter(), src.getZoom(), {animate: false}); } finally { busy = false; }
    };
  }
  if (a && b) {
    a.on("move", follow(a, b));
    b.on("move", follow(b, a));
  }
  window.mapperCompare = {combined: combined, left: a, right: b};
})();
"""

"""The map of a timed scenario (issue #14): every step's layers drawn once, and a time slider that swaps them.

``Prepared.steps`` holds the scenario prepared on every step of its timeline. Each legend entry (the front line,
the occupied area, each band, each option's areas, lines, rings, hub links) is one group on the map, as on an
untimed map, holding one sub-layer per *distinct* content: steps with the same front line share one front line,
one occupied area and one set of bands (keyed by the ``FrontLine``), and an option's shapes are keyed by their
GeoJSON text, so identical steps share a layer. Forces and hubs are one marker each (keyed by their model
object); their popups and tooltips on each step are strings of a shared table, all built here from
``safety.safe_text`` parts by the same functions as an untimed map's (``layers.force_popup``,
``layers.site_tooltip``). ``TimeSlider`` hands all this to ``templates/timeslider.js``, which shows the sub-layers
and markers of one step, swaps the popups, and shows the page's elements marked ``data-mapper-steps`` (table rows,
summaries, the title's date, the footer's front line) for that step only. The step is kept in the URL hash
(``#t=2024-12-31``).

The hypothetical line of a scenario whose front line was advanced (``FrontLine.hypothetical``, ``mapper.advance``)
is drawn here too, timed or not: the real line it grew from (``FrontLine.base``) as the front line, the
hypothetical one dashed in ``HYPOTHETICAL_COLOUR``, the base's occupied area solid and the grown part lighter.
An untimed scenario with a real front line never comes here: its map is exactly what ``layers`` draws.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from typing import Any

import folium
from branca.element import Element

from mapper.features import OptionFeatures
from mapper.frontline import FrontLine
from mapper.pipeline import Prepared
from mapper.render import layers
from mapper.render.assets import LazyTemplate, RawHTML, VerbatimMacroElement, template_text
from mapper.render.layers import (
    OVERLAY_TOLERANCE,
    GeoJsonData,
    Layer,
    feature,
    group,
)
from mapper.render.safety import safe_color, safe_json, safe_text
from mapper.style import (
    FRONT_COLOUR,
    HYPOTHETICAL_COLOUR,
    OCCUPIED_COLOUR,
    band_colour,
)
from mapper.timeline import Step

__all__ = [
    "HYPOTHETICAL_COLOUR",
    "TimeMap",
    "TimeSlider",
    "needs_time_map",
    "start_index",
    "steps_attr",
]

#: the hypothetical line's colour: not the front line's red, and not an option colour's usual hues
#: the hypothetical line's dashes (px)
HYPOTHETICAL_DASH = "10 7"

_STYLE_OCCUPIED = {
    "color": OCCUPIED_COLOUR,
    "weight": 0,
    "fillColor": OCCUPIED_COLOUR,
    "fillOpacity": 0.22,
}
# the ground a hypothetical advance would take: the occupied area's colour, lighter and outlined in dashes
_STYLE_GROWN = {
    "color": HYPOTHETICAL_COLOUR,
    "weight": 1,
    "dashArray": "3 4",
    "fillColor": OCCUPIED_COLOUR,
    "fillOpacity": 0.09,
}


def needs_time_map(prepared: Prepared) -> bool:
    """Whether ``prepared`` is drawn here: a timed scenario, or one with a hypothetical front line."""
    from mapper.timeline import of

    return of(prepared.scenario).timed or prepared.scenario.front.hypothetical


def start_index(prepared: Prepared, at: dt.date | None = None) -> int:
    """The step the map opens on without a hash: the latest step on or before ``at`` (default: the scenario's
    ``date``); the first step for a day before every step."""
    day = at or prepared.scenario.date
    best = 0
    for i, (step, _) in enumerate(prepared.steps):
        if step.day <= day:
            best = i
    return best


def steps_attr(indices: list[int], start: int) -> str:
    """The attribute of a page element shown on the steps ``indices`` only (``hidden`` unless on ``start``)."""
    return f" data-mapper-steps='{' '.join(map(str, indices))}'" + (
        "" if start in indices else " hidden"
    )


def _front_key(front: FrontLine) -> Hashable:
    return id(front)


class TimeMap:
    """The layers of every step of ``prepared`` on ``m``, and what the slider needs to show one step."""

    def __init__(self, m: folium.Map, prepared: Prepared, at: dt.date | None = None) -> None:
        self.m = m
        self.prepared = prepared
        self.steps: tuple[tuple[Step, Prepared], ...] = prepared.steps
        self.start = start_index(prepared, at)
        #: (parent group, sub-layer or marker, indices of the steps it is shown on)
        self.items: list[tuple[Any, Any, list[int]]] = []
        #: (parent group, marker, per step: [popup, tooltip] indices into ``strings``, or 0 when absent)
        self.markers: list[tuple[Any, Any, list[Any]]] = []
        #: legend labels that change with the step: (group, label on the start step, label on each step)
        self.labels: list[tuple[str, str, list[str]]] = []
        self.strings: list[str] = []
        self._string_index: dict[str, int] = {}

    def _string(self, text: str) -> int:
        if text not in self._string_index:
            self._string_index[text] = len(self.strings)
            self.strings.append(text)
        return self._string_index[text]

    def _label(self, group_name: str, per_step: list[str]) -> str:
        """A legend label that follows the step: the start step's, and the others for the slider."""
        if len(set(per_step)) > 1:
            self.labels.append((group_name, per_step[self.start], per_step))
        return per_step[self.start]

    def swap(self, parent: Any, keyed: list[tuple[Hashable, Callable[[Any], None]] | None]) -> bool:
        """One sub-layer of ``parent`` per distinct key in ``keyed`` (one ``(key, draw)`` per step, ``None`` for
        nothing on that step); ``draw(sub)`` fills a new sub-layer, once per key. Whether anything was drawn."""
        subs: dict[Hashable, tuple[Any, list[int]]] = {}
        for i, entry in enumerate(keyed):
            if entry is None:
                continue
            key, draw = entry
            if key not in subs:
                sub = folium.FeatureGroup(control=False)
                draw(sub)
                sub.add_to(parent)
                subs[key] = (sub, [])
            subs[key][1].append(i)
        self.items += [(parent, sub, idx) for sub, idx in subs.values()]
        return bool(subs)

    # ---------------------------------------------------------------------------------------------------------
    # Situation

    def situation_groups(self) -> list[tuple[str, list[Layer]]]:
        """The legend groups "Situation" and the bands (as ``layers.situation_groups``), each layer swapped by
        step; a hypothetical line has its own legend entry."""
        from mapper.features import band_basis

        scenario = self.prepared.scenario
        hostile, hostile_entry = layers.hostile_ground_group(scenario)
        fronts = [sp.scenario.front for _, sp in self.steps]
        occupied = group("Occupied area")
        self.swap(occupied, [(_front_key(f), _occupied_drawer(f)) for f in fronts])
        basis = band_basis(scenario)
        band_items: list[Layer] = []
        for b in self.prepared.features.bands:
            colour = band_colour(b.index)
            band = group(f"Band {b.title}")
            keyed = [
                (_front_key(sp.scenario.front), _band_drawer(sp, b.index, basis))
                for _, sp in self.steps
            ]
            self.swap(band, keyed)  # type: ignore[arg-type]  # a list of pairs is a list of optional pairs
            band_items.append((b.title, band, colour, "fill"))
        line = group("Front line")
        self.swap(line, [(_front_key(f), _line_drawer(f.base or f)) for f in fronts])
        hypo = group("Hypothetical line")
        has_hypo = self.swap(
            hypo,
            [(_front_key(f), _hypothetical_drawer(f)) if f.hypothetical else None for f in fronts],
        )
        for g in (hostile, occupied, *(b[1] for b in band_items), line, hypo):
            g.add_to(self.m)
        situation: list[Layer] = [
            (
                self._label("Situation", [_front_legend(f) for f in fronts]),
                line,
                FRONT_COLOUR,
                "line",
            ),
        ]
        if has_hypo:
            situation.append((_hypothetical_legend(fronts), hypo, HYPOTHETICAL_COLOUR, "dashed"))
        situation.append(("Occupied area", occupied, OCCUPIED_COLOUR, "fill"))
        if hostile_entry is not None:
            situation.append(hostile_entry)
        return [("Situation", situation), (basis, band_items)]

    # ---------------------------------------------------------------------------------------------------------
    # Options

    def option_groups(self) -> list[tuple[str, list[Layer]]]:
        """One legend group per option, as an untimed map's, each layer and marker swapped by step."""
        out = []
        for k, of in enumerate(self.prepared.features.options):
            per_step = [sp.features.options[k] for _, sp in self.steps]
            colour = safe_color(of.option.colour)
            items: list[Layer | None] = [
                self._shapes_slot(
                    of,
                    per_step,
                    "areas and zones",
                    "Areas and zones",
                    "dashed",
                    colour,
                    layers._shapes_layer,
                ),
                self._shapes_slot(
                    of, per_step, "lines", "Lines and routes", "line", colour, layers._lines_layer
                ),
                self._rings_slot(of, per_step, colour),
                self._sites_slot(of, per_step, "hubs", colour),
                self._sites_slot(of, per_step, "forces", colour),
            ]
            out.append(
                (f"Option {of.option.id}: {of.option.name}", [i for i in items if i is not None])
            )
        return out

    def _shapes_slot(
        self,
        of: OptionFeatures,
        per_step: list[OptionFeatures],
        what: str,
        label: str,
        shape: str,
        colour: str,
        layer_of: Callable[..., Layer | None],
    ) -> Layer | None:
        """An option's areas and zones, or lines, as ``layer_of`` draws them on each step, shared by content."""
        slot = group(f"{of.option.name}: {what}")
        keyed = [_content(layer_of(_scratch(), sof, colour)) for sof in per_step]
        if not self.swap(slot, keyed):
            return None
        slot.add_to(self.m)
        return (label, slot, colour, shape)

    def _rings_slot(
        self, of: OptionFeatures, per_step: list[OptionFeatures], colour: str
    ) -> Layer | None:
        slot = group(f"{of.option.name}: coverage rings")
        keyed = [
            _content(layers._rings_layer(_scratch(), sof, sp.scenario, colour))
            for sof, (_, sp) in zip(per_step, self.steps, strict=True)
        ]
        if not self.swap(slot, keyed):
            return None
        slot.add_to(self.m)
        return ("Coverage rings", slot, colour, "dashed")

    def _sites_slot(
        self, of: OptionFeatures, per_step: list[OptionFeatures], kind: str, colour: str
    ) -> Layer | None:
        """The option's forces (or hubs, with each force's link to its nearest hub on that step): one marker per
        site, whose popup and tooltip the slider sets for the step."""
        slot = group(f"{of.option.name}: {'hubs and links' if kind == 'hubs' else 'forces'}")
        if kind == "hubs":
            keyed = [_links_content(sof, colour) for sof in per_step]
            self.swap(slot, keyed)
        sites: dict[int, tuple[Any, list[Any]]] = {}
        n = len(self.steps)
        for i, (sof, (_, sp)) in enumerate(zip(per_step, self.steps, strict=True)):
            for s in sof.hubs if kind == "hubs" else sof.forces:
                key = id(s.model)
                if key not in sites:
                    marker = layers._marker(s, sof.option, sp.scenario, colour)
                    marker.add_to(slot)
                    sites[key] = (marker, [0] * n)
                popup = layers.force_popup(s, sof.option, sp.scenario)
                tip = layers.site_tooltip(s, sof.option)
                sites[key][1][i] = [self._string(popup), self._string(tip)]
        if not sites:
            return None
        self.markers += [(slot, marker, per) for marker, per in sites.values()]
        slot.add_to(self.m)
        if kind == "hubs":
            return ("Hubs and links", slot, colour, "point")
        troops = [sof.result.summary.troops for sof in per_step]
        label = self._label(
            f"Option {of.option.id}: {of.option.name}", [f"Forces ({t:,} troops)" for t in troops]
        )
        return (label, slot, colour, "point")

    # ---------------------------------------------------------------------------------------------------------

    def slider(self) -> TimeSlider:
        """The slider control for these layers (add it to the map after ``controls.Dock``)."""
        return TimeSlider(self)


def _scratch() -> Any:
    """A parent for a layer drawn only to be moved under a sub-layer (``_content``)."""
    return Element()


def _content(layer: Layer | None) -> tuple[Hashable, Callable[[Any], None]] | None:
    """A layer drawn on a scratch parent as ``(key, draw)``: its GeoJSON and styles, and moving it under a
    sub-layer of the slot (drawn once per distinct key)."""
    if layer is None:
        return None
    g = layer[1]
    key = tuple((c.data, c.style) for c in g._children.values() if isinstance(c, GeoJsonData))

    def draw(sub: Any) -> None:
        for name, child in list(g._children.items()):
            sub.add_child(child, name=name)

    return key, draw


def _links_content(
    of: OptionFeatures, colour: str
) -> tuple[Hashable, Callable[[Any], None]] | None:
    if not of.links:
        return None
    scratch = Element()
    layers._named_shapes(
        scratch,
        [(k.geometry, f"{k.force.name} → {k.hub.name}: {k.km:,.0f} km") for k in of.links],
        {"color": colour, "weight": 1, "dashArray": "2 5", "opacity": 0.8},
    )
    child = next(iter(scratch._children.values()))
    assert isinstance(child, GeoJsonData)
    return (child.data, child.style), lambda sub: sub.add_child(child)


def _occupied_drawer(front: FrontLine) -> Callable[[Any], None]:
    """The occupied area; of a hypothetical line, its base's solid and the grown part lighter."""

    def draw(sub: Any) -> None:
        base = front.base if front.hypothetical and front.base is not None else front
        if base.occupied is not None and not base.occupied.is_empty:
            GeoJsonData(
                feature(
                    base.occupied, OVERLAY_TOLERANCE, name=safe_text(f"Occupied area ({base.date})")
                ),
                _STYLE_OCCUPIED,
                tooltip="name",
            ).add_to(sub)
        if base is not front and front.occupied is not None and not front.occupied.is_empty:
            grown = front.occupied
            if base.occupied is not None:
                grown = grown.difference(base.occupied)
            GeoJsonData(
                feature(
                    grown,
                    OVERLAY_TOLERANCE,
                    name=safe_text(
                        f"Hypothetical advance (+{front.advance_km:g} km from {base.date})"
                    ),
                ),
                _STYLE_GROWN,
                tooltip="name",
            ).add_to(sub)

    return draw


#: the bands of a timed map are simplified by this much (degrees, ~400 m): far below the lines' stated accuracy
#: (+/- 10 km and more), and it keeps a map with five dated lines and their bands under 2 MB (issue #14)
BAND_TOLERANCE = 0.004


def _simplified(geom: Any, tolerance: float = OVERLAY_TOLERANCE) -> Any:
    """A band or occupied area simplified for display, without keeping topology: ten times faster than
    ``layers.features``' topology-preserving simplification on the bands of five lines (a cold render's budget),
    and at this scale a difference no screen shows."""
    import shapely

    return shapely.simplify(geom, tolerance, preserve_topology=False)


def _band_drawer(sp: Prepared, index: int, basis: str) -> Callable[[Any], None]:
    def draw(sub: Any) -> None:
        b = sp.features.bands[index]
        colour = band_colour(b.index)
        GeoJsonData(
            feature(
                _simplified(b.geometry, BAND_TOLERANCE), 0.0, name=safe_text(f"{b.title} — {basis}")
            ),
            {"color": colour, "weight": 0.5, "fillColor": colour, "fillOpacity": 0.35},
            tooltip="name",
        ).add_to(sub)

    return draw


def _line_drawer(front: FrontLine) -> Callable[[Any], None]:
    def draw(sub: Any) -> None:
        label = safe_text(f"Front line as of {front.date} — {front.source} ({front.accuracy})")
        GeoJsonData(
            feature(front.line, 0.0, name=label),
            {"color": FRONT_COLOUR, "weight": 3.5, "opacity": 0.95},
            tooltip="name",
        ).add_to(sub)

    return draw


def _hypothetical_drawer(front: FrontLine) -> Callable[[Any], None]:
    def draw(sub: Any) -> None:
        label = safe_text(front.label + " — not a reported line")
        GeoJsonData(
            feature(front.line, 0.0, name=label),
            {
                "color": HYPOTHETICAL_COLOUR,
                "weight": 3,
                "opacity": 0.95,
                "dashArray": HYPOTHETICAL_DASH,
            },
            tooltip="name",
        ).add_to(sub)

    return draw


def _front_legend(front: FrontLine) -> str:
    """The front line's legend label, as an untimed map's: ``Front line (2025-03-27)``."""
    return f"Front line ({(front.base or front).date})"


def _hypothetical_legend(fronts: list[FrontLine]) -> str:
    kms = sorted({f.advance_km for f in fronts if f.hypothetical})
    return "Hypothetical line (" + ", ".join(f"+{k:g} km" for k in kms) + ")"


class TimeSlider(VerbatimMacroElement):
    """The time slider (``mapper.timeSlider`` in ``templates/timeslider.js``): a bar above the map with a range
    input, previous/next buttons and the step's label (date, D+N, phases), keyboard-operable; it shows the
    step's sub-layers and markers (``TimeMap``) and the page elements marked ``data-mapper-steps`` for it, sets
    the markers' popups and keeps the step in the URL hash (``#t=<day>``). Labels are plain text (set with
    ``textContent``); popups are HTML built from ``safe_text`` parts; both travel through ``safe_json``."""

    _template = LazyTemplate(
        """
        {% macro script(this, kwargs) %}
        mapper.whenReady(function () {
            mapper.timeSlider({{ this._parent.get_name() }}, {{ this.config }},
                [{{ this.items_js() }}], [{{ this.markers_js() }}], {{ this.strings }},
                {{ this.labels }});
        });
        {% endmacro %}
        """
    )

    def __init__(self, tm: TimeMap) -> None:
        super().__init__()
        self._name = "MapperTimeSlider"
        self.tm = tm
        steps = [
            {
                "key": step.key,
                "label": step.label,
                "empty": not any(o.forces or o.hubs for o in sp.options),
            }
            for step, sp in tm.steps
        ]
        self.config = safe_json({"steps": steps, "start": tm.start})
        self.strings = safe_json(tm.strings)
        self.labels = safe_json([list(x) for x in tm.labels])

    def items_js(self) -> str:
        return ",".join(
            f"[{p.get_name()},{c.get_name()},{safe_json(idx)}]" for p, c, idx in self.tm.items
        )

    def markers_js(self) -> str:
        return ",".join(
            f"[{p.get_name()},{c.get_name()},{safe_json(per)}]" for p, c, per in self.tm.markers
        )

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # as layers.Declutter.render
        self.get_root().header.add_child(  # type: ignore[attr-defined]  # a map's root is its Figure
            RawHTML(
                f"<style>{template_text('timeslider.css')}</style>\n"
                f"<script>{template_text('timeslider.js')}</script>",
                name="MapperTimeAssets",
            ),
            name="mapper_time_assets",
        )
        super().render(**kwargs)


def situation_words(step: Step, front: FrontLine) -> str:
    """The title panel's date line on one step."""
    base = front.base or front
    text = f"Situation {step.day.isoformat()} · front line {base.date}"
    if front.hypothetical:
        text += f" (hypothetical +{front.advance_km:g} km)"
    return text

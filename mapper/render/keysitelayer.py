"""The "Key sites" layer of the HTML map: every bundled key site (``mapper.keysites``) as a small lettered marker,
hidden until the reader turns it on in the legend, with what ``mapper.protection`` says of it.

Each site's popup gives its name, type, country, position, source and the position's stated accuracy (per type, as
``geodata/SOURCES.md`` states it), its distances to the front line and to hostile territory with its band (the
figures of ``mapper analyze --key-sites``: the same ``protection.protection``), and which options' forces hold it
inside a ring (air defence or other). Markers are drawn under every force and hub (``UNDER_FORCES``), are not
unit icons (``layers.Declutter`` leaves them alone) and carry the class
``mapper-key-site`` (and ``mapper-key-site-<type>``), so a page or test can count them. Every text is escaped with
``safety.safe_text`` and bound by ``layers.SitePopup`` (JSON, never compiled as a template).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import folium

from mapper.keysites import KeySite
from mapper.render.assets import LazyTemplate, VerbatimMacroElement
from mapper.render.layers import SiteIcon, SiteMarker, SitePopup, group
from mapper.render.safety import safe_json, safe_text
from mapper.textlayout import front_km, hostile_km

if TYPE_CHECKING:  # pragma: no cover
    from mapper.pipeline import Prepared
    from mapper.protection import KeySiteMetrics, Protection

__all__ = ["KEY_SITES", "TYPE_SYMBOLS", "key_sites_layer", "site_markers", "site_popup"]

#: the legend group and the layer's label stem
KEY_SITES = "Key sites"
#: per type (``keysites.TYPES``): the marker's letter, its colour, and the type in words
TYPE_SYMBOLS: dict[str, tuple[str, str, str]] = {
    "nuclear_power_plant": ("N", "#8e24aa", "nuclear power plant"),
    "seaport": ("P", "#0277bd", "seaport"),
    "airbase": ("B", "#455a64", "airbase"),
    "airport": ("A", "#6d4c41", "airport"),
    "dam": ("D", "#00897b", "dam"),
    "crossing": ("X", "#e65100", "Dnipro crossing"),
}
#: the position accuracy geodata/SOURCES.md states per type (a site's note says when it is worse)
TYPE_ACCURACY = {
    "nuclear_power_plant": "± 1 km (the reactor buildings)",
    "seaport": "± 2 km (the port basin; Pivdennyi and Constanța ± 3 km)",
    "airbase": "± 1 km for NATO bases, ± 2 km for Ukrainian ones (the runway centre)",
    "airport": "± 1 km (the ICAO aerodrome reference point)",
    "dam": "± 1 km (the dam axis; Kaniv, Kremenchuk, Middle Dnipro ± 2 km)",
    "crossing": "± 2 km (the bridge)",
}
_SIZE = 16
#: in the marker pane under every force and hub (Leaflet orders markers by latitude plus this offset). Not the
#: overlay points' pane: creating that pane on a map without overlays changed which element the pointer finds over
#: a unit stack in tests/test_declutter_browser.py (an open question, in /tmp/notes/s4/h9_sites_layer.md)
UNDER_FORCES = -10000


def _icon(site: KeySite) -> SiteIcon:
    """A small lettered disc in the type's colour (letter and colour are ours, never scenario text)."""
    letter, colour, _ = TYPE_SYMBOLS.get(site.type, ("?", "#555555", site.type))
    h = _SIZE / 2
    svg = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{_SIZE}' height='{_SIZE}' aria-hidden='true'>"
        f"<circle cx='{h:g}' cy='{h:g}' r='{h - 1:g}' fill='{colour}' stroke='#ffffff' stroke-width='1.5'/>"
        f"<text x='{h:g}' y='{h + 3.5:g}' text-anchor='middle' font-size='10' font-weight='700' "
        f"font-family='sans-serif' fill='#ffffff'>{letter}</text></svg>"
    )
    return SiteIcon(
        html=svg,
        icon_size=(_SIZE, _SIZE),
        icon_anchor=(_SIZE // 2, _SIZE // 2),
        class_name=f"mapper-key-site mapper-key-site-{site.type}",
    )


HEAD_LABELS = ("Type", "Country", "Position", "Position accuracy", "Source", "Note")
MEASURED_LABELS = ("Distance to front line", "To hostile territory", "Band", "Covered by")


def _head_values(site: KeySite) -> list[str]:
    """The rows no date changes (``HEAD_LABELS``, escaped HTML; an empty note: no row)."""
    kind = TYPE_SYMBOLS.get(site.type, ("", "", site.type.replace("_", " ")))[2]
    return [
        safe_text(kind),
        safe_text(site.country),
        f"{site.lat:.4f} N, {site.lon:.4f} E",
        safe_text(TYPE_ACCURACY.get(site.type, "see geodata/SOURCES.md")),
        safe_text(site.source),
        safe_text(site.note),
    ]


def _measured_values(k: KeySiteMetrics, option_names: Mapping[str, str]) -> list[str]:
    """The rows that follow the front line (``MEASURED_LABELS``): distances, band, the rings holding it."""
    m = k.metrics
    return [
        safe_text(front_km(m)),
        safe_text(hostile_km(m)),
        safe_text(m.band) + (" (in the occupied area)" if m.in_occupied else ""),
        _covered_html(k, option_names),
    ]


def _rows(labels: Sequence[str], values: Sequence[str]) -> str:
    # the same markup as StepPopups' rows() in JS
    return "".join(
        f"<tr><th scope='row'>{a}</th><td>{b}</td></tr>"
        for a, b in zip(labels, values, strict=True)
        if b
    )


_OPEN = "<div class='mapper-popup mapper-key-site-popup'><h3>"


def site_popup(k: KeySiteMetrics, option_names: Mapping[str, str]) -> str:
    """A key site's popup (escaped HTML): what it is, where, how exact, how far from the threat, who covers it.
    ``option_names`` maps an option's id to its name (the covering forces are listed per option)."""
    return (
        f"{_OPEN}{safe_text(k.site.name)}</h3><table>"
        + _rows(HEAD_LABELS, _head_values(k.site))
        + _rows(MEASURED_LABELS, _measured_values(k, option_names))
        + "</table></div>"
    )


def _covered_html(k: KeySiteMetrics, option_names: Mapping[str, str]) -> str:
    """Each option whose forces hold the site in a ring, with those forces (air defence marked), one per line."""
    if not k.covered_by:
        return "no option's ring"
    per: dict[str, list[str]] = {}
    for c in k.covered_by:
        per.setdefault(c.option, []).append(
            safe_text(c.force) + (" (air defence)" if c.air_defence else "")
        )
    return "<br>".join(
        f"<span class='mapper-key-site-cover'>{safe_text(option_names.get(o, o))}: "
        f"{', '.join(forces)}</span>"
        for o, forces in per.items()
    )


def option_names(prepared: Prepared) -> dict[str, str]:
    return {o.id: o.name for o in prepared.scenario.options}


def site_markers(
    parent: Any, protection: Protection, names: Mapping[str, str] | None
) -> list[folium.Marker]:
    """One marker per key site on ``parent``, drawn under every force and hub (``zIndexOffset``), with its popup
    and tooltip unless ``names`` is ``None`` (a timed map binds them per step: ``StepPopups``)."""
    out: list[folium.Marker] = []
    for k in protection.key_sites:
        marker = SiteMarker(
            [k.site.lat, k.site.lon], icon=_icon(k.site), keyboard=True, zIndexOffset=UNDER_FORCES
        )
        if names is not None:
            SitePopup(site_popup(k, names), safe_text(k.site.name), _TIP_OFFSET).add_to(marker)
        marker.add_to(parent)
        out.append(marker)
    return out


_TIP_OFFSET = (0, -_SIZE // 2)


class StepPopups(VerbatimMacroElement):
    """The key sites' popups on a timed map: each marker's popup is its fixed rows (``_head_values``, once) and
    the measured rows of the step shown (``window.mapper.time.index``; the map's start step before the slider
    runs), assembled when it opens, so the page carries each distinct set of rows once rather than a whole
    popup per step; the markup is ``site_popup``'s. All values are ``safe_text`` HTML travelling as JSON."""

    _template = LazyTemplate(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var sites = {{ this.sites }}, rows = {{ this.rows }}, per = {{ this.per }};
            var labels = {{ this.labels }}, start = {{ this.start }}, offset = {{ this.offset }};
            function table(names, values) {
                var out = "";
                values.forEach(function (v, i) {
                    if (v) { out += "<tr><th scope='row'>" + names[i] + "</th><td>" + v + "</td></tr>"; }
                });
                return out;
            }
            [{{ this.markers_js() }}].forEach(function (mk, j) {
                var site = sites[j];
                mk.bindPopup(function () {
                    var t = window.mapper && window.mapper.time;
                    var i = t && t.index >= 0 ? t.index : start;
                    return labels[2] + site[0] + "</h3><table>" + table(labels[0], site[1]) +
                        table(labels[1], rows[per[j][i]]) + "</table></div>";
                }, {maxWidth: 380});
                mk.bindTooltip(site[0], {direction: "top", offset: offset, className: "mapper-site-tip"});
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self,
        markers: list[folium.Marker],
        sites: list[KeySite],
        steps: list[tuple[KeySiteMetrics, ...]],
        names: list[Mapping[str, str]],
        start: int,
    ) -> None:
        super().__init__()
        self._name = "KeySiteSteps"
        self.markers = markers
        index: dict[tuple[str, ...], int] = {}
        per = [
            [
                index.setdefault(tuple(_measured_values(k, n)), len(index))
                for k, n in zip(ks, names, strict=True)
            ]
            for ks in zip(*steps, strict=True)
        ]
        self.sites = safe_json([[safe_text(s.name), _head_values(s)] for s in sites])
        self.rows = safe_json([list(r) for r in index])
        self.per = safe_json(per)
        self.labels = safe_json([HEAD_LABELS, MEASURED_LABELS, _OPEN])
        self.start = int(start)
        self.offset = safe_json(list(_TIP_OFFSET))

    def markers_js(self) -> str:
        return ",".join(m.get_name() for m in self.markers)


def legend_item(g: folium.FeatureGroup, protection: Protection) -> tuple[Any, ...]:
    """The layer's legend entry: its count, and one key row per type with its letter and colour."""
    types = [t for t in TYPE_SYMBOLS if any(k.site.type == t for k in protection.key_sites)]
    keys = tuple(
        (f"{TYPE_SYMBOLS[t][0]}: {TYPE_SYMBOLS[t][2]}", TYPE_SYMBOLS[t][1], "point") for t in types
    )
    return (f"{KEY_SITES} ({len(protection.key_sites)}, bundled)", g, "#455a64", "point", keys)


def key_sites_layer(
    m: folium.Map,
    prepared: Prepared,
    protection: Protection | None = None,
    names: Mapping[str, str] | None = None,
) -> tuple[Any, ...]:
    """The "Key sites" group on ``m``, hidden at first (``show=False``: the legend's box starts unchecked), with
    ``protection`` (default: of ``prepared``'s scenario and analysis) and the covering options named by
    ``names`` (default: ``prepared``'s option names by id); returns its legend entry."""
    from mapper.protection import protection as protection_of

    p = (
        protection
        if protection is not None
        else protection_of(prepared.scenario, prepared.analysis)
    )
    g = group(KEY_SITES, show=False)
    g.add_to(m)
    site_markers(g, p, option_names(prepared) if names is None else names)
    return legend_item(g, p)


def timed_key_sites_layer(
    m: folium.Map, steps: Sequence[tuple[Any, Prepared]], start: int
) -> tuple[Any, ...]:
    """The "Key sites" group of a timed map (hidden at first): one marker per site on every step, whose popup
    gives the distances, band and covering forces of the step shown (``protection`` of each step)."""
    from mapper.protection import protection as protection_of

    per_step = [protection_of(sp.scenario, sp.analysis) for _, sp in steps]
    g = group(KEY_SITES, show=False)
    g.add_to(m)
    markers = site_markers(g, per_step[0], None)
    StepPopups(
        markers,
        [k.site for k in per_step[0].key_sites],
        [p.key_sites for p in per_step],
        [option_names(sp) for _, sp in steps],
        start,
    ).add_to(g)
    return legend_item(g, per_step[0])

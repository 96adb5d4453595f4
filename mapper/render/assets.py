"""Offline assets: Leaflet and our own JS/CSS inlined into the page, every CDN reference removed.

folium's ``Map`` lists Leaflet, jQuery, Bootstrap, Font Awesome and Leaflet.awesome-markers on CDNs
(``folium.folium._default_js`` / ``_default_css``); plugins list theirs in ``default_js`` / ``default_css``. We
use none of them except Leaflet, which comes from the ``xstatic-leaflet`` package (JS, CSS and the marker/layers
images, the images inlined as ``data:`` URIs). What folium's own templates still need from jQuery is one idiom,
``$(`<div>...</div>`)[0]`` in ``Popup`` (and ``$(document).ready`` when a layer must stay in front), so a 10-line
``$`` shim stands in for it (``templates/jquery_shim.js``). ``folium.Icon`` (awesome-markers) is *not* supported:
use ``folium.DivIcon`` (our APP-6 symbols) or ``CircleMarker``.

The structured way in: ``make_offline(m)`` sets ``default_js``/``default_css`` on the element *instances* (the
class lists stay untouched) and refuses elements that would load anything else from the network.
``page.finalize_html`` calls it and puts ``head_assets()`` at the top of ``<head>``; after rendering,
``check_offline_header`` rejects any ``JavascriptLink``/``CssLink`` that slipped through. ``external_urls(html)``
is the last-line scanner the tests use.

``online_tiles(name)`` is the one place where the network may be used, and only when a user opts in.
"""

from __future__ import annotations

import base64
import functools
import re
from importlib import resources
from pathlib import Path
from typing import Any

from branca.element import CssLink, Element, JavascriptLink, MacroElement

from mapper.render.foliumlib import folium

__all__ = [
    "ONLINE_TILES",
    "LazyTemplate",
    "RawHTML",
    "check_offline_header",
    "external_urls",
    "head_assets",
    "leaflet_css",
    "leaflet_js",
    "make_offline",
    "online_tiles",
    "template_text",
]


class RawHTML(Element):
    """An element whose text is emitted verbatim: *not* compiled as a Jinja template (unlike ``Element(str)``).

    Use it for large trusted blobs (Leaflet, our JS/CSS): it is faster and nothing in it can be mistaken for Jinja.
    """

    def __init__(self, text: str, name: str = "RawHTML") -> None:
        super().__init__()
        self._name = name
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class LazyTemplate:
    """A class's ``_template``, compiled by Jinja the first time an element of the class is rendered.

    ``_template = Template(source)`` compiles when the module is imported; a process compiles about fifty
    templates it never renders, most of ours among them (a map without timeline, overlays or key sites renders
    none of theirs). As a class attribute this behaves as the ``Template`` it holds (an element's own
    ``_template``, set on the instance, still wins): ``self._template`` and ``type(self)._template`` give the
    same compiled template, once per process.
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self._compiled: Any = None

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if self._compiled is None:
            from folium.template import Template

            self._compiled = Template(self.source)
        return self._compiled


class VerbatimMacroElement(MacroElement):
    """A ``MacroElement`` whose rendered header/html/script go into the page verbatim.

    branca wraps each rendered part in ``Element(text)``, which compiles that text as a *new Jinja template* and
    renders it a second time: slow for megabytes of GeoJSON (most of a render's template time), and a second
    template pass over data that must never be interpreted. Our own elements use this instead.
    """

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca's stub says str; it returns None
        figure = self.get_root()
        module = self._template.module.__dict__
        for part in ("header", "html", "script"):
            macro = module.get(part)
            if macro is not None:
                getattr(figure, part).add_child(RawHTML(macro(self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


def _leaflet_dir() -> Path:
    from xstatic.pkg import leaflet

    return Path(leaflet.BASE_DIR)


def _data_uri(path: Path, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


@functools.cache
def leaflet_js() -> str:
    """Leaflet's minified JS from xstatic-leaflet, without its ``sourceMappingURL`` comment."""
    text = (_leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")
    return re.sub(r"\n?//# sourceMappingURL=\S+\s*$", "\n", text)


@functools.cache
def leaflet_css() -> str:
    """Leaflet's CSS with ``images/*.png`` replaced by ``data:`` URIs."""
    base = _leaflet_dir()
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline(m: re.Match[str]) -> str:
        return f'url("{_data_uri(base / "images" / m.group(1))}")'

    # Leaflet reads this rule only to guess an image path; we set L.Icon.Default's URLs directly (data: URIs)
    css = css.replace("url(images/marker-icon.png)", "none")
    css = re.sub(r"url\(images/([\w.-]+\.png)\)", inline, css)
    # an IE-only VML behaviour: no use to a modern browser, and it looks like a resource reference
    return css.replace("behavior: url(#default#VML);", "")


@functools.cache
def template_text(name: str) -> str:
    """The text of one of our own files in ``mapper/templates/`` (package data)."""
    return resources.files("mapper").joinpath("templates", name).read_text(encoding="utf-8")


@functools.cache
def _marker_icon_js() -> str:
    base = _leaflet_dir() / "images"
    return (
        "L.Icon.Default.imagePath='';L.Icon.Default.mergeOptions({"
        f'iconUrl:"{_data_uri(base / "marker-icon.png")}",'
        f'iconRetinaUrl:"{_data_uri(base / "marker-icon-2x.png")}",'
        f'shadowUrl:"{_data_uri(base / "marker-shadow.png")}"}});'
    )


def _script(js: str) -> str:
    # none of our inlined JS contains "</script" (checked in tests), so it can go in as is
    assert "</script" not in js.lower()
    return f"<script>{js}</script>"


@functools.cache
def head_assets() -> str:
    """The ``<head>`` block that replaces every CDN link: Leaflet CSS + JS, marker images, the ``$`` shim and the
    page CSS. Our controls add their own JS/CSS (once) when they are used."""
    return "\n".join(
        [
            f"<style>{leaflet_css()}</style>",
            f"<style>{template_text('page.css')}</style>",
            _script(leaflet_js()),
            _script(_marker_icon_js() + "\n" + template_text("jquery_shim.js")),
        ]
    )


# folium elements whose CDN entries we replace with head_assets(): Leaflet itself and things we do not use
_REPLACED = {
    "leaflet",
    "leaflet_css",
    "jquery",
    "bootstrap",
    "bootstrap_css",
    "glyphicons_css",
    "awesome_markers",
    "awesome_markers_css",
    "awesome_markers_font_css",
    "awesome_rotate_css",
}


def _is_network_url(url: str) -> bool:
    return bool(re.match(r"(?i)\s*(https?:)?//", url))


def _walk(el: Element):
    yield el
    for child in el._children.values():
        yield from _walk(child)


def make_offline(m: folium.Map) -> None:
    """Strip every CDN reference from the element tree of ``m`` (in place, on instances only).

    Entries we provide ourselves (Leaflet) or do not use (jQuery, Bootstrap, Font Awesome, awesome-markers) are
    dropped. Any other network resource (a folium plugin such as ``MeasureControl``, or ``folium.Icon``) raises
    ``ValueError``: it would not work offline, so it must not be used (our ``controls`` module replaces them).
    """
    bad: list[str] = []
    for el in _walk(m.get_root()):
        if isinstance(el, folium.Icon):
            bad.append(
                "folium.Icon needs Leaflet.awesome-markers from a CDN; use folium.DivIcon instead"
            )
        if not isinstance(el, folium.elements.JSCSSMixin):
            continue
        for attr in ("default_js", "default_css"):
            keep = []
            for name, url in getattr(el, attr):
                if not _is_network_url(url):
                    keep.append((name, url))
                elif name not in _REPLACED:
                    bad.append(f"{type(el).__name__} loads {name!r} from {url}")
            setattr(
                el, attr, keep
            )  # instance attribute: the class default stays as folium ships it
    if bad:
        raise ValueError("cannot render offline:\n  " + "\n  ".join(bad))


def check_offline_header(header: Element) -> None:
    """After rendering: fail if any ``JavascriptLink``/``CssLink`` with a network URL reached the page header."""
    for name, child in header._children.items():
        if isinstance(child, JavascriptLink | CssLink) and _is_network_url(child.url):
            raise ValueError(f"element {name!r} would load {child.url} from the network")


# What a page may *fetch*: src/href on resource tags, CSS url(), @import, srcset, and JS fetch()/import().
# Plain <a href> links and XML namespaces in JS are not fetched, so they are not listed.
_FETCHING = [
    re.compile(
        r"""(?is)<(?:script|img|iframe|embed|source|video|audio|track|input)\b[^>]*?\bsrc\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)"""
    ),
    re.compile(r"""(?is)<link\b[^>]*?\bhref\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)"""),
    re.compile(r"""(?is)<object\b[^>]*?\bdata\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)"""),
    re.compile(r"""(?is)\bsrcset\s*=\s*["']?[^"'>]*?((?:https?:)?//[^"'\s>,]+)"""),
    re.compile(r"""(?is)url\(\s*["']?\s*((?:https?:)?//[^"')\s]+)"""),
    re.compile(r"""(?is)@import\s+(?:url\()?\s*["']?\s*((?:https?:)?//[^"')\s;]+)"""),
    re.compile(
        r"""(?is)\b(?:fetch|import|importScripts)\s*\(\s*["'`]\s*((?:https?:)?//[^"'`\s]+)"""
    ),
    re.compile(r"""(?is)\bfrom\s+["']((?:https?:)?//[^"'\s]+)"""),
]


def external_urls(html: str) -> list[str]:
    """Every network URL that ``html`` would fetch (a scanner, not a parser: used by the tests and as a guard)."""
    found: list[str] = []
    for rx in _FETCHING:
        found.extend(m.group(1) for m in rx.finditer(html))
    return sorted(set(found))


# Opt-in online basemaps: name -> xyzservices provider path
ONLINE_TILES = {
    "OpenStreetMap.Mapnik": ("OpenStreetMap", "Mapnik"),
    "CartoDB.Positron": ("CartoDB", "Positron"),
    "Esri.WorldImagery": ("Esri", "WorldImagery"),
}


def tile_name(name: str) -> str:
    """The canonical ``ONLINE_TILES`` key for ``name`` (case-insensitive; ``OpenStreetMap``/``osm`` accepted);
    ``UsageError`` (a command-line mistake, exit 2) listing the choices otherwise."""
    from mapper.errors import UsageError

    wanted = name.strip().lower()
    aliases = {"openstreetmap": "OpenStreetMap.Mapnik", "osm": "OpenStreetMap.Mapnik"}
    for key in ONLINE_TILES:
        if key.lower() == wanted:
            return key
    if wanted in aliases:
        return aliases[wanted]
    raise UsageError(f"unknown online tiles {name!r}; choose from {', '.join(ONLINE_TILES)}")


def online_tiles(name: str, *, show: bool = False, overlay: bool = False) -> folium.TileLayer:
    """An online tile layer (the ONLY place the mapper lets a page use the network), with its proper attribution.

    ``name`` is one of ``ONLINE_TILES``. The attribution is xyzservices' HTML attribution (``html_attribution``),
    which is trusted package data. The layer is hidden by default; put it in the layer control's "Basemap" group.
    """
    name = tile_name(name)
    import xyzservices.providers as xyz

    group, leaf = ONLINE_TILES[name]
    provider = xyz[group][leaf]
    # folium takes the URL template and ``html_attribution`` from the xyzservices provider itself
    return folium.TileLayer(tiles=provider, name=name, show=show, overlay=overlay, control=False)

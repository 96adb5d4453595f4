"""One deterministic, accessible, self-contained HTML page from a ``folium.Map``.

``finalize_html`` is the only way the mapper turns a map into HTML. It

1. makes the element tree offline (``assets.make_offline``: no CDN link survives);
2. makes the output deterministic (``assign_ids``): folium/branca give every element a random ``_id``
   (``uuid4().hex`` / ``os.urandom``), which ends up in JS variable names and DOM ids. We walk the tree from the
   root ``Figure`` in a fixed order — each element, then its ``_children`` in insertion order, then element-valued
   attributes (``Figure.header/html/script``, ``Popup.html``, ``Map.global_switches`` …) in attribute order — and
   give the n-th element ``_id = "n<n>"`` (so ``map_n1``, ``feature_group_n7``). Because the children dicts are
   keyed by ``get_name()`` and folium's ``Popup`` template prints those keys as JS variable names, the keys are
   rewritten too, as are string attributes that hold an element's old name (``MethodCall.target``). Children that
   folium adds *during* rendering (``Layer``'s ``…_add`` and ``Marker``'s ``SetIcon``) and the figure's
   header/html/script contents from an earlier render are dropped first, so a map renders to the same bytes
   whether or not it was rendered before;
3. renders the elements and lays out the page itself (instead of ``Figure``'s template): ``<html lang>``, an
   escaped ``<title>``, a zoomable ``<meta name="viewport">`` (folium's says ``user-scalable=no``, which fails
   WCAG 1.4.4; it is removed from the map's header), Leaflet and our CSS/JS inline, a skip link, the map filling
   the viewport, and an ``<aside>`` for side panels (legend, distances table) beside it on wide screens and below
   it on narrow ones.

The caller passes ``body_before``/``body_after``/``extra_head`` as HTML it has already escaped with
``mapper.render.safety``; only ``title`` is escaped here.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from branca.element import Element, Figure

from mapper.pipeline import GENERATOR_META
from mapper.render.assets import check_offline_header, head_assets, make_offline
from mapper.render.foliumlib import folium
from mapper.render.safety import safe_attr, safe_text

__all__ = ["assign_ids", "finalize_html"]

# ids we or folium/branca assign: 32 hex digits (uuid4().hex / urandom(16)) or ours, "n<counter>"
_ID_IN_NAME = re.compile(r"(?<=_)([0-9a-f]{32}|n[0-9]+)")
_RENDER_GENERATED: tuple[type, ...] = (folium.elements.ElementAddToElement, folium.Marker.SetIcon)
_VIEWPORT = re.compile(r"<meta\s+name=\"viewport\"[^>]*>\s*", re.IGNORECASE)


def _element_attrs(el: Element):
    for key, value in vars(el).items():
        if key in ("_parent", "_children"):
            continue
        if isinstance(value, Element):
            yield value
        elif isinstance(value, list | tuple):
            yield from (v for v in value if isinstance(v, Element))


def walk(root: Element, *, attributes: bool = False) -> Iterator[Element]:
    """Every element below ``root`` (itself included), each once, parents before children, in insertion order.

    With ``attributes``, also the elements held in attributes (``Popup.html``, ``Figure.header`` ...). Children
    are read after an element is yielded, so the caller may remove some of them first.
    """
    seen: set[int] = set()
    stack = [root]
    while stack:
        el = stack.pop()
        if id(el) in seen:
            continue
        seen.add(id(el))
        yield el
        if attributes:
            stack.extend(reversed(list(_element_attrs(el))))
        stack.extend(reversed(list(el._children.values())))


def _drop_render_generated(root: Element) -> None:
    for el in walk(root, attributes=True):
        stale = [k for k, c in el._children.items() if isinstance(c, _RENDER_GENERATED)]
        for k in stale:
            del el._children[k]


def assign_ids(root: Element) -> int:
    """Give every element reachable from ``root`` a deterministic ``_id`` (tree order); return how many.

    Keys of ``_children`` and string attributes that contain an old id are rewritten to the new one.
    """
    order = _tree_order(root)
    renames: dict[str, str] = {}
    for n, el in enumerate(order):
        new = f"n{n}"
        if el._id != new:
            renames[el._id] = new
        el._id = new
    if renames:
        _rewrite_ids(order, renames)
    return len(order)


def _tree_order(root: Element) -> list[Element]:
    """Every element reachable from ``root``, once each, depth first: children, then elements in attributes."""
    order: list[Element] = []
    seen: set[int] = set()

    def visit(el: Element) -> None:
        if id(el) in seen:
            return
        seen.add(id(el))
        order.append(el)
        for child in el._children.values():
            visit(child)
        for sub in _element_attrs(el):
            visit(sub)

    visit(root)
    return order


def _rewrite_ids(order: list[Element], renames: dict[str, str]) -> None:
    """Replace old ids by new ones in ``_children`` keys and in string attributes (rendered names refer to them)."""

    def fix(text: str) -> str:
        return _ID_IN_NAME.sub(lambda m: renames.get(m.group(1), m.group(1)), text)

    for el in order:
        if el._children:
            el._children = OrderedDict((fix(k), c) for k, c in el._children.items())
        for key, value in vars(el).items():
            if isinstance(value, str) and key not in ("_id", "_name") and _ID_IN_NAME.search(value):
                setattr(el, key, fix(value))


def _is_generated(key: str, ids: set[str], names: set[str]) -> bool:
    # rendering keys its output by an element's name, sometimes with a suffix ("…tablestyle"), or by a link name
    return key in names or any(m.group(1) in ids for m in _ID_IN_NAME.finditer(key))


def _generated_keys(root: Element) -> tuple[set[str], set[str]]:
    """Ids of the elements below the figure and the fixed names rendering puts into its header/html/script."""
    ids: set[str] = set()
    keys = {"meta_http", "mapper_controls_assets"}
    # start below the figure: its header/html/script hold rendered output and what a caller added by hand
    stack: list[Element] = list(root._children.values())
    seen: set[int] = {id(root)}
    while stack:
        el = stack.pop()
        if id(el) in seen:
            continue
        seen.add(id(el))
        ids.add(el._id)
        for attr in ("default_js", "default_css"):
            keys.update(name for name, _ in getattr(type(el), attr, []))
        stack.extend(el._children.values())
        stack.extend(_element_attrs(el))
    return ids, keys


def _reset_figure(fig: Figure) -> None:
    """Fresh header/html/script for the figure, keeping only what a caller added by hand."""
    ids, names = _generated_keys(fig)
    for part in ("header", "html", "script"):
        old: Element = getattr(fig, part)
        new = Element()
        new._parent = fig
        for key, child in old._children.items():
            if not _is_generated(key, ids, names):
                new._children[key] = child
        setattr(fig, part, new)


def _map_figure(m: folium.Map) -> Figure:
    root = m.get_root()
    if not isinstance(root, Figure):
        root = Figure()
        root.add_child(m)
    return root


def _strip_viewport(fig: Figure, m: folium.Map) -> None:
    el = fig.header._children.get(m.get_name())
    src = getattr(el, "_template_str", None)
    if el is not None and src and _VIEWPORT.search(src):
        fig.header._children[m.get_name()] = Element(_VIEWPORT.sub("", src))


def finalize_html(
    m: folium.Map,
    *,
    title: str,
    lang: str = "en",
    extra_head: str = "",
    body_before: str = "",
    body_after: str = "",
) -> str:
    """Render ``m`` to one self-contained, deterministic HTML page.

    ``title`` is plain text (escaped here). ``extra_head`` goes at the end of ``<head>``; ``body_before`` above the
    map (full width); ``body_after`` into the side panel (``<aside id="mapper-side">``, beside the map on screens
    at least 1100 px wide, below it otherwise). All three must be HTML already escaped with ``safety``.
    Raises ``ValueError`` if an element would load anything from the network.
    """
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang):
        raise ValueError(f"not a language tag: {lang!r}")
    fig = _map_figure(m)
    make_offline(m)
    _reset_figure(fig)  # first: it needs the render-generated children's names
    _drop_render_generated(fig)
    assign_ids(fig)

    for child in fig._children.values():
        child.render()
    check_offline_header(fig.header)
    _strip_viewport(fig, m)

    header = _tidy(fig.header.render())
    body = _tidy(fig.html.render())
    script = _tidy(fig.script.render())
    has_side = bool(body_after.strip())
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{safe_attr(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        GENERATOR_META,
        f"<title>{safe_text(title)}</title>",
        head_assets(),
        header.strip(),
        extra_head,
        "</head>",
        "<body>",
        '<a class="mapper-skip" href="#mapper-side">Skip to the tables and legend</a>'
        if has_side
        else "",
        f'<div class="mapper-before">{body_before}</div>' if body_before else "",
        f'<main class="mapper-layout{" has-side" if has_side else ""}">',
        f'<div class="mapper-map" role="region" aria-label="{safe_attr("Map: " + title)}">{body.strip()}</div>',
        f'<aside id="mapper-side" class="mapper-side" tabindex="-1">{body_after}</aside>'
        if has_side
        else "",
        "</main>",
        f"<script>\n{script.strip()}\n</script>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(p for p in parts if p)


def _tidy(html: str) -> str:
    """Drop the runs of blank lines and the trailing spaces folium's templates leave (bytes, not meaning).

    Exactly ``re.sub(r"[ \\t]+\\n", "\\n", re.sub(r"\\n\\s*\\n+", "\\n", html))`` (as first written;
    ``tests/test_render_cold.py`` compares the two on every short string of the characters that matter), by lines, ~5x faster on a page's megabytes: the
    first removes every whitespace-only line between two others (``\\s`` is ``str.isspace``), the second strips
    spaces and tabs from the end of every line but the last.
    """
    lines = html.split("\n")
    if len(lines) < 2:
        return html
    kept = [lines[0], *(line for line in lines[1:-1] if line and not line.isspace()), lines[-1]]
    return "\n".join([*(line.rstrip(" \t") for line in kept[:-1]), kept[-1]])


def page_overhead(m: folium.Map | None = None, **kwargs: Any) -> int:
    """Bytes of an empty map page (assets + boilerplate): handy for benchmarks."""
    m = m or folium.Map(location=[48.5, 32.0], zoom_start=6, tiles=None)
    return len(finalize_html(m, title=kwargs.pop("title", "empty"), **kwargs).encode("utf-8"))


def render_figure(fig: Figure, maps: list[folium.Map]) -> tuple[str, str, str]:
    """Render a ``Figure`` holding several maps the way ``finalize_html`` renders one: offline (checked),
    deterministic ids, folium's non-zoomable viewport meta removed. Returns the ``(header, html, script)`` parts
    for a caller that lays out a page with more than one map itself (``mapper.comparison``), using ``head_assets()``
    and ``GENERATOR_META``. Each map's ``get_name()`` is final once this returns.
    """
    if not maps or any(m.get_root() is not fig for m in maps):
        raise ValueError("render_figure needs one or more maps, each a child of the figure")
    make_offline(maps[0])  # walks the whole figure
    _reset_figure(fig)
    _drop_render_generated(fig)
    assign_ids(fig)
    for child in fig._children.values():
        child.render()
    check_offline_header(fig.header)
    for m in maps:
        _strip_viewport(fig, m)
    return _tidy(fig.header.render()), _tidy(fig.html.render()), _tidy(fig.script.render())

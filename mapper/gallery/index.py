"""The gallery's ``index.html``: one card per scenario, rendered with Jinja2 (autoescaped) from package templates.

Light on purpose: an unchanged rebuild renders the index to compare it with the one on disk, so this module
imports neither folium (``mapper.render``) nor the analysis (numpy): the cards take their numbers from the
manifest's entries and their templates straight from the package data.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Any

from mapper import __version__
from mapper.gallery.entries import GalleryEntry, _front_lines
from mapper.textlayout import format_km


@functools.cache
def template_text(name: str) -> str:
    """One of our own files in ``mapper/templates/`` (package data), as ``mapper.render.assets.template_text``
    reads it, without importing ``mapper.render`` (and folium)."""
    return resources.files("mapper").joinpath("templates", name).read_text(encoding="utf-8")


def _sort_key(e: GalleryEntry) -> tuple[Any, ...]:
    # the default order (also without JS): built scenarios by title, then the ones that failed, by file name
    return (not e.built, (e.title or "").casefold(), e.source)


def _status(e: GalleryEntry) -> str:
    if not e.built:
        return "failed"
    return "ok" if e.figures.get("meets_constraints") else "violates"


def _card(e: GalleryEntry, order: int) -> dict[str, Any]:
    f = e.figures
    dist = f.get("min_distance_to_front_km")
    troops = f.get("troops")
    n_opt = f.get("options")
    status = _status(e)
    rules = f.get("constraints") or []
    exempt = f.get("exempt") or []
    if status == "ok":
        status_text = "Meets constraints"
    elif status == "violates":
        v = f.get("violations") or 0
        status_text = f"Breaks constraints ({v} site{'s' if v != 1 else ''})"
    else:
        status_text = "Could not be built"
    alt = ""
    if e.built:
        alt = f"Map of {e.title}: {n_opt} option{'s' if n_opt != 1 else ''}, {troops:,} troops"
        if dist is not None:
            alt += f", nearest {format_km(dist, f.get('distance_accuracy_km'))} from the front line"
    search = " ".join(x for x in (e.title, e.summary, e.id, e.source) if x).casefold()
    return {
        "entry": e,
        "order": order,
        "anchor": re.sub(r"[^a-z0-9_-]", "-", (e.id or f"file-{e.source}").lower()),
        "heading": e.title if e.built else e.source,
        "status": status,
        "status_text": status_text,
        "rules": "; ".join(rules),
        "options": n_opt,
        "troops": troops,
        "troops_text": f"{troops:,}" if troops is not None else "–",
        "distance": dist,
        "distance_text": format_km(dist, f.get("distance_accuracy_km")),
        "hostile_text": _hostile_text(f),
        "exempt_text": (
            f"{len(exempt)} force{'s' if len(exempt) != 1 else ''} exempt from a constraint: "
            + "; ".join(exempt)
        )
        if exempt
        else "",
        "alt": alt,
        "search": search,
    }


def _hostile_text(f: dict[str, Any]) -> str:
    """``"28.1 km (Russia)"``; with the line's accuracy when the nearest hostile ground is the line or the
    occupied area behind it."""
    part = f.get("nearest_hostile") or ""
    acc = f.get("distance_accuracy_km") if part in ("front line", "occupied area") else None
    text = format_km(f.get("min_distance_to_hostile_km"), acc)
    return f"{text} ({part})" if part and text != "–" else text


@functools.cache
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FunctionLoader(template_text),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_index(entries: list[GalleryEntry], *, compare: bool = False) -> str:
    """The gallery's ``index.html`` for these entries (deterministic). Scenario text is autoescaped by Jinja."""
    from markupsafe import Markup

    ordered = sorted(entries, key=_sort_key)
    cards = [_card(e, i) for i, e in enumerate(ordered)]
    css = template_text("gallery.css")
    if "</style" in css.lower():  # trusted package data, but never let it close the element
        raise ValueError("gallery.css must not contain '</style'")
    template = _environment().get_template("gallery_index.html")
    return template.render(
        page_title="Deployment scenarios",
        cards=cards,
        n_built=sum(1 for e in entries if e.built),
        n_failed=sum(1 for e in entries if not e.built),
        compare=compare,
        front_lines=_front_lines(entries),
        version=__version__,
        css=Markup(css),  # our own stylesheet (package data), not scenario text
    )

"""The pages ``mapper serve`` shows: the folder's index, each scenario's map (the normal page of ``mapper render``
with our script added), its comparison and analysis table, and the error view of a file that never loaded.

Every text from a scenario or a message passes ``render.safety.safe_text`` (HTML escaped); the configuration a
page's script reads (its file, content hash, version, this run's token, the current problems) is embedded with
``safe_json`` in a ``<script type="application/json">`` element, never as markup; the script shows messages with
``textContent``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from mapper.render.safety import safe_json, safe_text
from mapper.serve.folder import Entry, ServedFolder
from mapper.serve.tree import sort_key

__all__ = ["analysis_page", "config", "index_page", "inject", "map_page", "missing_map_page"]

_PAGE_CSS = (
    "body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:70rem;padding:1rem 1.5rem;color:#1b1b1b}"
    "table{border-collapse:collapse}td,th{padding:.3rem .7rem;border-bottom:1px solid #ddd;text-align:left}"
    "pre{background:#f6f6f6;padding:.8rem;overflow:auto}.bad{color:#a00000}.ok{color:#176117}"
)


def config(e: Entry | None, token: str, page: str, events: int) -> dict[str, Any]:
    return {
        "page": page,
        "file": e.name if e else None,
        "hash": e.text_hash if e else None,
        "version": e.version if e else 0,
        "errors": list(e.errors) if e else [],
        "warnings": list(e.warnings) if e else [],
        "editable": bool(e and e.current),
        "token": token,
        "events": events,  # the last event number when the page was made: the stream continues from it
    }


def inject(html: str, config: dict[str, Any]) -> str:
    """``html`` (a complete page) with our configuration, style and script before ``</body>``."""
    tail = (
        f'<script type="application/json" id="mapper-serve-config">{safe_json(config)}</script>'
        '<link rel="stylesheet" href="/static/live.css">'
        '<script src="/static/shapes.js"></script>'
        '<script src="/static/live.js"></script>'
    )
    at = html.rfind("</body>")
    if at < 0:
        return html + tail
    return html[:at] + tail + html[at:]


def _shell(title: str, body: str, config: dict[str, Any]) -> str:
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{safe_text(title)}</title><style>{_PAGE_CSS}</style></head><body>{body}</body></html>"
    )
    return inject(page, config)


def _href(kind: str, name: str) -> str:
    return f"/{kind}/{quote(name)}"


def index_page(folder: ServedFolder, token: str, events: int) -> str:
    rows = []
    for name in sorted(
        folder.entries, key=sort_key
    ):  # the folder's own files, then each sub-folder's
        e = folder.entries[name]
        status = (
            "<span class='ok'>ok</span>"
            if e.ok
            else f"<span class='bad'>{len(e.errors)} problem line(s)</span>"
        )
        links = (
            f"<a href='{_href('map', name)}'>map</a> · "
            f"<a href='{_href('compare', name)}'>comparison</a> · "
            f"<a href='{_href('analysis', name)}'>analysis</a>"
        )
        rows.append(
            f"<tr data-file='{safe_text(name)}'><td>{safe_text(name)}</td><td>{safe_text(e.title)}</td>"
            f"<td>{status}</td><td>{links}</td></tr>"
        )
    for link in folder.listing.links:  # a linked sub-folder: never followed
        rows.append(
            f"<tr data-link='{safe_text(link)}'><td>{safe_text(link)}/</td><td></td>"
            "<td class='bad'>a link to a folder: not followed</td><td></td></tr>"
        )
    notes = "".join(
        f"<p class='bad mapper-serve-limit'>{safe_text(n)}</p>" for n in folder.listing.notes
    )
    body = (
        f"<h1>Scenarios in {safe_text(folder.folder)}</h1>"
        "<p>Each map updates when its file (or a file it names) is saved; files in sub-folders are listed "
        "by their path. <a href='/compare'>Compare every scenario</a>.</p>"
        f"{notes}"
        "<table><thead><tr><th>File</th><th>Title</th><th>Status</th><th>Pages</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return _shell("mapper serve", body, config(None, token, "index", events))


def map_page(e: Entry, token: str, events: int) -> str:
    """The scenario's last good map with our script (which shows the current problems above it)."""
    assert e.html is not None
    return inject(e.html, config(e, token, "map", events))


def missing_map_page(e: Entry, token: str, events: int, what: str) -> str:
    """A scenario that has never loaded: its messages, and the page updates itself once the file is fixed."""
    lines = "\n".join(e.errors)
    body = (
        "<p><a href='/'>← All scenarios</a></p>"
        f"<h1>{safe_text(e.name)}: no {safe_text(what)} yet</h1>"
        "<p>The file has problems and has not loaded since the server started:</p>"
        f"<pre class='bad' id='mapper-serve-problems'>{safe_text(lines)}</pre>"
    )
    return _shell(e.name, body, config(e, token, what, events))


def analysis_page(e: Entry, text: str, token: str, events: int) -> str:
    """The analysis table (``mapper analyze``'s text) of the scenario's last good version."""
    body = (
        f"<p><a href='/'>← All scenarios</a> · <a href='{_href('map', e.name)}'>map</a></p>"
        f"<h1>{safe_text(e.title or e.name)}: analysis</h1><pre>{safe_text(text)}</pre>"
    )
    return _shell(f"{e.name}: analysis", body, config(e, token, "analysis", events))

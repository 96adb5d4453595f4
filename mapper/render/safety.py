"""The one boundary where untrusted scenario text is neutralised before it reaches folium, Jinja or the browser.

Why this is needed: folium and branca render every element through Jinja2 templates, and a ``MacroElement`` renders
its macros to a string which is then wrapped in a *new* ``branca.element.Element`` and rendered by Jinja *again*
(``MacroElement.render`` → ``Element(header(self, kwargs))``). folium's ``Popup`` puts its HTML into a JavaScript
template literal (``$(`...`)``), ``Tooltip`` does the same with its text, and neither HTML-escapes. So a scenario
name such as ``{{ 7*7 }}`` would be evaluated by Jinja (showing ``49``), ``${...}`` or a backtick would break out of
the JS template literal, a backslash would start a JS escape, and ``<img onerror=...>`` / ``</script>`` would run
script in the reader's browser.

Where untrusted text may enter a map, and what each place must use:

* popup HTML (``folium.Popup(html=...)``) ............ ``safe_text`` for every text fragment
* tooltip text (``folium.Tooltip(text)``) ............ ``safe_text``
* ``folium.DivIcon(html=...)`` (unit labels) ......... ``safe_text`` (see ``symbols.unit_icon_html``)
* legend / title panel / footer / distances table .... ``safe_text`` for text, ``safe_attr`` for attribute values
* the page ``<title>`` ................................ ``page.finalize_html`` escapes it itself
* data embedded in ``<script>`` (control options) .... ``safe_json``
* GeoJSON given to ``folium.GeoJson`` ................. ``safe_geojson`` (folium embeds it in a script macro that
  Jinja renders again, and ``GeoJsonTooltip``/``GeoJsonPopup`` insert property values as HTML)
* colours (swatches, styles) .......................... ``safe_color`` (rejects ``red;background:url(...)``)
* links in credits .................................... ``safe_href`` (only http(s)/mailto, escaped)

Every such place must go through these functions; nothing else in the renderer escapes for you. The output of
``safe_text`` is inert in all of these contexts at once: HTML text, a double- or single-quoted HTML attribute,
a Jinja template (no ``{``/``}`` survive), a JS template literal (no backtick, ``$`` or backslash survive) and a
``<script>`` element (no ``<`` survives). It still displays exactly as written, because the browser decodes the
character references when it parses the HTML.

Text passed through these functions must not be passed through them twice (``&`` would be escaped again and the
reader would see ``&amp;#123;``).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

__all__ = ["safe_attr", "safe_color", "safe_geojson", "safe_href", "safe_json", "safe_text"]

# Characters that mean something to Jinja ({ }), to JS template literals (` $ \) after HTML escaping.
_AFTER_HTML = str.maketrans(
    {
        "{": "&#123;",
        "}": "&#125;",
        "`": "&#96;",
        "$": "&#36;",
        "\\": "&#92;",
        "\u2028": "&#8232;",
        "\u2029": "&#8233;",
        "\x00": "\ufffd",
    }
)


def safe_text(s: Any) -> str:
    """HTML-escape ``s`` (quotes included) and neutralise Jinja and JS-template-literal syntax.

    ``None`` becomes ``""``; other non-strings are converted with ``str``. Newlines are kept (wrap the result in an
    element with ``white-space: pre-line`` if line breaks should show).

    >>> safe_text("{{ 7*7 }} <b>`${x}`</b>")
    '&#123;&#123; 7*7 &#125;&#125; &lt;b&gt;&#96;&#36;&#123;x&#125;&#96;&lt;/b&gt;'
    """
    if s is None:
        return ""
    return html.escape(str(s), quote=True).translate(_AFTER_HTML)


def safe_attr(s: Any) -> str:
    """Escape ``s`` for use inside a *quoted* HTML attribute value (``title="..."``, ``aria-label="..."``).

    Same as ``safe_text``, and additionally turns tabs and line breaks into character references, so the attribute
    keeps them but no raw line break reaches a JS template literal either.
    """
    return safe_text(s).replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#9;")


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_IN_JSON_STRING = str.maketrans(
    {
        "{": "\\u007b",
        "}": "\\u007d",
        "`": "\\u0060",
        "$": "\\u0024",
        "'": "\\u0027",
    }
)
_EVERYWHERE = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)


def safe_json(obj: Any) -> str:
    """Serialise ``obj`` to JSON that is safe to embed in a ``<script>`` element, in a JS expression and in text
    that Jinja will render again.

    ``<``, ``>``, ``&`` and U+2028/U+2029 become ``\\uXXXX`` escapes; inside string literals ``{ } ` $ '`` are
    escaped as well, so no Jinja delimiter (``{{``, ``{%``, ``{#``) can appear anywhere in the output (JSON's own
    braces are never adjacent to ``{``, ``%`` or ``#``). Keys are sorted for deterministic output. The result is
    still valid JSON and decodes to ``obj``.
    """
    text = json.dumps(
        obj, ensure_ascii=False, sort_keys=True, allow_nan=False, separators=(",", ":")
    )
    text = _JSON_STRING.sub(lambda m: m.group(0).translate(_IN_JSON_STRING), text)
    return text.translate(_EVERYWHERE)


def safe_geojson(obj: Any) -> Any:
    """A copy of a GeoJSON-like structure with every string (keys and values) passed through ``safe_text``.

    Numbers, booleans and ``None`` are kept, so geometry is unchanged (and ``"Point"``, ``"Feature"`` … have nothing
    to escape). Property values then display literally in ``GeoJsonTooltip``/``GeoJsonPopup``.
    """
    if isinstance(obj, str):
        return safe_text(obj)
    if isinstance(obj, dict):
        return {safe_text(k) if isinstance(k, str) else k: safe_geojson(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [safe_geojson(v) for v in obj]
    return obj


_HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_NAMED_COLOR = re.compile(r"[a-zA-Z]{3,20}")
_FUNC_COLOR = re.compile(r"(?:rgb|rgba|hsl|hsla)\(\s*[0-9.,%\s/deg+-]{1,60}\)")


def safe_color(value: Any) -> str:
    """Return ``value`` if it is a plain CSS colour (``#rgb``, ``#rrggbb[aa]``, a colour keyword, ``rgb()/hsl()``
    with numbers only); otherwise raise ``ValueError``.

    Colours end up in ``style`` attributes and Leaflet path options, where ``red;background:url(http://...)``
    would fetch from the network or break out of the attribute.
    """
    s = str(value).strip()
    if _HEX_COLOR.fullmatch(s) or _NAMED_COLOR.fullmatch(s) or _FUNC_COLOR.fullmatch(s):
        return s
    raise ValueError(f"not a plain CSS colour: {value!r} (use #rrggbb, a colour name, or rgb(...))")


def safe_href(url: Any) -> str:
    """Escape a link target for an ``href`` attribute; only ``http:``, ``https:`` and ``mailto:`` URLs are allowed.

    Anything else (``javascript:``, ``data:``, relative paths) raises ``ValueError``. Use it only for ``<a href>``
    (a link the reader may follow), never for resources the page would fetch (``src``, CSS ``url()``).
    """
    s = str(url).strip()
    if not re.match(r"(?i)(https?://[^\s\"'<>`]+|mailto:[^\s\"'<>`]+)\Z", s):
        raise ValueError(f"not an http(s) or mailto link: {url!r}")
    return safe_attr(s)

"""APP-6 unit symbols on the HTML map: the SVG of ``mapper.app6`` wrapped in a labelled ``folium.DivIcon``.

The vocabulary (kinds, echelons, SIDCs) and the drawing cache live in ``mapper.app6``, below every output; this
module adds only what is HTML: the label under the symbol, escaped with ``safety.safe_text``.
"""

from __future__ import annotations

from collections.abc import Sequence

from mapper.app6 import symbol_anchor, symbol_svg
from mapper.render.safety import safe_text

__all__ = ["unit_div_icon", "unit_icon_html"]


def unit_icon_html(sidc: str, label_lines: Sequence[str] = (), size: int = 30) -> str:
    """HTML for a DivIcon: the SVG symbol and, under it, ``label_lines`` (plain text, escaped here)."""
    label = "<br>".join(safe_text(line) for line in label_lines if str(line).strip())
    label_html = f'<div class="mapper-unit-label">{label}</div>' if label else ""
    return f'<div class="mapper-unit">{symbol_svg(sidc, size)}{label_html}</div>'


def unit_div_icon(sidc: str, label_lines: Sequence[str] = (), size: int = 30):
    """A ``folium.DivIcon`` showing the symbol anchored per the standard, with its label underneath."""
    import folium

    icon_size, icon_anchor = symbol_anchor(sidc, size)
    return folium.DivIcon(
        html=unit_icon_html(sidc, label_lines, size),
        icon_size=icon_size,
        icon_anchor=icon_anchor,
        class_name="mapper-unit-icon",
    )

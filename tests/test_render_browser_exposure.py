"""Exposure on the HTML map in headless Chromium (network cut off): a popup and the table under the map show the
line's accuracy ("± 10") and the nearest hostile part, the exempt monitors read as compliant, and the legend heads
the bands with what they measure."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.reference import SCENARIOS

from mapper.features import band_basis
from mapper.pipeline import prepare
from mapper.render import render_map

pytestmark = pytest.mark.browser


def test_popup_and_table_show_accuracy_nearest_hostile_and_exemption(
    browser_page, tmp_path: Path
) -> None:
    path = SCENARIOS / "dnipro_line.yaml"
    prepared = prepare(path)
    monitors = next(s for s in prepared.analysis.options[0].forces if s.exemptions)
    kyiv = next(s for s in prepared.analysis.options[0].forces if s.nearest_hostile == "Belarus")
    out = render_map(path, tmp_path / "dnipro.html")
    page = browser_page.open(out)
    page.wait_for_function("window.mapper && window.mapper.layers", timeout=10_000)

    # the monitors' popup, opened from the keyboard on their symbol
    icon = page.locator(".mapper-unit-icon", has_text=monitors.name)
    icon.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5_000)
    rows = {
        r.locator("th").inner_text(): r.locator("td").inner_text()
        for r in popup.locator("tr").all()
    }
    assert rows["Distance to front line"] == f"{monitors.distance_to_front_km:,.1f} km ± 10"
    assert rows["To hostile territory"].endswith("km ± 10 (front line)")
    assert rows["Meets constraints"].startswith("yes — not bound by min_distance_from_front_km")

    # the table under the map: accuracy once in the header, the nearest part in the cell
    table = page.locator(".mapper-distances table")
    headers = table.locator("thead th").all_inner_texts()
    assert "To front line, km (± 10)" in headers
    col = headers.index("To hostile territory (nearest part)")
    row = table.locator("tbody tr", has=page.locator("th", has_text=kyiv.name))
    cells = row.locator("th, td").all_inner_texts()
    assert cells[col] == f"{kyiv.distance_to_hostile_territory_km:,.1f} km (Belarus)"
    mon_row = table.locator("tbody tr", has=page.locator("th", has_text=monitors.name))
    assert mon_row.locator("td").last.inner_text().startswith("yes — not bound by")

    # the legend heads the bands with their basis (text_content: headings are upper-cased by CSS)
    legend = page.locator(".mapper-layers").text_content() or ""
    assert band_basis(prepared.scenario) in legend
    assert (
        "Distance from hostile territory (the front line, occupied area, Russia and Belarus)"
        in legend
    )
    browser_page.screenshot("exposure_dnipro_popup.png")
    assert browser_page.log.problems() == []

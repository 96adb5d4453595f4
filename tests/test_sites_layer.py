"""The "Key sites" layer and what each option protects, on the HTML map and the comparison page (issue #16 items
3-4): in headless Chromium, the layer starts hidden and, turned on, shows one marker per row of
``geodata/key_sites.csv``; each popup's distances and band equal ``mapper analyze --key-sites -f json`` and its
covering forces equal that JSON's ``covered_by``; a force's popup lists the key sites its ring holds (checked
against an independent pyproj count); hostile force names stay inert; on a timed map the layer is there on every
step with that step's distances; the comparison page has its "What each option protects" chart only when an
option has a ring.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from pyproj import Geod

from mapper.pipeline import prepare
from mapper.protection import protection
from mapper.render import write_html
from mapper.textlayout import front_km, hostile_km

REPO = Path(__file__).resolve().parent.parent
BLACK_SEA = REPO / "scenarios" / "black_sea.yaml"
PHASED = REPO / "scenarios" / "phased_deployment.yaml"
KEY_SITES_CSV = REPO / "geodata" / "key_sites.csv"
HOSTILE = ["<img src=x onerror=alert(1)>", "{{ 6*7007 }}", "${7007+35035}", "</script>"]
LAYER = "Key sites / Key sites ({n}, bundled)"

#: every marker of the key-site layer: its popup's heading, rows (th -> td text) and cover lines
SITES_JS = """
(key) => {
  const layer = window.mapper.layers[key], out = [];
  const read = (c) => { const d = document.createElement('div');
    d.innerHTML = typeof c === 'function' ? c() : c; return d; };
  layer.eachLayer((l) => {
    const d = read(l.getPopup().getContent()), rows = {};
    d.querySelectorAll('tr').forEach((r) => { rows[r.querySelector('th').textContent] =
      r.querySelector('td').textContent; });
    out.push({name: d.querySelector('h3').textContent, rows: rows,
              covers: [...d.querySelectorAll('.mapper-key-site-cover')].map((e) => e.textContent),
              tip: read(l.getTooltip().getContent()).textContent});
  });
  return out;
}
"""
#: every popup of every legend layer (hidden ones too), by its heading: the rows' text
POPUPS_JS = """
() => {
  const out = {};
  const read = (c) => { const d = document.createElement('div');
    d.innerHTML = typeof c === 'function' ? c() : c; return d; };
  const walk = (l) => {
    if (l.getPopup && l.getPopup()) {
      const d = read(l.getPopup().getContent()), rows = {};
      d.querySelectorAll('tr').forEach((r) => { rows[r.querySelector('th').textContent] =
        r.querySelector('td').textContent; });
      const h = d.querySelector('h3'); if (h) { out[h.textContent] = rows; }
    }
    if (l.eachLayer) { l.eachLayer(walk); }
  };
  Object.values(window.mapper.layers).forEach(walk);
  return out;
}
"""
COUNT_JS = "() => document.querySelectorAll('.leaflet-marker-icon.mapper-key-site').length"


def _csv_sites() -> list[dict[str, str]]:
    with KEY_SITES_CSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _analyze_key_sites(run_cli, path: Path) -> dict:
    result = run_cli("analyze", path, "--key-sites", "-f", "json")
    assert result.exit_code == 0, result
    return json.loads(result.output)


def _render(run_cli, path: Path, out: Path) -> Path:
    result = run_cli("render", path, "-o", out)
    assert result.exit_code == 0, result
    return out


def _open(browser_page, path: Path):
    page = browser_page.open(path)
    page.wait_for_function("window.mapper && window.mapper.layers", timeout=10_000)
    return page


def _layer_key() -> str:
    return LAYER.format(n=len(_csv_sites()))


def _turn_on(page) -> None:
    box = page.get_by_role("checkbox", name=_layer_key().split(" / ")[1])
    assert not box.is_checked()
    box.check()


def _km(value: float) -> str:
    return f"{value:,.1f} km"


def _expected_cover(site: dict, names: dict[str, str]) -> list[str]:
    per: dict[str, list[str]] = {}
    for c in site["covered_by"]:
        per.setdefault(c["option"], []).append(
            c["force"] + (" (air defence)" if c["air_defence"] else "")
        )
    return [f"{names[o]}: {', '.join(forces)}" for o, forces in per.items()]


@pytest.fixture(scope="module")
def black_sea_page(tmp_path_factory) -> Path:
    return write_html(prepare(BLACK_SEA), tmp_path_factory.mktemp("sites") / "black_sea.html")


@pytest.mark.browser
def test_the_layer_starts_hidden_and_shows_every_key_site(browser_page, black_sea_page) -> None:
    page = _open(browser_page, black_sea_page)
    n = len(_csv_sites())
    assert n == 42  # the list, as bundled
    assert (
        page.evaluate(
            "(k) => { const m = Object.values(window).find((v) => v instanceof L.Map); "
            "return m.hasLayer(window.mapper.layers[k]); }",
            _layer_key(),
        )
        is False
    )
    assert page.evaluate(COUNT_JS) == 0
    _turn_on(page)
    assert page.evaluate(COUNT_JS) == n
    # one marker per type letter, and a legend key per type saying what the letter is
    letters = page.locator(".leaflet-marker-icon.mapper-key-site text").all_text_contents()
    types = {r["type"] for r in _csv_sites()}
    assert len(letters) == n and len(set(letters)) == len(types)
    keys = page.locator(".mapper-layer-key .mapper-layer-label").all_inner_texts()
    assert {k.split(": ", 1)[0] for k in keys if ": " in k} >= set(letters)
    # the forces stay on top: every key site is drawn under every force and hub
    z = page.evaluate(
        "() => { const z = (sel) => [...document.querySelectorAll(sel)].map((e) => +e.style.zIndex); "
        "return [Math.max(...z('.leaflet-marker-icon.mapper-key-site')), "
        "Math.min(...z('.leaflet-marker-icon.mapper-unit-icon'))]; }"
    )
    assert z[0] < z[1], z
    # and off again
    page.get_by_role("checkbox", name=_layer_key().split(" / ")[1]).uncheck()
    assert page.evaluate(COUNT_JS) == 0
    assert browser_page.log.problems() == []


@pytest.mark.browser
def test_popups_say_what_analyze_key_sites_says(browser_page, black_sea_page, run_cli) -> None:
    doc = _analyze_key_sites(run_cli, BLACK_SEA)
    names = {o.id: o.name for o in prepare(BLACK_SEA).scenario.options}
    page = _open(browser_page, black_sea_page)
    shown = {s["name"]: s for s in page.evaluate(SITES_JS, _layer_key())}
    assert sorted(shown) == sorted(r["name"] for r in _csv_sites())
    covered = 0
    for site in doc["key_sites"]:
        s = shown[site["name"]]
        assert s["tip"] == site["name"]
        assert s["rows"]["Distance to front line"].startswith(_km(site["distance_to_front_km"]))
        assert s["rows"]["To hostile territory"].startswith(
            _km(site["distance_to_hostile_territory_km"])
        )
        assert site["nearest_hostile"] in s["rows"]["To hostile territory"]
        assert s["rows"]["Band"].startswith(site["band"])
        assert ("occupied area" in s["rows"]["Band"]) == site["in_occupied_area"]
        assert s["rows"]["Position"] == f"{site['lat']:.4f} N, {site['lon']:.4f} E"
        assert s["rows"]["Country"] == site["country"]
        assert s["covers"] == _expected_cover(site, names), site["name"]
        covered += bool(site["covered_by"])
    # the Black Sea example's air defence covers the Odesa ports (tests/test_protection.py checks which)
    assert covered >= 3
    assert "Odesa air defence (air defence)" in shown["Port of Odesa"]["covers"][0]


def _independent_cover(lat: float, lon: float, range_km: float) -> list[str]:
    geod = Geod(ellps="WGS84")
    out = []
    for r in _csv_sites():
        _, _, d = geod.inv(lon, lat, float(r["lon"]), float(r["lat"]))
        if d / 1000 <= range_km:
            out.append(r["name"])
    return out


@pytest.mark.browser
def test_a_force_popup_lists_the_key_sites_in_its_ring(browser_page, black_sea_page) -> None:
    p = prepare(BLACK_SEA)
    page = _open(browser_page, black_sea_page)
    popups = page.evaluate(POPUPS_JS)
    rings = [s for o in p.analysis.options for s in o.forces if s.range_km]
    assert rings
    for s in rings:
        expected = _independent_cover(s.lat, s.lon, s.range_km)
        assert popups[s.name]["Covers"] == (", ".join(expected) or "no key site"), s.name
    assert "Port of Odesa" in popups["Odesa air defence"]["Covers"]
    # a force without a ring has no such row
    plain = next(s for o in p.analysis.options for s in o.forces if not s.range_km)
    assert "Covers" not in popups[plain.name]


HOSTILE_SCENARIO = """\
format: 1
id: hostile_sites
title: "Hostile names"
date: 2025-03-27
front_line: bundled
options:
  - id: a
    name: {option}
    colour: "#2166ac"
    forces:
      - {{name: {force}, nation: FR, troops: 600, kind: air_defence, role: air_defence, range_km: 60, at: Odesa}}
"""


@pytest.mark.browser
def test_a_hostile_force_name_stays_inert_in_a_key_site_popup(
    browser_page, run_cli, tmp_path: Path
) -> None:
    force = " ".join(HOSTILE)
    option = "Opt {{ 6*7007 }} <b>x</b>"
    path = tmp_path / "hostile.yaml"
    path.write_text(
        HOSTILE_SCENARIO.format(option=json.dumps(option), force=json.dumps(force)),
        encoding="utf-8",
    )
    html = _render(run_cli, path, tmp_path / "hostile.html")
    dialogs: list[str] = []
    browser_page.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page = _open(browser_page, html)
    _turn_on(page)
    odesa = next(s for s in page.evaluate(SITES_JS, _layer_key()) if s["name"] == "Port of Odesa")
    assert odesa["covers"] == [f"{option}: {force} (air defence)"]
    # opened for real: the popup's DOM shows the text literally, runs nothing, evaluates no template
    page.evaluate(
        # a block body: the group eachLayer returns would be serialised back to Python (the whole map, 12 s)
        "(k) => { window.mapper.layers[k].eachLayer((l) => { "
        "if (l.getTooltip().getContent() === 'Port of Odesa') { l.openPopup(); } }); }",
        _layer_key(),
    )
    text = page.locator(".leaflet-popup-content").inner_text()
    assert force in text and option in text
    assert (
        "42042" not in text
        and page.locator(".leaflet-popup-content img, .leaflet-popup-content b").count() == 0
    )
    assert dialogs == [] and browser_page.log.problems() == []


@pytest.mark.browser
def test_on_a_timed_map_the_layer_is_there_on_every_step(browser_page, tmp_path: Path) -> None:
    phased = prepare(PHASED)
    assert len(phased.steps) > 1
    page = _open(browser_page, write_html(phased, tmp_path / "phased.html"))
    page.wait_for_function("window.mapper.time && window.mapper.time.index >= 0")
    _turn_on(page)
    for i, (step, _) in enumerate(phased.steps):
        page.evaluate(f"window.mapper.time.go({i})")
        assert page.evaluate(COUNT_JS) == len(_csv_sites()), step.key
        shown = {s["name"]: s for s in page.evaluate(SITES_JS, _layer_key())}
        day = prepare(PHASED, at=step.day)
        for k in protection(day.scenario, day.analysis).key_sites:
            rows = shown[k.site.name]["rows"]
            assert rows["Distance to front line"] == front_km(k.metrics), (step.key, k.site.name)
            assert rows["To hostile territory"] == hostile_km(k.metrics)
    assert browser_page.log.problems() == []


def _compare(run_cli, tmp_path: Path, *paths: Path) -> tuple[str, dict]:
    out = tmp_path / "compare.html"
    result = run_cli("compare", *paths, "-o", out)
    assert result.exit_code == 0, result
    doc = run_cli("compare", *paths, "-f", "json")
    assert doc.exit_code == 0, doc
    return out.read_text(encoding="utf-8"), json.loads(doc.output)


def test_the_comparison_has_the_protection_chart_when_options_have_rings(
    run_cli, tmp_path: Path
) -> None:
    import re

    page, doc = _compare(run_cli, tmp_path, BLACK_SEA, REPO / "scenarios" / "key_cities.yaml")
    assert "What each option protects</h2>" in page
    section = page[page.index("id='cmp-protect-h'") :]
    section = section[: section.index("</section>")]
    assert section.count("<svg") == 1 and 'role="img"' in section
    body = section[section.index("<tbody>") : section.index("</tbody>")]
    cells = re.findall(r"<tr><th scope='row'>(.*?)</th>(.*?)</tr>", body)
    assert len(cells) == len(doc["options"])
    for (_, tds), rec in zip(cells, doc["options"], strict=True):
        nums = [int(v.replace(",", "")) for v in re.findall(r">([\d,]+)</td>", tds)]
        assert nums == [
            rec["key_sites_under_air_defence"],
            rec["key_sites_in_rings"],
            rec["population_under_air_defence"],
        ]
    # the combined map has the layer, hidden at first: one marker per key site
    assert page.count("mapper-key-site mapper-key-site-") == len(_csv_sites())


def test_the_comparison_has_no_protection_chart_without_rings(run_cli, tmp_path: Path) -> None:
    path = tmp_path / "plain.yaml"
    path.write_text(
        HOSTILE_SCENARIO.replace(", range_km: 60", "").format(option='"A"', force='"Odesa group"'),
        encoding="utf-8",
    )
    page, _ = _compare(run_cli, tmp_path, path)
    assert "cmp-protect-h" not in page and "What each option protects" not in page

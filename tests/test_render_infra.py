"""Unit tests (no browser) for the rendering infrastructure: safety, offline assets, determinism, symbols, atomic
writes. The browser checks are in test_browser_infra.py."""

from __future__ import annotations

import doctest
import html
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import folium
import jinja2
import pytest
from branca.element import Element, MacroElement
from folium.template import Template
from support.hostile_text import ISSUE_STRINGS, MORE_STRINGS

from mapper import app6, atomic
from mapper.errors import OutputError
from mapper.render import assets, controls, page, safety, symbols
from mapper.render.safety import (
    safe_attr,
    safe_color,
    safe_geojson,
    safe_href,
    safe_json,
    safe_text,
)

HOSTILE = [*ISSUE_STRINGS, *MORE_STRINGS]
ALL = " ".join(HOSTILE)


# --- safety ---------------------------------------------------------------------------------------------------


def test_safety_doctests() -> None:
    assert doctest.testmod(safety).failed == 0


@pytest.mark.parametrize("s", [*HOSTILE, ALL])
def test_safe_text_is_inert_and_round_trips(s: str) -> None:
    out = safe_text(s)
    for bad in ("<", ">", "{", "}", "`", "$", "\\", '"', "'", "\u2028", "\u2029"):
        assert bad not in out
    assert html.unescape(out) == s
    # Jinja sees nothing to evaluate, however often it renders the text
    assert jinja2.Template(jinja2.Template(out).render()).render() == out


def test_safe_attr_and_none() -> None:
    assert safe_text(None) == ""
    assert safe_text(12) == "12"
    assert safe_attr('a"b\nc') == "a&quot;b&#10;c"
    assert html.unescape(safe_attr(ALL)) == ALL


@pytest.mark.parametrize(
    "obj", [ALL, {"k{{": [ALL, 1, None, True]}, {"a": {"b": {}}}, [{"x": "</script>"}]]
)
def test_safe_json(obj) -> None:
    out = safe_json(obj)
    assert json.loads(out) == obj
    for bad in ("<", ">", "&", "{{", "{%", "{#", "`", "$", "\u2028", "\u2029"):
        assert bad not in out
    assert jinja2.Template(out).render() == out


def test_safe_color_and_href() -> None:
    for ok in ("#abc", "#A1B2C3", "#a1b2c3d4", "red", "rgb(1, 2, 3)", "hsla(10, 50%, 50%, .5)"):
        assert safe_color(ok) == ok
    for bad in (
        "red;background:url(http://x)",
        "url(x)",
        "#12",
        "",
        "expression(alert(1))",
        "red}",
    ):
        with pytest.raises(ValueError):
            safe_color(bad)
    assert safe_href("https://isw.pub/x?a=1&b=2") == "https://isw.pub/x?a=1&amp;b=2"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil", 'https://x" onmouseover="y'):
        with pytest.raises(ValueError):
            safe_href(bad)


def _fig_with(child_factory) -> str:
    m = folium.Map(location=[48, 32], tiles=None)
    marker = folium.CircleMarker([48, 32]).add_to(m)
    child_factory(m, marker)
    return page.finalize_html(m, title="t")


def _between(text: str, start: str, end: str) -> str:
    i = text.index(start) + len(start)
    return text[i : text.index(end, i)]


def test_folium_popup_tooltip_and_macro_survive_jinja_rerendering() -> None:
    """folium renders MacroElement output through Jinja a second time; escaped text must come out unchanged."""

    class Probe(MacroElement):
        _template = Template(
            "{% macro html(this, kwargs) %}<p id='probe-html'>{{ this.text }}</p>{% endmacro %}"
            "{% macro script(this, kwargs) %}var probeText = `{{ this.text }}`;{% endmacro %}"
        )

        def __init__(self, text: str) -> None:
            super().__init__()
            self._name = "Probe"
            self.text = text

    def add(m, marker):
        folium.Popup(f"<span class='pp'>{safe_text(ALL)}</span>").add_to(marker)
        folium.Tooltip(f"<span class='tt'>{safe_text(ALL)}</span>").add_to(marker)
        Probe(safe_text(ALL)).add_to(m)
        m.get_root().html.add_child(Element(f"<p id='probe-el'>{safe_text(ALL)}</p>"))

    out = _fig_with(add)
    flat = ALL.replace(
        "\n", " "
    )  # folium's Popup turns newlines into spaces; HTML collapses them anyway
    assert html.unescape(_between(out, "<span class='pp'>", "</span>")) == flat
    assert html.unescape(_between(out, "<span class='tt'>", "</span>")) == ALL
    assert html.unescape(_between(out, "<p id='probe-html'>", "</p>")) == ALL
    assert html.unescape(_between(out, "<p id='probe-el'>", "</p>")) == ALL
    assert html.unescape(_between(out, "var probeText = `", "`;")) == ALL
    assert "49" not in out.split("</head>")[1]  # no {{ 7*7 }} evaluated anywhere
    assert 'window.__pwned=1">' not in out and "<img src=x" not in out


def test_unescaped_text_would_be_evaluated() -> None:
    """The hazard is real: without safe_text folium evaluates Jinja in a Tooltip."""
    out = _fig_with(lambda m, marker: folium.Tooltip("{{ 7*7 }}").add_to(marker))
    assert "49" in out


# --- offline assets -----------------------------------------------------------------------------------------


def _sample_map() -> folium.Map:
    m = folium.Map(location=[48.5, 32.0], zoom_start=6, tiles=None)
    fg = folium.FeatureGroup(name="units").add_to(m)
    fg2 = folium.FeatureGroup(name="lines", show=False).add_to(m)
    sidc = app6.sidc_for("infantry", "company")
    folium.Marker(
        [48.46, 35.04],
        icon=symbols.unit_div_icon(sidc, [ALL]),
        popup=folium.Popup(safe_text(ALL)),
        tooltip=folium.Tooltip(safe_text(ALL)),
    ).add_to(fg)
    folium.Marker([49.0, 33.0]).add_to(fg)  # Leaflet's default marker icon (inlined images)
    folium.PolyLine([[48, 30], [49, 33]], color="#d62728").add_to(fg2)
    folium.GeoJson(
        safe_geojson(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"n": ALL},
                        "geometry": {"type": "Point", "coordinates": [30, 50]},
                    }
                ],
            }
        ),
        tooltip=folium.GeoJsonTooltip(["n"]),
    ).add_to(m)
    folium.FitBounds([[44, 22], [52, 40]]).add_to(m)
    for ctl in (
        controls.CoordinatesControl(),
        controls.FullscreenControl(),
        controls.MeasureControl(),
        controls.ScaleControl(),
        controls.GroupedLayerControl(
            [("Situation", [("U", fg, "red"), ("L", fg2, "#00f", "line")])]
        ),
        controls.TitlePanel(safe_text(ALL), "d", safe_text(ALL), [safe_text(ALL)]),
        controls.FooterControl(safe_text("front"), safe_text("credits")),
    ):
        ctl.add_to(m)
    return m


def test_no_external_urls_in_output() -> None:
    out = page.finalize_html(_sample_map(), title=ALL)
    assert assets.external_urls(out) == []
    for cdn in ("cdn.jsdelivr", "cdnjs", "jquery.com", "bootstrapcdn", "sourceMappingURL"):
        assert cdn not in out
    assert (
        out.count("<script") == out.count("<script>") == 5
    )  # Leaflet, shim, controls, L_NO_TOUCH, the map
    assert "user-scalable=no" not in out
    assert f"<title>{safe_text(ALL)}</title>" in out
    assert '<html lang="en">' in out


def test_external_url_scanner_finds_fetches() -> None:
    found = assets.external_urls(
        '<script src="https://a/x.js"></script><link rel="stylesheet" href="//b/y.css">'
        "<style>@import 'http://c/z.css'; .x{background:url(https://d/i.png)}</style>"
        '<img srcset="a.png 1x, https://e/2x.png 2x"><a href="https://ok.example/">not fetched</a>'
    )
    assert found == [
        "//b/y.css",
        "http://c/z.css",
        "https://a/x.js",
        "https://d/i.png",
        "https://e/2x.png",
    ]


def test_leaflet_assets_are_inlined() -> None:
    assert len(assets.leaflet_js()) > 140_000
    assert "sourceMappingURL" not in assets.leaflet_js()
    assert (
        "images/" not in assets.leaflet_css() and "data:image/png;base64," in assets.leaflet_css()
    )
    for name in ("controls.js", "controls.css", "jquery_shim.js", "page.css"):
        text = assets.template_text(name)
        assert "</script" not in text.lower() and "{{" not in text and "{%" not in text
        assert assets.external_urls(text) == []


def test_cdn_plugins_are_refused() -> None:
    from folium.plugins import MeasureControl as FoliumMeasure

    m = folium.Map(tiles=None)
    FoliumMeasure().add_to(m)
    with pytest.raises(ValueError, match="MeasureControl"):
        page.finalize_html(m, title="x")
    m = folium.Map(tiles=None)
    folium.Marker([48, 32], icon=folium.Icon()).add_to(m)
    with pytest.raises(ValueError, match="DivIcon"):
        page.finalize_html(m, title="x")
    # the class-level defaults are untouched
    assert any("leaflet" in url for _, url in folium.Map.default_js)


def test_online_tiles_are_opt_in_with_attribution() -> None:
    layer = assets.online_tiles("OpenStreetMap.Mapnik")
    assert layer.tiles.startswith("https://") and "OpenStreetMap" in layer.options["attribution"]
    assert assets.online_tiles("Esri.WorldImagery").options["attribution"]
    from mapper.errors import UsageError

    with pytest.raises(UsageError, match="choose from"):
        assets.online_tiles("Nope")


# --- page -----------------------------------------------------------------------------------------------------


def test_output_is_deterministic() -> None:
    a = page.finalize_html(_sample_map(), title="same", body_after="<p>t</p>")
    m = _sample_map()
    m.get_root().render()  # an earlier render (random ids) must not change the result
    b = page.finalize_html(m, title="same", body_after="<p>t</p>")
    c = page.finalize_html(m, title="same", body_after="<p>t</p>")
    assert a == b == c
    assert not re.search(r"[0-9a-f]{32}", a.split("</style>")[-1]), "a random id survived"


def test_layout_and_panels() -> None:
    out = page.finalize_html(
        _sample_map(),
        title="T",
        lang="uk",
        body_before="<p id='before'>b</p>",
        body_after="<table></table>",
    )
    assert '<html lang="uk">' in out
    assert (
        '<aside id="mapper-side" class="mapper-side" tabindex="-1"><table></table></aside>' in out
    )
    assert out.index("id='before'") < out.index('class="mapper-map"') < out.index("<aside")
    assert 'href="#mapper-side"' in out
    with pytest.raises(ValueError):
        page.finalize_html(_sample_map(), title="T", lang='en" onload="x')


def test_hand_added_figure_content_is_kept_once() -> None:
    m = folium.Map(tiles=None)
    m.get_root().header.add_child(Element("<style>.hand{}</style>"), name="hand")
    once = page.finalize_html(m, title="x")
    twice = page.finalize_html(m, title="x")
    assert once == twice and once.count(".hand{}") == 1


def test_page_overhead_is_small() -> None:
    n = page.page_overhead()
    leaflet = len(assets.leaflet_js()) + len(assets.leaflet_css())
    assert n < leaflet + 25_000, n


def test_controls_validate_input() -> None:
    fg = folium.FeatureGroup()
    with pytest.raises(ValueError):
        controls.GroupedLayerControl([("g", [("x", fg, "red;x:url(y)")])])
    with pytest.raises(ValueError):
        controls.GroupedLayerControl([("g", [("x", fg, "red", "star")])])
    with pytest.raises(ValueError):
        controls.MeasureControl(position="middle")
    m = folium.Map(tiles=None)
    controls.ScaleControl().add_to(fg)
    fg.add_to(m)
    with pytest.raises(TypeError):
        page.finalize_html(m, title="x")


# --- symbols --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [*app6.KINDS, None])
def test_every_kind_renders_valid_svg(kind) -> None:
    for echelon in (None, "team", "platoon", "battalion", "brigade", "corps"):
        sidc = app6.sidc_for(kind, echelon)
        assert re.fullmatch(r"1003100[02][0-9]{12}", sidc)
        svg = app6.symbol_svg(sidc, 30)
        root = ET.fromstring(svg)
        assert root.tag.endswith("svg")
        assert app6.symbol_svg(sidc, 30) == svg
        (w, h), (ax, ay) = app6.symbol_anchor(sidc, 30)
        assert 20 <= w <= 80 and 20 <= h <= 90 and 0 < ax < w and 0 < ay <= h
        assert "{" not in svg and "`" not in svg and "$" not in svg


def test_sidc_details() -> None:
    assert app6.sidc_for("infantry", "battalion") == "10031000161211000000"
    assert app6.sidc_for("Mechanized Infantry", "Brigade") == app6.sidc_for(
        "mechanised_infantry", "brigade"
    )
    assert app6.sidc_for("hq", "division")[7] == "2"  # headquarters staff
    assert app6.sidc_for("infantry", None, affiliation="hostile")[3] == "6"
    from mapper.scenario import ECHELONS

    assert set(app6.ECHELONS) >= set(ECHELONS)  # every echelon the format accepts has a code
    with pytest.raises(ValueError, match="expected one of"):
        app6.sidc_for("cavalry charge", None)
    with pytest.raises(ValueError, match="expected one of"):
        app6.sidc_for("infantry", "army group")


def test_symbols_are_distinct_and_fresh_process_stable() -> None:
    svgs = {app6.symbol_svg(app6.sidc_for(k, "company")) for k in app6.KINDS}
    assert len(svgs) == len(app6.KINDS)
    # a frame without echelon differs from one with
    assert app6.symbol_svg(app6.sidc_for("infantry", None)) != app6.symbol_svg(
        app6.sidc_for("infantry", "company")
    )


def test_unit_icon_html_escapes_label() -> None:
    sidc = app6.sidc_for("artillery", "battery")
    out = symbols.unit_icon_html(sidc, ["<b>{{ 7*7 }}</b>", "120 troops", ""])
    assert "&lt;b&gt;&#123;&#123; 7*7 &#125;&#125;&lt;/b&gt;<br>120 troops</div>" in out
    icon = symbols.unit_div_icon(sidc, ["x"])
    assert icon.options["class_name"] == "mapper-unit-icon"
    assert tuple(icon.options["icon_size"]) == app6.symbol_anchor(sidc)[0]


# --- atomic writes --------------------------------------------------------------------------------------------


def test_atomic_write_creates_and_refuses_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "map.html"
    atomic.atomic_write(target, "héllo", overwrite=False)
    assert target.read_text(encoding="utf-8") == "héllo"
    with pytest.raises(OutputError, match="--overwrite"):
        atomic.atomic_write(target, "new", overwrite=False)
    assert target.read_text(encoding="utf-8") == "héllo"
    atomic.atomic_write(target, b"\x00bytes", overwrite=True)
    assert target.read_bytes() == b"\x00bytes"
    assert sorted(p.name for p in target.parent.iterdir()) == ["map.html"]
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)
    with pytest.raises(OutputError, match="folder"):
        atomic.atomic_write(tmp_path / "a", "x", overwrite=True)


def test_atomic_write_failure_leaves_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.html"
    target.write_text("old", encoding="utf-8")

    def boom(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", boom)
    with pytest.raises(OutputError, match="No space left"):
        atomic.atomic_write(target, "new" * 1000, overwrite=True)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.html"]

    monkeypatch.undo()

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic.atomic_write(target, "new", overwrite=True)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.html"]


def test_atomic_dir(tmp_path: Path) -> None:
    target = tmp_path / "gallery"
    with atomic.atomic_dir(target, overwrite=False) as d:
        (d / "index.html").write_text("v1")
        assert not target.exists()
    assert (target / "index.html").read_text() == "v1"
    with (
        pytest.raises(OutputError, match="--overwrite"),
        atomic.atomic_dir(target, overwrite=False),
    ):
        pass
    with pytest.raises(RuntimeError), atomic.atomic_dir(target, overwrite=True) as d:
        (d / "index.html").write_text("half")
        raise RuntimeError("build failed")
    assert (target / "index.html").read_text() == "v1"
    with atomic.atomic_dir(target, overwrite=True) as d:
        (d / "page.html").write_text("v2")
    assert sorted(os.listdir(target)) == ["page.html"]
    assert sorted(os.listdir(tmp_path)) == ["gallery"]


def test_every_scenario_kind_and_echelon_has_a_symbol() -> None:
    """The scenario format's vocabulary (what the loader accepts) must all be drawable."""
    from mapper.scenario import ECHELONS, UNIT_KINDS

    for kind in UNIT_KINDS:
        for echelon in (None, *ECHELONS):
            sidc = app6.sidc_for(kind, echelon)
            assert len(sidc) == 20
    assert app6.sidc_for("unit", None) == app6.sidc_for(None, None)


def test_symbol_cache_round_trip_and_poisoned_entries_are_ignored(tmp_path, monkeypatch) -> None:
    """Drawn symbols are cached per user; an entry with markup milsymbol never draws is not trusted."""
    import json

    from mapper.scenario import ECHELONS, UNIT_KINDS

    monkeypatch.setenv("MAPPER_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("MAPPER_NO_CACHE", raising=False)
    for fn in (app6._disk_cache, app6._drawn):
        fn.cache_clear()
    sidc = app6.sidc_for("infantry", "brigade")
    drawn = app6.symbol_svg(sidc, 26)
    (cache,) = (tmp_path / "mapper").glob("symbols-milsymbol-*.json")
    data = json.loads(cache.read_text(encoding="utf-8"))
    assert data[f"{sidc}@26"][0] == drawn
    # every symbol the format can ask for passes the cache's own check
    for kind in UNIT_KINDS:
        for echelon in (None, *ECHELONS):
            assert app6._plain_svg(app6.symbol_svg(app6.sidc_for(kind, echelon), 26))
    # a poisoned cache: the entry is ignored and the symbol drawn again
    data[f"{sidc}@26"][0] = '<svg onload="window.__pwned=1"><script>alert(1)</script></svg>'
    cache.write_text(json.dumps(data), encoding="utf-8")
    for fn in (app6._disk_cache, app6._drawn):
        fn.cache_clear()
    assert app6.symbol_svg(sidc, 26) == drawn
    for fn in (app6._disk_cache, app6._drawn):
        fn.cache_clear()


def test_our_templates_compile_on_first_use_once() -> None:
    """``assets.LazyTemplate``: an element class's ``_template`` is compiled when first asked for, once, and is
    the template a plain ``Template(source)`` would be (an instance's own ``_template`` still wins)."""
    import subprocess
    import sys

    from folium.template import Template

    from mapper.render import controls, keysitelayer, layers, overlays, timed
    from mapper.render.assets import LazyTemplate

    classes = [
        value
        for module in (controls, keysitelayer, layers, overlays, timed)
        for value in vars(module).values()
        if isinstance(value, type) and isinstance(vars(value).get("_template"), LazyTemplate)
    ]
    assert len(classes) >= 10
    for cls in classes:
        lazy = vars(cls)["_template"]
        compiled = cls._template
        assert isinstance(compiled, Template)
        assert cls._template is compiled and lazy.__get__(None, cls) is compiled
        assert compiled.module.__dict__.keys() == Template(lazy.source).module.__dict__.keys()
    element = layers.GeoJsonData.__new__(layers.GeoJsonData)
    element._template = Template("own")
    assert element._template.render() == "own"
    # importing the modules compiles none of them
    probe = (
        "from mapper.render import controls, keysitelayer, layers, overlays, timed\n"
        "from mapper.render.assets import LazyTemplate\n"
        "print(all(v._compiled is None for m in (controls, keysitelayer, layers, overlays, timed)"
        " for c in vars(m).values() if isinstance(c, type)"
        " for v in [vars(c).get('_template')] if isinstance(v, LazyTemplate)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"

"""The scenario format's overlay keys (issue #16): ``layers:`` (a user's own points, lines and polygons) and
``annotations:`` (text labels and arrows), as ``mapper.fields`` specs that ``mapper.scenario.SCENARIO`` takes in.

The specs need the scenario's location spec (``at: Kyiv``, ``{lat, lon}``, ``{place, oblast}``) but
``mapper.scenario`` imports this module, so they are built by :func:`layers_field` and
:func:`annotations_field` from the ``LOCATION`` the caller passes in (one line each in ``SCENARIO``).

These specs only check what a value looks like; :mod:`mapper.overlays` resolves it (locations through the loader's
callback, files under the front-line file rule) and checks how the keys fit together (one source per layer,
``lat:``/``lon:`` for a CSV only ...).

```yaml
layers:
  - name: Reported strikes
    file: strikes.csv          # CSV, GeoJSON, GeoPackage, KML or KMZ, inside the scenario's folder
    lat: latitude              # CSV only: the columns holding the coordinates (both required)
    lon: longitude
    style: {colour: darkred, marker: cross, size: 8, opacity: 0.9}
    popup: [date, target]      # attributes shown in each feature's popup
    legend: Reported strikes (ACLED)
  - name: Air defence (hostile)
    points:
      - {at: {lat: 47.1, lon: 37.5}, name: S-300 site, attributes: {source: OSINT}}
    style: {sidc: "10061000001301000000"}
annotations:
  - {text: Ceasefire line, at: {lat: 47.6, lon: 35.2}, size: 14}
  - {arrow: {from: Melitopol, to: Zaporizhzhia}, text: axis of advance, colour: red}
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode

from mapper.fields import (
    _NULL_TAG,
    INVALID,
    Choice,
    Colour,
    Context,
    Field,
    ListOf,
    Num,
    Record,
    Spec,
    Str,
    describe,
    join,
    key_label,
    unsafe_text,
)

__all__ = [
    "MARKERS",
    "MAX_ANNOTATIONS",
    "MAX_ATTRIBUTES",
    "MAX_ATTRIBUTE_CHARS",
    "MAX_INLINE_FEATURES",
    "MAX_LAYERS",
    "Attributes",
    "annotation_spec",
    "annotations_field",
    "layer_spec",
    "layers_field",
]

#: overlay layers per scenario (each its own map layer and legend entry)
MAX_LAYERS = 50
#: annotations per scenario
MAX_ANNOTATIONS = 500
#: inline points, lines or polygons of one layer (more belong in a file)
MAX_INLINE_FEATURES = 1_000
#: vertices of one inline line or polygon, and points of an arrow
MAX_INLINE_VERTICES = 1_000
#: attributes of one feature, and characters of one attribute value (longer values are cut on reading)
MAX_ATTRIBUTES = 100
MAX_ATTRIBUTE_CHARS = 1_000
MARKERS = ("circle", "square", "triangle", "diamond", "cross")

_DASH = r"\d{1,3}(?:\.\d{1,2})?(?:[ ,]+\d{1,3}(?:\.\d{1,2})?){1,7}"
_NAME = Str(expected="a name", max_len=200)
_COLUMN = Str(expected="a column name", max_len=200)


@dataclass
class Attributes(Spec):
    """Free attributes of an inline feature: a mapping of names to plain values (text, numbers, dates, true or
    false), each kept as the text written (``strength: 010`` stays ``"010"``)."""

    expected: str = "a mapping of attribute names to plain values"
    description: str = "free attributes, shown in popups when named in the layer's popup: list"

    def check(self, node: Node, path: str, ctx: Context) -> Any:
        ctx.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if not isinstance(node, MappingNode):
            return self.bad(node, path, ctx)
        if len(node.value) > MAX_ATTRIBUTES:
            return ctx.error(
                node,
                path,
                f"{len(node.value):,} attributes, over the limit of {MAX_ATTRIBUTES:,} per feature",
            )
        out: dict[str, str] = {}
        before = len(ctx.problems)
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _NULL_TAG:
                ctx.error(
                    key_node, path, f"an attribute name must be a word, got {describe(key_node)}"
                )
                continue
            key = key_node.value.strip()
            kpath = join(path, key_label(key))
            value = value_node.value if isinstance(value_node, ScalarNode) else ""
            problem = unsafe_text(key) or unsafe_text(value)
            if not key or len(key) > 200:
                ctx.error(key_node, kpath, "an attribute name must be 1 to 200 characters")
            elif key in out:
                ctx.error(key_node, kpath, f"duplicate attribute {key!r}")
            elif not isinstance(value_node, ScalarNode):
                ctx.error(value_node, kpath, f"expected a plain value, got {describe(value_node)}")
            elif problem:
                ctx.error(value_node, kpath, problem)
            elif len(value_node.value) > MAX_ATTRIBUTE_CHARS:
                ctx.error(
                    value_node,
                    kpath,
                    f"text is {len(value_node.value):,} characters, over the limit of "
                    f"{MAX_ATTRIBUTE_CHARS:,} for an attribute",
                )
            else:
                out[key] = "" if value_node.tag == _NULL_TAG else value_node.value.strip()
        return INVALID if len(ctx.problems) > before else out

    def json_schema(self) -> dict[str, Any]:
        value = {
            "anyOf": [
                {"type": "string", "maxLength": MAX_ATTRIBUTE_CHARS},
                {"type": "number"},
                {"type": "boolean"},
                {"type": "null"},
            ]
        }
        return self._schema(
            {"type": "object", "maxProperties": MAX_ATTRIBUTES, "additionalProperties": value}
        )


STYLE = Record(
    title="Overlay style",
    fields={
        "colour": Field(Colour(), description="line, outline and marker colour (default #1f4e79)"),
        "opacity": Field(
            Num(expected="an opacity", minimum=0, maximum=1),
            description="0 (invisible) to 1 (opaque); default 0.9",
        ),
        "fill_opacity": Field(
            Num(expected="an opacity", minimum=0, maximum=1),
            description="opacity of polygon and marker fills; default 0.25 (polygons), 0.8 (markers)",
        ),
        "weight": Field(
            Num(expected="a line width in pixels", minimum=0, maximum=20),
            description="line width in pixels; default 2",
        ),
        "dash": Field(
            Str(expected="a dash pattern of 2 to 8 numbers in pixels, e.g. '6 4'", pattern=_DASH),
            description="dash pattern in pixels, e.g. '6 4' (6 px on, 4 px off)",
        ),
        "marker": Field(Choice(values=MARKERS), description="point marker shape; default circle"),
        "size": Field(
            Num(expected="a marker size in pixels", minimum=2, maximum=40),
            description="point marker size (diameter) in pixels; default 10",
        ),
        "sidc": Field(
            Str(
                expected="a 20-digit APP-6(D) / MIL-STD-2525D SIDC (e.g. 10061000001211000000 for a "
                "hostile infantry unit)",
                pattern=r"\d{20}",
            ),
            description="draw points as this APP-6 symbol (its affiliation: friend, hostile, neutral ...); "
            "overrides marker",
        ),
    },
    description="How the layer is drawn.",
)


def _locations(location: Spec, minimum: int) -> ListOf:
    return ListOf(location, min_items=minimum, max_items=MAX_INLINE_VERTICES)


@dataclass
class _ListOrRecord(Spec):
    """A shape written as a bare list of locations or as a mapping with a name and attributes; a bare list is
    checked as ``{key: [...]}``."""

    key: str = "through"
    items: Spec | None = None
    record: Spec | None = None
    expected: str = "a list of locations or a mapping"
    description: str = ""

    def check(self, node: Node, path: str, ctx: Context) -> Any:
        assert self.items is not None and self.record is not None
        if isinstance(node, MappingNode):
            return self.record.check(node, path, ctx)
        ctx.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        value = self.items.check(node, join(path, self.key), ctx)
        return {self.key: value, "name": None, "attributes": None}

    def json_schema(self) -> dict[str, Any]:
        assert self.items is not None and self.record is not None
        return self._schema({"anyOf": [self.items.json_schema(), self.record.json_schema()]})


def _feature_specs(location: Spec) -> tuple[Record, Record, Record]:
    """The inline point, line and polygon of a layer, each with a name and attributes."""
    point = Record(
        title="Overlay point",
        fields={
            "at": Field(location, required=True),
            "name": Field(_NAME),
            "attributes": Field(Attributes(), default=None),
        },
    )
    line = Record(
        title="Overlay line",
        fields={
            "through": Field(_locations(location, 2), required=True),
            "name": Field(_NAME),
            "attributes": Field(Attributes(), default=None),
        },
    )
    polygon = Record(
        title="Overlay polygon",
        fields={
            "polygon": Field(_locations(location, 3), required=True),
            "name": Field(_NAME),
            "attributes": Field(Attributes(), default=None),
        },
    )
    return point, line, polygon


def layer_spec(location: Spec) -> Record:
    """One entry of ``layers:``: a name, one source (a file, or inline points, lines and polygons), a style,
    the attributes its popups show and its legend text."""
    point, line, polygon = _feature_specs(location)
    return Record(
        title="Overlay layer",
        fields={
            "name": Field(
                _NAME, required=True, description="the layer's name (map layer, legend, export)"
            ),
            "file": Field(
                Str(expected="a path to a CSV, GeoJSON, GeoPackage, KML or KMZ file", max_len=1000),
                description="a data file inside the scenario's folder",
            ),
            "lat": Field(
                _COLUMN, description="CSV: the column holding latitudes (required for a CSV)"
            ),
            "lon": Field(
                _COLUMN, description="CSV: the column holding longitudes (required for a CSV)"
            ),
            "layer": Field(
                Str(expected="a layer name", max_len=200), description="layer of a multi-layer file"
            ),
            "points": Field(
                ListOf(point, min_items=1, max_items=MAX_INLINE_FEATURES),
                description="inline points: {at: LOCATION, name: ..., attributes: {...}}",
            ),
            "lines": Field(
                ListOf(
                    _ListOrRecord(key="through", items=_locations(location, 2), record=line),
                    min_items=1,
                    max_items=MAX_INLINE_FEATURES,
                ),
                description="inline lines: each a list of locations, or {through: [...], name: ...}",
            ),
            "polygons": Field(
                ListOf(
                    _ListOrRecord(key="polygon", items=_locations(location, 3), record=polygon),
                    min_items=1,
                    max_items=MAX_INLINE_FEATURES,
                ),
                description="inline polygons: each a list of locations, or {polygon: [...], name: ...}",
            ),
            "style": Field(STYLE, default=None),
            "popup": Field(
                ListOf(
                    Str(expected="an attribute name", max_len=200),
                    min_items=1,
                    max_items=50,
                    single_ok=True,
                ),
                default=[],
                description="the attributes shown in each feature's popup, in this order",
            ),
            "legend": Field(Str(max_len=300), description="the legend's text; default the name"),
            "description": Field(Str(max_len=20_000)),
        },
        description="A user's own layer: points, lines or polygons from a file or written inline.",
    )


def layers_field(location: Spec) -> Field:
    """The ``layers:`` key of ``SCENARIO``."""
    return Field(
        ListOf(layer_spec(location), max_items=MAX_LAYERS),
        default=[],
        description="overlay layers: your own points, lines and polygons (CSV, GeoJSON, GeoPackage, KML, KMZ "
        "or inline)",
    )


def annotation_spec(location: Spec) -> Record:
    """One entry of ``annotations:``: a text label ``at:`` a location, or an arrow (``from``/``to`` or
    ``through``) with an optional text."""
    arrow = Record(
        title="Arrow",
        fields={
            "from": Field(location),
            "to": Field(location),
            "through": Field(_locations(location, 2)),
        },
        description="{from: LOCATION, to: LOCATION} or {through: [LOCATION, ...]}; the head is at the end",
    )
    return Record(
        title="Annotation",
        fields={
            "text": Field(Str(max_len=300), description="the label's text (required for a label)"),
            "at": Field(location, description="where a text label is centred"),
            "arrow": Field(arrow),
            "colour": Field(Colour(), description="text and arrow colour; default #222222"),
            "size": Field(
                Num(expected="a text size in pixels", minimum=6, maximum=48),
                description="text size in pixels; default 13",
            ),
        },
        one_of=(("at", "arrow"),),
    )


def annotations_field(location: Spec) -> Field:
    """The ``annotations:`` key of ``SCENARIO``."""
    return Field(
        ListOf(annotation_spec(location), max_items=MAX_ANNOTATIONS),
        default=[],
        description="text labels and arrows drawn on every map",
    )


_FILE_KEYS = ("file",)
_INLINE_KEYS = ("points", "lines", "polygons")


def source_problems(raw: dict[str, Any]) -> list[tuple[str, str]]:
    """How a checked layer's keys fail to fit together, as ``(key, message)`` pairs (empty when they fit): one
    source (a file, or inline features), ``lat``/``lon`` with a CSV only and both of them, ``layer`` with a file
    only."""
    inline = [k for k in _INLINE_KEYS if raw.get(k) is not None]
    has_file = raw.get("file") is not None
    out: list[tuple[str, str]] = []
    if has_file and inline:
        out.append(("", f"give either 'file' or inline {', '.join(map(repr, inline))}, not both"))
    elif not has_file and not inline:
        out.append(("", "expected a source: 'file', or inline 'points', 'lines' or 'polygons'"))
    is_csv = (
        has_file and isinstance(raw["file"], str) and raw["file"].lower().endswith((".csv", ".txt"))
    )
    for key in ("lat", "lon"):
        if raw.get(key) is not None and not is_csv:
            out.append((key, f"'{key}' names a column of a CSV file; this layer has no CSV 'file'"))
    if is_csv:
        missing = [k for k in ("lat", "lon") if raw.get(k) is None]
        if missing:
            out.append(
                (
                    "",
                    f"a CSV layer needs 'lat' and 'lon' (the names of its coordinate columns); "
                    f"missing {' and '.join(map(repr, missing))}",
                )
            )
        if raw.get("layer") is not None:
            out.append(
                ("layer", "'layer' picks a layer of a GeoPackage or KML file; a CSV has one")
            )
    elif raw.get("layer") is not None and not has_file:
        out.append(("layer", "'layer' picks a layer of a 'file'; this layer has none"))
    return out


def dash_numbers(dash: str) -> tuple[float, ...]:
    """A checked dash pattern as numbers: ``"6 4"`` → ``(6.0, 4.0)``."""
    return tuple(float(v) for v in re.split(r"[ ,]+", dash.strip()))

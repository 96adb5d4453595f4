"""Hypothesis strategies for scenario documents: random YAML-shaped data, and the bundled examples mutated
structurally (keys deleted or inserted, values replaced, retyped or swapped for plausible ones, raw garbage in the
text, an explicit YAML tag on a value, a control or bidirectional character written as a YAML escape). Used by the
loader's property tests and by the command-line fuzzing."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import yaml
from hypothesis import strategies as st

from .reference import EXAMPLES

FORMAT_KEYS = [
    "format", "id", "title", "date", "summary", "sources", "assumptions", "front_line", "front_line_layer",
    "occupied", "bands_km", "constraints", "options", "name", "colour", "forces", "hubs", "lines", "areas",
    "zones", "nation", "troops", "at", "kind", "echelon", "sidc", "role", "range_km", "description", "place",
    "oblast", "region", "country", "lat", "lon", "river", "from", "to", "along", "through", "regions",
    "polygon", "buffer_of", "km", "label", "min_distance_from_front_km", "max_distance_to_nato_border_km",
    "allow_in_occupied",
]  # fmt: skip
WORDS = [
    "Kyiv",
    "Odesa",
    "Lyman",
    "Dnipro",
    "bundled",
    "front_line",
    "navy",
    "FR",
    "NO",
    "1",
    "none",
    "",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(WORDS),
    st.text(max_size=12),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
)
plausible = st.one_of(
    st.sampled_from(
        ["Kyiv", "Kiev", "Lyman", "Lyman, Donetsk", "Dnipro", "Odesa", "Rzeszow", "Poland", "navy"]
    ),
    st.integers(min_value=-10, max_value=6000),
    st.floats(min_value=-200, max_value=6000, allow_nan=False),
    st.builds(lambda la, lo: {"lat": la, "lon": lo}, st.floats(-95, 95), st.floats(-185, 185)),
    st.builds(lambda la, lo: {"lat": la, "lon": lo}, st.floats(44, 53), st.floats(22, 40)),
)
keys = st.one_of(st.sampled_from(FORMAT_KEYS), st.text(min_size=1, max_size=8))
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=6)
    ),
    max_leaves=30,
)
top_level = st.fixed_dictionaries(
    {
        "format": st.sampled_from([1, "1", 2]),
        "id": st.sampled_from(["t", "T x"]),
        "title": st.just("T"),
    },
    optional={
        "date": st.sampled_from([dt.date(2025, 3, 27), "2025-03-27", "soon"]),
        "options": documents,
        "bands_km": documents,
        "constraints": documents,
        "front_line": documents,
    },
)


# explicit tags (issue 19): each is ignored with a warning, the value read as written
TAGS = [
    "!!int", "!!float", "!!bool", "!!timestamp", "!!binary", "!!set", "!!omap", "!!pairs", "!!str", "!!null",
    "!!map", "!!seq", "!foo", "!", "!!python/object/apply:os.system", "!<%1b>",
]  # fmt: skip
# YAML escapes giving control and bidirectional characters (refused in text), and tab and newline (allowed)
ESCAPES = ["\\e", "\\0", "\\a", "\\x9b", "\\N", "\\r", "\\u202e", "\\u2066", "\\t", "\\n"]

EXAMPLE_DATA: list[Any] = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in EXAMPLES]


def _paths(obj: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def mutated_examples(draw: st.DrawFn) -> str:
    data = copy.deepcopy(draw(st.sampled_from(EXAMPLE_DATA)))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for k in path[:-1]:
            parent = parent[k]
        last = path[-1]
        action = draw(st.sampled_from(["delete", "replace", "insert", "retype", "plausible"]))
        if (
            action == "plausible"
        ):  # a value of the right kind, to reach the resolution and geometry stages
            parent[last] = draw(plausible)
        elif action == "delete":
            del parent[last]
        elif action == "replace":
            parent[last] = draw(documents)
        elif action == "insert" and isinstance(parent, dict):
            parent[draw(keys)] = draw(documents)
        elif action == "insert" and isinstance(parent, list):
            parent.insert(draw(st.integers(0, len(parent))), draw(documents))
        else:
            value = parent[last]
            parent[last] = [value] if not isinstance(value, list) else {"x": value}
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    damage = draw(st.sampled_from(["none", "garbage", "tag", "escape"]))
    if damage == "garbage":  # raw garbage somewhere in the text
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.text(max_size=8)) + text[at:]
    elif damage in ("tag", "escape"):
        text = draw(_retag_or_escape(text, damage))
    return text


@st.composite
def _retag_or_escape(draw: st.DrawFn, text: str, damage: str) -> str:
    """One ``key: value`` line given a tag (``key: !!timestamp value``) or a double-quoted value with an escape."""
    lines = text.splitlines(keepends=True)
    candidates = [i for i, line in enumerate(lines) if ": " in line]
    if not candidates:
        return text
    i = draw(st.sampled_from(candidates))
    key, value = lines[i].rstrip("\n").split(": ", 1)
    if damage == "tag":
        value = f"{draw(st.sampled_from(TAGS))} {value}"
    else:
        value = '"' + draw(st.sampled_from(["", "Kyiv "])) + draw(st.sampled_from(ESCAPES)) + ' x"'
    lines[i] = f"{key}: {value}\n"
    return "".join(lines)

"""``mapper.jsontext.dumps_indented`` writes the bytes ``json.dumps(value, indent=..., ensure_ascii=False)`` does.

Random JSON-like documents (every kind of text: control characters, lone surrogates, bidi controls, astral
characters; floats of every magnitude and NaN, infinities, -0.0; big ints; empty and nested containers; tuples;
non-text keys) and the values ``json`` refuses, which must be refused the same way.
"""

from __future__ import annotations

import enum
import json
from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapper.jsontext import MAX_LEVEL, dumps_indented

texts = st.text(st.characters(codec=None, exclude_categories=()), max_size=12) | st.sampled_from(
    ["", "\x00", "\x1f\x7f", "\u2028\u2029", "\ud800", "\u202e", '"\\/', "é😀", "a\nb\tc\r"]
)
leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([0.0, -0.0, 1e-320, 5e-324, 1e16, 1e22, 1.7976931348623157e308, 0.1, 123.4])
    | texts
)
keys = texts | st.integers() | st.floats() | st.booleans() | st.none()
documents = st.recursive(
    leaves,
    lambda children: (
        st.lists(children, max_size=5)
        | st.lists(children, max_size=3).map(tuple)
        | st.dictionaries(keys, children, max_size=5)
    ),
    max_leaves=40,
)


@settings(max_examples=400, deadline=None)
@given(documents, st.sampled_from([2, 0, 4, "\t", " ", "--"]))
def test_the_same_text_as_json_dumps(value: Any, indent: int | str) -> None:
    assert dumps_indented(value, indent) == json.dumps(value, indent=indent, ensure_ascii=False)


class Level(enum.IntEnum):
    HIGH = 3


class Text(str):
    pass


class Number(float):
    pass


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        [[], {}, [[]]],
        {"a": {"b": {"c": []}}},
        {3: "int key", 2.5: "float key", True: "bool key", None: "null key", "x": Level.HIGH},
        [Text("sub\u202e"), Number(1.5), Number("nan"), OrderedDict(b=1, a=2)],
        [float("nan"), float("inf"), -float("inf"), -0.0, 10**30],
        {"deep": [[[[[[[[[[1]]]]]]]]]]},
    ],
)
def test_edge_values(value: Any) -> None:
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_nesting_past_the_level_goes_to_json() -> None:
    value: Any = 1
    for _ in range(MAX_LEVEL + 5):
        value = [value]
    assert dumps_indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def _error(call: Any) -> tuple[type, str]:
    try:
        call()
    except Exception as exc:
        return type(exc), str(exc)
    raise AssertionError("no error")


@pytest.mark.parametrize(
    "value",
    [
        {"a": object()},
        [1, {2, 3}],
        {(1, 2): "tuple key"},
        {"a": b"bytes"},
    ],
)
def test_what_json_refuses_is_refused_the_same(value: Any) -> None:
    assert _error(lambda: dumps_indented(value)) == _error(
        lambda: json.dumps(value, indent=2, ensure_ascii=False)
    )


def test_a_circular_reference_is_refused_as_json_refuses_it() -> None:
    loop: list[Any] = []
    loop.append(loop)
    assert _error(lambda: dumps_indented({"x": loop})) == (
        ValueError,
        "Circular reference detected",
    )

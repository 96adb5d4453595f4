"""The shortcuts that make ``mapper analyze`` of 10,000 forces fast give what the long way gives (issue #20).

``fields._scalar`` reads short plain numbers without PyYAML's constructor; ``Choice`` looks words up in a table
instead of scanning its values; the loader skips the geodesic to the pole when a ring cannot reach it. Each is
compared with the long way on random input. (The composer is compared with PyYAML's in
``tests/test_yamlsafe_c.py``, the JSON encoder with ``json.dumps`` in ``tests/test_jsontext.py``.)
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from yaml import Mark
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from mapper import fields
from mapper.fields import Choice, Context
from mapper.geodesy import point_distance_km
from mapper.scenario import FORCE

_resolver = Resolver()
_AT = Mark("s.yaml", 0, 0, 0, None, None)

numbers = st.one_of(
    st.from_regex(r"[-+]?[0-9_]{1,25}(\.[0-9_]{0,25})?([eE][-+]?[0-9]{1,3})?", fullmatch=True),
    st.from_regex(
        r"[-+]?(0x[0-9a-f]{1,5}|0b[01]{1,5}|0[0-7]{1,5}|[0-9]{1,3}(:[0-5][0-9]){1,2})",
        fullmatch=True,
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=False).map(repr),
    st.sampled_from(
        ["0", "-0", "+0", "00", "0.0", "-0.0", "1.", ".5", "1e3", ".nan", "-.inf", "1_000"]
    ),
)


def _long_way(node: ScalarNode) -> Any:
    try:
        return SafeConstructor().construct_object(node, deep=True)
    except (ConstructorError, ValueError, OverflowError, LookupError, AttributeError, TypeError):
        return node.value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (
            a == b and math.copysign(1, a) == math.copysign(1, b)
        )
    return type(a) is type(b) and a == b


@settings(max_examples=500, deadline=None)
@given(numbers)
def test_a_number_reads_as_the_constructor_reads_it(text: str) -> None:
    tag = _resolver.resolve(ScalarNode, text, (True, False))
    node = ScalarNode(tag, text, None, None)
    assert _same(fields._scalar(node), _long_way(node)), (text, tag)


def _scan(choice: Choice, word: str) -> str | None:
    """``Choice.check``'s lookup as it was: the first value, then the first alias, that matches."""
    key = word.lower()
    for value in choice.values:
        if value.lower() == key or value.lower().replace("_", " ") == key:
            return value
    for alias, value in choice.aliases.items():
        if alias.lower() == key:
            return value
    return None


words = st.text(st.sampled_from("aAbB_ -"), max_size=5)


@settings(max_examples=300, deadline=None)
@given(st.lists(words, max_size=6), st.dictionaries(words, words, max_size=4), words)
def test_a_word_finds_the_value_a_scan_finds(
    values: list[str], aliases: dict[str, str], written: str
) -> None:
    choice = Choice(values=tuple(values), aliases=aliases)
    node = ScalarNode("tag:yaml.org,2002:str", written, _AT, _AT)
    ctx = Context(file="s.yaml")
    got = choice.check(node, "k", ctx)
    expected = _scan(choice, " ".join(written.replace("_", " ").split()))
    assert got == expected if expected is not None else got is fields.INVALID


def test_the_scenario_choices_find_every_value_and_alias() -> None:
    for spec in (FORCE.fields["nation"].spec, FORCE.fields["kind"].spec, FORCE.fields["role"].spec):
        assert isinstance(spec, Choice)
        for written in [*spec.values, *spec.aliases]:
            for form in (written, written.upper(), written.replace("_", " ")):
                node = ScalarNode("tag:yaml.org,2002:str", form, _AT, _AT)
                word = " ".join(form.replace("_", " ").split())
                assert spec.check(node, "k", Context(file="s.yaml")) == _scan(spec, word)


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=-90, max_value=90), st.floats(min_value=-180, max_value=180))
def test_the_pole_bound_is_below_the_geodesic(lat: float, lon: float) -> None:
    # the loader's shortcut: a ring of at most (90 - |lat|) * 110.5 - 1 km never reaches the pole
    pole = 90.0 if lat >= 0 else -90.0
    km = float(point_distance_km(lat1=lat, lon1=lon, lat2=pole, lon2=lon)[0])
    assert (90.0 - abs(lat)) * 110.5 <= km + 1e-9

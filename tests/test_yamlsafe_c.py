"""libyaml's parser under mapper's composer reads every text as PyYAML's pure-Python one does.

``mapper.yamlsafe`` takes its events from libyaml when PyYAML has it and from the pure-Python parser otherwise; the
composer (depth bound, tags dropped, alias budget) is the same. These tests compose the same texts both ways and
compare everything the validator uses: node kinds, tags, values, scalar styles, start and end marks, shared
(aliased) nodes, tag warnings, and, for refused texts, the messages and their positions. They also check the
limits of each path (the pure-Python parser is only used up to ``MAX_PURE_BYTES``).
"""

from __future__ import annotations

import gc
import random
from pathlib import Path
from typing import Any

import pytest

from mapper import yamlsafe
from mapper.errors import ScenarioError
from mapper.yamlsafe import MappingNode, SequenceNode

ROOT = Path(__file__).resolve().parents[1]
needs_libyaml = pytest.mark.skipif(yamlsafe._CParser is None, reason="PyYAML without libyaml")


def _graph(root: Any) -> Any:
    """The node graph as plain data: kind, tag, marks (line, column) and value; a node met again (an alias) is
    a reference to its first visit, so sharing is compared too."""
    seen: dict[int, int] = {}

    def walk(node: Any) -> Any:
        if id(node) in seen:
            return ("alias", seen[id(node)])
        seen[id(node)] = len(seen)
        marks = (
            node.start_mark.line,
            node.start_mark.column,
            node.end_mark.line,
            node.end_mark.column,
        )
        if isinstance(node, MappingNode):
            value: Any = [(walk(k), walk(v)) for k, v in node.value]
        elif isinstance(node, SequenceNode):
            value = [walk(item) for item in node.value]
        else:
            value = (node.value, node.style)
        return (type(node).__name__, node.tag, marks, value)

    return walk(root)


def _outcome(text: str, *, pure: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as m:
        if pure:
            m.setattr(yamlsafe, "_CParser", None)
        try:
            doc = yamlsafe.compose(text, "s.yaml")
        except ScenarioError as exc:
            return ("refused", [(p.message, p.line, p.column) for p in exc.problems])
    return ("read", _graph(doc.root), [(p.message, p.line, p.column) for p in doc.warnings])


def _same(text: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    fast = _outcome(text, pure=False, monkeypatch=monkeypatch)
    assert fast == _outcome(text, pure=True, monkeypatch=monkeypatch), repr(text[:200])
    return fast


def _files() -> list[Path]:
    found = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(
        (ROOT / "tests" / "data").rglob("*.yaml")
    )
    return [p for p in found if p.stat().st_size <= yamlsafe.MAX_PURE_BYTES]


HOSTILE = {
    "deep_flow": "[" * 60 + "]" * 60 + "\n",
    "deep_block": "".join("  " * i + "k:\n" for i in range(60)),
    "alias_bomb": "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 10)),
    "aliases_within_budget": "base: &b {lat: 50.1, lon: 30.2}\nforces:\n"
    + "".join(f"  - {{name: F{i}, at: *b}}\n" for i in range(50)),
    "recursive_alias": "a: &a [*a]\n",
    "undefined_alias": "a: *nope\n",
    "duplicate_anchor": "a: &x 1\nb: &x 2\n",
    "merge_key": "a: &a {x: 1}\nb: {<<: *a, y: 2}\n",
    "tags": 'a: !!int "3"\nb: !foo [1]\nc: !!map {x: 1}\nd: !<tag:x> v\ne: !!python/object:os.system ls\n',
    "tag_in_flow": "a: {b: !!str 1, c: !x [2]}\n",
    "duplicate_keys": "a: 1\na: 2\nb: {c: 1, c: 2}\n",
    "unterminated_double_quote": 'a: "abc\nb: c\n',
    "unterminated_single_quote": "a: 'abc\nb: c\n",
    "unclosed_flow": "a: [1, 2\n",
    "unclosed_flow_mapping": "a: {b: 1\n",
    "tab_indent": "a:\n\tb: 1\n",
    "tab_after_colon": "a: \tb\n",
    "tab_in_flow": "a: [1,\t2]\n",
    "tab_in_quotes": 'a: "x\ty"\n',
    "byte_order_mark_inside": "a: 1\n\ufeffb: 2\n",
    "bad_indent": "a:\n  b: 1\n c: 2\n",
    "mapping_value_in_plain": "a: b: c\n",
    "stray_bracket": "a: ]\n",
    "at_sign": "a: @x\n",
    "bad_escape": 'a: "\\q"\n',
    "short_hex_escape": 'a: "\\x4"\n',
    "escape_beyond_unicode": 'a: "\\U0011FFFF"\n',
    "escaped_surrogate": 'a: "\\ud800"\n',
    "question_in_flow_plain": "a: {b: c?d, e?: f}\n",
    "colon_comma_in_flow": "a: {b:, c: 1}\n",
    "empty_flow_values": "a: {b: , c: 1}\nd: [, ]\n",
    "two_documents": "a: 1\n---\nb: 2\n",
    "directive": "%YAML 1.1\n---\na: 1\n",
    "bad_directive": "%YAML 2.0\n---\na: 1\n",
    "unicode_columns": 'ключ😀: [a, {b: "😀", c: 1}]\nd: e\u2028f: 2\n',
    "line_ends": "a: 1\r\nb: [1,\r\n 2]\rc: 3\x85d: 4\n",
    "block_scalars": "a: |\n  x\n  y\nb: >-\n  p\n  q\nc: |x\n",
    "long_implicit_key": "x" * 1030 + ": 1\n",
    "complex_key": "? [a, b]\n: c\n",
    "control_character": "a: \x07\n",
    "empty": "",
    "comment_only": "# nothing\n",
}


@needs_libyaml
@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_bundled_and_test_file_reads_the_same_both_ways(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    try:
        text = yamlsafe.decode_text(path.read_bytes(), str(path))
    except ScenarioError:
        pytest.skip("refused before parsing (encoding)")
    _same(text, monkeypatch)


@needs_libyaml
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_documents_read_or_refused_the_same_both_ways(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _same(HOSTILE[name], monkeypatch)


@needs_libyaml
def test_refusals_keep_their_messages_and_positions(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _same(HOSTILE["tab_indent"], monkeypatch) == (
        "refused",
        [
            (
                "invalid YAML: while scanning for the next token, found character '\\t' that cannot start any token",
                2,
                1,
            )
        ],
    )
    assert _same(HOSTILE["deep_flow"], monkeypatch)[1][0][0] == (
        "nesting deeper than 50 levels: not a scenario file"
    )
    assert (
        "aliases expand to over 1,000,000 values"
        in _same(HOSTILE["alias_bomb"], monkeypatch)[1][0][0]
    )
    assert _same(HOSTILE["escape_beyond_unicode"], monkeypatch)[1] == [
        (
            "invalid YAML: while scanning a double-quoted scalar, found an escape code beyond U+10FFFF, "
            "which is not a character",
            1,
            7,
        )
    ]
    assert "escaped UTF-16 surrogate" in _same(HOSTILE["escaped_surrogate"], monkeypatch)[1][0][0]
    tags = _same(HOSTILE["tags"], monkeypatch)
    assert [w[1:] for w in tags[2]] == [(1, 4), (2, 4), (3, 4), (4, 4), (5, 4)]


@needs_libyaml
def test_mutated_scenarios_read_or_refused_the_same_both_ways(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Random edits of the bundled scenarios (seeded): this is how the differences between the parsers that
    ``_CBoundedLoader.lenient`` and the pure-Python fallback cover were found."""
    rng = random.Random(20)
    bases = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "scenarios").glob("*.yaml"))]
    alphabet = " \n:-[]{},#&*!|>'\"?%@`\\\t\r\u00e9\U0001f600"
    for _ in range(300):
        text = rng.choice(bases)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(text))
            op = rng.random()
            if op < 0.4:
                text = text[:at] + rng.choice(alphabet) + text[at:]
            elif op < 0.7:
                text = text[:at] + text[at + rng.randint(1, 3) :]
            else:
                text = text[:at] + rng.choice(alphabet) + text[at + 1 :]
        _same(text, monkeypatch)


@needs_libyaml
def test_a_generated_scenario_is_read_by_libyaml_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    forces = "".join(
        f"      - {{name: Force {i}, nation: FR, troops: {100 + i}, kind: infantry, "
        f"at: {{lat: {47 + i / 1000:.4f}, lon: {30 - i / 1000:.4f}}}}}\n"
        for i in range(500)
    )
    text = (
        "format: 1\nid: big\ntitle: Big\noptions:\n  - id: a\n    name: A\n    forces:\n" + forces
    )

    def no_pure_parser(*_: object) -> None:
        raise AssertionError("the pure-Python parser was used")

    expected = _same(text, monkeypatch)
    with monkeypatch.context() as m:
        m.setattr(yamlsafe._BoundedLoader, "__init__", no_pure_parser)
        assert _outcome(text, pure=False, monkeypatch=monkeypatch) == expected


@needs_libyaml
def test_over_the_pure_limit_a_tab_is_a_located_error(monkeypatch: pytest.MonkeyPatch) -> None:
    big = "a: " + "x" * yamlsafe.MAX_PURE_BYTES + "\nb:\t1\n"
    with pytest.raises(ScenarioError) as info:
        yamlsafe.compose(big, "big.yaml")
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (2, 3)
    assert problem.message == (
        f"invalid YAML: a tab character in a file over {yamlsafe.MAX_PURE_BYTES:,} bytes; use spaces"
    )


@needs_libyaml
def test_over_the_pure_limit_a_syntax_error_gets_libyaml_message_reworded() -> None:
    big = "a: " + "x" * yamlsafe.MAX_PURE_BYTES + "\nb: @c\n"
    with pytest.raises(ScenarioError) as info:
        yamlsafe.compose(big, "big.yaml")
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (2, 4)
    assert problem.message == (
        "invalid YAML: while scanning for the next token, found character '@' that cannot start any token"
    )


def test_without_libyaml_a_big_file_is_refused_not_parsed_for_a_minute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(yamlsafe, "_CParser", None)
    big = "a: " + "x" * yamlsafe.MAX_PURE_BYTES + "\n"
    with pytest.raises(ScenarioError, match="which this PyYAML lacks"):
        yamlsafe.compose(big, "big.yaml")
    assert yamlsafe.compose("a: 1\n", "small.yaml").root.value[0][1].value == "1"


@pytest.mark.parametrize("enabled", [True, False])
def test_the_garbage_collector_is_left_as_it_was(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        yamlsafe.compose("a: [1, 2]\n", "s.yaml")
        with pytest.raises(ScenarioError):
            yamlsafe.compose("a: [1, 2\n", "s.yaml")
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()

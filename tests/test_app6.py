"""The lazy milsymbol symbol table (``app6._LazyNumberTable``): it must be milsymbol's own table, entry for
entry, and draw exactly the SVG plain milsymbol draws."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from typing import Any

import pytest
from milsymbol import Symbol, symbol

from mapper import app6


@pytest.fixture(scope="module")
def raw() -> bytes:
    with gzip.open(symbol._DATA_DIR / "number-data.json.gz", "rb") as fh:
        return fh.read()


@pytest.fixture(scope="module")
def full(raw: bytes) -> dict[str, Any]:
    return json.loads(raw)


@pytest.fixture
def table_as(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Set milsymbol's table for one test (restored afterwards)."""

    def use(table: Any) -> None:
        monkeypatch.setattr(symbol, "_number_data", table)

    yield use


def _sidcs() -> list[str]:
    # every kind x echelon x affiliation the maps draw, plus no kind and no echelon
    return [
        app6.sidc_for(kind, echelon, affiliation)
        for kind in (None, *app6.KINDS)
        for echelon in (None, *app6.ECHELONS)
        for affiliation in app6.AFFILIATIONS
    ]


def test_lazy_table_has_exactly_the_top_level_keys(raw: bytes, full: dict[str, Any]) -> None:
    lazy = app6._LazyNumberTable(lambda: raw)
    assert len(lazy) == len(full) > 30_000
    assert list(lazy) == list(full)


def test_lazy_entries_equal_the_decoded_table(raw: bytes, full: dict[str, Any]) -> None:
    lazy = app6._LazyNumberTable(lambda: raw)
    keys = list(full)
    # the first, the last, and a spread in between: spans at both ends of the file are the risky ones
    for key in [keys[0], keys[-1], *keys[:: len(keys) // 200]]:
        assert key in lazy
        assert lazy[key] == full[key]
        assert lazy[key] is lazy[key]  # decoded once, like the dict milsymbol would hold
    for missing in ("10031000000000000099", "not a sidc", "1003100000000000000"):
        assert missing not in lazy
        with pytest.raises(KeyError):
            lazy[missing]


def test_drawn_symbols_equal_plain_milsymbol(
    raw: bytes, full: dict[str, Any], table_as: Any
) -> None:
    sidcs = _sidcs()
    assert len(sidcs) > 100
    table_as(full)
    plain = {s: (Symbol(s, size=30).as_svg(), Symbol(s).is_valid()) for s in sidcs}
    lazy = app6._LazyNumberTable(lambda: raw)
    table_as(lazy)
    for s in sidcs:
        assert (Symbol(s, size=30).as_svg(), Symbol(s).is_valid()) == plain[s], s
        base = s[:16] + "0000"
        if base in full:
            assert lazy[base] == full[base]


def test_layout_surprise_falls_back_to_the_whole_table(raw: bytes, full: dict[str, Any]) -> None:
    # a key whose match is not preceded by ", " is not trusted: the whole table is decoded instead
    first, second = list(full)[:2]
    at = raw.index(f'"{second}": '.encode())
    shifted = raw[: at - 2] + b",  " + raw[at:]  # still valid JSON, one more space before the key
    lazy = app6._LazyNumberTable(lambda: shifted)
    assert lazy[second] == full[second]
    assert lazy[first] == full[first]


def test_install_only_over_an_unloaded_table(table_as: Any, full: dict[str, Any]) -> None:
    table_as(full)
    app6._lazy_table_once.cache_clear()
    app6._lazy_table_once()
    assert symbol._number_data is full  # milsymbol's own table, already loaded, is left alone
    table_as(None)
    app6._lazy_table_once.cache_clear()
    assert app6._lazy_table_once() is symbol._number_data
    assert isinstance(symbol._number_data, app6._LazyNumberTable)
    app6._lazy_table_once.cache_clear()


def test_prepared_answers_are_used_without_reading_the_table(
    full: dict[str, Any], table_as: Any
) -> None:
    # the committed product answers every lookup of the SIDCs sidc_for makes: the table is never decompressed
    table_as(None)
    app6._lazy_table_once.cache_clear()
    table = app6._lazy_table_once()
    assert table is not None and table._known
    for sidc in _sidcs():
        assert (sidc in table) == (sidc in full)
        for key in (sidc, sidc[:16] + "0000"):
            if key in full:
                assert table[key] == full[key]
    assert "_raw" not in vars(table)  # cached_property never computed


def test_a_bad_prepared_answer_is_dropped(raw: bytes, full: dict[str, Any], table_as: Any) -> None:
    sidc = app6.sidc_for("infantry", "battalion")
    table_as(full)
    plain = app6._draw(sidc, 30)
    # a prepared answer with markup in its draw instructions: the SVG is outside the grammar, so it is redrawn
    base = (
        sidc[:6] + "0000" + sidc[10:16] + "0000"
    )  # the entry milsymbol falls back to for an echelon
    bad = {
        "di": [{"type": "path", "d": 'M 0 0" onload="alert(1)', "fill": "red"}],
        "bb": full[base]["bb"],
    }
    known = {sidc: None, sidc[:16] + "0000": None, base: bad}
    lazy = app6._LazyNumberTable(lambda: raw, known)
    table_as(lazy)
    monkey = pytest.MonkeyPatch()
    monkey.setattr(app6, "_lazy_table_once", lambda: lazy)
    monkey.setattr(app6, "_cached", lambda key: None)
    try:
        assert app6._drawn.__wrapped__(sidc, 30) == plain
    finally:
        monkey.undo()
    assert not lazy._known

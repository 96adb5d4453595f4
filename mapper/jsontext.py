"""Indented JSON text, the same bytes as ``json.dumps(value, indent=..., ensure_ascii=False)``, several times faster.

With ``indent`` set, the standard library encodes in pure Python, a generator resumed per token: 10,000 forces
of ``mapper analyze -f json`` (11 MB, a quarter of a million values) took it about a second. ``dumps_indented``
walks the containers in Python but lays each one out in a single ``join`` and writes every leaf with the
standard library's own pieces (its C string encoder, ``int.__repr__``, ``float.__repr__`` with ``NaN`` and
``Infinity`` as ``json`` writes them), so the text cannot differ. Anything it does not handle itself (an object
``json`` would refuse, a non-text key it would refuse, nesting deeper than ``MAX_LEVEL``, which also catches a
circular reference) is handed to ``json.dumps``, which gives its own text or its own error.
``tests/test_jsontext.py`` compares the two on random documents.
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable
from json.encoder import encode_basestring  # the C one when present: ensure_ascii=False's
from typing import Any

__all__ = ["MAX_LEVEL", "dumps_indented"]

MAX_LEVEL = 100  # deeper containers go to json.dumps (its recursion, its circular-reference error)

_INF = float("inf")
_float_repr = float.__repr__
_int_repr = int.__repr__


class _Unsupported(Exception):
    """A value this encoder leaves to ``json.dumps``."""


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INF:
        return "Infinity"
    if value == -_INF:
        return "-Infinity"
    return _float_repr(value)


def _key(key: Any) -> str:
    """A dict key as text, in ``json``'s order of tests (a bool is an int: tested first)."""
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return _int_repr(key)
    raise _Unsupported


def _scalar(value: Any) -> str:
    """A leaf that is not of an exact built-in type (a subclass of str, int or float), as ``json`` tests it."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return _int_repr(value)
    if isinstance(value, float):
        return _float(value)
    raise _Unsupported


_LEAVES: dict[type, Callable[[Any], str]] = {
    str: encode_basestring,
    int: _int_repr,
    float: _float,
    bool: lambda v: "true" if v else "false",
    type(None): lambda v: "null",
}


_LEAF_TYPES = frozenset(_LEAVES)
_EMPTY: dict[type, str] = {list: "[]", tuple: "[]", dict: "{}"}
_SEP = "\x00"  # never in encoded JSON (a NUL in a text is written \u0000): splits a batch of encoded leaves


def _refuse(value: Any) -> Any:
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


# json's C encoder, compact, the leaves of a list NUL-separated: a whole column of leaves in one call
_make = getattr(json.encoder, "c_make_encoder", None)
_batch = (
    None
    if _make is None
    else _make(None, _refuse, encode_basestring, None, ":", _SEP, False, False, True)
)


def _leaves(values: list[Any]) -> list[str] | None:
    """The encoded texts of ``values`` if all are leaves of exact built-in types (else None), in one C call."""
    if _batch is None or not values or not set(map(type, values)) <= _LEAF_TYPES:
        return None
    return "".join(_batch(values, 0))[1:-1].split(_SEP)


class _Encoder:
    def __init__(self, indent: str) -> None:
        self.indent = indent
        self.keys: dict[str, str] = {}  # encoded keys: the same few repeat on every force

    def many(self, values: list[Any], level: int) -> list[str]:
        """The texts of ``values``, each a container's item at ``level``: leaves in one batch; mappings that
        all have the same text keys in the same order (10,000 forces) column by column; else one by one."""
        texts = _leaves(values)
        if texts is not None:
            return texts
        first = values[0] if values else None
        if type(first) is dict and first and all(type(v) is dict for v in values):
            keys = tuple(first)
            if all(type(k) is str for k in keys) and all(tuple(v) == keys for v in values):
                return self._rows(values, keys, level)
        return [self._one(v, level) for v in values]

    def _one(self, value: Any, level: int) -> str:
        leaf = _LEAVES.get(type(value))
        if leaf is not None:
            return leaf(value)
        if not value and type(value) in _EMPTY:  # `violations: []` on every force
            return _EMPTY[type(value)]
        return self.value(value, level)

    def _rows(self, mappings: list[dict[str, Any]], keys: tuple[str, ...], level: int) -> list[str]:
        inner, outer = self._open(level)
        heads = [encode_basestring(k) + ": " for k in keys]
        columns = [self.many([m[k] for m in mappings], level + 1) for k in keys]
        sep = "," + inner
        return [
            "{" + inner + sep.join([h + t for h, t in zip(heads, row, strict=True)]) + outer + "}"
            for row in zip(*columns, strict=True)
        ]

    def value(self, value: Any, level: int) -> str:
        leaf = _LEAVES.get(type(value))
        if leaf is not None:
            return leaf(value)
        if isinstance(value, list | tuple):
            return self.array(value, level)
        if isinstance(value, dict):
            return self.object(value, level)
        return _scalar(value)

    def _open(self, level: int) -> tuple[str, str]:
        if level >= MAX_LEVEL:
            raise _Unsupported
        return "\n" + self.indent * (level + 1), "\n" + self.indent * level

    def array(self, items: list[Any] | tuple[Any, ...], level: int) -> str:
        if not items:
            return "[]"
        inner, outer = self._open(level)
        return "[" + inner + ("," + inner).join(self.many(list(items), level + 1)) + outer + "]"

    def object(self, mapping: dict[Any, Any], level: int) -> str:
        if not mapping:
            return "{}"
        inner, outer = self._open(level)
        value, enc, frepr, irepr, inf = self.value, encode_basestring, _float_repr, _int_repr, _INF
        keys = self.keys
        parts: list[str] = []
        append = parts.append
        for key, item in mapping.items():
            text = keys.get(key) if type(key) is str else None
            if text is None:
                text = self._key_text(key)
            t = type(item)
            if t is str:
                append(text + enc(item))
            elif t is float:
                append(text + (frepr(item) if -inf < item < inf else _float(item)))
            elif t is int:
                append(text + irepr(item))
            elif item is None:
                append(text + "null")
            else:
                append(text + value(item, level + 1))
        return "{" + inner + ("," + inner).join(parts) + outer + "}"

    def _key_text(self, key: Any) -> str:
        """``"key": ``, remembered for text keys (only those: ``True`` and ``1`` are equal as dict keys)."""
        text = encode_basestring(_key(key)) + ": "
        if type(key) is str:
            self.keys[key] = text
        return text


def dumps_indented(value: Any, indent: int | str = 2) -> str:
    """``json.dumps(value, indent=indent, ensure_ascii=False)``, byte for byte (and the same errors)."""
    try:
        return _Encoder(" " * indent if isinstance(indent, int) else indent).value(value, 0)
    except _Unsupported:
        return json.dumps(value, indent=indent, ensure_ascii=False)

"""Edits of a shape from its form, spliced into the YAML text: a line's ``along: {river, from, to}``, an area's
``regions:`` list or ``country:``, a zone's ``buffer_of:`` and ``width_km:`` (or the older ``km:``).

Only the characters of the edited values change (``edit.yaml_scalar`` writes each: quoted when YAML needs it; a
zone's distance as a number). A ``regions:`` list keeps its layout: in a one-line list (``[Lviv, Volyn]``) the
names are replaced one by one, a name removed goes with its comma, a name added goes after the last, ``, Rivne``;
in a block list each ``- name`` line is replaced, removed or added at the items' indentation. Every field of
these is required by the loader, so a field is changed, never added or removed here: an empty value, a key the
item does not write (a zone with ``width_km:`` is given no ``km:``) or a value that is not one scalar in the file
(``from: {place: .., oblast: ..}``) is refused with a message (edit it in the file). As for every edit, the
candidate is then read back (``check``) and loaded by the loader before it is written (``api.Api.edit``): a
river, place or region the gazetteer does not know is refused with the loader's message.
"""

from __future__ import annotations

import re
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mapper.serve.edit import (
    EditError,
    Splice,
    Text,
    _dash_line,
    content_end,
    entry,
    find,
    parse_keypath,
    yaml_scalar,
)
from mapper.serve.shapes import AREA_FIELDS, LINE_FIELDS, ZONE_FIELDS

__all__ = ["check", "shape_splices"]

_KINDS = {"lines": LINE_FIELDS, "areas": AREA_FIELDS, "zones": ZONE_FIELDS}
_NUMBER = re.compile(r"\s*\d+(\.\d+)?\s*")


def _kind(keypath: str) -> str:
    steps = parse_keypath(keypath)
    if (
        len(steps) != 4
        or steps[0] != "options"
        or not isinstance(steps[1], int)
        or steps[2] not in _KINDS
        or not isinstance(steps[3], int)
    ):
        raise EditError("keypath: expected a line, an area or a zone (options[i].lines[j], ...)")
    return str(steps[2])


def shape_splices(t: Text, root: Node, keypath: str, fields: dict[str, Any]) -> list[Splice]:
    """The splices that give the shape at ``keypath`` the values ``fields`` (names of its kind's fields)."""
    kind = _kind(keypath)
    item = find(root, keypath)
    allowed = _KINDS[kind]
    for name in fields:
        if name not in allowed:
            raise EditError(f"{name!r} is not a field of a {kind[:-1]} the form edits")
    if kind == "lines":
        along = entry(item, "along")
        if along is None or not isinstance(along[1], MappingNode):
            raise EditError("this line is not drawn along a river; edit its points on the map")
        return _scalars(t, along[1], fields)
    splices: list[Splice] = []
    if "regions" in fields:
        found = entry(item, "regions")
        if found is None:
            raise EditError("this area is not given by regions; edit it in the file")
        splices += _regions(t, found[1], _region_list(fields["regions"]))
    rest = {k: v for k, v in fields.items() if k != "regions"}
    return splices + _scalars(t, item, rest)


def _scalars(t: Text, mapping: Node, fields: dict[str, Any]) -> list[Splice]:
    out: list[Splice] = []
    for name, value in fields.items():
        found = entry(mapping, name)
        if found is None:
            raise EditError(f"{name}: not written in this item; add it in the file")
        if not isinstance(found[1], ScalarNode):
            raise EditError(f"{name} is not a single value in the file; edit it there")
        node = found[1]
        out.append((t.offset(node.start_mark), t.offset(node.end_mark), _value(name, value)))
    return out


def _value(name: str, value: Any) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise EditError(f"{name}: a value is needed (the loader requires it)")
    if isinstance(value, str):
        value = value.strip()
        if name in ("km", "width_km") and _NUMBER.fullmatch(value):
            value = float(value) if "." in value else int(value)
    return yaml_scalar(value)


def _region_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise EditError("regions: expected a list of region names")
    names = [v.strip() for v in value if v.strip()]
    if not names:
        raise EditError("regions: an area needs at least one region (or delete the area)")
    return names


def _regions(t: Text, node: Node, names: list[str]) -> list[Splice]:
    """``regions:`` written as ``names``, in the list's own layout."""
    texts = [yaml_scalar(n) for n in names]
    start, end = t.offset(node.start_mark), t.offset(node.end_mark)
    if isinstance(node, ScalarNode):  # ``regions: Lviv``
        return [(start, end, texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]")]
    if not isinstance(node, SequenceNode) or not node.value:
        raise EditError("regions is not a list of names in the file; edit it there")
    items = node.value
    if not all(isinstance(i, ScalarNode) for i in items):
        raise EditError("regions is not a list of names in the file; edit it there")
    out: list[Splice] = [
        (t.offset(i.start_mark), t.offset(i.end_mark), text)
        for i, text, name in zip(items, texts, names, strict=False)
        if i.value != name
    ]
    if node.flow_style:
        return out + _flow_rest(t, items, texts)
    return out + _block_rest(t, items, texts)


def _flow_rest(t: Text, items: list[Node], texts: list[str]) -> list[Splice]:
    n = len(texts)
    last = t.offset(items[-1].end_mark)
    if n < len(items):  # from the end of the last kept name to the end of the list's last
        start = t.offset(items[n - 1].end_mark)
        if "#" in t.text[start:last]:
            raise EditError("a comment lies among the regions removed; edit them in the file")
        return [(start, last, "")]
    if n > len(items):
        return [(last, last, "".join(f", {x}" for x in texts[len(items) :]))]
    return []


def _block_rest(t: Text, items: list[Node], texts: list[str]) -> list[Splice]:
    n = len(texts)
    if n < len(items):  # the lines of the names removed
        first = _dash_line(t, items[n])
        return [(t.line_start(first), t.line_end(content_end(items[-1]).line), "")]
    if n > len(items):
        line = _dash_line(t, items[-1])
        dash = t.text[t.line_start(line) :].index("-")
        at = t.line_end(content_end(items[-1]).line)
        block = "".join(f"{' ' * dash}- {x}{t.newline}" for x in texts[len(items) :])
        if at == len(t.text) and not t.text.endswith("\n"):
            block = t.newline + block
        return [(at, at, block)]
    return []


def check(root: Node, keypath: str, fields: dict[str, Any]) -> bool:
    """Whether the shape at ``keypath`` of the candidate's nodes ``root`` reads back with ``fields``."""
    item = find(root, keypath)
    if _kind(keypath) == "lines":
        along = entry(item, "along")
        item = along[1] if along else item
    for name, value in fields.items():
        found = entry(item, name)
        if found is None:
            return False
        if name == "regions":
            got = found[1]
            seq = got.value if isinstance(got, SequenceNode) else [got]
            if [str(getattr(n, "value", None)) for n in seq] != _region_list(value):
                return False
        elif not isinstance(found[1], ScalarNode) or not _same(found[1].value, value):
            return False
    return True


def _same(written: Any, asked: Any) -> bool:
    a, b = str(written).strip(), str(asked).strip()
    if a == b:
        return True
    try:
        return float(a) == float(b)
    except ValueError:
        return False

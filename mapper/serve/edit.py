"""Edits from the map written back into the scenario's YAML text, changing only the text of what was edited.

An edit names a site by its key path (``options[0].forces[2]``, as the loader's ``Force.keypath``; or a point of a
line or area, ``options[0].lines[1].through[3]``) and says what changes: a new position (``move``), new field
values (``set``), a new force or hub (``add``, ``serve.newitem``), a new point of a line or area before that index
(``insert``; the index may be the list's length, to append), the fields of a line along a river, an area by
regions or country, or a zone (``shape``, ``serve.shapeedit``) or none at all (``delete``: a force, a hub, a point,
a line, an area or a zone).
``apply`` returns the candidate text; the caller validates it with the loader before anything is written.

The file is read by the bounded safe reader (``mapper.yamlsafe``: its nodes carry the line and column of every
value) and edited by splicing: only the characters of the changed values (or the lines of an added or deleted
item) are replaced, so comments, key order, quoting, blank lines and the wrapping of long strings stay exactly
as written, and a moved force changes only its ``at:`` line in ``git diff``. New values are emitted by ruamel.yaml
(``yaml_scalar``: quoted when YAML needs it). A full round-trip dump by ruamel.yaml was measured and not used: it
re-flows every multi-line quoted string (3 to 7 changed lines in each bundled example with no edit at all).
After the splice the candidate is read again and the edited values are checked to be the ones asked for.

``History`` keeps each file's last texts before an edit, for undo.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mapper.errors import MapperError

__all__ = [
    "FORCE_FIELDS",
    "HUB_FIELDS",
    "WINDOW_FIELDS",
    "EditError",
    "History",
    "apply",
    "digest",
    "value_text",
    "yaml_scalar",
]

#: when a force or hub is present: a phase, or a window (from/until); the loader refuses both together
WINDOW_FIELDS = ("phase", "from", "until")
#: the fields the page edits, in the order a new force is written
FORCE_FIELDS = ("name", "nation", "troops", "kind", "echelon", *WINDOW_FIELDS)
HUB_FIELDS = ("name", "nation", *WINDOW_FIELDS)
OPTIONAL = ("kind", "echelon", *WINDOW_FIELDS)  # an empty value removes the key
#: a day as a window takes it (a date, a month, D+N): written plain, as a user writes it (``from: D+60``)
_DAY = re.compile(r"\d{4}-\d{2}(-\d{2})?|[Dd] ?[+-] ?\d{1,4}")
DECIMALS = 5  # ~1 m: finer than any position a scenario states


class EditError(MapperError):
    """An edit that cannot be applied to this text (a key path that names nothing, a layout we do not splice)."""


def digest(data: str | bytes) -> str:
    """The content hash a page holds to tell whether the file changed since it was loaded."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def yaml_scalar(value: str | int | float) -> str:
    """``value`` as YAML writes it inline (ruamel.yaml's emitter: plain when that reads back the same, quoted
    otherwise), usable in block and in flow context."""
    if isinstance(value, bool):
        raise EditError("a yes/no value is not a field the page edits")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    from ruamel.yaml import YAML

    writer = YAML(typ="rt")
    writer.default_flow_style = True
    writer.width = 1_000_000  # never folded: one line
    out = io.StringIO()
    writer.dump([value], out)
    text = out.getvalue().strip()
    if not (text.startswith("[") and text.endswith("]")) or "\n" in text:
        raise EditError("a value must be one line of text")
    return text[1:-1]


def position(lat: float, lon: float) -> str:
    return f"{{lat: {lat:.{DECIMALS}f}, lon: {lon:.{DECIMALS}f}}}"


# -------------------------------------------------------------------------------------------------------------
# Nodes and their text


_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def parse_keypath(keypath: str) -> list[str | int]:
    """``options[0].forces[2]`` → ``["options", 0, "forces", 2]``; anything else is an ``EditError``."""
    steps: list[str | int] = []
    pos = 0
    for m in _STEP.finditer(keypath):
        if m.start() != pos and keypath[pos : m.start()] != ".":
            break
        steps.append(m.group(1) if m.group(1) else int(m.group(2)))
        pos = m.end()
    if not steps or pos != len(keypath) or len(keypath) > 200:
        raise EditError(f"not a key path of a site: {keypath[:60]!r}")
    return steps


def entry(mapping: Node, key: str) -> tuple[ScalarNode, Node] | None:
    if not isinstance(mapping, MappingNode):
        return None
    for k, v in mapping.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return k, v
    return None


def find(root: Node, keypath: str) -> Node:
    node = root
    for step in parse_keypath(keypath):
        if isinstance(step, int):
            if not isinstance(node, SequenceNode) or step >= len(node.value):
                raise EditError(f"{keypath}: no such item in the file (was it changed meanwhile?)")
            node = node.value[step]
        else:
            found = entry(node, step)
            if found is None:
                raise EditError(f"{keypath}: no such key in the file (was it changed meanwhile?)")
            node = found[1]
    return node


class Text:
    """The text being edited, with its line starts (marks are lines and columns: characters, for either parser)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.newline = "\r\n" if "\r\n" in text else "\n"

    def offset(self, mark: Any) -> int:
        return self.starts[mark.line] + mark.column

    def line_start(self, line: int) -> int:
        return self.starts[line] if line < len(self.starts) else len(self.text)

    def line_end(self, line: int) -> int:
        """The offset just after line ``line``'s line break (or the end of the text)."""
        return self.line_start(line + 1)


def descendants(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, MappingNode):
        for k, v in node.value:
            yield from descendants(k)
            yield from descendants(v)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            yield from descendants(item)


def _flow(node: Node) -> bool:
    return bool(getattr(node, "flow_style", False))


def content_end(node: Node) -> Any:
    """The end mark of a node's last character of content (a block collection's own end mark lies at the next
    token, past any comment lines that follow it)."""
    if isinstance(node, ScalarNode) or _flow(node):
        return node.end_mark
    return max(
        (n.end_mark for n in descendants(node) if n is not node), key=lambda m: (m.line, m.column)
    )


def _dash_line(t: Text, item: Node) -> int:
    """The line of a block sequence item's ``-``."""
    line = item.start_mark.line
    before = t.text[t.line_start(line) : t.offset(item.start_mark)]
    if re.fullmatch(r"\s*-\s+", before):
        return line
    if before.strip() == "" and line > 0:
        prev = t.text[t.line_start(line - 1) : t.line_end(line - 1)]
        if prev.strip() == "-":
            return line - 1
    raise EditError("this item is not written as a block list item ('- ...'); edit it in the file")


def _key_indent(t: Text, mapping: MappingNode) -> str:
    first = mapping.value[0][0]
    return " " * first.start_mark.column


# -------------------------------------------------------------------------------------------------------------
# The edits: each returns the splices (start, end, new text) for the text


Splice = tuple[int, int, str]


#: the lists whose items are points of a line or an area (a vertex is moved like a site's ``at:``)
VERTEX_LISTS = ("through", "polygon")


def is_vertex(keypath: str) -> bool:
    """Whether ``keypath`` names a point of a line's ``through:`` or an area's ``polygon:``."""
    steps = parse_keypath(keypath)
    return len(steps) >= 2 and isinstance(steps[-1], int) and steps[-2] in VERTEX_LISTS


def _move(t: Text, site: Node, lat: float, lon: float) -> list[Splice]:
    found = entry(site, "at")
    if found is None:
        raise EditError("this site has no 'at:' to move")
    return _move_point(t, found[1], lat, lon, key=found[0])


def _move_point(
    t: Text, at: Node, lat: float, lon: float, *, key: ScalarNode | None = None
) -> list[Splice]:
    """The splices that make the point ``at`` (a mapping value when ``key`` is given, else a list item) say
    ``{lat, lon}``."""
    if isinstance(at, MappingNode) and entry(at, "lat") and entry(at, "lon"):
        # coordinates already: only the two numbers change, the mapping keeps its layout and other keys
        lat_node, lon_node = entry(at, "lat")[1], entry(at, "lon")[1]  # type: ignore[index]
        return [
            (t.offset(lat_node.start_mark), t.offset(lat_node.end_mark), f"{lat:.{DECIMALS}f}"),
            (t.offset(lon_node.start_mark), t.offset(lon_node.end_mark), f"{lon:.{DECIMALS}f}"),
        ]
    if isinstance(at, ScalarNode) or _flow(at):
        return [(t.offset(at.start_mark), t.offset(at.end_mark), position(lat, lon))]
    # a block mapping ({place: ..., oblast: ...} over several lines): one line of coordinates instead
    if key is None:  # a list item: from its first key to its last value
        return [(t.offset(at.start_mark), t.offset(content_end(at)), position(lat, lon))]
    colon = t.text.index(":", t.offset(key.end_mark))
    return [(colon + 1, t.offset(content_end(at)), " " + position(lat, lon))]


def _set(t: Text, site: Node, fields: dict[str, Any], allowed: tuple[str, ...]) -> list[Splice]:
    if not isinstance(site, MappingNode):
        raise EditError("this site is not a mapping")
    splices: list[Splice] = []
    added: list[str] = []
    freed: list[tuple[ScalarNode, Node]] = []  # window keys this edit removes
    for name, value in fields.items():
        if name not in allowed:
            raise EditError(f"{name!r} is not a field the page edits (only {', '.join(allowed)})")
        found = entry(site, name)
        empty = value is None or value == ""
        if empty and name in OPTIONAL:
            if found is not None:
                freed.append(found)
            continue
        text = value_text(name, value)
        if found is None:
            added.append(f"{name}: {text}")
        elif not isinstance(found[1], ScalarNode):
            raise EditError(f"{name} is not a single value in the file; edit it there")
        else:
            v = found[1]
            splices.append((t.offset(v.start_mark), t.offset(v.end_mark), text))
    splices += _swap_windows(t, site, freed, added)
    splices += [_remove_key(t, site, *pair) for pair in freed]
    if added:
        splices.append(_add_keys(t, site, added))
    return splices


def _swap_windows(
    t: Text, site: MappingNode, freed: list[tuple[ScalarNode, Node]], added: list[str]
) -> list[Splice]:
    """A window key added goes where the window is written: in the place of a window key this edit removes
    (``from: D+60`` → ``phase: ...`` on the same spot of the line), else just after the window key before it
    (``from: D+0, until: D+200``), not at the mapping's end. ``freed`` and ``added`` lose what was placed."""
    splices: list[Splice] = []
    anchor = next(
        (p for p in reversed(site.value) if p[0].value in WINDOW_FIELDS and p not in freed), None
    )
    for line in [a for a in added if a.split(":", 1)[0] in WINDOW_FIELDS]:
        spot = next((p for p in freed if isinstance(p[1], ScalarNode)), None)
        if spot is not None:
            freed.remove(spot)
            splices.append((t.offset(spot[0].start_mark), t.offset(spot[1].end_mark), line))
            anchor = spot
        elif anchor is not None and isinstance(anchor[1], ScalarNode):
            after = _after(t, site, anchor, line)
            if after is None:
                continue
            splices.append(after)
        else:
            continue
        added.remove(line)
    return splices


def _after(t: Text, site: MappingNode, pair: tuple[ScalarNode, Node], line: str) -> Splice | None:
    """The splice that writes ``line`` (``key: value``) just after the key ``pair``, or ``None`` where that
    key shares its line with another in a block mapping."""
    key, value = pair
    if site.flow_style:
        at = t.offset(value.end_mark)
        return (at, at, f", {line}")
    if t.text[t.line_start(key.start_mark.line) : t.offset(key.start_mark)].strip():
        return None
    at = t.line_end(value.end_mark.line)
    return (at, at, f"{' ' * key.start_mark.column}{line}{t.newline}")


def value_text(name: str, value: Any) -> str:
    """A field's new value as it is written into the file: a window's day plain (``D+60``, ``2026-03-01``: a
    YAML date, which the loader takes), anything else by ``yaml_scalar`` (quoted when YAML needs it)."""
    if name in ("from", "until") and isinstance(value, str) and _DAY.fullmatch(value.strip()):
        return value.strip()
    return yaml_scalar(_typed(name, value))


def _typed(name: str, value: Any) -> Any:
    if name == "troops" and isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(
            value
        )  # the form's text field; anything else goes as written and the loader says why
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        return value
    raise EditError(f"{name}: expected text or a number")


def _remove_key(t: Text, site: MappingNode, key: ScalarNode, value: Node) -> Splice:
    if site.flow_style:
        return _remove_flow_key(t, site, key)
    start, end = t.line_start(key.start_mark.line), t.line_end(content_end(value).line)
    if t.text[start : t.offset(key.start_mark)].strip() not in ("", "-"):
        raise EditError(f"{key.value} shares its line with another key; remove it in the file")
    if t.text[start : t.offset(key.start_mark)].strip() == "-":
        raise EditError(f"{key.value} is the first key of its item; clear it in the file")
    return (start, end, "")


def _remove_flow_key(t: Text, site: MappingNode, key: ScalarNode) -> Splice:
    """The splice that removes ``key: value`` from a flow mapping with one comma: the one before it
    (``{a: 1, b: 2}`` → ``{a: 1}``, so that a line ending in ``b: 2,`` ends in ``a: 1,``), or for the first key
    the one after it. Refused when a comment lies in the way."""
    pairs = site.value
    j = next(i for i, (k, _) in enumerate(pairs) if k is key)
    start, end = t.offset(key.start_mark), t.offset(pairs[j][1].end_mark)
    if j > 0:
        before = t.offset(pairs[j - 1][1].end_mark)
        comma = t.text.find(",", before, start)
        gap = t.text[before:start]
        if comma < 0 or t.text[before:comma].strip() or "#" in gap:
            raise EditError(f"{key.value} is not preceded by a plain comma; remove it in the file")
        return (comma, end, "")
    if len(pairs) > 1:
        after = t.offset(pairs[1][0].start_mark)
        comma = t.text.find(",", end, after)
        if comma < 0 or t.text[end:comma].strip() or "#" in t.text[end:after]:
            raise EditError(f"{key.value} is not followed by a plain comma; remove it in the file")
        return (start, after, "")
    return (start, end, "")


def _add_keys(t: Text, site: MappingNode, lines: list[str]) -> Splice:
    if site.flow_style:
        end = t.offset(site.end_mark) - 1  # before the closing brace
        return (end, end, "".join(f", {line}" for line in lines))
    at = t.line_end(content_end(site).line)
    indent = _key_indent(t, site)
    return (at, at, "".join(f"{indent}{line}{t.newline}" for line in lines))


def _delete(t: Text, root: Node, keypath: str) -> list[Splice]:
    steps = parse_keypath(keypath)
    if not isinstance(steps[-1], int):
        raise EditError(
            "only a list item (a force, a hub, a point, a line, an area, a zone) can be deleted"
        )
    parent = find(root, keypath[: keypath.rindex("[")])
    item = find(root, keypath)
    if is_vertex(keypath) and isinstance(parent, SequenceNode):
        _check_points_left(str(steps[-2]), len(parent.value) - 1)
        if parent.flow_style:
            return [_remove_flow_item(t, parent, steps[-1])]
    if not isinstance(parent, SequenceNode) or parent.flow_style:
        raise EditError("this list is written on one line; delete the item in the file")
    first, last = _dash_line(t, item), content_end(item).line
    return [(t.line_start(first), t.line_end(last), "")]


#: the fewest points a list may keep (the loader's ``min_items`` for a route and a polygon)
MIN_POINTS = {"through": 2, "polygon": 3}


def _check_points_left(key: str, left: int) -> None:
    least = MIN_POINTS[key]
    if left < least:
        what = "a line" if key == "through" else "an area"
        raise EditError(
            f"{what} needs at least {least} points and this one has {left + 1}: the point was not removed "
            f"(remove the whole {what.split()[-1]} in the file)"
        )


def _remove_flow_item(t: Text, seq: SequenceNode, k: int) -> Splice:
    """The splice that removes item ``k`` of a flow list with one of its commas (``[a, b, c]`` → ``[a, c]``)."""
    items = seq.value
    start, end = t.offset(items[k].start_mark), t.offset(items[k].end_mark)
    if k + 1 < len(items):  # the item and the comma after it (and the spaces up to the next item)
        comma = t.text.find(",", end)
        if comma < 0 or t.text[end:comma].strip():
            raise EditError("this point is not followed by a plain comma; remove it in the file")
        end = comma + 1
        while end < len(t.text) and t.text[end] in " \t":
            end += 1
        line_start = t.text.rfind("\n", 0, start) + 1
        line_end = t.text.find("\n", end)
        if (
            not t.text[line_start:start].strip()
            and line_end >= 0
            and not t.text[end:line_end].strip()
        ):
            start, end = line_start, line_end + 1  # the point was alone on its line: the line goes
        return (start, end, "")
    before = t.offset(items[k - 1].end_mark)  # the last item: the comma before it goes with it
    comma = t.text.find(",", before)
    if comma < 0 or comma > start or t.text[before:comma].strip() or "#" in t.text[comma:start]:
        raise EditError("this point is not preceded by a plain comma; remove it in the file")
    return (comma, end, "")


def _insert(t: Text, root: Node, keypath: str, lat: float, lon: float) -> list[Splice]:
    """A new point ``{lat, lon}`` before item ``k`` of a line's or an area's list (``k`` = its length: at the
    end), in the list's own layout: ``Lviv, {lat: .., lon: ..}, Kyiv`` in a flow list, a ``- ...`` line at the
    items' indentation in a block list."""
    if not is_vertex(keypath):
        raise EditError("a point is inserted only into a line's 'through:' or an area's 'polygon:'")
    k = parse_keypath(keypath)[-1]
    assert isinstance(k, int)
    seq = find(root, keypath[: keypath.rindex("[")])
    if not isinstance(seq, SequenceNode) or not seq.value:
        raise EditError("this list has no points to insert between; edit it in the file")
    items = seq.value
    if k > len(items):
        raise EditError(f"{keypath}: no such place in the list (was it changed meanwhile?)")
    new = position(lat, lon)
    if seq.flow_style:
        if k < len(items):
            at = t.offset(items[k].start_mark)
            return [(at, at, f"{new}, ")]
        at = t.offset(items[-1].end_mark)
        return [(at, at, f", {new}")]
    item = items[min(k, len(items) - 1)]
    line = _dash_line(t, item)
    dash = t.text[t.line_start(line) :].index("-")
    block = f"{' ' * dash}- {new}{t.newline}"
    if k < len(items):
        at = t.line_start(line)
    else:
        at = t.line_end(content_end(item).line)
        if at == len(t.text) and not t.text.endswith("\n"):
            block = t.newline + block
    return [(at, at, block)]


@dataclass(frozen=True)
class Edit:
    """One edit from the page (validated shape; what it does to the scenario is the loader's to judge)."""

    op: str  # move | set | add | insert | delete | shape
    # the site (move, set, delete), the option (add: ``options[1]``) or where a point goes (insert)
    keypath: str = ""
    lat: float | None = None
    lon: float | None = None
    fields: tuple[tuple[str, Any], ...] = ()
    hub: bool = False


def apply(text: str, edit: Edit, *, file: str = "<edit>") -> str:
    """The text with ``edit`` made (not yet validated by the loader; the edited values are read back)."""
    from mapper.yamlsafe import load_text

    doc = load_text(text, file=file)
    if doc.text != text:
        raise EditError(
            "the file's text changed on reading (a byte-order mark?); edit it in an editor"
        )
    splices = _splices(Text(text), doc.root, edit)
    out = text
    for start, end, new in sorted(splices, key=lambda s: s[0], reverse=True):
        out = out[:start] + new + out[end:]
    _read_back(out, edit, file, _points(doc.root, edit))
    return out


def _splices(t: Text, root: Node, edit: Edit) -> list[Splice]:
    fields = dict(edit.fields)
    if edit.op in ("move", "add", "insert"):
        assert edit.lat is not None and edit.lon is not None
    if edit.op == "move":
        node = find(root, edit.keypath)
        if is_vertex(edit.keypath):
            return _move_point(t, node, edit.lat, edit.lon)  # type: ignore[arg-type]
        return _move(t, node, edit.lat, edit.lon)  # type: ignore[arg-type]
    if edit.op == "set":
        allowed = HUB_FIELDS if edit.hub else FORCE_FIELDS
        return _set(t, find(root, edit.keypath), fields, allowed)
    if edit.op == "delete":
        return _delete(t, root, edit.keypath)
    if edit.op == "add":  # a force, or a hub (edit.hub): mapper.serve.newitem
        from mapper.serve.newitem import add_item

        return add_item(t, root, edit.keypath, fields, edit.lat, edit.lon, hub=edit.hub)  # type: ignore[arg-type]
    if edit.op == "insert":
        return _insert(t, root, edit.keypath, edit.lat, edit.lon)  # type: ignore[arg-type]
    if edit.op == "shape":  # a line along a river, an area, a zone: mapper.serve.shapeedit
        from mapper.serve.shapeedit import shape_splices

        return shape_splices(t, root, edit.keypath, fields)
    raise EditError(f"unknown edit {edit.op!r}")


def _points(root: Node, edit: Edit) -> int | None:
    """How many points the list an insert or a point's removal edits has (before the edit)."""
    if edit.op not in ("insert", "delete") or not is_vertex(edit.keypath):
        return None
    seq = find(root, edit.keypath[: edit.keypath.rindex("[")])
    return len(seq.value) if isinstance(seq, SequenceNode) else None


def _read_back(text: str, edit: Edit, file: str, points: int | None = None) -> None:
    """Check that the candidate says what the edit asked (a guard on the splicing, before the loader's check)."""
    from mapper.yamlsafe import load_text

    root = load_text(text, file=file).root
    ok = True
    if points is not None:  # one point more (insert) or fewer (delete) in that list
        seq = find(root, edit.keypath[: edit.keypath.rindex("[")])
        ok = isinstance(seq, SequenceNode) and len(seq.value) == points + (
            1 if edit.op == "insert" else -1
        )
    if ok and edit.op in ("move", "insert"):
        at = find(root, edit.keypath if is_vertex(edit.keypath) else f"{edit.keypath}.at")
        lat, lon = entry(at, "lat"), entry(at, "lon")
        ok = (
            lat is not None
            and lon is not None
            and abs(float(lat[1].value) - edit.lat) < 1e-5  # type: ignore[operator]
            and abs(float(lon[1].value) - edit.lon) < 1e-5  # type: ignore[operator]
        )
    if ok and edit.op == "shape":
        from mapper.serve.shapeedit import check

        ok = check(root, edit.keypath, dict(edit.fields))
    if not ok:
        raise EditError("the edit did not read back as written; the file was left as it was")


class History:
    """Each file's texts before its last edits (at most ``size``), and the hash of what each edit wrote: undo
    restores the previous text only while the file is still what the edit wrote."""

    def __init__(self, size: int = 20) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._items: dict[str, deque[tuple[bytes, str]]] = {}

    def push(self, name: str, before: bytes, after_hash: str) -> None:
        with self._lock:
            self._items.setdefault(name, deque(maxlen=self.size)).append((before, after_hash))

    def peek(self, name: str) -> tuple[bytes, str] | None:
        with self._lock:
            items = self._items.get(name)
            return items[-1] if items else None

    def pop(self, name: str) -> None:
        with self._lock:
            items = self._items.get(name)
            if items:
                items.pop()

    def depth(self, name: str) -> int:
        with self._lock:
            return len(self._items.get(name) or ())

"""A new force or hub, added from the map: appended to its option's ``forces:`` or ``hubs:`` list as a block item
in the list's own indentation (the key created at the end of the option when it has none), every other line of
the file left as it was.

The item's keys are written in the order the page's form shows them (``FORCE_FIELDS`` or ``HUB_FIELDS``; empty
values left out), each value emitted by ruamel.yaml (``edit.value_text``: quoted when YAML needs it), then its
position, ``at: {lat: .., lon: ..}`` with 5 decimals. As every edit, the candidate is then read back and loaded
by the loader before anything is written (``api.Api.edit``): a hub without a name, for one, is refused with the
loader's message.
"""

from __future__ import annotations

from typing import Any

from yaml.nodes import MappingNode, Node, SequenceNode

from mapper.serve.edit import (
    FORCE_FIELDS,
    HUB_FIELDS,
    EditError,
    Splice,
    Text,
    _dash_line,
    _key_indent,
    content_end,
    entry,
    find,
    position,
    value_text,
)

__all__ = ["add_item"]


def add_item(
    t: Text,
    root: Node,
    option: str,
    fields: dict[str, Any],
    lat: float,
    lon: float,
    *,
    hub: bool = False,
) -> list[Splice]:
    """The splice that appends a force (or a hub) with ``fields`` at ``lat, lon`` to the option at key path
    ``option`` (``options[1]``)."""
    key, what = ("hubs", "hub") if hub else ("forces", "force")
    opt = find(root, option)
    if not isinstance(opt, MappingNode) or opt.flow_style:
        raise EditError(f"this option is not a block mapping; add the {what} in the file")
    order = HUB_FIELDS if hub else FORCE_FIELDS
    values = [f"{k}: {value_text(k, fields[k])}" for k in order if fields.get(k) not in (None, "")]
    values.append(f"at: {position(lat, lon)}")
    nl = t.newline
    found = entry(opt, key)
    if found is not None and isinstance(found[1], SequenceNode) and found[1].value:
        seq = found[1]
        if seq.flow_style:
            raise EditError(
                f"this option's {key} are written on one line; add the {what} in the file"
            )
        last = seq.value[-1]
        dash_line = _dash_line(t, last)
        dash = t.text[t.line_start(dash_line) :].index("-")
        same_line = dash_line == last.start_mark.line
        keys = " " * last.start_mark.column if same_line else " " * (dash + 2)
        block = f"{' ' * dash}- {values[0]}{nl}" + "".join(f"{keys}{v}{nl}" for v in values[1:])
        at = t.line_end(content_end(last).line)
        return [(at, at, block)]
    if found is not None:
        raise EditError(
            f"this option's '{key}:' has no list item to follow; add the first {what} in the file"
        )
    indent = _key_indent(t, opt)
    block = f"{indent}{key}:{nl}{indent}  - {values[0]}{nl}" + "".join(
        f"{indent}    {v}{nl}" for v in values[1:]
    )
    at = t.line_end(content_end(opt).line)
    return [(at, at, block)]

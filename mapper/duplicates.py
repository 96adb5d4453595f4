"""Names that must be unique in a scenario: option ids, and within an option the names of its elements.

The field check (``mapper.fields``) sees one value at a time; this pass over the checked values reports each
repeat at its key path (located by ``Context.marks``), naming where the first one is.
"""

from __future__ import annotations

from typing import Any

from mapper.fields import Context

__all__ = ["check_duplicates"]


def check_duplicates(raw: dict[str, Any], ctx: Context) -> None:
    """Report a duplicate option id (at its key path, naming the first) and, within an option, a duplicate name
    among its forces, hubs, lines, areas or zones."""
    options = raw.get("options")
    if not isinstance(options, list):
        return
    seen: dict[str, int] = {}
    for i, opt in enumerate(options):
        if not isinstance(opt, dict) or not isinstance(opt.get("id"), str):
            continue
        if opt["id"] in seen:
            ctx.error_at(
                f"options[{i}].id",
                f"duplicate option id {opt['id']!r} (also options[{seen[opt['id']]}].id)",
            )
        else:
            seen[opt["id"]] = i
        for kind in ("forces", "hubs", "lines", "areas", "zones"):
            names: dict[str, int] = {}
            for j, item in enumerate(opt.get(kind) or []):
                if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                    continue
                if item["name"] in names:
                    ctx.error_at(
                        f"options[{i}].{kind}[{j}].name",
                        f"duplicate name {item['name']!r} in this option's {kind} "
                        f"(also {kind}[{names[item['name']]}])",
                    )
                else:
                    names[item["name"]] = j

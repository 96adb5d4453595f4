"""File formats published as JSON Schema documents (``mapper schema``, ``schema/*.schema.json``): a ``fields.Record``
rendered as a draft 2020-12 document, with sub-schemas that repeat moved once into ``$defs``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from mapper.fields import Record

__all__ = ["SCHEMA_BASE", "document_schema", "schema_text", "with_shared_defs"]


def _def_name(sub: dict[str, Any]) -> str:
    """A readable ``$defs`` name for a repeated sub-schema: its title, else what it holds."""
    if "title" in sub:
        return re.sub(r"\W+", "_", str(sub["title"])).strip("_").lower()
    if "enum" in sub:
        return f"{sub['enum'][0]}_choice"
    if isinstance(sub.get("items"), dict) and "enum" in sub["items"]:
        return f"{sub['items']['enum'][0]}_list"
    if "properties" in sub:
        return "_".join(sorted(sub["properties"]))[:40]
    return "shared"


def _count_subschemas(node: Any, counts: Any, min_chars: int, top: bool = True) -> None:
    """Count every sub-schema (not ``node`` itself) of at least ``min_chars`` characters, by its JSON text."""
    import json

    if isinstance(node, dict):
        if not top:
            key = json.dumps(node, sort_keys=True)
            if len(key) >= min_chars:
                counts[key] += 1
        for v in node.values():
            _count_subschemas(v, counts, min_chars, False)
    elif isinstance(node, list):
        for v in node:
            _count_subschemas(v, counts, min_chars, False)


def _replace_subschema(node: Any, key: str, ref: dict[str, str]) -> Any:
    """``node`` with every sub-schema whose JSON text is ``key`` replaced by ``ref``."""
    import json

    if isinstance(node, dict):
        if json.dumps(node, sort_keys=True) == key:
            return dict(ref)
        return {k: _replace_subschema(v, key, ref) for k, v in node.items()}
    if isinstance(node, list):
        return [_replace_subschema(v, key, ref) for v in node]
    return node


def with_shared_defs(
    schema: dict[str, Any], *, names: dict[str, str] | None = None, min_chars: int = 300
) -> dict[str, Any]:
    """``schema`` with every sub-schema that occurs more than once (and is not tiny) moved to ``$defs`` and
    referenced (``{"$ref": "#/$defs/..."}``), largest first: the same choice of roles or the same location
    shape written out at every use made the published schema twice its size. ``names`` renames the generated
    names (e.g. ``{"deterrence_choice": "role"}``)."""
    import json
    from collections import Counter

    out = schema
    defs: dict[str, Any] = {}
    while True:
        counts: Counter[str] = Counter()
        for node in (out, *defs.values()):
            _count_subschemas(node, counts, min_chars)
        repeated = [k for k, n in counts.items() if n > 1]
        if not repeated:
            break
        key = max(repeated, key=len)
        sub = json.loads(key)
        base = (names or {}).get(_def_name(sub), _def_name(sub))
        name, i = base, 2
        while name in defs:
            name, i = f"{base}_{i}", i + 1
        ref = {"$ref": f"#/$defs/{name}"}
        out = _replace_subschema(out, key, ref)
        defs = {k: _replace_subschema(v, key, ref) for k, v in defs.items()}
        defs[name] = sub
    if defs:
        out = {**out, "$defs": dict(sorted(defs.items()))}
    return out


#: where the published schemas say they live (``schema/<name>.schema.json`` in the repository)
SCHEMA_BASE = "https://github.com/deployment-scenario-mapper/mapper/schema/"


def document_schema(record: Record, name: str, *, names: dict[str, str]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a file format described by ``record`` (a scenario, a brief), with
    ``format`` accepting 1 as YAML writes it (an integer) or as a string, and repeated sub-schemas shared under
    ``$defs`` (``names``: see ``with_shared_defs``)."""
    schema = record.json_schema()
    schema["properties"]["format"] = {"description": "format version", "enum": [1, "1"]}
    return with_shared_defs(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{SCHEMA_BASE}{name}.schema.json",
            **schema,
        },
        names=names,
    )


def schema_text(schema: dict[str, Any], indent: int = 2) -> str:
    """A JSON Schema as the text committed in ``schema/``."""
    return json.dumps(schema, indent=indent, ensure_ascii=False) + "\n"

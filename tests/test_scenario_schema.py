"""The published JSON Schema of the scenario format: in sync with ``mapper schema``, a valid draft 2020-12
schema, accepting every example, and rejecting what it can see is structurally wrong."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from support.cli import run_cli

from mapper.errors import ScenarioError
from mapper.loader import load_scenario

REPO = Path(__file__).resolve().parent.parent
SCHEMA_FILE = REPO / "schema" / "scenario.schema.json"
EXAMPLES = sorted((REPO / "scenarios").glob("*.yaml"))
INVALID = REPO / "tests" / "data" / "invalid"


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema())


def as_json(value: Any) -> Any:
    """YAML data as an editor's JSON view of it: dates become ISO strings."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class Yaml12Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans (only true/false), as editors' YAML language servers read files.

    Under YAML 1.1 (PyYAML's default) ``nation: NO`` is the boolean false; under YAML 1.2 (VS Code's YAML
    extension, the schema's audience) it is the text 'NO'. The mapper itself reads the text as written.
    """


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_yaml(path: Path, loader: type = Yaml12Loader) -> Any:
    return as_json(yaml.load(path.read_text(encoding="utf-8"), Loader=loader))


def test_committed_schema_is_in_sync_with_mapper_schema() -> None:
    result = run_cli("schema")
    assert result.exit_code == 0
    assert result.stdout == SCHEMA_FILE.read_text(encoding="utf-8"), (
        "schema/scenario.schema.json is out of date with the format in mapper/scenario.py: run `make schema`"
    )


def test_schema_is_valid_draft_2020_12() -> None:
    s = schema()
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(s)
    assert set(s["required"]) == {"format", "id", "title", "date", "options"}
    assert s["additionalProperties"] is False


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_validates(path: Path) -> None:
    errors = list(validator().iter_errors(load_yaml(path)))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_yaml_1_1_reading_trips_only_on_norway() -> None:
    # the one difference between the two readings of the examples: `nation: NO` (Norway) under YAML 1.1
    for path in EXAMPLES:
        errors = list(validator().iter_errors(load_yaml(path, yaml.SafeLoader)))
        assert all(list(e.path)[-1] == "nation" and e.instance is False for e in errors), path
    assert yaml.safe_load("nation: NO") == {"nation": False}
    assert yaml.load("nation: NO", Loader=Yaml12Loader) == {"nation": "NO"}


def _minimal() -> dict[str, Any]:
    return {
        "format": 1,
        "id": "t",
        "title": "T",
        "date": "2025-03-27",
        "options": [
            {
                "id": "a",
                "name": "A",
                "colour": "navy",
                "forces": [{"name": "f", "nation": "FR", "troops": 5, "at": "Kyiv"}],
            }
        ],
    }


def test_minimal_document_validates() -> None:
    assert validator().is_valid(_minimal())


@pytest.mark.parametrize(
    ("mutate", "what"),
    [
        (lambda d: d.update(colour_scheme="x"), "unknown top-level key"),
        (lambda d: d["options"][0]["forces"][0].update(troop=5), "unknown force key"),
        (lambda d: d["options"][0]["forces"][0].update(troops="many"), "troops not an integer"),
        (lambda d: d["options"][0]["forces"][0].update(troops=0), "troops below 1"),
        (lambda d: d["options"][0]["forces"][0].update(at=[48.46, 35.05]), "bare pair"),
        (lambda d: d["options"][0]["forces"][0].update(nation="XX"), "unknown nation"),
        (lambda d: d["options"][0].update(id="Bad Id"), "bad option id"),
        (lambda d: d.update(options=[]), "no options"),
        (lambda d: d.pop("title"), "missing title"),
        (lambda d: d.update(format=2), "wrong format version"),
        (
            lambda d: d["options"][0].update(
                lines=[{"name": "L", "through": ["Kyiv", "Lviv"], "along": {}}]
            ),
            "line with along and through",
        ),
    ],
)
def test_schema_rejects_structural_errors(mutate: Any, what: str) -> None:
    doc = _minimal()
    mutate(doc)
    assert not validator().is_valid(doc), what


# Catalogue files whose problem is structural (visible without the gazetteer, geodata or the file system).
STRUCTURAL = [
    "unknown_key_typo",
    "unknown_top_key",
    "wrong_troops_type",
    "negative_troops",
    "bare_coordinate_pair",
    "missing_required",
    "wrong_format_version",
    "bad_id",
    "empty_options",
    "line_both_along_and_through",
    "unknown_nation",
    "text_field_is_a_list",
    "troops_with_commas",
    "not_a_mapping",
]


@pytest.mark.parametrize("name", STRUCTURAL)
def test_schema_rejects_structurally_invalid_catalogue_files(name: str) -> None:
    path = INVALID / f"{name}.yaml"
    with pytest.raises(ScenarioError):  # the loader refuses it ...
        load_scenario(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert not validator().is_valid(as_json(data)), (
        f"{name}: the schema accepts it"
    )  # ... and so does the schema


def test_repeated_sub_schemas_are_written_once_as_defs() -> None:
    """The role choice, the location shapes and the role-scoped limit are each written once under ``$defs``
    (they were repeated at every use: the schema was twice its size), and every reference resolves."""
    schema = json.loads((REPO / "schema" / "scenario.schema.json").read_text(encoding="utf-8"))
    assert {"role", "roles", "location", "place", "coordinates"} <= set(schema["$defs"])
    seen: dict[str, int] = {}
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            key = json.dumps(node, sort_keys=True)
            if len(key) >= 300:
                seen[key] = seen.get(key, 0) + 1
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk({k: v for k, v in schema.items()})
    assert [k[:80] for k, n in seen.items() if n > 1] == []
    assert refs and all(r.removeprefix("#/$defs/") in schema["$defs"] for r in refs)
    # a role is still checked through the reference
    validator = jsonschema.Draft202012Validator(schema)
    doc = {
        "format": 1, "id": "x", "title": "x", "date": "2025-03-27",
        "constraints": {"exempt_roles": ["not-a-role"]},
        "options": [{"id": "a", "name": "A", "colour": "#123456"}],
    }  # fmt: skip
    assert any("not-a-role" in e.message for e in validator.iter_errors(doc))

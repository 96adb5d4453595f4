"""The layout rules of docs/architecture.md, checked on the source (every import, also those inside functions).

Outputs stand side by side over one pipeline: only ``mapper/render/`` imports folium, only ``mapper/staticmap/``
matplotlib, the loader and validator import no output, and no output imports another output; compositions
(gallery, the comparison page, the Python API, the CLI) may. Rooms stay small: no module over 700 lines, no
function over 80.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mapper"
MAX_MODULE_LINES = 700
MAX_FUNCTION_LINES = 80

#: output -> the modules that belong to it (prefixes of dotted names)
OUTPUTS = {
    "render": ("mapper.render",),
    "staticmap": ("mapper.staticmap",),
    "export": ("mapper.export",),
    "report": ("mapper.report",),
    "comparison": ("mapper.comparison",),
}
#: modules that compose outputs and may import any of them
COMPOSITIONS = {
    "mapper.cli",
    "mapper.commands",  # commands registered by the CLI, one module each
    "mapper.serve",  # the live-preview server composes the map, comparison and analysis pages
    "mapper.api",
    "mapper.gallery",
    "mapper.comparison.page",
    "mapper.comparison",  # the package's __init__ re-exports the page's entry points
}
FOUNDATIONS = (
    "mapper.errors",
    "mapper.paths",
    "mapper.yamlsafe",
    "mapper.yamlgraph",
    "mapper.fields",
    "mapper.schemadoc",
    "mapper.scenario",
    "mapper.loader",
    "mapper.duplicates",
    "mapper.geodata",
    "mapper.layerfiles",
    "mapper.frontline",
    "mapper.geodesy",
    "mapper.analysis",
    "mapper.features",
    "mapper.style",
    "mapper.app6",
    "mapper.pipeline",
    "mapper.atomic",
    "mapper.textlayout",
    "mapper.textsafe",
    "mapper.jsontext",
    "mapper.cachefile",
    "mapper.datafile",
    "mapper.placelabels",
    "mapper.exposure",
    "mapper.zones",
    # mapper suggest: the brief, the placement problem, its solvers and the option writer import no output
    "mapper.brief",
    "mapper.placement",
    "mapper.optimize",
    "mapper.suggestion",
    "mapper.keysites",
)


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out.append((".".join(parts), path))
    return out


def _imports(path: Path, module: str) -> set[str]:
    """Every module an import statement in ``path`` names (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)
    return names


def _output_of(module: str) -> str | None:
    for name, prefixes in OUTPUTS.items():
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return name
    return None


MODULES = _modules()


def test_the_rules_see_every_module() -> None:
    names = {m for m, _ in MODULES}
    assert {"mapper.render", "mapper.staticmap", "mapper.loader", "mapper.pipeline"} <= names
    # and the import scan sees imports inside functions (where most of ours are)
    loader = dict(MODULES)["mapper.loader"]
    assert "mapper.geodata" in _imports(loader, "mapper.loader")


@pytest.mark.parametrize(
    "library, home", [("folium", "mapper.render"), ("matplotlib", "mapper.staticmap")]
)
def test_drawing_libraries_stay_in_their_package(library: str, home: str) -> None:
    offenders = [
        m
        for m, path in MODULES
        if not (m == home or m.startswith(home + "."))
        and any(i == library or i.startswith(library + ".") for i in _imports(path, m))
    ]
    assert offenders == []


def test_foundations_import_no_output() -> None:
    offenders = {
        m: sorted(i for i in _imports(path, m) if _output_of(i))
        for m, path in MODULES
        if any(m == f or m.startswith(f + ".") for f in FOUNDATIONS)
    }
    assert {m: i for m, i in offenders.items() if i} == {}


def test_no_output_imports_another_output() -> None:
    offenders = {}
    for m, path in MODULES:
        own = _output_of(m)
        if own is None or m in COMPOSITIONS:
            continue
        others = sorted(i for i in _imports(path, m) if _output_of(i) not in (None, own))
        if others:
            offenders[m] = others
    assert offenders == {}


def test_modules_and_functions_stay_small() -> None:
    big_modules = {
        m: n
        for m, path in MODULES
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    long_functions = []
    for m, path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long_functions.append(f"{m}.{node.name} ({n} lines)")
    assert big_modules == {} and long_functions == []

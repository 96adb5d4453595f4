"""Deployment Scenario Mapper: YAML deployment options to geodesic analysis, offline maps and comparisons.

The public API is imported lazily so that ``mapper --help`` does not pay for geopandas, pyproj or folium.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> module that defines it; resolved on first attribute access
_LAZY = {
    "load_scenario": "mapper.loader",
    "Scenario": "mapper.scenario",
    "analyze": "mapper.analysis",
    "render_map": "mapper.render",
    "build_gallery": "mapper.gallery",
    "compare": "mapper.comparison",
    "MapperError": "mapper.errors",
    "ScenarioError": "mapper.errors",
}

__all__ = ["__version__", *_LAZY]

if TYPE_CHECKING:  # pragma: no cover
    from mapper.errors import MapperError, ScenarioError  # noqa: F401


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mapper' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value

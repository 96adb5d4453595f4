"""Deployment Scenario Mapper: YAML deployment options to geodesic analysis, offline maps and comparisons.

The Python API (``docs/python-api.md``)::

    import mapper
    scenario = mapper.load("scenarios/dnipro_line.yaml")   # or YAML text
    analysis = mapper.analyze(scenario)                    # .forces (GeoDataFrame), .options (DataFrame)
    m = mapper.render(analysis)                            # displays inline in Jupyter; .save(), .to_png()
    df = mapper.compare(["scenarios/"])                    # one row per option
    s = mapper.suggest("scenarios/briefs/air_defence_umbrella.yaml")  # .placements, .coverage, .save()
    ot = mapper.over_time("scenarios/phased_deployment.yaml")  # every force on every step: .frame
    what_if = mapper.analyze(scenario, advance_km=20)       # against a hypothetical line 20 km beyond

Names are imported lazily so that ``import mapper`` (and ``mapper --help``) does not pay for geopandas, pyproj or
folium; ``dir(mapper)`` and editors still list them all.
"""

from __future__ import annotations

import logging
import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# A library logs and never prints: without this, Python's last-resort handler would print our warnings to stderr
# in programs that did not configure logging. The CLI installs its own handler.
logging.getLogger("mapper").addHandler(logging.NullHandler())

# name -> module that defines it; resolved on first attribute access
_LAZY = {
    "load": "mapper.api",
    "analyze": "mapper.api",
    "over_time": "mapper.api",
    "advance_front": "mapper.advance",
    "render": "mapper.api",
    "compare": "mapper.api",
    "suggest": "mapper.api",
    "build_gallery": "mapper.gallery",
    "prepare": "mapper.pipeline",
    "Analysis": "mapper.api",
    "Map": "mapper.api",
    "Prepared": "mapper.pipeline",
    "OverTime": "mapper.overtime",
    "Scenario": "mapper.scenario",
    "load_scenario": "mapper.loader",
    "render_map": "mapper.render",
    "MapperError": "mapper.errors",
    "ScenarioError": "mapper.errors",
}

__all__ = [  # a literal list, so that linters and type checkers see the API (a test keeps it equal to _LAZY)
    "Analysis",
    "Map",
    "MapperError",
    "OverTime",
    "Prepared",
    "Scenario",
    "ScenarioError",
    "__version__",
    "advance_front",
    "analyze",
    "build_gallery",
    "compare",
    "load",
    "load_scenario",
    "over_time",
    "prepare",
    "render",
    "render_map",
    "suggest",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors
    from mapper.advance import advance_front
    from mapper.api import Analysis, Map, analyze, compare, load, over_time, render, suggest
    from mapper.errors import MapperError, ScenarioError
    from mapper.gallery import build_gallery
    from mapper.loader import load_scenario
    from mapper.overtime import OverTime
    from mapper.pipeline import Prepared, prepare
    from mapper.render import render_map
    from mapper.scenario import Scenario


# ``mapper.render`` is the API function; the HTML-map package of the same name stays importable
# (``from mapper.render import build_map``) but must not replace the function when it is first imported, as
# Python's import system would by setting the parent package's attribute.
_FUNCTIONS_OVER_PACKAGES = frozenset({"render"})


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _FUNCTIONS_OVER_PACKAGES and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mapper' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    # the API and the submodules already imported (what ``mapper.<TAB>`` should offer), not our own imports
    loaded = {k for k, v in globals().items() if getattr(v, "__name__", "").startswith("mapper.")}
    return sorted({*__all__, *loaded} - {"api"})

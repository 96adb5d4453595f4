"""folium, imported without the two libraries a map never uses: pandas (~0.2 s) and requests (~0.07 s).

``from mapper.render.foliumlib import folium`` is how ``render`` imports folium first (``page``, ``assets`` and the
package's ``new_map``/``build_map``/``render_html`` do; the other modules of ``render`` are imported after them).
folium needs neither library to draw:

* pandas: ``folium.utilities`` imports it in a ``try`` that accepts its absence (``pd = None``) and uses it only to
  recognise a ``DataFrame`` given as locations (``isinstance(x, pd.DataFrame)``). Here pandas is held back while
  folium is imported (``sys.modules["pandas"] = None``, which makes that import fail), and ``folium.utilities.pd``
  becomes :class:`_PandasOnceImported`: its ``DataFrame`` is pandas' own class once pandas has been imported by
  anyone, later in the process, and until then a class nothing is an instance of (no object can be a DataFrame
  before pandas is imported). folium therefore treats every value exactly as it would with pandas, and pandas
  itself imports and works as usual afterwards.
* requests: ``folium.features`` imports it (``import requests``, unguarded) to fetch GeoJSON given as a URL, which
  the mapper never does (its maps are offline). While folium is imported an empty module stands in for it in
  ``sys.modules`` (removed afterwards), and ``folium.features.requests`` becomes :class:`_RequestsOnUse`, which
  imports requests on first use. (``importlib.util.LazyLoader`` does not help: ``import requests`` of a lazy module
  reads its ``__spec__``, which loads it.)

Only when it can make a difference and is safe: folium not yet imported, pandas not yet imported (requests is
held back only if not imported yet either), and one thread running (holding a module back for the duration of an
import is not safe with other threads importing concurrently). Otherwise folium is imported as usual.
``tests/test_render_cold.py`` checks that the render path imports neither library, that the maps are
byte-identical either way, and that pandas and requests still work afterwards.
"""

from __future__ import annotations

import sys
import threading
import types
from typing import Any

__all__ = ["folium", "lean_import"]


class _NotImported:
    """Stands for ``pandas.DataFrame`` before pandas is imported: nothing is an instance of it."""


class _PandasOnceImported:
    """``folium.utilities.pd``: pandas as far as folium needs it, without importing it."""

    @property
    def DataFrame(self) -> type:  # pandas' name
        frame = getattr(sys.modules.get("pandas"), "DataFrame", None)
        return frame if isinstance(frame, type) else _NotImported

    def __getattr__(self, name: str) -> Any:  # anything else folium might ask for: pandas itself
        import pandas

        return getattr(pandas, name)


class _RequestsOnUse:
    """``folium.features.requests``: requests, imported on first use."""

    def __getattr__(self, name: str) -> Any:
        import requests

        return getattr(requests, name)


def lean_import() -> bool:
    """Import folium without pandas and requests (the module docstring); ``False`` when folium was
    imported as usual (already imported, pandas already imported, or other threads running)."""
    if "folium" in sys.modules or "pandas" in sys.modules or threading.active_count() > 1:
        return False
    # pandas: folium.utilities has ``except ImportError: pd = None``
    held: dict[str, types.ModuleType | None] = {"pandas": None}
    if "requests" not in sys.modules:
        held["requests"] = types.ModuleType("requests", "stands in while folium is imported")
    sys.modules.update(held)  # type: ignore[arg-type]
    try:
        import folium.features
        import folium.utilities
    except ImportError:
        # a folium that needs one of them after all: forget the half import, then import as usual
        half = [m for m in sys.modules if m.startswith(("folium.", "branca")) or m == "folium"]
        for name in half:
            del sys.modules[name]
        return False
    finally:
        for name, module in held.items():
            if name in sys.modules and sys.modules[name] is module:
                del sys.modules[name]
    folium.utilities.pd = _PandasOnceImported()  # type: ignore[assignment]
    if "requests" in held:
        folium.features.requests = _RequestsOnUse()  # type: ignore[assignment]
    return True


lean_import()

import folium  # noqa: E402  (after lean_import: the module as lean_import left it)

"""The public Python API (``mapper.__all__``) resolves lazily and stays stable after submodules are imported."""

from __future__ import annotations

import subprocess
import sys


def test_public_names_resolve_and_stay_functions() -> None:
    code = (
        "import mapper, mapper.comparison, mapper.gallery, mapper.render, mapper.analysis, mapper.loader\n"
        "for name in mapper.__all__[1:]:\n"
        "    obj = getattr(mapper, name)\n"
        "    assert callable(obj), (name, obj)\n"
        "    assert not isinstance(obj, type(mapper)), (name, 'is a module')\n"
        "df = mapper.compare(['scenarios/western_regions.yaml'])\n"
        "assert list(df.index) == ['west'], df.index\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_import_mapper_is_light() -> None:
    code = "import sys, mapper; print(sorted(m for m in ('numpy', 'folium', 'pandas', 'shapely') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

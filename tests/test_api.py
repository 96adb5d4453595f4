"""The public Python API (``mapper.__all__``) resolves lazily and stays stable after submodules are imported."""

from __future__ import annotations

import sys

from support.cli import run_command


def test_public_names_resolve_and_stay_functions() -> None:
    code = (
        "import mapper, mapper.comparison, mapper.gallery, mapper.render, mapper.analysis, mapper.loader\n"
        'for name in (n for n in mapper.__all__ if n != "__version__"):\n'
        "    obj = getattr(mapper, name)\n"
        "    assert callable(obj), (name, obj)\n"
        "    assert not isinstance(obj, type(mapper)), (name, 'is a module')\n"
        "df = mapper.compare(['scenarios/western_regions.yaml'])\n"
        "assert list(df.index) == ['west'], df.index\n"
        "print('ok')\n"
    )
    out = run_command([sys.executable, "-c", code])
    assert out.exit_code == 0 and out.stdout.strip() == "ok", out


def test_import_mapper_is_light() -> None:
    code = "import sys, mapper; print(sorted(m for m in ('numpy', 'folium', 'pandas', 'shapely') if m in sys.modules))"
    out = run_command([sys.executable, "-c", code])
    assert out.exit_code == 0 and out.stdout.strip() == "[]", out

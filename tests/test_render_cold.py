"""A cold ``mapper render`` pays only for what the map needs (issue #20): folium without pandas and requests
(``mapper.render.foliumlib``), byte-identical pages either way, and both libraries still usable afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "scenarios" / "dnipro_line.yaml"

# renders argv[1] to argv[2] through the command line's own entry, then prints which libraries were imported
_RENDER = """
import sys
{before}
from mapper import cli
try:
    cli.main(["render", sys.argv[1], "-o", sys.argv[2], "--overwrite"])
except SystemExit as exit:
    assert not exit.code, exit.code
print("imported:", *(m for m in ("pandas", "requests", "geopandas", "matplotlib") if m in sys.modules))
"""


def _render(tmp_path: Path, name: str, before: str = "") -> tuple[bytes, set[str]]:
    out = tmp_path / f"{name}.html"
    env = {k: v for k, v in os.environ.items() if k != "MAPPER_NO_PREPARED"}
    done = subprocess.run(
        [sys.executable, "-c", _RENDER.format(before=before), str(EXAMPLE), str(out)],
        capture_output=True,
        text=True,
        env={**env, "MAPPER_CACHE_DIR": str(tmp_path / f"cache-{name}")},
        timeout=300,
        check=True,
    )
    last = done.stdout.splitlines()[-1].split()
    assert last[0] == "imported:", done.stdout
    return out.read_bytes(), set(last[1:])


def test_a_cold_render_imports_no_pandas_requests_or_matplotlib(tmp_path: Path) -> None:
    _, imported = _render(tmp_path, "cold")
    assert imported == set()


def test_the_page_is_the_same_with_folium_imported_as_usual(tmp_path: Path) -> None:
    lean, _ = _render(tmp_path, "lean")
    usual, imported = _render(tmp_path, "usual", before="import pandas, requests")
    assert {"pandas", "requests"} <= imported
    assert lean == usual


_AFTER = """
import sys
from mapper.render import foliumlib
folium = foliumlib.folium
assert "pandas" not in sys.modules and "requests" not in sys.modules
import folium.utilities as fu
assert fu.validate_location([48.0, 32.0]) == [48.0, 32.0]
import numpy as np
assert fu.if_pandas_df_convert_to_numpy(np.array([[1, 2]])).tolist() == [[1, 2]]
import pandas as pd
df = pd.DataFrame([[48.0, 32.0]])
assert fu.pd.DataFrame is pd.DataFrame
assert fu.validate_location(df) == [48.0, 32.0]  # as with pandas imported first
assert fu.if_pandas_df_convert_to_numpy(df).tolist() == [[48.0, 32.0]]
import folium.features as ff
import requests
assert ff.requests.get is requests.get and ff.requests.Session is requests.Session
assert foliumlib.lean_import() is False  # folium is imported: nothing more to do
print("ok")
"""


def test_pandas_and_requests_work_after_the_lean_import() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _AFTER], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@pytest.mark.parametrize(
    "before",
    [
        "import pandas",  # pandas is there already: nothing to gain
        "import threading, time; threading.Thread(target=time.sleep, args=(5,), daemon=True).start()",
    ],
    ids=["pandas imported", "other threads"],
)
def test_folium_is_imported_as_usual_when_holding_back_is_useless_or_unsafe(before: str) -> None:
    code = (
        f"import sys\n{before}\nfrom mapper.render import foliumlib\n"
        "import folium.utilities as fu\n"
        "print(foliumlib.lean_import(), type(fu.pd).__name__, 'pandas' in sys.modules, "
        "'requests' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["False", "module", "True", "True"]


def _tidy_by_regex(html: str) -> str:
    """``page._tidy`` as first written: its definition."""
    import re

    return re.sub(r"[ \t]+\n", "\n", re.sub(r"\n\s*\n+", "\n", html))


def test_tidy_is_the_regex_on_every_short_string() -> None:
    import itertools
    import random

    from mapper.render.page import _tidy

    # spaces, tabs, newlines, other (Unicode) whitespace that \s and str.isspace know, and text
    alphabet = ["a", " ", "\t", "\n", "\r", "\u00a0"]
    for n in range(7):
        for chars in itertools.product(alphabet, repeat=n):
            text = "".join(chars)
            assert _tidy(text) == _tidy_by_regex(text), repr(text)
    more = [*alphabet, "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u3000", "b", "\n"]
    rnd = random.Random(20)
    for _ in range(20_000):
        text = "".join(rnd.choice(more) for _ in range(rnd.randint(0, 40)))
        assert _tidy(text) == _tidy_by_regex(text), repr(text)


def test_a_folium_that_needs_pandas_is_imported_as_usual() -> None:
    """A later folium whose import needs pandas after all: the lean import gives up and folium imports as usual."""
    code = (
        "import sys, importlib.abc\n"
        "class NeedsPandas(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name == 'folium.features' and sys.modules.get('pandas', 0) is None:\n"
        "            raise ImportError('folium.features needs pandas')\n"
        "sys.meta_path.insert(0, NeedsPandas())\n"
        "from mapper.render import foliumlib\n"
        "import folium, folium.utilities as fu\n"
        "print(type(fu.pd).__name__, 'pandas' in sys.modules, hasattr(folium, 'Map'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["module", "True", "True"]

"""Which variants of a parametrized test run in ``make test`` and which only in ``make test-sweeps``.

``make test`` is the quick loop (under 100 s on a 2-core machine); CI runs it and then ``make test-sweeps``, so
every variant runs on every change. A family of variants that exercise one code path with different data (each
example, each hostile string, each tampered field) keeps a few representatives in ``make test``, chosen for what
they cover; the others are marked ``sweep``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pytest


def representatives(
    values: Iterable[Any], keep: Sequence[Any], ids: Callable[[Any], str] | None = None
) -> list[Any]:
    """``values`` as ``pytest.param``s: those equal to one of ``keep`` run in ``make test``, the rest are
    marked ``sweep``. Every entry of ``keep`` must be one of ``values`` (a renamed example fails loudly)."""
    values = list(values)
    missing = [k for k in keep if k not in values]
    if missing:
        raise ValueError(f"representatives not among the values: {missing!r}")
    return [
        pytest.param(v, id=ids(v) if ids else None, marks=() if v in keep else pytest.mark.sweep)
        for v in values
    ]

"""The bundled, dated lines of contact: one module of route data per date, oldest first in ``FRONTS``."""

from __future__ import annotations

from .line_2022_02_23 import FRONT as LINE_2022_02_23
from .line_2022_11_12 import FRONT as LINE_2022_11_12
from .line_2023_12_31 import FRONT as LINE_2023_12_31
from .line_2024_12_31 import FRONT as LINE_2024_12_31
from .line_2025_03 import FRONT as LINE_2025_03

FRONTS = [LINE_2022_02_23, LINE_2022_11_12, LINE_2023_12_31, LINE_2024_12_31, LINE_2025_03]

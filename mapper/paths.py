"""Where the mapper finds its curated data.

The curated layers live in the repository's ``geodata/`` folder (committed, small, rebuilt by ``make geodata``).
``MAPPER_GEODATA`` points elsewhere, e.g. for a non-editable install or a user's own curated set.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent


def geodata_dir() -> Path:
    env = os.environ.get("MAPPER_GEODATA")
    return Path(env) if env else REPO_DIR / "geodata"

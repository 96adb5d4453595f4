"""A scenario that exercises every exposure feature at once (threat with Transnistria, coverage in two countries,
a role-scoped constraint, a ring, a zone by width), shared by the output tests of the exposure numbers."""

from __future__ import annotations

import textwrap

EXPOSURE = textwrap.dedent(
    """\
    format: 1
    id: expo
    title: Exposure
    date: 2025-03-27
    threat: [front_line, occupied, russia, belarus, transnistria]
    coverage: {countries: [UA, MD]}
    constraints:
      min_distance_from_front_km: {km: 80, except_roles: [monitoring]}
    options:
      - id: a
        name: A
        colour: navy
        forces:
          - {name: Kyiv HQ, nation: FR, troops: 1000, at: Kyiv}
          - {name: Monitors, nation: FR, troops: 50, role: monitoring, at: Zaporizhzhia}
          - {name: Odesa air defence, nation: FR, troops: 300, range_km: 200, at: Odesa}
        lines:
          - {name: Route, through: [Odesa, Mykolaiv]}
        zones:
          - {name: DMZ, buffer_of: Route, width_km: 15}
    """
)

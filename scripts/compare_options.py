"""Which deployment option keeps its forces furthest from the front line? A scenario comparison with the library.

    python scripts/compare_options.py [SCENARIO_OR_DIR ...]      (default: the examples in scenarios/)

``mapper.compare`` returns a pandas DataFrame with one row per option and the numbers of ``mapper analyze``.
"""

import sys
from pathlib import Path

import mapper

paths = sys.argv[1:] or [Path(__file__).resolve().parent.parent / "scenarios"]
df = mapper.compare(paths)

# Rank by the distance of each option's nearest force to the front line, furthest first.
df = df.sort_values("min_distance_to_front_km", ascending=False)

for s in df.attrs["scenarios"]:
    print(f"{s['id']}: front line of {s['front_line']['date']}")
print()
print(f"{'option':<12} {'nearest km':>10} {'mean km':>8} {'troops':>7}  name")
for key, row in df.iterrows():
    print(
        f"{key:<12} {row['min_distance_to_front_km']:>10.1f}"
        f" {row['troop_weighted_mean_distance_to_front_km']:>8.1f}"
        f" {row['troops']:>7,}  {row['name']}"
    )

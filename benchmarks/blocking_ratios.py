"""Per-repetition rate ratios of a ``run_blocking.py`` result (the RESULTS.md ratio tables).

    python benchmarks/blocking_ratios.py benchmarks/results/blocking-<stamp>.json [...]

For each workload in the files: the median (min-max) over repetitions of the ratio of two
clients' rates measured in the same repetition (both ran back to back, so load that moves
the absolute rates moves both).
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict

PAIRS = [
    ("snmp_component-blocking", "ezsnmp"),
    ("snmp_component-blocking-shared", "ezsnmp"),
    ("snmp_component-blocking", "gufo-snmp-sync"),
    ("snmp_component-await", "ezsnmp"),
    ("snmp_component-blocking-before", "ezsnmp"),
    ("snmp_component-blocking", "snmp_component-blocking-before"),
]


def main() -> None:
    rates: dict[str, dict[tuple[str, int], dict[str, float]]] = defaultdict(dict)
    for path in sys.argv[1:]:
        with open(path) as f:
            runs = json.load(f)["runs"]
        for run in runs:
            if run.get("wall_s"):
                rep = rates[run["workload"]].setdefault((path, run["rep"]), {})
                rep[run["client"]] = run["ok"] / run["wall_s"]
    for workload, reps in sorted(rates.items()):
        print(f"{workload}:")
        for a, b in PAIRS:
            ratios = sorted(r[a] / r[b] for r in reps.values() if a in r and b in r)
            if ratios:
                med = statistics.median(ratios)
                print(f"  {a} / {b}: {med:.2f} ({ratios[0]:.2f}-{ratios[-1]:.2f}), n={len(ratios)}")


if __name__ == "__main__":
    main()

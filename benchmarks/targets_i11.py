"""Issue 11's target table from result files of ``benchmarks/run.py``.

    python benchmarks/targets_i11.py RUN-v2c.json RUN-v3.json [...]

For each workload and each of our clients (``snmp_component-post``/``-await``, and the
``@base`` rows of a ``SNMPC_BASELINE`` run), the ratios the issue's targets name, each the
median over the repetitions of the ratio measured within one repetition (as the kit does
for xL1/xL2): throughput against L1, L2 and gufo-snmp's asyncio client; W3's wall time
against L1's and gufo's and its peak RSS per target; CPU per request. Prints markdown.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from typing import Any

L1, L2, GUFO = "L1-raw-asyncio", "netsnmp-c-async", "gufo-snmp"
OURS = ("snmp_component-post", "snmp_component-await")
WORKLOADS = ("w1c100", "w1c1", "w2", "w3", "w4c100", "w4c1")


def _rate(run: dict[str, Any]) -> float | None:
    if run.get("skipped") or run.get("failed") or not run.get("wall_s"):
        return None
    count = run.get("varbinds", 0) if run["workload"] == "w2" else run.get("ok", 0)
    return float(count) / float(run["wall_s"])


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def table(paths: list[str]) -> str:
    by: dict[tuple[str, int, str], dict[str, Any]] = {}
    clients: set[str] = set()
    for path in paths:
        with open(path) as f:
            for run in json.load(f)["runs"]:
                by[(run["workload"], run.get("rep", 0), run["client"])] = run
                clients.add(run["client"])
    ours = [c for c in (*OURS, *(f"{c}@base" for c in OURS)) if c in clients]
    lines = [
        "| workload | client | rate | xL1 | xL2 | x gufo | CPU us/req | W3 wall xL1 | "
        "W3 wall x gufo | W3 KB/target |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for wl in WORKLOADS:
        reps = sorted({rep for (w, rep, _) in by if w == wl})
        if not reps:
            continue
        for client in ours:
            ratios: dict[str, list[float]] = defaultdict(list)
            for rep in reps:
                mine = by.get((wl, rep, client))
                rate = _rate(mine) if mine else None
                if mine is None or rate is None:
                    continue
                ratios["rate"].append(rate)
                n = mine.get("varbinds" if wl == "w2" else "ok") or 1
                ratios["cpu"].append(float(mine["cpu_s"]) / n * 1e6)
                for name, peer in (("l1", L1), ("l2", L2), ("gufo", GUFO)):
                    other = by.get((wl, rep, peer))
                    other_rate = _rate(other) if other else None
                    if other is None or not other_rate:
                        continue
                    ratios[name].append(rate / other_rate)
                    if wl == "w3" and name in ("l1", "gufo"):
                        ratios[f"wall_{name}"].append(mine["wall_s"] / other["wall_s"])
                if wl == "w3":
                    ratios["kb"].append((mine["peak_rss_kb"] - mine["base_rss_kb"]) / mine["n"])
            med = {k: _median(v) for k, v in ratios.items()}
            unit = "vb" if wl == "w2" else "req"
            w3 = wl == "w3"
            lines.append(
                f"| {wl} | {client} | {_fmt(med.get('rate'), 0)} | {_fmt(med.get('l1'))} | "
                f"{_fmt(med.get('l2'))} | {_fmt(med.get('gufo'))} | "
                f"{_fmt(med.get('cpu'), 1)} per {unit} | "
                f"{_fmt(med.get('wall_l1')) if w3 else ''} | "
                f"{_fmt(med.get('wall_gufo')) if w3 else ''} | "
                f"{_fmt(med.get('kb'), 1) if w3 else ''} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(sys.argv[1:]))

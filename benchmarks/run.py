"""Run the peer benchmark kit with snmp_component's two clients added, in one run.

    python benchmarks/run.py [--reps 3] [--quick] [--clients a,b] [--workloads w1c100,w2]

Everything after the script name goes to the kit's driver (``../shared/bench/run_peers.py``:
it starts its own agents, pins agent and client to CPUs, runs every client x workload in
fresh processes, interleaved, and prints medians and ratios). Results land in
``benchmarks/results/``. Peers that are not installed are reported as failed rows; the
README's benchmark command installs them first.

Before/after in one run: ``SNMPC_BASELINE=/path/to/an/older/tree`` (e.g. made with
``git archive <commit> | tar -x -C /tmp/base``) adds ``snmp_component-post@base`` and
``snmp_component-await@base``: the same clients importing that tree's package.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
KIT = Path(os.environ.get("BENCH_KIT", HERE.parents[1] / "shared" / "bench"))
sys.path.insert(0, str(KIT))
import run_peers  # noqa: E402  (the peer kit's driver)

OURS = str(HERE / "snmp_component_client.py")


def main() -> None:
    python = run_peers.PY
    run_peers.CLIENTS[:0] = [
        ("snmp_component-post", ["env", "SNMPC_API=post", python, OURS]),
        ("snmp_component-await", ["env", "SNMPC_API=await", python, OURS]),
        ("snmp_component-post-uvloop", ["env", "SNMPC_API=post", "SNMPC_UVLOOP=1", python, OURS]),
    ]
    base = os.environ.get("SNMPC_BASELINE")
    if base:
        old = str(Path(base) / "benchmarks" / "snmp_component_client.py")
        run_peers.CLIENTS[:0] = [
            (
                f"snmp_component-{api}@base",
                ["env", f"SNMPC_API={api}", f"PYTHONPATH={base}", python, old],
            )
            for api in ("post", "await")
        ]
    if not any(arg == "--out" or arg.startswith("--out=") for arg in sys.argv):
        stamp = time.strftime("%Y%m%d-%H%M%S")
        (HERE / "results").mkdir(exist_ok=True)
        sys.argv += ["--out", str(HERE / "results" / f"peers-{stamp}.json")]
    run_peers.main()


if __name__ == "__main__":
    main()

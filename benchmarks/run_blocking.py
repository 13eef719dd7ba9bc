"""Run the blocking API beside the peers' blocking clients, in one run of the kit's driver.

    python benchmarks/run_blocking.py [--reps 3] [--quick] [--workloads w1c1,w1c8t]
                                      [--before DIR] [...]

Clients: ``snmp_component-blocking`` (``benchmarks/blocking_client.py``; 8 threads with a
session each at ``w1c8t``), ``snmp_component-blocking-shared`` (the 8 threads share one
session), ``ezsnmp`` and ``gufo-snmp-sync`` (the kit's blocking peers) and, for reference,
``snmp_component-await`` (the awaitable API on the caller's own loop: the same component
without the thread hand-over); with ``--before DIR`` also ``snmp_component-blocking-before``,
the same client on the package found in ``DIR`` (``PYTHONPATH``; e.g. ``git archive <commit>
snmp_component | tar -x -C DIR``), measured in the same repetitions. Workloads: the kit's
``w1c1`` (1 in flight) and ``w1c8t`` (8 threads, see ``benchmarks/peer_w1c8t.py``);
``w2``/``w4c1`` work for our client only.
Everything after the script name goes to the kit's driver (``../shared/bench/run_peers.py``:
own agent, CPU placement, fresh processes, interleaved repetitions, medians). Results land
in ``benchmarks/results/``.
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

SHIM = str(HERE / "peer_w1c8t.py")


def _take_before() -> str | None:
    """Remove ``--before DIR`` (or ``--before=DIR``) from ``sys.argv``; DIR, or None."""
    for i, arg in enumerate(sys.argv):
        if arg == "--before" and i + 1 < len(sys.argv):
            folder = sys.argv[i + 1]
            del sys.argv[i : i + 2]
            return folder
        if arg.startswith("--before="):
            del sys.argv[i]
            return arg.split("=", 1)[1]
    return None


def main() -> None:
    before = _take_before()
    py = run_peers.PY
    ours, await_client = str(HERE / "blocking_client.py"), str(HERE / "snmp_component_client.py")
    run_peers.CLIENTS[:] = [
        ("snmp_component-blocking", [py, ours]),
        ("snmp_component-blocking-shared", ["env", "SNMPC_SHARED=1", py, ours]),
        ("ezsnmp", [py, SHIM, str(KIT / "ezsnmp_client.py")]),
        ("gufo-snmp-sync", [py, SHIM, str(KIT / "gufo_sync_client.py")]),
        ("snmp_component-await", ["env", "SNMPC_API=await", py, SHIM, await_client]),
    ]
    if before is not None:
        folder = str(Path(before).resolve())
        run_peers.CLIENTS.insert(
            1, ("snmp_component-blocking-before", ["env", f"PYTHONPATH={folder}", py, ours])
        )
    run_peers.WORKLOADS[:] = ["w1c1", "w1c8t", "w2", "w4c1"]
    if not any(arg.startswith("--workloads") for arg in sys.argv):
        sys.argv += ["--workloads", "w1c1,w1c8t"]
    if not any(arg == "--out" or arg.startswith("--out=") for arg in sys.argv):
        stamp = time.strftime("%Y%m%d-%H%M%S")
        (HERE / "results").mkdir(exist_ok=True)
        sys.argv += ["--out", str(HERE / "results" / f"blocking-{stamp}.json")]
    run_peers.main()


if __name__ == "__main__":
    main()

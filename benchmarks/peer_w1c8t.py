"""Run one of the kit's clients with the extra workload ``w1c8t`` (8 requests in flight).

    python benchmarks/peer_w1c8t.py ../shared/bench/ezsnmp_client.py --workload w1c8t

``w1c8t`` is the kit's ``w1`` GET workload with ``conc=8`` (20,000 GETs, ``--quick``
2,000): the kit's blocking clients then run 8 threads with a session each (ezsnmp always
uses 8 threads for ``conc > 1``; gufo_snmp's sync client ``min(100, conc)``), and the
asyncio clients keep 8 requests in flight. ``w1c1`` passes through unchanged. Used by
``benchmarks/run_blocking.py``; the kit's client scripts are loaded as they are.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

KIT = Path(os.environ.get("BENCH_KIT", Path(__file__).resolve().parents[2] / "shared" / "bench"))
sys.path.insert(0, str(KIT))
import common  # noqa: E402  (the peer kit)

W1C8T = "w1c8t"


def add_w1c8t() -> None:
    """Teach the kit's tables the 8-in-flight workload."""
    common.DEFAULT_N.setdefault(W1C8T, common.DEFAULT_N["w1c1"])
    common.QUICK_N.setdefault(W1C8T, common.QUICK_N["w1c1"])
    common.CONC.setdefault(W1C8T, 8)
    if W1C8T not in common.ALL_WORKLOADS:
        common.ALL_WORKLOADS.append(W1C8T)


def main() -> None:
    script = Path(sys.argv.pop(1)).resolve()
    sys.path.insert(0, str(script.parent))
    spec = importlib.util.spec_from_file_location("peer_client", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.argv[0] = str(script)
    spec.loader.exec_module(module)
    add_w1c8t()
    common.main(module.CLIENT, {"w1c1": module.w1, W1C8T: module.w1})


if __name__ == "__main__":
    main()

"""snmp_component's blocking API as a client of the peer benchmark kit (``../shared/bench``).

``snmp_component.blocking.Session``: the calling thread blocks on each request while the
package's background event-loop thread does the I/O.

* ``w1c1``: one session, sequential ``get()`` of sysUpTime.0 (1 in flight), like ezsnmp's
  and gufo_snmp's blocking clients.
* ``w1c8t``: 8 threads, one session each, sequential ``get()`` each (8 in flight), as the
  kit's ezsnmp client runs ``w1c100``. ``SNMPC_SHARED=1``: the 8 threads share one
  session instead (``MaxInFlight=8``).
* ``w2``: ``bulkwalk(0, 25, ".1.3")``; ``w4c1``: SNMPv3 authPriv SHA/AES, 1 in flight.

The kit has no ``w1c8t``; this script adds it (20,000 GETs, ``--quick`` 2,000) and
``benchmarks/run_blocking.py`` runs it beside the peers' blocking clients. Standalone:
``python benchmarks/blocking_client.py --quick --workloads w1c1,w1c8t``.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

KIT = Path(os.environ.get("BENCH_KIT", Path(__file__).resolve().parents[2] / "shared" / "bench"))
sys.path.insert(0, str(KIT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402  (the peer kit)
from peer_w1c8t import W1C8T, add_w1c8t  # noqa: E402

from snmp_component.blocking import Session  # noqa: E402

SHARED = os.environ.get("SNMPC_SHARED") == "1"
CLIENT = "snmp_component-blocking" + ("-shared" if SHARED else "")
UPTIME = "." + common.UPTIME
WALK_ROOT = ".1.3"  # the agent has nothing outside 1.3


def _options(**extra: Any) -> dict[str, Any]:
    return {
        "DestHost": common.AGENT[0],
        "RemotePort": common.AGENT[1],
        "Version": 2,
        "Community": common.COMMUNITY,
        "Timeout": int(common.TIMEOUT * 1e6),
        "Retries": common.RETRIES,
        **extra,
    }


def _v3_options() -> dict[str, Any]:
    return _options(
        Version=3,
        SecName=common.V3_USER,
        SecLevel="authPriv",
        AuthProto="SHA",
        AuthPass=common.V3_AUTH,
        PrivProto="AES",
        PrivPass=common.V3_PRIV,
    )


def _gets(options: dict[str, Any], n: int, conc: int) -> dict[str, Any]:
    """``n`` GETs of sysUpTime.0 from ``conc`` threads (1: the calling thread)."""
    nthreads = min(conc, n)
    if SHARED:
        one = Session(**dict(options, MaxInFlight=nthreads))
        sessions = [one] * nthreads
    else:
        sessions = [Session(**options) for _ in range(nthreads)]
    for s in set(sessions):
        s.get(UPTIME)  # warm-up: loop thread, socket, MIB index, v3 discovery: not timed
    counts = [[0, 0] for _ in range(nthreads)]
    lats: list[list[float]] = [[] for _ in range(nthreads)]
    perf = time.perf_counter

    def run(k: int, m: int) -> None:
        get, count, lat = sessions[k].get, counts[k], lats[k]
        for _ in range(m):
            t0 = perf()
            try:
                get(UPTIME)
                count[0] += 1
            except Exception:
                count[1] += 1
            lat.append(perf() - t0)

    with common.Meter() as meter:
        if nthreads == 1:
            run(0, n)
        else:
            threads = [
                threading.Thread(target=run, args=(k, n // nthreads + (k < n % nthreads)))
                for k in range(nthreads)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
    for s in set(sessions):
        s.close()
    ok = sum(c[0] for c in counts)
    p50, p99 = common.percentiles([x for lat in lats for x in lat])
    note = ""
    if nthreads > 1:
        what = "1 shared Session" if SHARED else "1 Session each"
        note = f"{nthreads} threads, {what} ({nthreads} in flight)"
    return meter.result(ok=ok, errors=n - ok, varbinds=ok, lat_p50_us=p50, lat_p99_us=p99,
                        note=note)  # fmt: skip


def w1(n: int, conc: int) -> dict[str, Any]:
    return _gets(_options(), n, conc)


def w4(n: int, conc: int) -> dict[str, Any]:
    return _gets(_v3_options(), n, conc)


def w2(n: int, conc: int) -> dict[str, Any]:
    with Session(**_options()) as s:
        s.get(UPTIME)
        with common.Meter() as meter:
            (rows,) = s.bulkwalk(0, common.MAX_REP, WALK_ROOT)
    return meter.result(ok=1, errors=0, varbinds=len(rows), note="walk root .1.3")


if __name__ == "__main__":
    add_w1c8t()
    common.main(CLIENT, {"w1c1": w1, W1C8T: w1, "w2": w2, "w4c1": w4})

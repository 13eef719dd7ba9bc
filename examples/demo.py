"""The demo: a POE-style poller printing live interface rates from a loopback agent.

It starts a private net-snmp agent on a free 127.0.0.1 port (no root, no network),
then a poller session walks the interface table every second with ``bulkwalk`` and
prints each interface's traffic rates, for a few seconds, and exits cleanly.

    python examples/demo.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from snmp_component import Event, Kernel, Session, SNMPComponent
from snmp_component.testing import SnmpdAgent

IF_DESCR = ".1.3.6.1.2.1.2.2.1.2"
IF_IN_OCTETS = ".1.3.6.1.2.1.2.2.1.10"
IF_OUT_OCTETS = ".1.3.6.1.2.1.2.2.1.16"


def start(ev: Event) -> None:
    ev.heap["started"] = time.monotonic()
    ev.kernel.yield_("poll")


def poll(ev: Event) -> None:
    ev.kernel.post("agent", "bulkwalk", "on_table", 0, 20, [IF_DESCR, IF_IN_OCTETS, IF_OUT_OCTETS])
    if time.monotonic() - ev.heap["started"] < ev.heap["seconds"]:
        ev.kernel.delay("poll", 1.0)  # POE style: the timer keeps this session alive
    else:
        ev.kernel.post("agent", "finish")


def on_table(ev: Event) -> None:
    request, response = ev.arg0, ev.arg1
    if response.error is not None:
        print(f"{request.host}: {response.error}")
        return
    descr, in_octets, out_octets = response.varlist
    now = time.monotonic()
    last: dict[str, Any] = ev.heap.setdefault("last", {})
    rows = []
    for d, i, o in zip(descr, in_octets, out_octets, strict=True):
        before = last.get(d.name)
        if before is not None:
            elapsed = now - before[0]
            rows.append((d.val, (i.val - before[1]) / elapsed, (o.val - before[2]) / elapsed))
        last[d.name] = (now, i.val, o.val)
    if rows:
        print(f"{'interface':<12} {'in B/s':>12} {'out B/s':>12}   (polled {request.host})")
        for name, rate_in, rate_out in rows:
            print(f"{name:<12} {rate_in:>12.1f} {rate_out:>12.1f}")
        print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    seconds = parser.parse_args().seconds
    with SnmpdAgent() as agent:
        print(f"started a net-snmp agent on 127.0.0.1:{agent.port}\n")
        kernel = Kernel()
        SNMPComponent.create(
            kernel, Alias="agent", DestHost="127.0.0.1", RemotePort=agent.port, Version="2c",
            Community="public", Timeout=500_000, Retries=1,
        )  # fmt: skip
        Session.create(
            kernel,
            inline_states={"_start": start, "poll": poll, "on_table": on_table},
            heap={"seconds": seconds},
        )
        kernel.run()
    print("done: every component finished, run() returned")


if __name__ == "__main__":
    main()

"""The demo: a POE-style poller printing live interface rates from a loopback agent.

It starts a built-in SNMP agent (:class:`~snmp_component.testing.agent.DemoAgent`) on a
free 127.0.0.1 port (no device, no root, no network), then a poller session walks the
interface table every second with ``bulkwalk`` and prints each interface's traffic
rates, for a few seconds, and exits cleanly.  Agent and poller share one event loop.

    python examples/demo.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

from snmp_component import Event, Kernel, Session, SNMPComponent
from snmp_component.testing.agent import DemoAgent

COLUMNS = ("ifDescr", "ifHCInOctets", "ifHCOutOctets")  # names resolve offline


def start(ev: Event) -> None:
    ev.heap["started"] = time.monotonic()
    ev.kernel.yield_("poll")


def poll(ev: Event) -> None:
    ev.kernel.post("agent", "bulkwalk", "on_table", 0, 20, *COLUMNS)
    if time.monotonic() - ev.heap["started"] < ev.heap["seconds"]:
        ev.kernel.delay("poll", 1.0)  # POE style: the timer keeps this session alive
    else:
        ev.kernel.post("agent", "finish")


def rate(octets_per_second: float) -> str:
    """Bits per second, human-readable."""
    bits = octets_per_second * 8
    for unit in ("", "k", "M", "G"):
        if bits < 1000 or unit == "G":
            break
        bits /= 1000
    return f"{bits:,.1f} {unit}bit/s"


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
        before = last.get(d.iid)
        if before is not None:
            elapsed = now - before[0]
            rows.append((d.val, (i.val - before[1]) / elapsed, (o.val - before[2]) / elapsed))
        last[d.iid] = (now, i.val, o.val)
    if rows:
        print(f"t={now - ev.heap['started']:.1f}s  interface rates polled from {request.host}")
        print(f"  {'interface':<10} {'in':>16} {'out':>16}")
        for name, rate_in, rate_out in rows:
            print(f"  {name:<10} {rate(rate_in):>16} {rate(rate_out):>16}")
        print()


async def run(seconds: float) -> None:
    async with DemoAgent() as agent:
        print(f"started the demo agent on 127.0.0.1:{agent.port}\n")
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
        await kernel.run_async()
    print("done: every component finished, run() returned")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    asyncio.run(run(parser.parse_args().seconds))


if __name__ == "__main__":
    main()

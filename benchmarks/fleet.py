"""Fleet scaling: devices polled per second with 1, 2, ... shards, and E(N).

    python benchmarks/fleet.py [--targets 400] [--interval 1] [--cycles 3]
                               [--workers 1 2] [--agents 2]

The targets are loopback agents (127.0.0.2 ...) served by ``--agents`` helper processes
(DemoAgent, pure Python). Each poll is closed-loop: it GETs sysUpTime.0 again and again,
one at a time, for half the interval, and returns how many it got; with the slots spread
over the interval about half the targets are polling at any time, so the shards stay
saturated whatever their speed (an open-loop demand above capacity would only measure
overruns). A device poll is one GET here, so devices polled per second = GETs answered
per second. Prints per N: that rate, CPU per request per shard (process time of the shard
from its first slot to its drain, over its GETs), records that were not ok, and
E(N) = rate(N) / (N x rate(1)).

On a 2-core machine the agents, the shards and the driver share the cores: E(2) there
says how the agents and shards compete, not how shards scale; measure the curve on a
machine with a core per shard and per agent process.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import time
from collections import Counter
from typing import Any

from snmp_component import SNMPSession
from snmp_component.fleet import Fleet
from snmp_component.fleet.farm import AgentFarm


async def poll(budget: float, snmp: SNMPSession) -> int:
    """GETs answered within ``budget`` seconds, one at a time."""
    count = 0
    end = time.monotonic() + budget
    while time.monotonic() < end:
        await snmp.get("sysUpTime.0")
        count += 1
    return count


async def measure(
    targets: list[dict[str, Any]], workers: int, args: argparse.Namespace
) -> dict[str, float]:
    statuses: Counter[str] = Counter()
    gets: Counter[int] = Counter()
    budget = args.interval / 2
    async with Fleet(
        targets, functools.partial(poll, budget), interval=args.interval,
        workers=workers, cycles=args.cycles,
    ) as fleet:  # fmt: skip
        async for record in fleet.results():
            statuses[record.status] += 1
            if record.ok:
                gets[record.shard] += record.value
    cpu = [s[-1]["cpu"] / max(1, gets[shard]) for shard, s in fleet.stats.shard_stats.items()]
    # the last slot ends one interval (plus the budget) after the first cycle started
    seconds = args.cycles * args.interval
    return {
        "rate": sum(gets.values()) / seconds,
        "cpu_us": 1e6 * sum(cpu) / len(cpu),
        "not_ok": sum(statuses.values()) - statuses["ok"],
    }


async def main(args: argparse.Namespace) -> None:
    with AgentFarm(args.targets, processes=args.agents) as farm:
        targets = farm.targets(Timeout=1_000_000, Retries=0)
        print(
            f"{args.targets} targets, closed-loop GETs for {args.interval / 2:g} s of every "
            f"{args.interval:g} s, {args.cycles} cycles, {args.agents} agent processes, "
            f"{os.cpu_count()} CPUs"
        )
        print(f"{'N':>3} {'devices/s':>10} {'CPU us/req/shard':>17} {'not ok':>7} {'E(N)':>6}")
        base = 0.0
        for workers in args.workers:
            got = await measure(targets, workers, args)
            base = base or got["rate"]
            eff = got["rate"] / (workers * base) if base else 0.0
            print(
                f"{workers:>3} {got['rate']:>10.0f} {got['cpu_us']:>17.1f} "
                f"{got['not_ok']:>7.0f} {eff:>6.2f}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="fleet scaling benchmark")
    parser.add_argument("--targets", type=int, default=400)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--agents", type=int, default=2)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    asyncio.run(main(parser.parse_args()))

"""Fleet scaling: devices polled per second with 1, 2, ... shards, and E(N).

    python benchmarks/fleet.py [--targets 400] [--interval 1] [--cycles 3]
                               [--workers 1 2] [--agents 2] [--backend local ray]

The targets are loopback agents (127.0.0.2 ...) served by ``--agents`` helper processes
(DemoAgent, pure Python). Each poll is closed-loop: it GETs sysUpTime.0 again and again,
one at a time, for half the interval, and returns how many it got; with the slots spread
over the interval about half the targets are polling at any time, so the shards stay
saturated whatever their speed (an open-loop demand above capacity would only measure
overruns). A device poll is one GET here, so devices polled per second = GETs answered
per second. Prints per N: that rate, CPU per request per shard (process time of the shard
from its first slot to its drain, over its GETs), records that were not ok, and
E(N) = rate(N) / (N x rate(1)), and the driver's CPU per record. ``--backend ray`` runs
the same shards as actors of a Ray head started on this machine
(:class:`~snmp_component.testing.ray_cluster.RayCluster`); E(N) is against the first row
of the same backend.

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
from snmp_component.testing.ray_cluster import RayCluster


async def poll(budget: float, snmp: SNMPSession) -> int:
    """GETs answered within ``budget`` seconds, one at a time."""
    count = 0
    end = time.monotonic() + budget
    while time.monotonic() < end:
        await snmp.get("sysUpTime.0")
        count += 1
    return count


async def measure(
    targets: list[dict[str, Any]], workers: int, args: argparse.Namespace, address: str | None
) -> dict[str, float]:
    statuses: Counter[str] = Counter()
    gets: Counter[int] = Counter()
    budget = args.interval / 2
    async with Fleet(
        targets, functools.partial(poll, budget), interval=args.interval,
        workers=workers, cycles=args.cycles, backend="ray" if address else "local",
        address=address,
    ) as fleet:  # fmt: skip
        driver_cpu = time.process_time()
        async for record in fleet.results():
            statuses[record.status] += 1
            if record.ok:
                gets[record.shard] += record.value
        driver_cpu = time.process_time() - driver_cpu
    cpu = [s[-1]["cpu"] / max(1, gets[shard]) for shard, s in fleet.stats.shard_stats.items()]
    # the last slot ends one interval (plus the budget) after the first cycle started
    seconds = args.cycles * args.interval
    return {
        "rate": sum(gets.values()) / seconds,
        "cpu_us": 1e6 * sum(cpu) / len(cpu),
        "not_ok": sum(statuses.values()) - statuses["ok"],
        "driver_us": 1e6 * driver_cpu / max(1, sum(statuses.values())),
    }


async def main(args: argparse.Namespace) -> None:
    with AgentFarm(args.targets, processes=args.agents) as farm:
        targets = farm.targets(Timeout=1_000_000, Retries=0)
        print(
            f"{args.targets} targets, closed-loop GETs for {args.interval / 2:g} s of every "
            f"{args.interval:g} s, {args.cycles} cycles, {args.agents} agent processes, "
            f"{os.cpu_count()} CPUs"
        )
        print(
            f"{'backend':>7} {'N':>3} {'devices/s':>10} {'CPU us/req/shard':>17} "
            f"{'not ok':>7} {'E(N)':>6} {'driver us/record':>17}"
        )
        for backend in args.backend:
            if backend == "ray":
                with RayCluster(head_cpus=max(args.workers), node_cpus=0) as cluster:
                    await table(targets, args, backend, cluster.address)
            else:
                await table(targets, args, backend, None)


async def table(
    targets: list[dict[str, Any]], args: argparse.Namespace, backend: str, address: str | None
) -> None:
    base = 0.0
    for workers in args.workers:
        got = await measure(targets, workers, args, address)
        base = base or got["rate"]
        eff = got["rate"] / (workers * base) if base else 0.0
        print(
            f"{backend:>7} {workers:>3} {got['rate']:>10.0f} {got['cpu_us']:>17.1f} "
            f"{got['not_ok']:>7.0f} {eff:>6.2f} {got['driver_us']:>17.1f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="fleet scaling benchmark")
    parser.add_argument("--targets", type=int, default=400)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--agents", type=int, default=2)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--backend", nargs="+", choices=("local", "ray"), default=["local"])
    asyncio.run(main(parser.parse_args()))

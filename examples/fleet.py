"""Poll many devices from one shard process per core: the fleet.

Starts N loopback agents (127.0.0.2, 127.0.0.3, ... in a helper process), then polls
each of them every --interval seconds from --workers shards. Every (target, cycle) gets
exactly one record: the poll's value, its error, or ShardLost/CycleOverrun.

    python examples/fleet.py [--targets 20] [--workers 2] [--interval 1] [--cycles 3]
                             [--ray [--address HEAD:PORT]]

With --ray the shards are Ray actors: of the cluster at --address, or of a two-node Ray
cluster started on this machine for the run (needs ``pip install 'snmp_component[ray]'``).
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from typing import Any

from snmp_component import SNMPSession
from snmp_component.fleet import Fleet
from snmp_component.fleet.farm import AgentFarm


async def poll(snmp: SNMPSession) -> dict[str, Any]:
    """Runs in the shard that owns the target, with that target's long-lived component."""
    (uptime,) = await snmp.get("sysUpTime.0")
    rows = await snmp.get_table("ifXTable", ["ifName", "ifHCInOctets"])
    octets = {row["ifName"]: row["ifHCInOctets"] for row in rows.values()}
    return {"uptime": uptime.val, "in_octets": octets}


async def main(args: argparse.Namespace, farm: AgentFarm, address: str | None) -> None:
    targets = farm.targets(Timeout=500_000, Retries=1)
    per_cycle: dict[int, Counter[str]] = {}
    async with Fleet(targets, poll, interval=args.interval, workers=args.workers,
                     cycles=args.cycles, backend="ray" if args.ray else "local",
                     address=address) as fleet:  # fmt: skip
        nodes = {info["node"] for info in fleet.shard_info().values()}
        first = fleet.targets()[0]
        (name,) = await fleet.request(first, "get", "sysName.0")  # routed to the owner
        print(f"ad hoc on shard {fleet.owner_of(first)}: sysName.0 = {name.val}")
        async for record in fleet.results():
            per_cycle.setdefault(record.cycle, Counter())[record.status] += 1
            if record.ok and record.cycle == 0 and record.target == first:
                print(f"{first[0]} eth0 in: {record.value['in_octets']['eth0']} octets")
    for cycle, counts in sorted(per_cycle.items()):
        failed = sum(counts.values()) - counts["ok"]
        print(f"cycle {cycle}: {counts['ok']} ok, {failed} failed")
    print(f"shards: {fleet.workers}, restarts: {fleet.stats.restarts}")
    print(f"backend: {'ray' if args.ray else 'local'}, nodes: {len(nodes)}")


if __name__ == "__main__":  # required: the shards import this module to find poll()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--ray", action="store_true", help="shards as Ray actors")
    parser.add_argument("--address", help="with --ray: the cluster's head (HOST:PORT)")
    options = parser.parse_args()
    with AgentFarm(options.targets) as agents:
        if options.ray and options.address is None:
            from snmp_component.testing.ray_cluster import RayCluster

            with RayCluster() as cluster:
                asyncio.run(main(options, agents, cluster.address))
        else:
            asyncio.run(main(options, agents, options.address))

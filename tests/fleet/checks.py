"""What the fleet's tests check, from the records and from the agents' request log."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from snmp_component._core import ber
from snmp_component.fleet import Fleet, Record, TargetKey
from snmp_component.fleet.farm import AgentFarm, LogLine
from snmp_component.testing.snmpd import V3_USERS, SnmpdAgent
from tests.fleet import polls

USM_STATS_UNKNOWN_ENGINE_IDS = "1.3.6.1.6.3.15.1.1.4.0"


def one_per_pair(records: list[Record], keys: list[TargetKey], cycles: int) -> None:
    """Exactly one record per (target, cycle), for every target and cycle."""
    pairs = Counter((r.target, r.cycle) for r in records)
    assert max(pairs.values()) == 1, [p for p, n in pairs.items() if n > 1][:5]
    assert set(pairs) == {(k, c) for k in keys for c in range(cycles)}


def requests_between(farm: AgentFarm, start: float, end: float) -> list[LogLine]:
    return [line for line in farm.log_lines() if start <= line[4] <= end]


def ports_by_host(lines: list[LogLine], tag: int = ber.GET_REQUEST) -> dict[str, set[int]]:
    ports: dict[str, set[int]] = defaultdict(set)
    for host, port, pdu, _req, _when in lines:
        if pdu == tag:
            ports[host].add(port)
    return ports


async def wait_for(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


def v3_targets(snmpd: SnmpdAgent) -> list[dict[str, Any]]:
    """One target per SNMPv3 user of the agent (the key includes the user)."""
    targets = []
    for user in V3_USERS:
        options: dict[str, Any] = {
            "DestHost": f"{snmpd.host}:{snmpd.port}", "Version": 3, "SecName": user.name,
            "SecLevel": user.level, "Timeout": 2_000_000, "Retries": 1,
        }  # fmt: skip
        if user.auth_proto is not None:
            options |= {"AuthProto": user.auth_proto, "AuthPass": str(user.auth_pass)}
        if user.priv_proto is not None:
            options |= {"PrivProto": user.priv_proto, "PrivPass": str(user.priv_pass)}
        targets.append(options)
    return targets


def unknown_engine_ids(snmpd: SnmpdAgent) -> int:
    """The agent's usmStatsUnknownEngineIDs: one per engine discovery it answered."""
    done = subprocess.run(
        ["snmpget", "-v2c", "-c", "public", "-Oqv", f"{snmpd.host}:{snmpd.port}",
         USM_STATS_UNKNOWN_ENGINE_IDS],
        capture_output=True, text=True, check=True, timeout=10,
    )  # fmt: skip
    return int(done.stdout)


async def check_v3_affinity(snmpd: SnmpdAgent, **fleet_options: Any) -> None:
    """Per-target SNMPv3 state (engine id, boots/time, keys) stays in the owning shard:
    over 6 cycles, with shard 1 killed in cycle 1, the agent answers exactly one engine
    discovery per target plus one per target of the restarted shard."""
    targets = v3_targets(snmpd)
    before = unknown_engine_ids(snmpd)
    cycles = 6
    async with Fleet(targets, polls.uptime, interval=1.0, workers=2, cycles=cycles,
                     **fleet_options) as fleet:  # fmt: skip
        info = fleet.shard_info()
        assert info[0]["targets"] and info[1]["targets"]
        records: list[Record] = []

        async def consume() -> None:
            records.extend([record async for record in fleet.results()])

        consumer = asyncio.ensure_future(consume())
        await asyncio.sleep(fleet.t0 + 1.5 - time.monotonic())
        os.kill(info[1]["pid"], signal.SIGKILL)
        await consumer
    one_per_pair(records, fleet.targets(), cycles)
    assert fleet.stats.restarts == 1
    assert all(r.ok for r in records if r.cycle == cycles - 1), [r for r in records if not r.ok]
    discoveries = unknown_engine_ids(snmpd) - before
    assert discoveries == len(targets) + len(info[1]["targets"])
